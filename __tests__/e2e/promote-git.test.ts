/**
 * `promote-image promote` with the git writer against a real bare repository
 * over file://, as CI would run it: one commit on the base branch per run,
 * and concurrent runs for different images all land, none lost.
 *
 * Every test promotes into a bare repository of its own, cloned from a template
 * built once: what one test pushed (or a timed-out test's runs still push) never
 * reaches another.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import {
  pushImage,
  startRegistry,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'
import { killRuns, runNode, type Ran } from '../support/run.js'
import { scaled } from '../support/timing.js'

const run = promisify(execFile)
const SERVICES = Array.from({ length: 10 }, (_, i) => `svc-${i}`)
/**
 * The 10 concurrent runs: about 20 s measured with two other CPU-bound jobs on a 2-core VM.
 * Each run is killed (with its git) before the test's own bound.
 */
const MANY_RUN_MS = scaled(180_000)
const MANY_TEST_MS = scaled(240_000)

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }))
    .stdout
}

function cli(args: string[], timeout?: number): Promise<Ran> {
  return runNode('dist/cli.js', args, {}, { timeout })
}

/** An overlay of `svc` in `env`: newTag latest, or pinned to a tag and digest. */
function overlay(host: string, svc: string, pin?: { tag: string; digest: string }): string {
  const tag = pin
    ? `newTag: ${pin.tag} # CI moves this\n    digest: ${pin.digest}\n`
    : 'newTag: latest # CI moves this\n'
  return `resources:\n  - ../../base\nimages:\n  - name: ${svc}\n    newName: ${host}/team/${svc}\n    ${tag}`
}

