import { InputError, inputLabel, PolicyError } from '../errors.js'
import { formatReference, type ImageReference } from '../reference/index.js'
import { isMovingWord, movingWordIn } from './moving-words.js'
import { compileGlob, compileRe2, type TagPattern } from './pattern.js'

/**
 * Tags that name a moving target rather than a build (DESIGN.md). Each plain
 * word is also refused inside a longer tag with nothing that names one build
 * (`latest-alpine`, `develop-celery`; see moving-words.ts).
 */
export const DEFAULT_MUTABLE_TAGS: readonly string[] = [
  'latest',
  'main',
  'master',
  'develop',
  'dev',
  'stable',
  'edge',
  'nightly',
  'head',
  'canary',
  'staging',
  'prod',
  'production',
  'release'
]

export interface TagPolicy {
  /**
   * Glob patterns (`*` any run, `?` one character), matched case-insensitively
   * against the whole tag; a plain word also as a word of the tag (moving-words.ts).
   */
  readonly mutableTags: readonly string[]
  /** When set, every tag must match this regular expression (RE2 syntax) in full. */
  readonly allowTags?: TagPattern
}

export const DEFAULT_TAG_POLICY: TagPolicy = { mutableTags: DEFAULT_MUTABLE_TAGS }

const IMMUTABLE_EXAMPLES =
  'Push and promote an immutable tag instead, e.g. the commit SHA (sha-3f9c2d1) or a release (v1.4.2); docker/metadata-action produces both.'

/** How a tag matched the policy, for messages. */
export interface MutableMatch {
  /** The `mutable-tags` entry the tag matched. */
  readonly pattern: string
  /** Why, shown after the tag: '' when the tag is the entry itself. */
  readonly why: string
  /** Tags shaped like this one that name a build (commit form, release form); none for a plain match. */
  readonly instead?: readonly [string, string]
}

/**
 * Refuses references that would not change when a new build is pushed.
 * Pure: decides from the text alone, so a refusal never reaches a registry.
 */
export function checkTagPolicy(ref: ImageReference, policy: TagPolicy): void {
  const shown = formatReference(ref)
  if (ref.tag === undefined) {
    if (ref.digest !== undefined) return // name@sha256:… is immutable by construction
    throw new PolicyError(
      `Image ${shown} has no tag, which means "latest": a mutable tag. Argo CD would see no change when a new image is pushed under it.`,
      { hint: IMMUTABLE_EXAMPLES, subject: shown }
    )
  }
  // "latest" is always refused: it is the failure this tool exists to prevent.
  const match = mutableTagMatch(ref.tag, policy)
  if (match !== undefined) {
    const why = match.why ? ` (${match.why})` : ''
    const hint = match.instead
      ? `Push and promote a tag that names this build instead, e.g. ${match.instead[0]} (the commit) or ${match.instead[1]} (a release); docker/metadata-action produces both (type=sha with a prefix or suffix, type=semver).`
      : IMMUTABLE_EXAMPLES
    throw new PolicyError(
      `Tag "${ref.tag}" of ${shown} is mutable${why}: the manifest in Git would not change when a new build is pushed under it, so Argo CD reports "Synced" while pods keep the old image.`,
      { hint, subject: shown }
    )
  }
  if (policy.allowTags && !policy.allowTags.test(ref.tag)) {
    const name = policy.allowTags.name ?? 'allow-tags'
    throw new PolicyError(
      `Tag "${ref.tag}" of ${shown} does not match ${name} /${policy.allowTags.source}/.`,
      {
        hint: `Promote a tag that matches ${name}, or widen the ${name} pattern.`,
        subject: shown
      }
    )
  }
}

/**
 * How `tag` matches the policy, or undefined when it does not. "latest" always
 * counts. A glob matches the whole tag; a plain word also a word of a longer
 * tag that carries no version, date or commit (`latest-alpine`).
 */
export function mutableTagMatch(tag: string, policy: TagPolicy): MutableMatch | undefined {
  const patterns = ['latest', ...policy.mutableTags]
  const glob = patterns.find(p => mutableTagGlob(p).test(tag))
  if (glob !== undefined) {
    const why = glob.toLowerCase() === tag.toLowerCase() ? '' : `matches "${glob}"`
    return { pattern: glob, why }
  }
  const words = new Set(patterns.filter(isMovingWord).map(p => p.toLowerCase()))
  const found = movingWordIn(tag, words)
  if (found === undefined) return undefined
  return {
    pattern: found.word,
    why: `"${found.word}" is a moving word and nothing beside it names one build: no full version, date or commit`,
    instead: found.instead
  }
}

/** The policy entry a tag matches (see mutableTagMatch); "latest" always does. */
export function matchingMutablePattern(tag: string, policy: TagPolicy): string | undefined {
  return mutableTagMatch(tag, policy)?.pattern
}

const globs = new Map<string, TagPattern>()

/**
 * `mutable-tags` entries are globs (anything else would surprise users), matched
 * case-insensitively with RE2 (see pattern.ts). Compiled once per pattern: a run checks many tags
 * against the same few patterns.
 */
export function mutableTagGlob(glob: string): TagPattern {
  let compiled = globs.get(glob)
  if (!compiled) {
    compiled = compileGlob(glob, { caseInsensitive: true })
    globs.set(glob, compiled)
  }
  return compiled
}

/**
 * Compiles `allow-tags` with RE2 semantics (linear time: see pattern.ts), matched against the
 * whole tag so that "v\d+" cannot match "dev1-latest".
 */
export function compileAllowTags(source: string, inputName = 'allow-tags'): TagPattern {
  return compileRe2(source, inputName)
}

/** Validates a `mutable-tags` entry: a tag with optional `*`/`?` wildcards. */
export function checkMutableTagPattern(pattern: string, inputName = 'mutable-tags'): string {
  if (!/^[\w*?][\w.*?-]{0,127}$/.test(pattern)) {
    throw new InputError(
      `${inputLabel(inputName)} has an invalid pattern ${JSON.stringify(pattern)}.`,
      {
        hint: 'Each pattern is a tag with optional * and ? wildcards, e.g. latest or pr-*.'
      }
    )
  }
  return pattern
}
