/**
 * The one engine entry for delivering a promotion, shared by the action
 * (api and git write methods) and the CLI's `promote`: one promotion per
 * environment, each holding all its images. Each environment's settings
 * (mode, base-branch, branch, labels, reviewers, …) come from promotion.yaml
 * on the base branch, read the same way for both shells; explicit inputs or
 * flags win over it, and the shell's default applies when neither says.
 */
import type {
  MergeMethod,
  PromotionMode,
  DowngradePolicy,
  SourceInfo,
  EditResult,
  VerifyRenderMode,
  ResolvedImage
} from '../model.js'
import { parsePromotionConfig, type EnvironmentConfig } from '../config/index.js'
import { GitCheckout, type GitHubRepo } from '../deliver/index.js'
import { ConfigError } from '../errors.js'
import { repositoryNameOf } from '../reference/index.js'
import type { Logger } from '../log/logger.js'
import type { TagPolicy } from '../policy/index.js'
import type { DigestResolver } from '../registry/index.js'
import type { TreeReader } from '../repo/index.js'
import {
  commitMessage,
  pullRequestBody,
  pullRequestTitle,
  type PromotionContent
} from '../report/promotion.js'
import { checkPromoteFrom, imagesFromEnvironment } from './promote-from.js'
import { promote, type PromotionResult } from './promote.js'

/** What to promote and how: the shells' inputs or flags, parsed and checked, nothing else. */
export interface PromotionPlan {
  /** Fresh builds, resolved; or what another environment runs (read per environment at the base commit). */
  readonly images:
    | { readonly resolved: readonly ResolvedImage[] }
    | {
        readonly fromEnvironment: string
        /** Repositories to promote; none: every image the source pins. */
        readonly selections: readonly string[]
        readonly policy?: TagPolicy
      }
  /** Environments of promotion.yaml; none with inline targets. */
  readonly environments: readonly string[]
  /** Inline target specs instead of promotion.yaml. */
  readonly targets: readonly string[]
  readonly configFile: string
  /** Explicit base branch; else the environment's base-branch, else the repository's default. */
  readonly baseBranch?: string
  /** Explicit mode; else the environment's, else `defaultMode`. */
  readonly mode?: PromotionMode
  /** The shell's default: `pull-request` for the action, `push` for the CLI. */
  readonly defaultMode: PromotionMode
  /** Explicit branch template; else the environment's branch, else DEFAULT_BRANCH_TEMPLATE. */
  readonly branch?: string
  /** Commit-message template (checked by checkCommitMessageTemplate); default subject without. */
  readonly commitMessage?: string
  readonly pullRequest: PullRequestOptions
  readonly verifyRender: VerifyRenderMode
  readonly dryRun: boolean
  readonly allowDowngrade?: DowngradePolicy
  readonly writeMethod: 'api' | 'git'
}

/** Pull-request settings given explicitly; lists add to promotion.yaml's. */
export interface PullRequestOptions {
  readonly title?: string
  readonly labels: readonly string[]
  readonly reviewers: readonly string[]
  readonly teamReviewers: readonly string[]
  readonly assignees: readonly string[]
  /** Explicit; else the environment's draft, else false. */
  readonly draft?: boolean
  /** Explicit; else the environment's auto-merge, else none. */
  readonly autoMerge?: MergeMethod
}

export interface EnvironmentRun {
  readonly environment?: string
  readonly mode: PromotionMode
  readonly result: PromotionResult
}

/** Where and as whom the promotion is delivered. */
export interface DeliveryContext {
  /**
   * The config repository on GitHub, when the shell always has one (the
   * action): promotion.yaml's settings are read through its API.
   */
  readonly github?: GitHubRepo
  /**
   * Without `github` (the CLI, any git host): the repository on GitHub, made
   * only when the api method or a pull request needs it (`why` says which);
   * throws a clear error where there is none. promotion.yaml's settings are
   * then read from a throwaway sparse clone.
   */
  readonly githubFor?: (why: string) => GitHubRepo
  /** Clone URL (or path) for the git method. */
  readonly cloneUrl: string
  /** For https clones; never logged. */
  readonly token?: string
  /** Resolves digests (promoting from another environment: confirms they still exist). */
  readonly resolver: DigestResolver
  readonly source: SourceInfo
  readonly logger: Logger
  readonly onSecret?: (secret: string) => void
  readonly group: <T>(name: string, run: () => Promise<T>) => Promise<T>
}

