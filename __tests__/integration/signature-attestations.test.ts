/**
 * GitHub artifact attestations (issue 16, item 1's second bullet, item 2's attestation options,
 * item 3's source commit): in-toto statements signed with @sigstore/sign against @sigstore/mock's
 * Fulcio and Rekor (support/sigstore.ts; the mock Fulcio turns the job's OIDC claims into the
 * certificate's GitHub extensions as real Fulcio does), attached to images in the real registry
 * (CNCF distribution 2.8) as actions/attest's push-to-registry attaches them (an OCI referrer
 * annotated with dev.sigstore.bundle.predicateType), or kept by the GitHub box's attestations
 * API. Every refusal asserts that nothing was written.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseInputs } from '../../src/action/inputs.js'
import { actionPlan } from '../../src/action/plan.js'
import type { CommandContext } from '../../src/cli/context.js'
import { main } from '../../src/cli/main.js'
import { runPromotion } from '../../src/engine/index.js'
import { ACTION_NAMES } from '../../src/errors.js'
import { ecdsaKeyPair, pushCosignSignature, simpleSigningPayload } from '../support/cosign.js'
import { startGitHubBox, type GitHubBox } from '../support/github.js'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'
import {
  attachBundle,
  pushReferrersTag,
  startSigstore,
  type AttestOptions,
  type Sigstore
} from '../support/sigstore.js'

const SLSA = 'https://slsa.dev/provenance/v1'
const SPDX = 'https://spdx.dev/Document/v2.3'
const SHA = '3f9c2d1e4b5a69788796a5b4c3d2e1f0a9b8c7d6'
const RELEASE = 'acme/api/.github/workflows/release.yml'
/** What actions/attest-build-provenance signs in acme/api's release workflow on main. */
const BUILD: AttestOptions = {
  repository: 'acme/api',
  sha: SHA,
  ref: 'refs/heads/main',
  workflow: `${RELEASE}@refs/heads/main`
}

let reg: RegistryInstance
let sigstore: Sigstore
let other: Sigstore
let box: GitHubBox
let dir: string
let rootFile: string

beforeAll(async () => {
  reg = await startRegistry({ auth: 'token' })
  sigstore = await startSigstore()
  other = await startSigstore()
  box = await startGitHubBox()
  await box.createRepo('acme/api', { 'README.md': 'api\n' })
  dir = await mkdtemp(join(tmpdir(), 'promote-image-attestations-'))
  rootFile = join(dir, 'trusted_root.json')
  await writeFile(rootFile, sigstore.trustedRoot)
})
afterEach(() => box.assertNoViolations())
afterAll(async () => {
  await reg?.stop()
  await sigstore?.stop()
  await other?.stop()
  await box?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function cli(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    stderr += String(chunk)
    return true
  })
  const log = (line: string) => {
    stderr += `${line}\n`
  }
  const context: Partial<CommandContext> = {
    stdout: text => {
      stdout += text
    },
    logger: { debug: () => {}, info: log, warning: log },
    // GitHub's API is the box's; the server stays github.com, where the certificates point.
    env: {
      DOCKER_CONFIG: '/nonexistent',
      PATH: process.env.PATH,
      GITHUB_API_URL: box.apiUrl,
      GITHUB_TOKEN: box.token
    }
  }
  try {
    return { code: await main(argv, context), stdout, stderr }
  } finally {
    spy.mockRestore()
  }
}

let seed = 0
async function freshImage() {
  const repository = `attest/case-${seed}`
  const pushed = await pushImage(reg, repository, 'v1', { seed: `attest-${seed++}` })
  return {
    repository,
    digest: pushed.digest,
    image: `${reg.host}/${repository}:v1`,
    descriptor: { digest: pushed.digest, size: pushed.manifest.length, mediaType: pushed.mediaType }
  }
}
type Image = Awaited<ReturnType<typeof freshImage>>

