import { isKustomizationFileName } from '../repo/index.js'
import { createHash, type Hash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import pLimit from 'p-limit'
import { stringify } from 'yaml'
import { RenderError } from '../errors.js'
import { extractImages, extractImagesByAnnotation, type RenderedImage } from './images.js'
import { RenderCommandError, type Renderer, type RendererKind } from './renderers.js'
import {
  applyChanges,
  assertInsideRepository,
  copyRepository,
  renderClosure,
  repoRelative
} from './workspace.js'

export interface BeforeAfter {
  readonly before: RenderedImage[]
  readonly after: RenderedImage[]
  /**
   * How the edited tree was built: 'closure' copied only what the target reads, 'full' the
   * whole repository (when the closure could not be told, or rendering it failed).
   */
  readonly copy: 'closure' | 'full'
  /**
   * The rendered manifests as text, before and after, for the pull request's rendered diff;
   * absent when the targets were built together in one run (their output is shared).
   */
  readonly text?: { readonly before: string; readonly after: string }
}

type Side = 'before' | 'after' | 'current'

/**
 * Renders `targetDir` (repo-relative) as the working tree of `repoRoot` has it, and as it
 * would be with `changes` (repo-relative path → new text) applied, without touching repoRoot:
 * the edit is applied to a copy in a fresh temporary directory, removed afterwards.
 */
export async function renderBeforeAfter(
  renderer: Renderer,
  repoRoot: string,
  targetDir: string,
  changes: ReadonlyMap<string, string>
): Promise<BeforeAfter> {
  const [proof] = await renderManyBeforeAfter(renderer, repoRoot, [targetDir], changes)
  return proof!
}

/**
 * renderBeforeAfter for several targets under one edit, in order. Kustomize builds them all in
 * one run per side (see renderTogether): a run costs about the same for one overlay as for fifty,
 * and fifty overlays are what a fleet promotion edits. Targets it cannot build together render
 * one by one, side by side, and report their own errors.
 */
export async function renderManyBeforeAfter(
  renderer: Renderer,
  repoRoot: string,
  targetDirs: readonly string[],
  changes: ReadonlyMap<string, string>
): Promise<BeforeAfter[]> {
  const root = await realRoot(repoRoot)
  const targets = targetDirs.map(dir => repoRelative(dir, 'render target'))
  const edits = new Map<string, string>()
  for (const [file, text] of changes) {
    const rel = repoRelative(file, 'changed file')
    if (rel === '') throw new RenderError('The repository root is not a file.', { subject: file })
    await assertInsideRepository(root, rel)
    edits.set(rel, text)
  }

  const kind = kindOf(renderer)
  let cache = proofs.get(renderer)
  if (!cache) proofs.set(renderer, (cache = new Map()))
  const proofsByTarget = new Map<string, Promise<BeforeAfter>>()
  const pending: Array<{ target: string; key?: string; closure?: readonly string[] }> = []
  const unique = [...new Set(targets)]
  const inspected = await Promise.all(unique.map(target => inspect(kind, root, target, edits)))
  for (const [i, target] of unique.entries()) {
    const { key, closure } = inspected[i]!
    const cached = key === undefined ? undefined : cache.get(key)
    if (cached) proofsByTarget.set(target, cached)
    else pending.push({ target, key, closure })
  }

  const together =
    kind === 'kustomize' && pending.length > 1
      ? renderTogether(renderer, root, pending, edits).catch(() => undefined)
      : Promise.resolve(undefined)
  const limit = pLimit(availableParallelism())
  for (const { target, key, closure } of pending) {
    const proof = together.then(
      rendered =>
        rendered?.get(target) ?? limit(() => renderBoth(renderer, root, target, edits, closure))
    )
    proofsByTarget.set(target, proof)
    if (key) {
      cache.set(key, proof)
      proof.catch(() => cache.delete(key))
    }
  }
  // Settled in order, so that the first failure reported does not depend on timing.
  for (const proof of proofsByTarget.values()) proof.catch(() => undefined)
  const results: BeforeAfter[] = []
  for (const target of targets) results.push(await proofsByTarget.get(target)!)
  return results
}

/**
 * Proofs by renderer and the exact bytes they read. A promotion that lost a
 * race re-applies its edit on the new head; when the winning commit touched
 * nothing this render reads, the proof stands and the renderer is not run again.
 */
const proofs = new WeakMap<Renderer, Map<string, Promise<BeforeAfter>>>()

/**
 * What rendering `target` after the edit reads (its closure; undefined when that cannot be
 * told), and a digest of the target, the edits and every byte read before and after.
 */
async function inspect(
  kind: RendererKind,
  root: string,
  target: string,
  edits: ReadonlyMap<string, string>
): Promise<{ key?: string; closure?: readonly string[] }> {
  const [before, after] = await Promise.all([
    renderClosure(kind, root, target, new Map()),
    renderClosure(kind, root, target, edits)
  ])
  if (!before || !after) return after ? { closure: after } : {}
  const hash = createHash('sha256').update(`${kind}\0${target}\0`)
  for (const [file, text] of [...edits].sort(([a], [b]) => a.localeCompare(b)))
    hash.update(`edit\0${file}\0${text}\0`)
  for (const rel of [...new Set([...before, ...after])].sort()) await hashPath(hash, root, rel)
  return { key: hash.digest('hex'), closure: after }
}

async function hashPath(hash: Hash, root: string, rel: string): Promise<void> {
  const full = path.join(root, rel)
  const info = await stat(full).catch(() => undefined)
  if (!info) hash.update(`missing\0${rel}\0`)
  else if (info.isDirectory()) {
    for (const name of (await readdir(full)).sort())
      await hashPath(hash, root, rel ? `${rel}/${name}` : name)
  } else
    hash
      .update(`file\0${rel}\0`)
      .update(await readFile(full))
      .update('\0')
}

/** Marks what each target renders in a combined build, to tell whose images are whose. */
const TARGET_ANNOTATION = 'promote-image.dev/render-target'

/**
 * Builds all targets in one kustomize run per side: a wrapper kustomization per target takes
 * the target as its only resource and marks everything it renders with TARGET_ANNOTATION, and
 * a top kustomization lists the wrappers. Images are then grouped by that mark. Undefined when
 * the targets cannot be built together (say two of them render a resource of the same kind,
 * name and namespace, which kustomize refuses): each then renders on its own.
 */
async function renderTogether(
  renderer: Renderer,
  root: string,
  targets: ReadonlyArray<{ target: string; closure?: readonly string[] }>,
  edits: ReadonlyMap<string, string>
): Promise<Map<string, BeforeAfter> | undefined> {
  const temp = await realpath(await mkdtemp(path.join(tmpdir(), 'promote-image-render-')))
  try {
    const copyRoot = path.join(temp, 'repo')
    const closures = targets.map(t => t.closure)
    const union = closures.every(closure => closure !== undefined)
      ? [...new Set(closures.flat())]
      : undefined
    await copyRepository(root, copyRoot, union)
    await applyChanges(copyRoot, edits)
    const dirs = targets.map(t => t.target)
    const [before, after] = await Promise.all([
      renderWrapped(renderer, path.join(temp, 'before'), root, dirs),
      renderWrapped(renderer, path.join(temp, 'after'), copyRoot, dirs)
    ])
    if (!before || !after) return undefined
    const copy = union ? 'closure' : 'full'
    return new Map(
      dirs.map((dir, i) => [
        dir,
        { before: before.get(String(i)) ?? [], after: after.get(String(i)) ?? [], copy }
      ])
    )
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

async function renderWrapped(
  renderer: Renderer,
  wrapRoot: string,
  tree: string,
  dirs: readonly string[]
): Promise<Map<string, RenderedImage[]> | undefined> {
  const wrappers: string[] = []
  for (const [i, dir] of dirs.entries()) {
    const wrapper = path.join(wrapRoot, String(i))
    let target = path.join(tree, dir)
    if (isKustomizationFileName(path.basename(target))) {
      if ((await stat(target).catch(() => undefined))?.isFile()) target = path.dirname(target)
    }
    await mkdir(wrapper, { recursive: true })
    // Relative: kustomize refuses absolute resource paths.
    const kustomization = {
      resources: [path.relative(wrapper, target)],
      commonAnnotations: { [TARGET_ANNOTATION]: String(i) }
    }
    await writeFile(path.join(wrapper, 'kustomization.yaml'), stringify(kustomization))
    wrappers.push(String(i))
  }
  await writeFile(path.join(wrapRoot, 'kustomization.yaml'), stringify({ resources: wrappers }))
  return extractImagesByAnnotation(await renderer.render(wrapRoot), TARGET_ANNOTATION)
}

/** `closure`: what the edited render reads (from inspect); undefined copies the whole repository. */
async function renderBoth(
  renderer: Renderer,
  root: string,
  target: string,
  edits: ReadonlyMap<string, string>,
  closure: readonly string[] | undefined
): Promise<BeforeAfter> {
  const before = renderSideText(renderer, root, root, target, 'before')
  // Settled without waiting: the after side decides on a fallback only once before is known.
  before.catch(() => undefined)
  let after: { rendered: RenderedSide; copy: BeforeAfter['copy'] }
  try {
    after = {
      rendered: await renderEdited(renderer, root, target, edits, closure),
      copy: closure ? 'closure' : 'full'
    }
  } catch (error) {
    const beforeRendered = await before.then(
      () => true,
      () => false
    )
    // A closure that missed a file fails to render: render the whole copy before believing it.
    if (!closure || !beforeRendered || !(errorCause(error) instanceof RenderCommandError)) {
      if (!beforeRendered) await before
      throw error
    }
    after = { rendered: await renderEdited(renderer, root, target, edits, undefined), copy: 'full' }
  }
  const was = await before
  return {
    before: was.images,
    after: after.rendered.images,
    copy: after.copy,
    text: { before: was.text, after: after.rendered.text }
  }
}

/** The images `targetDir` renders in the working tree of `repoRoot`, as it is now. */
export async function renderImages(
  renderer: Renderer,
  repoRoot: string,
  targetDir: string
): Promise<RenderedImage[]> {
  const root = await realRoot(repoRoot)
  const side = await renderSideText(
    renderer,
    root,
    root,
    repoRelative(targetDir, 'render target'),
    'current'
  )
  return side.images
}

async function renderEdited(
  renderer: Renderer,
  root: string,
  target: string,
  edits: ReadonlyMap<string, string>,
  closure: readonly string[] | undefined
): Promise<RenderedSide> {
  const temp = await realpath(await mkdtemp(path.join(tmpdir(), 'promote-image-render-')))
  try {
    // One level down, so that a relative path climbing out of the copy stays in our directory.
    const copyRoot = path.join(temp, 'repo')
    await copyRepository(root, copyRoot, closure)
    await applyChanges(copyRoot, edits)
    return await renderSideText(renderer, root, copyRoot, target, 'after')
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

/** One side's render: its images, and its text (paths in it as the repository names them). */
interface RenderedSide {
  readonly images: RenderedImage[]
  readonly text: string
}

async function renderSideText(
  renderer: Renderer,
  root: string,
  tree: string,
  target: string,
  side: Side
): Promise<RenderedSide> {
  const shown = target || '.'
  let output: string
  try {
    output = await renderer.render(path.join(tree, target))
  } catch (error) {
    if (!(error instanceof RenderError)) throw error
    const detail = relativize(error instanceof RenderCommandError ? error.output : error.message, [
      tree,
      root
    ])
    const tool = renderer.version ? `${renderer.name} ${renderer.version}` : renderer.name
    throw new RenderError(
      `${renderer.name} could not render ${shown} ${SIDE_WORDS[side]}:\n${indent(detail)}`,
      {
        hint:
          error.hint ??
          (side === 'after'
            ? `The edited files do not build, so nothing is committed. Check what the edit changed in ${shown} (rendered with ${tool}).`
            : `${shown} does not build in the config repository as it is; fix that first (run \`${renderer.name} ${shown}\` with ${tool}).`),
        subject: shown,
        cause: error
      }
    )
  }
  return { images: extractImages(output), text: output }
}

const SIDE_WORDS: Record<Side, string> = {
  before: 'before the edit',
  after: 'after the edit',
  current: 'as the repository has it'
}

function errorCause(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined
}

function kindOf(renderer: Renderer): RendererKind {
  return renderer.kind ?? (renderer.name === 'helm' ? 'helm' : 'kustomize')
}

async function realRoot(repoRoot: string): Promise<string> {
  try {
    return await realpath(repoRoot)
  } catch (error) {
    throw new RenderError(`The config repository ${repoRoot} cannot be read for rendering.`, {
      subject: repoRoot,
      cause: error
    })
  }
}

/** Renderer messages name absolute paths, some in our temporary copy: show repo paths. */
function relativize(text: string, roots: readonly string[]): string {
  let shown = text
  for (const root of roots) shown = shown.replaceAll(`${root}${path.sep}`, '').replaceAll(root, '.')
  return shown
}

function indent(text: string): string {
  return text
    .split('\n')
    .map(line => `  ${line}`)
    .join('\n')
}
