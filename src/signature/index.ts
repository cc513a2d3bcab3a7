export { parsePublicKey, type SignatureKey } from './key.js'
export { SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, signatureTag } from './cosign.js'
export {
  verifyImageSignature,
  type ArtifactSource,
  type GatedImage,
  type SignaturePolicy
} from './gate.js'
export { BUNDLE_ARTIFACT_TYPE, parseTrustedRoot, type KeylessPolicy } from './keyless.js'
export {
  isInlinePem,
  settingFiles,
  signaturePolicyOf,
  type FileReader,
  type SignatureSettingNames,
  type SignatureSettings
} from './settings.js'
export {
  ATTESTATION_SETTINGS,
  attestationRequested,
  verificationPoliciesOf,
  type AttestationSettingNames,
  type AttestationSettings,
  type VerificationPolicies
} from './attestation-settings.js'
export {
  verifyImageAttestation,
  type AttestationReader,
  type AttestationScope
} from './attestations.js'
export { SLSA_PROVENANCE_V1, type AttestationPolicy } from './provenance.js'
