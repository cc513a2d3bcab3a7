import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { RegistryError } from '../errors.js'
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
}

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
      description: 'the registry-username/registry-password inputs',
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
    const found = await runCredentialHelper(helper, serverUrl, env, source)
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
function runCredentialHelper(
  helper: string,
  serverUrl: string,
  env: NodeJS.ProcessEnv,
  source: string
): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    return Promise.reject(
      new RegistryError(`${source}: invalid helper name ${JSON.stringify(helper)}.`)
    )
  }
  return new Promise((resolve, reject) => {
    const child = execFile(
      `docker-credential-${helper}`,
      ['get'],
      { env: helperEnv(env), timeout: 30_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          // Helpers answer "credentials not found" with a non-zero exit.
          if (/not found/i.test(`${stdout}${stderr}`)) return resolve(undefined)
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
          return reject(
            new RegistryError(
              missing
                ? `${source} is configured, but docker-credential-${helper} is not on PATH.`
                : `${source} failed: ${stderr.trim() || error.message}`,
              { hint: 'Install the helper on the runner, or remove it from the docker config.' }
            )
          )
        }
        try {
          const answer = JSON.parse(stdout) as { Username?: string; Secret?: string }
          if (!answer.Secret) return resolve(undefined)
          const username = answer.Username ?? ''
          resolve(
            username === '<token>'
              ? { kind: 'identity-token', username, token: answer.Secret }
              : { kind: 'basic', username, password: answer.Secret }
          )
        } catch {
          reject(new RegistryError(`${source} printed something other than JSON.`))
        }
      }
    )
    child.stdin?.end(serverUrl)
  })
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
