/**
 * The pull-request branch: the base plus one promotion commit, moved only by compare-and-swap
 * and only when the branch is promote-image's own, then the pull request created or updated
 * on it (as create-pull-request's create-or-update-branch does, with GitHub's own CAS).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { InputError, PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { EditResult } from '../model.js'
import type { PullRequestResult, PullRequestSpec } from './github/pulls.js'
import type { GitHubRepo } from './github/repo.js'
import { LostRaceError, type CommitInfo, type Session } from './session.js'

/** One promotion's change, to be proposed on its own branch. */
export interface ProposedChange {
  readonly branch: string
  readonly edit: EditResult
  /** The commit message (the branch trailer is added). */
  readonly message: string
  /**
   * Title, body and the rest of the pull request into the session's base branch, given the
   * commit its branch points at (the body links the changed files there).
   */
  readonly pullRequest: (head: string) => PullRequestContent | Promise<PullRequestContent>
}

type PullRequestContent = Omit<PullRequestSpec, 'branch' | 'base' | 'headSha'>

/** Where the change went: nothing when the edit changed nothing in the working tree. */
export interface Proposal {
  /** The branch's head commit: this run's, or the same change made by an earlier run. */
  readonly commit?: string
  readonly branch?: string
  readonly pullRequest?: PullRequestResult
}

/** A pull-request branch as a branch name: `refs/heads/x` is `x`, never `refs/heads/refs/heads/x`. */
export function promotionBranch(name: string | undefined): string {
  if (name === undefined) throw new PromoteError('Pull-request mode needs a branch.')
  return name.replace(/^refs\/heads\//, '')
}

/** A pull request needs a branch of its own: moving the base would land the change unreviewed. */
export function refuseBaseAsBranch(branch: string, base: string): void {
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
export async function proposeChange(
  github: GitHubRepo,
  session: Session,
  change: ProposedChange,
  options: { readonly retryDelay: (attempt: number) => number; readonly logger: Logger }
): Promise<Proposal> {
  const branch = change.branch
  let previous = await ownBranchHead(github, branch)
  const commit = await session.commit(change.edit, withBranchTrailer(change.message, branch))
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
    await sleep((session.writeWait?.() ?? 0) + options.retryDelay(attempt))
    previous = await ownBranchHead(github, branch)
    same = previous !== undefined && (session.unchanged?.(previous, commit) ?? false)
  }
  const headSha = same ? previous!.sha : commit.sha
  const spec = { ...(await change.pullRequest(headSha)), branch, base: session.baseBranch, headSha }
  let pullRequest: PullRequestResult
  try {
    pullRequest = await github.upsertPullRequest(spec)
  } catch (error) {
    // Never a branch without its pull request: undo this run's own move, if it is still ours.
    if (!same) await rollbackBranch(github, branch, commit.sha, previous?.sha, options.logger)
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
export function withBranchTrailer(message: string, branch: string): string {
  return `${message.replace(/\n*$/, '')}\n${BRANCH_TRAILER}: ${branch}\n`
}

/**
 * The branch's head when it is this promotion's own, undefined when there is no such branch;
 * refused when it holds anything else. Its own: the head carries `Promotion-Branch: <branch>`;
 * or, made before that trailer existed, it is a promotion commit that an open pull request
 * uses as its head (a living pull request, which a base branch is not).
 */
export async function ownBranchHead(
  github: GitHubRepo,
  branch: string
): Promise<CommitInfo | undefined> {
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

/** Undoes this run's own move of `branch` (back to `previous`, or deleted), by compare-and-swap. */
export async function rollbackBranch(
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
