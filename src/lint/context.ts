/**
 * What every lint rule shares: the state of the file being linted (where
 * findings go, the policy, the per-document caches) and the YAML node helpers
 * that read a document as Kubernetes would: aliases resolved, `<<` merged.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import type { TagPolicy } from '../policy/index.js'
import { parseReference, type ImageReference } from '../reference/index.js'
import type { Finding } from './finding.js'

/** One map entry, as `entries` returns it. */
export interface Entry {
  readonly key: Node
  /** The value with aliases resolved; undefined for a missing or broken alias. */
  readonly value: Node | undefined
}

/** One file's lint: where findings go, and what is cached per document. */
export interface Context {
  readonly file: string
  /** The file's text (BOM removed), for values embedded in a string (embedded.ts). */
  readonly source: string
  readonly lines: LineCounter
  readonly policy: TagPolicy
  /** See LintOptions.pinnedByOverlays. */
  readonly pinnedByOverlays: (
    file: string,
    image: string
  ) => { readonly pinned: boolean; readonly keptBy?: string }
  readonly found: Map<string, Finding>
  doc: Document.Parsed
  /** Nodes already walked (per image context), so aliases cost nothing and cannot loop. */
  seen: { plain: Set<Node>; image: Set<Node> }
  entries: Map<Node, Map<string, Entry>>
}

/** A finding before it has a place. */
export type Report = Omit<Finding, 'file' | 'line' | 'column'>

/** A finding at `node`'s first character. */
export function report(context: Context, node: Node, finding: Report): void {
  const { line, col } = context.lines.linePos(node.range?.[0] ?? 0)
  add(context, line, col, finding)
}

/** One finding per place and problem: an anchored value reached through aliases counts once. */
export function add(context: Context, line: number, column: number, finding: Report): void {
  const key = `${line}:${column}:${finding.problem}:${finding.message}`
  if (!context.found.has(key))
    context.found.set(key, { file: context.file, line, column, ...finding })
}

export function resolve(context: Context, node: unknown): Node | undefined {
  if (isAlias(node)) return node.resolve(context.doc) as Node | undefined
  return node === null || node === undefined ? undefined : (node as Node)
}

/**
 * A map's entries by key, aliases resolved and `<<` merge keys applied:
 * explicit keys win over merged ones, earlier merged maps over later ones.
 * Memoized per document, which also stops an alias cycle (`&a {<<: *a}`).
 */
export function entries(context: Context, map: Node): Map<string, Entry> {
  const cached = context.entries.get(map)
  if (cached) return cached
  const result = new Map<string, Entry>()
  context.entries.set(map, result)
  if (!isMap(map)) return result
  const merged: Map<string, Entry>[] = []
  for (const pair of map.items) {
    const key = scalarText(pair.key)
    if (typeof key !== 'string' || !isScalar(pair.key)) continue
    const value = resolve(context, pair.value)
    if (key === '<<' && pair.key.type === 'PLAIN' && value !== undefined) {
      const sources = isSeq(value) ? value.items.map(i => resolve(context, i)) : [value]
      for (const source of sources) if (source !== undefined) merged.push(entries(context, source))
    } else if (!result.has(key)) {
      result.set(key, { key: pair.key, value })
    }
  }
  for (const fields of merged) {
    for (const [key, entry] of fields) if (!result.has(key)) result.set(key, entry)
  }
  return result
}

export function follow(
  context: Context,
  start: Map<string, Entry> | undefined,
  path: readonly string[]
): Map<string, Entry> | undefined {
  let current = start
  for (const key of path) {
    const next = current?.get(key)?.value
    if (!isMap(next)) return undefined
    current = entries(context, next)
  }
  return current
}

/**
 * A scalar's text as written: `1.20` stays "1.20" (the parser reads a float),
 * null for an empty value, undefined for anything that is not a scalar.
 */
export function scalarText(node: unknown): string | null | undefined {
  if (!isScalar(node)) return undefined
  if (node.value === null || node.value === undefined) return null
  if (typeof node.value === 'string') return node.value
  return node.source ?? String(node.value)
}

export function nonEmpty(text: string | null | undefined): string | undefined {
  return typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined
}

/** Helm/Go templates and `${VAR}` substitutions are filled in later: not ours to judge. */
export function isTemplate(text: string | undefined): boolean {
  return text !== undefined && (text.includes('{{') || text.includes('${'))
}

export function tryParse(text: string): ImageReference | undefined {
  try {
    return parseReference(text)
  } catch {
    return undefined // not a reference (a name, a placeholder): nothing to pin
  }
}
