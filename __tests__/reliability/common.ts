/**
 * Shared helpers of the reliability suites (contention, secrets, path safety): running the
 * committed bundles with a private TMPDIR and PATH shims, snapshots of directories, a /proc
 * watcher for process arguments, secret scans of files and git directories, and local git repos.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { accessSync, constants } from 'node:fs'

import {
  chmod,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import { inflateSync } from 'node:zlib'
import { parseOutputs, ROOT, track } from '../support/run.js'
import { RUN_TIMEOUT_MS, scaled } from '../support/timing.js'

const execFileAsync = promisify(execFile)

export { ROOT }

let bundleDir: string | undefined

/**
 * A private copy of the committed bundle (dist/: index.js, cli.js, chunks/), taken once per test
 * file when dist/ is complete and not changing. The bundle is self-contained (every dependency is
 * inlined), so the copy runs exactly as dist/ does; a concurrent `npm run package`, which empties
 * dist/ and writes it again, cannot break a run midway.
 */
export async function bundle(): Promise<string> {
  if (bundleDir) return bundleDir
  const dist = join(ROOT, 'dist')
  const stamp = async (): Promise<string | undefined> => {
    try {
      const names = [
        'index.js',
        'cli.js',
        ...(await readdir(join(dist, 'chunks'))).map(n => `chunks/${n}`)
      ]
      const stats = await Promise.all(names.map(n => lstat(join(dist, n))))
      return names.map((n, i) => `${n}:${stats[i]!.size}:${stats[i]!.mtimeMs}`).join('\n')
    } catch {
      return undefined
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'promote-image-bundle-'))
  const deadline = Date.now() + scaled(60_000)
  while (Date.now() < deadline) {
    const before = await stamp()
    if (before) {
      await new Promise(resolve => setTimeout(resolve, 500))
      if ((await stamp()) === before) {
        await rm(join(dir, 'dist'), { recursive: true, force: true })
        await cp(dist, join(dir, 'dist'), { recursive: true })
        await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
        if ((await stamp()) === before) {
          bundleDir = join(dir, 'dist')
          return bundleDir
        }
      }
    }
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  throw new Error('dist/ did not settle (is `npm run package` running in a loop?)')
}

/** Removes the private copy of the bundle (afterAll). */
export async function dropBundle(): Promise<void> {
  if (bundleDir) await rm(join(bundleDir, '..'), { recursive: true, force: true })
  bundleDir = undefined
}

// ---------------------------------------------------------------------------------------------
// Running things

export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** Wall time of the process, ms. */
  readonly ms: number
}

/**
 * `node <bundle>/<script> …args` (script: 'dist/index.js' or 'dist/cli.js', run from the private
 * copy of the bundle) with exactly `env` (nothing inherited) and optional stdin; never throws on a
 * non-zero exit. Killed with its children after `timeout` ms (RUN_TIMEOUT_MS unless given).
 */
