// Real OCI registries for integration tests: CNCF distribution 2.8 (`docker-registry`) on
// loopback, behind a counting, fault-injecting proxy, with no auth, htpasswd (Basic) or token
// (Bearer) auth. See harness.test.ts for usage.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, openSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'

import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { startTokenServer, type RequestGate, type TokenServer } from './token-server.js'
import { scaled } from './timing.js'

const execFileAsync = promisify(execFile)

export type RegistryAuth = 'none' | 'token' | 'htpasswd'

export interface LoggedRequest {
  server: 'registry' | 'token'
  method: string
  /** Path plus query, as the client sent it. */
  path: string
  /** Status answered; 0 while pending, or when a fault hung or reset the request. */
  status: number
  hadAuthorization: boolean
  /** Scheme of the Authorization header as sent, e.g. 'Basic' or 'Bearer'. */
  authScheme?: string
}

export interface RequestLog {
  /** In arrival order. */
  readonly entries: LoggedRequest[]
  reset(): void
  count(server?: 'registry' | 'token'): number
}

export interface Fault {
  /** Ignored when `hang` or `reset` is set. */
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
  /** Wait this long, then answer (or reset). */
  delayMs?: number
  /** Never answer; the connection stays open until the client gives up or the registry stops. */
  hang?: boolean
  /** Destroy the socket instead of answering. */
  reset?: boolean
}

/** Returns a Fault to answer with instead of the real server; undefined or 'pass' forwards. */
export type Injector = (req: {
  server: 'registry' | 'token'
  method: string
  path: string
  headers: IncomingHttpHeaders
}) => Fault | 'pass' | undefined

export interface RegistryInstance {
  /** '127.0.0.1:PORT' of the counting proxy in front of the registry: what clients use. */
  host: string
  /** The real registry's own address (not counted, no faults). */
  directHost: string
  auth: RegistryAuth
  /** Valid credentials for 'token' and 'htpasswd' (set but unused for 'none'). */
  username: string
  password: string
  /** For 'token': accepted by POST grant_type=refresh_token (the identity-token flow). */
  refreshToken: string
  /** For 'token': the Bearer challenge realm, i.e. the (counted) token server's URL. */
  tokenRealm?: string
  service?: string
  /** Every request that reached the proxy or the token server. */
  requests: RequestLog
  /** Applies to requests to both the registry proxy and the token server. */
  inject(fn: Injector | undefined): void
  stop(): Promise<void>
}

export interface StartOptions {
  auth: RegistryAuth
  /**
   * 'token' only, default true: anonymous token requests get pull access. When false anonymous
   * tokens carry an empty access claim, as Docker Hub's do for private repositories.
   */
  anonymousPull?: boolean
}

const SERVICE = 'promote-image-test'
const ISSUER = 'promote-image-test-token-issuer'
const READY_TIMEOUT_MS = scaled(15_000)
const PORT_ATTEMPTS = 3
const LOG_TAIL_BYTES = 4000
/** Temp dirs are named after the owning process, so orphans can be told apart. */
const DIR_PREFIX = 'promote-image-registry-'
const DIR_OWNER = new RegExp(`^${DIR_PREFIX}(\\d+)-`)

/** How pushImage authorizes its (uncounted) requests, per started registry. */
const pushAuthorizers = new WeakMap<RegistryInstance, (repository: string) => string | undefined>()

