import { spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ACTION_NAMES, RegistryError, type OptionNames } from '../errors.js'
import type { Logger } from '../log/logger.js'

/** What we can authenticate with. Values are secrets: never log them. */
export type Credential =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** config.json `identitytoken` / helper `<token>` user: an OAuth2 refresh token. */
  | { readonly kind: 'identity-token'; readonly username: string; readonly token: string }
  /** config.json `registrytoken`: sent as-is as the Bearer token. */
  | { readonly kind: 'registry-token'; readonly token: string }

export interface CredentialSource {
  /** Where the credential came from, for error messages; never the value. */
  readonly description: string
  readonly credential?: Credential
}

export const ANONYMOUS: CredentialSource = { description: 'no credentials (anonymous)' }

export interface ExplicitCredentials {
  readonly username: string
  readonly password: string
}

export interface CredentialLookupOptions {
  readonly explicit?: ExplicitCredentials
  readonly env?: NodeJS.ProcessEnv
  readonly logger: Logger
  /** Receives every secret found so the shell can mask it (core.setSecret). */
  readonly onSecret?: (secret: string) => void
  /** How long a credential helper may take (default DEFAULT_HELPER_TIMEOUT_MS); tests shorten it. */
  readonly helperTimeoutMs?: number
  /** How messages name `explicit` (the CLI passes its flags); default the action's inputs. */
  readonly names?: OptionNames
}

/**
 * A helper answers from a keychain or a short API call; a locked keychain or a prompt waits
 * forever. 30 s is the registry request timeout too (transport.ts DEFAULT_TIMEOUT_MS).
 */
export const DEFAULT_HELPER_TIMEOUT_MS = 30_000
/** Between SIGTERM and SIGKILL of the helper's process group. */
const KILL_GRACE_MS = 2_000
/** A helper prints one small JSON object; anything longer is not an answer. */
const MAX_HELPER_OUTPUT_BYTES = 1024 * 1024
/** How much of a failing helper's stderr reaches the error message. */
const MAX_STDERR_SHOWN = 300

/** The key docker login writes for Docker Hub (docker/cli IndexServer). */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/'
const DOCKER_HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com'
])

interface AuthEntry {
  auth?: string
  username?: string
  password?: string
  identitytoken?: string
  registrytoken?: string
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>
  credHelpers?: Record<string, string>
  credsStore?: string
}

/**
 * Finds credentials for a registry host the way the docker CLI does:
 * explicit inputs, else config.json (`credHelpers[host]` before `credsStore`
 * before `auths`), else anonymous. Hand-written: no maintained JS library
 * reads docker's config and speaks the credential-helper protocol.
 */
export async function lookupCredentials(
  host: string,
  options: CredentialLookupOptions
): Promise<CredentialSource> {
  const { explicit, logger } = options
  const env = options.env ?? process.env
  if (explicit) {
    options.onSecret?.(explicit.password)
    return {
      description: (options.names ?? ACTION_NAMES).credentialSource,
      credential: { kind: 'basic', ...explicit }
    }
  }
  const loaded = await loadDockerConfig(env)
  if (!loaded) return ANONYMOUS
  const { config, path } = loaded
  const isHub = DOCKER_HUB_ALIASES.has(host)

  const helper = findByHost(config.credHelpers ?? {}, host, isHub) ?? config.credsStore
  if (helper) {
    const serverUrl = isHub ? DOCKER_HUB_KEY : host
    const source = `credential helper docker-credential-${helper} (configured in ${path})`
    const found = await runCredentialHelper(
      helper,
      serverUrl,
      env,
      source,
      options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS
    )
    if (found) {
      options.onSecret?.('token' in found ? found.token : found.password)
      return { description: source, credential: found }
    }
    logger.debug(`${source} has no credentials for ${host}`)
  }

  const entry = findByHost(config.auths ?? {}, host, isHub)
  if (!entry) return ANONYMOUS
  const source = `${path} (auths entry for ${host})`
  const credential = decodeAuthEntry(entry, source)
  if (!credential) return ANONYMOUS
  options.onSecret?.('token' in credential ? credential.token : credential.password)
  return { description: source, credential }
}

async function loadDockerConfig(
  env: NodeJS.ProcessEnv
): Promise<{ config: DockerConfig; path: string } | undefined> {
  // Newer docker CLIs accept the whole config as JSON in DOCKER_AUTH_CONFIG.
  if (env.DOCKER_AUTH_CONFIG) {
    return {
      config: parseConfig(env.DOCKER_AUTH_CONFIG, 'DOCKER_AUTH_CONFIG'),
      path: 'DOCKER_AUTH_CONFIG'
    }
  }
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker')
  const path = join(dir, 'config.json')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new RegistryError(`Cannot read docker config ${path}: ${(error as Error).message}.`)
  }
  return { config: parseConfig(text, path), path }
}

