import { execFileSync } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import type {
  EditResult,
  FileEdit,
  ImageValueChange,
  RenderReport,
  ResolvedImage
} from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import {
  commitMessage,
  PULL_REQUEST_BODY_LIMIT,
  promotionMarker,
  pullRequestBody,
  pullRequestTitle,
  readPromotionMarker,
  type PromotionContent
} from '../../src/report/promotion.js'
import { pinsMarker } from '../../src/report/moved.js'
import {
  checkCommitMessageTemplate,
  COMMIT_MESSAGE_PLACEHOLDERS
} from '../../src/report/message-template.js'
import { InputError } from '../../src/errors.js'

const digest = (hex: string): string => `sha256:${hex.repeat(64 / hex.length)}`
const D0 = digest('0')
const D1 = digest('1')
const D2 = digest('2')
const D3 = digest('3')
const SHA = 'f00dfeed'.repeat(5)
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/worker'

function image(text: string, d: string, extra: Partial<ResolvedImage> = {}): ResolvedImage {
  return {
    input: text,
    reference: parseReference(text),
    digest: d,
    pinned: `${text}@${d}`,
    pin: 'digest',
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    kind: 'manifest',
    registry: 'registry.example',
    ...extra
  }
}

function change(
  file: string,
  line: number,
  path: string,
  old: string | undefined,
  value: string | undefined,
  of: ResolvedImage,
  environment?: string
): ImageValueChange {
  return { file, line, path, old, new: value, image: of.input, environment }
}

/** Changes grouped into files in order, as editConfigRepo returns them. */
function result(changes: readonly ImageValueChange[], renders: RenderReport[] = []): EditResult {
  const files = new Map<string, ImageValueChange[]>()
  for (const c of changes) files.set(c.file, [...(files.get(c.file) ?? []), c])
  const edits: FileEdit[] = [...files].map(([file, list]) => ({
    file,
    before: '',
    after: '',
    changes: list
  }))
  return { files: edits, renders, diff: '', written: true }
}

const api = image('ghcr.io/acme/api:v1.2.3', D1, {
  kind: 'index',
  mediaType: 'application/vnd.oci.image.index.v1+json',
  platforms: ['linux/amd64', 'linux/arm64']
})
const web = image('acme/web:v2', D2)
const worker = image(`${ECR}:2024.05.1`, D3, {
  tagImmutability: { immutable: true, reason: 'repository tags are IMMUTABLE' }
})

const overlay = 'apps/api/overlays/prod/kustomization.yaml'
const renderOk: RenderReport = {
  target: 'apps/api/overlays/prod',
  image: api.input,
  ok: true,
  message: [
    `Argo CD will see the change: 1 container in apps/api/overlays/prod now renders ${api.pinned}:`,
    `  - Deployment prod/api, container api: ghcr.io/acme/api:v1.2.2@${D0} → ${api.pinned}`
  ].join('\n')
}

/** One image into prod by pull request, every link known. */
const one: PromotionContent = {
  environment: 'prod',
  images: [api],
  result: result(
    [
      change(overlay, 7, 'images[0].newTag', 'v1.2.2', 'v1.2.3', api, 'prod'),
      change(overlay, 8, 'images[0].digest', D0, D1, api, 'prod')
    ],
    [renderOk]
  ),
  source: {
    repository: 'acme/api',
    sha: SHA,
    runUrl: 'https://github.com/acme/api/actions/runs/42',
    serverUrl: 'https://github.com',
    actor: 'octocat'
  },
  mode: 'pull-request',
  configRepository: 'acme/gitops-config',
  baseBranch: 'main'
}

/** Three images into staging by push: no config repository, no render proof. */
const k = 'apps/api/overlays/staging/kustomization.yaml'
const h = 'charts/web/values-staging.yaml'
const w = 'charts/worker/values-staging.yaml'
const three: PromotionContent = {
  environment: 'staging',
  images: [api, web, worker],
  result: result([
    change(k, 9, 'images[0].newTag', 'v1.2.2', 'v1.2.3', api, 'staging'),
    change(k, 10, 'images[0].digest', undefined, D1, api, 'staging'),
    change(h, 3, 'web.image.tag', 'v1', 'v2', web, 'staging'),
    change(h, 4, 'web.image.digest', D0, D2, web, 'staging'),
    change(w, 2, 'image', `${ECR}:2024.04.9@${D0}`, worker.pinned, worker, 'staging')
  ]),
  source: {
    repository: 'acme/monorepo',
    sha: SHA,
    runUrl: 'https://github.com/acme/monorepo/actions/runs/9001/attempts/2'
  },
  mode: 'push',
  baseBranch: 'main'
}

/** What `git interpret-trailers --parse` finds, with no user or system git config. */
function gitTrailers(message: string): string[] {
  const out = execFileSync('git', ['interpret-trailers', '--parse'], {
    input: message,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }
  })
  return out.split('\n').filter(line => line.length > 0)
}

