/**
 * What changes in the code (issue 18 item 1 and its first "Done when"): a pull-request-mode
 * promotion of an image whose old and new digests carry org.opencontainers.image.revision lists
 * the source commits between them in the PR body, newest first, with the compare link.
 *
 * Real parts: images pushed to the real registry (support/registry.ts) with the annotations and
 * labels builders set; a source repository in GitHub in a box with commits and pull requests
 * merged through its API (squash and merge commit); the action's own path (inputs → plan →
 * engine). Request counts prove the cost: one compare per image, each digest read once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { parseInputs } from '../../src/action/inputs.js'
import { actionPlan } from '../../src/action/plan.js'
import { runPromotion, type PromotionOutcome } from '../../src/engine/index.js'
import { ACTION_NAMES } from '../../src/errors.js'
import { imagesOutput } from '../../src/report/index.js'
import { startGitHubBox, type GitHubBox } from '../support/github.js'
import {
  pushImage,
  startRegistry,
  type PushOptions,
  type RegistryInstance
} from '../support/registry.js'
import { TEST_TIMEOUT_MS } from '../support/timing.js'

const SOURCE_KEY = 'org.opencontainers.image.source'
const REVISION_KEY = 'org.opencontainers.image.revision'

let reg: RegistryInstance
let box: GitHubBox
let counter = 0

beforeAll(async () => {
  ;[reg, box] = await Promise.all([startRegistry({ auth: 'none' }), startGitHubBox()])
}, TEST_TIMEOUT_MS)
afterAll(async () => {
  await Promise.all([reg?.stop(), box?.stop()])
})
afterEach(() => {
  box.assertNoViolations()
})

/** GitHub's REST API in the box, as a user with the box's token. */
async function api(method: string, path: string, body?: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${box.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `token ${box.token}`,
      accept: 'application/vnd.github+json',
      'content-type': 'application/json'
    },
    body: body ? JSON.stringify(body) : undefined
  })
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}

const head = async (fullName: string): Promise<string> =>
  (await box.git(fullName, ['rev-parse', 'main'])).trim()

/** A pull request from a new branch with one commit, merged by `method`; returns its number. */
async function mergedPull(
  fullName: string,
  branch: string,
  title: string,
  method: 'squash' | 'merge'
): Promise<number> {
  await box.commit(fullName, branch, { [`${branch}.txt`]: `${title}\n` }, `${title} (work)`)
  const pull = await api('POST', `/repos/${fullName}/pulls`, { title, head: branch, base: 'main' })
  const number = pull.number as number
  await api('PUT', `/repos/${fullName}/pulls/${number}/merge`, { merge_method: method })
  return number
}

/**
 * The source repository: OLD, then a squash-merged pull request, a merge-committed one and a
 * direct commit, then NEW.
 */
async function sourceRepository(fullName: string) {
  await box.createRepo(fullName, { 'README.md': 'the api\n' })
  const old = await head(fullName)
  const squashed = await mergedPull(fullName, 'retries', 'Add retries to the client', 'squash')
  const merged = await mergedPull(fullName, 'cache', 'Faster cache', 'merge')
  await box.commit(fullName, 'main', { 'README.md': 'the API\n' }, 'Fix a typo in the README')
  return { old, squashed, merged, now: await head(fullName) }
}

/** Two builds of one repository: v1 pinned now, v2 promoted; returns their digests. */
async function builds(repository: string, v1: PushOptions, v2: PushOptions) {
  const seed = `source-changes-${counter++}`
  const old = await pushImage(reg, repository, 'v1', { seed: `${seed}-1`, ...v1 })
  const now = await pushImage(reg, repository, 'v2', { seed: `${seed}-2`, ...v2 })
  return { old: old.digest, now: now.digest }
}

/** A config repository whose environments pin the image (by digest when `digest` is given). */
async function configRepository(
  fullName: string,
  image: string,
  environments: readonly string[],
  pin: { tag: string; digest?: string }
): Promise<void> {
  const files: Record<string, string> = {
    'promotion.yaml': [
      'environments:',
      ...environments.flatMap(e => [`  ${e}:`, '    targets:', `      - kustomize: ${e}`]),
      ''
    ].join('\n')
  }
  for (const environment of environments) {
    files[`${environment}/kustomization.yaml`] = [
      'resources:',
      '  - deployment.yaml',
      'images:',
      `  - name: ${image}`,
      `    newTag: ${pin.tag}`,
      ...(pin.digest ? [`    digest: ${pin.digest}`] : []),
      ''
    ].join('\n')
    files[`${environment}/deployment.yaml`] = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: api}',
      'spec:',
      '  selector: {matchLabels: {app: api}}',
      '  template:',
      '    metadata: {labels: {app: api}}',
      '    spec:',
      '      containers:',
      '        - name: api',
      `          image: ${image}:${pin.tag}`,
      ''
    ].join('\n')
  }
  await box.createRepo(fullName, files)
}

