/**
 * Digest resolution against real registries (CNCF distribution 2.8 from
 * Debian): token auth with a real RS256 token server, htpasswd basic auth,
 * images the tests push themselves. Counts every HTTP request, registry and
 * token server together.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { resolveImages, type ResolveRequest } from '../../src/engine/resolve.js'
import { PolicyError, RegistryError } from '../../src/errors.js'
import { silentLogger } from '../../src/log/logger.js'
import { DEFAULT_TAG_POLICY } from '../../src/policy/index.js'
import { parseReference } from '../../src/reference/index.js'
import { createResolver, type ResolverOptions } from '../../src/registry/index.js'
import { MANIFEST_ACCEPT } from '../../src/registry/oci/manifest.js'
import {
  pushImage,
  startRegistry,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'

const run = promisify(execFile)
const FAST_RETRY = { attempts: 3, baseDelayMs: 20, maxDelayMs: 2000 }
const noConfig = { DOCKER_CONFIG: '/nonexistent', PATH: process.env.PATH }

function resolver(options: Partial<ResolverOptions> = {}) {
  return createResolver({
    logger: silentLogger,
    retry: FAST_RETRY,
    timeoutMs: 3000,
    env: noConfig,
    ...options
  })
}

function request(images: string[], extra: Partial<ResolveRequest> = {}): ResolveRequest {
  return { images, policy: DEFAULT_TAG_POLICY, pin: 'digest', ...extra }
}

async function resolveOne(image: string, options: Partial<ResolverOptions> = {}) {
  return resolver(options).resolve(parseReference(image))
}

describe('token-auth registry (anonymous pull)', () => {
  let reg: RegistryInstance
  let single: PushedImage
  let multi: PushedImage
  let dockerList: PushedImage

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token' })
    single = await pushImage(reg, 'team/app', 'v1')
    await pushImage(reg, 'team/app', 'v2', { seed: 'v2' })
    multi = await pushImage(reg, 'team/multi', 'v1', { platforms: ['linux/amd64', 'linux/arm64'] })
    dockerList = await pushImage(reg, 'team/legacy', '1.0.0', {
      platforms: ['linux/amd64', 'linux/arm/v7'],
      format: 'docker'
    })
    reg.requests.reset()
  })
  afterAll(() => reg.stop())

  it('resolves a single-platform tag to its manifest digest', async () => {
    const found = await resolveOne(`${reg.host}/team/app:v1`)
    expect(found).toMatchObject({ digest: single.digest, kind: 'manifest', registry: reg.host })
    expect(found.digest).toBe(
      `sha256:${createHash('sha256').update(single.manifest).digest('hex')}`
    )
  })

  it('pins the index digest of a multi-platform image, not a platform digest', async () => {
    const found = await resolveOne(`${reg.host}/team/multi:v1`)
    expect(found.digest).toBe(multi.digest)
    expect(found.kind).toBe('index')
    expect(Object.values(multi.platformDigests!)).not.toContain(found.digest)
  })

  it('pins the list digest of a Docker manifest list', async () => {
    const found = await resolveOne(`${reg.host}/team/legacy:1.0.0`)
    expect(found).toMatchObject({ digest: dockerList.digest, kind: 'index' })
  })

  it('cold: at most 3 requests; a further repository: at most 2; a further tag: at most 1', async () => {
    const r = resolver()
    reg.requests.reset()
    await r.resolve(parseReference(`${reg.host}/team/app:v1`))
    const cold = reg.requests.count()
    reg.requests.reset()
    await r.resolve(parseReference(`${reg.host}/team/multi:v1`))
    const furtherRepository = reg.requests.count()
    reg.requests.reset()
    await r.resolve(parseReference(`${reg.host}/team/app:v2`))
    const furtherTag = reg.requests.count()

    expect({ cold, furtherRepository, furtherTag }).toEqual({
      cold: 3,
      furtherRepository: 2,
      furtherTag: 1
    })
    // and they are the right requests: no GET of the manifest (no Hub pull quota spent)
    expect(reg.requests.entries.map(e => `${e.server} ${e.method}`)).toEqual(['registry HEAD'])
  })

  it('makes fewer requests than skopeo inspect on the same registry', async () => {
    reg.requests.reset()
    await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/team/app:v1`])
    const skopeo = reg.requests.count()
    reg.requests.reset()
    await resolveOne(`${reg.host}/team/app:v1`)
    const ours = reg.requests.count()
    console.log(`cold resolution: promote-image ${ours} requests, skopeo inspect ${skopeo}`)
    expect(ours).toBeLessThan(skopeo)
  })

  it('shares one token between concurrent resolutions of one repository', async () => {
    reg.requests.reset()
    await resolveImages(
      request([`${reg.host}/team/app:v1`, `${reg.host}/team/app:v2`]),
      resolver(),
      silentLogger
    )
    expect(reg.requests.count('token')).toBe(1)
  })

  it('three concurrent references, two repositories: 3 + 2 + 1 = 6 requests, one challenge', async () => {
    reg.requests.reset()
    await resolveImages(
      request([`${reg.host}/team/app:v1`, `${reg.host}/team/multi:v1`, `${reg.host}/team/app:v2`]),
      resolver(),
      silentLogger
    )
    // One 401 teaches the challenge; one token per repository; one HEAD per reference.
    expect(reg.requests.entries.map(e => `${e.server} ${e.method} ${e.status}`).sort()).toEqual([
      'registry HEAD 200',
      'registry HEAD 200',
      'registry HEAD 200',
      'registry HEAD 401',
      'token GET 200',
      'token GET 200'
    ])
  })

  it('says a missing tag does not exist, naming image and registry', async () => {
    const missing = resolveOne(`${reg.host}/team/app:v9`)
    await expect(missing).rejects.toThrow(RegistryError)
    await expect(missing).rejects.toThrow(
      `Image ${reg.host}/team/app:v9 does not exist in ${reg.host}: no manifest for tag v9 in repository team/app`
    )
  })

  it('does not fall back to GET after a 404 (it would spend pull quota)', async () => {
    reg.requests.reset()
    await expect(resolveOne(`${reg.host}/team/nothing:v1`)).rejects.toThrow(/does not exist/)
    expect(
      reg.requests.entries.filter(e => e.server === 'registry' && e.method === 'GET')
    ).toHaveLength(0)
  })

  it('checks that a pinned digest exists', async () => {
    const found = await resolveOne(`${reg.host}/team/app@${single.digest}`)
    expect(found.digest).toBe(single.digest)
    const absent = `sha256:${'e'.repeat(64)}`
    await expect(resolveOne(`${reg.host}/team/app@${absent}`)).rejects.toThrow(
      /no manifest for digest/
    )
  })

  it('accepts name:tag@digest when the tag still points at the digest, refuses when it moved', async () => {
    const [ok] = await resolveImages(
      request([`${reg.host}/team/app:v1@${single.digest}`]),
      resolver(),
      silentLogger
    )
    expect(ok!.pinned).toBe(`${reg.host}/team/app:v1@${single.digest}`)
    await expect(
      resolveImages(request([`${reg.host}/team/app:v2@${single.digest}`]), resolver(), silentLogger)
    ).rejects.toThrow(/the reference pins .* the tag moved/)
  })

  it('refuses when the build digest differs from what the registry serves', async () => {
    const other = `sha256:${'1'.repeat(64)}`
    const run = resolveImages(
      request([`${reg.host}/team/app:v1`], { buildDigest: other }),
      resolver(),
      silentLogger
    )
    await expect(run).rejects.toThrow(PolicyError)
    await expect(run).rejects.toThrow(`the build produced ${other}`)
    const [same] = await resolveImages(
      request([`${reg.host}/team/app:v1`], { buildDigest: single.digest }),
      resolver(),
      silentLogger
    )
    expect(same!.digest).toBe(single.digest)
  })

  it('sends no request at all when policy refuses any image', async () => {
    reg.requests.reset()
    const run = resolveImages(
      request([`${reg.host}/team/app:v1`, `${reg.host}/team/app:latest`, `${reg.host}/team/app`]),
      resolver(),
      silentLogger
    )
    await expect(run).rejects.toThrow(/2 images were refused/)
    expect(reg.requests.count()).toBe(0)
  })

  it('pin: tag writes the verified tag only', async () => {
    const [image] = await resolveImages(
      request([`${reg.host}/team/app:v1`], { pin: 'tag' }),
      resolver(),
      silentLogger
    )
    expect(image!.pinned).toBe(`${reg.host}/team/app:v1`)
    expect(image!.digest).toBe(single.digest)
  })
})

describe('token-auth registry that needs credentials', () => {
  let reg: RegistryInstance
  let pushed: PushedImage
  let dir: string
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', anonymousPull: false })
    pushed = await pushImage(reg, 'private/app', 'v1')
    dir = await mkdtemp(join(tmpdir(), 'docker-config-'))
  })
  afterAll(async () => {
    await reg.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('refuses anonymous access and says which credentials were tried', async () => {
    await expect(resolveOne(`${reg.host}/private/app:v1`)).rejects.toThrow(
      `Registry ${reg.host} refused access to private/app (HTTP 401); tried no credentials (anonymous).`
    )
  })

  it('sends Basic credentials to the token realm (inputs)', async () => {
    reg.requests.reset()
    const found = await resolveOne(`${reg.host}/private/app:v1`, {
      credentials: { username: reg.username, password: reg.password }
    })
    expect(found.digest).toBe(pushed.digest)
    const token = reg.requests.entries.find(e => e.server === 'token')!
    expect(token).toMatchObject({ method: 'GET', hadAuthorization: true, authScheme: 'Basic' })
  })

  it('reads docker config.json as docker/login-action leaves it', async () => {
    const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64')
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { [`http://${reg.host}`]: { auth } } })
    )
    const found = await resolveOne(`${reg.host}/private/app:v1`, { env: { DOCKER_CONFIG: dir } })
    expect(found.digest).toBe(pushed.digest)
  })

  it('exchanges an identity token through the OAuth2 refresh-token grant', async () => {
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          [reg.host]: {
            auth: Buffer.from('<token>:').toString('base64'),
            identitytoken: reg.refreshToken
          }
        }
      })
    )
    reg.requests.reset()
    const found = await resolveOne(`${reg.host}/private/app:v1`, { env: { DOCKER_CONFIG: dir } })
    expect(found.digest).toBe(pushed.digest)
    expect(reg.requests.entries.filter(e => e.server === 'token').map(e => e.method)).toEqual([
      'POST'
    ])
  })

  it('names the credential source on a wrong password, never the password', async () => {
    const run = resolveOne(`${reg.host}/private/app:v1`, {
      credentials: { username: reg.username, password: 'wrong-s3cret-value' }
    })
    await expect(run).rejects.toThrow(
      /refused the registry-username\/registry-password inputs with HTTP 401/
    )
    const message = await run.catch((e: RegistryError) => `${e.message} ${e.hint}`)
    expect(message).not.toContain('wrong-s3cret-value')
  })
})

describe('htpasswd registry (Basic)', () => {
  let reg: RegistryInstance
  let pushed: PushedImage
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' })
    pushed = await pushImage(reg, 'team/app', 'v1', { platforms: ['linux/amd64', 'linux/arm64'] })
    await pushImage(reg, 'team/app', 'v2', { seed: 'two' })
  })
  afterAll(() => reg.stop())

  it('resolves with Basic credentials: 2 requests cold, 1 warm', async () => {
    const r = resolver({ credentials: { username: reg.username, password: reg.password } })
    reg.requests.reset()
    const found = await r.resolve(parseReference(`${reg.host}/team/app:v1`))
    expect(found.digest).toBe(pushed.digest)
    expect(reg.requests.count()).toBe(2)
    reg.requests.reset()
    await r.resolve(parseReference(`${reg.host}/team/app:v2`))
    expect(reg.requests.count()).toBe(1)
    expect(reg.requests.entries[0]).toMatchObject({ hadAuthorization: true, authScheme: 'Basic' })
  })

  it('refuses without credentials, naming what was tried', async () => {
    await expect(resolveOne(`${reg.host}/team/app:v1`)).rejects.toThrow(
      /refused access to team\/app \(HTTP 401\); tried no credentials \(anonymous\)/
    )
  })
})

describe('registry faults (a fault-injecting proxy in front of the real registry)', () => {
  let reg: RegistryInstance
  let pushed: PushedImage
  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token' })
    pushed = await pushImage(reg, 'team/app', 'v1', { platforms: ['linux/amd64', 'linux/arm64'] })
  })
  afterAll(() => reg.stop())
  const image = () => `${reg.host}/team/app:v1`

  /** Applies `fault` to the first `times` matching requests, then passes. */
  function injectTimes(
    times: number,
    match: (r: { server: string; method: string }) => boolean,
    fault: object
  ) {
    let left = times
    reg.inject(req => (match(req) && left-- > 0 ? (fault as never) : 'pass'))
  }

  it.each([
    ['503 on HEAD, twice', 2, { status: 503 }],
    ['500 on HEAD, twice', 2, { status: 500 }],
    ['429 with Retry-After', 1, { status: 429, headers: { 'retry-after': '1' } }],
    ['a reset connection', 1, { reset: true }]
  ])('%s: retried, correct digest', async (_name, times, fault) => {
    injectTimes(times, r => r.server === 'registry' && r.method === 'HEAD', fault)
    try {
      expect((await resolveOne(image())).digest).toBe(pushed.digest)
    } finally {
      reg.inject(undefined)
    }
  })

  it.each([503, 429])(
    'a registry that stays at %i fails clearly after bounded attempts',
    async code => {
      reg.inject(req => (req.server === 'registry' ? { status: code } : 'pass'))
      reg.requests.reset()
      try {
        await expect(resolveOne(image())).rejects.toThrow(
          `Registry ${reg.host} answered HTTP ${code}`
        )
        // HEAD only, FAST_RETRY.attempts times: no GET starting over after an outage
        expect(
          reg.requests.entries.filter(e => e.server === 'registry').map(e => e.method)
        ).toEqual(Array(FAST_RETRY.attempts).fill('HEAD'))
      } finally {
        reg.inject(undefined)
      }
    }
  )

  it('a timeout is retried', async () => {
    injectTimes(1, r => r.server === 'registry' && r.method === 'HEAD', { hang: true })
    try {
      expect((await resolveOne(image(), { timeoutMs: 300 })).digest).toBe(pushed.digest)
    } finally {
      reg.inject(undefined)
    }
  })

  it('token endpoint down: retried, then a clear failure', async () => {
    injectTimes(2, r => r.server === 'token', { status: 503 })
    try {
      expect((await resolveOne(image())).digest).toBe(pushed.digest)
    } finally {
      reg.inject(undefined)
    }
    reg.inject(req => (req.server === 'token' ? { status: 503 } : 'pass'))
    try {
      await expect(resolveOne(image())).rejects.toThrow(/token service of .* answered HTTP 503/)
    } finally {
      reg.inject(undefined)
    }
  })

  it('HEAD rejected with 405: GET, hashing the exact bytes', async () => {
    injectTimes(99, r => r.server === 'registry' && r.method === 'HEAD', { status: 405 })
    reg.requests.reset()
    try {
      const found = await resolveOne(image())
      expect(found.digest).toBe(pushed.digest)
      expect(found.platforms).toEqual(['linux/amd64', 'linux/arm64'])
      expect(
        reg.requests.entries.filter(e => e.server === 'registry').map(e => e.method)
      ).toContain('GET')
    } finally {
      reg.inject(undefined)
    }
  })

  it('HEAD without Docker-Content-Digest: GET, hashing the exact bytes', async () => {
    injectTimes(99, r => r.server === 'registry' && r.method === 'HEAD', {
      status: 200,
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json', 'content-length': '10' }
    })
    try {
      expect((await resolveOne(image())).digest).toBe(pushed.digest)
    } finally {
      reg.inject(undefined)
    }
  })

  it('a digest header that does not match the body is refused, never guessed', async () => {
    const lie = `sha256:${'9'.repeat(64)}`
    reg.inject(req => {
      if (req.server !== 'registry') return 'pass'
      if (req.method === 'HEAD') return { status: 405 }
      return {
        status: 200,
        headers: {
          'content-type': 'application/vnd.oci.image.index.v1+json',
          'docker-content-digest': lie
        },
        body: pushed.manifest
      }
    })
    try {
      await expect(resolveOne(image())).rejects.toThrow(
        `sent Docker-Content-Digest ${lie} for ${reg.host}/team/app:v1, but the manifest bytes hash to ${pushed.digest}`
      )
    } finally {
      reg.inject(undefined)
    }
  })

  it('a schema 1 manifest is refused', async () => {
    const schema1 = Buffer.from(
      JSON.stringify({ schemaVersion: 1, name: 'team/app', tag: 'old', fsLayers: [] })
    )
    reg.inject(req => {
      if (req.server !== 'registry') return 'pass'
      if (req.method === 'HEAD') return { status: 405 }
      return {
        status: 200,
        headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' },
        body: schema1
      }
    })
    try {
      await expect(resolveOne(image())).rejects.toThrow(/Docker schema 1 manifest/)
    } finally {
      reg.inject(undefined)
    }
  })

  it('sends the four manifest types in one Accept header', async () => {
    let accept: string | undefined
    reg.inject(req => {
      if (req.server === 'registry' && req.method === 'HEAD') accept = String(req.headers.accept)
      return 'pass'
    })
    try {
      await resolveOne(image())
      expect(accept).toBe(MANIFEST_ACCEPT)
      expect(accept).not.toContain('q=')
    } finally {
      reg.inject(undefined)
    }
  })
})
