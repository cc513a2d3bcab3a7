export { editSummary } from './edits.js'
export { checkCommitMessageTemplate, shortDigest } from './message-template.js'
export {
  commitMessage,
  pullRequestBody,
  pullRequestTitle,
  type PromotionContent
} from './promotion.js'
export { imagesOutput, resolutionSummary, type ImageOutput } from './summary.js'
export { codeChangesSection, codeChangesSummary, COMMITS_SHOWN, sameSource } from './changes.js'
