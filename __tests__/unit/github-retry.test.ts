/**
 * GitHub 5xx retries: bounded (plugin-retry) and jittered per client, so that jobs hit by the
 * same outage do not come back together.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createOctokit,
  RATE_LIMIT_BUDGET_S,
  retryBaseMs,
  retryRateLimit
} from '../../src/deliver/github/client.js'
import { silentLogger } from '../../src/log/logger.js'

describe('retryBaseMs', () => {
  it.each([
    [0, 500],
    [0.25, 750],
    [0.5, 1000],
    [0.999, 1499]
  ])('random %p gives a base of %p ms', (random, base) => {
    expect(retryBaseMs(() => random)).toBe(base)
  })

  it('averages the plugin default of 1 s and spreads over a whole second', () => {
    const bases = Array.from({ length: 2000 }, () => retryBaseMs())
    const mean = bases.reduce((sum, base) => sum + base, 0) / bases.length
    expect(mean).toBeGreaterThan(950)
    expect(mean).toBeLessThan(1050)
    expect(Math.min(...bases)).toBeLessThan(600)
    expect(Math.max(...bases)).toBeGreaterThan(1400)
  })
})

describe('a client created by createOctokit', () => {
  // Answers 502 to the first request of each client (told apart by a query parameter), then 200.
  const seen = new Map<string, number[]>()
  let server: http.Server
  let baseUrl: string
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const client = new URL(req.url ?? '/', 'http://x').searchParams.get('client') ?? ''
      const times = seen.get(client) ?? []
      times.push(performance.now())
      seen.set(client, times)
      res.writeHead(times.length === 1 ? 502 : 200, { 'content-type': 'application/json' })
      res.end(times.length === 1 ? '{"message":"Server Error"}' : '{"ok":true}')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve))
  })

  it('retries a 502 once, each client after its own base: 0.5–1.5 s, not the same for all', async () => {
    const clients = ['a', 'b', 'c', 'd', 'e', 'f']
    await Promise.all(
      clients.map(async client => {
        const octokit = createOctokit('token', silentLogger, baseUrl)
        const { data } = await octokit.request('GET /ping', { client })
        expect(data).toEqual({ ok: true })
      })
    )
    const waits = clients.map(client => {
      const times = seen.get(client)!
      expect(times).toHaveLength(2)
      return times[1]! - times[0]!
    })
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(490)
      expect(wait).toBeLessThan(1700)
    }
    // Six uniform draws over a second all within 100 ms of each other: odds of 1 in 18,000.
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(100)
  })
})

describe('retryRateLimit', () => {
  const request = { method: 'POST', url: '/repos/acme/gitops/pulls' }
  it.each([
    // retry count, GitHub's wait (retry-after or the 60 s fallback), retried?, extra wait (s)
    [0, 60, true, 0],
    [1, 60, true, 60],
    [2, 60, true, 180],
    [3, 60, false, 0],
    [0, 1, true, 0],
    [2, 1, true, 3]
  ])(
    'retry %p after %p s: retried %p, waiting %p s on top (exponential growth)',
    async (count, after, retried, extra) => {
      const waits: number[] = []
      const handler = retryRateLimit(
        'secondary rate limit',
        silentLogger,
        async ms => {
          waits.push(ms)
        },
        { seconds: 10_000 }
      )
      await expect(handler(after, request, undefined, count)).resolves.toBe(retried)
      expect(waits).toEqual(extra > 0 ? [extra * 1000] : [])
    }
  )

  it('stops retrying when the waits of one client would pass the budget', async () => {
    const budget = { seconds: RATE_LIMIT_BUDGET_S }
    const handler = retryRateLimit('secondary rate limit', silentLogger, async () => {}, budget)
    // 60 + 120 + 240 s: within 600 s; a fourth request's 60 s after that is not.
    await expect(handler(60, request, undefined, 0)).resolves.toBe(true)
    await expect(handler(60, request, undefined, 1)).resolves.toBe(true)
    await expect(handler(60, request, undefined, 2)).resolves.toBe(true)
    await expect(handler(300, request, undefined, 0)).resolves.toBe(false)
    expect(budget.seconds).toBe(RATE_LIMIT_BUDGET_S - 420)
  })
})
