export * from './images.js'
export * from './renderers.js'
export * from './render.js'
export * from './verify.js'
