/**
 * The environment every git command of a checkout runs in. The token never reaches a command
 * line, a URL or .git/config: it goes to git as an `http.<origin>.extraHeader` in the global
 * config of a private, throwaway HOME (mode 0600 in a 0700 temp dir, as actions/checkout v6
 * keeps it in RUNNER_TEMP), deleted with the clone.
 */
import { writeFile } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Commits made by the action look like other automation on GitHub. */
export const DEFAULT_IDENTITY = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
}

/** Local paths become file:// URLs, so that --depth and --filter apply. */
export function normalizeUrl(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^:]+:/.test(url)) return url
  return pathToFileURL(isAbsolute(url) ? url : resolve(url)).href
}

/** The private environment for every git command of one clone: its HOME is `home`. */
export async function gitEnv(
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
