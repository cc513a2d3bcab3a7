/**
 * From the parsed data back to the text: the checks address what they find by
 * JSON pointer (ajv's instancePath, or built by hand), and a person needs the
 * line in promotion.yaml and a readable path.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type YAMLMap
} from 'yaml'

/** One step of a JSON pointer: a map key, or a list index as text. */
export type Segment = string

/**
 * A problem in the parsed data, addressed by JSON pointer; load.ts turns it
 * into a ConfigProblem with a line and a dotted path.
 */
export interface DataProblem {
  /** Where the message points (a JSON pointer's segments). */
  readonly at: readonly Segment[]
  /** Node whose line is reported; defaults to `at`. */
  readonly lineAt?: readonly Segment[]
  readonly message: string
  readonly hint?: string
}

/** Maps JSON pointers back to the YAML nodes they came from, for line numbers. */
export class Locator {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter
  ) {}

  /**
   * The line of the node at `segments`: a map entry's key line (where
   * `mode: pushh` is), a list item's first line. When the path ends early
   * (the node does not exist), the deepest node that does.
   */
  lineOf(segments: readonly Segment[]): number {
    let node: unknown = this.doc.contents
    let anchor: unknown = node
    for (const segment of segments) {
      node = this.deref(node)
      if (isMap(node)) {
        const pair = this.findPair(node, segment)
        if (pair === undefined) break
        anchor = pair.key
        node = pair.value
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)]
        if (item === undefined) break
        anchor = item
        node = item
      } else {
        break
      }
    }
    const offset = (anchor as { range?: [number, number, number] } | null)?.range?.[0] ?? 0
    return this.lineCounter.linePos(offset).line
  }

  /** The keys of the map at `segments` in file order (merged-in keys last), limited to those of `value`. */
  keysOf(segments: readonly Segment[], value: Record<string, unknown>): string[] {
    let node: unknown = this.doc.contents
    for (const segment of segments) {
      node = this.deref(node)
      node = isMap(node) ? this.findPair(node, segment)?.value : undefined
    }
    node = this.deref(node)
    const inFile = isMap(node) ? node.items.map(pair => keyText(pair.key)) : []
    const own = Object.keys(value)
    return [...new Set([...inFile.filter(key => own.includes(key)), ...own])]
  }

  /** A map entry by key, looking through `<<` merge keys as toJS does. */
  private findPair(
    map: YAMLMap,
    key: string,
    depth = 0
  ): { key: unknown; value: unknown } | undefined {
    const direct = map.items.find(pair => keyText(pair.key) === key)
    if (direct !== undefined || depth > 8) return direct
    for (const pair of map.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') continue
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value]
      for (const source of sources) {
        const merged = this.deref(source)
        if (isMap(merged)) {
          const found = this.findPair(merged, key, depth + 1)
          if (found !== undefined) return found
        }
      }
    }
    return undefined
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value)
  return String(key)
}

/** `environments.prod.targets[0].key`; keys with dots in ["…"]. */
export function displayPath(segments: readonly Segment[], data: unknown): string {
  let out = ''
  let node = data
  for (const segment of segments) {
    if (Array.isArray(node)) {
      out += `[${segment}]`
      node = node[Number(segment)]
    } else {
      out += /^[A-Za-z0-9_-]+$/.test(segment)
        ? `${out === '' ? '' : '.'}${segment}`
        : `[${JSON.stringify(segment)}]`
      node = isRecord(node) ? node[segment] : undefined
    }
  }
  return out
}

/** A YAML map once toJS has run. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
