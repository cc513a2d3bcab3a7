/**
 * The git write method: any git host, file:// and local paths included.
 * A partial, shallow, sparse clone (`--filter=blob:none --depth 1`, only the
 * files the promotion reads) keeps the cost flat in the size of the config
 * repo; blobs outside the sparse set are never fetched.
 *
 * The token never reaches a command line, a URL or .git/config: it goes to
 * git as an `http.<origin>.extraHeader` in the global config of a private,
 * throwaway HOME (mode 0600 in a 0700 temp dir, as actions/checkout v6 keeps
 * it in RUNNER_TEMP), deleted with the clone.
 */
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { simpleGit, type SimpleGit } from 'simple-git'
import { linkTargetInRepo, MAX_LINK_HOPS } from '../repo/paths.js'
import { PromoteError } from '../errors.js'
import { backoffDelay, type RetryPolicy } from '../http/retry.js'
import type { Logger } from '../log/logger.js'
import type { TreeReader } from '../repo/index.js'
import { answerStands } from './read-set.js'

/** Commits made by the action look like other automation on GitHub. */
export const DEFAULT_IDENTITY = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
}

export class GitError extends PromoteError {}

/** Clone, fetch and push: total attempts, the first included, on a transient failure. */
export const GIT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 }

export interface GitCheckoutOptions {
  /** https://…, ssh, file:// or a local path to a repository. */
  readonly url: string
  /** Defaults to the remote's default branch. */
  readonly baseBranch?: string
  readonly token?: string
  readonly logger: Logger
  readonly identity?: { readonly name: string; readonly email: string }
  /** Receives every secret derived from the token, for core.setSecret. */
  readonly onSecret?: (secret: string) => void
}

export class GitCheckout {
  private tree?: Map<string, string>
  /** Every path the promotion read or checked out: what a racing commit must not touch (rebase). */
  private readonly readPaths = new Set<string>()
  /** The promotion's commit as rebase() moved it onto a new head, for the next commit() to give. */
  private rebased?: string

  private constructor(
    readonly dir: string,
    readonly baseBranch: string,
    private readonly git: SimpleGit,
    private readonly temp: string,
    private readonly logger: Logger,
    /** The repository for messages, credentials redacted. */
    private readonly remote: string,
    private readonly env: Record<string, string>
  ) {}

  /** Clones the base branch: history depth 1, no blobs, nothing checked out but what `include` asks for. */
  static async open(options: GitCheckoutOptions): Promise<GitCheckout> {
    const url = normalizeUrl(options.url)
    const temp = await realpath(await mkdtemp(join(tmpdir(), 'promote-image-git-')))
    const dir = join(temp, 'config')
    const identity = options.identity ?? DEFAULT_IDENTITY
    const env = await gitEnv(url, temp, options.token, identity, options.onSecret)
    try {
      const outside = simpleGit({ baseDir: temp }).env(env)
      const branchArgs = options.baseBranch ? ['--branch', options.baseBranch] : []
      await retryTransient('clone', options.logger, async attempt => {
        if (attempt > 1) await rm(dir, { recursive: true, force: true })
        await outside.clone(url, dir, [
          '--filter=blob:none',
          '--depth',
          '1',
          '--no-checkout',
          '--single-branch',
          ...branchArgs
        ])
      })
      // One git process at a time: concurrent lazy blob fetches of a shallow clone each rewrite
      // .git/shallow, and git fails the loser with "shallow file has changed since we read it".
      const git = simpleGit({ baseDir: dir, maxConcurrentProcesses: 1 }).env(env)
      const baseBranch = options.baseBranch ?? (await git.revparse(['--abbrev-ref', 'HEAD'])).trim()
      await git.raw(['sparse-checkout', 'init', '--no-cone'])
      await git.raw(['sparse-checkout', 'set', '--no-cone', '/.promote-image-nothing'])
      await git.raw(['checkout', '--quiet', baseBranch])
      return new GitCheckout(dir, baseBranch, git, temp, options.logger, redact(options.url), env)
    } catch (error) {
      await rm(temp, { recursive: true, force: true })
      throw new GitError(
        `Cannot clone the config repository ${redact(options.url)}${tried(error)}: ${gitMessage(error)}`,
        {
          hint:
            outageHint(error) ??
            missingBranchHint(error, options.baseBranch) ??
            (options.token
              ? 'Check the URL and that the token may read the repository (contents: read).'
              : 'Check the URL; for a private repository pass a token.'),
          cause: error
        }
      )
    }
  }

