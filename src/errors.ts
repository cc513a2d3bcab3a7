/**
 * Every failure a user can act on is a PromoteError: a message that says what
 * is wrong and a hint that says what to do. The shells print both and exit
 * non-zero; anything else is a bug and is reported with its stack.
 */
export class PromoteError extends Error {
  readonly hint?: string
  /** Where the user should look: an input name, a file:line, a registry. */
  readonly subject?: string

  constructor(message: string, options: { hint?: string; subject?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.hint = options.hint
    this.subject = options.subject
  }

  /** The message followed by the hint, as shown to users. */
  describe(): string {
    return this.hint ? `${this.message}\n  → ${this.hint}` : this.message
  }
}

/** An input (action input, CLI flag or argument) is malformed. */
export class InputError extends PromoteError {}

/** `Input name` for an action input, the flag itself (`--name`) for the CLI. */
export function inputLabel(name: string): string {
  return name.startsWith('--') ? name : `Input ${name}`
}

/** The image reference is not a valid reference. */
export class InvalidReferenceError extends PromoteError {}

/** The reference is valid but refused by policy (mutable tag, digest mismatch…). */
export class PolicyError extends PromoteError {}

/** The registry refused, failed, or does not have the image. */
export class RegistryError extends PromoteError {}

/** promotion.yaml or a target spec is invalid; `subject` is file:line. */
export class ConfigError extends PromoteError {}

/** A config-repo file cannot be edited safely; nothing is written. */
export class EditError extends PromoteError {}

/** Rendering failed, or shows that Argo CD would see no change. */
export class RenderError extends PromoteError {}

export function describeError(error: unknown): string {
  if (error instanceof PromoteError) return error.describe()
  if (error instanceof Error) return error.stack ?? error.message
  return String(error)
}
