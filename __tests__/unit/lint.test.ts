import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { scaled } from '../support/timing.js'
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { join, relative, resolve } from 'node:path'
import { lintCommand } from '../../src/cli/lint.js'
import type { CommandContext } from '../../src/cli/context.js'
import { InputError } from '../../src/errors.js'
import {
  formatFinding,
  formatSummary,
  lintFile,
  lintPath,
  lintText,
  MAX_FILE_BYTES,
  walkConfigFiles,
  type Finding,
  type LintOptions
} from '../../src/lint/index.js'
import { compileAllowTags, DEFAULT_MUTABLE_TAGS } from '../../src/policy/index.js'

const execFileAsync = promisify(execFile)
const FIXTURE = resolve(import.meta.dirname, '../fixtures/lint/config-repo')
const D = `sha256:${'ab'.repeat(32)}`

/** `line:col severity problem image`: what each table row pins down. */
function brief(findings: Finding[]): string[] {
  return findings.map(f => `${f.line}:${f.column} ${f.severity} ${f.problem} ${f.image}`)
}

function lint(file: string, lines: string[], options: LintOptions = {}): string[] {
  return brief(lintText(lines.join('\n'), file, options))
}

interface Row {
  name: string
  file?: string
  yaml: string[]
  expected: string[]
  options?: LintOptions
}

const KUSTOMIZE: Row[] = [
  {
    name: 'newTag: latest (incident 1) is an error at the tag',
    yaml: [
      'images:',
      '  - name: notification-service',
      '    newName: registry.corp.io/notification-service',
      '    newTag: latest'
    ],
    expected: ['4:13 error mutable-tag registry.corp.io/notification-service:latest']
  },
  {
    name: 'moving words inside a tag are mutable; a commit, date or version beside them is not',
    yaml: [
      'images:',
      '  - {name: a, newTag: develop-celery}',
      '  - {name: b, newTag: production-latest}',
      '  - {name: c, newTag: latest-alpine}',
      '  - {name: d, newTag: main-3f9c2d1}',
      '  - {name: e, newTag: v1.2.3-alpine}',
      '  - {name: f, newTag: nightly-20241001}'
    ],
    expected: [
      '2:23 error mutable-tag a:develop-celery',
      '3:23 error mutable-tag b:production-latest',
      '4:23 error mutable-tag c:latest-alpine',
      '5:23 warning no-digest d:main-3f9c2d1',
      '6:23 warning no-digest e:v1.2.3-alpine',
      '7:23 warning no-digest f:nightly-20241001'
    ]
  },
  {
    name: 'name + newName only: the base tag is used (warning at the entry)',
    yaml: ['images:', '  - name: app', '    newName: ghcr.io/acme/app'],
    expected: ['2:11 warning no-tag ghcr.io/acme/app']
  },
  {
    name: 'an immutable newTag without digest is a warning',
    yaml: ['images:', '  - name: app', '    newTag: v1.2.3'],
    expected: ['3:13 warning no-digest app:v1.2.3']
  },
  {
    name: 'a digest pins the entry, whatever the tag',
    yaml: [
      'images:',
      '  - name: app',
      '    newTag: latest',
      `    digest: ${D}`,
      '  - name: other',
      `    digest: ${D}`
    ],
    expected: []
  },
  {
    name: 'numeric-looking tags are judged as written (1.20, not 1.2)',
    file: 'overlays/dev/Kustomization',
    yaml: ['images:', '  - {name: app, newTag: 1.20}'],
    expected: ['2:25 warning no-digest app:1.20']
  },
  {
    name: 'a kustomize Component under another file name, flow style',
    file: 'components/pin.yaml',
    yaml: [
      'apiVersion: kustomize.config.k8s.io/v1alpha1',
      'kind: Component',
      'images: [{name: app, newTag: main}]'
    ],
    expected: ['3:30 error mutable-tag app:main']
  },
  {
    name: '--mutable-tags globs apply',
    yaml: ['images:', '  - name: app', '    newTag: pr-42'],
    options: { policy: { mutableTags: ['pr-*'] } },
    expected: ['3:13 error mutable-tag app:pr-42']
  },
  {
    name: '--allow-tags: a tag outside it is an error',
    yaml: ['images:', '  - name: app', '    newTag: build-7'],
    options: {
      policy: {
        mutableTags: DEFAULT_MUTABLE_TAGS,
        allowTags: compileAllowTags('v\\d+\\.\\d+\\.\\d+')
      }
    },
    expected: ['3:13 error mutable-tag app:build-7']
  },
  {
    name: 'Flux Kustomization spec.images has the same shape',
    file: 'clusters/prod/app.yaml',
    yaml: [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'spec:',
      '  images:',
      '    - name: app',
      '      newTag: latest'
    ],
    expected: ['6:15 error mutable-tag app:latest']
  },
  {
    name: 'Argo CD Application kustomize.images strings',
    file: 'argocd/app.yaml',
    yaml: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'spec:',
      '  source:',
      '    kustomize:',
      '      images:',
      '        - app=ghcr.io/acme/app:latest',
      '        - ghcr.io/acme/web:v2.0.1',
      `        - ghcr.io/acme/db@${D}`,
      '        - cache=ghcr.io/acme/cache'
    ],
    expected: [
      '7:11 error mutable-tag ghcr.io/acme/app:latest',
      '8:11 warning no-digest ghcr.io/acme/web:v2.0.1',
      '10:11 warning no-tag ghcr.io/acme/cache'
    ]
  }
]

