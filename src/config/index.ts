// The door to config/: only what other folders use (grep before adding).
export type {
  EnvironmentConfig,
  HelmTarget,
  PromotionConfig,
  Target,
  TargetTemplate,
  VerifySettings
} from './types.js'
export { PromotionConfigError } from './error.js'
export { environmentOf } from './environment.js'
export { parsePromotionConfig } from './load.js'
export { expandTargets, parseTargetSpec } from './targets.js'
export { PROMOTION_SCHEMA } from './schema.js'
