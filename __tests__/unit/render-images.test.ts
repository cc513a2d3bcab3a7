import { describe, expect, it } from '@jest/globals'
import { RenderError } from '../../src/errors.js'
import {
  cleanStderr,
  describeContainer,
  extractImages,
  extractImagesByAnnotation,
  type RenderedImage,
  verifyRender
} from '../../src/render/index.js'

const D1 = `sha256:${'3e'.repeat(32)}`
const D2 = `sha256:${'9c'.repeat(32)}`

/** What `kubectl kustomize` v5.5 prints: keys sorted, sequences not indented. */
const KUSTOMIZE_OUTPUT = `apiVersion: v1
kind: Service
metadata:
  name: notification-service
  namespace: dev
spec:
  ports:
  - port: 80
  selector:
    app: notification-service
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: notification-service
  namespace: dev
spec:
  selector:
    matchLabels:
      app: notification-service
  template:
    metadata:
      labels:
        app: notification-service
    spec:
      containers:
      - image: registry.corp.io/notification-service:v2.5.0@${D2}
        name: app
      - image: nginx:1.25
        name: proxy
      initContainers:
      - image: registry.corp.io/notification-service:v2.5.0@${D2}
        name: db-migrate
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
  namespace: dev
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - image: registry.corp.io/notification-service:v2.5.0@${D2}
            name: cleanup
          restartPolicy: Never
  schedule: 0 * * * *
`

const image = (
  name: string,
  container: string,
  value: string,
  extra: Partial<RenderedImage> = {}
): RenderedImage => ({
  kind: 'Deployment',
  name,
  namespace: 'dev',
  container,
  containerType: 'containers',
  field: 'spec.template.spec.containers',
  image: value,
  ...extra
})

