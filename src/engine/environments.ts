/**
 * Delivering a plan, for the action (api and git write methods) and the
 * CLI's `promote` alike: one promotion per environment, each holding all its
 * images. Each environment's settings (mode, base-branch, branch, labels,
 * reviewers, …) come from promotion.yaml on the base branch, read the same
 * way for both shells; the plan's explicit values win over it, and the
 * shell's default applies when neither says.
 */
import type { CommitMethod, EditResult, PromotionMode, ResolvedImage } from '../model.js'
import { environmentOf, parsePromotionConfig, type EnvironmentConfig } from '../config/index.js'
import { GitCheckout } from '../deliver/index.js'
import { ConfigError } from '../errors.js'
import { repositoryNameOf } from '../reference/index.js'
import type { ArtifactReader, DigestResolver } from '../registry/index.js'
import type { TreeReader } from '../repo/index.js'
import {
  commitMessage,
  movedComment,
  pullRequestBody,
  pullRequestTitle,
  type PromotionContent
} from '../report/index.js'
import type { CodeChangeReader } from './code-changes.js'
import type { ConfigRepository } from './destination.js'
import { attestationContextOf } from './attestations.js'
import { imagesFor } from './images.js'
import { DEFAULT_BRANCH_TEMPLATE, type Ports, type PromotionPlan } from './plan.js'
import { promote, type PromotionResult } from './promote.js'

export interface EnvironmentRun {
  readonly environment?: string
  readonly mode: PromotionMode
  readonly result: PromotionResult
}

/** Where and how the promotion is delivered. */
export interface Delivery extends ConfigRepository {
  readonly method: CommitMethod
  /** Resolves digests (promoting from another environment: confirms they still exist). */
  readonly resolver: DigestResolver & ArtifactReader
  /** What changes in the code, for the pull request body (cached per run). */
  readonly codeChanges?: CodeChangeReader
  readonly ports: Ports
}

/** Delivers the plan: one promotion (commit or pull request) per environment, in order. */
export async function promoteEnvironments(
  plan: PromotionPlan,
  resolved: readonly ResolvedImage[],
  delivery: Delivery
): Promise<EnvironmentRun[]> {
  const { ports } = delivery
  // An explicit push to an explicit base needs none of promotion.yaml's settings (they are the
  // base branch and the pull request's): the CLI's scripted pushes skip the extra read.
  const settings =
    plan.targets.length > 0 || (plan.mode === 'push' && plan.baseBranch !== undefined)
      ? new Map<string, EnvironmentConfig>()
      : await readSettings(plan, delivery)
  const environments = plan.environments.length > 0 ? plan.environments : [undefined]
  const runs: EnvironmentRun[] = []
  for (const environment of environments) {
    const config = environment === undefined ? undefined : settings.get(environment)
    const mode = plan.mode ?? config?.mode ?? plan.defaultMode
    const github =
      delivery.github ??
      (delivery.method === 'api' || mode === 'pull-request'
        ? delivery.githubFor?.(
            delivery.method === 'api'
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
      promoted: readonly ResolvedImage[],
      head?: string
    ): PromotionContent => ({
      environment,
      images: promoted,
      result: edit,
      source: ports.source,
      mode,
      configRepository: github?.fullName,
      baseBranch: base,
      headSha: head,
      fromEnvironment: from?.fromEnvironment,
      messageTemplate: plan.commitMessage
    })
    const options = plan.pullRequest
    const result = await ports.group(
      `Promote ${environment ?? 'targets'} (${mode}, ${delivery.method})`,
      () =>
        promote(
          {
            method: delivery.method,
            mode,
            cloneUrl: delivery.cloneUrl,
            github,
            baseBranch,
            token: ports.token,
            environment,
            targets: plan.targets,
            configFile: plan.configFile,
            images: reader =>
              imagesFor(
                {
                  source: plan.images,
                  resolved,
                  reader,
                  configFile: plan.configFile,
                  environment,
                  inlineTargets: plan.targets.length > 0,
                  policy: plan.policy,
                  since: github ? file => github.lastChanged(file, baseBranch) : undefined,
                  signatures: plan.signatures,
                  attestations: plan.attestations,
                  attestationContext: attestationContextOf(ports),
                  names: ports.names
                },
                delivery.resolver,
                ports.logger
              ),
            verifyRender: plan.verifyRender,
            dryRun: plan.dryRun,
            allowDowngrade: plan.allowDowngrade,
            names: ports.names,
            branch,
            onSecret: ports.onSecret,
            message: (edit, promoted) => commitMessage(content(edit, baseBranch ?? '', promoted)),
            pullRequest: async (edit, base, promoted, head) => ({
              title: pullRequestTitle(content(edit, base, promoted), options.title),
              body: pullRequestBody({
                ...content(edit, base, promoted, head),
                codeChanges: await delivery.codeChanges?.(promoted, edit)
              }),
              updateComment: previous => movedComment(previous, promoted),
              draft: options.draft ?? config?.draft ?? false,
              labels: union(config?.labels, options.labels),
              reviewers: union(config?.reviewers, options.reviewers),
              teamReviewers: union(config?.teamReviewers, options.teamReviewers),
              assignees: union(config?.assignees, options.assignees),
              autoMerge: options.autoMerge ?? config?.autoMerge
            })
          },
          ports.logger
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
  delivery: Delivery
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
  if (delivery.github) {
    const github = delivery.github
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
      url: delivery.cloneUrl,
      baseBranch: plan.baseBranch,
      token: delivery.ports.token,
      logger: delivery.ports.logger,
      onSecret: delivery.ports.onSecret
    })
    try {
      text = await read(checkout.reader(), `The config repository on ${checkout.baseBranch}`)
    } finally {
      await checkout.close()
    }
  }
  const config = parsePromotionConfig(text, plan.configFile)
  for (const environment of plan.environments) environmentOf(config, environment)
  return new Map(config.environments)
}
