/**
 * Keyless Sigstore bundles (cosign v3's layout for images), pure: a bundle's JSON in, a verdict
 * out. The bundle is verified by @sigstore/verify against the trusted root (the Fulcio chain,
 * the transparency-log entry and its inclusion, the certificate's validity at the logged time);
 * what it signs and who signed it are then checked here:
 *
 * - the bundle's DSSE envelope carries an in-toto statement whose `subject` names the image
 *   digest (in-toto Statement v1, "subject[].digest"), as cosign v3 signs images;
 * - the certificate's SAN is the expected identity (exactly, or an RE2 pattern searched as
 *   cosign's --certificate-identity-regexp is with Go's MatchString) and its OIDC issuer
 *   extension (1.3.6.1.4.1.57264.1.8, or .1.1) the expected issuer.
 */
import { bundleFromJSON, type Bundle } from '@sigstore/bundle'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import {
  toSignedEntity,
  toTrustMaterial,
  Verifier,
  type Signer,
  type TrustMaterial
} from '@sigstore/verify'
import { InputError } from '../errors.js'
import type { TagPattern } from '../policy/index.js'

/** The artifactType of a bundle attached to an image (cosign v3, OCI 1.1 referrers). */
export const BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json'
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

/** Who must have signed, and the root that says which certificates and logs to trust. */
export interface KeylessPolicy {
  /** certificate-identity: the SAN, exactly. */
  readonly identity?: string
  /** certificate-identity-regexp: the SAN, searched in linear time (RE2). */
  readonly identityRegexp?: TagPattern
  /** certificate-oidc-issuer: the certificate's issuer extension, exactly. */
  readonly issuer: string
  /** The trusted-root file; absent: Sigstore's public-good root through TUF (trust.ts). */
  readonly trustedRoot?: TrustMaterial
}

/** A trusted_root.json (Sigstore's TrustedRoot, protobuf JSON); the error names no option. */
export function parseTrustedRoot(text: string): TrustMaterial {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new InputError('is not JSON.', {
      hint: 'Pass a Sigstore trusted_root.json (cosign trusted-root create, or the TUF repository of your Sigstore instance).'
    })
  }
  try {
    const root = TrustedRoot.fromJSON(json)
    if (root.certificateAuthorities.length === 0 || root.tlogs.length === 0) {
      throw new Error('it lists no certificate authority or no transparency log')
    }
    return toTrustMaterial(root)
  } catch (error) {
    throw new InputError(`is not a usable Sigstore trusted root (${(error as Error).message}).`, {
      hint: 'Pass a trusted_root.json with certificateAuthorities and tlogs (cosign trusted-root create writes one).'
    })
  }
}

export type BundleVerdict =
  | { readonly kind: 'verified'; readonly identity: string; readonly issuer: string }
  /** Verified, but by someone else. */
  | { readonly kind: 'identity'; readonly identity: string; readonly issuer: string }
  /** @sigstore/verify refused it: untrusted or expired certificate, no log proof, bad signature. */
  | { readonly kind: 'untrusted'; readonly why: string }
  | { readonly kind: 'other-digest' }
  | { readonly kind: 'malformed'; readonly why: string }

/** `trust`: the resolved root (the policy's file, or the TUF-served one: trust.ts). */
export function checkBundle(
  json: unknown,
  digest: string,
  policy: KeylessPolicy,
  trust: TrustMaterial | undefined = policy.trustedRoot
): BundleVerdict {
  if (trust === undefined) return { kind: 'untrusted', why: 'no trusted root was resolved' }
  let bundle: Bundle
  try {
    bundle = bundleFromJSON(json)
  } catch (error) {
    return { kind: 'malformed', why: `not a Sigstore bundle (${(error as Error).message})` }
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    return { kind: 'malformed', why: 'a message-signature bundle, not a DSSE in-toto statement' }
  }
  const envelope = bundle.content.dsseEnvelope
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { kind: 'malformed', why: `a DSSE payload of type ${envelope.payloadType}` }
  }
  if (!namesDigest(envelope.payload, digest)) return { kind: 'other-digest' }
  let identity: string
  let issuer: string
  try {
    const signer = verifyBundleWithTrust(bundle, trust)
    identity = signer.identity?.subjectAlternativeName ?? ''
    issuer = signer.identity?.extensions?.issuer ?? ''
  } catch (error) {
    return { kind: 'untrusted', why: (error as Error).message }
  }
  const identityOk =
    policy.identity !== undefined
      ? identity === policy.identity
      : (policy.identityRegexp?.test(identity) ?? false)
  return identityOk && issuer === policy.issuer
    ? { kind: 'verified', identity, issuer }
    : { kind: 'identity', identity, issuer }
}

/**
 * Verifies a parsed bundle against trust material with @sigstore/verify (certificate chain,
 * transparency-log or timestamp proof, signature); throws on refusal. The one Verifier call,
 * shared with the attestation checks. Thresholds stay at @sigstore/verify's defaults (one
 * tlog, one CT log, no timestamp authority) until GitHub's root is wired in (trust.ts).
 */
export function verifyBundleWithTrust(bundle: Bundle, trust: TrustMaterial): Signer {
  return new Verifier(trust).verify(toSignedEntity(bundle))
}

function namesDigest(payload: Buffer, digest: string): boolean {
  const [algorithm, hex] = digest.split(':')
  try {
    const statement = JSON.parse(payload.toString('utf8')) as {
      subject?: { digest?: Record<string, string> }[]
    }
    return (statement.subject ?? []).some(s => s?.digest?.[algorithm!] === hex)
  } catch {
    return false
  }
}
