/** Running the committed bundles the way users do, and reading what the runner would. */
import { execFile } from 'node:child_process'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

export const run = promisify(execFile)
export const ROOT = resolve(import.meta.dirname, '../..')

export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * `node <ROOT>/<script> …args` with a clean environment (PATH and HOME, no
 * docker config) plus `env`; never throws on a non-zero exit.
 */
export function runNode(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  options: { cwd?: string; nodeArgs?: readonly string[]; timeout?: number } = {}
): Promise<Ran> {
  return run(process.execPath, [...(options.nodeArgs ?? []), join(ROOT, script), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_CONFIG: '/nonexistent', ...env },
    timeout: options.timeout ?? 120_000
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: Ran) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr })
  )
}

/** Parses the runner's GITHUB_OUTPUT file (`name<<delimiter` blocks). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!match) continue
    const value: string[] = []
    while (lines[++i] !== match[2]) value.push(lines[i]!)
    outputs[match[1]!] = value.join('\n')
  }
  return outputs
}
