/**
 * Pins an image in an Argo CD Application or ApplicationSet kept in Git: the
 * image overrides of its sources, which Argo CD hands to the renderer.
 *
 * - `kustomize.images`: strings Argo CD passes to `kustomize edit set image`
 *   (argo-cd util/kustomize/kustomize.go, `Build`; the type is
 *   pkg/apis/application/v1alpha1 `KustomizeImage`). Kustomize parses each as
 *   `[name=]newName[:tag][@digest]` (kustomize/commands/edit/set/setimage.go,
 *   `parse` and `imageArgParse`: split at the first `=`, then the image). The
 *   repository deployed is the part after `=` when there is one.
 * - `helm.parameters`: `--set name=value` pairs; an image is a `P.repository`
 *   (or `P.name`, with an optional `P.registry`) beside `P.tag` and `P.digest`,
 *   or one parameter holding a whole reference.
 * - `helm.valuesObject`: values inline; image maps and `image:` strings are
 *   edited as a values file's are (editHelmValuesAt).
 *
 * Sources are `spec.source` and `spec.sources[]` of an Application, and of an
 * ApplicationSet's `spec.template`. Values Argo CD substitutes (`$ARGOCD_…`,
 * ApplicationSet `{{…}}` templates) are no references, and are left alone.
 */
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml'
import { EditError } from '../errors.js'
import type { ValueChange } from '../model.js'
import {
  canonicalRepository,
  formatReference,
  parseReference,
  type ImageReference
} from '../reference/index.js'
import {
  formatKeyPath,
  editableScalar,
  findPair,
  lineOf,
  nodeAt,
  parseYaml,
  replaceScalar,
  stringAt,
  type ParsedYaml
} from '../yaml/index.js'
import { applyVerified } from './guard.js'
import { editHelmValuesAt } from './helm.js'
import { mapRepository, type CurrentPin } from './read.js'
import type { EditOutcome, PinRequest } from './types.js'

type Path = readonly (string | number)[]

/** One image an Application's sources set. */
interface Override {
  readonly document: number
  /** Of the scalar (kustomize image, string parameter, values string) or of the values map. */
  readonly path: Path
  readonly display: string
  readonly line: number
  /** The repository as written, and what it pins now. */
  readonly reference: ImageReference
  readonly how:
    | { readonly kind: 'kustomize-image'; readonly key?: string }
    | { readonly kind: 'helm-parameter'; readonly tag?: Path; readonly digest?: Path }
    | { readonly kind: 'helm-values' }
}

/** Where an Argo CD kind keeps its source(s). */
function specPathOf(root: YAMLMap): Path | undefined {
  const apiVersion = stringAt(root, 'apiVersion') ?? ''
  if (!apiVersion.startsWith('argoproj.io/')) return undefined
  const kind = stringAt(root, 'kind')
  if (kind === 'Application') return ['spec']
  if (kind === 'ApplicationSet') return ['spec', 'template', 'spec']
  return undefined
}

/** Every image override of every Application / ApplicationSet document, in file order. */
function overrides(parsed: ParsedYaml): { found: Override[]; applications: number } {
  const found: Override[] = []
  let applications = 0
  parsed.documents.forEach((doc, document) => {
    if (!isMap(doc.contents)) return
    const specPath = specPathOf(doc.contents)
    if (!specPath) return
    applications++
    const sources: Path[] = []
    if (isMap(nodeAt(doc, [...specPath, 'source']))) sources.push([...specPath, 'source'])
    const list = nodeAt(doc, [...specPath, 'sources'])
    if (isSeq(list)) list.items.forEach((_, i) => sources.push([...specPath, 'sources', i]))
    for (const source of sources) {
      const at = (path: Path, node: unknown) => ({
        document,
        path,
        display: formatKeyPath(path),
        line: lineOf(parsed, (node as { range: [number] }).range[0])
      })
      // kustomize.images
      const images = nodeAt(doc, [...source, 'kustomize', 'images'])
      if (isSeq(images)) {
        images.items.forEach((item, i) => {
          if (!isScalar(item) || typeof item.value !== 'string') return
          const entry = parseKustomizeImage(item.value)
          if (!entry) return
          found.push({
            ...at([...source, 'kustomize', 'images', i], item),
            reference: entry.reference,
            how: { kind: 'kustomize-image', key: entry.key }
          })
        })
      }
      // helm.parameters
      const parameters = nodeAt(doc, [...source, 'helm', 'parameters'])
      if (isSeq(parameters))
        found.push(...parameterImages(parameters.items, [...source, 'helm', 'parameters'], at))
      // helm.valuesObject
      const values = nodeAt(doc, [...source, 'helm', 'valuesObject'])
      if (isMap(values)) {
        valuesImages(values, [...source, 'helm', 'valuesObject'], (path, node, reference) =>
          found.push({ ...at(path, node), reference, how: { kind: 'helm-values' } })
        )
      }
    }
  })
  return { found, applications }
}

