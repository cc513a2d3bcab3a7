/**
 * The attestation gate for one image digest: find its GitHub artifact attestations, verify them
 * (provenance.ts) and either name the one that passed or refuse the image with where it looked
 * and why. Looked for where actions/attest leaves them:
 *
 * 1. in the registry, with push-to-registry: an OCI referrer of the digest (artifactType
 *    application/vnd.dev.sigstore.bundle.v0.3+json, annotation dev.sigstore.bundle.predicateType),
 *    found as cosign v3's bundles are (bundles.ts: the referrers API, then the fallback tag);
 *    descriptors annotated with another predicate type are not downloaded;
 * 2. only when the registry holds none of the predicate type, and a repository or owner is
 *    known: GitHub's attestations API, one request (GET /repos/{owner}/{repo}/attestations/
 *    {subject_digest}, or /orgs/{org}/…), read by deliver/ and handed here as a port.
 */
import { SignatureError, type OptionNames } from '../errors.js'
import type { ProvenanceVerification } from '../model.js'
import { bundleOf, findBundleEntries, MAX_BUNDLES } from './bundles.js'
import type { ArtifactSource, GatedImage } from './gate.js'
import { tufTrustMaterial } from './trust.js'
import {
  checkAttestation,
  githubUrl,
  type AttestationPolicy,
  type AttestationVerdict,
  type Mismatch
} from './provenance.js'

/** Where GitHub keeps a digest's attestations: a repository, or every repository of an owner. */
export interface AttestationScope {
  readonly owner: string
  readonly repo?: string
}

/** GitHub's attestations API, as the gate reads it (deliver/'s reader). */
export interface AttestationReader {
  /**
   * The bundles GitHub holds for the digest and predicate type (none: GitHub answered 404), and
   * the URL asked, for messages.
   */
  list(
    scope: AttestationScope,
    digest: string,
    predicateType: string
  ): Promise<{ readonly url: string; readonly bundles: readonly unknown[] }>
}

interface Checked {
  readonly verdict: AttestationVerdict
  readonly location: string
}

/** Verifies one image's digest; throws SignatureError naming where it looked and why it refused. */
export async function verifyImageAttestation(
  image: GatedImage,
  policy: AttestationPolicy,
  source: ArtifactSource,
  github: AttestationReader | undefined,
  names: OptionNames
): Promise<ProvenanceVerification> {
  const { reference, digest } = image
  const found = await findBundleEntries(image, source)
  const candidates = found.entries.filter(
    e => e.predicateType === undefined || e.predicateType === policy.predicateType
  )
  const others = [
    ...new Set(
      found.entries.flatMap(e =>
        e.predicateType !== undefined && e.predicateType !== policy.predicateType
          ? [e.predicateType]
          : []
      )
    )
  ]
  if (candidates.length > MAX_BUNDLES) {
    throw new SignatureError(
      `Image ${image.input} (${digest}) has ${candidates.length} attestations in ${found.looked}, more than the ${MAX_BUNDLES} promote-image reads.`,
      { subject: image.input }
    )
  }
  // Without trusted-root, the public-good root through TUF: fetched only once a bundle is to be
  // verified, and at most once per run (trust.ts caches it).
  let trusted: AttestationPolicy | undefined
  const withTrust = async (): Promise<AttestationPolicy> =>
    (trusted ??= {
      ...policy,
      keyless: {
        ...policy.keyless,
        trustedRoot: policy.keyless.trustedRoot ?? (await tufTrustMaterial())
      }
    })
  const checked: Checked[] = []
  for (const entry of candidates) {
    const json = await bundleOf(image, entry.digest, source)
    const verdict: AttestationVerdict =
      json !== null && typeof json === 'object' && 'malformed' in json
        ? { kind: 'malformed', why: String(json.malformed) }
        : checkAttestation(json, digest, await withTrust())
    const location = `${reference.name}@${entry.digest}`
    if (verdict.kind === 'verified') return verified(verdict, location)
    checked.push({ verdict, location })
  }
  let looked = found.looked
  const inRegistry = candidates.some(e => e.predicateType === policy.predicateType)
  const statedInRegistry = checked.some(
    c => 'predicateType' in c.verdict && c.verdict.predicateType === policy.predicateType
  )
  const scope = scopeOf(policy)
  if (!inRegistry && !statedInRegistry && github && scope) {
    const answer = await github.list(scope, digest, policy.predicateType)
    looked += `, then GitHub's attestations API (GET ${answer.url})`
    for (const bundle of answer.bundles.slice(0, MAX_BUNDLES)) {
      const verdict = checkAttestation(bundle, digest, await withTrust())
      if (verdict.kind === 'verified') return verified(verdict, answer.url)
      checked.push({ verdict, location: answer.url })
    }
  }
  throw refusal(image, policy, names, looked, checked, others)
}

function verified(
  verdict: Extract<AttestationVerdict, { kind: 'verified' }>,
  location: string
): ProvenanceVerification {
  const { kind: _kind, ...claims } = verdict
  return { verified: true, ...claims, location }
}

