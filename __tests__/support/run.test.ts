/** Runs end with their children: at their timeout, and when a test's afterEach kills them. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { killRuns, track } from './run.js'
import { scaled } from './timing.js'

/** Alive and not a zombie (a killed child waits for init to reap it). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return stat !== '' && !/^\d+ \(.*\) Z /.test(stat)
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + scaled(10_000)
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${scaled(10_000)} ms`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe('track', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-test-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  /** A shell that starts a long sleep (as a bundle starts git) and waits for it. */
  async function start(name: string, timeout: number) {
    const pidFile = join(dir, name)
    const ended = track('sh', ['-c', `sleep 300 & echo $! > ${pidFile}; wait`], {
      env: { PATH: process.env.PATH },
      timeout
    })
    let pid = 0
    await until(async () => {
      pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'))
      return pid > 0
    }, 'the sleep started')
    expect(await alive(pid)).toBe(true)
    return { ended, pid }
  }

  it.each<[string, number, () => void]>([
    ['at its timeout', scaled(300), () => {}],
    ['by killRuns', scaled(60_000), killRuns]
  ])('a run killed %s takes its children with it', async (_, timeout, kill) => {
    const { ended, pid } = await start(`pid-${timeout}`, timeout)
    kill()
    expect(await ended).toMatchObject({ code: null, signal: 'SIGKILL' })
    await until(async () => !(await alive(pid)), `the run's child ${pid} died`)
  })

  it('a run that ends by itself reports its exit code and output', async () => {
    const ended = await track('sh', ['-c', 'read x; echo "out $x"; echo err >&2; exit 3'], {
      env: { PATH: process.env.PATH },
      timeout: scaled(10_000),
      input: 'in\n'
    })
    expect(ended).toEqual({ code: 3, signal: null, stdout: 'out in\n', stderr: 'err\n' })
  })
})
