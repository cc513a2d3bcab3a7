/**
 * Bounded everything, through the committed bundle (`node dist/cli.js`): a user regex that
 * backtracks exponentially in JavaScript answers at once (RE2), and `verify --timeout` holds
 * against a server that drips its answer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'
import { startDripServer, type DripServer } from '../support/drip.js'
import { runNode } from '../support/run.js'
import { scaled } from '../support/timing.js'

/** Node's own start-up plus the bundle's load, on a loaded machine, is not the regex's time. */
const START_SLACK_MS = scaled(3000)

describe('dist/cli.js: allow-tags runs in linear time', () => {
  let reg: RegistryInstance
  /** 60 characters; JavaScript's RegExp backtracks exponentially on (a+)+$ against it. */
  const tag = `${'a'.repeat(59)}_`
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
    await pushImage(reg, 'team/app', tag)
  })
  afterAll(() => reg.stop())

  /** How long the bundle takes for a plain resolve of the same image: the baseline. */
  async function baseline(): Promise<number> {
    const started = Date.now()
    const ran = await runNode('dist/cli.js', ['resolve', `${reg.host}/team/app:${tag}`])
    expect(ran.code).toBe(0)
    return Date.now() - started
  }

  it("resolve --allow-tags '(a+)+$' with a 60-character tag answers within a second of a plain resolve", async () => {
    const plain = await baseline()
    // The refusal is the slow case for a backtracking engine; the match checks the success path.
    for (const [pattern, code] of [
      ['(a+)+$', 1],
      ['(a+)+_', 0]
    ] as const) {
      const started = Date.now()
      const ran = await runNode(
        'dist/cli.js',
        ['resolve', '--allow-tags', pattern, `${reg.host}/team/app:${tag}`],
        {},
        { timeout: scaled(60_000) }
      )
      const elapsed = Date.now() - started
      expect(ran.code).toBe(code)
      if (code === 1) {
        expect(ran.stderr).toContain(`does not match --allow-tags /${pattern}/`)
      } else {
        expect(ran.stdout).toMatch(
          new RegExp(`^${reg.host}/team/app:${tag}@sha256:[0-9a-f]{64}\\n$`)
        )
      }
      expect(elapsed).toBeLessThan(Math.max(plain, START_SLACK_MS) + scaled(1000))
    }
  })

  it('lookaround is an input error naming --allow-tags, the pattern and RE2 (exit 2)', async () => {
    const ran = await runNode('dist/cli.js', [
      'resolve',
      '--allow-tags',
      '(?!dev)\\w+',
      `${reg.host}/team/app:${tag}`
    ])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain(
      '--allow-tags is not a valid regular expression in RE2 syntax: "(?!dev)\\\\w+"'
    )
    expect(ran.stderr).toContain('lookaround')
  })
})

describe('dist/cli.js verify --timeout against a server that drips its headers', () => {
  const TIMEOUT_SECONDS = 3
  let drip: DripServer
  beforeAll(async () => {
    drip = await startDripServer('headers', 200)
  })
  afterAll(() => drip.close())

  it('exits 1 within a few seconds of the timeout, naming the host and the deadline', async () => {
    const started = Date.now()
    const ran = await runNode(
      'dist/cli.js',
      [
        'verify',
        '--argocd-server',
        drip.url,
        '--application',
        'api',
        '--timeout',
        String(TIMEOUT_SECONDS)
      ],
      { ARGOCD_AUTH_TOKEN: 't0ken' },
      { timeout: scaled(60_000) }
    )
    const elapsed = Date.now() - started
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      `no answer within ${TIMEOUT_SECONDS} s from ${drip.host} (headers and body)`
    )
    expect(ran.stderr).not.toContain('t0ken')
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000)
    expect(elapsed).toBeLessThan(TIMEOUT_SECONDS * 1000 + START_SLACK_MS)
  })
})
