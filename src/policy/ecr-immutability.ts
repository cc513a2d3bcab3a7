import type { TagImmutabilityVerdict } from '../model.js'
import { ACTION_NAMES, PolicyError, type OptionNames } from '../errors.js'
import { compileGlob, type TagPattern } from './pattern.js'

/** ECR's imageTagMutability, with the exclusion modes of 2025. */
export type TagMutabilityMode =
  'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'

/**
 * Can this tag be overwritten in its ECR repository? A tag is immutable under
 * IMMUTABLE; under IMMUTABLE_WITH_EXCLUSION unless an exclusion filter
 * matches it; under MUTABLE_WITH_EXCLUSION only when a filter matches it.
 */
export function tagImmutabilityVerdict(
  mode: string,
  exclusionFilters: readonly string[],
  tag: string
): TagImmutabilityVerdict {
  const matched = exclusionFilters.find(filter => wildcardToRegExp(filter).test(tag))
  switch (mode) {
    case 'IMMUTABLE':
      return { immutable: true, reason: 'repository tags are IMMUTABLE' }
    case 'MUTABLE':
      return { immutable: false, reason: 'repository tags are MUTABLE' }
    case 'IMMUTABLE_WITH_EXCLUSION':
      return matched
        ? {
            immutable: false,
            reason: `IMMUTABLE_WITH_EXCLUSION, but exclusion filter "${matched}" matches the tag`
          }
        : {
            immutable: true,
            reason: 'IMMUTABLE_WITH_EXCLUSION, and no exclusion filter matches the tag'
          }
    case 'MUTABLE_WITH_EXCLUSION':
      return matched
        ? {
            immutable: true,
            reason: `MUTABLE_WITH_EXCLUSION, and exclusion filter "${matched}" makes the tag immutable`
          }
        : {
            immutable: false,
            reason: 'MUTABLE_WITH_EXCLUSION, and no exclusion filter matches the tag'
          }
    default:
      return { immutable: undefined, reason: `unknown imageTagMutability ${JSON.stringify(mode)}` }
  }
}

/**
 * ECR filters: `*` is the only wildcard; everything else is literal, case-sensitive. Compiled to
 * RE2 (pattern.ts): the filters are the repository's, and `*a*a*a*b` must not stall a run.
 */
function wildcardToRegExp(filter: string): TagPattern {
  return compileGlob(filter, { caseInsensitive: false, starOnly: true })
}

/**
 * A mutable repository lets someone push over the promoted tag later; the
 * digest pin still protects the deployment, but Git and the registry would
 * then disagree about what the tag means. A warning unless required.
 * Returns the warning to show, or throws when immutability is required.
 */
export function checkRepositoryImmutability(
  image: string,
  repository: string,
  verdict: TagImmutabilityVerdict,
  required: boolean,
  names: OptionNames = ACTION_NAMES
): string | undefined {
  if (verdict.immutable === true) return undefined
  if (verdict.immutable === undefined) {
    return `Could not check whether ECR repository ${repository} has immutable tags (${verdict.reason})${required ? `; ${names.name('require-immutable-repository')} cannot be enforced` : ''}.`
  }
  const message = `ECR repository ${repository} lets the tag of ${image} be overwritten (${verdict.reason}): a later push can move it away from the pinned digest.`
  const hint =
    'Turn on tag immutability: aws ecr put-image-tag-mutability --image-tag-mutability IMMUTABLE --repository-name ' +
    repository
  if (required) throw new PolicyError(message, { hint, subject: image })
  return `${message} ${hint}.`
}
