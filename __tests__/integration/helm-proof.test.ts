/**
 * Helm targets as the chart reads them: small charts under __tests__/fixtures/helm, edited by
 * the engine and rendered before and after with the real `helm template` (v4, first on PATH).
 * Helm's rules relied on: values files merge in order over the chart's values.yaml, later wins
 * (pkg/cli/values/options.go MergeValues, pkg/chart/common/util/coalesce.go CoalesceValues); a
 * parent chart's values reach a subchart under its name (same file); dependencies listed in
 * Chart.yaml must be in charts/ (pkg/action CheckDependencies). Label values follow
 * apimachinery's IsValidLabelValue.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { editConfigRepo } from '../../src/engine/edit.js'
import { RenderError } from '../../src/errors.js'
import type { Logger } from '../../src/log/logger.js'
import type { ResolvedImage, VerifyRenderMode } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import { RUN_TIMEOUT_MS, TEST_TIMEOUT_MS } from '../support/timing.js'

const FIXTURES = path.join(import.meta.dirname, '../fixtures/helm')
const DIGEST = `sha256:${'4f1c9a7e'.repeat(8)}`
const HEX = DIGEST.slice('sha256:'.length)

let work: string
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'helm-proof-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

function resolved(input: string, pin: 'digest' | 'tag' = 'digest'): ResolvedImage {
  const reference = parseReference(input)
  return {
    input,
    reference,
    digest: DIGEST,
    pinned: pin === 'digest' ? `${input}@${DIGEST}` : input,
    pin,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'manifest',
    registry: reference.domain ?? 'docker.io'
  }
}

async function fixture(name: string): Promise<string> {
  const root = path.join(work, `${name}-${Math.random().toString(36).slice(2)}`)
  await cp(path.join(FIXTURES, name), root, { recursive: true })
  return root
}

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = []
  const log = (line: string): void => {
    lines.push(line)
  }
  return { lines, debug: () => {}, info: log, warning: log }
}

async function helmTemplate(root: string, chart: string, values: string[]): Promise<string> {
  const args = ['template', 'promote-image', chart, ...values.flatMap(v => ['--values', v])]
  return (
    await promisify(execFile)('helm', args, {
      cwd: root,
      timeout: RUN_TIMEOUT_MS,
      encoding: 'utf8'
    })
  ).stdout
}

interface Promoted {
  readonly case: string
  readonly fixture: string
  readonly target: string
  readonly image: string
  readonly pin?: 'digest' | 'tag'
  /** file → its text after the edit, as an edit of the text before. */
  readonly edits: Record<string, (before: string) => string>
  /** Rendered afterwards with these files, in the repository as written. */
  readonly render: { chart: string; values: string[] }
  readonly renders: string[]
  readonly logs?: RegExp
}

