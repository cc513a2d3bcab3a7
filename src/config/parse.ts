/**
 * promotion.yaml's text to plain data, refusing what YAML would accept but a
 * config must not be: oversized files, syntax errors, duplicate keys, broken
 * aliases and merge keys, a root that is not a map, alias bombs. Each refusal
 * is a PromotionConfigError with the line (and column) to fix.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document
} from 'yaml'
import { duplicateKeyOffsets, formatMiB, MAX_FILE_BYTES } from '../yaml/index.js'
import { PromotionConfigError } from './error.js'
import { describe } from './schema-messages.js'
import type { ConfigProblem } from './types.js'

export interface ParsedConfig {
  readonly doc: Document.Parsed
  readonly lineCounter: LineCounter
  /** doc.toJS(): a map, of any content; the schema judges the rest. */
  readonly data: unknown
}

/** Throws PromotionConfigError unless `text` is one well-formed YAML map. */
export function parseConfigText(text: string, file: string): ParsedConfig {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_FILE_BYTES) {
    throw new PromotionConfigError(
      file,
      [
        {
          line: 1,
          column: 0,
          path: '',
          message: `is ${formatMiB(bytes)}, larger than the ${formatMiB(MAX_FILE_BYTES)} promote-image reads`
        }
      ],
      `Point config-file at the promotion config itself; it lists environments and targets, a few KB.`
    )
  }
  const lineCounter = new LineCounter()
  // Duplicates are found below in linear time (the library's uniqueKeys is quadratic per map).
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: false,
    merge: true
  })
  checkSyntax(doc, lineCounter, text, file)
  checkAliases(doc, lineCounter, file)

  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === null)) {
    throw new PromotionConfigError(
      file,
      [{ line: 1, column: 0, path: '', message: 'is empty; expected a map with "environments:"' }],
      'Write at least: environments: → dev: → targets: → - kustomize: apps/{name}/overlays/dev (one level of indentation each).'
    )
  }
  if (!isMap(root)) {
    throw new PromotionConfigError(file, [
      {
        line: lineCounter.linePos(root.range?.[0] ?? 0).line,
        column: 0,
        path: '',
        message: `must be a map with "environments:", got ${isSeq(root) ? 'a list' : isScalar(root) ? describe(root.value) : 'an alias'}`
      }
    ])
  }

  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    // Excessive aliases (a "billion laughs" document).
    throw new PromotionConfigError(file, [
      { line: 1, column: 0, path: '', message: (error as Error).message }
    ])
  }
  return { doc, lineCounter, data }
}

/** The parser's errors and duplicate keys, in file order. */
function checkSyntax(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  text: string,
  file: string
): void {
  // A duplicated environment or key silently replacing the first is a classic GitOps accident.
  const errors = [
    ...doc.errors.map(error => ({
      code: error.code,
      message: error.message,
      offset: error.pos[0]
    })),
    ...duplicateKeyOffsets(doc).map(offset => ({ code: 'DUPLICATE_KEY', message: '', offset }))
  ].sort((a, b) => a.offset - b.offset)
  if (errors.length === 0) return
  const problems = errors.map(error => {
    const position = lineCounter.linePos(error.offset)
    return {
      line: position.line,
      column: position.col,
      path: '',
      message: yamlErrorMessage(error.code, error.message, text.slice(error.offset))
    }
  })
  throw new PromotionConfigError(
    file,
    problems,
    errors.some(error => error.code === 'TAB_AS_INDENT')
      ? 'Indent with spaces: YAML does not allow tabs for indentation.'
      : `Fix the YAML syntax of ${file} at the line shown.`
  )
}

/** yaml's message without its " at line…" suffix and code frame (the location leads the line). */
function yamlErrorMessage(code: string, message: string, rest: string): string {
  const plain = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')
  switch (code) {
    case 'DUPLICATE_KEY': {
      // The error points at the second key; show it as written.
      const key = /^(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:#,{}[\]\n]*)/.exec(rest)![0].trim()
      return `duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : JSON.stringify(key)} (keys must be unique; a second one would silently replace the first)`
    }
    case 'MULTIPLE_DOCS':
      return 'contains more than one YAML document ("---"); the promotion config is a single map'
    case 'TAB_AS_INDENT':
      return 'tab used for indentation; YAML indents with spaces only'
    default:
      return plain
  }
}

/** Aliases without an anchor and merge keys of non-maps: toJS would throw on these without saying where. */
function checkAliases(doc: Document.Parsed, lineCounter: LineCounter, file: string): void {
  const problems: ConfigProblem[] = []
  const at = (node: { range?: [number, number, number] | null }, message: string): void => {
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0)
    problems.push({ line, column: col, path: '', message })
  }
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        at(alias, `alias *${alias.source} has no anchor &${alias.source} before it`)
      }
    },
    Pair(_, pair) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') return
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value]
      const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node)
      if (!sources.every(source => isMap(resolve(source)))) {
        at(pair.key, 'merge key << needs a map, an alias of a map, or a list of them')
      }
    }
  })
  if (problems.length > 0) throw new PromotionConfigError(file, problems)
}
