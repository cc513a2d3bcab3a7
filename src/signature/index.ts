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
