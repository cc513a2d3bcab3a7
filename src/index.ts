/**
 * The action's entry point (action.yml `runs.main: dist/index.js`).
 */
import { run } from './action/main.js'

/* istanbul ignore next */
await run()
