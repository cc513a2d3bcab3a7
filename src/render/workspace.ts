import {
  fsTreeReader,
  isKustomizationFileName,
  KUSTOMIZATION_FILE_NAMES,
  type TreeReader,
  linkTargetInRepo,
  MAX_LINK_HOPS
} from '../repo/index.js'
import { cp, lstat, mkdir, readlink, realpath, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { RenderError } from '../errors.js'
import type { RendererKind } from './renderers.js'
/** Never copied: history and dependencies are not config, and can be huge. */
const SKIPPED = new Set(['.git', 'node_modules'])

/**
 * Checks a repo-relative path (a target or a changed file) and returns it in POSIX form.
 * Absolute paths, `..` escapes and paths into .git are refused.
 */
export function repoRelative(text: string, what: string): string {
  const normalized = path.posix.normalize(text.replaceAll('\\', '/'))
  const parts = normalized.split('/')
  if (
    text === '' ||
    path.posix.isAbsolute(normalized) ||
    path.win32.isAbsolute(text) ||
    parts[0] === '..' ||
    parts.some(part => SKIPPED.has(part))
  ) {
    throw new RenderError(
      `The ${what} ${JSON.stringify(text)} is not a path inside the config repository.`,
      {
        hint: 'Targets and edited files are relative to the repository root, without "..", outside .git and node_modules.',
        subject: text
      }
    )
  }
  return normalized === '.' ? '' : normalized.replace(/\/$/, '')
}

/**
 * The repo-relative paths a render of `target` reads (files, or directories copied whole),
 * following kustomizations through resources, components, patches, generators and the other
 * fields that name files. `undefined` when that cannot be told safely (symlinks on the way,
 * paths out of the repository, Helm charts inflated by kustomize): copy everything then.
 */
export async function renderClosure(
  kind: RendererKind,
  source: string | TreeReader,
  target: string,
  changes: ReadonlyMap<string, string>
): Promise<string[] | undefined> {
  const closure = new Closure(typeof source === 'string' ? fsTreeReader(source) : source, changes)
  const ok = kind === 'helm' ? await closure.chart(target) : await closure.kustomization(target)
  return ok ? [...closure.paths] : undefined
}

class Closure {
  readonly paths = new Set<string>()
  private readonly roots = new Set<string>()

  constructor(
    private readonly tree: TreeReader,
    private readonly changes: ReadonlyMap<string, string>
  ) {}

  async chart(valuesFile: string): Promise<boolean> {
    const values = await this.resolve(valuesFile)
    const chart = await this.resolve(
      values.type === 'dir' ? values.rel : path.posix.dirname(values.rel)
    )
    if (chart.type !== 'dir') return false
    this.paths.add(chart.rel === '.' ? '' : chart.rel)
    return true
  }

  /** `target` is a kustomization directory or a kustomization file. */
  async kustomization(target: string): Promise<boolean> {
    if (isKustomizationFileName(path.posix.basename(target))) {
      const file = await this.resolve(target)
      if (file.type === 'file') return this.root_(path.posix.dirname(target))
    }
    return this.root_((await this.resolve(target)).rel)
  }

  private async root_(dir: string): Promise<boolean> {
    const key = dir === '.' ? '' : dir
    if (this.roots.has(key)) return true
    this.roots.add(key)
    let file: string | undefined
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      const candidate = key ? `${key}/${name}` : name
      if (this.changes.has(candidate)) {
        file = candidate
        break
      }
      // A kustomization.yaml linked to a shared one: references stay relative to this directory.
      const found = await this.resolve(candidate)
      if (found.type === 'file') {
        file = found.rel
        break
      }
    }
    if (!file) return false
    let kustomization: unknown
    try {
      kustomization = parse(this.changes.get(file) ?? (await this.tree.read(file)))
    } catch {
      return false
    }
    if (!isObject(kustomization)) return false
    // kustomize inflates Helm charts only with --enable-helm; its chart home is not worth modelling.
    if ('helmCharts' in kustomization || 'helmChartInflationGenerator' in kustomization) {
      return false
    }
    this.paths.add(file)
    const refs: Array<{ ref: unknown; root: boolean }> = []
    const add = (value: unknown, root: boolean): void => {
      for (const ref of Array.isArray(value) ? value : [value]) refs.push({ ref, root })
    }
    for (const key of [
      'resources',
      'bases',
      'components',
      'generators',
      'transformers',
      'validators'
    ]) {
      add(kustomization[key], true)
    }
    for (const key of ['crds', 'configurations']) add(kustomization[key], false)
    // Strategic-merge patches may be inline YAML rather than file names.
    for (const patch of list(kustomization.patchesStrategicMerge)) {
      if (typeof patch === 'string' && !patch.includes('\n')) add(patch, false)
    }
    for (const key of ['patches', 'patchesJson6902', 'replacements']) {
      for (const entry of list(kustomization[key])) if (isObject(entry)) add(entry.path, false)
    }
    if (isObject(kustomization.openapi)) add(kustomization.openapi.path, false)
    for (const key of ['configMapGenerator', 'secretGenerator']) {
      for (const generator of list(kustomization[key])) {
        if (!isObject(generator)) continue
        // files: entries are "path" or "key=path".
        for (const entry of list(generator.files)) {
          if (typeof entry === 'string') add(entry.slice(entry.indexOf('=') + 1), false)
        }
        add(generator.envs, false)
        add(generator.env, false)
      }
    }
    for (const { ref, root } of refs) {
      if (ref === undefined || ref === null) continue
      if (typeof ref !== 'string' || !(await this.reference(key, ref, root))) return false
    }
    return true
  }

  private async reference(dir: string, ref: string, asRoot: boolean): Promise<boolean> {
    if (ref === '' || path.isAbsolute(ref)) return false
    const joined = path.posix.normalize(path.posix.join(dir || '.', ref))
    if (joined === '..' || joined.startsWith('../')) return false
    const rel = joined === '.' ? '' : joined.replace(/\/$/, '')
    if (this.changes.has(rel)) {
      this.paths.add(rel)
      return true
    }
    const found = await this.resolve(rel)
    // Remote bases (git URLs, https) and missing files: the renderer fetches or fails alike.
    if (found.type === 'missing') return true
    if (found.type === 'other') return false
    if (found.type === 'dir' && asRoot) return this.root_(found.rel)
    this.paths.add(found.rel)
    return true
  }

  /**
   * What `rel` is once the symlinks on its way are followed, and its real path: links that
   * stay in the repository join the closure (the copy holds them as links) with their targets.
   */
  private async resolve(
    rel: string
  ): Promise<{ rel: string; type: 'file' | 'dir' | 'missing' | 'other' }> {
    for (let hops = 0; ; hops++) {
      const type = await this.tree.type(rel)
      if (type !== 'other' || !this.tree.linkOn || hops === MAX_LINK_HOPS) return { rel, type }
      const link = await this.tree.linkOn(rel)
      const target =
        link && linkTargetInRepo(link.path, link.target, rel.slice(link.path.length + 1))
      if (!link || target === undefined) return { rel, type }
      this.paths.add(link.path)
      rel = target
    }
  }
}

