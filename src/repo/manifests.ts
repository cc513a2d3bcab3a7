/**
 * The files of a `manifest:` target: the file itself, or the YAML files
 * directly in a directory. Argo CD's directory source reads a directory
 * without its subdirectories unless `directory.recurse` is set (argo-cd
 * reposerver/repository/repository.go, `findManifests`), so subdirectories
 * are not followed; `.json` files are not edited; kustomization files are
 * kustomize's input, not manifests, and are skipped.
 */
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from '../errors.js'
import {
  isKustomizationFileName,
  normalizeRelativePath,
  realRelativePath,
  resolveInRepo
} from './paths.js'
import type { TreeReader } from './tree.js'

/** Whether a directory entry is a manifest file of a `manifest:` directory target. */
export function isManifestFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !isKustomizationFileName(name)
}

function noManifests(dir: string): ConfigError {
  return new ConfigError(`${JSON.stringify(dir)} holds no .yaml or .yml manifests.`, {
    hint: 'Point the manifest target at a YAML file, or at the directory that holds the workload files (subdirectories are not read).',
    subject: dir
  })
}

/** The repository-relative real paths of a manifest target's files, sorted (as Argo CD reads them). */
export async function findManifestFiles(repoRoot: string, targetPath: string): Promise<string[]> {
  const real = await resolveInRepo(repoRoot, targetPath)
  if (!(await stat(real)).isDirectory()) return [await realRelativePath(repoRoot, targetPath)]
  const dir = normalizeRelativePath(targetPath)
  const files: string[] = []
  for (const name of (await readdir(real)).filter(isManifestFileName).sort()) {
    const file = path.posix.join(dir, name)
    if ((await stat(await resolveInRepo(repoRoot, file))).isFile()) {
      files.push(await realRelativePath(repoRoot, file))
    }
  }
  if (files.length === 0) throw noManifests(dir)
  return files
}

/** The same, read from a commit (promote-from, the API writer): [] when the target is missing. */
export async function manifestFilesIn(reader: TreeReader, targetPath: string): Promise<string[]> {
  const type = await reader.type(targetPath)
  if (type === 'file') return [targetPath]
  if (type !== 'dir' || !reader.list) return []
  const files: string[] = []
  for (const entry of (await reader.list(targetPath)).sort()) {
    if (isManifestFileName(entry.split('/').pop()!) && (await reader.type(entry)) === 'file') {
      files.push(entry)
    }
  }
  return files
}
