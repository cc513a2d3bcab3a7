import type { PinMode, ResolvedImage, TagImmutabilityVerdict } from '../model.js'
import pLimit from 'p-limit'
import { ACTION_NAMES, InputError, PromoteError, type OptionNames } from '../errors.js'
import type { Logger } from '../log/logger.js'
import {
  checkBuildDigest,
  checkRepositoryImmutability,
  checkTagPolicy,
  tagImmutabilityVerdict,
  type TagPolicy
} from '../policy/index.js'
import {
  assertDigest,
  formatReference,
  parseReference,
  pinnedReference,
  registryHost,
  type ImageReference
} from '../reference/index.js'
import type { DigestResolver, Resolution } from '../registry/index.js'

export interface ResolveRequest {
  /** References as the user wrote them. */
  readonly images: readonly string[]
  /** The digest the build produced; every image must resolve to it. */
  readonly buildDigest?: string
  readonly policy: TagPolicy
  readonly pin: PinMode
  /** registry-username/password were given: they may serve one registry only. */
  readonly explicitCredentials?: boolean
  /** ECR: a repository whose tags can be overwritten is an error, not a warning. */
  readonly requireImmutableRepository?: boolean
  /** How messages name settings (the CLI passes its flags); default the action's inputs. */
  readonly names?: OptionNames
}

/** Several refusals at once, so one run shows every problem. */
export class RefusedImagesError extends PromoteError {
  constructor(readonly errors: readonly PromoteError[]) {
    const list = errors.map(e => `  - ${e.describe().replace(/\n/g, '\n    ')}`).join('\n')
    super(`${errors.length} images were refused:\n${list}`)
  }
}

/** One refusal as itself; several as one error listing them all. */
export function refusalOf(errors: PromoteError[]): PromoteError {
  return errors.length === 1 ? errors[0]! : new RefusedImagesError(errors)
}

/** Parses and checks every reference without touching the network. */
export function planImages(request: ResolveRequest): ImageReference[] {
  const names = request.names ?? ACTION_NAMES
  const refusals: PromoteError[] = []
  const refs: ImageReference[] = []
  if (request.buildDigest !== undefined) assertDigest(request.buildDigest)
  for (const text of request.images) {
    try {
      const ref = parseReference(text)
      checkTagPolicy(ref, request.policy)
      if (request.pin === 'tag' && ref.tag === undefined) {
        throw new PromoteError(`Image ${text} has no tag, but ${names.name('pin')} is "tag".`, {
          hint: `Add the immutable tag to the reference, or use ${names.set('pin', 'digest')}.`,
          subject: text
        })
      }
      refs.push(ref)
    } catch (error) {
      if (!(error instanceof PromoteError)) throw error
      refusals.push(error)
    }
  }
  if (refusals.length > 0) throw refusalOf(refusals)
  const hosts = [...new Set(refs.map(registryHost))]
  if (request.explicitCredentials && hosts.length > 1) {
    // Sending one registry's password to another registry's token service would leak it.
    throw new InputError(
      `${names.credentials} would be sent to ${hosts.length} registries (${hosts.join(', ')}).`,
      {
        hint: `Log in to each registry with ${names.login} instead; promote-image reads the docker config.`
      }
    )
  }
  return refs
}

/**
 * Plan, then ask the registries. Policy refusals happen before the first
 * request, so a refused tag never reaches a registry.
 */
export async function resolveImages(
  request: ResolveRequest,
  resolver: DigestResolver,
  logger: Logger,
  concurrency = 8
): Promise<ResolvedImage[]> {
  const refs = planImages(request)
  const limit = pLimit(concurrency)
  const settled = await Promise.allSettled(
    refs.map((ref, i) =>
      limit(() => resolveOne(request, ref, request.images[i]!, resolver, logger))
    )
  )
  const refusals = settled.flatMap(s => (s.status === 'rejected' ? [s.reason as unknown] : []))
  if (refusals.length > 0) {
    const unexpected = refusals.find(r => !(r instanceof PromoteError))
    if (unexpected !== undefined) throw unexpected
    throw refusalOf(refusals as PromoteError[])
  }
  return settled.map(s => (s as PromiseFulfilledResult<ResolvedImage>).value)
}

async function resolveOne(
  request: ResolveRequest,
  ref: ImageReference,
  input: string,
  resolver: DigestResolver,
  logger: Logger
): Promise<ResolvedImage> {
  const found = await resolver.resolve(ref)
  const shown = formatReference(ref)
  if (ref.tag !== undefined && ref.digest !== undefined) {
    checkBuildDigest(
      formatReference({ name: ref.name, tag: ref.tag }),
      ref.digest,
      found.digest,
      'the reference pins'
    )
  }
  if (request.buildDigest !== undefined) checkBuildDigest(shown, request.buildDigest, found.digest)
  const tagImmutability = immutabilityOf(found.tagMutability, ref.tag)
  if (tagImmutability) {
    const warning = checkRepositoryImmutability(
      shown,
      ref.path,
      tagImmutability,
      request.requireImmutableRepository ?? false,
      request.names
    )
    if (warning) logger.warning(warning)
  }
  const pinned =
    request.pin === 'tag'
      ? formatReference({ name: ref.name, tag: ref.tag })
      : pinnedReference(ref, found.digest)
  logger.info(
    `${shown} → ${found.digest} (${found.kind === 'index' ? 'multi-platform index' : 'single manifest'})`
  )
  return {
    input,
    reference: ref,
    digest: found.digest,
    pinned,
    pin: request.pin,
    mediaType: found.mediaType,
    kind: found.kind,
    platforms: found.platforms,
    registry: found.registry,
    tagImmutability
  }
}

function immutabilityOf(
  settings: Resolution['tagMutability'],
  tag: string | undefined
): TagImmutabilityVerdict | undefined {
  if (!settings || tag === undefined) return undefined
  if ('unavailable' in settings) return { immutable: undefined, reason: settings.unavailable }
  return tagImmutabilityVerdict(settings.mode, settings.exclusionFilters, tag)
}
