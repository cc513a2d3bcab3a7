/**
 * The container images an overlay's own `images:` entries act on, read from the repository
 * without a renderer: so promote-image never pins an entry kustomize would not apply, even when
 * no kustomize runs (no renderer on the runner, or verify-render false).
 *
 * It follows kustomize's accumulation (api/internal/target/kusttarget.go, AccumulateTarget):
 * the resources (files, and directories built with their own `images:` entries applied), then
 * each component's resources and entries over everything accumulated so far; the overlay's own
 * entries come last and are what the caller pins. Images set by patches count too (patches run
 * before the images transformer). What it cannot follow — remote bases, Helm charts inflated by
 * kustomize, plugins, replacements, links — makes the answer unknown rather than wrong.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import { applyKustomizeImage, type KustomizeImageEntry } from '../reference/index.js'
import {
  isKustomizationFileName,
  KUSTOMIZATION_FILE_NAMES,
  type TreeReader
} from '../repo/index.js'
import { extractImages } from './images.js'

export type OverlayInputs =
  | { readonly images: readonly string[] }
  /** Why the images cannot be told (a clause: "it inflates Helm charts"). */
  | { readonly unknown: string }

/** Kustomizations nested deeper than this are not followed (kustomize itself has no limit). */
const MAX_DEPTH = 20

class Unknown extends Error {}

/**
 * The images `dir`'s own `images:` entries see. `changes` (repo-relative path → text) override
 * the tree, so an edit under way is read as it will be.
 */
export async function overlayInputs(
  tree: TreeReader,
  dir: string,
  changes: ReadonlyMap<string, string> = new Map()
): Promise<OverlayInputs> {
  const read = async (rel: string): Promise<string> => changes.get(rel) ?? tree.read(rel)
  const type = async (rel: string) => (changes.has(rel) ? 'file' : tree.type(rel))

  // Each kustomization is read and parsed once, however many overlays share it as a base.
  const parsed = new Map<string, Promise<Record<string, unknown>>>()
  function kustomizationOf(at: string): Promise<Record<string, unknown>> {
    if (!parsed.has(at)) parsed.set(at, readKustomization(at))
    return parsed.get(at)!
  }

  async function readKustomization(at: string): Promise<Record<string, unknown>> {
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      const file = at ? `${at}/${name}` : name
      const found = await type(file)
      if (found === 'missing') continue
      if (found !== 'file') throw new Unknown(`${file} is a link or not a plain file`)
      const parsed: unknown = parse(await read(file))
      if (!isObject(parsed)) throw new Unknown(`${file} is not a kustomization`)
      return parsed
    }
    throw new Unknown(`${at || '.'} has no kustomization file`)
  }

  function resolve(at: string, ref: unknown): string {
    if (typeof ref !== 'string' || ref === '' || path.posix.isAbsolute(ref) || ref.includes('://'))
      throw new Unknown(`it names ${JSON.stringify(ref)}, which is not a path in the repository`)
    const joined = path.posix.normalize(path.posix.join(at || '.', ref))
    if (joined === '..' || joined.startsWith('../'))
      throw new Unknown(`it names ${ref}, outside the repository`)
    return joined === '.' ? '' : joined.replace(/\/$/, '')
  }

  /** The images of the resources and components of `at`, before its own entries. */
  async function accumulate(at: string, depth: number, into: string[]): Promise<void> {
    if (depth > MAX_DEPTH) throw new Unknown(`kustomizations nest deeper than ${MAX_DEPTH}`)
    const k = await kustomizationOf(at)
    if ('helmCharts' in k || 'helmChartInflationGenerator' in k)
      throw new Unknown(`${at || '.'} inflates Helm charts`)
    if (list(k.generators).length > 0 || list(k.transformers).length > 0)
      throw new Unknown(`${at || '.'} runs generator or transformer plugins`)
    // Replacements may copy an image from another resource (a ConfigMap, a Job).
    if (list(k.replacements).length > 0) throw new Unknown(`${at || '.'} has replacements`)
    for (const ref of [...list(k.resources), ...list(k.bases)]) {
      into.push(...(await built(resolve(at, ref), depth)))
    }
    for (const patch of patchesOf(k)) {
      if (patch.inline !== undefined) into.push(...imagesIn(patch.inline))
      else into.push(...imagesIn(await read(resolve(at, patch.path))))
    }
    for (const ref of list(k.components)) {
      const component = resolve(at, ref)
      await accumulate(component, depth + 1, into)
      applyEntries(into, await entriesOf(component))
    }
  }

  /** A resource: a file's images, or a directory built with its own entries applied. */
  async function built(rel: string, depth: number): Promise<string[]> {
    const found = await type(rel)
    if (found === 'file') return imagesIn(await read(rel))
    if (found !== 'dir')
      throw new Unknown(`${rel} is ${found === 'missing' ? 'missing (a remote base?)' : 'a link'}`)
    const images: string[] = []
    await accumulate(rel, depth + 1, images)
    applyEntries(images, await entriesOf(rel))
    return images
  }

  async function entriesOf(at: string): Promise<KustomizeImageEntry[]> {
    return imageEntries((await kustomizationOf(at)).images)
  }

  try {
    const images: string[] = []
    await accumulate(dir, 0, images)
    return { images: [...new Set(images)] }
  } catch (error) {
    if (error instanceof Unknown) return { unknown: error.message }
    // A file that cannot be read or parsed: the renderer (or the edit) will say what is wrong.
    return { unknown: error instanceof Error ? error.message : String(error) }
  }
}

