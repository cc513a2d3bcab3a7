export {
  assertRelativePath,
  findKustomization,
  isInsideDirectory,
  isKustomizationFileName,
  KUSTOMIZATION_FILE_NAMES,
  linkTargetInRepo,
  MAX_LINK_HOPS,
  MissingPathError,
  normalizeRelativePath,
  realRelativePath,
  relativePathProblem,
  resolveInRepo
} from './paths.js'
export { fsTreeReader, type TreeReader } from './tree.js'
export { findManifestFiles, isManifestFileName, manifestFilesIn } from './manifests.js'
