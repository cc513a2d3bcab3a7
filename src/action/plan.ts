/**
 * The action's inputs as the engine's plan — the same plan the CLI's flags
 * make — plus the checks only the action's world has: the workspace a
 * write-method none edit must stay in, the config repository and token.
 */
import { existsSync, realpathSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { DEFAULT_BRANCH_TEMPLATE, type Destination, type PromotionPlan } from '../engine/index.js'
import { InputError } from '../errors.js'
import type { Inputs } from './inputs.js'

export function actionPlan(inputs: Inputs, env: NodeJS.ProcessEnv): PromotionPlan {
  const editing = inputs.environments.length > 0 || inputs.targets.length > 0
  return {
    images: inputs.fromEnvironment
      ? { fromEnvironment: inputs.fromEnvironment, selections: inputs.images }
      : {
          build: {
            references: inputs.images,
            buildDigest: inputs.digest,
            pin: inputs.pin,
            requireImmutableRepository: inputs.requireImmutableRepository
          }
        },
    policy: inputs.tagPolicy,
    registry: {
      insecureRegistries: inputs.insecureRegistries,
      credentials: inputs.registryCredentials
    },
    environments: inputs.environments,
    targets: inputs.targets,
    configFile: inputs.configFile,
    destination: editing ? destinationOf(inputs, env) : undefined,
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
      draft: inputs.draft,
      autoMerge: inputs.autoMerge
    },
    verifyRender: inputs.verifyRender,
    dryRun: inputs.dryRun,
    allowDowngrade: inputs.allowDowngrade,
    signatures: inputs.signatures,
    attestations: inputs.attestations
  }
}

function destinationOf(inputs: Inputs, env: NodeJS.ProcessEnv): Destination {
  if (inputs.writeMethod === 'none') {
    return { kind: 'workspace', root: workspaceRoot(inputs.configPath!, env) }
  }
  if (inputs.verify && (!inputs.argocdServer || !inputs.argocdApplication)) {
    // Checked before anything is pushed: bad input writes nothing.
    throw new InputError('Input verify needs argocd-server and argocd-application.', {
      hint: 'Pass the Argo CD URL and the application that deploys the promoted environment, and argocd-token.'
    })
  }
  const repository = inputs.configRepository ?? env.GITHUB_REPOSITORY
  if (!repository) {
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
  return { kind: 'github', repository, method: inputs.writeMethod }
}

/**
 * write-method none: the config repo the workflow checked out. The path must
 * stay inside the workspace, as actions/checkout requires for its own path;
 * its real path, so a symlink in the workspace cannot lead the edit out.
 */
function workspaceRoot(configPath: string, env: NodeJS.ProcessEnv): string {
  const workspace = realpathSync(env.GITHUB_WORKSPACE ?? process.cwd())
  const given = resolve(workspace, configPath)
  const root = existsSync(given) ? realpathSync(given) : given
  if (root !== workspace && !root.startsWith(`${workspace}${sep}`)) {
    throw new InputError(
      `Input config-path ${JSON.stringify(configPath)} leads outside the workspace ${workspace}.`,
      {
        hint: 'Check the config repository out inside the workspace (actions/checkout path:) and pass that path.'
      }
    )
  }
  return root
}