/**
 * A `kustomize edit set image` argument: `[name=]image`, where image is
 * `repo[:tag][@digest]`. Undefined for what kustomize would refuse or Argo CD
 * substitutes first (`$VAR`), and for kustomize's `*` (keep the current value).
 */
export function parseKustomizeImage(
  text: string
): { key?: string; reference: ImageReference } | undefined {
  if (text.includes('$') || text.includes('*')) return undefined
  const eq = text.indexOf('=')
  const key = eq === -1 ? undefined : text.slice(0, eq)
  const value = eq === -1 ? text : text.slice(eq + 1)
  const reference = tryParse(value)
  // Without "=", kustomize needs a tag or a digest (setimage.go: `name == arg` is an error).
  if (!reference || (key === undefined && !reference.tag && !reference.digest)) return undefined
  return { ...(key !== undefined && { key }), reference }
}

const REPOSITORY_PARAMETER = /^(.*)\.(repository|name)$/

function parameterImages(
  items: readonly unknown[],
  path: Path,
  at: (path: Path, node: unknown) => Omit<Override, 'reference' | 'how'>
): Override[] {
  const byName = new Map<string, { index: number; value?: string; node: unknown }>()
  items.forEach((item, index) => {
    if (!isMap(item)) return
    const name = stringAt(item, 'name')
    if (name === undefined) return
    const value = findPair(item, 'value')?.value
    byName.set(name, {
      index,
      value:
        isScalar(value) && value.value !== null ? (value.source ?? String(value.value)) : undefined,
      node: value ?? item
    })
  })
  const found: Override[] = []
  for (const [name, parameter] of byName) {
    if (parameter.value === undefined) continue
    const repositoryOf = REPOSITORY_PARAMETER.exec(name)
    if (repositoryOf) {
      const prefix = repositoryOf[1]!
      const registry = byName.get(`${prefix}.registry`)?.value
      const reference = tryParse(registry ? `${registry}/${parameter.value}` : parameter.value)
      if (!reference) continue
      const tag = byName.get(`${prefix}.tag`)
      const digest = byName.get(`${prefix}.digest`)
      // `P.name` is an image only beside a tag (argocd-image-updater's image.name/image.tag);
      // alone it is any name (serviceAccount.name), never to be read as a repository.
      if (repositoryOf[2] === 'name' && !tag) continue
      const [pinnedTag, inlineDigest] = tag?.value?.split('@') ?? []
      found.push({
        ...at([...path, parameter.index, 'value'], parameter.node),
        reference: { ...reference, tag: pinnedTag, digest: digest?.value || inlineDigest },
        how: {
          kind: 'helm-parameter',
          ...(tag && { tag: [...path, tag.index, 'value'] }),
          ...(digest && { digest: [...path, digest.index, 'value'] })
        }
      })
      continue
    }
    // One parameter holding the whole reference (`image=ghcr.io/acme/api:1.4.2`).
    const reference = tryParse(parameter.value)
    if (reference && (reference.tag || reference.digest) && reference.name.includes('/')) {
      found.push({
        ...at([...path, parameter.index, 'value'], parameter.node),
        reference,
        how: { kind: 'helm-values' }
      })
    }
  }
  return found
}

/** Image maps (`repository` + `tag`, bitnami's `registry`) and `image:` strings in inline values. */
function valuesImages(
  node: unknown,
  path: Path,
  push: (path: Path, node: unknown, reference: ImageReference) => void
): void {
  if (isSeq(node)) {
    node.items.forEach((item, i) => valuesImages(item, [...path, i], push))
    return
  }
  if (!isMap(node)) return
  const repository = mapRepository(node, 'repository')
  const reference = repository === undefined ? undefined : tryParse(repository)
  if (reference && findPair(node, 'repository')) {
    const [tag, inlineDigest] = (scalarText(node, 'tag') ?? '').split('@')
    push(path, node, {
      ...reference,
      tag: tag || undefined,
      digest: stringAt(node, 'digest') || inlineDigest
    })
    return
  }
  for (const pair of node.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue
    const key = pair.key.value
    const value = pair.value
    if (key === 'image' && isScalar(value) && typeof value.value === 'string') {
      const ref = tryParse(value.value)
      if (ref) push([...path, key], value, ref)
      continue
    }
    valuesImages(value, [...path, key], push)
  }
}

function scalarText(map: YAMLMap, key: string): string | undefined {
  const value = findPair(map, key)?.value
  return isScalar(value) && value.value !== null ? (value.source ?? String(value.value)) : undefined
}

