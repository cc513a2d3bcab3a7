/**
 * The living pull request's memory: a hidden marker of what its body pins, and the short
 * comment a later build's update posts, saying what moved since. Pure: text in, text out.
 */
import type { ResolvedImage } from '../model.js'
import { code } from './markdown.js'
import { nameOf, shortDigest } from './message-template.js'

const PINS_PREFIX = '<!-- promote-image:pins='

interface Pin {
  readonly name: string
  readonly tag?: string
  readonly digest: string
}

/** The hidden comment that records each image's pin (encoded: no text can close it). */
export function pinsMarker(images: readonly ResolvedImage[]): string {
  const pins: Pin[] = images.map(i => ({
    name: i.reference.name,
    ...(i.reference.tag !== undefined && { tag: i.reference.tag }),
    digest: i.digest
  }))
  return `${PINS_PREFIX}${encodeURIComponent(JSON.stringify(pins))} -->`
}

function readPins(body: string): Pin[] | undefined {
  const at = body.lastIndexOf(PINS_PREFIX)
  if (at === -1) return undefined
  const match = /^(\S*) -->/.exec(body.slice(at + PINS_PREFIX.length))
  try {
    const pins: unknown = JSON.parse(decodeURIComponent(match?.[1] ?? ''))
    return Array.isArray(pins)
      ? (pins as Pin[]).filter(p => typeof p?.name === 'string')
      : undefined
  } catch {
    return undefined
  }
}

/**
 * What an update moved, as a short comment: one line per image whose pin changed
 * (`old tag (digest) → new tag (digest)`); undefined when nothing moved.
 */
export function movedComment(
  previousBody: string,
  images: readonly ResolvedImage[]
): string | undefined {
  const before = new Map((readPins(previousBody) ?? []).map(p => [p.name, p]))
  const pinOf = (tag: string | undefined, digest: string): string =>
    code(`${tag ?? '(no tag)'} (${shortDigest(digest)})`)
  const lines = images.flatMap(image => {
    const was = before.get(image.reference.name)
    const now = pinOf(image.reference.tag, image.digest)
    if (was && was.digest === image.digest && was.tag === image.reference.tag) return []
    return [
      `- ${code(nameOf(image))}: ${was ? `${pinOf(was.tag, was.digest)} → ${now}` : `now ${now}`}`
    ]
  })
  if (lines.length === 0) return undefined
  return (
    ['A newer build updated this pull request; the description is regenerated.', '', ...lines].join(
      '\n'
    ) + '\n'
  )
}
