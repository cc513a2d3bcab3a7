/**
 * `promote-image edit` on Helm targets as users run it (the dist bundle), against a real
 * registry and the real `helm template`: a chart that copies image.tag into
 * app.kubernetes.io/version and adds `@sha256:` before its `sha` key itself (the
 * kube-prometheus-stack layout). Its fixture is __tests__/fixtures/helm/version-label.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  pushImage,
  startRegistry,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'
import { ROOT, run, runNode, type Ran } from '../support/run.js'
import { RUN_TIMEOUT_MS } from '../support/timing.js'

const FIXTURE = join(ROOT, '__tests__/fixtures/helm/version-label')

function cli(args: string[]): Promise<Ran> {
  return runNode('dist/cli.js', args)
}

async function helmTemplate(repo: string): Promise<string> {
  const args = ['template', 'x', 'charts/exporter', '--values', 'envs/prod/values.yaml']
  return (await run('helm', args, { cwd: repo, timeout: RUN_TIMEOUT_MS })).stdout
}

/** Every file of a tree and its sha256: proof that nothing else changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out[path.slice(dir.length + 1)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex')
  }
  return out
}

describe('edit on a chart with a version label and a `sha` digest key (real helm)', () => {
  let reg: RegistryInstance
  let pushed: PushedImage
  let work: string
  let repo: string
  let image: string
  const values = (): string => join(repo, 'envs/prod/values.yaml')

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
    pushed = await pushImage(reg, 'team/exporter', 'v2.0.0', { platforms: ['linux/amd64'] })
    image = `${reg.host}/team/exporter:v2.0.0`
    work = await mkdtemp(join(tmpdir(), 'edit-helm-e2e-'))
  })
  afterAll(async () => {
    await reg.stop()
    await rm(work, { recursive: true, force: true })
  })
  beforeEach(async () => {
    repo = join(work, `config-${Math.random().toString(36).slice(2)}`)
    await cp(FIXTURE, repo, { recursive: true })
    // The fixture names reg.example; this run's registry is local.
    for (const file of ['charts/exporter/values.yaml', 'envs/prod/values.yaml']) {
      const path = join(repo, file)
      await writeFile(path, (await readFile(path, 'utf8')).replaceAll('reg.example', reg.host))
    }
  })

  it('digest-key=sha: writes the digest without "sha256:", and helm renders one valid pinned reference', async () => {
    const ran = await cli([
      'edit',
      '--dir',
      repo,
      '--image',
      image,
      '--verify-render',
      'true',
      '--target',
      'helm:envs/prod/values.yaml#image?digest-key=sha&chart=charts/exporter'
    ])
    expect(ran.stderr).toContain('adds "@sha256:" before image.sha itself')
    expect(ran.code).toBe(0)
    const hex = pushed.digest.slice('sha256:'.length)
    expect(await readFile(values(), 'utf8')).toBe(
      `image:\n  repository: ${reg.host}/team/exporter\n  tag: v2.0.0\n  sha: "${hex}"\n`
    )
    expect(ran.stdout).toMatch(new RegExp(`envs/prod/values\\.yaml:4: image\\.sha: .*→ ${hex}\n`))
    const rendered = await helmTemplate(repo)
    expect(rendered).toContain(`image: "${image}@${pushed.digest}"`)
    expect(rendered).toContain('app.kubernetes.io/version: "v2.0.0"')
    expect(rendered).not.toContain('sha256:sha256:')
  })

  it.each([
    [
      'inline',
      ['--target', 'helm:envs/prod/values.yaml#image?chart=charts/exporter'],
      'digest-key=sha'
    ],
    ['promotion.yaml', ['--environment', 'prod'], 'digest-key: sha']
  ])(
    'without digest-key (%s): tag@digest would land in the version label, refused naming digest-key, nothing written',
    async (_how, args, named) => {
      await writeFile(
        join(repo, 'promotion.yaml'),
        'environments:\n  prod:\n    targets:\n      - helm: envs/prod/values.yaml\n        key: image\n        chart: charts/exporter\n'
      )
      const before = await snapshot(repo)
      const ran = await cli(['edit', '--dir', repo, '--image', image, ...args])
      expect(ran.code).toBe(1)
      expect(ran.stderr).toContain('label values Kubernetes refuses')
      expect(ran.stderr).toContain(`app.kubernetes.io/version"] = "v2.0.0@${pushed.digest}"`)
      expect(ran.stderr).toContain(named)
      expect(ran.stderr).toContain('pin: tag')
      expect(await snapshot(repo)).toEqual(before)
    }
  )
})
