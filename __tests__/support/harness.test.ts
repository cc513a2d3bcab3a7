// Self-test of the registry harness, checked with an independent client (skopeo) against the real
// registry, so the other integration tests can trust what it reports.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { scaled } from './timing.js'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import {
  pushImage,
  startRegistry,
  type Injector,
  type PushedImage,
  type RegistryAuth,
  type RegistryInstance
} from './registry.js'

const execFileAsync = promisify(execFile)

const REPO = 'team/app'
const PLATFORMS = ['linux/amd64', 'linux/arm64']

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** `skopeo inspect --raw` through the counting proxy: the exact manifest bytes served. */
async function skopeoRaw(
  reg: RegistryInstance,
  reference: string,
  credentials: 'valid' | 'wrong' | 'anonymous'
): Promise<Buffer> {
  const auth =
    credentials === 'anonymous'
      ? ['--no-creds']
      : ['--creds', `${reg.username}:${credentials === 'valid' ? reg.password : 'wrong'}`]
  const { stdout } = await execFileAsync(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', ...auth, `docker://${reg.host}/${reference}`],
    { encoding: 'buffer' }
  )
  return stdout
}

/** Runs `body` with `injector` installed, and always removes it, so a failure cannot cascade. */
async function withInjector<T>(
  reg: RegistryInstance,
  injector: Injector,
  body: () => Promise<T>
): Promise<T> {
  reg.inject(injector)
  try {
    return await body()
  } finally {
    reg.inject(undefined)
  }
}

function decodeJwtClaims(token: string): { access: unknown[]; aud: unknown; sub: unknown } {
  const payload = token.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
}

async function tokenByPost(reg: RegistryInstance, form: Record<string, string>): Promise<Response> {
  return fetch(reg.tokenRealm ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      service: reg.service ?? '',
      client_id: 'promote-image-tests',
      scope: `repository:${REPO}:pull`,
      ...form
    })
  })
}

