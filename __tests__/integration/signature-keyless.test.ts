/**
 * The signature gate with keyless Sigstore bundles (issue 16, second "Done when"): bundles signed
 * with @sigstore/sign against @sigstore/mock's Fulcio and Rekor (support/sigstore.ts), verified
 * against the trusted root built from those mocks, attached to images in the real registry
 * (CNCF distribution 2.8) as cosign v3 attaches them. distribution 2.8 does not implement the
 * OCI 1.1 referrers API (it answers 404), so the real registry exercises the fallback tag
 * `sha256-<hex>`; the referrers path is exercised by answering that one request from the test's
 * proxy (a test double for a registry that implements it), the manifests and blobs still real.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CommandContext } from '../../src/cli/context.js'
import { main } from '../../src/cli/main.js'
import { ecdsaKeyPair } from '../support/cosign.js'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'
import {
  attachBundle,
  pushReferrersTag,
  startSigstore,
  type Sigstore
} from '../support/sigstore.js'

const A = 'https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main'
const B = 'https://github.com/mallory/api/.github/workflows/release.yml@refs/heads/main'
const ISSUER = 'https://token.actions.githubusercontent.com'

let reg: RegistryInstance
let sigstore: Sigstore
let other: Sigstore
let dir: string
let rootFile: string
let otherRootFile: string

beforeAll(async () => {
  reg = await startRegistry({ auth: 'token' })
  sigstore = await startSigstore()
  other = await startSigstore()
  dir = await mkdtemp(join(tmpdir(), 'promote-image-keyless-'))
  rootFile = join(dir, 'trusted_root.json')
  await writeFile(join(dir, 'cosign.pub'), ecdsaKeyPair().publicPem)
  otherRootFile = join(dir, 'other_trusted_root.json')
  await writeFile(rootFile, sigstore.trustedRoot)
  await writeFile(otherRootFile, other.trustedRoot)
})
afterAll(async () => {
  await reg?.stop()
  await sigstore?.stop()
  await other?.stop()
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
    env: { DOCKER_CONFIG: '/nonexistent', PATH: process.env.PATH }
  }
  try {
    return { code: await main(argv, context), stdout, stderr }
  } finally {
    spy.mockRestore()
  }
}

let seed = 0
async function freshImage(repository: string) {
  const pushed = await pushImage(reg, repository, 'v1', { seed: `keyless-${seed++}` })
  return {
    repository,
    digest: pushed.digest,
    image: `${reg.host}/${repository}:v1`,
    descriptor: { digest: pushed.digest, size: pushed.manifest.length, mediaType: pushed.mediaType }
  }
}
type Image = Awaited<ReturnType<typeof freshImage>>

/** Signs `digest` as `identity` and attaches the bundle under the fallback tag. */
async function attach(image: Image, bundle: object) {
  const { index } = await attachBundle(reg, image.repository, image.descriptor, bundle)
  await pushReferrersTag(reg, image.repository, image.digest, index)
}

const keyless = (identity = A, issuer = ISSUER, root = () => rootFile) => [
  '--certificate-identity',
  identity,
  '--certificate-oidc-issuer',
  issuer,
  '--trusted-root',
  root()
]

