/**
 * The GitHub side of delivery: the Git Data API writer (no clone; commits
 * made with GITHUB_TOKEN or an App token come out Verified), and pull
 * requests. Octokit with the retry and throttling plugins, as
 * create-pull-request does; GITHUB_API_URL is honored (GHES).
 */
import type { MergeMethod } from '../model.js'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { STATUS_CODES } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { dirname, join, posix } from 'node:path'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { linkTargetInRepo, MAX_LINK_HOPS } from '../repo/paths.js'
import { PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { TreeReader } from '../repo/index.js'
import { answerStands, type ChangedFile, type ReadSet } from './read-set.js'

export type Octokit = ReturnType<typeof getOctokit>

/** A ref update's "no such ref" (updateRefs' beforeOid/afterOid). */
const ZERO_OID = '0'.repeat(40)

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

export interface PullRequestSpec {
  readonly branch: string
  readonly base: string
  readonly title: string
  readonly body: string
  readonly draft: boolean
  readonly labels: readonly string[]
  readonly reviewers: readonly string[]
  readonly teamReviewers: readonly string[]
  readonly assignees: readonly string[]
  readonly autoMerge?: MergeMethod
  /** The commit the run put on `branch`: merging now merges exactly it. */
  readonly headSha?: string
}

/** What this file reads of a pull request answer. */
interface PullRequestData {
  readonly number: number
  readonly html_url: string
  readonly node_id: string
  readonly head: { readonly sha: string }
}

/**
 * Reviewers as GitHub takes them: logins without "@", team slugs without "org/". An
 * `org/team` among the users is a team; a team of another organization cannot review here.
 */
export function reviewersOf(
  spec: Pick<PullRequestSpec, 'reviewers' | 'teamReviewers'>,
  owner: string,
  logger?: Logger
): { users: string[]; teams: string[] } {
  const users = new Set<string>()
  const teams = new Set<string>()
  for (const raw of [
    ...spec.reviewers,
    ...spec.teamReviewers.map(t => (t.includes('/') ? t : `/${t}`))
  ]) {
    const name = raw.replace(/^@/, '')
    const slash = name.indexOf('/')
    if (slash < 0) {
      users.add(name)
      continue
    }
    const org = name.slice(0, slash)
    if (org !== '' && org.toLowerCase() !== owner.toLowerCase()) {
      logger?.warning(
        `Reviewer team ${raw} belongs to ${org}, not ${owner}: only teams of ${owner} can review there; skipped.`
      )
      continue
    }
    teams.add(name.slice(slash + 1))
  }
  return { users: [...users], teams: [...teams] }
}

export interface PullRequestResult {
  readonly number: number
  readonly url: string
  readonly operation: 'created' | 'updated' | 'none'
}

/** One repository on GitHub (or GHES, or the test box). */
export class GitHubRepo {
  /** Contents answers by commit and path; commits never change. */
  private readonly contents = new Map<string, Promise<ContentEntry | ContentEntry[] | undefined>>()
  private settings?: Promise<RepoInfo>
  /** Branch heads as this run last read or moved them; undefined: seen missing. */
  private readonly heads = new Map<string, string | undefined>()
  /** When this run's last write ended (Date.now()), for writeWait. */
  private lastWrite = 0
  /**
   * Commits whose difference from an earlier one is known (this run made them, or a compare
   * listed it): their contents answers are inherited from that commit for every path the
   * difference cannot have changed, so promoting three environments reads shared bases once.
   */
  private readonly lineage = new Map<string, { base: string; changed: readonly string[] }>()

  constructor(
    private readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
    private readonly logger: Logger
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

  /**
   * The commit a branch points at, or undefined when there is no such branch.
   * `reuse`: the head this run last read or wrote, when there is one — a
   * stale answer only costs a lost race, which the caller handles anyway.
   */
  async branchHead(branch: string, options: { reuse?: boolean } = {}): Promise<string | undefined> {
    if (options.reuse && this.heads.has(branch)) return this.heads.get(branch)
    try {
      const { data } = await this.octokit.rest.git.getRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${branch}`
      })
      this.heads.set(branch, data.object.sha)
      return data.object.sha
    } catch (error) {
      if (status(error) !== 404) throw this.explain(error, `read branch ${branch}`)
      this.heads.set(branch, undefined)
      return undefined
    }
  }

  async commit(sha: string): Promise<{ tree: string; parents: string[]; message: string }> {
    const { data } = await this.call('read a commit', () =>
      this.octokit.rest.git.getCommit({ owner: this.owner, repo: this.repo, commit_sha: sha })
    )
    return { tree: data.tree.sha, parents: data.parents.map(p => p.sha), message: data.message }
  }

  /**
   * Reads a commit's tree through the contents API, one path at a time: the
   * cost follows what the promotion reads, not the size of the repository.
   * `ref` is a commit sha: answers are cached for the run, so promotion.yaml
   * read for the environments' settings is not fetched again for the edit.
   */
  reader(ref: string): TreeReader & {
    list(dir: string): Promise<string[]>
    linkOn(rel: string): Promise<{ path: string; target: string } | undefined>
    /** What this reader was asked for so far: see changesTouch. */
    readonly reads: ReadSet
  } {
    const reads = { probed: new Map<string, 'dir' | 'other'>(), listed: new Set<string>() }
    const get = (path: string) => {
      const key = `${ref}\0${path}`
      let found = this.contents.get(key)
      if (!found) {
        found = this.inherited(ref, path) ?? this.content(path, ref)
        this.contents.set(key, found)
      }
      reads.probed.set(path, reads.probed.get(path) ?? 'other')
      found.then(
        entry => {
          if (Array.isArray(entry)) reads.probed.set(path, 'dir')
          // A link to a file comes back as that file: a change to the file is a change to it.
          else if (entry && entry.path !== path) reads.probed.set(entry.path, 'other')
        },
        () => undefined
      )
      return found
    }
    const typeOf = async (rel: string): Promise<'file' | 'dir' | 'missing' | 'other'> => {
      const clean = rel.replace(/\/$/, '')
      if (clean === '') return 'dir'
      // GitHub does not follow a symlinked directory on the way to a path (it answers 404), so
      // a path that is found has real directories above it and its parents need not be read.
      const entry = await get(clean)
      if (Array.isArray(entry)) return 'dir'
      // GitHub answers a link to a file in the repository with that file: its path tells.
      if (entry) return entry.type === 'file' && entry.path === clean ? 'file' : 'other'
      // Not found: missing, or behind a link (or a file) on the way, which the parents tell.
      const parts = clean.split('/')
      const parents = parts.slice(0, -1).map((_, i) => get(parts.slice(0, i + 1).join('/')))
      // Below a parent that is not a directory, reads may fail; they do not matter then.
      for (const read of parents) read.catch(() => undefined)
      for (const read of parents) {
        const parent = await read
        if (parent === undefined) return 'missing'
        if (!Array.isArray(parent)) return 'other'
      }
      return 'missing'
    }
    /** The first symlink on the way to `rel`, for the checkout to hold it as a link. */
    const linkOn = async (rel: string): Promise<{ path: string; target: string } | undefined> => {
      const parts = rel.replace(/\/$/, '').split('/')
      for (let i = 1; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join('/')
        const entry = await get(prefix).catch(() => undefined)
        if (entry === undefined) return undefined
        if (Array.isArray(entry)) continue
        if (entry.type === 'symlink' && entry.target !== undefined)
          return { path: prefix, target: entry.target }
        // A link to a file in the repository comes back as that file: point at it.
        if (entry.type === 'file' && entry.path !== prefix)
          return { path: prefix, target: posix.relative(posix.dirname(prefix), entry.path) }
        return undefined
      }
      return undefined
    }
    return {
      type: typeOf,
      linkOn,
      read: async rel => {
        const entry = await get(rel)
        if (!entry || Array.isArray(entry) || entry.type !== 'file')
          throw new GitHubError(`${rel} is not a file in ${this.fullName}.`)
        if (entry.content !== undefined && entry.encoding === 'base64')
          return Buffer.from(entry.content, 'base64').toString('utf8')
        // Files over 1 MB come without content; their blob has it.
        const { data } = await this.octokit.rest.git.getBlob({
          owner: this.owner,
          repo: this.repo,
          file_sha: entry.sha
        })
        return Buffer.from(data.content, 'base64').toString('utf8')
      },
      list: async dir => {
        reads.listed.add(dir.replace(/\/$/, ''))
        const entry = await get(dir.replace(/\/$/, ''))
        return Array.isArray(entry) ? entry.map(e => e.path) : []
      },
      reads
    }
  }

  /**
   * The files changed from `base` to `head` (one compare request), when `head` descends from
   * `base` and GitHub lists them all; undefined otherwise (the caller reads everything again).
   * `only` is the commit between them when there is exactly one: a write whose answer was lost
   * (a 5xx after GitHub applied it) is recognised by it, without another request.
   */
  async changesBetween(
    base: string,
    head: string
  ): Promise<
    { files: ChangedFile[]; only?: { sha: string; message: string; parents: string[] } } | undefined
  > {
    try {
      const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({
        owner: this.owner,
        repo: this.repo,
        basehead: `${base}...${head}`,
        per_page: 1
      })
      // GitHub lists 300 files at most: a longer list may hide the one that matters.
      if (data.status !== 'ahead' || !data.files || data.files.length >= 300) return undefined
      const changed = data.files.flatMap(f =>
        f.previous_filename === undefined ? [f.filename] : [f.filename, f.previous_filename]
      )
      this.lineage.set(head, { base, changed })
      const first = data.commits[0]
      const only =
        data.ahead_by === 1 && first
          ? {
              sha: first.sha,
              message: first.commit.message,
              parents: first.parents.map(p => p.sha)
            }
          : undefined
      return { files: data.files, only }
    } catch (error) {
      this.logger.debug(
        `compare ${base}...${head}: ${error instanceof Error ? error.message : String(error)}`
      )
      return undefined
    }
  }

  /**
   * The answer for `path` at `ref` taken from the commit `ref` was derived from, when none of
   * the changes between them is the path, inside it or above it (nor the file a link to a file
   * answers with); undefined otherwise. Symlink answers are always read again.
   */
  private inherited(
    ref: string,
    path: string
  ): Promise<ContentEntry | ContentEntry[] | undefined> | undefined {
    const step = this.lineage.get(ref)
    if (!step || !answerStands(path, step.changed)) return undefined
    const key = `${step.base}\0${path}`
    const earlier = this.contents.get(key) ?? this.inherited(step.base, path)
    if (!earlier) return undefined
    return earlier.then(
      entry =>
        Array.isArray(entry) ||
        entry === undefined ||
        (entry.type === 'file' && (entry.path === path || answerStands(entry.path, step.changed)))
          ? entry
          : this.content(path, ref),
      () => this.content(path, ref)
    )
  }

  private async content(
    path: string,
    ref: string
  ): Promise<ContentEntry | ContentEntry[] | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({
        owner: this.owner,
        repo: this.repo,
        path,
        ref
      })
      return data as ContentEntry | ContentEntry[]
    } catch (error) {
      if (status(error) === 404) return undefined
      throw this.explain(error, `read ${path}`)
    }
  }

  /**
   * Writes `paths` (files, or directories recursively) of the reader's commit under `dir`.
   * A symlink stays a link, so the edit's path checks see (and refuse) an escape; its target
   * is written too when it stays in the repository, so the link reads as in a full clone.
   */
  async materialize(
    reader: ReturnType<GitHubRepo['reader']>,
    paths: Iterable<string>,
    dir: string
  ): Promise<void> {
    await this.materializeAll(reader, paths, dir, { seen: new Set(), hops: 0 })
  }

  private async materializeAll(
    reader: ReturnType<GitHubRepo['reader']>,
    paths: Iterable<string>,
    dir: string,
    walk: { seen: Set<string>; hops: number }
  ): Promise<void> {
    const fresh = [...paths].filter(path => !walk.seen.has(path))
    for (const path of fresh) walk.seen.add(path)
    // All at once: Octokit's throttling keeps GitHub's concurrency in bounds.
    await Promise.all(fresh.map(path => this.materializeOne(reader, path, dir, walk)))
  }

  private async materializeOne(
    reader: ReturnType<GitHubRepo['reader']>,
    path: string,
    dir: string,
    walk: { seen: Set<string>; hops: number }
  ): Promise<void> {
    const type = await reader.type(path)
    if (type === 'file') {
      await mkdir(dirname(join(dir, path)), { recursive: true })
      await writeFile(join(dir, path), await reader.read(path))
    } else if (type === 'dir') {
      await mkdir(join(dir, path), { recursive: true })
      await this.materializeAll(reader, await reader.list(path), dir, walk)
    } else if (type === 'other') {
      const link = await reader.linkOn(path)
      if (!link) return
      await mkdir(dirname(join(dir, link.path)), { recursive: true })
      await symlink(link.target, join(dir, link.path)).catch(() => undefined)
      if (++walk.hops > MAX_LINK_HOPS) return
      const rest = path === link.path ? '' : path.slice(link.path.length + 1)
      const target = linkTargetInRepo(link.path, link.target, rest)
      if (target !== undefined) await this.materializeAll(reader, [target], dir, walk)
    }
  }

  /** Blobs, a tree on `baseTree`, and a commit with `parent`: a commit no branch points at yet. */
  async createCommit(
    baseTree: string,
    parent: string,
    files: ReadonlyMap<string, string>,
    message: string
  ): Promise<{ sha: string; tree: string }> {
    // Contents inline in the tree: one write instead of one per blob (writes are throttled to one a second).
    const tree = await this.call('create the commit', () =>
      this.octokit.rest.git.createTree({
        owner: this.owner,
        repo: this.repo,
        base_tree: baseTree,
        tree: [...files].map(([path, content]) => ({
          path,
          mode: '100644' as const,
          type: 'blob' as const,
          content
        }))
      })
    )
    const { data } = await this.call('create the commit', () =>
      this.octokit.rest.git.createCommit({
        owner: this.owner,
        repo: this.repo,
        message,
        tree: tree.data.sha,
        parents: [parent]
      })
    )
    this.lineage.set(data.sha, { base: parent, changed: [...files.keys()] })
    return { sha: data.sha, tree: tree.data.sha }
  }

  /**
   * One commit of `files` on `branch`, only if it still points at
   * `expectedHead` (GraphQL createCommitOnBranch): the tree, the commit and
   * the compare-and-swap of the ref in a single throttled write, where the
   * REST Git Data API needs three a second apart. 'stale' when the branch
   * moved on since it was read. GitHub signs the commit.
   */
  async commitOnBranch(
    branch: string,
    expectedHead: string,
    files: ReadonlyMap<string, string>,
    message: string
  ): Promise<{ sha: string } | 'stale'> {
    const [headline = '', ...rest] = message.split('\n')
    try {
      const data = await this.octokit.graphql<{
        createCommitOnBranch: { commit: { oid: string } }
      }>(
        `mutation($input: CreateCommitOnBranchInput!) {
          createCommitOnBranch(input: $input) { commit { oid } }
        }`,
        {
          input: {
            branch: { repositoryNameWithOwner: this.fullName, branchName: branch },
            message: { headline, body: rest.join('\n').replace(/^\n+/, '') },
            expectedHeadOid: expectedHead,
            fileChanges: {
              additions: [...files].map(([path, content]) => ({
                path,
                contents: Buffer.from(content, 'utf8').toString('base64')
              }))
            }
          }
        }
      )
      const sha = data.createCommitOnBranch.commit.oid
      this.heads.set(branch, sha)
      this.lineage.set(sha, { base: expectedHead, changed: [...files.keys()] })
      return { sha }
    } catch (error) {
      const errors = (error as { errors?: { type?: string; message?: string }[] }).errors
      if (errors?.some(e => e.type === 'STALE_DATA')) return 'stale'
      const rule = errors?.find(
        e => e.type === 'BRANCH_PROTECTION_RULE_VIOLATION' || PROTECTION.test(e.message ?? '')
      )
      if (rule) throw protectedBranch(this.fullName, branch, rule.message ?? rule.type ?? '')
      throw this.explain(error, `commit to ${branch}`)
    }
  }

  /** When `path` last changed on `ref` (ISO date), or undefined. */
  async lastChanged(path: string, ref?: string): Promise<string | undefined> {
    const { data } = await this.call('list commits', () =>
      this.octokit.rest.repos.listCommits({
        owner: this.owner,
        repo: this.repo,
        path,
        per_page: 1,
        ...(ref ? { sha: ref } : {})
      })
    )
    return data[0]?.commit.committer?.date ?? undefined
  }

  /**
   * Points `branch` at `sha` only if it still points at `expected` (undefined: only if it does
   * not exist): a compare-and-swap, so a run never moves a branch over a commit it has not
   * seen. 'conflict' when the branch is elsewhere. A create is REST createRef (it fails when
   * the ref exists); a move is GraphQL updateRefs with `beforeOid`, the one GitHub write that
   * force-moves a ref conditionally (REST updateRef's only condition is fast-forward).
   * https://docs.github.com/graphql/reference/mutations#updaterefs
   */
  async setBranch(
    branch: string,
    sha: string,
    expected: string | undefined
  ): Promise<'moved' | 'conflict'> {
    return this.swapRef(branch, expected, sha)
  }

  /** Deletes `branch` only if it still points at `expected` (the run's own commit). */
  async deleteBranch(branch: string, expected: string): Promise<'deleted' | 'conflict'> {
    return (await this.swapRef(branch, expected, undefined)) === 'moved' ? 'deleted' : 'conflict'
  }

  private async swapRef(
    branch: string,
    before: string | undefined,
    after: string | undefined
  ): Promise<'moved' | 'conflict'> {
    const what =
      after === undefined
        ? `delete branch ${branch}`
        : before === undefined
          ? `create branch ${branch}`
          : `move branch ${branch}`
    try {
      if (before === undefined && after !== undefined) {
        await this.octokit.rest.git.createRef({
          owner: this.owner,
          repo: this.repo,
          ref: `refs/heads/${branch}`,
          sha: after
        })
      } else {
        const { nodeId } = await this.info()
        await this.octokit.graphql(
          `mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`,
          {
            input: {
              repositoryId: nodeId,
              refUpdates: [
                {
                  name: `refs/heads/${branch}`,
                  beforeOid: before ?? ZERO_OID,
                  afterOid: after ?? ZERO_OID,
                  force: true
                }
              ]
            }
          }
        )
      }
    } catch (error) {
      // Refused, or applied with the answer lost (a retried 5xx): the ref itself tells which.
      this.heads.delete(branch)
      const now = await this.branchHead(branch)
      if (now === after) {
        this.logger.debug(`${what}: already done (${message(error)}).`)
        return 'moved'
      }
      if (now !== before) return 'conflict'
      throw this.explain(error, what)
    }
    this.heads.set(branch, after)
    return 'moved'
  }

  /** The open pull requests whose head is `branch` (any base). */
  async openPullRequestsFrom(branch: string): Promise<{ number: number; base: string }[]> {
    const { data } = await this.call('list pull requests', () =>
      this.octokit.rest.pulls.list({
        owner: this.owner,
        repo: this.repo,
        head: `${this.owner}:${branch}`,
        state: 'open'
      })
    )
    return data.map(pull => ({ number: pull.number, base: pull.base.ref }))
  }

  /**
   * Creates the pull request, or updates the open one for the branch: a living PR. Labels,
   * assignees, reviewers and auto-merge decorate it afterwards; GitHub refusing one of them
   * is a warning, never a reason to fail (or close) a pull request that is open.
   */
  async upsertPullRequest(spec: PullRequestSpec): Promise<PullRequestResult> {
    let existing = await this.openPullRequest(spec.branch, spec.base)
    let created: PullRequestData | undefined
    if (!existing) {
      created = await this.createPullRequest(spec)
      // Another job opened it first, or GitHub applied our request and its answer was lost
      // (a retried 5xx meets "already exists"): adopt the open one.
      if (!created) existing = await this.openPullRequest(spec.branch, spec.base)
      if (!created && !existing) {
        throw new GitHubError(
          `GitHub says a pull request from ${spec.branch} exists in ${this.fullName}, but none is open into ${spec.base}.`,
          {
            hint: `Look at the pull requests from ${spec.branch}; close the one into another base, or change branch.`
          }
        )
      }
    }
    const pull =
      created ??
      (
        await this.call('update the pull request', () =>
          this.octokit.rest.pulls.update({
            owner: this.owner,
            repo: this.repo,
            pull_number: existing!.number,
            title: spec.title,
            body: spec.body
          })
        )
      ).data
    await this.decorate(pull, spec)
    return { number: pull.number, url: pull.html_url, operation: created ? 'created' : 'updated' }
  }

  /** undefined when GitHub says a pull request for the branch exists already. */
  private async createPullRequest(spec: PullRequestSpec): Promise<PullRequestData | undefined> {
    try {
      const { data } = await this.octokit.rest.pulls.create({
        owner: this.owner,
        repo: this.repo,
        head: spec.branch,
        base: spec.base,
        title: spec.title,
        body: spec.body,
        draft: spec.draft,
        maintainer_can_modify: true
      })
      return data
    } catch (error) {
      if (status(error) === 422 && /already exists/i.test(message(error))) return undefined
      throw this.explain(error, 'open the pull request')
    }
  }

  private async openPullRequest(branch: string, base: string) {
    const { data } = await this.call('list pull requests', () =>
      this.octokit.rest.pulls.list({
        owner: this.owner,
        repo: this.repo,
        head: `${this.owner}:${branch}`,
        base,
        state: 'open'
      })
    )
    return data[0]
  }

  private async decorate(pull: PullRequestData, spec: PullRequestSpec): Promise<void> {
    const issue = { owner: this.owner, repo: this.repo, issue_number: pull.number }
    if (spec.labels.length) {
      await this.octokit.rest.issues
        .addLabels({ ...issue, labels: [...spec.labels] })
        .catch((error: unknown) => this.refused(`add the labels ${spec.labels.join(', ')}`, error))
    }
    if (spec.assignees.length) {
      // GitHub drops assignees who may not be assigned without a word: say who is missing.
      const assignees = spec.assignees.map(login => login.replace(/^@/, ''))
      await this.octokit.rest.issues
        .addAssignees({ ...issue, assignees })
        .then(({ data }) => {
          const kept = new Set((data.assignees ?? []).map(a => a.login.toLowerCase()))
          const dropped = assignees.filter(a => !kept.has(a.toLowerCase()))
          if (dropped.length)
            this.logger.warning(
              `GitHub did not assign ${dropped.join(', ')} to pull request #${pull.number}: only users with access to ${this.fullName} can be assigned (at most 10).`
            )
        })
        .catch((error: unknown) => this.refused(`assign ${assignees.join(', ')}`, error))
    }
    const { users, teams } = reviewersOf(spec, this.owner, this.logger)
    if (users.length || teams.length) await this.requestReviewers(pull.number, users, teams)
    if (spec.autoMerge) await this.autoMerge(pull, spec.autoMerge, spec.headSha ?? pull.head.sha)
  }

  /**
   * One request for all reviewers; when GitHub refuses it (422 names no one: "Reviews may only
   * be requested from collaborators. One or more of the users or teams you specified is not a
   * collaborator…"), one request each, so the warning says who was refused and the rest are
   * still requested.
   */
  private async requestReviewers(
    pullNumber: number,
    users: readonly string[],
    teams: readonly string[]
  ): Promise<void> {
    const ask = (reviewers: readonly string[], team_reviewers: readonly string[]) =>
      this.octokit.rest.pulls.requestReviewers({
        owner: this.owner,
        repo: this.repo,
        pull_number: pullNumber,
        reviewers: [...reviewers],
        team_reviewers: [...team_reviewers]
      })
    try {
      await ask(users, teams)
      return
    } catch (error) {
      if (status(error) !== 422 || users.length + teams.length === 1) {
        this.refused(
          `request reviews from ${[...users, ...teams.map(t => `team ${t}`)].join(', ')}`,
          error
        )
        return
      }
    }
    const refused: string[] = []
    let why = ''
    for (const [who, request] of [
      ...users.map(u => [u, () => ask([u], [])] as const),
      ...teams.map(t => [`team ${t}`, () => ask([], [t])] as const)
    ]) {
      try {
        await request()
      } catch (error) {
        refused.push(who)
        why = message(error)
      }
    }
    if (refused.length)
      this.logger.warning(
        `GitHub refused to request reviews from ${refused.join(', ')} on pull request #${pullNumber}: ${why} The pull request stays open; fix reviewers (collaborators of ${this.fullName}, team slugs of ${this.owner}, not the token's own user).`
      )
  }

  /**
   * Auto-merge as the user asked: GraphQL enablePullRequestAutoMerge, tried whenever the
   * repository does not say it is off (its setting is hidden from tokens without admin).
   * GitHub refuses to arm it on a pull request with nothing pending ("Pull request is in clean
   * status"): that pull request can be merged now, so it is, with the chosen method.
   */
  private async autoMerge(
    pull: PullRequestData,
    method: MergeMethod,
    headSha: string
  ): Promise<void> {
    const info = await this.info()
    if (info.allowAutoMerge === false) {
      this.autoMergeOff(pull.number)
      return
    }
    try {
      await this.octokit.graphql(
        `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
          enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
            pullRequest { autoMergeRequest { mergeMethod } }
          }
        }`,
        { pullRequestId: pull.node_id, mergeMethod: method.toUpperCase() }
      )
      this.logger.info(`Auto-merge (${method}) armed on pull request #${pull.number}.`)
    } catch (error) {
      const why = message(error)
      if (/\b(clean|unstable) status\b/i.test(why)) {
        await this.mergeNow(pull, method, headSha)
      } else if (/auto.?merge is not allowed/i.test(why)) {
        this.autoMergeOff(pull.number)
      } else {
        this.logger.warning(
          `Could not enable auto-merge on pull request #${pull.number}: ${why} It stays open for a manual merge.`
        )
      }
    }
  }

  private autoMergeOff(pullNumber: number): void {
    this.logger.warning(
      `Auto-merge is off in ${this.fullName}: enable "Allow auto-merge" in its settings (General → Pull Requests). Pull request #${pullNumber} stays open for a manual merge.`
    )
  }

  /** Merges a pull request that has nothing pending; only the head this run wrote. */
  private async mergeNow(
    pull: PullRequestData,
    method: MergeMethod,
    headSha: string
  ): Promise<void> {
    try {
      await this.octokit.rest.pulls.merge({
        owner: this.owner,
        repo: this.repo,
        pull_number: pull.number,
        merge_method: method,
        sha: headSha
      })
      this.logger.info(
        `Pull request #${pull.number} had nothing pending (no required checks or reviews), so auto-merge could not be armed: merged it now (${method}).`
      )
    } catch (error) {
      this.logger.warning(
        `Pull request #${pull.number} has nothing pending, so GitHub will not arm auto-merge, and merging it now was refused: ${message(error)} ${
          status(error) === 403
            ? 'The token may not merge (it needs contents: write and pull-requests: write, and to satisfy the branch rules).'
            : 'Merge it by hand.'
        }`
      )
    }
  }

  /** A decoration GitHub refused: the pull request stands, the run goes on. */
  private refused(what: string, error: unknown): void {
    this.logger.warning(`GitHub refused to ${what} in ${this.fullName}: ${message(error)}`)
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      throw this.explain(error, what)
    }
  }

  private explain(error: unknown, what: string): GitHubError {
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

interface ContentEntry {
  readonly type: 'file' | 'dir' | 'symlink' | 'submodule'
  readonly path: string
  /** Symlinks: the link text. */
  readonly target?: string
  readonly sha: string
  readonly content?: string
  readonly encoding?: string
}

function status(error: unknown): number | undefined {
  const value = (error as { status?: unknown })?.status
  return typeof value === 'number' ? value : undefined
}

function message(error: unknown): string {
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
