/**
 * The reading side of the editors: what a target pins for a repository now,
 * for promoting one environment's exact builds into the next.
 */
import { isMap, isScalar, type YAMLMap } from 'yaml'
import { parseKeyPath } from '../config/index.js'
import { canonicalRepository, parseReference } from '../reference/index.js'
import { findPair, lineOf, nodeAt, parseYaml, stringAt } from './yaml-text.js'
import type { HelmKeys } from './helm.js'

export interface CurrentPin {
  readonly tag?: string
  readonly digest?: string
  readonly file: string
  readonly line: number
}

/** The `images:` entry for `repository` (canonical) in a kustomization, if any. */
export function readKustomizationPin(
  text: string,
  file: string,
  repository: string
): CurrentPin | undefined {
  const parsed = parseYaml(text, file)
  for (const doc of parsed.documents) {
    if (!isMap(doc.contents)) continue
    const images = findPair(doc.contents, 'images')?.value
    if (!images || !('items' in (images as object))) continue
    for (const item of (images as { items: unknown[] }).items) {
      if (!isMap(item)) continue
      const name = stringAt(item, 'newName') ?? stringAt(item, 'name')
      if (name === undefined || canonicalOf(name) !== repository) continue
      return {
        tag: scalarString(item, 'newTag'),
        digest: stringAt(item, 'digest'),
        file,
        line: lineOf(parsed, item.range![0])
      }
    }
  }
  return undefined
}

/** What a Helm values key pins for `repository`: map form or string form. */
export function readHelmPin(
  text: string,
  file: string,
  repository: string,
  keys: HelmKeys
): CurrentPin | undefined {
  const parsed = parseYaml(text, file)
  const path = parseKeyPath(keys.key)
  for (const doc of parsed.documents) {
    const node = nodeAt(doc, path)
    if (isMap(node)) {
      const map = node as YAMLMap
      const repo = stringAt(map, keys.repositoryKey ?? 'repository')
      const registry = stringAt(map, 'registry')
      if (repo === undefined || canonicalOf(registry ? `${registry}/${repo}` : repo) !== repository)
        return undefined
      const tagValue = scalarString(map, keys.tagKey ?? 'tag')
      const [tag, inlineDigest] = tagValue?.split('@') ?? []
      return {
        tag,
        digest: stringAt(map, keys.digestKey ?? 'digest') || inlineDigest,
        file,
        line: lineOf(parsed, map.range![0])
      }
    }
    if (isScalar(node) && typeof node.value === 'string') {
      try {
        const ref = parseReference(node.value)
        if (canonicalRepository(ref) !== repository) return undefined
        return { tag: ref.tag, digest: ref.digest, file, line: lineOf(parsed, node.range![0]) }
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/** Tags written plain may parse as numbers (`1.10`); read them as written. */
function scalarString(map: YAMLMap, key: string): string | undefined {
  const value = findPair(map, key)?.value
  if (!isScalar(value) || value.value === null) return undefined
  return value.source ?? String(value.value)
}

function canonicalOf(name: string): string | undefined {
  try {
    return canonicalRepository(parseReference(name))
  } catch {
    return undefined
  }
}

/** Every repository a kustomization's `images:` entries name (newName, else name), as written. */
export function kustomizationRepositories(text: string, file: string): string[] {
  const parsed = parseYaml(text, file)
  const names: string[] = []
  for (const doc of parsed.documents) {
    if (!isMap(doc.contents)) continue
    const images = findPair(doc.contents, 'images')?.value
    if (!images || !('items' in (images as object))) continue
    for (const item of (images as { items: unknown[] }).items) {
      if (!isMap(item)) continue
      const name = stringAt(item, 'newName') ?? stringAt(item, 'name')
      if (name !== undefined && canonicalOf(name) !== undefined) names.push(name)
    }
  }
  return names
}

/** The repository a Helm values key holds (map or string form), as written. */
export function helmRepository(text: string, file: string, keys: HelmKeys): string | undefined {
  const parsed = parseYaml(text, file)
  const path = parseKeyPath(keys.key)
  for (const doc of parsed.documents) {
    const node = nodeAt(doc, path)
    if (isMap(node)) {
      const repo = stringAt(node as YAMLMap, keys.repositoryKey ?? 'repository')
      const registry = stringAt(node as YAMLMap, 'registry')
      return repo === undefined ? undefined : registry ? `${registry}/${repo}` : repo
    }
    if (isScalar(node) && typeof node.value === 'string') {
      try {
        return parseReference(node.value).name
      } catch {
        return undefined
      }
    }
  }
  return undefined
}
