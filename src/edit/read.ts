/**
 * The reading side of the editors: what a target pins now, for promoting
 * one environment's exact builds into the next.
 */
import { isMap, isScalar, isSeq, type Document, type YAMLMap } from 'yaml'
import {
  mapAt,
  parseKeyPath,
  findPair,
  lineOf,
  nodeAt,
  parseYaml,
  stringAt,
  type ParsedYaml
} from '../yaml/index.js'
import { canonicalRepositoryOf, parseReference } from '../reference/index.js'
import type { HelmKeys } from './helm.js'

export interface CurrentPin {
  /** The repository as written (newName else name; registry/repository in Helm maps). */
  readonly repository: string
  readonly tag?: string
  readonly digest?: string
  readonly file: string
  readonly line: number
}

/** Every `images:` entry of a kustomization with a parsable repository. */
export function kustomizationPins(text: string, file: string): CurrentPin[] {
  const parsed = parseYaml(text, file)
  const pins: CurrentPin[] = []
  for (const doc of parsed.documents) {
    if (!isMap(doc.contents)) continue
    const images = findPair(doc.contents, 'images')?.value
    if (!isSeq(images)) continue
    for (const item of images.items) {
      if (!isMap(item)) continue
      const repository = stringAt(item, 'newName') ?? stringAt(item, 'name')
      if (repository === undefined || canonicalRepositoryOf(repository) === undefined) continue
      pins.push({
        repository,
        tag: scalarString(item, 'newTag'),
        digest: stringAt(item, 'digest'),
        file,
        line: lineOf(parsed, item.range![0])
      })
    }
  }
  return pins
}

/** The `images:` entry for `repository` (canonical) in a kustomization, if any. */
export function readKustomizationPin(
  text: string,
  file: string,
  repository: string
): CurrentPin | undefined {
  return kustomizationPins(text, file).find(
    pin => canonicalRepositoryOf(pin.repository) === repository
  )
}

/** What a Helm values key pins, map form or string form, in the first document that has it. */
export function helmPin(text: string, file: string, keys: HelmKeys): CurrentPin | undefined {
  const parsed = parseYaml(text, file)
  const path = parseKeyPath(keys.key)
  for (const doc of parsed.documents) {
    if (nodeAt(doc, path) !== undefined) return pinAt(parsed, doc, path, keys)
  }
  return undefined
}

/** What the image at `path` of one document pins, map form or string form. */
function pinAt(
  parsed: ParsedYaml,
  doc: Document.Parsed,
  path: readonly (string | number)[],
  keys: HelmKeys
): CurrentPin | undefined {
  const file = parsed.file
  const node = nodeAt(doc, path)
  if (isMap(node)) {
    const map = node as YAMLMap
    const lower = mapAt(keys.lower, path)
    const repositoryKey = keys.repositoryKey ?? 'repository'
    const digestKey = keys.digestKey ?? 'digest'
    // A file that sets only the tag: repository (and registry) from the values beneath it.
    const repository =
      mapRepository(map, repositoryKey) ??
      (typeof lower?.[repositoryKey] === 'string'
        ? [lower.registry, lower[repositoryKey]].filter(v => typeof v === 'string' && v).join('/')
        : undefined)
    if (repository === undefined) return undefined
    const [tag, inlineDigest] = scalarString(map, keys.tagKey ?? 'tag')?.split('@') ?? []
    const digest =
      stringAt(map, digestKey) ??
      (typeof lower?.[digestKey] === 'string' ? lower[digestKey] : undefined)
    return {
      repository,
      tag,
      // A digest written bare (a chart that adds `@sha256:` itself) is still a sha256 digest.
      digest:
        (digest && /^[a-f0-9]{64}$/.test(digest) ? `sha256:${digest}` : digest) || inlineDigest,
      file,
      line: lineOf(parsed, map.range![0])
    }
  }
  if (isScalar(node) && typeof node.value === 'string') {
    try {
      const ref = parseReference(node.value)
      const line = lineOf(parsed, node.range![0])
      return { repository: ref.name, tag: ref.tag, digest: ref.digest, file, line }
    } catch {
      return undefined
    }
  }
  return undefined
}

/** What a Helm values key pins for `repository` (canonical), if it holds that repository. */
export function readHelmPin(
  text: string,
  file: string,
  repository: string,
  keys: HelmKeys
): CurrentPin | undefined {
  // Each document that has the key (a file of several Flux HelmReleases), the first of the repository.
  const parsed = parseYaml(text, file)
  const path = parseKeyPath(keys.key)
  for (const doc of parsed.documents) {
    const pin = pinAt(parsed, doc, path, keys)
    if (pin && canonicalRepositoryOf(pin.repository) === repository) return pin
  }
  return undefined
}

/** A Helm image map's repository, with bitnami's separate `registry` key in front. */
export function mapRepository(map: YAMLMap, repositoryKey: string): string | undefined {
  const repository = stringAt(map, repositoryKey)
  const registry = stringAt(map, 'registry')
  return repository === undefined ? undefined : registry ? `${registry}/${repository}` : repository
}

/** Tags written plain may parse as numbers (`1.10`); read them as written. */
function scalarString(map: YAMLMap, key: string): string | undefined {
  const value = findPair(map, key)?.value
  if (!isScalar(value) || value.value === null) return undefined
  return value.source ?? String(value.value)
}
