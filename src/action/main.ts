/**
 * The action: inputs → plan → engine → outputs, notices and job summary.
 */
import * as core from '@actions/core'
import { runPromotion, type PromotionOutcome } from '../engine/index.js'
import { ACTION_NAMES, describeError, PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import {
  codeChangesSummary,
  editSummary,
  imagesOutput,
  resolutionSummary
} from '../report/index.js'
import { parseInputs } from './inputs.js'
import { actionPlan } from './plan.js'

const actionLogger: Logger = {
  debug: message => core.debug(message),
  info: message => core.info(message),
  warning: message => core.warning(message)
}

export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => core.getInput(name))
    if (inputs.token) core.setSecret(inputs.token)
    if (inputs.registryCredentials) core.setSecret(inputs.registryCredentials.password)
    if (inputs.argocdToken) core.setSecret(inputs.argocdToken)
    const plan = actionPlan(inputs, process.env)
    const outcome = await runPromotion(plan, {
      logger: actionLogger,
      group: (name, run) => core.group(name, run),
      onSecret: secret => core.setSecret(secret),
      env: process.env,
      token: inputs.token || undefined,
      tokenSource: 'input token',
      source: sourceOf(process.env),
      names: ACTION_NAMES
    })
    setOutputs(outcome)
    if (plan.destination) {
      // The config-repo step's own reporting (and Argo CD), loaded only when it ran.
      const step = await import('./config-repo.js')
      step.logEdits(outcome, inputs.dryRun)
      if (inputs.verify) await step.verifyRuns(inputs, outcome.runs, actionLogger)
    }
    if (process.env.GITHUB_STEP_SUMMARY) {
      core.summary.addRaw(resolutionSummary(outcome.images, inputs.dryRun))
      if (plan.destination) core.summary.addRaw(editSummary(outcome.edits, inputs.dryRun))
      if (plan.destination) core.summary.addRaw(codeChangesSummary(outcome.edits))
      await core.summary.write()
    }
  } catch (error) {
    fail(error)
  }
}

/** The build's workflow run (GITHUB_* of the job), for links and trailers. */
function sourceOf(env: NodeJS.ProcessEnv) {
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '')
  const repository = env.GITHUB_REPOSITORY
  const runId = env.GITHUB_RUN_ID
  return {
    repository,
    sha: env.GITHUB_SHA,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
    serverUrl,
    actor: env.GITHUB_ACTOR
  }
}

function setOutputs({ images, edits, runs }: PromotionOutcome): void {
  const files = [...new Set(edits.flatMap(e => e.result.files.map(f => f.file)))]
  core.setOutput('digest', images.map(i => i.digest).join('\n'))
  core.setOutput('image-ref', images.map(i => i.pinned).join('\n'))
  core.setOutput(
    'images',
    JSON.stringify(
      imagesOutput(
        images,
        edits.flatMap(e => e.codeChanges ?? [])
      )
    )
  )
  core.setOutput('changed', String(files.length > 0))
  core.setOutput('files', JSON.stringify(files))
  // One line per environment, in order.
  const lines = (pick: (run: PromotionOutcome['runs'][number]) => string | number | undefined) =>
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
    const where = run.result.pullRequest
      ? `pull request #${run.result.pullRequest.number} (${run.result.pullRequest.operation}): ${run.result.pullRequest.url}`
      : run.result.commit
        ? `commit ${run.result.commit} on ${run.result.branch}`
        : 'nothing to commit'
    core.notice(`${run.environment ?? 'targets'}: ${where}`)
  }
}

function fail(error: unknown): void {
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
