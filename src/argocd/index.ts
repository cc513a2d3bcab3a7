export {
  DEFAULT_POLL_SECONDS,
  DEFINITE_AFTER_POLLS,
  verifyDeployment,
  type VerifyOptions,
  type VerifyRequest,
  type VerifyResult
} from './verify.js'
export { VerifyError } from './error.js'
export { imageMatches, isRevision, wantedImage, type WantedImage } from './assess.js'
export type { RetryPolicy } from './api.js'
