/**
 * Which base images the kustomizations above them pin. A base Deployment with
 * `image: app:latest` is fine when every kustomization that renders it sets
 * the tag or digest of `app` in its `images:`: what runs is the overlay's
 * tag, and the overlay's entry is linted instead. When one overlay (or the
 * base's own kustomization, built alone) leaves the tag as it is, the base's
 * tag runs there, so it is reported.
 *
 * Kustomize's rules, followed here:
 * - an `images:` entry applies when its `name` matches the container's image
 *   string by `image.IsImageMatched` (api/image/image.go): the name is a
 *   regular expression, anchored, followed by an optional `:tag` and
 *   `@sha256:…`. Literal, not normalized: `docker.io/library/nginx` does not
 *   match `nginx:1.0`.
 * - entries apply one after another, each to what the previous left
 *   (`imageTagUpdater.SetImageValue`, api/filters/imagetag/updater.go): a
 *   rename (`newName`) then an entry naming the new name is a chain; newTag
 *   and digest replace both the tag and the digest.
 * - a kustomization's transformers run on what its resources built (inner
 *   kustomizations first), after its components, which run on the parent's
 *   resources (`KustTarget.accumulateComponents`, api/internal/target/kusttarget.go).
 */
import { isAlias, isMap, isSeq, parseAllDocuments, type Document } from 'yaml'
import {
  applyKustomizeImage,
  kustomizeImageMatches,
  splitKustomizeImage,
  type KustomizeImageEntry
} from '../reference/index.js'
import { dirname, join } from 'node:path'
import { firstYamlProblem } from '../yaml/index.js'
import { isTemplate, nonEmpty, scalarText } from './context.js'
import { isKustomizationFile } from './kustomize.js'

interface Kustomization {
  readonly isComponent: boolean
  /** Files and directories, joined to the kustomization's directory. */
  readonly resources: readonly string[]
  readonly components: readonly string[]
  readonly images: readonly KustomizeImageEntry[]
}

/**
 * Whether every kustomization rendering `file` pins the tag of its `image`;
 * when not, `keptBy` names a kustomization whose render keeps the base's tag
 * (undefined when no kustomization renders the file at all).
 */
export type PinnedByOverlays = (
  file: string,
  image: string
) => { readonly pinned: boolean; readonly keptBy?: string }

/** Paths from a base to its roots beyond this are not followed; the base is then reported. */
const MAX_PATHS = 256

/**
 * Builds the check from every file read (paths as shown, texts as read).
 * `root` is the repository directory lint was given: Argo CD Applications and
 * Flux Kustomizations name their kustomization by a path from there, and
 * their `images` overrides run on top of it.
 */
export function overlayPins(
  read: readonly { file: string; text: string }[],
  root?: string
): PinnedByOverlays {
  const kustomizations = new Map<string, Kustomization>()
  const byDir = new Map<string, string>()
  const controllers: { key: string; file: string; path: string; images: KustomizeImageEntry[] }[] =
    []
  for (const { file, text } of read) {
    if (!isKustomizationFile(file)) {
      if (root !== undefined) controllers.push(...controllerOverrides(text, file, root))
      continue
    }
    const parsed = parseKustomization(text, file)
    if (parsed === undefined) continue
    kustomizations.set(file, parsed)
    byDir.set(dirname(file), file)
  }
  // Who includes whom: a file or a directory's kustomization, by each kustomization.
  const parents = new Map<string, string[]>()
  const shown = new Map<string, string>()
  for (const { key, file, path, images } of controllers) {
    const child = byDir.get(path)
    if (child === undefined) continue
    // What the controller builds: that kustomization, then its images on top (an approximation
    // of Argo CD's `kustomize edit set image`, which replaces an entry of the same name).
    kustomizations.set(key, { isComponent: false, resources: [], components: [], images })
    shown.set(key, file)
    parents.set(child, [...(parents.get(child) ?? []), key])
  }
  for (const [file, k] of kustomizations) {
    for (const path of [...k.resources, ...k.components]) {
      const child = byDir.get(path) ?? path
      if (child === file) continue
      parents.set(child, [...(parents.get(child) ?? []), file])
    }
  }
  const imagesAt = (file: string): KustomizeImageEntry[] => {
    const k = kustomizations.get(file)!
    if (k.isComponent) return [] // a component's entries run at the kustomization using it
    const fromComponents = k.components.flatMap(dir => {
      const component = kustomizations.get(byDir.get(dir) ?? '')
      return component?.isComponent ? component.images : []
    })
    return [...fromComponents, ...k.images]
  }

  return (file, image) => {
    let roots = 0
    let unpinnedRoot: string | undefined
    const climb = (node: string, value: string, pinned: boolean, path: Set<string>): void => {
      if (unpinnedRoot !== undefined || roots > MAX_PATHS) return
      const above = (parents.get(node) ?? []).filter(p => !path.has(p))
      if (above.length === 0) {
        if (kustomizations.get(node)?.isComponent || node === file) return // never built alone
        roots++
        if (!pinned) unpinnedRoot = node
        return
      }
      for (const parent of above) {
        let next = value
        let nextPinned = pinned
        for (const entry of imagesAt(parent)) {
          const applied = applyEntry(next, entry)
          if (applied === undefined) continue
          next = applied
          nextPinned ||= entry.newTag !== undefined || entry.digest !== undefined
        }
        climb(parent, next, nextPinned, new Set([...path, parent]))
      }
    }
    climb(file, image, false, new Set([file]))
    const pinned = roots > 0 && roots <= MAX_PATHS && unpinnedRoot === undefined
    return { pinned, keptBy: unpinnedRoot && (shown.get(unpinnedRoot) ?? unpinnedRoot) }
  }
}

