/**
 * cosign's v2 signature layout, as sigstore/cosign specs/SIGNATURE_SPEC.md lays it out — pure:
 * bytes in, verdicts out.
 *
 * - "Tag-based Discovery": the signatures of `sha256:<hex>` are the image manifest tagged
 *   `sha256-<hex>.sig` (`:` → `-`, `.sig` appended), here in the image's own repository.
 * - "OCI Image Manifest V1": each signature is one layer; its blob is the payload, its
 *   `dev.cosignproject.cosign/signature` annotation the base64 signature over the payload bytes.
 * - "Simple Signing": the payload (media type application/vnd.dev.cosign.simplesigning.v1+json)
 *   names the signed digest at `critical.image.docker-manifest-digest`;
 *   `critical.identity.docker-reference` "is ignored". cosign compares that digest with the
 *   image's (pkg/cosign/verify.go, VerifyClaims: "invalid or missing digest in claim") after
 *   checking the signature.
 */
import type { SignatureKey } from './key.js'

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json'
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature'

/** `sha256:<hex>` → `sha256-<hex>.sig`. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`
}

/** One signature of a signature manifest: its payload's blob and the annotation. */
export interface SignatureLayer {
  readonly digest: string
  readonly mediaType: string
  /** The annotation as stored; undefined when the layer has none. */
  readonly signature?: string
}

/** The simple-signing layers of a signature manifest, or why it is not one. */
export function signatureLayers(
  manifest: Buffer
): { readonly layers: SignatureLayer[] } | { readonly malformed: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(manifest.toString('utf8'))
  } catch {
    return { malformed: 'its manifest is not JSON' }
  }
  const layers = (parsed as { layers?: unknown })?.layers
  if (!Array.isArray(layers)) return { malformed: 'its manifest has no layers' }
  const found: SignatureLayer[] = []
  for (const layer of layers as unknown[]) {
    const { digest, mediaType, annotations } = (layer ?? {}) as Record<string, unknown>
    if (mediaType !== SIMPLE_SIGNING_MEDIA_TYPE || typeof digest !== 'string') continue
    const signature = (annotations as Record<string, unknown> | undefined)?.[SIGNATURE_ANNOTATION]
    found.push({
      digest,
      mediaType,
      signature: typeof signature === 'string' ? signature : undefined
    })
  }
  if (found.length === 0) {
    return { malformed: `its manifest has no ${SIMPLE_SIGNING_MEDIA_TYPE} layer` }
  }
  return { layers: found }
}

export type LayerVerdict =
  | { readonly kind: 'verified' }
  /** The signature does not verify with the key: another key signed it (or it was altered). */
  | { readonly kind: 'foreign' }
  /** Signed with the key, but for another digest (or none). */
  | { readonly kind: 'other-digest'; readonly signed?: string }
  | { readonly kind: 'malformed'; readonly why: string }

/** Go's base64.StdEncoding, strict: node's decoder skips what it cannot read. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** One layer's verdict: the signature first, then the claim, in cosign's order. */
export function checkLayer(
  layer: SignatureLayer,
  payload: Buffer,
  key: SignatureKey,
  digest: string
): LayerVerdict {
  if (layer.signature === undefined) {
    return { kind: 'malformed', why: `a layer has no ${SIGNATURE_ANNOTATION} annotation` }
  }
  if (layer.signature === '' || !BASE64.test(layer.signature)) {
    return { kind: 'malformed', why: `a layer's ${SIGNATURE_ANNOTATION} is not base64` }
  }
  if (!key.verify(payload, Buffer.from(layer.signature, 'base64'))) return { kind: 'foreign' }
  let parsed: unknown
  try {
    parsed = JSON.parse(payload.toString('utf8'))
  } catch {
    return { kind: 'malformed', why: 'a payload signed with the key is not JSON' }
  }
  const signed = field(field(field(parsed, 'critical'), 'image'), 'docker-manifest-digest')
  if (typeof signed !== 'string' || signed !== digest) {
    return { kind: 'other-digest', signed: typeof signed === 'string' ? signed : undefined }
  }
  return { kind: 'verified' }
}

/**
 * A JSON object's member, its name matched as Go's encoding/json matches struct tags (cosign
 * decodes the payload into a struct): exactly, else case-insensitively — the spec's own example
 * writes `Docker-manifest-digest`.
 */
function field(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const record = value as Record<string, unknown>
  if (Object.hasOwn(record, name)) return record[name]
  const key = Object.keys(record).find(k => k.toLowerCase() === name.toLowerCase())
  return key === undefined ? undefined : record[key]
}
