import { relativePathProblem } from '../repo/index.js'
import { InputError, inputLabel } from '../errors.js'
import { checkCommitMessageTemplate } from '../report/message-template.js'
import type {
  DowngradePolicy,
  MergeMethod,
  PinMode,
  PromotionMode,
  VerifyRenderMode,
  WriteMethod
} from '../model.js'
import {
  checkMutableTagPattern,
  compileAllowTags,
  DEFAULT_MUTABLE_TAGS,
  type TagPolicy
} from '../policy/index.js'
import { assertDigest } from '../reference/index.js'
import type { ExplicitCredentials } from '../registry/index.js'

/** Every action input, parsed once and validated (DESIGN.md, "Action inputs"). */
export interface Inputs {
  readonly images: readonly string[]
  readonly digest?: string
  readonly environments: readonly string[]
  readonly targets: readonly string[]
  readonly configRepository?: string
  readonly configFile: string
  readonly baseBranch?: string
  readonly mode?: PromotionMode
  readonly writeMethod: WriteMethod
  readonly configPath?: string
  readonly insecureRegistries: readonly string[]
  readonly pin: PinMode
  readonly tagPolicy: TagPolicy
  readonly requireImmutableRepository: boolean
  readonly registryCredentials?: ExplicitCredentials
  readonly token: string
  readonly branch: string
  readonly commitMessage?: string
  readonly prTitle?: string
  readonly labels: readonly string[]
  readonly reviewers: readonly string[]
  readonly teamReviewers: readonly string[]
  readonly assignees: readonly string[]
  readonly draft: boolean
  readonly autoMerge?: MergeMethod
  readonly verifyRender: VerifyRenderMode
  readonly dryRun: boolean
  readonly fromEnvironment?: string
  readonly allowDowngrade: DowngradePolicy
  readonly verify: boolean
  readonly argocdServer?: string
  readonly argocdToken?: string
  readonly argocdApplication?: string
  readonly verifyTimeoutSeconds: number
}

export const DEFAULT_BRANCH_TEMPLATE = 'promote/{environment}/{name}'
export const DEFAULT_VERIFY_TIMEOUT_SECONDS = 600

/** Reads one raw input; '' when unset (as @actions/core's getInput). */
export type InputReader = (name: string) => string

/**
 * Parses the inputs. `read` is core.getInput in the action and a map in
 * tests, so validation is tested without the runner.
 */