export async function startRegistry(opts: StartOptions): Promise<RegistryInstance> {
  await removeOrphanedDirs()
  const dir = await mkdtemp(path.join(tmpdir(), `${DIR_PREFIX}${process.pid}-`))
  const requests = new MemoryRequestLog()
  let injector: Injector | undefined
  const username = 'promote-image-ci'
  const password = randomBytes(12).toString('hex')
  const refreshToken = randomBytes(24).toString('hex')
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

  // A test that forgets stop() must not hang Jest: the servers and the child are unref'd, and
  // the registry dies with this process (setpriv --pdeathsig). No process.on('exit') hook: under
  // Jest it would only reach the sandbox's copy of `process`, and would never run.
  let tokenServer: TokenServer | undefined
  let registry: RunningRegistry | undefined
  let proxy: http.Server | undefined
  const upstreamAgent = new http.Agent({ keepAlive: true })

  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    injector = undefined
    if (proxy) await closeServer(proxy)
    upstreamAgent.destroy()
    await tokenServer?.stop()
    if (registry) await terminate(registry.child)
    await rm(dir, { recursive: true, force: true })
  }

  try {
    let authConfig: Record<string, unknown> | undefined
    let pushAuthorization: (repository: string) => string | undefined = () => undefined
    if (opts.auth === 'htpasswd') {
      // -B: bcrypt, the only hash distribution accepts.
      const { stdout } = await execFileAsync('htpasswd', ['-Bbn', username, password])
      const htpasswdPath = path.join(dir, 'htpasswd')
      await writeFile(htpasswdPath, stdout)
      authConfig = { htpasswd: { realm: SERVICE, path: htpasswdPath } }
      pushAuthorization = () => basic
    } else if (opts.auth === 'token') {
      const server = await startTokenServer({
        dir,
        service: SERVICE,
        issuer: ISSUER,
        username,
        password,
        refreshToken,
        anonymousPull: opts.anonymousPull ?? true,
        gate: countingGate('token', requests, () => injector)
      })
      tokenServer = server
      authConfig = {
        token: {
          realm: server.realm,
          service: SERVICE,
          issuer: ISSUER,
          rootcertbundle: server.certPath
        }
      }
      pushAuthorization = repository =>
        `Bearer ${server.mint(username, [{ type: 'repository', name: repository, actions: ['pull', 'push'] }])}`
    }

    registry = await launchRegistry(dir, authConfig)
    const directHost = `127.0.0.1:${registry.port}`
    proxy = await listen(
      countingProxy(
        directHost,
        upstreamAgent,
        countingGate('registry', requests, () => injector)
      )
    )
    const instance: RegistryInstance = {
      host: `127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      directHost,
      auth: opts.auth,
      username,
      password,
      refreshToken,
      ...(tokenServer && { tokenRealm: tokenServer.realm, service: SERVICE }),
      requests,
      inject: fn => {
        injector = fn
      },
      stop
    }
    pushAuthorizers.set(instance, pushAuthorization)
    return instance
  } catch (err) {
    await stop()
    throw err
  }
}

/** Removes temp dirs left by test processes that died before stop() (e.g. killed by Jest). */
async function removeOrphanedDirs(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [])
  await Promise.all(
    names.map(async name => {
      const pid = Number(DIR_OWNER.exec(name)?.[1])
      if (pid && !isAlive(pid)) {
        await rm(path.join(tmpdir(), name), { recursive: true, force: true })
      }
    })
  )
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: alive, but someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

class MemoryRequestLog implements RequestLog {
  readonly entries: LoggedRequest[] = []

  reset(): void {
    this.entries.length = 0
  }

  count(server?: 'registry' | 'token'): number {
    return server
      ? this.entries.filter(entry => entry.server === server).length
      : this.entries.length
  }
}

/** Logs each request on arrival, then lets the injector answer it or pass it on. */
function countingGate(
  server: 'registry' | 'token',
  log: MemoryRequestLog,
  currentInjector: () => Injector | undefined
): RequestGate {
  return {
    admit(req, res) {
      const method = req.method ?? 'GET'
      const requestPath = req.url ?? '/'
      const authorization = req.headers.authorization
      const entry: LoggedRequest = {
        server,
        method,
        path: requestPath,
        status: 0,
        hadAuthorization: authorization !== undefined,
        ...(authorization !== undefined && { authScheme: authorization.split(' ')[0] })
      }
      log.entries.push(entry)
      const settle = (status: number): void => {
        entry.status = status
      }

      let verdict: ReturnType<Injector>
      try {
        verdict = currentInjector()?.({ server, method, path: requestPath, headers: req.headers })
      } catch (err) {
        verdict = { status: 500, body: `injector threw: ${String(err)}` }
      }
      if (verdict === undefined || verdict === 'pass') return settle
      answerWithFault(req, res, verdict, settle)
      return undefined
    }
  }
}

function answerWithFault(
  req: IncomingMessage,
  res: ServerResponse,
  fault: Fault,
  settle: (status: number) => void
): void {
  // Drain any request body so the client is not stuck writing it.
  req.resume()
  if (fault.hang) return
  const act = (): void => {
    if (fault.reset) {
      req.socket.destroy()
      return
    }
    settle(fault.status)
    res.writeHead(fault.status, fault.headers).end(fault.body)
  }
  if (fault.delayMs === undefined) {
    act()
    return
  }
  const timer = setTimeout(act, fault.delayMs)
  res.once('close', () => clearTimeout(timer))
}

/**
 * Forwards requests to the registry unchanged (streamed both ways) and answers with its status,
 * headers and bytes, except that Locations pointing at the registry point at the proxy instead.
 */
function countingProxy(
  directHost: string,
  agent: http.Agent,
  gate: RequestGate
): http.RequestListener {
  return (req, res) => {
    const settle = gate.admit(req, res)
    if (!settle) return
    const proxyHost = req.headers.host ?? directHost
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: Number(directHost.split(':')[1]),
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: directHost },
        agent
      },
      upstreamRes => {
        const status = upstreamRes.statusCode ?? 502
        settle(status)
        res.writeHead(status, rewriteHeaders(upstreamRes.rawHeaders, directHost, proxyHost))
        upstreamRes.pipe(res)
      }
    )
    upstream.on('error', err => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      settle(502)
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${err.message}`)
    })
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy()
    })
    req.pipe(upstream)
  }
}

