export * from './types.js'
export { parsePromotionConfig, PromotionConfigError, formatProblem } from './load.js'
export {
  expandTargets,
  keyPathProblem,
  parseKeyPath,
  parseTargetSpec,
  PLACEHOLDERS
} from './targets.js'
export {
  assertRelativePath,
  findKustomization,
  KUSTOMIZATION_FILE_NAMES,
  MissingPathError,
  normalizeRelativePath,
  realRelativePath,
  relativePathProblem,
  resolveInRepo
} from './paths.js'
export { PROMOTION_SCHEMA, SCHEMA_URL, validatePromotionSchema } from './schema.js'
