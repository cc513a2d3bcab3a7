/**
 * `promote-from: X` as a gate on fresh builds: the decision, read from a
 * config repository on disk (the reader every write method hands the gate),
 * and `commit-message` checked when the action's inputs are parsed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { checkPromoteFrom } from '../../src/engine/promote-from.js'
import type { ResolvedImage } from '../../src/model.js'
import { InputError, PolicyError } from '../../src/errors.js'
import { parseInputs } from '../../src/action/inputs.js'
import { silentLogger } from '../../src/log/logger.js'
import { parseReference } from '../../src/reference/index.js'
import { fsTreeReader } from '../../src/repo/index.js'

const digest = (hex: string): string => `sha256:${hex.repeat(64 / hex.length)}`
const D1 = digest('1')
const D2 = digest('2')
const D3 = digest('3')

function image(text: string, d: string): ResolvedImage {
  return {
    input: text,
    reference: parseReference(text),
    digest: d,
    pinned: `${text}@${d}`,
    pin: 'digest',
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'manifest',
    registry: 'ghcr.io'
  }
}

const overlay = (name: string, tag: string, d?: string): string =>
  `resources:\n  - ../../base\nimages:\n  - name: ${name}\n    newName: ghcr.io/acme/${name}\n    newTag: ${tag}\n${d ? `    digest: ${d}\n` : ''}`

const FILES: Record<string, string> = {
  'promotion.yaml': `environments:
  dev:
    mode: push
    targets:
      - kustomize: apps/{name}/overlays/dev
  staging:
    promote-from: dev
    targets:
      - kustomize: apps/{name}/overlays/staging
  prod:
    promote-from: staging
    targets:
      - kustomize: apps/{name}/overlays/prod
`,
  // staging runs api v1.2.3 (D1) and web v2.0.0 (D2); worker is still on latest; dev pins nothing.
  'apps/api/overlays/staging/kustomization.yaml': overlay('api', 'v1.2.3', D1),
  'apps/web/overlays/staging/kustomization.yaml': overlay('web', 'v2.0.0', D2),
  'apps/worker/overlays/staging/kustomization.yaml': overlay('worker', 'latest')
}

describe('promote-from gate', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'promote-from-gate-'))
    for (const [path, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(root, path)), { recursive: true })
      await writeFile(join(root, path), text)
    }
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  const gate = (environment: string, images: ResolvedImage[], configFile = 'promotion.yaml') =>
    checkPromoteFrom({ reader: fsTreeReader(root), configFile, environment, images }, silentLogger)

  it.each<[string, string, ResolvedImage[]]>([
    ['the digest staging runs', 'prod', [image('ghcr.io/acme/api:v1.2.3', D1)]],
    ['the same digest under another tag', 'prod', [image('ghcr.io/acme/api:sha-3f9c2d1', D1)]],
    [
      'several images, each what staging runs',
      'prod',
      [image('ghcr.io/acme/api:v1.2.3', D1), image('ghcr.io/acme/web:v2.0.0', D2)]
    ],
    ['an environment without promote-from', 'dev', [image('ghcr.io/acme/api:v9', D3)]]
  ])('passes: %s', async (_name, environment, images) => {
    await expect(gate(environment, images)).resolves.toBeUndefined()
  })

  it('passes when the config repository has no promotion.yaml (the edit says so itself)', async () => {
    await expect(
      gate('prod', [image('ghcr.io/acme/api:v9', D3)], 'missing.yaml')
    ).resolves.toBeUndefined()
  })

  it.each<[string, string, ResolvedImage[], RegExp[], RegExp[]]>([
    [
      'another digest than staging runs',
      'prod',
      [image('ghcr.io/acme/api:v1.2.4', D3)],
      [
        /^prod takes only builds that staging runs \(promote-from: staging in promotion\.yaml\); nothing was written for prod:\n/,
        /- ghcr\.io\/acme\/api:v1\.2\.4 \(sha256:333333333333\): staging runs v1\.2\.3 \(sha256:111111111111\) at apps\/api\/overlays\/staging\/kustomization\.yaml:4$/
      ],
      [/web/]
    ],
    [
      'staging pins the image without a digest',
      'prod',
      [image('ghcr.io/acme/worker:v3', D3)],
      [
        /- ghcr\.io\/acme\/worker:v3 \(sha256:333333333333\): staging runs tag latest and no digest \(unpinned\) at apps\/worker\/overlays\/staging\/kustomization\.yaml:4$/
      ],
      []
    ],
    [
      'staging has no target for the image',
      'prod',
      [image('ghcr.io/acme/billing:v1', D3)],
      [
        /- ghcr\.io\/acme\/billing:v1 \(sha256:333333333333\): staging has no target pinning ghcr\.io\/acme\/billing$/
      ],
      []
    ],
    [
      'dev pins nothing at all',
      'staging',
      [image('ghcr.io/acme/api:v1.2.3', D1)],
      [/^staging takes only builds that dev runs/, /dev has no target pinning ghcr\.io\/acme\/api/],
      []
    ],
    [
      'several images, one of them not what staging runs: only that one is named',
      'prod',
      [image('ghcr.io/acme/api:v1.2.3', D1), image('ghcr.io/acme/web:v2.0.1', D3)],
      [
        /- ghcr\.io\/acme\/web:v2\.0\.1 \(sha256:333333333333\): staging runs v2\.0\.0 \(sha256:222222222222\)/
      ],
      [/acme\/api/]
    ]
  ])('refuses: %s', async (_name, environment, images, says, doesNotSay) => {
    const error = await gate(environment, images).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(PolicyError)
    const { message, hint, subject } = error as PolicyError
    for (const pattern of says) expect(message).toMatch(new RegExp(pattern.source, 'm'))
    for (const pattern of doesNotSay) expect(message).not.toMatch(pattern)
    const source = environment === 'prod' ? 'staging' : 'dev'
    expect(hint).toBe(
      `Promote the build into ${source} first, then into ${environment} with from-environment: ${source} (CLI: --from-environment ${source}), which writes exactly what ${source} runs.`
    )
    // Where the destination is declared, for the annotation.
    expect(subject).toMatch(/^promotion\.yaml:\d+$/)
  })
})

describe('commit-message input', () => {
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? ''

  it('keeps a valid template, multi-line included', () => {
    expect(
      parseInputs(
        inputs({ image: 'ghcr.io/acme/api:v1', 'commit-message': 'chore: bump {name}\n\nbody\n' })
      ).commitMessage
    ).toBe('chore: bump {name}\n\nbody')
  })

  it('refuses an unknown placeholder before any request, naming the input and the placeholders', () => {
    let error: unknown
    try {
      parseInputs(
        inputs({ image: 'ghcr.io/acme/api:v1', 'commit-message': 'bump {name} to {tagg}' })
      )
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toBe(
      'Input commit-message has an unknown placeholder {tagg} in "bump {name} to {tagg}".'
    )
    expect((error as InputError).hint).toMatch(
      /^Placeholders: \{environment\}, \{name\}, \{tag\}, \{digest\}, \{images\}/
    )
  })
})

// A Helm staging file that sets only the tag and digest: the repository lives in the chart's
// values.yaml beneath it, and the gate reads it there (as helm coalesces values).
describe('promote-from gate on tag-only Helm values files', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'promote-from-helm-'))
    const files: Record<string, string> = {
      'promotion.yaml': `environments:
  staging:
    targets:
      - helm: charts/api/values-staging.yaml
        key: image
  prod:
    promote-from: staging
    targets:
      - helm: charts/api/values-prod.yaml
        key: image
`,
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
      'charts/api/values.yaml':
        'image:\n  repository: ghcr.io/acme/api\n  tag: v1.0.0\n  digest: ""\n',
      'charts/api/values-staging.yaml': `image:\n  tag: v1.2.3\n  digest: ${D1}\n`,
      'charts/api/values-prod.yaml': 'image:\n  tag: v1.0.0\n'
    }
    for (const [path, text] of Object.entries(files)) {
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

  it('passes the digest staging runs', async () => {
    await expect(gate([image('ghcr.io/acme/api:v1.2.3', D1)])).resolves.toBeUndefined()
  })

  it('refuses another digest, naming what staging runs', async () => {
    await expect(gate([image('ghcr.io/acme/api:v1.2.4', D3)])).rejects.toThrow(
      /staging runs v1\.2\.3 \(sha256:111111111111\) at charts\/api\/values-staging\.yaml:2/
    )
  })
})
