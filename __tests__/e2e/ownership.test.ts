/**
 * No promotion touches what it does not own (issue: "Delivery that holds on real GitHub"),
 * through the committed bundles against GitHub in a box and a real registry: the base branch
 * is never a pull-request branch, a branch holding someone else's commit is never moved, a
 * rollback undoes only the run's own write (compare-and-swap), refusals GitHub gives for
 * decorations leave the pull request open, and git's own reason for a refused push is reported
 * at once. Every test has a repository of its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  startGitHubBox,
  type CreateRepoOptions,
  type Fault,
  type GitHubBox,
  type LoggedRequest
} from '../support/github.js'
import { killRuns, parseOutputs, run, runNode } from '../support/run.js'
import { scaled } from '../support/timing.js'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'

const OVERLAY = (registry: string) => `resources:
  - deployment.yaml
images:
  - name: api
    newName: ${registry}/team/api
    newTag: latest
`
const DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: api\n'

const PROMOTION = `environments:
  prod:
    targets:
      - kustomize: apps/{name}/overlays/prod
`

/** Requests that change something on the box: REST writes, GraphQL mutations, git pushes. */
function writes(requests: readonly LoggedRequest[]): LoggedRequest[] {
  return requests.filter(
    r =>
      (r.kind === 'api' && r.method !== 'GET' && r.method !== 'HEAD') ||
      r.kind === 'graphql' ||
      (r.kind === 'git' && r.path.includes('git-receive-pack'))
  )
}

