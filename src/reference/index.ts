export * from './reference.js'
