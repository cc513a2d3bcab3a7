export { editSummary } from './edits.js'
export { checkCommitMessageTemplate, shortDigest } from './message-template.js'
export {
  bodySections,
  commitMessage,
  pullRequestBody,
  pullRequestTitle,
  type PromotionContent
} from './promotion.js'
export { imagesOutput, resolutionSummary, type ImageOutput } from './summary.js'
export { codeChangesSection, codeChangesSummary, COMMITS_SHOWN, sameSource } from './changes.js'
export { composeSections, fixedSection, type Section } from './sections.js'
export { renderedDiff, type RenderedDiff } from './rendered-diff.js'
export { movedComment, pinsMarker } from './moved.js'
