/**
 * The CLI's top level: the overview, --version, `help COMMAND` and unknown commands, through
 * main() with stdout captured (no network: none of these reach a command's work).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CommandContext } from '../../src/cli/context.js'
import { EDIT_USAGE } from '../../src/cli/edit.js'
import { LINT_USAGE } from '../../src/cli/lint.js'
import { main, VERSION } from '../../src/cli/main.js'
import { PROMOTE_USAGE } from '../../src/cli/promote.js'
import { RESOLVE_USAGE } from '../../src/cli/resolve.js'
import { VERIFY_USAGE } from '../../src/cli/verify.js'

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
    version: string
  }
).version

async function run(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    stderr += String(chunk)
    return true
  })
  const context: Partial<CommandContext> = {
    stdout: text => {
      stdout += text
    },
    env: {}
  }
  try {
    const code = await main(argv, context)
    return { code, stdout, stderr }
  } finally {
    spy.mockRestore()
  }
}

const COMMAND_USAGES = [
  ['resolve', RESOLVE_USAGE],
  ['edit', EDIT_USAGE],
  ['promote', PROMOTE_USAGE],
  ['lint', LINT_USAGE],
  ['verify', VERIFY_USAGE]
] as const

describe('promote-image (no command)', () => {
  afterEach(() => {
    jest.restoreAllMocks()
  })

  it.each([
    { argv: ['--help'], code: 0 },
    { argv: ['-h'], code: 0 },
    { argv: ['help'], code: 0 },
    { argv: [], code: 2 }
  ])('$argv prints the overview only and exits $code', async ({ argv, code }) => {
    const ran = await run(argv)
    expect(ran.code).toBe(code)
    expect(ran.stderr).toBe('')
    expect(ran.stdout).toMatch(/^Usage: promote-image <command> \[options\]\n/)
    expect(ran.stdout).toContain('Run promote-image COMMAND --help for its options.')
    // One line per command, none of the commands' own usage.
    for (const [command, usage] of COMMAND_USAGES) {
      expect(ran.stdout).toMatch(new RegExp(`^  ${command}\\b.* {2,}\\S`, 'm'))
      expect(ran.stdout).not.toContain(usage.split('\n')[0])
    }
    expect(ran.stdout).not.toContain('--registry-username')
  })

  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async flag => {
    expect(PACKAGE_VERSION).toMatch(/^\d+\.\d+\.\d+/)
    expect(VERSION).toBe(PACKAGE_VERSION)
    expect(await run([flag])).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' })
  })

  it.each(COMMAND_USAGES)('help %s prints that command’s usage', async (command, usage) => {
    expect(await run(['help', command])).toEqual({ code: 0, stdout: usage, stderr: '' })
  })

  it.each([['frobnicate'], ['toString'], ['__proto__']])(
    'unknown command %s exits 2 naming it and the commands',
    async command => {
      const ran = await run([command])
      expect(ran.code).toBe(2)
      expect(ran.stdout).toBe('')
      expect(ran.stderr).toContain(`Unknown command ${JSON.stringify(command)}`)
      expect(ran.stderr).toContain('Commands: resolve, edit, promote, lint, verify.')
    }
  )
})
