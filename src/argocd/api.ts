/**
 * The slice of the Argo CD REST API that verify reads, and a small client for it. Shapes follow
 * pkg/apis/application/v1alpha1/types.go and server/application/application.proto; every field
 * is optional because Go's omitempty drops empty ones and the JSON is not ours to trust.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { formatSeconds, requestBudget } from '../http/deadline.js'
import {
  backoffDelay,
  networkProblem,
  readCapped,
  RETRYABLE_STATUS,
  type RetryPolicy
} from '../http/retry.js'
import type { Logger } from '../log/logger.js'
import { VerifyError } from './error.js'

export interface ApplicationSource {
  readonly repoURL?: string
  readonly path?: string
  readonly chart?: string
  readonly targetRevision?: string
}

export interface Condition {
  readonly type?: string
  readonly message?: string
}

export interface OperationState {
  /** Running, Terminating, Failed, Error or Succeeded. */
  readonly phase?: string
  readonly message?: string
  readonly syncResult?: { readonly revision?: string; readonly revisions?: readonly string[] }
  readonly finishedAt?: string
}

export interface Application {
  readonly metadata?: { readonly name?: string; readonly namespace?: string }
  readonly spec?: {
    readonly project?: string
    readonly source?: ApplicationSource
    readonly sources?: readonly ApplicationSource[]
    readonly syncPolicy?: { readonly automated?: { readonly enabled?: boolean } | null } | null
  }
  readonly status?: {
    readonly sync?: {
      readonly status?: string
      readonly revision?: string
      readonly revisions?: readonly string[]
    }
    readonly health?: { readonly status?: string; readonly message?: string }
    readonly summary?: { readonly images?: readonly string[] }
    readonly operationState?: OperationState | null
    readonly conditions?: readonly Condition[]
    readonly reconciledAt?: string
  }
}

export interface ResourceRef {
  readonly group?: string
  readonly kind?: string
  readonly namespace?: string
  readonly name?: string
  readonly uid?: string
}

export interface ResourceNode extends ResourceRef {
  readonly version?: string
  readonly parentRefs?: readonly ResourceRef[]
  /** For pods: "Status Reason" (e.g. Init:ImagePullBackOff), "Containers", "Node"… */
  readonly info?: readonly { readonly name?: string; readonly value?: string }[]
  /** Only pods carry images: their spec's container and init container images. */
  readonly images?: readonly string[]
  readonly health?: { readonly status?: string; readonly message?: string } | null
}

export interface ApplicationTree {
  readonly nodes?: readonly ResourceNode[]
}

/** core/v1 Event, as ListResourceEvents returns it. */
export interface KubeEvent {
  readonly type?: string
  readonly reason?: string
  readonly message?: string
  readonly count?: number
  readonly lastTimestamp?: string | null
  readonly involvedObject?: {
    readonly kind?: string
    readonly name?: string
    readonly namespace?: string
    readonly uid?: string
    /** e.g. spec.initContainers{db-migrate}: which container the event is about. */
    readonly fieldPath?: string
  }
}

export type { RetryPolicy }

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 4000 }
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
/** Applications with thousands of resources have trees of a few MB; refuse anything absurd. */
const MAX_BODY_BYTES = 64 * 1024 * 1024

/** Argo CD was unreachable or answered 5xx after every retry: worth polling again. */
export class ArgoUnavailableError extends VerifyError {}

/**
 * The overall deadline cut the request short (it had less than its own limit, and ran out of
 * it): says that time is up, not that Argo CD is down.
 */
export class ArgoDeadlineError extends ArgoUnavailableError {}

export interface ClientOptions {
  /** Base URL, without a trailing slash; may carry Argo CD's --rootpath. */
  readonly server: string
  readonly token?: string
  readonly application: { readonly name: string; readonly namespace?: string }
  readonly requestTimeoutMs: number
  readonly retry: RetryPolicy
  readonly logger: Logger
  /**
   * The overall deadline (epoch ms; verify's --timeout): no request, retry included, runs past
   * it. Each request's own limit is the smaller of requestTimeoutMs and what is left.
   */
  readonly deadline?: number
}

