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

/**
 * How a shell names its settings in the messages shared code writes: the action by its inputs
 * (`allow-downgrade: true`), the CLI by its flags (`--allow-downgrade true`). Each shell passes
 * its own; shared code never guesses which one runs. Absent, the action's words apply.
 */
export interface OptionNames {
  /** A setting's name as the user writes it, from the action input's name: `pin` or `--pin`. */
  name(input: string): string
  /** A setting given a value, as the user writes it: `pin: digest` or `--pin digest`. */
  set(input: string, value: string): string
  /** Explicit registry credentials, as the subject of a sentence. */
  readonly credentials: string
  /** Explicit registry credentials, where a sentence names their source. */
  readonly credentialSource: string
  /** How to give explicit registry credentials: `set registry-username/registry-password`. */
  readonly setCredentials: string
  /** The usual way to log in to a registry, so that promote-image reads docker's config. */
  readonly login: string
  /** When and how to log in, after "log in": `before this step (docker/login-action)`. */
  readonly loginStep: string
}

export const ACTION_NAMES: OptionNames = {
  name: input => input,
  set: (input, value) => `${input}: ${value}`,
  credentials: 'Inputs registry-username/registry-password',
  credentialSource: 'the registry-username/registry-password inputs',
  setCredentials: 'set registry-username/registry-password',
  login: 'docker/login-action',
  loginStep: 'before this step (docker/login-action)'
}

/** Inputs whose flag is not `--` + the input's name. */
const CLI_FLAGS: Readonly<Record<string, string>> = {
  'insecure-registries': '--insecure-registry',
  'config-repository': '--config-repo',
  'config-path': '--dir'
}

export const CLI_NAMES: OptionNames = {
  name: input => (Object.hasOwn(CLI_FLAGS, input) ? CLI_FLAGS[input]! : `--${input}`),
  set: (input, value) => `${CLI_NAMES.name(input)} ${value}`,
  credentials: '--registry-username and its password',
  credentialSource: '--registry-username and its password',
  setCredentials:
    'pass --registry-username (password on --password-stdin or in PROMOTE_IMAGE_REGISTRY_PASSWORD)',
  login: 'docker login',
  loginStep: 'with docker login'
}

/** The image reference is not a valid reference. */
export class InvalidReferenceError extends PromoteError {}

/** The reference is valid but refused by policy (mutable tag, digest mismatch…). */
export class PolicyError extends PromoteError {}

/** The signature gate refused an image: no signature, a foreign one, or one for another digest. */
export class SignatureError extends PromoteError {}

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
