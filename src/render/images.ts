import { parseAllDocuments } from 'yaml'
import { RenderError } from '../errors.js'

export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers'

/** One container of one rendered resource, as Argo CD would apply it. */
export interface RenderedImage {
  readonly kind: string
  readonly name: string
  readonly namespace?: string
  readonly container: string
  readonly containerType: ContainerType
  /** Where the container list sits in the resource: `spec.template.spec.containers`. */
  readonly field: string
  readonly image: string
}

const CONTAINER_TYPES: ReadonlySet<string> = new Set<ContainerType>([
  'containers',
  'initContainers',
  'ephemeralContainers'
])

type Json = Record<string, unknown>

/**
 * Every container image of the workloads in renderer output (multi-document
 * YAML), in document order; inside a pod spec, in the order its container
 * lists appear. Documents without workloads (Services, ConfigMaps, empty
 * documents) contribute nothing; `List` kinds contribute their items.
 */
export function extractImages(renderedYaml: string): RenderedImage[] {
  const images: RenderedImage[] = []
  for (const object of renderedObjects(renderedYaml)) collect(object, image => images.push(image))
  return images
}

/**
 * The images of renderer output that holds several targets at once, grouped by the value of
 * `annotation` on each workload (in document order within a group). `undefined` when a
 * workload lacks the annotation, so that no image is ever put down to the wrong target.
 */
export function extractImagesByAnnotation(
  renderedYaml: string,
  annotation: string
): Map<string, RenderedImage[]> | undefined {
  const groups = new Map<string, RenderedImage[]>()
  let unattributed = false
  for (const object of renderedObjects(renderedYaml)) {
    collect(object, (image, workload) => {
      const value = field(field(workload, 'metadata'), 'annotations')?.[annotation]
      if (typeof value !== 'string') unattributed = true
      else if (groups.has(value)) groups.get(value)!.push(image)
      else groups.set(value, [image])
    })
  }
  return unattributed ? undefined : groups
}

function* renderedObjects(renderedYaml: string): Generator<unknown> {
  for (const doc of parseAllDocuments(renderedYaml)) {
    const error = doc.errors[0]
    if (error) {
      throw new RenderError(`The renderer printed YAML that cannot be parsed: ${error.message}`, {
        hint: 'This is a bug in the renderer or in a chart template; run it by hand to see the output.'
      })
    }
    // toJS keeps its default alias cap: chart templates may hold anchors, never need many.
    yield doc.toJS()
  }
}

function collect(object: unknown, push: (image: RenderedImage, workload: Json) => void): void {
  if (!isObject(object)) return
  const kind = typeof object.kind === 'string' ? object.kind : ''
  if (Array.isArray(object.items) && (kind === 'List' || kind.endsWith('List'))) {
    for (const item of object.items) collect(item, push)
    return
  }
  // kustomize's images transformer skips CRDs: their schemas describe containers, hold none.
  if (kind === 'CustomResourceDefinition') return
  const metadata = isObject(object.metadata) ? object.metadata : {}
  const name = typeof metadata.name === 'string' ? metadata.name : ''
  const namespace =
    typeof metadata.namespace === 'string' && metadata.namespace !== ''
      ? metadata.namespace
      : undefined
  for (const { list, field: at, type } of containerLists(object, [])) {
    for (const container of list) {
      // A container without an image is not valid Kubernetes; nothing to compare.
      if (!isObject(container) || typeof container.image !== 'string') continue
      push(
        {
          kind,
          name,
          ...(namespace === undefined ? {} : { namespace }),
          container: typeof container.name === 'string' ? container.name : '',
          containerType: type,
          field: at,
          image: container.image
        },
        object
      )
    }
  }
}

/**
 * Every container list of a resource, at any depth and in any kind, the way kustomize's images
 * transformer finds them (api/filters/imagetag/legacy.go, LegacyFilter: every sequence under a
 * field named `containers` or `initContainers`): so a Knative Service, a KEDA ScaledJob or any
 * CRD with a pod template is proved like a Deployment. `ephemeralContainers` (Pods only, which
 * kustomize leaves alone) are listed too: they run images as well.
 */
function* containerLists(
  value: unknown,
  path: readonly string[]
): Generator<{ list: unknown[]; field: string; type: ContainerType }> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      yield* containerLists(item, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${index}]`])
    }
    return
  }
  if (!isObject(value)) return
  for (const [key, child] of Object.entries(value)) {
    if (CONTAINER_TYPES.has(key) && Array.isArray(child)) {
      yield { list: child, field: [...path, key].join('.'), type: key as ContainerType }
    } else {
      yield* containerLists(child, [...path, key])
    }
  }
}

function field(object: Json | undefined, key: string): Json | undefined {
  const value = object?.[key]
  return isObject(value) ? value : undefined
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
