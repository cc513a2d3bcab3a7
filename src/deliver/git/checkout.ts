/**
 * The git write method: any git host, file:// and local paths included.
 * A partial, shallow, sparse clone (`--filter=blob:none --depth 1`, only the
 * files the promotion reads) keeps the cost flat in the size of the config
 * repo; blobs outside the sparse set are never fetched. The token only goes
 * into the clone's private git environment (env.ts).
 *
 * The sparse checkout is in cone mode with a sparse index when the layout allows it: git then
 * keeps every directory outside the cone as one index entry, so checkout, add and commit cost
 * what the promotion touches, not what the repository holds (git-sparse-checkout(1),
 * "INTERNALS — SPARSE INDEX"). A cone takes whole directories and the files directly in their
 * parents; when that would bring in many files the promotion does not read (the target's
 * siblings in a flat directory, a crowded root), the checkout uses non-cone patterns, which name
 * exactly the files read.
 */
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleGit, type SimpleGit } from 'simple-git'
import type { Logger } from '../../log/logger.js'
import { linkTargetInRepo, MAX_LINK_HOPS, type TreeReader } from '../../repo/index.js'
import { answerStands } from '../read-set.js'
import { DEFAULT_IDENTITY, gitEnv, normalizeUrl } from './env.js'
import {
  errorText,
  GitError,
  gitMessage,
  lostRace,
  missingBranchHint,
  outageHint,
  PUSH_REFUSED,
  pushRefused,
  redact,
  retryTransient,
  tried,
  isTransientGitFailure
} from './failures.js'

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

/**
 * At most this many files beyond those the promotion reads may come with a cone (the rest of a
 * target's directory, the files of its parents); more, and the checkout names files instead.
 */
const CONE_EXTRA_FILES = 256

export type SparseMode = 'cone' | 'patterns'

export class GitCheckout {
  private tree?: Map<string, string>
  /** What the promotion has checked out so far (repo-relative paths). */
  private readonly included = new Set<string>()
  /** Every path the promotion read or checked out: what a racing commit must not touch (moveToNewHead). */
  private readonly readPaths = new Set<string>()
  /** The promotion's commit as moveToNewHead() put it onto a new head: commitIfChanged() gives it. */
  private carried?: string

  private constructor(
    readonly dir: string,
    readonly baseBranch: string,
    private readonly git: SimpleGit,
    private readonly temp: string,
    private readonly logger: Logger,
    /** The repository for messages, credentials redacted. */
    private readonly remote: string,
    private readonly env: Record<string, string>,
    /** Cone mode with a sparse index, or non-cone patterns (see the top of this file). */
    private sparse: SparseMode
  ) {}

