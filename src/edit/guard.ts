import { isDeepStrictEqual } from 'node:util'
import { EditError } from '../errors.js'
import type { EditOutcome } from './types.js'
import type { ValueChange } from '../model.js'
import type { Document, Pair, Scalar, YAMLMap } from 'yaml'
import {
  applyEdits,
  editableScalar,
  findPair,
  insertAfter,
  lineOf,
  parseYaml,
  removePair,
  replaceScalar,
  type ParsedYaml,
  type TextEdit
} from '../yaml/index.js'

/** A value the edit meant to set (or, with `value: undefined`, remove). */
export interface IntendedChange {
  readonly document: number
  readonly path: readonly (string | number)[]
  readonly value: unknown
}

/**
 * Re-parses the edited text and checks that exactly the intended values
 * changed: every document, every other key and value equal to before. A
 * failure here means a bug in the surgery, so nothing may be written.
 */
export function verifyEdit(
  before: ParsedYaml,
  afterText: string,
  changes: readonly IntendedChange[]
): void {
  const after = parseYaml(afterText, before.file, { checkSize: false })
  const expected = before.documents.map(doc => plainData(doc, before.file))
  for (const change of changes) {
    expected[change.document] = withChange(expected[change.document], change.path, change.value)
  }
  const actual = after.documents.map(doc => plainData(doc, before.file))
  if (!isDeepStrictEqual(actual, expected)) {
    throw new EditError(
      `${before.file}: the edit would change more than the target values; nothing was written.`,
      { hint: 'This is a bug in promote-image: please report it with the file.' }
    )
  }
}

/**
 * As many aliases as the yaml library allows by default: enough for any
 * hand-written file, and a "billion laughs" file (nine levels of nine
 * aliases, 9^9 nodes expanded) is refused in milliseconds instead of hanging.
 */
export const MAX_ALIAS_COUNT = 100

/** The document as plain data, aliases expanded within MAX_ALIAS_COUNT. */
function plainData(doc: Document.Parsed, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown
  } catch (error) {
    if (!(error instanceof ReferenceError && /excessive alias count/i.test(error.message))) {
      throw error
    }
    throw new EditError(
      `${file}: too many aliases (more than ${MAX_ALIAS_COUNT} expansions of its anchors); refusing to edit a file that expands this much (a "billion laughs" file?). Nothing was written.`,
      {
        subject: file,
        hint: 'Write the repeated values out, or use fewer nested aliases (*name) in this file.'
      }
    )
  }
}

function withChange(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value
  const [head, ...rest] = path
  const container: Record<string | number, unknown> | unknown[] = Array.isArray(root)
    ? [...root]
    : { ...(root as Record<string, unknown>) }
  const next = withChange((container as Record<string | number, unknown>)[head!], rest, value)
  if (next === undefined && rest.length === 0 && !Array.isArray(container)) {
    delete (container as Record<string | number, unknown>)[head!]
  } else {
    ;(container as Record<string | number, unknown>)[head!] = next
  }
  return container
}

/** Applies the edits, proves them with verifyEdit, and reports the changes. */
export function applyVerified(
  parsed: ParsedYaml,
  edits: readonly TextEdit[],
  intended: readonly IntendedChange[],
  changes: readonly ValueChange[]
): EditOutcome {
  if (edits.length === 0) return { text: parsed.text, changes: [] }
  const text = applyEdits(parsed.text, edits)
  verifyEdit(parsed, text, intended)
  return { text, changes }
}

/**
 * The edits of one map in one document, with what they mean (for
 * verifyEdit) and the words for them (for reports): set, insert, remove.
 */
export class MapEdits {
  private readonly edits: TextEdit[] = []
  private readonly intended: IntendedChange[] = []
  private readonly changes: ValueChange[] = []

  constructor(
    private readonly parsed: ParsedYaml,
    private readonly document: number,
    private readonly map: YAMLMap,
    /** Where the map sits in the document, e.g. ['images', 0]. */
    private readonly path: readonly (string | number)[],
    /** How a key of the map is named in reports, e.g. `images[0].newTag`. */
    private readonly display: (key: string) => string
  ) {}

  /** Sets an existing key, keeping its quoting; the pair, or undefined when the key is absent. */
  set(key: string, value: string): Pair<Scalar, unknown> | undefined {
    const pair = findPair(this.map, key)
    if (!pair) return undefined
    const doc = this.parsed.documents[this.document]!
    const scalar = editableScalar(this.parsed, doc, pair.value, this.display(key))
    const old = scalar.value === null ? undefined : String(scalar.value)
    if (old !== value) {
      this.edits.push(replaceScalar(scalar, value))
      this.intended.push({ document: this.document, path: [...this.path, key], value })
      const line = lineOf(this.parsed, scalar.range![0])
      this.changes.push({ file: this.parsed.file, line, path: this.display(key), old, new: value })
    }
    return pair
  }

  /** Inserts keys after a sibling pair (see insertAfter). */
  insert(after: Pair<Scalar, unknown>, entries: readonly (readonly [string, string])[]): void {
    this.edits.push(insertAfter(this.parsed, this.map, after, entries))
    const line = lineOf(this.parsed, after.key.range![0]) + 1
    entries.forEach(([key, value], i) => {
      this.intended.push({ document: this.document, path: [...this.path, key], value })
      const at = line + (this.map.flow ? 0 : i)
      this.changes.push({ file: this.parsed.file, line: at, path: this.display(key), new: value })
    })
  }

  /** Removes a pair whose value is an editable scalar. */
  remove(pair: Pair<Scalar, unknown>): void {
    const key = String(pair.key.value)
    const doc = this.parsed.documents[this.document]!
    const scalar = editableScalar(this.parsed, doc, pair.value, this.display(key))
    this.edits.push(removePair(this.parsed, this.map, pair))
    this.intended.push({ document: this.document, path: [...this.path, key], value: undefined })
    const line = lineOf(this.parsed, pair.key.range![0])
    this.changes.push({
      file: this.parsed.file,
      line,
      path: this.display(key),
      old: String(scalar.value)
    })
  }

  apply(): EditOutcome {
    return applyVerified(this.parsed, this.edits, this.intended, this.changes)
  }
}