const HELM: Row[] = [
  {
    name: 'repository + tag map under image',
    file: 'values.yaml',
    yaml: ['image:', '  repository: ghcr.io/acme/api', '  tag: latest'],
    expected: ['3:8 error mutable-tag ghcr.io/acme/api:latest']
  },
  {
    name: 'tag: "" means appVersion (warning at the empty string)',
    file: 'values.yaml',
    yaml: ['image:', '  registry: ghcr.io', '  repository: acme/api', '  tag: ""'],
    expected: ['4:8 warning empty-tag ghcr.io/acme/api']
  },
  {
    name: 'no tag key at all: appVersion too (warning at repository)',
    file: 'values.yaml',
    yaml: ['image:', '  repository: ghcr.io/acme/api', '  pullPolicy: IfNotPresent'],
    expected: ['2:15 warning empty-tag ghcr.io/acme/api']
  },
  {
    name: 'tag with no value (null) or ~: appVersion too (warning at the key)',
    file: 'values.yaml',
    yaml: [
      'image:',
      '  repository: app',
      '  tag:',
      'sidecar:',
      '  image: {repository: side, tag: ~}'
    ],
    expected: ['3:3 warning empty-tag app', '5:29 warning empty-tag side']
  },
  {
    name: 'registry + repository + tag + digest is pinned',
    file: 'values.yaml',
    yaml: [
      'image:',
      '  registry: docker.io',
      '  repository: bitnami/nginx',
      '  tag: 1.25.3',
      `  digest: ${D}`
    ],
    expected: []
  },
  {
    name: 'maps anywhere under a key naming an image (imageS, migrationImage…)',
    file: 'values.yaml',
    yaml: [
      'images:',
      '  api:',
      '    repository: ghcr.io/acme/api',
      '    tag: dev',
      'migrationImage:',
      '  repository: ghcr.io/acme/migrate',
      '  tag: v3'
    ],
    expected: [
      '4:10 error mutable-tag ghcr.io/acme/api:dev',
      '7:8 warning no-digest ghcr.io/acme/migrate:v3'
    ]
  },
  {
    name: 'repository maps outside an image key are not images (chart dependencies)',
    file: 'values.yaml',
    yaml: [
      'dependency:',
      '  repository: https://charts.bitnami.com/bitnami',
      '  tag: latest',
      'backup:',
      '  repository: s3://backups'
    ],
    expected: []
  },
  {
    name: 'string references under image and …Image keys',
    file: 'values.yaml',
    yaml: [
      'image: nginx',
      'sidecarImage: busybox:1.36',
      'kubectlImage: bitnami/kubectl:latest',
      'imageName: not-checked:latest',
      `pinnedImage: ghcr.io/acme/x:v1@${D}`,
      'extraContainers:',
      '  - name: tail',
      '    image: "alpine:3.19"'
    ],
    expected: [
      '1:8 error no-tag nginx',
      '2:15 warning no-digest busybox:1.36',
      '3:15 error mutable-tag bitnami/kubectl:latest',
      '8:12 warning no-digest alpine:3.19'
    ]
  },
  {
    // A YAML boolean or number under a …Image key is a switch, not a reference (incubator
    // charts' allowCustomImage: true was reported as an image named "true").
    name: 'booleans and numbers under image keys are not references',
    file: 'values.yaml',
    yaml: ['allowCustomImage: true', 'useImage: false', 'image: 42', 'quotedImage: "true"'],
    expected: ['4:14 error no-tag true']
  },
  {
    name: 'templates and placeholders are skipped silently',
    file: 'values.yaml',
    yaml: [
      'image: "{{ .Values.global.image }}"',
      'other:',
      '  image:',
      '    repository: "{{ .Values.registry }}/api"',
      '    tag: latest',
      'flux:',
      '  image: ghcr.io/acme/api:${TAG}',
      'blank:',
      '  image: ""'
    ],
    expected: []
  },
  {
    name: 'aliases: reported once, where the value is written',
    file: 'values.yaml',
    yaml: [
      'refs:',
      '  api: &api ghcr.io/acme/api:main',
      'web:',
      '  image: *api',
      'worker:',
      '  image: *api'
    ],
    expected: ['2:13 error mutable-tag ghcr.io/acme/api:main']
  },
  {
    name: 'merge keys: explicit keys win, inherited ones are reported at the anchor',
    file: 'values.yaml',
    yaml: [
      'defaults: &img',
      '  repository: ghcr.io/acme/worker',
      '  tag: latest',
      'email:',
      '  image: *img',
      'sms:',
      '  image:',
      '    <<: *img',
      '    tag: v1.8.0'
    ],
    expected: [
      '3:8 error mutable-tag ghcr.io/acme/worker:latest',
      '9:10 warning no-digest ghcr.io/acme/worker:v1.8.0'
    ]
  }
]

function deployment(container: string[], kind = 'Deployment'): string[] {
  return [
    'apiVersion: apps/v1',
    `kind: ${kind}`,
    'metadata:',
    '  name: app',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    ...container.map(line => `          ${line}`)
  ]
}

const MANIFEST: Row[] = [
  {
    name: 'IfNotPresent with a mutable tag is the incident trap',
    yaml: deployment(['image: ghcr.io/acme/app:main', 'imagePullPolicy: IfNotPresent']),
    expected: ['10:18 error pull-policy ghcr.io/acme/app:main']
  },
  {
    name: 'no imagePullPolicy with a mutable tag other than latest defaults to IfNotPresent',
    yaml: deployment(['image: ghcr.io/acme/app:develop']),
    expected: ['10:18 error pull-policy ghcr.io/acme/app:develop']
  },
  {
    name: ':latest without imagePullPolicy defaults to Always: still mutable',
    yaml: deployment(['image: ghcr.io/acme/app:latest']),
    expected: ['10:18 error mutable-tag ghcr.io/acme/app:latest']
  },
  {
    name: ':latest with IfNotPresent',
    yaml: deployment(['image: ghcr.io/acme/app:latest', 'imagePullPolicy: IfNotPresent']),
    expected: ['10:18 error pull-policy ghcr.io/acme/app:latest']
  },
  {
    name: 'Always with a mutable tag is still mutable',
    yaml: deployment(['image: ghcr.io/acme/app:main', 'imagePullPolicy: Always']),
    expected: ['10:18 error mutable-tag ghcr.io/acme/app:main']
  },
  {
    name: 'no tag',
    yaml: deployment(['image: ghcr.io/acme/app']),
    expected: ['10:18 error no-tag ghcr.io/acme/app']
  },
  {
    name: 'immutable tag without digest, with the default IfNotPresent',
    yaml: deployment(['image: ghcr.io/acme/app:v1.2.3']),
    expected: ['10:18 warning no-digest ghcr.io/acme/app:v1.2.3']
  },
  {
    name: 'a digest pins it',
    yaml: deployment([`image: ghcr.io/acme/app:v1.2.3@${D}`, 'imagePullPolicy: IfNotPresent']),
    expected: []
  },
  {
    name: 'StatefulSet, DaemonSet, ReplicaSet, Job and Rollout templates',
    yaml: ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Rollout'].flatMap((kind, i) => [
      ...(i > 0 ? ['---'] : []),
      ...deployment([`image: app:v${i}`], kind)
    ]),
    expected: ['10:18', '21:18', '32:18', '43:18', '54:18'].map(
      (at, i) => `${at} warning no-digest app:v${i}`
    )
  },
  {
    name: 'Pod and CronJob specs; init and ephemeral containers',
    yaml: [
      'apiVersion: v1',
      'kind: Pod',
      'spec:',
      '  initContainers:',
      '    - {name: init, image: "busybox:latest"}',
      '  ephemeralContainers:',
      '    - name: debug',
      '      image: busybox',
      '---',
      'apiVersion: batch/v1',
      'kind: CronJob',
      'spec:',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          containers:',
      '            - name: report',
      '              image: reporter:nightly'
    ],
    expected: [
      '5:27 error mutable-tag busybox:latest',
      '8:14 error no-tag busybox',
      '19:22 error pull-policy reporter:nightly'
    ]
  },
  {
    name: 'a List of resources',
    yaml: [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: Pod',
      '    spec:',
      '      containers: [{name: a, image: "a:v1"}]'
    ],
    expected: ['7:37 warning no-digest a:v1']
  },
  {
    name: 'other kinds are not Pod specs',
    yaml: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      '  image: nginx:latest',
      '---',
      'apiVersion: example.com/v1',
      'kind: Widget',
      'spec:',
      '  image: nginx:latest'
    ],
    expected: []
  },
  {
    name: 'aliased containers and merge keys in manifests',
    yaml: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - &main',
      '          name: app',
      '          image: app:main',
      '          imagePullPolicy: Always',
      '        - <<: *main',
      '          name: copy',
      '          imagePullPolicy: IfNotPresent'
    ],
    expected: ['9:18 error pull-policy app:main', '9:18 error mutable-tag app:main']
  }
]

