/**
 * Delivering a promotion: read what the promotion needs from the config repo
 * at the base commit, edit, prove, commit, then push to the base branch or
 * reset the promotion branch and create or update its pull request.
 *
 * Two writers, one flow. `git` clones sparsely (any git host); `api` reads
 * through the contents API and writes with the Git Data API (no clone,
 * Verified commits). Either way only promotion.yaml, the targets and their
 * render closure are fetched, so the cost does not grow with the repository.
 *
 * When a push loses a race (another promotion landed first), the new head is
 * read and the pure edit re-applied — never a textual merge — with jittered,
 * bounded retries, so concurrent promotions all land and none is lost.
 */
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { join, posix } from 'node:path'
import { GitCheckout } from '../deliver/git.js'
import type { GitHubRepo, PullRequestResult, PullRequestSpec } from '../deliver/github.js'
import { changesTouch } from '../deliver/read-set.js'
import { PromoteError, RenderError } from '../errors.js'
import type { TargetTemplate } from '../config/index.js'
import { silentLogger, type Logger } from '../log/logger.js'
import type { DowngradePolicy } from '../policy/index.js'
import { findRenderer, renderClosure, type TreeReader } from '../render/index.js'
import {
  editConfigRepo,
  loadTargets,
  targetsOf,
  type EditResult,
  type VerifyRenderMode
} from './edit.js'
import type { ResolvedImage } from './resolve.js'

export interface PromotionRequest {
  readonly method: 'api' | 'git'
  readonly mode: 'push' | 'pull-request'
  /** git: the remote URL or path. api: unused (the GitHub repository is `github`). */
  readonly configRepo?: string
  /** Required for the api method and for pull requests. */
  readonly github?: GitHubRepo
  readonly baseBranch?: string
  readonly token?: string
  readonly environment?: string
  readonly targets?: readonly string[]
  readonly configFile: string
  /** The images, or how to find them in the config repo (promoting from another environment). */
  readonly images:
    readonly ResolvedImage[] | ((reader: TreeReader) => Promise<readonly ResolvedImage[]>)
  readonly verifyRender: VerifyRenderMode
  readonly dryRun: boolean
  readonly allowDowngrade?: DowngradePolicy
  /** The pull-request branch (pull-request mode). */
  readonly branch?: string
  /** The commit message for what changed. */
  readonly message: (edit: EditResult, images: readonly ResolvedImage[]) => string
  /** Title, body and the rest of the pull request (pull-request mode). */
  readonly pullRequest?: (
    edit: EditResult,
    base: string,
    images: readonly ResolvedImage[]
  ) => Omit<PullRequestSpec, 'branch' | 'base'>
  readonly onSecret?: (secret: string) => void
  /** Attempts before giving up; each lost race costs one. */
  readonly attempts?: number
}

export interface PromotionResult {
  /** What was promoted (from another environment: what it runs). */
  readonly images: readonly ResolvedImage[]
  readonly edit: EditResult
  readonly baseBranch: string
  /** The promotion commit (on the base branch, or on the pull-request branch). */
  readonly commit?: string
  /** The branch the commit is on. */
  readonly branch?: string
  readonly pullRequest?: PullRequestResult
  readonly attempts: number
}

export class LostRaceError extends PromoteError {}

/** What the flow needs from a writer. */
interface Session {
  readonly baseBranch: string
  /** A working tree holding what `fetch` fetched, at the base commit. */
  readonly dir: string
  readonly reader: TreeReader
  fetch(paths: readonly string[]): Promise<void>
  fetchAll(): Promise<void>
  /** Commits the edited files on the base commit; undefined when nothing changed. */
  commit(edit: EditResult, message: string): Promise<{ sha: string; tree?: string } | undefined>
  /** Moves `branch` to the commit; 'rejected' when it moved on meanwhile (force: false). */
  push(sha: string, branch: string, force: boolean): Promise<'pushed' | 'rejected'>
  /** Commit and push to the base branch in one step, where the writer can. */
  commitToBase?(edit: EditResult, message: string): Promise<{ sha: string } | 'rejected'>
  /** Whether `branch` already holds exactly this change on this base (a living PR with nothing new). */
  unchanged?(branch: string, commit: { sha: string; tree?: string }): Promise<boolean>
  /**
   * Moves onto the base branch's new head after a lost race. 'kept' when nothing read for
   * this promotion changed there, so the edit and its commit stand as they are; 'reread'
   * when the tree was read anew and the edit must be made again.
   */
  refresh(): Promise<'kept' | 'reread'>
  /** Milliseconds before a write would leave without queueing (the api method's throttle). */
  writeWait?(): number
  close(): Promise<void>
}

