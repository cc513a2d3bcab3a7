/** The render proof of plain manifest targets. */
import type { FileEdit, RenderReport, ResolvedImage } from '../model.js'
import { RenderError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import { canonicalRepository } from '../reference/index.js'
import { extractImages, verifyRender } from '../render/index.js'
import type { EditRequest } from './edit.js'

/**
 * The render proof of manifest targets: the files are what Argo CD applies, so their
 * containers before and after the edit are the rendered ones (extractImages, verifyRender).
 */
export function proveManifests(
  request: EditRequest,
  files: readonly FileEdit[],
  targets: ReadonlyMap<string, { files: readonly string[]; images: ReadonlySet<ResolvedImage> }>,
  logger: Logger
): RenderReport[] {
  if (request.verifyRender === 'false' || files.length === 0) return []
  const edited = new Map(files.map(f => [f.file, f]))
  const reports: RenderReport[] = []
  for (const [path, target] of targets) {
    const texts = target.files.map(file => edited.get(file))
    if (texts.every(t => t === undefined)) continue
    const before = texts.flatMap(t => (t ? extractImages(t.before) : []))
    const after = texts.flatMap(t => (t ? extractImages(t.after) : []))
    for (const image of target.images) {
      if (!texts.some(t => t?.changes.some(c => c.image === image.input))) continue
      const verdict = verifyRender(
        before,
        after,
        canonicalRepository(image.reference),
        image.pinned,
        path
      )
      // The files are what Argo CD applies: their text is the rendered text.
      const rendered = {
        before: texts.flatMap(t => (t ? [t.before] : [])).join('\n---\n'),
        after: texts.flatMap(t => (t ? [t.after] : [])).join('\n---\n')
      }
      reports.push({
        target: path,
        image: image.input,
        ok: verdict.ok,
        message: verdict.message,
        rendered
      })
      if (!verdict.ok) {
        throw new RenderError(verdict.message, {
          subject: path,
          hint: 'The manifests changed in a way that does not deploy the promoted image; check the containers of the repository in them.'
        })
      }
      logger.info(`${path}: ${verdict.message}`)
    }
  }
  return reports
}
