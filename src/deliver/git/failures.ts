/**
 * What git's failures mean: a push that lost a race (re-read and re-apply), a push the remote
 * refused (say why and stop), a transient outage (retry with backoff) or an answer (stop).
 * git itself retries nothing and reports everything as text, so the text is read here.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { PromoteError } from '../../errors.js'
import { backoffDelay, type RetryPolicy } from '../../http/retry.js'
import type { Logger } from '../../log/logger.js'

export class GitError extends PromoteError {}

/** Clone, fetch and push: total attempts, the first included, on a transient failure. */
export const GIT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 }

/** git's last words: the tail of its output, where it says what went wrong. */
export function gitMessage(error: unknown): string {
  return errorText(error).trim().split('\n').slice(-6).join('\n')
}

/** The whole of a failure's text (simple-git puts git's stderr in the message). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * git's words when `clone --branch B` finds no B ("Remote branch B not found
 * in upstream origin"): the URL and the token were fine, the branch is not.
 */
export function missingBranchHint(error: unknown, branch: string | undefined): string | undefined {
  if (branch === undefined) return undefined
  if (!/remote branch \S+ not found|could not find remote branch/i.test(errorText(error))) {
    return undefined
  }
  return `The repository has no branch ${branch}: set the base branch (--base-branch, base-branch) to an existing branch, or leave it out to use the default branch.`
}

/** git's words for a push the remote did not take, for whatever reason. */
export const PUSH_REFUSED =
  /\[(?:remote )?rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref/i

/**
 * The push lost a race: the branch moved between read and push (`[rejected] (fetch first)`,
 * `(non-fast-forward)`, a lease that no longer holds: `(stale info)`), or another push held
 * the ref at that moment (`[remote rejected] (cannot lock ref …)`, `(failed to update ref)`,
 * `(incorrect old value provided)`). Any other refusal — protection, a hook, a non-bare
 * remote with the branch checked out — stays refused on retry.
 * Reasons from git's transport.c (push_ref status) and receive-pack.c (update()).
 */
const RACE =
  /\[rejected\][^\n]*\((?:fetch first|non-fast-forward|stale info)\)|\[remote rejected\][^\n]*\((?:cannot lock ref|failed to update ref|incorrect old value provided)|(?:^|\n)(?:error: )?cannot lock ref/i

/** The branch moved under the push: the caller re-reads and re-applies. */
export function lostRace(output: string): boolean {
  return RACE.test(output) && !/GH006|GH013|protected branch|hook declined/i.test(output)
}

/** A refused push, with git's own reason and what to do about it. */
export function pushRefused(branch: string, remote: string, output: string): GitError {
  const lines = output.split('\n').map(line => line.trim())
  const reason = /\[(?:remote )?rejected\][^(]*\(([^)]*)\)/.exec(output)?.[1] ?? 'refused'
  const said = lines
    .filter(line => /^remote: ?\S/.test(line) && !/^remote: *$/.test(line))
    .map(line => line.replace(/^remote: ?/, ''))
    .slice(0, 6)
  const detail = said.length ? ` The remote said: ${said.join(' / ')}` : ''
  const protectedRule = /GH006|GH013|protected branch|rule violation/i.test(output)
  const hint = protectedRule
    ? `Promote this environment with mode: pull-request (in promotion.yaml or the mode input / --mode), or let the token bypass the ${/GH013|rule violation/i.test(output) ? 'ruleset' : 'branch protection'} if direct pushes are intended.`
    : /checked out/i.test(output)
      ? `The remote is a non-bare repository with ${branch} checked out: push to a bare repository (git clone --bare), or promote into a branch that is not checked out there.`
      : /hook declined/i.test(output)
        ? 'A server-side hook refused the push: read its message above and fix what it asks for.'
        : 'The remote refused the push: read its reason above.'
  return new GitError(
    `${remote} refused the push to ${branch} (${reason}); nothing was pushed.${detail}`,
    { hint }
  )
}

/** The HTTP status in git's output: "The requested URL returned error: 502", "RPC failed; HTTP 502". */
export function gitHttpStatus(output: string): number | undefined {
  const match = /(?:returned error:|\bHTTP)\s+(\d{3})\b/i.exec(output)
  return match ? Number(match[1]) : undefined
}

/** The request itself is wrong (or not allowed): retrying cannot help. */
const PERMANENT =
  /authentication failed|could not read (username|password)|terminal prompts disabled|invalid username or password|permission denied|repository not found|not found|does not appear to be a git repository|not a git repository|could not resolve host|couldn't find remote ref/i

/** The server or the network broke off: worth another try. */
const TRANSIENT =
  /RPC failed|unexpected disconnect|early EOF|hung up unexpectedly|connection (was )?reset|reset by peer|timed out|timeout was reached|transfer closed with outstanding read data|empty reply from server|HTTP\/2 stream \d+ was not closed cleanly|SSL_ERROR_SYSCALL|gnutls_handshake\(\) failed|index-pack failed/i

/**
 * Whether git's output shows a transient failure: HTTP 5xx, 429 or 408, or
 * the connection breaking off. 401/403/404 and the like are answers.
 */
export function isTransientGitFailure(output: string): boolean {
  const status = gitHttpStatus(output)
  if (status !== undefined) return status >= 500 || status === 429 || status === 408
  if (PERMANENT.test(output)) return false
  return TRANSIENT.test(output)
}

/** For an outage or a rate limit, a hint that does not send the user to the token. */
export function outageHint(error: unknown): string | undefined {
  const output = errorText(error)
  if (!isTransientGitFailure(output)) return undefined
  const status = gitHttpStatus(output)
  return status !== undefined
    ? `The git host answered HTTP ${status}; re-run the job when it recovers.`
    : 'The connection to the git host kept breaking off; re-run the job when it recovers.'
}

/** The last failure of a command that was tried more than once. */
class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly last: unknown
  ) {
    super(errorText(last))
  }
}

/** " after 4 attempts" when the command was retried. */
export function tried(error: unknown): string {
  return error instanceof RetriesExhausted ? ` after ${error.attempts} attempts` : ''
}

/**
 * Runs a network git command, retrying transient failures with jittered
 * exponential backoff (git itself retries nothing).
 */
export async function retryTransient<T>(
  what: string,
  logger: Logger,
  run: (attempt: number) => Promise<T>,
  retryable: (output: string) => boolean = isTransientGitFailure
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt)
    } catch (error) {
      const output = errorText(error)
      if (!retryable(output)) throw attempt > 1 ? new RetriesExhausted(attempt, error) : error
      if (attempt >= GIT_RETRY.attempts) throw new RetriesExhausted(attempt, error)
      const delay = backoffDelay(attempt, GIT_RETRY)
      const status = gitHttpStatus(output)
      const why = status === undefined ? gitMessage(error).split('\n').pop() : `HTTP ${status}`
      logger.info(
        `git ${what} failed (${why}); retrying in ${delay} ms (attempt ${attempt + 1} of ${GIT_RETRY.attempts}).`
      )
      await sleep(delay)
    }
  }
}

/** The URL for messages: credentials in it are never shown. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}
