/**
 * The Git Data side of the api writer: branch heads, commits, trees and refs. Commits made
 * with GITHUB_TOKEN or an App token come out Verified, with no clone. Every branch move is a
 * compare-and-swap, so a run never moves a branch over a commit it has not seen.
 */
import type { ChangedFile } from '../read-set.js'
import { message, protectedBranch, PROTECTION, status, type GitHubClient } from './client.js'
import type { Contents } from './contents.js'

/** A ref update's "no such ref" (updateRefs' beforeOid/afterOid). */
const ZERO_OID = '0'.repeat(40)

/** What changed between two commits (see changesBetween). */
export interface Changes {
  readonly files: ChangedFile[]
  /** The one commit between them, when there is exactly one. */
  readonly only?: { sha: string; message: string; parents: string[] }
}

export class GitData {
  /** Branch heads as this run last read or moved them; undefined: seen missing. */
  private readonly heads = new Map<string, string | undefined>()

  constructor(
    private readonly client: GitHubClient,
    /** Told the lineage of every commit this run makes or compares. */
    private readonly contents: Contents
  ) {}

  /**
   * The commit a branch points at, or undefined when there is no such branch.
   * `reuse`: the head this run last read or wrote, when there is one — a
   * stale answer only costs a lost race, which the caller handles anyway.
   */
  async branchHead(branch: string, options: { reuse?: boolean } = {}): Promise<string | undefined> {
    if (options.reuse && this.heads.has(branch)) return this.heads.get(branch)
    try {
      const { data } = await this.client.octokit.rest.git.getRef({
        owner: this.client.owner,
        repo: this.client.repo,
        ref: `heads/${branch}`
      })
      this.heads.set(branch, data.object.sha)
      return data.object.sha
    } catch (error) {
      if (status(error) !== 404) throw this.client.explain(error, `read branch ${branch}`)
      this.heads.set(branch, undefined)
      return undefined
    }
  }

  async commit(sha: string): Promise<{ tree: string; parents: string[]; message: string }> {
    const { data } = await this.client.call('read a commit', () =>
      this.client.octokit.rest.git.getCommit({
        owner: this.client.owner,
        repo: this.client.repo,
        commit_sha: sha
      })
    )
    return { tree: data.tree.sha, parents: data.parents.map(p => p.sha), message: data.message }
  }

  /**
   * The files changed from `base` to `head` (one compare request), when `head` descends from
   * `base` and GitHub lists them all; undefined otherwise (the caller reads everything again).
   * `only` is the commit between them when there is exactly one: a write whose answer was lost
   * (a 5xx after GitHub applied it) is recognised by it, without another request.
   */
  async changesBetween(base: string, head: string): Promise<Changes | undefined> {
    try {
      const { data } = await this.client.octokit.rest.repos.compareCommitsWithBasehead({
        owner: this.client.owner,
        repo: this.client.repo,
        basehead: `${base}...${head}`,
        per_page: 1
      })
      // GitHub lists 300 files at most: a longer list may hide the one that matters.
      if (data.status !== 'ahead' || !data.files || data.files.length >= 300) return undefined
      const changed = data.files.flatMap(f =>
        f.previous_filename === undefined ? [f.filename] : [f.filename, f.previous_filename]
      )
      this.contents.derived(head, base, changed)
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
      this.client.logger.debug(
        `compare ${base}...${head}: ${error instanceof Error ? error.message : String(error)}`
      )
      return undefined
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
    const tree = await this.client.call('create the commit', () =>
      this.client.octokit.rest.git.createTree({
        owner: this.client.owner,
        repo: this.client.repo,
        base_tree: baseTree,
        tree: [...files].map(([path, content]) => ({
          path,
          mode: '100644' as const,
          type: 'blob' as const,
          content
        }))
      })
    )
    const { data } = await this.client.call('create the commit', () =>
      this.client.octokit.rest.git.createCommit({
        owner: this.client.owner,
        repo: this.client.repo,
        message,
        tree: tree.data.sha,
        parents: [parent]
      })
    )
    this.contents.derived(data.sha, parent, [...files.keys()])
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
      const data = await this.client.octokit.graphql<{
        createCommitOnBranch: { commit: { oid: string } }
      }>(
        `mutation($input: CreateCommitOnBranchInput!) {
          createCommitOnBranch(input: $input) { commit { oid } }
        }`,
        {
          input: {
            branch: { repositoryNameWithOwner: this.client.fullName, branchName: branch },
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
      this.contents.derived(sha, expectedHead, [...files.keys()])
      return { sha }
    } catch (error) {
      const errors = (error as { errors?: { type?: string; message?: string }[] }).errors
      if (errors?.some(e => e.type === 'STALE_DATA')) return 'stale'
      const rule = errors?.find(
        e => e.type === 'BRANCH_PROTECTION_RULE_VIOLATION' || PROTECTION.test(e.message ?? '')
      )
      if (rule) throw protectedBranch(this.client.fullName, branch, rule.message ?? rule.type ?? '')
      throw this.client.explain(error, `commit to ${branch}`)
    }
  }

  /** When `path` last changed on `ref` (ISO date), or undefined. */
  async lastChanged(path: string, ref?: string): Promise<string | undefined> {
    const { data } = await this.client.call('list commits', () =>
      this.client.octokit.rest.repos.listCommits({
        owner: this.client.owner,
        repo: this.client.repo,
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
        await this.client.octokit.rest.git.createRef({
          owner: this.client.owner,
          repo: this.client.repo,
          ref: `refs/heads/${branch}`,
          sha: after
        })
      } else {
        const { nodeId } = await this.client.info()
        await this.client.octokit.graphql(
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
        this.client.logger.debug(`${what}: already done (${message(error)}).`)
        return 'moved'
      }
      if (now !== before) return 'conflict'
      throw this.client.explain(error, what)
    }
    this.heads.set(branch, after)
    return 'moved'
  }
}
