/**
 * A build's source repository and revision, as its image says them. Pure: JSON in, values out.
 *
 * Where builders put them:
 * - image-spec annotations.md names `org.opencontainers.image.source` (URL of the source) and
 *   `org.opencontainers.image.revision` (its version-control revision) as pre-defined
 *   annotation keys, on a manifest or an index.
 * - docker/metadata-action (src/meta.ts, `getOCIAnnotationsWithCustoms` behind `getLabels` and
 *   `getAnnotations`: source is the repository's html_url, revision the commit sha) sets both
 *   keys in its `labels` output (config labels, through build-push-action's `labels:`) and in its
 *   `annotations` output, which buildx puts on the manifests by default (`manifest:` level;
 *   DOCKER_METADATA_ANNOTATIONS_LEVELS=manifest,index adds the index).
 * So for an index: its own annotations, else the first platform manifest's, else that
 * manifest's config labels; each key from the first place that has it.
 */
import type { ImageOrigin } from '../model.js'

export const SOURCE_KEY = 'org.opencontainers.image.source'
export const REVISION_KEY = 'org.opencontainers.image.revision'

/** The two keys from a manifest's or index's `annotations`. */
export function originFromAnnotations(manifest: unknown): ImageOrigin {
  return originFrom(field(manifest, 'annotations'))
}

/** The two keys from an image config's `config.Labels` (image-spec config.md). */
export function originFromLabels(config: unknown): ImageOrigin {
  return originFrom(field(field(config, 'config'), 'Labels'))
}

/** Each key from `first` when it has it, else from `then`. */
export function mergeOrigins(first: ImageOrigin, then: ImageOrigin): ImageOrigin {
  const source = first.source ?? then.source
  const revision = first.revision ?? then.revision
  return { ...(source !== undefined && { source }), ...(revision !== undefined && { revision }) }
}

export function isComplete(origin: ImageOrigin): boolean {
  return origin.source !== undefined && origin.revision !== undefined
}

/**
 * The first platform manifest of an index: buildx adds its attestations as entries for
 * `unknown/unknown` (and marks them `vnd.docker.reference.type`), which are skipped.
 */
export function firstPlatformDigest(index: unknown): string | undefined {
  const entries = field(index, 'manifests')
  if (!Array.isArray(entries)) return undefined
  for (const entry of entries as unknown[]) {
    const platform = field(entry, 'platform')
    const annotations = field(entry, 'annotations')
    if (field(platform, 'os') === 'unknown') continue
    if (typeof field(annotations, 'vnd.docker.reference.type') === 'string') continue
    const digest = field(entry, 'digest')
    if (typeof digest === 'string') return digest
  }
  return undefined
}

/** The config blob's digest of an image manifest. */
export function configDigest(manifest: unknown): string | undefined {
  const digest = field(field(manifest, 'config'), 'digest')
  return typeof digest === 'string' ? digest : undefined
}

export function isIndex(manifest: unknown): boolean {
  return Array.isArray(field(manifest, 'manifests'))
}

function originFrom(map: unknown): ImageOrigin {
  const source = text(field(map, SOURCE_KEY))
  const revision = text(field(map, REVISION_KEY))
  return { ...(source !== undefined && { source }), ...(revision !== undefined && { revision }) }
}

/** A non-empty string, trimmed; anything else is absent. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined
}
