/**
 * The manifest editor (edit/manifest.ts): plain Kubernetes YAML, every container and
 * initContainer of the promoted repository in any kind, byte-preserving. Which containers
 * follows kustomize's imagetag LegacyFilter (api/filters/imagetag/legacy.go: any `image` in a
 * sequence under `containers` or `initContainers`, at any depth, CRDs skipped); each case is
 * also run through the real `kubectl kustomize` with an `images:` entry for the repository,
 * and kustomize must pin exactly the containers the editor pins.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parseAllDocuments } from 'yaml'
import {
  editManifests,
  readManifestPin,
  type ManifestFile,
  type PinRequest
} from '../../src/edit/index.js'
import { EditError } from '../../src/errors.js'
import { canonicalRepository, parseReference } from '../../src/reference/index.js'
import { RUN_TIMEOUT_MS } from '../support/timing.js'

const D = `sha256:${'4f'.repeat(32)}`
const OLD = `sha256:${'a1'.repeat(32)}`

/** The pin of `image` with `digest`, or with none (pin: tag) when `digest` is null. */
function pinOf(image: string, digest: string | null = D): PinRequest {
  const ref = parseReference(image)
  return {
    repository: canonicalRepository(ref),
    name: ref.name,
    tag: ref.tag!,
    digest: digest ?? undefined
  }
}

interface Case {
  readonly name: string
  readonly image: string
  /** null: pin: tag. */
  readonly digest?: null
  readonly before: string
  readonly after: string
  /** The spellings of the repository in the file: one kustomize `images:` entry each. */
  readonly spellings: readonly string[]
}

const CASES: readonly Case[] = [
  {
    name: 'a Deployment: container and initContainer, comments and quotes kept, other images left',
    image: 'ghcr.io/acme/api:v1.4.2',
    spellings: ['ghcr.io/acme/api'],
    before: `# The API.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: "ghcr.io/acme/api:v1.3.0"   # same build as the app
      containers:
        - name: app
          image: ghcr.io/acme/api:v1.3.0
        - name: proxy
          image: envoyproxy/envoy:v1.31.0 # not ours
`,
    after: `# The API.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: "ghcr.io/acme/api:v1.4.2@${D}"   # same build as the app
      containers:
        - name: app
          image: ghcr.io/acme/api:v1.4.2@${D}
        - name: proxy
          image: envoyproxy/envoy:v1.31.0 # not ours
`
  },
  {
    name: 'several documents: a Service, a StatefulSet and a CronJob, markers kept',
    image: 'ghcr.io/acme/api:v1.4.2',
    spellings: ['ghcr.io/acme/api'],
    before: `---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  ports: [{port: 80}]
---
# workers
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: api-worker
spec:
  template:
    spec:
      containers:
      - name: worker
        image: 'ghcr.io/acme/api:v1.3.0'
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: api-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: report, image: ghcr.io/acme/api:v1.3.0, args: [report]}
...
`,
    after: `---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  ports: [{port: 80}]
---
# workers
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: api-worker
spec:
  template:
    spec:
      containers:
      - name: worker
        image: 'ghcr.io/acme/api:v1.4.2@${D}'
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: api-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: report, image: ghcr.io/acme/api:v1.4.2@${D}, args: [report]}
...
`
  },
  {
    name: 'Docker Hub spelled short stays short (nginx is docker.io/library/nginx)',
    image: 'docker.io/library/nginx:1.27.3',
    spellings: ['nginx'],
    before: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.25 # official image
`,
    after: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27.3@${D} # official image
`
  },
  {
    name: 'a Knative Service (any kind with a pod spec)',
    image: 'ghcr.io/acme/api:v1.4.2',
    spellings: ['ghcr.io/acme/api'],
    before: `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - image: ghcr.io/acme/api:v1.3.0
`,
    after: `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - image: ghcr.io/acme/api:v1.4.2@${D}
`
  },
  {
    name: 'an Argo Rollout and a DaemonSet in a List',
    image: 'ghcr.io/acme/api:v1.4.2',
    spellings: ['ghcr.io/acme/api'],
    before: `apiVersion: v1
kind: List
items:
  - apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: app
              image: ghcr.io/acme/api:v1.3.0
  - apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: api-agent
    spec:
      template:
        spec:
          containers:
            - name: agent
              image: ghcr.io/acme/api:v1.3.0
`,
    after: `apiVersion: v1
kind: List
items:
  - apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: app
              image: ghcr.io/acme/api:v1.4.2@${D}
  - apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: api-agent
    spec:
      template:
        spec:
          containers:
            - name: agent
              image: ghcr.io/acme/api:v1.4.2@${D}
`
  },
  {
    name: 'pin tag: a stale digest goes, CRLF line ends kept',
    image: 'ghcr.io/acme/api:v1.4.2',
    digest: null,
    spellings: ['ghcr.io/acme/api'],
    before: `apiVersion: batch/v1\r\nkind: Job\r\nmetadata:\r\n  name: api-once\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: once\r\n          image: ghcr.io/acme/api:v1.3.0@${OLD}\r\n`,
    after: `apiVersion: batch/v1\r\nkind: Job\r\nmetadata:\r\n  name: api-once\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: once\r\n          image: ghcr.io/acme/api:v1.4.2\r\n`
  },
  {
    name: 'templated values are left alone, a CustomResourceDefinition is skipped (as kustomize does)',
    image: 'ghcr.io/acme/api:v1.4.2',
    spellings: ['ghcr.io/acme/api'],
    before: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/api:v1.3.0
        - name: sidecar
          image: \${SIDECAR_IMAGE}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.acme.io
spec:
  group: acme.io
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-example:
            containers:
              - image: ghcr.io/acme/api:v1.3.0
`,
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/api:v1.4.2@${D}
        - name: sidecar
          image: \${SIDECAR_IMAGE}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.acme.io
spec:
  group: acme.io
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-example:
            containers:
              - image: ghcr.io/acme/api:v1.3.0
`
  }
]

