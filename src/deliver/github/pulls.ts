/**
 * The living pull request: created, or the open one for the branch updated, then decorated
 * with labels, assignees, reviewers and auto-merge. GitHub refusing a decoration is a
 * warning, never a reason to fail (or close) a pull request that is open.
 */
import type { Logger } from '../../log/logger.js'
import type { MergeMethod } from '../../model.js'
import { GitHubError, message, status, type GitHubClient } from './client.js'

export interface PullRequestSpec {
  readonly branch: string
  readonly base: string
  readonly title: string
  readonly body: string
  readonly draft: boolean
  readonly labels: readonly string[]
  readonly reviewers: readonly string[]
  readonly teamReviewers: readonly string[]
  readonly assignees: readonly string[]
  readonly autoMerge?: MergeMethod
  /** The commit the run put on `branch`: merging now merges exactly it. */
  readonly headSha?: string
  /**
   * When an open pull request is updated: the comment that says what moved since its previous
   * body (undefined posts none).
   */
  readonly updateComment?: (previousBody: string) => string | undefined
}

/** What this file reads of a pull request answer. */
interface PullRequestData {
  readonly number: number
  readonly html_url: string
  readonly node_id: string
  readonly head: { readonly sha: string }
}

/**
 * Reviewers as GitHub takes them: logins without "@", team slugs without "org/". An
 * `org/team` among the users is a team; a team of another organization cannot review here.
 */
export function reviewersOf(
  spec: Pick<PullRequestSpec, 'reviewers' | 'teamReviewers'>,
  owner: string,
  logger?: Logger
): { users: string[]; teams: string[] } {
  const users = new Set<string>()
  const teams = new Set<string>()
  for (const raw of [
    ...spec.reviewers,
    ...spec.teamReviewers.map(t => (t.includes('/') ? t : `/${t}`))
  ]) {
    const name = raw.replace(/^@/, '')
    const slash = name.indexOf('/')
    if (slash < 0) {
      users.add(name)
      continue
    }
    const org = name.slice(0, slash)
    if (org !== '' && org.toLowerCase() !== owner.toLowerCase()) {
      logger?.warning(
        `Reviewer team ${raw} belongs to ${org}, not ${owner}: only teams of ${owner} can review there; skipped.`
      )
      continue
    }
    teams.add(name.slice(slash + 1))
  }
  return { users: [...users], teams: [...teams] }
}

export interface PullRequestResult {
  readonly number: number
  readonly url: string
  readonly operation: 'created' | 'updated' | 'none'
}

export class Pulls {
  constructor(private readonly client: GitHubClient) {}

  /** The open pull requests whose head is `branch` (any base). */
  async openPullRequestsFrom(branch: string): Promise<{ number: number; base: string }[]> {
    const { data } = await this.client.call('list pull requests', () =>
      this.client.octokit.rest.pulls.list({
        owner: this.client.owner,
        repo: this.client.repo,
        head: `${this.client.owner}:${branch}`,
        state: 'open'
      })
    )
    return data.map(pull => ({ number: pull.number, base: pull.base.ref }))
  }

  /**
   * Creates the pull request, or updates the open one for the branch: a living PR. Labels,
   * assignees, reviewers and auto-merge decorate it afterwards; GitHub refusing one of them
   * is a warning, never a reason to fail (or close) a pull request that is open.
   */
  async upsertPullRequest(spec: PullRequestSpec): Promise<PullRequestResult> {
    let existing = await this.openPullRequest(spec.branch, spec.base)
    let created: PullRequestData | undefined
    if (!existing) {
      created = await this.createPullRequest(spec)
      // Another job opened it first, or GitHub applied our request and its answer was lost
      // (a retried 5xx meets "already exists"): adopt the open one.
      if (!created) existing = await this.openPullRequest(spec.branch, spec.base)
      if (!created && !existing) {
        throw new GitHubError(
          `GitHub says a pull request from ${spec.branch} exists in ${this.client.fullName}, but none is open into ${spec.base}.`,
          {
            hint: `Look at the pull requests from ${spec.branch}; close the one into another base, or change branch.`
          }
        )
      }
    }
    const pull =
      created ??
      (
        await this.client.call('update the pull request', () =>
          this.client.octokit.rest.pulls.update({
            owner: this.client.owner,
            repo: this.client.repo,
            pull_number: existing!.number,
            title: spec.title,
            body: spec.body
          })
        )
      ).data
    if (!created && existing) await this.comment(pull.number, spec, existing.body ?? '')
    await this.decorate(pull, spec)
    return { number: pull.number, url: pull.html_url, operation: created ? 'created' : 'updated' }
  }

