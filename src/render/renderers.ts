import { execFile } from 'node:child_process'
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import path from 'node:path'
import { RenderError } from '../errors.js'
import { isKustomizationFileName } from '../repo/index.js'

export type RendererKind = 'kustomize' | 'helm'

export interface Renderer {
  /** 'kustomize' | 'kubectl kustomize' | 'helm': what the user would run by hand. */
  readonly name: string
  /** Which tool family it is; assumed from `name` when absent (test doubles). */
  readonly kind?: RendererKind
  /** As the tool reports it ('v5.5.0'), when known. */
  readonly version?: string
  /**
   * Renders an absolute path: a kustomization directory (or its kustomization file) for
   * kustomize, a values file of a local chart for helm. Throws RenderCommandError.
   */
  render(target: string): Promise<string>
}

/** helm, which also renders a chart with several values files (see renderChart). */
export interface HelmRenderer extends Renderer {
  readonly kind: 'helm'
  /**
   * `helm template` of the chart directory `chart` (absolute) with `values` (absolute, lowest
   * first: Helm merges -f files in order, later wins, over the chart's own values.yaml).
   */
  template(chart: string, values: readonly string[]): Promise<string>
}

export function isHelmRenderer(renderer: Renderer): renderer is HelmRenderer {
  return renderer.kind === 'helm' && typeof (renderer as HelmRenderer).template === 'function'
}

export interface RendererUnavailable {
  /** Why nothing can render, in plain words for the log. */
  readonly unavailable: string
}

/** The renderer ran and failed; `output` is the tail of what it printed on stderr. */
export class RenderCommandError extends RenderError {
  readonly renderer: string
  readonly output: string

  constructor(renderer: string, output: string, message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint })
    this.renderer = renderer
    this.output = output
  }
}

const RENDER_TIMEOUT_MS = 120_000
const VERSION_TIMEOUT_MS = 15_000
const RENDER_MAX_BUFFER = 64 * 1024 * 1024
const VERSION_MAX_BUFFER = 1024 * 1024
/** What we keep of a failing renderer's stderr. */
const OUTPUT_LINES = 20
const OUTPUT_CHARS = 4000
/** Below v4, kustomize cannot take directories in `resources:` and drops the tag of tag + digest. */
const MIN_KUSTOMIZE_MAJOR = 4
/** kubectl 1.21 is the first to embed kustomize v4 (v4.0.5); 1.14–1.20 embed v2.0.3. */
const MIN_KUBECTL_MINOR = 21

/** The names kustomize looks for, in its order (one list, kept with the config stage). */

const lookups = new Map<string, Promise<Renderer | RendererUnavailable>>()

/**
 * Finds a renderer: for kustomize, `kustomize` on PATH, else `kubectl kustomize`, either at
 * Kustomize v4 or later; for helm, `helm` v3 on PATH. With `target` (the absolute path of a
 * values file), helm is also unavailable when that file is not inside a local chart. The
 * lookup runs once per process for each kind and PATH.
 */
export async function findRenderer(
  kind: RendererKind,
  env: NodeJS.ProcessEnv = process.env,
  target?: string
): Promise<Renderer | RendererUnavailable> {
  const childEnv = rendererEnv(env)
  const key = `${kind}\0${childEnv.PATH}\0${childEnv.HOME ?? ''}`
  let lookup = lookups.get(key)
  if (!lookup) {
    lookup = kind === 'helm' ? findHelm(childEnv) : findKustomize(childEnv)
    lookups.set(key, lookup)
  }
  const found = await lookup
  if (kind === 'helm' && target !== undefined && !('unavailable' in found)) {
    const chart = await chartDirectory(target)
    if (!chart.ok) return { unavailable: chart.reason }
  }
  return found
}

/**
 * Renderers get PATH and HOME only: no tokens, no cloud credentials, and no KUBECONFIG, so
 * nothing they run can reach a cluster or a registry with the runner's identity.
 */
