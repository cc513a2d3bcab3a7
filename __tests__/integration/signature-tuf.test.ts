/**
 * The public-good trusted root through TUF (src/signature/trust.ts), against a real TUF
 * repository served over loopback (support/tuf.ts): signed metadata, the trusted root as a
 * target, fetched once per run, refused when the mirror is unreachable or the metadata expired
 * or tampered.
 */
import { afterAll, beforeAll, beforeEach, expect, jest, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignatureError } from '../../src/errors.js'
import { resetTrustCache, tufTrustMaterial, type TrustSource } from '../../src/signature/trust.js'
import { startSigstore, type Sigstore } from '../support/sigstore.js'
import { TEST_TIMEOUT_MS, scaled } from '../support/timing.js'
import { startTufRepo, type TufOptions, type TufRepo } from '../support/tuf.js'

jest.setTimeout(TEST_TIMEOUT_MS)

let sigstore: Sigstore
beforeAll(async () => {
  sigstore = await startSigstore()
})
afterAll(async () => {
  await sigstore.stop()
})
beforeEach(() => resetTrustCache())

async function withRepo(
  options: TufOptions,
  run: (repo: TufRepo, source: TrustSource) => Promise<void>
) {
  const repo = await startTufRepo(sigstore.trustedRoot, options)
  const dir = mkdtempSync(join(tmpdir(), 'tuf-'))
  const rootPath = join(dir, 'root.json')
  writeFileSync(rootPath, repo.rootJson)
  try {
    await run(repo, {
      mirrorURL: repo.url,
      rootPath,
      cachePath: join(dir, 'cache'),
      deadlineMs: scaled(10_000)
    })
  } finally {
    await repo.stop()
  }
}

test('the trusted root served through TUF is trust material', async () => {
  await withRepo({}, async (repo, source) => {
    const trust = await tufTrustMaterial(source)
    expect(trust.certificateAuthorities.length).toBeGreaterThan(0)
    expect(trust.tlogs.length).toBeGreaterThan(0)
    expect(repo.requests).toContain('/timestamp.json')
  })
})

test('the root is fetched once for several images', async () => {
  await withRepo({}, async (repo, source) => {
    await Promise.all([tufTrustMaterial(source), tufTrustMaterial(source)])
    await tufTrustMaterial(source)
    expect(repo.requests.filter(p => p === '/timestamp.json')).toHaveLength(1)
  })
})

test('an unreachable mirror is a prompt refusal naming the mirror and trusted-root', async () => {
  await withRepo({}, async (repo, source) => {
    await repo.stop().catch(() => undefined)
    const started = Date.now()
    const refusal = tufTrustMaterial({ ...source, mirrorURL: 'http://127.0.0.1:9' })
    await expect(refusal).rejects.toThrow(SignatureError)
    await expect(refusal).rejects.toThrow('http://127.0.0.1:9')
    await expect(refusal).rejects.toMatchObject({ hint: expect.stringContaining('trusted-root') })
    expect(Date.now() - started).toBeLessThan(scaled(15_000))
  })
})

test.each<[string, TufOptions]>([
  ['expired timestamp metadata', { timestampExpires: new Date(Date.now() - 60_000) }],
  ['tampered targets metadata', { tamperTargets: true }]
])('%s is refused', async (_name, options) => {
  await withRepo(options, async (_repo, source) => {
    await expect(tufTrustMaterial(source)).rejects.toThrow(SignatureError)
  })
})
