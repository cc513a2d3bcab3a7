/**
 * The render proof of Helm targets: the chart that reads each edited values file is rendered
 * with the real `helm template`, before and after the edit, with the environment's values
 * layering, and verifyHelmRender judges the result. A chart that adds `@sha256:` before its
 * digest key itself gets the digest without its prefix (proven by a second render); any other
 * failure refuses the promotion and names the setting to use instead.
 */
import type {
  FileEdit,
  ImageValueChange,
  RenderReport,
  ResolvedImage,
  VerifyRenderMode
} from '../model.js'
import type { HelmTarget } from '../config/index.js'
import { ACTION_NAMES, RenderError, type OptionNames } from '../errors.js'
import { editHelmValues, type PinRequest } from '../edit/index.js'
import type { Logger } from '../log/logger.js'
import { parseKeyPath } from '../yaml/index.js'
import {
  chartPrefixesDigest,
  findRenderer,
  isHelmRenderer,
  renderChartBeforeAfter,
  verifyHelmRender,
  type ChartLookup,
  type HelmChart,
  type HelmRenderer,
  type HelmVerdict,
  type RenderedText
} from '../render/index.js'

/** One Helm target edited for one image, with the chart found for its values file. */
export interface HelmProof {
  readonly target: HelmTarget
  readonly file: string
  readonly image: ResolvedImage
  readonly pin: PinRequest
  readonly chart: ChartLookup
}

export interface HelmProofRequest {
  readonly repoRoot: string
  readonly verifyRender: VerifyRenderMode
  readonly env?: NodeJS.ProcessEnv
  readonly names?: OptionNames
}

/**
 * Proves every Helm edit that changed a file. Returns the reports and the files, with the
 * digest rewritten where the chart adds `sha256:` itself. Throws RenderError (nothing written).
 */
export async function proveHelmEdits(
  request: HelmProofRequest,
  files: readonly FileEdit[],
  proofs: readonly HelmProof[],
  logger: Logger
): Promise<{ reports: RenderReport[]; files: FileEdit[] }> {
  let edited = [...files]
  const reports: RenderReport[] = []
  if (request.verifyRender === 'false') return { reports, files: edited }
  const names = request.names ?? ACTION_NAMES
  const pending = proofs.filter(proof =>
    files.some(f => f.file === proof.file && f.changes.some(c => c.image === proof.image.input))
  )
  if (pending.length === 0) return { reports, files: edited }

  const skip = (proof: HelmProof, why: string): void => {
    if (request.verifyRender === 'true') {
      throw new RenderError(
        `${names.name('verify-render')} is true, but the Helm target ${describe(proof)} cannot be rendered: ${why}.`,
        {
          subject: proof.file,
          hint: `Make the chart renderable here (name it with chart=, vendor its dependencies, install helm), or set ${names.set('verify-render', 'auto')}.`
        }
      )
    }
    logger.info(`Render proof skipped for ${describe(proof)}: ${why}.`)
  }

  let renderer: HelmRenderer | undefined
  const pinned = [...new Set(pending.map(proof => proof.image.pinned))]
  // One render per chart and edit, however many images it proves.
  const renders = new Map<string, Promise<RenderedText>>()
  const render = (chart: HelmChart, files: readonly FileEdit[]): Promise<RenderedText> => {
    const key = JSON.stringify([chart.dir, chart.valueFiles, files.map(f => [f.file, f.after])])
    let rendered = renders.get(key)
    if (!rendered) {
      rendered = renderChartBeforeAfter(
        renderer!,
        request.repoRoot,
        chart,
        new Map(files.map(f => [f.file, f.after]))
      )
      renders.set(key, rendered)
    }
    return rendered
  }
  const judge = async (
    chart: HelmChart,
    files: readonly FileEdit[],
    proof: HelmProof
  ): Promise<HelmVerdict> =>
    verifyHelmRender({
      ...(await render(chart, files)),
      repository: proof.pin.repository,
      pinned: proof.image.pinned,
      alsoPinned: pinned.filter(p => p !== proof.image.pinned),
      target: describe(proof)
    })
  for (const proof of pending) {
    if ('unavailable' in proof.chart) {
      skip(proof, proof.chart.unavailable)
      continue
    }
    if (!renderer) {
      const found = await findRenderer('helm', request.env)
      if ('unavailable' in found || !isHelmRenderer(found)) {
        skip(proof, 'unavailable' in found ? found.unavailable : 'helm cannot render charts')
        continue
      }
      renderer = found
    }
    const chart = proof.chart.chart
    let verdict = await judge(chart, edited, proof)
    if (verdict.problem === 'double-prefix' && proof.pin.digest !== undefined) {
      const retried = withBareDigest(edited, proof, chart)
      if (retried) {
        const second = await judge(chart, retried, proof)
        if (second.ok) {
          logger.info(
            `${describe(proof)}: the chart adds "@sha256:" before ${proof.target.key}.${proof.target.digestKey} itself, so the digest is written without its "sha256:" prefix.`
          )
          edited = retried
        }
        verdict = second
      }
    }
    reports.push({
      target: describe(proof),
      image: proof.image.input,
      ok: verdict.ok,
      message: verdict.message,
      rendered: await render(chart, edited)
    })
    if (!verdict.ok) {
      throw new RenderError(verdict.message, {
        subject: proof.file,
        hint: hintFor(verdict, proof, chart)
      })
    }
    logger.info(`${describe(proof)}: ${verdict.message}`)
  }
  return { reports, files: edited }
}

