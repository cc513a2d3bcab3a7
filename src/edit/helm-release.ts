/**
 * Flux HelmReleases (helm.toolkit.fluxcd.io): a `helm:` target edits their `spec.values`
 * like any values file (editHelmValues, key `spec.values.image`). This reads where the chart
 * comes from, for the Helm render proof: helm-controller's HelmChartTemplateSpec
 * (api/v2/helmrelease_types.go) has `chart`, "the name or path the Helm chart is available at
 * in the SourceRef", and `valuesFiles` inside that chart; the version is ignored for
 * GitRepository and Bucket sources, whose `chart` is a path in the source's tree. When that
 * GitRepository is this config repository, the chart is local: `chart` relative to its root.
 * `spec.chartRef` (an OCIRepository or HelmChart) names no path, and gives `undefined` here.
 */
import { isMap, isScalar, isSeq } from 'yaml'
import { lineOf, nodeAt, parseKeyPath, parseYaml, stringAt } from '../yaml/index.js'

export interface HelmReleaseChart {
  /** metadata.name of the HelmRelease. */
  readonly release: string
  readonly line: number
  /** spec.chart.spec.chart: a chart name in a HelmRepository, a path in a GitRepository or Bucket. */
  readonly chart: string
  readonly sourceRef: { readonly kind: string; readonly name: string; readonly namespace?: string }
  /** `chart` is a path inside a source tree (GitRepository, Bucket), not a repository's chart name. */
  readonly path: boolean
  /** spec.chart.spec.valuesFiles: files inside the chart, merged before spec.values. */
  readonly valuesFiles: readonly string[]
}

/** Every HelmRelease of a file with a `spec.chart.spec`, in document order. */
export function helmReleaseCharts(text: string, file: string): HelmReleaseChart[] {
  const parsed = parseYaml(text, file)
  const charts: HelmReleaseChart[] = []
  for (const doc of parsed.documents) {
    const root = doc.contents
    if (!isMap(root) || stringAt(root, 'kind') !== 'HelmRelease') continue
    if (!(stringAt(root, 'apiVersion') ?? '').startsWith('helm.toolkit.fluxcd.io/')) continue
    const spec = nodeAt(doc, ['spec', 'chart', 'spec'])
    const ref = nodeAt(doc, ['spec', 'chart', 'spec', 'sourceRef'])
    if (!isMap(spec) || !isMap(ref)) continue
    const chart = stringAt(spec, 'chart')
    const kind = stringAt(ref, 'kind')
    const name = stringAt(ref, 'name')
    if (chart === undefined || kind === undefined || name === undefined) continue
    const namespace = stringAt(ref, 'namespace')
    const values = nodeAt(doc, ['spec', 'chart', 'spec', 'valuesFiles'])
    const metadata = nodeAt(doc, ['metadata'])
    charts.push({
      release: (isMap(metadata) && stringAt(metadata, 'name')) || '',
      line: lineOf(parsed, root.range![0]),
      chart,
      sourceRef: { kind, name, ...(namespace !== undefined && { namespace }) },
      path: kind === 'GitRepository' || kind === 'Bucket',
      valuesFiles: isSeq(values)
        ? values.items.flatMap(item =>
            isScalar(item) && typeof item.value === 'string' ? [item.value] : []
          )
        : []
    })
  }
  return charts
}

/** Whether `key` names values of a Flux HelmRelease in the file (`spec.values.…` of one). */
export function isHelmReleaseValues(text: string, file: string, key: string): boolean {
  const path = parseKeyPath(key)
  if (path[0] !== 'spec' || path[1] !== 'values') return false
  return parseYaml(text, file).documents.some(
    doc =>
      isMap(doc.contents) &&
      stringAt(doc.contents, 'kind') === 'HelmRelease' &&
      (stringAt(doc.contents, 'apiVersion') ?? '').startsWith('helm.toolkit.fluxcd.io/') &&
      nodeAt(doc, path) !== undefined
  )
}