export async function promote(request: PromotionRequest, logger: Logger): Promise<PromotionResult> {
  if ((request.method === 'api' || request.mode === 'pull-request') && !request.github) {
    throw new PromoteError(
      `${request.method === 'api' ? 'The api write method' : 'Pull-request mode'} needs a GitHub repository and token.`,
      {
        hint: 'Use the git method and push mode for other git hosts.'
      }
    )
  }
  // The renderer lookup (a `kubectl version` run, once per process) overlaps the reads.
  if (request.verifyRender !== 'false') findRenderer('kustomize').catch(() => undefined)
  const session =
    request.method === 'api' ? await apiSession(request, logger) : await gitSession(request, logger)
  const attempts = request.attempts ?? LOST_RACE_ATTEMPTS
  try {
    // Kept across a lost race when nothing it read changed on the new head (session.refresh).
    let prepared:
      { images: readonly ResolvedImage[]; edit: EditResult; message: string } | undefined
    for (let attempt = 1; ; attempt++) {
      if (!prepared) {
        const images =
          typeof request.images === 'function'
            ? await request.images(session.reader)
            : request.images
        const templates = await fetchWhatIsRead(session, { ...request, images })
        const edit = await editConfigRepo(
          { ...request, images, templates, repoRoot: session.dir },
          logger
        )
        if (request.dryRun || edit.files.length === 0)
          return { images, edit, baseBranch: session.baseBranch, attempts: attempt }
        prepared = { images, edit, message: request.message(edit, images) }
      }
      const { images, edit, message } = prepared
      const base = { images, edit, baseBranch: session.baseBranch, attempts: attempt }
      if (request.mode === 'push' && session.commitToBase) {
        const landed = await session.commitToBase(edit, message)
        if (landed !== 'rejected')
          return { ...base, commit: landed.sha, branch: session.baseBranch }
      } else {
        const commit = await session.commit(edit, message)
        if (!commit) return base
        if (request.mode === 'push') {
          if ((await session.push(commit.sha, session.baseBranch, false)) === 'pushed') {
            return { ...base, commit: commit.sha, branch: session.baseBranch }
          }
        } else {
          // A living pull request: its branch is the base plus this one commit, rewritten each run.
          const branch = request.branch!
          const github = request.github!
          const same = (await session.unchanged?.(branch, commit)) ?? false
          const previous = same ? undefined : await github.branchHead(branch, { reuse: true })
          if (!same) await session.push(commit.sha, branch, true)
          const spec = {
            ...request.pullRequest!(edit, session.baseBranch, images),
            branch,
            base: session.baseBranch
          }
          const pullRequest = await github
            .upsertPullRequest(spec, await github.info())
            .catch(async (error: unknown) => {
              // Never a branch without its pull request: put it back as it was.
              if (!same) await restoreBranch(github, branch, previous, logger)
              throw error
            })
          return {
            ...base,
            commit: commit.sha,
            branch,
            pullRequest:
              same && pullRequest.operation === 'updated'
                ? { ...pullRequest, operation: 'none' }
                : pullRequest
          }
        }
      }
      if (attempt >= attempts) {
        throw new LostRaceError(
          `${session.baseBranch} kept moving: ${attempts} attempts to push the promotion lost the race to other commits.`,
          { hint: 'Re-run the job; nothing was pushed.' }
        )
      }
      // The throttle's wait comes first: a head read before it would be stale when the write leaves.
      const delay = (session.writeWait?.() ?? 0) + lostRaceDelay(attempt)
      logger.info(
        `${session.baseBranch} moved while promoting; re-applying on the new head in ${delay} ms (attempt ${attempt + 1} of ${attempts}).`
      )
      await sleep(delay)
      if ((await session.refresh()) === 'kept') {
        logger.debug(
          `${session.baseBranch} moved, but not what this promotion read: the same commit goes onto the new head.`
        )
      } else {
        prepared = undefined
      }
    }
  } finally {
    await session.close()
  }
}