/** Where GitOps controllers keep images outside workloads (issue 15: lint missed these). */
const CONTROLLERS: Row[] = [
  {
    name: 'Flux HelmRelease spec.values is read as a values file',
    yaml: [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'spec:',
      '  chart: {spec: {chart: api}}',
      '  values:',
      '    allowCustomImage: true',
      '    image: {repository: ghcr.io/acme/api, tag: latest}',
      '    worker:',
      '      image: ghcr.io/acme/worker:develop-celery',
      '    pinned:',
      `      image: {repository: ghcr.io/acme/x, tag: v1, digest: "${D}"}`
    ],
    expected: [
      '7:48 error mutable-tag ghcr.io/acme/api:latest',
      '9:14 error mutable-tag ghcr.io/acme/worker:develop-celery'
    ]
  },
  {
    name: 'Argo CD helm.parameters: a tag with its repository, a whole image, a digest, a setting',
    yaml: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'spec:',
      '  source:',
      '    helm:',
      '      parameters:',
      '        - {name: image.repository, value: ghcr.io/acme/api}',
      '        - {name: image.tag, value: main}',
      '        - {name: worker.image, value: "ghcr.io/acme/worker:latest"}',
      '        - {name: cron.tag, value: v1.2.3}',
      '        - {name: job.tag, value: latest}',
      `        - {name: job.digest, value: "${D}"}`,
      '        - {name: image.pullPolicy, value: Always}',
      '        - {name: useImage, value: "true"}'
    ],
    expected: [
      '8:36 error mutable-tag ghcr.io/acme/api:main',
      '9:39 error mutable-tag ghcr.io/acme/worker:latest',
      '10:35 warning no-digest cron:v1.2.3'
    ]
  },
  {
    name: 'Argo CD helm.valuesObject and multi-source kustomize.images',
    yaml: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'spec:',
      '  sources:',
      '    - helm:',
      '        valuesObject:',
      '          image: {repository: ghcr.io/acme/api, tag: stable-slim}',
      '    - kustomize:',
      '        images: ["app=ghcr.io/acme/app:nightly"]'
    ],
    expected: [
      '7:54 error mutable-tag ghcr.io/acme/api:stable-slim',
      '9:18 error mutable-tag ghcr.io/acme/app:nightly'
    ]
  },
  {
    name: 'Argo CD helm.values as a literal block: findings where the text sits',
    yaml: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'spec:',
      '  source:',
      '    helm:',
      '      values: |  # inline values',
      '',
      '        # the API',
      '        image:',
      '          repository: ghcr.io/acme/api',
      '          tag: latest',
      '        sidecar:',
      '          image: ghcr.io/acme/proxy:v2',
      '  destination: {namespace: api}'
    ],
    expected: [
      '11:16 error mutable-tag ghcr.io/acme/api:latest',
      '13:18 warning no-digest ghcr.io/acme/proxy:v2'
    ]
  },
  {
    name: 'Argo CD helm.values in a quoted string: not read (its positions are not the text)',
    yaml: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'spec:',
      '  source:',
      '    helm:',
      '      values: "image: nginx:latest"'
    ],
    expected: []
  },
  {
    name: 'Argo CD ApplicationSet template: overrides read, generator templates skipped',
    yaml: [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      'spec:',
      '  template:',
      '    spec:',
      '      source:',
      '        kustomize:',
      '          images: ["app=ghcr.io/acme/app:latest", "api=ghcr.io/acme/api:{{.tag}}"]',
      '        helm:',
      "          parameters: [{name: image.tag, value: '{{.tag}}'}]"
    ],
    expected: ['8:20 error mutable-tag ghcr.io/acme/app:latest']
  },
  {
    name: 'a kustomize Component: its images: entries',
    file: 'components/pin/kustomization.yaml',
    yaml: [
      'apiVersion: kustomize.config.k8s.io/v1alpha1',
      'kind: Component',
      'images:',
      '  - {name: app, newTag: latest}',
      '  - {name: api, newTag: v1.2.3}'
    ],
    expected: ['4:25 error mutable-tag app:latest', '5:25 warning no-digest api:v1.2.3']
  },
  {
    name: 'a Component in a file of another name (kind and apiVersion say so)',
    file: 'components/pin/component.yaml',
    yaml: [
      'apiVersion: kustomize.config.k8s.io/v1alpha1',
      'kind: Component',
      'images: [{name: app, newTag: main}]'
    ],
    expected: ['3:30 error mutable-tag app:main']
  }
]

const ROBUSTNESS: Row[] = [
  {
    name: 'CRLF, a BOM, comments and several documents',
    file: 'values.yaml',
    yaml: [
      '\uFEFF# values\r',
      'image: nginx:latest # pinned later\r',
      '---\r',
      '# second document\r',
      'image:\r',
      '  repository: ghcr.io/acme/api\r',
      '  tag: v2\r'
    ],
    expected: ['2:8 error mutable-tag nginx:latest', '7:8 warning no-digest ghcr.io/acme/api:v2']
  },
  {
    name: 'invalid YAML is a warning; the other documents are still checked',
    file: 'values.yaml',
    yaml: ['image: nginx:latest', '---', 'a: [1, 2', 'b: c'],
    expected: ['1:8 error mutable-tag nginx:latest', '4:1 warning invalid-yaml ']
  },
  {
    name: 'empty files, comment-only files and scalars',
    file: 'values.yaml',
    yaml: ['# nothing here', '---', '---', 'just a string'],
    expected: []
  },
  {
    name: 'an alias cycle does not hang',
    file: 'values.yaml',
    yaml: ['a: &a', '  image: *a', '  b: [*a]', '  <<: *a', '  c:', '    <<: [*a, *a]'],
    expected: []
  }
]

