/**
 * Pins an image in a Helm values file at a key path. Two shapes are common:
 * a map (`repository`, `tag`, optional `digest`, bitnami's `registry`) and a
 * plain string holding the whole reference.
 */
import { isMap, isScalar, type Document, type Pair, type Scalar, type YAMLMap } from 'yaml'
import {
  mapAt,
  parseKeyPath,
  editableScalar,
  findPair,
  lineOf,
  nodeAt,
  parseYaml,
  replaceScalar,
  stringAt,
  type ParsedYaml
} from '../yaml/index.js'
import { EditError } from '../errors.js'
import { canonicalRepositoryOf, formatReference, parseReference } from '../reference/index.js'
import type { EditOutcome, PinRequest } from './types.js'
import { applyVerified, MapEdits } from './guard.js'
import { mapRepository } from './read.js'

export interface HelmKeys {
  /** The key path, e.g. `image`, `api.image`, `workers[1].image`. */
  readonly key: string
  readonly repositoryKey?: string
  readonly tagKey?: string
  readonly digestKey?: string
  /** With pin digest and no digest key: add one, rather than writing `tag@digest` into the tag. */
  readonly addDigestKey?: boolean
  /**
   * The values beneath this file as the chart reads them (its values.yaml, lower values files,
   * coalesced): a file that sets only the tag finds its repository, registry and digest key there.
   */
  readonly lower?: unknown
  /**
   * `hex`: write the digest without its `sha256:` prefix, for charts whose template adds
   * `@sha256:` itself (kube-prometheus-stack's `sha`). Default: as the current value is written.
   */
  readonly digestForm?: 'prefixed' | 'hex'
}

/** A digest written bare, the way charts that add `@sha256:` themselves want it. */
const BARE_DIGEST = /^[a-f0-9]{64}$/

export function editHelmValues(
  text: string,
  file: string,
  pin: PinRequest,
  keys: HelmKeys
): EditOutcome {
  const parsed = parseYaml(text, file)
  const path = parseKeyPath(keys.key)
  // Values files are usually one document; a file of several Flux HelmReleases has the key in
  // each, and the one whose image is the promoted repository is meant (else the first, refused
  // by checkRepository with what it holds).
  const having = parsed.documents.flatMap((doc, i) => (nodeAt(doc, path) === undefined ? [] : [i]))
  const document =
    having.find(i => repositoryAt(parsed.documents[i]!, path, keys) === pin.repository) ??
    having[0] ??
    -1
  if (document === -1) {
    throw new EditError(`${file}: key ${keys.key} not found.`, {
      subject: file,
      hint: 'Check the key path in the target (dotted, with list indexes such as workers[0].image).'
    })
  }
  return editHelmValuesAt(parsed, document, path, pin, keys)
}

/**
 * The image at `path` of one document (a map or a whole-reference string); `keys.key` only
 * names it in messages. For editors of files that hold Helm values inside another object
 * (an Argo CD Application's `helm.valuesObject`).
 */
export function editHelmValuesAt(
  parsed: ParsedYaml,
  document: number,
  path: readonly (string | number)[],
  pin: PinRequest,
  keys: HelmKeys
): EditOutcome {
  const doc = parsed.documents[document]!
  const node = nodeAt(doc, path)
  if (isMap(node)) {
    const lower = mapAt(keys.lower, path)
    const globalMap = nodeAt(doc, ['global'])
    const here = isMap(globalMap) ? stringAt(globalMap, 'imageRegistry') : undefined
    // This file's value wins even when empty, as Helm's coalescing has it.
    const globalRegistry = here ?? globalImageRegistry(keys.lower)
    return editMap(parsed, doc, document, path, node, pin, keys, lower, globalRegistry)
  }
  return editString(parsed, doc, document, path, node, pin, keys.key)
}

