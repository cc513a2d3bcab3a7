/**
 * The api writer behind the session port: reads through the contents API into a temporary
 * directory holding only what the promotion reads, writes with the Git Data API (no clone;
 * Verified commits). It holds no token: the GitHub repository's client does.
 */
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PromoteError, RenderError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { CommitReader } from './github/contents.js'
import { changesTouch } from './read-set.js'
import type { Session, SessionOptions } from './session.js'

/** Commit messages as GitHub stores them: trailing newlines and spaces do not count. */
function sameMessage(a: string, b: string): boolean {
  return a.trim() === b.trim()
}

export async function apiSession(
  options: Extract<SessionOptions, { method: 'api' }>,
  logger: Logger
): Promise<Session> {
  const github = options.github
  const baseBranch = options.baseBranch ?? (await github.info()).defaultBranch
  const state = {
    dir: '',
    baseSha: '',
    reader: undefined as CommitReader | undefined,
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
