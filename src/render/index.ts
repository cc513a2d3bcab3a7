export * from './images.js'
export * from './renderers.js'
export * from './render.js'
export * from './proof.js'
export { renderClosure } from './workspace.js'
export { fsTreeReader, type TreeReader } from '../repo/index.js'
export {
  imageEntries,
  kustomizationsIncluding,
  overlayInputs,
  type OverlayInputs
} from './inputs.js'