export function rendererEnv(env: NodeJS.ProcessEnv): { PATH: string; HOME?: string } {
  return { PATH: env.PATH ?? '', ...(env.HOME ? { HOME: env.HOME } : {}) }
}

/**
 * `--enable-helm` where kustomize has it (v4.1+): a kustomization with `helmCharts:` renders as
 * Argo CD renders it with `kustomize.buildOptions: --enable-helm`, and one without is unchanged.
 */
function helmFlags(version: string | undefined): string[] {
  const parsed = version === undefined ? undefined : parseVersion(version)
  return parsed && (parsed.major > 4 || (parsed.major === 4 && parsed.minor >= 1))
    ? ['--enable-helm']
    : []
}

async function findKustomize(env: ChildEnv): Promise<Renderer | RendererUnavailable> {
  const reasons: string[] = []
  const kustomize = await onPath('kustomize', env.PATH)
  if (kustomize) {
    const checked = await kustomizeVersion(kustomize, env)
    if (checked.ok) {
      return commandRenderer(
        'kustomize',
        'kustomize',
        checked.version,
        kustomize,
        ['build', ...helmFlags(checked.version)],
        env
      )
    }
    reasons.push(checked.reason)
  }
  const kubectl = await onPath('kubectl', env.PATH)
  if (kubectl) {
    const checked = await kubectlKustomizeVersion(kubectl, env)
    if (checked.ok) {
      return commandRenderer(
        'kubectl kustomize',
        'kustomize',
        checked.version,
        kubectl,
        ['kustomize', ...helmFlags(checked.version)],
        env
      )
    }
    reasons.push(checked.reason)
  }
  if (!kustomize && !kubectl) reasons.push('neither kustomize nor kubectl is on PATH')
  else if (!kubectl) reasons.push('kubectl is not on PATH')
  return {
    unavailable: `Cannot render Kustomize: ${reasons.join('; ')}. Install kustomize v4+ or kubectl 1.21+.`
  }
}

async function findHelm(env: ChildEnv): Promise<Renderer | RendererUnavailable> {
  const helm = await onPath('helm', env.PATH)
  if (!helm) return { unavailable: 'Cannot render Helm: helm is not on PATH.' }
  let printed: string
  try {
    printed = (await run(helm, ['version', '--short'], env, VERSION_TIMEOUT_MS, VERSION_MAX_BUFFER))
      .stdout
  } catch (error) {
    return { unavailable: `Cannot render Helm: \`${helm} version\` failed: ${failureText(error)}` }
  }
  const version = parseVersion(printed)
  if (!version || version.major < 3) {
    return {
      unavailable: `Cannot render Helm: ${helm} reports ${JSON.stringify(printed.trim())}; helm v3 is needed.`
    }
  }
  const name = 'helm'
  // A fixed release name: only the images matter, and they must not depend on the run.
  const template = (chart: string, values: readonly string[]): Promise<string> =>
    runRenderer(
      name,
      helm,
      ['template', 'promote-image', chart, ...values.flatMap(file => ['--values', file])],
      env
    )
  const renderer: HelmRenderer = {
    name,
    kind: 'helm',
    version: version.text,
    async render(target: string): Promise<string> {
      const chart = await chartDirectory(target)
      if (!chart.ok) throw new RenderCommandError(name, chart.reason, chart.reason)
      return template(chart.dir, chart.dir === target ? [] : [target])
    },
    template
  }
  return renderer
}

type Checked = { ok: true; version?: string } | { ok: false; reason: string }

