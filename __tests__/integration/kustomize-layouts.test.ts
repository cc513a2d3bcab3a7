/**
 * Kustomize layouts real config repositories have, promoted through the edit stage and checked
 * with the real `kubectl kustomize` (Kustomize v5.7.1): what is written must be what kustomize
 * applies (its images transformer: api/filters/imagetag, api/image/image.go IsImageMatched —
 * names match literally, in any kind, entries in list order), with or without a renderer on the
 * runner. A refused promotion leaves every byte as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { editConfigRepo } from '../../src/engine/edit.js'
import { silentLogger } from '../../src/log/logger.js'
import type { ResolvedImage, VerifyRenderMode } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import {
  extractImages,
  findRenderer,
  fsTreeReader,
  overlayInputs,
  type Renderer
} from '../../src/render/index.js'

const DIGEST = `sha256:${'5e'.repeat(32)}`

function built(input: string): ResolvedImage {
  const reference = parseReference(input)
  return {
    input,
    reference,
    digest: DIGEST,
    pinned: `${reference.name}:${reference.tag}@${DIGEST}`,
    pin: 'digest',
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'manifest',
    registry: reference.domain
  } as ResolvedImage
}

const workload = (kind: string, apiVersion: string, name: string, spec: string): string =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${spec}`

const podTemplate = (image: string, indent = '  '): string =>
  `${indent}template:\n${indent}  spec:\n${indent}    containers:\n${indent}      - name: app\n${indent}        image: ${image}\n`

interface Case {
  readonly case: string
  readonly files: Record<string, string>
  readonly image: string
  readonly target?: string
  /** Default auto. */
  readonly verifyRender?: VerifyRenderMode
  /** Run with no kustomize or kubectl on PATH. */
  readonly noRenderer?: boolean
  /** Where the promoted images are rendered; default the target. */
  readonly renderAt?: string
  /** Promoted: the images the overlay renders afterwards, in order. */
  readonly renders?: string[]
  /** Refused: a part of the message or its hint. */
  readonly refused?: string
}

const pinned = (name: string, tag: string) => `${name}:${tag}@${DIGEST}`

const NGINX_BASE = {
  'base/kustomization.yaml': 'resources:\n  - deploy.yaml\n',
  'base/deploy.yaml': workload('Deployment', 'apps/v1', 'web', `spec:\n${podTemplate('nginx:1.0')}`)
}
const UNAPPLIED_ENTRY =
  'resources:\n  - ../base\nimages:\n  - name: docker.io/library/nginx # normalized, unlike the base\n    newTag: "1.0"\n'

