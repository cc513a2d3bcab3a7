import { describe, expect, it } from '@jest/globals'
import type { ResolvedImage } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import { imagesOutput, resolutionSummary } from '../../src/report/summary.js'

const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`

function image(text: string, digest: string, extra: Partial<ResolvedImage> = {}): ResolvedImage {
  const reference = parseReference(text)
  return {
    input: text,
    reference,
    digest,
    pinned: `${text}@${digest}`,
    pin: 'digest',
    mediaType: 'application/vnd.oci.image.index.v1+json',
    kind: 'index',
    registry: 'ghcr.io',
    ...extra
  }
}

describe('report', () => {
  const ghcr = image('ghcr.io/acme/api:v1', D1, { platforms: ['linux/amd64', 'linux/arm64'] })
  const ecr = image('123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v2', D2, {
    kind: 'manifest',
    tagImmutability: { immutable: false, reason: 'repository tags are MUTABLE' }
  })

  it('images output: one object per image; ECR images carry the immutability verdict', () => {
    expect(imagesOutput([ghcr, ecr])).toEqual([
      { image: 'ghcr.io/acme/api', tag: 'v1', digest: D1, ref: `ghcr.io/acme/api:v1@${D1}` },
      {
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app',
        tag: 'v2',
        digest: D2,
        ref: `123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v2@${D2}`,
        tagImmutability: { verdict: 'mutable', reason: 'repository tags are MUTABLE' }
      }
    ])
  })

  it('summary: a table row per image, platforms of indexes', () => {
    const text = resolutionSummary([ghcr], false)
    expect(text).toBe(
      [
        '### promote-image: 1 image resolved',
        '',
        '| Image | Tag | Digest | Kind | Pinned reference |',
        '| --- | --- | --- | --- | --- |',
        `| \`ghcr.io/acme/api\` | \`v1\` | \`${D1}\` | index (linux/amd64, linux/arm64) | \`ghcr.io/acme/api:v1@${D1}\` |`,
        ''
      ].join('\n')
    )
  })

  it('summary: an immutability column as soon as one image is on ECR', () => {
    const lines = resolutionSummary([ghcr, ecr], true).split('\n')
    expect(lines[0]).toBe('### promote-image: 2 images resolved (dry run)')
    expect(lines[2]).toBe(
      '| Image | Tag | Digest | Kind | Pinned reference | Tag immutability (ECR) |'
    )
    expect(lines[4]).toMatch(/ \| — \|$/)
    expect(lines[5]).toMatch(/\| single platform \| .* \| mutable: repository tags are MUTABLE \|$/)
  })
})