  /** How the sparse checkout is kept: cone mode with a sparse index, or non-cone patterns. */
  get sparseMode(): SparseMode {
    return this.sparse
  }

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
      // A cone always holds the root's files: with a crowded root, patterns from the start.
      const root = await git.raw(['ls-tree', '--full-tree', '-z', 'HEAD'])
      const rootFiles = splitZ(root).filter(entry => !entry.startsWith('040000 ')).length
      const sparse: SparseMode = rootFiles <= CONE_EXTRA_FILES ? 'cone' : 'patterns'
      if (sparse === 'cone') {
        await git.raw(['sparse-checkout', 'set', '--cone', '--sparse-index'])
      } else {
        await git.raw(['sparse-checkout', 'set', '--no-cone', '/.promote-image-nothing'])
      }
      await git.raw(['checkout', '--quiet', baseBranch])
      options.logger.debug(
        `sparse checkout of ${redact(options.url)}: ${sparse === 'cone' ? 'cone mode, sparse index' : `non-cone patterns (${rootFiles} files at the root)`}`
      )
      return new GitCheckout(
        dir,
        baseBranch,
        git,
        temp,
        options.logger,
        redact(options.url),
        env,
        sparse
      )
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
    const fresh = [...wanted].filter(path => !this.included.has(path))
    if (fresh.length === 0) return
    for (const path of fresh) this.included.add(path)
    if (this.sparse === 'cone') {
      const cones = conesOf(tree, this.included)
      if (extraFiles(tree, cones, this.included) <= CONE_EXTRA_FILES) {
        await this.git.raw(['sparse-checkout', 'add', '--', ...conesOf(tree, fresh)])
        return
      }
      // The cone would bring in too much: name the files instead, from here on.
      this.sparse = 'patterns'
      this.logger.debug('sparse checkout: non-cone patterns (a cone would hold too many files)')
      await this.git.raw([
        'sparse-checkout',
        'set',
        '--no-cone',
        ...patternsOf(tree, this.included)
      ])
      return
    }
    await this.git.raw(['sparse-checkout', 'add', ...patternsOf(tree, fresh)])
  }

  /** A symlink's stored target (its blob), fetched on demand like any blob of the partial clone. */
  private async linkTarget(link: string): Promise<string> {
    return this.git.raw(['cat-file', 'blob', `HEAD:${link}`])
  }

  /** Gives up on sparseness: everything is checked out (the render needs what cannot be told in advance). */
  async includeAll(): Promise<void> {
    await this.git.raw(['sparse-checkout', 'disable'])
  }

  /**
   * Commits every change in the sparse working tree, or gives the commit moveToNewHead() carried
   * onto the new head; undefined, committing nothing, when there is no change.
   */
  async commitIfChanged(message: string): Promise<string | undefined> {
    if (this.carried) {
      const sha = this.carried
      this.carried = undefined
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
  async moveToNewHead(): Promise<'kept' | 'reread'> {
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
      GIT_INDEX_FILE: join(this.temp, 'new-head.index')
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
    const message = join(this.temp, 'new-head.message')
    await writeFile(message, commitMessageOf(await this.git.raw(['cat-file', 'commit', 'HEAD'])))
    const commit = (await this.git.raw(['commit-tree', tree, '-p', head, '-F', message])).trim()
    // Only HEAD matters from here: it is pushed, or reset by the next move. (A mixed reset
    // onto the new head would keep the edits more simply, but it fetches the new head's
    // changed blobs: one more round trip per lost race.)
    await this.git.raw(['reset', '--quiet', '--soft', commit])
    this.carried = commit
    return 'kept'
  }

  /** Moves to the base branch's head as last fetched, discarding the promotion. */
  private async reset(): Promise<void> {
    await this.git.raw(['reset', '--quiet', '--hard', 'FETCH_HEAD'])
    this.tree = undefined
    this.readPaths.clear()
    this.carried = undefined
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

/** Non-cone patterns naming exactly `paths` (a directory with everything under it). */
function patternsOf(tree: ReadonlyMap<string, string>, paths: Iterable<string>): string[] {
  return [...paths].map(p =>
    tree.get(p) === '040000' ? `/${escapePattern(p)}/` : `/${escapePattern(p)}`
  )
}

/** The cone directories holding `paths`: a directory itself, a file (or link) its parent. */
function conesOf(tree: ReadonlyMap<string, string>, paths: Iterable<string>): string[] {
  const cones = new Set<string>()
  for (const path of paths) {
    const dir =
      tree.get(path) === '040000' ? path : path.slice(0, Math.max(0, path.lastIndexOf('/')))
    if (dir !== '') cones.add(dir)
  }
  return [...cones]
}

/**
 * How many files the cones check out beyond `wanted` (files, and everything under wanted
 * directories): all under each cone, and those directly in each cone's parents and the root
 * (git-sparse-checkout(1), "INTERNALS — CONE PATTERN SET").
 */
function extraFiles(
  tree: ReadonlyMap<string, string>,
  cones: readonly string[],
  wanted: ReadonlySet<string>
): number {
  const parents = new Set([''])
  for (const cone of cones) {
    for (let i = cone.indexOf('/'); i >= 0; i = cone.indexOf('/', i + 1)) {
      parents.add(cone.slice(0, i))
    }
  }
  const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')))
  const under = (path: string, dir: string) => path.startsWith(`${dir}/`)
  const wantedDirs = [...wanted].filter(p => tree.get(p) === '040000')
  let extra = 0
  for (const [path, mode] of tree) {
    if (mode === '040000' || wanted.has(path)) continue
    if (wantedDirs.some(dir => under(path, dir))) continue
    if (cones.some(cone => under(path, cone)) || parents.has(parentOf(path))) extra++
  }
  return extra
}

function escapePattern(path: string): string {
  return path.replace(/[*?[\]\\!#]/g, c => `\\${c}`)
}
