/**
 * The port between the promotion flow (engine/promote.ts) and the two writers. `git` clones
 * sparsely (any git host); `api` reads through the contents API and writes with the Git Data
 * API (no clone, Verified commits). Either way only what the promotion reads is fetched.
 * Each writer gets only its own credentials: the git session a token for its clone, the api
 * session a GitHub repository whose client holds its token.
 */
import { PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { EditResult } from '../model.js'
import type { TreeReader } from '../repo/index.js'
import { apiSession } from './api-session.js'
import { gitSession } from './git-session.js'
import type { GitHubRepo } from './github/repo.js'

/** A write lost the race to other commits too many times. */
export class LostRaceError extends PromoteError {}

export interface CommitInfo {
  readonly sha: string
  readonly tree: string
  readonly parents: readonly string[]
  readonly message: string
}

/** What the flow needs from a writer. */
export interface Session {
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

export type SessionOptions =
  | {
      readonly method: 'git'
      /** The remote URL or path. */
      readonly url: string
      /** Defaults to the remote's default branch. */
      readonly baseBranch?: string
      /** For https remotes; goes only into the clone's private git config. */
      readonly token?: string
      /** Receives every secret derived from the token, for core.setSecret. */
      readonly onSecret?: (secret: string) => void
    }
  | {
      readonly method: 'api'
      readonly github: GitHubRepo
      /** Defaults to the repository's default branch. */
      readonly baseBranch?: string
    }

/** Opens the writer's session at the head of the base branch; `close()` it when done. */
export function openSession(options: SessionOptions, logger: Logger): Promise<Session> {
  return options.method === 'api' ? apiSession(options, logger) : gitSession(options, logger)
}
