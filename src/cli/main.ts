// Read at build time: rollup's json plugin inlines it into dist/cli.js.
import packageJson from '../../package.json' with { type: 'json' }
import { describeError, InputError, PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import { editCommand } from './edit.js'
import { lintCommand } from './lint.js'
import { promoteCommand } from './promote.js'
import type { CommandContext } from './context.js'
import { resolveCommand } from './resolve.js'
import { verifyCommand } from './verify.js'

const USAGE = `Usage: promote-image <command> [options]

Commands:
  resolve IMAGE...   resolve tags to digests and print pinned references
  edit               pin images in a checked-out config repo (Kustomize, Helm), no git
  promote            pin images and commit them to a config repo over git (push)
  lint [DIR]         report mutable or unpinned image references in a config repo
  verify             wait until Argo CD runs the promotion (Synced, Healthy, pinned digest)

Options:
  -h, --help         print this overview
  -V, --version      print the version

Run promote-image COMMAND --help for its options.
`

export const VERSION: string = packageJson.version

const COMMANDS: Record<string, (args: string[], context: CommandContext) => Promise<number>> = {
  resolve: resolveCommand,
  edit: editCommand,
  promote: promoteCommand,
  lint: lintCommand,
  verify: verifyCommand
}

/** Exit codes: 0 done, 1 refused or failed, 2 usage error. */
export async function main(
  argv: string[],
  overrides: Partial<CommandContext> = {}
): Promise<number> {
  const verbose =
    argv.includes('--verbose') || argv.includes('-v') || !!process.env.PROMOTE_IMAGE_DEBUG
  const context: CommandContext = {
    logger: stderrLogger(verbose),
    stdout: text => process.stdout.write(text),
    readStdin,
    env: process.env,
    ...overrides
  }
  const [command, ...rest] = argv
  if (command === '--version' || command === '-V') {
    context.stdout(`${VERSION}\n`)
    return 0
  }
  // `help COMMAND` is `COMMAND --help`; a bare --help is the overview, not every command's usage.
  if (command === 'help' && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0])) {
    return main([rest[0], '--help'], overrides)
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    context.stdout(USAGE)
    return command === undefined ? 2 : 0
  }
  // Own keys only: `promote-image toString` is an unknown command, not Object.prototype's.
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  try {
    if (!handler) {
      throw new InputError(`Unknown command ${JSON.stringify(command)}.`, {
        hint: `Commands: ${Object.keys(COMMANDS).join(', ')}. Run promote-image --help.`
      })
    }
    return await handler(rest, context)
  } catch (error) {
    if (error instanceof PromoteError) {
      process.stderr.write(`promote-image: ${error.describe()}\n`)
      return error instanceof InputError ? 2 : 1
    }
    process.stderr.write(
      `promote-image: unexpected error (please report it): ${describeError(error)}\n`
    )
    return 1
  }
}

function stderrLogger(verbose: boolean): Logger {
  return {
    debug: message => {
      if (verbose) process.stderr.write(`debug: ${message}\n`)
    },
    info: message => process.stderr.write(`${message}\n`),
    warning: message => process.stderr.write(`warning: ${message}\n`)
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}
