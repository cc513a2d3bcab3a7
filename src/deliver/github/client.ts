/**
 * One GitHub repository's client: Octokit with the retry and throttling plugins, as
 * create-pull-request does (GITHUB_API_URL is honored: GHES), the repository's settings, and
 * GitHub's refusals explained with what to do. The token lives inside the Octokit and nowhere
 * else. The contents, git data and pull request parts all talk to GitHub through this.
 */
import { STATUS_CODES } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { PromoteError } from '../../errors.js'
import type { Logger } from '../../log/logger.js'

export type Octokit = ReturnType<typeof getOctokit>

export class GitHubError extends PromoteError {}

/**
 * plugin-throttling's spacing of writes (and of every GraphQL request): GitHub asks for a
 * second between content-creating requests of one client.
 */
export const WRITE_SPACING_MS = 1000

/** What plugin-throttling queues as a write. */
function isWrite(options: { method?: string; url?: string }): boolean {
  return (
    (options.method !== 'GET' && options.method !== 'HEAD') ||
    (options.url ?? '').startsWith('/graphql')
  )
}

/** A request GitHub never answers must fail (and be retried), not hang the job. */
export const GITHUB_REQUEST_TIMEOUT_MS = 30_000

/**
 * The one holder of the token: an Octokit that retries outages (jittered per client), waits
 * out rate limits within a budget, and gives up on a request GitHub never answers.
 */
export function createOctokit(token: string, logger: Logger, baseUrl?: string): Octokit {
  const budget = { seconds: RATE_LIMIT_BUDGET_S }
  return getOctokit(
    token,
    {
      ...(baseUrl ? { baseUrl } : {}),
      request: {
        fetch: (url: string | URL, init?: RequestInit) =>
          fetch(url, {
            ...init,
            signal: init?.signal ?? AbortSignal.timeout(GITHUB_REQUEST_TIMEOUT_MS)
          })
      },
      // 4xx are answers, not outages (create-pull-request's list); rate limits (403 and 429
      // with a wait) belong to the throttling plugin alone, so they are not retried twice.
      retry: {
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        retryAfterBaseValue: retryBaseMs()
      },
      throttle: {
        onRateLimit: retryRateLimit('rate limit', logger, sleep, budget),
        onSecondaryRateLimit: retryRateLimit('secondary rate limit', logger, sleep, budget)
      }
    },
    retry,
    throttling
  )
}

/**
 * plugin-retry waits base × attempt² after a 5xx and takes no jitter, so the base is drawn per
 * client: jobs that met the same outage retry apart instead of together. 1 s on average, the
 * plugin's default.
 */
export function retryBaseMs(random: () => number = Math.random): number {
  return Math.round(500 + random() * 1000)
}

/** The most a client waits out GitHub's rate limits in one run, all waits together. */
export const RATE_LIMIT_BUDGET_S = 600

/**
 * Both rate limits: say so, and retry up to three times after GitHub's wait, growing it
 * exponentially (GitHub: "wait at least one minute … an exponentially increasing amount of
 * time between retries", docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
 * #exceeding-the-rate-limit). plugin-throttling waits `after` seconds once the handler says
 * yes (its fallback without retry-after is 60 s); the handler waits the growth on top. Never
 * past the budget: then the request fails, named as a rate limit.
 */
export function retryRateLimit(
  kind: string,
  logger: Logger,
  wait: (ms: number) => Promise<unknown> = sleep,
  budget = { seconds: RATE_LIMIT_BUDGET_S }
) {
  return async (
    after: number,
    options: { method: string; url: string },
    _o: unknown,
    count: number
  ): Promise<boolean> => {
    const extra = after * (2 ** count - 1)
    if (count >= 3 || after + extra > budget.seconds) {
      logger.warning(
        `GitHub ${kind} on ${options.method} ${options.url}: giving up after ${count} retries (waiting ${after + extra} s more would exceed the ${RATE_LIMIT_BUDGET_S} s budget).`
      )
      return false
    }
    budget.seconds -= after + extra
    logger.warning(
      `GitHub ${kind} on ${options.method} ${options.url}; retrying in ${after + extra} s.`
    )
    if (extra > 0) await wait(extra * 1000)
    return true
  }
}

export interface RepoInfo {
  readonly defaultBranch: string
  /** The repository's GraphQL node id (updateRefs takes it). */
  readonly nodeId: string
  /**
   * The "Allow auto-merge" setting; undefined when the token may not see it: GitHub leaves
   * the allow_* fields out of GET /repos/{owner}/{repo} for tokens without admin rights
   * (GITHUB_TOKEN, App and fine-grained tokens), so absence means "unknown", not "off".
   */
  readonly allowAutoMerge?: boolean
  readonly htmlUrl: string
}

/** One repository on GitHub (or GHES, or the test box), and how to ask it. */
export class GitHubClient {
  private settings?: Promise<RepoInfo>
  /** When this run's last write ended (Date.now()), for writeWait. */
  private lastWrite = 0

