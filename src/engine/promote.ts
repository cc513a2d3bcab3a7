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
import { InputError, PromoteError, RenderError, type OptionNames } from '../errors.js'
import type { TargetTemplate } from '../config/index.js'
import { silentLogger, type Logger } from '../log/logger.js'
import type { DowngradePolicy, EditResult, VerifyRenderMode, ResolvedImage } from '../model.js'
import { findRenderer, renderClosure } from '../render/index.js'
import { type TreeReader } from '../repo/index.js'
import { editConfigRepo, loadTargets, targetsOf } from './edit.js'

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
  /** How messages name settings (the CLI passes its flags); default the action's inputs. */
  readonly names?: OptionNames
  /** The pull-request branch (pull-request mode). */
  readonly branch?: string
  /** The commit message for what changed. */
  readonly message: (edit: EditResult, images: readonly ResolvedImage[]) => string
  /** Title, body and the rest of the pull request (pull-request mode). */
  readonly pullRequest?: (
    edit: EditResult,
    base: string,
    images: readonly ResolvedImage[],
    /** The commit the pull request's branch points at, for links to the changed files. */
    head: string
  ) => Omit<PullRequestSpec, 'branch' | 'base' | 'headSha'>
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

interface CommitInfo {
  readonly sha: string
  readonly tree: string
  readonly parents: readonly string[]
  readonly message: string
}

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
  /**
   * Moves `branch` to the commit; 'rejected' when it moved on meanwhile. Without `expected`
   * only forward (the base branch); with it, a compare-and-swap that force-moves the branch
   * only if it still points at `expected` (null: only if it does not exist).
   */
  push(sha: string, branch: string, expected?: string | null): Promise<'pushed' | 'rejected'>
  /** Commit and push to the base branch in one step, where the writer can. */
  commitToBase?(edit: EditResult, message: string): Promise<{ sha: string } | 'rejected'>
  /** Whether `head` (a promotion branch's commit) holds exactly this change on this base. */
  unchanged?(head: CommitInfo, commit: { sha: string; tree?: string }): boolean
  /**
   * Moves onto the base branch's new head after a lost race. 'kept' when nothing read for
   * this promotion changed there, so the edit and its commit stand as they are; 'reread'
   * when the tree was read anew and the edit must be made again; `landed` when the new head
   * is this promotion's own commit (GitHub applied the write, and its answer was lost).
   */
  refresh(): Promise<'kept' | 'reread' | { landed: string }>
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
  // Refused before any request when the base is named; otherwise once the session knows it.
  const branch = request.mode === 'pull-request' ? promotionBranch(request.branch) : undefined
  if (branch !== undefined && request.baseBranch !== undefined)
    refuseBaseAsBranch(branch, promotionBranch(request.baseBranch))
  // The renderer lookup (a `kubectl version` run, once per process) overlaps the reads.
  if (request.verifyRender !== 'false') findRenderer('kustomize').catch(() => undefined)
  const session =
    request.method === 'api' ? await apiSession(request, logger) : await gitSession(request, logger)
  const attempts = request.attempts ?? LOST_RACE_ATTEMPTS
  try {
    if (branch !== undefined) {
      refuseBaseAsBranch(branch, session.baseBranch)
      refuseBaseAsBranch(branch, (await request.github!.info()).defaultBranch)
    }
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
      if (branch !== undefined) {
        return { ...base, ...(await proposeChange(request, session, branch, prepared, logger)) }
      }
      if (session.commitToBase) {
        const landed = await session.commitToBase(edit, message)
        if (landed !== 'rejected')
          return { ...base, commit: landed.sha, branch: session.baseBranch }
      } else {
        const commit = await session.commit(edit, message)
        if (!commit) return base
        if ((await session.push(commit.sha, session.baseBranch)) === 'pushed') {
          return { ...base, commit: commit.sha, branch: session.baseBranch }
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
      const refreshed = await session.refresh()
      if (typeof refreshed === 'object') {
        logger.info(
          `${session.baseBranch} is at ${refreshed.landed}, this promotion's own commit: GitHub applied it and its answer was lost.`
        )
        return { ...base, commit: refreshed.landed, branch: session.baseBranch }
      }
      if (refreshed === 'kept') {
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

/** A pull-request branch as a branch name: `refs/heads/x` is `x`, never `refs/heads/refs/heads/x`. */
function promotionBranch(name: string | undefined): string {
  if (name === undefined) throw new PromoteError('Pull-request mode needs a branch.')
  return name.replace(/^refs\/heads\//, '')
}

/** A pull request needs a branch of its own: moving the base would land the change unreviewed. */
function refuseBaseAsBranch(branch: string, base: string): void {
  if (branch.toLowerCase() !== base.toLowerCase()) return
  throw new InputError(
    `The pull-request branch ${JSON.stringify(branch)} is the base branch ${JSON.stringify(base)}: promoting through a pull request would move ${base} itself, unreviewed. Nothing was written.`,
    {
      hint: 'Set branch (the action input, --branch, or branch: in promotion.yaml) to a template of its own, such as the default promote/{environment}/{name}; or use mode: push to commit to the base branch on purpose.'
    }
  )
}

/**
 * The living pull request: its branch is the base plus this one commit, rewritten each run
 * — but only a branch promote-image made (its head a promotion commit), and only by
 * compare-and-swap, so a colleague's commit on it, or a branch of the same name, survives.
 * When the pull request cannot be opened, the branch goes back exactly as it was, again
 * by compare-and-swap, unless an open pull request uses it.
 */
async function proposeChange(
  request: PromotionRequest,
  session: Session,
  branch: string,
  prepared: { images: readonly ResolvedImage[]; edit: EditResult; message: string },
  logger: Logger
): Promise<Pick<PromotionResult, 'commit' | 'branch' | 'pullRequest'>> {
  const github = request.github!
  let previous = await ownBranchHead(github, branch)
  const commit = await session.commit(prepared.edit, withBranchTrailer(prepared.message, branch))
  if (!commit) return {}
  let same = previous !== undefined && (session.unchanged?.(previous, commit) ?? false)
  for (let attempt = 1; !same; attempt++) {
    const pushed = await session.push(commit.sha, branch, previous?.sha ?? null)
    if (pushed === 'pushed') break
    // Another job moved the promotion branch between our read and our write: read it again.
    if (attempt >= BRANCH_ATTEMPTS) {
      throw new LostRaceError(
        `${branch} kept moving: ${attempt} attempts to update the promotion branch lost the race.`,
        { hint: 'Another job is promoting into the same branch; re-run this one when it is done.' }
      )
    }
    await sleep((session.writeWait?.() ?? 0) + lostRaceDelay(attempt))
    previous = await ownBranchHead(github, branch)
    same = previous !== undefined && (session.unchanged?.(previous, commit) ?? false)
  }
  const headSha = same ? previous!.sha : commit.sha
  const spec = {
    ...request.pullRequest!(prepared.edit, session.baseBranch, prepared.images, headSha),
    branch,
    base: session.baseBranch,
    headSha
  }
  let pullRequest: PullRequestResult
  try {
    pullRequest = await github.upsertPullRequest(spec)
  } catch (error) {
    // Never a branch without its pull request: undo this run's own move, if it is still ours.
    if (!same) await rollbackBranch(github, branch, commit.sha, previous?.sha, logger)
    throw error
  }
  return {
    commit: spec.headSha,
    branch,
    pullRequest:
      same && pullRequest.operation === 'updated'
        ? { ...pullRequest, operation: 'none' }
        : pullRequest
  }
}

/** Attempts to move a promotion branch that other jobs keep moving. */
const BRANCH_ATTEMPTS = 5

/** The trailer every promotion commit carries (report/promotion.ts, commitMessage). */
const PROMOTION_TRAILER = /^Promoted-Image: \S/m
/** The trailer a pull-request branch's commit carries: the branch it was made for. */
const BRANCH_TRAILER = 'Promotion-Branch'

/**
 * The commit message with `Promotion-Branch: <branch>` among its trailers (the last paragraph,
 * where git reads them): what marks a branch as this promotion's own, as opposed to a base
 * branch whose head is a push-mode promotion commit.
 */
function withBranchTrailer(message: string, branch: string): string {
  return `${message.replace(/\n*$/, '')}\n${BRANCH_TRAILER}: ${branch}\n`
}

/**
 * The branch's head when it is this promotion's own, undefined when there is no such branch;
 * refused when it holds anything else. Its own: the head carries `Promotion-Branch: <branch>`;
 * or, made before that trailer existed, it is a promotion commit that an open pull request
 * uses as its head (a living pull request, which a base branch is not).
 */
async function ownBranchHead(github: GitHubRepo, branch: string): Promise<CommitInfo | undefined> {
  const sha = await github.branchHead(branch)
  if (sha === undefined) return undefined
  const head = { sha, ...(await github.commit(sha)) }
  const madeFor = new RegExp(`^${BRANCH_TRAILER}: (.+)$`, 'm').exec(head.message)?.[1]?.trim()
  if (madeFor === branch) return head
  if (
    madeFor === undefined &&
    PROMOTION_TRAILER.test(head.message) &&
    (await github.openPullRequestsFrom(branch)).length > 0
  )
    return head
  const subject = head.message.split('\n')[0] ?? ''
  const whose =
    madeFor !== undefined
      ? `a promotion commit made for ${madeFor}`
      : PROMOTION_TRAILER.test(head.message)
        ? 'a promotion commit no pull request uses (a base branch promoted in push mode?)'
        : 'not a promote-image commit'
  throw new PromoteError(
    `Branch ${branch} of ${github.fullName} exists, and its head ${sha.slice(0, 7)} ("${subject.slice(0, 72)}") is ${whose}: promote-image only moves the pull-request branches it made. Nothing was written.`,
    {
      hint: `If ${branch} is a promotion branch someone pushed to, merge or close its pull request and delete the branch; otherwise set branch (the input, --branch, or branch: in promotion.yaml) to a template of its own, such as promote/{environment}/{name}.`
    }
  )
}

async function rollbackBranch(
  github: GitHubRepo,
  branch: string,
  ours: string,
  previous: string | undefined,
  logger: Logger
): Promise<void> {
  const what = previous ? `move ${branch} back to ${previous}` : `delete ${branch}`
  try {
    const open = await github.openPullRequestsFrom(branch)
    if (open.length > 0) {
      logger.warning(`Left ${branch} at ${ours}: pull request #${open[0]!.number} uses it.`)
      return
    }
    const undone = previous
      ? await github.setBranch(branch, previous, ours)
      : await github.deleteBranch(branch, ours)
    if (undone === 'conflict')
      logger.warning(
        `Did not ${what}: it moved on since this run wrote it, and is not this run's to undo.`
      )
  } catch (error) {
    logger.warning(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`)
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

/** Commit messages as GitHub stores them: trailing newlines and spaces do not count. */
function sameMessage(a: string, b: string): boolean {
  return a.trim() === b.trim()
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
    push: (_sha, branch, expected) => checkout.push(branch, { expected }),
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
    reader: undefined as ReturnType<GitHubRepo['reader']> | undefined,
    /** The message of the last commit sent to the base branch: recognises it when it landed. */
    message: undefined as string | undefined
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
    push: async (sha, branch, expected) => {
      // Only pull-request branches are pushed here: the base gets commitToBase.
      const moved = await github.setBranch(branch, sha, expected ?? undefined)
      return moved === 'moved' ? 'pushed' : 'rejected'
    },
    commitToBase: async (edit, message) => {
      const files = new Map(edit.files.map(f => [f.file, f.after]))
      state.message = message
      const landed = await github.commitOnBranch(baseBranch, state.baseSha, files, message)
      return landed === 'stale' ? 'rejected' : landed
    },
    unchanged: (head, commit) => head.parents[0] === state.baseSha && head.tree === commit.tree,
    refresh: async () => {
      const head = await github.branchHead(baseBranch)
      if (head && head !== state.baseSha) {
        const changes = await github.changesBetween(state.baseSha, head)
        // GitHub applied createCommitOnBranch and the answer was lost: the retry met STALE_DATA.
        const only = changes?.only
        if (
          only &&
          state.message !== undefined &&
          only.parents[0] === state.baseSha &&
          sameMessage(only.message, state.message)
        )
          return { landed: only.sha }
        if (changes && !changesTouch(state.reader!.reads, changes.files)) {
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
