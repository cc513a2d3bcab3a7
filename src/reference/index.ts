export * from './reference.js'
export * from './kustomize.js'
