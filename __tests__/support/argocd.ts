// A loopback fake of the Argo CD API server: the three GET endpoints verify reads
// (/api/v1/applications/{name}, …/resource-tree, …/events), answering with the shapes of
// pkg/apis/application/v1alpha1/types.go and core/v1 Events, and with Argo CD's grpc-gateway
// errors ({error, code, message}). A test scripts each application as a timeline of states: the
// n-th read of the application answers state n (the last one repeats), and the tree and events
// follow the state last read. Workloads are described at the level a test cares about (images,
// health, an image pull failure); the fake builds the Deployment → ReplicaSet → Pod nodes, pod
// "Status Reason" info and health, summary.images and kubelet's events the way the controller,
// gitops-engine's health checks and kubelet would.
import { createHash, randomBytes } from 'node:crypto'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// ---------------------------------------------------------------------------------------------
// Public API

export type HealthCode =
  'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown'
export type SyncCode = 'Synced' | 'OutOfSync' | 'Unknown'
export type OperationPhase = 'Running' | 'Terminating' | 'Failed' | 'Error' | 'Succeeded'

export interface PullFailure {
  /** The image kubelet cannot pull, as in the pod spec. */
  image: string
  /** Set for an init container (incident 4's db-migrate): the pod stays Pending. */
  initContainer?: string
  /** The container's name otherwise; default the workload's name. */
  container?: string
  /** What containerd said; default a "not found" from the registry. */
  detail?: string
  /** kubelet's BackOff event count; default 12. */
  backOffs?: number
  /** Add the FailedToRetrieveImagePullSecret warning of incident 3. */
  pullSecretMissing?: string
}

export interface FakePod {
  /** The pod spec's images, init containers included: what Argo CD lists in summary.images. */
  images: string[]
  /** Default: Healthy, or what gitops-engine says for the pull failure. */
  health?: HealthCode
  healthMessage?: string
  /** The "Status Reason" info item; default Running, or kubelet's reason for the pull failure. */
  statusReason?: string
  pullFailure?: PullFailure
}

export interface FakeWorkload {
  kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet'
  name: string
  /** Default 'default'. */
  namespace?: string
  /** Default Healthy when every pod is, else Progressing. */
  health?: HealthCode
  healthMessage?: string
  pods: FakePod[]
}

export interface FakeOperation {
  phase: OperationPhase
  message?: string
  /** syncResult.revision; default the state's revision. */
  revision?: string
}

export interface AppState {
  sync: SyncCode
  /** status.sync.revision of a single-source application. */
  revision?: string
  /** status.sync.revisions of a multi-source application (then `revision` is omitted). */
  revisions?: string[]
  health: HealthCode
  healthMessage?: string
  workloads?: FakeWorkload[]
  /** status.summary.images; default every pod's images, sorted and deduplicated, as Argo CD does. */
  images?: string[]
  operation?: FakeOperation
  conditions?: { type: string; message: string }[]
}

export interface FakeSource {
  repoURL: string
  path?: string
  chart?: string
  targetRevision?: string
}

export interface FakeApplication {
  name: string
  /** Default 'argocd', Argo CD's own namespace. */
  namespace?: string
  project?: string
  /** Default a Kustomize overlay of a config repo at main. */
  source?: FakeSource
  /** A multi-source application: spec.sources instead of spec.source. */
  sources?: FakeSource[]
  /** spec.syncPolicy.automated; default true. */
  automated?: boolean
  timeline: AppState[]
}

export type Endpoint = 'application' | 'resource-tree' | 'events' | 'other'

export interface ArgoRequest {
  method: string
  /** Path plus query, as sent. */
  path: string
  endpoint: Endpoint
  /** The application's namespace/name, for the three endpoints. */
  application?: string
  /** The refresh query parameter (normal, hard), when the client asked for one. */
  refresh?: string
  /** 'valid': the full-access token; 'denied': the token without `applications, get`. */
  auth: 'valid' | 'denied' | 'invalid' | 'none'
  /** Status answered; 0 while pending, or when a fault hung or reset the request. */
  status: number
}

