/**
 * Whole-response deadlines. An idle timeout (undici's headersTimeout and bodyTimeout, 300 s
 * each, reset by every byte) never fires on a server that drips a byte a second; an
 * AbortSignal given to fetch does: undici aborts the connection at any stage, and a body
 * being read errors with the signal's reason (undici lib/web/fetch/index.js, abortFetch). So
 * each request gets one signal for connecting, the headers, redirects and the whole body.
 */

/**
 * How long one request may take: its own limit, or what is left of an overall deadline
 * (epoch ms), whichever is smaller. Zero or less: no time is left.
 */
export function requestBudget(ownMs: number, deadline?: number, now = Date.now()): number {
  return deadline === undefined ? ownMs : Math.min(ownMs, deadline - now)
}

/** "20 s", "2.5 s", "0.15 s": a limit in words, to a tenth of a second above 1 s. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000
  return `${seconds >= 1 ? Math.round(seconds * 10) / 10 : Math.round(seconds * 100) / 100} s`
}
