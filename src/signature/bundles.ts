/**
 * Where cosign v3 keeps an image's Sigstore bundles, and the gate over them. Each bundle is an
 * OCI artifact (artifactType application/vnd.dev.sigstore.bundle.v0.3+json) whose `subject` is
 * the image and whose one layer is the bundle's JSON. They are found as OCI 1.1 prescribes
 * (distribution-spec, "Listing Referrers"): the referrers API, GET /v2/<name>/referrers/<digest>;
 * when the registry does not implement it (404), the referrers tag schema's index under the tag
 * `sha256-<hex>` ("Referrers Tag Schema").
 */
import { SignatureError, type OptionNames } from '../errors.js'
import type { SignatureVerification } from '../model.js'
import type { ArtifactSource, GatedImage } from './gate.js'
import { tufTrustMaterial } from './trust.js'
import {
  BUNDLE_ARTIFACT_TYPE,
  checkBundle,
  type BundleVerdict,
  type KeylessPolicy
} from './keyless.js'

/** An image with more bundles than this is refused rather than read on. */
export const MAX_BUNDLES = 16

/**
 * The annotation naming a bundle's predicate type on its referrer manifest: actions/attest writes
 * it with push-to-registry (src/attest.ts createAttestation: @sigstore/oci attachArtifactToImage,
 * annotations 'dev.sigstore.bundle.predicateType': predicate.type, after @actions/attest signs),
 * and cosign v3 does too; the referrers API copies it onto the descriptor.
 */
export const PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType'

interface Found {
  /** Where it looked, in words, for messages. */
  readonly looked: string
  readonly manifests: readonly string[]
}

/** A bundle manifest an index lists, with the predicate type its annotation names (actions/attest, cosign v3). */
export interface BundleEntry {
  readonly digest: string
  /** `dev.sigstore.bundle.predicateType`; absent where the writer dropped it (cosign's fallback tag). */
  readonly predicateType?: string
}

async function findBundles(image: GatedImage, source: ArtifactSource): Promise<Found> {
  const found = await findBundleEntries(image, source)
  return { looked: found.looked, manifests: found.entries.map(e => e.digest) }
}

/** The bundle manifests attached to the digest: the referrers API, else the fallback tag. */
export async function findBundleEntries(
  image: GatedImage,
  source: ArtifactSource
): Promise<{ readonly looked: string; readonly entries: readonly BundleEntry[] }> {
  const { reference, digest } = image
  const referrers = await source.referrers(reference, digest, BUNDLE_ARTIFACT_TYPE)
  const api = `the referrers API of ${reference.name}@${digest}`
  if (referrers !== undefined) return { looked: api, entries: bundleManifests(referrers) }
  const tag = digest.replace(':', '-')
  const index = await source.manifest(reference, tag)
  return {
    looked: `${api} (not implemented by this registry), then the tag ${reference.name}:${tag}`,
    entries: index ? bundleManifests(index.body) : []
  }
}

/** The index's bundle manifests; anything else (other artifacts) is skipped. */
function bundleManifests(index: Buffer): BundleEntry[] {
  try {
    const parsed = JSON.parse(index.toString('utf8')) as {
      manifests?: { digest?: unknown; artifactType?: unknown; annotations?: unknown }[]
    }
    return (parsed.manifests ?? [])
      .filter(m => m?.artifactType === BUNDLE_ARTIFACT_TYPE && typeof m.digest === 'string')
      .map(m => {
        const annotations = (m.annotations ?? {}) as Record<string, unknown>
        const predicateType = annotations[PREDICATE_TYPE_ANNOTATION]
        return {
          digest: m.digest as string,
          ...(typeof predicateType === 'string' ? { predicateType } : {})
        }
      })
  } catch {
    return []
  }
}

/** The bundle JSON an artifact manifest carries in its layer, or why not. */
export async function bundleOf(
  image: GatedImage,
  manifestDigest: string,
  source: ArtifactSource
): Promise<unknown | { malformed: string }> {
  const manifest = await source.manifest(image.reference, manifestDigest)
  if (!manifest) return { malformed: `manifest ${manifestDigest} is listed but absent` }
  let layers: { mediaType?: unknown; digest?: unknown }[] | undefined
  try {
    layers = (JSON.parse(manifest.body.toString('utf8')) as { layers?: typeof layers }).layers
  } catch {
    return { malformed: `manifest ${manifestDigest} is not JSON` }
  }
  const layer = (layers ?? []).find(l => typeof l?.digest === 'string')
  if (!layer) return { malformed: `manifest ${manifestDigest} has no layer` }
  const blob = await source.blob(image.reference, layer.digest as string)
  try {
    return JSON.parse(blob.toString('utf8')) as unknown
  } catch {
    return { malformed: `the bundle of ${manifestDigest} is not JSON` }
  }
}