/** Keeps header order, case and duplicates; drops hop-by-hop headers Node manages itself. */
function rewriteHeaders(rawHeaders: string[], directHost: string, proxyHost: string): string[] {
  const out: string[] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    let value = rawHeaders[i + 1] as string
    const lower = name.toLowerCase()
    if (lower === 'connection' || lower === 'keep-alive') continue
    if (lower === 'location') value = value.replace(`//${directHost}/`, `//${proxyHost}/`)
    out.push(name, value)
  }
  return out
}

interface RunningRegistry {
  child: ChildProcess
  port: number
}

/** Starts docker-registry on a free loopback port and waits until it answers /v2/. */
async function launchRegistry(
  dir: string,
  auth: Record<string, unknown> | undefined
): Promise<RunningRegistry> {
  const configPath = path.join(dir, 'config.yml')
  const logPath = path.join(dir, 'registry.log')
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const config = {
      version: '0.1',
      log: { level: 'info', formatter: 'text' },
      storage: {
        filesystem: { rootdirectory: path.join(dir, 'storage') },
        delete: { enabled: true }
      },
      http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
      ...(auth && { auth })
    }
    // JSON is valid YAML, and saves hand-writing YAML.
    await writeFile(configPath, JSON.stringify(config, null, 2))
    const logFd = openSync(logPath, 'w')
    // --pdeathsig: the kernel kills the registry if this process dies without cleaning up.
    const child = spawn(
      'setpriv',
      ['--pdeathsig', 'KILL', '--', 'docker-registry', 'serve', configPath],
      { stdio: ['ignore', logFd, logFd] }
    )
    closeSync(logFd)
    try {
      await waitUntilReady(child, port, logPath)
      child.unref()
      return { child, port }
    } catch (err) {
      await terminate(child)
      const log = await readFile(logPath, 'utf8').catch(() => '')
      // Another process may have taken the port between freePort() and the registry's bind.
      if (attempt < PORT_ATTEMPTS && log.includes('address already in use')) continue
      throw new Error(
        `docker-registry did not start (${String(err)}); end of its log:\n${log.slice(-LOG_TAIL_BYTES)}`,
        { cause: err }
      )
    }
  }
}

async function waitUntilReady(child: ChildProcess, port: number, logPath: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  let exited: string | undefined
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${String(code)}`}`
  })
  child.once('error', err => {
    exited = `failed to spawn: ${err.message}`
  })
  // Probing alone could reach another process that grabbed the port; once our registry logs
  // this (after its bind succeeded), the port is ours.
  const bound = `listening on 127.0.0.1:${port}`
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited)
    const log = await readFile(logPath, 'utf8')
    if (log.includes(bound)) {
      const status = await probe(port)
      if (status === 200 || status === 401) return
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`no answer on /v2/ within ${READY_TIMEOUT_MS} ms`)
}

function probe(port: number): Promise<number | undefined> {
  return new Promise(resolve => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/v2/', agent: false, timeout: scaled(1000) },
      res => {
        res.resume()
        resolve(res.statusCode)
      }
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(undefined))
  })
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

