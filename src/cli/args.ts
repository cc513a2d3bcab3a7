import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CLI_NAMES, InputError } from '../errors.js'
import type { PinMode } from '../engine/resolve.js'
import {
  checkMutableTagPattern,
  compileAllowTags,
  DEFAULT_MUTABLE_TAGS,
  type DowngradePolicy,
  type TagPolicy
} from '../policy/index.js'
import { resolveImages, type ResolvedImage } from '../engine/resolve.js'
import { checkHost, list } from '../inputs.js'
import { createResolver, type DigestResolver, type ExplicitCredentials } from '../registry/index.js'
import type { CommandContext } from './context.js'

/** Flags every command that resolves images shares. */
export const COMMON_OPTIONS = {
  'insecure-registry': { type: 'string', multiple: true },
  'mutable-tags': { type: 'string' },
  'allow-tags': { type: 'string' },
  pin: { type: 'string' },
  'registry-username': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies NonNullable<ParseArgsConfig['options']>

/** node:util parseArgs, with its errors turned into usage errors. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: O
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new InputError(`${command}: ${(error as Error).message}`, {
      hint: `Run promote-image ${command} --help for the flags it takes.`
    })
  }
}

export function tagPolicyFrom(values: {
  'mutable-tags'?: string
  'allow-tags'?: string
}): TagPolicy {
  const patterns = list(values['mutable-tags']).map(p =>
    checkMutableTagPattern(p, '--mutable-tags')
  )
  return {
    mutableTags: patterns.length > 0 ? patterns : DEFAULT_MUTABLE_TAGS,
    allowTags:
      values['allow-tags'] === undefined
        ? undefined
        : compileAllowTags(values['allow-tags'], '--allow-tags')
  }
}

export function pinFrom(value: string | undefined): PinMode {
  if (value === undefined || value === 'digest' || value === 'tag') return value ?? 'digest'
  throw new InputError(`--pin must be digest or tag; got ${JSON.stringify(value)}.`, {
    hint: 'digest writes name:tag@sha256:…; tag writes the verified name:tag only.'
  })
}

/** The --insecure-registry hosts, checked as the action checks insecure-registries. */
export function insecureRegistriesFrom(values: { 'insecure-registry'?: string[] }): string[] {
  return (values['insecure-registry'] ?? []).map(host => checkHost('--insecure-registry', host))
}

/**
 * Validates the flags every resolving command shares (usage errors, exit 2),
 * so that a command can refuse a bad flag before any network request.
 */
export function checkResolveFlags(values: {
  pin?: string
  'mutable-tags'?: string
  'allow-tags'?: string
  'insecure-registry'?: string[]
}): void {
  insecureRegistriesFrom(values)
  tagPolicyFrom(values)
  pinFrom(values.pin)
}

/** The resolver the shared flags describe. */
export function resolverFromFlags(
  values: { 'insecure-registry'?: string[] },
  context: CommandContext,
  credentials?: ExplicitCredentials
): DigestResolver {
  return createResolver({
    logger: context.logger,
    insecureRegistries: insecureRegistriesFrom(values),
    credentials,
    env: context.env,
    names: CLI_NAMES
  })
}

/** Resolves images with the flags every resolving command shares. */
export function resolveFromFlags(
  images: readonly string[],
  values: {
    digest?: string
    pin?: string
    'mutable-tags'?: string
    'allow-tags'?: string
    'insecure-registry'?: string[]
  },
  context: CommandContext,
  extra: { credentials?: ExplicitCredentials; requireImmutableRepository?: boolean } = {}
): Promise<ResolvedImage[]> {
  return resolveImages(
    {
      images,
      buildDigest: values.digest,
      policy: tagPolicyFrom(values),
      pin: pinFrom(values.pin),
      explicitCredentials: extra.credentials !== undefined,
      requireImmutableRepository: extra.requireImmutableRepository,
      names: CLI_NAMES
    },
    resolverFromFlags(values, context, extra.credentials),
    context.logger
  )
}

export function downgradeFrom(value: string | undefined): DowngradePolicy {
  if (value === undefined || value === 'warn' || value === 'true' || value === 'false')
    return value ?? 'warn'
  throw new InputError(
    `--allow-downgrade must be warn, true or false; got ${JSON.stringify(value)}.`
  )
}

/** Passwords never come from argv, where `ps` and shell history would show them. */
export async function credentialsFrom(
  values: { 'registry-username'?: string; 'password-stdin'?: boolean },
  context: CommandContext
): Promise<ExplicitCredentials | undefined> {
  const username = values['registry-username']
  if (username === undefined) {
    if (values['password-stdin']) {
      throw new InputError('--password-stdin needs --registry-username.')
    }
    return undefined
  }
  const password = values['password-stdin']
    ? (await context.readStdin()).replace(/\r?\n$/, '')
    : context.env.PROMOTE_IMAGE_REGISTRY_PASSWORD
  if (!password) {
    throw new InputError('--registry-username needs a password.', {
      hint: 'Pipe it with --password-stdin, or set PROMOTE_IMAGE_REGISTRY_PASSWORD.'
    })
  }
  return { username, password }
}
