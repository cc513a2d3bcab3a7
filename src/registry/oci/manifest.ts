import { createHash } from 'node:crypto'
import { RegistryError } from '../../errors.js'
import { RETRYABLE_STATUS } from '../../http/retry.js'
import { isPinnableDigest } from '../../reference/index.js'
import type { Resolution } from '../types.js'
import type { RegistryClient } from './client.js'
import type { HttpResponse } from './transport.js'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const

/**
 * All four, index types included and without q-values: without the index
 * types Docker Hub rewrites a multi-arch tag to its amd64 manifest and the
 * digest is wrong (distribution#2348); GCR mis-parses q-values.
 */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest
].join(', ')

/** Signed and unsigned schema 1: digests over a canonical payload, refused by containerd 2. */
const SCHEMA1_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/vnd.docker.distribution.manifest.v1+json'
])
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList])
const KNOWN_TYPES = new Set<string>(Object.values(MEDIA_TYPES))

export interface ManifestTarget {
  /** Repository path inside the registry. */
  readonly repository: string
  /** Tag or digest to resolve. */
  readonly reference: string
  /** The image as the user wrote it, for messages. */
  readonly display: string
}

/**
 * Resolves a tag (or checks a digest) to the digest Kubernetes will pull:
 * the index digest for multi-arch images, so every node keeps its own
 * architecture. HEAD first (free of Docker Hub pull quota); GET and hash the
 * exact bytes when HEAD gives no usable digest — but never after a 404, nor
 * after an outage or rate limit that outlasted the transport's retries.
 */
export async function resolveManifest(
  client: RegistryClient,
  target: ManifestTarget
): Promise<Resolution> {
  const path = `/v2/${target.repository}/manifests/${target.reference}`
  const headers = { accept: MANIFEST_ACCEPT }

  const head = await client.request(target.repository, 'HEAD', path, headers)
  if (head.status === 404) throw notFound(client, target)
  await throwIfDenied(client, target, head)
  // The transport already spent its retries on an outage or a rate limit:
  // a GET would only start over (twice the requests, twice the wait).
  if (RETRYABLE_STATUS.has(head.status)) throw unavailable(client, target, head)
  if (head.status === 200) {
    const fromHead = digestFromHead(head)
    if (fromHead) return checkRequested(target, fromHead, client.host)
  }

  const get = await client.request(target.repository, 'GET', path, headers)
  if (get.status === 404) throw notFound(client, target)
  await throwIfDenied(client, target, get)
  if (get.status !== 200) throw unavailable(client, target, get)
  return checkRequested(target, digestFromBody(get, client.host, target.display), client.host)
}

function unavailable(
  client: RegistryClient,
  target: ManifestTarget,
  response: HttpResponse
): RegistryError {
  return new RegistryError(
    `Registry ${client.host} answered HTTP ${response.status} for ${target.display}.`,
    { hint: 'Re-run the job if the registry outage is transient.', subject: target.display }
  )
}

function digestFromHead(response: HttpResponse): Omit<Resolution, 'registry'> | undefined {
  const digest = response.headers.get('docker-content-digest')
  const length = response.headers.get('content-length')
  const mediaType = contentType(response)
  // containerd needs digest + length; ggcr also the type. Without all three, GET.
  if (!digest || !isPinnableDigest(digest) || !length || !KNOWN_TYPES.has(mediaType))
    return undefined
  return {
    digest,
    mediaType,
    kind: INDEX_TYPES.has(mediaType) ? 'index' : 'manifest',
    size: Number(length)
  }
}

function digestFromBody(
  response: HttpResponse,
  host: string,
  display: string
): Omit<Resolution, 'registry'> {
  const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`
  const header = response.headers.get('docker-content-digest')
  if (header && header !== digest) {
    throw new RegistryError(
      `Registry ${host} sent Docker-Content-Digest ${header} for ${display}, but the manifest bytes hash to ${digest}.`,
      {
        hint: 'Something between the runner and the registry altered the manifest; refusing to guess.',
        subject: display
      }
    )
  }
  let manifest: { schemaVersion?: number; mediaType?: string; manifests?: PlatformEntry[] }
  try {
    manifest = JSON.parse(response.body.toString('utf8'))
  } catch {
    throw new RegistryError(
      `Registry ${host} returned a manifest for ${display} that is not JSON.`,
      {
        subject: display
      }
    )
  }
  const declared = contentType(response)
  if (manifest.schemaVersion === 1 || SCHEMA1_TYPES.has(declared)) {
    throw new RegistryError(
      `Registry ${host} serves ${display} as a Docker schema 1 manifest, which containerd 2 refuses to pull and whose digest is not stable.`,
      {
        hint: 'Rebuild and push the image with a current builder (docker buildx).',
        subject: display
      }
    )
  }
  const mediaType = manifest.mediaType ?? declared
  if (manifest.mediaType && KNOWN_TYPES.has(declared) && manifest.mediaType !== declared) {
    throw new RegistryError(
      `Registry ${host} labels ${display} as ${declared}, but the manifest says ${manifest.mediaType}.`,
      { subject: display }
    )
  }
  const isIndex = INDEX_TYPES.has(mediaType) || Array.isArray(manifest.manifests)
  return {
    digest,
    mediaType,
    kind: isIndex ? 'index' : 'manifest',
    size: response.body.length,
    platforms: isIndex ? platformsOf(manifest.manifests ?? []) : undefined
  }
}

interface PlatformEntry {
  platform?: { os?: string; architecture?: string; variant?: string }
}

/** Skips `unknown/unknown`: buildx attaches attestations as index entries. */
function platformsOf(entries: PlatformEntry[]): string[] {
  return entries
    .map(e => e.platform)
    .filter((p): p is NonNullable<typeof p> => !!p && p.os !== 'unknown')
    .map(p => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))
}

function checkRequested(
  target: ManifestTarget,
  found: Omit<Resolution, 'registry'>,
  host: string
): Resolution {
  if (target.reference.startsWith('sha256:') && found.digest !== target.reference) {
    throw new RegistryError(
      `Registry ${host} answered ${found.digest} when asked for ${target.reference}.`,
      { hint: 'The registry or a proxy in front of it is misbehaving; refusing to guess.' }
    )
  }
  return { ...found, registry: host }
}

function contentType(response: HttpResponse): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

function notFound(client: RegistryClient, target: ManifestTarget): RegistryError {
  const what = target.reference.startsWith('sha256:') ? 'digest' : 'tag'
  return new RegistryError(
    `Image ${target.display} does not exist in ${client.host}: no manifest for ${what} ${target.reference} in repository ${target.repository}. Pods would sit in ImagePullBackOff.`,
    {
      hint: 'Check that CI pushed this tag (docker/build-push-action with push: true) and that the repository is spelled as pushed.',
      subject: target.display
    }
  )
}

async function throwIfDenied(
  client: RegistryClient,
  target: ManifestTarget,
  response: HttpResponse
): Promise<void> {
  if (response.status !== 401 && response.status !== 403) return
  const tried = await client.credentialDescription()
  throw new RegistryError(
    `Registry ${client.host} refused access to ${target.repository} (HTTP ${response.status}); tried ${tried}.`,
    {
      hint: `Log in ${client.names.loginStep} or ${client.names.setCredentials}, with pull access to the repository.`,
      subject: target.display
    }
  )
}