describe('resolve with a keyless signer: Sigstore bundles under the fallback tag', () => {
  it.each([
    {
      name: 'signed by A, A expected: verified',
      sign: (i: Image) => sigstore.sign(i.digest, A, ISSUER),
      flags: () => keyless(A),
      code: 0,
      shows: [`signed by ${A} (issuer ${ISSUER})`]
    },
    {
      name: 'signed by A, B expected: refused naming the signer',
      sign: (i: Image) => sigstore.sign(i.digest, A, ISSUER),
      flags: () => keyless(B),
      code: 1,
      shows: [`is signed by ${A} (issuer ${ISSUER}), not by ${B} (issuer ${ISSUER})`]
    },
    {
      name: 'signed by A, another issuer expected: refused',
      sign: (i: Image) => sigstore.sign(i.digest, A, ISSUER),
      flags: () => keyless(A, 'https://accounts.example.com'),
      code: 1,
      shows: [`is signed by ${A} (issuer ${ISSUER}), not by`]
    },
    {
      name: 'signed by A, a pattern matching A expected: verified',
      sign: (i: Image) => sigstore.sign(i.digest, A, ISSUER),
      flags: () => [
        '--certificate-identity-regexp',
        '^https://github\\.com/acme/',
        '--certificate-oidc-issuer',
        ISSUER,
        '--trusted-root',
        rootFile
      ],
      code: 0,
      shows: ['signature verified']
    },
    {
      name: 'signed by B, a pattern for acme expected: refused',
      sign: (i: Image) => sigstore.sign(i.digest, B, ISSUER),
      flags: () => [
        '--certificate-identity-regexp',
        '^https://github\\.com/acme/',
        '--certificate-oidc-issuer',
        ISSUER,
        '--trusted-root',
        rootFile
      ],
      code: 1,
      shows: [`is signed by ${B}`, 'an identity matching ^https://github\\.com/acme/']
    },
    {
      name: 'signed by another Sigstore than the trusted root: refused as untrusted',
      sign: (i: Image) => other.sign(i.digest, A, ISSUER),
      flags: () => keyless(A),
      code: 1,
      shows: ['does not verify against --trusted-root: Failed to verify certificate chain']
    },
    {
      name: 'a bundle for another digest: refused',
      sign: () => sigstore.sign(`sha256:${'e'.repeat(64)}`, A, ISSUER),
      flags: () => keyless(A),
      code: 1,
      shows: ['signs another digest']
    },
    {
      name: 'unsigned: refused, naming where it looked',
      sign: undefined,
      flags: () => keyless(A),
      code: 1,
      shows: [
        'has no Sigstore bundle',
        'the referrers API of',
        '(not implemented by this registry), then the tag'
      ]
    }
  ])('$name', async ({ sign, flags, code, shows }) => {
    const image = await freshImage(`keyless/case-${seed}`)
    if (sign) await attach(image, await sign(image))
    const ran = await cli(['resolve', image.image, ...flags()])
    expect({ code: ran.code, first: ran.stderr.includes(shows[0]!) }).toEqual({
      code,
      first: true
    })
    for (const text of shows) expect(ran.stderr).toContain(text)
    expect(ran.stdout).toBe(code === 0 ? `${image.image}@${image.digest}\n` : '')
  })

  it('--json carries the signer identity, issuer and the bundle manifest', async () => {
    const image = await freshImage('keyless/json')
    const bundle = await sigstore.sign(image.digest, A, ISSUER)
    const { manifestDigest, index } = await attachBundle(
      reg,
      image.repository,
      image.descriptor,
      bundle
    )
    await pushReferrersTag(reg, image.repository, image.digest, index)
    const ran = await cli(['resolve', image.image, '--json', ...keyless(A)])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)[0].signature).toEqual({
      verified: true,
      kind: 'sigstore-bundle',
      identity: A,
      issuer: ISSUER,
      location: `${reg.host}/${image.repository}@${manifestDigest}`
    })
  })
})

