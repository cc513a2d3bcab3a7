/**
 * The attestation gate's settings — named as `gh attestation verify` names them
 * (attestation-predicate-type, source-repository, source-ref, signer-workflow) beside cosign's
 * certificate-identity(-regexp), certificate-oidc-issuer and trusted-root — checked and turned
 * into the policy the gate applies.
 *
 * When an attestation is required: whenever one of the four attestation settings is given (in
 * the shell's options or in an environment's `verify:` block), so a prod environment requires
 * provenance from the release workflow with `signer-workflow:` alone while dev, without a block,
 * accepts anything. The identity settings then apply to the attestation's certificate; without
 * them the signer is gh's default: the signer workflow, else any workflow of the source
 * repository, issued by GitHub Actions' OIDC issuer.
 */
import { InputError, inputLabel } from '../errors.js'
import { compileRe2, RE2_SYNTAX_URL } from '../policy/index.js'
import type { SignaturePolicy } from './gate.js'
import { parseTrustedRoot } from './keyless.js'
import {
  defaultIdentity,
  GITHUB_ACTIONS_ISSUER,
  SLSA_PROVENANCE_V1,
  type AttestationPolicy
} from './provenance.js'
import {
  signaturePolicyOf,
  type FileReader,
  type SignatureSettingNames,
  type SignatureSettings
} from './settings.js'

export interface AttestationSettingNames extends SignatureSettingNames {
  readonly attestationPredicateType: string
  readonly sourceRepository: string
  readonly sourceRef: string
  readonly signerWorkflow: string
}

export interface AttestationSettings extends SignatureSettings {
  readonly attestationPredicateType?: string
  readonly sourceRepository?: string
  readonly sourceRef?: string
  readonly signerWorkflow?: string
}

/** The settings' names as the action's inputs and promotion.yaml's `verify:` keys spell them. */
export const ATTESTATION_SETTINGS = [
  'attestation-predicate-type',
  'source-repository',
  'source-ref',
  'signer-workflow'
] as const

/** Whether the settings ask for an attestation. */
export function attestationRequested(values: AttestationSettings): boolean {
  return [
    values.attestationPredicateType,
    values.sourceRepository,
    values.sourceRef,
    values.signerWorkflow
  ].some(v => v !== undefined)
}

/** Both gates' policies from one set of settings; each undefined when off. */
export interface VerificationPolicies {
  readonly signatures?: SignaturePolicy
  readonly attestations?: AttestationPolicy
}

/**
 * The signature and attestation policies. With attestation settings, the keyless settings
 * describe the attestation's signer (an attestation is a keyless bundle itself), and
 * signature-key, when given too, still requires a cosign key signature.
 */