describe.each([
  ['kustomize', 'overlays/dev/kustomization.yaml', KUSTOMIZE],
  ['helm', 'values.yaml', HELM],
  ['manifest', 'deploy/app.yaml', MANIFEST],
  ['GitOps controller', 'apps/app.yaml', CONTROLLERS],
  ['robustness', 'values.yaml', ROBUSTNESS]
])('%s findings', (_kind, defaultFile, rows) => {
  it.each(rows.map(row => [row.name, row] as const))('%s', (_name, row) => {
    expect(lint(row.file ?? defaultFile, row.yaml, row.options)).toEqual(row.expected)
  })
})

/**
 * YAML that no GitOps controller deploys (issue 15: CI failed on docker-compose files): skipped
 * with a note naming what it looks like, never a finding. Each row holds an image lint would
 * otherwise report (a mutable tag), so an empty finding list proves the skip.
 */
const NOT_KUBERNETES: [file: string, reason: string, yaml: string[]][] = [
  [
    'docker-compose.yml',
    'not Kubernetes YAML (docker-compose)',
    ['services:', '  web:', '    image: nginx:latest', '    ports: ["80:80"]', 'volumes: {db: {}}']
  ],
  [
    'deploy/compose.yaml',
    'not Kubernetes YAML (docker-compose)',
    [
      'version: "3.8"',
      'x-common: &c {restart: always}',
      'services:',
      '  api:',
      '    image: acme/api'
    ]
  ],
  [
    'ci/workflows/build.yml',
    'not Kubernetes YAML (GitHub Actions workflow)',
    [
      'on: [push]',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    container: {image: node:latest}',
      '    services: {db: {image: postgres:latest}}'
    ]
  ],
  [
    'actions/build/action.yml',
    'not Kubernetes YAML (GitHub Action metadata)',
    ['name: build', 'runs:', '  using: docker', '  image: docker://alpine:latest']
  ],
  [
    'ci/gitlab.yml',
    'not Kubernetes YAML (GitLab CI)',
    ['image: node:latest', 'stages: [test]', 'test:', '  stage: test', '  script: [npm test]']
  ],
  [
    'build/circle.yml',
    'not Kubernetes YAML (CircleCI config)',
    [
      'version: 2.1',
      'jobs:',
      '  build:',
      '    docker: [{image: cimg/node:latest}]',
      'workflows: {}'
    ]
  ],
  [
    'azure-pipelines.yml',
    'not Kubernetes YAML (Azure Pipelines)',
    ['trigger: [main]', 'pool: {vmImage: ubuntu-latest}', 'steps: [{script: make}]']
  ],
  [
    'cloudbuild.yaml',
    'not Kubernetes YAML (a build pipeline (Cloud Build, Drone, Buildkite…))',
    ['steps:', '  - name: gcr.io/cloud-builders/docker', '    args: [build, -t, app:latest, .]']
  ],
  [
    'bitbucket-pipelines.yml',
    'not Kubernetes YAML (Bitbucket Pipelines)',
    ['image: node:latest', 'pipelines:', '  default: [{step: {script: [make]}}]']
  ],
  [
    'playbooks/site.yml',
    'not Kubernetes YAML (Ansible)',
    [
      '- hosts: web',
      '  tasks:',
      '    - community.docker.docker_container:',
      '        name: web',
      '        image: nginx:latest'
    ]
  ],
  [
    'roles/web/tasks/main.yml',
    'not Kubernetes YAML (Ansible)',
    ['- name: run', '  ansible.builtin.command: docker run nginx:latest']
  ],
  [
    'api/openapi.yaml',
    'not Kubernetes YAML (OpenAPI)',
    ['openapi: 3.0.0', 'components:', '  schemas:', '    Image: {example: {image: nginx:latest}}']
  ],
  [
    'docs/mkdocs.yml',
    'not Kubernetes YAML (MkDocs)',
    ['site_name: docs', 'extra: {image: nginx:latest}']
  ],
  [
    'Taskfile.yml',
    'not Kubernetes YAML (Taskfile)',
    [
      'version: "3"',
      'tasks:',
      '  run: {cmds: [docker run nginx:latest]}',
      'vars: {image: x:latest}'
    ]
  ],
  [
    'charts/api/Chart.yaml',
    'Helm chart metadata',
    ['apiVersion: v2', 'name: api', 'version: 1.0.0']
  ],
  [
    'promotion.yaml',
    "promote-image's own configuration",
    ['environments:', '  dev: {targets: [{kustomize: overlays/dev}]}']
  ],
  [
    'config/app.yaml',
    'not Kubernetes YAML (no apiVersion and kind) and not Helm values (not named *values*, not beside a Chart.yaml, no image: {repository: …} map)',
    ['image: nginx:latest', 'replicas: 2']
  ]
]

describe('YAML that is not Kubernetes is skipped with a note, never reported', () => {
  it.each(NOT_KUBERNETES)('%s: %s', (file, reason, yaml) => {
    expect(lintFile(yaml.join('\n'), file)).toEqual({ findings: [], skipped: reason })
  })

  it.each([
    // [file, yaml, options, expected findings]: Helm values are still read
    ['values.yaml', ['image: nginx:latest'], {}, ['1:8 error mutable-tag nginx:latest']],
    ['envs/prod-values.yml', ['image: nginx:latest'], {}, ['1:8 error mutable-tag nginx:latest']],
    ['values/prod.yaml', ['image: nginx:latest'], {}, ['1:8 error mutable-tag nginx:latest']],
    [
      'charts/api/prod.yaml',
      ['image: nginx:latest'],
      { chartDirs: new Set(['charts/api']) },
      ['1:8 error mutable-tag nginx:latest']
    ],
    [
      'envs/prod/api.yaml',
      ['api:', '  image: {repository: acme/api, tag: main}'],
      {},
      ['2:38 error mutable-tag acme/api:main']
    ],
    [
      // a Helm values file that names a services: map is not docker-compose (other top keys)
      'values.yaml',
      ['services:', '  api: {image: {repository: acme/api, tag: latest}}', 'replicaCount: 1'],
      {},
      ['2:44 error mutable-tag acme/api:latest']
    ]
  ] as [string, string[], LintOptions, string[]][])(
    '%s is read as Helm values',
    (file, yaml, options, expected) => {
      const result = lintFile(yaml.join('\n'), file, options)
      expect(result.skipped).toBeUndefined()
      expect(brief(result.findings)).toEqual(expected)
    }
  )

  it('a file with one Kubernetes document is read, not skipped', () => {
    const yaml = [
      'services: {web: {image: nginx:latest}}',
      '---',
      ...deployment(['image: app:main'])
    ]
    const result = lintFile(yaml.join('\n'), 'deploy/mixed.yaml')
    expect(result.skipped).toBeUndefined()
    expect(brief(result.findings)).toEqual(['12:18 error pull-policy app:main'])
  })
})

