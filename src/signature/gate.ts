/**
 * The signature gate for one image digest: find the signatures where cosign stores them, verify
 * them against the policy, and either name the signature that passed or refuse the image with
 * where it looked and why. Reads the registry only through the ArtifactSource it is handed.
 */
import { SignatureError, type OptionNames } from '../errors.js'
import type { SignatureVerification } from '../model.js'
import type { ImageReference } from '../reference/index.js'
import { checkLayer, signatureLayers, signatureTag, type LayerVerdict } from './cosign.js'
import type { SignatureKey } from './key.js'
import { verifyKeylessBundle } from './bundles.js'
import type { KeylessPolicy } from './keyless.js'

/** What the gate requires (one of the two); absent from a plan, nothing is checked. */
export type SignaturePolicy =
  /** signature-key: a cosign v2 signature by this key. */
  | { readonly key: SignatureKey; readonly keyless?: undefined }
  /** certificate-identity(-regexp), certificate-oidc-issuer, trusted-root: a keyless bundle. */
  | { readonly key?: undefined; readonly keyless: KeylessPolicy }

/** The registry, as the gate reads it (registry/'s ArtifactReader). */
export interface ArtifactSource {
  manifest(
    image: ImageReference,
    reference: string
  ): Promise<{ readonly body: Buffer; readonly digest: string } | undefined>
  blob(image: ImageReference, digest: string): Promise<Buffer>
  referrers(
    image: ImageReference,
    digest: string,
    artifactType: string
  ): Promise<Buffer | undefined>
}

/** The image the gate checks: its reference (the repository) and the digest to be written. */
export interface GatedImage {
  readonly input: string
  readonly reference: ImageReference
  readonly digest: string
}

/** A signature manifest with more signatures than this is refused rather than read on. */
const MAX_SIGNATURES = 16

/** Verifies one image's digest; throws SignatureError naming where it looked and why it refused. */
export async function verifyImageSignature(
  image: GatedImage,
  policy: SignaturePolicy,
  source: ArtifactSource,
  names: OptionNames
): Promise<SignatureVerification> {
  if (policy.keyless) return verifyKeylessBundle(image, policy.keyless, source, names)
  return verifyKeySignature(image, policy.key, source, names)
}

async function verifyKeySignature(
  image: GatedImage,
  key: SignatureKey,
  source: ArtifactSource,
  names: OptionNames
): Promise<SignatureVerification> {
  const { reference, digest } = image
  const tag = signatureTag(digest)
  const location = `${reference.name}:${tag}`
  const subject = image.input
  const option = names.name('signature-key')
  const manifest = await source.manifest(reference, tag)
  if (!manifest) {
    throw new SignatureError(
      `Image ${image.input} (${digest}) has no cosign signature: there is no signature manifest at ${location}, where cosign stores the signatures of this digest.`,
      {
        hint: `Sign the digest after pushing it (cosign sign --key cosign.key ${reference.name}@${digest}) with the key whose public half is ${option}; nothing was written.`,
        subject
      }
    )
  }
  const found = signatureLayers(manifest.body)
  if ('malformed' in found) throw malformed(image, location, found.malformed)
  if (found.layers.length > MAX_SIGNATURES) {
    throw malformed(
      image,
      location,
      `it holds ${found.layers.length} signatures, more than the ${MAX_SIGNATURES} promote-image reads`
    )
  }
  const verdicts: LayerVerdict[] = []
  for (const layer of found.layers) {
    const payload = await source.blob(reference, layer.digest)
    const verdict = checkLayer(layer, payload, key, digest)
    if (verdict.kind === 'verified') {
      return { verified: true, kind: 'cosign-key', key: key.fingerprint, location }
    }
    verdicts.push(verdict)
  }
  const count = `${verdicts.length} signature${verdicts.length === 1 ? '' : 's'}`
  const otherDigest = verdicts.find(v => v.kind === 'other-digest')
  if (otherDigest?.kind === 'other-digest') {
    throw new SignatureError(
      `Image ${image.input} (${digest}) is refused: the signature at ${location} verifies with ${option}, but its payload signs ${otherDigest.signed ?? 'no digest'} (critical.image.docker-manifest-digest), not ${digest}.`,
      {
        hint: `A signature copied from another image proves nothing about this one: sign ${reference.name}@${digest} itself; nothing was written.`,
        subject
      }
    )
  }
  if (verdicts.some(v => v.kind === 'foreign')) {
    throw new SignatureError(
      `Image ${image.input} (${digest}) is signed, but not by this key: ${verdicts.length === 1 ? 'the signature' : `none of the ${count}`} at ${location} ${verdicts.length === 1 ? 'does not verify' : 'verifies'} with ${option} (${key.description}, ${key.fingerprint}).`,
      {
        hint: `Sign with the private key whose public half is ${option}, or pass the public key of the signer you trust; nothing was written.`,
        subject
      }
    )
  }
  const why = verdicts.map(v => (v.kind === 'malformed' ? v.why : v.kind)).join('; ')
  throw malformed(image, location, why)
}

function malformed(image: GatedImage, location: string, why: string): SignatureError {
  return new SignatureError(
    `Image ${image.input} (${image.digest}) is refused: the signature manifest at ${location} is not a cosign signature (${why}).`,
    {
      hint: `Sign the digest again with cosign sign (which replaces it), then promote; nothing was written.`,
      subject: image.input
    }
  )
}
