/** Running the committed bundles the way users do, and reading what the runner would. */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { RUN_TIMEOUT_MS } from './timing.js'

export const run = promisify(execFile)
export const ROOT = resolve(import.meta.dirname, '../..')

export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs still going, each the leader of its own process group (its git and kubectl included). */
const live = new Set<ChildProcess>()

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL')
  } catch {
    // the whole group has exited already
  }
}

/** How a tracked run ended: its exit code, or null and the signal that killed it. */
export interface Ended {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Starts `file args` in a process group of its own (spawn's `detached`; execFile ignores it),
 * so that a stop takes its children too: a bundle killed at its timeout, or left running by a
 * test that timed out, would otherwise leave a `git push` behind that still writes to the test's
 * repository. The group is killed after `timeout` ms.
 */
export function track(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeout: number; input?: string }
): Promise<Ended> {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  live.add(child)
  const timer = setTimeout(() => killGroup(child), options.timeout)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.on('error', () => {}) // a child that exits without reading its input
  child.stdin.end(options.input ?? '')
  return new Promise((resolve, reject) => {
    child.once('error', error => {
      clearTimeout(timer)
      live.delete(child)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      live.delete(child)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/**
 * Kills every run still going and its children (afterEach): what a timed-out test started
 * cannot touch the next test's files, nor hold its CPU.
 */
export function killRuns(): void {
  for (const child of live) killGroup(child)
  live.clear()
}

/**
 * `node <ROOT>/<script> …args` with a clean environment (PATH and HOME, no
 * docker config) plus `env`; never throws on a non-zero exit. Killed, with its
 * children, after `timeout` ms (RUN_TIMEOUT_MS unless given); `node` runs it
 * under another Node.js binary than the one running the tests.
 */
export function runNode(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  options: { cwd?: string; nodeArgs?: readonly string[]; timeout?: number; node?: string } = {}
): Promise<Ran> {
  // A killed run has no exit code: `code` is null then, as execFile reports it.
  return track(
    options.node ?? process.execPath,
    [...(options.nodeArgs ?? []), join(ROOT, script), ...args],
    {
      cwd: options.cwd ?? ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DOCKER_CONFIG: '/nonexistent',
        ...env
      },
      timeout: options.timeout ?? RUN_TIMEOUT_MS
    }
  ).then(({ code, stdout, stderr }) => ({ code: code as number, stdout, stderr }))
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