function tryParse(value: string): ImageReference | undefined {
  try {
    return parseReference(value)
  } catch {
    return undefined
  }
}

const matches = (override: Override, repository: string): boolean =>
  canonicalRepository(override.reference) === repository

/**
 * Pins `pin` in every source override of its repository in an Application /
 * ApplicationSet file, keeping the repository as written. No override of the
 * repository is an error naming the ones there are. The edits are made one
 * after another (each re-parses the text and is verified on its own), since
 * one file may hold several Applications and sources.
 */
export function editArgoApplication(text: string, file: string, pin: PinRequest): EditOutcome {
  const { found, applications } = overrides(parseYaml(text, file))
  const wanted = found.filter(o => matches(o, pin.repository))
  if (wanted.length === 0) {
    const held = [...new Set(found.map(o => `${o.reference.name} (${o.display})`))]
    throw new EditError(
      applications === 0
        ? `${file}: no Argo CD Application or ApplicationSet (apiVersion argoproj.io/…) in it.`
        : `${file}: no source sets the image ${pin.name}; ${held.length > 0 ? `it sets ${held.join(', ')}` : 'it sets no images (kustomize.images, helm.parameters, helm.valuesObject)'}.`,
      {
        subject: file,
        hint:
          applications === 0
            ? 'Point an argocd: target at the Application file; for plain manifests use manifest:, for a kustomization kustomize:.'
            : `Add the image to the Application's kustomize.images (e.g. ${pin.name}:<tag>), or to its helm parameters or valuesObject, then promote again; helm.values (a string) is not edited.`
      }
    )
  }
  let current = text
  const changes: ValueChange[] = []
  for (const override of wanted) {
    const parsed = parseYaml(current, file, { checkSize: false })
    const outcome = pinOverride(parsed, override, pin)
    current = outcome.text
    changes.push(...outcome.changes)
  }
  return { text: current, changes }
}

function pinOverride(parsed: ParsedYaml, override: Override, pin: PinRequest): EditOutcome {
  const { document, how } = override
  const doc = parsed.documents[document]!
  const name = override.reference.name
  // Several scalars of one parse, proven together.
  const setScalars = (values: readonly (readonly [Path, string])[]): EditOutcome => {
    const edits = []
    const intended = []
    const changes: ValueChange[] = []
    for (const [path, value] of values) {
      const display = formatKeyPath(path)
      const scalar = editableScalar(parsed, doc, nodeAt(doc, path), display)
      const old = scalar.value === null ? undefined : String(scalar.value)
      if (old === value) continue
      edits.push(replaceScalar(scalar, value))
      intended.push({ document, path, value })
      const line = lineOf(parsed, scalar.range![0])
      changes.push({ file: parsed.file, line, path: display, old, new: value })
    }
    return applyVerified(parsed, edits, intended, changes)
  }
  switch (how.kind) {
    case 'kustomize-image': {
      const image = formatReference({ name, tag: pin.tag, digest: pin.digest })
      return setScalars([[override.path, how.key === undefined ? image : `${how.key}=${image}`]])
    }
    case 'helm-values':
      return editHelmValuesAt(parsed, document, override.path, pin, { key: override.display })
    case 'helm-parameter': {
      if (!how.tag) {
        const prefix = override.display.replace(/\.value$/, '')
        throw new EditError(
          `${parsed.file}:${override.line}: the helm parameter ${prefix} sets the repository ${name}, but no ".tag" parameter beside it sets its tag.`,
          {
            subject: `${parsed.file}:${override.line}`,
            hint: 'Add the tag parameter (e.g. { name: image.tag, value: "<tag>" }) beside the repository parameter, then promote again.'
          }
        )
      }
      // As in a values map: without a digest parameter the chart renders repository:tag,
      // so tag@digest pins the digest; with one, a stale digest is emptied for pin: tag.
      const tag = pin.digest !== undefined && !how.digest ? `${pin.tag}@${pin.digest}` : pin.tag
      return setScalars([
        [how.tag, tag],
        ...(how.digest ? [[how.digest, pin.digest ?? ''] as const] : [])
      ])
    }
  }
}

/** What an Application file pins now for `repository` (canonical): its first override of it. */
export function readArgoPin(
  text: string,
  file: string,
  repository: string
): CurrentPin | undefined {
  const override = overrides(parseYaml(text, file)).found.find(o => matches(o, repository))
  if (!override) return undefined
  const { name, tag, digest } = override.reference
  return { repository: name, tag, digest, file, line: override.line }
}

/** Every repository (as written) an Application file's sources set, for "all images". */
export function argoRepositories(text: string, file: string): string[] {
  return [...new Set(overrides(parseYaml(text, file)).found.map(o => o.reference.name))]
}
