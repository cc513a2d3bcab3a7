/** Sizes of the committed bundle: the entry points and every chunk they may load. */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT } from './lib/action.js'

export interface BundleFile {
  file: string
  bytes: number
}

export async function bundleSizes(): Promise<BundleFile[]> {
  const files: BundleFile[] = []
  for (const dir of ['dist', 'dist/chunks']) {
    for (const name of (await readdir(join(ROOT, dir))).sort()) {
      if (!name.endsWith('.js')) continue
      files.push({ file: `${dir}/${name}`, bytes: (await stat(join(ROOT, dir, name))).size })
    }
  }
  return files
}
