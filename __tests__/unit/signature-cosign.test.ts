/**
 * cosign's v2 layout as the pure core reads it (src/signature/cosign.ts): the tag, the layers of
 * a signature manifest, and one layer's verdict, case by case.
 */
import { describe, expect, it } from '@jest/globals'
import { generateKeyPairSync, sign } from 'node:crypto'
import { parsePublicKey, signatureTag } from '../../src/signature/index.js'
import {
  checkLayer,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  signatureLayers
} from '../../src/signature/cosign.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const key = parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString())
const payloadOf = (critical: unknown) => Buffer.from(JSON.stringify({ critical, optional: null }))
const signed = (payload: Buffer) => sign('sha256', payload, privateKey).toString('base64')
const layer = (signature?: string) => ({
  digest: DIGEST,
  mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
  signature
})

describe('signatureTag', () => {
  it('is the digest with ":" → "-" and ".sig" appended (SIGNATURE_SPEC.md, Tag-based Discovery)', () => {
    expect(signatureTag(DIGEST)).toBe(`sha256-${'ab'.repeat(32)}.sig`)
  })
})

describe('signatureLayers', () => {
  it.each([
    { name: 'not JSON', body: 'nope', malformed: 'its manifest is not JSON' },
    { name: 'no layers', body: '{"schemaVersion":2}', malformed: 'its manifest has no layers' },
    {
      name: 'no simple-signing layer',
      body: JSON.stringify({ layers: [{ mediaType: 'application/octet-stream', digest: DIGEST }] }),
      malformed: `its manifest has no ${SIMPLE_SIGNING_MEDIA_TYPE} layer`
    }
  ])('refuses a manifest with $name', ({ body, malformed }) => {
    expect(signatureLayers(Buffer.from(body))).toEqual({ malformed })
  })

  it('keeps the simple-signing layers with their annotation, skipping others', () => {
    const body = JSON.stringify({
      layers: [
        { mediaType: 'application/octet-stream', digest: DIGEST },
        {
          mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
          digest: DIGEST,
          annotations: { [SIGNATURE_ANNOTATION]: 'c2ln' }
        }
      ]
    })
    expect(signatureLayers(Buffer.from(body))).toEqual({ layers: [layer('c2ln')] })
  })
})

describe('checkLayer', () => {
  const good = payloadOf({
    identity: { 'docker-reference': 'elsewhere/any' },
    image: { 'docker-manifest-digest': DIGEST },
    type: 'cosign container image signature'
  })
  it.each([
    { name: 'a good signature', l: layer(signed(good)), p: good, kind: 'verified' },
    {
      name: "the spec example's Docker-manifest-digest (Go's case-insensitive decoding)",
      l: layer(signed(payloadOf({ image: { 'Docker-manifest-digest': DIGEST } }))),
      p: payloadOf({ image: { 'Docker-manifest-digest': DIGEST } }),
      kind: 'verified'
    },
    { name: 'no annotation', l: layer(undefined), p: good, kind: 'malformed' },
    { name: 'an empty annotation', l: layer(''), p: good, kind: 'malformed' },
    { name: 'a base64 annotation with junk', l: layer('AAAA*'), p: good, kind: 'malformed' },
    {
      name: 'a signature over other bytes',
      l: layer(signed(Buffer.from('x'))),
      p: good,
      kind: 'foreign'
    },
    {
      name: 'a payload without the digest',
      l: layer(signed(payloadOf({ image: {} }))),
      p: payloadOf({ image: {} }),
      kind: 'other-digest'
    }
  ])('$name → $kind', ({ l, p, kind }) => {
    expect(checkLayer(l, p, key, DIGEST).kind).toBe(kind)
  })
})
