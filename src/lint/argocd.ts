/**
 * Argo CD Application `spec.source.helm.parameters`: `--set`-style
 * `{name, value}` pairs. A `…tag` parameter is the tag of the image whose
 * `…repository` sits beside it (same prefix); an `…image` parameter is a
 * whole reference. Parameters override the values files (Argo CD passes them
 * to `helm template` as --set), so they are what runs.
 */
import { isMap, isSeq, type Node } from 'yaml'
import {
  entries,
  isTemplate,
  nonEmpty,
  resolve,
  scalarText,
  tryParse,
  type Context
} from './context.js'
import { checkReference, checkTagged } from './verdicts.js'

interface Parameter {
  readonly name: string
  readonly value: string
  readonly node: Node
}

export function lintArgoHelmParameters(context: Context, list: Node | undefined): void {
  if (!isSeq(list)) return
  const parameters: Parameter[] = []
  for (const item of list.items) {
    const parameter = resolve(context, item)
    if (!isMap(parameter)) continue
    const fields = entries(context, parameter)
    const name = nonEmpty(scalarText(fields.get('name')?.value))
    const node = fields.get('value')?.value
    const value = nonEmpty(scalarText(node))
    if (name === undefined || node === undefined || value === undefined || isTemplate(value))
      continue
    // `--set image.enabled=true`-style settings are not references.
    if (/^(true|false|null|\d+)$/i.test(value) && !name.endsWith('tag')) continue
    parameters.push({ name, value, node })
  }
  const byName = new Map(parameters.map(p => [p.name, p]))
  for (const { name, value, node } of parameters) {
    if (name === 'tag' || name.endsWith('.tag')) {
      const prefix = name.slice(0, -'tag'.length)
      const repository = byName.get(`${prefix}repository`)?.value
      const registry = byName.get(`${prefix}registry`)?.value
      if (byName.has(`${prefix}digest`) || [repository, registry].some(isTemplate)) continue
      // Without a repository parameter the chart's values name it; the prefix stands in.
      const repo = repository ?? (prefix.replace(/\.$/, '') || 'image')
      const ref = tryParse(`${registry ? `${registry}/` : ''}${repo}:${value}`)
      if (ref) checkTagged(context, node, 'helm', ref)
    } else if (name === 'image' || name.endsWith('.image') || name.endsWith('Image')) {
      const ref = tryParse(value)
      if (ref && ref.digest === undefined) checkReference(context, node, 'helm', ref)
    }
  }
}