function parseConfig(text: string, path: string): DockerConfig {
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as DockerConfig
  } catch {
    // reported below
  }
  throw new RegistryError(`Docker config ${path} is not a JSON object.`, {
    hint: 'Fix or remove the file; docker login writes it as {"auths": {...}}.'
  })
}

/** docker/cli ConvertToHostname: keys may carry a scheme and a path. */
export function configKeyToHost(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]!
    .toLowerCase()
}

function findByHost<T>(map: Record<string, T>, host: string, isHub: boolean): T | undefined {
  const wanted = host.toLowerCase()
  if (isHub && map[DOCKER_HUB_KEY] !== undefined) return map[DOCKER_HUB_KEY]
  if (map[host] !== undefined) return map[host]
  for (const [key, value] of Object.entries(map)) {
    const keyHost = configKeyToHost(key)
    if (keyHost === wanted || (isHub && DOCKER_HUB_ALIASES.has(keyHost))) return value
  }
  return undefined
}

function decodeAuthEntry(entry: AuthEntry, source: string): Credential | undefined {
  if (entry.registrytoken) return { kind: 'registry-token', token: entry.registrytoken }
  let username = entry.username ?? ''
  let password = entry.password ?? ''
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon === -1) {
      throw new RegistryError(`The auth value in ${source} is not base64 of "user:password".`, {
        hint: 'Run docker login again to rewrite it.'
      })
    }
    username = decoded.slice(0, colon)
    password = decoded.slice(colon + 1).replace(/\0+$/, '')
  }
  if (entry.identitytoken) return { kind: 'identity-token', username, token: entry.identitytoken }
  if (!username && !password) return undefined
  return { kind: 'basic', username, password }
}

