/**
 * `promote-image lint`: every mutable or unpinned image reference in a
 * config repo. The rules are pure (rules.ts); this reads the files.
 */
import { readFile, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { InputError } from '../errors.js'
import type { TagPolicy } from '../policy/index.js'
import { compareFindings, summarize, type Finding, type LintSummary } from './finding.js'
import { overlayPins } from './overlays.js'
import { lintFile } from './rules.js'
import { MAX_FILE_BYTES, walkConfigFiles, type Skipped } from './walk.js'
// The door to lint/: what other folders and the tests use, and the types of lintPath's result.
export {
  formatFinding,
  formatSummary,
  type Finding,
  type FindingKind,
  type LintSummary,
  type ProblemCode,
  type Severity
} from './finding.js'
export { lintFile, lintText, type FileLint, type LintOptions } from './rules.js'
export { MAX_FILE_BYTES, walkConfigFiles, type Skipped } from './walk.js'

export interface LintResult {
  /** Sorted by file, line, column. */
  readonly findings: Finding[]
  /** The files read and checked, as shown in findings. */
  readonly files: string[]
  /**
   * Not checked, with why; paths as shown in findings: not walked (links,
   * chart templates, size), unreadable, or holding no Kubernetes YAML or Helm
   * values (a docker-compose file, a CI pipeline…).
   */
  readonly skipped: Skipped[]
  readonly summary: LintSummary
}

/**
 * Lints a directory (or one file). Paths in the result are `target` joined
 * with the path inside it, so `lint .` prints `apps/…` and `lint /repo`
 * prints `/repo/apps/…`.
 */
export async function lintPath(
  target: string,
  options: { policy?: TagPolicy } = {}
): Promise<LintResult> {
  const info = await stat(target).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(
      `lint: cannot read ${JSON.stringify(target)}: ${error.code ?? error.message}.`,
      {
        hint: 'Pass the config repository directory (default: the current directory).'
      }
    )
  })
  let candidates: string[]
  const skipped: Skipped[] = []
  if (info.isDirectory()) {
    const walked = await walkConfigFiles(target)
    candidates = walked.files.map(f => join(target, f))
    skipped.push(...walked.skipped.map(s => ({ ...s, file: join(target, s.file) })))
  } else if (info.size > MAX_FILE_BYTES) {
    candidates = []
    skipped.push({ file: target, reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` })
  } else {
    candidates = [target]
  }
  const read: { file: string; text: string }[] = []
  for (const file of candidates) {
    // One at a time (no EMFILE); a file that vanished or is unreadable is skipped, not fatal.
    try {
      read.push({ file, text: await readFile(file, 'utf8') })
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException
      skipped.push({ file, reason: `unreadable (${code ?? message})` })
    }
  }
  // Two passes: the overlays' images: entries decide which base images they replace.
  const pinnedByOverlays = overlayPins(read, info.isDirectory() ? target : undefined)
  const chartDirs = await chartDirectories(info.isDirectory() ? read.map(r => r.file) : candidates)
  const findings: Finding[] = []
  const files: string[] = []
  for (const { file, text } of read) {
    const result = lintFile(text, file, { policy: options.policy, pinnedByOverlays, chartDirs })
    findings.push(...result.findings)
    if (result.skipped === undefined) files.push(file)
    else skipped.push({ file, reason: result.skipped })
  }
  findings.sort(compareFindings)
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  return { findings, files, skipped, summary: summarize(findings, files.length, skipped.length) }
}

/** The directories of `files` that hold a Chart.yaml: their other YAML files are Helm values. */
async function chartDirectories(files: readonly string[]): Promise<Set<string>> {
  const dirs = new Set<string>()
  for (const dir of new Set(files.map(dirname))) {
    const chart = await stat(join(dir, 'Chart.yaml')).catch(() => undefined)
    if (chart?.isFile()) dirs.add(dir)
  }
  return dirs
}
