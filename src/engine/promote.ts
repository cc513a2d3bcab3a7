/**
 * Delivering a promotion: read what the promotion needs from the config repo
 * at the base commit, edit, prove, commit, then push to the base branch or
 * propose the change on its pull-request branch.
 *
 * Two writers, one flow: the writers live behind deliver/'s session port
 * (`git`: a sparse clone, any git host; `api`: the contents and Git Data APIs,
 * no clone). Either way only promotion.yaml, the targets and their render
 * closure are fetched, so the cost does not grow with the repository.
 *
 * When a push loses a race (another promotion landed first), the new head is
 * read and the pure edit re-applied — never a textual merge — with jittered,
 * bounded retries, so concurrent promotions all land and none is lost.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { posix } from 'node:path'
import type { TargetTemplate } from '../config/index.js'
import {
  LostRaceError,
  openSession,
  promotionBranch,
  proposeChange,
  refuseBaseAsBranch,
  type GitHubRepo,
  type PullRequestResult,
  type PullRequestSpec,
  type Session,
  type SessionOptions
} from '../deliver/index.js'
import { PromoteError, type OptionNames } from '../errors.js'
import { silentLogger, type Logger } from '../log/logger.js'
import type {
  CommitMethod,
  DowngradePolicy,
  EditResult,
  PromotionMode,
  ResolvedImage,
  VerifyRenderMode
} from '../model.js'
import { findRenderer, renderClosure } from '../render/index.js'
import {
  isKustomizationFileName,
  KUSTOMIZATION_FILE_NAMES,
  manifestFilesIn,
  type TreeReader
} from '../repo/index.js'
import { isKustomizeComponent } from '../edit/index.js'
import { editConfigRepo, loadTargets, targetsOf, type EditRequest } from './edit.js'

export interface PromotionRequest {
  readonly method: CommitMethod
  readonly mode: PromotionMode
  /** git: the remote URL or path. api: unused (the GitHub repository is `github`). */
  readonly cloneUrl?: string
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
  ) =>
    | Omit<PullRequestSpec, 'branch' | 'base' | 'headSha'>
    | Promise<Omit<PullRequestSpec, 'branch' | 'base' | 'headSha'>>
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

/** What one attempt writes: the images, the edit on the session's commit, and its message. */
interface Change {
  readonly images: readonly ResolvedImage[]
  readonly edit: EditResult
  readonly message: string
}

/** The edit on the session's commit; a message only when there is something to write. */
type Prepared = Omit<Change, 'message'> & { readonly message?: string }

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
  const session = await openSession(writerOf(request), logger)
  try {
    if (branch !== undefined) {
      refuseBaseAsBranch(branch, session.baseBranch)
      refuseBaseAsBranch(branch, (await request.github!.info()).defaultBranch)
    }
    const { images, edit, message } = await prepare(request, session, logger)
    if (message === undefined) return outcome({ images, edit }, session, 1)
    if (branch === undefined)
      return await pushToBase(request, session, { images, edit, message }, logger)
    const proposal = await proposeChange(
      request.github!,
      session,
      {
        branch,
        edit,
        message,
        pullRequest: head => request.pullRequest!(edit, session.baseBranch, images, head)
      },
      { retryDelay: lostRaceDelay, logger }
    )
    return { ...outcome({ images, edit }, session, 1), ...proposal }
  } finally {
    await session.close()
  }
}

/**
 * Each writer gets only its own credentials: the git session the token, the api session the
 * GitHub repository (whose client holds the token).
 */
function writerOf(request: PromotionRequest): SessionOptions {
  return request.method === 'api'
    ? { method: 'api', github: request.github!, baseBranch: request.baseBranch }
    : {
        method: 'git',
        url: request.cloneUrl!,
        baseBranch: request.baseBranch,
        token: request.token,
        onSecret: request.onSecret
      }
}

/**
 * Reads what the promotion needs on the session's commit and edits it. No message when there
 * is nothing to write: a dry run, or no change.
 */
async function prepare(
  request: PromotionRequest,
  session: Session,
  logger: Logger
): Promise<Prepared> {
  const images =
    typeof request.images === 'function' ? await request.images(session.reader) : request.images
  const templates = await fetchWhatIsRead(session, request, images)
  const edit = await editConfigRepo(
    { ...editRequest(request, images, session.dir), templates },
    logger
  )
  if (request.dryRun || edit.files.length === 0) return { images, edit }
  return { images, edit, message: request.message(edit, images) }
}

/** The result before anything was written: what `attempts` attempts promoted, on which base. */
function outcome(change: Prepared, session: Session, attempts: number): PromotionResult {
  return { images: change.images, edit: change.edit, baseBranch: session.baseBranch, attempts }
}

/**
 * Push mode: writes to the base branch until a write lands. Each lost race costs an attempt:
 * wait, move onto the new head, and write again — the same commit when nothing the promotion
 * read changed there, else the edit made anew on the new head (which may find nothing left
 * to change, or find that the lost write had landed after all).
 */