export async function runScript(
  script: 'dist/index.js' | 'dist/cli.js',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; timeout?: number; input?: string } = {}
): Promise<Ran> {
  const file = join(await bundle(), script.replace(/^dist\//, ''))
  const started = performance.now()
  const ended = await track(process.execPath, [file, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    timeout: options.timeout ?? RUN_TIMEOUT_MS,
    input: options.input
  })
  // A run killed by a signal did not succeed: exit code 1, as before.
  const code = ended.code ?? 1
  return { code, stdout: ended.stdout, stderr: ended.stderr, ms: performance.now() - started }
}

export interface ActionRun extends Ran {
  readonly outputs: Record<string, string>
  /** GITHUB_OUTPUT as written. */
  readonly outputText: string
  /** GITHUB_STEP_SUMMARY as written. */
  readonly summary: string
  /** stdout without the `::add-mask::` commands, which the runner consumes and never shows. */
  readonly shown: string
  readonly masks: string[]
}

/** The runner's files for one run, in a fresh directory under `dir`. */
export async function runAction(
  dir: string,
  env: NodeJS.ProcessEnv,
  options: { timeout?: number } = {}
): Promise<ActionRun> {
  const files = await mkdtemp(join(dir, 'runner-'))
  const outputFile = join(files, 'output')
  const summaryFile = join(files, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const ran = await runScript(
    'dist/index.js',
    [],
    { ...env, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile },
    options
  )
  const outputText = await readFile(outputFile, 'utf8')
  const lines = ran.stdout.split('\n')
  return {
    ...ran,
    outputText,
    outputs: parseOutputs(outputText),
    summary: await readFile(summaryFile, 'utf8'),
    masks: lines.filter(l => l.startsWith('::add-mask::')).map(l => l.slice(12)),
    shown: lines.filter(l => !l.startsWith('::add-mask::')).join('\n')
  }
}

/** INPUT_* variables as the runner sets them (upper case, dashes kept). */
export function inputsEnv(inputs: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}

/** The first error line of a failed run, for readable assertion failures. */
export function firstError(ran: Ran): string {
  if (ran.code === 0) return ''
  const text = `${ran.stdout}\n${ran.stderr}`
  return (
    /^::error[^:]*::(.*)$/m.exec(text)?.[1] ??
    /^promote-image: (.*)$/m.exec(text)?.[1] ??
    `exit ${ran.code}: ${text.trim().split('\n').slice(-3).join(' | ')}`
  )
}

// ---------------------------------------------------------------------------------------------
// git

/** git with no user or system configuration; returns stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'seed',
      GIT_AUTHOR_EMAIL: 'seed@example.com',
      GIT_COMMITTER_NAME: 'seed',
      GIT_COMMITTER_EMAIL: 'seed@example.com',
      LC_ALL: 'C'
    }
  })
  return stdout
}

/** Writes files (and symlinks: path → link target) under `dir`. */
export async function writeTree(
  dir: string,
  files: Record<string, string>,
  symlinks: Record<string, string> = {}
): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  for (const [path, target] of Object.entries(symlinks)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await symlink(target, join(dir, path))
  }
}

/** A working repository at `dir` with one commit on main holding `files` and `symlinks`. */
export async function initRepo(
  dir: string,
  files: Record<string, string>,
  symlinks: Record<string, string> = {}
): Promise<void> {
  await writeTree(dir, files, symlinks)
  await git(dir, 'init', '-q', '-b', 'main')
  await git(dir, 'add', '-A')
  await git(dir, 'commit', '-qm', 'initial')
}

/** A bare repository (partial clones allowed, every ref update logged) seeded with `files`. */
export async function bareRepo(
  work: string,
  name: string,
  files: Record<string, string>,
  symlinks: Record<string, string> = {}
): Promise<string> {
  const seed = join(work, `${name}-seed`)
  await initRepo(seed, files, symlinks)
  const bare = join(work, `${name}.git`)
  await git(work, 'clone', '-q', '--bare', seed, bare)
  await git(bare, 'config', 'uploadpack.allowFilter', 'true')
  await git(bare, 'config', 'core.logAllRefUpdates', 'always')
  return bare
}

// ---------------------------------------------------------------------------------------------
// Snapshots

export interface Entry {
  readonly type: 'file' | 'dir' | 'symlink' | 'other'
  /** sha256 of a file, the target of a symlink. */
  readonly content?: string
  readonly mtimeMs: number
  readonly mode: number
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Every path under `dir` (relative) → type, content hash or link target, mtime and mode. */
export async function snapshot(dir: string): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>()
  const walk = async (abs: string): Promise<void> => {
    const stats = await lstat(abs)
    const rel = relative(dir, abs) || '.'
    const base = { mtimeMs: stats.mtimeMs, mode: stats.mode }
    if (stats.isSymbolicLink()) {
      out.set(rel, { type: 'symlink', content: await readlink(abs), ...base })
    } else if (stats.isFile()) {
      out.set(rel, { type: 'file', content: sha256(await readFile(abs)), ...base })
    } else if (stats.isDirectory()) {
      out.set(rel, { type: 'dir', ...base })
      for (const name of (await readdir(abs)).sort()) await walk(join(abs, name))
    } else {
      out.set(rel, { type: 'other', ...base })
    }
  }
  await walk(dir)
  return out
}

/** Human-readable differences between two snapshots ([] when equal). */
export function snapshotDiff(before: Map<string, Entry>, after: Map<string, Entry>): string[] {
  const out: string[] = []
  for (const [path, entry] of before) {
    const now = after.get(path)
    if (!now) out.push(`removed ${path}`)
    else if (JSON.stringify(now) !== JSON.stringify(entry)) out.push(`changed ${path}`)
  }
  for (const path of after.keys()) if (!before.has(path)) out.push(`added ${path}`)
  return out
}

/** Top-level entries of `dir` (empty when it does not exist). */
export async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort()
}

// ---------------------------------------------------------------------------------------------
// Secrets

export interface SecretHit {
  readonly where: string
  readonly secret: string
}

/** Which of `secrets` (by label) occur in `text`. */
export function secretsIn(
  where: string,
  text: string | Buffer,
  secrets: Record<string, string>
): SecretHit[] {
  const data = typeof text === 'string' ? Buffer.from(text) : text
  return Object.entries(secrets)
    .filter(([, value]) => value !== '' && data.includes(Buffer.from(value)))
    .map(([secret]) => ({ where, secret }))
}

/**
 * Every file under `dir` (recursively, symlinks not followed) searched for the secrets as bytes;
 * loose git objects (objects/xx/…) are inflated first, so "everything textual" in a .git
 * directory is searched too.
 */
export async function scanDir(dir: string, secrets: Record<string, string>): Promise<SecretHit[]> {
  const hits: SecretHit[] = []
  const walk = async (abs: string): Promise<void> => {
    const stats = await lstat(abs).catch(() => undefined)
    if (!stats) return
    if (stats.isDirectory()) {
      for (const name of await readdir(abs).catch(() => [] as string[])) await walk(join(abs, name))
      return
    }
    const where = relative(dir, abs)
    if (stats.isSymbolicLink()) {
      hits.push(...secretsIn(where, await readlink(abs), secrets))
      return
    }
    if (!stats.isFile()) return
    const data = await readFile(abs).catch(() => Buffer.alloc(0))
    hits.push(...secretsIn(where, data, secrets))
    if (/(^|\/)objects\/[0-9a-f]{2}\/[0-9a-f]{38,62}$/.test(where)) {
      try {
        hits.push(...secretsIn(`${where} (inflated)`, inflateSync(data), secrets))
      } catch {
        // not a zlib stream
      }
    }
  }
  await walk(dir)
  return hits
}

// ---------------------------------------------------------------------------------------------
// Watching processes

/** The real path of a program on PATH. */
export function which(program: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, program)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // next
    }
  }
  throw new Error(`${program} is not on PATH`)
}

