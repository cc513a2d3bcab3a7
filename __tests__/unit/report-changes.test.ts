/**
 * The "What changes in the code" section (issue 18 item 1), case by case: a normal range newest
 * first with the compare link, more than 50 commits, a first promotion, a previous build without
 * a revision, an unreadable repository, a non-GitHub source, a rebuild; its place in the pull
 * request body and the job summary; the images output's source, revision and previousRevision.
 */
import { describe, expect, it } from '@jest/globals'
import type { CodeChange, ResolvedImage, SourceCommit } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import {
  codeChangesSection,
  codeChangesSummary,
  COMMITS_SHOWN,
  imagesOutput,
  pullRequestBody,
  sameSource,
  type PromotionContent
} from '../../src/report/index.js'

const D_NEW = `sha256:${'1'.repeat(64)}`
const D_OLD = `sha256:${'0'.repeat(64)}`
const OLD = 'b'.repeat(40)
const NEW = 'c'.repeat(40)
const SOURCE = 'https://github.com/acme/api'
const COMPARE = `${SOURCE}/compare/${OLD}...${NEW}`

const commit = (n: number, extra: Partial<SourceCommit> = {}): SourceCommit => ({
  sha: n.toString(16).padStart(7, '0').padEnd(40, 'e'),
  subject: `Change number ${n}`,
  author: 'octocat',
  ...extra
})

function change(extra: Partial<CodeChange> = {}): CodeChange {
  return {
    image: 'ghcr.io/acme/api:v2',
    digest: D_NEW,
    origin: { source: SOURCE, revision: NEW },
    previous: { digest: D_OLD, origin: { source: SOURCE, revision: OLD } },
    ...extra
  }
}