  constructor(
    readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
    readonly logger: Logger
  ) {
    octokit.hook.wrap('request', async (request, options) => {
      try {
        return await request(options)
      } finally {
        if (isWrite(options)) this.lastWrite = Date.now()
      }
    })
  }

  /**
   * How long until a write would leave at once rather than queue behind plugin-throttling's
   * spacing. A retry after a lost race waits this out before it reads the new head, so the
   * head it writes against is fresh, not a second old.
   */
  writeWait(): number {
    return Math.max(0, this.lastWrite + WRITE_SPACING_MS - Date.now())
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`
  }

  /** The repository's settings, read once per run. */
  info(): Promise<RepoInfo> {
    this.settings ??= this.call('read the repository', () =>
      this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo })
    ).then(({ data }) => ({
      defaultBranch: data.default_branch,
      nodeId: data.node_id,
      allowAutoMerge: data.allow_auto_merge,
      htmlUrl: data.html_url
    }))
    return this.settings
  }

  /** Runs a request; a failure becomes a GitHubError that says what to do. */
  async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      throw this.explain(error, what)
    }
  }

  /** GitHub's refusal of `what`, with a hint that fits its status and words. */
  explain(error: unknown, what: string): GitHubError {
    const code = status(error)
    const said = message(error)
    if (code === 422 && PROTECTION.test(said)) {
      const branch = /refs\/heads\/([^\s.]+(?:\.[^\s.]+)*)/.exec(said)?.[1] ?? 'the branch'
      return protectedBranch(this.fullName, branch, said)
    }
    const hint =
      code === 403 && /not permitted to create or approve pull requests/i.test(said)
        ? `${this.fullName} (or its organization) does not let GitHub Actions open pull requests: enable Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests" (in the organization's settings too, where it is greyed out), or use a GitHub App token.`
        : code === 403 && /not accessible by integration/i.test(said)
          ? `The token lacks a permission to ${what}: give the job permissions contents: write and pull-requests: write, or, for another repository than the workflow's, a GitHub App or fine-grained token with them on ${this.fullName}.`
          : code === 401
            ? 'The token is invalid or expired.'
            : rateLimited(error)
              ? 'GitHub is rate-limiting this token; re-run the job in a few minutes, or spread promotions over fewer concurrent jobs.'
              : code === 403 || code === 404
                ? `The token cannot ${what} in ${this.fullName}. GITHUB_TOKEN only reaches the workflow's own repository: use a GitHub App token or a fine-grained token with contents: write and pull-requests: write on the config repository.`
                : 'Re-run the job if GitHub had a transient failure.'
    return new GitHubError(
      `GitHub refused to ${what} in ${this.fullName}${code ? ` (HTTP ${code})` : ''}: ${said}`,
      { hint, cause: error }
    )
  }
}

/**
 * GitHub's words for a write a branch rule refused: classic protection ("Protected branch
 * update failed for refs/heads/main.", GraphQL type BRANCH_PROTECTION_RULE_VIOLATION, git's
 * GH006) and rulesets ("Repository rule violations found", git's GH013).
 */
export const PROTECTION =
  /protected branch|branch protection|repository rule violation|rule violations? found|GH006|GH013/i

/** A push-mode write into a branch whose rules require a pull request: retrying cannot help. */
export function protectedBranch(repository: string, branch: string, said: string): GitHubError {
  const ruleset = /rule violation|ruleset|GH013/i.test(said)
  return new GitHubError(
    `${repository} refuses direct commits to ${branch}: ${ruleset ? 'a repository ruleset' : 'branch protection'} applies (${said.trim()}). Nothing was written.`,
    {
      hint: `Promote this environment with mode: pull-request (in promotion.yaml or the mode input), or ${ruleset ? "add the token to the ruleset's bypass list" : 'let the token bypass the protection'} if direct pushes are intended.`
    }
  )
}

/** The HTTP status of an Octokit failure. */
export function status(error: unknown): number | undefined {
  const value = (error as { status?: unknown })?.status
  return typeof value === 'number' ? value : undefined
}

/** What GitHub said, without an edge's HTML error page. */
export function message(error: unknown): string {
  const e = error as {
    message?: string
    response?: { data?: unknown }
  }
  const data = e?.response?.data as
    { message?: string; errors?: { message?: string }[] } | string | undefined
  // An edge or proxy error page is HTML: its status says all it knows.
  if (typeof data === 'string' || /<html|<!doctype/i.test(e?.message ?? '')) {
    const code = status(error)
    return code ? `${code} ${STATUS_CODES[code] ?? 'error'}` : 'no usable answer'
  }
  const details = data?.errors
    ?.map(x => x.message)
    .filter(Boolean)
    .join('; ')
  return [data?.message ?? e?.message ?? String(error), details].filter(Boolean).join(': ')
}

/** A primary or secondary rate limit, as GitHub signals them. */
function rateLimited(error: unknown): boolean {
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } })
    ?.response?.headers
  return (
    status(error) === 429 ||
    (status(error) === 403 &&
      (headers?.['retry-after'] !== undefined ||
        headers?.['x-ratelimit-remaining'] === '0' ||
        /rate limit/i.test(message(error))))
  )
}
