/**
 * The GitHub side of delivery: the Git Data API writer (no clone; commits
 * made with GITHUB_TOKEN or an App token come out Verified), and pull
 * requests. Octokit with the retry and throttling plugins, as
 * create-pull-request does; GITHUB_API_URL is honored (GHES).
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { STATUS_CODES } from 'node:http'
import { dirname, join, posix } from 'node:path'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { linkTargetInRepo, MAX_LINK_HOPS } from '../config/paths.js'
import { PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { TreeReader } from '../render/index.js'
import { answerStands, type ChangedFile, type ReadSet } from './read-set.js'

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

export function createOctokit(token: string, logger: Logger, baseUrl?: string): Octokit {
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
        onRateLimit: retryRateLimit('rate limit', logger),
        onSecondaryRateLimit: retryRateLimit('secondary rate limit', logger)
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

/** Both rate limits: say so, and retry up to three times after GitHub's wait. */
function retryRateLimit(kind: string, logger: Logger) {
  return (after: number, options: { method: string; url: string }, _o: unknown, count: number) => {
    logger.warning(`GitHub ${kind} on ${options.method} ${options.url}; retrying in ${after} s.`)
    return count < 3
  }
}

export interface RepoInfo {
  readonly defaultBranch: string
  readonly allowAutoMerge: boolean
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
  readonly autoMerge?: 'merge' | 'squash' | 'rebase'
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
      allowAutoMerge: data.allow_auto_merge ?? false,
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

  async commit(sha: string): Promise<{ tree: string; parents: string[] }> {
    const { data } = await this.call('read a commit', () =>
      this.octokit.rest.git.getCommit({ owner: this.owner, repo: this.repo, commit_sha: sha })
    )
    return { tree: data.tree.sha, parents: data.parents.map(p => p.sha) }
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
   */
  async changesBetween(base: string, head: string): Promise<ChangedFile[] | undefined> {
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
      return data.files
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
      const errors = (error as { errors?: { type?: string }[] }).errors
      if (errors?.some(e => e.type === 'STALE_DATA')) return 'stale'
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

  /** Moves (or creates) a branch. 'not-fast-forward' when it moved on since it was read. */
  async moveBranch(
    branch: string,
    sha: string,
    force: boolean
  ): Promise<'moved' | 'not-fast-forward'> {
    // Seen missing a moment ago (a new promotion branch): create it, without a failed update
    // first, which would cost a throttled write, a second.
    if (this.heads.has(branch) && this.heads.get(branch) === undefined) {
      if (await this.createBranch(branch, sha)) return 'moved'
    }
    try {
      await this.octokit.rest.git.updateRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${branch}`,
        sha,
        force
      })
      this.heads.set(branch, sha)
      return 'moved'
    } catch (error) {
      if (status(error) === 422 && /not a fast forward/i.test(message(error)))
        return 'not-fast-forward'
      if (status(error) === 422 && /does not exist/i.test(message(error))) {
        if (await this.createBranch(branch, sha)) return 'moved'
      }
      throw this.explain(error, `move branch ${branch}`)
    }
  }

  /** Creates `branch` at `sha`; false when it exists after all (someone else made it). */
  private async createBranch(branch: string, sha: string): Promise<boolean> {
    try {
      await this.octokit.rest.git.createRef({
        owner: this.owner,
        repo: this.repo,
        ref: `refs/heads/${branch}`,
        sha
      })
    } catch (error) {
      if (status(error) === 422 && /already exists/i.test(message(error))) {
        this.heads.delete(branch)
        return false
      }
      throw this.explain(error, `create branch ${branch}`)
    }
    this.heads.set(branch, sha)
    return true
  }

  /** Deletes a branch this run created (undoing a promotion that could not be completed). */
  async deleteBranch(branch: string): Promise<void> {
    await this.call(`delete branch ${branch}`, () =>
      this.octokit.rest.git.deleteRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${branch}`
      })
    )
    this.heads.set(branch, undefined)
  }

  /** Creates the pull request, or updates the open one for the branch: a living PR. */
  async upsertPullRequest(spec: PullRequestSpec, info: RepoInfo): Promise<PullRequestResult> {
    const existing = await this.openPullRequest(spec.branch, spec.base)
    let pull: { number: number; html_url: string; node_id: string }
    let operation: PullRequestResult['operation']
    if (existing) {
      const { data } = await this.call('update the pull request', () =>
        this.octokit.rest.pulls.update({
          owner: this.owner,
          repo: this.repo,
          pull_number: existing.number,
          title: spec.title,
          body: spec.body
        })
      )
      pull = data
      operation = 'updated'
    } else {
      const { data } = await this.call('open the pull request', () =>
        this.octokit.rest.pulls.create({
          owner: this.owner,
          repo: this.repo,
          head: spec.branch,
          base: spec.base,
          title: spec.title,
          body: spec.body,
          draft: spec.draft,
          maintainer_can_modify: true
        })
      )
      pull = data
      operation = 'created'
    }
    const issue = { owner: this.owner, repo: this.repo, issue_number: pull.number }
    if (spec.labels.length)
      await this.call('add labels', () =>
        this.octokit.rest.issues.addLabels({ ...issue, labels: [...spec.labels] })
      )
    if (spec.assignees.length)
      await this.call('add assignees', () =>
        this.octokit.rest.issues.addAssignees({ ...issue, assignees: [...spec.assignees] })
      )
    if (spec.reviewers.length || spec.teamReviewers.length) {
      await this.call('request reviewers', () =>
        this.octokit.rest.pulls.requestReviewers({
          owner: this.owner,
          repo: this.repo,
          pull_number: pull.number,
          reviewers: [...spec.reviewers],
          team_reviewers: [...spec.teamReviewers]
        })
      )
    }
    if (spec.autoMerge) await this.enableAutoMerge(pull.node_id, spec.autoMerge, info)
    return { number: pull.number, url: pull.html_url, operation }
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

  /** A repository that does not allow auto-merge gets a warning, not a failed promotion. */
  private async enableAutoMerge(
    pullRequestId: string,
    method: 'merge' | 'squash' | 'rebase',
    info: RepoInfo
  ): Promise<void> {
    if (!info.allowAutoMerge) {
      this.logger.warning(
        `Auto-merge is not allowed in ${this.fullName}; enable "Allow auto-merge" in its settings. The pull request stays open for a manual merge.`
      )
      return
    }
    try {
      await this.octokit.graphql(
        `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
          enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
            pullRequest { autoMergeRequest { mergeMethod } }
          }
        }`,
        { pullRequestId, mergeMethod: method.toUpperCase() }
      )
    } catch (error) {
      this.logger.warning(`Could not enable auto-merge on the pull request: ${message(error)}`)
    }
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
    const hint =
      code === 401
        ? 'The token is invalid or expired.'
        : rateLimited(error)
          ? 'GitHub is rate-limiting this token; re-run the job in a few minutes, or spread promotions over fewer concurrent jobs.'
          : code === 403 || code === 404
            ? `The token cannot ${what} in ${this.fullName}. GITHUB_TOKEN only reaches the workflow's own repository: use a GitHub App token or a fine-grained token with contents: write and pull-requests: write on the config repository.`
            : 'Re-run the job if GitHub had a transient failure.'
    return new GitHubError(
      `GitHub refused to ${what} in ${this.fullName}${code ? ` (HTTP ${code})` : ''}: ${message(error)}`,
      { hint, cause: error }
    )
  }
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