async function kustomizeVersion(file: string, env: ChildEnv): Promise<Checked> {
  let printed: string
  try {
    printed = (await run(file, ['version'], env, VERSION_TIMEOUT_MS, VERSION_MAX_BUFFER)).stdout
  } catch (error) {
    return { ok: false, reason: `\`${file} version\` failed: ${failureText(error)}` }
  }
  // v5 prints "v5.4.3"; v3 and v4 print "{Version:kustomize/v4.5.7 GitCommit:…}".
  const version = parseVersion(printed)
  if (!version) {
    return { ok: false, reason: `cannot tell the version of ${file} from ${quoteLine(printed)}` }
  }
  if (version.major < MIN_KUSTOMIZE_MAJOR) {
    return { ok: false, reason: `${file} is Kustomize ${version.text}, older than v4` }
  }
  return { ok: true, version: version.text }
}

async function kubectlKustomizeVersion(file: string, env: ChildEnv): Promise<Checked> {
  let printed: string
  try {
    printed = (
      await run(file, ['version', '--client'], env, VERSION_TIMEOUT_MS, VERSION_MAX_BUFFER)
    ).stdout
  } catch (error) {
    return { ok: false, reason: `\`${file} version --client\` failed: ${failureText(error)}` }
  }
  const kustomizeLine = /^Kustomize Version:\s*(\S+)/m.exec(printed)?.[1]
  const kustomize = kustomizeLine === undefined ? undefined : parseVersion(kustomizeLine)
  if (kustomize) {
    if (kustomize.major >= MIN_KUSTOMIZE_MAJOR) return { ok: true, version: kustomize.text }
    return {
      ok: false,
      reason: `${file} embeds Kustomize ${kustomize.text}, older than v4: it cannot build \`resources:\` directories and renders tag + digest differently`
    }
  }
  // kubectl 1.21–1.23 print no Kustomize line; their client version tells what they embed.
  const client =
    /^Client Version:\s*(v\d+\.\d+\.\d+)/m.exec(printed)?.[1] ??
    /GitVersion:"(v\d+\.\d+\.\d+)/.exec(printed)?.[1]
  const version = client === undefined ? undefined : parseVersion(client)
  if (version && (version.major > 1 || version.minor >= MIN_KUBECTL_MINOR)) return { ok: true }
  return {
    ok: false,
    reason: version
      ? `${file} is kubectl ${version.text}, which embeds Kustomize v2 (older than v4)`
      : `cannot tell which Kustomize ${file} embeds from ${quoteLine(printed)}`
  }
}

type ChildEnv = ReturnType<typeof rendererEnv>

function commandRenderer(
  name: string,
  kind: RendererKind,
  version: string | undefined,
  file: string,
  command: readonly string[],
  env: ChildEnv
): Renderer {
  return {
    name,
    kind,
    ...(version === undefined ? {} : { version }),
    async render(target: string): Promise<string> {
      return runRenderer(name, file, [...command, await kustomizationDir(target)], env)
    }
  }
}

/** Targets may name the kustomization file; the tools want its directory. */
async function kustomizationDir(target: string): Promise<string> {
  if (!isKustomizationFileName(path.basename(target))) return target
  try {
    return (await stat(target)).isFile() ? path.dirname(target) : target
  } catch {
    return target
  }
}

async function chartDirectory(
  target: string
): Promise<{ ok: true; dir: string } | { ok: false; reason: string }> {
  let dir = target
  try {
    if (!(await stat(target)).isDirectory()) dir = path.dirname(target)
  } catch {
    dir = path.dirname(target)
  }
  try {
    await access(path.join(dir, 'Chart.yaml'))
    return { ok: true, dir }
  } catch {
    return {
      ok: false,
      reason: `Cannot render Helm: ${dir} holds no Chart.yaml, so ${path.basename(target)} is not the values file of a local chart (charts from a repository are not rendered).`
    }
  }
}

async function runRenderer(
  name: string,
  file: string,
  args: readonly string[],
  env: ChildEnv
): Promise<string> {
  try {
    return (await run(file, args, env, RENDER_TIMEOUT_MS, RENDER_MAX_BUFFER)).stdout
  } catch (error) {
    const output = failureText(error)
    throw new RenderCommandError(name, output, `${name} failed: ${output}`, knownFailure(output))
  }
}