async function listen(listener: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(listener)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return server.unref()
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve())
    // Hung (fault-injected) and keep-alive connections would otherwise hold close() forever.
    server.closeAllConnections()
  })
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), scaled(3000))
  await exited
  clearTimeout(timer)
}

// ---------------------------------------------------------------------------------------------
// Pushing images. Pushes go straight to the registry (directHost) with credentials minted or
// built in-process, so they neither show up in the RequestLog nor meet injected faults.

export interface PushOptions {
  /** e.g. ['linux/amd64', 'linux/arm64']: one manifest per platform by digest, then an index by tag. */
  platforms?: string[]
  /** Media types to use; default 'oci'. */
  format?: 'oci' | 'docker'
  /**
   * Varies the layer content so digests differ; default ''. Same seed, platform and format give
   * the same digests, in any repository.
   */
  seed?: string
  /** The image config's `config.Labels` (each platform's), as `docker build --label` sets them. */
  labels?: Record<string, string>
  /** Annotations on the image manifest (each platform's), buildx's default `manifest:` level. */
  annotations?: Record<string, string>
  /** Annotations on the index (multi-platform pushes), buildx's `index:` level. */
  indexAnnotations?: Record<string, string>
}

export interface PushedImage {
  /** 'sha256:…' of the exact manifest (or index) bytes as PUT. */
  digest: string
  manifest: Buffer
  mediaType: string
  /** For multi-platform pushes: platform (as given) → its manifest's digest. */
  platformDigests?: Record<string, string>
}

const MEDIA_TYPES = {
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip'
  },
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip'
  }
} as const

type MediaTypes = (typeof MEDIA_TYPES)['oci' | 'docker']

const DEFAULT_PLATFORM = 'linux/amd64'

export async function pushImage(
  reg: RegistryInstance,
  repository: string,
  tag: string,
  opts: PushOptions = {}
): Promise<PushedImage> {
  const target = pushTarget(reg, repository)
  const types = MEDIA_TYPES[opts.format ?? 'oci']
  const seed = opts.seed ?? ''

  if (!opts.platforms) {
    const manifest = await pushPlatformImage(target, types, DEFAULT_PLATFORM, seed, opts)
    const digest = await target.putManifest(tag, manifest, types.manifest)
    return { digest, manifest, mediaType: types.manifest }
  }

  const platformDigests: Record<string, string> = {}
  const manifests = []
  for (const platform of opts.platforms) {
    const manifest = await pushPlatformImage(target, types, platform, seed, opts)
    const digest = await target.putManifest(sha256(manifest), manifest, types.manifest)
    platformDigests[platform] = digest
    manifests.push({
      mediaType: types.manifest,
      digest,
      size: manifest.length,
      platform: parsePlatform(platform)
    })
  }
  const index = serialize({
    schemaVersion: 2,
    mediaType: types.index,
    manifests,
    ...(opts.indexAnnotations && { annotations: opts.indexAnnotations })
  })
  const digest = await target.putManifest(tag, index, types.index)
  return { digest, manifest: index, mediaType: types.index, platformDigests }
}

/** PUTs `body` as-is (e.g. an unusual media type); returns its sha256 digest. */
export async function pushManifest(
  reg: RegistryInstance,
  repository: string,
  reference: string,
  body: Buffer,
  mediaType: string
): Promise<string> {
  return pushTarget(reg, repository).putManifest(reference, body, mediaType)
}

/** Uploads `blob` (e.g. a signature payload) to `repository`; returns its sha256 digest. */
export async function pushBlob(
  reg: RegistryInstance,
  repository: string,
  blob: Buffer
): Promise<string> {
  await pushTarget(reg, repository).uploadBlob(blob)
  return sha256(blob)
}