/** Pushes `bundle` as actions/attest does (annotated unless null), under the fallback tag. */
async function push(image: Image, bundle: object, predicateType: string | null = SLSA) {
  const annotations = predicateType
    ? {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': predicateType
      }
    : undefined
  const attached = await attachBundle(
    reg,
    image.repository,
    image.descriptor,
    bundle,
    [],
    annotations
  )
  await pushReferrersTag(reg, image.repository, image.digest, attached.index)
  return attached
}

const gate = (...extra: string[]) => [
  '--source-repository',
  'acme/api',
  '--signer-workflow',
  RELEASE,
  '--trusted-root',
  rootFile,
  ...extra
]

/** A Deployment running `image`, for kustomize overlays. */
const deploymentOf = (image: string) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: app}',
    'spec:',
    '  selector: {matchLabels: {app: app}}',
    '  template:',
    '    metadata: {labels: {app: app}}',
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: ${image}`,
    ''
  ].join('\n')

/** Requests that reached the box's attestations endpoints, and any write at all. */
const attestationGets = () => box.requests.filter(r => r.path.includes('/attestations/'))
const boxWrites = () => box.requests.filter(r => r.method !== 'GET' && r.method !== 'HEAD')

describe('resolve with attestation options: attestations pushed to the registry', () => {
  it('an attestation from the release workflow on main: verified, no GitHub request', async () => {
    const image = await freshImage()
    await push(image, await sigstore.attest(image.digest, BUILD))
    box.requests.length = 0
    const ran = await cli(['resolve', image.image, ...gate('--source-ref', 'refs/heads/main')])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toBe(`${image.image}@${image.digest}\n`)
    expect(ran.stderr).toContain(
      `attestation verified, ${SLSA} from https://github.com/acme/api at ${SHA} (refs/heads/main)`
    )
    // Found in the registry: GitHub's API is not asked.
    expect(box.requests).toEqual([])
  })

  it('--attestation-predicate-type with --source-repository alone: any workflow of the repository', async () => {
    const image = await freshImage()
    const sbom = await sigstore.attest(image.digest, {
      ...BUILD,
      predicateType: SPDX,
      workflow: 'acme/api/.github/workflows/sbom.yml@refs/heads/main'
    })
    await push(image, sbom, SPDX)
    const ran = await cli([
      'resolve',
      image.image,
      '--attestation-predicate-type',
      SPDX,
      '--source-repository',
      'acme/api',
      '--trusted-root',
      rootFile
    ])
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain(`attestation verified, ${SPDX} from https://github.com/acme/api`)
    // The same attestation from a fork's workflow is refused: the identity is the repository's.
    const fork = await freshImage()
    await push(
      fork,
      await sigstore.attest(fork.digest, {
        ...BUILD,
        repository: 'mallory/api',
        predicateType: SPDX,
        workflow: 'mallory/api/.github/workflows/sbom.yml@refs/heads/main'
      }),
      SPDX
    )
    box.requests.length = 0
    const refused = await cli([
      'resolve',
      fork.image,
      '--attestation-predicate-type',
      SPDX,
      '--source-repository',
      'acme/api',
      '--trusted-root',
      rootFile
    ])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(
      'is attested by https://github.com/mallory/api/.github/workflows/sbom.yml@refs/heads/main'
    )
    expect(refused.stdout).toBe('')
    expect(boxWrites()).toEqual([])
  })

  it('--json carries the predicate type, source repository, commit, ref and signer', async () => {
    const image = await freshImage()
    const { manifestDigest } = await push(image, await sigstore.attest(image.digest, BUILD))
    const ran = await cli(['resolve', image.image, '--json', ...gate()])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)[0].provenance).toEqual({
      verified: true,
      predicateType: SLSA,
      sourceRepository: 'https://github.com/acme/api',
      sourceCommit: SHA,
      sourceRef: 'refs/heads/main',
      signerWorkflow: `https://github.com/${RELEASE}@refs/heads/main`,
      identity: `https://github.com/${RELEASE}@refs/heads/main`,
      issuer: 'https://token.actions.githubusercontent.com',
      location: `${reg.host}/${image.repository}@${manifestDigest}`
    })
  })

  it.each([
    {
      name: 'no attestation anywhere: refused, naming the registry and GitHub',
      make: async () => undefined,
      flags: () => gate(),
      shows: [
        `has no attestation of ${SLSA}`,
        '(not implemented by this registry), then the tag',
        "then GitHub's attestations API (GET "
      ],
      asksGitHub: true
    },
    {
      name: 'only an attestation of another predicate type (annotated): not downloaded, refused',
      make: async (i: Image) =>
        push(i, await sigstore.attest(i.digest, { ...BUILD, predicateType: SPDX }), SPDX),
      flags: () => gate(),
      shows: [`has no attestation of ${SLSA}`, `only attestations of ${SPDX} are attached`],
      asksGitHub: true
    },
    {
      name: 'another predicate type without annotation: read, refused naming the setting',
      make: async (i: Image) =>
        push(i, await sigstore.attest(i.digest, { ...BUILD, predicateType: SPDX }), null),
      flags: () => gate(),
      shows: [`is of predicate type ${SPDX}, not ${SLSA} (--attestation-predicate-type)`],
      asksGitHub: true
    },
    {
      name: 'built from another repository (a reusable workflow of acme/api): refused',
      make: async (i: Image) =>
        push(i, await sigstore.attest(i.digest, { ...BUILD, repository: 'acme/other' })),
      flags: () => gate(),
      shows: [
        'was built from the repository https://github.com/acme/other, not https://github.com/acme/api (--source-repository)'
      ],
      asksGitHub: false
    },
    {
      name: 'built from another ref: refused',
      make: async (i: Image) =>
        push(i, await sigstore.attest(i.digest, { ...BUILD, ref: 'refs/heads/feature' })),
      flags: () => gate('--source-ref', 'refs/heads/main'),
      shows: ['was built from the ref refs/heads/feature, not refs/heads/main (--source-ref)'],
      asksGitHub: false
    },
    {
      name: 'signed by another workflow: refused as another signer',
      make: async (i: Image) =>
        push(
          i,
          await sigstore.attest(i.digest, {
            ...BUILD,
            workflow: 'acme/api/.github/workflows/ci.yml@refs/heads/main'
          })
        ),
      flags: () => gate(),
      shows: [
        'is attested by https://github.com/acme/api/.github/workflows/ci.yml@refs/heads/main',
        '--signer-workflow'
      ],
      asksGitHub: false
    },
    {
      name: 'another workflow under a broad identity: refused by the Build Signer URI',
      make: async (i: Image) =>
        push(
          i,
          await sigstore.attest(i.digest, {
            ...BUILD,
            workflow: 'acme/api/.github/workflows/release.yml.evil.yml@refs/heads/main'
          })
        ),
      flags: () =>
        gate('--certificate-identity-regexp', '^https://github\\.com/acme/api/\\.github/'),
      shows: [
        `was signed by the workflow https://github.com/acme/api/.github/workflows/release.yml.evil.yml@refs/heads/main, not https://github.com/${RELEASE} (--signer-workflow)`
      ],
      asksGitHub: false
    },
    {
      name: 'an attestation of another digest: refused',
      make: async (i: Image) => push(i, await sigstore.attest(`sha256:${'e'.repeat(64)}`, BUILD)),
      flags: () => gate(),
      shows: ['names another subject digest'],
      asksGitHub: false
    },
    {
      name: 'signed by another Sigstore than the trusted root: refused as untrusted',
      make: async (i: Image) => push(i, await other.attest(i.digest, BUILD)),
      flags: () => gate(),
      shows: ['verifies against --trusted-root: Failed to verify certificate chain'],
      asksGitHub: false
    }
  ])('$name; nothing written', async ({ make, flags, shows, asksGitHub }) => {
    const image = await freshImage()
    await make(image)
    box.requests.length = 0
    const ran = await cli(['resolve', image.image, ...flags()])
    expect({ code: ran.code, first: ran.stderr.includes(shows[0]!) }).toEqual({
      code: 1,
      first: true
    })
    for (const text of shows) expect(ran.stderr).toContain(text)
    expect(ran.stdout).toBe('')
    // At most one request to GitHub's attestations API, only when the registry had none; no write.
    expect(attestationGets().map(r => r.status)).toEqual(asksGitHub ? [404] : [])
    expect(boxWrites()).toEqual([])
  })
})