/** What to do about failures whose cause is known and not in the user's files. */
function knownFailure(output: string): string | undefined {
  // Kustomize before v5.8.0 asks `helm version -c` and insists on Helm v3
  // (kubernetes-sigs/kustomize#6013, fixed in v5.8.1); kubectl 1.35 still embeds v5.7.1.
  if (/requires helm V3 but got v4|unknown shorthand flag: 'c' in -c/.test(output)) {
    return 'This Kustomize cannot inflate helmCharts with Helm v4 (kubernetes-sigs/kustomize#6013): put kustomize v5.8.1 or later on PATH (promote-image prefers it to kubectl kustomize), or Helm v3.'
  }
  if (/is 'helm' installed\?/.test(output)) {
    return 'The overlay inflates helmCharts: install helm on the runner.'
  }
  return undefined
}

interface RunFailure {
  readonly code?: number | string | null
  readonly killed?: boolean
  readonly signal?: string | null
  readonly stderr: string
  readonly timeoutMs: number
  readonly message: string
}

function run(
  file: string,
  args: readonly string[],
  env: ChildEnv,
  timeoutMs: number,
  maxBuffer: number
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, maxBuffer, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr })
        const failure: RunFailure = {
          code: (error as NodeJS.ErrnoException).code ?? null,
          killed: error.killed,
          signal: error.signal ?? null,
          stderr,
          timeoutMs,
          message: error.message
        }
        reject(failure)
      }
    )
  })
}

/** A failure in words: the tail of stderr, without kubectl's log-line prefix. */
function failureText(error: unknown): string {
  const failure = error as Partial<RunFailure>
  if (failure.killed && failure.timeoutMs !== undefined) {
    return `no answer within ${failure.timeoutMs / 1000} s (stopped)`
  }
  if (failure.code === 'ENOENT' || failure.code === 'EACCES') {
    return `cannot be run (${failure.code})`
  }
  if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return 'printed too much output'
  const output = tail(cleanStderr(failure.stderr ?? ''))
  if (output) return output
  return failure.signal ? `killed by ${failure.signal}` : `exit code ${String(failure.code)}`
}

/**
 * kubectl reports through klog: `E1122 20:43:36.407952 22286 run.go:72] "command failed"
 * err="accumulating resources: …"`; users want the part after err=.
 */
export function cleanStderr(stderr: string): string {
  return stderr
    .split('\n')
    .map(line => {
      const klog = /^[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] "command failed" err=(".*")\s*$/.exec(line)
      if (!klog?.[1]) return line.trimEnd()
      try {
        return String(JSON.parse(klog[1]))
      } catch {
        return klog[1].slice(1, -1)
      }
    })
    .join('\n')
    .trim()
}

function tail(text: string): string {
  const lines = text.split('\n')
  let kept = lines.slice(-OUTPUT_LINES).join('\n')
  if (lines.length > OUTPUT_LINES) kept = `…\n${kept}`
  return kept.length > OUTPUT_CHARS ? `…${kept.slice(-OUTPUT_CHARS)}` : kept
}

function parseVersion(
  text: string
): { major: number; minor: number; patch: number; text: string } | undefined {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(text)
  if (!match) return undefined
  const [whole, major, minor, patch] = match
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    text: whole.startsWith('v') ? whole : `v${whole}`
  }
}

function quoteLine(text: string): string {
  return JSON.stringify(text.trim().split('\n')[0]?.slice(0, 120) ?? '')
}

/** The executable `name` in PATH (empty entries skipped: they would mean the working directory). */
async function onPath(name: string, searchPath: string): Promise<string | undefined> {
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name]
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue
    for (const candidate of names) {
      const file = path.join(dir, candidate)
      try {
        if (!(await stat(file)).isFile()) continue
        await access(file, constants.X_OK)
        return file
      } catch {
        // not here
      }
    }
  }
  return undefined
}