describe('codeChangesSection', () => {
  it('a range: heading, revisions, count and compare link, commits newest first with PR links', () => {
    const section = codeChangesSection([
      change({
        range: {
          compareUrl: COMPARE,
          total: 3,
          commits: [
            commit(3, { subject: 'Merge pull request #12 from acme/retry', pullRequest: 12 }),
            commit(2, { subject: 'Use *fast* path (#11)', pullRequest: 11, author: 'mona' }),
            commit(1)
          ]
        }
      })
    ])
    expect(section.split('\n')).toEqual([
      '### What changes in the code',
      '',
      `**\`ghcr.io/acme/api:v2\`**: \`bbbbbbb\` → \`ccccccc\` of [\`github.com/acme/api\`](${SOURCE}), 3 commits ([compare](${COMPARE})):`,
      '',
      `- [\`0000003\`](${SOURCE}/commit/${commit(3).sha}) Merge pull request #12 from acme/retry [#12](${SOURCE}/pull/12) — octocat`,
      `- [\`0000002\`](${SOURCE}/commit/${commit(2).sha}) Use \\*fast\\* path (#11) [#11](${SOURCE}/pull/11) — mona`,
      `- [\`0000001\`](${SOURCE}/commit/${commit(1).sha}) Change number 1 — octocat`
    ])
  })

  it(`more than ${COMMITS_SHOWN} commits: the newest ${COMMITS_SHOWN}, then "and N more" with the compare link`, () => {
    // GitHub lists 250 at most and counts all of them: 300 in the range, 250 listed.
    const commits = Array.from({ length: 250 }, (_, i) => commit(300 - i))
    const section = codeChangesSection([
      change({ range: { compareUrl: COMPARE, total: 300, commits } })
    ])
    const items = section.split('\n').filter(line => line.startsWith('- '))
    expect(items).toHaveLength(COMMITS_SHOWN + 1)
    expect(items[0]).toContain('Change number 300')
    expect(items[COMMITS_SHOWN - 1]).toContain('Change number 251')
    expect(items[COMMITS_SHOWN]).toBe(`- _and 250 more commits: [compare ccccccc](${COMPARE})_`)
    expect(section).toContain('300 commits ([compare]')
  })

  it('an unreadable repository (404): the compare link alone, and why', () => {
    const section = codeChangesSection([
      change({
        range: { compareUrl: COMPARE, unreadable: 'GitHub answered HTTP 404 for acme/api' }
      })
    ])
    expect(section).toContain(
      `\`bbbbbbb\` → \`ccccccc\` of [\`github.com/acme/api\`](${SOURCE}), [compare](${COMPARE}) (the commits could not be listed: GitHub answered HTTP 404 for acme/api).`
    )
    expect(section).not.toMatch(/^- /m)
  })

  it.each([
    {
      name: 'a first promotion (the target pinned no digest)',
      change: change({ previous: {} }),
      words: [
        'revision `ccccccc` of [`github.com/acme/api`]',
        'First promotion: the target pinned no digest before'
      ]
    },
    {
      name: 'a previous build without a revision',
      change: change({ previous: { digest: D_OLD, origin: {} } }),
      words: ['The previous build (`000000000000`) carries no revision']
    },
    {
      name: 'a non-GitHub source: source and revisions only',
      change: change({
        origin: { source: 'https://gitlab.example.com/acme/api', revision: NEW },
        previous: {
          digest: D_OLD,
          origin: { source: 'https://gitlab.example.com/acme/api', revision: OLD }
        }
      }),
      words: [
        '`bbbbbbb` → `ccccccc` of [`gitlab.example.com/acme/api`](https://gitlab.example.com/acme/api).'
      ]
    },
    {
      name: 'a source that is not a URL',
      change: change({
        origin: { source: 'acme api', revision: 'v2' },
        previous: { digest: D_OLD, origin: { revision: 'v1' } }
      }),
      words: ['`v1` → `v2` of `acme api`.']
    },
    {
      name: 'a new build without a revision',
      change: change({ origin: { source: SOURCE } }),
      words: ['the new build carries no `org.opencontainers.image.revision`']
    },
    {
      name: 'the same revision: a rebuild',
      change: change({ previous: { digest: D_OLD, origin: { source: SOURCE, revision: NEW } } }),
      words: ['same revision `ccccccc`', 'a rebuild, no code changes']
    },
    {
      name: 'a moved source',
      change: change({
        previous: {
          digest: D_OLD,
          origin: { source: 'https://github.com/acme/old', revision: OLD }
        }
      }),
      words: ['the source moved from [`github.com/acme/old`]']
    },
    {
      name: 'a registry refusal is said',
      change: change({ origin: {}, error: 'Registry r refused access' }),
      words: ['(Registry r refused access)']
    }
  ])('$name', ({ change, words }) => {
    const section = codeChangesSection([change])
    for (const w of words) expect(section).toContain(w)
    expect(section).not.toContain('[compare]')
  })

  it.each([
    { a: SOURCE, b: `${SOURCE}.git`, same: true },
    { a: SOURCE, b: `${SOURCE}/`, same: true },
    { a: SOURCE, b: `git+${SOURCE.toUpperCase()}.git`, same: true },
    { a: SOURCE, b: 'https://github.com/acme/web', same: false }
  ])('sameSource($a, $b) is $same', ({ a, b, same }) => {
    expect(sameSource(a, b)).toBe(same)
    // A spelling of the same source is no move.
    const section = codeChangesSection([
      change({ previous: { digest: D_OLD, origin: { source: b, revision: OLD } } })
    ])
    expect(section.includes('the source moved')).toBe(!same)
  })

  it('no changed image: no section', () => {
    expect(codeChangesSection([])).toBe('')
  })

  it('subjects cannot break the layout', () => {
    const section = codeChangesSection([
      change({
        range: {
          compareUrl: COMPARE,
          total: 1,
          commits: [
            commit(1, { subject: '<img src=x> [link](http://evil) `tick`', author: '*me*' })
          ]
        }
      })
    ])
    expect(section).toContain('\\<img src=x\\> \\[link\\](http://evil) \\`tick\\` — \\*me\\*')
  })
})