async function restoreBranch(
  github: GitHubRepo,
  branch: string,
  previous: string | undefined,
  logger: Logger
): Promise<void> {
  try {
    if (previous) await github.moveBranch(branch, previous, true)
    else await github.deleteBranch(branch)
  } catch (error) {
    logger.warning(
      `Could not ${previous ? `move ${branch} back to ${previous}` : `delete ${branch}`}: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

/**
 * A lost race means another promotion landed: the branch makes progress, so
 * retries are many and short. 20 jobs finishing together need up to 19
 * retries for the last one; full jitter over a window that doubles from
 * 100 ms to 1 s spreads them so that about one lands per critical section
 * (read, edit, write: a few hundred ms) instead of all colliding again.
 */
export const LOST_RACE_ATTEMPTS = 40

export function lostRaceDelay(attempt: number): number {
  return Math.round(Math.random() * Math.min(1000, 50 * 2 ** attempt))
}

/**
 * Fetches exactly what the promotion reads: promotion.yaml, the targets, and
 * what their render needs — found by reading the commit before any of it is
 * fetched, so unrelated files never are. Returns the target templates, so
 * the edit does not parse promotion.yaml again.
 */
async function fetchWhatIsRead(
  session: Session,
  request: PromotionRequest & { images: readonly ResolvedImage[] }
): Promise<TargetTemplate[]> {
  const inline = request.targets !== undefined && request.targets.length > 0
  if (!inline) await session.fetch([request.configFile])
  const templates = await loadTargets({ ...request, repoRoot: session.dir })
  const paths = new Set<string>()
  const overlays = new Set<string>()
  for (const image of request.images) {
    for (const target of targetsOf(templates, image, request.environment)) {
      paths.add(target.path)
      if (target.kind === 'kustomize') overlays.add(target.path)
    }
  }
  if (request.verifyRender === 'false') {
    await session.fetch([...paths])
    return templates
  }
  // Every overlay's closure at once (50 images are 50 overlays), read from the commit, then
  // one fetch for the targets and all closures (for the git method, one sparse-checkout).
  const closures = await Promise.all(
    [...overlays].map(async overlay => {
      const type = await session.reader.type(overlay)
      const dir = type === 'file' ? posix.dirname(overlay) : overlay
      return renderClosure('kustomize', session.reader, dir, new Map())
    })
  )
  if (closures.every(closure => closure !== undefined)) {
    await session.fetch([...new Set([...paths, ...closures.flat()])])
    return templates
  }
  await session.fetch([...paths])
  // No closure may just mean a broken target: let the edit say so before giving up on it.
  await editConfigRepo(
    { ...request, templates, repoRoot: session.dir, verifyRender: 'false', dryRun: true },
    silentLogger
  )
  await session.fetchAll()
  return templates
}

async function gitSession(request: PromotionRequest, logger: Logger): Promise<Session> {
  const checkout = await GitCheckout.open({
    url: request.configRepo!,
    baseBranch: request.baseBranch,
    token: request.token,
    logger,
    onSecret: request.onSecret
  })
  return {
    baseBranch: checkout.baseBranch,
    dir: checkout.dir,
    get reader() {
      return checkout.reader()
    },
    fetch: paths => checkout.include(paths),
    fetchAll: () => checkout.includeAll(),
    commit: async (_edit, message) => {
      const sha = await checkout.commit(message)
      return sha ? { sha } : undefined
    },
    push: (_sha, branch, force) => checkout.push(branch, { force }),
    refresh: () => checkout.rebase(),
    close: () => checkout.close()
  }
}

async function apiSession(request: PromotionRequest, logger: Logger): Promise<Session> {
  const github = request.github!
  const baseBranch = request.baseBranch ?? (await github.info()).defaultBranch
  const state = {
    dir: '',
    baseSha: '',
    reader: undefined as ReturnType<GitHubRepo['reader']> | undefined
  }
  // The base commit's tree: only commits made through the REST Git Data API need it.
  const baseTree = async () => (await github.commit(state.baseSha)).tree
  const open = async (head: string | undefined): Promise<void> => {
    if (state.dir) await rm(join(state.dir, '..'), { recursive: true, force: true })
    if (!head) {
      throw new PromoteError(`Branch ${baseBranch} does not exist in ${github.fullName}.`, {
        hint: 'Set base-branch to an existing branch, or leave it empty for the default branch.'
      })
    }
    state.baseSha = head
    state.reader = github.reader(head)
    state.dir = join(await realpath(await mkdtemp(join(tmpdir(), 'promote-image-api-'))), 'config')
    // The checkout exists even when nothing the promotion names does: the edit says what is missing.
    await mkdir(state.dir)
    logger.debug(`${github.fullName} ${baseBranch} at ${head}`)
  }
  // The head promotion.yaml was read at, when it was read through this repository.
  await open(await github.branchHead(baseBranch, { reuse: true }))
  return {
    baseBranch,
    get dir() {
      return state.dir
    },
    get reader() {
      return state.reader!
    },
    fetch: paths => github.materialize(state.reader!, paths, state.dir),
    fetchAll: () => {
      throw new RenderError(
        'The render needs files that cannot be told in advance (symlinks or Helm charts in the overlay).',
        {
          hint: 'Use write-method: git for this overlay, or verify-render: false.'
        }
      )
    },
    commit: async (edit, message) => {
      const files = new Map(edit.files.map(f => [f.file, f.after]))
      return github.createCommit(await baseTree(), state.baseSha, files, message)
    },
    push: async (sha, branch, force) =>
      (await github.moveBranch(branch, sha, force)) === 'moved' ? 'pushed' : 'rejected',
    commitToBase: async (edit, message) => {
      const files = new Map(edit.files.map(f => [f.file, f.after]))
      const landed = await github.commitOnBranch(baseBranch, state.baseSha, files, message)
      return landed === 'stale' ? 'rejected' : landed
    },
    unchanged: async (branch, commit) => {
      const head = await github.branchHead(branch)
      if (!head) return false
      const existing = await github.commit(head)
      return existing.parents[0] === state.baseSha && existing.tree === commit.tree
    },
    refresh: async () => {
      const head = await github.branchHead(baseBranch)
      if (head && head !== state.baseSha) {
        const changes = await github.changesBetween(state.baseSha, head)
        if (changes && !changesTouch(state.reader!.reads, changes)) {
          state.baseSha = head
          return 'kept'
        }
      }
      await open(head)
      return 'reread'
    },
    writeWait: () => github.writeWait(),
    close: async () => {
      if (state.dir) await rm(join(state.dir, '..'), { recursive: true, force: true })
    }
  }
}
