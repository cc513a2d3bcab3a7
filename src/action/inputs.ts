import { DEFAULT_BRANCH_TEMPLATE } from '../engine/index.js'
import { InputError } from '../errors.js'
import { checkCommitMessageTemplate } from '../report/index.js'
import type {
  DowngradePolicy,
  MergeMethod,
  PinMode,
  PromotionMode,
  VerifyRenderMode,
  WriteMethod
} from '../model.js'
import {
  bool,
  checkConfigFile,
  checkEnvironmentName,
  checkHost,
  DEFAULT_VERIFY_TIMEOUT_SECONDS,
  downgradePolicy,
  lines,
  list,
  mergeMethod,
  named,
  oneOf,
  pinMode,
  promotionMode,
  seconds,
  verificationPolicies,
  tagPolicy,
  trimAscii,
  verifyRenderMode
} from '../options.js'
import type { TagPolicy } from '../policy/index.js'
import { assertDigest } from '../reference/index.js'
import type { ExplicitCredentials } from '../registry/index.js'
import type { AttestationPolicy, SignaturePolicy } from '../signature/index.js'

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
  /** The signature gate (signature-key); undefined: off. */
  readonly signatures?: SignaturePolicy
  readonly attestations?: AttestationPolicy
  readonly token: string
  readonly branch: string
  readonly commitMessage?: string
  readonly prTitle?: string
  readonly labels: readonly string[]
  readonly reviewers: readonly string[]
  readonly teamReviewers: readonly string[]
  readonly assignees: readonly string[]
  /** Undefined when not given: promotion.yaml's `draft:` then decides. */
  readonly draft?: boolean
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

/** Reads one raw input; '' when unset (as @actions/core's getInput). */
export type InputReader = (name: string) => string

/**
 * Parses the inputs. `read` is core.getInput in the action and a map in
 * tests, so validation is tested without the runner.
 */
export function parseInputs(
  read: InputReader,
  /** GITHUB_SERVER_URL: where short repository and workflow names point (GHES). */
  env: NodeJS.ProcessEnv = process.env
): Inputs {
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
  if (digest !== undefined) named('digest', () => assertDigest(digest))

  const environments = list(get('environment'))
  for (const env of environments) checkEnvironmentName('environment', env)
  const fromEnvironment = get('from-environment')
  if (fromEnvironment !== undefined) {
    checkEnvironmentName('from-environment', fromEnvironment)
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

  const writeMethod =
    oneOf('write-method', get('write-method'), ['api', 'git', 'none'] as const) ?? 'api'
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

  return {
    images,
    digest,
    environments,
    targets: lines(get('targets')),
    configRepository,
    configFile: checkConfigFile('config-file', get('config-file')),
    baseBranch: get('base-branch'),
    mode: promotionMode('mode', get('mode')),
    writeMethod,
    configPath,
    insecureRegistries: list(get('insecure-registries')).map(h =>
      checkHost('insecure-registries', h)
    ),
    pin: pinMode('pin', get('pin')),
    tagPolicy: tagPolicy(
      { mutableTags: 'mutable-tags', allowTags: 'allow-tags' },
      get('mutable-tags'),
      get('allow-tags')
    ),
    requireImmutableRepository: bool(
      'require-immutable-repository',
      get('require-immutable-repository'),
      false
    ),
    registryCredentials: username === undefined ? undefined : { username, password },
    ...verificationPolicies(
      {
        signatureKey: 'signature-key',
        certificateIdentity: 'certificate-identity',
        certificateIdentityRegexp: 'certificate-identity-regexp',
        certificateOidcIssuer: 'certificate-oidc-issuer',
        trustedRoot: 'trusted-root',
        attestationPredicateType: 'attestation-predicate-type',
        sourceRepository: 'source-repository',
        sourceRef: 'source-ref',
        signerWorkflow: 'signer-workflow'
      },
      {
        signatureKey: get('signature-key'),
        certificateIdentity: get('certificate-identity'),
        certificateIdentityRegexp: get('certificate-identity-regexp'),
        certificateOidcIssuer: get('certificate-oidc-issuer'),
        trustedRoot: get('trusted-root'),
        attestationPredicateType: get('attestation-predicate-type'),
        sourceRepository: get('source-repository'),
        sourceRef: get('source-ref'),
        signerWorkflow: get('signer-workflow')
      },
      env.GITHUB_SERVER_URL
    ),
    token: read('token'),
    branch: get('branch') ?? DEFAULT_BRANCH_TEMPLATE,
    commitMessage: checkCommitMessageTemplate('commit-message', get('commit-message')),
    prTitle: get('pr-title'),
    labels: list(get('labels')),
    reviewers: list(get('reviewers')),
    teamReviewers: list(get('team-reviewers')),
    assignees: list(get('assignees')),
    draft: get('draft') === undefined ? undefined : bool('draft', get('draft'), false),
    autoMerge: mergeMethod('auto-merge', get('auto-merge')),
    verifyRender: verifyRenderMode('verify-render', get('verify-render')),
    dryRun: bool('dry-run', get('dry-run'), false),
    fromEnvironment,
    allowDowngrade: downgradePolicy('allow-downgrade', get('allow-downgrade')),
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
