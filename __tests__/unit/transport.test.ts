import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { scaled } from '../support/timing.js'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RegistryError } from '../../src/errors.js'
import { silentLogger } from '../../src/log/logger.js'
import { parseRetryAfter, schemeFor, Transport } from '../../src/registry/oci/transport.js'
import { startDripServer } from '../support/drip.js'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

/** A loopback server whose behaviour each test sets. */
async function startServer(): Promise<{
  url: string
  server: Server
  handle: (h: Handler) => void
  hits: IncomingMessage[]
}> {
  let handler: Handler = (_req, res) => res.end()
  const hits: IncomingMessage[] = []
  const server = createServer((req, res) => {
    hits.push(req)
    handler(req, res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, server, handle: h => (handler = h), hits }
}

const transport = (timeoutMs = 2000) =>
  new Transport({
    timeoutMs,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 2000 },
    logger: silentLogger,
    insecureRegistries: [],
    userAgent: 'promote-image-test'
  })

describe('Transport', () => {
  let a: Awaited<ReturnType<typeof startServer>>
  let b: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    a = await startServer()
    b = await startServer()
  })
  afterAll(() => {
    a.server.closeAllConnections()
    b.server.closeAllConnections()
    a.server.close()
    b.server.close()
  })

  it('retries 503 and returns the eventual answer', async () => {
    a.hits.length = 0
    let n = 0
    a.handle((_req, res) => {
      res.statusCode = ++n < 3 ? 503 : 200
      res.end('ok')
    })
    const response = await transport().send({ method: 'GET', url: `${a.url}/x` }, 'test')
    expect(response.status).toBe(200)
    expect(response.body.toString()).toBe('ok')
    expect(a.hits).toHaveLength(3)
  })

  it('stops after the attempt budget and hands back the last status', async () => {
    a.hits.length = 0
    a.handle((_req, res) => {
      res.statusCode = 500
      res.end()
    })
    const response = await transport().send({ method: 'GET', url: `${a.url}/x` }, 'test')
    expect(response.status).toBe(500)
    expect(a.hits).toHaveLength(3)
  })

  it('honors Retry-After on 429', async () => {
    a.hits.length = 0
    const times: number[] = []
    a.handle((_req, res) => {
      times.push(Date.now())
      if (times.length === 1) {
        res.writeHead(429, { 'retry-after': '1' })
        return res.end()
      }
      res.end('ok')
    })
    const response = await transport().send({ method: 'GET', url: `${a.url}/x` }, 'test')
    expect(response.status).toBe(200)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950)
  })

  it('does not retry 404, 401 or 400', async () => {
    for (const status of [404, 401, 400]) {
      a.hits.length = 0
      a.handle((_req, res) => {
        res.statusCode = status
        res.end()
      })
      const response = await transport().send({ method: 'HEAD', url: `${a.url}/x` }, 'test')
      expect(response.status).toBe(status)
      expect(a.hits).toHaveLength(1)
    }
  })

  it('times out a silent server and fails clearly after bounded attempts', async () => {
    a.hits.length = 0
    a.handle(() => {}) // never answers
    const started = Date.now()
    const send = transport(150).send({ method: 'HEAD', url: `${a.url}/slow` }, 'HEAD slow')
    await expect(send).rejects.toThrow(RegistryError)
    await expect(send).rejects.toThrow(/HEAD slow failed after 3 attempts: no answer within 150 ms/)
    expect(a.hits).toHaveLength(3)
    expect(Date.now() - started).toBeLessThan(scaled(5000))
  })

  it('fails clearly when nothing listens', async () => {
    const closed = await startServer()
    closed.server.close()
    await expect(
      transport().send({ method: 'GET', url: `${closed.url}/v2/` }, 'GET registry')
    ).rejects.toThrow(/GET registry failed after 3 attempts: .*ECONNREFUSED/)
  })

  it('keeps Authorization on a same-origin redirect', async () => {
    a.hits.length = 0
    a.handle((req, res) => {
      if (req.url === '/from') {
        res.writeHead(307, { location: '/to' })
        return res.end()
      }
      res.end(req.headers.authorization ?? 'none')
    })
    const response = await transport().send(
      { method: 'GET', url: `${a.url}/from`, headers: { authorization: 'Bearer t0ken' } },
      'test'
    )
    expect(response.body.toString()).toBe('Bearer t0ken')
  })

  it('never forwards Authorization to another origin', async () => {
    a.handle((_req, res) => {
      res.writeHead(302, { location: `${b.url}/blob` })
      res.end()
    })
    b.hits.length = 0
    b.handle((req, res) => res.end(req.headers.authorization ?? 'none'))
    const response = await transport().send(
      { method: 'GET', url: `${a.url}/from`, headers: { Authorization: 'Bearer t0ken' } },
      'test'
    )
    expect(response.body.toString()).toBe('none')
    expect(b.hits[0]!.headers.authorization).toBeUndefined()
    expect(response.url).toBe(`${b.url}/blob`)
  })
})