  async head(): Promise<string> {
    return (await this.git.revparse(['HEAD'])).trim()
  }

  /** Reads the commit's tree without checking anything out (blobs are fetched one by one). */
  reader(): TreeReader {
    const note = (rel: string): string => {
      const clean = rel.replace(/\/$/, '')
      this.readPaths.add(clean)
      return clean
    }
    return {
      type: async rel => {
        const tree = await this.listing()
        const clean = note(rel)
        const mode = tree.get(clean)
        if (rel === '' || mode === '040000') return 'dir'
        // Under a symlinked directory nothing is listed: the link decides.
        if (mode === undefined) return linkOnPath(tree, clean) ? 'other' : 'missing'
        if (mode === '100644' || mode === '100755') return 'file'
        return 'other' // symlinks (120000) and submodules (160000)
      },
      read: async rel => this.git.raw(['cat-file', 'blob', `HEAD:${note(rel)}`]),
      linkOn: async rel => {
        const link = linkOnPath(await this.listing(), note(rel))
        return link === undefined ? undefined : { path: link, target: await this.linkTarget(link) }
      },
      list: async dir => {
        const clean = note(dir)
        const prefix = clean ? `${clean}/` : ''
        return [...(await this.listing()).keys()].filter(
          p => p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && p !== prefix
        )
      }
    }
  }

  private async listing(): Promise<Map<string, string>> {
    if (!this.tree) {
      const out = await this.git.raw(['ls-tree', '-r', '-t', '--full-tree', 'HEAD'])
      this.tree = new Map(
        out
          .split('\n')
          .filter(Boolean)
          .map(line => {
            const tab = line.indexOf('\t')
            return [line.slice(tab + 1), line.slice(0, 6)] as const
          })
      )
    }
    return this.tree
  }

