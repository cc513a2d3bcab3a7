/**
 * What every HTTP client here shares (the registry transport, the Argo CD
 * client): which answers are worth retrying, jittered backoff, a capped body
 * read, and words for network failures.
 */

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

/** Rate limits and server-side outages; everything else is an answer. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])

/**
 * Exponential backoff with jitter (half to all of the ceiling, AWS
 * architecture blog): concurrent runs do not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: Omit<RetryPolicy, 'attempts'>): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
}

/** The body, refusing anything over `limit` bytes (declared or streamed). */
export async function readCapped(response: Response, limit: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0')
  if (declared > limit) {
    await response.body?.cancel()
    throw new Error(`response of ${declared} bytes exceeds the ${limit}-byte limit`)
  }
  if (!response.body) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of response.body) {
    total += chunk.byteLength
    if (total > limit) throw new Error(`response exceeds the ${limit}-byte limit`)
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}

/**
 * A fetch failure in words; `timeout` is how the caller states its time limit ("30 s"), `host`
 * who did not answer in time.
 */
export function networkProblem(error: unknown, timeout: string, host?: string): string {
  // Duck-typed: fetch's errors may come from another realm (test runners).
  const e = error as {
    name?: string
    message?: string
    cause?: { message?: string; code?: string }
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    // The deadline covers the whole response: a server that sent only part of it gets this too.
    return `no answer within ${timeout}${host ? ` from ${host}` : ''} (headers and body)`
  }
  const code = e?.cause?.code ? ` (${e.cause.code})` : ''
  return `${e?.cause?.message ?? e?.message ?? String(error)}${code}`
}