const promoted: Promoted[] = [
  {
    case: 'a plain chart: tag@digest into image.tag',
    fixture: 'plain',
    target: 'helm:charts/shop/values-prod.yaml#image',
    image: 'reg.example/team/shop:v2.0.0',
    edits: {
      'charts/shop/values-prod.yaml': t =>
        t.replace('tag: v1.0.0 # bumped', `tag: v2.0.0@${DIGEST} # bumped`)
    },
    render: { chart: 'charts/shop', values: ['charts/shop/values-prod.yaml'] },
    renders: [`image: "reg.example/team/shop:v2.0.0@${DIGEST}"`]
  },
  {
    case: 'a version label and a `sha` key the chart prefixes itself: the digest goes in bare',
    fixture: 'version-label',
    target: 'helm:envs/prod/values.yaml#image?digest-key=sha&chart=charts/exporter',
    image: 'reg.example/team/exporter:v2.0.0',
    edits: {
      'envs/prod/values.yaml': t =>
        t.replace('tag: v1.0.0', 'tag: v2.0.0').replace('sha: ""', `sha: "${HEX}"`)
    },
    render: { chart: 'charts/exporter', values: ['envs/prod/values.yaml'] },
    renders: [
      'app.kubernetes.io/version: "v2.0.0"',
      `image: "reg.example/team/exporter:v2.0.0@${DIGEST}"`
    ],
    logs: /adds "@sha256:" before image\.sha itself/
  },
  {
    case: 'a version label with pin: tag',
    fixture: 'version-label',
    target: 'helm:envs/prod/values.yaml#image?chart=charts/exporter',
    image: 'reg.example/team/exporter:v2.0.0',
    pin: 'tag',
    edits: { 'envs/prod/values.yaml': t => t.replace('tag: v1.0.0', 'tag: v2.0.0') },
    render: { chart: 'charts/exporter', values: ['envs/prod/values.yaml'] },
    renders: ['app.kubernetes.io/version: "v2.0.0"', 'image: "reg.example/team/exporter:v2.0.0"']
  },
  {
    case: "a tag-only file: repository and digest key from the chart's values.yaml",
    fixture: 'tag-only',
    target: 'helm:charts/api/values-staging.yaml#image',
    image: 'reg.example/team/api:v2.0.0',
    edits: {
      'charts/api/values-staging.yaml': t =>
        t.replace('tag: v1.0.0\n', `tag: v2.0.0\n  digest: ${DIGEST}\n`)
    },
    render: { chart: 'charts/api', values: ['charts/api/values-staging.yaml'] },
    renders: [`image: "reg.example/team/api:v2.0.0@${DIGEST}"`]
  },
  {
    case: 'global.imageRegistry wins over image.registry (bitnami style)',
    fixture: 'global-registry',
    target: 'helm:envs/prod/values.yaml#image?chart=charts/cache',
    image: 'mirror.example/team/cache:v2.0.0',
    edits: {
      'envs/prod/values.yaml': t => t.replace('tag: v1.0.0\n', `tag: v2.0.0\n  digest: ${DIGEST}\n`)
    },
    render: { chart: 'charts/cache', values: ['envs/prod/values.yaml'] },
    renders: [`image: "mirror.example/team/cache:v2.0.0@${DIGEST}"`]
  },
  {
    case: "an umbrella chart's environment file, under the subchart's name",
    fixture: 'umbrella',
    target: 'helm:platform/values-prod.yaml#api.image',
    image: 'reg.example/team/api:v2.0.0',
    edits: {
      'platform/values-prod.yaml': t => t.replace('tag: v1.0.0', `tag: v2.0.0@${DIGEST}`)
    },
    render: { chart: 'platform', values: ['platform/values-prod.yaml'] },
    renders: [`image: "reg.example/team/api:v2.0.0@${DIGEST}"`, 'replicas: 2']
  },
  {
    case: "a subchart's own values.yaml, rendered through the umbrella",
    fixture: 'umbrella',
    target: 'helm:platform/charts/api/values.yaml#image',
    image: 'reg.example/team/api:v0.9.1',
    edits: {
      'platform/charts/api/values.yaml': t => t.replace('tag: v0.9.0', `tag: v0.9.1@${DIGEST}`)
    },
    render: { chart: 'platform', values: [] },
    renders: [`image: "reg.example/team/api:v0.9.1@${DIGEST}"`]
  },
  {
    case: 'files outside the chart: chart= and values= layering',
    fixture: 'layered',
    target: 'helm:envs/prod.yaml#image?chart=charts/web&values=envs/common.yaml',
    image: 'reg.example/team/web:v2.0.0',
    edits: { 'envs/prod.yaml': t => t.replace('tag: v1.0.0', `tag: v2.0.0@${DIGEST}`) },
    render: { chart: 'charts/web', values: ['envs/common.yaml', 'envs/prod.yaml'] },
    renders: [`image: "reg.example/team/web:v2.0.0@${DIGEST}"`]
  }
]

