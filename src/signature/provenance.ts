/**
 * GitHub artifact attestations, pure: a bundle's JSON in, a verdict out. actions/attest signs an
 * in-toto statement (a DSSE envelope in a Sigstore bundle) with a Fulcio certificate issued to
 * the workflow; the bundle is verified like any keyless bundle (keyless.ts's checkBundle: trust
 * root, transparency log, subject digest, signer identity and issuer), then what it claims is
 * checked here, as `gh attestation verify` does (cli/cli pkg/cmd/attestation/verify/policy.go
 * newEnforcementCriteria, verification/extensions.go verifyCertExtensions):
 *
 * - the statement's predicateType is the one required (gh's --predicate-type);
 * - the certificate's GitHub extensions (Fulcio's OID registry, docs/oid-info.md): Source
 *   Repository URI 1.3.6.1.4.1.57264.1.12 is https://<host>/<source-repository> compared
 *   case-insensitively (gh: strings.EqualFold), Source Repository Ref .1.14 the ref exactly,
 *   Build Signer URI .1.9 the signer workflow (gh: signerWorkflowSANPattern — the workflow's URL,
 *   then optionally `@` and a ref `refs/…` or a commit, and nothing more).
 */
import { bundleFromJSON } from '@sigstore/bundle'
import { X509Certificate } from '@sigstore/core'
import type { TagPattern } from '../policy/index.js'
import { checkBundle, type KeylessPolicy } from './keyless.js'

/** gh attestation verify's default --predicate-type. */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1'
/** GitHub Actions' OIDC issuer, gh's default --cert-oidc-issuer. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com'

const OID_BUILD_SIGNER_URI = '1.3.6.1.4.1.57264.1.9'
const OID_SOURCE_REPOSITORY_URI = '1.3.6.1.4.1.57264.1.12'
const OID_SOURCE_REPOSITORY_DIGEST = '1.3.6.1.4.1.57264.1.13'
const OID_SOURCE_REPOSITORY_REF = '1.3.6.1.4.1.57264.1.14'

/** What an attestation must say, and who must have signed it. */
export interface AttestationPolicy {
  readonly predicateType: string
  /** source-repository, `owner/repo`. */
  readonly sourceRepository?: string
  /** source-ref, e.g. refs/heads/main. */
  readonly sourceRef?: string
  /** signer-workflow as given, `[host/]owner/repo/path/to/workflow.yml[@ref]`. */
  readonly signerWorkflow?: string
  /** The GitHub server the short forms expand on (GITHUB_SERVER_URL's host; github.com). */
  readonly host: string
  /** The signer (certificate-identity(-regexp) or gh's default), issuer and trust root. */
  readonly keyless: KeylessPolicy
}

export interface Claims {
  readonly predicateType: string
  readonly sourceRepository: string
  readonly sourceCommit: string
  readonly sourceRef: string
  readonly signerWorkflow: string
  readonly identity: string
  readonly issuer: string
}

export type AttestationVerdict =
  | ({ readonly kind: 'verified' } & Claims)
  /** Verified, but it attests something else or another source. */
  | ({ readonly kind: 'claims'; readonly wrong: readonly Mismatch[] } & Claims)
  | { readonly kind: 'identity'; readonly identity: string; readonly issuer: string }
  | { readonly kind: 'untrusted'; readonly why: string }
  | { readonly kind: 'other-digest' }
  | { readonly kind: 'malformed'; readonly why: string }

export interface Mismatch {
  readonly setting:
    'attestation-predicate-type' | 'source-repository' | 'source-ref' | 'signer-workflow'
  readonly wanted: string
  readonly found: string
}

/** The https URL of a repository or workflow given in gh's short form, on `host` unless it names one. */
export function githubUrl(host: string, path: string): string {
  // gh's hostRegex: a first segment with a dot is a host (github.example.com/acme/…).
  return /^[a-zA-Z0-9-]+\.[a-zA-Z0-9-]+[^/]*\//.test(path)
    ? `https://${path}`
    : `https://${host}/${path}`
}

/** gh's signerWorkflowSANPattern, without a regex: the URL, then at most `@refs/…` or `@<hex>`. */
export function matchesSignerWorkflow(wanted: string, found: string): boolean {
  const hasRef = /@(refs\/.*|[0-9a-fA-F]+)$/.test(wanted)
  if (found === wanted) return true
  if (hasRef || !found.startsWith(`${wanted}@`)) return false
  return /^(refs\/.*|[0-9a-fA-F]+)$/.test(found.slice(wanted.length + 1))
}

