/**
 * One promotion per environment, each holding all its images: the action's
 * api and git write methods. Environment settings (mode, reviewers, …) come
 * from promotion.yaml on the base branch; inputs override them.
 */
import { parsePromotionConfig, type EnvironmentConfig } from '../config/index.js'
import type { GitHubRepo } from '../deliver/github.js'
import { ConfigError } from '../errors.js'
import { repositoryNameOf } from '../reference/index.js'
import type { Inputs } from '../inputs.js'
import type { Logger } from '../log/logger.js'
import type { DigestResolver } from '../registry/index.js'
import {
  commitMessage,
  pullRequestBody,
  pullRequestTitle,
  type SourceInfo
} from '../report/promotion.js'
import type { EditResult } from './edit.js'
import { imagesFromEnvironment } from './promote-from.js'
import { promote, type PromotionResult } from './promote.js'
import type { ResolvedImage } from './resolve.js'

export interface EnvironmentRun {
  readonly environment?: string
  readonly mode: 'push' | 'pull-request'
  readonly result: PromotionResult
}

export interface DeliveryContext {
  readonly github: GitHubRepo
  /** Resolves digests (promoting from another environment: confirms they still exist). */
  readonly resolver: DigestResolver
  /** Clone URL for the git method. */
  readonly cloneUrl: string
  readonly serverUrl: string
  readonly source: SourceInfo
  readonly logger: Logger
  readonly onSecret?: (secret: string) => void
  readonly group: <T>(name: string, run: () => Promise<T>) => Promise<T>
}

export async function promoteEnvironments(
  inputs: Inputs,
  images: readonly ResolvedImage[],
  context: DeliveryContext
): Promise<EnvironmentRun[]> {
  const { github } = context
  const settings =
    inputs.targets.length > 0
      ? new Map<string, EnvironmentConfig>()
      : await readEnvironments(inputs, github)
  const environments = inputs.environments.length > 0 ? inputs.environments : [undefined]
  const runs: EnvironmentRun[] = []
  for (const environment of environments) {
    const config = environment === undefined ? undefined : settings.get(environment)
    const mode = inputs.mode ?? config?.mode ?? 'pull-request'
    const baseBranch = inputs.baseBranch ?? config?.baseBranch
    const branch = branchName(
      inputs.branch === DEFAULT_BRANCH && config?.branch ? config.branch : inputs.branch,
      environment,
      inputs.fromEnvironment ? inputs.images : images.map(i => i.reference.name)
    )
    const content = (edit: EditResult, base: string, promoted: readonly ResolvedImage[]) => ({
      environment,
      images: promoted,
      result: edit,
      source: context.source,
      mode,
      configRepository: github.fullName,
      baseBranch: base,
      fromEnvironment: inputs.fromEnvironment
    })
    const result = await context.group(
      `Promote ${environment ?? 'targets'} (${mode}, ${inputs.writeMethod})`,
      () =>
        promote(
          {
            method: inputs.writeMethod === 'git' ? 'git' : 'api',
            mode,
            configRepo: context.cloneUrl,
            github,
            baseBranch,
            token: inputs.token,
            environment,
            targets: inputs.targets,
            configFile: inputs.configFile,
            images: inputs.fromEnvironment
              ? reader =>
                  imagesFromEnvironment(
                    {
                      reader,
                      configFile: inputs.configFile,
                      source: inputs.fromEnvironment!,
                      destination: environment,
                      selections: inputs.images,
                      policy: inputs.tagPolicy,
                      since: file => github.lastChanged(file, baseBranch)
                    },
                    context.resolver,
                    context.logger
                  )
              : images,
            verifyRender: inputs.verifyRender,
            dryRun: inputs.dryRun,
            branch,
            onSecret: context.onSecret,
            message: (edit, promoted) => commitMessage(content(edit, baseBranch ?? '', promoted)),
            pullRequest: (edit, base, promoted) => ({
              title: pullRequestTitle(content(edit, base, promoted), inputs.prTitle),
              body: pullRequestBody(content(edit, base, promoted)),
              draft: inputs.draft || (config?.draft ?? false),
              labels: [...new Set([...(config?.labels ?? []), ...inputs.labels])],
              reviewers: [...new Set([...(config?.reviewers ?? []), ...inputs.reviewers])],
              teamReviewers: [
                ...new Set([...(config?.teamReviewers ?? []), ...inputs.teamReviewers])
              ],
              assignees: [...new Set([...(config?.assignees ?? []), ...inputs.assignees])],
              autoMerge: inputs.autoMerge ?? config?.autoMerge
            })
          },
          context.logger
        )
    )
    runs.push({ environment, mode, result })
  }
  return runs
}

const DEFAULT_BRANCH = 'promote/{environment}/{name}'

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
  const name =
    names.length <= 3 ? names.join('+') : `${names.slice(0, 3).join('+')}+${names.length - 3}-more`
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

async function readEnvironments(
  inputs: Inputs,
  github: GitHubRepo
): Promise<Map<string, EnvironmentConfig>> {
  const info = await github.info()
  const base = inputs.baseBranch ?? info.defaultBranch
  const head = await github.branchHead(base)
  if (!head) {
    throw new ConfigError(`Branch ${base} does not exist in ${github.fullName}.`, {
      hint: 'Set base-branch to an existing branch, or leave it empty for the default branch.'
    })
  }
  const reader = github.reader(head)
  if ((await reader.type(inputs.configFile)) !== 'file') {
    throw new ConfigError(`${github.fullName} has no ${inputs.configFile} on ${base}.`, {
      hint: 'Add promotion.yaml at the root of the config repository, or pass targets.'
    })
  }
  const config = parsePromotionConfig(await reader.read(inputs.configFile), inputs.configFile)
  for (const environment of inputs.environments) {
    if (!config.environments.has(environment)) {
      throw new ConfigError(
        `${inputs.configFile} has no environment ${JSON.stringify(environment)}.`,
        {
          hint: `Environments: ${[...config.environments.keys()].join(', ')}.`
        }
      )
    }
  }
  return new Map(config.environments)
}