describe('Helm targets promoted, proven with the real helm template', () => {
  it.each(promoted)(
    '$case',
    async c => {
      const root = await fixture(c.fixture)
      const before: Record<string, string> = {}
      for (const file of Object.keys(c.edits))
        before[file] = await readFile(path.join(root, file), 'utf8')
      const logger = recorder()
      const result = await editConfigRepo(
        {
          repoRoot: root,
          targets: [c.target],
          configFile: 'promotion.yaml',
          images: [resolved(c.image, c.pin)],
          verifyRender: 'true',
          dryRun: false
        },
        logger
      )
      expect(result.renders.length).toBeGreaterThan(0)
      expect(result.renders.every(r => r.ok)).toBe(true)
      for (const [file, edit] of Object.entries(c.edits)) {
        expect(await readFile(path.join(root, file), 'utf8')).toBe(edit(before[file]!))
      }
      const rendered = await helmTemplate(root, c.render.chart, c.render.values)
      for (const line of c.renders) expect(rendered).toContain(line)
      expect(rendered).not.toContain('sha256:sha256:')
      if (c.logs) expect(logger.lines.join('\n')).toMatch(c.logs)
    },
    TEST_TIMEOUT_MS
  )
})

interface Refused {
  readonly case: string
  readonly fixture: string
  readonly target: string
  readonly image: string
  readonly verifyRender?: VerifyRenderMode
  readonly says: RegExp[]
  readonly hint: RegExp
}

const refused: Refused[] = [
  {
    case: 'tag@digest copied into app.kubernetes.io/version: refused naming digest-key=sha',
    fixture: 'version-label',
    target: 'helm:envs/prod/values.yaml#image?chart=charts/exporter',
    image: 'reg.example/team/exporter:v2.0.0',
    says: [/label values Kubernetes refuses/, /app\.kubernetes\.io\/version/, /v2\.0\.0@sha256:/],
    hint: /digest-key=sha.*pin: tag/s
  },
  {
    case: 'add-digest-key on a chart that never reads the digest: refused, unpinned',
    fixture: 'no-digest',
    target: 'helm:charts/worker/values-prod.yaml#image?add-digest-key',
    image: 'reg.example/team/worker:v2.0.0',
    says: [/renders the tag without the digest/, /reg\.example\/team\/worker:v2\.0\.0\b/],
    hint: /never read image\.digest: drop add-digest-key/
  },
  {
    case: 'a dependency Chart.yaml lists but charts/ does not hold, with verify-render true',
    fixture: 'unvendored',
    target: 'helm:platform/values-prod.yaml#api.image',
    image: 'reg.example/team/api:v2.0.0',
    says: [/verify-render is true/, /does not hold \(api\)/, /helm dependency build platform/],
    hint: /vendor its dependencies/
  },
  {
    case: 'no Chart.yaml beside or above the values file, with verify-render true',
    fixture: 'layered',
    target: 'helm:envs/prod.yaml#image?values=envs/common.yaml',
    image: 'reg.example/team/web:v2.0.0',
    says: [/no Chart\.yaml beside envs\/prod\.yaml or in a directory above it/, /chart=<dir>/],
    hint: /name it with chart=/
  }
]

describe('Helm edits refused, naming what to use instead; nothing written', () => {
  it.each(refused)(
    '$case',
    async c => {
      const root = await fixture(c.fixture)
      const snapshot = await readAll(root)
      const error = await editConfigRepo(
        {
          repoRoot: root,
          targets: [c.target],
          configFile: 'promotion.yaml',
          images: [resolved(c.image)],
          verifyRender: c.verifyRender ?? 'true',
          dryRun: false
        },
        recorder()
      ).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(error).toBeInstanceOf(RenderError)
      for (const pattern of c.says) expect((error as RenderError).message).toMatch(pattern)
      expect((error as RenderError).hint).toMatch(c.hint)
      expect(await readAll(root)).toEqual(snapshot)
    },
    TEST_TIMEOUT_MS
  )

  it('with verify-render auto, an unvendored dependency skips the proof and says why', async () => {
    const root = await fixture('unvendored')
    const logger = recorder()
    const result = await editConfigRepo(
      {
        repoRoot: root,
        targets: ['helm:platform/values-prod.yaml#api.image'],
        configFile: 'promotion.yaml',
        images: [resolved('reg.example/team/api:v2.0.0')],
        verifyRender: 'auto',
        dryRun: true
      },
      logger
    )
    expect(result.renders).toEqual([])
    expect(logger.lines.join('\n')).toMatch(
      /Render proof skipped for platform\/values-prod\.yaml#api\.image: .*does not hold \(api\)/
    )
  })
})