describe('extractImages', () => {
  it.each<[string, string, Array<Partial<RenderedImage>>]>([
    [
      'kustomize output: Service, Deployment with an init container, CronJob',
      KUSTOMIZE_OUTPUT,
      [
        { kind: 'Deployment', container: 'app', containerType: 'containers' },
        { kind: 'Deployment', container: 'proxy', image: 'nginx:1.25' },
        { kind: 'Deployment', container: 'db-migrate', containerType: 'initContainers' },
        { kind: 'CronJob', name: 'cleanup', namespace: 'dev', container: 'cleanup' }
      ]
    ],
    ['empty output', '', []],
    ['only a separator', '---\n', []],
    ['separators and comments only', '---\n# nothing\n---\n---\n', []],
    [
      'a Service and a ConfigMap have no containers',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {image: "not/a-container:1"}\n',
      []
    ],
    [
      'StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job (no namespace)',
      ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']
        .map(
          kind =>
            `kind: ${kind}\nmetadata: {name: w-${kind.toLowerCase()}}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: "reg.io/${kind.toLowerCase()}:1"}]\n`
        )
        .join('---\n'),
      ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].map(kind => ({
        kind,
        name: `w-${kind.toLowerCase()}`,
        namespace: undefined,
        image: `reg.io/${kind.toLowerCase()}:1`
      }))
    ],
    [
      'a Pod with init, regular and ephemeral containers, in the order the spec lists them',
      `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: ops
spec:
  initContainers:
    - name: init
      image: busybox:1.36
  containers:
    - name: main
      image: ghcr.io/acme/api:v1
  ephemeralContainers:
    - name: debugger
      image: ghcr.io/acme/debug:v3
`,
      [
        { kind: 'Pod', name: 'debug', namespace: 'ops', containerType: 'initContainers' },
        { container: 'main', containerType: 'containers', image: 'ghcr.io/acme/api:v1' },
        { container: 'debugger', containerType: 'ephemeralContainers' }
      ]
    ],
    [
      'a PodTemplate keeps its pod spec under template, not spec',
      'apiVersion: v1\nkind: PodTemplate\nmetadata: {name: tpl}\ntemplate:\n  spec:\n    containers: [{name: c, image: "reg.io/tpl:1"}]\n',
      [{ kind: 'PodTemplate', name: 'tpl', image: 'reg.io/tpl:1' }]
    ],
    [
      'an Argo Rollout with a template; one with workloadRef is skipped',
      `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary}
spec:
  strategy: {canary: {steps: [{setWeight: 20}]}}
  template:
    spec:
      containers:
        - {name: app, image: "127.0.0.1:5000/team/app:v2"}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: referenced}
spec:
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api}
`,
      [{ kind: 'Rollout', name: 'canary', image: '127.0.0.1:5000/team/app:v2' }]
    ],
    // kustomize's images transformer updates every containers/initContainers list, in any kind
    // (api/filters/imagetag/legacy.go, LegacyFilter): the proof must look where it writes.
    [
      'a Rollout of another API group: its containers count like any kind',
      'apiVersion: example.com/v1\nkind: Rollout\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: "reg.io/x:1"}]\n',
      [{ kind: 'Rollout', name: 'x', field: 'spec.template.spec.containers', image: 'reg.io/x:1' }]
    ],
    [
      'a Knative Service, a KEDA ScaledJob and a CRD with containers deep inside',
      `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello, namespace: apps}
spec:
  template:
    spec:
      containers:
        - image: reg.io/hello:1
---
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata: {name: worker}
spec:
  jobTargetRef:
    template:
      spec:
        containers: [{name: w, image: "reg.io/worker:2"}]
---
apiVersion: example.com/v1
kind: randomKind
metadata: {name: rk}
spec:
  stages:
    - initContainers: [{name: i, image: "reg.io/init:3"}]
      image: reg.io/not-a-container:4
`,
      [
        { kind: 'Service', name: 'hello', container: '', field: 'spec.template.spec.containers' },
        { kind: 'ScaledJob', field: 'spec.jobTargetRef.template.spec.containers', container: 'w' },
        {
          kind: 'randomKind',
          field: 'spec.stages[0].initContainers',
          containerType: 'initContainers',
          image: 'reg.io/init:3'
        }
      ]
    ],
    [
      'a CustomResourceDefinition describes containers and holds none',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.example.com}\nspec:\n  example:\n    containers: [{name: c, image: "reg.io/x:1"}]\n',
      []
    ],
    [
      'List and DeploymentList items (kubectl get -o yaml)',
      `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: a, namespace: prod}
    spec:
      template:
        spec:
          containers: [{name: c, image: "reg.io/a:1"}]
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
---
apiVersion: apps/v1
kind: DeploymentList
items:
  - kind: Deployment
    metadata: {name: b}
    spec:
      template:
        spec:
          containers: [{name: c, image: "reg.io/b:1"}]
`,
      [
        { name: 'a', namespace: 'prod', image: 'reg.io/a:1' },
        { name: 'b', namespace: undefined, image: 'reg.io/b:1' }
      ]
    ],
    [
      'Helm-style output with comments, an empty document and a container without image',
      `---
# Source: app/templates/service.yaml
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "release-app"
spec:
  template:
    spec:
      containers:
        - name: app
          image: "ghcr.io/acme/app:1.2.3"
        - name: broken
`,
      [{ name: 'release-app', container: 'app', image: 'ghcr.io/acme/app:1.2.3' }]
    ]
  ])('%s', (_, yaml, expected) => {
    const images = extractImages(yaml)
    expect(images).toHaveLength(expected.length)
    for (const [index, { namespace, ...fields }] of expected.entries()) {
      expect(images[index]).toMatchObject(fields)
      // An explicit `namespace: undefined` means the property is absent, not just empty.
      if (namespace !== undefined) expect(images[index]?.namespace).toBe(namespace)
      else if ('namespace' in expected[index]!)
        expect(images[index]).not.toHaveProperty('namespace')
    }
  })

  it('refuses output that is not YAML, with a RenderError', () => {
    expect(() => extractImages('kind: Deployment\n  bad: [indent\n')).toThrow(RenderError)
  })
})

