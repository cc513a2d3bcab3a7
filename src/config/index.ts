export * from './types.js'
export { parsePromotionConfig, PromotionConfigError, formatProblem } from './load.js'
export { expandTargets, parseTargetSpec, PLACEHOLDERS } from './targets.js'
export { keyPathProblem, parseKeyPath } from '../yaml/key-path.js'
export {
  assertRelativePath,
  findKustomization,
  KUSTOMIZATION_FILE_NAMES,
  MissingPathError,
  normalizeRelativePath,
  realRelativePath,
  relativePathProblem,
  resolveInRepo
} from '../repo/paths.js'
export { PROMOTION_SCHEMA, SCHEMA_URL, validatePromotionSchema } from './schema.js'
