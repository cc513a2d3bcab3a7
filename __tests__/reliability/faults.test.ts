/**
 * Faults, end to end: the committed bundles (`node dist/index.js` as the action, `node
 * dist/cli.js promote`) against a real registry behind a fault-injecting proxy and against
 * GitHub in a box with faults on its REST, GraphQL and git smart-HTTP endpoints, plus ref updates
 * that race (a concurrent writer lands commits between the read and the write).
 *
 * Every row states the fault, where it is injected and how often, then asserts:
 *  - a transient fault: exit 0, the fault was hit as often as planned, every endpoint was tried
 *    a bounded number of times (the retry policies below), and the config repo gained exactly one
 *    commit holding the digest computed from the pushed image — nothing else moved;
 *  - a persistent fault: exit ≠ 0, one clear message naming what failed (registry host or GitHub
 *    operation, and the status), no stack trace, and nothing half-written: every ref of the config
 *    repo unchanged (no commit on the base branch, no stray branch, nothing reachable that was
 *    not before), no pull request.
 *
 * Rows run concurrently (each has its own box, config repository and image repository), so the file
 * takes about as long as its slowest row: a registry that never answers costs the client's real
 * per-attempt timeout (30 s, which no input or environment variable shortens) four times.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { secondaryRateLimit, serverError } from '../support/github.js'
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS } from '../../src/registry/oci/transport.js'
import { scaled } from '../support/timing.js'
import {
  NEW_TAG,
  OLD_TAG,
  on,
  overlayText,
  World,
  type ActionRun,
  type Fault,
  type Plan,
  type Slot,
  type Tap
} from './faults-world.js'

/** Registry transport: total attempts per request, the first included (src/registry/oci/transport.ts). */
const REGISTRY_ATTEMPTS = DEFAULT_RETRY.attempts
/**
 * The same request path may be sent once more than the retry budget: after a 401 challenge the
 * client repeats it with a token (src/registry/oci/client.ts).
 */
const REGISTRY_PER_PATH = REGISTRY_ATTEMPTS + 1
/** @octokit/plugin-retry: 3 retries (src/deliver/github/client.ts keeps the default). */
const OCTOKIT_ATTEMPTS = 4
/** Secondary rate limits: onSecondaryRateLimit retries while count < 3 (src/deliver/github/client.ts). */
const THROTTLE_ATTEMPTS = 4
/**
 * Lost races: promote() re-applies on the new head a bounded number of times (src/engine/promote.ts);
 * the failure states the number, which must be what was tried and no more than this.
 */
const RACE_ATTEMPTS_AT_MOST = 64

/**
 * How long one run may take: all rows run at once on two cores. A row that waits out the
 * registry client's own timeouts (not scaled: they are the product's) gets those on top.
 */
const RUN_MS = scaled(150_000)
/** A row's bound: the slowest run (four registry timeouts) and the checks after it. */
const ROW_TIMEOUT = REGISTRY_ATTEMPTS * DEFAULT_TIMEOUT_MS + scaled(110_000)

// ---------------------------------------------------------------------------------------------
// Faults

const status = (code: number, headers?: Record<string, string>): Fault => ({
  status: code,
  ...(headers && { headers })
})
const reset: Fault = { status: 0, reset: true }
const hang: Fault = { status: 0, hang: true }
/** GitHub's secondary rate limit as a 429 (GitHub documents both 403 and 429 for it). */
function secondaryRateLimit429(retryAfterSeconds = 1): Fault {
  const fault = secondaryRateLimit(retryAfterSeconds)
  const body = JSON.parse(String(fault.body)) as Record<string, string>
  return { ...fault, status: 429, body: JSON.stringify({ ...body, status: '429' }) }
}

/**
 * An outage or a rate limit is not a permission problem: the hint must not send the user to the
 * token's scopes.
 */
const notBlamingTheToken =
  /^(?![\s\S]*(GITHUB_TOKEN only reaches|token cannot|token needs|token may read))/

const always = (match: Plan['match'], fault: Fault): Plan => ({ match, fault })
const times = (n: number, match: Plan['match'], fault: Fault): Plan => ({ match, fault, times: n })

