import { InputError, inputLabel, PolicyError } from '../errors.js'
import { formatReference, type ImageReference } from '../reference/index.js'
import { compileGlob, compileRe2, type TagPattern } from './pattern.js'

/** Tags that name a moving target rather than a build (DESIGN.md). */
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
  'production'
]

export interface TagPolicy {
  /** Glob patterns (`*` any run, `?` one character), matched case-insensitively. */
  readonly mutableTags: readonly string[]
  /** When set, every tag must match this regular expression (RE2 syntax) in full. */
  readonly allowTags?: TagPattern
}

export const DEFAULT_TAG_POLICY: TagPolicy = { mutableTags: DEFAULT_MUTABLE_TAGS }

const IMMUTABLE_EXAMPLES =
  'Push and promote an immutable tag instead, e.g. the commit SHA (sha-3f9c2d1) or a release (v1.4.2); docker/metadata-action produces both.'

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
  const pattern = matchingMutablePattern(ref.tag, policy)
  if (pattern !== undefined) {
    const matched = pattern.toLowerCase() === ref.tag.toLowerCase() ? '' : ` (matches "${pattern}")`
    throw new PolicyError(
      `Tag "${ref.tag}" of ${shown} is mutable${matched}: the manifest in Git would not change when a new build is pushed under it, so Argo CD reports "Synced" while pods keep the old image.`,
      { hint: IMMUTABLE_EXAMPLES, subject: shown }
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

/** The policy's glob a tag matches; "latest" always does. */
export function matchingMutablePattern(tag: string, policy: TagPolicy): string | undefined {
  return ['latest', ...policy.mutableTags].find(p => mutableTagGlob(p).test(tag))
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