describe('finding text', () => {
  const one = (file: string, lines: string[]): Finding => {
    const findings = lintText(lines.join('\n'), file)
    expect(findings).toHaveLength(1)
    return findings[0]!
  }

  it.each([
    [
      'kustomization.yaml',
      ['images:', '  - name: app', '    newTag: v1.2.3'],
      'kustomization.yaml:3:13: warning: tag v1.2.3 has no digest: a re-push under the same tag would not be seen (run promote-image to pin it)'
    ],
    [
      'kustomization.yaml',
      ['images:', '  - name: app', '    newName: ghcr.io/acme/app'],
      "kustomization.yaml:2:11: warning: no newTag or digest: the base's tag is used (run promote-image to set newTag and digest, so this overlay pins its own build)"
    ],
    [
      'values.yaml',
      ['image:', '  repository: app', '  tag: ""'],
      "values.yaml:3:8: warning: empty tag: the chart's appVersion is used; pin it (run promote-image to set tag and digest to the build you mean to run)"
    ],
    [
      'a.yaml',
      deployment(['image: app:main']),
      "a.yaml:10:18: error: IfNotPresent (the default for a tag other than latest) with mutable tag main: nodes keep the cached image and Argo CD shows Synced while pods run the old digest (incident: 'Synced, 0 updated') (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest; imagePullPolicy: Always alone would not restart running pods)"
    ],
    [
      'a.yaml',
      deployment(['image: app', 'imagePullPolicy: IfNotPresent']),
      "a.yaml:10:18: error: IfNotPresent with mutable tag latest (implied: no tag): nodes keep the cached image and Argo CD shows Synced while pods run the old digest (incident: 'Synced, 0 updated') (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest; imagePullPolicy: Always alone would not restart running pods)"
    ],
    [
      'values.yaml',
      ['image: app:Production'],
      'values.yaml:1:8: error: mutable tag Production: a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest)'
    ],
    [
      'values.yaml',
      ['image: app'],
      'values.yaml:1:8: error: no tag: "latest" is pulled, a mutable tag; a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest)'
    ],
    [
      'values.yaml',
      ['a: b', '  c: d'],
      'values.yaml:1:4: warning: not valid YAML: Nested mappings are not allowed in compact mappings (fix the syntax; the rest of this document was not checked)'
    ]
  ])('%s', (file, lines, expected) => {
    expect(formatFinding(one(file, lines))).toBe(expected)
  })

  it('a moving word inside a tag: the message says why, the suggestion keeps the flavour', () => {
    expect(
      formatFinding(
        one('k/kustomization.yaml', ['images:', '  - {name: api, newTag: latest-alpine}'])
      )
    ).toBe(
      'k/kustomization.yaml:2:25: error: mutable tag latest-alpine ("latest" is a moving word and nothing beside it names one build: no full version, date or commit): a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image (push a tag that names the build, such as v1.4.2-alpine or sha-3f9c2d1-alpine, and run promote-image to pin it with its digest)'
    )
  })

  it('summary line', () => {
    expect(formatSummary({ errors: 3, warnings: 8, files: 12, skipped: 0 })).toBe(
      '3 errors, 8 warnings in 12 files'
    )
    expect(formatSummary({ errors: 1, warnings: 0, files: 1, skipped: 0 })).toBe(
      '1 error, 0 warnings in 1 file'
    )
    expect(formatSummary({ errors: 0, warnings: 2, files: 10, skipped: 3 })).toBe(
      '0 errors, 2 warnings in 10 files; 3 skipped (-v lists them)'
    )
  })
})

/** The fixture repo's expected findings, paths relative to it. */
const FIXTURE_FINDINGS = [
  'apps/legacy-gateway/values.yaml:5:1: warning: not valid YAML: All mapping items must start at the same column (fix the syntax; the rest of this document was not checked)',
  // staging renames the image without a tag, dev has no redis entry: the base's tags run there.
  "apps/notification-service/base/deployment.yaml:20:18: error: IfNotPresent with mutable tag latest (implied: no tag) ({dir}/apps/notification-service/overlays/staging/kustomization.yaml keeps this tag): nodes keep the cached image and Argo CD shows Synced while pods run the old digest (incident: 'Synced, 0 updated') (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest; imagePullPolicy: Always alone would not restart running pods)",
  'apps/notification-service/base/deployment.yaml:28:18: error: no tag ({dir}/apps/notification-service/overlays/dev/kustomization.yaml keeps this tag): "latest" is pulled, a mutable tag; a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest)',
  'apps/notification-service/overlays/dev/kustomization.yaml:9:13: error: mutable tag latest: a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest)',
  "apps/notification-service/overlays/staging/kustomization.yaml:8:11: warning: no newTag or digest: the base's tag is used (run promote-image to set newTag and digest, so this overlay pins its own build)",
  'apps/notification-service/overlays/staging/kustomization.yaml:11:13: warning: tag 7.2.4 has no digest: a re-push under the same tag would not be seen (run promote-image to pin it)',
  "charts/api/values.yaml:17:8: warning: empty tag: the chart's appVersion is used; pin it (run promote-image to set tag and digest to the build you mean to run)",
  'charts/api/values.yaml:28:10: error: mutable tag main: a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest)',
  'charts/api/values.yaml:32:18: warning: tag v0.26.0 has no digest: a re-push under the same tag would not be seen (run promote-image to pin it)',
  'charts/api/values.yaml:40:8: warning: tag v1.8.0 has no digest: a re-push under the same tag would not be seen (run promote-image to pin it)',
  'charts/api/values.yaml:48:12: warning: tag 1.10 has no digest: a re-push under the same tag would not be seen (run promote-image to pin it)',
  'manifests/sms-worker/deployment.yaml:18:18: warning: tag sha-3f9c2d1 has no digest: a re-push under the same tag would not be seen (run promote-image to pin it)',
  "manifests/sms-worker/deployment.yaml:21:18: error: IfNotPresent with mutable tag main: nodes keep the cached image and Argo CD shows Synced while pods run the old digest (incident: 'Synced, 0 updated') (push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest; imagePullPolicy: Always alone would not restart running pods)"
]

const FIXTURE_FILES = [
  'apps/legacy-gateway/values.yaml',
  'apps/notification-service/base/deployment.yaml',
  'apps/notification-service/base/kustomization.yaml',
  'apps/notification-service/base/service.yaml',
  'apps/notification-service/overlays/dev/kustomization.yaml',
  'apps/notification-service/overlays/prod/kustomization.yaml',
  'apps/notification-service/overlays/staging/kustomization.yaml',
  'charts/api/Chart.yaml',
  'charts/api/values-prod.yaml',
  'charts/api/values.yaml',
  'manifests/sms-worker/deployment.yaml',
  'promotion.yaml'
]

