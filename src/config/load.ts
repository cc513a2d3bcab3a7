/**
 * parsePromotionConfig, as a pipeline: parse the text (syntax, one map) →
 * locate (file order, lines) → schema → semantics → typed config. Schema and
 * semantic problems are reported together, each step's all at once, so one
 * run lists everything to fix rather than one problem per run.
 */
import { buildConfig, type RawConfig } from './build.js'
import { formatProblem, PromotionConfigError } from './error.js'
import { displayPath, isRecord, Locator, type DataProblem } from './locate.js'
import { parseConfigText } from './parse.js'
import { validatePromotionSchema } from './schema.js'
import { schemaProblems } from './schema-messages.js'
import { semanticProblems } from './semantics.js'
import type { ConfigProblem, PromotionConfig } from './types.js'

/**
 * Pure: the text of promotion.yaml in, the validated config out. Throws
 * PromotionConfigError (a ConfigError) listing every problem found, each as
 * `file:line: path: message`; YAML syntax errors as `file:line:col: message`.
 */
export function parsePromotionConfig(text: string, file: string): PromotionConfig {
  const { doc, lineCounter, data } = parseConfigText(text, file)
  const locate = new Locator(doc, lineCounter)

  // Object.keys puts integer-like names ("10") first; messages and the Map follow the file.
  const environmentNames =
    isRecord(data) && isRecord(data.environments)
      ? locate.keysOf(['environments'], data.environments)
      : []
  const found = [
    ...schemaProblems(validatePromotionSchema(data)),
    ...semanticProblems(data, environmentNames)
  ]
  if (found.length > 0) {
    throw new PromotionConfigError(
      file,
      located(found, data, locate, file),
      found.length === 1 ? found[0]!.hint : undefined
    )
  }
  return buildConfig(data as RawConfig, environmentNames, file, locate)
}

/** With lines and dotted paths; one per message as printed, in file order. */
function located(
  found: readonly DataProblem[],
  data: unknown,
  locate: Locator,
  file: string
): ConfigProblem[] {
  const problems = found.map(problem => ({
    line: locate.lineOf(problem.lineAt ?? problem.at),
    column: 0,
    path: displayPath(problem.at, data),
    message: problem.message
  }))
  return [...new Map(problems.map(p => [formatProblem(file, p), p])).values()].sort(
    (a, b) => a.line - b.line || a.path.localeCompare(b.path) || a.message.localeCompare(b.message)
  )
}