export interface Shims {
  /** Put first on PATH. */
  readonly bin: string
  /** One line per invocation: `<tool> <args…>`. */
  argv(): Promise<string>
  /** The environment of every invocation, concatenated. */
  env(): Promise<string>
  /** Copies of .git directories taken after every git command (with `copyGitDirs`). */
  readonly gitDirs: string
}

/**
 * PATH shims that record each invocation's arguments and environment into files under `dir`,
 * then run the real program. With `copyGitDirs`, the git shim also copies the repository's .git
 * after every command (the clone of the git write method lives in a temp dir that is deleted at
 * the end of the run, so its .git/config can only be seen while the run is going).
 */
export async function installShims(
  dir: string,
  tools: readonly string[],
  options: { copyGitDirs?: boolean } = {}
): Promise<Shims> {
  const bin = join(dir, 'bin')
  const gitDirs = join(dir, 'git-dirs')
  await mkdir(bin, { recursive: true })
  await mkdir(gitDirs, { recursive: true })
  const argvLog = join(dir, 'argv.log')
  const envDir = join(dir, 'env')
  await mkdir(envDir, { recursive: true })
  await writeFile(argvLog, '')
  for (const tool of tools) {
    const real = which(tool)
    const record = [
      '#!/bin/sh',
      `{ printf '%s' ${JSON.stringify(tool)}; for a in "$@"; do printf ' %s' "$a"; done; printf '\\n'; } >> '${argvLog}'`,
      `env > '${envDir}/${tool}-'$$-$(date +%s%N)`
    ]
    const copy =
      tool === 'git' && options.copyGitDirs
        ? [
            `${real} "$@"`,
            'status=$?',
            'for d in .git config/.git; do',
            `  if [ -d "$d" ]; then cp -a "$d" '${gitDirs}/'$$-$(date +%s%N); fi`,
            'done',
            'exit $status'
          ]
        : [`exec ${real} "$@"`]
    await writeFile(join(bin, tool), `${[...record, ...copy].join('\n')}\n`)
    await chmod(join(bin, tool), 0o755)
  }
  return {
    bin,
    gitDirs,
    argv: () => readFile(argvLog, 'utf8'),
    env: async () => {
      let text = ''
      for (const name of await entries(envDir)) text += await readFile(join(envDir, name), 'utf8')
      return text
    }
  }
}