  /** undefined when GitHub says a pull request for the branch exists already. */
  private async createPullRequest(spec: PullRequestSpec): Promise<PullRequestData | undefined> {
    try {
      const { data } = await this.client.octokit.rest.pulls.create({
        owner: this.client.owner,
        repo: this.client.repo,
        head: spec.branch,
        base: spec.base,
        title: spec.title,
        body: spec.body,
        draft: spec.draft,
        maintainer_can_modify: true
      })
      return data
    } catch (error) {
      if (status(error) === 422 && /already exists/i.test(message(error))) return undefined
      throw this.client.explain(error, 'open the pull request')
    }
  }

  private async openPullRequest(branch: string, base: string) {
    const { data } = await this.client.call('list pull requests', () =>
      this.client.octokit.rest.pulls.list({
        owner: this.client.owner,
        repo: this.client.repo,
        head: `${this.client.owner}:${branch}`,
        base,
        state: 'open'
      })
    )
    return data[0]
  }

  /** Says on the pull request what the update moved; GitHub refusing it is a warning. */
  private async comment(
    number: number,
    spec: PullRequestSpec,
    previousBody: string
  ): Promise<void> {
    const body = spec.updateComment?.(previousBody)
    if (!body) return
    await this.client.octokit.rest.issues
      .createComment({
        owner: this.client.owner,
        repo: this.client.repo,
        issue_number: number,
        body
      })
      .catch((error: unknown) => this.refused('comment on what the update moved', error))
  }

  private async decorate(pull: PullRequestData, spec: PullRequestSpec): Promise<void> {
    const issue = { owner: this.client.owner, repo: this.client.repo, issue_number: pull.number }
    if (spec.labels.length) {
      await this.client.octokit.rest.issues
        .addLabels({ ...issue, labels: [...spec.labels] })
        .catch((error: unknown) => this.refused(`add the labels ${spec.labels.join(', ')}`, error))
    }
    if (spec.assignees.length) {
      // GitHub drops assignees who may not be assigned without a word: say who is missing.
      const assignees = spec.assignees.map(login => login.replace(/^@/, ''))
      await this.client.octokit.rest.issues
        .addAssignees({ ...issue, assignees })
        .then(({ data }) => {
          const kept = new Set((data.assignees ?? []).map(a => a.login.toLowerCase()))
          const dropped = assignees.filter(a => !kept.has(a.toLowerCase()))
          if (dropped.length)
            this.client.logger.warning(
              `GitHub did not assign ${dropped.join(', ')} to pull request #${pull.number}: only users with access to ${this.client.fullName} can be assigned (at most 10).`
            )
        })
        .catch((error: unknown) => this.refused(`assign ${assignees.join(', ')}`, error))
    }
    const { users, teams } = reviewersOf(spec, this.client.owner, this.client.logger)
    if (users.length || teams.length) await this.requestReviewers(pull.number, users, teams)
    if (spec.autoMerge) await this.autoMerge(pull, spec.autoMerge, spec.headSha ?? pull.head.sha)
  }

