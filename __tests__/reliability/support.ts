/**
 * Helpers for the reliability suites: proof that a refused run changed
 * nothing (directory snapshots, ref snapshots, write requests) and the
 * action's error annotations as a user reads them.
 */
import { createHash } from 'node:crypto'
import { lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { GitHubBox, LoggedRequest } from '../support/github.js'

/**
 * Every entry under `dir`: files as their mode and sha256, symlinks as
 * their target (never followed), directories as `dir`. Two equal snapshots
 * mean no byte, mode or link changed and nothing was added or removed.
 */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (rel: string): Promise<void> => {
    const absolute = rel === '' ? dir : join(dir, rel)
    for (const name of (await readdir(absolute)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`
      const info = await lstat(join(dir, path))
      if (info.isSymbolicLink()) {
        out[path] = `symlink -> ${await readlink(join(dir, path))}`
      } else if (info.isDirectory()) {
        out[path] = 'dir'
        await walk(path)
      } else {
        const hash = createHash('sha256')
          .update(await readFile(join(dir, path)))
          .digest('hex')
        out[path] = `${(info.mode & 0o777).toString(8)} ${hash}`
      }
    }
  }
  await walk('')
  return out
}

/** Writes `files` under `root` (null deletes) and creates `symlinks` (path → link target). */
export async function writeTree(
  root: string,
  files: Readonly<Record<string, string | null>>,
  symlinks: Readonly<Record<string, string>> = {}
): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const absolute = join(root, path)
    if (text === null) {
      await rm(absolute, { recursive: true, force: true })
      continue
    }
    await mkdir(dirname(absolute), { recursive: true })
    await writeFile(absolute, text)
  }
  for (const [path, target] of Object.entries(symlinks)) {
    const absolute = join(root, path)
    await rm(absolute, { recursive: true, force: true })
    await mkdir(dirname(absolute), { recursive: true })
    await symlink(target, absolute)
  }
}

/** A stack trace offered as the explanation: `    at fn (file.js:12:34)`. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/

/** The runner's workflow commands decoded (`%0A` → newline), as the log shows them. */
export function decodeWorkflowCommands(stdout: string): string {
  return stdout
    .split('\n')
    .map(line =>
      /^::[a-z-]+( [^:]*)?::/.test(line)
        ? line.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
        : line
    )
    .join('\n')
}

/** The messages of the action's `::error …::` commands, decoded. */
export function actionErrors(stdout: string): string {
  return stdout
    .split('\n')
    .flatMap(line => {
      const match = /^::error(?: [^:]*)?::(.*)$/.exec(line)
      return match ? [match[1]!] : []
    })
    .map(message => message.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))
    .join('\n')
}

/** Every ref of a box repository and the commit it points at. */
export async function refsOf(box: GitHubBox, repo: string): Promise<string> {
  return box.git(repo, ['for-each-ref', '--format=%(refname) %(objectname)'])
}

/**
 * Requests that change something on GitHub: REST writes, GraphQL (the
 * product sends only mutations) and git pushes. A fetch over smart HTTP is
 * a POST too, but only reads.
 */
export function writeRequests(requests: readonly LoggedRequest[]): string[] {
  return requests
    .filter(
      r =>
        ['POST', 'PATCH', 'PUT', 'DELETE'].includes(r.method) &&
        !(r.kind === 'git' && /\/git-upload-pack(?:\?|$)/.test(r.path))
    )
    .map(r => `${r.method} ${r.path}`)
}
