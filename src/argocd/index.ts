// The door to argocd/: only what other folders use, and the types of verifyDeployment.
export {
  DEFAULT_POLL_SECONDS,
  DEFINITE_AFTER_POLLS,
  verifyDeployment,
  type VerifyOptions,
  type VerifyRequest,
  type VerifyResult
} from './verify.js'
export { VerifyError } from './error.js'
export { imageMatches, wantedImage } from './images.js'
export type { RetryPolicy } from './api.js'
