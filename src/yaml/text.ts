/**
 * Source-level YAML surgery: find nodes with the `yaml` library, then change
 * the text only inside the byte ranges of the target scalars. Nothing is ever
 * re-serialized, so comments, blank lines, quoting, flow style, block
 * scalars, CRLF, a BOM and document markers survive by construction.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap
} from 'yaml'
import { EditError } from '../errors.js'
export interface ParsedYaml {
  readonly text: string
  readonly file: string
  readonly documents: readonly Document.Parsed[]
  readonly lines: LineCounter
  /** The file's line ending, kept for inserted lines. */
  readonly eol: '\n' | '\r\n'
}

/**
 * The largest file promote-image parses, edits or lints: larger files are
 * generated or vendored, not hand-written config, and parsing them costs
 * seconds. One limit for every entry point (lint skips, edits refuse).
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024

/** `3145728` → `3.0 MiB`. */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`
}

/** Throws EditError when `text` is over MAX_FILE_BYTES. */
export function assertEditableSize(text: string, file: string): void {
  // One UTF-16 unit is at most 3 UTF-8 bytes: short texts need no byte count.
  if (text.length * 3 <= MAX_FILE_BYTES) return
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes <= MAX_FILE_BYTES) return
  throw new EditError(
    `${file} is ${formatMiB(bytes)}, larger than the ${formatMiB(MAX_FILE_BYTES)} promote-image edits; nothing was written.`,
    {
      subject: file,
      hint: `Keep the image values in a smaller file (Helm takes several values files; a kustomization can be split), or point the target at one under ${formatMiB(MAX_FILE_BYTES)}.`
    }
  )
}

/**
 * Parses every document of a file to edit, refusing (EditError) one over
 * MAX_FILE_BYTES, invalid YAML and duplicate keys. `checkSize: false` is for
 * re-parsing an edit's own result, which may have grown a few bytes.
 */
export function parseYaml(
  text: string,
  file: string,
  options: { readonly checkSize?: boolean } = {}
): ParsedYaml {
  if (options.checkSize ?? true) assertEditableSize(text, file)
  const lines = new LineCounter()
  // uniqueKeys is quadratic per map in the yaml library (20,000 keys take
  // seconds); duplicateKeyOffset finds the same duplicates in linear time.
  const documents = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: false,
    prettyErrors: false
  })
  const list = Array.isArray(documents) ? documents : []
  for (const doc of list) {
    const problem = firstYamlProblem(doc)
    if (problem) {
      const { line, col } = lines.linePos(problem.offset)
      throw new EditError(`${file}:${line}:${col}: not valid YAML: ${firstLine(problem.message)}`, {
        subject: `${file}:${line}`,
        hint: 'Fix the file first; promote-image never rewrites a file it cannot parse.'
      })
    }
  }
  return { text, file, documents: list, lines, eol: text.includes('\r\n') ? '\r\n' : '\n' }
}

/**
 * The first problem of a document parsed with `uniqueKeys: false`: a syntax
 * error, a duplicate key (see duplicateKeyOffset) or an alias without an
 * anchor before it (the library parses those, then throws on toJS),
 * whichever comes first in the text.
 */
export function firstYamlProblem(
  doc: Document.Parsed
): { readonly offset: number; readonly message: string } | undefined {
  const error = doc.errors[0]
  const duplicate = duplicateKeyOffset(doc)
  const problems = [
    error && { offset: error.pos[0], message: error.message },
    duplicate === undefined ? undefined : { offset: duplicate, message: DUPLICATE_KEY_MESSAGE },
    unresolvedAlias(doc)
  ].filter(p => p !== undefined)
  return problems.sort((a, b) => a.offset - b.offset)[0]
}

/** The first alias whose anchor is not defined before it, as the library resolves them. */
function unresolvedAlias(doc: Document.Parsed): { offset: number; message: string } | undefined {
  const anchors = new Set<string>()
  let found: { offset: number; message: string } | undefined
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          found = {
            offset: node.range?.[0] ?? 0,
            message: `Unresolved alias *${node.source} (the anchor must be set before the alias)`
          }
          return visit.BREAK
        }
      } else if (node.anchor) {
        anchors.add(node.anchor)
      }
      return undefined
    }
  })
  return found
}

/** The yaml library's words for a duplicate key, kept so messages do not change. */
export const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique'

/**
 * The offset of the first key that repeats an earlier scalar key of its map
 * (what the yaml library's `uniqueKeys: true` reports as "Map keys must be
 * unique", with the same equality: scalars with the same value), or
 * undefined.
 */
export function duplicateKeyOffset(doc: Document.Parsed): number | undefined {
  const offsets = duplicateKeyOffsets(doc)
  return offsets.length > 0 ? Math.min(...offsets) : undefined
}

/**
 * The offsets of every key that repeats an earlier scalar key of its map. One Set per map:
 * linear in the size of the document, where the library's `uniqueKeys` is quadratic per map.
 */
export function duplicateKeyOffsets(doc: Document.Parsed): number[] {
  const offsets: number[] = []
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        const key = pair.key
        if (!isScalar(key)) continue
        // NaN never equals itself (as in the library's === comparison).
        if (typeof key.value === 'number' && Number.isNaN(key.value)) continue
        const at = key.range?.[0]
        if (seen.has(key.value) && at !== undefined) offsets.push(at)
        seen.add(key.value)
      }
    }
  })
  return offsets
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

export function lineOf(parsed: ParsedYaml, offset: number): number {
  return parsed.lines.linePos(offset).line
}

/** One replacement of `text.slice(start, end)`. */
export interface TextEdit {
  readonly start: number
  readonly end: number
  readonly replacement: string
}

/** Applies non-overlapping edits, last first so earlier offsets stay valid. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start)
  let out = text
  for (let i = 0; i < sorted.length; i++) {
    const edit = sorted[i]!
    if (i > 0 && edit.end > sorted[i - 1]!.start) throw new Error('overlapping YAML edits')
    out = out.slice(0, edit.start) + edit.replacement + out.slice(edit.end)
  }
  return out
}

/** A pair of a map whose key is the plain string `key`. */
export function findPair(map: YAMLMap, key: string): Pair<Scalar, unknown> | undefined {
  return map.items.find((p): p is Pair<Scalar, unknown> => isScalar(p.key) && p.key.value === key)
}

/** The string value of a map key, if it is a plain string scalar. */
export function stringAt(map: YAMLMap, key: string): string | undefined {
  const value = findPair(map, key)?.value
  return isScalar(value) && typeof value.value === 'string' ? value.value : undefined
}

/**
 * The scalar a target key holds, refusing what cannot be edited in place:
 * an alias (the value lives elsewhere) or an anchor other keys reuse (the
 * edit would silently change them too).
 */
export function editableScalar(
  parsed: ParsedYaml,
  doc: Document.Parsed,
  node: unknown,
  where: string
): Scalar {
  if (isAlias(node)) {
    const line = lineOf(parsed, node.range![0])
    throw new EditError(
      `${parsed.file}:${line}: ${where} is an alias (*${node.source}); editing it would change the anchored value for every key that uses it.`,
      {
        subject: `${parsed.file}:${line}`,
        hint: `Write the value directly at ${where} instead of *${node.source}.`
      }
    )
  }
  if (!isScalar(node) || !node.range) {
    throw new EditError(`${parsed.file}: ${where} is not a single value.`, {
      hint: 'Point the target at a key holding a tag, digest or image reference.'
    })
  }
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const line = lineOf(parsed, node.range[0])
    throw new EditError(
      `${parsed.file}:${line}: ${where} is a block scalar; refusing to rewrite it.`,
      {
        subject: `${parsed.file}:${line}`
      }
    )
  }
  if (node.anchor && aliasCount(doc, node.anchor) > 0) {
    const line = lineOf(parsed, node.range[0])
    throw new EditError(
      `${parsed.file}:${line}: ${where} carries the anchor &${node.anchor}, which other keys reuse; editing it would change them too.`,
      {
        subject: `${parsed.file}:${line}`,
        hint: `Give ${where} its own value, or point the target at the keys that use *${node.anchor}.`
      }
    )
  }
  return node
}

function aliasCount(doc: Document.Parsed, anchor: string): number {
  let count = 0
  visit(doc, {
    Alias(_key, node) {
      if (node.source === anchor) count++
    }
  })
  return count
}

/** Would `value` read back as this exact string if written plain, in YAML 1.1 and 1.2? */
function plainIsSafe(value: string): boolean {
  if (value === '' || /^[\s\-?:,[\]{}#&*!|>'"%@`]|[\s:]$|: | #|[\r\n\t]/.test(value)) return false
  // YAML 1.1 resolvers (kustomize's, Helm's) turn these into numbers, booleans or null.
  if (
    /^(?:[-+]?(?:\.\d+|\d[\d_]*(?:\.[\d_]*)?)(?:[eE][-+]?\d+)?|[-+]?0x[\da-fA-F_]+|[-+]?0o?[0-7_]+|[-+]?0b[01_]+|[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(
      value
    )
  ) {
    return false
  }
  return !/^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/.test(
    value
  )
}

/** `value` written in the style of `like`: plain stays plain unless ambiguous. */
export function formatScalar(value: string, like?: Scalar): string {
  const style = like?.type
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`
  if (style === 'QUOTE_DOUBLE' || !plainIsSafe(value)) return JSON.stringify(value)
  return value
}

/** Replaces a scalar's source text, keeping its quoting style. */
export function replaceScalar(node: Scalar, value: string): TextEdit {
  const [start, end] = node.range!
  return { start, end, replacement: formatScalar(value, node) }
}

/**
 * Inserts `key: value` pairs as siblings right after the pair `after`, on
 * their own lines with the sibling's indentation; in flow maps as
 * `, key: value` before the closing brace.
 */
export function insertAfter(
  parsed: ParsedYaml,
  map: YAMLMap,
  after: Pair<Scalar, unknown>,
  entries: readonly (readonly [string, string])[]
): TextEdit {
  const rendered = entries.map(([key, value]) => `${key}: ${formatScalar(value)}`)
  if (map.flow) {
    // Flow maps get new keys at the end, before the closing brace.
    const last = endOfValue(map.items[map.items.length - 1] as Pair<Scalar, unknown>)
    return { start: last, end: last, replacement: rendered.map(r => `, ${r}`).join('') }
  }
  const valueEnd = endOfValue(after)
  const indent = ' '.repeat(columnOf(parsed.text, after.key.range![0]))
  return insertLines(
    parsed,
    valueEnd,
    rendered.map(r => `${indent}${r}`)
  )
}

/** Inserts whole lines after the line holding `offset`, in the file's line ending. */
export function insertLines(
  parsed: ParsedYaml,
  offset: number,
  lines: readonly string[]
): TextEdit {
  const { text, eol } = parsed
  const newline = text.indexOf('\n', offset)
  if (newline === -1) {
    // The file has no final newline: keep it that way.
    return {
      start: text.length,
      end: text.length,
      replacement: lines.map(l => `${eol}${l}`).join('')
    }
  }
  return {
    start: newline + 1,
    end: newline + 1,
    replacement: lines.map(l => `${l}${eol}`).join('')
  }
}

export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1)
}

/** Removes a pair: its whole line in block maps, `, key: value` in flow maps. */
export function removePair(
  parsed: ParsedYaml,
  map: YAMLMap,
  pair: Pair<Scalar, unknown>
): TextEdit {
  const index = map.items.indexOf(pair)
  if (map.flow) {
    const previous = map.items[index - 1] as Pair<Scalar, unknown> | undefined
    if (previous) return { start: endOfValue(previous), end: endOfValue(pair), replacement: '' }
    const next = map.items[index + 1] as Pair<Scalar, unknown> | undefined
    return {
      start: pair.key.range![0],
      end: next ? next.key.range![0] : endOfValue(pair),
      replacement: ''
    }
  }
  const { text } = parsed
  const lineStart = text.lastIndexOf('\n', pair.key.range![0] - 1) + 1
  const newline = text.indexOf('\n', endOfValue(pair))
  const before = text.slice(lineStart, pair.key.range![0])
  if (before.trim() !== '') {
    // The key shares its line with a sequence dash (`- digest: …`); keep the
    // dash only if other keys follow — otherwise the entry would change shape.
    throw new EditError(
      `${parsed.file}:${lineOf(parsed, pair.key.range![0])}: cannot remove ${String(pair.key.value)} from the first line of an entry.`
    )
  }
  return { start: lineStart, end: newline === -1 ? text.length : newline + 1, replacement: '' }
}

export function endOfValue(pair: Pair<Scalar, unknown>): number {
  const value = pair.value as Node | null
  return value?.range ? value.range[1] : pair.key.range![1]
}

/** The node at `path` in `doc`, or undefined; aliases along the way are followed only at the end. */
export function nodeAt(doc: Document.Parsed, path: readonly (string | number)[]): unknown {
  let node: unknown = doc.contents
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!isSeq(node)) return undefined
      node = node.items[segment]
    } else {
      if (!isMap(node)) return undefined
      node = findPair(node, segment)?.value
    }
    if (node === undefined || node === null) return undefined
  }
  return node
}