  /**
   * Adds files and directories (repo-relative) to the sparse checkout; fetches their blobs in
   * one go. A symlink on the way brings its target too when that stays in the repository, so
   * the checkout reads as a full clone would; one leading out stays dangling, to be refused.
   */
  async include(paths: readonly string[]): Promise<void> {
    const tree = await this.listing()
    const wanted = new Set<string>()
    const seen = new Set<string>()
    const queue = paths.map(p => p.replace(/\/$/, ''))
    const links = [...tree].filter(([, mode]) => mode === LINK).map(([p]) => p)
    let hops = 0
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (next === '' || seen.has(next)) continue
      seen.add(next)
      const link = linkOnPath(tree, next)
      if (link !== undefined) {
        wanted.add(link)
        if (++hops > MAX_LINK_HOPS) continue
        const rest = next.slice(link.length + 1)
        const target = linkTargetInRepo(link, await this.linkTarget(link), rest)
        if (target !== undefined) queue.push(target)
        continue
      }
      if (!tree.has(next)) continue
      wanted.add(next)
      // Links inside an included directory are checked out with it: their targets are needed too.
      if (tree.get(next) === '040000') {
        queue.push(...links.filter(p => p.startsWith(`${next}/`)))
      }
    }
    for (const path of wanted) this.readPaths.add(path)
    const patterns = [...wanted].map(p =>
      tree.get(p) === '040000' ? `/${escapePattern(p)}/` : `/${escapePattern(p)}`
    )
    if (patterns.length === 0) return
    await this.git.raw(['sparse-checkout', 'add', ...patterns])
  }

  /** A symlink's stored target (its blob), fetched on demand like any blob of the partial clone. */
  private async linkTarget(link: string): Promise<string> {
    return this.git.raw(['cat-file', 'blob', `HEAD:${link}`])
  }

  /** Gives up on sparseness: everything is checked out (the render needs what cannot be told in advance). */
  async includeAll(): Promise<void> {
    await this.git.raw(['sparse-checkout', 'disable'])
  }

  /** Commits every change in the sparse working tree (or gives the commit rebase() moved); undefined when there is none. */
  async commit(message: string): Promise<string | undefined> {
    if (this.rebased) {
      const sha = this.rebased
      this.rebased = undefined
      return sha
    }
    await this.git.raw(['add', '--sparse', '--all'])
    const staged = await this.git.raw(['diff', '--cached', '--name-only'])
    if (staged.trim() === '') return undefined
    await this.git.raw(['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '-m', message])
    return this.head()
  }

  /**
   * Pushes HEAD to `branch`. 'rejected' when the remote moved on (someone
   * else promoted in between): the caller re-reads and re-applies. With
   * `expected`, a compare-and-swap (`--force-with-lease`): the branch is
   * force-moved only if it still points at `expected` (null: only if it does
   * not exist), so a colleague's commit is never pushed over.
   */
  async push(
    branch: string,
    options: { expected?: string | null } = {}
  ): Promise<'pushed' | 'rejected'> {
    const ref = `refs/heads/${branch}`
    const lease =
      options.expected === undefined ? [] : [`--force-with-lease=${ref}:${options.expected ?? ''}`]
    const args = ['push', '--quiet', ...lease, 'origin', `HEAD:${ref}`]
    try {
      // A retried push whose first try landed in spite of the error finds the
      // branch already at HEAD: "Everything up-to-date", exit 0, 'pushed'.
      await retryTransient(
        `push to ${branch}`,
        this.logger,
        () => this.git.raw(args),
        output => !PUSH_REFUSED.test(output) && isTransientGitFailure(output)
      )
      return 'pushed'
    } catch (error) {
      // The whole output: git's advice after a rejection pushes its status line out of the tail.
      const output = errorText(error)
      const message = gitMessage(error)
      if (lostRace(output)) {
        this.logger.debug(`push to ${branch} rejected: ${message}`)
        return 'rejected'
      }
      if (PUSH_REFUSED.test(output)) throw pushRefused(branch, this.remote, output)
      throw new GitError(`Cannot push to ${branch} of ${this.remote}${tried(error)}: ${message}`, {
        hint:
          outageHint(error) ??
          'The token needs contents: write on the config repository (and the branch must not be protected against it).',
        cause: error
      })
    }
  }

  /**
   * After a lost race: fetches the base branch's new head. When nothing changed on the way
   * there is a path the promotion read or checked out (or inside or above one), the
   * promotion's commit is put onto the new head as it is, without reading, editing or
   * rendering again: 'kept', HEAD is that commit. Otherwise the checkout moves to the new
   * head, its edits discarded, for the promotion to be made again: 'reread'.
   */
  async rebase(): Promise<'kept' | 'reread'> {
    await this.fetchBase()
    const head = (await this.git.revparse(['FETCH_HEAD'])).trim()
    // HEAD is the promotion's commit, on the head it was made on.
    const base = (await this.git.revparse(['HEAD^'])).trim()
    const changed = splitZ(
      await this.git.raw(['diff', '--name-only', '--no-renames', '-z', base, head])
    )
    if ([...this.readPaths].some(path => !answerStands(path, changed))) {
      await this.reset()
      return 'reread'
    }
    // The promotion's own changes, applied to the new head's tree in an index of its own; the
    // new head's blobs are not here (partial clone), and write-tree need not see them.
    const ours = parseDiffTree(
      await this.git.raw(['diff-tree', '-r', '-z', '--no-renames', base, 'HEAD'])
    )
    const index = simpleGit({ baseDir: this.dir, maxConcurrentProcesses: 1 }).env({
      ...this.env,
      GIT_INDEX_FILE: join(this.temp, 'rebase.index')
    })
    await index.raw(['read-tree', head])
    const removed = ours.filter(change => change.mode === '000000').map(change => change.path)
    const kept = ours.filter(change => change.mode !== '000000')
    if (kept.length > 0)
      await index.raw([
        'update-index',
        '--add',
        ...kept.flatMap(change => ['--cacheinfo', `${change.mode},${change.sha},${change.path}`])
      ])
    if (removed.length > 0) await index.raw(['update-index', '--force-remove', '--', ...removed])
    const tree = (await index.raw(['write-tree', '--missing-ok'])).trim()
    const message = join(this.temp, 'rebase.message')
    await writeFile(message, commitMessageOf(await this.git.raw(['cat-file', 'commit', 'HEAD'])))
    const commit = (await this.git.raw(['commit-tree', tree, '-p', head, '-F', message])).trim()
    // Only HEAD matters from here: it is pushed, or reset by the next rebase. (A mixed reset
    // onto the new head would keep the edits more simply, but it fetches the new head's
    // changed blobs: one more round trip per lost race, and 20 concurrent promotions took
    // 26–27 s instead of 23–25 s.)
    await this.git.raw(['reset', '--quiet', '--soft', commit])
    this.rebased = commit
    return 'kept'
  }

  /** Moves to the base branch's head as last fetched, discarding the promotion. */
  private async reset(): Promise<void> {
    await this.git.raw(['reset', '--quiet', '--hard', 'FETCH_HEAD'])
    this.tree = undefined
    this.readPaths.clear()
    this.rebased = undefined
  }

  private async fetchBase(): Promise<void> {
    const args = [
      'fetch',
      '--quiet',
      '--depth',
      '1',
      '--filter=blob:none',
      'origin',
      this.baseBranch
    ]
    try {
      await retryTransient(`fetch of ${this.baseBranch}`, this.logger, () => this.git.raw(args))
    } catch (error) {
      throw new GitError(
        `Cannot fetch ${this.baseBranch} from ${this.remote}${tried(error)}: ${gitMessage(error)}`,
        {
          hint:
            outageHint(error) ??
            'Check that the base branch still exists and that the token may still read the repository.',
          cause: error
        }
      )
    }
  }

  async close(): Promise<void> {
    await rm(this.temp, { recursive: true, force: true })
  }
}

function splitZ(text: string): string[] {
  return text.split('\0').filter(Boolean)
}

/** `diff-tree -r -z` records: ":<old mode> <new mode> <old sha> <new sha> <status>\0<path>\0". */
function parseDiffTree(text: string): Array<{ mode: string; sha: string; path: string }> {
  const fields = splitZ(text)
  const changes: Array<{ mode: string; sha: string; path: string }> = []
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, mode = '', , sha = ''] = fields[i]!.slice(1).split(' ')
    changes.push({ mode, sha, path: fields[i + 1]! })
  }
  return changes
}