/** The action's own path against the box, in pull-request mode. */
async function promote(configRepo: string, image: string, environments: readonly string[]) {
  const env = { ...process.env, GITHUB_API_URL: box.apiUrl, GITHUB_SERVER_URL: box.url }
  const inputs: Record<string, string> = {
    image,
    environment: environments.join('\n'),
    'config-repository': configRepo,
    mode: 'pull-request',
    token: box.token,
    'verify-render': 'false'
  }
  const plan = actionPlan(
    parseInputs(name => inputs[name] ?? ''),
    env
  )
  const lines: string[] = []
  const log = (line: string) => lines.push(line)
  const outcome: PromotionOutcome = await runPromotion(plan, {
    logger: { debug: () => {}, info: log, warning: log },
    group: (_name, run) => run(),
    env: { ...env, DOCKER_CONFIG: '/nonexistent' },
    token: box.token,
    tokenSource: 'input token',
    source: {},
    names: ACTION_NAMES
  })
  const bodies = new Map(box.pulls(configRepo).map(p => [p.head.ref, p.body ?? '']))
  return { outcome, bodies, lines }
}

/** The "What changes in the code" section of a body: up to the next heading. */
function section(body: string): string {
  const start = body.indexOf('### What changes in the code')
  if (start === -1) return ''
  const end = body.indexOf('\n### ', start + 1)
  return body.slice(start, end === -1 ? undefined : end)
}

const compares = (fullName: string) =>
  box.requests.filter(r => r.method === 'GET' && r.path.includes(`/repos/${fullName}/compare/`))
const registryGets = (repository: string, kind: 'manifests' | 'blobs') =>
  reg.requests.entries.filter(
    r => r.method === 'GET' && r.path.startsWith(`/v2/${repository}/${kind}/`)
  )