/** docker-credential-helpers protocol: `get`, server URL on stdin, JSON out. */
async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
  source: string,
  timeoutMs: number
): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    throw new RegistryError(`${source}: invalid helper name ${JSON.stringify(helper)}.`)
  }
  const command = `docker-credential-${helper}`
  let run: HelperRun
  try {
    run = await runBounded(command, ['get'], serverUrl, helperEnv(env), timeoutMs)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new RegistryError(`${source} is configured, but ${command} is not on PATH.`, {
        hint: 'Install the helper on the runner, or remove it from the docker config.'
      })
    }
    throw new RegistryError(`${source} could not be started: ${(error as Error).message}.`)
  }
  const { stdout, stderr } = run
  if (run.timedOut) {
    throw new RegistryError(
      `${command} timed out after ${timeoutMs / 1000} s and was stopped (${source}).`,
      {
        hint: 'A helper waiting on a locked keychain or a prompt never answers in CI: configure it to answer non-interactively on this runner, or remove it from the docker config.'
      }
    )
  }
  if (run.tooLarge) {
    throw new RegistryError(
      `${command} printed more than ${MAX_HELPER_OUTPUT_BYTES} bytes and was stopped (${source}).`
    )
  }
  if (run.code !== 0) {
    // Helpers answer "credentials not found" with a non-zero exit (docker-credential-helpers
    // credentials.ErrCredentialsNotFound, "credentials not found in native keychain").
    if (/not found/i.test(`${stdout}${stderr}`)) return undefined
    const said = maskHelperOutput(stderr, stdout)
    throw new RegistryError(
      `${source} failed (${run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`})${said ? `: ${said}` : ''}.`,
      { hint: 'Install the helper on the runner, or remove it from the docker config.' }
    )
  }
  try {
    const answer = JSON.parse(stdout) as { Username?: string; Secret?: string }
    if (!answer.Secret) return undefined
    const username = answer.Username ?? ''
    return username === '<token>'
      ? { kind: 'identity-token', username, token: answer.Secret }
      : { kind: 'basic', username, password: answer.Secret }
  } catch {
    throw new RegistryError(`${source} printed something other than JSON.`)
  }
}

interface HelperRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
  readonly tooLarge: boolean
}

/**
 * Runs a command in its own process group (detached) and bounds it: after `timeoutMs` the whole
 * group gets SIGTERM, then SIGKILL after a grace, so neither a helper that ignores SIGTERM nor a
 * child it left running (holding our pipes open, or not) can hang the run or outlive it. A
 * group still populated once the helper has exited is stopped the same way. Hand-written:
 * execFile's `timeout` signals the helper alone, and only once (nodejs/node lib/child_process.js).
 */
function runBounded(
  command: string,
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number
): Promise<HelperRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let bytes = 0
    let timedOut = false
    let tooLarge = false
    let stopping: Promise<void> | undefined
    const stop = (): Promise<void> => {
      stopping ??= stopGroup(child.pid!).then(() => {
        // Whatever still holds our pipes now is outside the group (it called setsid): stop
        // reading after a moment, so that 'close' comes.
        setTimeout(() => {
          child.stdout.destroy()
          child.stderr.destroy()
        }, 1000).unref()
      })
      return stopping
    }
    const timer = setTimeout(() => {
      timedOut = true
      void stop()
    }, timeoutMs)
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.byteLength
      if (bytes > MAX_HELPER_OUTPUT_BYTES) {
        tooLarge = true
        void stop()
        return
      }
      into.push(chunk)
    }
    child.stdout.on('data', collect(out))
    child.stderr.on('data', collect(err))
    // The helper may exit without reading stdin (EPIPE): its exit status tells what happened.
    child.stdin.on('error', () => {})
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    // Exited, but its children may live on in the group: stop them too.
    child.on('exit', () => void stop())
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      void (stopping ?? Promise.resolve()).then(() =>
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          timedOut,
          tooLarge
        })
      )
    })
    child.stdin.end(input)
  })
}

/** SIGTERM to the process group, then SIGKILL once the grace is over if any member is left. */
async function stopGroup(pgid: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return
  const until = Date.now() + KILL_GRACE_MS
  while (Date.now() < until) {
    await new Promise(resolve => setTimeout(resolve, 50))
    if (!(await groupAlive(pgid))) return
  }
  signalGroup(pgid, 'SIGKILL')
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false // ESRCH: the group is empty
  }
}

/**
 * Whether a process of the group still runs. `kill(-pgid, 0)` (POSIX kill(2)) also counts
 * zombies, which an init that reaps slowly (containers, microVMs) keeps around for seconds: on
 * Linux, /proc/<pid>/stat tells them apart (proc(5): state is field 3, pgrp field 5).
 */
async function groupAlive(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false
  let pids: string[]
  try {
    pids = (await readdir('/proc')).filter(name => /^\d+$/.test(name))
  } catch {
    return true // no /proc (macOS): the kill above is all we know
  }
  for (const pid of pids) {
    let stat: string
    try {
      stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue // gone meanwhile
    }
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(group) === pgid && state !== 'Z') return true
  }
  return false
}

/**
 * A failing helper's stderr, fit for an error message (which the action prints as `::error::`):
 * without what it printed on stdout (the answer may be in it), Authorization-style tokens,
 * long base64/hex runs and workflow-command markers, on one line and capped.
 */
export function maskHelperOutput(stderr: string, stdout: string): string {
  let text = stderr
  const printed = new Set<string>()
  for (const line of stdout.split(/\r?\n/)) if (line.trim().length >= 4) printed.add(line.trim())
  try {
    const answer = JSON.parse(stdout) as Record<string, unknown>
    for (const value of Object.values(answer)) {
      if (typeof value === 'string' && value.length >= 4) printed.add(value)
    }
  } catch {
    // not JSON: its lines are masked above
  }
  for (const secret of [...printed].sort((a, b) => b.length - a.length)) {
    text = text.split(secret).join('***')
  }
  text = text
    .replace(/\b(Basic|Bearer|token)(\s+|=|:\s*)[^\s"',;]+/gi, '$1$2***')
    .replace(/[A-Za-z0-9+/_=-]{20,}/g, run =>
      /\d/.test(run) || (/[a-z]/.test(run) && /[A-Z]/.test(run)) ? '***' : run
    )
    .replace(/[0-9a-f]{16,}/gi, '***')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    // The runner reads `::command::` and `##[command]` anywhere a line starts (actions/runner
    // ActionCommandManager); an error message is one, so break every marker.
    .replace(/:(?=:)/g, ': ')
    .replace(/##\[/g, '# #[')
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > MAX_STDERR_SHOWN ? `${text.slice(0, MAX_STDERR_SHOWN)}…` : text
}

/** The helper's environment without the tokens this run holds: it needs none of them. */
function helperEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) =>
        !/^(INPUT_|PROMOTE_IMAGE_|ACTIONS_.*TOKEN|ACTIONS_RUNTIME)|^(GITHUB_TOKEN|GH_TOKEN|ARGOCD_AUTH_TOKEN)$/i.test(
          name
        )
    )
  )
}
