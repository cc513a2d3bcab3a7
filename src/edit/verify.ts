import { isDeepStrictEqual } from 'node:util'
import { EditError } from '../errors.js'
import type { EditOutcome, ValueChange } from './types.js'
import { applyEdits, parseYaml, type ParsedYaml, type TextEdit } from './yaml-text.js'

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
  const after = parseYaml(afterText, before.file)
  const expected = before.documents.map(doc => doc.toJS({ maxAliasCount: -1 }) as unknown)
  for (const change of changes) {
    expected[change.document] = withChange(expected[change.document], change.path, change.value)
  }
  const actual = after.documents.map(doc => doc.toJS({ maxAliasCount: -1 }) as unknown)
  if (!isDeepStrictEqual(actual, expected)) {
    throw new EditError(
      `${before.file}: the edit would change more than the target values; nothing was written.`,
      { hint: 'This is a bug in promote-image: please report it with the file.' }
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
