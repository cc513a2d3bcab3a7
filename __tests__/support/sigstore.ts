/**
 * A private Sigstore for tests: @sigstore/mock's Fulcio (with its CT log) and Rekor served over
 * real loopback HTTP, @sigstore/sign signing against them, and the trusted root that describes
 * them (Sigstore's TrustedRoot in its protobuf JSON form, as trusted_root.json holds it).
 * Bundles are attached to images the way cosign v3 does: an OCI artifact manifest
 * (artifactType application/vnd.dev.sigstore.bundle.v0.3+json, `subject` the image) whose layer
 * is the bundle, listed in the referrers tag schema's index under `sha256-<hex>`.
 */
import { bundleToJSON } from '@sigstore/bundle'
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js'
import { initializeTLog, rekorHandler } from '@sigstore/mock/dist/rekor/index.js'
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from '@sigstore/sign'
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import { pushBlob, pushManifest, type RegistryInstance } from './registry.js'

export const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json'
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const EMPTY = 'application/vnd.oci.empty.v1+json'

export interface Sigstore {
  /** trusted_root.json for this instance. */
  readonly trustedRoot: string
  /** A DSSE bundle (in-toto statement naming `digest`) signed as `identity` of `issuer`. */
  sign(digest: string, identity: string, issuer: string): Promise<object>
  /**
   * A GitHub artifact attestation of `digest` as actions/attest makes one: an in-toto statement
   * of `predicateType` (default SLSA provenance v1), signed with a certificate whose GitHub
   * extensions come from the workflow's OIDC claims — @sigstore/mock's Fulcio copies them as
   * real Fulcio does (fulcio/handler.js extensionFromClaims: repository → Source Repository URI
   * .1.12 as https://github.com/<repository>, sha → .1.13, ref → .1.14, job_workflow_ref →
   * Build Signer URI .1.9), and the SAN is the token's `sub`.
   */
  attest(digest: string, options: AttestOptions): Promise<object>
  stop(): Promise<void>
}

/** What a GitHub Actions job's OIDC token says, as Fulcio turns it into a certificate. */
export interface AttestOptions {
  /** owner/repo: the workflow's repository. */
  readonly repository: string
  /** The commit the workflow ran on. */
  readonly sha: string
  /** refs/heads/main, refs/tags/v1.2.3 … */
  readonly ref: string
  /** The signing workflow: owner/repo/.github/workflows/file.yml@ref. */
  readonly workflow: string
  readonly issuer?: string
  readonly predicateType?: string
}

const der = (key: KeyObject) => key.export({ type: 'spki', format: 'der' })
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
const keyId = (bytes: Uint8Array) => b64(createHash('sha256').update(bytes).digest())

