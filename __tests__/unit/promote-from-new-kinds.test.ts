/**
 * `promote-from: X` reads what X runs from every kind of target: a manifest directory (its
 * YAML files, not its subdirectories), an Argo CD Application, a Flux HelmRelease among other
 * documents. The gate lets through the digest X runs and refuses another, naming file:line.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { checkPromoteFrom } from '../../src/engine/promote-from.js'
import { PolicyError } from '../../src/errors.js'
import { silentLogger } from '../../src/log/logger.js'
import type { ResolvedImage } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import { fsTreeReader } from '../../src/repo/index.js'

const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`

function image(text: string, digest: string): ResolvedImage {
  return {
    input: text,
    reference: parseReference(text),
    digest,
    pinned: `${text}@${digest}`,
    pin: 'digest',
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'manifest',
    registry: 'ghcr.io'
  }
}

const deployment = (name: string, ref: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${ref}\n`

const FILES: Record<string, string> = {
  'promotion.yaml': `environments:
  staging:
    targets:
      - manifest: deploy/staging
        images: [api]
      - argocd: argocd/staging/{name}.yaml
        images: [web]
      - helm: clusters/staging/releases.yaml
        key: spec.values.image
        images: [worker]
  prod:
    promote-from: staging
    targets:
      - manifest: deploy/prod
`,
  'deploy/staging/api.yaml': deployment('api', `ghcr.io/acme/api:v1.2.3@${D1}`),
  // Not read: Argo CD does not recurse into a directory source's subdirectories by default.
  'deploy/staging/old/api.yaml': deployment('api', `ghcr.io/acme/api:v0.9.0@${D2}`),
  'argocd/staging/web.yaml': `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  source:\n    kustomize:\n      images:\n        - web=ghcr.io/acme/web:v2.0.0@${D1}\n`,
  'clusters/staging/releases.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: other\nspec:\n  values:\n    image: {repository: ghcr.io/acme/other, tag: v1}\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: worker\nspec:\n  values:\n    image:\n      repository: ghcr.io/acme/worker\n      tag: v3.1.0\n      digest: ${D1}\n`
}

describe('promote-from reads manifest, argocd and HelmRelease targets', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'promote-from-kinds-'))
    for (const [path, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(root, path)), { recursive: true })
      await writeFile(join(root, path), text)
    }
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  const gate = (images: ResolvedImage[]) =>
    checkPromoteFrom(
      { reader: fsTreeReader(root), configFile: 'promotion.yaml', environment: 'prod', images },
      silentLogger
    )

  it.each([
    ['a manifest directory', 'ghcr.io/acme/api:v1.2.3'],
    ['an Argo CD Application', 'ghcr.io/acme/web:v2.0.0'],
    ['a HelmRelease among other documents', 'ghcr.io/acme/worker:v3.1.0']
  ])('lets through the digest staging runs in %s', async (_name, ref) => {
    await expect(gate([image(ref, D1)])).resolves.toBeUndefined()
  })

  it.each([
    ['ghcr.io/acme/api:v1.3.0', 'deploy/staging/api.yaml:10'],
    ['ghcr.io/acme/web:v2.1.0', 'argocd/staging/web.yaml:9'],
    ['ghcr.io/acme/worker:v3.2.0', 'clusters/staging/releases.yaml:16']
  ])('refuses another build of %s, naming where staging pins it', async (ref, where) => {
    const refused = gate([image(ref, D2)])
    await expect(refused).rejects.toThrow(PolicyError)
    await expect(refused).rejects.toThrow(`at ${where}`)
  })
})
