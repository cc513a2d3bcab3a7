#!/usr/bin/env node
/**
 * The CLI entry point: `promote-image <command> …`, the same engine as the action.
 */
import { main } from './cli/main.js'

/* istanbul ignore next */
process.exitCode = await main(process.argv.slice(2))