/** The identity gh accepts when none is given: the signer workflow, else the source repository. */
export function defaultIdentity(
  host: string,
  sourceRepository: string | undefined,
  signerWorkflow: string | undefined
): TagPattern | undefined {
  if (signerWorkflow !== undefined) {
    const url = githubUrl(host, signerWorkflow)
    return { source: `${url}[@ref]`, test: san => matchesSignerWorkflow(url, san) }
  }
  if (sourceRepository === undefined) return undefined
  // gh: expandToGitHubURLRegex, (?i)^https://host/owner/repo/
  const prefix = `${githubUrl(host, sourceRepository)}/`.toLowerCase()
  return { source: `${prefix}…`, test: san => san.toLowerCase().startsWith(prefix) }
}

export function checkAttestation(
  json: unknown,
  digest: string,
  policy: AttestationPolicy
): AttestationVerdict {
  const verdict = checkBundle(json, digest, policy.keyless)
  if (verdict.kind !== 'verified') return verdict
  // checkBundle parsed and verified it: the statement and certificate are read again, plainly.
  const bundle = bundleFromJSON(json)
  const claims: Claims = {
    predicateType: predicateTypeOf(bundle),
    ...certificateClaims(bundle),
    identity: verdict.identity,
    issuer: verdict.issuer
  }
  const wrong: Mismatch[] = []
  if (claims.predicateType !== policy.predicateType) {
    wrong.push({
      setting: 'attestation-predicate-type',
      wanted: policy.predicateType,
      found: claims.predicateType
    })
  }
  if (policy.sourceRepository !== undefined) {
    const wanted = githubUrl(policy.host, policy.sourceRepository)
    if (wanted.toLowerCase() !== claims.sourceRepository.toLowerCase()) {
      wrong.push({ setting: 'source-repository', wanted, found: claims.sourceRepository })
    }
  }
  if (policy.sourceRef !== undefined && policy.sourceRef !== claims.sourceRef) {
    wrong.push({ setting: 'source-ref', wanted: policy.sourceRef, found: claims.sourceRef })
  }
  if (policy.signerWorkflow !== undefined) {
    const wanted = githubUrl(policy.host, policy.signerWorkflow)
    if (!matchesSignerWorkflow(wanted, claims.signerWorkflow)) {
      wrong.push({ setting: 'signer-workflow', wanted, found: claims.signerWorkflow })
    }
  }
  return wrong.length === 0 ? { kind: 'verified', ...claims } : { kind: 'claims', wrong, ...claims }
}

function predicateTypeOf(bundle: ReturnType<typeof bundleFromJSON>): string {
  if (bundle.content.$case !== 'dsseEnvelope') return ''
  try {
    const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString('utf8')) as {
      predicateType?: unknown
    }
    return typeof statement.predicateType === 'string' ? statement.predicateType : ''
  } catch {
    return ''
  }
}

/**
 * The GitHub extensions of the leaf certificate. @sigstore/core's X509Certificate reads them;
 * Fulcio's extensions from .1.8 on hold a DER UTF8String inside extnValue, read as
 * @sigstore/verify's getSigner reads the issuer (key/index.js: valueObj.subs[0].value).
 */
function certificateClaims(bundle: ReturnType<typeof bundleFromJSON>) {
  const material = bundle.verificationMaterial.content
  const raw =
    material.$case === 'x509CertificateChain'
      ? material.x509CertificateChain.certificates[0]?.rawBytes
      : material.$case === 'certificate'
        ? material.certificate.rawBytes
        : undefined
  const cert = raw ? X509Certificate.parse(Buffer.from(raw)) : undefined
  const text = (oid: string): string =>
    cert?.extension(oid)?.valueObj.subs[0]?.value.toString('utf8') ?? ''
  return {
    sourceRepository: text(OID_SOURCE_REPOSITORY_URI),
    sourceCommit: text(OID_SOURCE_REPOSITORY_DIGEST),
    sourceRef: text(OID_SOURCE_REPOSITORY_REF),
    signerWorkflow: text(OID_BUILD_SIGNER_URI)
  }
}