export async function verifyKeylessBundle(
  image: GatedImage,
  policy: KeylessPolicy,
  source: ArtifactSource,
  names: OptionNames
): Promise<SignatureVerification> {
  const { reference, digest } = image
  const subject = image.input
  const found = await findBundles(image, source)
  const wanted = describeWanted(policy, names)
  if (found.manifests.length === 0) {
    throw new SignatureError(
      `Image ${image.input} (${digest}) has no Sigstore bundle: none in ${found.looked}.`,
      {
        hint: `Sign the digest after pushing it (cosign sign ${reference.name}@${digest} in the workflow ${wanted.who}); nothing was written.`,
        subject
      }
    )
  }
  if (found.manifests.length > MAX_BUNDLES) {
    throw new SignatureError(
      `Image ${image.input} (${digest}) has ${found.manifests.length} Sigstore bundles in ${found.looked}, more than the ${MAX_BUNDLES} promote-image reads.`,
      { subject }
    )
  }
  const verdicts: BundleVerdict[] = []
  // Fetched only once a bundle exists, and at most once per run (trust.ts caches it).
  const trust = policy.trustedRoot ?? (await tufTrustMaterial())
  for (const manifest of found.manifests) {
    const json = await bundleOf(image, manifest, source)
    const verdict =
      json !== null && typeof json === 'object' && 'malformed' in json
        ? ({ kind: 'malformed', why: String(json.malformed) } as const)
        : checkBundle(json, digest, policy, trust)
    if (verdict.kind === 'verified') {
      return {
        verified: true,
        kind: 'sigstore-bundle',
        identity: verdict.identity,
        issuer: verdict.issuer,
        location: `${reference.name}@${manifest}`
      }
    }
    verdicts.push(verdict)
  }
  const count = `${verdicts.length} bundle${verdicts.length === 1 ? '' : 's'}`
  const signers = verdicts.flatMap(v => (v.kind === 'identity' ? [v] : []))
  if (signers.length > 0) {
    const by = [...new Set(signers.map(s => `${s.identity} (issuer ${s.issuer})`))].join(', ')
    throw new SignatureError(
      `Image ${image.input} (${digest}) is signed by ${by}, not by ${wanted.what}.`,
      {
        hint: `Promote only builds of the expected workflow, or correct ${wanted.names}; nothing was written.`,
        subject
      }
    )
  }
  const untrusted = verdicts.flatMap(v => (v.kind === 'untrusted' ? [v.why] : []))
  if (untrusted.length > 0) {
    throw new SignatureError(
      `Image ${image.input} (${digest}) is refused: ${verdicts.length === 1 ? 'the bundle' : `none of the ${count}`} in ${found.looked} ${verdicts.length === 1 ? 'does not verify' : 'verifies'} against ${names.name('trusted-root')}: ${[...new Set(untrusted)].join('; ')}.`,
      {
        hint: 'An untrusted or expired certificate, or a missing transparency-log proof: sign again with the Sigstore instance the trusted root describes; nothing was written.',
        subject
      }
    )
  }
  if (verdicts.some(v => v.kind === 'other-digest')) {
    throw new SignatureError(
      `Image ${image.input} (${digest}) is refused: the ${count} in ${found.looked} ${verdicts.length === 1 ? 'signs another digest' : 'sign other digests'}, not ${digest}.`,
      {
        hint: `A bundle copied from another image proves nothing about this one: sign ${reference.name}@${digest}; nothing was written.`,
        subject
      }
    )
  }
  const why = verdicts.map(v => (v.kind === 'malformed' ? v.why : v.kind)).join('; ')
  throw new SignatureError(
    `Image ${image.input} (${digest}) is refused: no usable Sigstore bundle in ${found.looked} (${why}).`,
    { hint: 'Sign the digest again with cosign v3; nothing was written.', subject }
  )
}

function describeWanted(policy: KeylessPolicy, names: OptionNames) {
  const identity =
    policy.identity !== undefined
      ? policy.identity
      : `an identity matching ${policy.identityRegexp?.source ?? ''}`
  return {
    what: `${identity} (issuer ${policy.issuer})`,
    who: `whose identity is ${identity}`,
    names: `${names.name(policy.identity !== undefined ? 'certificate-identity' : 'certificate-identity-regexp')} / ${names.name('certificate-oidc-issuer')}`
  }
}
