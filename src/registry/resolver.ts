import type { OptionNames } from '../errors.js'
import type { Logger } from '../log/logger.js'
import { formatReference, registryHost, type ImageReference } from '../reference/index.js'
import { lookupCredentials, type ExplicitCredentials } from './credentials.js'
import { RegistryClient } from './oci/client.js'
import { resolveManifest } from './oci/manifest.js'
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, Transport, type RetryPolicy } from './oci/transport.js'
import { fetchBlob, fetchManifest, fetchReferrers } from './oci/artifacts.js'
import type { ArtifactReader, DigestResolver, OriginReader, Resolution } from './types.js'
import { readOrigin } from './oci/origin.js'
import type { ImageOrigin } from '../model.js'
import { parseEcrHost } from './ecr/host.js'
import type { EcrDescriber } from './ecr/describe.js'

export interface ResolverOptions {
  readonly logger: Logger
  readonly insecureRegistries?: readonly string[]
  /** The registry-username/registry-password inputs, for every registry. */
  readonly credentials?: ExplicitCredentials
  readonly env?: NodeJS.ProcessEnv
  readonly timeoutMs?: number
  readonly retry?: RetryPolicy
  readonly onSecret?: (secret: string) => void
  readonly userAgent?: string
  /** How messages name settings (the CLI passes its flags); default the action's inputs. */
  readonly names?: OptionNames
}

/**
 * One resolver per run: it keeps one client per registry host, so challenges
 * and tokens learned for one image serve every other image on that host.
 */
export function createResolver(
  options: ResolverOptions
): DigestResolver & ArtifactReader & OriginReader {
  const transport = new Transport({
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: options.retry ?? DEFAULT_RETRY,
    logger: options.logger,
    insecureRegistries: options.insecureRegistries ?? [],
    userAgent: options.userAgent ?? 'promote-image'
  })
  const clients = new Map<string, RegistryClient>()
  const findCredentials = (host: string) =>
    lookupCredentials(host, {
      explicit: options.credentials,
      env: options.env,
      logger: options.logger,
      onSecret: options.onSecret,
      names: options.names
    })

  let ecr: Promise<EcrDescriber> | undefined
  const loadEcr = (): Promise<EcrDescriber> =>
    (ecr ??= import('./ecr/describe.js').then(m => new m.EcrDescriber(options.logger)))

  const clientFor = (host: string): RegistryClient => {
    let client = clients.get(host)
    if (!client) {
      client = new RegistryClient(host, transport, findCredentials, options.logger, options.names)
      clients.set(host, client)
    }
    return client
  }

  // A registry that answers the referrers API with 404 does not implement it (distribution-spec,
  // "Listing Referrers": one that does MUST NOT answer 404), so it is asked once per run: the
  // first image's request is the probe the others on that host wait for, and after a 404 they
  // go straight to the referrers tag schema's fallback tag. (A probe that fails says nothing.)
  const referrersApi = new Map<string, Promise<boolean | undefined>>()
  // A digest's content never changes: its origin is read once per repository and run.
  const origins = new Map<string, Promise<ImageOrigin>>()

  return {
    origin(ref, digest) {
      const host = registryHost(ref)
      const key = `${host}/${ref.path}@${digest}`
      let origin = origins.get(key)
      if (!origin) {
        origin = readOrigin(clientFor(host), ref.path, digest, `${ref.name}@${digest}`)
        origins.set(key, origin)
      }
      return origin
    },
    manifest: (ref, reference) =>
      fetchManifest(
        clientFor(registryHost(ref)),
        ref.path,
        reference,
        `${ref.name}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`
      ),
    async referrers(ref, digest, artifactType) {
      const host = registryHost(ref)
      const fetch = () =>
        fetchReferrers(
          clientFor(host),
          ref.path,
          digest,
          artifactType,
          `the referrers of ${ref.name}@${digest}`
        )
      const probe = referrersApi.get(host)
      if (probe === undefined) {
        const index = fetch()
        referrersApi.set(
          host,
          index.then(
            found => found !== undefined,
            () => undefined
          )
        )
        return index
      }
      return (await probe) === false ? undefined : fetch()
    },
    blob: (ref, digest) =>
      fetchBlob(clientFor(registryHost(ref)), ref.path, digest, `${ref.name}@${digest}`),
    async resolve(ref: ImageReference): Promise<Resolution> {
      const host = registryHost(ref)
      const ecrRegistry = parseEcrHost(host)
      if (ecrRegistry) {
        const describer = await loadEcr()
        return describer.resolve({
          registry: ecrRegistry,
          repository: ref.path,
          tag: ref.tag,
          digest: ref.digest,
          display: formatReference(ref)
        })
      }
      const client = clientFor(host)
      // A tag wins over a digest: for name:tag@digest the caller checks that
      // the tag still points at the digest it is about to write next to it.
      return resolveManifest(client, {
        repository: ref.path,
        reference: ref.tag ?? ref.digest!,
        display: formatReference(ref)
      })
    }
  }
}
