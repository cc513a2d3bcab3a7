/**
 * The verdicts on one unpinned reference, worded after incident 1 ("Synced,
 * 0 updated"): no tag or a mutable tag is an error, a tag without a digest a
 * warning, a tag outside allow-tags an error.
 */
import type { Node } from 'yaml'
import { mutableTagMatch } from '../policy/index.js'
import { formatReference, type ImageReference } from '../reference/index.js'
import { report, type Context } from './context.js'
import type { FindingKind } from './finding.js'

export const PIN_SUGGESTION =
  'push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest'
const NOT_SEEN =
  'a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image'

/** An unpinned reference: no tag is an error, else judged by its tag. */
export function checkReference(
  context: Context,
  at: Node,
  kind: FindingKind,
  ref: ImageReference,
  note = ''
): void {
  if (ref.tag !== undefined) return checkTagged(context, at, kind, ref, note)
  report(context, at, {
    severity: 'error',
    kind,
    image: formatReference(ref),
    problem: 'no-tag',
    message: `no tag${note}: "latest" is pulled, a mutable tag; ${NOT_SEEN}`,
    suggestion: PIN_SUGGESTION
  })
}

export function checkTagged(
  context: Context,
  at: Node,
  kind: FindingKind,
  ref: ImageReference,
  note = ''
): void {
  const tag = ref.tag!
  const image = formatReference(ref)
  const match = mutableTagMatch(tag, context.policy)
  if (match !== undefined) {
    report(context, at, {
      severity: 'error',
      kind,
      image,
      problem: 'mutable-tag',
      message: `mutable tag ${tag}${match.why ? ` (${match.why})` : ''}${note}: ${NOT_SEEN}`,
      suggestion: match.instead
        ? `push a tag that names the build, such as ${match.instead[1]} or ${match.instead[0]}, and run promote-image to pin it with its digest`
        : PIN_SUGGESTION
    })
  } else if (context.policy.allowTags && !context.policy.allowTags.test(tag)) {
    const { source, name = 'allow-tags' } = context.policy.allowTags
    report(context, at, {
      severity: 'error',
      kind,
      image,
      problem: 'mutable-tag',
      message: `tag ${tag}${note} does not match ${name} /${source}/`,
      suggestion: `promote a tag that matches ${name}, or widen the pattern`
    })
  } else {
    report(context, at, {
      severity: 'warning',
      kind,
      image,
      problem: 'no-digest',
      message: `tag ${tag}${note} has no digest: a re-push under the same tag would not be seen`,
      suggestion: 'run promote-image to pin it'
    })
  }
}
