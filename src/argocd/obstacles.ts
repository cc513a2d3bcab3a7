/**
 * The verdict on one assessment: what, if anything, stops the promotion from counting as
 * deployed, worded after the incidents in reference/incidents.md with the command to run next.
 */
import type { Application } from './api.js'
import {
  automatedSync,
  conditionText,
  isRevision,
  operationRevisions,
  short,
  trackedSources
} from './application.js'
import type { Assessment, Expectation } from './assess.js'
import { effectiveTag, repositoryOf, shownRunning, type WantedImage } from './images.js'
import { describePullFailure, type Tree } from './pods.js'

export type ObstacleKind =
  'image-pull' | 'sync-failed' | 'revision' | 'out-of-sync' | 'health' | 'images'

/** What stands between what Argo CD shows and a verified promotion, worded for the user. */
export interface Obstacle {
  readonly kind: ObstacleKind
  readonly message: string
  readonly hint: string
  /** Will not fix itself: reported before the timeout once it persists. */
  readonly definite: boolean
}

/**
 * The first obstacle, most specific first: a pull failure or a failed sync explains everything
 * after it; Synced and Healthy with the old image last (incident 1, "Synced, 0 updated").
 */
export function findObstacle(
  a: Omit<Assessment, 'obstacle'>,
  app: Application,
  tree: Tree,
  expected: Expectation
): Obstacle | undefined {
  const name = expected.application
  const promotion = expected.revision ? short(expected.revision) : undefined
  const atCommit = promotion ? ` at the promotion commit ${promotion}` : ''

  if (a.pullFailures.length > 0 && a.atPromotion) {
    return {
      kind: 'image-pull',
      message: a.pullFailures.map(describePullFailure).join('\n'),
      hint: "Argo CD's Degraded is accurate: the image is missing from the registry, or the nodes cannot pull it (imagePullSecrets, registry credentials — an ECR token expires after 12 hours). Fix the image or the pull access, or git revert the promotion commit; not Argo CD.",
      definite: true
    }
  }

  const op = a.operation
  const opFailed = op?.phase === 'Failed' || op?.phase === 'Error'
  if (
    opFailed &&
    a.sync !== 'Synced' &&
    (expected.revision === undefined ||
      operationRevisions(op).some(r => isRevision(r, expected.revision!)))
  ) {
    return {
      kind: 'sync-failed',
      message: `Argo CD application ${name} is ${a.sync}: the sync to the promotion commit${promotion ? ` ${promotion}` : ''} ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message || 'no message'}${conditionText(app)}`,
      hint: `Argo CD does not retry a failed automated sync of the same commit. Read the sync result (argocd app get ${name}), fix the manifests, and promote again.`,
      definite: true
    }
  }

  if (!a.atPromotion) {
    const where = trackedSources(app)
    return {
      kind: 'revision',
      message:
        a.revisions.length === 0
          ? `Argo CD has not compared application ${name} with any revision yet, so it is not at the promotion commit ${promotion}`
          : `Argo CD is at revision ${a.revisions.map(short).join(', ')}, not the promotion commit ${promotion}`,
      hint: `${where ? `The application tracks ${where}: ` : ''}check that its targetRevision tracks the branch promoted into (a pull request must be merged first), and that Argo CD can fetch the repository (argocd app get ${name} --refresh).`,
      definite: false
    }
  }

  if (a.sync !== 'Synced') {
    const automated = automatedSync(app)
    const why: string[] = []
    if (op?.phase === 'Running' || op?.phase === 'Terminating') {
      why.push(`a sync is ${op.phase.toLowerCase()}${op.message ? ` (${op.message})` : ''}`)
    } else if (opFailed) {
      why.push(
        `the last sync ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message || 'no message'}`
      )
    } else if (op?.phase === 'Succeeded' && op.message) {
      why.push(`the last sync said: ${op.message}`)
    }
    const conditions = conditionText(app)
    if (!automated) why.push('automated sync is off for this application, so nothing syncs it')
    return {
      kind: 'out-of-sync',
      message: `Argo CD application ${name} ${a.sync === 'OutOfSync' ? 'is OutOfSync' : `has sync status ${a.sync}`}${atCommit}: ${why.join('; ') || 'no sync has finished yet'}${conditions}`,
      hint: automated
        ? `See what differs and why the sync did not apply it: argocd app diff ${name}; argocd app get ${name}.`
        : `Sync it (argocd app sync ${name}) or enable spec.syncPolicy.automated; verify only reads.`,
      definite: false
    }
  }

  if (a.health !== 'Healthy') {
    const details = [
      ...(app.status?.health?.message ? [app.status.health.message] : []),
      ...tree.unhealthy().slice(0, 3)
    ]
    return {
      kind: 'health',
      message: `Argo CD application ${name} is Synced${atCommit} but ${a.health}${details.length > 0 ? `: ${details.join('; ')}` : ''}`,
      hint: `Inspect the workloads that are not Healthy: argocd app get ${name} --show-operation; kubectl describe the pods.`,
      definite: false
    }
  }

  if (a.missing.length > 0) {
    return {
      kind: 'images',
      message: `Argo CD reports Synced and Healthy${atCommit}, but ${a.missing.map(w => stale(w, a.running, tree)).join('; and ')}`,
      hint: `"Synced, 0 updated": Argo CD applied the commit but no workload changed. Check that the promoted file is the one this application renders${trackedSources(app) ? ` (${trackedSources(app)})` : ''}, and that nothing else sets the image (a parameter override in the Application, an image updater, a mutating webhook).`,
      definite: true
    }
  }
  return undefined
}

function stale(wanted: WantedImage, running: readonly string[], tree: Tree): string {
  const others = running.filter(image => repositoryOf(image) === wanted.repository)
  const promoted = wanted.ref.digest ?? `${wanted.ref.name}:${effectiveTag(wanted.ref)}`
  if (others.length === 0) {
    return `no pod runs ${wanted.ref.name} (running: ${running.join(', ') || 'no images'}) while ${promoted} was promoted`
  }
  const workloads = tree.workloadsRunning(others)
  return `the pods still run ${others.map(shownRunning).join(', ')} while ${promoted} was promoted${workloads.length > 0 ? ` (${workloads.join(', ')} ${workloads.length === 1 ? 'carries' : 'carry'} the old image)` : ''}`
}