const CASES: Case[] = [
  {
    case: 'a Knative Service overlay promotes (kustomize updates containers in any kind)',
    files: {
      'base/kustomization.yaml': 'resources:\n  - service.yaml\n',
      'base/service.yaml': workload(
        'Service',
        'serving.knative.dev/v1',
        'hello',
        `spec:\n${podTemplate('reg.io/team/hello:v1')}`
      ),
      'overlay/kustomization.yaml':
        'resources:\n  - ../base\nimages:\n  - name: reg.io/team/hello\n    newTag: v1 # CI moves this\n'
    },
    image: 'reg.io/team/hello:v2',
    renders: [pinned('reg.io/team/hello', 'v2')]
  },
  {
    case: 'a KEDA ScaledJob without an entry gets one, and renders it',
    files: {
      'base/kustomization.yaml': 'resources:\n  - job.yaml\n',
      'base/job.yaml': workload(
        'ScaledJob',
        'keda.sh/v1alpha1',
        'worker',
        `spec:\n  jobTargetRef:\n${podTemplate('reg.io/team/worker:v1', '    ')}`
      ),
      'overlay/kustomization.yaml': 'resources:\n  - ../base\n'
    },
    image: 'reg.io/team/worker:v2',
    renders: [pinned('reg.io/team/worker', 'v2')]
  },
  {
    case: 'the same, with no renderer on the runner: the entry is added from the files',
    files: {
      'base/kustomization.yaml': 'resources:\n  - job.yaml\n',
      'base/job.yaml': workload(
        'ScaledJob',
        'keda.sh/v1alpha1',
        'worker',
        `spec:\n  jobTargetRef:\n${podTemplate('reg.io/team/worker:v1', '    ')}`
      ),
      'overlay/kustomization.yaml': 'resources:\n  - ../base\n'
    },
    image: 'reg.io/team/worker:v2',
    noRenderer: true,
    renders: [pinned('reg.io/team/worker', 'v2')]
  },
  {
    case: 'an entry spelled docker.io/library/nginx for a base that says nginx is refused',
    files: { ...NGINX_BASE, 'overlay/kustomization.yaml': UNAPPLIED_ENTRY },
    image: 'nginx:1.27.3',
    refused:
      "kustomize would not apply it: it matches names literally, and the overlay's containers spell it nginx"
  },
  {
    case: '… also with no renderer on the runner',
    files: { ...NGINX_BASE, 'overlay/kustomization.yaml': UNAPPLIED_ENTRY },
    image: 'nginx:1.27.3',
    noRenderer: true,
    refused: 'kustomize would not apply it'
  },
  {
    case: '… also with verify-render false',
    files: { ...NGINX_BASE, 'overlay/kustomization.yaml': UNAPPLIED_ENTRY },
    image: 'nginx:1.27.3',
    verifyRender: 'false',
    refused: "Set the entry's name to nginx"
  },
  {
    case: 'LOCALHOST:5000/app does not match localhost:5000/app',
    files: {
      'base/kustomization.yaml': 'resources:\n  - deploy.yaml\n',
      'base/deploy.yaml': workload(
        'Deployment',
        'apps/v1',
        'app',
        `spec:\n${podTemplate('localhost:5000/app:1')}`
      ),
      'overlay/kustomization.yaml':
        'resources:\n  - ../base\nimages:\n  - name: LOCALHOST:5000/app\n    newTag: "1"\n'
    },
    image: 'localhost:5000/app:2',
    noRenderer: true,
    refused: 'spell it localhost:5000/app'
  },
  {
    case: 'one repository spelled two ways, one entry each: both pinned',
    files: {
      'base/kustomization.yaml': 'resources:\n  - a.yaml\n  - b.yaml\n',
      'base/a.yaml': workload('Deployment', 'apps/v1', 'a', `spec:\n${podTemplate('nginx:1.0')}`),
      'base/b.yaml': workload(
        'Deployment',
        'apps/v1',
        'b',
        `spec:\n${podTemplate('docker.io/library/nginx:1.0')}`
      ),
      'overlay/kustomization.yaml':
        'resources:\n  - ../base\nimages:\n  - name: nginx\n    newTag: "1.0"\n  - name: docker.io/library/nginx\n    newTag: "1.0"\n'
    },
    image: 'nginx:1.27.3',
    renders: [pinned('nginx', '1.27.3'), pinned('docker.io/library/nginx', '1.27.3')]
  },
  {
    case: 'one repository spelled two ways, no entry: one added per spelling',
    files: {
      'base/kustomization.yaml': 'resources:\n  - a.yaml\n  - b.yaml\n',
      'base/a.yaml': workload('Deployment', 'apps/v1', 'a', `spec:\n${podTemplate('nginx:1.0')}`),
      'base/b.yaml': workload(
        'Deployment',
        'apps/v1',
        'b',
        `spec:\n${podTemplate('docker.io/library/nginx:1.0')}`
      ),
      'overlay/kustomization.yaml': 'resources:\n  - ../base\n'
    },
    image: 'nginx:1.27.3',
    noRenderer: true,
    renders: [pinned('nginx', '1.27.3'), pinned('docker.io/library/nginx', '1.27.3')]
  },
  {
    case: 'a rename chain: both entries pinned, the containers render the pin',
    files: {
      ...NGINX_BASE,
      'overlay/kustomization.yaml':
        'resources:\n  - ../base\nimages:\n  - name: nginx\n    newName: reg.io/mirror/nginx\n  - name: reg.io/mirror/nginx\n    newTag: "1.0"\n'
    },
    image: 'reg.io/mirror/nginx:1.27.3',
    renders: [pinned('reg.io/mirror/nginx', '1.27.3')]
  },
  {
    case: 'an image a base overlay renames: the entry for the new name applies',
    files: {
      ...NGINX_BASE,
      'mid/kustomization.yaml':
        'resources:\n  - ../base\nimages:\n  - name: nginx\n    newName: reg.io/mirror/nginx\n',
      'overlay/kustomization.yaml':
        'resources:\n  - ../mid\nimages:\n  - name: reg.io/mirror/nginx\n    newTag: "1.0"\n'
    },
    image: 'reg.io/mirror/nginx:1.27.3',
    noRenderer: true,
    renders: [pinned('reg.io/mirror/nginx', '1.27.3')]
  },
  {
    case: 'a Component the overlay includes brings the workload',
    files: {
      'components/worker/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - worker.yaml\n',
      'components/worker/worker.yaml': workload(
        'Deployment',
        'apps/v1',
        'worker',
        `spec:\n${podTemplate('reg.io/team/worker:v1')}`
      ),
      'overlay/kustomization.yaml':
        'components:\n  - ../components/worker\nimages:\n  - name: reg.io/team/worker\n    newTag: v1\n'
    },
    image: 'reg.io/team/worker:v2',
    noRenderer: true,
    renders: [pinned('reg.io/team/worker', 'v2')]
  },
  {
    case: 'a Component target: the overlays that include it apply its entry',
    files: {
      'base/kustomization.yaml': 'resources:\n  - deploy.yaml\n',
      'base/deploy.yaml': workload(
        'Deployment',
        'apps/v1',
        'api',
        `spec:\n${podTemplate('reg.io/team/api:v1')}`
      ),
      'components/api-image/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: reg.io/team/api\n    newTag: v1\n',
      'overlays/dev/kustomization.yaml':
        'resources:\n  - ../../base\ncomponents:\n  - ../../components/api-image\n',
      'overlays/qa/kustomization.yaml':
        'resources:\n  - ../../base\ncomponents:\n  - ../../components/api-image/\n'
    },
    target: 'components/api-image',
    renderAt: 'overlays/qa',
    image: 'reg.io/team/api:v2',
    verifyRender: 'true',
    renders: [pinned('reg.io/team/api', 'v2')]
  },
  {
    case: 'a Component target whose entry its overlays never apply is refused',
    files: {
      ...NGINX_BASE,
      'components/web/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: docker.io/library/nginx\n    newTag: "1.0"\n',
      'overlay/kustomization.yaml': 'resources:\n  - ../base\ncomponents:\n  - ../components/web\n'
    },
    target: 'components/web',
    image: 'nginx:1.27.3',
    noRenderer: true,
    refused: 'spell it nginx'
  },
  {
    case: 'a Component nothing includes is refused: nothing would deploy it',
    files: {
      ...NGINX_BASE,
      'components/web/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: nginx\n    newTag: "1.0"\n'
    },
    target: 'components/web',
    image: 'nginx:1.27.3',
    refused: 'no kustomization in the repository lists components/web in components:'
  },
  {
    case: 'an image set by a patch counts as the base spells it',
    files: {
      ...NGINX_BASE,
      'overlay/kustomization.yaml':
        'resources:\n  - ../base\npatches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: reg.io/team/web:v1\nimages:\n  - name: reg.io/team/web\n    newTag: v1\n'
    },
    image: 'reg.io/team/web:v2',
    noRenderer: true,
    renders: [pinned('reg.io/team/web', 'v2')]
  }
]