/** Every container image of kustomize's output, in any kind, sorted (an independent walk). */
function imagesIn(yaml: string): string[] {
  const found: string[] = []
  const walk = (node: unknown, skip: boolean): void => {
    if (Array.isArray(node)) return node.forEach(n => walk(n, skip))
    if (typeof node !== 'object' || node === null) return
    for (const [key, value] of Object.entries(node)) {
      if (!skip && (key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
        for (const c of value) if (typeof c?.image === 'string') found.push(c.image as string)
      }
      walk(value, skip)
    }
  }
  for (const doc of parseAllDocuments(yaml)) {
    const object = doc.toJS() as { kind?: string; items?: unknown[] } | null
    const items = object?.kind === 'List' ? (object.items ?? []) : [object]
    for (const item of items) {
      walk(item, (item as { kind?: string })?.kind === 'CustomResourceDefinition')
    }
  }
  return found.sort()
}

describe('editManifests', () => {
  let work: string
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'edit-manifest-'))
  })
  afterAll(async () => {
    await rm(work, { recursive: true, force: true })
  })

  it.each(CASES)('$name', async testCase => {
    const { image, before, after, spellings } = testCase
    const pin = pinOf(image, testCase.digest === null ? null : D)
    const [outcome] = editManifests([{ file: 'deploy/app.yaml', text: before }], pin, 'deploy')
    expect(outcome!.text).toBe(after)
    expect(outcome!.changes.length).toBeGreaterThan(0)
    // Idempotent.
    expect(editManifests([{ file: 'deploy/app.yaml', text: after }], pin, 'deploy')[0]).toEqual({
      text: after,
      changes: []
    })

    // The real kustomize, told to pin the repository, pins exactly these containers.
    const dir = await mkdtemp(join(work, 'case-'))
    await writeFile(join(dir, 'app.yaml'), before)
    const entries = spellings
      .map(
        name =>
          `  - name: ${name}\n    newTag: ${pin.tag}\n${pin.digest ? `    digest: ${pin.digest}\n` : ''}`
      )
      .join('')
    await writeFile(join(dir, 'kustomization.yaml'), `resources: [app.yaml]\nimages:\n${entries}`)
    const { stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], {
      timeout: RUN_TIMEOUT_MS
    })
    expect(imagesIn(outcome!.text)).toEqual(imagesIn(stdout))
  })

  it('reports each change with file, line, path, old and new', () => {
    const [outcome] = editManifests(
      [{ file: 'deploy/app.yaml', text: CASES[0]!.before }],
      pinOf('ghcr.io/acme/api:v1.4.2'),
      'deploy/app.yaml'
    )
    expect(outcome!.changes).toEqual([
      {
        file: 'deploy/app.yaml',
        line: 11,
        path: 'spec.template.spec.initContainers[0].image',
        old: 'ghcr.io/acme/api:v1.3.0',
        new: `ghcr.io/acme/api:v1.4.2@${D}`
      },
      {
        file: 'deploy/app.yaml',
        line: 14,
        path: 'spec.template.spec.containers[0].image',
        old: 'ghcr.io/acme/api:v1.3.0',
        new: `ghcr.io/acme/api:v1.4.2@${D}`
      }
    ])
  })

  it('edits every file of a directory that holds the repository, and leaves the others as they are', () => {
    const files: ManifestFile[] = [
      { file: 'deploy/api.yaml', text: CASES[0]!.before },
      { file: 'deploy/config.yaml', text: 'apiVersion: v1\nkind: ConfigMap # no images\n' },
      { file: 'deploy/worker.yaml', text: CASES[1]!.before }
    ]
    const outcomes = editManifests(files, pinOf('ghcr.io/acme/api:v1.4.2'), 'deploy')
    expect(outcomes.map(o => o.text)).toEqual([CASES[0]!.after, files[1]!.text, CASES[1]!.after])
    expect(outcomes[1]!.changes).toEqual([])
  })

  it.each<[string, ManifestFile[], string]>([
    [
      'no container of the repository: names what the file holds',
      [{ file: 'deploy/app.yaml', text: CASES[6]!.before.split('---')[0]! }],
      'deploy/app.yaml: no container or initContainer uses ghcr.io/acme/web; deploy/app.yaml holds ghcr.io/acme/api:v1.3.0; "${SIDECAR_IMAGE}" (not image references; left alone).'
    ],
    [
      'no containers at all in a directory',
      [
        { file: 'deploy/a.yaml', text: 'apiVersion: v1\nkind: ConfigMap\n' },
        { file: 'deploy/b.yaml', text: 'apiVersion: v1\nkind: Secret\n' }
      ],
      'deploy: no container or initContainer uses ghcr.io/acme/web; its 2 files hold no container images.'
    ]
  ])('refuses %s', (_name, files, message) => {
    const target = files.length === 1 ? files[0]!.file : 'deploy'
    expect(() => editManifests(files, pinOf('ghcr.io/acme/web:v2.0.0'), target)).toThrow(
      new EditError(message)
    )
  })

  it.each([
    [
      'an alias (the value is anchored elsewhere)',
      `x-image: &img ghcr.io/acme/api:v1.3.0\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: *img\n`,
      'spec.containers[0].image is an alias (*img)'
    ],
    ['invalid YAML', `kind: Pod\nspec:\n  containers: [\n`, 'not valid YAML']
  ])('refuses %s and writes nothing', (_name, text, message) => {
    expect(() =>
      editManifests([{ file: 'pod.yaml', text }], pinOf('ghcr.io/acme/api:v1.4.2'), 'pod.yaml')
    ).toThrow(message)
  })
})

describe('readManifestPin', () => {
  it.each([
    [
      'the first container of the repository',
      CASES[0]!.before,
      'ghcr.io/acme/api',
      'v1.3.0',
      undefined,
      11
    ],
    ['tag and digest', CASES[5]!.before, 'ghcr.io/acme/api', 'v1.3.0', OLD, 10],
    ['Docker Hub spelled short', CASES[2]!.before, 'nginx', '1.25', undefined, 8]
  ])('%s', (_name, text, repository, tag, digest, line) => {
    const canonical = canonicalRepository(parseReference(repository))
    expect(readManifestPin([{ file: 'a.yaml', text }], canonical)).toEqual({
      repository,
      tag,
      digest,
      file: 'a.yaml',
      line
    })
  })

  it('is undefined when no container uses the repository', () => {
    expect(
      readManifestPin([{ file: 'a.yaml', text: CASES[0]!.before }], 'docker.io/library/redis')
    ).toBeUndefined()
  })
})
