/**
 * Which chart renders a Helm values file, and with which values files, as Helm and Argo CD
 * read them: the chart's own values.yaml first (implicit), then the environment's lower files
 * in order, then the target file; later files win (helm's `--values` merge in pkg/cli/values
 * options.go MergeValues; Argo CD's helm.valueFiles keep the same order).
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import type { TreeReader } from '../repo/index.js'
import path from 'node:path'
import { parse } from 'yaml'

export interface HelmChartRequest {
  /** The values file the target edits (repository-relative). */
  readonly path: string
  /** The chart named on the target (repository-relative directory). */
  readonly chart?: string
  /** Lower values files named on the target, lowest first (repository-relative). */
  readonly values?: readonly string[]
}

export interface HelmChart {
  /** The chart `helm template` renders (repository-relative directory; '' is the root). */
  readonly dir: string
  /** What is passed with --values, lowest first (repository-relative). */
  readonly valueFiles: readonly string[]
  /** Whether the target file is read at all: the chart's values.yaml, or one of valueFiles. */
  readonly how: 'values-file' | 'chart-values' | 'subchart-values'
  /** The values beneath the target file, coalesced as Helm does, at the target file's root. */
  readonly lower: Record<string, unknown>
  /** Lower layers read, for messages. */
  readonly layers: readonly string[]
}

export type ChartLookup =
  | { readonly chart: HelmChart }
  /** `lower`: the target's lower values files alone, coalesced, for the editor. */
  | { readonly unavailable: string; readonly lower: Record<string, unknown> }

const CHART_FILE = 'Chart.yaml'

/**
 * Locates the chart of a values file: the chart named on the target, else the Chart.yaml beside
 * the file or in the nearest directory above it (never above the repository root). A subchart's
 * own values.yaml, inside an umbrella chart's charts/, renders through the umbrella, as Argo CD
 * deploys it. Dependencies Chart.yaml lists but charts/ does not hold make the chart
 * unrenderable offline (helm's pkg/action CheckDependencies refuses them).
 */
export async function locateHelmChart(
  source: string | TreeReader,
  request: HelmChartRequest
): Promise<ChartLookup> {
  const tree = readerOf(source)
  const file = posix(request.path)
  const lowerFiles = (request.values ?? []).map(posix).filter(f => f !== file)
  const lowerValues: unknown[] = []
  for (const lower of lowerFiles) {
    const text = await readText(tree, lower)
    if (text === undefined) {
      return {
        unavailable: `the values file ${lower} named on the target does not exist`,
        lower: {}
      }
    }
    lowerValues.push(parseValues(text))
  }
  const unavailable = (why: string): ChartLookup => ({
    unavailable: why,
    lower: coalesce(lowerValues)
  })
  let dir: string
  if (request.chart !== undefined) {
    dir = posix(request.chart)
    if (!(await isFile(tree, join(dir, CHART_FILE)))) {
      return unavailable(`the chart ${dir || '.'} named on the target holds no ${CHART_FILE}`)
    }
  } else {
    const found = await chartAbove(tree, path.posix.dirname(file))
    if (found === undefined) {
      return unavailable(
        `no ${CHART_FILE} beside ${file} or in a directory above it, so promote-image cannot tell which chart reads it; name it on the target (chart=<dir> inline, chart: in promotion.yaml)`
      )
    }
    dir = found
  }

  let how: HelmChart['how'] = 'values-file'
  let rendered = dir
  if (file === join(dir, 'values.yaml')) {
    how = 'chart-values'
    // A subchart's defaults, vendored in an umbrella chart's charts/: the umbrella renders it.
    const parent = path.posix.dirname(dir)
    if (
      request.chart === undefined &&
      path.posix.basename(parent) === 'charts' &&
      (await isFile(tree, join(path.posix.dirname(parent), CHART_FILE)))
    ) {
      rendered = path.posix.dirname(parent) === '.' ? '' : path.posix.dirname(parent)
      how = 'subchart-values'
    }
  }

  const missing = await missingDependencies(tree, rendered)
  if (missing.length > 0) {
    return unavailable(
      `${join(rendered, CHART_FILE)} lists dependencies that ${join(rendered, 'charts')}/ does not hold (${missing.join(', ')}), and promote-image renders offline; run \`helm dependency build ${rendered || '.'}\` and commit ${join(rendered, 'charts')}/`
    )
  }

  // The layers beneath the target file, lowest first (helm's pkg/chart/common/util/coalesce.go
  // CoalesceValues: the parent's values override a subchart's defaults, which sit under the
  // subchart's name).
  const layers: string[] = []
  const values: unknown[] = []
  if (how !== 'subchart-values') {
    for (const sub of await subcharts(tree, dir)) {
      const text = await readText(tree, join(sub.dir, 'values.yaml'))
      if (text === undefined) continue
      layers.push(join(sub.dir, 'values.yaml'))
      values.push({ [sub.name]: parseValues(text) })
    }
    if (how === 'values-file') {
      const own = await readText(tree, join(dir, 'values.yaml'))
      if (own !== undefined) {
        layers.push(join(dir, 'values.yaml'))
        values.push(parseValues(own))
      }
    }
    layers.push(...lowerFiles)
    values.push(...lowerValues)
  }
  return {
    chart: {
      dir: rendered,
      valueFiles: how === 'values-file' ? [...lowerFiles, file] : lowerFiles,
      how,
      lower: coalesce(values),
      layers
    }
  }
}

