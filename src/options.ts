/**
 * Validators both shells share: the action's inputs and the CLI's flags are
 * checked by the same rules, and each message names the option the way its
 * shell does (`Input pin`, `--pin`: see inputLabel).
 */
import { readFileSync } from 'node:fs'
import { InputError, inputLabel } from './errors.js'
import {
  MERGE_METHODS,
  PROMOTION_MODES,
  type DowngradePolicy,
  type MergeMethod,
  type PinMode,
  type PromotionMode,
  type VerifyRenderMode
} from './model.js'
import {
  checkMutableTagPattern,
  compileAllowTags,
  DEFAULT_MUTABLE_TAGS,
  type TagPolicy
} from './policy/index.js'
import { relativePathProblem } from './repo/index.js'
import {
  verificationPoliciesOf,
  type AttestationSettingNames,
  type AttestationSettings,
  type VerificationPolicies
} from './signature/index.js'

/** How long `verify` waits for Argo CD by default. */
export const DEFAULT_VERIFY_TIMEOUT_SECONDS = 600

/** Only ASCII whitespace, as actions/checkout does for refs (a security fix). */
export function trimAscii(value: string): string {
  return value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
}

/** Newline- or comma-separated, blanks dropped. */
export function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\n,]/)
    .map(trimAscii)
    .filter(item => item !== '')
}

/** Newline-separated only: target specs may contain commas. */
export function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split('\n')
    .map(trimAscii)
    .filter(item => item !== '')
}

/** One of a fixed set of words; undefined when not given. */
export function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  hint?: string
): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value))
    return value as T | undefined
  throw new InputError(
    `${inputLabel(name)} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}.`,
    { hint }
  )
}

export const pinMode = (name: string, value: string | undefined): PinMode =>
  oneOf(
    name,
    value,
    ['digest', 'tag'] as const,
    'digest writes name:tag@sha256:…; tag writes the verified name:tag only.'
  ) ?? 'digest'

export const verifyRenderMode = (name: string, value: string | undefined): VerifyRenderMode =>
  oneOf(name, value?.toLowerCase(), ['auto', 'true', 'false'] as const) ?? 'auto'

export const downgradePolicy = (name: string, value: string | undefined): DowngradePolicy =>
  oneOf(name, value?.toLowerCase(), ['warn', 'true', 'false'] as const) ?? 'warn'

export const promotionMode = (name: string, value: string | undefined): PromotionMode | undefined =>
  oneOf(name, value, PROMOTION_MODES)

export const mergeMethod = (name: string, value: string | undefined): MergeMethod | undefined =>
  oneOf(name, value, MERGE_METHODS)

/** mutable-tags (patterns, default DEFAULT_MUTABLE_TAGS) and allow-tags (one linear-time regex). */
export function tagPolicy(
  names: { mutableTags: string; allowTags: string },
  mutableTags: string | undefined,
  allowTags: string | undefined
): TagPolicy {
  const patterns = list(mutableTags).map(p => checkMutableTagPattern(p, names.mutableTags))
  return {
    mutableTags: patterns.length > 0 ? patterns : DEFAULT_MUTABLE_TAGS,
    allowTags: allowTags === undefined ? undefined : compileAllowTags(allowTags, names.allowTags)
  }
}

const TRUE = new Set(['true', 'True', 'TRUE'])
const FALSE = new Set(['false', 'False', 'FALSE'])

/** YAML 1.2 core-schema booleans, as core.getBooleanInput, with a better message. */
export function bool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (TRUE.has(value)) return true
  if (FALSE.has(value)) return false
  throw new InputError(`${inputLabel(name)} must be true or false; got ${JSON.stringify(value)}.`)
}

export function seconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d{1,6}$/.test(value) || Number(value) === 0) {
    throw new InputError(
      `${inputLabel(name)} must be a whole number of seconds above 0; got ${JSON.stringify(value)}.`
    )
  }
  return Number(value)
}

export function checkEnvironmentName(name: string, value: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value)) {
    throw new InputError(
      `${inputLabel(name)} has an invalid environment name ${JSON.stringify(value)}.`,
      {
        hint: 'Environment names are letters, digits, ".", "_" and "-", as in promotion.yaml.'
      }
    )
  }
}

/**
 * A registry host (`host`, `host:port`, `[v6]:port`), no scheme or path; the
 * action's insecure-registries and the CLI's --insecure-registry.
 */
export function checkHost(name: string, value: string): string {
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/.test(value)) {
    throw new InputError(`${inputLabel(name)} has an invalid host ${JSON.stringify(value)}.`, {
      hint: 'List registry hosts as host or host:port, without a scheme, e.g. registry.internal:5000.'
    })
  }
  return value
}

/**
 * The promotion config's path inside the config repository (default
 * promotion.yaml), refused from its text alone when it cannot name a file
 * there: before any registry request or clone.
 */
export function checkConfigFile(name: string, value: string | undefined): string {
  if (value === undefined) return 'promotion.yaml'
  const problem = relativePathProblem(value)
  if (problem !== undefined) {
    throw new InputError(`${inputLabel(name)} ${JSON.stringify(value)} ${problem}.`, {
      hint: 'Name promotion.yaml by its path inside the config repository, with "/", e.g. promotion.yaml or deploy/promotion.yaml.'
    })
  }
  return value
}

/** Runs a check whose error does not name the option, and names it. */
export function named(name: string, check: () => void): void {
  try {
    check()
  } catch (error) {
    throw new InputError(`${inputLabel(name)}: ${(error as Error).message}`, {
      hint: (error as InputError).hint
    })
  }
}

/** A key or trusted-root file larger than this is something else. */
const MAX_OPTION_FILE_BYTES = 1024 * 1024

/**
 * The signature and attestation gates' settings from the shell's options, each policy
 * undefined when its settings are not given: files (signature-key unless inline PEM,
 * trusted-root) are read from the working directory; short repository and workflow names expand
 * on `serverUrl` (GITHUB_SERVER_URL, else github.com).
 */
export function verificationPolicies(
  names: AttestationSettingNames,
  values: AttestationSettings,
  serverUrl?: string
): VerificationPolicies {
  return verificationPoliciesOf(
    names,
    values,
    (path, label, what) => readOptionFile(label, path, what),
    undefined,
    serverUrl
  )
}

function readOptionFile(label: string, path: string, what: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : `it cannot be read (${code ?? (error as Error).message})`
    throw new InputError(
      `${label} ${JSON.stringify(path)} is not ${what}, and as a file path ${why}.`,
      {
        hint: 'Pass the path of the file (relative to the working directory), or for a key the PEM text starting with -----BEGIN PUBLIC KEY-----.'
      }
    )
  }
  if (bytes.length > MAX_OPTION_FILE_BYTES) {
    throw new InputError(
      `${label} ${JSON.stringify(path)} is ${bytes.length} bytes: too large for ${what}.`,
      {
        hint: 'Pass the file itself (cosign.pub, trusted_root.json), not an archive or a directory of them.'
      }
    )
  }
  return bytes.toString('utf8')
}
