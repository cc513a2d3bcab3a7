// The box is as strict as GitHub about request validity: REST requests are checked against
// GitHub's OpenAPI description and GraphQL ones against GitHub's schema (github-schema.ts).
// Malformed requests are answered as GitHub answers them and recorded as violations; well-formed
// ones pass untouched.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { startGitHubBox, type GitHubBox } from './github.js'
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

describe("the box answers with GitHub's shapes", () => {
  // KNOWN GAP, hence it.failing (it fails, so this passes; once the box's shapes are fixed it
  // passes, so this fails: turn it into `it`). The box's answers lack properties the description
  // marks required: the user (avatar_url…), repository (archive_url… URL templates), branch
  // (protection), commit list items (url…), compare (permalink_url…), pull request and issue
  // (comments_url…, comments) objects, and rate_limit's `search` resource. The shapes live in
  // github.ts, which the box-realities branch is rewriting; the lead merges, then fixes them.
  it.failing(
    "every REST endpoint it serves, checked against the description's response schemas",
    async () => {
      const problems: string[] = []
      const shaped = async (method: string, route: string, body?: unknown): Promise<Reply> => {
        const reply = await api(method, route, body)
        const path = route.split('?')[0] ?? route
        for (const p of checkRestResponse(method, path, reply.status, reply.json ?? null))
          problems.push(`${method} ${route} → ${reply.status}: ${p}`)
        return reply
      }
      const repo = 'acme/shapes'
      await box.createRepo(
        repo,
        {
          'README.md': '# shapes\n',
          'apps/web/values.yaml': 'tag: 1\n'
        },
        { symlinks: { 'current.yaml': 'apps/web/values.yaml' } }
      )
      const base = (await box.git(repo, ['rev-parse', 'refs/heads/main'])).trim()
      await shaped('GET', '/user')
      await shaped('GET', '/rate_limit')
      await shaped('GET', `/repos/${repo}`)
      await shaped('GET', `/repos/${repo}/branches/main`)
      await shaped('GET', `/repos/${repo}/git/ref/heads/main`)
      await shaped('GET', `/repos/${repo}/git/ref/heads/none`)
      await shaped('GET', `/repos/${repo}/git/matching-refs/heads/`)
      await shaped('GET', `/repos/${repo}/commits?sha=main&per_page=2`)
      await shaped('GET', `/repos/${repo}/git/commits/${base}`)
      const blob = await shaped('POST', `/repos/${repo}/git/blobs`, {
        content: 'tag: 2\n',
        encoding: 'utf-8'
      })
      await shaped('GET', `/repos/${repo}/git/blobs/${blob.json.sha}`)
      await shaped('GET', `/repos/${repo}/git/trees/main?recursive=1`)
      const tree = await shaped('POST', `/repos/${repo}/git/trees`, {
        base_tree: base,
        tree: [{ path: 'apps/web/values.yaml', mode: '100644', type: 'blob', sha: blob.json.sha }]
      })
      const commit = await shaped('POST', `/repos/${repo}/git/commits`, {
        message: 'Promote web',
        tree: tree.json.sha,
        parents: [base]
      })
      await shaped('GET', `/repos/${repo}/compare/main...${commit.json.sha}`)
      await shaped('POST', `/repos/${repo}/git/refs`, {
        ref: 'refs/heads/promote',
        sha: commit.json.sha
      })
      await shaped('POST', `/repos/${repo}/git/refs`, {
        ref: 'refs/heads/promote',
        sha: commit.json.sha
      })
      await shaped('PATCH', `/repos/${repo}/git/refs/heads/main`, { sha: base, force: false })
      await shaped('GET', `/repos/${repo}/contents/apps/web/values.yaml?ref=main`)
      await shaped('GET', `/repos/${repo}/contents/apps?ref=main`)
      await shaped('GET', `/repos/${repo}/contents/current.yaml?ref=main`)
      await shaped('GET', `/repos/${repo}/contents/missing.yaml?ref=main`)
      const pull = await shaped('POST', `/repos/${repo}/pulls`, {
        head: 'promote',
        base: 'main',
        title: 'Promote web',
        body: 'digest',
        draft: false,
        maintainer_can_modify: true
      })
      await shaped('POST', `/repos/${repo}/pulls`, {
        head: 'promote',
        base: 'main',
        title: 'again'
      })
      await shaped('GET', `/repos/${repo}/pulls?head=acme:promote&base=main&state=open`)
      await shaped('GET', `/repos/${repo}/pulls/${pull.json.number}`)
      await shaped('PATCH', `/repos/${repo}/pulls/${pull.json.number}`, { title: 'Promote web v2' })
      await shaped('POST', `/repos/${repo}/issues/${pull.json.number}/labels`, {
        labels: ['promotion']
      })
      await shaped('PUT', `/repos/${repo}/issues/${pull.json.number}/labels`, {
        labels: ['promotion']
      })
      await shaped('GET', `/repos/${repo}/issues/${pull.json.number}/labels`)
      await shaped('POST', `/repos/${repo}/issues/${pull.json.number}/assignees`, {
        assignees: ['octocat']
      })
      await shaped('POST', `/repos/${repo}/pulls/${pull.json.number}/requested_reviewers`, {
        reviewers: ['octocat'],
        team_reviewers: []
      })
      await shaped('DELETE', `/repos/${repo}/git/refs/heads/promote`)
      expect(problems).toEqual([])
      expect(box.violations).toEqual([])
    }
  )
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
