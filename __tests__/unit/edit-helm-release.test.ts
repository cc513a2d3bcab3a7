/**
 * Flux HelmReleases as `helm:<file>#spec.values.<key>` targets: the Helm editor on a
 * HelmRelease file, multi-document included (the document whose image is the promoted
 * repository is edited), and where the chart comes from (helmReleaseCharts, after
 * helm-controller's HelmChartTemplateSpec). The edited values are rendered with the real
 * `helm template` on a local chart, as helm-controller would install them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parseAllDocuments } from 'yaml'
import {
  editHelmValues,
  helmReleaseCharts,
  isHelmReleaseValues,
  readHelmPin,
  type PinRequest
} from '../../src/edit/index.js'
import { EditError } from '../../src/errors.js'
import { canonicalRepository, parseReference } from '../../src/reference/index.js'
import { RUN_TIMEOUT_MS } from '../support/timing.js'

const D = `sha256:${'4f'.repeat(32)}`

function pinOf(image: string): PinRequest {
  const ref = parseReference(image)
  return { repository: canonicalRepository(ref), name: ref.name, tag: ref.tag!, digest: D }
}

const release = (name: string, values: string, chart = './charts/app') => `---
# ${name}, installed by Flux
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
spec:
  interval: 10m
  chart:
    spec:
      chart: ${chart}
      sourceRef:
        kind: GitRepository
        name: config
        namespace: flux-system
  values:
${values}`

const SOURCE = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: config
spec:
  url: https://github.com/acme/config
`

const API = `    image:
      repository: ghcr.io/acme/api
      tag: "v1.3.0" # the running build
`
const WEB = `    image:
      repository: ghcr.io/acme/web
      tag: v2.0.0
`

const CASES: readonly {
  readonly name: string
  readonly image: string
  readonly key: string
  readonly before: string
  readonly after: string
}[] = [
  {
    name: 'one HelmRelease, an image map under spec.values',
    image: 'ghcr.io/acme/api:v1.4.2',
    key: 'spec.values.image',
    before: release('api', API),
    after: release('api', API.replace('"v1.3.0"', `"v1.4.2@${D}"`))
  },
  {
    name: 'a GitRepository and two HelmReleases: only the one of the repository changes',
    image: 'ghcr.io/acme/web:v2.1.0',
    key: 'spec.values.image',
    before: `${SOURCE}${release('api', API)}${release('web', WEB)}`,
    after: `${SOURCE}${release('api', API)}${release('web', WEB.replace('v2.0.0', `v2.1.0@${D}`))}`
  },
  {
    name: 'an image string under spec.values',
    image: 'ghcr.io/acme/api:v1.4.2',
    key: 'spec.values.worker.image',
    before: release('api', '    worker:\n      image: ghcr.io/acme/api:v1.3.0\n'),
    after: release('api', `    worker:\n      image: ghcr.io/acme/api:v1.4.2@${D}\n`)
  }
]

describe('helm: targets on Flux HelmRelease files', () => {
  it.each(CASES)('$name', ({ image, key, before, after }) => {
    const outcome = editHelmValues(before, 'clusters/prod/apps.yaml', pinOf(image), { key })
    expect(outcome.text).toBe(after)
    expect(outcome.changes).toHaveLength(1)
    expect(editHelmValues(after, 'clusters/prod/apps.yaml', pinOf(image), { key }).changes).toEqual(
      []
    )
  })

  it('reads the pin of the repository from its own HelmRelease document', () => {
    const text = CASES[1]!.before
    expect(
      readHelmPin(text, 'apps.yaml', 'ghcr.io/acme/web', { key: 'spec.values.image' })
    ).toEqual({
      repository: 'ghcr.io/acme/web',
      tag: 'v2.0.0',
      digest: undefined,
      file: 'apps.yaml',
      line: 43
    })
    expect(
      readHelmPin(text, 'apps.yaml', 'ghcr.io/acme/api', { key: 'spec.values.image' })?.line
    ).toBe(24)
  })

  it('refuses a HelmRelease file where no document holds the repository, naming what the key holds', () => {
    expect(() =>
      editHelmValues(CASES[1]!.before, 'apps.yaml', pinOf('ghcr.io/acme/worker:v1.0.0'), {
        key: 'spec.values.image'
      })
    ).toThrow(
      new EditError(
        'apps.yaml:24: spec.values.image holds repository ghcr.io/acme/api, not ghcr.io/acme/worker; refusing to point it at another image.'
      )
    )
  })
})

describe('isHelmReleaseValues', () => {
  it.each([
    ['spec.values of a HelmRelease', CASES[1]!.before, 'spec.values.image', true],
    ['a key the HelmRelease lacks', CASES[1]!.before, 'spec.values.nope', false],
    ['a key outside spec.values', CASES[1]!.before, 'spec.chart', false],
    ['a values file', 'spec:\n  values:\n    image: nginx:1\n', 'spec.values.image', false]
  ])('%s', (_name, text, key, expected) => {
    expect(isHelmReleaseValues(text, 'f.yaml', key)).toBe(expected)
  })
})

describe('helmReleaseCharts', () => {
  it('reads the chart and its source of each HelmRelease', () => {
    const text = `${SOURCE}${release('api', API)}---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: redis}
spec:
  chart:
    spec:
      chart: redis
      version: 19.x
      sourceRef: {kind: HelmRepository, name: bitnami}
      valuesFiles: [values.yaml, values-prod.yaml]
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo}
spec:
  chartRef: {kind: OCIRepository, name: podinfo}
`
    expect(helmReleaseCharts(text, 'apps.yaml')).toEqual([
      {
        release: 'api',
        line: 9,
        chart: './charts/app',
        sourceRef: { kind: 'GitRepository', name: 'config', namespace: 'flux-system' },
        path: true,
        valuesFiles: []
      },
      {
        release: 'redis',
        line: 27,
        chart: 'redis',
        sourceRef: { kind: 'HelmRepository', name: 'bitnami' },
        path: false,
        valuesFiles: ['values.yaml', 'values-prod.yaml']
      }
    ])
  })
})

describe('the edited spec.values render the pinned reference with the real helm', () => {
  let chart: string
  beforeAll(async () => {
    chart = await mkdtemp(join(tmpdir(), 'helm-release-chart-'))
    await mkdir(join(chart, 'templates'))
    await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 0.1.0\n')
    await writeFile(join(chart, 'values.yaml'), 'image: {repository: nginx, tag: latest}\n')
    await writeFile(
      join(chart, 'templates/deployment.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: {{ .Release.Name }}}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`
    )
  })
  afterAll(async () => {
    await rm(chart, { recursive: true, force: true })
  })

  /** `helm template` with each HelmRelease's spec.values, as helm-controller passes them. */
  async function render(text: string): Promise<string[]> {
    const images: string[] = []
    for (const doc of parseAllDocuments(text)) {
      const object = doc.toJS() as { kind?: string; spec?: { values?: unknown } }
      if (object?.kind !== 'HelmRelease') continue
      const values = join(chart, `values-${Math.random().toString(36).slice(2)}.json`)
      await writeFile(values, JSON.stringify(object.spec?.values ?? {}))
      const { stdout } = await promisify(execFile)('helm', ['template', 'r', chart, '-f', values], {
        timeout: RUN_TIMEOUT_MS
      })
      for (const out of parseAllDocuments(stdout)) {
        const rendered = out.toJS() as {
          spec?: { template?: { spec?: { containers?: { image: string }[] } } }
        }
        for (const c of rendered?.spec?.template?.spec?.containers ?? []) images.push(c.image)
      }
    }
    return images
  }

  it.each(CASES.slice(0, 2))('$name', async ({ image, key, before }) => {
    const { text } = editHelmValues(before, 'apps.yaml', pinOf(image), { key })
    const was = await render(before)
    const now = await render(text)
    const pinned = `${parseReference(image).name}:${parseReference(image).tag}@${D}`
    expect(now).toContain(pinned)
    expect(now.filter(i => i !== pinned)).toEqual(
      was.filter(i => !i.startsWith(parseReference(image).name))
    )
  })
})