describe('what changes in the code, in the promotion pull request', () => {
  it(
    'a normal range: the commits between the revisions, newest first, with the compare link (two environments: one compare, each digest read once)',
    async () => {
      const source = `acme/api-${counter++}`
      const revs = await sourceRepository(source)
      const repository = `team/api-${counter++}`
      const sourceUrl = `${box.url}/${source}`
      // v1 as buildx with metadata-action's annotations; v2 with its labels only (plain `labels:`).
      const digests = await builds(
        repository,
        { annotations: { [SOURCE_KEY]: sourceUrl, [REVISION_KEY]: revs.old } },
        { labels: { [SOURCE_KEY]: sourceUrl, [REVISION_KEY]: revs.now } }
      )
      const image = `${reg.host}/${repository}`
      const config = `acme/config-${counter++}`
      await configRepository(config, image, ['staging', 'prod'], { tag: 'v1', digest: digests.old })
      box.requests.length = 0
      reg.requests.reset()

      const { outcome, bodies } = await promote(config, `${image}:v2`, ['staging', 'prod'])

      const compare = `${box.url}/${source}/compare/${revs.old}...${revs.now}`
      for (const environment of ['staging', 'prod']) {
        const body = bodies.get(`promote/${environment}/${repository.split('/')[1]}`)
        expect(body).toBeDefined()
        const code = section(body!)
        const lines = code.split('\n')
        expect(lines[2]).toBe(
          `**\`${image}:v2\`**: \`${revs.old.slice(0, 7)}\` → \`${revs.now.slice(0, 7)}\` of [\`${sourceUrl.replace(/^http:\/\//, '')}\`](${sourceUrl}), 4 commits ([compare](${compare})):`
        )
        // Newest first: the direct commit, the merge commit and its branch's commit, the squash.
        const subjects = lines
          .filter(l => l.startsWith('- '))
          .map(l => l.replace(/^- \[`[0-9a-f]{7}`\]\([^)]*\) /, ''))
        // Merged through the API: authored by the token's user (the box's promote-bot).
        expect(subjects).toEqual([
          'Fix a typo in the README — Concurrent Writer',
          `Merge pull request #${revs.merged} from acme/cache [#${revs.merged}](${sourceUrl}/pull/${revs.merged}) — promote-bot`,
          'Faster cache (work) — Concurrent Writer',
          `Add retries to the client (#${revs.squashed}) [#${revs.squashed}](${sourceUrl}/pull/${revs.squashed}) — promote-bot`
        ])
        // The section sits between the change table and the image details.
        expect(body!.indexOf('| Image |')).toBeLessThan(body!.indexOf('### What changes'))
        expect(body!.indexOf('### What changes')).toBeLessThan(body!.indexOf('### Images'))
      }

      // One compare for the image across both environments (and the summary), each digest once:
      // v1's manifest carries both annotations (no blob), v2's needs its config blob.
      expect(compares(source)).toHaveLength(1)
      expect(
        registryGets(repository, 'manifests')
          .map(r => r.path)
          .sort()
      ).toEqual(
        [
          `/v2/${repository}/manifests/${digests.now}`,
          `/v2/${repository}/manifests/${digests.old}`
        ].sort()
      )
      expect(registryGets(repository, 'blobs')).toHaveLength(1)

      // The images output and the summary's data.
      const changes = outcome.edits.flatMap(e => e.codeChanges ?? [])
      expect(changes).toHaveLength(2)
      expect(imagesOutput(outcome.images, changes)[0]).toMatchObject({
        source: sourceUrl,
        revision: revs.now,
        previousRevision: revs.old
      })
    },
    TEST_TIMEOUT_MS
  )

  /** One environment, one image: the promotion's section and requests. */
  async function promoteOne(
    v1: PushOptions,
    v2: PushOptions,
    pin: (old: string) => { tag: string; digest?: string } = old => ({ tag: 'v1', digest: old })
  ) {
    const repository = `team/api-${counter++}`
    const digests = await builds(repository, v1, v2)
    const image = `${reg.host}/${repository}`
    const config = `acme/config-${counter++}`
    await configRepository(config, image, ['prod'], pin(digests.old))
    box.requests.length = 0
    reg.requests.reset()
    const { outcome, bodies, lines } = await promote(config, `${image}:v2`, ['prod'])
    const body = bodies.get(`promote/prod/${repository.split('/')[1]}`) ?? ''
    return { repository, image, digests, outcome, body, code: section(body), lines }
  }

  const origin = (source: string, revision: string) => ({
    annotations: { [SOURCE_KEY]: source, [REVISION_KEY]: revision }
  })

  it(
    'a first promotion: the target pinned a tag without digest (latest): said, no compare',
    async () => {
      const sourceUrl = `${box.url}/acme/first-${counter++}`
      const { code, repository, outcome } = await promoteOne(
        origin(sourceUrl, 'a'.repeat(40)),
        origin(sourceUrl, 'b'.repeat(40)),
        () => ({ tag: 'latest' })
      )
      expect(code).toContain('First promotion: the target pinned no digest before')
      expect(code).toContain('revision `bbbbbbb`')
      expect(code).not.toContain('[compare]')
      expect(box.requests.filter(r => r.path.includes('/compare/'))).toEqual([])
      // Only the new digest is read.
      expect(registryGets(repository, 'manifests')).toHaveLength(1)
      expect(outcome.edits[0]!.codeChanges).toEqual([
        expect.objectContaining({
          previous: {},
          origin: { source: sourceUrl, revision: 'b'.repeat(40) }
        })
      ])
    },
    TEST_TIMEOUT_MS
  )

  it(
    'a non-GitHub source: the source and both revisions, no compare request',
    async () => {
      const sourceUrl = 'https://gitlab.example.com/acme/api'
      const { code } = await promoteOne(
        origin(sourceUrl, 'a'.repeat(40)),
        origin(sourceUrl, 'b'.repeat(40))
      )
      expect(code).toContain(
        `\`aaaaaaa\` → \`bbbbbbb\` of [\`gitlab.example.com/acme/api\`](${sourceUrl}).`
      )
      expect(code).not.toContain('[compare]')
      expect(box.requests.filter(r => r.path.includes('/compare/'))).toEqual([])
    },
    TEST_TIMEOUT_MS
  )

  it(
    'an unreadable repository (404): the compare link alone, one compare request, the promotion goes on',
    async () => {
      const hidden = `acme/hidden-${counter++}`
      const sourceUrl = `${box.url}/${hidden}`
      const { code, outcome } = await promoteOne(
        origin(sourceUrl, 'a'.repeat(40)),
        origin(sourceUrl, 'b'.repeat(40))
      )
      const compare = `${sourceUrl}/compare/${'a'.repeat(40)}...${'b'.repeat(40)}`
      expect(code).toContain(
        `[compare](${compare}) (the commits could not be listed: GitHub answered HTTP 404 for ${hidden}).`
      )
      expect(code).not.toMatch(/^- /m)
      expect(compares(hidden).map(r => r.status)).toEqual([404])
      expect(outcome.runs[0]!.result.pullRequest?.number).toBeGreaterThan(0)
    },
    TEST_TIMEOUT_MS
  )

  it(
    'more than 50 commits: the newest 50, then "and N more" with the compare link',
    async () => {
      const source = `acme/busy-${counter++}`
      await box.createRepo(
        source,
        { 'README.md': 'busy\n' },
        {
          afterwards: { commits: 60, files: i => ({ 'counter.txt': `${i}\n` }) }
        }
      )
      const now = await head(source)
      const old = (await box.git(source, ['rev-parse', 'main~60'])).trim()
      const sourceUrl = `${box.url}/${source}`
      const { code } = await promoteOne(origin(sourceUrl, old), origin(sourceUrl, now))
      const items = code.split('\n').filter(l => l.startsWith('- '))
      expect(code).toContain('60 commits ([compare]')
      expect(items).toHaveLength(51)
      // Newest first: the first item is the head commit.
      expect(items[0]).toContain(`[\`${now.slice(0, 7)}\`]`)
      expect(items[50]).toBe(
        `- _and 10 more commits: [compare ${now.slice(0, 7)}](${sourceUrl}/compare/${old}...${now})_`
      )
      expect(compares(source)).toHaveLength(1)
    },
    TEST_TIMEOUT_MS
  )

  it.each([
    {
      name: 'annotations on the index: the index alone is read',
      push: (source: string, revision: string): PushOptions => ({
        platforms: ['linux/amd64', 'linux/arm64'],
        indexAnnotations: { [SOURCE_KEY]: source, [REVISION_KEY]: revision }
      }),
      manifests: 1,
      blobs: 0
    },
    {
      name: 'annotations on the platform manifests (buildx default): the index and the first platform',
      push: (source: string, revision: string): PushOptions => ({
        platforms: ['linux/amd64', 'linux/arm64'],
        annotations: { [SOURCE_KEY]: source, [REVISION_KEY]: revision }
      }),
      manifests: 2,
      blobs: 0
    },
    {
      name: 'labels only: the index, the first platform and its config',
      push: (source: string, revision: string): PushOptions => ({
        platforms: ['linux/amd64', 'linux/arm64'],
        labels: { [SOURCE_KEY]: source, [REVISION_KEY]: revision }
      }),
      manifests: 2,
      blobs: 1
    }
  ])(
    'a multi-arch index, $name',
    async ({ push, manifests, blobs }) => {
      const sourceUrl = 'https://gitlab.example.com/acme/multi'
      const { code, repository } = await promoteOne(
        push(sourceUrl, 'a'.repeat(40)),
        push(sourceUrl, 'b'.repeat(40))
      )
      expect(code).toContain('`aaaaaaa` → `bbbbbbb`')
      // Per digest (old and new).
      expect(registryGets(repository, 'manifests')).toHaveLength(2 * manifests)
      expect(registryGets(repository, 'blobs')).toHaveLength(2 * blobs)
    },
    TEST_TIMEOUT_MS
  )

  it(
    'no revision on either build: said, and the promotion goes on',
    async () => {
      const { code, outcome } = await promoteOne({}, {})
      expect(code).toContain('the new build carries no `org.opencontainers.image.revision`')
      expect(outcome.runs[0]!.result.pullRequest?.number).toBeGreaterThan(0)
      expect(imagesOutput(outcome.images, outcome.edits[0]!.codeChanges)[0]).toMatchObject({
        source: null,
        revision: null,
        previousRevision: null
      })
    },
    TEST_TIMEOUT_MS
  )
})
