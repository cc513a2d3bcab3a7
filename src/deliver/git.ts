/**
 * The git write method: any git host, file:// and local paths included.
 * A partial, shallow, sparse clone (`--filter=blob:none --depth 1`, only the
 * files the promotion reads) keeps the cost flat in the size of the config
 * repo; blobs outside the sparse set are never fetched.
 *
 * The token never reaches a command line, a URL or .git/config: it goes to
 * git as an `http.<origin>.extraHeader` in the global config of a private,
 * throwaway HOME (mode 0600 in a 0700 temp dir, as actions/checkout v6 keeps
 * it in RUNNER_TEMP), deleted with the clone.
 */
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { simpleGit, type SimpleGit } from 'simple-git'
import { PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { TreeReader } from '../render/index.js'

/** Commits made by the action look like other automation on GitHub. */
export const DEFAULT_IDENTITY = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
}

export class GitError extends PromoteError {}

export interface GitCheckoutOptions {
  /** https://…, ssh, file:// or a local path to a repository. */
  readonly url: string
  /** Defaults to the remote's default branch. */
  readonly baseBranch?: string
  readonly token?: string
  readonly logger: Logger
  readonly identity?: { readonly name: string; readonly email: string }
  /** Receives every secret derived from the token, for core.setSecret. */
  readonly onSecret?: (secret: string) => void
}

export class GitCheckout {
  private tree?: Map<string, string>

  private constructor(
    readonly dir: string,
    readonly baseBranch: string,
    private readonly git: SimpleGit,
    private readonly temp: string,
    private readonly logger: Logger
  ) {}

  /** Clones the base branch: history depth 1, no blobs, nothing checked out but what `include` asks for. */
  static async open(options: GitCheckoutOptions): Promise<GitCheckout> {
    const url = normalizeUrl(options.url)
    const temp = await realpath(await mkdtemp(join(tmpdir(), 'promote-image-git-')))
    const dir = join(temp, 'config')
    const identity = options.identity ?? DEFAULT_IDENTITY
    const env = await gitEnv(url, temp, options.token, identity, options.onSecret)
    try {
      const outside = simpleGit({ baseDir: temp }).env(env)
      const branchArgs = options.baseBranch ? ['--branch', options.baseBranch] : []
      await outside.clone(url, dir, [
        '--filter=blob:none',
        '--depth',
        '1',
        '--no-checkout',
        '--single-branch',
        ...branchArgs
      ])
      const git = simpleGit({ baseDir: dir }).env(env)
      const baseBranch = options.baseBranch ?? (await git.revparse(['--abbrev-ref', 'HEAD'])).trim()
      await git.raw(['sparse-checkout', 'init', '--no-cone'])
      await git.raw(['sparse-checkout', 'set', '--no-cone', '/.promote-image-nothing'])
      await git.raw(['checkout', '--quiet', baseBranch])
      return new GitCheckout(dir, baseBranch, git, temp, options.logger)
    } catch (error) {
      await rm(temp, { recursive: true, force: true })
      throw new GitError(
        `Cannot clone the config repository ${redact(options.url)}: ${gitMessage(error)}`,
        {
          hint: options.token
            ? 'Check the URL and that the token may read the repository (contents: read).'
            : 'Check the URL; for a private repository pass a token.',
          cause: error
        }
      )
    }
  }

  async head(): Promise<string> {
    return (await this.git.revparse(['HEAD'])).trim()
  }

  /** Reads the commit's tree without checking anything out (blobs are fetched one by one). */
  reader(): TreeReader {
    return {
      type: async rel => {
        const tree = await this.listing()
        const mode = tree.get(rel.replace(/\/$/, ''))
        if (rel === '' || mode === '040000') return 'dir'
        if (mode === undefined) return 'missing'
        if (mode === '100644' || mode === '100755') {
          // A file under a symlinked directory cannot be listed; plain parents are guaranteed here.
          return 'file'
        }
        return 'other' // symlinks (120000) and submodules (160000)
      },
      read: async rel => this.git.raw(['cat-file', 'blob', `HEAD:${rel}`]),
      list: async dir => {
        const prefix = dir ? `${dir.replace(/\/$/, '')}/` : ''
        return [...(await this.listing()).keys()].filter(
          p => p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && p !== prefix
        )
      }
    }
  }

