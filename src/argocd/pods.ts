/**
 * Pod inspection: the application's resource tree walked from pods up to their
 * workloads, and the pods that cannot pull an image, grouped per workload with
 * kubelet's own words (incident 4: a Degraded that was accurate).
 */
import type { ApplicationTree, KubeEvent, ResourceNode, ResourceRef } from './api.js'
import { clip } from './application.js'

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

const PULL_REASON =
  /ImagePullBackOff|ErrImagePull|InvalidImageName|ErrImageNeverPull|ImageInspectError|RegistryUnavailable/
const PULL_MESSAGE =
  /ImagePullBackOff|ErrImagePull|Back-off pulling image|Failed to pull image|pull access denied|InvalidImageName/i
const PULL_CAUSE = /not found|manifest unknown|unauthorized|no basic auth credentials|denied/i
const QUOTED_IMAGE = /image "([^"]+)"/i
const CONTAINER_PATH = /spec\.(initContainers|containers|ephemeralContainers)\{([^}]+)\}/
/** Owners followed from a pod up: Pod → ReplicaSet → Deployment, Pod → Job → CronJob. */
const MAX_OWNER_DEPTH = 8

/** Pods worth reading events for: not Healthy, newest first, at most `limit`. */
export function podsToInspect(tree: ApplicationTree | undefined, limit: number): ResourceNode[] {
  return (tree?.nodes ?? [])
    .filter(n => n.kind === 'Pod' && n.uid && n.health?.status !== 'Healthy')
    .filter(n => statusReason(n) !== 'Completed')
    .slice(-limit)
    .reverse()
}

/** `workload Deployment/api is Degraded: ImagePullBackOff for image … (pod api-1, 3 back-offs)` */
export function describePullFailure(f: PullFailure): string {
  const facts = [
    ...(f.container ? [f.container] : []),
    `${f.pods.length === 1 ? 'pod' : 'pods'} ${f.pods.join(', ')}`,
    ...(f.backOffs ? [`${f.backOffs.toLocaleString('en-US')} back-offs`] : [])
  ]
  const detail = f.detail ? `; kubelet: ${f.detail}` : ''
  return `workload ${f.workload} is ${f.workloadHealth}: ${f.reason}${f.image ? ` for image ${f.image}` : ''} (${facts.join(', ')})${detail}`
}

/** Pods that cannot pull an image, one entry per workload, reason and image. */
export function findPullFailures(
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
export class Tree {
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
