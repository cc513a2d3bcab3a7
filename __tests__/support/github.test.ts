// Self-test of "GitHub in a box", checked with independent clients (the git CLI over smart HTTP,
// plain fetch for REST and GraphQL), so the delivery tests can trust what it reports.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { scaled } from './timing.js'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import {
  secondaryRateLimit,
  secondaryRateLimitUntilReset,
  secondaryRateLimitWithoutHeaders,
  serverError,
  startGitHubBox,
  type BranchProtection,
  type CreateRepoOptions,
  type GitHubBox
} from './github.js'

const execFileAsync = promisify(execFile)

const REPO = 'acme/gitops'
const FILES = {
  'README.md': '# gitops\n',
  'apps/web/overlays/dev/kustomization.yaml': 'images:\n  - name: web\n    newTag: "1.0.0"\n',
  'apps/api/values.yaml': 'image:\n  repository: api\n  tag: "1.0.0"\n'
}

let box: GitHubBox
let work: string

beforeAll(async () => {
  box = await startGitHubBox()
  work = await mkdtemp(path.join(tmpdir(), 'github-box-test-'))
  await box.createRepo(REPO, FILES, {
    symlinks: { 'current.yaml': 'apps/api/values.yaml', 'web-link': 'apps/web', escape: '../x' },
    collaborators: ['alice', 'octo-sre'],
    teams: ['sre']
  })
})

// A request GitHub's descriptions refuse fails the test that sent it (github-schema.ts).
afterEach(() => box?.assertNoViolations())

afterAll(async () => {
  await box?.stop()
  if (work) await rm(work, { recursive: true, force: true })
})

type Auth = 'valid' | 'bad' | 'none'

/** Credentials through GIT_CONFIG_* (as actions/checkout's extraheader), never in arguments. */
function gitEnv(auth: Auth): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: work,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Tester',
    GIT_AUTHOR_EMAIL: 'tester@example.com',
    GIT_COMMITTER_NAME: 'Tester',
    GIT_COMMITTER_EMAIL: 'tester@example.com'
  }
  if (auth === 'none') return env
  const secret = auth === 'valid' ? box.token : 'ghs_wrong'
  return {
    ...env,
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraheader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${secret}`).toString('base64')}`
  }
}

async function git(args: string[], cwd = work, auth: Auth = 'valid'): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, env: gitEnv(auth) })
  return stdout
}

/** Runs a git command expected to fail; returns its stderr. */
async function gitFails(args: string[], cwd = work, auth: Auth = 'valid'): Promise<string> {
  try {
    await execFileAsync('git', args, { cwd, env: gitEnv(auth) })
  } catch (err) {
    return String((err as { stderr?: string }).stderr)
  }
  throw new Error(`git ${args.join(' ')} succeeded`)
}

interface Reply {
  status: number
  headers: Headers
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

async function api(
  method: string,
  route: string,
  body?: unknown,
  authorization: string | null = `token ${box.token}`
): Promise<Reply> {
  const target = route.startsWith('http') ? route : `${box.apiUrl}${route}`
  const res = await fetch(target, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      ...(authorization !== null && { authorization }),
      ...(body !== undefined && { 'content-type': 'application/json' })
    },
    ...(body !== undefined && { body: JSON.stringify(body) })
  })
  const text = await res.text()
  const isJson = res.headers.get('content-type')?.startsWith('application/json') && text !== ''
  const json = isJson ? JSON.parse(text) : undefined
  return { status: res.status, headers: res.headers, json }
}

async function mainSha(repo = REPO, branch = 'main'): Promise<string> {
  return (await box.git(repo, ['rev-parse', `refs/heads/${branch}`])).trim()
}

/** A commit on top of `parent` changing one file, through the Git Data API. */
async function apiCommit(
  repo: string,
  parent: string,
  file: string,
  content: string
): Promise<string> {
  const { json: parentCommit } = await api('GET', `/repos/${repo}/git/commits/${parent}`)
  const tree = await api('POST', `/repos/${repo}/git/trees`, {
    base_tree: parentCommit.tree.sha,
    tree: [{ path: file, mode: '100644', type: 'blob', content }]
  })
  const commit = await api('POST', `/repos/${repo}/git/commits`, {
    message: `Set ${file}`,
    tree: tree.json.sha,
    parents: [parent]
  })
  return commit.json.sha
}

