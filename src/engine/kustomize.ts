/**
 * Kustomize targets in the edit stage: which images: entries to pin (as kustomize applies them)
 * and the render proof of the overlays that deploy them.
 */
import { posix } from 'node:path'
import type { FileEdit, RenderReport, ResolvedImage } from '../model.js'
import { ACTION_NAMES, EditError, RenderError } from '../errors.js'
import {
  editKustomization,
  MissingImageEntryError,
  isKustomizeComponent,
  withoutImageEntries,
  type EditOutcome,
  type PinRequest
} from '../edit/index.js'
import type { Logger } from '../log/logger.js'
import { canonicalRepository } from '../reference/index.js'
import {
  findRenderer,
  fsTreeReader,
  kustomizationsIncluding,
  overlayInputs,
  renderManyBeforeAfter,
  verifyRender
} from '../render/index.js'
import type { EditRequest } from './edit.js'

/**
 * Pins the overlay's entries for the image, as kustomize reads them: only entries kustomize
 * applies to the images the overlay's resources spell (render/ overlayInputs, read without a
 * renderer), and an overlay without one gets an entry per spelling, as `kustomize edit set
 * image` would. When those images cannot be read statically (remote bases, Helm charts, plugins),
 * a render tells them; with no renderer either, nothing is written unless verify-render is
 * false, because an entry kustomize never applies is a deploy that changes nothing.
 */
export async function editOverlay(
  request: EditRequest,
  file: string,
  text: string,
  pin: PinRequest,
  changed: ReadonlyMap<string, string>,
  logger: Logger
): Promise<{ outcome: EditOutcome; deployers: string[] }> {
  // The editor's own refusals (bad YAML, aliases, shared anchors) come before any reading or
  // rendering; an overlay without an entry yet is fine here.
  try {
    editKustomization(text, file, pin)
  } catch (error) {
    if (!(error instanceof MissingImageEntryError)) throw error
  }
  const dir = posix.dirname(file)
  // A Component renders nothing alone: the kustomizations that include it deploy its entries,
  // so they are what its entries act on and what the render proof builds.
  const component = isKustomizeComponent(text)
  const deployers = component ? await kustomizationsIncluding(request.repoRoot, dir) : [dir]
  if (deployers.length === 0) {
    throw new EditError(
      `${file} is a kustomize Component, and no kustomization in the repository lists ${dir} in components:, so nothing would deploy the promotion.`,
      {
        subject: file,
        hint: 'Target the overlay that includes the component, or add the component to one.'
      }
    )
  }
  // What the deployers build with this file's entries taken out: rendered, never written.
  let withoutEntries: Map<string, string> | undefined
  const without = (): Map<string, string> =>
    (withoutEntries ??= new Map([...changed, [file, withoutImageEntries(text, file)]]))
  const tree = fsTreeReader(request.repoRoot)
  const read = await Promise.all(
    deployers.map(d => overlayInputs(tree, d, component ? without() : changed))
  )
  const unknown = read.find(inputs => 'unknown' in inputs)
  if (unknown === undefined) {
    const inputs = read.flatMap(r => ('images' in r ? r.images : []))
    return { outcome: editKustomization(text, file, pin, { inputs }), deployers }
  }
  const why = 'unknown' in unknown ? unknown.unknown : ''

  const renderer = await findRenderer('kustomize', request.env)
  if ('unavailable' in renderer) {
    if (request.verifyRender !== 'false') {
      const names = request.names ?? ACTION_NAMES
      throw new RenderError(
        `${file}: cannot tell which images kustomize's images: entries reach, because ${why}, and no renderer is available (${renderer.unavailable}).`,
        {
          subject: file,
          hint: `Install kustomize or kubectl on the runner so promote-image can render the overlay, or set ${names.set('verify-render', 'false')} to write the entry unchecked.`
        }
      )
    }
    logger.warning(
      `${file}: writing the images: entry unchecked (verify-render false): ${why}, so promote-image cannot tell whether kustomize applies it.`
    )
    return { outcome: editKustomization(text, file, pin), deployers }
  }
  // What the entries act on: the deploying overlays rendered without them.
  const rendered = await renderManyBeforeAfter(renderer, request.repoRoot, deployers, without())
  const inputs = rendered.flatMap(r => r.after.map(i => i.image))
  return { outcome: editKustomization(text, file, pin, { inputs }), deployers }
}

export async function proveOverlays(
  request: EditRequest,
  files: readonly FileEdit[],
  dirs: ReadonlyMap<string, ReadonlySet<ResolvedImage>>,
  logger: Logger
): Promise<RenderReport[]> {
  if (request.verifyRender === 'false' || files.length === 0) return []
  const changed = new Map(files.map(f => [f.file, f.after]))
  const proved = [...dirs].filter(([, images]) =>
    [...images].some(image => files.some(f => f.changes.some(c => c.image === image.input)))
  )
  if (proved.length === 0) return []
  const renderer = await findRenderer('kustomize', request.env)
  if ('unavailable' in renderer) {
    if (request.verifyRender === 'true') {
      const names = request.names ?? ACTION_NAMES
      throw new RenderError(
        `${names.name('verify-render')} is true, but no Kustomize renderer is available: ${renderer.unavailable}.`,
        {
          hint: `Install kustomize or kubectl on the runner, or set ${names.set('verify-render', 'auto')}.`
        }
      )
    }
    for (const [dir] of proved)
      logger.info(`Render proof skipped for ${dir}: ${renderer.unavailable}.`)
    return []
  }
  const renders = await renderManyBeforeAfter(
    renderer,
    request.repoRoot,
    proved.map(([dir]) => dir),
    changed
  )
  const reports: RenderReport[] = []
  for (const [i, [dir, images]] of proved.entries()) {
    const { before, after, text } = renders[i]!
    for (const image of images) {
      const verdict = verifyRender(
        before,
        after,
        canonicalRepository(image.reference),
        image.pinned,
        dir
      )
      reports.push({
        target: dir,
        image: image.input,
        ok: verdict.ok,
        message: verdict.message,
        ...(text && { rendered: text })
      })
      if (!verdict.ok) throw new RenderError(verdict.message, { subject: dir, hint: renderHint })
      logger.info(`${dir}: ${verdict.message}`)
    }
  }
  return reports
}

const renderHint =
  'Make the overlay deploy the image (its images: name must match the container image name in the base), then promote again.'
