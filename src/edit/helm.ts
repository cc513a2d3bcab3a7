/**
 * Pins an image in a Helm values file at a key path. Two shapes are common:
 * a map (`repository`, `tag`, optional `digest`, bitnami's `registry`) and a
 * plain string holding the whole reference.
 */
import { isMap, isScalar, type Document, type Scalar, type YAMLMap } from 'yaml'
import {
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
import { mapRepository } from './read.js'
import { applyVerified, MapEdits } from './guard.js'

export interface HelmKeys {
  /** The key path, e.g. `image`, `api.image`, `workers[1].image`. */
  readonly key: string
  readonly repositoryKey?: string
  readonly tagKey?: string
  readonly digestKey?: string
  /** With pin digest and no digest key: add one, rather than writing `tag@digest` into the tag. */
  readonly addDigestKey?: boolean
}

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
  if (isMap(node)) return editMap(parsed, doc, document, path, node, pin, keys)
  return editString(parsed, doc, document, path, node, pin, keys.key)
}

function editMap(
  parsed: ParsedYaml,
  doc: Document.Parsed,
  document: number,
  path: readonly (string | number)[],
  map: YAMLMap,
  pin: PinRequest,
  keys: HelmKeys
): EditOutcome {
  const { file } = parsed
  const repositoryKey = keys.repositoryKey ?? 'repository'
  const tagKey = keys.tagKey ?? 'tag'
  const digestKey = keys.digestKey ?? 'digest'
  const repository = stringAt(map, repositoryKey)
  if (repository === undefined) {
    throw new EditError(
      `${file}:${lineOf(parsed, map.range![0])}: ${keys.key} has no ${repositoryKey} string.`,
      {
        subject: `${file}:${lineOf(parsed, map.range![0])}`,
        hint: 'Point the target at the map holding repository and tag, or name the keys (repository-key, tag-key).'
      }
    )
  }
  const full = mapRepository(map, repositoryKey)!
  checkRepository(parsed, full, pin, keys.key, findPair(map, repositoryKey)!.value as Scalar)

  const batch = new MapEdits(parsed, document, map, path, key => `${keys.key}.${key}`)
  const set = (key: string, value: string): boolean => batch.set(key, value) !== undefined

  const hasDigestKey = findPair(map, digestKey) !== undefined
  const addDigest = pin.digest !== undefined && !hasDigestKey && keys.addDigestKey === true
  // Standard chart templates render repository:tag, so tag@digest pins the digest.
  const tagValue =
    pin.digest !== undefined && !hasDigestKey && !addDigest ? `${pin.tag}@${pin.digest}` : pin.tag
  const inserts: [string, string][] = []
  if (!set(tagKey, tagValue)) inserts.push([tagKey, tagValue])
  if (pin.digest !== undefined && hasDigestKey) set(digestKey, pin.digest)
  if (addDigest) inserts.push([digestKey, pin.digest!])
  if (pin.digest === undefined && hasDigestKey) {
    const current = stringAt(map, digestKey)
    // Keep the key (templates reference it) but empty it: a stale digest would win over the tag.
    if (current) set(digestKey, '')
  }
  if (inserts.length > 0) {
    batch.insert(findPair(map, inserts[0]![0] === digestKey ? tagKey : repositoryKey)!, inserts)
  }
  return batch.apply()
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