  private async listing(): Promise<Map<string, string>> {
    if (!this.tree) {
      const out = await this.git.raw(['ls-tree', '-r', '-t', '--full-tree', 'HEAD'])
      this.tree = new Map(
        out
          .split('\n')
          .filter(Boolean)
          .map(line => {
            const tab = line.indexOf('\t')
            return [line.slice(tab + 1), line.slice(0, 6)] as const
          })
      )
    }
    return this.tree
  }

  /** Adds files and directories (repo-relative) to the sparse checkout; fetches their blobs in one go. */
  async include(paths: readonly string[]): Promise<void> {
    const tree = await this.listing()
    const patterns = [...new Set(paths)]
      .map(p => p.replace(/\/$/, ''))
      .filter(p => p !== '' && tree.has(p))
      .map(p => (tree.get(p) === '040000' ? `/${escapePattern(p)}/` : `/${escapePattern(p)}`))
    if (patterns.length === 0) return
    await this.git.raw(['sparse-checkout', 'add', ...patterns])
  }

  /** Gives up on sparseness: everything is checked out (the render needs what cannot be told in advance). */
  async includeAll(): Promise<void> {
    await this.git.raw(['sparse-checkout', 'disable'])
  }

  /** Commits every change in the sparse working tree; undefined when there is none. */
  async commit(message: string): Promise<string | undefined> {
    await this.git.raw(['add', '--sparse', '--all'])
    const staged = await this.git.raw(['diff', '--cached', '--name-only'])
    if (staged.trim() === '') return undefined
    await this.git.raw(['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '-m', message])
    return this.head()
  }

  /**
   * Pushes HEAD to `branch`. 'rejected' when the remote moved on (someone
   * else promoted in between): the caller re-reads and re-applies.
   */
  async push(branch: string, options: { force: boolean }): Promise<'pushed' | 'rejected'> {
    try {
      await this.git.raw([
        'push',
        '--quiet',
        ...(options.force ? ['--force'] : []),
        'origin',
        `HEAD:refs/heads/${branch}`
      ])
      return 'pushed'
    } catch (error) {
      const message = gitMessage(error)
      if (
        /non-fast-forward|fetch first|rejected|cannot lock ref|failed to update ref/i.test(message)
      ) {
        this.logger.debug(`push to ${branch} rejected: ${message}`)
        return 'rejected'
      }
      throw new GitError(`Cannot push to ${branch}: ${message}`, {
        hint: 'The token needs contents: write on the config repository (and the branch must not be protected against it).',
        cause: error
      })
    }
  }

  /** Moves to the remote's current base branch, discarding local edits. */
  async refresh(): Promise<void> {
    await this.git.raw([
      'fetch',
      '--quiet',
      '--depth',
      '1',
      '--filter=blob:none',
      'origin',
      this.baseBranch
    ])
    await this.git.raw(['reset', '--quiet', '--hard', 'FETCH_HEAD'])
    this.tree = undefined
  }

  async close(): Promise<void> {
    await rm(this.temp, { recursive: true, force: true })
  }
}

/** Local paths become file:// URLs, so that --depth and --filter apply. */
export function normalizeUrl(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^:]+:/.test(url)) return url
  return pathToFileURL(isAbsolute(url) ? url : resolve(url)).href
}

async function gitEnv(
  url: string,
  home: string,
  token: string | undefined,
  identity: { name: string; email: string },
  onSecret?: (secret: string) => void
): Promise<Record<string, string>> {
  const config = ['[protocol]', '\tversion = 2']
  if (token && /^https?:\/\//i.test(url)) {
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
    onSecret?.(token)
    onSecret?.(basic)
    // Scoped to the repository's origin: never sent to another host.
    config.push(`[http "${new URL(url).origin}/"]`, `\textraHeader = AUTHORIZATION: basic ${basic}`)
  }
  await writeFile(join(home, '.gitconfig'), `${config.join('\n')}\n`, { mode: 0o600 })
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // A private home: the runner's own global config (credential helpers,
    // checkout's extraheader, url rewrites) must not apply either.
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'Never',
    GIT_LFS_SKIP_SMUDGE: '1',
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email
  }
}

function escapePattern(path: string): string {
  return path.replace(/[*?[\]\\!#]/g, c => `\\${c}`)
}

function gitMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.trim().split('\n').slice(-6).join('\n')
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@')
}
