/**
 * What the signature gate adds to a resolution (issue 16, targets.md "signature gate"):
 * registry requests per image, counted by the registry's proxy, and time, as medians of
 * in-process `resolve` runs with and without the gate on the same images. Signatures are made
 * here as the tests make them: cosign v2 key signatures with node's crypto, keyless bundles
 * with @sigstore/sign against @sigstore/mock.
 *
 * The real registry (distribution 2.8) has no referrers API; the "referrers API" rows answer
 * that one request from an index the bench builds, as a registry that implements it would.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ecdsaKeyPair,
  pushCosignSignature,
  simpleSigningPayload
} from '../__tests__/support/cosign.js'
import { pushImage, startRegistry } from '../__tests__/support/registry.js'
import { attachBundle, pushReferrersTag, startSigstore } from '../__tests__/support/sigstore.js'
import type { CommandContext } from '../src/cli/context.js'
import { main } from '../src/cli/main.js'
import { median } from './lib/stats.js'

const IDENTITY = 'https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main'
const ISSUER = 'https://token.actions.githubusercontent.com'

export interface GateCost {
  readonly layout: string
  /** Registry requests (token server included) the gate adds to the image's resolution. */
  readonly requests: number
  /** Of which token requests: the gate reuses the resolution's token. */
  readonly tokens: number
  /** Median time the gate adds, in ms. */
  readonly addedMs: number
  readonly resolveMs: number
}

export async function signatureGate(runs: number): Promise<GateCost[]> {
  const registry = await startRegistry({ auth: 'token' })
  const sigstore = await startSigstore()
  const dir = await mkdtemp(join(tmpdir(), 'promote-image-bench-signature-'))
  try {
    const keyPair = ecdsaKeyPair()
    const keyFile = join(dir, 'cosign.pub')
    await writeFile(keyFile, keyPair.publicPem)
    const rootFile = join(dir, 'trusted_root.json')
    await writeFile(rootFile, sigstore.trustedRoot)
    const keyless = ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER]

    let seed = 0
    const image = async (repository: string) => {
      const pushed = await pushImage(registry, repository, 'v1', { seed: `bench-${seed++}` })
      return {
        ...pushed,
        repository,
        reference: `${registry.host}/${repository}:v1`,
        descriptor: {
          digest: pushed.digest,
          size: pushed.manifest.length,
          mediaType: pushed.mediaType
        }
      }
    }

    const signed = await image('bench/key')
    await pushCosignSignature(registry, signed.repository, signed.digest, [
      {
        payload: simpleSigningPayload(`${registry.host}/${signed.repository}`, signed.digest),
        key: keyPair.privateKey
      }
    ])

    const bundled = await image('bench/keyless')
    const bundle = await sigstore.sign(bundled.digest, IDENTITY, ISSUER)
    const { index } = await attachBundle(registry, bundled.repository, bundled.descriptor, bundle)
    await pushReferrersTag(registry, bundled.repository, bundled.digest, index)

    // A GitHub artifact attestation pushed as actions/attest does (annotated referrer).
    const attested = await image('bench/attested')
    const attestation = await sigstore.attest(attested.digest, {
      repository: 'acme/api',
      sha: 'a'.repeat(40),
      ref: 'refs/heads/main',
      workflow: 'acme/api/.github/workflows/release.yml@refs/heads/main'
    })
    const pushedAttestation = await attachBundle(
      registry,
      attested.repository,
      attested.descriptor,
      attestation,
      [],
      { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' }
    )
    await pushReferrersTag(registry, attested.repository, attested.digest, pushedAttestation.index)
    const attestationFlags = [
      '--source-repository',
      'acme/api',
      '--signer-workflow',
      'acme/api/.github/workflows/release.yml',
      '--trusted-root',
      rootFile
    ]

    const referrersApi =
      (repository: string, digest: string, body: Buffer) =>
      async <T>(fn: () => Promise<T>): Promise<T> => {
        const referrersPath = `/v2/${repository}/referrers/${digest}`
        registry.inject(req =>
          req.method === 'GET' && req.path.startsWith(referrersPath)
            ? {
                status: 200,
                headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
                body
              }
            : 'pass'
        )
        try {
          return await fn()
        } finally {
          registry.inject(undefined)
        }
      }
    const withReferrersApi = referrersApi(bundled.repository, bundled.digest, index)

    const measure = async (
      layout: string,
      reference: string,
      flags: string[],
      around: <T>(fn: () => Promise<T>) => Promise<T> = fn => fn()
    ): Promise<GateCost> => {
      const once = async (gate: boolean) => {
        registry.requests.reset()
        const started = process.hrtime.bigint()
        const code = await around(() => resolve([reference, ...(gate ? flags : [])]))
        const ms = Number(process.hrtime.bigint() - started) / 1e6
        if (code !== 0) throw new Error(`bench: resolve ${reference} ${flags.join(' ')} failed`)
        return { ms, requests: registry.requests.count(), tokens: registry.requests.count('token') }
      }
      const plain: number[] = []
      const gated: number[] = []
      let counts = { requests: 0, tokens: 0 }
      for (let i = 0; i < runs; i++) {
        const without = await once(false)
        const withGate = await once(true)
        plain.push(without.ms)
        gated.push(withGate.ms)
        counts = {
          requests: withGate.requests - without.requests,
          tokens: withGate.tokens - without.tokens
        }
      }
      return {
        layout,
        ...counts,
        resolveMs: median(plain),
        addedMs: median(gated) - median(plain)
      }
    }

    return [
      await measure('cosign v2, key (`sha256-<hex>.sig`)', signed.reference, [
        '--signature-key',
        keyFile
      ]),
      await measure(
        'cosign v3 bundle, registry with the referrers API',
        bundled.reference,
        [...keyless, '--trusted-root', rootFile],
        withReferrersApi
      ),
      await measure(
        'cosign v3 bundle, distribution 2.8 (no referrers API, fallback tag)',
        bundled.reference,
        [...keyless, '--trusted-root', rootFile]
      ),
      await measure(
        'GitHub attestation (actions/attest, push-to-registry), registry with the referrers API',
        attested.reference,
        attestationFlags,
        referrersApi(attested.repository, attested.digest, pushedAttestation.index)
      ),
      await measure(
        'GitHub attestation (actions/attest, push-to-registry), distribution 2.8 (fallback tag)',
        attested.reference,
        attestationFlags
      )
    ]
  } finally {
    await rm(dir, { recursive: true, force: true })
    await sigstore.stop()
    await registry.stop()
  }

  async function resolve(argv: string[]): Promise<number> {
    const context: Partial<CommandContext> = {
      stdout: () => {},
      logger: { debug: () => {}, info: () => {}, warning: () => {} },
      env: { DOCKER_CONFIG: '/nonexistent', PATH: process.env.PATH }
    }
    return main(['resolve', ...argv], context)
  }
}