/** The message of a raw commit object: everything after the header's blank line. */
function commitMessageOf(raw: string): string {
  const start = raw.indexOf('\n\n')
  return start < 0 ? '' : raw.slice(start + 2)
}

/** Local paths become file:// URLs, so that --depth and --filter apply. */
export function normalizeUrl(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^:]+:/.test(url)) return url
  return pathToFileURL(isAbsolute(url) ? url : resolve(url)).href
}

async function gitEnv(
  url: string,
  home: string,
  token: string | undefined,
  identity: { name: string; email: string },
  onSecret?: (secret: string) => void
): Promise<Record<string, string>> {
  const config = ['[protocol]', '\tversion = 2']
  if (token && /^https?:\/\//i.test(url)) {
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
    onSecret?.(token)
    onSecret?.(basic)
    // Scoped to the repository's origin: never sent to another host.
    config.push(`[http "${new URL(url).origin}/"]`, `\textraHeader = AUTHORIZATION: basic ${basic}`)
  }
  await writeFile(join(home, '.gitconfig'), `${config.join('\n')}\n`, { mode: 0o600 })
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // A private home: the runner's own global config (credential helpers,
    // checkout's extraheader, url rewrites) must not apply either.
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'Never',
    GIT_LFS_SKIP_SMUDGE: '1',
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email
  }
}

/** git's tree mode for a symbolic link. */
const LINK = '120000'

/** The first symlink on the way to `rel` (itself included) in a listing, if any. */
function linkOnPath(tree: ReadonlyMap<string, string>, rel: string): string | undefined {
  const parts = rel.split('/')
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/')
    const mode = tree.get(prefix)
    if (mode === LINK) return prefix
    if (mode !== '040000') return undefined
  }
  return undefined
}

function escapePattern(path: string): string {
  return path.replace(/[*?[\]\\!#]/g, c => `\\${c}`)
}

function gitMessage(error: unknown): string {
  return errorText(error).trim().split('\n').slice(-6).join('\n')
}

function errorText(error: unknown): string {
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
const PUSH_REFUSED =
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
function outageHint(error: unknown): string | undefined {
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
function tried(error: unknown): string {
  return error instanceof RetriesExhausted ? ` after ${error.attempts} attempts` : ''
}

/**
 * Runs a network git command, retrying transient failures with jittered
 * exponential backoff (git itself retries nothing).
 */
async function retryTransient<T>(
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

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}