describe.each<RegistryAuth>(['none', 'htpasswd', 'token'])('registry with %s auth', auth => {
  const credentials = auth === 'none' ? 'anonymous' : 'valid'
  let reg: RegistryInstance
  let single: PushedImage
  let ociIndex: PushedImage
  let dockerList: PushedImage

  beforeAll(async () => {
    reg = await startRegistry({ auth })
    single = await pushImage(reg, REPO, 'v1')
    ociIndex = await pushImage(reg, REPO, 'multi', { platforms: PLATFORMS })
    dockerList = await pushImage(reg, REPO, 'multi-docker', {
      platforms: PLATFORMS,
      format: 'docker',
      seed: 'docker'
    })
  })

  afterAll(async () => {
    await reg?.stop()
  })

  it('pushes without touching the request log', () => {
    expect(reg.requests.entries).toEqual([])
  })

  it('serves a single-platform manifest byte for byte', async () => {
    const raw = await skopeoRaw(reg, `${REPO}:v1`, credentials)
    expect(sha256(raw)).toBe(single.digest)
    expect(raw.equals(single.manifest)).toBe(true)
    expect(single.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    expect(single.platformDigests).toBeUndefined()
  })

  it.each([
    ['OCI index', 'multi', () => ociIndex],
    ['Docker manifest list', 'multi-docker', () => dockerList]
  ])('serves a two-platform %s and its platform manifests', async (_kind, tag, pushed) => {
    const image = pushed()
    const raw = await skopeoRaw(reg, `${REPO}:${tag}`, credentials)
    expect(sha256(raw)).toBe(image.digest)
    const index = JSON.parse(raw.toString('utf8'))
    expect(index.mediaType).toBe(image.mediaType)
    expect(Object.keys(image.platformDigests ?? {})).toEqual(PLATFORMS)
    for (const [platform, digest] of Object.entries(image.platformDigests ?? {})) {
      const [os, architecture] = platform.split('/')
      expect(index.manifests).toContainEqual(
        expect.objectContaining({ digest, platform: { os, architecture } })
      )
      expect(sha256(await skopeoRaw(reg, `${REPO}@${digest}`, credentials))).toBe(digest)
    }
  })

  it('derives digests from seed, platform and format only', async () => {
    const sameInOtherRepo = await pushImage(reg, 'other/app', 'v1')
    const reseeded = await pushImage(reg, REPO, 'v1-reseeded', { seed: 'other' })
    expect(sameInOtherRepo.digest).toBe(single.digest)
    expect(reseeded.digest).not.toBe(single.digest)
  })

  it('logs every request a client makes', async () => {
    reg.requests.reset()
    await skopeoRaw(reg, `${REPO}:v1`, credentials)
    const { entries } = reg.requests
    expect(entries).toContainEqual(
      expect.objectContaining({
        server: 'registry',
        method: 'GET',
        path: `/v2/${REPO}/manifests/v1`,
        status: 200,
        hadAuthorization: auth !== 'none'
      })
    )
    expect(reg.requests.count()).toBe(entries.length)
    expect(reg.requests.count('registry') + reg.requests.count('token')).toBe(entries.length)
    if (auth === 'token') {
      expect(entries).toContainEqual(
        expect.objectContaining({ server: 'token', status: 200, authScheme: 'Basic' })
      )
      expect(entries).toContainEqual(
        expect.objectContaining({ path: `/v2/${REPO}/manifests/v1`, authScheme: 'Bearer' })
      )
    } else {
      expect(reg.requests.count('token')).toBe(0)
    }
    reg.requests.reset()
    expect(reg.requests.count()).toBe(0)
  })

  it('answers with an injected fault instead of the registry', async () => {
    reg.requests.reset()
    const manifestDown: Injector = req =>
      req.path === `/v2/${REPO}/manifests/v1` ? { status: 503, body: 'maintenance' } : 'pass'
    await withInjector(reg, manifestDown, async () => {
      await expect(skopeoRaw(reg, `${REPO}:v1`, credentials)).rejects.toThrow()
    })
    expect(reg.requests.entries).toContainEqual(
      expect.objectContaining({ path: `/v2/${REPO}/manifests/v1`, status: 503 })
    )
    expect(sha256(await skopeoRaw(reg, `${REPO}:v1`, credentials))).toBe(single.digest)
  })

  if (auth !== 'none') {
    it('rejects wrong credentials', async () => {
      await expect(skopeoRaw(reg, `${REPO}:v1`, 'wrong')).rejects.toThrow()
    })
  }
})

describe('token auth', () => {
  let reg: RegistryInstance
  let image: PushedImage

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token' })
    image = await pushImage(reg, REPO, 'v1')
  })

  afterAll(async () => {
    await reg?.stop()
  })

  it('lets anonymous clients pull by default', async () => {
    expect(sha256(await skopeoRaw(reg, `${REPO}:v1`, 'anonymous'))).toBe(image.digest)
    expect(reg.requests.entries).toContainEqual(
      expect.objectContaining({ server: 'token', status: 200, hadAuthorization: false })
    )
  })

  it('issues tokens the registry accepts for a refresh token', async () => {
    const res = await tokenByPost(reg, {
      grant_type: 'refresh_token',
      refresh_token: reg.refreshToken
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown> & { access_token: string }
    expect(body).toMatchObject({ expires_in: 300, issued_at: expect.any(String) })
    expect(body).not.toHaveProperty('token')
    expect(decodeJwtClaims(body.access_token)).toMatchObject({
      aud: reg.service,
      sub: reg.username,
      access: [{ type: 'repository', name: REPO, actions: ['pull'] }]
    })
    const head = await fetch(`http://${reg.host}/v2/${REPO}/manifests/v1`, {
      method: 'HEAD',
      headers: {
        authorization: `Bearer ${body.access_token}`,
        accept: image.mediaType
      }
    })
    expect(head.status).toBe(200)
    expect(head.headers.get('docker-content-digest')).toBe(image.digest)
  })

  it('refuses an unknown refresh token or a wrong password with 401', async () => {
    const badRefresh = { grant_type: 'refresh_token', refresh_token: 'not-the-token' }
    const badPassword = { grant_type: 'password', username: reg.username, password: 'wrong' }
    expect((await tokenByPost(reg, badRefresh)).status).toBe(401)
    expect((await tokenByPost(reg, badPassword)).status).toBe(401)
  })

  it('issues a refresh token for a password grant with access_type=offline', async () => {
    const res = await tokenByPost(reg, {
      grant_type: 'password',
      username: reg.username,
      password: reg.password,
      access_type: 'offline'
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ refresh_token: reg.refreshToken })
  })

  it('applies the injector to the token server too', async () => {
    reg.requests.reset()
    const tokenServerDown: Injector = req => (req.server === 'token' ? { status: 503 } : undefined)
    await withInjector(reg, tokenServerDown, async () => {
      await expect(skopeoRaw(reg, `${REPO}:v1`, 'valid')).rejects.toThrow()
    })
    expect(reg.requests.entries).toContainEqual(
      expect.objectContaining({ server: 'token', status: 503 })
    )
  })
})

describe('token auth without anonymous pull', () => {
  let reg: RegistryInstance

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', anonymousPull: false })
    await pushImage(reg, REPO, 'v1')
  })

  afterAll(async () => {
    await reg?.stop()
  })

  it('gives anonymous clients a token with empty access, which the registry refuses', async () => {
    const query = new URLSearchParams({
      service: reg.service ?? '',
      scope: `repository:${REPO}:pull`
    })
    const tokenRes = await fetch(`${reg.tokenRealm}?${query}`)
    expect(tokenRes.status).toBe(200)
    const { token } = (await tokenRes.json()) as { token: string }
    expect(decodeJwtClaims(token).access).toEqual([])

    const res = await fetch(`http://${reg.host}/v2/${REPO}/manifests/v1`, {
      headers: { authorization: `Bearer ${token}` }
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    await expect(skopeoRaw(reg, `${REPO}:v1`, 'anonymous')).rejects.toThrow()
  })

  it('still serves clients with credentials', async () => {
    await expect(skopeoRaw(reg, `${REPO}:v1`, 'valid')).resolves.toBeInstanceOf(Buffer)
  })
})

describe('counting proxy', () => {
  let reg: RegistryInstance

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
  })

  afterAll(async () => {
    await reg?.stop()
  })

  it('points Location headers at the proxy', async () => {
    const res = await fetch(`http://${reg.host}/v2/${REPO}/blobs/uploads/`, { method: 'POST' })
    expect(res.status).toBe(202)
    expect(res.headers.get('location')).toMatch(new RegExp(`^http://${reg.host}/v2/${REPO}/`))
  })

  it('delays an answer', async () => {
    const started = Date.now()
    const res = await withInjector(
      reg,
      () => ({ status: 429, headers: { 'retry-after': '1' }, delayMs: 200 }),
      () => fetch(`http://${reg.host}/v2/`)
    )
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('1')
  })

  it('hangs a request until the client gives up', async () => {
    reg.requests.reset()
    await withInjector(
      reg,
      () => ({ status: 0, hang: true }),
      async () => {
        const request = fetch(`http://${reg.host}/v2/`, {
          signal: AbortSignal.timeout(scaled(200))
        })
        await expect(request).rejects.toThrow(/aborted|timeout/i)
      }
    )
    expect(reg.requests.entries).toEqual([expect.objectContaining({ path: '/v2/', status: 0 })])
  })

  it('resets the connection', async () => {
    await withInjector(
      reg,
      () => ({ status: 0, reset: true }),
      async () => {
        await expect(fetch(`http://${reg.host}/v2/`)).rejects.toThrow('fetch failed')
      }
    )
    expect((await fetch(`http://${reg.host}/v2/`)).status).toBe(200)
  })
})
