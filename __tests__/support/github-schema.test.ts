// The box is as strict as GitHub about request validity: REST requests are checked against
// GitHub's OpenAPI description and GraphQL ones against GitHub's schema (github-schema.ts).
// Malformed requests are answered as GitHub answers them and recorded as violations; well-formed
// ones pass untouched.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { startGitHubBox, type CreateRepoOptions, type GitHubBox } from './github.js'
import { checkRestResponse, graphqlLoadMs, restLoadMs } from './github-schema.js'

const REPO = 'acme/strict'

let box: GitHubBox
let main = ''

beforeAll(async () => {
  box = await startGitHubBox()
  await box.createRepo(REPO, { 'README.md': '# strict\n', 'apps/web/values.yaml': 'tag: 1\n' })
  main = (await box.git(REPO, ['rev-parse', 'refs/heads/main'])).trim()
})

afterEach(() => box?.assertNoViolations())

afterAll(async () => {
  console.log(
    `strict box: REST description loaded in ${restLoadMs.toFixed(0)} ms, GraphQL schema in ${graphqlLoadMs.toFixed(0)} ms (once per test file)`
  )
  await box?.stop()
})

interface Reply {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

async function send(method: string, url: string, body?: string): Promise<Reply> {
  const res = await fetch(url, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `token ${box.token}`,
      ...(body !== undefined && { 'content-type': 'application/json' })
    },
    ...(body !== undefined && { body })
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

const api = (method: string, route: string, body?: unknown): Promise<Reply> =>
  send(method, `${box.apiUrl}${route}`, body === undefined ? undefined : JSON.stringify(body))

const graphql = (query: string, variables?: unknown): Promise<Reply> =>
  send('POST', box.graphqlUrl, JSON.stringify({ query, variables }))

describe('REST requests GitHub refuses', () => {
  const cases: {
    name: string
    method: string
    route: string
    body?: unknown
    raw?: string
    status: number
    message: string
  }[] = [
    {
      name: 'a field of the wrong type (draft: "yes" on POST /pulls)',
      method: 'POST',
      route: `/repos/${REPO}/pulls`,
      body: { head: 'feature', base: 'main', title: 't', draft: 'yes' },
      status: 422,
      message: `Invalid request.\n\nFor 'properties/draft', "yes" is not a boolean.`
    },
    {
      name: 'a missing required body field (POST /pulls without head)',
      method: 'POST',
      route: `/repos/${REPO}/pulls`,
      body: { base: 'main', title: 't' },
      status: 422,
      message: `Invalid request.\n\n"head" wasn't supplied.`
    },
    {
      name: 'a bad enum in the query (state=merged on GET /pulls)',
      method: 'GET',
      route: `/repos/${REPO}/pulls?state=merged`,
      status: 422,
      message: `Invalid request.\n\nFor 'query/state', "merged" is not a member of ["open", "closed", "all"].`
    },
    {
      name: 'a bad enum in a nested body field (tree entry mode 100600)',
      method: 'POST',
      route: `/repos/${REPO}/git/trees`,
      body: { tree: [{ path: 'a', mode: '100600', type: 'blob', content: 'x' }] },
      status: 422,
      message: `Invalid request.\n\nFor 'properties/tree/items/properties/mode', "100600" is not a member of ["100644", "100755", "040000", "160000", "120000"].`
    },
    {
      name: 'a string where the description wants a boolean (force: "true" on PATCH a ref)',
      method: 'PATCH',
      route: `/repos/${REPO}/git/refs/heads/main`,
      body: { sha: 'a'.repeat(40), force: 'true' },
      status: 422,
      message: `Invalid request.\n\nFor 'properties/force', "true" is not a boolean.`
    },
    {
      name: 'no body where one is required (POST /git/refs)',
      method: 'POST',
      route: `/repos/${REPO}/git/refs`,
      status: 422,
      message: `Invalid request.\n\nFor 'links/0/schema', nil is not an object.`
    },
    {
      name: 'an unparsable body',
      method: 'POST',
      route: `/repos/${REPO}/git/refs`,
      raw: '{"ref": "refs/heads/x",',
      status: 400,
      message: 'Problems parsing JSON'
    },
    {
      name: 'an unknown endpoint',
      method: 'GET',
      route: `/repos/${REPO}/pullz`,
      status: 404,
      message: 'Not Found'
    },
    {
      name: 'a method the endpoint does not have (DELETE a pull request)',
      method: 'DELETE',
      route: `/repos/${REPO}/pulls/1`,
      status: 404,
      message: 'Not Found'
    },
    {
      name: 'a trailing slash',
      method: 'GET',
      route: `/repos/${REPO}/pulls/`,
      status: 404,
      message: 'Not Found'
    },
    {
      name: 'a path parameter of the wrong type (pull_number "abc")',
      method: 'GET',
      route: `/repos/${REPO}/pulls/abc`,
      status: 404,
      message: 'Not Found'
    }
  ]

  it.each(cases)('refuses $name and records it', async c => {
    const reply =
      c.raw !== undefined
        ? await send(c.method, `${box.apiUrl}${c.route}`, c.raw)
        : await api(c.method, c.route, c.body)
    expect(reply.status).toBe(c.status)
    expect(reply.json.message).toBe(c.message)
    expect(typeof reply.json.documentation_url).toBe('string')
    const violations = box.takeViolations()
    expect(violations).toHaveLength(1)
    expect(violations[0]).toMatchObject({
      kind: 'api',
      method: c.method,
      path: `/api/v3${c.route}`
    })
  })

  it('points documentation_url at the operation, as GitHub does', async () => {
    const reply = await api('POST', `/repos/${REPO}/pulls`, { base: 'main', title: 't' })
    expect(reply.json.documentation_url).toBe(
      'https://docs.github.com/rest/pulls/pulls#create-a-pull-request'
    )
    expect(box.takeViolations()).toHaveLength(1)
  })
})

describe('well-formed REST requests pass', () => {
  it.each([
    ['GET', `/repos/${REPO}`],
    ['GET', '/user'],
    ['GET', '/rate_limit'],
    ['GET', `/repos/${REPO}/pulls?state=open&head=acme:feature&base=main&per_page=100`],
    ['GET', `/repos/${REPO}/git/ref/heads/main`],
    ['GET', `/repos/${REPO}/git/ref/heads%2Fmain`],
    ['GET', `/repos/${REPO}/contents/apps/web/values.yaml?ref=main`],
    ['GET', `/repos/${REPO}/contents/apps%2Fweb?ref=main`],
    ['GET', `/repos/${REPO}/contents/?ref=main`],
    ['GET', `/repos/${REPO}/contents`],
    ['GET', `/repos/${REPO}/commits?sha=main&per_page=1`]
  ])('%s %s', async (method, route) => {
    const reply = await api(method, route)
    expect(reply.status).toBe(200)
    expect(box.violations).toEqual([])
  })

  it('a Git Data write chain', async () => {
    const blob = await api('POST', `/repos/${REPO}/git/blobs`, {
      content: 'dGFnOiAyCg==',
      encoding: 'base64'
    })
    expect(blob.status).toBe(201)
    const tree = await api('POST', `/repos/${REPO}/git/trees`, {
      base_tree: main,
      tree: [{ path: 'apps/web/values.yaml', mode: '100644', type: 'blob', sha: blob.json.sha }]
    })
    expect(tree.status).toBe(201)
    const commit = await api('POST', `/repos/${REPO}/git/commits`, {
      message: 'Promote web',
      tree: tree.json.sha,
      parents: [main]
    })
    expect(commit.status).toBe(201)
    const ref = await api('POST', `/repos/${REPO}/git/refs`, {
      ref: 'refs/heads/strict-chain',
      sha: commit.json.sha
    })
    expect(ref.status).toBe(201)
    expect(box.violations).toEqual([])
  })
})

describe('GraphQL requests GitHub refuses', () => {
  const COMMIT = `mutation($input: CreateCommitOnBranchInput!) {
    createCommitOnBranch(input: $input) { commit { oid } }
  }`
  const input = (overrides: Record<string, unknown> = {}) => ({
    branch: { repositoryNameWithOwner: REPO, branchName: 'main' },
    message: { headline: 'Promote' },
    expectedHeadOid: main,
    fileChanges: { additions: [{ path: 'a.txt', contents: 'YQo=' }] },
    ...overrides
  })
  const cases: { name: string; query: string; variables?: () => unknown; message: RegExp }[] = [
    {
      name: 'an unknown field',
      query: `mutation($input: CreateCommitOnBranchInput!) {
        createCommitOnBranch(input: $input) { commit { oid nope } }
      }`,
      variables: () => ({ input: input() }),
      message: /Cannot query field "nope" on type "Commit"/
    },
    {
      name: 'an argument of the wrong type',
      query: `mutation {
        enablePullRequestAutoMerge(input: {pullRequestId: "PR_x", mergeMethod: "SQUASH"}) {
          clientMutationId
        }
      }`,
      message: /Enum "PullRequestMergeMethod" cannot represent non-enum value: "SQUASH"/
    },
    {
      name: 'a variable declared with a type the argument does not take',
      query: `mutation($id: String!) {
        enablePullRequestAutoMerge(input: {pullRequestId: $id}) { clientMutationId }
      }`,
      variables: () => ({ id: 'PR_x' }),
      message: /Variable "\$id" of type "String!" used in position expecting type "ID!"/
    },
    {
      name: 'a missing required variable',
      query: COMMIT,
      variables: () => ({}),
      message: /Variable "\$input" of required type "CreateCommitOnBranchInput!" was not provided/
    },
    {
      name: 'a variable of the wrong input type (message as a string)',
      query: COMMIT,
      variables: () => ({ input: input({ message: 'Promote' }) }),
      message:
        /Variable "\$input" got invalid value "Promote" at "input.message"; Expected type "CommitMessage" to be an object/
    },
    {
      name: 'a variable missing a required input field (addition without contents)',
      query: COMMIT,
      variables: () => ({ input: input({ fileChanges: { additions: [{ path: 'a.txt' }] } }) }),
      message: /Field "contents" of required type "Base64String!" was not provided/
    },
    {
      name: 'a syntax error',
      query: 'mutation { createCommitOnBranch(input: ',
      message: /Syntax Error/
    }
  ]

  it.each(cases)('refuses $name with HTTP 200 and errors, and records it', async c => {
    const reply = await graphql(c.query, c.variables?.())
    expect(reply.status).toBe(200)
    expect(reply.json.data).toBeUndefined()
    expect(reply.json.errors.length).toBeGreaterThan(0)
    expect(reply.json.errors[0].message).toMatch(c.message)
    const violations = box.takeViolations()
    expect(violations).toHaveLength(1)
    expect(violations[0]).toMatchObject({ kind: 'graphql', method: 'POST' })
    expect(violations[0]?.problem).toMatch(c.message)
  })
})

describe('well-formed GraphQL requests pass', () => {
  it("the action's createCommitOnBranch", async () => {
    const reply = await graphql(
      `
        mutation ($input: CreateCommitOnBranchInput!) {
          createCommitOnBranch(input: $input) {
            commit {
              oid
            }
          }
        }
      `,
      {
        input: {
          branch: { repositoryNameWithOwner: REPO, branchName: 'main' },
          message: { headline: 'Promote', body: '' },
          expectedHeadOid: (await box.git(REPO, ['rev-parse', 'refs/heads/main'])).trim(),
          fileChanges: { additions: [{ path: 'graphql.txt', contents: 'YQo=' }] }
        }
      }
    )
    expect(reply.json.errors).toBeUndefined()
    expect(reply.json.data.createCommitOnBranch.commit.oid).toMatch(/^[0-9a-f]{40}$/)
    expect(box.violations).toEqual([])
  })

  it("the action's enablePullRequestAutoMerge (answered by the box's own rules)", async () => {
    const reply = await graphql(
      `
        mutation ($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
          enablePullRequestAutoMerge(
            input: { pullRequestId: $pullRequestId, mergeMethod: $mergeMethod }
          ) {
            pullRequest {
              autoMergeRequest {
                mergeMethod
              }
            }
          }
        }
      `,
      { pullRequestId: 'PR_unknown', mergeMethod: 'SQUASH' }
    )
    expect(reply.status).toBe(200)
    expect(reply.json.errors[0].type).toBe('NOT_FOUND')
    expect(box.violations).toEqual([])
  })
})

/** A subject digest and a Sigstore bundle's JSON shape (its content is not verified here). */
const ATTESTED = `sha256:${'a'.repeat(64)}`
const ATTESTATION = {
  mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  verificationMaterial: { certificate: { rawBytes: 'AA==' }, tlogEntries: [] },
  dsseEnvelope: { payload: 'e30=', payloadType: 'application/vnd.in-toto+json', signatures: [] }
}

describe("the box answers with GitHub's shapes", () => {
  // Where GitHub's own description is wrong and the box answers what GitHub really sends; each
  // entry cites the report of the inaccuracy.
  const KNOWN_INACCURACIES: { problem: RegExp; source: string }[] = [
    {
      // pull-request-simple (list, request-reviewers): labels created by name (as add-labels
      // does) have a null description there too.
      problem:
        /^pulls\/(list 200: \/\d+|request-reviewers 201: )\/labels\/\d+\/description must be string$/,
      source: 'https://github.com/github/rest-api-description/issues/1812'
    }
  ]

  interface Fixture {
    repo: string
    /** Tip of main: README.md, apps/web/values.yaml, apps/api/values.yaml, current.yaml → web. */
    main: string
    /** Tip of 'feature', one commit on main: web modified, api renamed, README removed, a new file. */
    feature: string
    /** An open pull request feature → main, when the row asked for one (else 0). */
    pull: number
  }
  interface Row {
    name: string
    options?: CreateRepoOptions
    /** Open a pull request feature → main first (labelled 'promotion'). */
    pull?: boolean
    /** The request whose answer is checked; it may prepare more state through the API first. */
    request: (f: Fixture) => Promise<[string, string, unknown?]> | [string, string, unknown?]
    status: number
  }

  let count = 0
  const fixture = async (row: Row): Promise<Fixture> => {
    const repo = `acme/shapes-${++count}`
    await box.createRepo(
      repo,
      {
        'README.md': '# shapes\n',
        'apps/web/values.yaml': 'tag: 1\n',
        'apps/api/values.yaml': 'tag: 1\nreplicas: 2\n'
      },
      { symlinks: { 'current.yaml': 'apps/web/values.yaml' }, ...row.options }
    )
    const main = (await box.git(repo, ['rev-parse', 'refs/heads/main'])).trim()
    const feature = await box.commit(repo, 'feature', {
      'apps/web/values.yaml': 'tag: 2\n',
      'apps/api/values.yaml': null,
      'apps/api/deploy.yaml': 'tag: 1\nreplicas: 2\n',
      'README.md': null,
      'apps/new/values.yaml': 'tag: 1\n'
    })
    let pull = 0
    if (row.pull) {
      const created = await api('POST', `/repos/${repo}/pulls`, {
        head: 'feature',
        base: 'main',
        title: 'Promote web',
        body: 'digest'
      })
      pull = created.json.number
      await api('POST', `/repos/${repo}/issues/${pull}/labels`, { labels: ['promotion'] })
    }
    return { repo, main, feature, pull }
  }

  /** A commit on main with a submodule at vendor/lib (and its .gitmodules), made via the API. */
  const withSubmodule = async (f: Fixture): Promise<string> => {
    const tree = await api('POST', `/repos/${f.repo}/git/trees`, {
      base_tree: f.main,
      tree: [
        { path: 'vendor/lib', mode: '160000', type: 'commit', sha: 'a'.repeat(40) },
        {
          path: '.gitmodules',
          mode: '100644',
          type: 'blob',
          content:
            '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = https://github.com/acme/lib.git\n'
        }
      ]
    })
    const commit = await api('POST', `/repos/${f.repo}/git/commits`, {
      message: 'Vendor lib',
      tree: tree.json.sha,
      parents: [f.main]
    })
    return commit.json.sha
  }

  const r = (f: Fixture): string => `/repos/${f.repo}`
  const rows: Row[] = [
    { name: 'GET /user', request: () => ['GET', '/user'], status: 200 },
    { name: 'GET /rate_limit', request: () => ['GET', '/rate_limit'], status: 200 },
    { name: 'GET a repository (no admin)', request: f => ['GET', r(f)], status: 200 },
    {
      name: 'GET a repository (admin: merge settings)',
      options: { admin: true },
      request: f => ['GET', r(f)],
      status: 200
    },
    { name: 'GET an unknown repository', request: () => ['GET', '/repos/acme/none'], status: 404 },
    { name: 'GET a branch', request: f => ['GET', `${r(f)}/branches/main`], status: 200 },
    {
      name: 'GET a protected branch',
      options: {
        protectedBranches: { main: { kind: 'protection', requiredStatusChecks: ['ci'] } }
      },
      request: f => ['GET', `${r(f)}/branches/main`],
      status: 200
    },
    {
      name: 'GET a branch under a ruleset',
      options: { protectedBranches: { main: { kind: 'ruleset' } } },
      request: f => ['GET', `${r(f)}/branches/main`],
      status: 200
    },
    { name: 'GET a missing branch', request: f => ['GET', `${r(f)}/branches/none`], status: 404 },
    { name: 'GET a ref', request: f => ['GET', `${r(f)}/git/ref/heads/main`], status: 200 },
    { name: 'GET a missing ref', request: f => ['GET', `${r(f)}/git/ref/heads/none`], status: 404 },
    {
      name: 'GET matching refs',
      request: f => ['GET', `${r(f)}/git/matching-refs/heads/`],
      status: 200
    },
    {
      name: 'POST a ref',
      request: f => ['POST', `${r(f)}/git/refs`, { ref: 'refs/heads/promote', sha: f.feature }],
      status: 201
    },
    {
      name: 'POST a ref that exists',
      request: f => ['POST', `${r(f)}/git/refs`, { ref: 'refs/heads/feature', sha: f.main }],
      status: 422
    },
    {
      name: 'PATCH a ref',
      request: f => ['PATCH', `${r(f)}/git/refs/heads/main`, { sha: f.feature, force: false }],
      status: 200
    },
    {
      name: 'PATCH a ref, not a fast forward',
      request: f => ['PATCH', `${r(f)}/git/refs/heads/feature`, { sha: f.main, force: false }],
      status: 422
    },
    {
      name: 'DELETE a ref',
      request: f => ['DELETE', `${r(f)}/git/refs/heads/feature`],
      status: 204
    },
    {
      name: 'DELETE a missing ref',
      request: f => ['DELETE', `${r(f)}/git/refs/heads/none`],
      status: 422
    },
    {
      name: 'GET commits',
      request: f => ['GET', `${r(f)}/commits?sha=feature&per_page=2`],
      status: 200
    },
    {
      name: 'GET a comparison (modified, renamed, removed, added)',
      request: f => ['GET', `${r(f)}/compare/main...feature`],
      status: 200
    },
    {
      name: 'GET a comparison of an unknown ref',
      request: f => ['GET', `${r(f)}/compare/main...none`],
      status: 404
    },
    {
      name: 'GET a git commit',
      request: f => ['GET', `${r(f)}/git/commits/${f.main}`],
      status: 200
    },
    {
      name: 'GET a missing git commit',
      request: f => ['GET', `${r(f)}/git/commits/${'b'.repeat(40)}`],
      status: 404
    },
    {
      name: 'POST a git commit',
      request: async f => {
        const tree = (await box.git(f.repo, ['rev-parse', `${f.feature}^{tree}`])).trim()
        return ['POST', `${r(f)}/git/commits`, { message: 'Promote', tree, parents: [f.main] }]
      },
      status: 201
    },
    {
      name: 'POST a git commit of a missing tree',
      request: f => [
        'POST',
        `${r(f)}/git/commits`,
        { message: 'Promote', tree: 'c'.repeat(40), parents: [f.main] }
      ],
      status: 422
    },
    {
      name: 'POST a blob',
      request: f => ['POST', `${r(f)}/git/blobs`, { content: 'tag: 2\n', encoding: 'utf-8' }],
      status: 201
    },
    {
      name: 'GET a blob',
      request: async f => {
        const sha = (await box.git(f.repo, ['rev-parse', 'main:README.md'])).trim()
        return ['GET', `${r(f)}/git/blobs/${sha}`]
      },
      status: 200
    },
    {
      name: 'GET a missing blob',
      request: f => ['GET', `${r(f)}/git/blobs/${'d'.repeat(40)}`],
      status: 404
    },
    {
      name: 'GET a tree, recursively',
      request: f => ['GET', `${r(f)}/git/trees/main?recursive=1`],
      status: 200
    },
    { name: 'GET a missing tree', request: f => ['GET', `${r(f)}/git/trees/none`], status: 404 },
    {
      name: 'POST a tree',
      request: f => [
        'POST',
        `${r(f)}/git/trees`,
        {
          base_tree: f.main,
          tree: [
            { path: 'apps/web/values.yaml', mode: '100644', type: 'blob', content: 'tag: 3\n' }
          ]
        }
      ],
      status: 201
    },
    {
      name: 'POST a tree on a missing base',
      request: f => [
        'POST',
        `${r(f)}/git/trees`,
        {
          base_tree: 'e'.repeat(40),
          tree: [{ path: 'a.txt', mode: '100644', type: 'blob', content: 'a\n' }]
        }
      ],
      status: 422
    },
    {
      name: 'GET the contents of a file',
      request: f => ['GET', `${r(f)}/contents/apps/web/values.yaml?ref=main`],
      status: 200
    },
    {
      name: 'GET the contents of a directory',
      request: f => ['GET', `${r(f)}/contents/apps?ref=main`],
      status: 200
    },
    {
      name: 'GET the contents of the root',
      request: f => ['GET', `${r(f)}/contents`],
      status: 200
    },
    {
      name: 'GET the contents of a symlink to a file (the file)',
      request: f => ['GET', `${r(f)}/contents/current.yaml?ref=main`],
      status: 200
    },
    {
      name: 'GET the contents of a symlink to a missing file (the link)',
      request: f => ['GET', `${r(f)}/contents/current.yaml?ref=feature`],
      status: 200
    },
    {
      name: 'GET the contents of a submodule',
      request: async f => ['GET', `${r(f)}/contents/vendor/lib?ref=${await withSubmodule(f)}`],
      status: 200
    },
    {
      name: 'GET the contents of a missing file',
      request: f => ['GET', `${r(f)}/contents/missing.yaml?ref=main`],
      status: 404
    },
    {
      name: 'POST a pull request',
      request: f => [
        'POST',
        `${r(f)}/pulls`,
        { head: 'feature', base: 'main', title: 'Promote web', body: 'digest', draft: false }
      ],
      status: 201
    },
    {
      name: 'POST a pull request that exists',
      pull: true,
      request: f => ['POST', `${r(f)}/pulls`, { head: 'feature', base: 'main', title: 'again' }],
      status: 422
    },
    {
      name: 'POST a pull request, Actions may not',
      options: { actionsMayCreatePullRequests: false },
      request: f => ['POST', `${r(f)}/pulls`, { head: 'feature', base: 'main', title: 'Promote' }],
      status: 403
    },
    {
      name: 'GET pull requests (labelled, reviewers and a team requested)',
      pull: true,
      options: { collaborators: ['octocat'], teams: ['platform'] },
      request: async f => {
        await api('POST', `${r(f)}/pulls/${f.pull}/requested_reviewers`, {
          reviewers: ['octocat'],
          team_reviewers: ['platform']
        })
        await api('POST', `${r(f)}/issues/${f.pull}/assignees`, { assignees: ['octocat'] })
        return ['GET', `${r(f)}/pulls?head=acme:feature&base=main&state=open`]
      },
      status: 200
    },
    {
      name: 'GET a pull request',
      pull: true,
      request: f => ['GET', `${r(f)}/pulls/${f.pull}`],
      status: 200
    },
    { name: 'GET a missing pull request', request: f => ['GET', `${r(f)}/pulls/99`], status: 404 },
    {
      name: 'PATCH a pull request',
      pull: true,
      request: f => ['PATCH', `${r(f)}/pulls/${f.pull}`, { title: 'Promote web v2' }],
      status: 200
    },
    {
      name: 'PATCH a pull request closed',
      pull: true,
      request: f => ['PATCH', `${r(f)}/pulls/${f.pull}`, { state: 'closed' }],
      status: 200
    },
    {
      name: 'PUT a merge',
      pull: true,
      request: f => ['PUT', `${r(f)}/pulls/${f.pull}/merge`, { merge_method: 'squash' }],
      status: 200
    },
    {
      name: 'PUT a merge of a method the repository refuses',
      pull: true,
      options: { allowMergeCommit: false },
      request: f => ['PUT', `${r(f)}/pulls/${f.pull}/merge`, { merge_method: 'merge' }],
      status: 405
    },
    {
      name: 'PUT a merge of a moved head',
      pull: true,
      request: f => ['PUT', `${r(f)}/pulls/${f.pull}/merge`, { sha: f.main }],
      status: 409
    },
    {
      name: 'GET the labels of an issue',
      pull: true,
      request: f => ['GET', `${r(f)}/issues/${f.pull}/labels`],
      status: 200
    },
    {
      name: 'POST labels',
      pull: true,
      request: f => ['POST', `${r(f)}/issues/${f.pull}/labels`, { labels: ['web'] }],
      status: 200
    },
    {
      name: 'PUT labels',
      pull: true,
      request: f => ['PUT', `${r(f)}/issues/${f.pull}/labels`, { labels: ['web'] }],
      status: 200
    },
    {
      name: 'POST labels on a missing issue',
      request: f => ['POST', `${r(f)}/issues/99/labels`, { labels: ['web'] }],
      status: 404
    },
    {
      name: 'POST assignees',
      pull: true,
      options: { collaborators: ['octocat'] },
      request: f => ['POST', `${r(f)}/issues/${f.pull}/assignees`, { assignees: ['octocat'] }],
      status: 201
    },
    {
      name: 'POST requested reviewers',
      pull: true,
      options: { collaborators: ['octocat'], teams: ['platform'] },
      request: f => [
        'POST',
        `${r(f)}/pulls/${f.pull}/requested_reviewers`,
        { reviewers: ['octocat'], team_reviewers: ['platform'] }
      ],
      status: 201
    },
    {
      name: 'GET the attestations of a subject digest',
      request: f => {
        box.addAttestation(f.repo, ATTESTED, 'https://slsa.dev/provenance/v1', ATTESTATION)
        return [
          'GET',
          `${r(f)}/attestations/${ATTESTED}?predicate_type=${encodeURIComponent('https://slsa.dev/provenance/v1')}`
        ]
      },
      status: 200
    },
    {
      name: 'GET the attestations of an organization for a subject digest',
      request: f => {
        box.addAttestation(f.repo, ATTESTED, 'https://slsa.dev/provenance/v1', ATTESTATION)
        return ['GET', `/orgs/acme/attestations/${ATTESTED}?predicate_type=provenance`]
      },
      status: 200
    },
    {
      name: 'POST requested reviewers who are no collaborators',
      pull: true,
      request: f => [
        'POST',
        `${r(f)}/pulls/${f.pull}/requested_reviewers`,
        { reviewers: ['stranger'] }
      ],
      status: 422
    }
  ]

  it.each(rows)("$name: GitHub's schema for the operation and status", async row => {
    const f = await fixture(row)
    const [method, route, body] = await row.request(f)
    const reply = await api(method, route, body)
    expect(reply.status).toBe(row.status)
    const problems = checkRestResponse(
      method,
      route.split('?')[0] ?? route,
      reply.status,
      reply.json ?? null
    ).filter(p => !KNOWN_INACCURACIES.some(k => k.problem.test(p)))
    expect(problems).toEqual([])
  })

  it('keeps the merge settings out of the repository for a token without admin', async () => {
    const f = await fixture({ name: 'no admin', request: () => ['GET', ''], status: 200 })
    const reply = await api('GET', r(f))
    for (const key of [
      'allow_auto_merge',
      'allow_squash_merge',
      'allow_merge_commit',
      'allow_rebase_merge',
      'allow_update_branch',
      'delete_branch_on_merge'
    ])
      expect(reply.json).not.toHaveProperty(key)
  })

  it('the check refuses an answer lacking what the schema requires, listing every miss', () => {
    const problems = checkRestResponse('GET', '/repos/acme/x', 200, { id: 1, name: 'x' })
    expect(problems).toEqual(
      expect.arrayContaining([
        "repos/get 200: / must have required property 'archive_url'",
        "repos/get 200: / must have required property 'owner'",
        "repos/get 200: / must have required property 'pulls_url'"
      ])
    )
    expect(checkRestResponse('GET', '/repos/acme/x', 418, {})).toEqual([
      'repos/get: status 418 not among 200, 301, 403, 404'
    ])
  })
})

describe('violations fail the test that caused them', () => {
  it('assertNoViolations throws listing them, then forgets them', async () => {
    await api('GET', `/repos/${REPO}/pullz`)
    expect(() => box.assertNoViolations()).toThrow(
      /1 request\(s\) GitHub would refuse:\n {2}GET \/api\/v3\/repos\/acme\/strict\/pullz: no operation/
    )
    expect(box.violations).toEqual([])
  })

  it('stop() throws when violations were left unclaimed', async () => {
    const other = await startGitHubBox()
    const res = await fetch(`${other.apiUrl}/nowhere`, {
      headers: { authorization: `token ${other.token}` }
    })
    expect(res.status).toBe(404)
    await expect(other.stop()).rejects.toThrow(/GET \/api\/v3\/nowhere/)
  })
})