export const DEFAULT_BRANCH_TEMPLATE = 'promote/{environment}/{name}'

/** Delivers the plan: one promotion (commit or pull request) per environment, in order. */
export async function promotePlan(
  plan: PromotionPlan,
  context: DeliveryContext
): Promise<EnvironmentRun[]> {
  // An explicit push to an explicit base needs none of promotion.yaml's settings (they are the
  // base branch and the pull request's): the CLI's scripted pushes skip the extra read.
  const settings =
    plan.targets.length > 0 || (plan.mode === 'push' && plan.baseBranch !== undefined)
      ? new Map<string, EnvironmentConfig>()
      : await readSettings(plan, context)
  const environments = plan.environments.length > 0 ? plan.environments : [undefined]
  const runs: EnvironmentRun[] = []
  for (const environment of environments) {
    const config = environment === undefined ? undefined : settings.get(environment)
    const mode = plan.mode ?? config?.mode ?? plan.defaultMode
    const github =
      context.github ??
      (plan.writeMethod === 'api' || mode === 'pull-request'
        ? context.githubFor?.(
            plan.writeMethod === 'api'
              ? 'the api write method'
              : plan.mode
                ? 'pull-request mode'
                : config?.mode
                  ? `pull-request mode (mode: pull-request for ${environment} in ${plan.configFile})`
                  : 'pull-request mode (the default)'
          )
        : undefined)
    const baseBranch = plan.baseBranch ?? config?.baseBranch
    const from = 'fromEnvironment' in plan.images ? plan.images : undefined
    const resolved = 'resolved' in plan.images ? plan.images.resolved : []
    const branch =
      mode === 'pull-request'
        ? branchName(
            plan.branch ?? config?.branch ?? DEFAULT_BRANCH_TEMPLATE,
            environment,
            from ? from.selections : resolved.map(i => i.reference.name)
          )
        : undefined
    const content = (
      edit: EditResult,
      base: string,
      promoted: readonly ResolvedImage[]
    ): PromotionContent => ({
      environment,
      images: promoted,
      result: edit,
      source: context.source,
      mode,
      configRepository: github?.fullName,
      baseBranch: base,
      fromEnvironment: from?.fromEnvironment,
      messageTemplate: plan.commitMessage
    })
    const images = from
      ? (reader: TreeReader) =>
          imagesFromEnvironment(
            {
              reader,
              configFile: plan.configFile,
              source: from.fromEnvironment,
              destination: environment,
              selections: from.selections,
              policy: from.policy,
              since: github ? file => github.lastChanged(file, baseBranch) : undefined
            },
            context.resolver,
            context.logger
          )
      : async (reader: TreeReader) => {
          // The gate reads the commit the edit is made on (the session's reader), so what
          // promote-from's environment runs cannot change between the check and the write.
          if (environment !== undefined && plan.targets.length === 0) {
            await checkPromoteFrom(
              { reader, configFile: plan.configFile, environment, images: resolved },
              context.logger
            )
          }
          return resolved
        }
    const options = plan.pullRequest
    const result = await context.group(
      `Promote ${environment ?? 'targets'} (${mode}, ${plan.writeMethod})`,
      () =>
        promote(
          {
            method: plan.writeMethod,
            mode,
            configRepo: context.cloneUrl,
            github,
            baseBranch,
            token: context.token,
            environment,
            targets: plan.targets,
            configFile: plan.configFile,
            images,
            verifyRender: plan.verifyRender,
            dryRun: plan.dryRun,
            allowDowngrade: plan.allowDowngrade,
            branch,
            onSecret: context.onSecret,
            message: (edit, promoted) => commitMessage(content(edit, baseBranch ?? '', promoted)),
            pullRequest: (edit, base, promoted) => ({
              title: pullRequestTitle(content(edit, base, promoted), options.title),
              body: pullRequestBody(content(edit, base, promoted)),
              draft: options.draft ?? config?.draft ?? false,
              labels: union(config?.labels, options.labels),
              reviewers: union(config?.reviewers, options.reviewers),
              teamReviewers: union(config?.teamReviewers, options.teamReviewers),
              assignees: union(config?.assignees, options.assignees),
              autoMerge: options.autoMerge ?? config?.autoMerge
            })
          },
          context.logger
        )
    )
    runs.push({ environment, mode, result })
  }
  return runs
}

