/**
 * Helm values files: no schema says where images are, so the walk looks for
 * the conventions charts use (`image: {repository, tag}`, `image: repo:tag`,
 * `…Image:`).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml'
import { formatReference } from '../reference/index.js'
import {
  entries,
  isTemplate,
  nonEmpty,
  report,
  resolve,
  scalarText,
  tryParse,
  type Context,
  type Entry
} from './context.js'
import { checkReference, checkTagged } from './verdicts.js'

/**
 * Walks a values file. Under any key naming an image, a map with
 * `repository` is an image; anywhere, a string under `image` or `…Image` is
 * a whole reference.
 */
export function walkHelmValues(context: Context, node: unknown, imageContext: boolean): void {
  const target = resolve(context, node)
  if (target === undefined) return
  const seen = imageContext ? context.seen.image : context.seen.plain
  if (seen.has(target)) return
  seen.add(target)
  if (isSeq(target)) {
    for (const item of target.items) walkHelmValues(context, item, imageContext)
  } else if (isMap(target)) {
    const fields = entries(context, target)
    if (imageContext && fields.has('repository')) lintHelmImageMap(context, fields)
    for (const [key, { value }] of fields) {
      if (isScalar(value)) {
        // Only strings: `allowCustomImage: true` or `image: 42` is a setting, not a reference.
        if ((key === 'image' || key.endsWith('Image')) && typeof value.value === 'string')
          lintHelmImageString(context, value)
      } else {
        walkHelmValues(context, value, imageContext || /image/i.test(key))
      }
    }
  }
}

function lintHelmImageMap(context: Context, fields: Map<string, Entry>): void {
  const repository = fields.get('repository')!
  const tagEntry = fields.get('tag')
  const registry = nonEmpty(scalarText(fields.get('registry')?.value))
  const name = nonEmpty(scalarText(repository.value))
  const tag = nonEmpty(scalarText(tagEntry?.value))
  const digest = nonEmpty(scalarText(fields.get('digest')?.value))
  if (name === undefined || [registry, name, tag, digest].some(isTemplate)) return
  const ref = tryParse(
    `${registry ? `${registry}/` : ''}${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`
  )
  if (!ref || ref.digest !== undefined) return
  if (ref.tag === undefined) {
    // `tag: ""` (or none) makes most charts fall back to .Chart.AppVersion.
    const value = tagEntry?.value
    const at = isScalar(value) && value.value === '' ? value : (tagEntry?.key ?? repository.value)
    report(context, at ?? repository.key, {
      severity: 'warning',
      kind: 'helm',
      image: formatReference(ref),
      problem: 'empty-tag',
      message: `${tagEntry ? 'empty tag' : 'no tag'}: the chart's appVersion is used; pin it`,
      suggestion: 'run promote-image to set tag and digest to the build you mean to run'
    })
    return
  }
  checkTagged(context, tag !== undefined ? tagEntry!.value! : repository.value!, 'helm', ref)
}

function lintHelmImageString(context: Context, node: Node): void {
  const text = scalarText(node)
  if (typeof text !== 'string' || text === '' || isTemplate(text)) return
  const ref = tryParse(text)
  if (ref && ref.digest === undefined) checkReference(context, node, 'helm', ref)
}
