/**
 * The verdict on a Helm edit, over the chart rendered before and after it: Argo CD must get
 * exactly the pinned reference in every container of the repository, valid labels, and nothing
 * else changed that the image does not explain. Pure: rendered text in, verdict out.
 */
import { formatKeyPath } from '../yaml/index.js'
import { parseAllDocuments } from 'yaml'
import { RenderError } from '../errors.js'
import { parseReference } from '../reference/index.js'
import { extractImages, type RenderedImage } from './images.js'
import { describeContainer, verifyRender, type RenderVerdict } from './proof.js'

export interface HelmVerdictRequest {
  /** `helm template` output before and after the edit. */
  readonly before: string
  readonly after: string
  /** Canonical repository ('docker.io/library/nginx'). */
  readonly repository: string
  /** The reference every container of the repository must render. */
  readonly pinned: string
  /** How messages name the target: 'charts/app/values-prod.yaml#image'. */
  readonly target: string
  /** Other references the same edit pins (several images in one chart): their changes are explained too. */
  readonly alsoPinned?: readonly string[]
}

export type HelmProblem =
  /** `…@sha256:sha256:…`: the chart adds `@sha256:` before the digest key itself. */
  | 'double-prefix'
  /** The tag renders without the digest: the template does not read the digest key. */
  | 'unpinned'
  /** A label value the image reached is not a valid Kubernetes label value. */
  | 'invalid-label'
  /** A selector changed: Deployments, StatefulSets, DaemonSets and Jobs cannot change it. */
  | 'selector'
  /** Containers of the repository do not render the pinned reference (see verifyRender). */
  | 'not-pinned'
  /** Something the image does not explain changed, or a resource came or went. */
  | 'other-change'

export interface HelmVerdict {
  readonly ok: boolean
  readonly problem?: HelmProblem
  /** Plain words for the log and the job summary. */
  readonly message: string
  /** The image part, as for Kustomize targets. */
  readonly images: RenderVerdict
  /** Labels that are invalid after the edit: `Deployment app: metadata.labels.version = "…"`. */
  readonly invalidLabels: readonly string[]
}

/** How many findings a message lists before "and N more". */
const LISTED = 8
/**
 * Kubernetes' label value rule, apimachinery pkg/util/validation/validation.go IsValidLabelValue:
 * at most 63 characters, empty or alphanumerics with '-', '_', '.' between.
 */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const LABEL_VALUE_MAX = 63
/** Kinds whose spec.selector the API server refuses to change (immutable after creation). */
const IMMUTABLE_SELECTOR = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'])

export function isValidLabelValue(value: string): boolean {
  return value.length <= LABEL_VALUE_MAX && LABEL_VALUE.test(value)
}

export function verifyHelmRender(request: HelmVerdictRequest): HelmVerdict {
  const before = objects(request.before)
  const after = objects(request.after)
  const images = verifyRender(
    extractImages(request.before),
    extractImages(request.after),
    request.repository,
    request.pinned,
    request.target
  )
  const invalidLabels = labelProblems(before, after)
  const base = { images, invalidLabels }
  const fail = (problem: HelmProblem, message: string): HelmVerdict => ({
    ...base,
    ok: false,
    problem,
    message
  })

  const doubled = images.stale.filter(image => /@sha256:sha256:/.test(image.image))
  if (doubled.length > 0) {
    return fail(
      'double-prefix',
      [
        `${request.target} renders the digest twice prefixed, which no registry resolves:`,
        ...listed(doubled.map(image => `${describeContainer(image)}: ${image.image}`))
      ].join('\n')
    )
  }
  if (invalidLabels.length > 0) {
    return fail(
      'invalid-label',
      [
        `${request.target} renders label values Kubernetes refuses (at most 63 characters: letters, digits, "-", "_", "." inside), so the apply would fail:`,
        ...listed(invalidLabels)
      ].join('\n')
    )
  }
  if (!images.ok) {
    const wanted = parseReference(request.pinned)
    const unpinned =
      wanted.digest !== undefined &&
      images.stale.length > 0 &&
      images.stale.every(image => rendersTagOnly(image, wanted.tag))
    return fail(
      unpinned ? 'unpinned' : 'not-pinned',
      unpinned
        ? [
            `${request.target} renders the tag without the digest, so Argo CD would deploy whatever ${wanted.tag} points to:`,
            ...listed(images.stale.map(image => `${describeContainer(image)}: ${image.image}`))
          ].join('\n')
        : images.message
    )
  }

  const explained = [request.pinned, ...(request.alsoPinned ?? [])].flatMap(imageTokens)
  const changes = otherChanges(before, after, explained)
  const selectors = changes.filter(change => change.selector)
  if (selectors.length > 0) {
    return fail(
      'selector',
      [
        `${request.target} changes a selector, which Kubernetes does not allow on an existing workload:`,
        ...listed(selectors.map(change => change.text))
      ].join('\n')
    )
  }
  if (changes.length > 0) {
    return fail(
      'other-change',
      [
        `The edit of ${request.target} changes more than the image of ${request.repository}:`,
        ...listed(changes.map(change => change.text))
      ].join('\n')
    )
  }
  return { ...base, ok: true, message: images.message }
}

/** The image renders the promoted tag with no digest: the chart ignored the digest key. */
function rendersTagOnly(image: RenderedImage, tag: string | undefined): boolean {
  try {
    const ref = parseReference(image.image)
    return ref.digest === undefined && ref.tag === tag
  } catch {
    return false
  }
}

