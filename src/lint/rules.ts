/**
 * The lint rules: one YAML file's text in, findings out. Pure: no file
 * system, no registry; a reference is judged from its text alone. Each
 * document goes to the rules of its kind: kustomize.ts, manifest.ts, helm.ts.
 */
import { dirname } from 'node:path'
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml'
import { firstYamlProblem } from '../yaml/index.js'
import { DEFAULT_TAG_POLICY, type TagPolicy } from '../policy/index.js'
import { add, entries, resolve, scalarText, type Context, type Entry } from './context.js'
import { compareFindings, type Finding, type FindingKind } from './finding.js'
import { walkHelmValues } from './helm.js'
import { isKustomizationFile, lintKustomizeImages } from './kustomize.js'
import { lintManifest } from './manifest.js'
import { readingOf } from './formats.js'
import type { PinnedByOverlays } from './overlays.js'

export interface LintOptions {
  readonly policy?: TagPolicy
  /**
   * Whether every kustomization rendering a file pins an image of it (see
   * overlayPins). A container whose image they pin is a base placeholder
   * the overlays replace; the overlays' entries are linted instead.
   */
  readonly pinnedByOverlays?: PinnedByOverlays
  /**
   * Directories (`dirname` of `file` as given) that hold a Chart.yaml: every
   * other YAML file there is Helm values.
   */
  readonly chartDirs?: ReadonlySet<string>
}

/** One file's findings, and why it was skipped when no document in it was read. */
export interface FileLint {
  readonly findings: Finding[]
  /** Set when every document was skipped (not Kubernetes YAML…): the first document's reason. */
  readonly skipped?: string
}

/**
 * Lints one file. `file` is the path shown in findings; its base name decides
 * whether the file is a kustomization. Malformed YAML becomes an
 * `invalid-yaml` warning for that document, never an exception.
 */
export function lintText(text: string, file: string, options: LintOptions = {}): Finding[] {
  return lintFile(text, file, options).findings
}

/** lintText, saying also when the file held nothing lint reads (a docker-compose file…). */
export function lintFile(text: string, file: string, options: LintOptions = {}): FileLint {
  // The parser counts a BOM as a character, which would shift line 1's columns.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const lines = new LineCounter()
  // Duplicate keys are found by firstYamlProblem: the library's check is quadratic per map.
  const docs = parseAllDocuments(source, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false
  })
  const context: Context = {
    file,
    source,
    lines,
    policy: options.policy ?? DEFAULT_TAG_POLICY,
    pinnedByOverlays: options.pinnedByOverlays ?? (() => ({ pinned: false })),
    found: new Map(),
    doc: undefined as unknown as Document.Parsed,
    seen: { plain: new Set(), image: new Set() },
    entries: new Map()
  }
  const inChart = options.chartDirs?.has(dirname(file)) ?? false
  const skips: string[] = []
  let read = 0
  for (const doc of Array.isArray(docs) ? docs : []) {
    context.doc = doc
    context.seen = { plain: new Set(), image: new Set() }
    context.entries = new Map()
    const error = firstYamlProblem(doc)
    if (error) {
      const { line, col } = lines.linePos(error.offset)
      add(context, line, col, {
        severity: 'warning',
        kind: guessKind(file, source),
        image: '',
        problem: 'invalid-yaml',
        message: `not valid YAML: ${firstLine(error.message)}`,
        suggestion: 'fix the syntax; the rest of this document was not checked'
      })
      read++
      continue
    }
    const skip = lintDocument(context, doc.contents, inChart)
    if (skip === undefined) read++
    else skips.push(skip)
  }
  const findings = [...context.found.values()].sort(compareFindings)
  return read === 0 && skips.length > 0 ? { findings, skipped: skips[0] } : { findings }
}

/** Lints one document; returns why it was skipped, or undefined when it was read (or empty). */
function lintDocument(context: Context, contents: unknown, inChart: boolean): string | undefined {
  const root = resolve(context, contents)
  if (root === undefined || (isScalar(root) && root.value === null)) return undefined
  const top = isMap(root) ? entries(context, root) : new Map<string, Entry>()
  const reading = isKustomizationFile(context.file)
    ? ({ as: 'kustomize' } as const)
    : readingOf(context, root, top, inChart)
  switch (reading.as) {
    case 'kustomize':
      lintKustomizeImages(context, top.get('images')?.value)
      return undefined
    case 'manifest':
      lintManifest(
        context,
        top,
        scalarText(top.get('apiVersion')?.value)!,
        scalarText(top.get('kind')?.value)!
      )
      return undefined
    case 'helm':
      walkHelmValues(context, root, false)
      return undefined
    case 'skip':
      return reading.reason
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

/** For a file that does not parse, the kind it would most likely have had. */
function guessKind(file: string, text: string): FindingKind {
  if (isKustomizationFile(file)) return 'kustomize'
  return /^apiVersion:/m.test(text) && /^kind:/m.test(text) ? 'manifest' : 'helm'
}