describe('delivery owns only what it made', () => {
  let box: GitHubBox
  let reg: RegistryInstance
  let work: string
  let image: string
  let repoCount = 0

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
    await pushImage(reg, 'team/api', 'v1.4.2', { seed: 'ownership' })
    await pushImage(reg, 'team/api', 'v1.4.3', { seed: 'ownership-2' })
    image = `${reg.host}/team/api:v1.4.2`
    box = await startGitHubBox()
    work = await mkdtemp(join(tmpdir(), 'ownership-'))
  })
  afterEach(() => box?.assertNoViolations())
  // What a timed-out test left running dies here, with its git.
  afterEach(killRuns)
  afterAll(async () => {
    await box?.stop()
    await reg?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  /** A config repository of this test's own (octo-sre and the platform team may review). */
  async function configRepo(options: CreateRepoOptions = {}): Promise<string> {
    const name = `acme/config-${++repoCount}`
    await box.createRepo(
      name,
      {
        'promotion.yaml': PROMOTION,
        'apps/api/overlays/prod/kustomization.yaml': OVERLAY(reg.host),
        'apps/api/overlays/prod/deployment.yaml': DEPLOYMENT
      },
      { collaborators: ['octo-sre'], teams: ['platform'], ...options }
    )
    return name
  }

  async function action(repo: string, inputs: Record<string, string>) {
    const outputFile = join(work, `out-${Math.random()}`)
    const summaryFile = join(work, `summary-${Math.random()}`)
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    const env: NodeJS.ProcessEnv = {
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_API_URL: box.apiUrl,
      GITHUB_SERVER_URL: box.url,
      GITHUB_GRAPHQL_URL: box.graphqlUrl,
      GITHUB_REPOSITORY: 'acme/api',
      INPUT_TOKEN: box.token,
      'INPUT_CONFIG-REPOSITORY': repo,
      'INPUT_CONFIG-FILE': 'promotion.yaml',
      'INPUT_VERIFY-RENDER': 'true',
      INPUT_BRANCH: 'promote/{environment}/{name}',
      INPUT_IMAGE: image,
      INPUT_ENVIRONMENT: 'prod'
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    const ran = await runNode('dist/index.js', [], env)
    return { ...ran, outputs: parseOutputs(await readFile(outputFile, 'utf8')) }
  }

  const heads = async (repo: string) =>
    (await box.git(repo, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads']))
      .trim()
      .split('\n')
      .sort()

  describe.each(['api', 'git'])('write-method %s', method => {
    it.each<[string, Record<string, string>]>([
      ['main', { 'base-branch': 'main' }],
      ['refs/heads/main', { 'base-branch': 'main' }],
      ['main', {}], // the base is the repository's default branch, read before any write
      ['promote/{environment}', { 'base-branch': 'promote/prod' }]
    ])('branch %s onto that base: refused before any write, naming both', async (branch, extra) => {
      const repo = await configRepo()
      if (extra['base-branch'] === 'promote/prod')
        await box.commit(repo, 'promote/prod', { 'README.md': 'a release branch\n' }, 'release')
      const before = await heads(repo)
      const seen = box.requests.length
      const ran = await action(repo, { 'write-method': method, branch, ...extra })
      expect(ran.code).not.toBe(0)
      expect(ran.stdout).toMatch(
        /::error::The pull-request branch "(main|promote\/prod)" is the base branch "(main|promote\/prod)"/
      )
      expect(ran.stdout).toMatch(/Nothing was written/)
      expect(writes(box.requests.slice(seen))).toEqual([])
      expect(await heads(repo)).toEqual(before)
      expect(box.pulls(repo)).toEqual([])
    })

    it.each([
      ["a colleague's commit", 'wip: my own branch', 'not a promote-image commit'],
      [
        'a push-mode promotion commit (a base branch), no pull request',
        'promote(dev): api v1.4.1 (aaaaaaaaaaaa)\n\nPromoted-Image: registry.example/api:v1.4.1',
        'a promotion commit no pull request uses'
      ],
      [
        "another promotion branch's commit",
        'promote(prod): api v1.4.1 (aaaaaaaaaaaa)\n\nPromoted-Image: registry.example/api:v1.4.1\nPromotion-Branch: promote/prod/web',
        'a promotion commit made for promote/prod/web'
      ]
    ])('a branch whose head is %s is never moved', async (_, message, whose) => {
      const repo = await configRepo()
      const theirs = await box.commit(
        repo,
        'promote/prod/api',
        { 'notes.md': 'work in progress\n' },
        message
      )
      const before = await heads(repo)
      const seen = box.requests.length
      const ran = await action(repo, { 'write-method': method })
      expect(ran.code).not.toBe(0)
      expect(ran.stdout).toMatch(/::error::Branch promote\/prod\/api of acme\/config-\d+ exists/)
      expect(ran.stdout).toContain(`("${message.split('\n')[0]}") is ${whose}`)
      expect(writes(box.requests.slice(seen))).toEqual([])
      expect(await heads(repo)).toEqual(before)
      expect(before).toContain(`refs/heads/promote/prod/api ${theirs}`)
    })

    it('a pull request GitHub will not open: the run deletes the branch it made, and only that', async () => {
      // GITHUB_TOKEN where "Allow GitHub Actions to create and approve pull requests" is off.
      const repo = await configRepo({ actionsMayCreatePullRequests: false })
      const before = await heads(repo)
      const ran = await action(repo, { 'write-method': method })
      expect(ran.code).not.toBe(0)
      expect(ran.stdout).toMatch(/not permitted to create or approve pull requests/)
      expect(ran.stdout).toMatch(/Allow GitHub Actions to create and approve pull requests/)
      expect(ran.stdout).not.toMatch(/GITHUB_TOKEN only reaches/)
      expect(await heads(repo)).toEqual(before)
    })

    it('push mode into a protected branch: the rule named, pull-request mode suggested, nothing written', async () => {
      for (const kind of ['protection', 'ruleset'] as const) {
        const repo = await configRepo({ protectedBranches: { main: { kind } } })
        const before = await heads(repo)
        const ran = await action(repo, { 'write-method': method, mode: 'push' })
        expect(ran.code).not.toBe(0)
        expect(ran.stdout).toMatch(
          kind === 'protection' ? /GH006|branch protection/ : /GH013|ruleset/
        )
        expect(ran.stdout).toMatch(/mode: pull-request/)
        expect(ran.stdout).not.toMatch(/transient|kept moving|attempt 2 of/)
        expect(await heads(repo)).toEqual(before)
      }
    })

    it("a colleague's commit pushed onto the branch before the failure survives the rollback", async () => {
      const repo = await configRepo()
      let colleague = ''
      box.inject(async req => {
        if (req.method !== 'POST' || !req.path.endsWith(`/repos/${repo}/pulls`)) return undefined
        colleague = await box.commit(repo, 'promote/prod/api', { 'notes.md': 'fixup\n' }, 'fixup')
        return { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>502</html>' }
      })
      try {
        const ran = await action(repo, { 'write-method': method })
        expect(ran.code).not.toBe(0)
        expect(colleague).toMatch(/^[0-9a-f]{40}$/)
        expect(await heads(repo)).toContain(`refs/heads/promote/prod/api ${colleague}`)
        expect(ran.stdout).toMatch(/::warning::Did not delete promote\/prod\/api: it moved on/)
      } finally {
        box.inject(undefined)
      }
    })
  })

  it('reviewers GitHub refuses: a warning naming them, the others requested, the PR open, exit 0', async () => {
    const repo = await configRepo()
    // The token's own user is the PR author: GitHub refuses to request its review (422).
    const ran = await action(repo, {
      reviewers: `@octo-sre\n${box.login}`,
      'team-reviewers': 'acme/platform'
    })
    expect(ran.stdout).not.toMatch(/::error::/)
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(
      new RegExp(
        `::warning::GitHub refused to request reviews from ${box.login} on pull request #1`
      )
    )
    const [pull] = box.pulls(repo)
    expect(pull).toMatchObject({
      state: 'open',
      requestedReviewers: ['octo-sre'],
      requestedTeams: ['platform']
    })
    expect(ran.outputs['pull-request-operation']).toBe('created')
  })

  const failAfterApplying = (repo: string, match: (method: string, path: string) => boolean) => {
    let done = false
    box.inject(req => {
      if (done || (!req.path.includes(repo.split('/')[1]!) && req.kind !== 'graphql'))
        return undefined
      if (!match(req.method, req.path)) return undefined
      done = true
      const fault: Fault = {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html>502</html>'
      }
      return { applyThen: fault }
    })
  }

  it('createCommitOnBranch applied, then answered 502: the retry finds its own commit and adopts it', async () => {
    const repo = await configRepo()
    const [main] = await heads(repo)
    failAfterApplying(repo, (m, path) => m === 'POST' && path.endsWith('/graphql'))
    try {
      const ran = await action(repo, { mode: 'push' })
      expect(ran.stdout).not.toMatch(/::error::/)
      expect(ran.code).toBe(0)
      const log = await box.log(repo, 'main')
      // One promotion commit, on the head it was made from: no second one, no "nothing changed".
      expect(log[0]!.parents).toEqual([main!.split(' ')[1]])
      expect(ran.outputs['commit-sha']).toBe(log[0]!.sha)
      expect(ran.outputs.changed).toBe('true')
    } finally {
      box.inject(undefined)
    }
  })

  it('POST /pulls applied, then answered 502: the retry adopts the pull request it opened', async () => {
    const repo = await configRepo()
    failAfterApplying(repo, (m, path) => m === 'POST' && path.endsWith('/pulls'))
    try {
      const ran = await action(repo, {})
      expect(ran.stdout).not.toMatch(/::error::/)
      expect(ran.code).toBe(0)
      const pulls = box.pulls(repo)
      expect(pulls).toHaveLength(1)
      expect(pulls[0]).toMatchObject({ state: 'open' })
      expect(ran.outputs['pull-request-number']).toBe(String(pulls[0]!.number))
    } finally {
      box.inject(undefined)
    }
  })

  it('auto-merge is armed although the token cannot see the setting (no allow_auto_merge)', async () => {
    // Required checks keep the PR pending, so GitHub arms auto-merge instead of refusing.
    const repo = await configRepo({
      allowAutoMerge: true,
      protectedBranches: { main: { kind: 'protection', requiredStatusChecks: ['ci'] } }
    })
    const ran = await action(repo, { 'auto-merge': 'squash' })
    expect(ran.code).toBe(0)
    expect(ran.stdout).not.toMatch(/::warning::Auto-merge/)
    expect(box.pulls(repo)[0]).toMatchObject({
      state: 'open',
      autoMerge: { mergeMethod: 'SQUASH' }
    })
  })

  it('auto-merge on a pull request with nothing pending: merged now with the chosen method', async () => {
    const repo = await configRepo({ allowAutoMerge: true })
    const ran = await action(repo, { 'auto-merge': 'squash' })
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(/merged it now \(squash\)/)
    expect(box.pulls(repo)[0]).toMatchObject({ state: 'closed', merged: true })
    expect(await box.readFile(repo, 'main', 'apps/api/overlays/prod/kustomization.yaml')).toMatch(
      /newTag: v1\.4\.2/
    )
  })

  it.each(['api', 'git'])(
    '%s: two jobs racing for the same pull-request branch both end with one open PR',
    async method => {
      const repo = await configRepo()
      const [first, second] = await Promise.all([
        action(repo, { 'write-method': method }),
        action(repo, { 'write-method': method, image: image.replace('v1.4.2', 'v1.4.3') })
      ])
      expect(first.stdout).not.toMatch(/::error::/)
      expect(second.stdout).not.toMatch(/::error::/)
      expect([first.code, second.code]).toEqual([0, 0])
      const pulls = box.pulls(repo)
      expect(pulls).toHaveLength(1)
      expect(pulls[0]).toMatchObject({ state: 'open', head: { ref: 'promote/prod/api' } })
      expect(
        [first.outputs['pull-request-operation'], second.outputs['pull-request-operation']].sort()
      ).toEqual(['created', 'updated'])
    }
  )

  it("git's own reason for a push refused for another reason than a race, at once", async () => {
    // A non-bare repository with main checked out refuses every push to main.
    const dir = join(work, 'non-bare')
    await run('git', ['init', '-q', '-b', 'main', dir])
    await run('mkdir', ['-p', join(dir, 'apps/api/overlays/prod')])
    await writeFile(
      join(dir, 'promotion.yaml'),
      PROMOTION.replace('prod:', 'prod:\n    mode: push')
    )
    await writeFile(join(dir, 'apps/api/overlays/prod/kustomization.yaml'), OVERLAY(reg.host))
    await writeFile(join(dir, 'apps/api/overlays/prod/deployment.yaml'), DEPLOYMENT)
    await run('git', ['-C', dir, 'add', '-A'])
    await run('git', [
      '-C',
      dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-qm',
      'config'
    ])
    const started = Date.now()
    const ran = await runNode('dist/cli.js', [
      'promote',
      '--config-repo',
      dir,
      '--environment',
      'prod',
      '--mode',
      'push',
      '--image',
      image
    ])
    expect(ran.code).not.toBe(0)
    expect(ran.stderr).toMatch(/refused the push to main \(branch is currently checked out\)/)
    expect(ran.stderr).toMatch(/non-bare repository with main checked out/)
    expect(ran.stderr).not.toMatch(/kept moving|attempt 2 of/)
    // One refused push, not 40 retries over two minutes.
    expect(Date.now() - started).toBeLessThan(scaled(30_000))
  })
})
