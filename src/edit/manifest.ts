/**
 * Pins an image in plain Kubernetes YAML, the files Argo CD applies as they
 * are: every container and initContainer `image:` of the repository, in any
 * kind and every document.
 *
 * Which containers: kustomize's imagetag LegacyFilter (api/filters/imagetag/
 * legacy.go, `LegacyFilter.filter` and `findFieldsFilter.walk`) walks the whole
 * object and takes the `image` of every item of a sequence under a field named
 * `containers` or `initContainers`, at any depth, skipping only
 * CustomResourceDefinitions. The same walk here finds Deployments, CronJobs,
 * Argo Rollouts, Knative Services and any CRD with a pod-spec-like list.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Scalar } from 'yaml'
import { EditError } from '../errors.js'
import {
  canonicalRepository,
  formatReference,
  parseReference,
  type ImageReference
} from '../reference/index.js'
import {
  formatKeyPath,
  editableScalar,
  lineOf,
  parseYaml,
  replaceScalar,
  type ParsedYaml
} from '../yaml/index.js'
import { applyVerified, type IntendedChange } from './guard.js'
import type { CurrentPin } from './read.js'
import type { EditOutcome, PinRequest } from './types.js'
import type { ValueChange } from '../model.js'

/** One file of a manifest target, as read. */
export interface ManifestFile {
  readonly file: string
  readonly text: string
}

/** The fields kustomize's LegacyFilter looks under (findFieldsFilter's `fields`). */
const CONTAINER_FIELDS: ReadonlySet<string> = new Set(['containers', 'initContainers'])

/** One container `image:` of a manifest. */
export interface ContainerImage {
  readonly document: number
  readonly path: readonly (string | number)[]
  /** `spec.template.spec.containers[0].image`. */
  readonly display: string
  readonly line: number
  /** The value as written (an alias's anchored value). */
  readonly value: string
  /** The node holding it (an alias when the value is anchored elsewhere). */
  readonly node: unknown
  /** Undefined when the value is no image reference (a template such as `${IMAGE}`). */
  readonly reference?: ImageReference
}

/** Every container and initContainer image of every document, in file order. */
export function containerImages(parsed: ParsedYaml): ContainerImage[] {
  const found: ContainerImage[] = []
  parsed.documents.forEach((doc, document) => {
    const root = doc.contents
    const kind: unknown = isMap(root) ? root.get('kind') : undefined
    if (kind === 'CustomResourceDefinition') return
    walk(parsed, doc, document, root, [], found)
  })
  return found
}

function walk(
  parsed: ParsedYaml,
  doc: Document.Parsed,
  document: number,
  node: unknown,
  path: (string | number)[],
  found: ContainerImage[]
): void {
  if (isSeq(node)) {
    node.items.forEach((item, i) => walk(parsed, doc, document, item, [...path, i], found))
    return
  }
  if (!isMap(node)) return
  for (const pair of node.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue
    const key = pair.key.value
    walk(parsed, doc, document, pair.value, [...path, key], found)
    if (!CONTAINER_FIELDS.has(key) || !isSeq(pair.value)) continue
    pair.value.items.forEach((container, i) => {
      if (!isMap(container)) return
      const imagePair = container.items.find(p => isScalar(p.key) && p.key.value === 'image')
      if (!imagePair) return
      const node = imagePair.value
      const scalar = isAlias(node) ? node.resolve(doc) : node
      if (!isScalar(scalar) || typeof scalar.value !== 'string') return
      const at = [...path, key, i, 'image']
      found.push({
        document,
        path: at,
        display: formatKeyPath(at),
        line: lineOf(parsed, ((node as Scalar).range ?? scalar.range)![0]),
        value: scalar.value,
        node,
        reference: tryParse(scalar.value)
      })
    })
  }
}

function tryParse(value: string): ImageReference | undefined {
  try {
    return parseReference(value)
  } catch {
    return undefined
  }
}

/**
 * Pins `pin` in every container of its repository across the files of one
 * manifest target (repositories compare canonically: `nginx` is
 * `docker.io/library/nginx`). The value written is `name:tag@digest` with the
 * repository spelled as the file spells it. Values that are no reference
 * (templates) are left alone. No container of the repository in any of the
 * files is an error naming the images they hold. Returns one outcome per
 * file, in the order given.
 */
export function editManifests(
  files: readonly ManifestFile[],
  pin: PinRequest,
  target: string
): EditOutcome[] {
  const parsed = files.map(f => parseYaml(f.text, f.file))
  const images = parsed.map(containerImages)
  const matches = images.map(list =>
    list.filter(image => image.reference && canonicalRepository(image.reference) === pin.repository)
  )
  if (matches.every(list => list.length === 0)) {
    throw new EditError(
      `${target}: no container or initContainer uses ${pin.name}; ${describeHeld(files, images)}.`,
      {
        subject: target,
        hint: `Point the target at the manifests that deploy ${pin.name}, or restrict it with images: [name] to the images it deploys.`
      }
    )
  }
  return parsed.map((file, i) => pinContainers(file, matches[i]!, pin))
}

function pinContainers(
  parsed: ParsedYaml,
  matches: readonly ContainerImage[],
  pin: PinRequest
): EditOutcome {
  const edits = []
  const intended: IntendedChange[] = []
  const changes: ValueChange[] = []
  for (const image of matches) {
    const value = formatReference({ name: image.reference!.name, tag: pin.tag, digest: pin.digest })
    if (value === image.value) continue
    const doc = parsed.documents[image.document]!
    const scalar = editableScalar(parsed, doc, image.node, image.display)
    edits.push(replaceScalar(scalar, value))
    intended.push({ document: image.document, path: image.path, value })
    changes.push({
      file: parsed.file,
      line: image.line,
      path: image.display,
      old: image.value,
      new: value
    })
  }
  return applyVerified(parsed, edits, intended, changes)
}

function describeHeld(
  files: readonly ManifestFile[],
  images: readonly (readonly ContainerImage[])[]
): string {
  const all = images.flat()
  const where = files.length === 1 ? files[0]!.file : `its ${files.length} files`
  if (all.length === 0) return `${where} hold${files.length === 1 ? 's' : ''} no container images`
  const references = [...new Set(all.filter(i => i.reference).map(i => i.value))]
  const templates = [...new Set(all.filter(i => !i.reference).map(i => i.value))]
  const parts = [
    references.length > 0 ? references.join(', ') : '',
    templates.length > 0
      ? `${templates.map(t => JSON.stringify(t)).join(', ')} (not image references; left alone)`
      : ''
  ].filter(Boolean)
  return `${where} hold${files.length === 1 ? 's' : ''} ${parts.join('; ')}`
}

/**
 * What a manifest target pins now for `repository` (canonical): the first
 * container of it, in file and document order.
 */
export function readManifestPin(
  files: readonly ManifestFile[],
  repository: string
): CurrentPin | undefined {
  for (const f of files) {
    const parsed = parseYaml(f.text, f.file)
    const image = containerImages(parsed).find(
      i => i.reference && canonicalRepository(i.reference) === repository
    )
    if (image) {
      const { name, tag, digest } = image.reference!
      return { repository: name, tag, digest, file: f.file, line: image.line }
    }
  }
  return undefined
}

/** Every repository (as written) a manifest target's containers use, for "all images". */
export function manifestRepositories(files: readonly ManifestFile[]): string[] {
  const found = new Set<string>()
  for (const f of files) {
    for (const image of containerImages(parseYaml(f.text, f.file))) {
      if (image.reference) found.add(image.reference.name)
    }
  }
  return [...found]
}
