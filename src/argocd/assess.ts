/**
 * The pure core of verify: one snapshot of an Argo CD application (the application, its
 * resource tree, the events of its unhealthy pods) in, a verdict out, worded after the incidents
 * in reference/incidents.md: "Synced, 0 updated" with the old digest still running (1), and a
 * Degraded that was accurate because the image could not be pulled (4).
 */
import { canonicalRepository, parseReference, type ImageReference } from '../reference/index.js'
import type {
  Application,
  ApplicationSource,
  ApplicationTree,
  KubeEvent,
  OperationState,
  ResourceNode,
  ResourceRef
} from './api.js'

export interface WantedImage {
  /** As the user passed it. */
  readonly text: string
  readonly ref: ImageReference
  /** canonicalRepository(ref): equal for every spelling of the repository. */
  readonly repository: string
}

export interface Target {
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

/** Pods of one workload that cannot pull one image. */
export interface PullFailure {
  /** Kind/name of the top-level owner: Deployment/api. */
  readonly workload: string
  readonly workloadHealth: string
  readonly pods: readonly string[]
  /** As kubectl shows it: ImagePullBackOff, Init:ImagePullBackOff, ErrImagePull… */
  readonly reason: string
  readonly image?: string
  /** e.g. "init container db-migrate", from the events' fieldPath. */
  readonly container?: string
  /** kubelet's back-off count, from the BackOff events. */
  readonly backOffs?: number
  /** kubelet's own words: `Failed to pull image "…": … not found`. */
  readonly detail?: string
}

export type ProblemKind =
  'image-pull' | 'sync-failed' | 'revision' | 'out-of-sync' | 'health' | 'images'

export interface Problem {
  readonly kind: ProblemKind
  readonly message: string
  readonly hint: string
  /** Will not fix itself: reported before the timeout once it persists. */
  readonly definite: boolean
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
  readonly problem?: Problem
}

const PULL_REASON =
  /ImagePullBackOff|ErrImagePull|InvalidImageName|ErrImageNeverPull|ImageInspectError|RegistryUnavailable/
const PULL_MESSAGE =
  /ImagePullBackOff|ErrImagePull|Back-off pulling image|Failed to pull image|pull access denied|InvalidImageName/i
const PULL_CAUSE = /not found|manifest unknown|unauthorized|no basic auth credentials|denied/i
const QUOTED_IMAGE = /image "([^"]+)"/i
const CONTAINER_PATH = /spec\.(initContainers|containers|ephemeralContainers)\{([^}]+)\}/
/** Owners followed from a pod up: Pod → ReplicaSet → Deployment, Pod → Job → CronJob. */
const MAX_OWNER_DEPTH = 8

/** Parses a wanted reference; throws InvalidReferenceError. */
export function wantedImage(text: string): WantedImage {
  const ref = parseReference(text)
  return { text, ref, repository: canonicalRepository(ref) }
}

/**
 * Whether an image Argo CD reports (a pod spec's image) is the wanted one: same repository in
 * any spelling, and the same digest when one was pinned, else the same tag.
 */
export function imageMatches(wanted: WantedImage, running: string): boolean {
  const ref = tryParse(running)
  if (!ref || canonicalRepository(ref) !== wanted.repository) return false
  if (wanted.ref.digest) return ref.digest === wanted.ref.digest
  return effectiveTag(ref) === effectiveTag(wanted.ref)
}

/** Whether an observed revision is the promotion commit (a prefix of it, case-insensitively). */
export function isRevision(observed: string, wanted: string): boolean {
  return observed.length >= wanted.length && observed.toLowerCase().startsWith(wanted)
}