describe('several images in one chart', () => {
  it("two images promoted in one values file: each one's version label is explained by its own tag", async () => {
    const root = await fixture('duo')
    const result = await editConfigRepo(
      {
        repoRoot: root,
        targets: ['helm:charts/duo/values.yaml#{name}.image'],
        configFile: 'promotion.yaml',
        images: [
          resolved('reg.example/team/api:v2.0.0'),
          resolved('reg.example/team/worker:v3.0.0')
        ],
        verifyRender: 'true',
        dryRun: false
      },
      recorder()
    )
    expect(result.renders.map(r => [r.image, r.ok])).toEqual([
      ['reg.example/team/api:v2.0.0', true],
      ['reg.example/team/worker:v3.0.0', true]
    ])
    const rendered = await helmTemplate(root, 'charts/duo', [])
    expect(rendered).toContain('api-version: "v2.0.0"')
    expect(rendered).toContain('worker-version: "v3.0.0"')
    expect(rendered).toContain(`image: "reg.example/team/worker:v3.0.0@${DIGEST}"`)
  })
})

describe('without a render proof', () => {
  const withoutHelm = (mode: VerifyRenderMode, logger: Logger) =>
    fixture('plain').then(root =>
      editConfigRepo(
        {
          repoRoot: root,
          targets: ['helm:charts/shop/values-prod.yaml#image'],
          configFile: 'promotion.yaml',
          images: [resolved('reg.example/team/shop:v2.0.0')],
          verifyRender: mode,
          dryRun: true,
          env: { PATH: '/nonexistent' }
        },
        logger
      )
    )

  it('no helm on PATH, verify-render true: refused, saying why', async () => {
    await expect(withoutHelm('true', recorder())).rejects.toThrow(
      /verify-render is true, but the Helm target charts\/shop\/values-prod\.yaml#image cannot be rendered: Cannot render Helm: helm is not on PATH/
    )
  })

  it('no helm on PATH, verify-render auto: the proof is skipped and the log says why', async () => {
    const logger = recorder()
    expect((await withoutHelm('auto', logger)).renders).toEqual([])
    expect(logger.lines.join('\n')).toMatch(
      /Render proof skipped for charts\/shop\/values-prod\.yaml#image: Cannot render Helm: helm is not on PATH/
    )
  })

  it('verify-render false: a `sha` key the templates prefix themselves still gets the bare digest', async () => {
    const root = await fixture('version-label')
    const logger = recorder()
    const result = await editConfigRepo(
      {
        repoRoot: root,
        targets: ['helm:envs/prod/values.yaml#image?digest-key=sha&chart=charts/exporter'],
        configFile: 'promotion.yaml',
        images: [resolved('reg.example/team/exporter:v2.0.0')],
        verifyRender: 'false',
        dryRun: false
      },
      logger
    )
    expect(result.renders).toEqual([])
    expect(logger.lines.join('\n')).toMatch(/read from the templates; no render proves it/)
    expect(await readFile(path.join(root, 'envs/prod/values.yaml'), 'utf8')).toContain(
      `sha: "${HEX}"`
    )
    const rendered = await helmTemplate(root, 'charts/exporter', ['envs/prod/values.yaml'])
    expect(rendered).toContain(`image: "reg.example/team/exporter:v2.0.0@${DIGEST}"`)
    expect(rendered).not.toContain('sha256:sha256:')
  })
})

async function readAll(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    out[path.relative(root, file)] = await readFile(file, 'utf8')
  }
  return out
}