export async function startSigstore(): Promise<Sigstore> {
  const keys = () => generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ctKeys = keys()
  const fulcioKeys = keys()
  const rekorKeys = keys()
  const ca = await initializeCA(fulcioKeys, await initializeCTLog(ctKeys))
  const handlers = new Map<string, ReturnType<typeof fulcioHandler>>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', chunk => chunks.push(chunk as Buffer))
    req.on('end', () => {
      const handler = handlers.get(new URL(req.url ?? '/', 'http://x').pathname)
      if (req.method !== 'POST' || !handler) {
        res.writeHead(404).end()
        return
      }
      handler
        .fn(Buffer.concat(chunks).toString('utf8'))
        .then(({ statusCode, response, contentType }) => {
          res.writeHead(statusCode, { 'content-type': contentType ?? 'text/plain' })
          res.end(response)
        })
        .catch(error => res.writeHead(500).end(String(error)))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const tlog = await initializeTLog(url, rekorKeys)
  for (const handler of [fulcioHandler(ca), rekorHandler(tlog)]) handlers.set(handler.path, handler)

  const start = new Date(Date.now() - 3600_000).toISOString()
  const trustedRoot = JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(der(rekorKeys.publicKey)),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start }
        },
        logId: { keyId: keyId(der(rekorKeys.publicKey)) }
      }
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: url,
        certChain: {
          certificates: [
            {
              rawBytes: b64(
                new Uint8Array(
                  ca.rootCertificate.buffer,
                  ca.rootCertificate.byteOffset,
                  ca.rootCertificate.byteLength
                )
              )
            }
          ]
        },
        validFor: { start }
      }
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(der(ctKeys.publicKey)),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start }
        },
        logId: { keyId: keyId(der(ctKeys.publicKey)) }
      }
    ],
    timestampAuthorities: []
  })

  return {
    trustedRoot,
    sign: (digest, identity, issuer) =>
      signStatement(digest, 'https://sigstore.dev/cosign/sign/v1', {
        iss: issuer,
        sub: identity
      }),
    attest: (digest, options) =>
      signStatement(digest, options.predicateType ?? 'https://slsa.dev/provenance/v1', {
        iss: options.issuer ?? 'https://token.actions.githubusercontent.com',
        // GitHub's Fulcio SAN for a workflow is https://github.com/<job_workflow_ref>.
        sub: `https://github.com/${options.workflow}`,
        repository: options.repository,
        repository_owner: options.repository.split('/')[0] ?? '',
        sha: options.sha,
        ref: options.ref,
        job_workflow_ref: options.workflow,
        workflow_ref: options.workflow
      }),
    stop: () => new Promise<void>(resolve => server.close(() => resolve()))
  }

  async function signStatement(
    digest: string,
    predicateType: string,
    claims: Record<string, string>
  ): Promise<object> {
    const token = [
      { alg: 'none', typ: 'JWT' },
      { ...claims, aud: 'sigstore' }
    ]
      .map(part => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .join('.')
    const builder = new DSSEBundleBuilder({
      signer: new FulcioSigner({
        fulcioBaseURL: url,
        identityProvider: { getToken: async () => `${token}.c2ln` }
      }),
      // intoto entries: the mock logs the proposed entry as its body, which for a dsse entry
      // lacks the signatures real Rekor canonicalizes into it (verify/tlog/dsse.js refuses it).
      witnesses: [new RekorWitness({ rekorBaseURL: url, entryType: 'intoto' })]
    })
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'image', digest: { sha256: digest.split(':')[1] } }],
      predicateType,
      predicate: {}
    }
    const bundle = await builder.create({
      data: Buffer.from(JSON.stringify(statement)),
      type: 'application/vnd.in-toto+json'
    })
    return bundleToJSON(bundle) as object
  }
}

/**
 * Attaches `bundle` to the image `digest` of `repository` as cosign v3 does: the artifact
 * manifest by digest, listed in the `sha256-<hex>` index (added to what it already lists).
 * Returns the artifact manifest's digest and the index entry, for a referrers API double.
 */
export async function attachBundle(
  reg: RegistryInstance,
  repository: string,
  image: { digest: string; size: number; mediaType: string },
  bundle: object,
  listed: object[] = [],
  /** On the manifest and its index entry, as actions/attest's push-to-registry writes them. */
  annotations?: Record<string, string>
): Promise<{ manifestDigest: string; entry: object; index: Buffer }> {
  const body = Buffer.from(JSON.stringify(bundle))
  const bundleDigest = await pushBlob(reg, repository, body)
  const config = Buffer.from('{}')
  const configDigest = await pushBlob(reg, repository, config)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_TYPE,
      config: { mediaType: EMPTY, digest: configDigest, size: config.length },
      layers: [{ mediaType: BUNDLE_TYPE, digest: bundleDigest, size: body.length }],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
      ...(annotations ? { annotations } : {})
    })
  )
  const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`
  await pushManifest(reg, repository, manifestDigest, manifest, OCI_MANIFEST)
  const entry = {
    mediaType: OCI_MANIFEST,
    digest: manifestDigest,
    size: manifest.length,
    artifactType: BUNDLE_TYPE,
    ...(annotations ? { annotations } : {})
  }
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...listed, entry] })
  )
  return { manifestDigest, entry, index }
}

/** Publishes the referrers tag schema's index under `sha256-<hex>`. */
export async function pushReferrersTag(
  reg: RegistryInstance,
  repository: string,
  digest: string,
  index: Buffer
): Promise<void> {
  await pushManifest(reg, repository, digest.replace(':', '-'), index, OCI_INDEX)
}