let work: string
let renderer: Renderer
/** A PATH with git and the shell, but no kustomize, kubectl or helm. */
let bare: string

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kustomize-layouts-'))
  const found = await findRenderer('kustomize')
  if ('unavailable' in found) throw new Error(`These tests need kubectl: ${found.unavailable}`)
  renderer = found
  bare = path.join(work, 'bare-bin')
  await mkdir(bare)
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')}: ${stderr}`)) : resolve(stdout)
    )
  })
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    out[path.relative(dir, file)] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex')
  }
  return out
}

describe('Kustomize layouts, edited as kustomize reads them', () => {
  it.each(CASES)('$case', async c => {
    const repo = await mkdtemp(path.join(work, 'repo-'))
    for (const [file, text] of Object.entries(c.files)) {
      await mkdir(path.dirname(path.join(repo, file)), { recursive: true })
      await writeFile(path.join(repo, file), text)
    }
    const before = await snapshot(repo)
    const promote = editConfigRepo(
      {
        repoRoot: repo,
        targets: [`kustomize:${c.target ?? 'overlay'}`],
        configFile: 'promotion.yaml',
        images: [built(c.image)],
        verifyRender: c.verifyRender ?? 'auto',
        dryRun: false,
        env: c.noRenderer ? { PATH: bare } : process.env
      },
      silentLogger
    )
    if (c.refused !== undefined) {
      const error = (await promote.then(
        () => undefined,
        (e: unknown) => e
      )) as { message: string; hint?: string } | undefined
      expect(`${error?.message}\n${error?.hint}`).toContain(c.refused)
      expect(await snapshot(repo)).toEqual(before)
      return
    }
    const result = await promote
    expect(result.written).toBe(true)
    const at = c.renderAt ?? c.target ?? 'overlay'
    const rendered = extractImages(await renderer.render(path.join(repo, at)))
    expect(rendered.map(r => r.image)).toEqual(c.renders)
  })

  describe('helmCharts: rendered with --enable-helm and the real helm', () => {
    const CHART_FILES = {
      'overlay/charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'overlay/charts/web/values.yaml': 'image: {repository: reg.io/team/web, tag: v1}\n',
      'overlay/charts/web/templates/deploy.yaml': workload(
        'Deployment',
        'apps/v1',
        'web',
        `spec:\n${podTemplate('"{{ .Values.image.repository }}:{{ .Values.image.tag }}"')}`
      ),
      'overlay/kustomization.yaml':
        'helmCharts:\n  - name: web\n    releaseName: web\nimages:\n  - name: reg.io/team/web\n    newTag: v1\n'
    }

    async function promoteWith(env: NodeJS.ProcessEnv) {
      const repo = await mkdtemp(path.join(work, 'helm-charts-'))
      for (const [file, text] of Object.entries(CHART_FILES)) {
        await mkdir(path.dirname(path.join(repo, file)), { recursive: true })
        await writeFile(path.join(repo, file), text)
      }
      const before = await snapshot(repo)
      const result = await editConfigRepo(
        {
          repoRoot: repo,
          targets: ['kustomize:overlay'],
          configFile: 'promotion.yaml',
          images: [built('reg.io/team/web:v2')],
          verifyRender: 'true',
          dryRun: false,
          env
        },
        silentLogger
      ).then(
        ok => ({ ok }),
        (error: { message: string; hint?: string }) => ({ error })
      )
      return { repo, before, result }
    }

    it('kubectl 1.35 (Kustomize v5.7.1) with Helm v4: refused with what to install, nothing written', async () => {
      const { repo, before, result } = await promoteWith(process.env)
      expect('error' in result && result.error.message).toContain('could not render overlay')
      expect('error' in result && result.error.hint).toContain('kubernetes-sigs/kustomize#6013')
      expect(await snapshot(repo)).toEqual(before)
    })

    it('with a Helm kustomize accepts, the chart renders and the entry is pinned', async () => {
      // Kustomize v5.7.1 insists on `helm version` saying v3 (fixed in v5.8.1, which no kubectl
      // embeds yet); this wrapper says so and hands everything else to the real Helm v4.
      const helm = (await run('sh', ['-c', 'command -v helm'])).trim()
      const shim = path.join(work, 'helm-v3-voice')
      await mkdir(shim, { recursive: true })
      await writeFile(
        path.join(shim, 'helm'),
        `#!/bin/sh\nif [ "$1" = version ]; then echo v3.19.0; exit 0; fi\nexec '${helm}' "$@"\n`,
        { mode: 0o755 }
      )
      const kubectl = (await run('sh', ['-c', 'command -v kubectl'])).trim()
      const env = { PATH: `${shim}:${path.dirname(kubectl)}:/usr/bin:/bin` }
      const { repo, result } = await promoteWith(env)
      expect(result).toHaveProperty('ok')
      const rendered = await run(
        kubectl,
        ['kustomize', '--enable-helm', path.join(repo, 'overlay')],
        env
      )
      expect(extractImages(rendered).map(r => r.image)).toEqual([pinned('reg.io/team/web', 'v2')])
    })
  })

  it.each<[string, Record<string, string>, string]>([
    [
      'a remote base',
      { 'o/kustomization.yaml': 'resources:\n  - https://github.com/acme/app//base?ref=v1\n' },
      'which is not a path in the repository'
    ],
    ['a missing base', { 'o/kustomization.yaml': 'resources:\n  - ../gone\n' }, 'gone is missing'],
    [
      'helmCharts',
      { 'o/kustomization.yaml': 'helmCharts:\n  - name: web\n' },
      'inflates Helm charts'
    ],
    [
      'replacements',
      { 'o/kustomization.yaml': 'replacements:\n  - path: r.yaml\n' },
      'has replacements'
    ],
    [
      'a transformer plugin',
      { 'o/kustomization.yaml': 'transformers:\n  - t.yaml\n' },
      'runs generator or transformer plugins'
    ],
    [
      'a templated resource',
      {
        'o/kustomization.yaml': 'resources: [d.yaml]\n',
        'o/d.yaml': 'image: {{ .Values.image }\n'
      },
      'not valid YAML'
    ]
  ])('overlayInputs says it cannot tell the images through %s', async (_, files, why) => {
    const repo = await mkdtemp(path.join(work, 'unknown-'))
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(repo, file)), { recursive: true })
      await writeFile(path.join(repo, file), text)
    }
    const inputs = await overlayInputs(fsTreeReader(repo), 'o')
    expect(inputs).toEqual({ unknown: expect.stringContaining(why) })
  })

  it('a bare PATH really has no renderer', async () => {
    await chmod(bare, 0o755)
    expect('unavailable' in (await findRenderer('kustomize', { PATH: bare }))).toBe(true)
  })
})
