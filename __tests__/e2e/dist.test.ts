/**
 * The committed bundles, run as users run them: `node dist/cli.js` and the
 * action's `node dist/index.js` with INPUT_* variables and the runner's
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, against a real registry. Each
 * under the Node.js running the tests and under the Node.js the action
 * declares (action.yml `runs.using: node24`), which script/setup installs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { accessSync, constants, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  pushImage,
  startRegistry,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'
import { parseOutputs, ROOT, run, runNode } from '../support/run.js'
import { RUN_TIMEOUT_MS } from '../support/timing.js'

/** The Node.js major the action runs under on GitHub: action.yml's `runs.using: nodeNN`. */
const ACTION_NODE = /^\s+using:\s*['"]?node(\d+)['"]?\s*$/m.exec(
  readFileSync(join(ROOT, 'action.yml'), 'utf8')
)?.[1]
/** The exact version script/setup installs from the npm registry (node-<platform>-<arch>). */
const NODE_VERSION = readFileSync(join(ROOT, '.node-version'), 'utf8').trim().replace(/^v/, '')
/** Where script/setup puts it. */
const ACTION_NODE_BIN = join(ROOT, 'node_modules/.cache/node24/node_modules/.bin/node')

/** The Node.js binaries every bundle test runs under. */
const NODES = [
  { label: `the tests' Node.js ${process.version}`, bin: process.execPath },
  {
    label: `the action's Node.js ${NODE_VERSION} (runs.using: node${ACTION_NODE})`,
    bin: ACTION_NODE_BIN
  }
]

/** Fails (never skips) when the action's Node.js is not where script/setup installs it. */
async function expectNode(bin: string): Promise<void> {
  if (bin === process.execPath) return
  const why =
    `the bundles are tested under the Node.js the action runs on (action.yml runs.using: ` +
    `node${ACTION_NODE}). Run script/setup, which installs Node.js ${NODE_VERSION} (.node-version) ` +
    `there from the npm registry.`
  try {
    accessSync(bin, constants.X_OK)
  } catch {
    throw new Error(`No Node.js at ${bin}: ${why}`)
  }
  const version = (await run(bin, ['--version'], { timeout: RUN_TIMEOUT_MS })).stdout.trim()
  if (version !== `v${NODE_VERSION}`) throw new Error(`Node.js ${version} at ${bin}: ${why}`)
}

