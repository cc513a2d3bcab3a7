/**
 * The new target kinds through the edit stage (engine/edit.ts): `manifest:` files and
 * directories with their render proof (the files are what Argo CD applies, so their containers
 * before and after are the rendered ones), `argocd:` Application files, several tags of one
 * build and the downgrade check on them. A refused promotion leaves every byte as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { editConfigRepo } from '../../src/engine/edit.js'
import type { Logger } from '../../src/log/logger.js'
import type { ResolvedImage } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'

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

const workload = (kind: string, apiVersion: string, name: string, image: string): string =>
  `# ${name}\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image} # set by CI\n`

const API = 'ghcr.io/acme/api'

interface Case {
  readonly case: string
  readonly files: Record<string, string>
  readonly target: string
  readonly images: string[]
  /** Promoted: the files that change, and what each holds afterwards. */
  readonly after?: Record<string, string>
  /** Promoted: the render proof's words. */
  readonly proof?: string
  /** Refused: a part of the message. */
  readonly refused?: string
  readonly allowDowngrade?: 'false'
  /** Default auto. */
  readonly verifyRender?: 'true'
}

const CHART = {
  'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
  'charts/api/values.yaml': 'image: {repository: nginx, tag: latest}\n',
  'charts/api/templates/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n'
}
const RELEASE = (tag: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: api\nspec:\n  chart:\n    spec:\n      chart: ./charts/api\n      sourceRef: {kind: GitRepository, name: config}\n  values:\n    image:\n      repository: ${API}\n      tag: ${tag}\n`

const CASES: Case[] = [
  {
    case: 'a Knative Service file: pinned, and the proof sees its container',
    files: {
      'deploy/api.yaml': workload('Service', 'serving.knative.dev/v1', 'api', `${API}:v1.3.0`)
    },
    target: 'manifest:deploy/api.yaml',
    images: [`${API}:v1.4.2`],
    after: {
      'deploy/api.yaml': workload(
        'Service',
        'serving.knative.dev/v1',
        'api',
        `${API}:v1.4.2@${DIGEST}`
      )
    },
    proof: 'Argo CD will see the change'
  },
  {
    case: 'a directory: its YAML files, not kustomization files or subdirectories',
    files: {
      'deploy/dev/api.yaml': workload('Deployment', 'apps/v1', 'api', `${API}:v1.3.0`),
      'deploy/dev/api-rollout.yml': workload(
        'Rollout',
        'argoproj.io/v1alpha1',
        'api-canary',
        `${API}:v1.3.0`
      ),
      'deploy/dev/web.yaml': workload('Deployment', 'apps/v1', 'web', 'ghcr.io/acme/web:v2'),
      'deploy/dev/kustomization.yaml': `images:\n  - name: ${API}\n    newTag: v1.0.0\n`,
      'deploy/dev/old/api.yaml': workload('Deployment', 'apps/v1', 'api-old', `${API}:v1.0.0`)
    },
    target: 'manifest:deploy/dev',
    images: [`${API}:v1.4.2`],
    after: {
      'deploy/dev/api.yaml': workload('Deployment', 'apps/v1', 'api', `${API}:v1.4.2@${DIGEST}`),
      'deploy/dev/api-rollout.yml': workload(
        'Rollout',
        'argoproj.io/v1alpha1',
        'api-canary',
        `${API}:v1.4.2@${DIGEST}`
      )
    },
    proof: 'Argo CD will see the change: 2 containers'
  },
  {
    case: 'two tags of one build: the target gets the tag shaped like what it pins now',
    files: { 'deploy/api.yaml': workload('Deployment', 'apps/v1', 'api', `${API}:sha-1a2b3c4`) },
    target: 'manifest:deploy/{name}.yaml',
    images: [`${API}:v1.4.2`, `${API}:sha-3f9c2d1`],
    after: {
      'deploy/api.yaml': workload('Deployment', 'apps/v1', 'api', `${API}:sha-3f9c2d1@${DIGEST}`)
    },
    proof: 'Argo CD will see the change'
  },
  {
    case: 'an Argo CD Application file',
    files: {
      'argocd/api.yaml': `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api\nspec:\n  source:\n    kustomize:\n      images:\n        - ${API}:v1.3.0 # CI\n`
    },
    target: 'argocd:argocd/api.yaml',
    images: [`${API}:v1.4.2`],
    after: {
      'argocd/api.yaml': `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api\nspec:\n  source:\n    kustomize:\n      images:\n        - ${API}:v1.4.2@${DIGEST} # CI\n`
    }
  },
  {
    // A chart beside the file must not be rendered with the whole HelmRelease as its values.
    case: 'a Flux HelmRelease beside its chart: pinned, the Helm proof skipped (auto)',
    files: { ...CHART, 'charts/api/release.yaml': RELEASE('v1.3.0') },
    target: 'helm:charts/api/release.yaml#spec.values.image',
    images: [`${API}:v1.4.2`],
    after: { 'charts/api/release.yaml': RELEASE(`v1.4.2@${DIGEST}`) }
  },
  {
    case: 'a Flux HelmRelease with verify-render true',
    files: { ...CHART, 'charts/api/release.yaml': RELEASE('v1.3.0') },
    target: 'helm:charts/api/release.yaml#spec.values.image',
    images: [`${API}:v1.4.2`],
    verifyRender: 'true',
    refused:
      'a Flux HelmRelease, whose chart (spec.chart) the Helm render proof does not render yet'
  },
  {
    case: 'a lower semver tag with allow-downgrade false',
    files: { 'deploy/api.yaml': workload('Deployment', 'apps/v1', 'api', `${API}:v1.5.0`) },
    target: 'manifest:deploy/api.yaml',
    images: [`${API}:v1.4.2`],
    allowDowngrade: 'false',
    refused: 'v1.5.0'
  },
  {
    case: 'a directory without manifests',
    files: { 'deploy/README.md': 'nothing here\n', 'deploy/sub/api.yaml': 'kind: Pod\n' },
    target: 'manifest:deploy',
    images: [`${API}:v1.4.2`],
    refused: '"deploy" holds no .yaml or .yml manifests.'
  },
  {
    case: 'manifests without the image',
    files: { 'deploy/web.yaml': workload('Deployment', 'apps/v1', 'web', 'ghcr.io/acme/web:v2') },
    target: 'manifest:deploy',
    images: [`${API}:v1.4.2`],
    refused:
      'deploy: no container or initContainer uses ghcr.io/acme/api; deploy/web.yaml holds ghcr.io/acme/web:v2.'
  }
]

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    out[path.relative(dir, file)] = await readFile(file, 'utf8')
  }
  return out
}