function capture(): { context: CommandContext; out: () => string; debug: string[] } {
  let out = ''
  const debug: string[] = []
  const context: CommandContext = {
    logger: { debug: m => debug.push(m), info: () => {}, warning: () => {} },
    stdout: text => {
      out += text
    },
    readStdin: async () => '',
    env: {}
  }
  return { context, out: () => out, debug }
}

describe('promote-image lint on the fixture config repo', () => {
  // Relative to the working directory, as a user would type it.
  const dir = relative(process.cwd(), FIXTURE)

  it('prints one line per finding, sorted, then the summary; exits 1 on errors', async () => {
    const { context, out, debug } = capture()
    expect(await lintCommand([dir], context)).toBe(1)
    const lines = [
      ...FIXTURE_FINDINGS.map(line => `${dir}/${line.replace('{dir}', dir)}`),
      '5 errors, 8 warnings in 10 files; 3 skipped (-v lists them)'
    ]
    expect(out()).toBe(lines.map(line => `${line}\n`).join(''))
    expect(debug).toEqual([
      `skipped ${dir}/charts/api/Chart.yaml: Helm chart metadata`,
      `skipped ${dir}/charts/api/templates: Helm templates`,
      `skipped ${dir}/promotion.yaml: promote-image's own configuration`
    ])
  })

  it('walks YAML and Kustomization files in sorted order; skips hidden dirs and chart templates', async () => {
    expect((await walkConfigFiles(FIXTURE)).files).toEqual(FIXTURE_FILES)
  })

  it('--json prints findings, skipped files and the summary', async () => {
    const { context, out } = capture()
    expect(await lintCommand([dir, '--json'], context)).toBe(1)
    const report = JSON.parse(out()) as { findings: Finding[]; skipped: unknown; summary: unknown }
    expect(Object.keys(report)).toEqual(['findings', 'skipped', 'summary'])
    expect(report.summary).toEqual({ errors: 5, warnings: 8, files: 10, skipped: 3 })
    expect(report.skipped).toEqual([
      { file: `${dir}/charts/api/Chart.yaml`, reason: 'Helm chart metadata' },
      { file: `${dir}/charts/api/templates`, reason: 'Helm templates' },
      { file: `${dir}/promotion.yaml`, reason: "promote-image's own configuration" }
    ])
    expect(report.findings).toHaveLength(13)
    expect(report.findings[3]).toEqual({
      file: `${dir}/apps/notification-service/overlays/dev/kustomization.yaml`,
      line: 9,
      column: 13,
      severity: 'error',
      kind: 'kustomize',
      image: 'registry.corp.io/notification-service:latest',
      problem: 'mutable-tag',
      message:
        'mutable tag latest: a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image',
      suggestion:
        'push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest'
    })
    expect(report.findings.map(f => `${f.kind} ${f.problem}`)).toEqual([
      'helm invalid-yaml',
      'manifest pull-policy',
      'manifest no-tag',
      'kustomize mutable-tag',
      'kustomize no-tag',
      'kustomize no-digest',
      'helm empty-tag',
      'helm mutable-tag',
      'helm no-digest',
      'helm no-digest',
      'helm no-digest',
      'manifest no-digest',
      'manifest pull-policy'
    ])
  })

  it('exits 0 when there are only warnings, or nothing', async () => {
    const staging = capture()
    expect(
      await lintCommand([join(dir, 'apps/notification-service/overlays/staging')], staging.context)
    ).toBe(0)
    expect(staging.out()).toMatch(/\n0 errors, 2 warnings in 1 file\n$/)
    const prod = capture()
    expect(
      await lintCommand([join(dir, 'apps/notification-service/overlays/prod')], prod.context)
    ).toBe(0)
    expect(prod.out()).toBe('0 errors, 0 warnings in 1 file\n')
  })

  it('lints a single file given instead of a directory', async () => {
    const { context, out } = capture()
    const file = join(dir, 'manifests/sms-worker/deployment.yaml')
    expect(await lintCommand([file], context)).toBe(1)
    expect(out().split('\n')[0]).toBe(
      `${file}:18:18: warning: tag sha-3f9c2d1 has no digest: a re-push under the same tag would not be seen (run promote-image to pin it)`
    )
  })

  it('--mutable-tags replaces the list (latest stays mutable)', async () => {
    const { context, out } = capture()
    await lintCommand([dir, '--mutable-tags', 'sha-*'], context)
    expect(out()).toMatch(
      /sms-worker\/deployment.yaml:18:18: error: IfNotPresent .*mutable tag sha-3f9c2d1/
    )
    expect(out()).toMatch(/overlays\/dev\/kustomization.yaml:9:13: error: mutable tag latest/)
    expect(out()).toMatch(/charts\/api\/values.yaml:28:10: warning: tag main has no digest/)
  })

  it('--help prints the usage and exits 0', async () => {
    const { context, out } = capture()
    expect(await lintCommand(['--help'], context)).toBe(0)
    expect(out()).toMatch(/^Usage: promote-image lint \[DIR\]/)
  })

  it.each([
    [['a', 'b'], /takes one DIR; got 2/],
    [['--pin', 'tag'], /Unknown option '--pin'/],
    [['--mutable-tags', 'a b'], /invalid pattern/],
    [['--allow-tags', '('], /not a valid regular expression/],
    [
      ['--allow-tags', '(?!dev)\\w+'],
      /--allow-tags is not a valid regular expression in RE2 syntax.*lookaround/
    ],
    [[join(dir, 'no-such-dir')], /cannot read .*no-such-dir.*ENOENT/]
  ])('usage error %j is an InputError (exit 2)', async (args, message) => {
    const { context } = capture()
    const run = lintCommand(args, context)
    await expect(run).rejects.toThrow(InputError)
    await expect(lintCommand(args, context)).rejects.toThrow(message)
  })
})

