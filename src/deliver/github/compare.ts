/**
 * The source commits between two revisions of a build's GitHub repository: one compare request
 * (GET /repos/{owner}/{repo}/compare/{base}...{head}). GitHub lists the range's commits oldest
 * first, 250 at most, and counts them all in `total_commits`
 * (https://docs.github.com/rest/commits/commits#compare-two-commits); they come back newest first.
 */
import type { Logger } from '../../log/logger.js'
import type { CommitRange, SourceCommit } from '../../model.js'
import { createOctokit, status } from './client.js'

/** A source URL on a GitHub server: `https://host/owner/name(.git)`. */
export interface GitHubSource {
  /** `https://github.com`, without a trailing slash. */
  readonly server: string
  /** `owner/name`. */
  readonly repository: string
}

/**
 * The GitHub repository a source URL names, when it is on github.com or on the run's server
 * (GITHUB_SERVER_URL: GHES); undefined for any other host.
 */
export function githubSourceOf(source: string, serverUrl?: string): GitHubSource | undefined {
  let url: URL
  try {
    url = new URL(source.replace(/^git\+/, ''))
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  const match = /^\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.pathname)
  if (!match || url.search || url.hash) return undefined
  const servers = [serverUrl, 'https://github.com'].flatMap(s => (s ? [originOf(s)] : []))
  if (!servers.includes(url.origin)) return undefined
  return { server: url.origin, repository: `${match[1]}/${match[2]}` }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/** The pull request a squash (`subject (#123)`) or merge (`Merge pull request #123 …`) names. */
export function pullRequestOf(subject: string): number | undefined {
  const match =
    /^Merge pull request #(\d+)\b/.exec(subject) ?? /\(#(\d+)\)\s*$/.exec(subject) ?? undefined
  return match ? Number(match[1]) : undefined
}

export interface CompareRequest {
  readonly source: GitHubSource
  readonly base: string
  readonly head: string
  /** The run's token; it reads only the run's server (another server's token would be refused). */
  readonly token?: string
  /** The run's GITHUB_SERVER_URL and GITHUB_API_URL. */
  readonly serverUrl?: string
  readonly apiUrl?: string
  readonly logger: Logger
}

/** The range, or the compare link alone when GitHub will not list it. Never throws. */
export async function readCommitRange(request: CompareRequest): Promise<CommitRange> {
  const { source, base, head } = request
  const compareUrl = `${source.server}/${source.repository}/compare/${base}...${head}`
  const runServer = originOf(request.serverUrl ?? 'https://github.com')
  if (source.server !== runServer) {
    return { compareUrl, unreadable: `the run's token is for ${runServer}, not ${source.server}` }
  }
  if (!request.token) return { compareUrl, unreadable: 'no GitHub token' }
  const apiUrl =
    request.apiUrl ??
    (source.server === 'https://github.com' ? undefined : `${source.server}/api/v3`)
  const octokit = createOctokit(request.token, request.logger, apiUrl)
  const [owner = '', repo = ''] = source.repository.split('/')
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${base}...${head}`,
      per_page: 250
    })
    const commits: SourceCommit[] = data.commits.map(c => {
      const subject = c.commit.message.split('\n', 1)[0]!.trim()
      const author = c.author?.login ?? c.commit.author?.name ?? undefined
      const pullRequest = pullRequestOf(subject)
      return {
        sha: c.sha,
        subject,
        ...(author ? { author } : {}),
        ...(pullRequest !== undefined ? { pullRequest } : {})
      }
    })
    return { compareUrl, commits: commits.reverse(), total: data.total_commits }
  } catch (error) {
    const code = status(error)
    const why = code
      ? `GitHub answered HTTP ${code} for ${source.repository}`
      : error instanceof Error
        ? error.message
        : String(error)
    request.logger.info(
      `Could not list the commits ${base}...${head} of ${source.repository}: ${why}.`
    )
    return { compareUrl, unreadable: why }
  }
}
