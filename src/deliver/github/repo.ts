/**
 * One GitHub repository as delivery uses it: a thin facade over the client (client.ts), the
 * contents reader (contents.ts), the Git Data writer (git-data.ts) and pull requests
 * (pulls.ts), so callers hold one object per repository. `connectGitHub` makes it; the token
 * goes into its Octokit and nowhere else.
 */
import { InputError } from '../../errors.js'
import type { Logger } from '../../log/logger.js'
import { createOctokit, GitHubClient, type RepoInfo } from './client.js'
import { Contents, type CommitReader } from './contents.js'
import { GitData, type Changes } from './git-data.js'
import { Pulls, type PullRequestResult, type PullRequestSpec } from './pulls.js'

export interface GitHubConnection {
  /** `owner/name`. */
  readonly repository: string
  readonly token: string
  /** The REST API's root; without it GITHUB_API_URL, else https://api.github.com. */
  readonly apiUrl?: string
  readonly logger: Logger
}

/** The config repository on GitHub (or GHES), with a client that holds the token. */
export function connectGitHub(connection: GitHubConnection): GitHubRepo {
  const [owner, repo, ...rest] = connection.repository.split('/')
  if (!owner || !repo || rest.length > 0) {
    throw new InputError(
      `The GitHub repository ${JSON.stringify(connection.repository)} is not owner/name.`,
      { hint: 'Name the config repository as owner/name, e.g. acme/gitops-config.' }
    )
  }
  const octokit = createOctokit(connection.token, connection.logger, connection.apiUrl)
  return new GitHubRepo(new GitHubClient(octokit, owner, repo, connection.logger))
}

export class GitHubRepo {
  private readonly contents: Contents
  private readonly git: GitData
  private readonly pulls: Pulls

  constructor(private readonly client: GitHubClient) {
    this.contents = new Contents(client)
    this.git = new GitData(client, this.contents)
    this.pulls = new Pulls(client)
  }

  get owner(): string {
    return this.client.owner
  }

  get repo(): string {
    return this.client.repo
  }

  get fullName(): string {
    return this.client.fullName
  }

  /** Milliseconds before a write would leave without queueing behind the throttle. */
  writeWait(): number {
    return this.client.writeWait()
  }

  /** The repository's settings, read once per run. */
  info(): Promise<RepoInfo> {
    return this.client.info()
  }

  /** A commit's tree, read path by path through the contents API (see Contents.reader). */
  reader(ref: string): CommitReader {
    return this.contents.reader(ref)
  }

  /** Writes `paths` of the reader's commit under `dir` (see Contents.materialize). */
  materialize(reader: CommitReader, paths: Iterable<string>, dir: string): Promise<void> {
    return this.contents.materialize(reader, paths, dir)
  }

  /** The commit `branch` points at; undefined when there is none (see GitData.branchHead). */
  branchHead(branch: string, options: { reuse?: boolean } = {}): Promise<string | undefined> {
    return this.git.branchHead(branch, options)
  }

  commit(sha: string): Promise<{ tree: string; parents: string[]; message: string }> {
    return this.git.commit(sha)
  }

  /** The files changed from `base` to `head`, when GitHub can say (see GitData.changesBetween). */
  changesBetween(base: string, head: string): Promise<Changes | undefined> {
    return this.git.changesBetween(base, head)
  }

  /** A commit no branch points at yet (see GitData.createCommit). */
  createCommit(
    baseTree: string,
    parent: string,
    files: ReadonlyMap<string, string>,
    message: string
  ): Promise<{ sha: string; tree: string }> {
    return this.git.createCommit(baseTree, parent, files, message)
  }

  /** One commit on `branch` if it is still at `expectedHead` (see GitData.commitOnBranch). */
  commitOnBranch(
    branch: string,
    expectedHead: string,
    files: ReadonlyMap<string, string>,
    message: string
  ): Promise<{ sha: string } | 'stale'> {
    return this.git.commitOnBranch(branch, expectedHead, files, message)
  }

  /** When `path` last changed on `ref` (ISO date), or undefined. */
  lastChanged(path: string, ref?: string): Promise<string | undefined> {
    return this.git.lastChanged(path, ref)
  }

  /** Compare-and-swap of `branch` from `expected` to `sha` (see GitData.setBranch). */
  setBranch(
    branch: string,
    sha: string,
    expected: string | undefined
  ): Promise<'moved' | 'conflict'> {
    return this.git.setBranch(branch, sha, expected)
  }

  /** Deletes `branch` only if it still points at `expected`. */
  deleteBranch(branch: string, expected: string): Promise<'deleted' | 'conflict'> {
    return this.git.deleteBranch(branch, expected)
  }

  /** The open pull requests whose head is `branch` (any base). */
  openPullRequestsFrom(branch: string): Promise<{ number: number; base: string }[]> {
    return this.pulls.openPullRequestsFrom(branch)
  }

  /** Creates the pull request, or updates the open one for the branch (see Pulls). */
  upsertPullRequest(spec: PullRequestSpec): Promise<PullRequestResult> {
    return this.pulls.upsertPullRequest(spec)
  }
}
