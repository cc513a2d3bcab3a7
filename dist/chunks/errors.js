/**
 * Every failure a user can act on is a PromoteError: a message that says what
 * is wrong and a hint that says what to do. The shells print both and exit
 * non-zero; anything else is a bug and is reported with its stack.
 */
class PromoteError extends Error {
    hint;
    /** Where the user should look: an input name, a file:line, a registry. */
    subject;
    constructor(message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = new.target.name;
        this.hint = options.hint;
        this.subject = options.subject;
    }
    /** The message followed by the hint, as shown to users. */
    describe() {
        return this.hint ? `${this.message}\n  → ${this.hint}` : this.message;
    }
}
/** An input (action input, CLI flag or argument) is malformed. */
class InputError extends PromoteError {
}
/** `Input name` for an action input, the flag itself (`--name`) for the CLI. */
function inputLabel(name) {
    return name.startsWith('--') ? name : `Input ${name}`;
}
const ACTION_NAMES = {
    name: input => input,
    set: (input, value) => `${input}: ${value}`,
    credentials: 'Inputs registry-username/registry-password',
    credentialSource: 'the registry-username/registry-password inputs',
    setCredentials: 'set registry-username/registry-password',
    login: 'docker/login-action',
    loginStep: 'before this step (docker/login-action)'
};
/** Inputs whose flag is not `--` + the input's name. */
const CLI_FLAGS = {
    'insecure-registries': '--insecure-registry',
    'config-repository': '--config-repo',
    'config-path': '--dir'
};
const CLI_NAMES = {
    name: input => (Object.hasOwn(CLI_FLAGS, input) ? CLI_FLAGS[input] : `--${input}`),
    set: (input, value) => `${CLI_NAMES.name(input)} ${value}`,
    credentials: '--registry-username and its password',
    credentialSource: '--registry-username and its password',
    setCredentials: 'pass --registry-username (password on --password-stdin or in PROMOTE_IMAGE_REGISTRY_PASSWORD)',
    login: 'docker login',
    loginStep: 'with docker login'
};
/** The image reference is not a valid reference. */
class InvalidReferenceError extends PromoteError {
}
/** The reference is valid but refused by policy (mutable tag, digest mismatch…). */
class PolicyError extends PromoteError {
}
/** The signature gate refused an image: no signature, a foreign one, or one for another digest. */
class SignatureError extends PromoteError {
}
/** The registry refused, failed, or does not have the image. */
class RegistryError extends PromoteError {
}
/** promotion.yaml or a target spec is invalid; `subject` is file:line. */
class ConfigError extends PromoteError {
}
/** A config-repo file cannot be edited safely; nothing is written. */
class EditError extends PromoteError {
}
/** Rendering failed, or shows that Argo CD would see no change. */
class RenderError extends PromoteError {
}
function describeError(error) {
    if (error instanceof PromoteError)
        return error.describe();
    if (error instanceof Error)
        return error.stack ?? error.message;
    return String(error);
}

export { ACTION_NAMES as A, CLI_NAMES as C, EditError as E, InputError as I, PromoteError as P, RegistryError as R, SignatureError as S, RenderError as a, PolicyError as b, ConfigError as c, describeError as d, InvalidReferenceError as e, inputLabel as i };
//# sourceMappingURL=errors.js.map