describe('--signature-key with attestation options: both gates apply', () => {
  it.each([
    { name: 'signed and attested: verified by both', signed: true, attested: true, code: 0 },
    { name: 'attested, not signed: refused', signed: false, attested: true, code: 1 },
    { name: 'signed, not attested: refused', signed: true, attested: false, code: 1 }
  ])('$name', async ({ signed, attested, code }) => {
    const image = await freshImage()
    const signer = ecdsaKeyPair()
    if (signed) {
      await pushCosignSignature(reg, image.repository, image.digest, [
        { payload: simpleSigningPayload(image.image, image.digest), key: signer.privateKey }
      ])
    }
    if (attested) await push(image, await sigstore.attest(image.digest, BUILD))
    const ran = await cli([
      'resolve',
      image.image,
      `--signature-key=${signer.publicPem}`,
      ...gate()
    ])
    expect(ran.code).toBe(code)
    if (code === 0) {
      expect(ran.stderr).toContain('signature verified')
      expect(ran.stderr).toContain('attestation verified')
    } else {
      expect(ran.stderr).toContain(signed ? 'has no attestation of' : 'has no cosign signature')
      expect(ran.stdout).toBe('')
    }
  })
})

describe("attestations kept by GitHub's attestations API", () => {
  it('read with one request when the registry has none; the location is the API', async () => {
    const image = await freshImage()
    box.addAttestation('acme/api', image.digest, SLSA, await sigstore.attest(image.digest, BUILD))
    box.requests.length = 0
    const ran = await cli(['resolve', image.image, '--json', ...gate()])
    expect(ran.code).toBe(0)
    const asked = attestationGets()
    expect(asked.map(r => [r.method, r.status])).toEqual([['GET', 200]])
    expect(decodeURIComponent(asked[0]!.path)).toBe(
      `/api/v3/repos/acme/api/attestations/${image.digest}?predicate_type=${SLSA}`
    )
    const provenance = JSON.parse(ran.stdout)[0].provenance
    expect(provenance.sourceCommit).toBe(SHA)
    expect(provenance.location).toBe(
      `${box.apiUrl}/repos/acme/api/attestations/${image.digest}?predicate_type=${encodeURIComponent(SLSA)}`
    )
    expect(boxWrites()).toEqual([])
  })

  it('the org endpoint when only the signer workflow is known', async () => {
    const image = await freshImage()
    box.addAttestation('acme/api', image.digest, SLSA, await sigstore.attest(image.digest, BUILD))
    box.requests.length = 0
    const ran = await cli([
      'resolve',
      image.image,
      '--signer-workflow',
      RELEASE,
      '--trusted-root',
      rootFile
    ])
    expect(ran.code).toBe(0)
    expect(attestationGets().map(r => decodeURIComponent(r.path.split('?')[0]!))).toEqual([
      `/api/v3/orgs/acme/attestations/${image.digest}`
    ])
  })

  it("GitHub's attestation from another workflow is refused like the registry's", async () => {
    const image = await freshImage()
    box.addAttestation(
      'acme/api',
      image.digest,
      SLSA,
      await sigstore.attest(image.digest, { ...BUILD, ref: 'refs/heads/feature' })
    )
    box.requests.length = 0
    const ran = await cli(['resolve', image.image, ...gate('--source-ref', 'refs/heads/main')])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(`its attestation at ${box.apiUrl}/repos/acme/api/attestations/`)
    expect(ran.stderr).toContain('was built from the ref refs/heads/feature')
    expect(boxWrites()).toEqual([])
  })
})

