/**
 * The pure core of verify: one snapshot of an Argo CD application (the application, its
 * resource tree, the events of its unhealthy pods) in, a verdict out, worded after the incidents
 * in reference/incidents.md: "Synced, 0 updated" with the old digest still running (1), and a
 * Degraded that was accurate because the image could not be pulled (4).
 */
import type { Application, ApplicationTree, KubeEvent, OperationState } from './api.js'
import { isRevision, observedRevisions, shownRevisions, short } from './application.js'
import { imageMatches, repositoryOf, shortImage, type WantedImage } from './images.js'
import { findObstacle, type Obstacle } from './obstacles.js'
import { findPullFailures, Tree, type PullFailure } from './pods.js'

/** What verify waits for: the application at the promotion commit, running the wanted images. */
export interface Expectation {
  /** As shown to users: name, or namespace/name. */
  readonly application: string
  /** The promotion commit, lower case; full or a prefix of at least 7. */
  readonly revision?: string
  readonly images: readonly WantedImage[]
}

export interface Snapshot {
  readonly app: Application
  /** Undefined when the tree could not be read this poll. */
  readonly tree?: ApplicationTree
  /** Events by pod uid, for the pods whose events were read. */
  readonly events: ReadonlyMap<string, readonly KubeEvent[]>
}

export interface Assessment {
  readonly sync: string
  readonly health: string
  /** status.sync.revision, or .revisions of a multi-source application. */
  readonly revisions: readonly string[]
  /** The observed revision that is the promotion commit. */
  readonly matchedRevision?: string
  /** At the promotion commit, or no commit was asked for. */
  readonly atPromotion: boolean
  /** status.summary.images: the images in the pods' specs. */
  readonly running: readonly string[]
  /** Running images that are wanted ones. */
  readonly matched: readonly string[]
  readonly missing: readonly WantedImage[]
  readonly pullFailures: readonly PullFailure[]
  readonly operation?: OperationState
  /** Other digests or tags of the wanted repositories still in some pod. */
  readonly lingering: readonly string[]
  /** Undefined: verified. */
  readonly obstacle?: Obstacle
}

export function assess(snapshot: Snapshot, expected: Expectation): Assessment {
  const status = snapshot.app.status ?? {}
  const sync = status.sync?.status || 'Unknown'
  const health = status.health?.status || 'Unknown'
  const revisions = observedRevisions(snapshot.app)
  const matchedRevision = expected.revision
    ? revisions.find(r => isRevision(r, expected.revision!))
    : undefined
  const atPromotion = expected.revision === undefined || matchedRevision !== undefined
  const running = [...(status.summary?.images ?? [])]
  const matched = running.filter(image => expected.images.some(w => imageMatches(w, image)))
  const missing = expected.images.filter(w => !running.some(image => imageMatches(w, image)))
  const lingering = running.filter(
    image =>
      !matched.includes(image) && expected.images.some(w => repositoryOf(image) === w.repository)
  )
  const tree = new Tree(snapshot.tree)
  const pullFailures = findPullFailures(tree, snapshot.events)
  const operation = status.operationState ?? undefined
  const base = {
    sync,
    health,
    revisions,
    matchedRevision,
    atPromotion,
    running,
    matched,
    missing,
    pullFailures,
    operation,
    lingering
  }
  return { ...base, obstacle: findObstacle(base, snapshot.app, tree, expected) }
}

/** "argocd: OutOfSync / Progressing at abc1234, waiting for def5678 (12 s)" */
export function progressLine(a: Assessment, expected: Expectation, elapsedSeconds: number): string {
  const waiting: string[] = []
  if (!a.atPromotion && expected.revision) waiting.push(short(expected.revision))
  else {
    if (a.sync !== 'Synced') waiting.push('Synced')
    if (a.health !== 'Healthy') waiting.push('Healthy')
    if (a.missing.length > 0) waiting.push(`pods running ${a.missing.map(shortImage).join(', ')}`)
  }
  const phase = a.operation?.phase
  const op = phase && phase !== 'Succeeded' ? ` (sync ${phase})` : ''
  const pulls = a.pullFailures.map(
    f => `; ${f.workload}: ${f.reason}${f.image ? ` for ${f.image}` : ''}`
  )
  const until = waiting.length > 0 ? `, waiting for ${waiting.join(', ')}` : ''
  return `argocd: ${a.sync} / ${a.health} at ${shownRevisions(a.revisions)}${op}${until} (${elapsedSeconds} s)${pulls.join('')}`
}

/** "OutOfSync / Progressing at abc1234": the last state, for a timeout. */
export function stateLine(a: Assessment): string {
  return `${a.sync} / ${a.health} at ${shownRevisions(a.revisions)}`
}