describe('walking a copy of the repo with links, node_modules and big files', () => {
  let base: string
  let repo: string

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'promote-image-lint-'))
    repo = join(base, 'repo')
    await cp(FIXTURE, repo, { recursive: true })
    const outside = join(base, 'outside')
    await mkdir(outside)
    await writeFile(join(outside, 'secret.yaml'), 'image: nginx:latest\n')
    await symlink(join(outside, 'secret.yaml'), join(repo, 'leak.yaml'))
    await symlink(outside, join(repo, 'linked-dir.yaml'))
    await symlink(outside, join(repo, 'apps/outside'))
    await symlink('../charts/api/values.yaml', join(repo, 'apps/api-values.yaml'))
    await symlink('notification-service/base', join(repo, 'apps/linked-base'))
    await symlink(join(repo, 'missing.yaml'), join(repo, 'dangling.yaml'))
    await mkdir(join(repo, 'node_modules/pkg'), { recursive: true })
    await writeFile(join(repo, 'node_modules/pkg/values.yaml'), 'image: nginx:latest\n')
    await mkdir(join(repo, '.hidden'))
    await writeFile(join(repo, '.hidden/values.yaml'), 'image: nginx:latest\n')
    await writeFile(join(repo, '.gitlab-ci.yml'), 'image: node:latest\n')
    // templates/ outside a chart is ordinary YAML
    await mkdir(join(repo, 'templates'))
    await writeFile(join(repo, 'templates/values.yaml'), 'image: nginx:latest\n')
    await writeFile(join(repo, 'huge.yaml'), `image: nginx:latest\n${'#'.repeat(MAX_FILE_BYTES)}\n`)
  })

  afterAll(async () => {
    await rm(base, { recursive: true, force: true })
  })

  it('never follows a link out of DIR, nor into node_modules, hidden or huge files', async () => {
    const { files, skipped } = await walkConfigFiles(repo)
    expect(files).toEqual(
      [...FIXTURE_FILES, 'apps/api-values.yaml', 'templates/values.yaml'].sort()
    )
    expect(skipped).toEqual([
      { file: 'apps/linked-base', reason: 'linked directory' },
      { file: 'apps/outside', reason: 'symbolic link to outside the directory' },
      { file: 'charts/api/templates', reason: 'Helm templates' },
      { file: 'dangling.yaml', reason: 'broken symbolic link' },
      { file: 'huge.yaml', reason: 'larger than 2 MiB' },
      { file: 'leak.yaml', reason: 'symbolic link to outside the directory' },
      { file: 'linked-dir.yaml', reason: 'symbolic link to outside the directory' }
    ])
  })

  it('reports what a linked file inside DIR holds, under the link name', async () => {
    const result = await lintPath(repo)
    const files = [...new Set(result.findings.map(f => relative(repo, f.file)))]
    expect(files).toEqual([
      'apps/api-values.yaml',
      'apps/legacy-gateway/values.yaml',
      'apps/notification-service/base/deployment.yaml',
      'apps/notification-service/overlays/dev/kustomization.yaml',
      'apps/notification-service/overlays/staging/kustomization.yaml',
      'charts/api/values.yaml',
      'manifests/sms-worker/deployment.yaml',
      'templates/values.yaml'
    ])
    expect(result.findings.some(f => f.file.includes('leak'))).toBe(false)
  })
})

describe('CI does not fail on non-Kubernetes YAML', () => {
  it('a repo of compose, workflow and Ansible files beside a pinned manifest exits 0', async () => {
    const base = await mkdtemp(join(tmpdir(), 'promote-image-lint-'))
    try {
      await mkdir(join(base, 'deploy'))
      await mkdir(join(base, 'ci'))
      await writeFile(
        join(base, 'docker-compose.yml'),
        'services:\n  web:\n    image: nginx:latest\n'
      )
      await writeFile(
        join(base, 'ci/build.yml'),
        'on: push\njobs:\n  b: {container: {image: node:latest}}\n'
      )
      await writeFile(join(base, 'ci/site.yml'), '- hosts: all\n  tasks: []\n')
      await writeFile(
        join(base, 'deploy/app.yaml'),
        deployment([`image: ghcr.io/acme/app:v1.2.3@${D}`]).join('\n')
      )
      const { context, out, debug } = capture()
      expect(await lintCommand([base], context)).toBe(0)
      expect(out()).toBe('0 errors, 0 warnings in 1 file; 3 skipped (-v lists them)\n')
      expect(debug).toEqual([
        `skipped ${base}/ci/build.yml: not Kubernetes YAML (GitHub Actions workflow)`,
        `skipped ${base}/ci/site.yml: not Kubernetes YAML (Ansible)`,
        `skipped ${base}/docker-compose.yml: not Kubernetes YAML (docker-compose)`
      ])
    } finally {
      await rm(base, { recursive: true, force: true })
    }
  })
})

/**
 * A base image is left to the overlays only when every kustomization rendering it pins its tag
 * (issue 15): by kustomize's own matching (image.IsImageMatched, literal, not normalized), entries
 * applied in order (rename chains), components included. Each case is also built with the real
 * `kubectl kustomize` at every root: the base is reported exactly when some root renders the
 * base's own image string.
 */
interface OverlayCase {
  name: string
  image: string
  /** Files besides base/deployment.yaml. */
  files: Record<string, string[]>
  /** Kustomization directories nothing includes: what Argo CD would build. */
  roots: string[]
  reported: boolean
  /** The kustomization the finding names as keeping the base's tag. */
  keptBy?: string
}

const base = (resources = ['deployment.yaml']) => [`resources: [${resources.join(', ')}]`]
const overlay = (images: string[], extra: string[] = []) => [
  'resources: [../../base]',
  ...extra,
  ...(images.length > 0 ? ['images:', ...images.map(i => `  - ${i}`)] : [])
]