/** What skopeo's raw bytes hash to: the digest Kubernetes pulls. */
async function skopeoDigest(image: string): Promise<string> {
  const { stdout } = await run(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', `docker://${image}`],
    { encoding: 'buffer', timeout: RUN_TIMEOUT_MS }
  )
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`
}

describe('the Node.js the action declares', () => {
  it('action.yml runs.using and .node-version name the same major', () => {
    expect(ACTION_NODE).toBeDefined()
    expect(NODE_VERSION.split('.')[0]).toBe(ACTION_NODE)
    expect(ACTION_NODE_BIN).toContain(`node${ACTION_NODE}`)
  })
})

describe.each(NODES)('under $label', ({ bin }) => {
  beforeAll(() => expectNode(bin))
  const node = (...[script, args, env, options]: Parameters<typeof runNode>) =>
    runNode(script, args, env, { ...options, node: bin })

  describe('dist/cli.js resolve', () => {
    let reg: RegistryInstance
    let single: PushedImage
    let multi: PushedImage
    beforeAll(async () => {
      reg = await startRegistry({ auth: 'token' })
      single = await pushImage(reg, 'team/app', 'v1')
      multi = await pushImage(reg, 'team/multi', 'v1', {
        platforms: ['linux/amd64', 'linux/arm64']
      })
    })
    afterAll(() => reg.stop())

    it('prints the manifest digest of a single-platform image, as skopeo --raw bytes hash', async () => {
      const ran = await node('dist/cli.js', ['resolve', `${reg.host}/team/app:v1`])
      expect(ran).toMatchObject({ code: 0, stdout: `${reg.host}/team/app:v1@${single.digest}\n` })
      expect(await skopeoDigest(`${reg.host}/team/app:v1`)).toBe(single.digest)
    })

    it('prints the index digest of a multi-platform image, as skopeo --raw bytes hash', async () => {
      const ran = await node('dist/cli.js', ['resolve', `${reg.host}/team/multi:v1`])
      expect(ran).toMatchObject({ code: 0, stdout: `${reg.host}/team/multi:v1@${multi.digest}\n` })
      expect(await skopeoDigest(`${reg.host}/team/multi:v1`)).toBe(multi.digest)
    })

    it('prints one line per image, in order, and JSON with --json', async () => {
      const images = [`${reg.host}/team/multi:v1`, `${reg.host}/team/app:v1`]
      const lines = await node('dist/cli.js', ['resolve', ...images])
      expect(lines.stdout).toBe(`${images[0]}@${multi.digest}\n${images[1]}@${single.digest}\n`)
      const json = await node('dist/cli.js', ['resolve', '--json', images[0]!])
      expect(JSON.parse(json.stdout)).toEqual([
        {
          image: `${reg.host}/team/multi`,
          tag: 'v1',
          digest: multi.digest,
          ref: `${images[0]}@${multi.digest}`,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          kind: 'index',
          platforms: null
        }
      ])
    })

    it.each([
      ['team/app:latest', /Tag "latest" of .* is mutable/],
      ['team/app', /has no tag, which means "latest"/],
      ['team/app:main', /Tag "main" of .* is mutable/]
    ])(
      '%s exits 1, says what to use instead, and the registry sees no request',
      async (path, message) => {
        reg.requests.reset()
        const ran = await node('dist/cli.js', ['resolve', `${reg.host}/${path}`])
        expect(ran.code).toBe(1)
        expect(ran.stdout).toBe('')
        expect(ran.stderr).toMatch(message)
        expect(ran.stderr).toMatch(/immutable tag instead, e\.g\. the commit SHA/)
        expect(reg.requests.count()).toBe(0)
      }
    )

    it('a tag that does not exist exits 1 naming the image and the registry', async () => {
      const ran = await node('dist/cli.js', ['resolve', `${reg.host}/team/app:v404`])
      expect(ran.code).toBe(1)
      expect(ran.stderr).toContain(`Image ${reg.host}/team/app:v404 does not exist in ${reg.host}`)
      expect(ran.stderr).not.toMatch(/\n\s+at /) // no stack trace
    })

    it('--digest cross-checks the build digest', async () => {
      const ok = await node('dist/cli.js', [
        'resolve',
        '--digest',
        single.digest,
        `${reg.host}/team/app:v1`
      ])
      expect(ok.code).toBe(0)
      const moved = await node('dist/cli.js', [
        'resolve',
        '--digest',
        multi.digest,
        `${reg.host}/team/app:v1`
      ])
      expect(moved.code).toBe(1)
      expect(moved.stderr).toMatch(/the tag moved/)
    })

    it.each([
      [['resolve'], /no IMAGE given/],
      [['resolve', '--bogus', 'x:v1'], /Unknown option '--bogus'/],
      [['resolve', '--pin', 'sha', 'x:v1'], /--pin must be one of digest, tag/],
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['resolve', '--registry-username', 'u', 'x:v1'], /needs a password/]
    ])('usage error %j exits 2 with a hint', async (args, message) => {
      const ran = await node('dist/cli.js', args)
      expect(ran.code).toBe(2)
      expect(ran.stderr).toMatch(message)
      expect(ran.stderr).toContain('→')
    })
  })

  describe('dist/cli.js top level', () => {
    it('--version prints the version in package.json (inlined at build time)', async () => {
      const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
        version: string
      }
      expect(await node('dist/cli.js', ['--version'])).toMatchObject({
        code: 0,
        stdout: `${version}\n`
      })
    })

    it('--help prints the overview, not each command’s options', async () => {
      const ran = await node('dist/cli.js', ['--help'])
      expect(ran.code).toBe(0)
      expect(ran.stdout).toContain('Run promote-image COMMAND --help for its options.')
      expect(ran.stdout).not.toContain('Usage: promote-image resolve')
    })
  })

  describe('dist/index.js (the action) in dry run', () => {
    let reg: RegistryInstance
    let multi: PushedImage
    let dir: string
    beforeAll(async () => {
      reg = await startRegistry({ auth: 'token' })
      multi = await pushImage(reg, 'team/multi', 'sha-3f9c2d1', {
        platforms: ['linux/amd64', 'linux/arm64']
      })
      dir = await mkdtemp(join(tmpdir(), 'action-'))
    })
    afterAll(async () => {
      await reg.stop()
      await rm(dir, { recursive: true, force: true })
    })

    async function action(inputs: Record<string, string>) {
      const outputFile = join(dir, `output-${Math.random()}`)
      const summaryFile = join(dir, `summary-${Math.random()}`)
      await writeFile(outputFile, '')
      await writeFile(summaryFile, '')
      const env: NodeJS.ProcessEnv = { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile }
      for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
      const ran = await node('dist/index.js', [], env)
      return {
        ...ran,
        outputs: parseOutputs(await readFile(outputFile, 'utf8')),
        summary: await readFile(summaryFile, 'utf8')
      }
    }

    it('resolves, sets digest, image-ref and images, writes the summary table, exits 0', async () => {
      const image = `${reg.host}/team/multi:sha-3f9c2d1`
      const ran = await action({ image, 'dry-run': 'true', digest: multi.digest })
      expect(ran.code).toBe(0)
      expect(ran.outputs).toMatchObject({
        digest: multi.digest,
        'image-ref': `${image}@${multi.digest}`,
        changed: 'false'
      })
      expect(JSON.parse(ran.outputs.images!)).toEqual([
        {
          image: `${reg.host}/team/multi`,
          tag: 'sha-3f9c2d1',
          digest: multi.digest,
          ref: `${image}@${multi.digest}`
        }
      ])
      expect(ran.summary).toContain('| Image | Tag | Digest | Kind | Pinned reference |')
      expect(ran.summary).toContain(
        `| \`${reg.host}/team/multi\` | \`sha-3f9c2d1\` | \`${multi.digest}\``
      )
      expect(ran.summary).toContain('(dry run)')
    })

    it('fails with an error annotation and no outputs on a mutable tag', async () => {
      reg.requests.reset()
      const ran = await action({ image: `${reg.host}/team/multi:latest`, 'dry-run': 'true' })
      expect(ran.code).toBe(1)
      expect(ran.stdout).toMatch(/::error::Tag "latest" of .* is mutable/)
      expect(ran.outputs).toEqual({})
      expect(reg.requests.count()).toBe(0)
    })

    it.each([
      [{ 'dry-run': 'yes' }, /Input dry-run must be true or false/],
      [{ digest: 'sha256:xyz' }, /Input digest/],
      [{ pin: 'everything' }, /Input pin must be one of digest, tag/]
    ])('refuses bad input %j with a clear message', async (inputs, message) => {
      const ran = await action({ image: `${reg.host}/team/multi:sha-3f9c2d1`, ...inputs })
      expect(ran.code).toBe(1)
      expect(ran.stdout).toMatch(message)
      expect(ran.outputs).toEqual({})
    })
  })
})