/** The repository gh would ask: source-repository, else the owner of signer-workflow. */
function scopeOf(policy: AttestationPolicy): AttestationScope | undefined {
  if (policy.sourceRepository !== undefined) {
    const [owner = '', repo] = policy.sourceRepository.split('/')
    return { owner, repo }
  }
  if (policy.signerWorkflow === undefined) return undefined
  const url = new URL(githubUrl(policy.host, policy.signerWorkflow))
  if (url.host !== policy.host) return undefined
  const owner = url.pathname.split('/')[1]
  return owner ? { owner } : undefined
}

function refusal(
  image: GatedImage,
  policy: AttestationPolicy,
  names: OptionNames,
  looked: string,
  checked: readonly Checked[],
  others: readonly string[]
): SignatureError {
  const { digest } = image
  const subject = image.input
  const what = `${image.input} (${digest})`
  const type = policy.predicateType
  const verdicts = checked.map(c => c.verdict)
  if (verdicts.length === 0) {
    const other =
      others.length > 0 ? ` (only attestations of ${others.join(', ')} are attached)` : ''
    return new SignatureError(
      `Image ${what} has no attestation of ${type}: none in ${looked}${other}.`,
      {
        hint: `Attest the image in its build (actions/attest-build-provenance with subject-digest ${digest} and push-to-registry: true)${scopeOf(policy) ? '' : `, or name ${names.name('source-repository')} so that GitHub's attestations API is asked`}; nothing was written.`,
        subject
      }
    )
  }
  const signers = verdicts.flatMap(v => (v.kind === 'identity' ? [v] : []))
  if (signers.length > 0) {
    const by = [...new Set(signers.map(s => `${s.identity} (issuer ${s.issuer})`))].join(', ')
    const identity = policy.keyless.identity ?? policy.keyless.identityRegexp?.source ?? ''
    return new SignatureError(
      `Image ${what} is attested by ${by}, not by ${identity} (issuer ${policy.keyless.issuer}).`,
      {
        hint: `Promote only builds attested by the expected workflow, or correct ${identityNames(policy, names)}; nothing was written.`,
        subject
      }
    )
  }
  const claims = checked.flatMap(c =>
    c.verdict.kind === 'claims' ? [{ ...c.verdict, location: c.location }] : []
  )
  // An attestation of the right type with a wrong source says more than one of another type.
  const ofType = claims.filter(c => !c.wrong.some(w => w.setting === 'attestation-predicate-type'))
  const telling = ofType.length > 0 ? ofType : claims
  if (telling.length > 0) {
    const first = telling[0]!
    const lines = first.wrong.map(w => describeMismatch(w, names)).join('; ')
    return new SignatureError(
      `Image ${what} is refused: its attestation at ${first.location} ${lines}${telling.length > 1 ? ` (and ${telling.length - 1} more attestation${telling.length > 2 ? 's' : ''} do not match either)` : ''}.`,
      {
        hint: `Promote builds of the expected source (${first.wrong.map(w => names.name(w.setting)).join(', ')}), or correct the setting; nothing was written.`,
        subject
      }
    )
  }
  const untrusted = verdicts.flatMap(v => (v.kind === 'untrusted' ? [v.why] : []))
  if (untrusted.length > 0) {
    return new SignatureError(
      `Image ${what} is refused: no attestation in ${looked} verifies against ${names.name('trusted-root')}: ${[...new Set(untrusted)].join('; ')}.`,
      {
        hint: 'An untrusted or expired certificate, or a missing transparency-log proof: attest again with the Sigstore instance the trusted root describes; nothing was written.',
        subject
      }
    )
  }
  if (verdicts.some(v => v.kind === 'other-digest')) {
    return new SignatureError(
      `Image ${what} is refused: the attestation in ${looked} names another subject digest, not ${digest}.`,
      {
        hint: `An attestation copied from another image proves nothing about this one: attest ${image.reference.name}@${digest} itself; nothing was written.`,
        subject
      }
    )
  }
  const why = verdicts.map(v => (v.kind === 'malformed' ? v.why : v.kind)).join('; ')
  return new SignatureError(
    `Image ${what} is refused: no usable attestation in ${looked} (${why}).`,
    { hint: 'Attest the image again with actions/attest; nothing was written.', subject }
  )
}

function describeMismatch(m: Mismatch, names: OptionNames): string {
  const noun = {
    'attestation-predicate-type': 'is of predicate type',
    'source-repository': 'was built from the repository',
    'source-ref': 'was built from the ref',
    'signer-workflow': 'was signed by the workflow'
  }[m.setting]
  return `${noun} ${m.found || '(none)'}, not ${m.wanted} (${names.name(m.setting)})`
}

function identityNames(policy: AttestationPolicy, names: OptionNames): string {
  if (policy.keyless.identity !== undefined) return names.name('certificate-identity')
  if (policy.signerWorkflow !== undefined) return names.name('signer-workflow')
  return `${names.name('certificate-identity-regexp')} or ${names.name('source-repository')}`
}
