export * from './images.js'
export * from './renderers.js'
export * from './render.js'
export * from './proof.js'
export * from './helm-chart.js'
export * from './helm-render.js'
export * from './helm-verdict.js'
export { renderClosure } from './workspace.js'
export { fsTreeReader, type TreeReader } from '../repo/index.js'
export {
  imageEntries,
  kustomizationsIncluding,
  overlayInputs,
  type OverlayInputs
} from './inputs.js'