/**
 * Copies `paths` (all of `root` when undefined) from `root` to `copyRoot`, skipping .git and
 * node_modules. Symlinks stay symlinks: those pointing inside the repository are re-pointed at
 * the copy, those pointing outside keep their absolute target, so their content is never copied
 * and both renders read the same thing.
 */
export async function copyRepository(
  root: string,
  copyRoot: string,
  paths: readonly string[] | undefined
): Promise<void> {
  // Keyed by destination: closure paths may overlap (a file inside a copied directory).
  const links = new Map<string, string>()
  for (const rel of paths ?? ['']) {
    const source = path.join(root, rel)
    const destination = path.join(copyRoot, rel)
    await mkdir(path.dirname(destination), { recursive: true })
    await cp(source, destination, {
      recursive: true,
      force: true,
      verbatimSymlinks: true,
      filter: async (from, to) => {
        if (from !== source && SKIPPED.has(path.basename(from))) return false
        if (!(await lstat(from)).isSymbolicLink()) return true
        links.set(to, from)
        return false
      }
    })
  }
  for (const [destination, source] of links) {
    const target = path.resolve(path.dirname(source), await readlink(source))
    const inside = path.relative(root, target)
    const pointsInside = !inside.startsWith('..') && !path.isAbsolute(inside)
    const linked = pointsInside
      ? path.relative(path.dirname(destination), path.join(copyRoot, inside)) || '.'
      : target
    await mkdir(path.dirname(destination), { recursive: true })
    await symlink(linked, destination)
  }
}

/**
 * Refuses an edited file that the repository reaches through a symbolic link leading out of
 * it: the edit stage would write there, and a copy cannot show what that would do.
 */
export async function assertInsideRepository(root: string, rel: string): Promise<void> {
  // The deepest part of the path that exists decides where a write would land.
  let existing = path.join(root, rel)
  for (;;) {
    try {
      existing = await realpath(existing)
      break
    } catch {
      // A dangling link: writing through it would create its target, wherever that is.
      if (await isLink(existing)) throw leavesRepository(rel)
      const parent = path.dirname(existing)
      if (parent === existing) return
      existing = parent
    }
  }
  const inside = path.relative(root, existing)
  if (inside.startsWith('..') || path.isAbsolute(inside)) throw leavesRepository(rel)
}

async function isLink(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isSymbolicLink()
  } catch {
    return false
  }
}

function leavesRepository(rel: string): RenderError {
  return new RenderError(
    `Cannot render the edit of ${rel}: it is reached through a symbolic link that leaves the repository or leads nowhere.`,
    { hint: 'Edit the file the link points to, inside the config repository.', subject: rel }
  )
}

/** Writes the edited files into the copy, never through a link that leaves it. */
export async function applyChanges(
  copyRoot: string,
  changes: ReadonlyMap<string, string>
): Promise<void> {
  for (const [rel, text] of changes) {
    const destination = path.join(copyRoot, rel)
    await mkdir(path.dirname(destination), { recursive: true })
    const parent = await realpath(path.dirname(destination))
    let real = path.join(parent, path.basename(destination))
    if (await isLink(real))
      real = await realpath(real).catch(() => Promise.reject(leavesRepository(rel)))
    const inside = path.relative(copyRoot, real)
    if (inside.startsWith('..') || path.isAbsolute(inside)) throw leavesRepository(rel)
    await writeFile(real, text)
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