/** A kustomization's `images:` entries, as kustomize reads them (entries without a name are skipped). */
function imageEntries(value: unknown): KustomizeImageEntry[] {
  const entries: KustomizeImageEntry[] = []
  for (const item of list(value)) {
    if (!isObject(item) || typeof item.name !== 'string') continue
    const text = (key: string): string | undefined => {
      const v = item[key]
      return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined
    }
    entries.push({
      name: item.name,
      ...(text('newName') !== undefined && { newName: text('newName') }),
      ...(text('newTag') !== undefined && { newTag: text('newTag') }),
      ...(text('digest') !== undefined && { digest: text('digest') })
    })
  }
  return entries
}

function applyEntries(images: string[], entries: readonly KustomizeImageEntry[]): void {
  for (const [i, image] of images.entries()) images[i] = entries.reduce(applyKustomizeImage, image)
}

/** The container images a resource or patch file sets; a JSON 6902 patch's `…/image` values too. */
function imagesIn(text: string): string[] {
  const images: string[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Unknown('a resource or patch is not valid YAML')
    const value: unknown = doc.toJS()
    if (!Array.isArray(value)) continue
    for (const op of value) {
      if (!isObject(op) || typeof op.path !== 'string') continue
      if (/\/image$/.test(op.path) && typeof op.value === 'string') images.push(op.value)
      else if (isObject(op.value) && typeof op.value.image === 'string') images.push(op.value.image)
    }
  }
  return [...images, ...extractImages(text).map(image => image.image)]
}

function patchesOf(k: Record<string, unknown>): Array<{ inline?: string; path?: unknown }> {
  const patches: Array<{ inline?: string; path?: unknown }> = []
  for (const patch of list(k.patchesStrategicMerge)) {
    if (typeof patch === 'string')
      patches.push(patch.includes('\n') ? { inline: patch } : { path: patch })
  }
  for (const key of ['patches', 'patchesJson6902']) {
    for (const entry of list(k[key])) {
      if (!isObject(entry)) continue
      if (typeof entry.patch === 'string') patches.push({ inline: entry.patch })
      else if (entry.path !== undefined) patches.push({ path: entry.path })
    }
  }
  return patches
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The kustomizations of the working tree at `root` that list `component` (a repo-relative
 * directory holding a kustomize Component) in `components:`: what deploys a Component, since it
 * renders nothing on its own. Sorted; .git and node_modules are not searched.
 */
export async function kustomizationsIncluding(root: string, component: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !isKustomizationFileName(entry.name)) continue
    const dir = path.relative(root, entry.parentPath).split(path.sep).join('/')
    if (dir.split('/').some(part => part === '.git' || part === 'node_modules')) continue
    let kustomization: unknown
    try {
      kustomization = parse(await readFile(path.join(entry.parentPath, entry.name), 'utf8'))
    } catch {
      continue // not this search's business: the render of that overlay reports it
    }
    if (!isObject(kustomization)) continue
    const includes = list(kustomization.components).some(
      ref =>
        typeof ref === 'string' &&
        path.posix.normalize(path.posix.join(dir || '.', ref)).replace(/\/$/, '') ===
          (component || '.')
    )
    if (includes) found.push(dir)
  }
  return [...new Set(found)].sort()
}