function editMap(
  parsed: ParsedYaml,
  doc: Document.Parsed,
  document: number,
  path: readonly (string | number)[],
  map: YAMLMap,
  pin: PinRequest,
  keys: HelmKeys,
  lower: Record<string, unknown> | undefined,
  globalRegistry: string | undefined
): EditOutcome {
  const { file } = parsed
  const repositoryKey = keys.repositoryKey ?? 'repository'
  const tagKey = keys.tagKey ?? 'tag'
  const digestKey = keys.digestKey ?? 'digest'
  const lowerString = (key: string): string | undefined =>
    typeof lower?.[key] === 'string' ? lower[key] : undefined
  // A file that sets only the tag: the repository lives in a lower layer (the chart's values.yaml).
  const repository = stringAt(map, repositoryKey) ?? lowerString(repositoryKey)
  if (repository === undefined) {
    throw new EditError(
      `${file}:${lineOf(parsed, map.range![0])}: ${keys.key} has no ${repositoryKey} string${keys.lower === undefined ? '' : ", here or in the chart's values beneath this file"}.`,
      {
        subject: `${file}:${lineOf(parsed, map.range![0])}`,
        hint: 'Point the target at the map holding repository and tag, or name the keys (repository-key, tag-key); for a file that sets only the tag, name the chart (chart=) and the lower values files (values=).'
      }
    )
  }
  const hasRegistryKey = findPair(map, 'registry') !== undefined || lower?.registry !== undefined
  // bitnami's common.images.image: global.imageRegistry, when set, wins over image.registry.
  const registry =
    (hasRegistryKey ? globalRegistry : undefined) ||
    stringAt(map, 'registry') ||
    lowerString('registry')
  const full = registry ? `${registry}/${repository}` : repository
  const repositoryNode = (findPair(map, repositoryKey)?.value ?? map) as Scalar
  checkRepository(parsed, full, pin, keys.key, repositoryNode)

  const batch = new MapEdits(parsed, document, map, path, key => `${keys.key}.${key}`)
  const set = (key: string, value: string): boolean => batch.set(key, value) !== undefined

  const here = findPair(map, digestKey) !== undefined
  // The chart declares the digest key in a lower layer: it reads it, so this file sets it.
  const hasDigestKey = here || (lower !== undefined && digestKey in lower)
  const addDigest = pin.digest !== undefined && !hasDigestKey && keys.addDigestKey === true
  const current = stringAt(map, digestKey) ?? lowerString(digestKey)
  const bare = keys.digestForm === 'hex' || (current !== undefined && BARE_DIGEST.test(current))
  const digest =
    pin.digest === undefined ? undefined : bare ? pin.digest.replace(/^sha256:/, '') : pin.digest
  // Standard chart templates render repository:tag, so tag@digest pins the digest.
  const tagValue =
    pin.digest !== undefined && !hasDigestKey && !addDigest ? `${pin.tag}@${pin.digest}` : pin.tag
  const inserts: [string, string][] = []
  if (!set(tagKey, tagValue)) inserts.push([tagKey, tagValue])
  if (digest !== undefined && (here || hasDigestKey || addDigest)) {
    if (!set(digestKey, digest)) inserts.push([digestKey, digest])
  }
  if (pin.digest === undefined && here) {
    // Keep the key (templates reference it) but empty it: a stale digest would win over the tag.
    if (stringAt(map, digestKey)) set(digestKey, '')
  }
  if (pin.digest === undefined && !here && current) {
    // A stale digest beneath this file would win over the tag: empty it here.
    inserts.push([digestKey, ''])
  }
  if (inserts.length > 0) {
    const anchor =
      findPair(map, inserts[0]![0] === digestKey ? tagKey : repositoryKey) ??
      (map.items[map.items.length - 1] as Pair<Scalar, unknown> | undefined)
    if (!anchor) {
      throw new EditError(
        `${file}:${lineOf(parsed, map.range![0])}: ${keys.key} is an empty map.`,
        {
          subject: `${file}:${lineOf(parsed, map.range![0])}`,
          hint: 'Write the image map (repository and tag) in the values file, then promote again.'
        }
      )
    }
    batch.insert(anchor, inserts)
  }
  return batch.apply()
}

/** `global.imageRegistry` of the values beneath the file. */
function globalImageRegistry(lower: unknown): string | undefined {
  const registry = mapAt(lower, ['global'])?.imageRegistry
  return typeof registry === 'string' && registry !== '' ? registry : undefined
}

function editString(
  parsed: ParsedYaml,
  doc: Document.Parsed,
  document: number,
  path: readonly (string | number)[],
  node: unknown,
  pin: PinRequest,
  key: string
): EditOutcome {
  const scalar = editableScalar(parsed, doc, node, key)
  if (typeof scalar.value !== 'string') {
    throw new EditError(
      `${parsed.file}:${lineOf(parsed, scalar.range![0])}: ${key} is neither a map nor an image reference string.`,
      {
        subject: `${parsed.file}:${lineOf(parsed, scalar.range![0])}`
      }
    )
  }
  let current
  try {
    current = parseReference(scalar.value)
  } catch {
    throw new EditError(
      `${parsed.file}:${lineOf(parsed, scalar.range![0])}: ${key} holds ${JSON.stringify(scalar.value)}, which is not an image reference.`,
      {
        subject: `${parsed.file}:${lineOf(parsed, scalar.range![0])}`,
        hint: 'Point the target at the key holding the image.'
      }
    )
  }
  checkRepository(parsed, current.name, pin, key, scalar)
  const value = formatReference({ name: current.name, tag: pin.tag, digest: pin.digest })
  if (value === scalar.value) return { text: parsed.text, changes: [] }
  const line = lineOf(parsed, scalar.range![0])
  return applyVerified(
    parsed,
    [replaceScalar(scalar, value)],
    [{ document, path, value }],
    [{ file: parsed.file, line, path: key, old: scalar.value, new: value }]
  )
}

/** The canonical repository of the image at `path` (map or string form), if any. */
function repositoryAt(
  doc: Document.Parsed,
  path: readonly (string | number)[],
  keys: HelmKeys
): string | undefined {
  const node = nodeAt(doc, path)
  if (isMap(node)) {
    const repository = mapRepository(node, keys.repositoryKey ?? 'repository')
    return repository === undefined ? undefined : canonicalRepositoryOf(repository)
  }
  return isScalar(node) && typeof node.value === 'string'
    ? canonicalRepositoryOf(node.value)
    : undefined
}

/** The key must hold the promoted repository; otherwise the wrong key was named. */
function checkRepository(
  parsed: ParsedYaml,
  written: string,
  pin: PinRequest,
  key: string,
  node: Scalar
): void {
  if (canonicalRepositoryOf(written) === pin.repository) return
  const line = lineOf(parsed, node.range![0])
  throw new EditError(
    `${parsed.file}:${line}: ${key} holds repository ${written}, not ${pin.name}; refusing to point it at another image.`,
    {
      subject: `${parsed.file}:${line}`,
      hint: 'The target names the wrong key: point it at the key of this image, or restrict the target with images: [name].'
    }
  )
}