/**
 * The kustomize image overrides of Argo CD Applications (`spec.source(s)`
 * with `path` and `kustomize.images`, `[name=]newName[:tag][@digest]`
 * strings) and Flux Kustomizations (`spec.path`, `spec.images` entries).
 */
function controllerOverrides(
  text: string,
  file: string,
  root: string
): { key: string; file: string; path: string; images: KustomizeImageEntry[] }[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const found: { key: string; file: string; path: string; images: KustomizeImageEntry[] }[] = []
  for (const doc of parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false })) {
    if (firstYamlProblem(doc)) continue
    const apiVersion = scalarText(doc.get('apiVersion', true))
    const kind = scalarText(doc.get('kind', true))
    const add = (path: unknown, images: KustomizeImageEntry[]) => {
      const text = nonEmpty(scalarText(path))
      if (text === undefined || isTemplate(text) || images.length === 0) return
      found.push({ key: `${file}#${found.length}`, file, path: join(root, text), images })
    }
    if (kind === 'Application' && apiVersion?.startsWith('argoproj.io/')) {
      const list = doc.getIn(['spec', 'sources'], true)
      const sources = [doc.getIn(['spec', 'source'], true), ...(isSeq(list) ? list.items : [])]
      for (const source of sources) {
        if (!isMap(source)) continue
        const images = source.getIn(['kustomize', 'images'], true)
        const entries = (isSeq(images) ? images.items : []).flatMap(item => {
          const text = nonEmpty(scalarText(item))
          return text === undefined || isTemplate(text) ? [] : [argoImage(text)]
        })
        add(source.get('path', true), entries)
      }
    } else if (kind === 'Kustomization' && apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/')) {
      add(doc.getIn(['spec', 'path'], true), imageEntries(doc.getIn(['spec', 'images'], true), doc))
    }
  }
  return found
}

/** `images:` entries as written: `newTag: 1.20` is the tag "1.20", not the number 1.2. */
function imageEntries(list: unknown, doc: Document): KustomizeImageEntry[] {
  const images: KustomizeImageEntry[] = []
  for (const item of isSeq(list) ? list.items : []) {
    const entry = isAlias(item) ? item.resolve(doc) : item
    if (!isMap(entry)) continue
    const field = (key: string): string | undefined => {
      const text = nonEmpty(scalarText(entry.get(key, true)))
      return isTemplate(text) ? undefined : text
    }
    const name = field('name')
    if (name === undefined) continue
    images.push({
      name,
      newName: field('newName'),
      newTag: field('newTag'),
      digest: field('digest')
    })
  }
  return images
}

/** Argo CD's `[name=]newName[:tag][@digest]`, as `kustomize edit set image` reads it. */
function argoImage(text: string): KustomizeImageEntry {
  const eq = text.indexOf('=')
  const { name, tag, digest } = splitKustomizeImage(text.slice(eq + 1))
  return eq === -1
    ? { name, newTag: tag, digest }
    : { name: text.slice(0, eq), newName: name, newTag: tag, digest }
}

function parseKustomization(text: string, file: string): Kustomization | undefined {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const doc = parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false })[0]
  if (doc === undefined || firstYamlProblem(doc)) return undefined
  const json: unknown = doc.toJS({ maxAliasCount: 1000 })
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined
  const top = json as Record<string, unknown>
  const dir = dirname(file)
  const paths = (key: string): string[] =>
    (Array.isArray(top[key]) ? (top[key] as unknown[]) : [])
      .filter(
        (p): p is string => typeof p === 'string' && !/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(p)
      )
      .map(p => join(dir, p))
  const images = imageEntries(doc.get('images', true), doc)
  return {
    isComponent: top.kind === 'Component',
    // `bases:` is the deprecated spelling of directory resources.
    resources: [...paths('resources'), ...paths('bases')],
    components: paths('components'),
    images
  }
}

/** The image string after one `images:` entry, or undefined when the entry does not apply. */
function applyEntry(image: string, entry: KustomizeImageEntry): string | undefined {
  return kustomizeImageMatches(image, entry.name) ? applyKustomizeImage(image, entry) : undefined
}