/**
 * GETs with what a poller needs and fetch lacks: a per-attempt whole-response deadline (headers
 * and body, capped by the overall deadline: src/http/deadline.ts), bounded jittered
 * retries on 5xx and network errors, and Argo CD's error bodies ({error, code, message}) turned
 * into the user's words. The token goes in Authorization only, never in a message or a log.
 */
export class ArgoClient {
  constructor(private readonly options: ClientOptions) {}

  /** `refresh` asks Argo CD to compare with Git now; the server answers once it has. */
  getApplication(refresh: boolean, timeoutMs?: number): Promise<Application> {
    return this.get<Application>('', refresh ? { refresh: 'normal' } : {}, {
      timeoutMs,
      // A refresh that does not finish in time is not retried: the caller reads without one.
      attempts: refresh ? 1 : undefined
    })
  }

  getResourceTree(): Promise<ApplicationTree> {
    return this.get<ApplicationTree>('/resource-tree', {})
  }

  /** Events of one resource of the application (without one, of the Application itself). */
  async getEvents(resource?: ResourceRef): Promise<KubeEvent[]> {
    const query: Record<string, string> = {}
    if (resource) {
      query.resourceName = resource.name ?? ''
      query.resourceNamespace = resource.namespace ?? ''
      query.resourceUID = resource.uid ?? ''
    }
    const list = await this.get<{ items?: KubeEvent[] | null }>('/events', query)
    return list.items ?? []
  }

  private async get<T>(
    suffix: string,
    query: Record<string, string>,
    overrides: { timeoutMs?: number; attempts?: number } = {}
  ): Promise<T> {
    const { name, namespace } = this.options.application
    const params = new URLSearchParams(query)
    if (namespace) params.set('appNamespace', namespace)
    const search = params.toString()
    const path = `/api/v1/applications/${encodeURIComponent(name)}${suffix}${search ? `?${search}` : ''}`
    const url = `${this.options.server}${path}`
    const shown = `GET ${path}`
    const ownMs = overrides.timeoutMs ?? this.options.requestTimeoutMs
    const attempts = overrides.attempts ?? this.options.retry.attempts
    const { deadline } = this.options
    const host = new URL(this.options.server).host
    let problem = ''
    for (let attempt = 1; ; attempt++) {
      const budgetMs = requestBudget(ownMs, deadline)
      let response: { status: number; body: string; contentType: string } | undefined
      let cut = false
      if (budgetMs <= 0) {
        problem ||= 'the verify timeout ran out before it could be sent'
        cut = true
      } else {
        try {
          this.options.logger.debug(`argocd: ${shown}`)
          response = await this.fetchOnce(url, budgetMs)
        } catch (error) {
          if (error instanceof VerifyError) throw error
          problem = networkProblem(error, formatSeconds(budgetMs), host)
          const name = (error as { name?: string })?.name
          cut = budgetMs < ownMs && (name === 'TimeoutError' || name === 'AbortError')
        }
      }
      if (response && !RETRYABLE_STATUS.has(response.status)) {
        if (response.status >= 200 && response.status < 300) return this.parse<T>(response, shown)
        throw this.refusal(response, shown)
      }
      if (response) problem = `HTTP ${response.status}${argoMessage(response.body, ': ')}`
      const delay = backoffDelay(attempt, this.options.retry)
      // A retry that could not start before the overall deadline is not worth waiting for.
      const outOfTime = deadline !== undefined && deadline - Date.now() <= delay
      if (attempt >= attempts || outOfTime) {
        throw new (cut ? ArgoDeadlineError : ArgoUnavailableError)(
          this.redact(`Argo CD at ${this.options.server} did not answer ${shown}: ${problem}.`),
          {
            hint: /certificate|CERT|self.signed/i.test(problem)
              ? 'The server certificate is not trusted: for a private CA, point NODE_EXTRA_CA_CERTS at its PEM file.'
              : 'Check the --argocd-server URL (with the path prefix of a --rootpath install) and that this runner can reach it.'
          }
        )
      }
      this.options.logger.debug(
        `argocd: ${shown}: ${this.redact(problem)}; retrying in ${delay} ms`
      )
      await sleep(delay)
    }
  }