export interface Fault {
  /** Ignored when `hang` or `reset` is set. */
  status: number
  headers?: Record<string, string>
  body?: string
  delayMs?: number
  /** Never answer; the connection stays open until the client gives up or the fake stops. */
  hang?: boolean
  /** Destroy the socket instead of answering. */
  reset?: boolean
}

/** Returns a Fault to answer with instead of the fake; undefined lets the request through. */
export type Injector = (req: {
  method: string
  path: string
  endpoint: Endpoint
}) => Fault | undefined

export interface StartOptions {
  /**
   * Answer 404 for a missing application, as Argo CD did before v2.3.4. Newer servers answer
   * 403 "permission denied" unless the request names the project, so a token cannot probe names.
   */
  legacyNotFound?: boolean
}

export interface FakeArgoCD {
  /** 'http://127.0.0.1:PORT' */
  url: string
  /** A token of an account allowed `applications, get` everywhere. */
  token: string
  /** A valid token of an account with no permission on any application. */
  deniedToken: string
  /** Every request, in arrival order; never holds a token. */
  readonly requests: ArgoRequest[]
  /** Defines or replaces an application and restarts its timeline. */
  setApplication(app: FakeApplication): void
  /** How many times the application was read (successfully) so far. */
  reads(name: string, namespace?: string): number
  inject(fn: Injector | undefined): void
  stop(): Promise<void>
}

// ---------------------------------------------------------------------------------------------

const JSON_TYPE = 'application/json'
const ARGOCD_NAMESPACE = 'argocd'
const EPOCH = Date.parse('2026-03-02T09:00:00Z')
const DEFAULT_SOURCE: FakeSource = {
  repoURL: 'https://git.example.com/acme/config.git',
  path: 'apps/api/overlays/prod',
  targetRevision: 'main'
}

/** gRPC codes Argo CD's gateway puts in error bodies. */
const CODE = { invalidArgument: 3, notFound: 5, permissionDenied: 7, unauthenticated: 16 }

interface Stored {
  app: FakeApplication
  reads: number
}

