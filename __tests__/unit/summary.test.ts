import { describe, expect, it } from '@jest/globals'
import type { EditResult, RenderReport, ResolvedImage } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import { editSummary } from '../../src/report/edits.js'
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

  it('signatures: a column naming who signed, and the images output carries the verification', () => {
    const key = `sha256:${'f'.repeat(64)}`
    const signedByKey = image('ghcr.io/acme/api:v1', D1, {
      signature: { verified: true, kind: 'cosign-key', key, location: 'ghcr.io/acme/api:x.sig' }
    })
    const keyless = image('ghcr.io/acme/web:v2', D2, {
      signature: {
        verified: true,
        kind: 'sigstore-bundle',
        identity: 'https://github.com/acme/web/.github/workflows/release.yml@refs/heads/main',
        issuer: 'https://token.actions.githubusercontent.com',
        location: `ghcr.io/acme/web@${D1}`
      }
    })
    const lines = resolutionSummary([signedByKey, keyless, ghcr], false).split('\n')
    expect(lines[2]).toBe('| Image | Tag | Digest | Kind | Pinned reference | Signature |')
    expect(lines[4]).toMatch(new RegExp(`\\| verified: cosign key \`${key}\` \\|$`))
    expect(lines[5]).toMatch(
      /\| verified: `https:\/\/github\.com\/acme\/web\/\.github\/workflows\/release\.yml@refs\/heads\/main` \(issuer `https:\/\/token\.actions\.githubusercontent\.com`\) \|$/
    )
    expect(lines[6]).toMatch(/ \| — \|$/)
    expect(imagesOutput([signedByKey])[0]!.signature).toEqual(signedByKey.signature)
  })

  it('attestations: a column naming the source and signer; the images output carries them', () => {
    const provenance = {
      verified: true as const,
      predicateType: 'https://slsa.dev/provenance/v1',
      sourceRepository: 'https://github.com/acme/api',
      sourceCommit: 'c'.repeat(40),
      sourceRef: 'refs/tags/v1.2.3',
      signerWorkflow: 'https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.2.3',
      identity: 'https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1.2.3',
      issuer: 'https://token.actions.githubusercontent.com',
      location: `ghcr.io/acme/api@${D2}`
    }
    const attested = image('ghcr.io/acme/api:v1', D1, { provenance })
    const lines = resolutionSummary([attested, ghcr], false).split('\n')
    expect(lines[2]).toBe('| Image | Tag | Digest | Kind | Pinned reference | Provenance |')
    expect(lines[4]).toContain(
      `| verified \`https://slsa.dev/provenance/v1\`, built from \`https://github.com/acme/api\` at \`${'c'.repeat(40)}\` (\`refs/tags/v1.2.3\`), signed by \`${provenance.signerWorkflow}\` |`
    )
    expect(lines[5]).toMatch(/ \| — \|$/)
    expect(imagesOutput([attested])[0]!.provenance).toEqual(provenance)
  })
})

describe('job summary: render proof', () => {
  const overlay = 'apps/api/overlays/prod'
  const edit = (renders: RenderReport[]): EditResult => ({
    files: [
      {
        file: `${overlay}/kustomization.yaml`,
        before: '',
        after: '',
        changes: [
          {
            file: `${overlay}/kustomization.yaml`,
            line: 7,
            path: 'images[0].newTag',
            old: 'v1.2.2',
            new: 'v1.2.3',
            image: 'ghcr.io/acme/api:v1.2.3'
          }
        ]
      }
    ],
    renders,
    diff: '',
    written: true
  })
  const proof = (message: string, ok = true): RenderReport => ({
    target: overlay,
    image: 'ghcr.io/acme/api:v1.2.3',
    ok,
    message
  })
  /** The summary's lines from the render proof heading on. */
  const proofLines = (renders: RenderReport[]): string[] => {
    const lines = editSummary([{ environment: 'prod', result: edit(renders) }], false).split('\n')
    return lines.slice(lines.indexOf('**Render proof** (what Argo CD will see):'))
  }

  // GFM joins a paragraph's lines into one: each line of a proof must be a list item of its own.
  it.each([
    {
      case: 'one container: the summary line, then the container as a nested item',
      renders: [
        proof(
          `Argo CD will see the change: 1 container in ${overlay} now renders ghcr.io/acme/api:v1.2.3@${D1}:\n  - Deployment prod/api, container api: ghcr.io/acme/api:v1.2.2 → ghcr.io/acme/api:v1.2.3@${D1}`
        )
      ],
      lines: [
        `- ✅ \`${overlay}\`: Argo CD will see the change: 1 container in ${overlay} now renders ghcr.io/acme/api:v1.2.3@${D1}:`,
        `  - Deployment prod/api, container api: ghcr.io/acme/api:v1.2.2 → ghcr.io/acme/api:v1.2.3@${D1}`
      ]
    },
    {
      case: 'two containers and a failed proof: every line kept, markup escaped',
      renders: [
        proof(
          'Argo CD would see only part of the promotion:\n  - Deployment a, container *x*: still renders <img>\n  - CronJob b, container y_z: renders `q`',
          false
        ),
        proof(`${overlay} already renders it in 1 container; the promotion changes nothing.`)
      ],
      lines: [
        `- ❌ \`${overlay}\`: Argo CD would see only part of the promotion:`,
        '  - Deployment a, container \\*x\\*: still renders \\<img\\>',
        '  - CronJob b, container y\\_z: renders \\`q\\`',
        `- ✅ \`${overlay}\`: ${overlay} already renders it in 1 container; the promotion changes nothing.`
      ]
    }
  ])('$case', ({ renders, lines }) => {
    expect(proofLines(renders)).toEqual([
      '**Render proof** (what Argo CD will see):',
      '',
      ...lines,
      ''
    ])
  })
})