describe('manifest: and argocd: targets through the edit stage', () => {
  let work: string
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'manifest-targets-'))
  })
  afterAll(async () => {
    await rm(work, { recursive: true, force: true })
  })

  it.each(CASES)('$case', async c => {
    const repo = await mkdtemp(path.join(work, 'repo-'))
    for (const [file, text] of Object.entries(c.files)) {
      await mkdir(path.dirname(path.join(repo, file)), { recursive: true })
      await writeFile(path.join(repo, file), text)
    }
    const before = await snapshot(repo)
    const said: string[] = []
    const logger: Logger = {
      debug() {},
      info: m => said.push(m),
      warning: m => said.push(m)
    }
    const promote = editConfigRepo(
      {
        repoRoot: repo,
        targets: [c.target],
        configFile: 'promotion.yaml',
        images: c.images.map(built),
        verifyRender: c.verifyRender ?? 'auto',
        dryRun: false,
        allowDowngrade: c.allowDowngrade
      },
      logger
    )
    if (c.refused !== undefined) {
      await expect(promote).rejects.toThrow(c.refused)
      expect(await snapshot(repo)).toEqual(before)
      return
    }
    const result = await promote
    expect(result.files.map(f => f.file).sort()).toEqual(Object.keys(c.after!).sort())
    expect(await snapshot(repo)).toEqual({ ...before, ...c.after })
    if (c.proof === undefined) {
      expect(result.renders).toEqual([])
    } else {
      expect(result.renders).toHaveLength(1)
      expect(result.renders[0]).toMatchObject({ ok: true })
      expect(result.renders[0]!.message).toContain(c.proof)
    }
  })
})
