/**
 * The config repository a plan's destination names, as the writers need it:
 * the GitHub repository (API reads, commits, pull requests) and the URL git
 * clones. A plain git destination has a GitHub repository only when its URL
 * is one, and only when the api method or a pull request needs it.
 */
import { connectGitHub, type GitHubRepo } from '../deliver/index.js'
import { InputError } from '../errors.js'
import type { Destination, Ports } from './plan.js'

export interface ConfigRepository {
  /** What git clones: a URL or a path. */
  readonly cloneUrl: string
  /** The repository on GitHub, when the destination is one (the action's). */
  readonly github?: GitHubRepo
  /** Else: the repository on GitHub, made when needed (`why` says for what); throws where none. */
  readonly githubFor?: (why: string) => GitHubRepo
}

export function configRepositoryOf(
  destination: Exclude<Destination, { kind: 'workspace' }>,
  ports: Ports
): ConfigRepository {
  if (destination.kind === 'github') {
    const serverUrl = (ports.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '')
    return {
      cloneUrl: `${serverUrl}/${destination.repository}.git`,
      github: connect(
        destination.repository,
        ports.env.GITHUB_API_URL,
        ports,
        'The config repository'
      )
    }
  }
  let github: GitHubRepo | undefined
  return {
    cloneUrl: destination.url,
    githubFor: why => (github ??= githubOfUrl(destination.url, why, ports))
  }
}

/** `https://host/owner/name(.git)` → owner/name and the API URL, else undefined. */
function parseGitHubUrl(
  url: string,
  env: NodeJS.ProcessEnv
): { repository: string; apiUrl: string } | undefined {
  const match = /^https?:\/\/([^/]+)\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url)
  if (!match) return undefined
  const [, host, owner, repo] = match as unknown as [string, string, string, string]
  const apiUrl =
    env.GITHUB_API_URL ??
    (host === 'github.com' ? 'https://api.github.com' : `${new URL(url).origin}/api/v3`)
  return { repository: `${owner}/${repo}`, apiUrl }
}

function githubOfUrl(url: string, why: string, ports: Ports): GitHubRepo {
  const parsed = parseGitHubUrl(url, ports.env)
  if (!parsed) {
    throw new InputError(`${why} needs a GitHub repository URL, got ${JSON.stringify(url)}.`, {
      hint: 'Push to the base branch (mode push), or name the config repository by its GitHub URL, e.g. https://github.com/acme/gitops-config.git'
    })
  }
  return connect(parsed.repository, parsed.apiUrl, ports, why)
}

function connect(
  repository: string,
  apiUrl: string | undefined,
  ports: Ports,
  why: string
): GitHubRepo {
  if (!ports.token) {
    throw new InputError(`${why} needs a token in ${ports.tokenSource}.`, {
      hint: 'Pass a token that can write to the config repository (a GitHub App or fine-grained token for another repository), or push to the base branch with git.'
    })
  }
  return connectGitHub({ repository, token: ports.token, apiUrl, logger: ports.logger })
}
