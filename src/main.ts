import * as core from '@actions/core'
import { realpathSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { editConfigRepo } from './engine/edit.js'
import { resolveImages, type ResolvedImage } from './engine/resolve.js'
import { describeError, InputError, PromoteError } from './errors.js'
import { parseInputs, type Inputs } from './inputs.js'
import type { Logger } from './log/logger.js'
import { createResolver } from './registry/index.js'
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
async function editWorkspace(inputs: Inputs, images: readonly ResolvedImage[]) {
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
    const result = await core.group(`Edit ${environment ?? 'targets'}`, () =>
      editConfigRepo(
        {
          repoRoot,
          environment,
          targets: inputs.targets,
          configFile: inputs.configFile,
          images,
          verifyRender: inputs.verifyRender,
          dryRun: inputs.dryRun
        },
        actionLogger
      )
    )
    if (inputs.dryRun && result.diff) core.info(result.diff)
    for (const file of result.files) {
      for (const change of file.changes) {
        core.info(
          `${change.file}:${change.line}: ${change.path}: ${change.old ?? '(added)'} → ${change.new ?? '(removed)'}`
        )
      }
    }
    results.push({ environment, result })
  }
  return results
}

/** The action: inputs → engine → outputs and job summary. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => core.getInput(name))
    if (inputs.token) core.setSecret(inputs.token)
    if (inputs.registryCredentials) core.setSecret(inputs.registryCredentials.password)
    const editing = inputs.environments.length > 0 || inputs.targets.length > 0
    if (editing && inputs.writeMethod !== 'none') {
      throw new InputError(
        `write-method ${inputs.writeMethod} is not available in this version yet.`,
        {
          hint: 'Check out the config repository (actions/checkout with path: config) and use write-method: none with config-path: config.'
        }
      )
    }

    const resolver = createResolver({
      logger: actionLogger,
      insecureRegistries: inputs.insecureRegistries,
      credentials: inputs.registryCredentials,
      onSecret: secret => core.setSecret(secret)
    })
    const images = await core.group('Resolve image digests', () =>
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

    const edits = editing ? await editWorkspace(inputs, images) : []
    const files = [...new Set(edits.flatMap(e => e.result.files.map(f => f.file)))]

    core.setOutput('digest', images.map(i => i.digest).join('\n'))
    core.setOutput('image-ref', images.map(i => i.pinned).join('\n'))
    core.setOutput('images', JSON.stringify(imagesOutput(images)))
    core.setOutput('changed', String(files.length > 0))
    core.setOutput('files', JSON.stringify(files))
    core.setOutput('pull-request-operation', 'none')

    if (process.env.GITHUB_STEP_SUMMARY) {
      core.summary.addRaw(resolutionSummary(images, inputs.dryRun))
      if (editing) core.summary.addRaw(editSummary(edits, inputs.dryRun))
      await core.summary.write()
    }
  } catch (error) {
    if (error instanceof PromoteError) {
      core.setFailed(error.describe())
    } else {
      core.debug(describeError(error))
      core.setFailed(
        `Unexpected error (please report it): ${(error as Error)?.message ?? String(error)}`
      )
    }
  }
}