function union(
  configured: readonly string[] | undefined,
  given: readonly string[]
): readonly string[] {
  return [...new Set([...(configured ?? []), ...given])]
}

/**
 * A deterministic branch per environment and image set, so that a newer
 * build updates the same pull request. Several images share one branch
 * named after all of them.
 */
export function branchName(
  template: string,
  environment: string | undefined,
  repositories: readonly string[]
): string {
  const names = [...new Set(repositories.map(repositoryNameOf))].sort()
  // Every image another environment runs (from-environment without images): `all`.
  const name =
    names.length === 0
      ? 'all'
      : names.length <= 3
        ? names.join('+')
        : `${names.slice(0, 3).join('+')}+${names.length - 3}-more`
  const branch = template
    .replaceAll('{environment}', environment ?? 'targets')
    .replaceAll('{name}', name)
  if (!/^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._/+-]{1,200}$/.test(branch)) {
    throw new ConfigError(
      `The pull-request branch ${JSON.stringify(branch)} is not a valid branch name.`,
      {
        hint: 'Set branch to a template of letters, digits, "/", "-", "_", "." with {environment} and {name}.'
      }
    )
  }
  return branch
}

/**
 * promotion.yaml at the head of the base branch (explicit, else the
 * repository's default): through the GitHub API when the shell has the
 * repository there, else from a throwaway sparse clone (any git host,
 * file:// too) that fetches the one file's blob.
 */
async function readSettings(
  plan: PromotionPlan,
  context: DeliveryContext
): Promise<Map<string, EnvironmentConfig>> {
  const read = async (reader: TreeReader, where: string): Promise<string> => {
    if ((await reader.type(plan.configFile)) !== 'file') {
      throw new ConfigError(`${where} has no ${plan.configFile}.`, {
        hint: `Add ${plan.configFile} to the config repository, or pass targets.`
      })
    }
    return reader.read(plan.configFile)
  }
  let text: string
  if (context.github) {
    const github = context.github
    const base = plan.baseBranch ?? (await github.info()).defaultBranch
    const head = await github.branchHead(base)
    if (!head) {
      throw new ConfigError(`Branch ${base} does not exist in ${github.fullName}.`, {
        hint: 'Set base-branch to an existing branch, or leave it empty for the default branch.'
      })
    }
    text = await read(github.reader(head), `${github.fullName} on ${base}`)
  } else {
    const checkout = await GitCheckout.open({
      url: context.cloneUrl,
      baseBranch: plan.baseBranch,
      token: context.token,
      logger: context.logger,
      onSecret: context.onSecret
    })
    try {
      text = await read(checkout.reader(), `The config repository on ${checkout.baseBranch}`)
    } finally {
      await checkout.close()
    }
  }
  const config = parsePromotionConfig(text, plan.configFile)
  for (const environment of plan.environments) {
    if (!config.environments.has(environment)) {
      throw new ConfigError(
        `${plan.configFile} has no environment ${JSON.stringify(environment)}.`,
        {
          hint: `Environments: ${[...config.environments.keys()].join(', ')}.`
        }
      )
    }
  }
  return new Map(config.environments)
}