const image = (text: string, digest: string): ResolvedImage => ({
  input: text,
  reference: parseReference(text),
  digest,
  pinned: `${text}@${digest}`,
  pin: 'digest',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  kind: 'manifest',
  registry: 'ghcr.io'
})

describe('the pull request body and the job summary', () => {
  const content = (codeChanges?: CodeChange[]): PromotionContent => ({
    environment: 'prod',
    images: [image('ghcr.io/acme/api:v2', D_NEW)],
    result: {
      files: [
        {
          file: 'prod/kustomization.yaml',
          before: '',
          after: '',
          changes: [
            {
              file: 'prod/kustomization.yaml',
              line: 4,
              path: 'images[0].digest',
              old: D_OLD,
              new: D_NEW,
              image: 'ghcr.io/acme/api:v2'
            }
          ]
        }
      ],
      renders: [],
      diff: '',
      written: true
    },
    source: {},
    mode: 'pull-request',
    baseBranch: 'main',
    codeChanges
  })

  it('the section sits after the change table, before the images', () => {
    const range = { compareUrl: COMPARE, total: 1, commits: [commit(1)] }
    const body = pullRequestBody(content([change({ range })]))
    const table = body.indexOf('| Image | Environment |')
    const code = body.indexOf('### What changes in the code')
    const images = body.indexOf('### Images')
    expect(table).toBeGreaterThan(-1)
    expect(code).toBeGreaterThan(table)
    expect(images).toBeGreaterThan(code)
    expect(body).toContain(codeChangesSection([change({ range })]))
  })

  it('without code changes the body has no section', () => {
    expect(pullRequestBody(content())).not.toContain('What changes in the code')
    expect(pullRequestBody(content([]))).not.toContain('What changes in the code')
  })

  it('the summary: one heading, a sub-heading per environment when several', () => {
    const one = codeChangesSummary([{ environment: 'prod', codeChanges: [change()] }])
    expect(one).toBe(`${codeChangesSection([change()])}\n`)
    const two = codeChangesSummary([
      { environment: 'staging', codeChanges: [change()] },
      { environment: 'prod', codeChanges: [change({ previous: {} })] },
      { environment: 'dev', codeChanges: [] }
    ])
    expect(two.match(/### What changes in the code/g)).toHaveLength(1)
    expect(two).toContain('#### staging')
    expect(two).toContain('#### prod')
    expect(two).not.toContain('#### dev')
    expect(codeChangesSummary([{ environment: 'dev' }])).toBe('')
  })
})

describe('imagesOutput', () => {
  const api = image('ghcr.io/acme/api:v2', D_NEW)
  it.each([
    {
      name: 'read: source, revision and the previous revision',
      changes: [change()],
      fields: { source: SOURCE, revision: NEW, previousRevision: OLD }
    },
    {
      name: 'a first promotion: previousRevision null',
      changes: [change({ previous: {} })],
      fields: { source: SOURCE, revision: NEW, previousRevision: null }
    },
    {
      name: 'no labels or annotations: nulls',
      changes: [change({ origin: {}, previous: { digest: D_OLD, origin: {} } })],
      fields: { source: null, revision: null, previousRevision: null }
    },
    {
      name: 'the first environment that changed the image counts',
      changes: [change(), change({ previous: { digest: D_OLD, origin: { revision: 'other' } } })],
      fields: { source: SOURCE, revision: NEW, previousRevision: OLD }
    }
  ])('$name', ({ changes, fields }) => {
    expect(imagesOutput([api], changes)[0]).toMatchObject(fields)
  })

  it('not read (a resolve-only run, or another digest): no fields', () => {
    for (const changes of [[], [change({ digest: D_OLD })]]) {
      const [out] = imagesOutput([api], changes)
      expect(out).not.toHaveProperty('source')
      expect(out).not.toHaveProperty('revision')
      expect(out).not.toHaveProperty('previousRevision')
    }
  })
})
