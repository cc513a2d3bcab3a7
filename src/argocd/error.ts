import { PromoteError } from '../errors.js'

/** Argo CD does not confirm the promotion: it runs something else, fails, or cannot be asked. */
export class VerifyError extends PromoteError {}
