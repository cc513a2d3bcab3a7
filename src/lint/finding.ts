/** What `promote-image lint` reports, and how it prints it. */

export type Severity = 'error' | 'warning'
/** Where the reference lives: a Kustomize `images:` entry, Helm values, or a raw manifest. */
export type FindingKind = 'kustomize' | 'helm' | 'manifest'
/** What a finding is about, as a stable code (the `problem` of --json output). */
export type ProblemCode =
  'mutable-tag' | 'no-tag' | 'no-digest' | 'pull-policy' | 'empty-tag' | 'invalid-yaml'

export interface Finding {
  /** Path as shown to the user (the directory argument joined with the relative path). */
  readonly file: string
  /** 1-based, at the scalar to change (the tag when there is one). */
  readonly line: number
  readonly column: number
  readonly severity: Severity
  readonly kind: FindingKind
  /** The effective reference (`name:tag`, `name`…); '' for invalid-yaml. */
  readonly image: string
  readonly problem: ProblemCode
  readonly message: string
  readonly suggestion: string
}

export interface LintSummary {
  readonly errors: number
  readonly warnings: number
  /** Files read and checked (skipped ones excluded). */
  readonly files: number
  /** Files not checked (see LintResult.skipped): not Kubernetes YAML, links, chart templates… */
  readonly skipped: number
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1
  return a.line - b.line || a.column - b.column || a.message.localeCompare(b.message)
}

/** `path:line:col: severity: message (suggestion)`, the shape compilers and editors parse. */
export function formatFinding(finding: Finding): string {
  const { file, line, column, severity, message, suggestion } = finding
  return `${file}:${line}:${column}: ${severity}: ${message}${suggestion ? ` (${suggestion})` : ''}`
}

export function summarize(findings: readonly Finding[], files: number, skipped = 0): LintSummary {
  const errors = findings.filter(f => f.severity === 'error').length
  return { errors, warnings: findings.length - errors, files, skipped }
}

export function formatSummary({ errors, warnings, files, skipped }: LintSummary): string {
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`
  return skipped > 0 ? `${counts}; ${skipped} skipped (-v lists them)` : counts
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
