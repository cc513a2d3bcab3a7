/**
 * The action's config-repo half: edit the checked-out repo (write-method
 * none) or deliver through the GitHub API or git. Loaded only when an
 * environment or targets are given, so a resolve-only run starts fast.
 */
import * as core from '@actions/core'
import { existsSync, realpathSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { connectGitHub, type GitHubRepo } from '../deliver/index.js'
import { editConfigRepo } from '../engine/edit.js'
import type { EditResult, ResolvedImage } from '../model.js'
import {
  promotePlan,
  type DeliveryContext,
  type EnvironmentRun,
  type PromotionPlan
} from '../engine/environments.js'
import { checkPromoteFrom, imagesFromEnvironment } from '../engine/promote-from.js'
import { InputError } from '../errors.js'
import { DEFAULT_BRANCH_TEMPLATE, type Inputs } from './inputs.js'
import type { Logger } from '../log/logger.js'
import type { DigestResolver } from '../registry/index.js'
import { fsTreeReader } from '../repo/index.js'
import { verifyDeployment } from '../argocd/index.js'

export interface ConfigRepoStep {
  /** Per environment: what changed and which images it holds. */
  readonly edits: { environment?: string; result: EditResult; images: readonly ResolvedImage[] }[]
  /** Per environment, with the api and git write methods: the commit, branch and PR. */
  readonly runs: EnvironmentRun[]
}

export async function configRepoStep(
  inputs: Inputs,
  resolved: readonly ResolvedImage[],
  resolver: DigestResolver,
  actionLogger: Logger
): Promise<ConfigRepoStep> {
  if (inputs.writeMethod === 'none') {
    return { edits: await editWorkspace(inputs, resolved, resolver, actionLogger), runs: [] }
  }
  if (inputs.verify && (!inputs.argocdServer || !inputs.argocdApplication)) {
    // Checked before anything is pushed: bad input writes nothing.
    throw new InputError('Input verify needs argocd-server and argocd-application.', {
      hint: 'Pass the Argo CD URL and the application that deploys the promoted environment, and argocd-token.'
    })
  }
  const github = configRepository(inputs, actionLogger)
  const runs = await promotePlan(
    actionPlan(inputs, resolved),
    deliveryContext(github, inputs.token, resolver, actionLogger)
  )
  for (const run of runs) logEdit(run.result.edit, inputs.dryRun)
  if (inputs.verify) await verifyRuns(inputs, runs, actionLogger)
  return {
    edits: runs.map(r => ({
      environment: r.environment,
      result: r.result.edit,
      images: r.result.images
    })),
    runs
  }
}

/** The action's inputs as the engine's plan: the same one the CLI's flags make. */
export function actionPlan(inputs: Inputs, resolved: readonly ResolvedImage[]): PromotionPlan {
  return {
    images: inputs.fromEnvironment
      ? {
          fromEnvironment: inputs.fromEnvironment,
          selections: inputs.images,
          policy: inputs.tagPolicy
        }
      : { resolved },
    environments: inputs.environments,
    targets: inputs.targets,
    configFile: inputs.configFile,
    baseBranch: inputs.baseBranch,
    mode: inputs.mode,
    defaultMode: 'pull-request',
    // The input's default stands for "not given": promotion.yaml's branch wins over it.
    branch: inputs.branch === DEFAULT_BRANCH_TEMPLATE ? undefined : inputs.branch,
    commitMessage: inputs.commitMessage,
    pullRequest: {
      title: inputs.prTitle,
      labels: inputs.labels,
      reviewers: inputs.reviewers,
      teamReviewers: inputs.teamReviewers,
      assignees: inputs.assignees,
      // draft defaults to false, so only true is explicit: promotion.yaml's draft: true stands.
      draft: inputs.draft || undefined,
      autoMerge: inputs.autoMerge
    },
    verifyRender: inputs.verifyRender,
    dryRun: inputs.dryRun,
    allowDowngrade: inputs.allowDowngrade,
    writeMethod: inputs.writeMethod === 'git' ? 'git' : 'api'
  }
}

/**
 * write-method none: edit the config repo the workflow checked out, commit
 * nothing (a later step commits, or the workflow only checks). The path must
 * stay inside the workspace, as actions/checkout requires for its own path.
 */
async function editWorkspace(
  inputs: Inputs,
  resolved: readonly ResolvedImage[],
  resolver: DigestResolver,
  actionLogger: Logger
) {
  const workspace = realpathSync(process.env.GITHUB_WORKSPACE ?? process.cwd())
  const given = resolve(workspace, inputs.configPath!)
  // The real path: a symlink in the workspace must not lead the edit out of it.
  const repoRoot = existsSync(given) ? realpathSync(given) : given
  if (repoRoot !== workspace && !repoRoot.startsWith(`${workspace}${sep}`)) {
    throw new InputError(
      `Input config-path ${JSON.stringify(inputs.configPath)} leads outside the workspace ${workspace}.`,
      {
        hint: 'Check the config repository out inside the workspace (actions/checkout path:) and pass that path.'
      }
    )
  }
  const environments = inputs.environments.length > 0 ? inputs.environments : [undefined]
  const results = []
  for (const environment of environments) {
    const reader = fsTreeReader(repoRoot)
    if (!inputs.fromEnvironment && environment !== undefined && inputs.targets.length === 0) {
      await checkPromoteFrom(
        { reader, configFile: inputs.configFile, environment, images: resolved },
        actionLogger
      )
    }
    const images = inputs.fromEnvironment
      ? await imagesFromEnvironment(
          {
            reader,
            configFile: inputs.configFile,
            source: inputs.fromEnvironment,
            destination: environment,
            selections: inputs.images,
            policy: inputs.tagPolicy
          },
          resolver,
          actionLogger
        )
      : resolved
    const result = await core.group(`Edit ${environment ?? 'targets'}`, () =>
      editConfigRepo(
        {
          repoRoot,
          environment,
          targets: inputs.targets,
          configFile: inputs.configFile,
          images,
          verifyRender: inputs.verifyRender,
          dryRun: inputs.dryRun,
          allowDowngrade: inputs.allowDowngrade
        },
        actionLogger
      )
    )
    logEdit(result, inputs.dryRun)
    results.push({ environment, result, images })
  }
  return results
}

/**
 * verify: after a push-mode promotion, wait until Argo CD has synced the
 * promotion commit, is Healthy, and runs the pinned digests. A pull request
 * has nothing to verify until it is merged.
 */
async function verifyRuns(
  inputs: Inputs,
  runs: readonly EnvironmentRun[],
  actionLogger: Logger
): Promise<void> {
  for (const run of runs) {
    if (run.mode !== 'push' || !run.result.commit || inputs.dryRun) {
      core.info(
        `verify: nothing to verify for ${run.environment ?? 'targets'} (${run.mode === 'push' ? 'no new commit' : 'a pull request'}).`
      )
      continue
    }
    const result = await core.group(`Verify ${run.environment ?? 'targets'} in Argo CD`, () =>
      verifyDeployment(
        {
          server: inputs.argocdServer!,
          token: inputs.argocdToken,
          application: inputs.argocdApplication!,
          revision: run.result.commit,
          images: run.result.images.map(i => i.pinned),
          timeoutSeconds: inputs.verifyTimeoutSeconds
        },
        actionLogger
      )
    )
    core.info(
      `Argo CD runs ${result.images.join(', ')} at ${result.revision} (${result.elapsedSeconds} s).`
    )
  }
}

/** Every changed value, and with dry-run the unified diff. */
function logEdit(result: EditResult, dryRun: boolean): void {
  if (dryRun && result.diff) core.info(result.diff)
  for (const change of result.files.flatMap(file => file.changes)) {
    core.info(
      `${change.file}:${change.line}: ${change.path}: ${change.old ?? '(added)'} → ${change.new ?? '(removed)'}`
    )
  }
}

/** The config repository on GitHub (GITHUB_API_URL / GITHUB_SERVER_URL honored, for GHES). */
function configRepository(inputs: Inputs, actionLogger: Logger): GitHubRepo {
  const fullName = inputs.configRepository ?? process.env.GITHUB_REPOSITORY
  if (!fullName) {
    throw new InputError('Input config-repository is required outside GitHub Actions.', {
      hint: 'Pass the config repository as owner/name.'
    })
  }
  if (!inputs.token) {
    throw new InputError(
      'Input token is empty: promote-image needs a token to write to the config repository.',
      {
        hint: 'Pass token: ${{ secrets.CONFIG_REPO_TOKEN }} (a GitHub App or fine-grained token) for another repository.'
      }
    )
  }
  return connectGitHub({ repository: fullName, token: inputs.token, logger: actionLogger })
}

function deliveryContext(
  github: GitHubRepo,
  token: string,
  resolver: DigestResolver,
  actionLogger: Logger
): DeliveryContext {
  const serverUrl = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '')
  const repository = process.env.GITHUB_REPOSITORY
  const runId = process.env.GITHUB_RUN_ID
  return {
    github,
    resolver,
    cloneUrl: `${serverUrl}/${github.fullName}.git`,
    token,
    source: {
      repository,
      sha: process.env.GITHUB_SHA,
      runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
      serverUrl,
      actor: process.env.GITHUB_ACTOR
    },
    logger: actionLogger,
    onSecret: secret => core.setSecret(secret),
    group: (name, run) => core.group(name, run)
  }
}
