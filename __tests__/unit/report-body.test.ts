/**
 * The pull request body, section by section: what changes in the cluster (the rendered diff),
 * trust, the notice at the top, and the cut that keeps the body within GitHub's limit.
 */
import { describe, expect, it } from '@jest/globals'
import type { EditResult, RenderReport, ResolvedImage } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import {
  bodySections,
  movedComment,
  pullRequestBody,
  renderedDiff,
  type PromotionContent
} from '../../src/report/index.js'
import { PULL_REQUEST_BODY_LIMIT } from '../../src/report/promotion.js'

const D0 = `sha256:${'0'.repeat(64)}`
const D1 = `sha256:${'1'.repeat(64)}`
const OLD = `ghcr.io/acme/api:v1.2.2@${D0}`
const NEW = `ghcr.io/acme/api:v1.2.3@${D1}`

function deployment(image: string, extra = ''): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    '  namespace: prod',
    extra,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: api',
    `        image: ${image}`,
    '        ports:',
    '        - containerPort: 8080',
    ''
  ]
    .filter(line => line !== '')
    .join('\n')
}

const api: ResolvedImage = {
  input: 'ghcr.io/acme/api:v1.2.3',
  reference: parseReference('ghcr.io/acme/api:v1.2.3'),
  digest: D1,
  pinned: NEW,
  pin: 'digest',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  kind: 'manifest',
  registry: 'ghcr.io'
}

function report(target: string, before: string, after: string): RenderReport {
  return {
    target,
    image: api.input,
    ok: true,
    message: 'Argo CD will see the change.',
    rendered: { before, after }
  }
}

function content(renders: RenderReport[], extra: Partial<EditResult> = {}): PromotionContent {
  return {
    environment: 'prod',
    images: [api],
    result: {
      files: [
        {
          file: 'apps/api/overlays/prod/kustomization.yaml',
          before: '',
          after: '',
          changes: [
            {
              file: 'apps/api/overlays/prod/kustomization.yaml',
              line: 7,
              path: 'images[0].newTag',
              old: 'v1.2.2',
              new: 'v1.2.3',
              image: api.input
            }
          ]
        }
      ],
      renders,
      diff: '',
      written: true,
      ...extra
    },
    source: {
      repository: 'acme/api',
      sha: 'f00dfeed'.repeat(5),
      runUrl: 'https://github.com/acme/api/actions/runs/42'
    },
    mode: 'pull-request',
    configRepository: 'acme/gitops-config',
    baseBranch: 'main'
  }
}

/** One section's text, by name, as the body shows it uncut. */
function section(c: PromotionContent, name: string): string {
  const found = bodySections(c).find(s => s.name === name)
  if (!found) throw new Error(`no section ${name}`)
  return found.render(found.size)
}

describe('what changes in the cluster', () => {
  const plain = report('apps/api/overlays/prod', deployment(OLD), deployment(NEW))

  it('a plain image bump: the diff holds only the image lines, folded, and no notice at the top', () => {
    const text = section(content([plain]), 'cluster')
    expect(text).toContain('### What changes in the cluster')
    expect(text).toContain('Only image fields change in what Argo CD applies.')
    expect(text).toContain('<details>')
    const changed = text.split('\n').filter(l => /^[+-](?![+-]{2} )/.test(l))
    expect(changed).toEqual([`-        image: ${OLD}`, `+        image: ${NEW}`])
    expect(section(content([plain]), 'notice')).toBe('')
  })

  it('a render that changes more than the image: called out at the top and in the section', () => {
    const labelled = report(
      'apps/api/overlays/prod',
      deployment(OLD, '  labels:\n    version: v1.2.2'),
      deployment(NEW, '  labels:\n    version: v1.2.3')
    )
    const c = content([labelled])
    expect(renderedDiff([labelled]).beyondImages.map(b => b.line)).toEqual([
      '-    version: v1.2.2',
      '+    version: v1.2.3'
    ])
    const notice = section(c, 'notice')
    expect(notice.startsWith('> [!WARNING]\n')).toBe(true)
    expect(notice).toContain('**The render changes more than image fields**: 2 lines in')
    expect(section(c, 'cluster')).toContain('Beyond image fields, 2 rendered lines change')
    const body = pullRequestBody(c)
    // At the top: right after the lead.
    expect(body.indexOf('> [!WARNING]')).toBeLessThan(body.indexOf('| Image |'))
  })

  it('one diff per target, however many images it proves; none when nothing renders differently', () => {
    const twice = [plain, { ...plain, image: 'other' }]
    expect(renderedDiff(twice).lines.filter(l => l.startsWith('--- a/'))).toHaveLength(1)
    expect(section(content([report('x', 'a: 1\n', 'a: 1\n')]), 'cluster')).toBe('')
    expect(section(content([]), 'cluster')).toBe('')
  })

  it('a rendered line with backticks cannot close the diff fence', () => {
    const ticks = report('t', 'note: ```a\n', 'note: ```b\n')
    const text = section(content([ticks]), 'cluster')
    expect(text).toContain('````diff')
  })
})