async function pushToBase(
  request: PromotionRequest,
  session: Session,
  first: Change,
  logger: Logger
): Promise<PromotionResult> {
  const attempts = request.attempts ?? LOST_RACE_ATTEMPTS
  let change = first
  let attempt = 1
  let written = await writeToBase(session, change)
  while (written === 'lost') {
    if (attempt >= attempts) {
      throw new LostRaceError(
        `${session.baseBranch} kept moving: ${attempts} attempts to push the promotion lost the race to other commits.`,
        { hint: 'Re-run the job; nothing was pushed.' }
      )
    }
    const moved = await afterLostRace(session, attempt, attempts, logger)
    if (typeof moved === 'object') {
      return {
        ...outcome(change, session, attempt),
        commit: moved.landed,
        branch: session.baseBranch
      }
    }
    attempt++
    if (moved === 'reread') {
      const again = await prepare(request, session, logger)
      if (again.message === undefined) return outcome(again, session, attempt)
      change = { ...again, message: again.message }
    }
    written = await writeToBase(session, change)
  }
  return { ...outcome(change, session, attempt), ...written }
}

/** One write to the base branch: where it landed, nothing when git saw no change, or 'lost'. */
async function writeToBase(
  session: Session,
  change: Change
): Promise<{ commit?: string; branch?: string } | 'lost'> {
  if (session.commitToBase) {
    const landed = await session.commitToBase(change.edit, change.message)
    return landed === 'rejected' ? 'lost' : { commit: landed.sha, branch: session.baseBranch }
  }
  const commit = await session.commit(change.edit, change.message)
  if (!commit) return {}
  const pushed = await session.push(commit.sha, session.baseBranch)
  return pushed === 'pushed' ? { commit: commit.sha, branch: session.baseBranch } : 'lost'
}

/** Waits out attempt `attempt`'s lost race, then moves the session onto the new head. */
async function afterLostRace(
  session: Session,
  attempt: number,
  attempts: number,
  logger: Logger
): Promise<'kept' | 'reread' | { landed: string }> {
  // The throttle's wait comes first: a head read before it would be stale when the write leaves.
  const delay = (session.writeWait?.() ?? 0) + lostRaceDelay(attempt)
  logger.info(
    `${session.baseBranch} moved while promoting; re-applying on the new head in ${delay} ms (attempt ${attempt + 1} of ${attempts}).`
  )
  await sleep(delay)
  const moved = await session.refresh()
  if (typeof moved === 'object') {
    logger.info(
      `${session.baseBranch} is at ${moved.landed}, this promotion's own commit: GitHub applied it and its answer was lost.`
    )
  } else if (moved === 'kept') {
    logger.debug(
      `${session.baseBranch} moved, but not what this promotion read: the same commit goes onto the new head.`
    )
  }
  return moved
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
  request: PromotionRequest,
  images: readonly ResolvedImage[]
): Promise<TargetTemplate[]> {
  const inline = request.targets !== undefined && request.targets.length > 0
  if (!inline) await session.fetch([request.configFile])
  const templates = await loadTargets(editRequest(request, images, session.dir))
  const paths = new Set<string>()
  const overlays = new Set<string>()
  for (const image of images) {
    for (const target of targetsOf(templates, image, request.environment)) {
      // A manifest directory: only its YAML files, not its subdirectories.
      const files =
        target.kind === 'manifest' && (await session.reader.type(target.path)) === 'dir'
          ? await manifestFilesIn(session.reader, target.path)
          : []
      for (const path of files.length > 0 ? files : [target.path]) paths.add(path)
      if (target.kind === 'kustomize') overlays.add(target.path)
    }
  }
  if (request.verifyRender === 'false' && overlays.size === 0) {
    await session.fetch([...paths])
    return templates
  }
  // A kustomize Component is deployed by whatever includes it, anywhere in the repository.
  if ((await Promise.all([...overlays].map(o => isComponent(session.reader, o)))).some(Boolean)) {
    await session.fetchAll()
    return templates
  }
  // Every overlay's closure at once (50 images are 50 overlays), read from the commit, then
  // one fetch for the targets and all closures (for the git method, one sparse-checkout). With
  // verify-render false too: the edit reads the overlay's resources to pin only the images:
  // entries kustomize applies (render/ overlayInputs).
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
  if (request.verifyRender === 'false') return templates
  // No closure may just mean a broken target: let the edit say so before giving up on it.
  await editConfigRepo(
    {
      ...editRequest(request, images, session.dir),
      templates,
      verifyRender: 'false',
      dryRun: true
    },
    silentLogger
  )
  await session.fetchAll()
  return templates
}

/** Whether a kustomize target (a directory or its kustomization file) is a Component. */
async function isComponent(reader: TreeReader, target: string): Promise<boolean> {
  const named = isKustomizationFileName(posix.basename(target))
  const candidates = named ? [target] : KUSTOMIZATION_FILE_NAMES.map(n => posix.join(target, n))
  for (const file of candidates) {
    if ((await reader.type(file)) !== 'file') continue
    return isKustomizeComponent(await reader.read(file))
  }
  return false
}

/** What the edit stage is told: the promotion's own fields, never the token or the repository. */
function editRequest(
  request: PromotionRequest,
  images: readonly ResolvedImage[],
  repoRoot: string
): EditRequest {
  return {
    repoRoot,
    environment: request.environment,
    targets: request.targets,
    configFile: request.configFile,
    images,
    verifyRender: request.verifyRender,
    dryRun: request.dryRun,
    allowDowngrade: request.allowDowngrade,
    names: request.names
  }
}