  /**
   * One request for all reviewers; when GitHub refuses it (422 names no one: "Reviews may only
   * be requested from collaborators. One or more of the users or teams you specified is not a
   * collaborator…"), one request each, so the warning says who was refused and the rest are
   * still requested.
   */
  private async requestReviewers(
    pullNumber: number,
    users: readonly string[],
    teams: readonly string[]
  ): Promise<void> {
    const ask = (reviewers: readonly string[], team_reviewers: readonly string[]) =>
      this.client.octokit.rest.pulls.requestReviewers({
        owner: this.client.owner,
        repo: this.client.repo,
        pull_number: pullNumber,
        reviewers: [...reviewers],
        team_reviewers: [...team_reviewers]
      })
    try {
      await ask(users, teams)
      return
    } catch (error) {
      if (status(error) !== 422 || users.length + teams.length === 1) {
        this.refused(
          `request reviews from ${[...users, ...teams.map(t => `team ${t}`)].join(', ')}`,
          error
        )
        return
      }
    }
    const refused: string[] = []
    let why = ''
    for (const [who, request] of [
      ...users.map(u => [u, () => ask([u], [])] as const),
      ...teams.map(t => [`team ${t}`, () => ask([], [t])] as const)
    ]) {
      try {
        await request()
      } catch (error) {
        refused.push(who)
        why = message(error)
      }
    }
    if (refused.length)
      this.client.logger.warning(
        `GitHub refused to request reviews from ${refused.join(', ')} on pull request #${pullNumber}: ${why} The pull request stays open; fix reviewers (collaborators of ${this.client.fullName}, team slugs of ${this.client.owner}, not the token's own user).`
      )
  }

  /**
   * Auto-merge as the user asked: GraphQL enablePullRequestAutoMerge, tried whenever the
   * repository does not say it is off (its setting is hidden from tokens without admin).
   * GitHub refuses to arm it on a pull request with nothing pending ("Pull request is in clean
   * status"): that pull request can be merged now, so it is, with the chosen method.
   */
  private async autoMerge(
    pull: PullRequestData,
    method: MergeMethod,
    headSha: string
  ): Promise<void> {
    const info = await this.client.info()
    if (info.allowAutoMerge === false) {
      this.autoMergeOff(pull.number)
      return
    }
    try {
      await this.client.octokit.graphql(
        `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
          enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
            pullRequest { autoMergeRequest { mergeMethod } }
          }
        }`,
        { pullRequestId: pull.node_id, mergeMethod: method.toUpperCase() }
      )
      this.client.logger.info(`Auto-merge (${method}) armed on pull request #${pull.number}.`)
    } catch (error) {
      const why = message(error)
      if (/\b(clean|unstable) status\b/i.test(why)) {
        await this.mergeNow(pull, method, headSha)
      } else if (/auto.?merge is not allowed/i.test(why)) {
        this.autoMergeOff(pull.number)
      } else {
        this.client.logger.warning(
          `Could not enable auto-merge on pull request #${pull.number}: ${why} It stays open for a manual merge.`
        )
      }
    }
  }

  private autoMergeOff(pullNumber: number): void {
    this.client.logger.warning(
      `Auto-merge is off in ${this.client.fullName}: enable "Allow auto-merge" in its settings (General → Pull Requests). Pull request #${pullNumber} stays open for a manual merge.`
    )
  }

  /** Merges a pull request that has nothing pending; only the head this run wrote. */
  private async mergeNow(
    pull: PullRequestData,
    method: MergeMethod,
    headSha: string
  ): Promise<void> {
    try {
      await this.client.octokit.rest.pulls.merge({
        owner: this.client.owner,
        repo: this.client.repo,
        pull_number: pull.number,
        merge_method: method,
        sha: headSha
      })
      this.client.logger.info(
        `Pull request #${pull.number} had nothing pending (no required checks or reviews), so auto-merge could not be armed: merged it now (${method}).`
      )
    } catch (error) {
      this.client.logger.warning(
        `Pull request #${pull.number} has nothing pending, so GitHub will not arm auto-merge, and merging it now was refused: ${message(error)} ${
          status(error) === 403
            ? 'The token may not merge (it needs contents: write and pull-requests: write, and to satisfy the branch rules).'
            : 'Merge it by hand.'
        }`
      )
    }
  }

  /** A decoration GitHub refused: the pull request stands, the run goes on. */
  private refused(what: string, error: unknown): void {
    this.client.logger.warning(
      `GitHub refused to ${what} in ${this.client.fullName}: ${message(error)}`
    )
  }
}
