/**
 * Helm values written as a YAML string inside a manifest: Argo CD's
 * `spec.source.helm.values: |`. Parsed and walked as a values file; each
 * finding is moved to where its text sits in the manifest. Only literal block
 * scalars (`|`, `|-`, `|+`) keep lines and columns one to one; other string
 * styles are not read (their line breaks and escapes are rewritten).
 */
import { isScalar, LineCounter, parseAllDocuments, Scalar, type Document, type Node } from 'yaml'
import { firstYamlProblem } from '../yaml/index.js'
import { add, type Context } from './context.js'
import { walkHelmValues } from './helm.js'

export function lintEmbeddedValues(context: Context, node: Node | undefined): void {
  if (!isScalar(node) || node.type !== Scalar.BLOCK_LITERAL || typeof node.value !== 'string')
    return
  if (node.range === undefined || node.range === null) return
  // The content starts on the line after the `|` header; its indentation is that of the
  // first non-blank content line (YAML's own rule for an implicit indentation indicator).
  const headerEnd = context.source.indexOf('\n', node.range[0])
  if (headerEnd === -1) return
  const firstLine = context.lines.linePos(headerEnd + 1).line
  const indent = /^(?:[ ]*\r?\n)*([ ]*)/.exec(context.source.slice(headerEnd + 1))![1]!.length
  const lines = new LineCounter()
  const inner: Context = {
    ...context,
    source: node.value,
    lines,
    found: new Map(),
    seen: { plain: new Set(), image: new Set() },
    entries: new Map()
  }
  const docs = parseAllDocuments(node.value, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false
  })
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (firstYamlProblem(doc)) continue // Argo CD would fail to render: not ours to report here
    inner.doc = doc as Document.Parsed
    inner.seen = { plain: new Set(), image: new Set() }
    inner.entries = new Map()
    if (doc.contents) walkHelmValues(inner, doc.contents, false)
  }
  for (const finding of inner.found.values()) {
    const { line, column, file: _file, ...rest } = finding
    add(context, firstLine + line - 1, indent + column, rest)
  }
}
