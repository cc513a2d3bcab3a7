/**
 * The images verify waits for, and whether what Argo CD reports running is one
 * of them: the same repository in any spelling (docker.io/library/nginx is
 * nginx), the same digest when one was pinned, else the same tag.
 */
import { canonicalRepository, parseReference, type ImageReference } from '../reference/index.js'

export interface WantedImage {
  /** As the user passed it. */
  readonly text: string
  readonly ref: ImageReference
  /** canonicalRepository(ref): equal for every spelling of the repository. */
  readonly repository: string
}

/** Parses a wanted reference; throws InvalidReferenceError. */
export function wantedImage(text: string): WantedImage {
  const ref = parseReference(text)
  return { text, ref, repository: canonicalRepository(ref) }
}

/**
 * Whether an image Argo CD reports (a pod spec's image) is the wanted one: same repository in
 * any spelling, and the same digest when one was pinned, else the same tag.
 */
export function imageMatches(wanted: WantedImage, running: string): boolean {
  const ref = tryParse(running)
  if (!ref || canonicalRepository(ref) !== wanted.repository) return false
  if (wanted.ref.digest) return ref.digest === wanted.ref.digest
  return effectiveTag(ref) === effectiveTag(wanted.ref)
}

/** The canonical repository of a running image; undefined when it does not parse. */
export function repositoryOf(image: string): string | undefined {
  const ref = tryParse(image)
  return ref && canonicalRepository(ref)
}

/** The tag a runtime pulls: `latest` when neither tag nor digest is given. */
export function effectiveTag(ref: ImageReference): string | undefined {
  return ref.tag ?? (ref.digest ? undefined : 'latest')
}

/** repo@sha256:… when pinned, else as written. */
export function shownRunning(image: string): string {
  const ref = tryParse(image)
  return ref?.digest ? `${ref.name}@${ref.digest}` : image
}

/** `api:v2` or `api@sha256:0123456789ab`: short enough for a progress line. */
export function shortImage(w: WantedImage): string {
  const name = w.ref.path.split('/').pop()
  return w.ref.digest ? `${name}@${w.ref.digest.slice(0, 19)}` : `${name}:${effectiveTag(w.ref)}`
}

function tryParse(image: string): ImageReference | undefined {
  try {
    return parseReference(image)
  } catch {
    // Argo CD reports what the pod spec says; anything we cannot parse is not what we pinned.
    return undefined
  }
}
