/**
 * The Argo CD Application editor (edit/argocd.ts). `kustomize.images` entries are what
 * argo-cd's util/kustomize/kustomize.go `Build` passes to `kustomize edit set image`, parsed by
 * kustomize/commands/edit/set/setimage.go `parse` (`[name=]newName[:tag][@digest]`);
 * `helm.parameters` are `--set` pairs; `helm.valuesObject` is values inline. The Helm cases are
 * proven with the real `helm template`: the parameters and values written render exactly the
 * pinned reference.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parseAllDocuments } from 'yaml'
import {
  argoRepositories,
  editArgoApplication,
  readArgoPin,
  type PinRequest
} from '../../src/edit/index.js'
import { EditError } from '../../src/errors.js'
import { canonicalRepository, parseReference } from '../../src/reference/index.js'
import { RUN_TIMEOUT_MS } from '../support/timing.js'

const D = `sha256:${'4f'.repeat(32)}`
const OLD = `sha256:${'a1'.repeat(32)}`

function pinOf(image: string, digest: string | null = D): PinRequest {
  const ref = parseReference(image)
  return {
    repository: canonicalRepository(ref),
    name: ref.name,
    tag: ref.tag!,
    digest: digest ?? undefined
  }
}

const header = (kind = 'Application') => `apiVersion: argoproj.io/v1alpha1
kind: ${kind}
metadata:
  name: api
`

const CASES: readonly {
  readonly name: string
  readonly tagOnly?: boolean
  readonly before: string
  readonly after: string
}[] = [
  {
    name: 'kustomize.images: name=newName:tag, a bare repo:tag, a repo@digest; other images and substitutions left',
    before: `${header()}spec:
  source:
    repoURL: https://github.com/acme/config
    path: apps/api
    kustomize:
      images:
        - api=ghcr.io/acme/api:v1.3.0 # renamed from the base's "api"
        - "ghcr.io/acme/api:v1.3.0"
        - ghcr.io/acme/api@${OLD}
        - ghcr.io/acme/web:v9
        - ghcr.io/acme/api:$ARGOCD_APP_REVISION
`,
    after: `${header()}spec:
  source:
    repoURL: https://github.com/acme/config
    path: apps/api
    kustomize:
      images:
        - api=ghcr.io/acme/api:v1.4.2@${D} # renamed from the base's "api"
        - "ghcr.io/acme/api:v1.4.2@${D}"
        - ghcr.io/acme/api:v1.4.2@${D}
        - ghcr.io/acme/web:v9
        - ghcr.io/acme/api:$ARGOCD_APP_REVISION
`
  },
  {
    name: 'helm.parameters with a digest parameter, in spec.sources[]',
    before: `${header()}spec:
  sources:
    - repoURL: https://charts.acme.io
      chart: api
      helm:
        parameters:
          - name: image.repository
            value: ghcr.io/acme/api
          - name: image.tag
            value: 'v1.3.0'
          - name: image.digest
            value: ""
          - name: replicaCount
            value: "2"
`,
    after: `${header()}spec:
  sources:
    - repoURL: https://charts.acme.io
      chart: api
      helm:
        parameters:
          - name: image.repository
            value: ghcr.io/acme/api
          - name: image.tag
            value: 'v1.4.2'
          - name: image.digest
            value: "${D}"
          - name: replicaCount
            value: "2"
`
  },
  {
    name: 'helm.parameters: registry + repository, no digest parameter (tag@digest), and a whole-reference parameter',
    before: `${header()}spec:
  source:
    chart: api
    helm:
      parameters:
        - {name: api.image.registry, value: ghcr.io}
        - {name: api.image.repository, value: acme/api}
        - {name: api.image.tag, value: v1.3.0}
        - {name: migrations.image, value: ghcr.io/acme/api:v1.3.0}
`,
    after: `${header()}spec:
  source:
    chart: api
    helm:
      parameters:
        - {name: api.image.registry, value: ghcr.io}
        - {name: api.image.repository, value: acme/api}
        - {name: api.image.tag, value: v1.4.2@${D}}
        - {name: migrations.image, value: ghcr.io/acme/api:v1.4.2@${D}}
`
  },
  {
    name: "helm.parameters image.name + image.tag (argocd-image-updater's names); a lone serviceAccount.name is no image",
    before: `${header()}spec:
  source:
    chart: api
    helm:
      parameters:
        - {name: serviceAccount.name, value: api}
        - {name: image.name, value: ghcr.io/acme/api}
        - {name: image.tag, value: v1.3.0}
`,
    after: `${header()}spec:
  source:
    chart: api
    helm:
      parameters:
        - {name: serviceAccount.name, value: api}
        - {name: image.name, value: ghcr.io/acme/api}
        - {name: image.tag, value: v1.4.2@${D}}
`
  },
  {
    name: 'helm.valuesObject: an image map and an image string',
    before: `${header()}spec:
  source:
    chart: api
    helm:
      valuesObject:
        image:
          repository: ghcr.io/acme/api
          tag: v1.3.0 # keep in step with the chart
        jobs:
          - name: report
            image: ghcr.io/acme/api:v1.3.0
`,
    after: `${header()}spec:
  source:
    chart: api
    helm:
      valuesObject:
        image:
          repository: ghcr.io/acme/api
          tag: v1.4.2@${D} # keep in step with the chart
        jobs:
          - name: report
            image: ghcr.io/acme/api:v1.4.2@${D}
`
  },
  {
    name: 'an ApplicationSet template: templated entries left, the literal one pinned',
    before: `${header('ApplicationSet')}spec:
  generators:
    - list: {elements: [{env: dev}]}
  template:
    metadata:
      name: 'api-{{env}}'
    spec:
      source:
        kustomize:
          images:
            - 'ghcr.io/acme/{{env}}-api:latest'
            - ghcr.io/acme/api:v1.3.0
`,
    after: `${header('ApplicationSet')}spec:
  generators:
    - list: {elements: [{env: dev}]}
  template:
    metadata:
      name: 'api-{{env}}'
    spec:
      source:
        kustomize:
          images:
            - 'ghcr.io/acme/{{env}}-api:latest'
            - ghcr.io/acme/api:v1.4.2@${D}
`
  },
  {
    name: 'two Applications in one file, both pinned',
    before: `${header()}spec:
  source:
    kustomize:
      images: [ghcr.io/acme/api:v1.3.0]
---
${header()}spec:
  source:
    kustomize:
      images: [api=ghcr.io/acme/api:v1.3.0]
`,
    after: `${header()}spec:
  source:
    kustomize:
      images: [ghcr.io/acme/api:v1.4.2@${D}]
---
${header()}spec:
  source:
    kustomize:
      images: [api=ghcr.io/acme/api:v1.4.2@${D}]
`
  },
  {
    name: 'pin tag: stale digests go from kustomize images and the digest parameter',
    tagOnly: true,
    before: `${header()}spec:
  sources:
    - kustomize:
        images:
          - ghcr.io/acme/api:v1.3.0@${OLD}
    - helm:
        parameters:
          - name: image.repository
            value: ghcr.io/acme/api
          - name: image.tag
            value: v1.3.0
          - name: image.digest
            value: ${OLD}
`,
    after: `${header()}spec:
  sources:
    - kustomize:
        images:
          - ghcr.io/acme/api:v1.4.2
    - helm:
        parameters:
          - name: image.repository
            value: ghcr.io/acme/api
          - name: image.tag
            value: v1.4.2
          - name: image.digest
            value: ""
`
  }
]

describe('editArgoApplication', () => {
  it.each(CASES)('$name', ({ before, after, tagOnly }) => {
    const pin = pinOf('ghcr.io/acme/api:v1.4.2', tagOnly ? null : D)
    const outcome = editArgoApplication(before, 'argocd/api.yaml', pin)
    expect(outcome.text).toBe(after)
    expect(outcome.changes.length).toBeGreaterThan(0)
    expect(editArgoApplication(after, 'argocd/api.yaml', pin)).toEqual({ text: after, changes: [] })
  })

  it('reports each change with line, path, old and new', () => {
    const outcome = editArgoApplication(
      CASES[1]!.before,
      'argocd/api.yaml',
      pinOf('ghcr.io/acme/api:v1.4.2')
    )
    expect(outcome.changes).toEqual([
      {
        file: 'argocd/api.yaml',
        line: 14,
        path: 'spec.sources[0].helm.parameters[1].value',
        old: 'v1.3.0',
        new: 'v1.4.2'
      },
      {
        file: 'argocd/api.yaml',
        line: 16,
        path: 'spec.sources[0].helm.parameters[2].value',
        old: '',
        new: D
      }
    ])
  })

  it.each([
    [
      'a file without an Application',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n',
      'argocd/api.yaml: no Argo CD Application or ApplicationSet (apiVersion argoproj.io/…) in it.'
    ],
    [
      'an Application that does not set the image, naming what it sets',
      CASES[0]!.before.replaceAll('acme/api', 'acme/other'),
      'argocd/api.yaml: no source sets the image ghcr.io/acme/api; it sets ghcr.io/acme/other (spec.source.kustomize.images[0]), ghcr.io/acme/other (spec.source.kustomize.images[1]), ghcr.io/acme/other (spec.source.kustomize.images[2]), ghcr.io/acme/web (spec.source.kustomize.images[3]).'
    ],
    [
      'a repository parameter without a tag parameter',
      `${header()}spec:\n  source:\n    helm:\n      parameters:\n        - {name: image.repository, value: ghcr.io/acme/api}\n`,
      'argocd/api.yaml:9: the helm parameter spec.source.helm.parameters[0] sets the repository ghcr.io/acme/api, but no ".tag" parameter beside it sets its tag.'
    ]
  ])('refuses %s', (_name, text, message) => {
    expect(() =>
      editArgoApplication(text, 'argocd/api.yaml', pinOf('ghcr.io/acme/api:v1.4.2'))
    ).toThrow(new EditError(message))
  })
})

describe('readArgoPin and argoRepositories', () => {
  it.each([
    [
      CASES[0]!.before,
      { repository: 'ghcr.io/acme/api', tag: 'v1.3.0', digest: undefined, line: 11 }
    ],
    [
      CASES[1]!.before,
      { repository: 'ghcr.io/acme/api', tag: 'v1.3.0', digest: undefined, line: 12 }
    ],
    [CASES[7]!.before, { repository: 'ghcr.io/acme/api', tag: 'v1.3.0', digest: OLD, line: 9 }]
  ])('reads the first override of the repository (%#)', (text, expected) => {
    expect(readArgoPin(text, 'a.yaml', 'ghcr.io/acme/api')).toEqual({ ...expected, file: 'a.yaml' })
  })

  it('reads no repository from a name parameter without a tag beside it', () => {
    expect(argoRepositories(CASES[3]!.before, 'a.yaml')).toEqual(['ghcr.io/acme/api'])
  })

  it('lists the repositories the sources set', () => {
    expect(argoRepositories(CASES[0]!.before, 'a.yaml')).toEqual([
      'ghcr.io/acme/api',
      'ghcr.io/acme/web'
    ])
  })
})

/** The containers' images `helm template` renders, sorted. */
function renderedImages(yaml: string): string[] {
  const images: string[] = []
  for (const doc of parseAllDocuments(yaml)) {
    const object = doc.toJS() as {
      spec?: { template?: { spec?: { containers?: { image: string }[] } } }
    }
    for (const c of object?.spec?.template?.spec?.containers ?? []) images.push(c.image)
  }
  return images.sort()
}