describe("GitHub's attestations API refusing the token", () => {
  it('403: the run fails saying which permission the token lacks; nothing written', async () => {
    const image = await freshImage()
    box.inject(req =>
      req.path.includes('/attestations/')
        ? {
            status: 403,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              message: 'Resource not accessible by integration',
              documentation_url:
                'https://docs.github.com/rest/repos/attestations#list-attestations',
              status: '403'
            })
          }
        : 'pass'
    )
    try {
      box.requests.length = 0
      const ran = await cli(['resolve', image.image, ...gate()])
      expect(ran.code).toBe(1)
      expect(ran.stderr).toContain('Reading the attestations of the image from GitHub failed')
      expect(ran.stderr).toContain('attestations: read')
      expect(ran.stdout).toBe('')
      expect(attestationGets()).toHaveLength(1)
      expect(boxWrites()).toEqual([])
    } finally {
      box.inject(undefined)
    }
  })
})

describe('the referrers API: annotations choose what is downloaded', () => {
  it('a cosign signature bundle beside the attestation is not read (its annotation says so)', async () => {
    const image = await freshImage()
    const signature = await attachBundle(
      reg,
      image.repository,
      image.descriptor,
      await sigstore.sign(image.digest, `https://github.com/${BUILD.workflow}`, 'https://x'),
      [],
      { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' }
    )
    const both = await attachBundle(
      reg,
      image.repository,
      image.descriptor,
      await sigstore.attest(image.digest, BUILD),
      [signature.entry],
      { 'dev.sigstore.bundle.predicateType': SLSA }
    )
    const referrers = `/v2/${image.repository}/referrers/${image.digest}`
    reg.inject(req =>
      req.method === 'GET' && req.path.startsWith(referrers)
        ? {
            status: 200,
            headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
            body: both.index
          }
        : 'pass'
    )
    try {
      reg.requests.reset()
      const ran = await cli(['resolve', image.image, ...gate()])
      expect(ran.code).toBe(0)
      const gets = reg.requests.entries
        .filter(e => e.server === 'registry' && e.method === 'GET')
        .map(e => e.path)
      // The image's manifest (resolve), then referrers, the attestation's manifest and its blob.
      expect(gets.filter(p => p.includes(signature.manifestDigest))).toEqual([])
      expect(gets.filter(p => p.includes(both.manifestDigest))).toHaveLength(1)
      expect(gets.filter(p => p.includes('/referrers/'))).toHaveLength(1)
    } finally {
      reg.inject(undefined)
    }
  })
})

describe('attestation options that cannot be used: an input error before any request', () => {
  it.each([
    {
      name: 'a source ref that is not a full ref',
      flags: () => gate('--source-ref', 'main'),
      shows: '--source-ref "main" is not a full git ref'
    },
    {
      name: 'a source repository that is not owner/repo',
      flags: () => ['--source-repository', 'acme', '--trusted-root', rootFile],
      shows: '--source-repository "acme" is not owner/repo'
    },
    {
      name: 'a signer workflow that is not a workflow path',
      flags: () => ['--signer-workflow', 'release.yml', '--trusted-root', rootFile],
      shows: '--signer-workflow "release.yml" is not a workflow'
    },
    {
      name: 'a predicate type and no source or signer',
      flags: () => ['--attestation-predicate-type', SLSA, '--trusted-root', rootFile],
      shows: 'An attestation by anyone proves nothing'
    },
    {
      name: 'an identity pattern RE2 cannot run in linear time',
      flags: () => gate('--certificate-identity-regexp', '^(?=https)'),
      shows: '--certificate-identity-regexp is not a valid regular expression in RE2 syntax'
    }
  ])('$name', async ({ flags, shows }) => {
    reg.requests.reset()
    box.requests.length = 0
    const ran = await cli(['resolve', `${reg.host}/attest/never:v1`, ...flags()])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain(shows)
    expect(reg.requests.count()).toBe(0)
    expect(box.requests).toEqual([])
  })
})

describe('edit --from-environment: what staging runs is checked like a fresh build', () => {
  it.each([
    { name: 'attested by the release workflow: prod gets it', attested: true, code: 0 },
    { name: 'not attested: refused, prod unchanged', attested: false, code: 1 }
  ])('$name', async ({ attested, code }) => {
    const image = await freshImage()
    if (attested) await push(image, await sigstore.attest(image.digest, BUILD))
    const root = await mkdtemp(join(dir, 'environments-'))
    await writeFile(
      join(root, 'promotion.yaml'),
      'environments:\n  staging:\n    targets:\n      - kustomize: staging\n  prod:\n    targets:\n      - kustomize: prod\n'
    )
    const pins = { staging: `newTag: v1\n    digest: ${image.digest}`, prod: 'newTag: v0' }
    for (const [environment, pin] of Object.entries(pins)) {
      await mkdir(join(root, environment))
      await writeFile(
        join(root, environment, 'kustomization.yaml'),
        `resources:\n  - deployment.yaml\nimages:\n  - name: ${reg.host}/${image.repository}\n    ${pin}\n`
      )
      await writeFile(
        join(root, environment, 'deployment.yaml'),
        deploymentOf(`${reg.host}/${image.repository}:v0`)
      )
    }
    const prod = join(root, 'prod', 'kustomization.yaml')
    const before = await readFile(prod, 'utf8')
    box.requests.length = 0
    const ran = await cli([
      'edit',
      '--dir',
      root,
      '--environment',
      'prod',
      '--from-environment',
      'staging',
      '--image',
      `${reg.host}/${image.repository}`,
      '--verify-render',
      'false',
      ...gate()
    ])
    expect(ran.code).toBe(code)
    const after = await readFile(prod, 'utf8')
    if (attested) {
      expect(after).toContain(`digest: ${image.digest}`)
      expect(ran.stderr).toContain('attestation verified')
    } else {
      expect(ran.stderr).toContain(`has no attestation of ${SLSA}`)
      expect(after).toBe(before)
    }
    expect(boxWrites()).toEqual([])
  })
})

describe('the action, prod requiring provenance from the release workflow, pull-request mode', () => {
  /** promotion.yaml: dev takes anything, prod requires an attestation by the release workflow. */
  async function configFiles(repository: string): Promise<Record<string, string>> {
    const kustomization = `resources:\n  - deployment.yaml\nimages:\n  - name: ${reg.host}/${repository}\n    newTag: v0\n`
    const deployment = deploymentOf(`${reg.host}/${repository}:v0`)
    return {
      'promotion.yaml': [
        'environments:',
        '  dev:',
        '    targets:',
        '      - kustomize: dev',
        '  prod:',
        '    verify:',
        // With its host: the box's server URL is not github.com, where the certificates point.
        `      signer-workflow: github.com/${RELEASE}`,
        '      source-ref: refs/heads/main',
        '      trusted-root: sigstore/trusted_root.json',
        '    targets:',
        '      - kustomize: prod',
        ''
      ].join('\n'),
      'sigstore/trusted_root.json': await readFile(rootFile, 'utf8'),
      'dev/kustomization.yaml': kustomization,
      'dev/deployment.yaml': deployment,
      'prod/kustomization.yaml': kustomization,
      'prod/deployment.yaml': deployment
    }
  }

  async function action(fullName: string, image: string, environment: string) {
    const env = { ...process.env, GITHUB_API_URL: box.apiUrl, GITHUB_SERVER_URL: box.url }
    const inputs: Record<string, string> = {
      image,
      environment,
      'config-repository': fullName,
      token: box.token,
      'verify-render': 'false'
    }
    const plan = actionPlan(
      parseInputs(name => inputs[name] ?? '', env),
      env
    )
    try {
      await runPromotion(plan, {
        logger: { debug: () => {}, info: () => {}, warning: () => {} },
        group: (_name, run) => run(),
        env: { ...env, DOCKER_CONFIG: '/nonexistent' },
        token: box.token,
        tokenSource: 'input token',
        source: {},
        names: ACTION_NAMES
      })
      return undefined
    } catch (error) {
      return error as Error
    }
  }

  const writesTo = () =>
    box.requests.filter(
      r =>
        (r.kind !== 'git' && r.method !== 'GET' && r.method !== 'HEAD') ||
        r.path.includes('git-receive-pack')
    )

  it.each([
    {
      name: 'prod: a build attested by the CI workflow is refused before any write request',
      environment: 'prod',
      workflow: 'acme/api/.github/workflows/ci.yml@refs/heads/main',
      refused: 'is attested by https://github.com/acme/api/.github/workflows/ci.yml'
    },
    {
      name: 'prod: a build of the release workflow on a branch is refused before any write request',
      environment: 'prod',
      workflow: 'acme/api/.github/workflows/release.yml@refs/heads/feature',
      ref: 'refs/heads/feature',
      refused:
        'was built from the ref refs/heads/feature, not refs/heads/main (verify.source-ref of prod (promotion.yaml:6))'
    },
    {
      name: 'dev (no verify:): the CI build opens a pull request',
      environment: 'dev',
      workflow: 'acme/api/.github/workflows/ci.yml@refs/heads/main'
    }
  ])('$name', async ({ environment, workflow, ref, refused }) => {
    const repository = `attest/action-${seed}`
    const fullName = `acme/config-${seed++}`
    await box.createRepo(fullName, await configFiles(repository))
    const pushed = await pushImage(reg, repository, 'v1', { seed: `attest-action-${seed}` })
    const image = {
      repository,
      digest: pushed.digest,
      image: `${reg.host}/${repository}:v1`,
      descriptor: {
        digest: pushed.digest,
        size: pushed.manifest.length,
        mediaType: pushed.mediaType
      }
    }
    await push(
      image,
      await sigstore.attest(image.digest, { ...BUILD, workflow, ref: ref ?? BUILD.ref })
    )
    box.requests.length = 0
    const error = await action(fullName, image.image, environment)
    if (refused) {
      expect(error?.message).toContain(refused)
      expect(writesTo()).toEqual([])
      expect(box.pulls(fullName)).toEqual([])
    } else {
      expect(error).toBeUndefined()
      expect(box.pulls(fullName)).toHaveLength(1)
    }
  })

  it('prod: the release build opens a pull request naming its provenance, and the commit its trailer', async () => {
    const repository = `attest/action-${seed}`
    const fullName = `acme/config-${seed++}`
    await box.createRepo(fullName, await configFiles(repository))
    const pushed = await pushImage(reg, repository, 'v1', { seed: `attest-action-${seed}` })
    const image = {
      repository,
      digest: pushed.digest,
      image: `${reg.host}/${repository}:v1`,
      descriptor: {
        digest: pushed.digest,
        size: pushed.manifest.length,
        mediaType: pushed.mediaType
      }
    }
    await push(image, await sigstore.attest(image.digest, BUILD))
    const error = await action(fullName, image.image, 'prod')
    expect(error).toBeUndefined()
    const [pull] = box.pulls(fullName)
    // In the Trust section, one line per image.
    expect(pull?.body).toContain('### Trust')
    expect(pull?.body).toContain(
      `: provenance verified \`${SLSA}\`, built from \`https://github.com/acme/api\` at \`${SHA}\` (\`refs/heads/main\`)`
    )
    const [commit] = await box.log(fullName, pull!.head.ref)
    expect(commit?.message).toContain(
      `Image-Provenance: ${image.image}@${image.digest} verified ${SLSA}, built from https://github.com/acme/api at ${SHA} (refs/heads/main), signed by https://github.com/${RELEASE}@refs/heads/main`
    )
  })
})