export function verificationPoliciesOf(
  names: AttestationSettingNames,
  values: AttestationSettings,
  read: FileReader,
  label: (name: string) => string = inputLabel,
  /** GITHUB_SERVER_URL: the host short repository and workflow names expand on. */
  serverUrl = 'https://github.com'
): VerificationPolicies {
  if (!attestationRequested(values)) {
    return { signatures: signaturePolicyOf(names, values, read, label) }
  }
  const signatures =
    values.signatureKey === undefined
      ? undefined
      : signaturePolicyOf(names, { signatureKey: values.signatureKey }, read, label)
  return { signatures, attestations: attestationPolicy(names, values, read, label, serverUrl) }
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/
// gh's format: [host/]owner/repo/path/to/workflow.yml, optionally @ref.
const WORKFLOW =
  /^(?:[A-Za-z0-9-]+\.[A-Za-z0-9.-]+(?::\d+)?\/)?[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[^@\s]+\.ya?ml(?:@\S+)?$/

function attestationPolicy(
  names: AttestationSettingNames,
  values: AttestationSettings,
  read: FileReader,
  labelOf: (name: string) => string,
  serverUrl: string
): AttestationPolicy {
  const host = hostOf(serverUrl)
  const predicateType = values.attestationPredicateType ?? SLSA_PROVENANCE_V1
  if (!/^\S+$/.test(predicateType)) {
    throw new InputError(
      `${labelOf(names.attestationPredicateType)} ${JSON.stringify(predicateType)} is not a predicate type.`,
      {
        hint: `Name the in-toto predicate type the attestation must have, e.g. ${SLSA_PROVENANCE_V1} (the default, what actions/attest-build-provenance writes).`
      }
    )
  }
  const sourceRepository = values.sourceRepository
  if (sourceRepository !== undefined && !REPOSITORY.test(sourceRepository)) {
    throw new InputError(
      `${labelOf(names.sourceRepository)} ${JSON.stringify(sourceRepository)} is not owner/repo.`,
      {
        hint: 'Name the repository the image is built from as owner/repo, e.g. acme/api, as gh attestation verify --repo takes it.'
      }
    )
  }
  if (values.sourceRef !== undefined && !/^refs\/\S+$/.test(values.sourceRef)) {
    throw new InputError(
      `${labelOf(names.sourceRef)} ${JSON.stringify(values.sourceRef)} is not a full git ref.`,
      {
        hint: "Write the ref as the certificate's Source Repository Ref holds it, e.g. refs/heads/main or refs/tags/v1.2.3."
      }
    )
  }
  const signerWorkflow = values.signerWorkflow?.replace(/^https:\/\//, '')
  if (signerWorkflow !== undefined && !WORKFLOW.test(signerWorkflow)) {
    throw new InputError(
      `${labelOf(names.signerWorkflow)} ${JSON.stringify(values.signerWorkflow)} is not a workflow.`,
      {
        hint: 'Name the workflow that signs as gh attestation verify --signer-workflow does: [host/]owner/repo/.github/workflows/release.yml, optionally @refs/heads/main.'
      }
    )
  }
  if (values.certificateIdentity !== undefined && values.certificateIdentityRegexp !== undefined) {
    throw new InputError(
      `${labelOf(names.certificateIdentity)} and ${names.certificateIdentityRegexp} were both given.`,
      { hint: 'Give one: the exact identity, or an RE2 pattern searched in it.' }
    )
  }
  const identityRegexp =
    values.certificateIdentityRegexp !== undefined
      ? compileRe2(values.certificateIdentityRegexp, names.certificateIdentityRegexp, {
          search: true,
          hint: `${names.certificateIdentityRegexp} is searched in the certificate's identity with RE2 (${RE2_SYNTAX_URL}), in linear time: anchor it with ^…$.`
        })
      : values.certificateIdentity === undefined
        ? defaultIdentity(host, sourceRepository, signerWorkflow)
        : undefined
  if (values.certificateIdentity === undefined && identityRegexp === undefined) {
    throw new InputError(
      `An attestation by anyone proves nothing: ${labelOf(names.attestationPredicateType)} or ${names.sourceRef} needs ${names.sourceRepository}, ${names.signerWorkflow} or ${names.certificateIdentity}.`,
      {
        hint: 'Name where the build must come from, e.g. source-repository acme/api, or the workflow that signs, e.g. signer-workflow acme/api/.github/workflows/release.yml.'
      }
    )
  }
  // Without trusted-root: Sigstore's public-good root through TUF (trust.ts), which public
  // repositories' attestations are signed under.
  let trustedRoot
  if (values.trustedRoot !== undefined) {
    const label = labelOf(names.trustedRoot)
    const text = read(values.trustedRoot, label, 'a Sigstore trusted root')
    try {
      trustedRoot = parseTrustedRoot(text)
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      throw new InputError(`${label} ${JSON.stringify(values.trustedRoot)} ${error.message}`, {
        hint: error.hint
      })
    }
  }
  return {
    predicateType,
    sourceRepository,
    sourceRef: values.sourceRef,
    signerWorkflow,
    host,
    keyless: {
      identity: values.certificateIdentity,
      identityRegexp,
      issuer: values.certificateOidcIssuer ?? GITHUB_ACTIONS_ISSUER,
      trustedRoot
    }
  }
}

function hostOf(serverUrl: string): string {
  try {
    return new URL(serverUrl).host
  } catch {
    return 'github.com'
  }
}
