export * from './mutable-tags.js'
export * from './digest.js'