/** Pushes the config and layer blobs of a one-platform image; returns its manifest (unpushed). */
async function pushPlatformImage(
  target: PushTarget,
  types: MediaTypes,
  platform: string,
  seed: string,
  extra: Pick<PushOptions, 'labels' | 'annotations'> = {}
): Promise<Buffer> {
  const tar = tarWithOneFile('seed.txt', `seed=${seed} platform=${platform}\n`)
  const layer = gzipSync(tar)
  const config = serialize({
    ...parsePlatform(platform),
    config: extra.labels ? { Labels: extra.labels } : {},
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] }
  })
  await target.uploadBlob(config)
  await target.uploadBlob(layer)
  return serialize({
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: types.config, digest: sha256(config), size: config.length },
    layers: [{ mediaType: types.layer, digest: sha256(layer), size: layer.length }],
    ...(extra.annotations && { annotations: extra.annotations })
  })
}

interface PushTarget {
  uploadBlob(blob: Buffer): Promise<void>
  /** Returns the digest, checked against the registry's Docker-Content-Digest. */
  putManifest(reference: string, body: Buffer, mediaType: string): Promise<string>
}

function pushTarget(reg: RegistryInstance, repository: string): PushTarget {
  const authorize = pushAuthorizers.get(reg)
  if (!authorize) throw new Error('pushImage/pushManifest need a registry from startRegistry()')
  const authorization = authorize(repository)
  const base = `http://${reg.directHost}/v2/${repository}`

  const send = async (
    method: string,
    url: string,
    expected: number,
    body?: Buffer,
    contentType?: string
  ): Promise<Response> => {
    const headers: Record<string, string> = {}
    if (authorization) headers.authorization = authorization
    if (contentType) headers['content-type'] = contentType
    const res = await fetch(url, { method, headers, body })
    if (res.status !== expected) {
      throw new Error(`push: ${method} ${url} answered ${res.status}: ${await res.text()}`)
    }
    return res
  }

  return {
    // Monolithic upload: POST opens an upload session, one PUT with ?digest= completes it.
    async uploadBlob(blob) {
      const started = await send('POST', `${base}/blobs/uploads/`, 202)
      const location = started.headers.get('location')
      if (!location) throw new Error(`push: blob upload to ${base} gave no Location`)
      const uploadUrl = new URL(location, base).href
      const separator = uploadUrl.includes('?') ? '&' : '?'
      const digest = encodeURIComponent(sha256(blob))
      const done = await send(
        'PUT',
        `${uploadUrl}${separator}digest=${digest}`,
        201,
        blob,
        'application/octet-stream'
      )
      await done.body?.cancel()
    },
    async putManifest(reference, body, mediaType) {
      const digest = sha256(body)
      const res = await send('PUT', `${base}/manifests/${reference}`, 201, body, mediaType)
      await res.body?.cancel()
      const stored = res.headers.get('docker-content-digest')
      if (stored !== digest) {
        throw new Error(
          `push: registry stored ${reference} as ${String(stored)}, expected ${digest}`
        )
      }
      return digest
    }
  }
}

/** 'linux/arm/v7' → { architecture: 'arm', os: 'linux', variant: 'v7' } */
function parsePlatform(platform: string): { architecture: string; os: string; variant?: string } {
  const [os, architecture, variant] = platform.split('/')
  if (!os || !architecture)
    throw new Error(`platform must look like os/arch[/variant]: ${platform}`)
  return { architecture, os, ...(variant && { variant }) }
}

/** JSON is serialized exactly once, so the bytes hashed are the bytes sent. */
function serialize(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** A minimal ustar archive holding one regular file, so layers are real (unpackable) tarballs. */
function tarWithOneFile(name: string, content: string): Buffer {
  const data = Buffer.from(content)
  const header = Buffer.alloc(512)
  const put = (offset: number, text: string): void => {
    header.write(text, offset, 'ascii')
  }
  const octal = (value: number, width: number): string =>
    `${value.toString(8).padStart(width - 1, '0')}\0`
  put(0, name)
  put(100, octal(0o644, 8)) // mode
  put(108, octal(0, 8)) // uid
  put(116, octal(0, 8)) // gid
  put(124, octal(data.length, 12)) // size
  put(136, octal(0, 12)) // mtime: fixed, so the same seed always gives the same digest
  put(148, ' '.repeat(8)) // checksum placeholder: counted as spaces
  put(156, '0') // regular file
  put(257, 'ustar\0')
  put(263, '00')
  const checksum = header.reduce((sum, byte) => sum + byte, 0)
  put(148, `${checksum.toString(8).padStart(6, '0')}\0 `)
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512)
  // Two zero blocks mark the end of the archive.
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)])
}