/**
 * Helm's coalescing of values files, later wins: maps merge key by key, anything else replaces,
 * and a null deletes the key beneath it (pkg/chart/common/util/coalesce.go, coalesceTablesFullKey).
 */
export function coalesce(layers: readonly unknown[]): Record<string, unknown> {
  let merged: Record<string, unknown> = {}
  for (const layer of layers) {
    if (isObject(layer)) merged = mergeInto(merged, layer)
  }
  return merged
}

function mergeInto(base: Record<string, unknown>, over: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key]
    else if (isObject(value) && isObject(out[key])) out[key] = mergeInto(out[key], value)
    else out[key] = value
  }
  return out
}

/** The nearest directory from `dir` up to the repository root that holds Chart.yaml. */
async function chartAbove(tree: Reader, dir: string): Promise<string | undefined> {
  for (let current = dir === '.' ? '' : dir; ;) {
    if (await isFile(tree, join(current, CHART_FILE))) return current
    if (current === '') return undefined
    const parent = path.posix.dirname(current)
    current = parent === '.' ? '' : parent
  }
}

interface Subchart {
  readonly dir: string
  /** What its values sit under in the parent: the alias, else the chart name. */
  readonly name: string
}

/** Unpacked subcharts in charts/ (packed .tgz ones render too, but their values are not read). */
async function subcharts(tree: Reader, dir: string): Promise<Subchart[]> {
  const chartsDir = join(dir, 'charts')
  const entries = await tree.entries(chartsDir)
  const aliases = new Map<string, string>()
  for (const dependency of await dependencies(tree, dir)) {
    if (dependency.alias) aliases.set(dependency.name, dependency.alias)
  }
  const found: Subchart[] = []
  for (const entry of entries) {
    if (!entry.dir) continue
    const sub = join(chartsDir, entry.name)
    const chart = parseValues((await readText(tree, join(sub, CHART_FILE))) ?? '')
    const name = typeof chart.name === 'string' ? chart.name : entry.name
    found.push({ dir: sub, name: aliases.get(name) ?? name })
  }
  return found
}

interface Dependency {
  readonly name: string
  readonly alias?: string
}

async function dependencies(tree: Reader, dir: string): Promise<Dependency[]> {
  const chart = parseValues((await readText(tree, join(dir, CHART_FILE))) ?? '')
  const list = Array.isArray(chart.dependencies) ? chart.dependencies : []
  return list.filter(isObject).flatMap(dependency =>
    typeof dependency.name === 'string'
      ? [
          {
            name: dependency.name,
            ...(typeof dependency.alias === 'string' ? { alias: dependency.alias } : {})
          }
        ]
      : []
  )
}

/**
 * Dependencies Chart.yaml lists that charts/ holds neither unpacked (a directory whose
 * Chart.yaml has the name) nor packed (`<name>-<version>.tgz`); helm matches them by name.
 */
