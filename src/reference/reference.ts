import { InvalidReferenceError } from '../errors.js'
import {
  ANY_DIGEST,
  DOMAIN,
  IMAGE_ID,
  MAX_PATH_LENGTH,
  MAX_TAG_LENGTH,
  PATH,
  SHA256_DIGEST,
  TAG
} from './grammar.js'

export const DOCKER_HUB_DOMAIN = 'docker.io'
/** docker.io is only a naming domain; the API lives here (containerd DefaultHost). */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io'

export interface ImageReference {
  /** The repository exactly as the user wrote it: `nginx`, `127.0.0.1:5000/team/app`. */
  readonly name: string
  /** Naming domain, lower-cased; `docker.io` when the user wrote none. */
  readonly domain: string
  /** Repository path inside the registry: `library/nginx` for Hub official images. */
  readonly path: string
  readonly tag?: string
  readonly digest?: string
}

/**
 * Parses an image reference the way distribution/reference's
 * ParseNormalizedNamed does, with stricter digests: only `sha256:` + 64
 * lower-case hex can be pinned. Throws InvalidReferenceError with the reason.
 */
export function parseReference(text: string): ImageReference {
  const shown = JSON.stringify(text)
  if (text.length === 0) {
    throw new InvalidReferenceError('The image reference is empty.', {
      hint: 'Pass the reference CI pushed, e.g. ghcr.io/acme/api:v1.4.2.'
    })
  }
  if (/\s/.test(text)) {
    throw new InvalidReferenceError(`Image reference ${shown} contains whitespace.`, {
      hint: 'Pass one reference per line, without spaces.'
    })
  }
  if (IMAGE_ID.test(text)) {
    throw new InvalidReferenceError(
      `Image reference ${shown} is a bare image ID, not a repository name.`,
      { hint: 'Pass registry/repository:tag; pin content with @sha256:<digest>.' }
    )
  }

  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    assertDigest(digest, text)
  }

  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.indexOf(':', lastSlash + 1)
  if (colon !== -1) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    assertTag(tag, text)
  }

  const name = rest
  const { domain, remainder } = splitDomain(name, text)
  if (remainder !== remainder.toLowerCase()) {
    throw new InvalidReferenceError(
      `Image reference ${shown} has upper-case letters in its repository path "${remainder}".`,
      { hint: 'Repository paths are lower case; registries and Kubernetes refuse upper case.' }
    )
  }
  if (!PATH.test(remainder)) {
    throw new InvalidReferenceError(
      `Image reference ${shown} has an invalid repository path "${remainder}".`,
      {
        hint: 'Path components are lower-case letters and digits, separated by ".", "_", "__" or "-", joined by "/".'
      }
    )
  }
  const path =
    domain === DOCKER_HUB_DOMAIN && !remainder.includes('/') ? `library/${remainder}` : remainder
  if (path.length > MAX_PATH_LENGTH) {
    throw new InvalidReferenceError(
      `Image reference ${shown} has a repository path of ${path.length} characters; the limit is ${MAX_PATH_LENGTH}.`
    )
  }
  return { name, domain, path, tag, digest }
}

/** Whether `text` is a sha256 digest promote-image can pin. */
export function isPinnableDigest(text: string): boolean {
  return SHA256_DIGEST.test(text)
}

/** Throws unless `digest` is `sha256:` followed by 64 lower-case hex digits. */
export function assertDigest(digest: string, context = digest): void {
  if (SHA256_DIGEST.test(digest)) return
  const where = context === digest ? '' : ` in ${JSON.stringify(context)}`
  const why = !ANY_DIGEST.test(digest)
    ? 'is not a digest'
    : digest.startsWith('sha256:')
      ? 'is not 64 lower-case hex digits after "sha256:"'
      : 'uses an algorithm other than sha256'
  throw new InvalidReferenceError(`Digest ${JSON.stringify(digest)}${where} ${why}.`, {
    hint: 'A pinned digest looks like sha256:<64 lower-case hex digits>, as docker/build-push-action outputs it.'
  })
}

function assertTag(tag: string, context: string): void {
  if (TAG.test(tag)) return
  const shown = JSON.stringify(tag)
  if (tag.length > MAX_TAG_LENGTH) {
    throw new InvalidReferenceError(
      `Tag ${shown.slice(0, 40)}… in the image reference is ${tag.length} characters long; the limit is ${MAX_TAG_LENGTH}.`
    )
  }
  throw new InvalidReferenceError(
    `Tag ${shown} in ${JSON.stringify(context)} is not a valid tag.`,
    {
      hint: 'Tags start with a letter, digit or "_" and contain only letters, digits, "_", "." and "-".'
    }
  )
}

/** distribution's splitDockerDomain: is the first path element a host? */
function splitDomain(name: string, context: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/')
  const first = slash === -1 ? '' : name.slice(0, slash)
  const looksLikeHost =
    slash !== -1 &&
    (first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first !== first.toLowerCase())
  if (!looksLikeHost) return { domain: DOCKER_HUB_DOMAIN, remainder: name }
  if (!DOMAIN.test(first)) {
    throw new InvalidReferenceError(
      `Image reference ${JSON.stringify(context)} has an invalid registry host "${first}".`,
      { hint: 'Write the registry as host[:port], e.g. ghcr.io or 127.0.0.1:5000.' }
    )
  }
  const domain = first.toLowerCase()
  return {
    domain: domain === 'index.docker.io' ? DOCKER_HUB_DOMAIN : domain,
    remainder: name.slice(slash + 1)
  }
}

/** The host to send API requests to. */
export function registryHost(ref: Pick<ImageReference, 'domain'>): string {
  return ref.domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : ref.domain
}

/** `domain/path`: equal for every spelling of the same repository. */
export function canonicalRepository(ref: Pick<ImageReference, 'domain' | 'path'>): string {
  return `${ref.domain}/${ref.path}`
}

/** Formats back to text; `formatReference(parseReference(s)) === s`. */
export function formatReference(ref: Pick<ImageReference, 'name' | 'tag' | 'digest'>): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`
}

/** The reference written to Git: the name as the user wrote it, tag, digest. */
export function pinnedReference(ref: ImageReference, digest: string): string {
  return formatReference({ name: ref.name, tag: ref.tag, digest })
}

/** `canonicalRepository` of a reference given as text, or undefined when it does not parse. */
export function canonicalRepositoryOf(text: string): string | undefined {
  try {
    return canonicalRepository(parseReference(text))
  } catch {
    return undefined
  }
}

/** The last path component of the repository: what `{name}` stands for in targets. */
export function repositoryName(ref: Pick<ImageReference, 'path'>): string {
  return ref.path.slice(ref.path.lastIndexOf('/') + 1)
}

/** `repositoryName` of a repository or reference given as text; the last `/` component if it does not parse. */
export function repositoryNameOf(text: string): string {
  try {
    return repositoryName(parseReference(text))
  } catch {
    return text.slice(text.lastIndexOf('/') + 1)
  }
}
