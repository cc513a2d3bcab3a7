export * from './mutable-tags.js'
export * from './digest.js'
export * from './ecr-immutability.js'
export * from './downgrade.js'
