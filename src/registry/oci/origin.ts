/**
 * Reading a build's source and revision from the registry (see ../origin.ts for where builders
 * put them). The resolver only HEADs a tag (free of Docker Hub's pull quota), so there is no
 * manifest body to reuse: this GETs the manifest by digest (content-addressed, so one read
 * serves every run step), an index's first platform manifest when the index has no annotations,
 * and the config blob only when the annotations miss a key.
 */
import { createHash } from 'node:crypto'
import { RegistryError } from '../../errors.js'
import type { ImageOrigin } from '../../model.js'
import {
  configDigest,
  firstPlatformDigest,
  isComplete,
  isIndex,
  mergeOrigins,
  originFromAnnotations,
  originFromLabels
} from '../origin.js'
import { fetchBlob } from './artifacts.js'
import type { RegistryClient } from './client.js'
import { MANIFEST_ACCEPT } from './manifest.js'

export async function readOrigin(
  client: RegistryClient,
  repository: string,
  digest: string,
  display: string
): Promise<ImageOrigin> {
  let manifest = await manifestJson(client, repository, digest, display)
  let origin = originFromAnnotations(manifest)
  if (isComplete(origin)) return origin
  if (isIndex(manifest)) {
    const platform = firstPlatformDigest(manifest)
    if (platform === undefined) return origin
    manifest = await manifestJson(client, repository, platform, display)
    origin = mergeOrigins(origin, originFromAnnotations(manifest))
    if (isComplete(origin)) return origin
  }
  const config = configDigest(manifest)
  if (config === undefined) return origin
  const blob = await fetchBlob(client, repository, config, display)
  return mergeOrigins(origin, originFromLabels(parse(blob, client.host, display)))
}

/** GET a manifest by digest, checked against it. */
async function manifestJson(
  client: RegistryClient,
  repository: string,
  digest: string,
  display: string
): Promise<unknown> {
  const path = `/v2/${repository}/manifests/${digest}`
  const response = await client.request(repository, 'GET', path, { accept: MANIFEST_ACCEPT })
  if (response.status !== 200) {
    throw new RegistryError(
      `Registry ${client.host} answered HTTP ${response.status} for the manifest ${digest} of ${display}.`,
      { subject: display }
    )
  }
  const found = `sha256:${createHash('sha256').update(response.body).digest('hex')}`
  if (found !== digest) {
    throw new RegistryError(
      `Registry ${client.host} sent manifest bytes for ${display} that hash to ${found}, not ${digest}.`,
      { subject: display }
    )
  }
  return parse(response.body, client.host, display)
}

function parse(body: Buffer, host: string, display: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new RegistryError(
      `Registry ${host} sent a manifest or config of ${display} that is not JSON.`,
      {
        subject: display
      }
    )
  }
}
