export * from './text.js'
export { keyPathProblem, parseKeyPath } from './key-path.js'
