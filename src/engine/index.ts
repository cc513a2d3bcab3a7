export { runPromotion, type PromotionOutcome } from './run.js'
export {
  DEFAULT_BRANCH_TEMPLATE,
  PLAN_DEFAULTS,
  type BuildImages,
  type Destination,
  type EnvironmentEdit,
  type EnvironmentImages,
  type ImageSource,
  type Ports,
  type PromotionPlan,
  type PullRequestOptions
} from './plan.js'
export type { EnvironmentRun } from './environments.js'