/**
 * Every attempt has a whole-response deadline: a server that drips its headers or its body a
 * byte at a time (never idle, never done) fails the attempt at the timeout, named by host.
 */
describe('Transport deadlines', () => {
  /** Scaled down from the 30 s default. */
  const TIMEOUT_MS = 400
  /** Slack for a loaded machine (2 cores shared). */
  const SLACK_MS = scaled(1500)

  it.each(['headers', 'body'] as const)(
    'a server that drips its %s fails each attempt at the deadline, naming the host',
    async mode => {
      const drip = await startDripServer(mode, 50)
      try {
        const started = Date.now()
        const send = transport(TIMEOUT_MS).send(
          { method: 'GET', url: `${drip.url}/v2/team/app/manifests/v1` },
          `GET ${drip.url}/v2/team/app/manifests/v1`
        )
        await expect(send).rejects.toThrow(
          new RegExp(
            `failed after 3 attempts: no answer within ${TIMEOUT_MS} ms from ${drip.host.replace(/\./g, '\\.')} \\(headers and body\\)`
          )
        )
        const elapsed = Date.now() - started
        expect(drip.requests()).toBe(3)
        expect(elapsed).toBeGreaterThanOrEqual(3 * TIMEOUT_MS - 50)
        expect(elapsed).toBeLessThan(3 * TIMEOUT_MS + SLACK_MS)
      } finally {
        await drip.close()
      }
    }
  )

  it('one deadline covers every redirect hop of an attempt', async () => {
    const server = await startServer()
    try {
      let hops = 0
      // Six hops of 150 ms each: within 400 ms per hop, but not as a whole.
      server.handle((req, res) => {
        hops++
        setTimeout(() => {
          if (req.url === '/hop5') return res.end('done')
          res.writeHead(307, { location: `/hop${Number(req.url!.slice(4) || 0) + 1}` })
          res.end()
        }, 150)
      })
      const started = Date.now()
      const send = transport(TIMEOUT_MS).send(
        { method: 'GET', url: `${server.url}/hop0` },
        'GET hops'
      )
      await expect(send).rejects.toThrow(
        /GET hops failed after 3 attempts: no answer within 400 ms/
      )
      expect(hops).toBeLessThan(12) // three attempts of at most three hops each, never six
      expect(Date.now() - started).toBeLessThan(3 * TIMEOUT_MS + SLACK_MS)
    } finally {
      server.server.closeAllConnections()
      server.server.close()
    }
  })
})

describe('schemeFor', () => {
  it.each([
    ['localhost:5000', [], 'http'],
    ['127.0.0.1:5000', [], 'http'],
    ['127.1.2.3', [], 'http'],
    ['[::1]:5000', [], 'http'],
    ['ghcr.io', [], 'https'],
    ['128.0.0.1:5000', [], 'https'],
    ['registry.internal:5000', ['registry.internal:5000'], 'http'],
    ['registry.internal:5000', ['registry.internal'], 'http'],
    ['registry.internal:5001', ['registry.internal:5000'], 'https'],
    ['localhost.evil.com', [], 'https']
  ])('%s with insecure %j → %s', (host, insecure, scheme) => {
    expect(schemeFor(host, insecure)).toBe(scheme)
  })
})

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    [null, undefined],
    ['soon', undefined]
  ])('%j → %j', (value, ms) => {
    expect(parseRetryAfter(value)).toBe(ms)
  })
  it('reads HTTP dates', () => {
    const ms = parseRetryAfter(new Date(Date.now() + 5000).toUTCString())!
    expect(ms).toBeGreaterThan(3000)
    expect(ms).toBeLessThanOrEqual(5000)
  })
})
