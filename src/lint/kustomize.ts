/**
 * Kustomize `images:` entries (kustomization files, Flux Kustomizations) and
 * Argo CD's `kustomize.images` strings: where an overlay sets the tag a base
 * would otherwise use.
 */
import { isMap, isSeq, type Node } from 'yaml'
import { isKustomizationFileName } from '../repo/index.js'
import { formatReference } from '../reference/index.js'
import {
  entries,
  isTemplate,
  nonEmpty,
  report,
  resolve,
  scalarText,
  tryParse,
  type Context
} from './context.js'
import { checkTagged } from './verdicts.js'

export function isKustomizationFile(file: string): boolean {
  return isKustomizationFileName(file.slice(file.lastIndexOf('/') + 1))
}

export function lintKustomizeImages(context: Context, images: Node | undefined): void {
  if (!isSeq(images)) return
  for (const item of images.items) {
    const entry = resolve(context, item)
    if (!isMap(entry)) continue
    const fields = entries(context, entry)
    const name = fields.get('name')
    const newName = fields.get('newName')
    const newTag = fields.get('newTag')
    const repository = nonEmpty(scalarText(newName?.value)) ?? nonEmpty(scalarText(name?.value))
    const tag = nonEmpty(scalarText(newTag?.value))
    if (repository === undefined || isTemplate(repository) || isTemplate(tag)) continue
    if (nonEmpty(scalarText(fields.get('digest')?.value)) !== undefined) continue // pinned
    if (tag === undefined) {
      const at = name?.value ?? newName?.value ?? entry
      report(context, at, {
        severity: 'warning',
        kind: 'kustomize',
        image: repository,
        problem: 'no-tag',
        message: "no newTag or digest: the base's tag is used",
        suggestion: 'run promote-image to set newTag and digest, so this overlay pins its own build'
      })
      continue
    }
    const ref = tryParse(`${repository}:${tag}`)
    if (ref) checkTagged(context, newTag!.value!, 'kustomize', ref)
  }
}

/** Argo CD Application `kustomize.images`: `[name=]newName[:tag][@digest]` strings. */
export function lintArgoKustomizeImages(context: Context, images: Node | undefined): void {
  if (!isSeq(images)) return
  for (const item of images.items) {
    const node = resolve(context, item)
    const text = scalarText(node)
    if (node === undefined || typeof text !== 'string' || isTemplate(text)) continue
    const ref = tryParse(text.slice(text.indexOf('=') + 1))
    if (!ref || ref.digest !== undefined) continue
    if (ref.tag === undefined) {
      report(context, node, {
        severity: 'warning',
        kind: 'kustomize',
        image: formatReference(ref),
        problem: 'no-tag',
        message: "no tag or digest: the base's tag is used",
        suggestion: 'run promote-image to pin a tag and digest'
      })
    } else {
      checkTagged(context, node, 'kustomize', ref)
    }
  }
}
