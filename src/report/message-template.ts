/**
 * The `commit-message` template: checked once when the inputs are parsed
 * (before any request), expanded when the promotion commits. Pure.
 */
import { InputError } from '../errors.js'
import type { ResolvedImage } from '../model.js'
import { repositoryName } from '../reference/index.js'
import { oneLine } from './markdown.js'

/** Every placeholder a commit-message template may use, and what it becomes. */
export const COMMIT_MESSAGE_PLACEHOLDERS: Readonly<Record<string, string>> = {
  environment: 'the environment (empty with inline targets)',
  name: 'the image name (last path component); several images: each distinct name, ", "-joined',
  tag: 'the tag (the short digest for an image given by digest alone); several images: each distinct tag, ", "-joined',
  digest: 'the short digest (sha256: + 12 hex); several images: each distinct one, ", "-joined',
  images: 'every image as name:tag (sha256:abcdef123456), ", "-joined'
}

const PLACEHOLDER = /\{([^{}\s]*)\}/g

function placeholderList(): string {
  return Object.keys(COMMIT_MESSAGE_PLACEHOLDERS)
    .map(p => `{${p}}`)
    .join(', ')
}

/**
 * Checks a commit-message template; undefined stays undefined (the default
 * message). `name` is the input (`commit-message`) or the flag
 * (`--commit-message`) named in the error.
 */
export function checkCommitMessageTemplate(
  name: string,
  template: string | undefined
): string | undefined {
  if (template === undefined) return undefined
  const label = name.startsWith('--') ? name : `Input ${name}`
  const hint = `Placeholders: ${placeholderList()}; e.g. chore(deploy): bump {name} to {tag}. The first line is the subject; the list of changes and the Promoted-Image/Source-* trailers are appended.`
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!Object.hasOwn(COMMIT_MESSAGE_PLACEHOLDERS, match[1]!)) {
      throw new InputError(
        `${label} has an unknown placeholder ${match[0]} in ${JSON.stringify(template)}.`,
        { hint, subject: name }
      )
    }
  }
  // {environment} is the only placeholder that can expand to nothing.
  const subject = template.split(/\r?\n/)[0]!.replaceAll('{environment}', '')
  if (subject.trim() === '') {
    throw new InputError(
      `${label} ${JSON.stringify(template)} gives an empty commit subject (its first line).`,
      { hint, subject: name }
    )
  }
  return template
}

/** The placeholder values for a set of images promoted into one environment. */
export function messageValues(
  environment: string | undefined,
  images: readonly ResolvedImage[]
): Map<string, string> {
  const distinct = (values: readonly string[]): string => [...new Set(values)].join(', ')
  return new Map([
    ['environment', environment ?? ''],
    ['name', distinct(images.map(nameOf))],
    ['tag', distinct(images.map(i => tagOf(i)))],
    ['digest', distinct(images.map(i => shortDigest(i.digest, true)))],
    [
      'images',
      images.map(i => `${nameOf(i)}${tagOf(i, ':')} (${shortDigest(i.digest, true)})`).join(', ')
    ]
  ])
}

/**
 * The template expanded: the subject (first line) and what the user wrote
 * under it, each value on one line. One pass, so a value that looks like a
 * placeholder stays as it is.
 */
export function expandCommitMessage(
  template: string,
  environment: string | undefined,
  images: readonly ResolvedImage[]
): { subject: string; body: string } {
  const values = messageValues(environment, images)
  const text = template.replace(PLACEHOLDER, (all, key: string) => values.get(key) ?? all)
  const [first = '', ...rest] = text.split(/\r?\n/)
  return {
    subject: oneLine(first).trim(),
    body: rest.join('\n').replace(/^\s*\n|\s+$/g, '')
  }
}

/** The last path component of the repository: `ghcr.io/acme/api` → `api`. */
export function nameOf(image: ResolvedImage): string {
  return oneLine(repositoryName(image.reference))
}

/** The tag, or for an image given by digest alone its short digest; `prefix` only before a tag. */
function tagOf(image: ResolvedImage, prefix = ''): string {
  const tag = image.reference.tag
  if (tag === undefined) return prefix ? '' : shortDigest(image.digest, true)
  return `${prefix}${oneLine(tag)}`
}

/** `sha256:` + 12 hex (`algorithm` true) or the 12 hex alone. */
export function shortDigest(digest: string, algorithm = false): string {
  const colon = digest.indexOf(':')
  const hex = digest.slice(colon + 1, colon + 13)
  return algorithm ? `${digest.slice(0, colon + 1)}${hex}` : hex
}
