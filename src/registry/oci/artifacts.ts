/**
 * Reading what is attached to an image — a signature manifest under a tag,
 * the blobs it references — through the same client (and so the same
 * challenge and tokens) that resolved the image. Content is addressed: a
 * blob whose bytes do not hash to its digest is refused.
 */
import { createHash } from 'node:crypto'
import { RegistryError } from '../../errors.js'
import type { RegistryClient } from './client.js'
import { MEDIA_TYPES } from './manifest.js'
import type { HttpResponse } from './transport.js'
import type { ArtifactManifest } from '../types.js'

/**
 * Signature and attestation manifests are image manifests (cosign SIGNATURE_SPEC.md, "Object
 * Types"); the referrers tag schema's `sha256-<hex>` tag holds an OCI index (distribution-spec,
 * "Referrers Tag Schema").
 */
const ARTIFACT_ACCEPT = [
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.ociIndex
].join(', ')

/** GET a manifest by tag or digest; undefined when the registry has none (404). */
export async function fetchManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  display: string
): Promise<ArtifactManifest | undefined> {
  const path = `/v2/${repository}/manifests/${reference}`
  const response = await client.request(repository, 'GET', path, { accept: ARTIFACT_ACCEPT })
  if (response.status === 404) return undefined
  await throwUnlessOk(client, repository, response, display)
  const digest = sha256(response.body)
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim()
  return { body: response.body, digest, mediaType }
}

/** GET a blob by digest, checked against its digest. */
export async function fetchBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  display: string
): Promise<Buffer> {
  const path = `/v2/${repository}/blobs/${digest}`
  const response = await client.request(repository, 'GET', path, {})
  if (response.status === 404) {
    throw new RegistryError(
      `Registry ${client.host} has no blob ${digest} in ${repository}, which ${display} references.`,
      { hint: 'The artifact was pushed incompletely; push it again.', subject: display }
    )
  }
  await throwUnlessOk(client, repository, response, display)
  const found = sha256(response.body)
  if (!digest.startsWith('sha256:') || found !== digest) {
    throw new RegistryError(
      `Registry ${client.host} sent blob ${digest} of ${display}, but its bytes hash to ${found}.`,
      {
        hint: 'Something between the runner and the registry altered the blob; refusing to guess.',
        subject: display
      }
    )
  }
  return response.body
}

async function throwUnlessOk(
  client: RegistryClient,
  repository: string,
  response: HttpResponse,
  display: string
): Promise<void> {
  if (response.status === 401 || response.status === 403) {
    const tried = await client.credentialDescription()
    throw new RegistryError(
      `Registry ${client.host} refused access to ${repository} (HTTP ${response.status}) while reading ${display}; tried ${tried}.`,
      {
        hint: `Log in ${client.names.loginStep} or ${client.names.setCredentials}, with pull access to the repository.`,
        subject: display
      }
    )
  }
  if (response.status !== 200) {
    throw new RegistryError(
      `Registry ${client.host} answered HTTP ${response.status} while reading ${display}.`,
      { hint: 'Re-run the job if the registry outage is transient.', subject: display }
    )
  }
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/**
 * The OCI 1.1 referrers API (distribution-spec, "Listing Referrers"): GET
 * /v2/<name>/referrers/<digest>, filtered by artifactType. Returns the index body, or undefined
 * when the registry does not implement the API (404), so the caller falls back to the tag.
 */
export async function fetchReferrers(
  client: RegistryClient,
  repository: string,
  digest: string,
  artifactType: string,
  display: string
): Promise<Buffer | undefined> {
  const query = new URLSearchParams({ artifactType }).toString()
  const path = `/v2/${repository}/referrers/${digest}?${query}`
  const response = await client.request(repository, 'GET', path, {
    accept: MEDIA_TYPES.ociIndex
  })
  if (response.status === 404) return undefined
  await throwUnlessOk(client, repository, response, display)
  return response.body
}
