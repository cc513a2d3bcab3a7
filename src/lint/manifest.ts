/**
 * Kubernetes manifests: the containers of every workload kind (Lists
 * included), Argo CD Applications' and Flux Kustomizations' image overrides,
 * and imagePullPolicy: IfNotPresent with a mutable tag.
 */
import { isMap, isSeq } from 'yaml'
import { matchingMutablePattern } from '../policy/index.js'
import { formatReference } from '../reference/index.js'
import {
  entries,
  follow,
  isTemplate,
  report,
  resolve,
  scalarText,
  tryParse,
  type Context,
  type Entry
} from './context.js'
import { lintArgoKustomizeImages, lintKustomizeImages } from './kustomize.js'
import { lintArgoHelmParameters } from './argocd.js'
import { walkHelmValues } from './helm.js'
import { lintEmbeddedValues } from './embedded.js'
import { checkReference, PIN_SUGGESTION } from './verdicts.js'

/** Where each workload kind keeps its Pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  Rollout: ['spec', 'template', 'spec'], // Argo Rollouts
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec']
}
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const

export function lintManifest(
  context: Context,
  top: Map<string, Entry>,
  apiVersion: string,
  kind: string,
  depth = 0
): void {
  if (kind === 'List' || kind.endsWith('List')) {
    const items = top.get('items')?.value
    if (!isSeq(items)) return
    for (const item of items.items) {
      const resource = resolve(context, item)
      if (!isMap(resource)) continue
      const fields = entries(context, resource)
      const itemApi = scalarText(fields.get('apiVersion')?.value)
      const itemKind = scalarText(fields.get('kind')?.value)
      if (typeof itemApi === 'string' && typeof itemKind === 'string' && depth < 8) {
        lintManifest(context, fields, itemApi, itemKind, depth + 1)
      }
    }
    return
  }
  if (
    apiVersion.startsWith('argoproj.io/') &&
    (kind === 'Application' || kind === 'ApplicationSet')
  ) {
    // An ApplicationSet's template holds an Application spec.
    const spec = follow(
      context,
      top,
      kind === 'Application' ? ['spec'] : ['spec', 'template', 'spec']
    )
    for (const source of argoSources(context, spec)) lintArgoSource(context, source)
    return
  }
  if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
    lintKustomizeImages(context, follow(context, top, ['spec'])?.get('images')?.value)
    return
  }
  if (kind === 'HelmRelease' && apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
    // Inline values, read as a values file is (Flux helm-controller passes them to the chart).
    const values = follow(context, top, ['spec'])?.get('values')?.value
    if (values !== undefined) walkHelmValues(context, values, false)
    return
  }
  const path = POD_SPEC_PATHS[kind]
  const podSpec = path && follow(context, top, path)
  if (!podSpec) return
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec.get(list)?.value
    if (!isSeq(containers)) continue
    for (const item of containers.items) {
      const container = resolve(context, item)
      if (isMap(container)) lintContainer(context, entries(context, container))
    }
  }
}

function lintContainer(context: Context, container: Map<string, Entry>): void {
  const node = container.get('image')?.value
  const text = scalarText(node)
  if (node === undefined || typeof text !== 'string' || isTemplate(text)) return
  const ref = tryParse(text)
  if (!ref || ref.digest !== undefined) return
  const overlays = context.pinnedByOverlays(context.file, text)
  if (overlays.pinned) return
  // Some overlays pin it, but this one renders the base's tag: say which, or the finding puzzles.
  const keptBy = overlays.keptBy && ` (${overlays.keptBy} keeps this tag)`
  const pullPolicy = scalarText(container.get('imagePullPolicy')?.value)
  // Kubernetes defaults to Always only for `:latest` and untagged images.
  const defaulted = ref.tag === undefined || ref.tag === 'latest' ? 'Always' : 'IfNotPresent'
  const mutable =
    ref.tag === undefined || matchingMutablePattern(ref.tag, context.policy) !== undefined
  if (mutable && (pullPolicy ?? defaulted) === 'IfNotPresent') {
    const how = pullPolicy === undefined ? ' (the default for a tag other than latest)' : ''
    const tag = ref.tag ?? 'latest (implied: no tag)'
    report(context, node, {
      severity: 'error',
      kind: 'manifest',
      image: formatReference(ref),
      problem: 'pull-policy',
      message: `IfNotPresent${how} with mutable tag ${tag}${keptBy ?? ''}: nodes keep the cached image and Argo CD shows Synced while pods run the old digest (incident: 'Synced, 0 updated')`,
      suggestion: `${PIN_SUGGESTION}; imagePullPolicy: Always alone would not restart running pods`
    })
    return
  }
  checkReference(context, node, 'manifest', ref, keptBy)
}

/** `spec.source` and every entry of `spec.sources` (multi-source Applications). */
function argoSources(context: Context, spec: Map<string, Entry> | undefined): Map<string, Entry>[] {
  const sources: Map<string, Entry>[] = []
  const single = follow(context, spec, ['source'])
  if (single) sources.push(single)
  const list = spec?.get('sources')?.value
  if (isSeq(list)) {
    for (const item of list.items) {
      const source = resolve(context, item)
      if (isMap(source)) sources.push(entries(context, source))
    }
  }
  return sources
}

/** What an Argo CD source overrides: kustomize.images, helm.parameters, helm.valuesObject. */
function lintArgoSource(context: Context, source: Map<string, Entry>): void {
  lintArgoKustomizeImages(context, follow(context, source, ['kustomize'])?.get('images')?.value)
  const helm = follow(context, source, ['helm'])
  lintArgoHelmParameters(context, helm?.get('parameters')?.value)
  const valuesObject = helm?.get('valuesObject')?.value
  if (valuesObject !== undefined) walkHelmValues(context, valuesObject, false)
  lintEmbeddedValues(context, helm?.get('values')?.value)
}
