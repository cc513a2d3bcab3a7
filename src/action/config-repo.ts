/**
 * The action's side of the config-repo step: every changed value in the
 * log (and the diff with dry-run), then, with `verify`, Argo CD. Loaded only
 * when the run edited a config repository, so a resolve-only run starts fast.
 */
import * as core from '@actions/core'
import { verifyDeployment } from '../argocd/index.js'
import type { EnvironmentRun, PromotionOutcome } from '../engine/index.js'
import type { Logger } from '../log/logger.js'
import type { Inputs } from './inputs.js'

export function logEdits(outcome: PromotionOutcome, dryRun: boolean): void {
  for (const { result } of outcome.edits) {
    if (dryRun && result.diff) core.info(result.diff)
    for (const change of result.files.flatMap(file => file.changes)) {
      core.info(
        `${change.file}:${change.line}: ${change.path}: ${change.old ?? '(added)'} → ${change.new ?? '(removed)'}`
      )
    }
  }
}

/**
 * verify: after a push-mode promotion, wait until Argo CD has synced the
 * promotion commit, is Healthy, and runs the pinned digests. A pull request
 * has nothing to verify until it is merged.
 */
export async function verifyRuns(
  inputs: Inputs,
  runs: readonly EnvironmentRun[],
  logger: Logger
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
        logger
      )
    )
    core.info(
      `Argo CD runs ${result.images.join(', ')} at ${result.revision} (${result.elapsedSeconds} s).`
    )
  }
}
