import { ConfigError } from '../errors.js'
import { SCHEMA_URL } from './schema.js'
import type { ConfigProblem } from './types.js'

/** promotion.yaml is invalid; `problems` has every finding, `message` one line each. */
export class PromotionConfigError extends ConfigError {
  readonly file: string
  readonly problems: readonly ConfigProblem[]

  constructor(file: string, problems: readonly ConfigProblem[], hint?: string) {
    const first = problems[0]!
    super(problems.map(problem => formatProblem(file, problem)).join('\n'), {
      hint:
        hint ??
        `Fix ${file}; its schema is schema/promotion.schema.json. With "# yaml-language-server: $schema=${SCHEMA_URL}" as its first line, editors check it as you type.`,
      subject: `${file}:${first.line}`
    })
    this.file = file
    this.problems = problems
  }
}

/** `promotion.yaml:7: environments.prod.targets[0]: unknown key "kustomise"`; YAML syntax errors add the column. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.column > 0 ? `${problem.line}:${problem.column}` : `${problem.line}`
  return `${file}:${where}: ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`
}