/** The pieces of the pinned reference that other rendered values may copy (a version label). */
function imageTokens(pinned: string): string[] {
  const ref = parseReference(pinned)
  const tokens = [ref.tag, ref.digest, ref.digest?.replace(/^sha256:/, '')]
  return tokens.filter((token): token is string => token !== undefined && token !== '')
}

type Json = Record<string, unknown>

interface Resource {
  readonly id: string
  readonly kind: string
  readonly object: Json
}

function objects(rendered: string): Map<string, Resource> {
  const out = new Map<string, Resource>()
  for (const doc of parseAllDocuments(rendered)) {
    const error = doc.errors[0]
    if (error) {
      throw new RenderError(`helm printed YAML that cannot be parsed: ${error.message}`, {
        hint: 'A chart template renders invalid YAML; run helm template by hand to see it.'
      })
    }
    const object: unknown = doc.toJS()
    if (!isObject(object)) continue
    const kind = typeof object.kind === 'string' ? object.kind : ''
    const metadata = isObject(object.metadata) ? object.metadata : {}
    const name = typeof metadata.name === 'string' ? metadata.name : ''
    const namespace = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : ''
    let id = `${kind} ${namespace}${name}`
    // Two templates rendering one name: keep both, in order.
    for (let n = 2; out.has(id); n++) id = `${kind} ${namespace}${name} (${n})`
    out.set(id, { id, kind, object })
  }
  return out
}

/** Label values invalid after the edit that were not already there, invalid, before it. */
function labelProblems(before: Map<string, Resource>, after: Map<string, Resource>): string[] {
  const problems: string[] = []
  for (const resource of after.values()) {
    const previous = before.get(resource.id)?.object
    walk(resource.object, [], (path, value) => {
      if (!isLabelPath(resource.kind, path) || typeof value !== 'string') return
      if (isValidLabelValue(value)) return
      if (previous !== undefined && valueAt(previous, path) === value) return
      problems.push(`${resource.id}: ${formatKeyPath(path)} = ${JSON.stringify(value)}`)
    })
  }
  return problems
}

/** metadata.labels, pod template labels, matchLabels of any selector, a Service's selector. */
function isLabelPath(kind: string, path: readonly (string | number)[]): boolean {
  const parent = path[path.length - 2]
  if (parent === 'labels' || parent === 'matchLabels') return true
  return (
    (kind === 'Service' || kind === 'ReplicationController') &&
    path.length === 3 &&
    path[0] === 'spec' &&
    path[1] === 'selector'
  )
}

interface Change {
  readonly text: string
  readonly selector: boolean
}

/**
 * What changed besides container images: resources added or removed, and values that do not
 * carry the new tag or digest (a version label copying the tag follows the image; a checksum
 * annotation follows a rendered file that did).
 */
function otherChanges(
  before: Map<string, Resource>,
  after: Map<string, Resource>,
  explained: readonly string[]
): Change[] {
  const changes: Change[] = []
  for (const id of before.keys()) {
    if (!after.has(id)) changes.push({ text: `${id}: no longer rendered`, selector: false })
  }
  for (const [id, resource] of after) {
    const previous = before.get(id)
    if (!previous) {
      changes.push({ text: `${id}: newly rendered`, selector: false })
      continue
    }
    for (const path of differences(previous.object, resource.object, [])) {
      if (isContainerImage(path)) continue
      const old = valueAt(previous.object, path)
      const now = valueAt(resource.object, path)
      const selector =
        IMMUTABLE_SELECTOR.has(resource.kind) && path[0] === 'spec' && path[1] === 'selector'
      const follows = typeof now === 'string' && explained.some(token => now.includes(token))
      const checksum =
        path.length === 5 &&
        path[path.length - 2] === 'annotations' &&
        String(path[path.length - 1]).startsWith('checksum/')
      if (!selector && (follows || checksum)) continue
      changes.push({
        text: `${id}: ${formatKeyPath(path)}: ${show(old)} → ${show(now)}`,
        selector
      })
    }
  }
  return changes
}

function isContainerImage(path: readonly (string | number)[]): boolean {
  const n = path.length
  return (
    n >= 3 &&
    path[n - 1] === 'image' &&
    typeof path[n - 2] === 'number' &&
    ['containers', 'initContainers', 'ephemeralContainers'].includes(String(path[n - 3]))
  )
}

/** Paths of the leaves that differ (a subtree present on one side only is one path). */
function differences(
  a: unknown,
  b: unknown,
  path: (string | number)[]
): Array<(string | number)[]> {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: Array<(string | number)[]> = []
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      out.push(...differences(a[i], b[i], [...path, i]))
    return out
  }
  if (isObject(a) && isObject(b)) {
    const out: Array<(string | number)[]> = []
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      out.push(...differences(a[key], b[key], [...path, key]))
    return out
  }
  return a === b ? [] : [path]
}

function walk(
  node: unknown,
  path: (string | number)[],
  visit: (path: (string | number)[], value: unknown) => void
): void {
  if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i], visit))
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) walk(value, [...path, key], visit)
  } else visit(path, node)
}

function valueAt(node: unknown, path: readonly (string | number)[]): unknown {
  let current = node
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string | number, unknown>)[segment]
  }
  return current
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)'
  const text = JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

function listed(lines: readonly string[]): string[] {
  const shown = lines.slice(0, LISTED).map(line => `  - ${line}`)
  if (lines.length > LISTED) shown.push(`  - and ${lines.length - LISTED} more`)
  return shown
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
