export {
  editKustomization,
  MissingImageEntryError,
  UnappliedImageEntryError,
  isKustomizeComponent,
  withoutImageEntries,
  type KustomizeEditOptions
} from './kustomize.js'
export { editHelmValues, type HelmKeys } from './helm.js'
export type { EditOutcome, PinRequest } from './types.js'
export {
  helmPin,
  kustomizationPins,
  readHelmPin,
  readKustomizationPin,
  type CurrentPin
} from './read.js'
export {
  containerImages,
  editManifests,
  manifestRepositories,
  readManifestPin,
  type ManifestFile
} from './manifest.js'
export { argoRepositories, editArgoApplication, readArgoPin } from './argocd.js'
export { helmReleaseCharts, isHelmReleaseValues, type HelmReleaseChart } from './helm-release.js'