export function parseInputs(read: InputReader): Inputs {
  const get = (name: string): string | undefined => {
    const value = trimAscii(read(name))
    return value === '' ? undefined : value
  }

  const images = list(get('image'))
  if (images.length === 0 && get('from-environment') === undefined) {
    throw new InputError('Input image is required.', {
      hint: 'Pass the reference CI pushed, e.g. image: ghcr.io/acme/api:${{ github.sha }}.'
    })
  }
  const digest = get('digest')
  if (digest !== undefined) wrap('digest', () => assertDigest(digest))

  const environments = list(get('environment'))
  for (const env of environments) checkName('environment', env)
  const fromEnvironment = get('from-environment')
  if (fromEnvironment !== undefined) {
    checkName('from-environment', fromEnvironment)
    if (environments.length === 0) {
      throw new InputError(
        'Input from-environment needs environment: the environment to promote into.',
        {
          hint: 'Example: environment: prod, from-environment: staging, image: ghcr.io/acme/api'
        }
      )
    }
  }

  const configRepository = get('config-repository')
  if (
    configRepository !== undefined &&
    !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(configRepository)
  ) {
    throw new InputError(
      `Input config-repository must be owner/name, got ${JSON.stringify(configRepository)}.`,
      {
        hint: 'Write it as on GitHub, e.g. acme/gitops-config (no URL, no .git).'
      }
    )
  }

  const writeMethod = oneOf(
    'write-method',
    get('write-method'),
    ['api', 'git', 'none'] as const,
    'api'
  )
  const configPath = get('config-path')
  if (writeMethod === 'none' && configPath === undefined) {
    throw new InputError('Input config-path is required with write-method: none.', {
      hint: 'Check out the config repository with actions/checkout (path: config) and pass config-path: config.'
    })
  }

  const username = get('registry-username')
  const password = read('registry-password') // passwords keep their spaces
  if ((username === undefined) !== (password === '')) {
    throw new InputError('Inputs registry-username and registry-password must be given together.', {
      hint: 'Set both, or neither to use the docker config written by docker/login-action.'
    })
  }

  const mutableTags = list(get('mutable-tags')).map(p => checkMutableTagPattern(p))
  const allowTagsSource = get('allow-tags')

  return {
    images,
    digest,
    environments,
    targets: lines(get('targets')),
    configRepository,
    configFile: checkConfigFile('config-file', get('config-file')),
    baseBranch: get('base-branch'),
    mode:
      get('mode') === undefined
        ? undefined
        : oneOf('mode', get('mode'), ['pull-request', 'push'] as const, 'pull-request'),
    writeMethod,
    configPath,
    insecureRegistries: list(get('insecure-registries')).map(h =>
      checkHost('insecure-registries', h)
    ),
    pin: oneOf('pin', get('pin'), ['digest', 'tag'] as const, 'digest'),
    tagPolicy: {
      mutableTags: mutableTags.length > 0 ? mutableTags : DEFAULT_MUTABLE_TAGS,
      allowTags: allowTagsSource === undefined ? undefined : compileAllowTags(allowTagsSource)
    },
    requireImmutableRepository: bool(
      'require-immutable-repository',
      get('require-immutable-repository'),
      false
    ),
    registryCredentials: username === undefined ? undefined : { username, password },
    token: read('token'),
    branch: get('branch') ?? DEFAULT_BRANCH_TEMPLATE,
    commitMessage: checkCommitMessageTemplate('commit-message', get('commit-message')),
    prTitle: get('pr-title'),
    labels: list(get('labels')),
    reviewers: list(get('reviewers')),
    teamReviewers: list(get('team-reviewers')),
    assignees: list(get('assignees')),
    draft: bool('draft', get('draft'), false),
    autoMerge:
      get('auto-merge') === undefined
        ? undefined
        : oneOf('auto-merge', get('auto-merge'), ['merge', 'squash', 'rebase'] as const, 'merge'),
    verifyRender: oneOf(
      'verify-render',
      get('verify-render')?.toLowerCase(),
      ['auto', 'true', 'false'] as const,
      'auto'
    ),
    dryRun: bool('dry-run', get('dry-run'), false),
    fromEnvironment,
    allowDowngrade: oneOf(
      'allow-downgrade',
      get('allow-downgrade')?.toLowerCase(),
      ['warn', 'true', 'false'] as const,
      'warn'
    ),
    verify: bool('verify', get('verify'), false),
    argocdServer: get('argocd-server'),
    argocdToken: get('argocd-token'),
    argocdApplication: get('argocd-application'),
    verifyTimeoutSeconds: seconds(
      'verify-timeout',
      get('verify-timeout'),
      DEFAULT_VERIFY_TIMEOUT_SECONDS
    )
  }
}

/** Only ASCII whitespace, as actions/checkout does for refs (a security fix). */
function trimAscii(value: string): string {
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
function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split('\n')
    .map(trimAscii)
    .filter(item => item !== '')
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T
): T {
  if (value === undefined) return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(
    `Input ${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}.`
  )
}

const TRUE = new Set(['true', 'True', 'TRUE'])
const FALSE = new Set(['false', 'False', 'FALSE'])

/** YAML 1.2 core-schema booleans, as core.getBooleanInput, with a better message. */
function bool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (TRUE.has(value)) return true
  if (FALSE.has(value)) return false
  throw new InputError(`Input ${name} must be true or false; got ${JSON.stringify(value)}.`)
}

function seconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d{1,6}$/.test(value) || Number(value) === 0) {
    throw new InputError(
      `Input ${name} must be a whole number of seconds above 0; got ${JSON.stringify(value)}.`
    )
  }
  return Number(value)
}

function checkName(name: string, value: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value)) {
    throw new InputError(
      `Input ${name} has an invalid environment name ${JSON.stringify(value)}.`,
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

function wrap(name: string, check: () => void): void {
  try {
    check()
  } catch (error) {
    throw new InputError(`Input ${name}: ${(error as Error).message}`, {
      hint: (error as InputError).hint
    })
  }
}