describe('trust', () => {
  it('signature and ECR tag mutability per image; no section without either', () => {
    expect(section(content([]), 'trust')).toBe('')
    const signed: ResolvedImage = {
      ...api,
      signature: {
        kind: 'keyless',
        identity: 'https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main',
        issuer: 'https://token.actions.githubusercontent.com'
      } as ResolvedImage['signature'] & object,
      tagImmutability: { immutable: false, reason: 'repository tags are MUTABLE' }
    }
    const text = section({ ...content([]), images: [signed] }, 'trust')
    expect(text.split('\n')).toEqual([
      '### Trust',
      '',
      '- `api v1.2.3`: signature verified, signed by `https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main` (issuer `https://token.actions.githubusercontent.com`)',
      '- `api v1.2.3`: tag immutability (ECR) **mutable**, repository tags are MUTABLE'
    ])
  })

  it('a downgrade warning is called out at the top', () => {
    const warning = 'k.yaml:7: v1.0.0 is lower than v1.2.2: a downgrade.'
    const notice = section(content([], { warnings: [warning] }), 'notice')
    expect(notice).toContain('**Downgrade**: k.yaml:7: v1.0.0 is lower than v1.2.2: a downgrade.')
  })
})

describe("GitHub's body limit", () => {
  it('a huge render: the diff is cut to fit, with a link to the workflow run', () => {
    const many = (image: string): string =>
      Array.from({ length: 400 }, (_, i) =>
        deployment(image).replace('name: api', `name: api-${i}`)
      ).join('\n---\n')
    const huge = report('apps/api/overlays/prod', many(OLD), many(NEW))
    const body = pullRequestBody(content([huge]))
    expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT)
    expect(body).toMatch(
      /_[\d,]+ more diff lines left out to stay within GitHub's pull request body limit; see \[the workflow run\]\(https:\/\/github\.com\/acme\/api\/actions\/runs\/42\)\._/
    )
    // The other sections stay whole, and the fence and the fold are closed.
    expect(body).toContain('| Image |')
    expect(body).toContain('### Rolling back')
    expect(body).toContain('\n```\n\n</details>')
    expect(body.endsWith('<!-- promote-image:environment=prod -->\n')).toBe(true)
  })

  it('a render changed in thousands of places is named, not diffed, and called out', () => {
    const lines = (prefix: string): string =>
      Array.from({ length: 3000 }, (_, i) => `${prefix}-${i}: x`).join('\n')
    const wide = renderedDiff([report('t', lines('a'), lines('b'))])
    expect(wide.lines).toEqual([
      '--- a/t (before)',
      '+++ b/t (after)',
      '@@ more than 2000 rendered lines change: too many to show here @@'
    ])
    expect(wide.beyondImages).toHaveLength(1)
  })
})

describe('the living pull request: what moved', () => {
  const older: ResolvedImage = {
    ...api,
    input: 'ghcr.io/acme/api:v1.2.2',
    reference: parseReference('ghcr.io/acme/api:v1.2.2'),
    digest: D0,
    pinned: OLD
  }
  const previous = pullRequestBody({ ...content([]), images: [older] })

  it.each([
    [
      'a newer build: old → new tag and digest',
      [api],
      [
        'A newer build updated this pull request; the description is regenerated.',
        '',
        '- `api`: `v1.2.2 (000000000000)` → `v1.2.3 (111111111111)`'
      ]
    ],
    ['the same build again: no comment', [older], undefined]
  ])('%s', (_name, images, expected) => {
    const comment = movedComment(previous, images)
    expect(comment?.trimEnd().split('\n')).toEqual(expected)
  })

  it('a body without the pins marker (an older promote-image): the new pins, no "from"', () => {
    expect(movedComment('hand-written body', [api])).toContain(
      '- `api`: now `v1.2.3 (111111111111)`'
    )
  })
})
