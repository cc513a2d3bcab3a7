/**
 * Runs the committed action (`node dist/index.js`) as the runner does:
 * INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, against
 * GitHub in a box. Asynchronous on purpose: the box and the registry live in
 * this process and must keep answering while the child runs.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { GitHubBox } from '../../__tests__/support/github.js'

export const ROOT = resolve(import.meta.dirname, '../../..')

export interface Ran {
  code: number
  stdout: string
  stderr: string
  ms: number
}

/** Spawns `command args` and collects its output; never rejects on a non-zero exit. */
export function spawnTimed(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}
): Promise<Ran> {
  const started = process.hrtime.bigint()
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', fail)
    child.on('close', code =>
      done({ code: code ?? 1, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 })
    )
  })
}

/** The action with `inputs` (names as in action.yml) against `repository` in the box. */
export async function runAction(
  box: GitHubBox,
  repository: string,
  inputs: Record<string, string>
): Promise<Ran & { outputs: string }> {
  const work = await mkdtemp(join(tmpdir(), 'bench-action-'))
  try {
    const outputFile = join(work, 'output')
    await writeFile(outputFile, '')
    await writeFile(join(work, 'summary'), '')
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: work,
      RUNNER_TEMP: work,
      // The action's clones and render copies go where the bench's own temporary files go.
      TMPDIR: tmpdir(),
      DOCKER_CONFIG: '/nonexistent',
      NODE_NO_WARNINGS: '1',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: join(work, 'summary'),
      GITHUB_API_URL: box.apiUrl,
      GITHUB_SERVER_URL: box.url,
      GITHUB_GRAPHQL_URL: box.graphqlUrl,
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SHA: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
      GITHUB_RUN_ID: '1',
      INPUT_TOKEN: box.token,
      'INPUT_CONFIG-REPOSITORY': repository,
      'INPUT_CONFIG-FILE': 'promotion.yaml'
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    const ran = await spawnTimed(process.execPath, [join(ROOT, 'dist/index.js')], { env })
    return { ...ran, outputs: await readFile(outputFile, 'utf8') }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Throws with the run's own error lines when it failed. */
export function expectSuccess(ran: Ran, what: string): void {
  if (ran.code === 0) return
  const errors = `${ran.stdout}\n${ran.stderr}`
    .split('\n')
    .filter(line => /::error|error|Error/.test(line))
    .slice(0, 5)
    .join('\n')
  throw new Error(`${what} exited ${ran.code}:\n${errors}`)
}