  private async fetchOnce(
    url: string,
    timeoutMs: number
  ): Promise<{ status: number; body: string; contentType: string }> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`
    const response = await fetch(url, {
      headers,
      // Never follow: a redirect to an SSO page would answer 200 with HTML, and a cross-origin
      // hop must not carry the token.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs)
    })
    const contentType = response.headers.get('content-type') ?? ''
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel()
      const location = response.headers.get('location') ?? '(no location)'
      throw new VerifyError(
        `Argo CD at ${this.options.server} redirected the API request to ${redactUrl(location)}.`,
        {
          hint: 'Pass the final Argo CD URL (https, with its --rootpath); an SSO proxy in front of the API needs bypassing for API tokens.'
        }
      )
    }
    return {
      status: response.status,
      body: (await readCapped(response, MAX_BODY_BYTES)).toString('utf8'),
      contentType
    }
  }

  private parse<T>(response: { body: string; contentType: string }, shown: string): T {
    try {
      const parsed: unknown = JSON.parse(response.body)
      if (parsed !== null && typeof parsed === 'object') return parsed as T
    } catch {
      // fall through
    }
    throw new VerifyError(
      `${this.options.server} answered ${shown} with ${response.contentType || 'a body'} that is not Argo CD's JSON.`,
      {
        hint: 'Check that --argocd-server is the Argo CD server URL (with the path prefix of a --rootpath install).'
      }
    )
  }

  private refusal(response: { status: number; body: string }, shown: string): VerifyError {
    const { name, namespace } = this.options.application
    const app = namespace ? `${namespace}/${name}` : name
    const said = this.redact(argoMessage(response.body, ': '))
    const fromArgo = argoCode(response.body) !== undefined
    const tokenHint =
      'Use an Argo CD API token of an account with the apiKey capability and `applications, get` on this application (`sync` is not needed): `argocd account generate-token --account <name>`, passed in ARGOCD_AUTH_TOKEN (the action: argocd-token).'
    switch (response.status) {
      case 401:
        return this.options.token
          ? new VerifyError(
              `Argo CD rejected the token (HTTP 401${said}): it is malformed, expired or revoked.`,
              { hint: tokenHint }
            )
          : new VerifyError(
              `No Argo CD token was given, and Argo CD requires one (HTTP 401${said}).`,
              { hint: tokenHint }
            )
      case 403:
        // Argo CD answers 403, not 404, for an application that does not exist, so that a
        // token cannot probe which names exist: both causes are possible.
        return new VerifyError(
          `Argo CD denied access to application ${app} (HTTP 403${said}): either no application ${app} exists${namespace ? '' : " in Argo CD's namespace"}, or the token's account may not read it.`,
          {
            hint: `Check the name (argocd app list; NAMESPACE/NAME for apps in other namespaces), and that the account has \`applications, get\` on it in the RBAC policy (policy.csv: p, role:ci, applications, get, <project>/${name}, allow). ${tokenHint}`
          }
        )
      case 404:
        return fromArgo
          ? new VerifyError(`Argo CD has no application ${app} (HTTP 404${said}).`, {
              hint: 'Check the name (argocd app list) and, for an application outside the argocd namespace, write it as NAMESPACE/NAME.'
            })
          : new VerifyError(
              `${this.options.server} answered 404 for ${shown}, which is not Argo CD's API.`,
              {
                hint: 'Check --argocd-server: the Argo CD server URL, with the path prefix of a --rootpath install.'
              }
            )
      default:
        return new VerifyError(`Argo CD refused ${shown} (HTTP ${response.status}${said}).`, {
          hint: 'Check the application name and the Argo CD version (verify needs the /api/v1 REST API).'
        })
    }
  }

  /** A server may echo what it was sent; the token never reaches a message. */
  redact(text: string): string {
    const token = this.options.token
    return token && token.length >= 4 ? text.split(token).join('***') : text
  }
}

function argoMessage(body: string, prefix: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown }
    const text = typeof parsed.message === 'string' ? parsed.message : parsed.error
    if (typeof text === 'string' && text !== '') return `${prefix}${text.slice(0, 500)}`
  } catch {
    // not JSON: an HTML error page from a proxy says nothing useful
  }
  return ''
}

function argoCode(body: string): number | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code
    return typeof code === 'number' ? code : undefined
  } catch {
    return undefined
  }
}

function redactUrl(location: string): string {
  try {
    const url = new URL(location)
    url.search = ''
    url.username = ''
    url.password = ''
    return url.toString()
  } catch {
    return location.slice(0, 200)
  }
}