export function assess(snapshot: Snapshot, target: Target): Assessment {
  const status = snapshot.app.status ?? {}
  const sync = status.sync?.status || 'Unknown'
  const health = status.health?.status || 'Unknown'
  const revisions = observedRevisions(snapshot.app)
  const matchedRevision = target.revision
    ? revisions.find(r => isRevision(r, target.revision!))
    : undefined
  const atPromotion = target.revision === undefined || matchedRevision !== undefined
  const running = [...(status.summary?.images ?? [])]
  const matched = running.filter(image => target.images.some(w => imageMatches(w, image)))
  const missing = target.images.filter(w => !running.some(image => imageMatches(w, image)))
  const lingering = running.filter(
    image =>
      !matched.includes(image) && target.images.some(w => repositoryOf(image) === w.repository)
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
  return { ...base, problem: findProblem(base, snapshot.app, tree, target) }
}

/** Pods worth reading events for: not Healthy, newest first, at most `limit`. */
export function podsToInspect(tree: ApplicationTree | undefined, limit: number): ResourceNode[] {
  return (tree?.nodes ?? [])
    .filter(n => n.kind === 'Pod' && n.uid && n.health?.status !== 'Healthy')
    .filter(n => statusReason(n) !== 'Completed')
    .slice(-limit)
    .reverse()
}

/** "argocd: OutOfSync / Progressing at abc1234, waiting for def5678 (12 s)" */
export function progressLine(a: Assessment, target: Target, elapsedSeconds: number): string {
  const waiting: string[] = []
  if (!a.atPromotion && target.revision) waiting.push(short(target.revision))
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

// ---------------------------------------------------------------------------------------------

function findProblem(
  a: Omit<Assessment, 'problem'>,
  app: Application,
  tree: Tree,
  target: Target
): Problem | undefined {
  const name = target.application
  const promotion = target.revision ? short(target.revision) : undefined
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
    (target.revision === undefined ||
      operationRevisions(op).some(r => isRevision(r, target.revision!)))
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

function describePullFailure(f: PullFailure): string {
  const facts = [
    ...(f.container ? [f.container] : []),
    `${f.pods.length === 1 ? 'pod' : 'pods'} ${f.pods.join(', ')}`,
    ...(f.backOffs ? [`${f.backOffs.toLocaleString('en-US')} back-offs`] : [])
  ]
  const detail = f.detail ? `; kubelet: ${f.detail}` : ''
  return `workload ${f.workload} is ${f.workloadHealth}: ${f.reason}${f.image ? ` for image ${f.image}` : ''} (${facts.join(', ')})${detail}`
}

function findPullFailures(
  tree: Tree,
  events: ReadonlyMap<string, readonly KubeEvent[]>
): PullFailure[] {
  const groups = new Map<string, PullFailure & { pods: string[] }>()
  for (const pod of tree.pods()) {
    const reason = statusReason(pod) ?? ''
    const healthMessage = pod.health?.message ?? ''
    const podEvents = (pod.uid ? events.get(pod.uid) : undefined) ?? []
    const pullEvents = podEvents
      // kubelet records "Back-off pulling image" as a Normal event, the failures as Warnings.
      .filter(
        e => (e.type === 'Warning' || e.reason === 'BackOff') && isPullMessage(e.message ?? '')
      )
      .sort((x, y) => (x.lastTimestamp ?? '').localeCompare(y.lastTimestamp ?? ''))
    // Events outlive a recovered pull by an hour: alone they count only for a pod not running.
    const fromEvents =
      pullEvents.length > 0 &&
      pod.health?.status !== 'Healthy' &&
      reason !== 'Running' &&
      reason !== 'Completed'
    if (!PULL_REASON.test(reason) && !isPullMessage(healthMessage) && !fromEvents) continue

    const image =
      QUOTED_IMAGE.exec(healthMessage)?.[1] ??
      pullEvents
        .map(e => QUOTED_IMAGE.exec(e.message ?? '')?.[1])
        .filter(Boolean)
        .pop()
    const path = pullEvents
      .map(e => CONTAINER_PATH.exec(e.involvedObject?.fieldPath ?? ''))
      .filter(Boolean)
      .pop()
    const init = path?.[1] === 'initContainers'
    const container = path ? `${init ? 'init container' : 'container'} ${path[2]}` : undefined
    const backedOff = pullEvents.some(
      e => e.reason === 'BackOff' || /ImagePullBackOff/.test(e.message ?? '')
    )
    const shownReason = PULL_REASON.test(reason)
      ? reason
      : `${init ? 'Init:' : ''}${backedOff || /Back-off/i.test(healthMessage) ? 'ImagePullBackOff' : 'ErrImagePull'}`
    const backOffs = pullEvents
      .filter(e => e.reason === 'BackOff')
      .reduce((sum, e) => sum + (e.count ?? 1), 0)
    const failed = pullEvents.filter(e => /Failed to pull image/i.test(e.message ?? '')).pop()
    const secret = podEvents.find(e => e.reason === 'FailedToRetrieveImagePullSecret')
    const detail = [failed?.message, secret?.message]
      .filter((m): m is string => !!m)
      .map(m => clip(m, 600))
      .join('; ')

    const owner = tree.owner(pod)
    const workload = label(owner)
    const key = `${workload}\u0000${shownReason}\u0000${image ?? ''}`
    const group = groups.get(key)
    if (group) {
      group.pods.push(pod.name ?? '?')
      continue
    }
    groups.set(key, {
      workload,
      workloadHealth:
        ('health' in owner && owner.health?.status) || pod.health?.status || 'Unknown',
      pods: [pod.name ?? '?'],
      reason: shownReason,
      image,
      container,
      backOffs: backOffs > 0 ? backOffs : undefined,
      detail:
        detail || (healthMessage && !QUOTED_IMAGE.test(healthMessage) ? healthMessage : undefined)
    })
  }
  return [...groups.values()]
}

function isPullMessage(text: string): boolean {
  return PULL_MESSAGE.test(text) || (/image/i.test(text) && PULL_CAUSE.test(text))
}

/** The application's resource tree, indexed for walking from pods to their workloads. */
class Tree {
  private readonly nodes: readonly ResourceNode[]
  private readonly byKey = new Map<string, ResourceNode>()

  constructor(tree: ApplicationTree | undefined) {
    this.nodes = tree?.nodes ?? []
    for (const node of this.nodes) {
      if (node.uid) this.byKey.set(node.uid, node)
      this.byKey.set(refKey(node), node)
    }
  }

  pods(): ResourceNode[] {
    return this.nodes.filter(n => n.kind === 'Pod')
  }

  /** The top-level owner (Deployment, StatefulSet, CronJob…), or the node itself. */
  owner(node: ResourceNode): ResourceNode | ResourceRef {
    let current: ResourceNode | ResourceRef = node
    for (let depth = 0; depth < MAX_OWNER_DEPTH; depth++) {
      const parent: ResourceRef | undefined = (current as ResourceNode).parentRefs?.[0]
      if (!parent) break
      current =
        (parent.uid && this.byKey.get(parent.uid)) || this.byKey.get(refKey(parent)) || parent
    }
    return current
  }

  /** Workloads whose pods run any of `images`. */
  workloadsRunning(images: readonly string[]): string[] {
    const found = this.pods()
      .filter(pod => (pod.images ?? []).some(image => images.includes(image)))
      .map(pod => label(this.owner(pod)))
    return [...new Set(found)]
  }

  /** "Deployment/api: Progressing (Waiting for rollout to finish…)", workloads before pods. */
  unhealthy(): string[] {
    const bad = this.nodes.filter(
      n => n.health?.status && n.health.status !== 'Healthy' && n.kind !== 'ReplicaSet'
    )
    bad.sort((x, y) => Number(x.kind === 'Pod') - Number(y.kind === 'Pod'))
    return bad.map(
      n =>
        `${label(n)} ${n.health!.status}${n.health!.message ? ` (${clip(n.health!.message, 200)})` : ''}`
    )
  }
}

function refKey(ref: ResourceRef): string {
  return [ref.group ?? '', ref.kind ?? '', ref.namespace ?? '', ref.name ?? ''].join('\u0000')
}

function label(ref: ResourceRef): string {
  return `${ref.kind ?? '?'}/${ref.name ?? '?'}`
}

function statusReason(node: ResourceNode): string | undefined {
  return node.info?.find(i => i.name === 'Status Reason')?.value
}

function observedRevisions(app: Application): string[] {
  const sync = app.status?.sync
  const all = [sync?.revision, ...(sync?.revisions ?? [])]
  return [...new Set(all.filter((r): r is string => typeof r === 'string' && r !== ''))]
}

function operationRevisions(op: OperationState): string[] {
  const result = op.syncResult
  return [result?.revision, ...(result?.revisions ?? [])].filter(
    (r): r is string => typeof r === 'string' && r !== ''
  )
}

function conditionText(app: Application): string {
  const shown = (app.status?.conditions ?? [])
    .filter(c => c.type && /Error|Warning/.test(c.type) && c.message)
    .map(c => `${c.type}: ${clip(c.message!, 300)}`)
  return shown.length > 0 ? `; ${shown.join('; ')}` : ''
}

function automatedSync(app: Application): boolean {
  const automated = app.spec?.syncPolicy?.automated
  return automated != null && automated.enabled !== false
}

/** "https://git.example/config.git path apps/api/overlays/prod at main" */
function trackedSources(app: Application): string {
  const sources: ApplicationSource[] = app.spec?.sources
    ? [...app.spec.sources]
    : app.spec?.source
      ? [app.spec.source]
      : []
  return sources
    .filter(s => s.repoURL)
    .map(
      s =>
        `${s.repoURL}${s.path ? ` path ${s.path}` : ''}${s.chart ? ` chart ${s.chart}` : ''} at targetRevision ${s.targetRevision || 'HEAD'}`
    )
    .join(', ')
}

function tryParse(image: string): ImageReference | undefined {
  try {
    return parseReference(image)
  } catch {
    // Argo CD reports what the pod spec says; anything we cannot parse is not what we pinned.
    return undefined
  }
}

function repositoryOf(image: string): string | undefined {
  const ref = tryParse(image)
  return ref && canonicalRepository(ref)
}

function effectiveTag(ref: ImageReference): string | undefined {
  return ref.tag ?? (ref.digest ? undefined : 'latest')
}

/** repo@sha256:… when pinned, else as written. */
function shownRunning(image: string): string {
  const ref = tryParse(image)
  return ref?.digest ? `${ref.name}@${ref.digest}` : image
}

function shortImage(w: WantedImage): string {
  const name = w.ref.path.split('/').pop()
  return w.ref.digest ? `${name}@${w.ref.digest.slice(0, 19)}` : `${name}:${effectiveTag(w.ref)}`
}

export function shownRevisions(revisions: readonly string[]): string {
  return revisions.length > 0 ? revisions.map(short).join(',') : 'no revision'
}

export function short(revision: string): string {
  return /^[0-9a-f]{40,64}$/i.test(revision) ? revision.slice(0, 7) : revision
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
