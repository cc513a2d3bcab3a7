import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises'
import path from 'node:path'

/**
 * What the stages need to know about a tree: a working tree on disk,
 * or a commit read through git or the GitHub API before anything is checked
 * out (so that only the closure has to be fetched).
 */
export interface TreeReader {
  /** 'other' for symlinks anywhere on the way and anything else that is not a plain file or dir. */
  type(rel: string): Promise<'file' | 'dir' | 'missing' | 'other'>
  read(rel: string): Promise<string>
  /** The entries of a directory, as repo-relative paths (for discovering `{name}` targets). */
  list?(dir: string): Promise<string[]>
  /** The first symlink on the way to `rel` (itself included) and its stored target. */
  linkOn?(rel: string): Promise<{ path: string; target: string } | undefined>
}

export function fsTreeReader(root: string): TreeReader {
  return {
    async type(rel) {
      const absolute = path.join(root, rel)
      try {
        const stats = await lstat(absolute)
        if (!stats.isFile() && !stats.isDirectory()) return 'other'
        if ((await realpath(absolute)) !== absolute.replace(/[\\/]+$/, '')) return 'other'
        return stats.isFile() ? 'file' : 'dir'
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'other'
      }
    },
    read: rel => readFile(path.join(root, rel), 'utf8'),
    async linkOn(rel) {
      const parts = rel.split('/')
      for (let i = 1; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join('/')
        const stats = await lstat(path.join(root, prefix)).catch(() => undefined)
        if (stats?.isSymbolicLink())
          return { path: prefix, target: await readlink(path.join(root, prefix)) }
        if (!stats?.isDirectory()) return undefined
      }
      return undefined
    },
    list: async dir =>
      (await readdir(path.join(root, dir)).catch(() => [] as string[])).map(name =>
        dir ? `${dir.replace(/\/$/, '')}/${name}` : name
      )
  }
}
