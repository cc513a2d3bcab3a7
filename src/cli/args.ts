/**
 * What the CLI's commands share: argument parsing, the resolve flags turned
 * into the plan's policy and registry settings (each checked before the
 * first request), and the ports of a terminal.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { PLAN_DEFAULTS, type PromotionPlan, type Ports } from '../engine/index.js'
import { CLI_NAMES, InputError } from '../errors.js'
import type { PinMode } from '../model.js'
import {
  checkConfigFile,
  checkHost,
  downgradePolicy,
  pinMode,
  verificationPolicies,
  tagPolicy,
  verifyRenderMode
} from '../options.js'
import type { ExplicitCredentials } from '../registry/index.js'
import type { CommandContext } from './context.js'

/** Flags every command that resolves images shares. */
export const COMMON_OPTIONS = {
  'insecure-registry': { type: 'string', multiple: true },
  'mutable-tags': { type: 'string' },
  'allow-tags': { type: 'string' },
  pin: { type: 'string' },
  'registry-username': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'signature-key': { type: 'string' },
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'trusted-root': { type: 'string' },
  'attestation-predicate-type': { type: 'string' },
  'source-repository': { type: 'string' },
  'source-ref': { type: 'string' },
  'signer-workflow': { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies NonNullable<ParseArgsConfig['options']>

/** The flags `edit` and `promote` add to them. */
export const EDIT_OPTIONS = {
  environment: { type: 'string' },
  target: { type: 'string', multiple: true },
  image: { type: 'string', multiple: true },
  digest: { type: 'string' },
  'config-file': { type: 'string' },
  'verify-render': { type: 'string' },
  'allow-downgrade': { type: 'string' },
  'from-environment': { type: 'string' },
  'dry-run': { type: 'boolean' }
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

interface ResolveFlags {
  pin?: string
  'mutable-tags'?: string
  'allow-tags'?: string
  'insecure-registry'?: string[]
  'registry-username'?: string
  'password-stdin'?: boolean
  'signature-key'?: string
  'certificate-identity'?: string
  'certificate-identity-regexp'?: string
  'certificate-oidc-issuer'?: string
  'trusted-root'?: string
  'attestation-predicate-type'?: string
  'source-repository'?: string
  'source-ref'?: string
  'signer-workflow'?: string
}

/** The plan's policy and registry settings from the resolve flags, and the pin. */
export async function resolveSettingsFrom(
  values: ResolveFlags,
  context: CommandContext
): Promise<
  Pick<PromotionPlan, 'policy' | 'registry' | 'signatures' | 'attestations'> & { pin: PinMode }
> {
  const insecureRegistries = (values['insecure-registry'] ?? []).map(host =>
    checkHost('--insecure-registry', host)
  )
  const policy = tagPolicy(
    { mutableTags: '--mutable-tags', allowTags: '--allow-tags' },
    values['mutable-tags'],
    values['allow-tags']
  )
  const pin = pinMode('--pin', values.pin)
  const { signatures, attestations } = verificationPolicies(
    {
      signatureKey: '--signature-key',
      certificateIdentity: '--certificate-identity',
      certificateIdentityRegexp: '--certificate-identity-regexp',
      certificateOidcIssuer: '--certificate-oidc-issuer',
      trustedRoot: '--trusted-root',
      attestationPredicateType: '--attestation-predicate-type',
      sourceRepository: '--source-repository',
      sourceRef: '--source-ref',
      signerWorkflow: '--signer-workflow'
    },
    {
      signatureKey: values['signature-key'],
      certificateIdentity: values['certificate-identity'],
      certificateIdentityRegexp: values['certificate-identity-regexp'],
      certificateOidcIssuer: values['certificate-oidc-issuer'],
      trustedRoot: values['trusted-root'],
      attestationPredicateType: values['attestation-predicate-type'],
      sourceRepository: values['source-repository'],
      sourceRef: values['source-ref'],
      signerWorkflow: values['signer-workflow']
    },
    context.env.GITHUB_SERVER_URL
  )
  const credentials = await credentialsFrom(values, context)
  return { policy, registry: { insecureRegistries, credentials }, pin, signatures, attestations }
}

interface EditFlags extends ResolveFlags {
  image?: string[]
  digest?: string
  environment?: string
  target?: string[]
  'config-file'?: string
  'verify-render'?: string
  'allow-downgrade'?: string
  'from-environment'?: string
  'dry-run'?: boolean
}

/**
 * The plan `edit` and `promote` share, from EDIT_OPTIONS and the resolve flags, every one
 * checked before the first request; each command adds its destination and its own flags.
 */
export async function editPlanFrom(
  values: EditFlags,
  context: CommandContext
): Promise<PromotionPlan> {
  const verifyRender = verifyRenderMode('--verify-render', values['verify-render'])
  const allowDowngrade = downgradePolicy('--allow-downgrade', values['allow-downgrade'])
  const configFile = checkConfigFile('--config-file', values['config-file'])
  const { pin, ...settings } = await resolveSettingsFrom(values, context)
  const references = values.image ?? []
  const source = values['from-environment']
  return {
    ...PLAN_DEFAULTS,
    ...settings,
    verifyRender,
    allowDowngrade,
    configFile,
    images: source
      ? { fromEnvironment: source, selections: references }
      : { build: { references, buildDigest: values.digest, pin } },
    environments: values.environment ? [values.environment] : [],
    targets: values.target ?? [],
    dryRun: values['dry-run'] ?? false
  }
}

/** A terminal's ports: logs to stderr, no groups, the token from the environment. */
export function terminalPorts(context: CommandContext): Ports {
  return {
    logger: context.logger,
    group: (_name, run) => run(),
    env: context.env,
    token: context.env.PROMOTE_IMAGE_TOKEN ?? context.env.GITHUB_TOKEN,
    tokenSource: 'GITHUB_TOKEN or PROMOTE_IMAGE_TOKEN',
    source: {},
    names: CLI_NAMES
  }
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
