import { mkdtemp, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { RenderError } from '../errors.js'
import type { HelmChart } from './helm-chart.js'
import { RenderCommandError, type HelmRenderer } from './renderers.js'
import { applyChanges, assertInsideRepository, copyRepository, repoRelative } from './workspace.js'

export interface RenderedText {
  readonly before: string
  readonly after: string
}

/**
 * `helm template` of `chart` as the repository has it and as it would be with `changes`
 * (repository-relative path → new text) applied: the edit goes to a copy of the chart and its
 * values files in a fresh temporary directory, removed afterwards; the repository is not touched.
 * Returns the rendered YAML of both sides.
 */
export async function renderChartBeforeAfter(
  renderer: HelmRenderer,
  repoRoot: string,
  chart: HelmChart,
  changes: ReadonlyMap<string, string>
): Promise<RenderedText> {
  const root = await realpath(repoRoot)
  const edits = new Map<string, string>()
  for (const [file, text] of changes) {
    const rel = repoRelative(file, 'changed file')
    await assertInsideRepository(root, rel)
    edits.set(rel, text)
  }
  const before = renderIn(renderer, root, root, chart, 'before')
  before.catch(() => undefined)
  const temp = await realpath(await mkdtemp(path.join(tmpdir(), 'promote-image-helm-')))
  try {
    // One level down, so that a relative path climbing out of the copy stays in our directory.
    const copyRoot = path.join(temp, 'repo')
    const closure = [chart.dir, ...chart.valueFiles, ...edits.keys()]
    await copyRepository(root, copyRoot, chart.dir === '' ? undefined : closure)
    await applyChanges(copyRoot, edits)
    const after = await renderIn(renderer, root, copyRoot, chart, 'after')
    return { before: await before, after }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}

async function renderIn(
  renderer: HelmRenderer,
  root: string,
  tree: string,
  chart: HelmChart,
  side: 'before' | 'after'
): Promise<string> {
  const shown = chart.dir || '.'
  try {
    return await renderer.template(
      path.join(tree, chart.dir),
      chart.valueFiles.map(file => path.join(tree, file))
    )
  } catch (error) {
    if (!(error instanceof RenderError)) throw error
    const detail = (error instanceof RenderCommandError ? error.output : error.message)
      .replaceAll(`${tree}${path.sep}`, '')
      .replaceAll(`${root}${path.sep}`, '')
    const command = `helm template ${shown}${chart.valueFiles.map(f => ` -f ${f}`).join('')}`
    throw new RenderError(
      `helm could not render the chart ${shown} ${side === 'before' ? 'before' : 'after'} the edit:\n${detail
        .split('\n')
        .map(line => `  ${line}`)
        .join('\n')}`,
      {
        hint:
          side === 'after'
            ? `The edited values do not render, so nothing is committed. Check what the edit changed (rendered with helm ${renderer.version ?? ''}: ${command}).`
            : `The chart does not render in the config repository as it is; fix that first (run \`${command}\`).`,
        subject: shown,
        cause: error
      }
    )
  }
}