export async function startArgoCD(options: StartOptions = {}): Promise<FakeArgoCD> {
  const token = fakeJwt('ci-verify')
  const deniedToken = fakeJwt('no-access')
  const apps = new Map<string, Stored>()
  const requests: ArgoRequest[] = []
  let injector: Injector | undefined
  let stopped = false

  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake')
    const route = /^\/api\/v1\/applications\/([^/]+)(\/resource-tree|\/events)?$/.exec(url.pathname)
    const endpoint: Endpoint = route
      ? route[2] === '/resource-tree'
        ? 'resource-tree'
        : route[2] === '/events'
          ? 'events'
          : 'application'
      : 'other'
    const name = route ? decodeURIComponent(route[1] ?? '') : undefined
    const namespace = url.searchParams.get('appNamespace') || ARGOCD_NAMESPACE
    const entry: ArgoRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      endpoint,
      ...(name !== undefined && { application: `${namespace}/${name}` }),
      ...(url.searchParams.has('refresh') && { refresh: url.searchParams.get('refresh') ?? '' }),
      auth: authOf(req.headers.authorization, token, deniedToken),
      status: 0
    }
    requests.push(entry)
    const send = (status: number, body: unknown, type = JSON_TYPE): void => {
      entry.status = status
      const text = typeof body === 'string' ? body : JSON.stringify(body)
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) })
      res.end(text)
    }
    const error = (status: number, code: number, message: string): void =>
      send(status, { error: message, code, message })

    const fault = injector?.({ method: entry.method, path: entry.path, endpoint })
    if (fault) {
      if (fault.delayMs) await new Promise(resolve => setTimeout(resolve, fault.delayMs))
      if (fault.hang) return
      if (fault.reset) {
        req.socket.destroy()
        return
      }
      entry.status = fault.status
      res.writeHead(fault.status, { 'content-type': JSON_TYPE, ...fault.headers })
      res.end(fault.body ?? '')
      return
    }

    if (!url.pathname.startsWith('/api/')) {
      // The UI answers every other path, as argocd-server does.
      send(200, '<!doctype html><html><body><div id="app"></div></body></html>', 'text/html')
      return
    }
    if (entry.auth === 'none') return error(401, CODE.unauthenticated, 'no session information')
    if (entry.auth === 'invalid') {
      return error(401, CODE.unauthenticated, 'invalid session: token is malformed')
    }
    if (req.method !== 'GET' || name === undefined) {
      return error(404, CODE.notFound, 'Not Found')
    }
    const stored = apps.get(`${namespace}/${name}`)
    if (!stored || entry.auth === 'denied') {
      if (stored || (!options.legacyNotFound && !url.searchParams.get('project'))) {
        return error(403, CODE.permissionDenied, 'permission denied')
      }
      return error(404, CODE.notFound, `applications.argoproj.io "${name}" not found`)
    }

    if (endpoint === 'application') stored.reads++
    const index = Math.min(Math.max(stored.reads - 1, 0), stored.app.timeline.length - 1)
    const state = stored.app.timeline[index]
    if (!state) return error(500, 2, 'fake: the application has an empty timeline')
    const tree = buildTree(state)

    if (endpoint === 'application') return send(200, applicationJson(stored.app, state, tree))
    if (endpoint === 'resource-tree') return send(200, { nodes: tree.nodes })
    const resourceName = url.searchParams.get('resourceName') ?? ''
    const resourceUID = url.searchParams.get('resourceUID') ?? ''
    if (!resourceName && !resourceUID) {
      return send(200, { metadata: {}, items: [] })
    }
    const node = tree.nodes.find(
      n =>
        n.uid === resourceUID &&
        n.name === resourceName &&
        n.namespace === (url.searchParams.get('resourceNamespace') ?? '')
    )
    if (!node) {
      return error(
        400,
        CODE.invalidArgument,
        `${resourceName} not found as part of application ${name}`
      )
    }
    return send(200, {
      metadata: { resourceVersion: '48213' },
      items: tree.events.filter(e => e.involvedObject.uid === resourceUID)
    })
  }

  const server = http.createServer((req, res) => {
    listener(req, res).catch(err => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': JSON_TYPE })
        res.end(JSON.stringify({ error: String(err), code: 2, message: String(err) }))
      } else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  // A test that forgets stop() must not keep Jest alive.
  server.unref()

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    deniedToken,
    requests,
    setApplication(app) {
      if (app.timeline.length === 0) throw new Error('fake Argo CD: a timeline needs a state')
      apps.set(`${app.namespace ?? ARGOCD_NAMESPACE}/${app.name}`, { app, reads: 0 })
    },
    reads(name, namespace = ARGOCD_NAMESPACE) {
      return apps.get(`${namespace}/${name}`)?.reads ?? 0
    },
    inject(fn) {
      injector = fn
    },
    async stop() {
      if (stopped) return
      stopped = true
      injector = undefined
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        // Hung (fault-injected) and keep-alive connections would otherwise hold close() forever.
        server.closeAllConnections()
      })
    }
  }
}

/** A fresh 40-hex commit sha, as a promotion commit would be. */
export function commitSha(seed: string = randomBytes(8).toString('hex')): string {
  return createHash('sha1').update(seed).digest('hex')
}

