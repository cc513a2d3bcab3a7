import * as core from '@actions/core'
import type { EnvironmentRun } from '../engine/environments.js'
import { resolveImages } from '../engine/resolve.js'
import { type ResolvedImage } from '../model.js'
import { describeError, PromoteError } from '../errors.js'
import { parseInputs } from './inputs.js'
import type { Logger } from '../log/logger.js'
import { createResolver } from '../registry/index.js'
import { editSummary } from '../report/edits.js'
import { imagesOutput, resolutionSummary } from '../report/summary.js'

const actionLogger: Logger = {
  debug: message => core.debug(message),
  info: message => core.info(message),
  warning: message => core.warning(message)
}

function uniqueImages(images: readonly ResolvedImage[]): ResolvedImage[] {
  return [...new Map(images.map(i => [i.pinned, i])).values()]
}

/** The action: inputs → engine → outputs and job summary. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => core.getInput(name))
    if (inputs.token) core.setSecret(inputs.token)
    if (inputs.registryCredentials) core.setSecret(inputs.registryCredentials.password)
    if (inputs.argocdToken) core.setSecret(inputs.argocdToken)
    const editing = inputs.environments.length > 0 || inputs.targets.length > 0

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

    const { edits, runs } = editing
      ? await (
          await import('./config-repo.js')
        ).configRepoStep(inputs, resolved, resolver, actionLogger)
      : { edits: [], runs: [] }
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