/**
 * How to write the digest when no render will prove the edit (verify-render false, no helm):
 * bare when the chart's templates add `@sha256:` before the digest key themselves, so that
 * `sha256:sha256:` is not written unseen. With a render, the proof decides (proveHelmEdits).
 */
export async function digestFormWithoutProof(
  request: HelmProofRequest,
  chart: ChartLookup,
  target: HelmTarget,
  file: string,
  logger: Logger
): Promise<'hex' | undefined> {
  if (!('chart' in chart)) return undefined
  if (request.verifyRender !== 'false') {
    const found = await findRenderer('helm', request.env)
    if (!('unavailable' in found)) return undefined
  }
  if (!(await chartPrefixesDigest(request.repoRoot, chart.chart.dir, target.digestKey)))
    return undefined
  logger.info(
    `${file}#${target.key}: the chart's templates add "@sha256:" before ${target.key}.${target.digestKey} themselves, so the digest is written without its "sha256:" prefix (read from the templates; no render proves it).`
  )
  return 'hex'
}

/** The files with this target's digest written bare (`<hex>`), or undefined when nothing changes. */
function withBareDigest(
  files: readonly FileEdit[],
  proof: HelmProof,
  chart: HelmChart
): FileEdit[] | undefined {
  const index = files.findIndex(f => f.file === proof.file)
  const file = files[index]
  if (!file) return undefined
  const outcome = editHelmValues(file.after, proof.file, proof.pin, {
    ...proof.target,
    lower: chart.lower,
    digestForm: 'hex'
  })
  if (outcome.changes.length === 0) return undefined
  // The bare digest replaces what the first edit reported for the same key.
  const rewritten = new Map(outcome.changes.map(c => [c.path, c.new]))
  const changes: ImageValueChange[] = file.changes.map(c =>
    rewritten.has(c.path) && c.image === proof.image.input
      ? { ...c, new: rewritten.get(c.path) }
      : c
  )
  const copy = [...files]
  copy[index] = { ...file, after: outcome.text, changes }
  return copy
}

function describe(proof: HelmProof): string {
  return `${proof.file}#${proof.target.key}`
}

/** A target setting as the user writes it: `digest-key=sha` inline, `digest-key: sha` in promotion.yaml. */
function setting(proof: HelmProof, name: string, value?: string): string {
  const inConfig = proof.target.source !== undefined && /:\d+$/.test(proof.target.source)
  if (value === undefined) return inConfig ? `${name}: true` : name
  return inConfig ? `${name}: ${value}` : `${name}=${value}`
}

/** Keys of the chart's image map (beneath the file) that name a digest, e.g. `sha`. */
function digestKeysOf(chart: HelmChart, proof: HelmProof): string[] {
  let node: unknown = chart.lower
  for (const segment of parseKeyPath(proof.target.key)) {
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string | number, unknown>)[segment]
        : undefined
  }
  if (typeof node !== 'object' || node === null) return []
  return Object.keys(node).filter(key => key !== proof.target.tagKey && /digest|sha/i.test(key))
}

function hintFor(verdict: HelmVerdict, proof: HelmProof, chart: HelmChart): string {
  const { key, digestKey, tagKey } = proof.target
  const pinTag = 'pin: tag (--pin tag) to deploy the tag alone'
  switch (verdict.problem) {
    case 'double-prefix':
      return `The chart adds "@sha256:" before ${key}.${digestKey} itself; write the digest there without its "sha256:" prefix, or set ${pinTag}.`
    case 'invalid-label':
    case 'selector': {
      const candidates = digestKeysOf(chart, proof).filter(k => k !== digestKey)
      const useKey =
        candidates.length > 0
          ? `set ${setting(proof, 'digest-key', candidates[0]!)} (the chart's ${key}.${candidates[0]})`
          : `set ${setting(proof, 'add-digest-key')} if the chart's templates read ${key}.${digestKey}`
      return `The chart copies ${key}.${tagKey} into ${verdict.problem === 'selector' ? 'a selector' : 'a label'}, so "tag@digest" cannot go there. Pin the digest under its own key: ${useKey}; or set ${pinTag}.`
    }
    case 'unpinned':
      return proof.target.addDigestKey
        ? `The chart's templates never read ${key}.${digestKey}: drop ${setting(proof, 'add-digest-key')} (promote-image then writes tag@digest into ${key}.${tagKey}), name the key they read with digest-key, or set ${pinTag}.`
        : `The chart's templates never read ${key}.${digestKey}: name the key they read with ${setting(proof, 'digest-key', '<key>')}, or set ${pinTag}.`
    case 'other-change':
      return `Check that ${key} is the image of ${proof.pin.name} and nothing else reads it; the values layering used: ${[...chart.layers, proof.file].join(' < ')}.`
    default:
      return `Make the chart ${chart.dir || '.'} render the image from ${key} (check the key, chart= and values= on the target), then promote again.`
  }
}