/** Table rows of a body: lines that start a GFM table row, header and rule excluded. */
function tableRows(body: string): string[] {
  return body
    .split('\n')
    .filter(line => line.startsWith('| ') && !line.startsWith('| Image |'))
    .filter(line => !line.startsWith('| --- '))
}

/** The text outside code spans (a run of n backticks up to the next run of exactly n). */
function outsideCode(markdown: string): string {
  let out = ''
  for (let i = 0; i < markdown.length;) {
    if (markdown[i] === '\\') {
      out += markdown.slice(i, i + 2)
      i += 2
      continue
    }
    const run = /^`+/.exec(markdown.slice(i))?.[0]
    if (!run) {
      out += markdown[i]
      i++
      continue
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g')
    close.lastIndex = i + run.length
    const end = close.exec(markdown)
    if (end) i = end.index + run.length
    else {
      out += run
      i += run.length
    }
  }
  return out
}

/** cmark-gfm splits a row at every pipe not preceded by a backslash. */
function cellDelimiters(row: string): number {
  return [...row].filter((c, i) => c === '|' && row[i - 1] !== '\\').length
}

describe('commit message', () => {
  it('one image: subject, one line per value, trailers', () => {
    expect(commitMessage(one)).toBe(
      [
        'promote(prod): api v1.2.3 (111111111111)',
        '',
        `- ${overlay}:7 images[0].newTag: v1.2.2 → v1.2.3`,
        `- ${overlay}:8 images[0].digest: ${D0} → ${D1}`,
        '',
        `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
        'Source-Repository: acme/api',
        `Source-Commit: ${SHA}`,
        'Source-Run: https://github.com/acme/api/actions/runs/42',
        ''
      ].join('\n')
    )
  })

  it('three images: a counted subject, added values as (none)', () => {
    expect(commitMessage(three)).toBe(
      [
        'promote(staging): 3 images (api v1.2.3, web v2, worker 2024.05.1)',
        '',
        `- ${k}:9 images[0].newTag: v1.2.2 → v1.2.3`,
        `- ${k}:10 images[0].digest: (none) → ${D1}`,
        `- ${h}:3 web.image.tag: v1 → v2`,
        `- ${h}:4 web.image.digest: ${D0} → ${D2}`,
        `- ${w}:2 image: ${ECR}:2024.04.9@${D0} → ${ECR}:2024.05.1@${D3}`,
        '',
        `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
        `Promoted-Image: acme/web:v2@${D2}`,
        `Promoted-Image: ${ECR}:2024.05.1@${D3}`,
        'Source-Repository: acme/monorepo',
        `Source-Commit: ${SHA}`,
        'Source-Run: https://github.com/acme/monorepo/actions/runs/9001/attempts/2',
        ''
      ].join('\n')
    )
  })

  it('a signed image: an Image-Signature trailer naming the key or the keyless signer; the PR body too', () => {
    const key = `sha256:${'f'.repeat(64)}`
    const identity = 'https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main'
    const issuer = 'https://token.actions.githubusercontent.com'
    const byKey = {
      ...api,
      signature: { verified: true, kind: 'cosign-key', key, location: 'x' } as const
    }
    const keyless = {
      ...web,
      signature: {
        verified: true,
        kind: 'sigstore-bundle',
        identity,
        issuer,
        location: 'y'
      } as const
    }
    const content = { ...one, images: [byKey, keyless] }
    const trailers = commitMessage(content).trimEnd().split('\n\n').at(-1)!.split('\n')
    expect(trailers.slice(0, 4)).toEqual([
      `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
      `Promoted-Image: acme/web:v2@${D2}`,
      `Image-Signature: ghcr.io/acme/api:v1.2.3@${D1} verified, cosign key ${key}`,
      `Image-Signature: acme/web:v2@${D2} verified, signed by ${identity} (issuer ${issuer})`
    ])
    const body = pullRequestBody(content)
    expect(body).toContain(`- \`api v1.2.3\`: signature verified, cosign key \`${key}\``)
    expect(body).toContain(
      `- \`web v2\`: signature verified, signed by \`${identity}\` (issuer \`${issuer}\`)`
    )
  })

  it('a removed value reads (removed); no source, no Source-* trailers', () => {
    const message = commitMessage({
      ...one,
      result: result([change(overlay, 8, 'images[0].digest', D0, undefined, api)]),
      source: {}
    })
    expect(message).toBe(
      [
        'promote(prod): api v1.2.3 (111111111111)',
        '',
        `- ${overlay}:8 images[0].digest: ${D0} → (removed)`,
        '',
        `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
        ''
      ].join('\n')
    )
  })

  const img = (name: string, tag: string, d: string): ResolvedImage =>
    image(`ghcr.io/acme/${name}:${tag}`, d)
  const five = [
    img('api', 'v1.2.3', D1),
    img('web', 'v2', D2),
    img('notification-service', 'v3', D3),
    img('cron', 'v4', D0),
    img('admin', 'v5', D1)
  ]

  it.each<[string, string | undefined, ResolvedImage[], string]>([
    [
      'two images within 72 characters keep their digests',
      'prod',
      [img('api', 'v1.0.0', D1), img('web', 'v2.0.0-rc.1', D2)],
      'promote(prod): api v1.0.0 (111111111111), web v2.0.0-rc.1 (222222222222)'
    ],
    [
      'one character more: counted, names and tags only',
      'prod',
      [img('api', 'v1.0.0', D1), img('web', 'v2.0.0-rc.10', D2)],
      'promote(prod): 2 images (api v1.0.0, web v2.0.0-rc.10)'
    ],
    [
      'five images: as many names as fit, then +N more',
      'prod',
      five,
      'promote(prod): 5 images (api v1.2.3, web v2, +3 more)'
    ],
    ['no environment', undefined, [img('api', 'v1', D1)], 'promote: api v1 (111111111111)'],
    [
      'one image keeps its digest even past 72 characters',
      'production-eu-west-1',
      [img('api', '2024.05.17-build.1234-gabcdef', D1)],
      'promote(production-eu-west-1): api 2024.05.17-build.1234-gabcdef (111111111111)'
    ],
    [
      'an environment too long for any name: just the count',
      'e'.repeat(60),
      five.slice(0, 2),
      `promote(${'e'.repeat(60)}): 2 images`
    ],
    [
      'a newline in the environment cannot start the body',
      'prod\nSigned-off-by: x',
      [img('api', 'v1', D1)],
      'promote(prod Signed-off-by: x): api v1 (111111111111)'
    ]
  ])('subject: %s', (_name, environment, images, expected) => {
    const subject = commitMessage({ ...one, environment, images }).split('\n')[0]
    expect(subject).toBe(expected)
  })

  it('the 72-character rule is exact', () => {
    const fits = [img('api', 'v1.0.0', D1), img('web', 'v2.0.0-rc.1', D2)]
    expect(commitMessage({ ...one, images: fits }).split('\n')[0]).toHaveLength(72)
  })

  it.each<[string, PromotionContent, string[]]>([
    [
      'one image, full source',
      one,
      [
        `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
        'Source-Repository: acme/api',
        `Source-Commit: ${SHA}`,
        'Source-Run: https://github.com/acme/api/actions/runs/42'
      ]
    ],
    [
      'three images',
      three,
      [
        `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
        `Promoted-Image: acme/web:v2@${D2}`,
        `Promoted-Image: ${ECR}:2024.05.1@${D3}`,
        'Source-Repository: acme/monorepo',
        `Source-Commit: ${SHA}`,
        'Source-Run: https://github.com/acme/monorepo/actions/runs/9001/attempts/2'
      ]
    ],
    [
      'only the commit known',
      { ...one, source: { sha: SHA } },
      [`Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`, `Source-Commit: ${SHA}`]
    ],
    [
      'a file name that smuggles trailers stays one change line',
      {
        ...one,
        result: result([
          change(
            'apps/x.yaml\n\nSigned-off-by: Mallory <m@example.com>\nApproved: yes',
            1,
            'image',
            'a\nReviewed-by: nobody',
            'b',
            api
          )
        ])
      },
      [
        `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
        'Source-Repository: acme/api',
        `Source-Commit: ${SHA}`,
        'Source-Run: https://github.com/acme/api/actions/runs/42'
      ]
    ]
  ])('git interpret-trailers --parse reads the trailers: %s', (_name, content, expected) => {
    expect(gitTrailers(commitMessage(content))).toEqual(expected)
  })

  it('hostile text is flattened onto one line', () => {
    const message = commitMessage({
      ...one,
      result: result([change('a.yaml\r\nSigned-off-by: M', 1, 'x\u2028y', 'o\tld', 'new', api)])
    })
    expect(message.split('\n')[2]).toBe('- a.yaml Signed-off-by: M:1 x y: o ld → new')
  })
})