const api = {
  contents: on.api('GET', /^\/contents\//),
  tree: on.api('POST', /^\/git\/trees$/),
  commit: on.api('POST', /^\/git\/commits$/),
  /**
   * Moving the pull-request branch: a compare-and-swap through GraphQL updateRefs (the only
   * GraphQL request of a pull-request promotion without auto-merge); POST /git/refs creates it.
   */
  moveBranch: on.graphql(),
  createRef: on.api('POST', /^\/git\/refs$/),
  openPull: on.api('POST', /^\/pulls$/),
  /** Push mode: tree, commit and ref compare-and-swap in one GraphQL mutation. */
  commitOnBranch: on.graphql()
}

// ---------------------------------------------------------------------------------------------
// Rows

interface Row {
  readonly slug: string
  readonly title: string
  readonly registry?: (slot: Slot) => Plan[]
  readonly github?: Plan[]
  /** dev is push mode, prod a living pull request (promotion.yaml). */
  readonly environment?: 'dev' | 'prod'
  /** prod: the PR branch exists from an earlier run, so its ref is updated, not created. */
  readonly branchExists?: boolean
  readonly method?: 'api' | 'git'
  /** How long the run may take before it is stopped. */
  readonly timeout?: number
  /** Requests answered with the fault: exactly, or [at least, at most]. */
  readonly faulted: number | readonly [number, number]
  /** Attempts allowed for any one request (same method and path). */
  readonly perPath: number
  /** A persistent fault: what the one error must say. */
  readonly fails?: (slot: Slot) => RegExp[]
  /** Milliseconds from every faulted request to its retry: [at least, at most]. */
  readonly retryWait?: readonly [number, number]
}

/** Milliseconds from each faulted request to the next request to the same path, if any. */
function retryWaits(tap: Tap): number[] {
  return tap.seen.flatMap((fault, i) => {
    if (!fault.faulted) return []
    const next = tap.seen.slice(i + 1).find(s => s.method === fault.method && s.path === fault.path)
    return next ? [next.at - fault.at] : []
  })
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const host = (slot: Slot): string => escape(slot.image.split('/')[0]!)
const ref = (slot: Slot): string => escape(slot.image)

const registryRows: Row[] = [
  // transient: retried, bounded, the right digest lands
  {
    slug: 'reg-500-head-twice',
    title: 'registry 500 on the manifest HEAD, twice',
    registry: () => [times(2, on.manifest('HEAD'), status(500))],
    faulted: 2,
    perPath: REGISTRY_PER_PATH
  },
  {
    slug: 'reg-503-thrice',
    title: 'registry 503 on manifests, three times (one short of giving up)',
    registry: () => [times(REGISTRY_ATTEMPTS - 1, on.manifest(), status(503))],
    faulted: REGISTRY_ATTEMPTS - 1,
    perPath: REGISTRY_PER_PATH
  },
  {
    slug: 'reg-429-retry-after',
    title: 'registry 429 with Retry-After: 2, once: the wait is honoured',
    registry: () => [times(1, on.manifest('HEAD'), status(429, { 'retry-after': '2' }))],
    faulted: 1,
    perPath: REGISTRY_PER_PATH,
    retryWait: [1900, 2000 + scaled(8000)]
  },
  {
    slug: 'reg-reset-once',
    title: 'registry connection reset, once',
    registry: () => [times(1, on.manifest('HEAD'), reset)],
    faulted: 1,
    perPath: REGISTRY_PER_PATH,
    // Jittered backoff: half to all of the base delay before the retry.
    retryWait: [DEFAULT_RETRY.baseDelayMs / 2 - 50, DEFAULT_RETRY.baseDelayMs + scaled(5000)]
  },
  {
    slug: 'reg-hang-once',
    title: 'registry never answers one HEAD: the 30 s timeout fires and the retry lands',
    registry: () => [times(1, on.manifest('HEAD'), hang)],
    faulted: 1,
    perPath: REGISTRY_PER_PATH,
    timeout: DEFAULT_TIMEOUT_MS + scaled(90_000),
    retryWait: [DEFAULT_TIMEOUT_MS - 100, DEFAULT_TIMEOUT_MS + scaled(10_000)]
  },
  {
    slug: 'reg-token-503-twice',
    title: 'token endpoint 503, twice',
    registry: () => [times(2, on.token(), status(503))],
    faulted: 2,
    perPath: REGISTRY_PER_PATH
  },
  {
    slug: 'reg-token-reset-once',
    title: 'token endpoint drops the connection, once',
    registry: () => [times(1, on.token(), reset)],
    faulted: 1,
    perPath: REGISTRY_PER_PATH
  },
  {
    slug: 'reg-head-405',
    title: 'HEAD rejected with 405: GET and hash the bytes',
    registry: () => [always(on.manifest('HEAD'), status(405))],
    faulted: 1,
    perPath: REGISTRY_PER_PATH
  },
  {
    slug: 'reg-head-no-digest',
    title: 'HEAD without Docker-Content-Digest: GET and hash the bytes',
    registry: slot => [
      always(
        on.manifest('HEAD'),
        status(200, {
          'content-type': slot.pushed.mediaType,
          'content-length': String(slot.pushed.manifest.length)
        })
      )
    ],
    faulted: 1,
    perPath: REGISTRY_PER_PATH
  },
  // persistent: a clear failure, nothing written, never a guess
  {
    slug: 'reg-500-down',
    title: 'registry 500 on every manifest request',
    registry: () => [always(on.manifest(), status(500))],
    faulted: REGISTRY_ATTEMPTS,
    perPath: REGISTRY_ATTEMPTS,
    fails: slot => [new RegExp(`Registry ${host(slot)} answered HTTP 500 for ${ref(slot)}`)]
  },
  {
    slug: 'reg-503-down',
    title: 'registry 503 on every manifest request',
    registry: () => [always(on.manifest(), status(503))],
    faulted: REGISTRY_ATTEMPTS,
    perPath: REGISTRY_ATTEMPTS,
    fails: slot => [new RegExp(`Registry ${host(slot)} answered HTTP 503 for ${ref(slot)}`)]
  },
  {
    slug: 'reg-429-down',
    title: 'registry 429 with Retry-After: 1 on every manifest request',
    registry: () => [always(on.manifest(), status(429, { 'retry-after': '1' }))],
    faulted: REGISTRY_ATTEMPTS,
    perPath: REGISTRY_ATTEMPTS,
    fails: slot => [new RegExp(`Registry ${host(slot)} answered HTTP 429 for ${ref(slot)}`)],
    // Retry-After honoured before every retry.
    retryWait: [950, 1000 + scaled(8000)]
  },
  {
    slug: 'reg-reset-down',
    title: 'registry resets every connection',
    registry: () => [always(on.manifest(), reset)],
    faulted: REGISTRY_ATTEMPTS,
    perPath: REGISTRY_ATTEMPTS,
    fails: slot => [
      new RegExp(
        `HEAD http://${host(slot)}/v2/team/${slot.slug}/manifests/${NEW_TAG} failed after ${REGISTRY_ATTEMPTS} attempts`
      )
    ]
  },
  {
    slug: 'reg-hang-down',
    title: 'registry never answers: four 30 s timeouts, then a clear failure',
    registry: () => [always(on.manifest(), hang)],
    faulted: REGISTRY_ATTEMPTS,
    perPath: REGISTRY_ATTEMPTS,
    timeout: REGISTRY_ATTEMPTS * DEFAULT_TIMEOUT_MS + scaled(80_000),
    fails: slot => [
      new RegExp(
        `HEAD http://${host(slot)}/v2/team/${slot.slug}/manifests/${NEW_TAG} failed after ${REGISTRY_ATTEMPTS} attempts: no answer within ${DEFAULT_TIMEOUT_MS} ms`
      )
    ]
  },
  {
    slug: 'reg-token-down',
    title: 'token endpoint 503 on every request',
    registry: () => [always(on.token(), status(503))],
    faulted: REGISTRY_ATTEMPTS,
    perPath: REGISTRY_ATTEMPTS,
    fails: slot => [
      new RegExp(
        `token service of ${host(slot)} \\(http://127\\.0\\.0\\.1:\\d+\\) answered HTTP 503`
      )
    ]
  },
  {
    slug: 'reg-token-unreachable',
    title: 'token endpoint drops every connection',
    registry: () => [always(on.token(), reset)],
    faulted: REGISTRY_ATTEMPTS,
    perPath: REGISTRY_ATTEMPTS,
    fails: () => [
      new RegExp(
        `token request to http://127\\.0\\.0\\.1:\\d+/\\S* failed after ${REGISTRY_ATTEMPTS} attempts`
      )
    ]
  },
  {
    slug: 'reg-digest-lie',
    title: 'GET with a Docker-Content-Digest that does not match the body',
    registry: slot => [
      always(on.manifest('HEAD'), status(405)),
      always(on.manifest('GET'), {
        status: 200,
        headers: {
          'content-type': slot.pushed.mediaType,
          'docker-content-digest': `sha256:${'9'.repeat(64)}`
        },
        body: slot.pushed.manifest
      })
    ],
    faulted: 2,
    perPath: 1,
    fails: slot => [
      new RegExp(
        `Registry ${host(slot)} sent Docker-Content-Digest sha256:9{64} for ${ref(slot)}, but the manifest bytes hash to ${slot.pushed.digest}`
      ),
      /refusing to guess/
    ]
  },
  {
    slug: 'reg-body-altered',
    title: 'GET with the right Docker-Content-Digest and altered bytes',
    registry: slot => [
      always(
        on.manifest('HEAD'),
        status(200, { 'content-type': slot.pushed.mediaType, 'content-length': '1' })
      ),
      always(on.manifest('GET'), {
        status: 200,
        headers: {
          'content-type': slot.pushed.mediaType,
          'docker-content-digest': slot.pushed.digest
        },
        body: Buffer.from(slot.pushed.manifest.toString('utf8').replace('"size":', '"size": '))
      })
    ],
    faulted: 2,
    perPath: 1,
    fails: slot => [
      new RegExp(
        `sent Docker-Content-Digest ${slot.pushed.digest} for ${ref(slot)}, but the manifest bytes hash to sha256:[0-9a-f]{64}`
      )
    ]
  }
]

const githubRows: Row[] = [
  // transient, at each point of the API flow. dev: push mode (contents reads, then one GraphQL
  // createCommitOnBranch); prod: a living PR (tree, commit, branch ref, pull request).
  {
    slug: 'gh-contents-502',
    title: 'GitHub 502 reading contents, once',
    github: [times(1, api.contents, serverError(502))],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'gh-commit-on-branch-502',
    title: 'GitHub 502 on the commit (GraphQL createCommitOnBranch), once',
    github: [times(1, api.commitOnBranch, serverError(502))],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'gh-commit-on-branch-reset',
    title: 'GitHub drops the connection on the commit (GraphQL), once',
    github: [times(1, api.commitOnBranch, reset)],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'gh-tree-500-twice',
    title: 'GitHub 500 creating the tree, twice',
    environment: 'prod',
    github: [times(2, api.tree, serverError(500))],
    faulted: 2,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'gh-commit-reset',
    title: 'GitHub drops the connection creating the commit, once',
    environment: 'prod',
    github: [times(1, api.commit, reset)],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'gh-ref-503',
    title: 'GitHub 503 updating the branch ref, once',
    environment: 'prod',
    branchExists: true,
    github: [times(1, api.moveBranch, serverError(503))],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'gh-branch-500',
    title: 'GitHub 500 creating the branch ref, once',
    environment: 'prod',
    github: [times(1, api.createRef, serverError(500))],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'gh-pull-502',
    title: 'GitHub 502 opening the pull request, once',
    environment: 'prod',
    github: [times(1, api.openPull, serverError(502))],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'gh-secondary-403',
    title: 'secondary rate limit (403 + retry-after: 1) on the commit (GraphQL), once',
    github: [times(1, api.commitOnBranch, secondaryRateLimit(1))],
    faulted: 1,
    perPath: THROTTLE_ATTEMPTS,
    retryWait: [950, 1000 + scaled(8000)]
  },
  {
    slug: 'gh-secondary-429',
    title: 'secondary rate limit as 429 + retry-after: 1 creating the tree, once',
    environment: 'prod',
    github: [times(1, api.tree, secondaryRateLimit429(1))],
    faulted: 1,
    perPath: THROTTLE_ATTEMPTS,
    retryWait: [950, 1000 + scaled(8000)]
  },
  {
    slug: 'gh-hang-once',
    title: 'GitHub never answers one contents request: a timeout, then the retry lands',
    github: [times(1, api.contents, hang)],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS,
    timeout: scaled(90_000)
  },
  {
    slug: 'git-clone-502',
    title: 'git method: 502 on the clone (upload-pack advertisement), once',
    method: 'git',
    github: [times(1, on.git('git-upload-pack', 'advertise'), serverError(502))],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  {
    slug: 'git-push-502',
    title: 'git method: 502 on the push (receive-pack), once',
    method: 'git',
    github: [times(1, on.git('git-receive-pack', 'rpc'), serverError(502))],
    faulted: 1,
    perPath: OCTOKIT_ATTEMPTS
  },
  // persistent
  {
    slug: 'gh-contents-down',
    title: 'GitHub 502 on every contents read',
    github: [always(api.contents, serverError(502))],
    faulted: OCTOKIT_ATTEMPTS,
    perPath: OCTOKIT_ATTEMPTS,
    fails: slot => [
      new RegExp(`GitHub refused to read promotion\\.yaml in ${slot.fullName} \\(HTTP 502\\)`)
    ]
  },
  {
    slug: 'gh-commit-on-branch-down',
    title: 'GitHub 502 on every commit (GraphQL createCommitOnBranch)',
    github: [always(api.commitOnBranch, serverError(502))],
    faulted: OCTOKIT_ATTEMPTS,
    perPath: OCTOKIT_ATTEMPTS,
    fails: slot => [
      new RegExp(`GitHub refused to commit to main in ${slot.fullName} \\(HTTP 502\\)`)
    ]
  },
  {
    slug: 'gh-tree-down',
    title: 'GitHub 500 on every tree creation',
    environment: 'prod',
    github: [always(api.tree, serverError(500))],
    faulted: OCTOKIT_ATTEMPTS,
    perPath: OCTOKIT_ATTEMPTS,
    fails: slot => [
      new RegExp(`GitHub refused to create the commit in ${slot.fullName} \\(HTTP 500\\)`)
    ]
  },
  {
    slug: 'gh-ref-down',
    title: 'GitHub 503 on every branch ref update',
    environment: 'prod',
    branchExists: true,
    github: [always(api.moveBranch, serverError(503))],
    faulted: OCTOKIT_ATTEMPTS,
    perPath: OCTOKIT_ATTEMPTS,
    fails: slot => [
      new RegExp(
        `GitHub refused to move branch promote/prod/${slot.slug} in ${slot.fullName} \\(HTTP 503\\)`
      )
    ]
  },
  {
    slug: 'gh-branch-down',
    title: 'GitHub 500 on every branch ref creation',
    environment: 'prod',
    github: [always(api.createRef, serverError(500))],
    faulted: OCTOKIT_ATTEMPTS,
    perPath: OCTOKIT_ATTEMPTS,
    fails: slot => [
      new RegExp(
        `GitHub refused to create branch promote/prod/${slot.slug} in ${slot.fullName} \\(HTTP 500\\)`
      )
    ]
  },
  {
    slug: 'gh-pull-down',
    title: 'GitHub 502 on every pull-request creation: no PR and no branch left behind',
    environment: 'prod',
    github: [always(api.openPull, serverError(502))],
    faulted: OCTOKIT_ATTEMPTS,
    perPath: OCTOKIT_ATTEMPTS,
    fails: slot => [
      new RegExp(`GitHub refused to open the pull request in ${slot.fullName} \\(HTTP 502\\)`)
    ]
  },
  {
    slug: 'gh-secondary-403-down',
    title: 'secondary rate limit (403) on every commit (GraphQL)',
    github: [always(api.commitOnBranch, secondaryRateLimit(1))],
    faulted: THROTTLE_ATTEMPTS,
    perPath: THROTTLE_ATTEMPTS,
    fails: slot => [
      new RegExp(`GitHub refused to commit to main in ${slot.fullName} \\(HTTP 403\\)`),
      /secondary rate limit/,
      notBlamingTheToken
    ]
  },
  {
    slug: 'gh-secondary-429-down',
    title: 'secondary rate limit (429) on every tree creation',
    environment: 'prod',
    github: [always(api.tree, secondaryRateLimit429(1))],
    faulted: THROTTLE_ATTEMPTS,
    perPath: THROTTLE_ATTEMPTS,
    fails: slot => [
      new RegExp(`GitHub refused to create the commit in ${slot.fullName} \\(HTTP 429\\)`),
      /secondary rate limit/,
      notBlamingTheToken
    ]
  },
  {
    slug: 'git-clone-down',
    title: 'git method: 503 on every clone request',
    method: 'git',
    github: [always(on.git('git-upload-pack', 'advertise'), serverError(503))],
    // git has no retry policy of its own: retried at least once, and bounded.
    faulted: [2, OCTOKIT_ATTEMPTS],
    perPath: OCTOKIT_ATTEMPTS,
    fails: slot => [
      new RegExp(`Cannot clone the config repository http://127\\.0\\.0\\.1:\\d+/${slot.fullName}`),
      /503/,
      notBlamingTheToken
    ]
  },
  {
    slug: 'git-push-down',
    title: 'git method: 502 on every push',
    method: 'git',
    github: [always(on.git('git-receive-pack', 'rpc'), serverError(502))],
    faulted: [2, OCTOKIT_ATTEMPTS],
    perPath: OCTOKIT_ATTEMPTS,
    fails: slot => [
      /Cannot push to main/,
      new RegExp(`${slot.fullName}`), // which repository
      /502/,
      notBlamingTheToken
    ]
  }
]

// ---------------------------------------------------------------------------------------------

/** The overlay after promoting `slot`'s image over `before`. */
function promoted(slot: Slot, before: string): string {
  return before.replace(
    `    newTag: ${OLD_TAG}\n`,
    `    newTag: ${NEW_TAG}\n    digest: ${slot.pushed.digest}\n`
  )
}

/**
 * Runs every group of checks and reports all that failed, so one row lists every way the product
 * missed (a half-written promotion and a vague message, not just the first).
 */
class Checks {
  private readonly failures: string[] = []

  async check(what: string, run: () => void | Promise<void>): Promise<void> {
    try {
      await run()
    } catch (error) {
      this.failures.push(`${what}:\n${(error as Error).message}`)
    }
  }

  done(): void {
    if (this.failures.length) throw new Error(this.failures.join('\n\n────────\n\n'))
  }
}

/** Exit ≠ 0 and one message that says what failed, in words: every pattern, and no noise. */
async function checkClearFailure(
  checks: Checks,
  ran: ActionRun,
  patterns: RegExp[]
): Promise<void> {
  await checks.check('exit code and one error', () => {
    expect(ran.code).not.toBe(0)
    expect(ran.errors).toHaveLength(1)
  })
  const message = ran.errors[0] ?? ''
  for (const pattern of patterns)
    await checks.check(`the message matches ${pattern}`, () => expect(message).toMatch(pattern))
  await checks.check('the message is words, not a dump', () => {
    expect(message).not.toMatch(/Unexpected error|unexpected error/)
    expect(message).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m) // no stack trace
    expect(message).not.toMatch(/<html|<body/i) // no error page pasted in
    expect(message).not.toMatch(/undefined|\[object Object\]/)
  })
}

/** Per request (method + path): how many times it was sent. */
function attemptsPerPath(tap: Tap): number {
  // One request's attempts: a request, then the retries each fault calls for. A later request
  // to the same path after a success is a new request (git fetches reuse the upload-pack
  // advertisement path for every fetch), not one more attempt.
  const chains = new Map<string, number>()
  const open = new Map<string, boolean>()
  let longest = 0
  for (const s of tap.seen) {
    const key = `${s.method} ${s.path}`
    const length = open.get(key) ? chains.get(key)! + 1 : 1
    chains.set(key, length)
    open.set(key, s.faulted)
    longest = Math.max(longest, length)
  }
  return longest
}

describe('faults against the real registry and GitHub in a box (dist bundles)', () => {
  let world: World
  beforeAll(async () => {
    world = await World.start()
  })
  afterAll(async () => {
    await world?.stop()
  })

  it.concurrent.each([...registryRows, ...githubRows])(
    '$title',
    async row => {
      const slot = await world.slot(row.slug)
      const registry = row.registry && world.tapRegistry(slot.slug, row.registry(slot))
      const github = row.github && world.tapBox(slot, row.github)
      const environment = row.environment ?? 'dev'
      if (row.branchExists)
        // An earlier promotion's branch: promote-image moves only branches whose head it made.
        await slot.box.commit(
          slot.fullName,
          `promote/prod/${slot.slug}`,
          { [slot.overlay('prod')]: 'resources: [../../base]\n# an earlier promotion\n' },
          `promote(prod): ${slot.slug} v0\n\nPromoted-Image: registry.example/${slot.slug}:v0\nPromotion-Branch: promote/prod/${slot.slug}\n`
        )
      const refsBefore = await world.refs(slot)
      const mainBefore = (await slot.box.log(slot.fullName, 'main'))[0]!.sha

      const ran = await world.action(
        slot,
        { environment, 'write-method': row.method ?? 'api' },
        { timeout: row.timeout ?? RUN_MS }
      )
      const tap = (registry ?? github)!
      const checks = new Checks()

      if (row.fails) {
        await checks.check('nothing half-written', async () => {
          expect(await world.refs(slot)).toBe(refsBefore)
          expect(slot.box.pulls(slot.fullName)).toEqual([])
          expect(ran.outputs['commit-sha'] ?? '').toBe('')
          // Never a guess: a registry fault stops the run before the config repo is touched.
          if (registry) expect(slot.box.requests).toEqual([])
        })
        await checkClearFailure(checks, ran, row.fails(slot))
      } else {
        const branch = environment === 'dev' ? 'main' : `promote/prod/${slot.slug}`
        await checks.check('the run succeeds', () => {
          expect(ran.errors).toEqual([])
          expect(ran.code).toBe(0)
          expect(ran.outputs.digest).toBe(slot.pushed.digest)
        })
        await checks.check('one commit with the right digest, nothing else moved', async () => {
          // The right digest: the one the pushed manifest bytes hash to.
          expect(slot.pushed.digest).toBe(
            `sha256:${createHash('sha256').update(slot.pushed.manifest).digest('hex')}`
          )
          const log = await slot.box.log(slot.fullName, branch)
          expect(log[0]!.parents).toEqual([mainBefore])
          expect(log[0]!.files).toEqual([slot.overlay(environment)])
          expect(log[0]!.message).toMatch(new RegExp(`^promote\\(${environment}\\): ${slot.slug} `))
          expect(await slot.box.readFile(slot.fullName, branch, slot.overlay(environment))).toBe(
            promoted(slot, overlayText(world.reg.host, slot.slug))
          )
          const others = (refs: string) =>
            refs
              .split('\n')
              .filter(line => line && !line.startsWith(`refs/heads/${branch} `))
              .join('\n')
          expect(others(await world.refs(slot))).toBe(others(refsBefore))
          if (environment === 'prod') {
            expect(ran.outputs['pull-request-operation']).toBe('created')
            expect(slot.box.pulls(slot.fullName)).toMatchObject([
              { state: 'open', head: { ref: branch }, base: { ref: 'main' } }
            ])
          } else {
            expect(slot.box.pulls(slot.fullName)).toEqual([])
          }
        })
      }
      await checks.check('the fault was hit as planned, retries bounded', () => {
        const [least, most] =
          typeof row.faulted === 'number' ? [row.faulted, row.faulted] : row.faulted
        expect(tap.faulted.length).toBeGreaterThanOrEqual(least)
        expect(tap.faulted.length).toBeLessThanOrEqual(most)
        expect(attemptsPerPath(tap)).toBeLessThanOrEqual(row.perPath)
      })
      if (row.retryWait) {
        const [least, most] = row.retryWait
        await checks.check('the wait before each retry', () => {
          const waits = retryWaits(tap)
          expect(waits.length).toBeGreaterThan(0)
          for (const wait of waits) {
            expect(wait).toBeGreaterThanOrEqual(least)
            expect(wait).toBeLessThanOrEqual(most)
          }
        })
      }
      // Concurrent rows share no afterEach: each checks its own box (github-schema.ts).
      await checks.check('every request one GitHub accepts', () => slot.box.assertNoViolations())
      checks.done()
    },
    ROW_TIMEOUT
  )

  /** The racing writer: one commit on the same file, one on another file, once. */
  function raceOnce(slot: Slot): { raced: () => boolean } {
    let raced = false
    slot.box.beforeRefUpdate(async (_repo, ref) => {
      if (raced || ref !== 'refs/heads/main') return
      raced = true
      await slot.box.commit(
        slot.fullName,
        'main',
        { [slot.overlay('dev')]: overlayText(world.reg.host, slot.slug, '1.1.0') },
        'bump sidecar'
      )
      await slot.box.commit(slot.fullName, 'main', { 'README.md': 'edited\n' }, 'docs')
    })
    return { raced: () => raced }
  }

  it.concurrent.each([
    { slug: 'race-api', title: 'a racing ref update, api method (action)', via: 'api' },
    { slug: 'race-git', title: 'a racing ref update, git method (action)', via: 'git' },
    { slug: 'race-cli', title: 'a racing ref update, git method (CLI promote)', via: 'cli' }
  ] as const)(
    '$title: both racing commits and ours are in the history, nothing lost',
    async ({ slug, via }) => {
      const slot = await world.slot(slug)
      const race = raceOnce(slot)
      const pushes = world.tapBox(slot, [
        {
          match: via === 'api' ? api.commitOnBranch : on.git('git-receive-pack', 'rpc'),
          fault: reset,
          times: 0
        }
      ])
      const mainBefore = (await slot.box.log(slot.fullName, 'main'))[0]!.sha
      const ran =
        via === 'cli'
          ? await world.cli(slot, ['--environment', 'dev'], { timeout: RUN_MS })
          : await world.action(slot, { environment: 'dev', 'write-method': via })

      expect(ran.errors).toEqual([])
      expect(ran.code).toBe(0)
      expect(race.raced()).toBe(true)
      // One lost race, one re-applied write: two ref updates, no more.
      expect(pushes.seen).toHaveLength(2)
      if (via === 'cli') expect(ran.outputs.attempts).toBe('2')
      const log = await slot.box.log(slot.fullName, 'main')
      expect(log.slice(0, 4).map(c => c.message.split('\n')[0])).toEqual([
        expect.stringMatching(new RegExp(`^promote\\(dev\\): ${slug} ${NEW_TAG} `)),
        'docs',
        'bump sidecar',
        expect.any(String)
      ])
      expect(log[3]!.sha).toBe(mainBefore)
      expect(log[0]!.parents).toEqual([log[1]!.sha])
      expect(log[0]!.files).toEqual([slot.overlay('dev')])
      // 0 lost updates: the racer's edit of the same file and ours are both there.
      expect(await slot.box.readFile(slot.fullName, 'main', slot.overlay('dev'))).toBe(
        promoted(slot, overlayText(world.reg.host, slot.slug, '1.1.0'))
      )
      expect(await slot.box.readFile(slot.fullName, 'main', 'README.md')).toBe('edited\n')
    },
    ROW_TIMEOUT
  )

  it.concurrent(
    'a ref that races on every push: bounded attempts, a clear failure, nothing of ours lands (CLI, git)',
    async () => {
      const slot = await world.slot('race-forever')
      let racers = 0
      slot.box.beforeRefUpdate(async (_repo, ref) => {
        if (ref !== 'refs/heads/main') return
        racers++
        await slot.box.commit(slot.fullName, 'main', { 'README.md': `racer ${racers}\n` }, 'racer')
      })
      const pushes = world.tapBox(slot, [
        { match: on.git('git-receive-pack', 'rpc'), fault: reset, times: 0 }
      ])
      const refsBefore = (await world.refs(slot)).replace(/^refs\/heads\/main .*$/m, '')

      const ran = await world.cli(slot, ['--environment', 'dev'], { timeout: RUN_MS })

      expect(ran.code).toBe(1)
      expect(ran.errors).toHaveLength(1)
      const stated = /main kept moving: (\d+) attempts to push the promotion lost the race/.exec(
        ran.errors[0] ?? ''
      )
      expect(stated).not.toBeNull()
      const attempts = Number(stated![1])
      expect(attempts).toBeGreaterThan(1)
      expect(attempts).toBeLessThanOrEqual(RACE_ATTEMPTS_AT_MOST)
      expect(ran.errors[0]).toMatch(/nothing was pushed/)
      // Every attempt was a real push that lost; none more.
      expect(pushes.seen).toHaveLength(attempts)
      expect(racers).toBe(attempts)
      const log = await slot.box.log(slot.fullName, 'main')
      expect(log.filter(c => c.message.startsWith('promote('))).toEqual([])
      expect(log.slice(0, attempts).every(c => c.message === 'racer')).toBe(true)
      expect((await world.refs(slot)).replace(/^refs\/heads\/main .*$/m, '')).toBe(refsBefore)
    },
    ROW_TIMEOUT
  )
})