export interface ProcessWatch {
  /** Stops watching; every distinct command line seen, and the environments of non-node processes. */
  stop(): Promise<{ cmdlines: string[]; environs: string[]; polls: number }>
}

/**
 * Polls /proc for the command line of every process while a run goes on (and the environment of
 * every process that is not node itself: children such as git, git-remote-http, kubectl, sh).
 * Short-lived processes can slip between polls; the PATH shims catch git and kubectl for sure.
 */
export function watchProcesses(intervalMs = 15): ProcessWatch {
  const cmdlines = new Set<string>()
  const environs = new Set<string>()
  let running = true
  let polls = 0
  const loop = (async () => {
    while (running) {
      polls++
      const pids = (await readdir('/proc').catch(() => [] as string[])).filter(p => /^\d+$/.test(p))
      await Promise.all(
        pids.map(async pid => {
          const raw = await readFile(`/proc/${pid}/cmdline`).catch(() => undefined)
          if (!raw || raw.length === 0) return
          const cmdline = raw.toString('utf8').replace(/\0+$/, '').split('\0').join(' ')
          if (cmdlines.has(cmdline)) return
          cmdlines.add(cmdline)
          if (cmdline.startsWith(process.execPath) || /^node\b/.test(cmdline)) return
          const environ = await readFile(`/proc/${pid}/environ`).catch(() => undefined)
          if (environ)
            environs.add(`${cmdline}\n${environ.toString('utf8').split('\0').join('\n')}`)
        })
      )
      await new Promise(resolve => setTimeout(resolve, intervalMs))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return { cmdlines: [...cmdlines], environs: [...environs], polls }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Temp dirs

/** A fresh directory under the system temp dir. */
export function workDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** Names in the system temp dir now. */
export function tmpEntries(): Promise<string[]> {
  return entries(tmpdir())
}

/**
 * Entries of the system temp dir created since `before` that look like ours (promote-image's own
 * prefixes, git's and kubectl's), ignoring the test harness's own directories.
 */
export function newTmpEntries(before: readonly string[], after: readonly string[]): string[] {
  const old = new Set(before)
  return after.filter(
    name =>
      !old.has(name) &&
      !/^promote-image-(github|registry)-\d+-/.test(name) &&
      !/^promote-image-bundle-/.test(name) &&
      !/^(jest_|bash_jobs|bash_tool_)/.test(name)
  )
}

export { tmpdir }
