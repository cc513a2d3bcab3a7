import * as core from '@actions/core'
import { realpathSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { editConfigRepo, type EditResult } from './engine/edit.js'
import {
  promoteEnvironments,
  type DeliveryContext,
  type EnvironmentRun
} from './engine/environments.js'
import { createOctokit, GitHubRepo } from './deliver/github.js'
import { resolveImages, type ResolvedImage } from './engine/resolve.js'
import { describeError, InputError, PromoteError } from './errors.js'
import { parseInputs, type Inputs } from './inputs.js'
import type { Logger } from './log/logger.js'
import { createResolver, type DigestResolver } from './registry/index.js'
import { fsTreeReader } from './render/index.js'
import { imagesFromEnvironment } from './engine/promote-from.js'
import { editSummary } from './report/edits.js'
import { imagesOutput, resolutionSummary } from './report/summary.js'

const actionLogger: Logger = {
  debug: message => core.debug(message),
  info: message => core.info(message),
  warning: message => core.warning(message)
}

/**
 * write-method none: edit the config repo the workflow checked out, commit
 * nothing (a later step commits, or the workflow only checks). The path must
 * stay inside the workspace, as actions/checkout requires for its own path.
 */
async function editWorkspace(
  inputs: Inputs,
  resolved: readonly ResolvedImage[],
  resolver: DigestResolver
) {
  const workspace = realpathSync(process.env.GITHUB_WORKSPACE ?? process.cwd())
  const repoRoot = resolve(workspace, inputs.configPath!)
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
    const images = inputs.fromEnvironment
      ? await imagesFromEnvironment(
          {
            reader: fsTreeReader(repoRoot),
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

/** Every changed value, and with dry-run the unified diff. */
function logEdit(result: EditResult, dryRun: boolean): void {
  if (dryRun && result.diff) core.info(result.diff)
  for (const change of result.files.flatMap(file => file.changes)) {
    core.info(
      `${change.file}:${change.line}: ${change.path}: ${change.old ?? '(added)'} → ${change.new ?? '(removed)'}`
    )
  }
}

function uniqueImages(images: readonly ResolvedImage[]): ResolvedImage[] {
  return [...new Map(images.map(i => [i.pinned, i])).values()]
}

/** The config repository on GitHub (GITHUB_API_URL / GITHUB_SERVER_URL honored, for GHES). */
function configRepository(inputs: Inputs): GitHubRepo {
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
  const [owner, repo] = fullName.split('/') as [string, string]
  return new GitHubRepo(createOctokit(inputs.token, actionLogger), owner, repo, actionLogger)
}

function deliveryContext(github: GitHubRepo, resolver: DigestResolver): DeliveryContext {
  const serverUrl = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '')
  const repository = process.env.GITHUB_REPOSITORY
  const runId = process.env.GITHUB_RUN_ID
  return {
    github,
    resolver,
    cloneUrl: `${serverUrl}/${github.fullName}.git`,
    serverUrl,
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

/** The action: inputs → engine → outputs and job summary. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => core.getInput(name))
    if (inputs.token) core.setSecret(inputs.token)
    if (inputs.registryCredentials) core.setSecret(inputs.registryCredentials.password)
    const editing = inputs.environments.length > 0 || inputs.targets.length > 0
    const delivering = editing && inputs.writeMethod !== 'none'
    const github = delivering ? configRepository(inputs) : undefined

    const resolver = createResolver({
      logger: actionLogger,
      insecureRegistries: inputs.insecureRegistries,
      credentials: inputs.registryCredentials,
      onSecret: secret => core.setSecret(secret)
    })
    // Promoting from another environment, the images are what it runs: read per environment below.
    const resolved = inputs.fromEnvironment
      ? []
      : await core.group('Resolve image digests', () =>
          resolveImages(
            {
              images: inputs.images,
              buildDigest: inputs.digest,
              policy: inputs.tagPolicy,
              pin: inputs.pin,
              explicitCredentials: inputs.registryCredentials !== undefined,
              requireImmutableRepository: inputs.requireImmutableRepository
            },
            resolver,
            actionLogger
          )
        )

    const runs = github
      ? await promoteEnvironments(inputs, resolved, deliveryContext(github, resolver))
      : []
    const edits = github
      ? runs.map(r => ({
          environment: r.environment,
          result: r.result.edit,
          images: r.result.images
        }))
      : editing
        ? await editWorkspace(inputs, resolved, resolver)
        : []
    const images = inputs.fromEnvironment ? uniqueImages(edits.flatMap(e => e.images)) : resolved
    const files = [...new Set(edits.flatMap(e => e.result.files.map(f => f.file)))]

    core.setOutput('digest', images.map(i => i.digest).join('\n'))
    core.setOutput('image-ref', images.map(i => i.pinned).join('\n'))
    core.setOutput('images', JSON.stringify(imagesOutput(images)))
    core.setOutput('changed', String(files.length > 0))
    core.setOutput('files', JSON.stringify(files))
    const lines = (pick: (r: EnvironmentRun) => string | number | undefined) =>
      runs.map(r => String(pick(r) ?? '')).join('\n')
    core.setOutput(
      'commit-sha',
      lines(r => r.result.commit)
    )
    core.setOutput(
      'branch',
      lines(r => r.result.branch)
    )
    core.setOutput(
      'pull-request-number',
      lines(r => r.result.pullRequest?.number)
    )
    core.setOutput(
      'pull-request-url',
      lines(r => r.result.pullRequest?.url)
    )
    core.setOutput(
      'pull-request-operation',
      runs.length ? lines(r => r.result.pullRequest?.operation ?? 'none') : 'none'
    )
    for (const run of runs) {
      logEdit(run.result.edit, inputs.dryRun)
      const where = run.result.pullRequest
        ? `pull request #${run.result.pullRequest.number} (${run.result.pullRequest.operation}): ${run.result.pullRequest.url}`
        : run.result.commit
          ? `commit ${run.result.commit} on ${run.result.branch}`
          : 'nothing to commit'
      core.notice(`${run.environment ?? 'targets'}: ${where}`)
    }

    if (process.env.GITHUB_STEP_SUMMARY) {
      core.summary.addRaw(resolutionSummary(images, inputs.dryRun))
      if (editing) core.summary.addRaw(editSummary(edits, inputs.dryRun))
      await core.summary.write()
    }
  } catch (error) {
    if (error instanceof PromoteError) {
      // A file at fault gets the annotation on its line (when the config repo is the workspace's).
      const at = /^(?<file>[^\s:]+\.(?:ya?ml|json)|Kustomization):(?<line>\d+)/.exec(
        error.subject ?? ''
      )
      if (at?.groups) {
        core.error(error.describe(), {
          title: 'promote-image',
          file: at.groups.file,
          startLine: Number(at.groups.line)
        })
        process.exitCode = 1
      } else {
        core.setFailed(error.describe())
      }
    } else {
      core.debug(describeError(error))
      core.setFailed(
        `Unexpected error (please report it): ${(error as Error)?.message ?? String(error)}`
      )
    }
  }
}
