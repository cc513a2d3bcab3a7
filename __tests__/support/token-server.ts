// A Docker "token authentication" server (https://distribution.github.io/distribution/spec/auth/token/)
// for the test registry: it issues RS256 JWTs that CNCF distribution 2.8 accepts, via the
// GET flow (Basic or anonymous) and the OAuth2 POST flow (password and refresh_token grants).
import { execFile } from 'node:child_process'
import { randomUUID, sign, X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** Lifetime of issued tokens, as Docker Hub does; distribution allows 60 s of clock leeway on top. */
const TOKEN_TTL_SECONDS = 300
const MAX_FORM_BYTES = 64 * 1024

/** One entry of a token's `access` claim. */
export interface Access {
  type: 'repository'
  name: string
  actions: string[]
}

/**
 * Lets the owner see every request before the token endpoint does (request counting, fault
 * injection). `admit` returns a callback that is handed the reply status just before the response
 * is written, or undefined when the gate has answered or dropped the request itself.
 */
export interface RequestGate {
  admit(req: IncomingMessage, res: ServerResponse): ((status: number) => void) | undefined
}

export interface TokenServerOptions {
  /** Directory for the signing key and certificate (removed by the caller). */
  dir: string
  service: string
  issuer: string
  username: string
  password: string
  refreshToken: string
  /** Anonymous requests get `pull` when true, an empty `access` claim when false. */
  anonymousPull: boolean
  gate: RequestGate
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT/token`, the `realm` of the registry's Bearer challenge. */
  realm: string
  /** PEM certificate of the signing key: the registry's `rootcertbundle`. */
  certPath: string
  /** Signs a token directly, without an HTTP round trip (and so without being counted). */
  mint(subject: string, access: Access[]): string
  stop(): Promise<void>
}

interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

const PUSHER_ACTIONS: readonly string[] = ['pull', 'push']
const ANONYMOUS_PULL_ACTIONS: readonly string[] = ['pull']
const NO_ACTIONS: readonly string[] = []

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const keyPath = path.join(opts.dir, 'token-signer.key')
  const certPath = path.join(opts.dir, 'token-signer.crt')
  // Node cannot create X.509 certificates; a self-signed one is its own root, so the same
  // certificate goes into every token's x5c header and into the registry's rootcertbundle.
  await execFileAsync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '2',
    '-subj',
    '/CN=promote-image test token signer'
  ])
  const privateKey = await readFile(keyPath, 'utf8')
  const certDer = new X509Certificate(await readFile(certPath)).raw

  const mint = (subject: string, access: Access[]): string => {
    const now = Math.floor(Date.now() / 1000)
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] }
    const claims = {
      iss: opts.issuer,
      sub: subject,
      // distribution 2.8 decodes `aud` as a single string, not a list.
      aud: opts.service,
      exp: now + TOKEN_TTL_SECONDS,
      nbf: now,
      iat: now,
      jti: randomUUID(),
      access
    }
    const signingInput = `${base64url(header)}.${base64url(claims)}`
    const signature = sign('sha256', Buffer.from(signingInput), privateKey)
    return `${signingInput}.${signature.toString('base64url')}`
  }

  const issue = (
    subject: string,
    allowed: readonly string[],
    scopes: string[]
  ): { access_token: string; expires_in: number; issued_at: string } => ({
    access_token: mint(subject, grant(scopes, allowed)),
    expires_in: TOKEN_TTL_SECONDS,
    issued_at: new Date().toISOString()
  })

  // GET /token?service=…&scope=…: the flow `docker pull` and skopeo use. Its answer carries the
  // token twice, as `token` and (for OAuth2 compatibility) `access_token`.
  const tokenByGet = (query: URLSearchParams, authorization: string | undefined): Reply => {
    const scopes = query.getAll('scope')
    if (authorization === undefined) {
      const anonymous = issue('', opts.anonymousPull ? ANONYMOUS_PULL_ACTIONS : NO_ACTIONS, scopes)
      return json(200, { token: anonymous.access_token, ...anonymous })
    }
    const credentials = parseBasic(authorization)
    if (credentials?.username !== opts.username || credentials.password !== opts.password) {
      return unauthorized('invalid username or password')
    }
    const issued = issue(opts.username, PUSHER_ACTIONS, scopes)
    return json(200, {
      token: issued.access_token,
      ...issued,
      ...(query.get('offline_token') === 'true' && { refresh_token: opts.refreshToken })
    })
  }

  // POST /token (form): the OAuth2 flow clients use with an identity (refresh) token. Its answer
  // has `access_token` only, so a client reading `token` fails here as it would for real.
  const tokenByPost = (form: URLSearchParams): Reply => {
    if (!form.get('client_id')) return json(400, oauthError('invalid_request', 'missing client_id'))
    const grantType = form.get('grant_type')
    if (grantType === 'refresh_token') {
      if (form.get('refresh_token') !== opts.refreshToken) {
        return unauthorized('invalid refresh token')
      }
    } else if (grantType === 'password') {
      if (form.get('username') !== opts.username || form.get('password') !== opts.password) {
        return unauthorized('invalid username or password')
      }
    } else {
      return json(400, oauthError('unsupported_grant_type', `grant_type ${String(grantType)}`))
    }
    // The OAuth2 form carries several scopes space-separated in one field.
    const scopes = form.getAll('scope').flatMap(scope => scope.split(' '))
    const offline = grantType === 'password' && form.get('access_type') === 'offline'
    return json(200, {
      ...issue(opts.username, PUSHER_ACTIONS, scopes),
      ...(offline && { refresh_token: opts.refreshToken })
    })
  }

  const route = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://token-server')
    if (url.pathname !== '/token') return json(404, oauthError('not_found', url.pathname))
    if (req.method === 'GET') {
      return (
        checkService(url.searchParams) ?? tokenByGet(url.searchParams, req.headers.authorization)
      )
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams((await readBody(req)).toString('utf8'))
      return checkService(form) ?? tokenByPost(form)
    }
    return json(405, oauthError('invalid_request', `method ${String(req.method)}`))
  }

  // A client that drops the challenge's `service` parameter is buggy: fail it loudly.
  const checkService = (params: URLSearchParams): Reply | undefined =>
    params.get('service') === opts.service
      ? undefined
      : json(400, oauthError('invalid_request', `service must be "${opts.service}"`))

  const server = http.createServer((req, res) => {
    const settle = opts.gate.admit(req, res)
    if (!settle) return
    route(req)
      .catch((err: unknown) => json(500, oauthError('server_error', String(err))))
      .then(reply => {
        settle(reply.status)
        res.writeHead(reply.status, reply.headers).end(reply.body)
      })
      .catch(() => res.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  // Like the registry's, so a forgotten stop() cannot keep the test process alive.
  server.unref()
  const { port } = server.address() as AddressInfo

  return {
    realm: `http://127.0.0.1:${port}/token`,
    certPath,
    mint,
    stop: () =>
      new Promise(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

/** Intersects the requested `repository:NAME:ACTIONS` scopes with what the caller may do. */
function grant(scopes: string[], allowed: readonly string[]): Access[] {
  const access: Access[] = []
  for (const scope of scopes) {
    // NAME may contain ':' in theory, so split at the first and the last one.
    const first = scope.indexOf(':')
    const last = scope.lastIndexOf(':')
    if (first === last || scope.slice(0, first) !== 'repository') continue
    const actions = scope
      .slice(last + 1)
      .split(',')
      .filter(action => allowed.includes(action))
    if (actions.length > 0)
      access.push({ type: 'repository', name: scope.slice(first + 1, last), actions })
  }
  return access
}

function parseBasic(authorization: string): { username: string; password: string } | undefined {
  const [scheme, encoded] = authorization.split(' ')
  if (scheme?.toLowerCase() !== 'basic' || encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_FORM_BYTES) throw new Error('token request body too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function oauthError(error: string, description: string): Record<string, string> {
  return { error, error_description: description }
}

function unauthorized(description: string): Reply {
  const reply = json(401, oauthError('invalid_grant', description))
  reply.headers['www-authenticate'] = 'Basic realm="promote-image test token server"'
  return reply
}

function json(status: number, body: unknown): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}