async function missingDependencies(tree: Reader, dir: string): Promise<string[]> {
  const listed = await dependencies(tree, dir)
  if (listed.length === 0) return []
  const chartsDir = join(dir, 'charts')
  const entries = await tree.entries(chartsDir)
  const present = new Set<string>()
  const packed: string[] = []
  for (const entry of entries) {
    if (entry.dir) {
      const chart = parseValues(
        (await readText(tree, join(join(chartsDir, entry.name), CHART_FILE))) ?? ''
      )
      if (typeof chart.name === 'string') present.add(chart.name)
    } else if (entry.name.endsWith('.tgz')) packed.push(entry.name)
  }
  return listed
    .map(dependency => dependency.name)
    .filter(name => !present.has(name) && !packed.some(file => file.startsWith(`${name}-`)))
}

function parseValues(text: string): Record<string, unknown> {
  try {
    const value: unknown = parse(text)
    return isObject(value) ? value : {}
  } catch {
    // helm reports the file it cannot read; the render says so.
    return {}
  }
}

function readText(tree: Reader, rel: string): Promise<string | undefined> {
  return tree.read(rel)
}

function isFile(tree: Reader, rel: string): Promise<boolean> {
  return tree.isFile(rel)
}

/** What locating a chart reads: the working tree (links followed) or a commit's tree. */
interface Reader {
  isFile(rel: string): Promise<boolean>
  read(rel: string): Promise<string | undefined>
  entries(dir: string): Promise<Array<{ name: string; dir: boolean }>>
}

function readerOf(source: string | TreeReader): Reader {
  if (typeof source === 'string') {
    return {
      isFile: rel =>
        stat(path.join(source, rel)).then(
          info => info.isFile(),
          () => false
        ),
      read: rel => readFile(path.join(source, rel), 'utf8').catch(() => undefined),
      entries: async dir => {
        const found = await readdir(path.join(source, dir), { withFileTypes: true }).catch(() => [])
        const out: Array<{ name: string; dir: boolean }> = []
        for (const entry of found) {
          const info = await stat(path.join(source, dir, entry.name)).catch(() => undefined)
          if (info) out.push({ name: entry.name, dir: info.isDirectory() })
        }
        return out
      }
    }
  }
  return {
    isFile: async rel => (await source.type(rel)) === 'file',
    read: async rel =>
      (await source.type(rel)) === 'file' ? source.read(rel).catch(() => undefined) : undefined,
    entries: async dir => {
      if (!source.list || (await source.type(dir)) !== 'dir') return []
      const out: Array<{ name: string; dir: boolean }> = []
      for (const rel of await source.list(dir)) {
        const type = await source.type(rel)
        if (type === 'file' || type === 'dir')
          out.push({ name: path.posix.basename(rel), dir: type === 'dir' })
      }
      return out
    }
  }
}

function join(dir: string, name: string): string {
  return dir === '' || dir === '.' ? name : `${dir}/${name}`
}

function posix(rel: string): string {
  const normalized = path.posix.normalize(rel.replaceAll('\\', '/')).replace(/\/$/, '')
  return normalized === '.' ? '' : normalized
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Whether the templates of `chartDir` (and its vendored subcharts) write `@sha256:` before
 * `.<digestKey>` themselves, as kube-prometheus-stack does with `sha`: such a key takes the
 * digest without its prefix. Read from the template text, for when no render can prove it.
 */
export async function chartPrefixesDigest(
  repoRoot: string,
  chartDir: string,
  digestKey: string
): Promise<boolean> {
  const key = digestKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const prefixed = new RegExp(`@sha256:[^\\n]{0,200}?\\.${key}\\b`)
  const dirs = [join(chartDir, 'templates')]
  for (const sub of await subcharts(readerOf(repoRoot), chartDir))
    dirs.push(join(sub.dir, 'templates'))
  for (const dir of dirs) {
    const entries = await readdir(path.join(repoRoot, dir), {
      recursive: true,
      withFileTypes: true
    }).catch(() => [])
    for (const entry of entries) {
      if (!entry.isFile()) continue
      const text = await readFile(path.join(entry.parentPath, entry.name), 'utf8').catch(() => '')
      if (prefixed.test(text)) return true
    }
  }
  return false
}
