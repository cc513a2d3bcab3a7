/**
 * Moving words inside a longer tag: `latest-alpine`, `production-latest`,
 * `develop-celery`, `main-nightly`, `stable-1.25`. A tag built from a moving
 * word (a `mutable-tags` entry that is a plain word) and flavour or branch
 * words moves with every build just as the bare word does; what makes such a
 * tag name one build is an identifier beside the word: a full version
 * (`stable-1.25.3`), a date or timestamp (`prod-2024-06-01`, `nightly-20241001`),
 * a commit (`main-3f9c2d1`), or a run number after a branch name (`main-42`).
 *
 * The peers leave this to the user: argocd-image-updater's `latest`/`name`
 * strategies and Flux's ImagePolicy `filterTags` take a regular expression
 * per image, and Flux's guide recommends `<branch>-<sha>-<timestamp>` tags for
 * exactly this reason. A default policy cannot ask for a pattern per image, so
 * it reads the tag's words.
 */

/**
 * Words that name a release channel: a number after one names a version line
 * (`nightly-2`, `stable-1.25`, `latest-v1`), which moves; after a branch or
 * environment name a number is a run number (`main-42`), which does not.
 */
const CHANNEL_WORDS = new Set(['latest', 'stable', 'edge', 'nightly', 'canary', 'release'])

/** A `mutable-tags` entry the word rule applies to: letters and digits only. */
export function isMovingWord(entry: string): boolean {
  return /^[a-z0-9]+$/i.test(entry)
}

export interface MovingWordMatch {
  /** The moving word found (lower case). */
  readonly word: string
  /** Two tags shaped like this one that name a build: a commit form and a release form. */
  readonly instead: readonly [commit: string, release: string]
}

/**
 * The first of `words` that is a word of `tag` (split at `-`, `_`, `.`;
 * case-insensitive) when nothing beside it names one build; undefined
 * otherwise. `words` are lower case.
 */
export function movingWordIn(tag: string, words: ReadonlySet<string>): MovingWordMatch | undefined {
  const parts = tag.split(/[-_.]+/).filter(part => part !== '')
  const lower = parts.map(part => part.toLowerCase())
  const moving = lower.filter(part => words.has(part))
  if (moving.length === 0 || namesOneBuild(lower, moving)) return undefined
  const branch = moving.find(word => !CHANNEL_WORDS.has(word))
  const flavour = flavourOf(tag, words)
  const commit = `${branch ?? 'sha'}-3f9c2d1${flavour && `-${flavour}`}`
  return { word: moving[0]!, instead: [commit, `v1.4.2${flavour && `-${flavour}`}`] }
}

/**
 * The tag without its moving words and the version-line numbers next to them
 * (`stable-1.25`), separators as written: `latest-alpine3.19` → `alpine3.19`.
 */
function flavourOf(tag: string, words: ReadonlySet<string>): string {
  const pieces = tag.split(/([-_.]+)/) // words at even indexes, separators between
  const drop = pieces.map((piece, i) => i % 2 === 0 && words.has(piece.toLowerCase()))
  const isNumber = (i: number) => /^v?\d+$/i.test(pieces[i] ?? '')
  for (let i = 0; i < pieces.length; i += 2) {
    if (!drop[i] || !words.has(pieces[i]!.toLowerCase())) continue
    for (let j = i + 2; j < pieces.length && isNumber(j); j += 2) drop[j] = true
    for (let j = i - 2; j >= 0 && isNumber(j); j -= 2) drop[j] = true
  }
  const kept = pieces.flatMap((piece, i) => (i % 2 === 0 && !drop[i] && piece !== '' ? [i] : []))
  return kept.map((i, k) => (k === 0 ? '' : pieces[i - 1]!) + pieces[i]).join('')
}

function namesOneBuild(parts: readonly string[], moving: readonly string[]): boolean {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (/^\d{6,}$/.test(part)) return true // a date (20241001), a timestamp, a long build number
    if (/^[0-9a-f]{7,64}$/.test(part) && /\d/.test(part)) return true // a commit
    // Three numbers in a row: a full version (1.4.2, v1.4.2) or a date (2024-06-01).
    const next = parts.slice(i + 1, i + 3)
    if (/^v?\d+$/.test(part) && next.length === 2 && next.every(p => /^\d+$/.test(p))) return true
  }
  // A run number after a branch name (main-42), unless a channel word makes it a version line.
  return (
    parts.some(part => /^\d{1,5}$/.test(part)) && moving.every(word => !CHANNEL_WORDS.has(word))
  )
}