describe('the Helm overrides written render the pinned reference with the real helm', () => {
  let chart: string
  beforeAll(async () => {
    chart = await mkdtemp(join(tmpdir(), 'edit-argocd-chart-'))
    await mkdir(join(chart, 'templates'))
    await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: api\nversion: 0.1.0\n')
    await writeFile(
      join(chart, 'values.yaml'),
      'image: {registry: "", repository: ghcr.io/acme/api, tag: latest, digest: ""}\n'
    )
    // The common chart shape: registry/repository:tag, or @digest when one is set.
    await writeFile(
      join(chart, 'templates/deployment.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: app
          image: "{{ with .Values.image.registry }}{{ . }}/{{ end }}{{ .Values.image.repository }}:{{ .Values.image.tag }}{{ with .Values.image.digest }}@{{ . }}{{ end }}"
`
    )
  })
  afterAll(async () => {
    await rm(chart, { recursive: true, force: true })
  })

  /** `helm template` with the source's parameters as --set and its valuesObject as a values file. */
  async function render(application: string): Promise<string> {
    const source = (
      parseAllDocuments(application)[0]!.toJS() as {
        spec: { source?: Source; sources?: Source[] }
      }
    ).spec
    type Source = {
      helm?: { parameters?: { name: string; value: string }[]; valuesObject?: unknown }
    }
    const helm = (source.source ?? source.sources![0]!).helm!
    const args = ['template', 'api', chart]
    for (const p of helm.parameters ?? [])
      args.push('--set-string', `${p.name.replace(/^api\./, '')}=${p.value}`)
    if (helm.valuesObject) {
      const file = join(chart, `values-${Math.random().toString(36).slice(2)}.json`)
      await writeFile(file, JSON.stringify(helm.valuesObject))
      args.push('-f', file)
    }
    return (await promisify(execFile)('helm', args, { timeout: RUN_TIMEOUT_MS })).stdout
  }

  it.each([
    ['image.repository / image.tag / image.digest parameters', CASES[1]!],
    ['registry + repository + tag parameters (tag@digest)', CASES[2]!],
    ['valuesObject image map', CASES[4]!]
  ])('%s', async (_name, { before, after }) => {
    expect(renderedImages(await render(before))).toEqual(['ghcr.io/acme/api:v1.3.0'])
    expect(renderedImages(await render(after))).toEqual([`ghcr.io/acme/api:v1.4.2@${D}`])
  })
})
