import * as core from '@actions/core'
import { resolveImages } from './engine/resolve.js'
import { describeError, PromoteError } from './errors.js'
import { parseInputs } from './inputs.js'
import type { Logger } from './log/logger.js'
import { createResolver } from './registry/index.js'
import { imagesOutput, resolutionSummary } from './report/summary.js'

const actionLogger: Logger = {
  debug: message => core.debug(message),
  info: message => core.info(message),
  warning: message => core.warning(message)
}

/** The action: inputs → engine → outputs and job summary. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs(name => core.getInput(name))
    if (inputs.token) core.setSecret(inputs.token)
    if (inputs.registryCredentials) core.setSecret(inputs.registryCredentials.password)
    if (inputs.environments.length > 0 || inputs.targets.length > 0) {
      throw new PromoteError(
        'Editing the config repository is not available in this version yet.',
        {
          hint: 'Leave environment and targets empty to resolve and verify images only.'
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

    core.setOutput('digest', images.map(i => i.digest).join('\n'))
    core.setOutput('image-ref', images.map(i => i.pinned).join('\n'))
    core.setOutput('images', JSON.stringify(imagesOutput(images)))
    core.setOutput('changed', 'false')
    core.setOutput('files', '[]')
    core.setOutput('pull-request-operation', 'none')

    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary.addRaw(resolutionSummary(images, inputs.dryRun)).write()
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
