import { setTimeout as sleep } from 'node:timers/promises'
import { InputError, PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import {
  ArgoClient,
  ArgoDeadlineError,
  ArgoUnavailableError,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY,
  type ApplicationTree,
  type KubeEvent,
  type RetryPolicy
} from './api.js'
import { short, shownRevisions } from './application.js'
import { assess, progressLine, stateLine, type Assessment, type Expectation } from './assess.js'
import { wantedImage, type WantedImage } from './images.js'
import { podsToInspect } from './pods.js'
import { VerifyError } from './error.js'

export interface VerifyRequest {
  /** https://argocd.example.com (http allowed for loopback); may carry a --rootpath prefix. */
  readonly server: string
  /** Bearer token; never logged. */
  readonly token?: string
  /** name, or namespace/name for applications outside Argo CD's own namespace. */
  readonly application: string
  /** The promotion commit sha: full, or a prefix of at least 7 characters. */
  readonly revision?: string
  /** Pinned references that must be running, e.g. reg/team/app:v2.5.0@sha256:… */
  readonly images?: readonly string[]
  readonly timeoutSeconds: number
  /** Default 5. */
  readonly pollSeconds?: number
}

export interface VerifyResult {
  readonly ok: true
  /** The observed revision that is the promotion commit (the synced one when none was asked). */
  readonly revision: string
  /** The running images that matched the wanted ones; every running image when none was asked. */
  readonly images: readonly string[]
  readonly elapsedSeconds: number
}

/** Knobs for tests and the action; the defaults suit a real Argo CD. */
export interface VerifyOptions {
  readonly retry?: RetryPolicy
  readonly requestTimeoutMs?: number
}

export const DEFAULT_POLL_SECONDS = 5
/**
 * A definite failure (ImagePullBackOff, the old digest still running while Synced and Healthy,
 * a failed sync of the promotion commit) is reported before the timeout once it has been seen
 * on this many consecutive polls: one poll can catch a pull that is about to succeed, or a
 * health computed before the Deployment controller saw the new spec; three (10 s at the
 * default poll) rarely do, and waiting out a 10-minute timeout helps nobody.
 */
export const DEFINITE_AFTER_POLLS = 3
/** While Argo CD is at another revision, ask for a refresh again at most this often. */
const REFRESH_EVERY_MS = 30_000
/** How long a refresh may take before we read the application without one. */
const REFRESH_WAIT_MS = 60_000
/** Pods whose events are read per poll: only unhealthy ones, and not a whole cluster's worth. */
const MAX_PODS_INSPECTED = 5

/**
 * Asks Argo CD to refresh the application, then polls until it is synced at the promotion
 * commit (any of sync.revisions for a multi-source application), Synced, Healthy, and every
 * wanted image is in status.summary.images. Logs one progress line per poll. Throws
 * VerifyError on timeout or a definite failure (see DEFINITE_AFTER_POLLS), worded after the
 * incidents: the old digest still running, ImagePullBackOff, another revision, OutOfSync.
 */
export async function verifyDeployment(
  request: VerifyRequest,
  logger: Logger,
  options: VerifyOptions = {}
): Promise<VerifyResult> {
  const checked = checkRequest(request)
  const { expected, server, name, namespace, pollMs, timeoutMs } = checked
  const started = Date.now()
  const deadline = started + timeoutMs
  const client = new ArgoClient({
    server,
    token: request.token,
    application: { name, namespace },
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retry: options.retry ?? DEFAULT_RETRY,
    logger,
    // --timeout bounds every request too, retries included: a server that drips its answer
    // cannot keep verify past it.
    deadline
  })
  if (expected.revision === undefined && expected.images.length === 0) {
    logger.warning(
      'verify: neither a revision nor images given; Synced and Healthy is all that can be checked, and it may predate the promotion.'
    )
  }

  const elapsed = (): number => Math.round((Date.now() - started) / 1000)
  /** Time left for the last poll: a second, or a quarter of a shorter timeout. */
  const finalWindow = Math.min(1000, timeoutMs / 4)
  let reached = false
  let lastRefresh = -Infinity
  let last: Assessment | undefined
  let lastUnavailable: ArgoUnavailableError | undefined
  let strikes = { kind: '', count: 0 }

  for (;;) {
    try {
      const wantRefresh =
        Date.now() - lastRefresh >= REFRESH_EVERY_MS && (last === undefined || !last.atPromotion)
      const assessment = await observe(client, expected, wantRefresh, deadline, logger)
      if (wantRefresh) lastRefresh = Date.now()
      reached = true
      last = assessment
      lastUnavailable = undefined
      if (!assessment.obstacle) return success(assessment, expected, elapsed(), logger)

      logger.info(progressLine(assessment, expected, elapsed()))
      const { obstacle } = assessment
      strikes =
        obstacle.definite && strikes.kind === obstacle.kind
          ? { kind: obstacle.kind, count: strikes.count + 1 }
          : { kind: obstacle.definite ? obstacle.kind : '', count: obstacle.definite ? 1 : 0 }
      if (strikes.count >= DEFINITE_AFTER_POLLS) {
        throw new VerifyError(client.redact(sentence(obstacle.message)), {
          hint: obstacle.hint,
          subject: expected.application
        })
      }
    } catch (error) {
      // Never reached: a wrong URL, DNS or TLS; fail now rather than after the timeout.
      if (!(error instanceof ArgoUnavailableError) || !reached) throw error
      if (error instanceof ArgoDeadlineError && last !== undefined) {
        // A poll the timeout cut short says nothing new about Argo CD: report what was last seen.
        logger.warning(`${error.message} (cut short by the timeout)`)
      } else {
        lastUnavailable = error
        logger.warning(`${error.message} Polling on (${elapsed()} s).`)
      }
    }
    // The last poll starts early enough to finish (its requests are cut at the deadline); after
    // it, wait out the timeout and report what was last seen.
    const left = deadline - Date.now()
    if (left > finalWindow) {
      await sleep(Math.min(pollMs, left - finalWindow))
      continue
    }
    if (left > 0) await sleep(left)
    const error = timeout(last, lastUnavailable, expected, request.timeoutSeconds)
    throw new VerifyError(client.redact(error.message), {
      hint: error.hint,
      subject: error.subject
    })
  }
}

async function observe(
  client: ArgoClient,
  expected: Expectation,
  refresh: boolean,
  deadline: number,
  logger: Logger
): Promise<Assessment> {
  let app
  if (refresh) {
    try {
      // The server answers once the controller has compared with Git, which can take a while.
      const left = deadline - Date.now()
      app = await client.getApplication(true, Math.max(1000, Math.min(left, REFRESH_WAIT_MS)))
    } catch (error) {
      if (!(error instanceof ArgoUnavailableError)) throw error
      // (Nearly) out of time: what stopped the refresh is the news, not a read that cannot
      // start or finish.
      if (deadline - Date.now() < 1000) throw error
      logger.debug(`argocd: the refresh did not complete (${error.message}); reading without one`)
    }
  }
  app ??= await client.getApplication(false)

  let tree: ApplicationTree | undefined
  try {
    tree = await client.getResourceTree()
  } catch (error) {
    if (!(error instanceof ArgoUnavailableError)) throw error
    // Cut by the deadline: an assessment without the tree would lose what the timeout reports.
    if (error instanceof ArgoDeadlineError) throw error
    logger.debug(`argocd: no resource tree this poll: ${error.message}`)
  }
  const events = new Map<string, readonly KubeEvent[]>()
  for (const pod of podsToInspect(tree, MAX_PODS_INSPECTED)) {
    try {
      events.set(pod.uid!, await client.getEvents(pod))
    } catch (error) {
      // Events only explain; a pod gone since the tree was read answers 400.
      if (!(error instanceof PromoteError)) throw error
      logger.debug(`argocd: no events for pod ${pod.name}: ${error.message}`)
    }
  }
  return assess({ app, tree, events }, expected)
}

function success(
  a: Assessment,
  expected: Expectation,
  elapsedSeconds: number,
  logger: Logger
): VerifyResult {
  const revision = a.matchedRevision ?? a.revisions.join(',')
  if (a.lingering.length > 0) {
    logger.warning(
      `verify: pods still run ${a.lingering.join(', ')} beside the promoted image (old pods terminating, or another workload of the application).`
    )
  }
  logger.info(
    `argocd: Synced / Healthy at ${a.matchedRevision ? short(a.matchedRevision) : shownRevisions(a.revisions)}${expected.images.length > 0 ? `, running ${a.matched.join(', ')}` : ''} (${elapsedSeconds} s)`
  )
  return {
    ok: true,
    revision,
    images: expected.images.length > 0 ? a.matched : a.running,
    elapsedSeconds
  }
}

function timeout(
  last: Assessment | undefined,
  unavailable: ArgoUnavailableError | undefined,
  expected: Expectation,
  timeoutSeconds: number
): VerifyError {
  const tail = `Gave up after ${timeoutSeconds} s${last ? `; last seen: ${stateLine(last)}` : ''}.`
  if (unavailable) {
    return new VerifyError(
      `${unavailable.message} ${last?.obstacle ? `Before that: ${sentence(last.obstacle.message)} ` : ''}${tail}`,
      { hint: unavailable.hint, subject: expected.application }
    )
  }
  const obstacle = last?.obstacle
  return new VerifyError(`${obstacle ? `${sentence(obstacle.message)} ` : ''}${tail}`, {
    hint: obstacle?.hint,
    subject: expected.application
  })
}

interface CheckedRequest {
  readonly expected: Expectation
  readonly server: string
  readonly name: string
  readonly namespace?: string
  readonly pollMs: number
  readonly timeoutMs: number
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

function checkRequest(request: VerifyRequest): CheckedRequest {
  const server = checkServer(request.server)
  const parts = request.application.split('/')
  if (parts.length > 2 || parts.some(p => !K8S_NAME.test(p))) {
    throw new InputError(
      `Application ${JSON.stringify(request.application)} is not an Argo CD application name.`,
      {
        hint: 'Pass NAME, or NAMESPACE/NAME for an application outside the argocd namespace (lower-case letters, digits, "-" and ".").'
      }
    )
  }
  const [first, second] = parts as [string, string | undefined]
  const revision = request.revision?.trim().toLowerCase()
  if (revision !== undefined && !/^[0-9a-f]{7,64}$/.test(revision)) {
    throw new InputError(
      `Revision ${JSON.stringify(request.revision)} is not a commit sha of at least 7 hex digits.`,
      {
        hint: 'Pass the promotion commit: the commit-sha output of the promotion, or git rev-parse HEAD.'
      }
    )
  }
  const images: WantedImage[] = (request.images ?? []).map(text => {
    try {
      return wantedImage(text)
    } catch (error) {
      const e = error as PromoteError
      throw new InputError(`Image to verify: ${e.message}`, { hint: e.hint })
    }
  })
  const timeoutMs = seconds('timeout', request.timeoutSeconds)
  const pollMs = seconds('poll interval', request.pollSeconds ?? DEFAULT_POLL_SECONDS)
  return {
    expected: { application: request.application, revision, images },
    server,
    name: second ?? first,
    namespace: second === undefined ? undefined : first,
    pollMs,
    timeoutMs
  }
}

function seconds(what: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError(`The ${what} must be a number of seconds above 0; got ${value}.`)
  }
  return value * 1000
}

/** Bare hosts (as the argocd CLI takes them) mean https; http only on loopback. */
function checkServer(text: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new InputError(`Argo CD server ${JSON.stringify(text)} is not a URL.`, {
      hint: 'Pass it as https://argocd.example.com (or the host alone).'
    })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Argo CD server ${JSON.stringify(text)} is not an http(s) URL.`)
  }
  const host = url.hostname
  const loopback = host === 'localhost' || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]'
  if (url.protocol === 'http:' && !loopback) {
    throw new InputError(
      `Argo CD server ${url.origin} is plain HTTP: the token would cross the network in clear text.`,
      {
        hint: 'Use https:// (plain http is allowed on loopback only, e.g. a kubectl port-forward).'
      }
    )
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `Argo CD server ${JSON.stringify(url.origin)} must not carry credentials, a query or a fragment.`,
      { hint: 'The token is read from ARGOCD_AUTH_TOKEN (the action: argocd-token).' }
    )
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/** Ends with one full stop, whatever the text quoted from Argo CD or kubelet ended with. */
function sentence(text: string): string {
  return `${text.replace(/[.\s]+$/, '')}.`
}
