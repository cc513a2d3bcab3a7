/**
 * The signature gate's settings — cosign's flag names, from the action's inputs, the CLI's
 * flags or an environment's `verify:` block in promotion.yaml — checked and turned into the
 * policy the gate applies. Files are read by the caller's reader: the shells read the working
 * directory, the engine the config repository at the base commit.
 */
import { InputError, inputLabel } from '../errors.js'
import { compileRe2, RE2_SYNTAX_URL } from '../policy/index.js'
import type { SignaturePolicy } from './gate.js'
import { parsePublicKey, type SignatureKey } from './key.js'
import type { TrustMaterial } from '@sigstore/verify'
import { parseTrustedRoot, type KeylessPolicy } from './keyless.js'

/** Reads the file `path` that the setting `label` names, expected to hold `what`. */
export type FileReader = (path: string, label: string, what: string) => string

/** signature-key's value is the key itself, not a path. */
export function isInlinePem(value: string): boolean {
  return value.includes('-----BEGIN')
}

/** The files the settings name, for a caller that must read them ahead (asynchronously). */
export function settingFiles(values: SignatureSettings): string[] {
  return [
    ...(values.signatureKey !== undefined && !isInlinePem(values.signatureKey)
      ? [values.signatureKey]
      : []),
    ...(values.trustedRoot !== undefined ? [values.trustedRoot] : [])
  ]
}

/** The signature gate's settings, each named as where they come from names it (input, flag, promotion.yaml key). */
export interface SignatureSettingNames {
  readonly signatureKey: string
  readonly certificateIdentity: string
  readonly certificateIdentityRegexp: string
  readonly certificateOidcIssuer: string
  readonly trustedRoot: string
}

/** The signature gate's settings as given (undefined: not given). */
export interface SignatureSettings {
  readonly signatureKey?: string
  readonly certificateIdentity?: string
  readonly certificateIdentityRegexp?: string
  readonly certificateOidcIssuer?: string
  readonly trustedRoot?: string
}

/**
 * The signature gate's settings, or undefined when none is given (the gate is off): a cosign
 * key (signature-key: inline PEM, or the path of a file holding it, as cosign's --key), or a
 * keyless signer (certificate-identity or -regexp, certificate-oidc-issuer and trusted-root, as
 * cosign verify requires them).
 */
export function signaturePolicyOf(
  names: SignatureSettingNames,
  values: SignatureSettings,
  /** Reads a file a setting names (throws, saying so, when it cannot). */
  read: FileReader,
  /** How a message names a setting: `Input x`, `--x`, or as given. */
  label: (name: string) => string = inputLabel
): SignaturePolicy | undefined {
  const keyless = [
    values.certificateIdentity,
    values.certificateIdentityRegexp,
    values.certificateOidcIssuer,
    values.trustedRoot
  ].some(v => v !== undefined)
  if (values.signatureKey !== undefined && keyless) {
    throw new InputError(
      `${label(names.signatureKey)} and the keyless options (${names.certificateIdentity}, ${names.certificateOidcIssuer}, ${names.trustedRoot}) were both given.`,
      {
        hint: 'Give one: the public key the images are signed with, or the identity that signs them keylessly.'
      }
    )
  }
  if (values.signatureKey !== undefined) {
    return { key: signatureKey(label(names.signatureKey), values.signatureKey, read) }
  }
  if (!keyless) return undefined
  return { keyless: keylessPolicy(names, values, read, label) }
}

function signatureKey(label: string, value: string, read: FileReader): SignatureKey {
  const inline = isInlinePem(value)
  const text = inline ? value : read(value, label, 'a PEM public key')
  try {
    return parsePublicKey(text)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    const what = inline ? label : `${label} ${JSON.stringify(value)}`
    throw new InputError(`${what} ${error.message}`, { hint: error.hint })
  }
}

function keylessPolicy(
  names: SignatureSettingNames,
  values: SignatureSettings,
  read: FileReader,
  labelOf: (name: string) => string
): KeylessPolicy {
  const identities = [values.certificateIdentity, values.certificateIdentityRegexp]
  if (identities.every(v => v === undefined) || identities.every(v => v !== undefined)) {
    throw new InputError(
      `Keyless verification needs exactly one of ${names.certificateIdentity} and ${names.certificateIdentityRegexp}.`,
      {
        hint: 'Name the signer as its certificate does, e.g. https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main, as cosign verify requires.'
      }
    )
  }
  if (values.certificateOidcIssuer === undefined) {
    throw new InputError(`Keyless verification needs ${names.certificateOidcIssuer}.`, {
      hint: 'The OIDC issuer of the signer, e.g. https://token.actions.githubusercontent.com for GitHub Actions, as cosign verify requires.'
    })
  }
  // Without trusted-root: Sigstore's public-good root through TUF, fetched when a bundle is read.
  const trustedRoot =
    values.trustedRoot === undefined
      ? undefined
      : readTrustedRoot(values.trustedRoot, names, read, labelOf)
  return {
    identity: values.certificateIdentity,
    identityRegexp:
      values.certificateIdentityRegexp === undefined
        ? undefined
        : compileRe2(values.certificateIdentityRegexp, names.certificateIdentityRegexp, {
            search: true,
            hint: `${names.certificateIdentityRegexp} is searched in the certificate's identity with RE2 (${RE2_SYNTAX_URL}), in linear time, as cosign's is with Go's regexp: anchor it with ^…$, e.g. ^https://github\\.com/acme/api/\\.github/workflows/release\\.yml@refs/tags/v.*$.`
          }),
    issuer: values.certificateOidcIssuer,
    trustedRoot
  }
}

function readTrustedRoot(
  path: string,
  names: SignatureSettingNames,
  read: FileReader,
  labelOf: (name: string) => string
): TrustMaterial {
  const label = labelOf(names.trustedRoot)
  const text = read(path, label, 'a Sigstore trusted root')
  try {
    return parseTrustedRoot(text)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    throw new InputError(`${label} ${JSON.stringify(path)} ${error.message}`, { hint: error.hint })
  }
}