describe('promote over git (file://)', () => {
  let reg: RegistryInstance
  let work: string
  /** Template bare repositories: every overlay at latest, or dev already pinned to v2.0.0. */
  let plain: string
  let devPinned: string
  let repos = 0
  const pushed = new Map<string, PushedImage>()

  /** A bare repository with `files` on main (partial clones allowed, as GitHub does). */
  async function template(name: string, files: Record<string, string>): Promise<string> {
    const seed = join(work, `${name}-seed`)
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(seed, path)), { recursive: true })
      await writeFile(join(seed, path), text)
    }
    await git(seed, 'init', '-q', '-b', 'main')
    await git(seed, 'add', '.')
    await git(
      seed,
      '-c',
      'user.name=seed',
      '-c',
      'user.email=seed@example.com',
      'commit',
      '-qm',
      'initial'
    )
    const bare = join(work, `${name}.git`)
    await git(work, 'clone', '-q', '--bare', seed, bare)
    await git(bare, 'config', 'uploadpack.allowFilter', 'true')
    return bare
  }

  /** This test's own copy of a template (a local clone: hard links, milliseconds). */
  async function configRepo(from = plain): Promise<string> {
    const bare = join(work, `test-${++repos}.git`)
    await git(work, 'clone', '-q', '--bare', from, bare)
    await git(bare, 'config', 'uploadpack.allowFilter', 'true')
    return bare
  }

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
    for (const svc of SERVICES) {
      pushed.set(svc, await pushImage(reg, `team/${svc}`, 'v1.0.0', { seed: svc }))
      pushed.set(`${svc}:v2`, await pushImage(reg, `team/${svc}`, 'v2.0.0', { seed: `${svc}-2` }))
    }
    work = await mkdtemp(join(tmpdir(), 'promote-git-'))
    const files: Record<string, string> = {
      'promotion.yaml':
        'environments:\n' +
        '  dev:\n    mode: push\n    targets:\n      - kustomize: apps/{name}/overlays/dev\n' +
        '  staging:\n    targets:\n      - kustomize: apps/{name}/overlays/staging\n' +
        '  prod:\n    targets:\n      - kustomize: apps/{name}/overlays/prod\n'
    }
    for (const svc of SERVICES) {
      files[`apps/${svc}/base/kustomization.yaml`] = 'resources:\n  - deployment.yaml\n'
      files[`apps/${svc}/base/deployment.yaml`] =
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${svc}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${svc}\n`
      for (const env of ['dev', 'staging', 'prod'])
        files[`apps/${svc}/overlays/${env}/kustomization.yaml`] = overlay(reg.host, svc)
    }
    plain = await template('plain', files)
    const pinned = { ...files }
    for (const svc of SERVICES)
      pinned[`apps/${svc}/overlays/dev/kustomization.yaml`] = overlay(reg.host, svc, {
        tag: 'v2.0.0',
        digest: pushed.get(`${svc}:v2`)!.digest
      })
    devPinned = await template('dev-pinned', pinned)
  })
  // Runs a timed-out test left going die here, with their git, before the next test starts.
  afterEach(killRuns)
  afterAll(async () => {
    await reg?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  const image = (svc: string) => `${reg.host}/team/${svc}:v1.0.0`

  it('lands one commit on the base branch changing only the target lines', async () => {
    const bare = await configRepo()
    const ran = await cli([
      'promote',
      '--config-repo',
      `file://${bare}`,
      '--environment',
      'dev',
      '--image',
      image('svc-0')
    ])
    expect(ran.stderr).not.toMatch(/promote-image:/)
    expect(ran.code).toBe(0)
    const head = (await git(bare, 'rev-parse', 'main')).trim()
    expect(ran.stdout).toBe(`${head} main\n`)
    expect((await git(bare, 'rev-list', '--count', 'main')).trim()).toBe('2')
    expect(await git(bare, 'diff', '--stat', 'main~1', 'main')).toContain(
      'apps/svc-0/overlays/dev/kustomization.yaml | 3 ++-'
    )
    const diff = await git(bare, 'diff', '-U0', 'main~1', 'main')
    expect(diff).toContain('-    newTag: latest # CI moves this')
    expect(diff).toContain('+    newTag: v1.0.0 # CI moves this')
    expect(diff).toContain(`+    digest: ${pushed.get('svc-0')!.digest}`)
    expect(await git(bare, 'log', '-1', '--format=%an <%ae>%n%s', 'main')).toMatch(
      /^github-actions\[bot\] <41898282\+github-actions\[bot\]@users\.noreply\.github\.com>\npromote\(dev\): /
    )
  })

  it('--commit-message is the subject; the changes and trailers follow (no mode in promotion.yaml: push)', async () => {
    const bare = await configRepo()
    const ran = await cli([
      'promote',
      '--config-repo',
      `file://${bare}`,
      '--environment',
      'staging',
      '--image',
      image('svc-5'),
      '--commit-message',
      'chore(deploy): bump {name} to {tag}'
    ])
    expect(ran.stderr).not.toMatch(/promote-image:/)
    expect(ran.code).toBe(0)
    const head = (await git(bare, 'rev-parse', 'main')).trim()
    expect(ran.stdout).toBe(`${head} main\n`)
    const message = await git(bare, 'log', '-1', '--format=%B', 'main')
    const file = 'apps/svc-5/overlays/staging/kustomization.yaml'
    expect(message).toBe(
      [
        'chore(deploy): bump svc-5 to v1.0.0',
        '',
        `- ${file}:6 images[0].newTag: latest → v1.0.0`,
        `- ${file}:7 images[0].digest: (none) → ${pushed.get('svc-5')!.digest}`,
        '',
        `Promoted-Image: ${image('svc-5')}@${pushed.get('svc-5')!.digest}`,
        '',
        ''
      ].join('\n')
    )
  })

  it('a rerun changes nothing and commits nothing', async () => {
    const bare = await configRepo()
    const promote = ['promote', '--config-repo', bare, '--environment', 'dev', '--image']
    const first = await cli([...promote, image('svc-0')])
    expect(first.stderr).not.toMatch(/promote-image:/)
    expect(first.code).toBe(0)
    const before = (await git(bare, 'rev-parse', 'main')).trim()
    const ran = await cli([...promote, image('svc-0')])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toBe('Nothing to change on main: every target already pins these images.\n')
    expect((await git(bare, 'rev-parse', 'main')).trim()).toBe(before)
  })

  it('--dry-run prints the diff and pushes nothing', async () => {
    const bare = await configRepo()
    const before = (await git(bare, 'rev-parse', 'main')).trim()
    const ran = await cli([
      'promote',
      '--config-repo',
      bare,
      '--environment',
      'dev',
      '--image',
      image('svc-1'),
      '--dry-run'
    ])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('+++ b/apps/svc-1/overlays/dev/kustomization.yaml')
    expect((await git(bare, 'rev-parse', 'main')).trim()).toBe(before)
  })

  it(
    '10 runs started at once for 10 different images all land, none lost',
    async () => {
      const bare = await configRepo()
      const before = Number((await git(bare, 'rev-list', '--count', 'main')).trim())
      const runs = await Promise.all(
        SERVICES.map(svc =>
          cli(
            [
              'promote',
              '--config-repo',
              `file://${bare}`,
              '--environment',
              'dev',
              '--image',
              `${reg.host}/team/${svc}:v2.0.0`
            ],
            MANY_RUN_MS
          )
        )
      )
      expect(runs.map(r => (r.code ? r.stderr.split('\n')[0] : ''))).toEqual(SERVICES.map(() => ''))
      expect(Number((await git(bare, 'rev-list', '--count', 'main')).trim())).toBe(
        before + SERVICES.length
      )
      for (const svc of SERVICES) {
        const text = await git(bare, 'show', `main:apps/${svc}/overlays/dev/kustomization.yaml`)
        expect(text).toContain('newTag: v2.0.0 # CI moves this')
        expect(text).toContain(`digest: ${pushed.get(`${svc}:v2`)!.digest}`)
      }
    },
    MANY_TEST_MS
  )

  it("--from-environment writes the source environment's exact tag and digest", async () => {
    const bare = await configRepo(devPinned)
    const ran = await cli([
      'promote',
      '--config-repo',
      bare,
      '--environment',
      'prod',
      '--from-environment',
      'dev',
      '--image',
      `${reg.host}/team/svc-3`
    ])
    expect(ran.stderr).not.toMatch(/promote-image:/)
    expect(ran.code).toBe(0)
    const text = await git(bare, 'show', 'main:apps/svc-3/overlays/prod/kustomization.yaml')
    expect(text).toContain(
      `newTag: v2.0.0 # CI moves this\n    digest: ${pushed.get('svc-3:v2')!.digest}`
    )
    expect(await git(bare, 'diff', '--name-only', 'main~1', 'main')).toBe(
      'apps/svc-3/overlays/prod/kustomization.yaml\n'
    )
  })

  it('--from-environment refuses a source that still runs latest, and pushes nothing', async () => {
    const bare = await configRepo(devPinned)
    const before = (await git(bare, 'rev-parse', 'main')).trim()
    const ran = await cli([
      'promote',
      '--config-repo',
      bare,
      '--environment',
      'prod',
      '--from-environment',
      'staging',
      '--image',
      `${reg.host}/team/svc-4`
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(
      /staging is not pinned for .*team\/svc-4: apps\/svc-4\/overlays\/staging\/kustomization\.yaml:\d+ has tag latest and no digest/
    )
    expect((await git(bare, 'rev-parse', 'main')).trim()).toBe(before)
  })

  it('--from-environment without --image promotes every image the source pins, in one commit', async () => {
    const bare = await configRepo(devPinned)
    const ran = await cli([
      'promote',
      '--config-repo',
      bare,
      '--environment',
      'prod',
      '--from-environment',
      'dev'
    ])
    expect(ran.stderr).not.toMatch(/promote-image:/)
    expect(ran.code).toBe(0)
    const changed = (await git(bare, 'diff', '--name-only', 'main~1', 'main')).trim().split('\n')
    expect(changed).toEqual(SERVICES.map(s => `apps/${s}/overlays/prod/kustomization.yaml`))
    expect((await git(bare, 'rev-list', '--count', 'main')).trim()).toBe('2')
    for (const svc of SERVICES) {
      expect(
        await git(bare, 'show', `main:apps/${svc}/overlays/prod/kustomization.yaml`)
      ).toContain(`digest: ${pushed.get(`${svc}:v2`)!.digest}`)
    }
  })

  it('refuses a config repo that does not exist, clearly', async () => {
    const ran = await cli([
      'promote',
      '--config-repo',
      join(work, 'missing.git'),
      '--environment',
      'dev',
      '--image',
      image('svc-0')
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(/Cannot clone the config repository/)
  })
})