describe('extractImagesByAnnotation', () => {
  const KEY = 'promote-image.dev/render-target'
  const workload = (name: string, image: string, mark?: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${mark === undefined ? '' : `  annotations:\n    ${KEY}: "${mark}"\n`}spec:
  template:
    spec:
      containers:
        - name: app
          image: ${image}
`
  const service = (mark?: string) => `---
apiVersion: v1
kind: Service
metadata:
  name: web
${mark === undefined ? '' : `  annotations:\n    ${KEY}: "${mark}"\n`}`

  it('groups the images of a combined build by the mark of their workload, in document order', () => {
    const yaml = [
      workload('a', 'ghcr.io/acme/a:1', '0'),
      service('1'),
      workload('b', 'ghcr.io/acme/b:1', '1'),
      workload('a2', 'ghcr.io/acme/a:2', '0')
    ].join('')
    const groups = extractImagesByAnnotation(yaml, KEY)
    expect(
      Object.fromEntries([...groups!].map(([mark, images]) => [mark, images.map(i => i.image)]))
    ).toEqual({ '0': ['ghcr.io/acme/a:1', 'ghcr.io/acme/a:2'], '1': ['ghcr.io/acme/b:1'] })
  })

  it.each([
    ['a workload without the mark', [workload('a', 'a:1', '0'), workload('b', 'b:1')]],
    [
      'a workload whose mark is not a string',
      [workload('a', 'a:1', '0').replace(`"0"`, '{nested: 1}')]
    ]
  ])('cannot attribute %s, and says so with undefined', (_, docs) => {
    expect(extractImagesByAnnotation(docs.join(''), KEY)).toBeUndefined()
  })

  it('does not need marks on resources without images', () => {
    const groups = extractImagesByAnnotation(service() + workload('a', 'a:1', '0'), KEY)
    expect([...groups!.keys()]).toEqual(['0'])
  })
})

describe('verifyRender', () => {
  const before = [
    image('notification-service', 'app', 'registry.corp.io/notification-service:latest'),
    image('notification-service', 'db-migrate', 'registry.corp.io/notification-service:latest', {
      containerType: 'initContainers'
    }),
    image('notification-service', 'proxy', 'nginx:1.25')
  ]
  const pinned = `registry.corp.io/notification-service:v2.5.0@${D2}`
  const after = before.map(entry =>
    entry.container === 'proxy' ? entry : { ...entry, image: pinned }
  )
  const repo = 'registry.corp.io/notification-service'

  it.each<{
    case: string
    before: RenderedImage[]
    after: RenderedImage[]
    repository: string
    pinned: string
    ok: boolean
    outcome: string
    changed: number
    message: RegExp
  }>([
    {
      case: 'the incident: latest → v2.5.0@digest in a container and an init container',
      before,
      after,
      repository: repo,
      pinned,
      ok: true,
      outcome: 'updated',
      changed: 2,
      message:
        /^Argo CD will see the change: 2 containers in overlays\/dev now render registry\.corp\.io\/notification-service:v2\.5\.0@sha256:9c.*\n {2}- Deployment dev\/notification-service, container app: registry\.corp\.io\/notification-service:latest → .*\n {2}- Deployment dev\/notification-service, init container db-migrate: /
    },
    {
      case: 'images: name matches no container, so nothing renders the repository',
      before: [image('api', 'app', 'notification-svc:latest'), image('api', 'proxy', 'nginx:1.25')],
      after: [image('api', 'app', 'notification-svc:latest'), image('api', 'proxy', 'nginx:1.25')],
      repository: repo,
      pinned,
      ok: false,
      outcome: 'unused',
      changed: 0,
      message: new RegExp(
        '^Argo CD would see no change: no container in overlays/dev renders registry\\.corp\\.io/notification-service \\(images used: notification-svc:latest, nginx:1\\.25\\)\\.$'
      )
    },
    {
      case: 'a target without workloads lists no images',
      before: [],
      after: [],
      repository: repo,
      pinned,
      ok: false,
      outcome: 'unused',
      changed: 0,
      message: /no container in overlays\/dev renders .* \(images used: none\)\.$/
    },
    {
      case: 'the images: entry does not reach containers that use the repository',
      before: [image('api', 'app', 'registry.corp.io/notification-service:latest')],
      after: [image('api', 'app', 'registry.corp.io/notification-service:latest')],
      repository: repo,
      pinned,
      ok: false,
      outcome: 'not-updated',
      changed: 0,
      message:
        /^Argo CD would see no change: the edit does not reach the containers of registry\.corp\.io\/notification-service in overlays\/dev, and none renders .*:\n {2}- Deployment dev\/api, container app still renders registry\.corp\.io\/notification-service:latest$/
    },
    {
      case: 'docker.io normalization: the rendered "nginx" is docker.io/library/nginx',
      before: [image('web', 'nginx', 'nginx:1.25')],
      after: [image('web', 'nginx', `nginx:1.27@${D1}`)],
      repository: 'docker.io/library/nginx',
      pinned: `docker.io/library/nginx:1.27@${D1}`,
      ok: true,
      outcome: 'updated',
      changed: 1,
      message: /container nginx: nginx:1\.25 → nginx:1\.27@sha256:3e/
    },
    {
      case: 'docker.io normalization the other way round, with index.docker.io',
      before: [image('web', 'nginx', 'index.docker.io/library/nginx:1.25')],
      after: [image('web', 'nginx', `docker.io/library/nginx:1.27@${D1}`)],
      repository: 'docker.io/library/nginx',
      pinned: `nginx:1.27@${D1}`,
      ok: true,
      outcome: 'updated',
      changed: 1,
      message: /^Argo CD will see the change: 1 container in overlays\/dev now renders nginx:1\.27@/
    },
    {
      case: 'pin tag: the tag alone is the pinned reference',
      before: [image('api', 'app', '127.0.0.1:5000/team/app:v1')],
      after: [image('api', 'app', '127.0.0.1:5000/team/app:v2')],
      repository: '127.0.0.1:5000/team/app',
      pinned: '127.0.0.1:5000/team/app:v2',
      ok: true,
      outcome: 'updated',
      changed: 1,
      message: /now renders 127\.0\.0\.1:5000\/team\/app:v2:/
    },
    {
      case: 'pin tag, but an old digest is still rendered after the tag',
      before: [image('api', 'app', `127.0.0.1:5000/team/app:v1@${D1}`)],
      after: [image('api', 'app', `127.0.0.1:5000/team/app:v2@${D1}`)],
      repository: '127.0.0.1:5000/team/app',
      pinned: '127.0.0.1:5000/team/app:v2',
      ok: false,
      outcome: 'not-updated',
      changed: 1,
      message:
        /^Argo CD would not see 127\.0\.0\.1:5000\/team\/app:v2: no container in overlays\/dev renders it after the edit:\n {2}- Deployment dev\/api, container app renders 127\.0\.0\.1:5000\/team\/app:v2@sha256:3e/
    },
    {
      case: 'the tag without the digest is not the pinned reference',
      before: [image('api', 'app', 'registry.corp.io/notification-service:latest')],
      after: [image('api', 'app', 'registry.corp.io/notification-service:v2.5.0')],
      repository: repo,
      pinned,
      ok: false,
      outcome: 'not-updated',
      changed: 1,
      message:
        /Argo CD would not see .*\n.*renders registry\.corp\.io\/notification-service:v2\.5\.0$/
    },
    {
      case: 'partial update: a second workload spells the repository differently',
      before: [
        image('api', 'app', 'nginx:1.25'),
        image('worker', 'app', 'docker.io/library/nginx:1.25', { kind: 'StatefulSet' })
      ],
      after: [
        image('api', 'app', `nginx:1.27@${D1}`),
        image('worker', 'app', 'docker.io/library/nginx:1.25', { kind: 'StatefulSet' })
      ],
      repository: 'docker.io/library/nginx',
      pinned: `nginx:1.27@${D1}`,
      ok: false,
      outcome: 'not-updated',
      changed: 1,
      message:
        /^Argo CD would see only part of the promotion: 1 container in overlays\/dev renders nginx:1\.27@sha256:3e3e.*, but 1 container of docker\.io\/library\/nginx does not:\n {2}- StatefulSet dev\/worker, container app still renders docker\.io\/library\/nginx:1\.25$/
    },
    {
      case: 'a no-op promotion: the target already renders the pinned reference',
      before: after,
      after,
      repository: repo,
      pinned,
      ok: true,
      outcome: 'already-pinned',
      changed: 0,
      message:
        /^overlays\/dev already renders registry\.corp\.io\/notification-service:v2\.5\.0@sha256:9c9c.* in 2 containers; the promotion changes nothing for Argo CD to sync\.$/
    },
    {
      case: 'the repository moved away (newName to another registry) counts as not updated',
      before: [image('api', 'app', 'registry.corp.io/notification-service:v1')],
      after: [image('api', 'app', 'mirror.corp.io/notification-service:v1')],
      repository: repo,
      pinned,
      ok: false,
      outcome: 'not-updated',
      changed: 1,
      message:
        /- Deployment dev\/api, container app renders mirror\.corp\.io\/notification-service:v1$/
    },
    {
      case: 'the workloads of the repository disappear',
      before: [image('api', 'app', 'registry.corp.io/notification-service:v1')],
      after: [],
      repository: repo,
      pinned,
      ok: false,
      outcome: 'not-updated',
      changed: 0,
      message:
        /^Argo CD would not see .*: after the edit, overlays\/dev no longer renders the 1 container that used registry\.corp\.io\/notification-service\.$/
    },
    {
      case: 'unparsable rendered images are skipped',
      before: [
        image('api', 'app', '${IMAGE}'),
        image('api', 'side', 'registry.corp.io/notification-service:v1')
      ],
      after: [image('api', 'app', '${IMAGE}'), image('api', 'side', pinned)],
      repository: repo,
      pinned,
      ok: true,
      outcome: 'updated',
      changed: 1,
      message: /^Argo CD will see the change: 1 container/
    },
    {
      case: 'a new workload that renders the pinned reference',
      before: [],
      after: [image('api', 'app', pinned, { kind: 'Job', namespace: undefined })],
      repository: repo,
      pinned,
      ok: true,
      outcome: 'updated',
      changed: 1,
      message: /- Job api, container app: new$/
    }
  ])('$case', c => {
    const verdict = verifyRender(c.before, c.after, c.repository, c.pinned, 'overlays/dev')
    expect(verdict.message).toMatch(c.message)
    expect(verdict).toMatchObject({ ok: c.ok, outcome: c.outcome })
    expect(verdict.changed).toHaveLength(c.changed)
  })

  it('reports which containers changed, and which still render another image', () => {
    const verdict = verifyRender(before, after, repo, pinned, 'overlays/dev')
    expect(verdict.changed.map(entry => entry.container)).toEqual(['app', 'db-migrate'])
    expect(verdict.pinned).toHaveLength(2)
    expect(verdict.stale).toEqual([])
  })

  it('lists at most eight containers', () => {
    const many = Array.from({ length: 12 }, (_, n) => image(`w${n}`, 'app', 'reg.io/app:v1'))
    const verdict = verifyRender(many, many, 'reg.io/app', 'reg.io/app:v2', 'apps/x')
    expect(verdict.message.split('\n')).toHaveLength(1 + 8 + 1)
    expect(verdict.message).toMatch(/- and 4 more$/)
  })
})

describe('describeContainer and cleanStderr', () => {
  it.each<[string, RenderedImage]>([
    ['Deployment dev/api, container app', image('api', 'app', 'x')],
    [
      'Deployment api, init container migrate',
      image('api', 'migrate', 'x', { containerType: 'initContainers', namespace: undefined })
    ],
    [
      'Pod dev/p, ephemeral container dbg',
      image('p', 'dbg', 'x', { kind: 'Pod', containerType: 'ephemeralContainers' })
    ]
  ])('%s', (text, entry) => {
    expect(describeContainer(entry)).toBe(text)
  })

  it.each([
    [
      'kubectl klog line',
      'E1122 20:43:36.407952   22286 run.go:72] "command failed" err="accumulating resources: accumulation err=\'accumulating resources from \'missing.yaml\'\': \\"quoted\\""\n',
      "accumulating resources: accumulation err='accumulating resources from 'missing.yaml'': \"quoted\""
    ],
    [
      'kustomize Error: line',
      'Error: invalid Kustomization: json: unknown field "imagez"\n',
      'Error: invalid Kustomization: json: unknown field "imagez"'
    ]
  ])('%s', (_, stderr, cleaned) => {
    expect(cleanStderr(stderr)).toBe(cleaned)
  })
})