describe('resolve with a keyless signer: bundles found through the OCI referrers API', () => {
  it('reads the referrers index (a registry that implements the API), no fallback tag', async () => {
    const image = await freshImage('keyless/referrers')
    const { index } = await attachBundle(
      reg,
      image.repository,
      image.descriptor,
      await sigstore.sign(image.digest, A, ISSUER)
    )
    // No sha256-<hex> tag: only the referrers answer lists the bundle.
    const referrers = `/v2/${image.repository}/referrers/${image.digest}`
    reg.inject(req =>
      req.method === 'GET' && req.path.startsWith(referrers)
        ? {
            status: 200,
            headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
            body: index
          }
        : 'pass'
    )
    try {
      reg.requests.reset()
      const ran = await cli(['resolve', image.image, ...keyless(A)])
      expect(ran.code).toBe(0)
      const gate = reg.requests.entries
        .filter(e => e.server === 'registry' && e.method === 'GET')
        .map(e => e.path.replace(/sha256:[0-9a-f]{64}/g, 'D'))
      // The referrers request (filtered by artifactType), the bundle's manifest, its blob.
      expect(gate).toEqual([
        `/v2/${image.repository}/referrers/D?artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson`,
        `/v2/${image.repository}/manifests/D`,
        `/v2/${image.repository}/blobs/D`
      ])
      expect(reg.requests.count('token')).toBe(1)
    } finally {
      reg.inject(undefined)
    }
  })

  it('costs 4 GETs on distribution 2.8: referrers (404), fallback index, manifest, bundle', async () => {
    const image = await freshImage('keyless/cost')
    await attach(image, await sigstore.sign(image.digest, A, ISSUER))
    reg.requests.reset()
    expect((await cli(['resolve', image.image, ...keyless(A)])).code).toBe(0)
    const gets = reg.requests.entries.filter(e => e.server === 'registry' && e.method === 'GET')
    expect(gets.map(e => e.status)).toEqual([404, 200, 200, 200])
    expect(reg.requests.count('token')).toBe(1)
  })
})

describe('several images on one registry without the referrers API', () => {
  it('asks the referrers API once (404), then reads every image from its fallback tag', async () => {
    const images = [await freshImage('keyless/many-a'), await freshImage('keyless/many-b')]
    for (const image of images) await attach(image, await sigstore.sign(image.digest, A, ISSUER))
    reg.requests.reset()
    expect((await cli(['resolve', ...images.map(i => i.image), ...keyless(A)])).code).toBe(0)
    const gets = reg.requests.entries.filter(e => e.server === 'registry' && e.method === 'GET')
    const referrers = gets.filter(e => e.path.includes('/referrers/'))
    expect(referrers.map(e => e.status)).toEqual([404])
    // Per image: the fallback index, the bundle's manifest and its blob.
    expect(gets.filter(e => !e.path.includes('/referrers/')).map(e => e.status)).toEqual(
      Array<number>(6).fill(200)
    )
  })
})

describe('keyless options: what cannot be used is an input error, before any request', () => {
  it.each([
    {
      name: 'an identity without an issuer',
      flags: () => ['--certificate-identity', A, '--trusted-root', rootFile],
      shows: 'Keyless verification needs --certificate-oidc-issuer'
    },
    {
      name: 'an identity and a pattern',
      flags: () => [...keyless(A), '--certificate-identity-regexp', 'acme'],
      shows: 'exactly one of --certificate-identity and --certificate-identity-regexp'
    },
    {
      name: 'a pattern RE2 cannot run in linear time',
      flags: () => [
        '--certificate-identity-regexp',
        '^(?=https)',
        '--certificate-oidc-issuer',
        ISSUER,
        '--trusted-root',
        rootFile
      ],
      shows: '--certificate-identity-regexp is not a valid regular expression in RE2 syntax'
    },
    {
      name: 'a trusted root file that does not exist',
      flags: () => keyless(A, ISSUER, () => join(dir, 'missing.json')),
      shows: 'is not a Sigstore trusted root, and as a file path there is no such file'
    },
    {
      name: 'a trusted root that is not JSON',
      flags: () => keyless(A, ISSUER, () => join(dir, 'cosign.pub')),
      shows: 'cosign.pub" is not JSON'
    },
    {
      name: 'a key and a keyless signer',
      flags: () => ['--signature-key', ecdsaKeyPair().publicPem, ...keyless(A)],
      shows: 'and the keyless options'
    }
  ])('$name', async ({ flags, shows }) => {
    reg.requests.reset()
    const argv = flags()
    const keyAt = argv.indexOf('--signature-key')
    if (keyAt >= 0) argv.splice(keyAt, 2, `--signature-key=${argv[keyAt + 1]}`)
    const ran = await cli(['resolve', `${reg.host}/keyless/never:v1`, ...argv])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain(shows)
    expect(reg.requests.count()).toBe(0)
  })
})