describe('git smart HTTP', () => {
  it('partially clones with the token, fetches blobs lazily, and pushes', async () => {
    const dir = path.join(work, 'partial')
    await git([
      'clone',
      '--quiet',
      '--filter=blob:none',
      '--depth',
      '1',
      '--sparse',
      `${box.url}/${REPO}.git`,
      dir
    ])
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toBe(FILES['README.md'])
    // Outside the sparse cone, blobs are not there until something needs them.
    const missing = await git(['rev-list', '--objects', '--missing=print', 'HEAD'], dir)
    const missingCount = missing.split('\n').filter(line => line.startsWith('?')).length
    expect(missingCount).toBeGreaterThanOrEqual(2)

    const fetchesBefore = box.requests.filter(r => r.path.endsWith('/git-upload-pack')).length
    expect(await git(['show', 'HEAD:apps/api/values.yaml'], dir)).toBe(
      FILES['apps/api/values.yaml']
    )
    const fetchesAfter = box.requests.filter(r => r.path.endsWith('/git-upload-pack')).length
    expect(fetchesAfter).toBe(fetchesBefore + 1)
    expect(box.requests.at(-1)).toMatchObject({ status: 200, auth: 'basic', kind: 'git' })

    await git(['sparse-checkout', 'add', 'apps/web'], dir)
    const overlay = path.join(dir, 'apps/web/overlays/dev/kustomization.yaml')
    await writeFile(
      overlay,
      FILES['apps/web/overlays/dev/kustomization.yaml'].replace('1.0.0', '1.1.0')
    )
    await git(['commit', '--quiet', '-am', 'Promote web to 1.1.0'], dir)
    await git(['push', '--quiet', 'origin', 'HEAD:main'], dir)

    expect(await box.readFile(REPO, 'main', 'apps/web/overlays/dev/kustomization.yaml')).toContain(
      '1.1.0'
    )
    const [newest] = await box.log(REPO, 'main')
    expect(newest).toMatchObject({
      message: 'Promote web to 1.1.0',
      verified: false,
      files: ['apps/web/overlays/dev/kustomization.yaml']
    })
  })

  it('rejects non-fast-forward pushes, including one raced through beforeRefUpdate', async () => {
    const dir = path.join(work, 'race')
    await git(['clone', '--quiet', `${box.url}/${REPO}.git`, dir])

    await box.commit(REPO, 'main', { 'apps/web/NOTES': 'concurrent\n' })
    await writeFile(path.join(dir, 'README.md'), '# changed\n')
    await git(['commit', '--quiet', '-am', 'Stale change'], dir)
    expect(await gitFails(['push', 'origin', 'HEAD:main'], dir)).toMatch(
      /\[rejected\].*fetch first/
    )

    // Up to date with the remote, but the hook lands a commit between advertisement and update.
    await git(['pull', '--quiet', '--rebase', 'origin', 'main'], dir)
    let raced = 0
    box.beforeRefUpdate(async (fullName, ref) => {
      expect([fullName, ref]).toEqual([REPO, 'refs/heads/main'])
      raced++
      await box.commit(REPO, 'main', { 'apps/web/NOTES': 'raced\n' })
    })
    try {
      const stderr = await gitFails(['push', 'origin', 'HEAD:main'], dir)
      expect(stderr).toMatch(
        /cannot lock ref 'refs\/heads\/main'[^]*\[remote rejected\] HEAD -> main \(failed to update ref\)/
      )
    } finally {
      box.beforeRefUpdate(undefined)
    }
    expect(raced).toBe(1)
    expect(await box.readFile(REPO, 'main', 'apps/web/NOTES')).toBe('raced\n')
    expect(await box.readFile(REPO, 'main', 'README.md')).toBe(FILES['README.md'])
  })

  it('answers 401 with a Basic challenge without or with a wrong token', async () => {
    const remote = `${box.url}/${REPO}.git`
    expect(await gitFails(['ls-remote', remote], work, 'none')).toMatch(
      /could not read Username|Authentication failed/
    )
    expect(box.requests.at(-1)).toMatchObject({ status: 401, auth: 'none', kind: 'git' })
    expect(await gitFails(['ls-remote', remote], work, 'bad')).toMatch(
      /could not read Username|Authentication failed/
    )
    expect(box.requests.at(-1)).toMatchObject({ status: 401, auth: 'bad' })

    const res = await fetch(`${remote}/info/refs?service=git-upload-pack`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="GitHub"')
    // Bearer works too, and the repository path without .git.
    const ok = await fetch(`${box.url}/${REPO}/info/refs?service=git-upload-pack`, {
      headers: { authorization: `bearer ${box.token}` }
    })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement')
    expect(box.requests.at(-1)).toMatchObject({ status: 200, auth: 'token' })
  })

  it('passes gzip request bodies through to http-backend (protocol v2)', async () => {
    const pkt = (line: string): string =>
      `${(line.length + 4).toString(16).padStart(4, '0')}${line}`
    const request = `${pkt('command=ls-refs\n')}0001${pkt('ref-prefix refs/heads/\n')}0000`
    const res = await fetch(`${box.url}/${REPO}.git/git-upload-pack`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`x-access-token:${box.token}`).toString('base64')}`,
        'content-type': 'application/x-git-upload-pack-request',
        'content-encoding': 'gzip',
        'git-protocol': 'version=2'
      },
      body: gzipSync(Buffer.from(request))
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain(`${await mainSha()} refs/heads/main\n`)
  })
})

describe('Git Data API', () => {
  it('writes blob → nested tree → commit → fast-forward ref, as verified commits', async () => {
    const base = await mainSha()
    const blob = await api('POST', `/repos/${REPO}/git/blobs`, {
      content: Buffer.from('tag: "2.0.0"\n').toString('base64'),
      encoding: 'base64'
    })
    expect(blob.status).toBe(201)
    expect(blob.json).toEqual({
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      url: expect.any(String)
    })

    const { json: baseCommit } = await api('GET', `/repos/${REPO}/git/commits/${base}`)
    const tree = await api('POST', `/repos/${REPO}/git/trees`, {
      base_tree: baseCommit.tree.sha,
      tree: [
        {
          path: 'apps/new/overlays/prod/values.yaml',
          mode: '100644',
          type: 'blob',
          sha: blob.json.sha
        },
        { path: 'apps/web/NOTES', mode: '100644', type: 'blob', sha: null }
      ]
    })
    expect(tree.status).toBe(201)

    const commit = await api('POST', `/repos/${REPO}/git/commits`, {
      message: 'Promote new to 2.0.0',
      tree: tree.json.sha,
      parents: [base]
    })
    expect(commit.status).toBe(201)
    expect(commit.json).toMatchObject({
      tree: { sha: tree.json.sha },
      parents: [{ sha: base }],
      message: 'Promote new to 2.0.0',
      committer: { name: 'GitHub', email: 'noreply@github.com' },
      verification: { verified: true, reason: 'valid' }
    })
    expect(commit.json.node_id).toEqual(expect.any(String))

    const update = await api('PATCH', `/repos/${REPO}/git/refs/heads/main`, {
      sha: commit.json.sha
    })
    expect(update.status).toBe(200)
    expect(update.json).toMatchObject({
      ref: 'refs/heads/main',
      object: { sha: commit.json.sha, type: 'commit' }
    })
    expect(await box.readFile(REPO, 'main', 'apps/new/overlays/prod/values.yaml')).toBe(
      'tag: "2.0.0"\n'
    )
    expect(await box.readFile(REPO, 'main', 'apps/web/NOTES')).toBeUndefined()
    const [newest] = await box.log(REPO, 'main')
    expect(newest).toMatchObject({ sha: commit.json.sha, verified: true, parents: [base] })
    expect(newest?.files.sort()).toEqual(['apps/new/overlays/prod/values.yaml', 'apps/web/NOTES'])

    const recursive = await api('GET', `/repos/${REPO}/git/trees/${tree.json.sha}?recursive=1`)
    expect(recursive.json.truncated).toBe(false)
    expect(recursive.json.tree).toContainEqual(
      expect.objectContaining({ path: 'apps/new/overlays/prod', type: 'tree', mode: '040000' })
    )
    expect(recursive.json.tree).toContainEqual(
      expect.objectContaining({
        path: 'apps/new/overlays/prod/values.yaml',
        type: 'blob',
        size: 13
      })
    )
  })

  it('refuses a non-fast-forward PATCH with 422 unless forced', async () => {
    const base = await mainSha()
    const ahead = await apiCommit(REPO, base, 'a.txt', 'a\n')
    const sideways = await apiCommit(REPO, base, 'b.txt', 'b\n')
    expect((await api('PATCH', `/repos/${REPO}/git/refs/heads/main`, { sha: ahead })).status).toBe(
      200
    )
    const refused = await api('PATCH', `/repos/${REPO}/git/refs/heads/main`, {
      sha: sideways,
      force: false
    })
    expect(refused.status).toBe(422)
    expect(refused.json.message).toBe('Update is not a fast forward')
    const forced = await api('PATCH', `/repos/${REPO}/git/refs/heads/main`, {
      sha: sideways,
      force: true
    })
    expect(forced.status).toBe(200)
    expect(await mainSha()).toBe(sideways)
  })

  it('lets exactly one of concurrent PATCHes win', async () => {
    const base = await mainSha()
    const candidates = await Promise.all(
      Array.from({ length: 6 }, (_, i) => apiCommit(REPO, base, `race/${i}.txt`, `${i}\n`))
    )
    const results = await Promise.all(
      candidates.map(sha => api('PATCH', `/repos/${REPO}/git/refs/heads/main`, { sha }))
    )
    const won = results.filter(r => r.status === 200)
    expect(won).toHaveLength(1)
    expect(results.filter(r => r.status === 422).map(r => r.json.message)).toEqual(
      Array(5).fill('Update is not a fast forward')
    )
    expect(await mainSha()).toBe(won[0]?.json.object.sha)
  })

  it('runs beforeRefUpdate between a client read and its PATCH', async () => {
    const base = await mainSha()
    const next = await apiCommit(REPO, base, 'hooked.txt', 'mine\n')
    box.beforeRefUpdate(async () => {
      box.beforeRefUpdate(undefined)
      await box.commit(REPO, 'main', { 'hooked.txt': 'theirs\n' })
    })
    const refused = await api('PATCH', `/repos/${REPO}/git/refs/heads/main`, { sha: next })
    expect([refused.status, refused.json.message]).toEqual([422, 'Update is not a fast forward'])
    expect(await box.readFile(REPO, 'main', 'hooked.txt')).toBe('theirs\n')
  })

  it('creates, reads and deletes refs with GitHub statuses', async () => {
    const sha = await mainSha()
    const created = await api('POST', `/repos/${REPO}/git/refs`, {
      ref: 'refs/heads/promote/dev/web',
      sha
    })
    expect(created.status).toBe(201)
    const again = await api('POST', `/repos/${REPO}/git/refs`, {
      ref: 'refs/heads/promote/dev/web',
      sha
    })
    expect([again.status, again.json.message]).toEqual([422, 'Reference already exists'])
    // Octokit percent-encodes the slashes of {ref}.
    const read = await api(
      'GET',
      `/repos/${REPO}/git/ref/${encodeURIComponent('heads/promote/dev/web')}`
    )
    expect(read.json).toMatchObject({
      ref: 'refs/heads/promote/dev/web',
      object: { sha, type: 'commit' }
    })
    expect((await api('GET', `/repos/${REPO}/git/ref/heads/promote/dev`)).status).toBe(404)
    expect((await api('DELETE', `/repos/${REPO}/git/refs/heads/promote/dev/web`)).status).toBe(204)
    const gone = await api('GET', `/repos/${REPO}/git/ref/heads/promote/dev/web`)
    expect([gone.status, gone.json.message]).toEqual([404, 'Not Found'])
    const patchGone = await api('PATCH', `/repos/${REPO}/git/refs/heads/promote/dev/web`, { sha })
    expect([patchGone.status, patchGone.json.message]).toEqual([422, 'Reference does not exist'])
  })
})

describe('contents API', () => {
  it('serves files, directories and symlinks like GitHub', async () => {
    const file = await api('GET', `/repos/${REPO}/contents/apps/api/values.yaml?ref=main`)
    expect(file.json).toMatchObject({
      type: 'file',
      encoding: 'base64',
      name: 'values.yaml',
      path: 'apps/api/values.yaml'
    })
    expect(Buffer.from(file.json.content, 'base64').toString('utf8')).toBe(
      FILES['apps/api/values.yaml']
    )
    expect(file.json.size).toBe(FILES['apps/api/values.yaml'].length)

    const dir = await api('GET', `/repos/${REPO}/contents/`)
    const byName = Object.fromEntries(
      dir.json.map((e: { name: string; type: string }) => [e.name, e.type])
    )
    expect(byName).toMatchObject({
      apps: 'dir',
      'README.md': 'file',
      'current.yaml': 'symlink',
      'web-link': 'symlink'
    })

    // A symlink to a regular file in the repository answers with that file; others describe the link.
    const toFile = await api('GET', `/repos/${REPO}/contents/current.yaml`)
    expect(toFile.json).toMatchObject({ type: 'file', path: 'apps/api/values.yaml' })
    const toDir = await api('GET', `/repos/${REPO}/contents/web-link`)
    expect(toDir.json).toMatchObject({ type: 'symlink', target: 'apps/web', path: 'web-link' })
    const escape = await api('GET', `/repos/${REPO}/contents/escape`)
    expect(escape.json).toMatchObject({ type: 'symlink', target: '../x' })

    expect((await api('GET', `/repos/${REPO}/contents/nope.yaml`)).status).toBe(404)
    const badRef = await api('GET', `/repos/${REPO}/contents/README.md?ref=nope`)
    expect([badRef.status, badRef.json.message]).toEqual([404, 'No commit found for the ref nope'])
  })
})

describe('pull requests', () => {
  it('creates, refuses a duplicate, lists by owner:head, updates, and records reviewers', async () => {
    const branch = 'promote/prod/web'
    const sha = await apiCommit(REPO, await mainSha(), 'apps/web/prod.txt', 'v2\n')
    await api('POST', `/repos/${REPO}/git/refs`, { ref: `refs/heads/${branch}`, sha })

    const created = await api('POST', `/repos/${REPO}/pulls`, {
      title: 'Promote web',
      head: branch,
      base: 'main',
      body: 'old → new',
      draft: false,
      maintainer_can_modify: false
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      number: 1,
      state: 'open',
      title: 'Promote web',
      body: 'old → new',
      draft: false,
      merged: false,
      head: { ref: branch, sha, label: `acme:${branch}` },
      base: { ref: 'main' },
      user: { login: 'promote-bot' },
      labels: [],
      requested_reviewers: [],
      requested_teams: [],
      assignees: [],
      auto_merge: null
    })
    expect(created.json.html_url).toBe(`${box.url}/${REPO}/pull/1`)

    const duplicate = await api('POST', `/repos/${REPO}/pulls`, {
      title: 'again',
      head: branch,
      base: 'main'
    })
    expect(duplicate.status).toBe(422)
    expect(duplicate.json).toMatchObject({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for acme:${branch}.`
        }
      ]
    })
    const noHead = await api('POST', `/repos/${REPO}/pulls`, {
      title: 'x',
      head: 'missing',
      base: 'main'
    })
    expect(noHead.json.errors).toEqual([
      { resource: 'PullRequest', field: 'head', code: 'invalid' }
    ])
    const empty = await api('POST', `/repos/${REPO}/pulls`, {
      title: 'x',
      head: 'main',
      base: branch
    })
    expect(empty.json.errors[0].message).toBe(`No commits between ${branch} and main`)

    const listed = await api(
      'GET',
      `/repos/${REPO}/pulls?head=${encodeURIComponent(`acme:${branch}`)}&base=main&state=open`
    )
    expect(listed.json.map((p: { number: number }) => p.number)).toEqual([1])
    const otherHead = await api('GET', `/repos/${REPO}/pulls?head=acme:other&state=open`)
    expect(otherHead.json).toEqual([])
    // Like GitHub, a head filter without "owner:" is silently ignored.
    const bareHead = await api('GET', `/repos/${REPO}/pulls?head=other&state=open`)
    expect(bareHead.json.map((p: { number: number }) => p.number)).toEqual([1])

    const moved = await box.commit(REPO, branch, { 'apps/web/prod.txt': 'v3\n' })
    const updated = await api('PATCH', `/repos/${REPO}/pulls/1`, {
      title: 'Promote web (v3)',
      body: 'v2 → v3'
    })
    expect(updated.json).toMatchObject({
      title: 'Promote web (v3)',
      body: 'v2 → v3',
      head: { sha: moved }
    })

    const labels = await api('POST', `/repos/${REPO}/issues/1/labels`, {
      labels: ['promotion', 'prod']
    })
    expect([labels.status, labels.json.map((l: { name: string }) => l.name)]).toEqual([
      200,
      ['promotion', 'prod']
    ])
    const assignees = await api('POST', `/repos/${REPO}/issues/1/assignees`, {
      assignees: ['octo-sre']
    })
    expect(assignees.status).toBe(201)
    const reviewers = await api('POST', `/repos/${REPO}/pulls/1/requested_reviewers`, {
      reviewers: ['alice'],
      team_reviewers: ['sre']
    })
    expect(reviewers.status).toBe(201)
    expect(reviewers.json.requested_teams[0]).toMatchObject({ slug: 'sre' })
    const author = await api('POST', `/repos/${REPO}/pulls/1/requested_reviewers`, {
      reviewers: ['promote-bot']
    })
    expect([author.status, author.json.message]).toEqual([
      422,
      'Review cannot be requested from pull request author.'
    ])

    expect(box.pulls(REPO)).toEqual([
      expect.objectContaining({
        number: 1,
        state: 'open',
        title: 'Promote web (v3)',
        head: { ref: branch, sha: moved },
        labels: ['promotion', 'prod'],
        requestedReviewers: ['alice'],
        requestedTeams: ['sre'],
        assignees: ['octo-sre'],
        draft: false,
        autoMerge: null
      })
    ])
  })

  it('enables auto-merge through GraphQL only where the repository allows it', async () => {
    const enable = async (pullRequestId: string): Promise<Reply> => {
      const res = await fetch(box.graphqlUrl, {
        method: 'POST',
        headers: { authorization: `bearer ${box.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
            enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
              pullRequest { autoMergeRequest { mergeMethod } }
            }
          }`,
          variables: { pullRequestId, mergeMethod: 'SQUASH' }
        })
      })
      return { status: res.status, headers: res.headers, json: await res.json() }
    }
    const [pull] = box.pulls(REPO)
    const refused = await enable(pull?.nodeId ?? '')
    expect(refused.status).toBe(200)
    expect(refused.json).toEqual({
      data: { enablePullRequestAutoMerge: null },
      errors: [
        expect.objectContaining({
          type: 'UNPROCESSABLE',
          message: 'Pull request Auto merge is not allowed for this repository'
        })
      ]
    })

    // Something must be pending for auto-merge to arm: a required check on the base branch.
    await box.createRepo(
      'acme/auto',
      { 'a.txt': 'a\n' },
      {
        allowAutoMerge: true,
        defaultBranch: 'trunk',
        protectedBranches: { trunk: { kind: 'protection', requiredStatusChecks: ['ci'] } }
      }
    )
    const head = await box.commit('acme/auto', 'feature', { 'a.txt': 'b\n' })
    const created = await api('POST', '/repos/acme/auto/pulls', {
      title: 't',
      head: 'acme:feature',
      base: 'trunk'
    })
    expect(created.json.head.sha).toBe(head)
    const enabled = await enable(created.json.node_id)
    expect(enabled.json).toMatchObject({
      data: {
        enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { mergeMethod: 'SQUASH' } } }
      }
    })
    expect(box.pulls('acme/auto')[0]?.autoMerge).toEqual({ mergeMethod: 'SQUASH' })
    expect((await api('GET', '/repos/acme/auto/pulls/1')).json.auto_merge).toMatchObject({
      merge_method: 'squash'
    })

    const other = await fetch(box.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `bearer ${box.token}` },
      body: JSON.stringify({ query: '{ viewer { login } }' })
    })
    expect(other.status).toBe(200)
    expect(await other.json()).toEqual({ data: { viewer: { login: 'promote-bot' } } })
  })
})

