/**
 * Finds the files `promote-image lint` reads in a config repo: YAML and
 * `Kustomization`, in sorted order, never through a link that leaves the
 * directory.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { isInsideDirectory } from '../repo/index.js'
import { MAX_FILE_BYTES } from '../yaml/index.js'

/** Larger files are generated or vendored, not hand-written config (edits refuse them too). */
export { MAX_FILE_BYTES }

export interface Skipped {
  /** Relative to the root, with `/`. */
  readonly file: string
  readonly reason: string
}

export interface WalkResult {
  /** Relative to the root, with `/`, sorted. */
  readonly files: string[]
  readonly skipped: Skipped[]
}

export function isConfigFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name) || name === 'Kustomization'
}

/**
 * Walks `root` (which must be a directory). Skips hidden entries (`.git`,
 * `.github`…), `node_modules`, the `templates/` directory of a Helm chart
 * (Go templates, not YAML), and files over MAX_FILE_BYTES. A symbolic link to
 * a file is read only when its target is inside `root`; linked directories
 * are never entered, so there are no cycles and no file is reached twice.
 */
export async function walkConfigFiles(root: string): Promise<WalkResult> {
  const realRoot = await realpath(root)
  const files: string[] = []
  const skipped: Skipped[] = []

  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(join(realRoot, rel), { withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (rel === '') throw error
        skipped.push({ file: rel, reason: `unreadable (${error.code ?? error.message})` })
        return []
      }
    )
    const isChart = entries.some(e => e.name === 'Chart.yaml')
    for (const entry of entries) {
      const name = entry.name
      if (name.startsWith('.') || name === 'node_modules') continue
      const path = rel === '' ? name : `${rel}/${name}`
      if (entry.isDirectory()) {
        if (isChart && name === 'templates') skipped.push({ file: path, reason: 'Helm templates' })
        else await visit(path)
        continue
      }
      const absolute = join(realRoot, path)
      let size: number
      if (entry.isSymbolicLink()) {
        const target = await realpath(absolute).catch(() => undefined)
        const info = target === undefined ? undefined : await stat(target).catch(() => undefined)
        const isDir = info?.isDirectory() ?? false
        if (!isDir && !isConfigFileName(name)) continue
        if (target === undefined || info === undefined) {
          skipped.push({ file: path, reason: 'broken symbolic link' })
          continue
        }
        // Both are real paths, as isInsideDirectory needs; the same check as resolveInRepo's.
        if (!isInsideDirectory(realRoot, target)) {
          skipped.push({ file: path, reason: 'symbolic link to outside the directory' })
          continue
        }
        if (isDir) {
          // Its target is inside the root and walked there: entering it could loop.
          skipped.push({ file: path, reason: 'linked directory' })
          continue
        }
        if (!info.isFile()) continue
        size = info.size
      } else {
        if (!entry.isFile() || !isConfigFileName(name)) continue
        size = (await lstat(absolute)).size
      }
      if (size > MAX_FILE_BYTES) {
        skipped.push({ file: path, reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` })
        continue
      }
      files.push(path)
    }
  }

  await visit('')
  files.sort(byPath)
  skipped.sort((a, b) => byPath(a.file, b.file))
  return { files, skipped }
}

/** Code-point order, the same on every machine and locale. */
function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
