import { setTimeout as sleep } from 'node:timers/promises'
import { RegistryError } from '../../errors.js'
import {
  backoffDelay,
  networkProblem,
  readCapped,
  RETRYABLE_STATUS,
  type RetryPolicy
} from '../../http/retry.js'
import type { Logger } from '../../log/logger.js'

export interface TransportOptions {
  readonly timeoutMs: number
  readonly retry: RetryPolicy
  readonly logger: Logger
  /** Hosts (host or host:port) reached over plain HTTP besides loopback. */
  readonly insecureRegistries: readonly string[]
  readonly userAgent: string
}

export type { RetryPolicy }

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 15_000 }
export const DEFAULT_TIMEOUT_MS = 30_000
const MAX_REDIRECTS = 5
/** Manifests and token responses are small; refuse anything absurd. */
const MAX_BODY_BYTES = 16 * 1024 * 1024

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST'
  readonly url: string
  readonly headers?: Record<string, string>
  readonly body?: string
}

export interface HttpResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
  /** The URL that answered, after redirects. */
  readonly url: string
}

/**
 * Loopback registries are reached over HTTP, like Docker's default; every
 * other host over HTTPS unless the user lists it as insecure.
 */
export function schemeFor(host: string, insecureRegistries: readonly string[]): 'http' | 'https' {
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!
  const loopback =
    hostname === 'localhost' || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]'
  const listed = insecureRegistries.some(entry => {
    const normalized = entry.toLowerCase()
    return normalized === host.toLowerCase() || normalized === hostname.toLowerCase()
  })
  return loopback || listed ? 'http' : 'https'
}

/**
 * fetch with what a registry client needs and fetch lacks: a per-attempt
 * whole-response deadline (headers and body), bounded retries with jittered backoff that honor Retry-After, a
 * body size cap, and redirects followed by hand so that Authorization is
 * dropped whenever the redirect leaves the origin (distribution-spec, "API").
 * Hand-written rather than p-retry because the delay depends on the response
 * (Retry-After) and only some statuses may be retried.
 */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  get insecureRegistries(): readonly string[] {
    return this.options.insecureRegistries
  }

  async send(request: HttpRequest, describe: string): Promise<HttpResponse> {
    const { attempts } = this.options.retry
    let lastProblem = ''
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse | undefined
      try {
        response = await this.sendFollowingRedirects(request)
      } catch (error) {
        lastProblem = networkProblem(
          error,
          `${this.options.timeoutMs} ms`,
          new URL(request.url).host
        )
      }
      if (response && !RETRYABLE_STATUS.has(response.status)) return response
      if (response) lastProblem = `HTTP ${response.status}${statusText(response)}`
      if (attempt >= attempts) {
        if (response) return response // the caller turns the status into words
        throw new RegistryError(`${describe} failed after ${attempts} attempts: ${lastProblem}.`, {
          hint: 'Check that the registry is reachable from this runner; re-run the job if the outage was transient.'
        })
      }
      const delay = this.delayBefore(attempt, response)
      this.options.logger.debug(
        `${describe}: ${lastProblem}; retrying in ${delay} ms (attempt ${attempt + 1} of ${attempts})`
      )
      await sleep(delay)
    }
  }

  private delayBefore(attempt: number, response: HttpResponse | undefined): number {
    const { baseDelayMs, maxDelayMs } = this.options.retry
    const retryAfter = response ? parseRetryAfter(response.headers.get('retry-after')) : undefined
    if (retryAfter !== undefined) return Math.min(retryAfter, maxDelayMs)
    return backoffDelay(attempt, { baseDelayMs, maxDelayMs })
  }

  /**
   * One attempt, bounded as a whole (src/http/deadline.ts): one signal covers every redirect hop,
   * the headers and the body, so a server that drips bytes fails at timeoutMs.
   */
  private async sendFollowingRedirects(request: HttpRequest): Promise<HttpResponse> {
    let url = request.url
    let headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      ...request.headers
    }
    const signal = AbortSignal.timeout(this.options.timeoutMs)
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body,
        redirect: 'manual',
        signal
      })
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel()
        const next = new URL(location, url)
        if (next.origin !== new URL(url).origin) headers = withoutAuthorization(headers)
        url = next.toString()
        continue
      }
      const body =
        request.method === 'HEAD' ? Buffer.alloc(0) : await readCapped(response, MAX_BODY_BYTES)
      return { status: response.status, headers: response.headers, body, url }
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects`)
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization')
  )
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3); returns ms. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function statusText(response: HttpResponse): string {
  return response.status === 429 ? ' Too Many Requests' : ''
}
