export * from './text.js'
export { formatKeyPath, keyPathProblem, mapAt, parseKeyPath } from './key-path.js'