describe('auth, request log and faults', () => {
  it('answers 401 without or with a wrong token, with GitHub headers', async () => {
    const none = await api('GET', `/repos/${REPO}`, undefined, null)
    expect([none.status, none.json.message]).toEqual([401, 'Requires authentication'])
    const bad = await api('GET', `/repos/${REPO}`, undefined, 'token ghs_nope')
    expect([bad.status, bad.json.message]).toEqual([401, 'Bad credentials'])
    const ok = await api('GET', `/repos/${REPO}`, undefined, `Bearer ${box.token}`)
    expect(ok.json).toMatchObject({
      full_name: REPO,
      default_branch: 'main',
      clone_url: `${box.url}/${REPO}.git`,
      permissions: { admin: false, push: true, pull: true }
    })
    expect(ok.json).not.toHaveProperty('allow_auto_merge')
    expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8')
    for (const header of [
      'x-github-request-id',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'x-ratelimit-used'
    ]) {
      expect(ok.headers.get(header)).toEqual(expect.any(String))
    }
    expect(ok.headers.get('x-ratelimit-resource')).toBe('core')
    const unknown = await api('GET', `/repos/${REPO}/nope`)
    expect(unknown.status).toBe(404)
    expect(unknown.json).toMatchObject({
      message: 'Not Found',
      documentation_url: expect.any(String)
    })
    // An unknown endpoint is a request GitHub refuses: recorded, claimed here on purpose.
    expect(box.takeViolations()).toMatchObject([{ path: `/api/v3/repos/${REPO}/nope` }])
  })

  it('never logs the token', () => {
    const log = JSON.stringify(box.requests)
    expect(box.requests.length).toBeGreaterThan(30)
    expect(log).not.toContain(box.token)
    expect(log).not.toContain(Buffer.from(`x-access-token:${box.token}`).toString('base64'))
    expect(new Set(box.requests.map(r => r.auth))).toEqual(
      new Set(['token', 'basic', 'none', 'bad'])
    )
  })

  it('injects a 502 and a secondary rate limit, then passes again', async () => {
    const faults = [serverError(502), secondaryRateLimit(1)]
    box.inject(req => (req.kind === 'api' ? faults.shift() : 'pass'))
    try {
      expect((await api('GET', `/repos/${REPO}`)).status).toBe(502)
      const limited = await api('GET', `/repos/${REPO}`)
      expect(limited.status).toBe(403)
      expect(limited.headers.get('retry-after')).toBe('1')
      expect(limited.json.message).toMatch(/^You have exceeded a secondary rate limit/)
      expect((await api('GET', `/repos/${REPO}`)).status).toBe(200)
    } finally {
      box.inject(undefined)
    }
    expect(box.requests.slice(-3).map(r => r.status)).toEqual([502, 403, 200])
  })
})

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<Reply> {
  const res = await fetch(box.graphqlUrl, {
    method: 'POST',
    headers: { authorization: `bearer ${box.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables })
  })
  const text = await res.text()
  const isJson = res.headers.get('content-type')?.startsWith('application/json')
  return { status: res.status, headers: res.headers, json: isJson ? JSON.parse(text) : undefined }
}

let repoCount = 0

/** A fresh repository (its own name per call) with `settings`, and a feature branch ahead. */
async function freshRepo(
  settings: CreateRepoOptions = {}
): Promise<{ repo: string; feature: string }> {
  const repo = `acme/real-${++repoCount}`
  await box.createRepo(repo, { 'a.txt': 'a\n', 'b.txt': 'b\n' }, settings)
  const feature = await box.commit(repo, 'feature', { 'a.txt': 'feature\n' })
  return { repo, feature }
}

async function openPull(repo: string, head = 'feature', base = 'main'): Promise<Reply> {
  const created = await api('POST', `/repos/${repo}/pulls`, { title: `Change ${head}`, head, base })
  expect(created.status).toBe(201)
  return created
}

const COMMIT_ON_BRANCH = `mutation($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`

function commitInput(
  repo: string,
  branch: string,
  expectedHeadOid: string
): Record<string, unknown> {
  return {
    input: {
      branch: { repositoryNameWithOwner: repo, branchName: branch },
      message: { headline: 'Change a.txt' },
      expectedHeadOid,
      fileChanges: {
        additions: [{ path: 'a.txt', contents: Buffer.from('api\n').toString('base64') }]
      }
    }
  }
}

const ENABLE_AUTO_MERGE = `mutation($id: ID!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: SQUASH}) {
    pullRequest { autoMergeRequest { mergeMethod } }
  }
}`

describe('GitHub realities', () => {
  const notCollaborator = (repo: string): string =>
    'Reviews may only be requested from collaborators. One or more of the users or teams you ' +
    `specified is not a collaborator of the ${repo} repository.`

  it.each([
    { name: 'a non-collaborator', body: { reviewers: ['mallory'] }, refused: 'collaborator' },
    { name: 'an unknown team', body: { team_reviewers: ['platform'] }, refused: 'collaborator' },
    { name: 'an @user spelling', body: { reviewers: ['@alice'] }, refused: 'collaborator' },
    {
      name: 'an org/team spelling',
      body: { team_reviewers: ['acme/sre'] },
      refused: 'collaborator'
    },
    { name: 'the PR author', body: { reviewers: ['promote-bot'] }, refused: 'author' },
    { name: 'a collaborator and a team', body: { reviewers: ['Alice'], team_reviewers: ['sre'] } }
  ])('requests reviews only from collaborators: $name', async ({ body, refused }) => {
    const { repo } = await freshRepo({ collaborators: ['alice'], teams: ['sre'] })
    await openPull(repo)
    const reply = await api('POST', `/repos/${repo}/pulls/1/requested_reviewers`, body)
    if (refused === undefined) {
      expect(reply.status).toBe(201)
      expect(box.pulls(repo)[0]).toMatchObject({
        requestedReviewers: ['alice'],
        requestedTeams: ['sre']
      })
      return
    }
    expect(reply.status).toBe(422)
    expect(reply.json.message).toBe(
      refused === 'author'
        ? 'Review cannot be requested from pull request author.'
        : notCollaborator(repo)
    )
    expect(box.pulls(repo)[0]).toMatchObject({ requestedReviewers: [], requestedTeams: [] })
  })

  it('silently drops assignees without access and keeps at most 10', async () => {
    const team = Array.from({ length: 11 }, (_, i) => `dev-${i}`)
    const { repo } = await freshRepo({ collaborators: team })
    await openPull(repo)
    const reply = await api('POST', `/repos/${repo}/issues/1/assignees`, {
      assignees: ['stranger', ...team]
    })
    expect(reply.status).toBe(201)
    expect(reply.json.assignees.map((a: { login: string }) => a.login)).toEqual(team.slice(0, 10))
  })

  const MERGE_SETTINGS = [
    'allow_auto_merge',
    'allow_squash_merge',
    'allow_merge_commit',
    'allow_rebase_merge',
    'delete_branch_on_merge'
  ]

  it.each([{ admin: false }, { admin: true }])(
    'answers the merge settings over REST only to an admin token (admin: $admin), over GraphQL always',
    async ({ admin }) => {
      const { repo } = await freshRepo({ admin, allowAutoMerge: true })
      const rest = await api('GET', `/repos/${repo}`)
      expect(rest.json.permissions.admin).toBe(admin)
      for (const key of MERGE_SETTINGS) expect(key in rest.json).toBe(admin)
      if (admin) expect(rest.json.allow_auto_merge).toBe(true)

      const main = await mainSha(repo)
      const reply = await gql(
        `query($owner: String!, $name: String!) {
          r: repository(owner: $owner, name: $name) {
            __typename
            autoMergeAllowed
            viewerPermission
            ...Branch
            blob: object(expression: "main:a.txt") { ... on Blob { text byteSize } }
          }
        }
        fragment Branch on Repository { defaultBranchRef { name target { oid } } }`,
        { owner: 'acme', name: repo.split('/')[1] }
      )
      expect(reply.json).toEqual({
        data: {
          r: {
            __typename: 'Repository',
            autoMergeAllowed: true,
            viewerPermission: admin ? 'ADMIN' : 'WRITE',
            defaultBranchRef: { name: 'main', target: { oid: main } },
            blob: { text: 'a\n', byteSize: 2 }
          }
        }
      })
    }
  )

  it('answers GraphQL errors per field: unknown repository and unknown field', async () => {
    const reply = await gql(`{
      missing: repository(owner: "acme", name: "nope") { name }
      viewer { login }
    }`)
    expect(reply.json).toEqual({
      data: { missing: null, viewer: { login: 'promote-bot' } },
      errors: [
        expect.objectContaining({
          type: 'NOT_FOUND',
          path: ['missing'],
          message: "Could not resolve to a Repository with the name 'acme/nope'."
        })
      ]
    })
    const syntax = await gql('{ viewer { login }')
    expect(syntax.json.errors[0].message).toMatch(/Syntax Error/)
    // Sent on purpose: GitHub refuses it, and so does the box's schema check.
    expect(box.takeViolations().map(v => v.problem)).toEqual([
      expect.stringMatching(/Syntax Error/)
    ])
  })

  it('refuses PR creation by GitHub Actions where the repository does not allow it', async () => {
    const { repo } = await freshRepo({ actionsMayCreatePullRequests: false })
    const refused = await api('POST', `/repos/${repo}/pulls`, {
      title: 't',
      head: 'feature',
      base: 'main'
    })
    expect([refused.status, refused.json.message]).toEqual([
      403,
      'GitHub Actions is not permitted to create or approve pull requests.'
    ])
    expect(box.pulls(repo)).toEqual([])
    await box.configureRepo(repo, { actionsMayCreatePullRequests: true })
    await openPull(repo)
  })

  it.each([
    { name: 'head equal to base', head: 'main', base: 'main' },
    { name: 'head behind base', head: 'main', base: 'feature' }
  ])('answers "No commits between" for $name', async ({ head, base }) => {
    const { repo } = await freshRepo()
    const reply = await api('POST', `/repos/${repo}/pulls`, { title: 't', head, base })
    expect(reply.status).toBe(422)
    expect(reply.json.errors).toEqual([
      { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }
    ])
  })

  describe.each<{ kind: BranchProtection['kind']; rest: string; type: string; push: RegExp[] }>([
    {
      kind: 'protection',
      rest: 'Protected branch update failed for refs/heads/main.',
      type: 'BRANCH_PROTECTION_RULE_VIOLATION',
      push: [
        /remote: error: GH006: Protected branch update failed for refs\/heads\/main\./,
        /remote: - Changes must be made through a pull request\./,
        /! \[remote rejected\] HEAD -> main \(protected branch hook declined\)/
      ]
    },
    {
      kind: 'ruleset',
      rest: 'Repository rule violations found\n\nChanges must be made through a pull request.\n\n',
      type: 'UNPROCESSABLE',
      push: [
        /remote: error: GH013: Repository rule violations found for refs\/heads\/main\./,
        /remote: Review all repository rules at http:\/\/127\.0\.0\.1:\d+\/acme\/real-\d+\/rules\?ref=refs%2Fheads%2Fmain/,
        /! \[remote rejected\] HEAD -> main \(push declined due to repository rule violations\)/
      ]
    }
  ])('a branch under $kind', ({ kind, rest, type, push }) => {
    const protectedMain = { protectedBranches: { main: { kind } } }

    it('refuses REST ref updates and deletion, and allows other branches', async () => {
      const { repo, feature } = await freshRepo(protectedMain)
      const main = await mainSha(repo)
      const patch = await api('PATCH', `/repos/${repo}/git/refs/heads/main`, { sha: feature })
      expect([patch.status, patch.json.message]).toEqual([422, rest])
      const del = await api('DELETE', `/repos/${repo}/git/refs/heads/main`)
      expect([del.status, del.json.message]).toEqual([422, rest])
      expect(await mainSha(repo)).toBe(main)
      const other = await api('PATCH', `/repos/${repo}/git/refs/heads/feature`, {
        sha: main,
        force: true
      })
      expect(other.status).toBe(200)
    })

    it(`refuses createCommitOnBranch with type ${type}`, async () => {
      const { repo } = await freshRepo(protectedMain)
      const main = await mainSha(repo)
      const reply = await gql(COMMIT_ON_BRANCH, commitInput(repo, 'main', main))
      expect(reply.json.data).toEqual({ createCommitOnBranch: null })
      expect(reply.json.errors).toEqual([
        expect.objectContaining({ type, path: ['createCommitOnBranch'] })
      ])
      expect(reply.json.errors[0].message).toMatch(/Changes must be made through a pull request\./)
      expect(await mainSha(repo)).toBe(main)
    })

    it("refuses a git push with GitHub's remote messages", async () => {
      const { repo } = await freshRepo(protectedMain)
      const main = await mainSha(repo)
      const dir = await mkdtemp(path.join(work, 'protected-'))
      await git(['clone', '--quiet', `${box.url}/${repo}.git`, dir])
      await writeFile(path.join(dir, 'a.txt'), 'pushed\n')
      await git(['commit', '--quiet', '-am', 'Direct push'], dir)
      const stderr = await gitFails(['push', 'origin', 'HEAD:main'], dir)
      for (const line of push) expect(stderr).toMatch(line)
      expect(await mainSha(repo)).toBe(main)
      await git(['push', '--quiet', 'origin', 'HEAD:side'], dir)
      expect(await mainSha(repo, 'side')).not.toBe(main)
    })
  })

  it('arms auto-merge while required checks are pending and merges once they pass', async () => {
    const { repo, feature } = await freshRepo({
      allowAutoMerge: true,
      protectedBranches: { main: { kind: 'protection', requiredStatusChecks: ['ci'] } }
    })
    const created = await openPull(repo)
    expect(created.json.mergeable_state).toBe('blocked')
    const merge = await api('PUT', `/repos/${repo}/pulls/1/merge`, {})
    expect([merge.status, merge.json.message]).toEqual([
      405,
      'Required status check "ci" is expected.'
    ])
    const armed = await gql(ENABLE_AUTO_MERGE, { id: created.json.node_id })
    expect(armed.json.data.enablePullRequestAutoMerge.pullRequest.autoMergeRequest).toEqual({
      mergeMethod: 'SQUASH'
    })

    await box.passChecks(repo, feature)
    const merged = await api('GET', `/repos/${repo}/pulls/1`)
    expect(merged.json).toMatchObject({
      state: 'closed',
      merged: true,
      merged_at: expect.any(String),
      merge_commit_sha: await mainSha(repo),
      auto_merge: null
    })
    expect(await box.readFile(repo, 'main', 'a.txt')).toBe('feature\n')
  })

  it('refuses to arm auto-merge on a PR with nothing pending ("clean status")', async () => {
    const { repo } = await freshRepo({
      allowAutoMerge: true,
      protectedBranches: { main: { kind: 'ruleset' } }
    })
    const created = await openPull(repo)
    expect((await api('GET', `/repos/${repo}/pulls/1`)).json.mergeable_state).toBe('clean')
    const reply = await gql(ENABLE_AUTO_MERGE, { id: created.json.node_id })
    expect(reply.json).toEqual({
      data: { enablePullRequestAutoMerge: null },
      errors: [
        expect.objectContaining({
          type: 'UNPROCESSABLE',
          message: 'Pull request Pull request is in clean status'
        })
      ]
    })
    expect(box.pulls(repo)[0]?.autoMerge).toBeNull()
  })

  it.each([
    { method: 'merge', parents: 2, commits: 1 },
    { method: 'squash', parents: 1, commits: 1 },
    { method: 'rebase', parents: 1, commits: 2 }
  ])('merges with $method onto a base that moved on', async ({ method, parents, commits }) => {
    const { repo } = await freshRepo({ deleteBranchOnMerge: true })
    await box.commit(repo, 'feature', { 'c.txt': 'c\n' })
    await openPull(repo)
    const base = await box.commit(repo, 'main', { 'b.txt': 'main moved\n' })
    const pull = await api('GET', `/repos/${repo}/pulls/1`)
    expect([pull.json.mergeable_state, pull.json.mergeable]).toEqual(['clean', true])
    const reply = await api('PUT', `/repos/${repo}/pulls/1/merge`, {
      merge_method: method,
      sha: pull.json.head.sha
    })
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({
      sha: await mainSha(repo),
      merged: true,
      message: 'Pull Request successfully merged'
    })
    const log = await box.log(repo, 'main')
    expect(log[0]?.parents).toHaveLength(parents)
    // Commits added on top of the base, along first parents.
    const added = await box.git(repo, ['rev-list', '--first-parent', '--count', `${base}..main`])
    expect(Number(added)).toBe(commits)
    expect(log[0]?.verified).toBe(true)
    for (const [file, text] of Object.entries({
      'a.txt': 'feature\n',
      'b.txt': 'main moved\n',
      'c.txt': 'c\n'
    }))
      expect(await box.readFile(repo, 'main', file)).toBe(text)
    expect(box.pulls(repo)[0]).toMatchObject({
      state: 'closed',
      merged: true,
      mergeCommitSha: reply.json.sha
    })
    // "Automatically delete head branches"
    expect(await box.readFile(repo, 'feature', 'a.txt')).toBeUndefined()
  })

  it.each([
    {
      name: 'a stale sha',
      setup: {},
      body: { sha: '0'.repeat(40) },
      status: 409,
      message: 'Head branch was modified. Review and try the merge again.'
    },
    {
      name: 'a conflict',
      setup: {},
      conflict: true,
      body: {},
      status: 405,
      message: 'Pull Request is not mergeable'
    },
    {
      name: 'squash disallowed',
      setup: { allowSquashMerge: false },
      body: { merge_method: 'squash' },
      status: 405,
      message: 'Squash merges are not allowed on this repository.'
    },
    {
      name: 'merge commits disallowed',
      setup: { allowMergeCommit: false },
      body: {},
      status: 405,
      message: 'Merge commits are not allowed on this repository.'
    }
  ])('refuses a merge with $name', async ({ setup, conflict, body, status, message }) => {
    const { repo } = await freshRepo(setup)
    await openPull(repo)
    if (conflict) await box.commit(repo, 'main', { 'a.txt': 'other\n' })
    const main = await mainSha(repo)
    if (conflict)
      expect((await api('GET', `/repos/${repo}/pulls/1`)).json.mergeable_state).toBe('dirty')
    const reply = await api('PUT', `/repos/${repo}/pulls/1/merge`, body)
    expect([reply.status, reply.json.message]).toEqual([status, message])
    expect(await mainSha(repo)).toBe(main)
    expect(box.pulls(repo)[0]).toMatchObject({ state: 'open', merged: false })
  })

  it('answers secondary rate limits without retry-after', async () => {
    const before = Math.floor(Date.now() / 1000)
    const faults = [secondaryRateLimitUntilReset(3), secondaryRateLimitWithoutHeaders(429)]
    box.inject(req => (req.kind === 'api' ? faults.shift() : 'pass'))
    try {
      const reset = await api('GET', `/repos/${REPO}`)
      expect(reset.status).toBe(403)
      expect(reset.headers.get('retry-after')).toBeNull()
      expect(reset.headers.get('x-ratelimit-remaining')).toBe('0')
      const at = Number(reset.headers.get('x-ratelimit-reset'))
      expect(at).toBeGreaterThanOrEqual(before + 3)
      expect(at).toBeLessThanOrEqual(before + 5)
      expect(reset.json.message).toMatch(/^You have exceeded a secondary rate limit/)
      const bare = await api('GET', `/repos/${REPO}`)
      expect(bare.status).toBe(429)
      for (const header of ['retry-after', 'x-ratelimit-remaining', 'x-ratelimit-reset'])
        expect(bare.headers.get(header)).toBeNull()
      expect(bare.json.message).toMatch(/^You have exceeded a secondary rate limit/)
    } finally {
      box.inject(undefined)
    }
  })

  it('applies a write, then answers 5xx: a retry meets the applied state', async () => {
    const { repo, feature } = await freshRepo()
    const main = await mainSha(repo)
    let lose = true
    box.inject(req => {
      if (!lose || req.method !== 'POST') return 'pass'
      lose = false
      return { applyThen: serverError(req.kind === 'graphql' ? 504 : 502) }
    })
    try {
      const created = await api('POST', `/repos/${repo}/pulls`, {
        title: 't',
        head: 'feature',
        base: 'main'
      })
      expect(created.status).toBe(502)
      expect(box.pulls(repo)).toHaveLength(1)
      const again = await api('POST', `/repos/${repo}/pulls`, {
        title: 't',
        head: 'feature',
        base: 'main'
      })
      expect(again.json.errors[0].message).toBe('A pull request already exists for acme:feature.')

      lose = true
      const commit = await gql(COMMIT_ON_BRANCH, commitInput(repo, 'main', main))
      expect(commit.status).toBe(504)
      expect(await mainSha(repo)).not.toBe(main)
      const retry = await gql(COMMIT_ON_BRANCH, commitInput(repo, 'main', main))
      expect(retry.json.errors[0]).toMatchObject({ type: 'STALE_DATA' })

      lose = true
      const ref = await api('POST', `/repos/${repo}/git/refs`, {
        ref: 'refs/heads/copy',
        sha: feature
      })
      expect(ref.status).toBe(502)
      const refAgain = await api('POST', `/repos/${repo}/git/refs`, {
        ref: 'refs/heads/copy',
        sha: feature
      })
      expect([refAgain.status, refAgain.json.message]).toEqual([422, 'Reference already exists'])

      const dir = await mkdtemp(path.join(work, 'applied-'))
      await git(['clone', '--quiet', `${box.url}/${repo}.git`, dir])
      await writeFile(path.join(dir, 'b.txt'), 'pushed\n')
      await git(['commit', '--quiet', '-am', 'Pushed'], dir)
      lose = true
      await gitFails(['push', 'origin', 'HEAD:main'], dir)
      expect(await mainSha(repo)).toBe((await git(['rev-parse', 'HEAD'], dir)).trim())
    } finally {
      box.inject(undefined)
    }
  })
})

describe('createRepo', () => {
  it('builds 1000 commits of history quickly', async () => {
    const started = performance.now()
    await box.createRepo('acme/big', { 'apps/x/values.yaml': 'tag: "1"\n' }, { history: 1000 })
    const ms = performance.now() - started
    console.log(`createRepo with history 1000: ${ms.toFixed(0)} ms`)
    expect(ms).toBeLessThan(scaled(5000))
    const log = await box.log('acme/big', 'main')
    expect(log).toHaveLength(1001)
    expect(log[0]).toMatchObject({
      message: 'Initial commit',
      files: ['apps/x/values.yaml', 'history.txt']
    })
    expect(await box.readFile('acme/big', 'main', 'history.txt')).toBeUndefined()
  })
})
