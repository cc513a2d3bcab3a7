/**
 * cosign v2 key signatures, made with node's crypto exactly as cosign lays them out
 * (sigstore/cosign specs/SIGNATURE_SPEC.md): the simple-signing payload is a blob, the signature
 * manifest an OCI image manifest tagged `sha256-<hex>.sig` in the image's repository, one layer
 * per signature with the base64 signature in the `dev.cosignproject.cosign/signature` annotation.
 * The config is the one cosign's static layers get (an empty image config naming the layers).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { pushBlob, pushManifest, type RegistryInstance } from './registry.js'

export interface KeyPair {
  readonly privateKey: KeyObject
  /** PEM `PUBLIC KEY`, as cosign.pub holds it. */
  readonly publicPem: string
}

/** cosign generate-key-pair's key type: ECDSA P-256. */
export function ecdsaKeyPair(namedCurve = 'P-256'): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve })
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}

/** The payload cosign signs for `digest` (payload.Cosign's JSON: critical + optional). */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature'
      },
      optional: null
    })
  )
}

export interface SignatureLayerSpec {
  readonly payload: Buffer
  /** The annotation's value; default: base64 of the key's signature over the payload. */
  readonly signature?: string
  readonly key?: KeyObject
}

/** ECDSA keys sign SHA-256 digests in ASN.1 DER, as cosign does; Ed25519 keys sign the bytes. */
export function signPayload(payload: Buffer, key: KeyObject): string {
  const algorithm = key.asymmetricKeyType === 'ed25519' ? null : 'sha256'
  return sign(algorithm, payload, key).toString('base64')
}

/**
 * Pushes a signature manifest for `digest` under `sha256-<hex>.sig` in `repository`, one layer
 * per spec; returns the tag.
 */
export async function pushCosignSignature(
  reg: RegistryInstance,
  repository: string,
  digest: string,
  layers: readonly SignatureLayerSpec[]
): Promise<string> {
  const descriptors = []
  for (const layer of layers) {
    const payloadDigest = await pushBlob(reg, repository, layer.payload)
    const signature = layer.signature ?? signPayload(layer.payload, layer.key!)
    descriptors.push({
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      size: layer.payload.length,
      digest: payloadDigest,
      annotations: { 'dev.cosignproject.cosign/signature': signature }
    })
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: descriptors.map(d => d.digest) },
      config: {}
    })
  )
  const configDigest = await pushBlob(reg, repository, config)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        size: config.length,
        digest: configDigest
      },
      layers: descriptors
    })
  )
  const tag = `${digest.replace(':', '-')}.sig`
  await pushManifest(reg, repository, tag, manifest, 'application/vnd.oci.image.manifest.v1+json')
  return tag
}