/** A fresh sha256 digest. */
export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`
}

// ---------------------------------------------------------------------------------------------
// Argo CD's shapes

interface Ref {
  group?: string
  version: string
  kind: string
  namespace: string
  name: string
  uid: string
}

interface Node extends Ref {
  parentRefs?: Omit<Ref, 'version'>[]
  info?: { name: string; value: string }[]
  resourceVersion: string
  images?: string[]
  health?: { status: HealthCode; message?: string }
  networkingInfo?: { labels: Record<string, string> }
  createdAt: string
}

interface Event {
  metadata: {
    name: string
    namespace: string
    uid: string
    resourceVersion: string
    creationTimestamp: string
  }
  involvedObject: {
    kind: string
    namespace: string
    name: string
    uid: string
    apiVersion: string
    resourceVersion: string
    fieldPath: string
  }
  reason: string
  message: string
  source: { component: string; host: string }
  firstTimestamp: string
  lastTimestamp: string
  count: number
  type: 'Normal' | 'Warning'
  eventTime: null
  reportingComponent: string
  reportingInstance: string
}

function buildTree(state: AppState): { nodes: Node[]; events: Event[] } {
  const nodes: Node[] = []
  const events: Event[] = []
  for (const workload of state.workloads ?? []) {
    const kind = workload.kind ?? 'Deployment'
    const namespace = workload.namespace ?? 'default'
    const pods = workload.pods.map(podState)
    const owner: Node = {
      group: 'apps',
      version: 'v1',
      kind,
      namespace,
      name: workload.name,
      uid: uid(kind, namespace, workload.name),
      resourceVersion: version(workload.name),
      health: {
        status:
          workload.health ?? (pods.every(p => p.health === 'Healthy') ? 'Healthy' : 'Progressing'),
        ...(workload.healthMessage && { message: workload.healthMessage })
      },
      createdAt: iso(-86_400)
    }
    nodes.push(owner)
    // One ReplicaSet per pod template, as a rollout leaves them: the hash follows the images.
    const templates = new Map<string, Node>()
    pods.forEach((pod, i) => {
      let parent: Node = owner
      if (kind === 'Deployment') {
        const hash = podTemplateHash(pod.images)
        const rsName = `${workload.name}-${hash}`
        let rs = templates.get(hash)
        if (!rs) {
          rs = {
            group: 'apps',
            version: 'v1',
            kind: 'ReplicaSet',
            namespace,
            name: rsName,
            uid: uid('ReplicaSet', namespace, rsName),
            parentRefs: [parentRef(owner)],
            info: [{ name: 'Revision', value: `Rev:${templates.size + 1}` }],
            resourceVersion: version(rsName),
            health: { status: 'Healthy' },
            createdAt: iso(-3600)
          }
          templates.set(hash, rs)
          nodes.push(rs)
        }
        parent = rs
      }
      const podName =
        kind === 'StatefulSet'
          ? `${workload.name}-${i}`
          : `${parent.name}-${suffix(`${parent.name}/${i}`)}`
      const podNode: Node = {
        version: 'v1',
        kind: 'Pod',
        namespace,
        name: podName,
        uid: uid('Pod', namespace, podName),
        parentRefs: [parentRef(parent)],
        info: [
          { name: 'Status Reason', value: pod.statusReason },
          { name: 'Node', value: 'worker-1' },
          { name: 'Containers', value: pod.health === 'Healthy' ? '1/1' : '0/1' }
        ],
        resourceVersion: version(podName),
        images: pod.images,
        health: { status: pod.health, ...(pod.healthMessage && { message: pod.healthMessage }) },
        networkingInfo: { labels: { app: workload.name } },
        createdAt: iso(-600)
      }
      nodes.push(podNode)
      if (pod.pullFailure) events.push(...kubeletEvents(podNode, pod.pullFailure, workload.name))
    })
  }
  return { nodes, events }
}

/** gitops-engine's pod health and the controller's "Status Reason" for a pod. */
function podState(pod: FakePod): {
  images: string[]
  health: HealthCode
  healthMessage?: string
  statusReason: string
  pullFailure?: PullFailure
} {
  const failure = pod.pullFailure
  // An init container waiting on a pull leaves the pod Pending: Progressing without a message
  // (health_pod.go only looks at regular containers); a regular one makes it Degraded with
  // kubelet's waiting message.
  const derived: { health: HealthCode; healthMessage?: string; statusReason: string } = !failure
    ? { health: 'Healthy', statusReason: 'Running' }
    : failure.initContainer
      ? { health: 'Progressing', statusReason: 'Init:ImagePullBackOff' }
      : {
          health: 'Degraded',
          healthMessage: `Back-off pulling image "${failure.image}"`,
          statusReason: 'ImagePullBackOff'
        }
  return {
    images: pod.images,
    health: pod.health ?? derived.health,
    healthMessage: pod.healthMessage ?? derived.healthMessage,
    statusReason: pod.statusReason ?? derived.statusReason,
    pullFailure: failure
  }
}

/** What kubelet records for a pull that fails: image_manager.go and kuberuntime_container.go. */
function kubeletEvents(pod: Node, failure: PullFailure, workloadName: string): Event[] {
  const container = failure.initContainer ?? failure.container ?? workloadName
  const fieldPath = failure.initContainer
    ? `spec.initContainers{${container}}`
    : `spec.containers{${container}}`
  const detail =
    failure.detail ??
    `rpc error: code = NotFound desc = failed to pull and unpack image "${failure.image}": failed to resolve reference "${failure.image}": ${failure.image}: not found`
  const backOffs = failure.backOffs ?? 12
  const attempts = Math.max(1, Math.ceil(backOffs / 4))
  const event = (
    reason: string,
    type: 'Normal' | 'Warning',
    message: string,
    count: number,
    ageSeconds: number
  ): Event => ({
    metadata: {
      name: `${pod.name}.${suffix(`${pod.name}/${reason}/${message}`)}`,
      namespace: pod.namespace,
      uid: uid('Event', pod.namespace, `${pod.name}/${reason}/${message}`),
      resourceVersion: version(`${pod.name}/${reason}`),
      creationTimestamp: iso(-600)
    },
    involvedObject: {
      kind: 'Pod',
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
      apiVersion: 'v1',
      resourceVersion: pod.resourceVersion,
      fieldPath
    },
    reason,
    message,
    source: { component: 'kubelet', host: 'worker-1' },
    firstTimestamp: iso(-600),
    lastTimestamp: iso(-ageSeconds),
    count,
    type,
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'worker-1'
  })
  return [
    ...(failure.pullSecretMissing
      ? [
          event(
            'FailedToRetrieveImagePullSecret',
            'Warning',
            `Unable to retrieve some image pull secrets (${failure.pullSecretMissing}); attempting to pull the image may not succeed.`,
            attempts,
            40
          )
        ]
      : []),
    event('Pulling', 'Normal', `Pulling image "${failure.image}"`, attempts, 35),
    event('Failed', 'Warning', `Failed to pull image "${failure.image}": ${detail}`, attempts, 34),
    event('Failed', 'Warning', 'Error: ErrImagePull', attempts, 34),
    event('BackOff', 'Normal', `Back-off pulling image "${failure.image}"`, backOffs, 5),
    event('Failed', 'Warning', 'Error: ImagePullBackOff', backOffs, 5)
  ]
}

function applicationJson(app: FakeApplication, state: AppState, tree: { nodes: Node[] }): unknown {
  const namespace = app.namespace ?? ARGOCD_NAMESPACE
  const sources = app.sources
  const source = sources ? undefined : (app.source ?? DEFAULT_SOURCE)
  const destination = { server: 'https://kubernetes.default.svc', namespace: 'default' }
  const images = state.images ?? [...new Set(tree.nodes.flatMap(n => n.images ?? []))].sort()
  const operation = state.operation
  const opRevision = operation?.revision ?? state.revision ?? state.revisions?.[0]
  return {
    metadata: {
      name: app.name,
      namespace,
      uid: uid('Application', namespace, app.name),
      resourceVersion: version(`${app.name}/${JSON.stringify(state)}`),
      generation: 7,
      creationTimestamp: iso(-30 * 86_400)
    },
    spec: {
      ...(source && { source }),
      ...(sources && { sources }),
      destination,
      project: app.project ?? 'default',
      syncPolicy: app.automated === false ? {} : { automated: { prune: true, selfHeal: true } }
    },
    status: {
      resources: (state.workloads ?? []).map(w => ({
        group: 'apps',
        version: 'v1',
        kind: w.kind ?? 'Deployment',
        namespace: w.namespace ?? 'default',
        name: w.name,
        status: state.sync,
        health: { status: tree.nodes.find(n => n.name === w.name)?.health?.status ?? 'Healthy' }
      })),
      sync: {
        status: state.sync,
        comparedTo: {
          ...(source && { source }),
          ...(sources && { sources }),
          destination
        },
        ...(state.revision !== undefined && { revision: state.revision }),
        ...(state.revisions !== undefined && { revisions: state.revisions })
      },
      health: {
        status: state.health,
        ...(state.healthMessage && { message: state.healthMessage }),
        lastTransitionTime: iso(-60)
      },
      reconciledAt: iso(-2),
      ...(operation && {
        operationState: {
          operation: {
            sync: { revision: opRevision, syncStrategy: { hook: {} } },
            initiatedBy: { automated: true },
            retry: { limit: 5 }
          },
          phase: operation.phase,
          ...(operation.message && { message: operation.message }),
          syncResult: {
            resources: [],
            revision: opRevision ?? '',
            ...(state.revisions && { revisions: state.revisions }),
            ...(source && { source })
          },
          startedAt: iso(-30),
          ...(operation.phase !== 'Running' && { finishedAt: iso(-10) })
        }
      }),
      ...(state.conditions && {
        conditions: state.conditions.map(c => ({ ...c, lastTransitionTime: iso(-20) }))
      }),
      sourceType: sources ? 'Helm' : 'Kustomize',
      summary: { images },
      controllerNamespace: ARGOCD_NAMESPACE
    }
  }
}

function parentRef(node: Node): Omit<Ref, 'version'> {
  return {
    ...(node.group && { group: node.group }),
    kind: node.kind,
    namespace: node.namespace,
    name: node.name,
    uid: node.uid
  }
}

function authOf(
  header: string | undefined,
  token: string,
  deniedToken: string
): ArgoRequest['auth'] {
  if (!header) return 'none'
  const m = /^Bearer (.+)$/.exec(header)
  if (m?.[1] === token) return 'valid'
  if (m?.[1] === deniedToken) return 'denied'
  return 'invalid'
}

/** Argo CD API tokens are JWTs (HS256, iss argocd, sub account:apiKey). */
function fakeJwt(account: string): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const header = part({ alg: 'HS256', typ: 'JWT' })
  const claims = part({
    iss: 'argocd',
    sub: `${account}:apiKey`,
    nbf: 1772438400,
    iat: 1772438400,
    jti: randomBytes(16).toString('hex')
  })
  return `${header}.${claims}.${randomBytes(32).toString('base64url')}`
}

function uid(kind: string, namespace: string, name: string): string {
  const hex = createHash('sha1').update(`${kind}/${namespace}/${name}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** Kubernetes' pod-template-hash alphabet (no vowels), 10 characters. */
function podTemplateHash(images: readonly string[]): string {
  return safe(createHash('sha256').update(images.join('\n')).digest(), 10)
}

function suffix(seed: string): string {
  return safe(createHash('sha256').update(seed).digest(), 5)
}

function safe(bytes: Buffer, length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
  return [...bytes.subarray(0, length)].map(b => alphabet[b % alphabet.length]).join('')
}

function version(seed: string): string {
  return String(parseInt(createHash('sha1').update(seed).digest('hex').slice(0, 6), 16))
}

function iso(offsetSeconds: number): string {
  return new Date(EPOCH + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