describe('commit-message template', () => {
  const byDigest = image(`ghcr.io/acme/api@${D1}`, D1)
  it.each<[string, PromotionContent, string, string]>([
    [
      "the issue's example",
      one,
      'chore(deploy): bump {name} to {tag}',
      'chore(deploy): bump api to v1.2.3'
    ],
    [
      'every placeholder, one image',
      one,
      '{environment}|{name}|{tag}|{digest}|{images}',
      'prod|api|v1.2.3|sha256:111111111111|api:v1.2.3 (sha256:111111111111)'
    ],
    [
      'several images: each distinct value once, {images} lists them all',
      three,
      'bump {name} to {tag} ({digest}) in {environment}: {images}',
      'bump api, web, worker to v1.2.3, v2, 2024.05.1 (sha256:111111111111, sha256:222222222222, sha256:333333333333) in staging: api:v1.2.3 (sha256:111111111111), web:v2 (sha256:222222222222), worker:2024.05.1 (sha256:333333333333)'
    ],
    [
      'a shared tag appears once',
      {
        ...three,
        images: [api, image('acme/web:v1.2.3', D2)]
      },
      'bump {name} to {tag}',
      'bump api, web to v1.2.3'
    ],
    [
      'an image given by digest alone: {tag} is its short digest',
      { ...one, images: [byDigest] },
      'bump {name} to {tag}; {images}',
      'bump api to sha256:111111111111; api (sha256:111111111111)'
    ],
    [
      'a value that looks like a placeholder is not replaced again',
      { ...one, environment: '{name}' },
      '{environment} {name}',
      '{name} api'
    ],
    [
      'no environment: empty',
      { ...one, environment: undefined },
      'bump{environment} {name}',
      'bump api'
    ]
  ])('%s', (_name, content, template, expected) => {
    const template_ = checkCommitMessageTemplate('commit-message', template)
    expect(commitMessage({ ...content, messageTemplate: template_ }).split('\n')[0]).toBe(expected)
  })

  it('the changes and the trailers are still appended; text under the first line is kept', () => {
    const message = commitMessage({
      ...one,
      messageTemplate: 'chore(deploy): bump {name} to {tag}\n\nShipped by the release train.\n'
    })
    expect(message).toBe(
      [
        'chore(deploy): bump api to v1.2.3',
        '',
        'Shipped by the release train.',
        '',
        `- ${overlay}:7 images[0].newTag: v1.2.2 → v1.2.3`,
        `- ${overlay}:8 images[0].digest: ${D0} → ${D1}`,
        '',
        `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
        'Source-Repository: acme/api',
        `Source-Commit: ${SHA}`,
        'Source-Run: https://github.com/acme/api/actions/runs/42',
        ''
      ].join('\n')
    )
    expect(gitTrailers(message)).toEqual([
      `Promoted-Image: ghcr.io/acme/api:v1.2.3@${D1}`,
      'Source-Repository: acme/api',
      `Source-Commit: ${SHA}`,
      'Source-Run: https://github.com/acme/api/actions/runs/42'
    ])
  })

  it('no template: the default subject', () => {
    expect(checkCommitMessageTemplate('commit-message', undefined)).toBeUndefined()
    expect(commitMessage({ ...one, messageTemplate: undefined }).split('\n')[0]).toBe(
      'promote(prod): api v1.2.3 (111111111111)'
    )
  })

  it.each<[string, string, string, RegExp]>([
    [
      'a misspelt placeholder',
      'commit-message',
      'bump {name} to {tagg}',
      /^Input commit-message has an unknown placeholder \{tagg\} in "bump \{name\} to \{tagg\}"\.$/
    ],
    [
      'a placeholder of the branch template only',
      '--commit-message',
      'bump {repository}',
      /^--commit-message has an unknown placeholder \{repository\}/
    ],
    ['an empty placeholder', 'commit-message', 'bump {}', /unknown placeholder \{\}/],
    [
      'a blank first line',
      'commit-message',
      '\nbump {name}',
      /gives an empty commit subject \(its first line\)/
    ],
    [
      'only {environment}, which may be empty',
      'commit-message',
      '{environment}',
      /gives an empty commit subject/
    ]
  ])('refused at parse time: %s', (_name, input, template, message) => {
    let error: unknown
    try {
      checkCommitMessageTemplate(input, template)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toMatch(message)
    // The hint lists every placeholder.
    for (const placeholder of Object.keys(COMMIT_MESSAGE_PLACEHOLDERS))
      expect((error as InputError).hint).toContain(`{${placeholder}}`)
  })
})

describe('pull request title', () => {
  it.each<[string, PromotionContent, string | undefined, string]>([
    ['no template: the commit subject', one, undefined, 'promote(prod): api v1.2.3 (111111111111)'],
    ['a blank template counts as none', one, '  ', 'promote(prod): api v1.2.3 (111111111111)'],
    [
      'every placeholder',
      one,
      'Deploy {name} {tag} to {environment} ({digest}) [{images}]',
      `Deploy api v1.2.3 to prod (${D1}) [api v1.2.3]`
    ],
    [
      'unknown placeholders stay as they are',
      one,
      '{name} {sha} {constructor} {toString} {}',
      'api {sha} {constructor} {toString} {}'
    ],
    [
      'several images: each distinct value once',
      three,
      '{environment}: {name} @ {tag} | {images}',
      'staging: api, web, worker @ v1.2.3, v2, 2024.05.1 | api v1.2.3, web v2, worker 2024.05.1'
    ],
    [
      'a replaced value is not replaced again',
      { ...one, environment: '{name}' },
      '{environment} {name}',
      '{name} api'
    ],
    [
      'no environment: empty',
      { ...one, environment: undefined },
      '[{environment}] {name}',
      '[] api'
    ],
    ['one line, whatever the template', one, '{name}\nsecond line\n', 'api second line']
  ])('%s', (_name, content, template, expected) => {
    expect(pullRequestTitle(content, template)).toBe(expected)
  })
})

describe('pull request body', () => {
  it('one image: the whole body', () => {
    const link = `https://github.com/acme/gitops-config/blob/main/${overlay}`
    expect(pullRequestBody(one)).toBe(
      [
        'Pins 1 image in `prod` by tag and digest: 2 values in 1 file of [`acme/gitops-config`](https://github.com/acme/gitops-config), base `main`. Merging this pull request changes what Argo CD deploys.',
        '',
        '| Image | Environment | File | Old | New |',
        '| --- | --- | --- | --- | --- |',
        `| \`ghcr.io/acme/api:v1.2.3\` | prod | [\`${overlay}:7\`](${link}#L7) | \`v1.2.2\` | \`v1.2.3\` |`,
        `| \`ghcr.io/acme/api:v1.2.3\` | prod | [\`${overlay}:8\`](${link}#L8) | \`${D0}\` | \`${D1}\` |`,
        '',
        '### Images',
        '',
        '<details>',
        '<summary>api v1.2.3 (111111111111)</summary>',
        '',
        `- Digest: \`${D1}\``,
        '- Kind: image index (linux/amd64, linux/arm64), `application/vnd.oci.image.index.v1+json`',
        `- Pinned reference: \`ghcr.io/acme/api:v1.2.3@${D1}\``,
        `- Source commit: [\`acme/api@f00dfee\`](https://github.com/acme/api/commit/${SHA})`,
        '- Workflow run: [run 42](https://github.com/acme/api/actions/runs/42), triggered by `octocat`',
        '',
        '</details>',
        '',
        '### Render proof',
        '',
        `- ✅ \`apps/api/overlays/prod\`: Argo CD will see the change: 1 container in apps/api/overlays/prod now renders ghcr.io/acme/api:v1.2.3@${D1}:`,
        `  - Deployment prod/api, container api: ghcr.io/acme/api:v1.2.2@${D0} → ghcr.io/acme/api:v1.2.3@${D1}`,
        '',
        '### Rolling back',
        '',
        "Revert this commit (`git revert <sha>` once merged, or GitHub's Revert button); Argo CD then syncs the previous digest. A rollback is a revert, not a re-promotion of an older tag.",
        '',
        pinsMarker(one.images),
        '<!-- promote-image:environment=prod -->',
        ''
      ].join('\n')
    )
  })

  it('three images by push: no config links, one details block each, render proof not run', () => {
    const commit = `[\`acme/monorepo@f00dfee\`](https://github.com/acme/monorepo/commit/${SHA})`
    const run =
      '[run 9001, attempt 2](https://github.com/acme/monorepo/actions/runs/9001/attempts/2)'
    expect(pullRequestBody(three)).toBe(
      [
        'Pins 3 images in `staging` by tag and digest: 5 values in 3 files, pushed to `main`. Argo CD deploys the change on its next sync.',
        '',
        '| Image | Environment | File | Old | New |',
        '| --- | --- | --- | --- | --- |',
        `| \`ghcr.io/acme/api:v1.2.3\` | staging | \`${k}:9\` | \`v1.2.2\` | \`v1.2.3\` |`,
        `| \`ghcr.io/acme/api:v1.2.3\` | staging | \`${k}:10\` | _(none)_ | \`${D1}\` |`,
        `| \`acme/web:v2\` | staging | \`${h}:3\` | \`v1\` | \`v2\` |`,
        `| \`acme/web:v2\` | staging | \`${h}:4\` | \`${D0}\` | \`${D2}\` |`,
        `| \`${ECR}:2024.05.1\` | staging | \`${w}:2\` | \`${ECR}:2024.04.9@${D0}\` | \`${ECR}:2024.05.1@${D3}\` |`,
        '',
        '### Trust',
        '',
        '- `worker 2024.05.1`: tag immutability (ECR) immutable, repository tags are IMMUTABLE',
        '',
        '### Images',
        '',
        '<details>',
        '<summary>api v1.2.3 (111111111111)</summary>',
        '',
        `- Digest: \`${D1}\``,
        '- Kind: image index (linux/amd64, linux/arm64), `application/vnd.oci.image.index.v1+json`',
        `- Pinned reference: \`ghcr.io/acme/api:v1.2.3@${D1}\``,
        `- Source commit: ${commit}`,
        `- Workflow run: ${run}`,
        '',
        '</details>',
        '',
        '<details>',
        '<summary>web v2 (222222222222)</summary>',
        '',
        `- Digest: \`${D2}\``,
        '- Kind: single manifest, `application/vnd.docker.distribution.manifest.v2+json`',
        `- Pinned reference: \`acme/web:v2@${D2}\``,
        `- Source commit: ${commit}`,
        `- Workflow run: ${run}`,
        '',
        '</details>',
        '',
        '<details>',
        '<summary>worker 2024.05.1 (333333333333)</summary>',
        '',
        `- Digest: \`${D3}\``,
        '- Kind: single manifest, `application/vnd.docker.distribution.manifest.v2+json`',
        `- Pinned reference: \`${ECR}:2024.05.1@${D3}\``,
        `- Source commit: ${commit}`,
        `- Workflow run: ${run}`,
        '',
        '</details>',
        '',
        '### Render proof',
        '',
        'Not run: verify-render is false, no Kustomize renderer was found on the runner, or no target is a Kustomize overlay.',
        '',
        '### Rolling back',
        '',
        'Revert this commit (`git revert <sha>`); Argo CD then syncs the previous digest. A rollback is a revert, not a re-promotion of an older tag.',
        '',
        pinsMarker(three.images),
        '<!-- promote-image:environment=staging -->',
        ''
      ].join('\n')
    )
  })

  describe('hostile input cannot break the markdown', () => {
    const file = 'apps/we|rd`na``me/<script>alert(1)</script>\n| x | y |\n# evil.yaml'
    const environment = 'prod|<!-- x -->*bold*'
    const hostile: PromotionContent = {
      ...one,
      environment,
      images: [{ ...api, input: 'ghcr.io/acme/api:v1|`x' }],
      result: result(
        [change(file, 3, 'image', '`v1|\\|`', '$x$ <img src=x>', { ...api, input: 'a|b' })],
        [
          {
            target: 'apps/`x`|y',
            image: 'a|b',
            ok: false,
            message:
              '**bold** [click](javascript:alert(1)) <img src=x onerror=alert(1)> $x$ a\\|b &amp;\n  - # heading\n  - 1. item\n  - > quote'
          }
        ]
      ),
      source: { ...one.source, actor: 'mallory`<b>' },
      configRepository: undefined
    }
    const body = pullRequestBody(hostile)

    it('the table row keeps its five cells; code spans outlast the backticks inside', () => {
      const rows = tableRows(body)
      expect(rows).toEqual([
        '| `a\\|b` | prod\\|\\<!-- x --\\>\\*bold\\* | ```apps/we\\|rd`na``me/<script>alert(1)</script> \\| x \\| y \\| # evil.yaml:3``` | `` `v1\\|\\\\|` `` | `$x$ <img src=x>` |'
      ])
      for (const row of rows) expect(cellDelimiters(row)).toBe(6)
    })

    it('render messages are escaped text, their nested lines stay list items', () => {
      expect(body).toContain(
        [
          '- ❌ ``apps/`x`|y``: \\*\\*bold\\*\\* \\[click\\](javascript:alert(1)) \\<img src=x onerror=alert(1)\\> \\$x\\$ a\\\\\\|b \\&amp;',
          '  - \\# heading',
          '  - 1\\. item',
          '  - \\> quote'
        ].join('\n')
      )
    })

    it('outside code spans, the only raw HTML is our own', () => {
      expect(body).toContain(
        '- Workflow run: [run 42](https://github.com/acme/api/actions/runs/42), triggered by ``mallory`<b>``'
      )
      const raw = outsideCode(body).match(/(?<!\\)<(?!\/?(?:details|summary)>|!-- promote-image:)/g)
      expect(raw).toBeNull()
    })

    it('the marker survives an environment that tries to close it', () => {
      // Two markers (the pins, the environment), each closed once.
      expect(outsideCode(body).match(/-->/g)).toHaveLength(2)
      expect(body.endsWith(`${promotionMarker(environment)}\n`)).toBe(true)
      expect(promotionMarker(environment)).toBe(
        '<!-- promote-image:environment=prod%7C%3C!--%20x%20--%3E*bold* -->'
      )
      expect(readPromotionMarker(body)).toEqual({ environment })
    })
  })

  it('the details summary is HTML-escaped', () => {
    const body = pullRequestBody({ ...one, images: [{ ...api, digest: 'sha256:<b>&"x' }] })
    expect(body).toContain('<summary>api v1.2.3 (&lt;b&gt;&amp;&quot;x)</summary>')
  })

  describe('links', () => {
    const file = 'apps/my app (v2)/k#1.yaml'
    const row = (content: PromotionContent): string =>
      tableRows(
        pullRequestBody({
          ...content,
          result: result([change(file, 3, 'image', 'a', 'b', api, 'prod')])
        })
      )[0]!.split(' | ')[2]!
    const line = (content: PromotionContent, label: string): string =>
      pullRequestBody(content)
        .split('\n')
        .find(l => l.startsWith(`- ${label}: `))!
        .slice(label.length + 4)

    it.each<[string, Partial<PromotionContent>, string]>([
      [
        'config repository on github.com (the default server)',
        { source: {} },
        '[`apps/my app (v2)/k#1.yaml:3`](https://github.com/acme/gitops-config/blob/main/apps/my%20app%20%28v2%29/k%231.yaml#L3)'
      ],
      [
        'GitHub Enterprise Server, a branch with a slash',
        { source: { serverUrl: 'https://ghe.corp.example/' }, baseBranch: 'release/1.x' },
        '[`apps/my app (v2)/k#1.yaml:3`](https://ghe.corp.example/acme/gitops-config/blob/release/1.x/apps/my%20app%20%28v2%29/k%231.yaml#L3)'
      ],
      [
        'the promotion commit known: the link shows the changed file at it, not the base',
        { headSha: 'c0ffee0123456789abcdef0123456789abcdef01' },
        '[`apps/my app (v2)/k#1.yaml:3`](https://github.com/acme/gitops-config/blob/c0ffee0123456789abcdef0123456789abcdef01/apps/my%20app%20%28v2%29/k%231.yaml#L3)'
      ],
      [
        'a head that is not a commit sha: the base branch',
        { headSha: '../../x', baseBranch: 'release/1.x' },
        '[`apps/my app (v2)/k#1.yaml:3`](https://github.com/acme/gitops-config/blob/release/1.x/apps/my%20app%20%28v2%29/k%231.yaml#L3)'
      ],
      [
        'no config repository: no link',
        { configRepository: undefined },
        '`apps/my app (v2)/k#1.yaml:3`'
      ],
      [
        'a config repository that is not owner/name: no link',
        { configRepository: 'acme/gitops)(x' },
        '`apps/my app (v2)/k#1.yaml:3`'
      ],
      [
        'a server URL that is not http(s): no link',
        { source: { serverUrl: 'javascript:alert(1)' } },
        '`apps/my app (v2)/k#1.yaml:3`'
      ]
    ])('file cell: %s', (_name, overrides, expected) => {
      expect(row({ ...one, ...overrides })).toBe(expected)
    })

    it.each<[string, Partial<PromotionContent['source']>, string, string]>([
      [
        'everything known',
        {},
        `[\`acme/api@f00dfee\`](https://github.com/acme/api/commit/${SHA})`,
        '[run 42](https://github.com/acme/api/actions/runs/42), triggered by `octocat`'
      ],
      [
        'no server URL: github.com',
        { serverUrl: undefined, actor: undefined },
        `[\`acme/api@f00dfee\`](https://github.com/acme/api/commit/${SHA})`,
        '[run 42](https://github.com/acme/api/actions/runs/42)'
      ],
      [
        'no repository: the commit without a link',
        { repository: undefined, runUrl: undefined, actor: undefined },
        `\`${SHA}\``,
        'unknown'
      ],
      [
        'a sha that is not hex: shown, not linked',
        { sha: 'main)', runUrl: 'file:///etc/passwd' },
        '`main)` in `acme/api`',
        'unknown, triggered by `octocat`'
      ],
      [
        'nothing known',
        { repository: undefined, sha: undefined, runUrl: undefined, actor: undefined },
        'unknown',
        'unknown'
      ],
      [
        'a run URL of another shape, parentheses encoded',
        { runUrl: 'https://ci.example/job (1)' },
        `[\`acme/api@f00dfee\`](https://github.com/acme/api/commit/${SHA})`,
        '[workflow run](https://ci.example/job%20%281%29), triggered by `octocat`'
      ]
    ])('source: %s', (_name, source, commit, run) => {
      const content = { ...one, source: { ...one.source, ...source } }
      expect(line(content, 'Source commit')).toBe(commit)
      expect(line(content, 'Workflow run')).toBe(run)
    })
  })

  describe('render proof', () => {
    const failed: RenderReport = {
      target: 'apps/api/overlays/prod',
      image: api.input,
      ok: false,
      message:
        'Argo CD would see no change: no container in apps/api/overlays/prod renders ghcr.io/acme/api.'
    }
    const section = (content: PromotionContent): string => {
      const body = pullRequestBody(content)
      return body.slice(
        body.indexOf('### Render proof\n\n') + 18,
        body.indexOf('\n\n### Rolling back')
      )
    }

    it.each<[string, Partial<PromotionContent>, string]>([
      [
        'passed, with the nested container lines',
        {},
        `- ✅ \`apps/api/overlays/prod\`: Argo CD will see the change: 1 container in apps/api/overlays/prod now renders ghcr.io/acme/api:v1.2.3@${D1}:\n  - Deployment prod/api, container api: ghcr.io/acme/api:v1.2.2@${D0} → ghcr.io/acme/api:v1.2.3@${D1}`
      ],
      [
        'passed and failed',
        { result: { ...one.result, renders: [{ ...renderOk, message: 'ok' }, failed] } },
        '- ✅ `apps/api/overlays/prod`: ok\n- ❌ `apps/api/overlays/prod`: Argo CD would see no change: no container in apps/api/overlays/prod renders ghcr.io/acme/api.'
      ],
      [
        'none, the caller says why',
        { result: { ...one.result, renders: [] }, renderNote: 'verify-render is false' },
        'Not run: verify-render is false.'
      ],
      [
        'none, the reason unknown',
        { result: { ...one.result, renders: [] } },
        'Not run: verify-render is false, no Kustomize renderer was found on the runner, or no target is a Kustomize overlay.'
      ],
      ['none, since nothing changed', { result: result([]) }, 'Not run: nothing changed.']
    ])('%s', (_name, overrides, expected) => {
      expect(section({ ...one, ...overrides })).toBe(expected)
    })

    it('nothing changed: the lead says so and there is no table', () => {
      const body = pullRequestBody({ ...one, result: result([]) })
      expect(body.split('\n')[0]).toBe(
        'Pins 1 image in `prod` by tag and digest: nothing to change, every target already pins it on `main`.'
      )
      expect(body).not.toContain('| Image |')
    })
  })

  describe("GitHub's body limit", () => {
    const changes = Array.from({ length: 3000 }, (_, i) =>
      change(
        `apps/service-${String(Math.floor(i / 10)).padStart(3, '0')}/overlays/prod/kustomization.yaml`,
        7 + (i % 10),
        `images[${i % 10}].digest`,
        D0,
        D1,
        api,
        'prod'
      )
    )
    const big: PromotionContent = { ...one, result: result(changes, [renderOk]) }
    const body = pullRequestBody(big)

    it('3,000 changed values: the table is cut, with a line saying how many rows were left out', () => {
      expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT)
      // Cut at the limit, not far before it: one more row would not fit.
      expect(body.length).toBeGreaterThan(PULL_REQUEST_BODY_LIMIT - tableRows(body)[0]!.length - 1)
      const shown = tableRows(body).length
      expect(shown).toBeGreaterThan(100)
      expect(shown).toBeLessThan(3000)
      expect(body).toContain(
        `\n\n_${(3000 - shown).toLocaleString('en-US')} more rows left out (${shown} of 3,000 shown): GitHub limits a pull request body to 65,536 characters; Files changed shows every change._\n\n### Images\n\n`
      )
    })

    it('everything after the table is kept, the marker last', () => {
      expect(body).toContain('<summary>api v1.2.3 (111111111111)</summary>')
      expect(body).toContain('- ✅ `apps/api/overlays/prod`: Argo CD will see the change')
      expect(body).toContain('### Rolling back')
      expect(body.endsWith('\n<!-- promote-image:environment=prod -->\n')).toBe(true)
    })

    it('the commit message still lists all 3,000', () => {
      expect(
        commitMessage(big)
          .split('\n')
          .filter(l => l.startsWith('- apps/'))
      ).toHaveLength(3000)
    })

    it('the next longest section (render results) is cut too when the table alone is not enough', () => {
      const many = Array.from({ length: 1000 }, (_, i) => image(`ghcr.io/acme/svc-${i}:v${i}`, D2))
      const renders = many.map(i => ({ ...renderOk, image: i.input }))
      const huge = pullRequestBody({ ...big, images: many, result: result(changes, renders) })
      expect(huge.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT)
      expect(huge).not.toContain('| Image |')
      expect(huge).toContain('_3,000 more rows left out (0 of 3,000 shown)')
      expect(huge).toMatch(
        /_[\d,]+ more render results left out to stay within GitHub's pull request body limit\._/
      )
      // The longest section goes first: after the table, the render results; the rest stays.
      expect(huge).toContain('### Images')
      expect(huge).toContain('### Rolling back')
      expect(huge.endsWith('<!-- promote-image:environment=prod -->\n')).toBe(true)
    })
  })

  it.each<[string, Partial<PromotionContent>, string]>([
    [
      'a base branch',
      { baseBranch: 'b'.repeat(70_000) },
      '\n\n…\n\n<!-- promote-image:environment=prod -->\n'
    ],
    ['an environment', { environment: 'e'.repeat(70_000) }, '\n\n…\n']
  ])(
    'absurd input (%s of 70,000 characters) is cut hard, still within the limit',
    (_name, overrides, end) => {
      const body = pullRequestBody({ ...one, ...overrides })
      expect(body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT)
      expect(body.length).toBeGreaterThan(PULL_REQUEST_BODY_LIMIT - 100)
      expect(body.endsWith(end)).toBe(true)
    }
  )

  it.each<[string | undefined, string]>([
    ['prod', '<!-- promote-image:environment=prod -->'],
    [undefined, '<!-- promote-image:environment= -->'],
    ['eu west/1', '<!-- promote-image:environment=eu%20west%2F1 -->']
  ])('marker for %s reads back', (environment, marker) => {
    expect(promotionMarker(environment)).toBe(marker)
    expect(readPromotionMarker(`text\n\n${marker}\n`)).toEqual({ environment: environment ?? '' })
  })

  it('a body without the marker has none', () => {
    expect(readPromotionMarker('just a pull request')).toBeUndefined()
  })
})