const OVERLAY_CASES: OverlayCase[] = [
  {
    name: 'every overlay sets newTag or digest: left to them',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay(['{name: app, newTag: v1.2.3}']),
      'overlays/prod/kustomization.yaml': overlay([`{name: app, digest: "${D}"}`])
    },
    roots: ['overlays/dev', 'overlays/prod'],
    reported: false
  },
  {
    name: 'one overlay leaves the tag: the base tag runs there, reported',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay(['{name: app, newTag: v1.2.3}']),
      'overlays/prod/kustomization.yaml': overlay([])
    },
    roots: ['overlays/dev', 'overlays/prod'],
    reported: true,
    keptBy: 'overlays/prod/kustomization.yaml'
  },
  {
    name: 'an overlay that only renames: reported',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay(['{name: app, newName: ghcr.io/acme/app}'])
    },
    roots: ['overlays/dev'],
    reported: true
  },
  {
    name: 'a normalized name kustomize does not match (docker.io/library/nginx vs nginx): reported',
    image: 'nginx:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay([
        '{name: docker.io/library/nginx, newTag: "1.27"}'
      ])
    },
    roots: ['overlays/dev'],
    reported: true
  },
  {
    name: 'a registry spelled in another case (LOCALHOST:5000/app): reported',
    image: 'localhost:5000/app:main',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay(['{name: LOCALHOST:5000/app, newTag: v1.2.3}'])
    },
    roots: ['overlays/dev'],
    reported: true
  },
  {
    name: 'the name as written, with a registry port: left to the overlay',
    image: 'localhost:5000/app:main',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay(['{name: localhost:5000/app, newTag: v1.2.3}'])
    },
    roots: ['overlays/dev'],
    reported: false
  },
  {
    name: 'a rename chain: the second entry names the new name and sets the tag',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay([
        '{name: app, newName: ghcr.io/acme/app}',
        '{name: ghcr.io/acme/app, newTag: v1.2.3}'
      ])
    },
    roots: ['overlays/dev'],
    reported: false
  },
  {
    name: 'entries in the wrong order for a chain: the tag entry never applies, reported',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay([
        '{name: ghcr.io/acme/app, newTag: v1.2.3}',
        '{name: app, newName: ghcr.io/acme/app}'
      ])
    },
    roots: ['overlays/dev'],
    reported: true
  },
  {
    name: 'a component used by the overlay pins it',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'components/pin/kustomization.yaml': [
        'apiVersion: kustomize.config.k8s.io/v1alpha1',
        'kind: Component',
        'images:',
        `  - {name: app, digest: "${D}"}`
      ],
      'overlays/dev/kustomization.yaml': overlay([], ['components: [../../components/pin]'])
    },
    roots: ['overlays/dev'],
    reported: false
  },
  {
    name: "the base's own kustomization pins it, built alone",
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': [...base(), 'images: [{name: app, newTag: v1.2.3}]']
    },
    roots: ['base'],
    reported: false
  },
  {
    name: 'the base kustomization built alone (no overlay in the tree): reported',
    image: 'app:latest',
    files: { 'base/kustomization.yaml': base() },
    roots: ['base'],
    reported: true,
    keptBy: 'base/kustomization.yaml'
  },
  {
    // Argo CD builds overlays/dev, then applies its kustomize.images; the proof kustomization
    // (outside the linted directory) does the same with kubectl.
    name: 'an Argo CD Application sets the image on the overlay it deploys: left to it',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay([]),
      'apps/dev.yaml': [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        'spec:',
        '  source:',
        '    path: overlays/dev',
        '    kustomize: {images: ["app=ghcr.io/acme/app:v1.2.3"]}'
      ],
      '../proof/kustomization.yaml': [
        'resources: [../repo/overlays/dev]',
        'images: [{name: app, newName: ghcr.io/acme/app, newTag: v1.2.3}]'
      ]
    },
    roots: ['../proof'],
    reported: false
  },
  {
    name: 'an Argo CD Application overriding another image: reported, naming the Application',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay([]),
      'apps/dev.yaml': [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        'spec:',
        '  sources:',
        '    - path: overlays/dev',
        '      kustomize: {images: ["ghcr.io/acme/other:v1.2.3"]}'
      ],
      '../proof/kustomization.yaml': [
        'resources: [../repo/overlays/dev]',
        'images: [{name: ghcr.io/acme/other, newTag: v1.2.3}]'
      ]
    },
    roots: ['../proof'],
    reported: true,
    keptBy: 'apps/dev.yaml'
  },
  {
    name: 'a Flux Kustomization with spec.images: left to it',
    image: 'app:latest',
    files: {
      'base/kustomization.yaml': base(),
      'overlays/dev/kustomization.yaml': overlay([]),
      'clusters/dev/app.yaml': [
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'spec:',
        '  path: ./overlays/dev',
        `  images: [{name: app, newTag: "1.20", digest: "${D}"}]`
      ],
      '../proof/kustomization.yaml': [
        'resources: [../repo/overlays/dev]',
        `images: [{name: app, newTag: "1.20", digest: "${D}"}]`
      ]
    },
    roots: ['../proof'],
    reported: false
  },
  {
    name: 'an overlay elsewhere that never includes the base does not count: reported',
    image: 'app:latest',
    files: {
      'other/kustomization.yaml': ['images: [{name: app, newTag: v1.2.3}]']
    },
    roots: [],
    reported: true
  }
]

describe('a values file beside a Chart.yaml, whatever its name', () => {
  it.each([
    ['the directory', (dir: string) => dir],
    ['the file alone', (dir: string) => join(dir, 'charts/api/prod.yaml')]
  ])('is read as values when lint is given %s', async (_what, target) => {
    const dir = await mkdtemp(join(tmpdir(), 'promote-image-lint-'))
    try {
      await mkdir(join(dir, 'charts/api'), { recursive: true })
      await writeFile(
        join(dir, 'charts/api/Chart.yaml'),
        'apiVersion: v2\nname: api\nversion: 1.0.0\n'
      )
      await writeFile(join(dir, 'charts/api/prod.yaml'), 'image: ghcr.io/acme/api:latest\n')
      const result = await lintPath(target(dir))
      expect(brief(result.findings)).toEqual(['1:8 error mutable-tag ghcr.io/acme/api:latest'])
      expect(result.files).toEqual([join(dir, 'charts/api/prod.yaml')])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('kustomize bases', () => {
  const dirs: string[] = []
  afterAll(() => Promise.all(dirs.map(d => rm(d, { recursive: true, force: true }))))

  it.each(OVERLAY_CASES.map(c => [c.name, c] as const))('%s', async (_name, c) => {
    const top = await mkdtemp(join(tmpdir(), 'promote-image-lint-'))
    dirs.push(top)
    // The linted repository; `../proof` beside it is outside what lint reads.
    const dir = join(top, 'repo')
    const files = { 'base/deployment.yaml': deployment([`image: ${c.image}`]), ...c.files }
    for (const [path, lines] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true })
      await writeFile(join(dir, path), `${lines.join('\n')}\n`)
    }
    const result = await lintPath(dir)
    const baseFindings = result.findings.filter(f => f.file === join(dir, 'base/deployment.yaml'))
    expect(baseFindings.length > 0).toBe(c.reported)
    if (c.keptBy !== undefined) {
      expect(baseFindings[0]!.message).toContain(`(${join(dir, c.keptBy)} keeps this tag)`)
    }
    // The real kustomize agrees: some root renders the base's own tag (renamed or not), no digest.
    const rendered = await Promise.all(
      c.roots.map(root => execFileAsync('kubectl', ['kustomize', join(dir, root)]))
    )
    const baseTag = c.image.slice(c.image.lastIndexOf(':'))
    const survives = rendered.some(({ stdout }) =>
      [...stdout.matchAll(/image: (\S+)/g)].some(
        ([, image]) => !image!.includes('@') && image!.endsWith(baseTag)
      )
    )
    expect(survives || c.roots.length === 0).toBe(c.reported)
  })
})

describe('--allow-tags runs in linear time', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lint-re2-'))
    await writeFile(
      join(dir, 'kustomization.yaml'),
      ['images:', '  - name: app', `    newTag: ${'a'.repeat(60)}_`, ''].join('\n')
    )
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  // JavaScript's RegExp backtracks exponentially on (a+)+$ against 60 a's and a mismatch.
  it("'(a+)+$' against a 60-character tag reports the tag within a second", async () => {
    const { context, out } = capture()
    const started = performance.now()
    expect(await lintCommand([dir, '--allow-tags', '(a+)+$'], context)).toBe(1)
    expect(performance.now() - started).toBeLessThan(scaled(1000))
    expect(out()).toContain(`tag ${'a'.repeat(60)}_ does not match --allow-tags /(a+)+$/`)
  })
})
