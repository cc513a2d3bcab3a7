// "GitHub in a box": a loopback HTTP server backed by real bare git repositories, serving git
// smart HTTP (`git http-backend` as CGI), the REST endpoints the action uses under /api/v3 (GHES
// layout) and the GraphQL mutations it sends, with GitHub's response shapes and messages.
// API writes become real git objects and refs, so the same repo can be cloned, pushed and read.
// The box answers from the test's own event loop: drive git against it with async execFile/spawn,
// never execFileSync, which blocks the loop and deadlocks the clone or push.
//
// Every child (git, http-backend) is short-lived and reads a pipe from this process: if the test
// process dies, their stdin closes and they exit, so no setpriv/pdeathsig is needed here. The
// temp dir is named after the owning pid and swept by the next run if this process died.
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { appendFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'

import {
  getLocation,
  Kind,
  parse,
  Source,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type OperationDefinitionNode,
  type SelectionSetNode
} from 'graphql'
import {
  checkGraphqlRequest,
  checkRestRequest,
  type Refusal,
  type Violation
} from './github-schema.js'
export type { Violation } from './github-schema.js'
// ---------------------------------------------------------------------------------------------
// Public API

export interface Fault {
  /** Ignored when `hang` or `reset` is set. */
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
  /** Wait this long, then answer (or reset). */
  delayMs?: number
  /** Never answer; the connection stays open until the client gives up or the box stops. */
  hang?: boolean
  /** Destroy the socket instead of answering. */
  reset?: boolean
}

export type RequestKind = 'api' | 'git' | 'graphql'

/**
 * The box performs the request (refs move, PRs open, commits land), then answers with this fault
 * instead of its real answer: GitHub applied the write but the client never heard (a 502/504
 * from the edge, a timeout). A retry then meets the applied state.
 */
export interface ApplyThen {
  applyThen: Fault
}

/**
 * Returns a Fault to answer with instead of the box, `{ applyThen: fault }` to perform the
 * request and answer with the fault, or undefined / 'pass' to let it through.
 */
export type Injector = (req: {
  method: string
  path: string
  kind: RequestKind
}) => Fault | ApplyThen | 'pass' | undefined | Promise<Fault | ApplyThen | 'pass' | undefined>

export interface LoggedRequest {
  method: string
  /** Path plus query, as sent (the token, should a client put it there, is masked). */
  path: string
  /** Status answered; 0 while pending, or when a fault hung or reset the request. */
  status: number
  /** 'token': valid token/Bearer scheme; 'basic': valid Basic; 'bad': wrong credentials. */
  auth: 'token' | 'basic' | 'none' | 'bad'
  kind: RequestKind
}

export type MergeMethod = 'MERGE' | 'SQUASH' | 'REBASE'

export interface PullRecord {
  number: number
  nodeId: string
  state: 'open' | 'closed'
  title: string
  body: string | null
  draft: boolean
  maintainerCanModify: boolean
  /** `sha` is the branch's current tip (the last known one once the branch is deleted). */
  head: { ref: string; sha: string }
  base: { ref: string; sha: string }
  /** Login of the author: always the token's user, 'promote-bot'. */
  user: string
  labels: string[]
  requestedReviewers: string[]
  requestedTeams: string[]
  assignees: string[]
  autoMerge: { mergeMethod: MergeMethod } | null
  createdAt: string
  updatedAt: string
  closedAt: string | null
  merged: boolean
  mergedAt: string | null
  mergeCommitSha: string | null
  /** The bodies of its issue comments, oldest first. */
  comments: string[]
}

export interface LogEntry {
  sha: string
  message: string
  parents: string[]
  /** Created through the Git Data API without a custom committer ("signed by GitHub"). */
  verified: boolean
  /** Paths changed against the first parent (all paths for a root commit). */
  files: string[]
}

/** A branch protection rule or ruleset on one branch; both require changes through a PR. */
export interface BranchProtection {
  /**
   * 'protection': a classic branch protection rule (git push: GH006; GraphQL error type
   * BRANCH_PROTECTION_RULE_VIOLATION); 'ruleset': a repository ruleset (GH013; another type).
   */
  kind: 'protection' | 'ruleset'
  /** Checks a PR head must pass (see `passChecks`); PRs into the branch are 'blocked' until then. */
  requiredStatusChecks?: string[]
}

/** Per-repository settings; the defaults are those of a fresh GitHub repository. */
export interface RepoSettings {
  /** "Allow auto-merge": false by default, as on GitHub. */
  allowAutoMerge: boolean
  /** Merge methods the repository allows: all three by default. */
  allowMergeCommit: boolean
  allowSquashMerge: boolean
  allowRebaseMerge: boolean
  /** "Automatically delete head branches": false by default. */
  deleteBranchOnMerge: boolean
  /** Users with access besides the token's own: assignable, and reviewers. None by default. */
  collaborators: string[]
  /** Team slugs of the owning organization with access (team reviewers). None by default. */
  teams: string[]
  /**
   * The token has admin on the repository. False by default, as for GITHUB_TOKEN and most App
   * and fine-grained tokens: GET /repos/{o}/{r} then omits the merge settings.
   */
  admin: boolean
  /**
   * "Allow GitHub Actions to create and approve pull requests". The box's token stands for an App
   * installation token, which the setting does not concern, so true by default; false models
   * GITHUB_TOKEN in a repository (or organization) with the setting off, the default since 2022:
   * POST /pulls then answers 403.
   */
  actionsMayCreatePullRequests: boolean
  /** Branch name → protection. None by default. */
  protectedBranches: Record<string, BranchProtection>
}

export interface CreateRepoOptions extends Partial<RepoSettings> {
  defaultBranch?: string
  /** Extra small commits (touching `history.txt`) before the one holding `files`. */
  history?: number
  /** path → link target, committed with mode 120000. */
  symlinks?: Record<string, string>
  /**
   * Commits on top of the one holding `files`, each changing what `files(i)` returns (i from 1):
   * the history a config repo gathers from years of promotions.
   */
  afterwards?: { commits: number; files: (i: number) => Record<string, string> }
}

export interface GitHubBox {
  /** 'http://127.0.0.1:PORT': GITHUB_SERVER_URL; repositories at `${url}/owner/name.git`. */
  url: string
  /** url + '/api/v3': GITHUB_API_URL. */
  apiUrl: string
  /** url + '/api/graphql': GITHUB_GRAPHQL_URL. */
  graphqlUrl: string
  /** The one valid token (GitHub installation-token format, `ghs_…`). */
  token: string
  /** Login of the token's user: PR author, and refused as a reviewer. */
  login: string
  /** Temp dir holding the bare repos, at `${root}/owner/name.git`. */
  root: string
  /**
   * Creates owner/name as a bare repo with one commit holding `files` (and `symlinks`) on
   * `defaultBranch` (default 'main'), after `history` small commits. Built with fast-import.
   */
  createRepo(
    fullName: string,
    files: Record<string, string>,
    options?: CreateRepoOptions
  ): Promise<void>
  /**
   * Commits `files` (null deletes) on top of `branch` directly in the bare repo, as a concurrent
   * writer would; a missing branch starts from the default branch. Returns the new sha.
   */
  commit(
    fullName: string,
    branch: string,
    files: Record<string, string | null>,
    message?: string
  ): Promise<string>
  /** Runs git in the bare repo; returns stdout. */
  git(fullName: string, args: string[]): Promise<string>
  /** A file's content at `ref`, or undefined when the ref or path does not exist. */
  readFile(fullName: string, ref: string, path: string): Promise<string | undefined>
  /** Commits reachable from `ref`, newest first. */
  log(fullName: string, ref: string): Promise<LogEntry[]>
  /** Every pull request of the repo, by number, as copies. */
  pulls(fullName: string): PullRecord[]
  /** Every request that reached the box, in arrival order; never holds credentials. */
  readonly requests: LoggedRequest[]
  /** Runs before auth and routing; see `secondaryRateLimit()` and `serverError()`. */
  inject(fn: Injector | undefined): void
  /**
   * Runs before any ref is created, moved or deleted, through the API (`refs/heads/…` as the
   * full ref) or a git push (once per pushed ref, before receive-pack sees the push): a test can
   * land a racing commit between a client's read and its write.
   */
  beforeRefUpdate(fn: ((fullName: string, ref: string) => Promise<void>) | undefined): void
  /**
   * Requests GitHub's own descriptions refuse (REST: @octokit/openapi, GraphQL:
   * @octokit/graphql-schema; see github-schema.ts), in arrival order. The box answers them as
   * GitHub would (404, 400, 422, GraphQL errors) and keeps them here so the test fails.
   */
  readonly violations: readonly Violation[]
  /** Returns the violations so far and forgets them: for tests that send invalid requests on purpose. */
  takeViolations(): Violation[]
  /**
   * Throws, listing them, when violations happened since the last call (and forgets them). Call
   * it in afterEach, so the test that sent an invalid request is the one that fails.
   */
  assertNoViolations(): void
  /**
   * Changes settings of a repository mid-test (the others stay). Armed auto-merges that become
   * mergable (e.g. required checks removed) merge, as on GitHub.
   */
  configureRepo(fullName: string, settings: Partial<RepoSettings>): Promise<void>
  /** The repository's current settings, as a copy. */
  repoSettings(fullName: string): RepoSettings
  /**
   * Reports every required status check green on commit `sha` (what CI would do). Open PRs with
   * that head stop being 'blocked'; those with auto-merge armed merge, as on GitHub.
   */
  passChecks(fullName: string, sha: string): Promise<void>
  /**
   * Keeps an artifact attestation (a Sigstore bundle's JSON) for `digest` in the repository, as
   * actions/attest stores it on GitHub: served by GET /repos/{o}/{r}/attestations/{digest} and
   * GET /orgs/{org}/attestations/{digest}, filtered by predicate_type, 404 when there are none.
   */
  addAttestation(fullName: string, digest: string, predicateType: string, bundle: object): void
  /** Stops the box; then throws if violations were left unclaimed (no assertNoViolations/take). */
  stop(): Promise<void>
}

/** GitHub's secondary rate limit answer (403 + retry-after), which Octokit's throttling knows. */
export function secondaryRateLimit(retryAfterSeconds = 1): Fault {
  return {
    status: 403,
    headers: {
      'content-type': JSON_TYPE,
      'retry-after': String(retryAfterSeconds),
      'x-github-request-id': requestId()
    },
    body: JSON.stringify({
      message: SECONDARY_MESSAGE,
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403'
    })
  }
}

const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.'

/**
 * A secondary rate limit answered without retry-after, only `x-ratelimit-remaining: 0` and
 * `x-ratelimit-reset` (epoch seconds, `resetInSeconds` from when this is called): GitHub says
 * not to retry before that time.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export function secondaryRateLimitUntilReset(resetInSeconds = 3, status: 403 | 429 = 403): Fault {
  return {
    status,
    headers: {
      'content-type': JSON_TYPE,
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': String(RATE_LIMIT),
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
      'x-ratelimit-resource': 'core',
      'x-github-request-id': requestId()
    },
    body: JSON.stringify({
      message: SECONDARY_MESSAGE,
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: String(status)
    })
  }
}

/**
 * A secondary rate limit with neither retry-after nor x-ratelimit-* headers: GitHub says to wait
 * at least one minute, then exponentially longer between retries.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export function secondaryRateLimitWithoutHeaders(status: 403 | 429 = 403): Fault {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, 'x-github-request-id': requestId() },
    body: JSON.stringify({
      message: SECONDARY_MESSAGE,
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: String(status)
    })
  }
}

/** A bare 5xx as GitHub's edge sends it (HTML body, no JSON). */
export function serverError(status = 502): Fault {
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: `<html><body><h1>${status} Server Error</h1></body></html>`
  }
}

// ---------------------------------------------------------------------------------------------
// Constants and small helpers

const DIR_PREFIX = 'promote-image-github-'
const DIR_OWNER = new RegExp(`^${DIR_PREFIX}(\\d+)-`)
const JSON_TYPE = 'application/json; charset=utf-8'
const DOCS = 'https://docs.github.com/rest'
const BOT_LOGIN = 'promote-bot'
const BOT_ID = 149_000_001
const ZERO_SHA = '0'.repeat(40)
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
const RATE_LIMIT = 5000
const MAX_BODY_BYTES = 100 * 1024 * 1024
/** Contents API: files above this come back without content (encoding 'none'). */
const CONTENTS_MAX_BYTES = 1024 * 1024
const TREE_ENTRY_LIMIT = 100_000
/** GitHub's web-flow committer, which signs API-created commits. */
const WEB_FLOW = { name: 'GitHub', email: 'noreply@github.com' }
/** The account behind WEB_FLOW on github.com (https://api.github.com/users/web-flow). */
const WEB_FLOW_LOGIN = 'web-flow'
const WEB_FLOW_ID = 19_864_447
const BOT_IDENT = { name: BOT_LOGIN, email: `${BOT_ID}+${BOT_LOGIN}@users.noreply.github.com` }
const RACER_IDENT = { name: 'Concurrent Writer', email: 'concurrent-writer@example.com' }
const FILE_MODES = new Set(['100644', '100755', '120000'])
const MODE_TYPES: Record<string, string> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '040000': 'tree',
  '160000': 'commit'
}

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function requestId(): string {
  const hex = (n: number): string => randomBytes(n).toString('hex').toUpperCase()
  return `${hex(2)}:${hex(2)}:${hex(3)}:${hex(3)}:${hex(4)}`
}

function nodeId(prefix: string, ...parts: (string | number)[]): string {
  return `${prefix}_kwDO${Buffer.from(parts.join(':')).toString('base64url')}`
}

/** base64 wrapped at 60 columns with a final newline, as the contents and blobs APIs send it. */
function wrappedBase64(bytes: Buffer): string {
  const b64 = bytes.toString('base64')
  let out = ''
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`
  return out
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>
  ) {
    super(String(body.message))
  }
}

function fail(status: number, message: string, extra: Record<string, unknown> = {}): never {
  throw new ApiError(status, { message, ...extra, documentation_url: DOCS, status: String(status) })
}

/** A GraphQL field error: `type` as GitHub sends it (STALE_DATA, NOT_FOUND, UNPROCESSABLE …). */
class GqlError extends Error {
  constructor(
    readonly type: string | undefined,
    message: string,
    readonly node?: FieldNode
  ) {
    super(message)
  }
}

function validationFailed(errors: unknown[]): never {
  fail(422, 'Validation Failed', { errors })
}

function notFound(): never {
  fail(404, 'Not Found')
}

/** Serializes async sections; ref reads, checks and writes of one repo go through one of these. */
class Mutex {
  private tail: Promise<void> = Promise.resolve()

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail
    let release = (): void => {}
    this.tail = new Promise(resolve => (release = resolve))
    await previous
    try {
      return await fn()
    } finally {
      release()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running git

class GitError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string
  ) {
    super(message)
  }
}

interface RunOptions {
  input?: Buffer | string
  env?: Record<string, string>
  /** Exit codes that resolve instead of rejecting (e.g. 1 for `merge-base --is-ancestor`). */
  okCodes?: number[]
}

interface RunResult {
  stdout: Buffer
  code: number
}

/** Environment isolated from the host's git configuration. */
function baseEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C'
  }
}

function run(
  args: string[],
  env: Record<string, string>,
  opts: RunOptions = {}
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env: { ...env, ...opts.env }, stdio: 'pipe' })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.stdin.on('error', () => {}) // EPIPE when git exits before reading all input
    child.once('error', reject)
    child.once('close', code => {
      const stderr = Buffer.concat(err).toString('utf8')
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) {
        resolve({ stdout: Buffer.concat(out), code })
        return
      }
      reject(
        new GitError(
          `git ${args.join(' ')} failed (${String(code)}): ${stderr.trim()}`,
          code,
          stderr
        )
      )
    })
    child.stdin.end(opts.input)
  })
}

/** An object as `git cat-file --batch` gives it (`body` only in --batch mode). */
interface CatFileAnswer {
  sha: string
  type: string
  size: number
  body?: Buffer
}

/**
 * A long-lived `git cat-file --batch` (or `--batch-check`) answering one name per line, in
 * order: the box reads objects without a git process per request (GitHub has none either;
 * 50 overlays were a thousand processes). Only for names that cannot change: shas, and paths
 * or peels of them.
 */
class CatFile {
  private child?: ReturnType<typeof spawn>
  private readonly waiting: Array<{
    resolve: (answer: CatFileAnswer | undefined) => void
    reject: (error: Error) => void
  }> = []
  private buffer: Buffer = Buffer.alloc(0)

  constructor(
    private readonly mode: '--batch' | '--batch-check',
    private readonly env: Record<string, string>
  ) {}

  ask(name: string): Promise<CatFileAnswer | undefined> {
    if (/[\n\0]/.test(name)) return Promise.resolve(undefined)
    const child = this.start()
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      child.stdin!.write(`${name}\n`)
    })
  }

  close(): void {
    this.child?.stdin?.end()
    this.child = undefined
  }

  private start(): ReturnType<typeof spawn> {
    if (this.child) return this.child
    const child = spawn('git', ['cat-file', this.mode], { env: this.env, stdio: 'pipe' })
    child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk
      this.drain()
    })
    child.stdin!.on('error', () => {})
    child.once('close', () => {
      if (this.child === child) this.child = undefined
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('git cat-file exited'))
    })
    this.child = child
    return child
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const newline = this.buffer.indexOf(10)
      if (newline < 0) return
      // "<sha> <type> <size>", or "<name> missing" / "<name> ambiguous".
      const header = /^([0-9a-f]{40}) (\w+) (\d+)$/.exec(
        this.buffer.subarray(0, newline).toString('utf8')
      )
      if (!header) {
        this.buffer = this.buffer.subarray(newline + 1)
        this.waiting.shift()!.resolve(undefined)
        continue
      }
      const answer: CatFileAnswer = { sha: header[1]!, type: header[2]!, size: Number(header[3]) }
      if (this.mode === '--batch') {
        const end = newline + 1 + answer.size
        if (this.buffer.length < end + 1) return
        answer.body = Buffer.from(this.buffer.subarray(newline + 1, end))
        this.buffer = this.buffer.subarray(end + 1)
      } else {
        this.buffer = this.buffer.subarray(newline + 1)
      }
      this.waiting.shift()!.resolve(answer)
    }
  }
}

/** A tree object's entries, as `ls-tree` lists them (modes zero-padded to six digits). */
function parseTree(body: Buffer): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>()
  let at = 0
  while (at < body.length) {
    const space = body.indexOf(32, at)
    const nul = body.indexOf(0, space)
    const mode = body.subarray(at, space).toString('utf8').padStart(6, '0')
    const name = body.subarray(space + 1, nul).toString('utf8')
    const sha = body.subarray(nul + 1, nul + 21).toString('hex')
    const type = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob'
    entries.set(name, { mode, type, sha })
    at = nul + 21
  }
  return entries
}

// ---------------------------------------------------------------------------------------------
// Repositories

interface Ident {
  name: string
  email: string
  date: string
}

interface TreeEntry {
  mode: string
  type: string
  sha: string
  size?: number
}

interface Pull {
  number: number
  nodeId: string
  id: number
  state: 'open' | 'closed'
  title: string
  body: string | null
  draft: boolean
  maintainerCanModify: boolean
  headRef: string
  headSha: string
  baseRef: string
  baseSha: string
  labels: string[]
  requestedReviewers: string[]
  requestedTeams: string[]
  assignees: string[]
  autoMerge: { mergeMethod: MergeMethod } | null
  createdAt: string
  updatedAt: string
  closedAt: string | null
  merged: boolean
  mergedAt: string | null
  mergeCommitSha: string | null
  /** Issue comments, oldest first. */
  comments: { id: number; body: string; createdAt: string }[]
}

interface MergeState {
  state: 'clean' | 'blocked' | 'dirty' | 'unknown'
  mergeable: boolean | null
}

type TreeChange = { path: string; entry: { mode: string; type: string; sha: string } | null }

interface TrieNode {
  /** null deletes the entry; undefined leaves it (only children change). */
  op?: { mode: string; type: string; sha: string } | null
  children: Map<string, TrieNode>
}

class Repo {
  readonly mutex = new Mutex()
  readonly pulls: Pull[] = []
  readonly createdAt = nowIso()
  /** Commits whose required status checks have all passed (`passChecks`). */
  readonly passedChecks = new Set<string>()

  constructor(
    readonly owner: string,
    readonly name: string,
    readonly dir: string,
    readonly id: number,
    public defaultBranch: string,
    public settings: RepoSettings,
    private readonly env: Record<string, string>
  ) {
    this.objects = new CatFile('--batch', { ...env, GIT_DIR: dir })
    this.objectInfo = new CatFile('--batch-check', { ...env, GIT_DIR: dir })
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`
  }

  /** The protection of a full ref name, when it is a protected branch. */
  protectionOf(ref: string): BranchProtection | undefined {
    if (!ref.startsWith('refs/heads/')) return undefined
    const branch = ref.slice('refs/heads/'.length)
    return Object.hasOwn(this.settings.protectedBranches, branch)
      ? this.settings.protectedBranches[branch]
      : undefined
  }

  hasAccess(login: string, list: 'collaborators' | 'teams'): string | undefined {
    return this.settings[list].find(c => c.toLowerCase() === login.toLowerCase())
  }

  get nodeId(): string {
    return nodeId('R', this.id)
  }

  git(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return run(args, { ...this.env, GIT_DIR: this.dir }, opts)
  }

  async text(args: string[], opts: RunOptions = {}): Promise<string> {
    return (await this.git(args, opts)).stdout.toString('utf8')
  }

  /**
   * Answers about objects named by their sha never change (GitHub caches them too): without
   * this, each contents request would cost the box four or five git processes.
   */
  private readonly immutable = new Map<string, Promise<unknown>>()
  private readonly objects: CatFile
  private readonly objectInfo: CatFile

  /** Stops the long-lived git processes (the box is stopping). */
  close(): void {
    this.objects.close()
    this.objectInfo.close()
  }

  /** A blob's bytes; throws when `sha` names no blob. */
  async blob(sha: string): Promise<Buffer> {
    const answer = /^[0-9a-f]{40}$/.test(sha) ? await this.objects.ask(sha) : undefined
    if (answer?.type !== 'blob' || !answer.body) throw new GitError(`no blob ${sha}`, 128, '')
    return answer.body
  }

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let answer = this.immutable.get(key) as Promise<T> | undefined
    if (!answer) {
      answer = read()
      this.immutable.set(key, answer)
      answer.catch(() => this.immutable.delete(key))
    }
    return answer
  }

  /** Object name of `rev`, or undefined when it does not resolve. */
  async resolve(rev: string): Promise<string | undefined> {
    // A sha, or a path or peel of one, names the same object forever; branch names do not.
    if (!/^[0-9a-f]{40}(?:\^\{\w+\}|:.*)?$/.test(rev)) return this.resolveNow(rev)
    const sha = await this.once(
      `resolve\0${rev}`,
      async () => (await this.objectInfo.ask(rev))?.sha
    )
    // An object not written yet may be pushed later: only found ones are remembered.
    if (sha === undefined) this.immutable.delete(`resolve\0${rev}`)
    return sha
  }

  private async resolveNow(rev: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', rev],
      {
        okCodes: [1, 128]
      }
    )
    return code === 0 ? stdout.toString('utf8').trim() : undefined
  }

  /** Synchronous variant for the synchronous test API (pulls()). */
  resolveSync(rev: string): string | undefined {
    try {
      return execFileSync('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', rev], {
        env: { ...this.env, GIT_DIR: this.dir },
        stdio: ['ignore', 'pipe', 'ignore']
      })
        .toString('utf8')
        .trim()
    } catch {
      return undefined
    }
  }

  /** Tip of exactly `ref` (a full name), or undefined: no revision syntax, no prefix matches. */
  async readRef(ref: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(['show-ref', '--verify', '--', ref], {
      okCodes: [1, 128]
    })
    return code === 0 ? stdout.toString('utf8').split(' ')[0] : undefined
  }

  async objectType(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined
    const type = await this.once(`type\0${sha}`, async () => (await this.objectInfo.ask(sha))?.type)
    // A missing object may be written later: only found ones are remembered.
    if (type === undefined) this.immutable.delete(`type\0${sha}`)
    return type
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { code } = await this.git(['merge-base', '--is-ancestor', ancestor, descendant], {
      okCodes: [1]
    })
    return code === 0
  }

  async hashBlob(content: Buffer): Promise<string> {
    return (await this.text(['hash-object', '-w', '--stdin'], { input: content })).trim()
  }

  /** One level of a tree: name → entry. */
  async lsTree(tree: string, long = false): Promise<Map<string, TreeEntry>> {
    const args = ['ls-tree', '-z', ...(long ? ['-l'] : []), tree]
    if (!/^[0-9a-f]{40}$/.test(tree)) return parseLsTree(await this.git(args))
    const entries = await this.once(`ls-tree\0${args.join(' ')}`, async () => {
      const answer = await this.objects.ask(tree)
      // Not a tree: ls-tree says why.
      if (answer?.type !== 'tree' || !answer.body) return parseLsTree(await this.git(args))
      const parsed = parseTree(answer.body)
      if (long) {
        await Promise.all(
          [...parsed.values()].map(async entry => {
            if (entry.type === 'blob') entry.size = (await this.objectInfo.ask(entry.sha))?.size
          })
        )
      }
      return parsed
    })
    // Callers get their own copy: some edit the map they are given.
    return new Map([...entries].map(([name, entry]) => [name, { ...entry }]))
  }

  /**
   * Applies `changes` to `baseTree` by rewriting only the trees on the changed paths (ls-tree +
   * mktree per level), so the cost does not grow with the size of the repository, as on GitHub.
   */
  async buildTree(baseTree: string | undefined, changes: TreeChange[]): Promise<string> {
    const root: TrieNode = { children: new Map() }
    for (const change of changes) {
      let node = root
      for (const part of change.path.split('/')) {
        let child = node.children.get(part)
        if (!child) {
          child = { children: new Map() }
          node.children.set(part, child)
        }
        node = child
      }
      // A later change to the same path wins; it also replaces what earlier ones did below it.
      node.op = change.entry
      node.children.clear()
    }
    return (await this.writeTrie(baseTree, root)) ?? EMPTY_TREE
  }

  private async writeTrie(tree: string | undefined, node: TrieNode): Promise<string | undefined> {
    const entries = tree ? await this.lsTree(tree) : new Map<string, TreeEntry>()
    // Sibling subtrees are independent: written side by side (50 apps are 150 trees).
    const written = await Promise.all(
      [...node.children].map(async ([name, child]) => {
        let entry = child.op === null ? undefined : (child.op ?? entries.get(name))
        if (child.children.size > 0) {
          const sub = await this.writeTrie(entry?.type === 'tree' ? entry.sha : undefined, child)
          entry = sub ? { mode: '040000', type: 'tree', sha: sub } : undefined
        }
        return [name, entry] as const
      })
    )
    for (const [name, entry] of written) {
      if (entry) entries.set(name, entry)
      else entries.delete(name)
    }
    // Git stores no empty directories; neither does GitHub.
    if (entries.size === 0) return undefined
    let input = ''
    for (const [name, e] of entries) input += `${e.mode} ${e.type} ${e.sha}\t${name}\0`
    return (await this.text(['mktree', '-z'], { input })).trim()
  }

  async commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: Ident | undefined,
    committer: Ident | undefined
  ): Promise<string> {
    const env: Record<string, string> = {}
    const ident = (prefix: string, who: Ident | undefined): void => {
      if (!who) return
      env[`GIT_${prefix}_NAME`] = who.name
      env[`GIT_${prefix}_EMAIL`] = who.email
      if (who.date) env[`GIT_${prefix}_DATE`] = who.date
    }
    ident('AUTHOR', author)
    ident('COMMITTER', committer)
    const args = ['commit-tree', tree, ...parents.flatMap(p => ['-p', p])]
    return (await this.text(args, { input: message, env })).trim()
  }

  /** Compare-and-swap of one ref: `old` undefined means "must not exist". */
  async casRef(ref: string, next: string | null, old: string | undefined): Promise<boolean> {
    const args =
      next === null
        ? ['update-ref', '-d', ref, old ?? '']
        : ['update-ref', ref, next, old ?? ZERO_SHA]
    const { code } = await this.git(args, { okCodes: [1, 128] })
    return code === 0
  }
}

function parseLsTree(result: RunResult): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>()
  for (const record of result.stdout.toString('utf8').split('\0')) {
    if (!record) continue
    const tab = record.indexOf('\t')
    const [mode = '', type = '', sha = '', size] = record.slice(0, tab).split(/ +/)
    const entry: TreeEntry = { mode, type, sha }
    if (size !== undefined && size !== '-') entry.size = Number(size)
    entries.set(record.slice(tab + 1), entry)
  }
  return entries
}

function parseIdent(line: string): Ident {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line)
  if (!m) return { name: line, email: '', date: nowIso() }
  const date = new Date(Number(m[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return { name: m[1] ?? '', email: m[2] ?? '', date }
}

interface ParsedCommit {
  tree: string
  parents: string[]
  author: Ident
  committer: Ident
  message: string
  raw: string
}

function parseCommit(raw: string): ParsedCommit {
  const split = raw.indexOf('\n\n')
  const header = split === -1 ? raw : raw.slice(0, split)
  const message = split === -1 ? '' : raw.slice(split + 2)
  const commit: ParsedCommit = {
    tree: '',
    parents: [],
    author: parseIdent(''),
    committer: parseIdent(''),
    message: message.replace(/\n+$/, ''),
    raw
  }
  for (const line of header.split('\n')) {
    const space = line.indexOf(' ')
    const key = line.slice(0, space)
    const value = line.slice(space + 1)
    if (key === 'tree') commit.tree = value
    else if (key === 'parent') commit.parents.push(value)
    else if (key === 'author') commit.author = parseIdent(value)
    else if (key === 'committer') commit.committer = parseIdent(value)
  }
  return commit
}

/** A path as fast-import reads it: C-quoted when it would otherwise be misread. */
function fastImportPath(p: string): string {
  if (!/^"|[\n"\\]/.test(p)) return p
  return `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

function validPath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.endsWith('/') || p.includes('\0')) return false
  return p.split('/').every(part => part !== '' && part !== '.' && part !== '..' && part !== '.git')
}

// ---------------------------------------------------------------------------------------------
// The server

interface Context {
  req: IncomingMessage
  res: ServerResponse
  entry: LoggedRequest
  url: URL
  /** Set by an injector's `{ applyThen }`: the request runs, then this answers instead. */
  applyThen?: Fault
}

export async function startGitHubBox(): Promise<GitHubBox> {
  await removeOrphanedDirs()
  const root = await mkdtemp(path.join(tmpdir(), `${DIR_PREFIX}${process.pid}-`))
  const env = baseEnv(root)
  // GitHub's installation-token format, as GITHUB_TOKEN has: ghs_ + 36 base62 characters.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const token = `ghs_${Array.from({ length: 36 }, () => alphabet[randomInt(alphabet.length)]).join('')}`
  const repos = new Map<string, Repo>()
  const verified = new Set<string>()
  const requests: LoggedRequest[] = []
  const violations: Violation[] = []
  /** Bodies read by the strictness check, for the handler's readBody to return. */
  const checkedBodies = new WeakMap<IncomingMessage, Buffer>()
  let injector: Injector | undefined
  let refHook: ((fullName: string, ref: string) => Promise<void>) | undefined
  let nextId = 1000
  let rateUsed = 0
  const rateReset = Math.floor(Date.now() / 1000) + 3600
  let url = ''
  let apiUrl = ''
  const startedAt = nowIso()

  const findRepo = (fullName: string): Repo | undefined => repos.get(fullName.toLowerCase())
  const mustRepo = (fullName: string): Repo => {
    const repo = findRepo(fullName)
    if (!repo) throw new Error(`GitHub box: no repository ${fullName}`)
    return repo
  }

  // --- auth -----------------------------------------------------------------------------------

  const classifyAuth = (header: string | undefined, kind: RequestKind): LoggedRequest['auth'] => {
    if (header === undefined) return 'none'
    const [scheme = '', ...rest] = header.trim().split(/\s+/)
    const value = rest.join(' ')
    switch (scheme.toLowerCase()) {
      case 'token':
        // The REST API's own scheme; git over HTTP takes Basic or Bearer only.
        return kind !== 'git' && value === token ? 'token' : 'bad'
      case 'bearer':
        return value === token ? 'token' : 'bad'
      case 'basic': {
        const decoded = Buffer.from(value, 'base64').toString('utf8')
        const colon = decoded.indexOf(':')
        const user = colon === -1 ? decoded : decoded.slice(0, colon)
        const password = colon === -1 ? '' : decoded.slice(colon + 1)
        // Like GitHub: any username with the token as password, or the token as username.
        return password === token || user === token ? 'basic' : 'bad'
      }
      default:
        return 'bad'
    }
  }

  // --- responses ------------------------------------------------------------------------------

  const rateHeaders = (resource: string): Record<string, string> => {
    rateUsed = (rateUsed % RATE_LIMIT) + 1
    return {
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(RATE_LIMIT - rateUsed),
      'x-ratelimit-reset': String(rateReset),
      'x-ratelimit-used': String(rateUsed),
      'x-ratelimit-resource': resource
    }
  }

  const sendJson = (
    ctx: Context,
    status: number,
    body: unknown,
    headers: Record<string, string> = {}
  ): void => {
    if (ctx.applyThen) {
      sendFault(ctx, ctx.applyThen)
      return
    }
    const payload = status === 204 ? '' : JSON.stringify(body)
    ctx.entry.status = status
    ctx.res.writeHead(status, {
      'content-type': JSON_TYPE,
      'x-github-request-id': requestId(),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      ...rateHeaders(ctx.entry.kind === 'graphql' ? 'graphql' : 'core'),
      ...(status !== 204 && { 'content-length': String(Buffer.byteLength(payload)) }),
      ...headers
    })
    ctx.res.end(payload)
  }

  const sendFault = (ctx: Context, fault: Fault): void => {
    ctx.req.resume() // drain the body so the client is not stuck writing it
    if (fault.hang) return
    const act = (): void => {
      if (fault.reset) {
        ctx.req.socket.destroy()
        return
      }
      ctx.entry.status = fault.status
      ctx.res.writeHead(fault.status, fault.headers).end(fault.body)
    }
    if (fault.delayMs === undefined) {
      act()
      return
    }
    const timer = setTimeout(act, fault.delayMs)
    ctx.res.once('close', () => clearTimeout(timer))
  }

  const readBody = async (req: IncomingMessage): Promise<Buffer> => {
    const checked = checkedBodies.get(req)
    if (checked) return checked
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > MAX_BODY_BYTES) fail(413, 'Payload too large')
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks)
  }

  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const raw = await readBody(req)
    if (raw.length === 0) return {}
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      fail(400, 'Problems parsing JSON')
    }
    if (parsed === null || typeof parsed !== 'object') fail(400, 'Problems parsing JSON')
    return parsed as Record<string, unknown>
  }

  // --- shapes ---------------------------------------------------------------------------------

  // GitHub's simple-user (https://docs.github.com/rest/users/users#get-a-user): every *_url,
  // templates included, hangs off the API's /users/{login}, organizations too.
  let nextCommentId = 1_000_001
  const userShape = (login: string, type: 'User' | 'Bot' | 'Organization' = 'User'): object => {
    const id =
      login === BOT_LOGIN
        ? BOT_ID
        : login === WEB_FLOW_LOGIN
          ? WEB_FLOW_ID
          : 2_000_000 + login.length
    const api = `${apiUrl}/users/${login}`
    return {
      login,
      id,
      node_id: nodeId(type === 'Bot' ? 'BOT' : type === 'Organization' ? 'O' : 'U', login),
      avatar_url: `${url}/avatars/u/${id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: `${url}/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type,
      user_view_type: 'public',
      site_admin: false
    }
  }
  const botShape = (): object => userShape(BOT_LOGIN, 'Bot')
  /**
   * The account a commit's email belongs to, as the REST commit shapes link it: the bot's
   * noreply address, GitHub's own committer (web-flow, which signs web and API commits), or
   * null for an address no account claims.
   */
  const accountOf = (ident: { email: string }): object | null =>
    ident.email === BOT_IDENT.email
      ? botShape()
      : ident.email === WEB_FLOW.email
        ? userShape(WEB_FLOW_LOGIN)
        : null

  const repoApi = (repo: Repo): string => `${apiUrl}/repos/${repo.fullName}`

  /**
   * GitHub's repository (`full`: full-repository, what GET /repos/{o}/{r} answers; else the
   * repository inside a pull request's head and base), with the URL templates GitHub sends
   * (https://docs.github.com/rest/repos/repos#get-a-repository).
   */
  const repoShape = (repo: Repo, full = true): object => {
    const api = repoApi(repo)
    const host = new URL(url).host
    const openIssues = repo.pulls.filter(p => p.state === 'open').length
    return {
      id: repo.id,
      node_id: repo.nodeId,
      name: repo.name,
      full_name: repo.fullName,
      private: true,
      owner: userShape(repo.owner, 'Organization'),
      html_url: `${url}/${repo.fullName}`,
      description: null,
      fork: false,
      url: api,
      forks_url: `${api}/forks`,
      keys_url: `${api}/keys{/key_id}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      teams_url: `${api}/teams`,
      hooks_url: `${api}/hooks`,
      issue_events_url: `${api}/issues/events{/number}`,
      events_url: `${api}/events`,
      assignees_url: `${api}/assignees{/user}`,
      branches_url: `${api}/branches{/branch}`,
      tags_url: `${api}/tags`,
      blobs_url: `${api}/git/blobs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      trees_url: `${api}/git/trees{/sha}`,
      statuses_url: `${api}/statuses/{sha}`,
      languages_url: `${api}/languages`,
      stargazers_url: `${api}/stargazers`,
      contributors_url: `${api}/contributors`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      commits_url: `${api}/commits{/sha}`,
      git_commits_url: `${api}/git/commits{/sha}`,
      comments_url: `${api}/comments{/number}`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      contents_url: `${api}/contents/{+path}`,
      compare_url: `${api}/compare/{base}...{head}`,
      merges_url: `${api}/merges`,
      archive_url: `${api}/{archive_format}{/ref}`,
      downloads_url: `${api}/downloads`,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      labels_url: `${api}/labels{/name}`,
      releases_url: `${api}/releases{/id}`,
      deployments_url: `${api}/deployments`,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      pushed_at: repo.createdAt,
      git_url: `${url}/${repo.fullName}.git`,
      ssh_url: `git@${host}:${repo.fullName}.git`,
      clone_url: `${url}/${repo.fullName}.git`,
      svn_url: `${url}/${repo.fullName}`,
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      // Pull requests are issues: GitHub counts the open ones in open_issues_count.
      open_issues_count: openIssues,
      license: null,
      allow_forking: false,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: 'private',
      forks: 0,
      open_issues: openIssues,
      watchers: 0,
      default_branch: repo.defaultBranch,
      permissions: {
        admin: repo.settings.admin,
        maintain: repo.settings.admin,
        push: true,
        triage: true,
        pull: true
      },
      // The merge settings come back only to a token with admin on the repository; they are
      // optional in the schema (https://docs.github.com/rest/repos/repos#get-a-repository), and
      // absent for GITHUB_TOKEN and most App tokens (../../../shared/reference/github-realities.md).
      // GraphQL's Repository.autoMergeAllowed answers with read access.
      ...(repo.settings.admin && {
        allow_auto_merge: repo.settings.allowAutoMerge,
        allow_squash_merge: repo.settings.allowSquashMerge,
        allow_merge_commit: repo.settings.allowMergeCommit,
        allow_rebase_merge: repo.settings.allowRebaseMerge,
        allow_update_branch: false,
        delete_branch_on_merge: repo.settings.deleteBranchOnMerge
      }),
      ...(full && { network_count: 0, subscribers_count: 1 })
    }
  }

  const refShape = async (repo: Repo, ref: string, sha: string): Promise<object> => {
    const type = (await repo.objectType(sha)) ?? 'commit'
    return {
      ref,
      node_id: nodeId('REF', repo.id, ref),
      url: `${repoApi(repo)}/git/${ref}`,
      object: { sha, type, url: `${repoApi(repo)}/git/${type}s/${sha}` }
    }
  }

  const commitShape = async (repo: Repo, sha: string): Promise<object> => {
    const c = parseCommit(await repo.text(['cat-file', 'commit', sha]))
    const isVerified = verified.has(sha)
    return {
      sha,
      node_id: nodeId('C', repo.id, sha),
      url: `${repoApi(repo)}/git/commits/${sha}`,
      html_url: `${url}/${repo.fullName}/commit/${sha}`,
      author: c.author,
      committer: c.committer,
      tree: { sha: c.tree, url: `${repoApi(repo)}/git/trees/${c.tree}` },
      message: c.message,
      parents: c.parents.map(p => ({
        sha: p,
        url: `${repoApi(repo)}/git/commits/${p}`,
        html_url: `${url}/${repo.fullName}/commit/${p}`
      })),
      verification: isVerified
        ? {
            verified: true,
            reason: 'valid',
            signature:
              '-----BEGIN PGP SIGNATURE-----\n(GitHub in a box)\n-----END PGP SIGNATURE-----\n',
            payload: c.raw,
            verified_at: c.committer.date
          }
        : { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null }
    }
  }

  /**
   * GitHub's "commit" (the repos API's: GET /commits, branches, compare): the git commit nested
   * under `commit`, its accounts and parents beside it, parents linking the repos API.
   * https://docs.github.com/rest/commits/commits#get-a-commit
   */
  const repoCommitShape = async (repo: Repo, sha: string): Promise<object> => {
    const git = (await commitShape(repo, sha)) as {
      node_id: string
      url: string
      html_url: string
      author: Ident
      committer: Ident
      message: string
      tree: object
      parents: { sha: string; html_url: string }[]
      verification: object
    }
    return {
      sha,
      node_id: git.node_id,
      commit: {
        author: git.author,
        committer: git.committer,
        message: git.message,
        tree: git.tree,
        url: git.url,
        comment_count: 0,
        verification: git.verification
      },
      url: `${repoApi(repo)}/commits/${sha}`,
      html_url: git.html_url,
      comments_url: `${repoApi(repo)}/commits/${sha}/comments`,
      author: accountOf(git.author),
      committer: accountOf(git.committer),
      parents: git.parents.map(p => ({
        sha: p.sha,
        url: `${repoApi(repo)}/commits/${p.sha}`,
        html_url: p.html_url
      }))
    }
  }

  const labelShape = (repo: Repo, name: string): object => ({
    id: 5_000_000 + [...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 1_000_000, 7),
    node_id: nodeId('LA', repo.id, name),
    url: `${repoApi(repo)}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null
  })

  // GitHub's team (https://docs.github.com/rest/teams/teams#get-a-team-by-name), as listed in a
  // pull request's requested_teams.
  const teamShape = (repo: Repo, slug: string): object => {
    const api = `${apiUrl}/orgs/${repo.owner}/teams/${slug}`
    return {
      id: 7_000_000 + slug.length,
      node_id: nodeId('T', repo.owner, slug),
      name: slug,
      slug,
      description: null,
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      url: api,
      html_url: `${url}/orgs/${repo.owner}/teams/${slug}`,
      members_url: `${api}/members{/member}`,
      repositories_url: `${api}/repos`,
      type: 'organization',
      permission: 'pull',
      parent: null
    }
  }

  /** Head/base shas follow the branches; a deleted head branch closes the PR, as on GitHub. */
  const refreshPull = (pull: Pull, head?: string, base?: string): void => {
    if (head) pull.headSha = head
    else if (pull.state === 'open') {
      pull.state = 'closed'
      pull.closedAt = nowIso()
      pull.updatedAt = pull.closedAt
    }
    if (base) pull.baseSha = base
  }
  const refreshPullAsync = async (repo: Repo, pull: Pull): Promise<void> => {
    const [head, base] = await Promise.all([
      repo.readRef(`refs/heads/${pull.headRef}`),
      repo.readRef(`refs/heads/${pull.baseRef}`)
    ])
    refreshPull(pull, head, base)
  }

  const pullShape = (
    repo: Repo,
    pull: Pull,
    full: boolean,
    merge: MergeState = { state: 'unknown', mergeable: null }
  ): object => {
    const prUrl = `${repoApi(repo)}/pulls/${pull.number}`
    const html = `${url}/${repo.fullName}/pull/${pull.number}`
    const side = (ref: string, sha: string): object => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha,
      user: userShape(repo.owner, 'Organization'),
      repo: repoShape(repo, false)
    })
    return {
      url: prUrl,
      id: pull.id,
      node_id: pull.nodeId,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${repoApi(repo)}/issues/${pull.number}`,
      commits_url: `${prUrl}/commits`,
      review_comments_url: `${prUrl}/comments`,
      review_comment_url: `${repoApi(repo)}/pulls/comments{/number}`,
      comments_url: `${repoApi(repo)}/issues/${pull.number}/comments`,
      statuses_url: `${repoApi(repo)}/statuses/${pull.headSha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: botShape(),
      body: pull.body,
      labels: pull.labels.map(l => labelShape(repo, l)),
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      assignee: pull.assignees[0] ? userShape(pull.assignees[0]) : null,
      assignees: pull.assignees.map(a => userShape(a)),
      requested_reviewers: pull.requestedReviewers.map(r => userShape(r)),
      requested_teams: pull.requestedTeams.map(t => teamShape(repo, t)),
      head: side(pull.headRef, pull.headSha),
      base: side(pull.baseRef, pull.baseSha),
      author_association: 'CONTRIBUTOR',
      auto_merge: pull.autoMerge && {
        enabled_by: botShape(),
        merge_method: pull.autoMerge.mergeMethod.toLowerCase(),
        commit_title: null,
        commit_message: null
      },
      draft: pull.draft,
      _links: {
        self: { href: prUrl },
        html: { href: html },
        issue: { href: `${repoApi(repo)}/issues/${pull.number}` },
        comments: { href: `${repoApi(repo)}/issues/${pull.number}/comments` },
        review_comments: { href: `${prUrl}/comments` },
        review_comment: { href: `${repoApi(repo)}/pulls/comments{/number}` },
        commits: { href: `${prUrl}/commits` },
        statuses: { href: `${repoApi(repo)}/statuses/${pull.headSha}` }
      },
      ...(full && {
        merged: pull.merged,
        mergeable: merge.mergeable,
        rebaseable: merge.mergeable,
        mergeable_state: merge.state,
        merged_by: pull.merged ? botShape() : null,
        comments: 0,
        review_comments: 0,
        maintainer_can_modify: pull.maintainerCanModify,
        commits: 1,
        additions: 0,
        deletions: 0,
        changed_files: 0
      })
    }
  }

  // GitHub's issue (https://docs.github.com/rest/issues/issues#get-an-issue): a pull request is
  // one, with `pull_request` linking it.
  const issueShape = (repo: Repo, pull: Pull): object => {
    const issueUrl = `${repoApi(repo)}/issues/${pull.number}`
    const html = `${url}/${repo.fullName}/pull/${pull.number}`
    return {
      url: issueUrl,
      repository_url: repoApi(repo),
      labels_url: `${issueUrl}/labels{/name}`,
      comments_url: `${issueUrl}/comments`,
      events_url: `${issueUrl}/events`,
      html_url: html,
      id: pull.id,
      node_id: pull.nodeId,
      number: pull.number,
      title: pull.title,
      user: botShape(),
      labels: pull.labels.map(l => labelShape(repo, l)),
      state: pull.state,
      locked: false,
      assignee: pull.assignees[0] ? userShape(pull.assignees[0]) : null,
      assignees: pull.assignees.map(a => userShape(a)),
      milestone: null,
      comments: 0,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      author_association: 'CONTRIBUTOR',
      active_lock_reason: null,
      draft: pull.draft,
      pull_request: {
        url: `${repoApi(repo)}/pulls/${pull.number}`,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: pull.mergedAt
      },
      body: pull.body,
      closed_by: pull.state === 'closed' ? botShape() : null,
      timeline_url: `${issueUrl}/timeline`,
      performed_via_github_app: null
      // state_reason left out: GitHub sends null on pull requests, which the description's
      // nullable enum leaves out of its values (and ajv enforces that).
    }
  }

  const toRecord = (pull: Pull): PullRecord => ({
    number: pull.number,
    nodeId: pull.nodeId,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    maintainerCanModify: pull.maintainerCanModify,
    head: { ref: pull.headRef, sha: pull.headSha },
    base: { ref: pull.baseRef, sha: pull.baseSha },
    user: BOT_LOGIN,
    labels: [...pull.labels],
    requestedReviewers: [...pull.requestedReviewers],
    requestedTeams: [...pull.requestedTeams],
    assignees: [...pull.assignees],
    autoMerge: pull.autoMerge && { ...pull.autoMerge },
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    closedAt: pull.closedAt,
    merged: pull.merged,
    mergedAt: pull.mergedAt,
    mergeCommitSha: pull.mergeCommitSha,
    comments: pull.comments.map(c => c.body)
  })

  // --- merging --------------------------------------------------------------------------------

  /** The merged tree of two commits, or undefined on a conflict (`merge-tree`, git ≥ 2.38). */
  const mergeTree = async (
    repo: Repo,
    ours: string,
    theirs: string
  ): Promise<string | undefined> => {
    const { stdout, code } = await repo.git(
      ['merge-tree', '--write-tree', '--no-messages', ours, theirs],
      { okCodes: [1] }
    )
    return code === 0 ? stdout.toString('utf8').split('\n')[0]!.trim() : undefined
  }

  /**
   * GitHub's mergeable_state of an open PR: 'dirty' on a conflict, 'blocked' while the base
   * branch's required status checks have not passed on the head, else 'clean'.
   * https://docs.github.com/graphql/reference/enums#mergestatestatus
   */
  const mergeState = async (repo: Repo, pull: Pull): Promise<MergeState> => {
    if (pull.state !== 'open') return { state: 'unknown', mergeable: null }
    if (!(await mergeTree(repo, pull.baseSha, pull.headSha)))
      return { state: 'dirty', mergeable: false }
    const checks = repo.protectionOf(`refs/heads/${pull.baseRef}`)?.requiredStatusChecks ?? []
    if (checks.length > 0 && !repo.passedChecks.has(pull.headSha))
      return { state: 'blocked', mergeable: true }
    return { state: 'clean', mergeable: true }
  }

  /**
   * Merges a PR the way GitHub does, in the bare repo: a merge commit, a squash or a rebase
   * (each commit replayed with GitHub as committer), then a compare-and-swap of the base branch.
   * Messages: https://docs.github.com/rest/pulls/pulls#merge-a-pull-request, and the 405s for a
   * method the repository does not allow as in https://github.com/bazelbuild/continuous-integration/pull/2178
   * and https://github.com/ridedott/merge-me-action/issues/329.
   */
  const mergePull = async (
    repo: Repo,
    pull: Pull,
    method: 'merge' | 'squash' | 'rebase',
    opts: { sha?: string; title?: string; message?: string } = {}
  ): Promise<string> => {
    await refreshPullAsync(repo, pull)
    if (pull.state !== 'open') fail(405, 'Pull Request is not mergeable')
    const allowed = {
      merge: [repo.settings.allowMergeCommit, 'Merge commits are not allowed on this repository.'],
      squash: [repo.settings.allowSquashMerge, 'Squash merges are not allowed on this repository.'],
      rebase: [repo.settings.allowRebaseMerge, 'Rebase merges are not allowed on this repository.']
    } as const
    if (!allowed[method][0]) fail(405, allowed[method][1])
    if (opts.sha !== undefined && opts.sha !== pull.headSha)
      fail(409, 'Head branch was modified. Review and try the merge again.')
    const state = await mergeState(repo, pull)
    if (state.state === 'dirty') fail(405, 'Pull Request is not mergeable')
    const rule = repo.protectionOf(`refs/heads/${pull.baseRef}`)
    if (state.state === 'blocked' && rule) {
      // https://github.com/dependabot/dependabot-core/pull/9454 (required status check messages)
      if (rule.kind === 'ruleset')
        fail(405, `Repository rule violations found\n\n${ruleLines(rule).slice(1).join('\n')}\n\n`)
      fail(405, `Required status check "${rule.requiredStatusChecks![0]}" is expected.`)
    }
    const baseRef = `refs/heads/${pull.baseRef}`
    const headRef = `refs/heads/${pull.headRef}`
    const sha = await refHookThen(repo, baseRef, async () => {
      const [base, head] = await Promise.all([repo.readRef(baseRef), repo.readRef(headRef)])
      if (!base || !head) fail(405, 'Pull Request is not mergeable')
      if (opts.sha !== undefined && head !== opts.sha)
        fail(409, 'Head branch was modified. Review and try the merge again.')
      const author = { ...BOT_IDENT, date: '' }
      const committer = { ...WEB_FLOW, date: '' }
      let next: string
      if (method === 'rebase') {
        const mergeBase = (await repo.text(['merge-base', base, head])).trim()
        const commits = (
          await repo.text(['rev-list', '--reverse', '--no-merges', `${mergeBase}..${head}`])
        )
          .split('\n')
          .filter(Boolean)
        next = base
        for (const c of commits) {
          const commit = parseCommit(await repo.text(['cat-file', 'commit', c]))
          const parent = commit.parents[0]!
          let tree: string | undefined = commit.tree
          if (parent !== next) {
            // A cherry-pick with git 2.39's merge-tree (no --merge-base): a throwaway commit of
            // `next`'s tree on `parent` makes `parent` the merge base of it and `c`.
            const onto = await repo.commitTree(
              (await repo.resolve(`${next}^{tree}`))!,
              [parent],
              'rebase',
              author,
              committer
            )
            tree = await mergeTree(repo, onto, c)
            if (!tree) fail(405, 'Pull Request is not mergeable')
          }
          next = await repo.commitTree(tree, [next], commit.message, commit.author, committer)
          verified.add(next)
        }
      } else {
        const tree = await mergeTree(repo, base, head)
        if (!tree) fail(405, 'Pull Request is not mergeable')
        const title =
          opts.title ??
          (method === 'merge'
            ? `Merge pull request #${pull.number} from ${repo.owner}/${pull.headRef}`
            : `${pull.title} (#${pull.number})`)
        const message = opts.message ?? (method === 'merge' ? pull.title : '')
        const parents = method === 'merge' ? [base, head] : [base]
        next = await repo.commitTree(
          tree,
          parents,
          message ? `${title}\n\n${message}` : title,
          author,
          committer
        )
        verified.add(next)
      }
      if (!(await repo.casRef(baseRef, next, base)))
        fail(409, 'Base branch was modified. Review and try the merge again.')
      return next
    })
    const now = nowIso()
    Object.assign(pull, {
      state: 'closed',
      merged: true,
      mergedAt: now,
      closedAt: now,
      updatedAt: now,
      mergeCommitSha: sha,
      autoMerge: null
    })
    if (repo.settings.deleteBranchOnMerge) {
      await repo.mutex.run(async () => {
        const head = await repo.readRef(headRef)
        if (head) await repo.casRef(headRef, null, head)
      })
    }
    return sha
  }

  /** What GitHub does for armed auto-merges once nothing is pending: merges them. */
  const sweepAutoMerges = async (repo: Repo): Promise<void> => {
    for (const pull of repo.pulls) {
      if (pull.state !== 'open' || !pull.autoMerge) continue
      await refreshPullAsync(repo, pull)
      if ((await mergeState(repo, pull)).state !== 'clean') continue
      const method = pull.autoMerge.mergeMethod.toLowerCase() as 'merge' | 'squash' | 'rebase'
      try {
        await mergePull(repo, pull, method)
      } catch (err) {
        // GitHub disables auto-merge when the merge fails.
        if (!(err instanceof ApiError)) throw err
        pull.autoMerge = null
      }
    }
  }

  // --- REST handlers --------------------------------------------------------------------------

  type Handler = (ctx: Context, repo: Repo, params: string[]) => Promise<void>
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = []
  const route = (method: string, pattern: RegExp, handler: Handler): void => {
    routes.push({ method, pattern, handler })
  }

  const str = (body: Record<string, unknown>, key: string): string => {
    const value = body[key]
    if (typeof value !== 'string') fail(422, `Invalid request.\n\n"${key}" wasn't supplied.`)
    return value
  }
  const optStr = (body: Record<string, unknown>, key: string): string | undefined => {
    const value = body[key]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string')
      fail(422, `Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not a string.`)
    return value
  }
  const strList = (value: unknown): string[] => {
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) fail(422, 'Invalid request.\n\nExpected an array.')
    return value.map(v =>
      typeof v === 'object' && v !== null && 'name' in v ? String(v.name) : String(v)
    )
  }

  const refHookThen = async <T>(repo: Repo, ref: string, fn: () => Promise<T>): Promise<T> => {
    // Outside the mutex: the hook may itself commit (box.commit takes the mutex).
    if (refHook) await refHook(repo.fullName, ref)
    return repo.mutex.run(fn)
  }

  /** What a protection requires, as GitHub lists it under a refused update. */
  const ruleLines = (rule: BranchProtection): string[] => {
    const checks = rule.requiredStatusChecks ?? []
    return [
      'Changes must be made through a pull request.',
      ...(checks.length
        ? [`${checks.length} of ${checks.length} required status checks are expected.`]
        : [])
    ]
  }

  /**
   * REST ref writes onto a protected branch: 422. Rulesets answer "Repository rule violations
   * found" and the rules (https://github.com/satisfactory-factories/application/issues/67);
   * classic protection names the ref, as its git push refusal does (GH006, below).
   */
  const refuseProtectedRef = (repo: Repo, ref: string): void => {
    const rule = repo.protectionOf(ref)
    if (!rule) return
    if (rule.kind === 'ruleset') {
      fail(422, `Repository rule violations found\n\n${ruleLines(rule).join('\n')}\n\n`)
    }
    fail(422, `Protected branch update failed for ${ref}.`)
  }

  route('GET', /^$/, async (ctx, repo) => sendJson(ctx, 200, repoShape(repo)))

  route('GET', /^\/branches\/(.+)$/, async (ctx, repo, [branch = '']) => {
    const sha = await repo.readRef(`refs/heads/${branch}`)
    if (!sha) fail(404, 'Branch not found')
    const self = `${repoApi(repo)}/branches/${branch}`
    const rule = repo.protectionOf(`refs/heads/${branch}`)
    // `protected` is true under a ruleset too, while `protection` and /protection describe the
    // classic rule only (a ruleset-only branch: /protection answers 404 "Branch not protected"):
    // https://github.com/hub4j/github-api/issues/2062, https://github.com/crs-k/stale-branches/issues/1061
    const checks = rule?.kind === 'protection' ? (rule.requiredStatusChecks ?? []) : []
    sendJson(ctx, 200, {
      name: branch,
      commit: await repoCommitShape(repo, sha),
      _links: { self, html: `${url}/${repo.fullName}/tree/${branch}` },
      protected: rule !== undefined,
      protection: {
        enabled: rule?.kind === 'protection',
        required_status_checks: {
          enforcement_level: checks.length ? 'non_admins' : 'off',
          contexts: checks,
          checks: checks.map(context => ({ context, app_id: null }))
        }
      },
      protection_url: `${self}/protection`
    })
  })

  route('GET', /^\/git\/ref\/(.+)$/, async (ctx, repo, [ref = '']) => {
    const full = `refs/${ref}`
    const sha = await repo.readRef(full)
    if (!sha) notFound()
    sendJson(ctx, 200, await refShape(repo, full, sha))
  })

  route('GET', /^\/git\/matching-refs\/(.*)$/, async (ctx, repo, [prefix = '']) => {
    const out = await repo.text(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/'])
    const refs = out
      .split('\n')
      .filter(Boolean)
      .map(line => line.split(' ') as [string, string])
      .filter(([name]) => name.startsWith(`refs/${prefix}`))
    sendJson(ctx, 200, await Promise.all(refs.map(([name, sha]) => refShape(repo, name, sha))))
  })

  route('POST', /^\/git\/refs$/, async (ctx, repo) => {
    const body = await readJson(ctx.req)
    const ref = str(body, 'ref')
    const sha = str(body, 'sha')
    if (!/^refs\/[^/]+\/.+/.test(ref)) fail(422, 'Reference name is invalid')
    const { code } = await repo.git(['check-ref-format', ref], { okCodes: [1] })
    if (code !== 0) fail(422, 'Reference name is invalid')
    if (!(await repo.objectType(sha))) fail(422, 'Object does not exist')
    await refHookThen(repo, ref, async () => {
      if (await repo.readRef(ref)) fail(422, 'Reference already exists')
      refuseProtectedRef(repo, ref)
      if (!(await repo.casRef(ref, sha, undefined))) fail(422, 'Reference already exists')
    })
    sendJson(ctx, 201, await refShape(repo, ref, sha), {
      location: `${repoApi(repo)}/git/${ref}`
    })
  })

  route('PATCH', /^\/git\/refs\/(.+)$/, async (ctx, repo, [name = '']) => {
    const ref = `refs/${name}`
    const body = await readJson(ctx.req)
    const sha = str(body, 'sha')
    const force = body.force === true
    await refHookThen(repo, ref, async () => {
      const current = await repo.readRef(ref)
      if (!current) fail(422, 'Reference does not exist')
      if ((await repo.objectType(sha)) === undefined) fail(422, 'Object does not exist')
      refuseProtectedRef(repo, ref)
      if (!force && current !== sha && !(await repo.isAncestor(current, sha))) {
        fail(422, 'Update is not a fast forward')
      }
      // The compare-and-swap also guards against git pushes, which do not take the mutex.
      if (!(await repo.casRef(ref, sha, current))) fail(422, 'Update is not a fast forward')
    })
    sendJson(ctx, 200, await refShape(repo, ref, sha))
  })

  route('DELETE', /^\/git\/refs\/(.+)$/, async (ctx, repo, [name = '']) => {
    const ref = `refs/${name}`
    await readBody(ctx.req)
    await refHookThen(repo, ref, async () => {
      const current = await repo.readRef(ref)
      if (!current) fail(422, 'Reference does not exist')
      refuseProtectedRef(repo, ref)
      if (!(await repo.casRef(ref, null, current))) fail(422, 'Reference cannot be deleted')
    })
    sendJson(ctx, 204, undefined)
  })

  // GET /commits?path=&sha=&per_page=: the commits that touched a path, newest first.
  route('GET', /^\/commits$/, async (ctx, repo) => {
    const q = ctx.url.searchParams
    const ref = q.get('sha') || repo.defaultBranch
    const perPage = Math.min(Number(q.get('per_page') ?? '30') || 30, 100)
    const path = q.get('path')
    const args = [
      'log',
      `--max-count=${perPage}`,
      '--format=%H',
      ref,
      ...(path ? ['--', path] : [])
    ]
    const { stdout } = await repo.git(args, { okCodes: [128] })
    const shas = stdout.toString().split('\n').filter(Boolean)
    const commits = await Promise.all(shas.map(sha => repoCommitShape(repo, sha)))
    sendJson(ctx, 200, commits)
  })

  /** `per_page` as GitHub reads it: 1 to 100 (250 for compare's commits), `max` by default. */
  const perPage = (ctx: { url: URL }, max: number): number =>
    Math.min(Math.max(Number(ctx.url.searchParams.get('per_page') ?? max) || max, 1), max)

  // GET /compare/{base}...{head}: what changed from the merge base to head, as GitHub's compare
  // API answers it (status, ahead_by/behind_by, commits, files with rename detection, 300 files
  // at most).
  route('GET', /^\/compare\/(.+)\.\.\.(.+)$/, async (ctx, repo, [baseRev = '', headRev = '']) => {
    const base = await repo.resolve(`${decodeURIComponent(baseRev)}^{commit}`)
    const head = await repo.resolve(`${decodeURIComponent(headRev)}^{commit}`)
    if (!base || !head) notFound()
    const mergeBase = (await repo.text(['merge-base', base, head], { okCodes: [1] })).trim()
    if (!mergeBase) fail(404, `No common ancestor between ${baseRev} and ${headRev}.`)
    const count = async (range: string) =>
      Number((await repo.text(['rev-list', '--count', range])).trim())
    const [aheadBy, behindBy] = await Promise.all([
      count(`${mergeBase}..${head}`),
      count(`${mergeBase}..${base}`)
    ])
    const status =
      aheadBy === 0 && behindBy === 0
        ? 'identical'
        : behindBy === 0
          ? 'ahead'
          : aheadBy === 0
            ? 'behind'
            : 'diverged'
    // --raw gives each file's status and blob shas, --numstat its line counts, in the same order.
    const [raw, numstat] = await Promise.all([
      repo.text(['diff', '--raw', '--no-abbrev', '-z', '-M', mergeBase, head]),
      repo.text(['diff', '--numstat', '-z', '-M', mergeBase, head])
    ])
    const fields = raw.split('\0')
    const counts = numstat.split('\0')
    const STATUS: Record<string, string> = {
      A: 'added',
      D: 'removed',
      M: 'modified',
      R: 'renamed',
      C: 'copied',
      T: 'changed'
    }
    const files: object[] = []
    for (let i = 0, n = 0; i < fields.length - 1;) {
      // ":100644 100644 <old sha> <new sha> R100", then the path(s).
      const [, , oldSha = ZERO_SHA, newSha = ZERO_SHA, letters = 'M'] = fields[i++]!.split(' ')
      const letter = letters.charAt(0)
      const previous = letter === 'R' || letter === 'C' ? fields[i++] : undefined
      const filename = fields[i++]!
      // "1\t2\tpath", or "1\t2\t" then old and new path for a rename; "-\t-\t" for binaries.
      const [added = '0', deleted = '0', inline = ''] = counts[n++]!.split('\t')
      if (inline === '') n += 2
      const additions = Number(added) || 0
      const deletions = Number(deleted) || 0
      const blobRev = letter === 'D' ? mergeBase : head
      files.push({
        sha: letter === 'D' ? oldSha : newSha,
        filename,
        status: STATUS[letter] ?? 'modified',
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: `${url}/${repo.fullName}/blob/${blobRev}/${filename}`,
        raw_url: `${url}/${repo.fullName}/raw/${blobRev}/${filename}`,
        contents_url: `${repoApi(repo)}/contents/${filename}?ref=${blobRev}`,
        ...(previous !== undefined ? { previous_filename: previous } : {})
      })
    }
    // Oldest first, as GitHub lists them; --date-order keeps every parent before its children
    // when commits share a timestamp (the box makes many in one second).
    const shas = (
      await repo.text(['rev-list', '--reverse', '--date-order', `${mergeBase}..${head}`])
    )
      .split('\n')
      .filter(Boolean)
    const html = `${url}/${repo.fullName}/compare/${baseRev}...${headRev}`
    sendJson(ctx, 200, {
      url: `${repoApi(repo)}/compare/${baseRev}...${headRev}`,
      html_url: html,
      permalink_url: `${url}/${repo.fullName}/compare/${repo.owner}:${base}...${repo.owner}:${head}`,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      base_commit: await repoCommitShape(repo, base),
      merge_base_commit: await repoCommitShape(repo, mergeBase),
      status,
      ahead_by: aheadBy,
      behind_by: behindBy,
      total_commits: aheadBy,
      commits: await Promise.all(
        shas.slice(0, perPage(ctx, 250)).map(sha => repoCommitShape(repo, sha))
      ),
      files: files.slice(0, 300)
    })
  })

  route('GET', /^\/git\/commits\/([0-9a-f]{40})$/, async (ctx, repo, [sha = '']) => {
    if ((await repo.objectType(sha)) !== 'commit') notFound()
    sendJson(ctx, 200, await commitShape(repo, sha))
  })

  route('POST', /^\/git\/commits$/, async (ctx, repo) => {
    const body = await readJson(ctx.req)
    const message = str(body, 'message')
    const tree = str(body, 'tree')
    const parents = strList(body.parents)
    if ((await repo.objectType(tree)) !== 'tree') fail(422, 'Tree SHA does not exist')
    for (const parent of parents) {
      if ((await repo.objectType(parent)) !== 'commit') {
        fail(422, 'Parent SHA does not exist or is not a commit object')
      }
    }
    const ident = (key: string): Ident | undefined => {
      const value = body[key]
      if (value === undefined || value === null) return undefined
      if (typeof value !== 'object')
        fail(422, `Invalid request.\n\nFor '${key}', ${JSON.stringify(value)} is not an object.`)
      const v = value as Record<string, unknown>
      return { name: str(v, 'name'), email: str(v, 'email'), date: optStr(v, 'date') ?? '' }
    }
    const customCommitter = ident('committer')
    const author = ident('author') ?? { ...BOT_IDENT, date: '' }
    // GitHub signs (web-flow) what it commits itself; a custom committer leaves it unsigned.
    const committer = customCommitter ?? { ...WEB_FLOW, date: '' }
    const sha = await repo.commitTree(tree, parents, message, author, committer)
    if (!customCommitter) verified.add(sha)
    sendJson(ctx, 201, await commitShape(repo, sha), {
      location: `${repoApi(repo)}/git/commits/${sha}`
    })
  })

  route('POST', /^\/git\/blobs$/, async (ctx, repo) => {
    const body = await readJson(ctx.req)
    const content = str(body, 'content')
    const encoding = optStr(body, 'encoding') ?? 'utf-8'
    if (encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'base64') {
      fail(422, `encoding must be "utf-8" or "base64"`)
    }
    const bytes = Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8')
    const sha = await repo.hashBlob(bytes)
    sendJson(
      ctx,
      201,
      { sha, url: `${repoApi(repo)}/git/blobs/${sha}` },
      {
        location: `${repoApi(repo)}/git/blobs/${sha}`
      }
    )
  })

  route('GET', /^\/git\/blobs\/([0-9a-f]{40})$/, async (ctx, repo, [sha = '']) => {
    if ((await repo.objectType(sha)) !== 'blob') notFound()
    const bytes = await repo.blob(sha)
    sendJson(ctx, 200, {
      sha,
      node_id: nodeId('B', repo.id, sha),
      size: bytes.length,
      url: `${repoApi(repo)}/git/blobs/${sha}`,
      content: wrappedBase64(bytes),
      encoding: 'base64'
    })
  })

  const treeEntriesShape = (repo: Repo, entries: Map<string, TreeEntry>): object[] =>
    [...entries].map(([p, e]) => ({
      path: p,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.type === 'blob' && { size: e.size ?? 0 }),
      ...(e.type !== 'commit' && { url: `${repoApi(repo)}/git/${e.type}s/${e.sha}` })
    }))

  route('GET', /^\/git\/trees\/(.+)$/, async (ctx, repo, [rev = '']) => {
    // GitHub takes a tree sha, a commit sha or a branch/tag name here.
    const tree = await repo.resolve(`${rev}^{tree}`)
    if (!tree) notFound()
    const recursive = (ctx.url.searchParams.get('recursive') ?? '') !== ''
    const args = ['ls-tree', '-z', '-l', ...(recursive ? ['-r', '-t'] : []), tree]
    const entries = treeEntriesShape(repo, parseLsTree(await repo.git(args)))
    sendJson(ctx, 200, {
      sha: tree,
      url: `${repoApi(repo)}/git/trees/${tree}`,
      tree: entries.slice(0, TREE_ENTRY_LIMIT),
      truncated: entries.length > TREE_ENTRY_LIMIT
    })
  })

  route('POST', /^\/git\/trees$/, async (ctx, repo) => {
    const body = await readJson(ctx.req)
    const baseTreeSha = optStr(body, 'base_tree')
    if (!Array.isArray(body.tree)) fail(422, `Invalid request.\n\n"tree" wasn't supplied.`)
    let baseTree: string | undefined
    if (baseTreeSha) {
      baseTree = await repo.resolve(`${baseTreeSha}^{tree}`)
      if (!baseTree) fail(422, 'base_tree is not a valid tree oid')
    }
    const changes: TreeChange[] = []
    const blobs: Array<{ index: number; content: string }> = []
    for (const raw of body.tree as unknown[]) {
      if (raw === null || typeof raw !== 'object') fail(422, 'Invalid tree info')
      const item = raw as Record<string, unknown>
      const p = str(item, 'path')
      const mode = str(item, 'mode')
      const type = optStr(item, 'type') ?? MODE_TYPES[mode]
      if (!validPath(p)) fail(422, `tree.path contains a malformed path component`)
      if (MODE_TYPES[mode] === undefined || MODE_TYPES[mode] !== type) {
        fail(422, `Invalid tree info: mode ${mode} does not match type ${String(type)}`)
      }
      if (item.sha === null) {
        changes.push({ path: p, entry: null })
        continue
      }
      let sha: string
      if (typeof item.content === 'string') {
        if (!FILE_MODES.has(mode)) fail(422, 'Invalid tree info: content needs a blob mode')
        // Written side by side once every entry is checked: 50 files are 50 git processes.
        sha = ''
        blobs.push({ index: changes.length, content: item.content })
      } else {
        sha = str(item, 'sha')
        const actual = await repo.objectType(sha)
        // Submodule entries name commits of another repository, which need not exist here.
        if (type !== 'commit' && actual !== type) fail(422, `GitRPC::BadObjectState`)
      }
      changes.push({ path: p, entry: { mode, type, sha } })
    }
    await Promise.all(
      blobs.map(async ({ index, content }) => {
        const change = changes[index]!
        const sha = await repo.hashBlob(Buffer.from(content, 'utf8'))
        changes[index] = { ...change, entry: { ...change.entry!, sha } }
      })
    )
    const sha = await repo.buildTree(baseTree, changes)
    const entries = treeEntriesShape(repo, await repo.lsTree(sha, true))
    sendJson(
      ctx,
      201,
      { sha, url: `${repoApi(repo)}/git/trees/${sha}`, tree: entries, truncated: false },
      {
        location: `${repoApi(repo)}/git/trees/${sha}`
      }
    )
  })

  // Contents API
  const contentLinks = (repo: Repo, p: string, entry: TreeEntry, ref: string): object => {
    const self = `${repoApi(repo)}/contents/${p}?ref=${encodeURIComponent(ref)}`
    const git = `${repoApi(repo)}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`
    const html = `${url}/${repo.fullName}/${entry.type === 'tree' ? 'tree' : 'blob'}/${ref}/${p}`
    return {
      url: self,
      git_url: entry.type === 'commit' ? null : git,
      html_url: entry.type === 'commit' ? null : html,
      download_url: entry.type === 'blob' ? `${url}/${repo.fullName}/raw/${ref}/${p}` : null,
      _links: { self, git, html }
    }
  }

  const lookup = async (repo: Repo, commit: string, p: string): Promise<TreeEntry | undefined> => {
    const dir = path.posix.dirname(p)
    const tree = await repo.resolve(dir === '.' ? `${commit}^{tree}` : `${commit}:${dir}`)
    // A path through a symlinked directory names nothing: GitHub answers 404, not the link.
    if (!tree || (await repo.objectType(tree)) !== 'tree') return undefined
    return (await repo.lsTree(tree, true)).get(path.posix.basename(p))
  }

  const fileShape = async (
    repo: Repo,
    p: string,
    entry: TreeEntry,
    ref: string
  ): Promise<object> => {
    const bytes = await repo.blob(entry.sha)
    const tooLarge = bytes.length > CONTENTS_MAX_BYTES
    return {
      type: 'file',
      encoding: tooLarge ? 'none' : 'base64',
      size: bytes.length,
      name: path.posix.basename(p),
      path: p,
      content: tooLarge ? '' : wrappedBase64(bytes),
      sha: entry.sha,
      ...contentLinks(repo, p, entry, ref)
    }
  }

  route('GET', /^\/contents(?:\/(.*))?$/, async (ctx, repo, [rawPath = '']) => {
    const p = rawPath.replace(/\/+$/, '')
    const ref = ctx.url.searchParams.get('ref') || repo.defaultBranch
    const commit = await repo.resolve(`${ref}^{commit}`)
    if (!commit) fail(404, `No commit found for the ref ${ref}`)
    if (p !== '' && !validPath(p)) notFound()
    const entry: TreeEntry | undefined =
      p === ''
        ? {
            mode: '040000',
            type: 'tree',
            sha: (await repo.resolve(`${commit}^{tree}`)) ?? EMPTY_TREE
          }
        : await lookup(repo, commit, p)
    if (!entry) notFound()
    if (entry.type === 'tree') {
      const children = await repo.lsTree(entry.sha, true)
      sendJson(
        ctx,
        200,
        [...children].map(([name, e]) => {
          const childPath = p === '' ? name : `${p}/${name}`
          // GitHub lists submodules as "file" in directory listings (kept for compatibility).
          const type = e.type === 'tree' ? 'dir' : e.mode === '120000' ? 'symlink' : 'file'
          return {
            type,
            size: e.size ?? 0,
            name,
            path: childPath,
            sha: e.sha,
            ...contentLinks(repo, childPath, e, ref)
          }
        })
      )
      return
    }
    if (entry.type === 'commit') {
      // The submodule's URL, from .gitmodules at that commit (`submodule.<name>.path` = p).
      const config = await repo.text(['config', '--blob', `${commit}:.gitmodules`, '--list'], {
        okCodes: [1, 128]
      })
      const settings = new Map(
        config.split('\n').map(line => line.split(/=(.*)/s, 2) as [string, string])
      )
      const key = [...settings].find(([k, v]) => /^submodule\..+\.path$/.test(k) && v === p)?.[0]
      sendJson(ctx, 200, {
        type: 'submodule',
        submodule_git_url: (key && settings.get(key.replace(/\.path$/, '.url'))) ?? '',
        size: 0,
        name: path.posix.basename(p),
        path: p,
        sha: entry.sha,
        ...contentLinks(repo, p, entry, ref)
      })
      return
    }
    if (entry.mode === '120000') {
      const target = (await repo.blob(entry.sha)).toString('utf8')
      // GitHub answers with the target file itself when it is a regular file in the repository.
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(p), target))
      if (!target.startsWith('/') && validPath(resolved)) {
        const targetEntry = await lookup(repo, commit, resolved)
        if (targetEntry && (targetEntry.mode === '100644' || targetEntry.mode === '100755')) {
          sendJson(ctx, 200, await fileShape(repo, resolved, targetEntry, ref))
          return
        }
      }
      sendJson(ctx, 200, {
        type: 'symlink',
        target,
        size: entry.size ?? Buffer.byteLength(target),
        name: path.posix.basename(p),
        path: p,
        sha: entry.sha,
        ...contentLinks(repo, p, entry, ref)
      })
      return
    }
    sendJson(ctx, 200, await fileShape(repo, p, entry, ref))
  })

  // Pulls
  const findPull = (repo: Repo, n: string): Pull => {
    const pull = repo.pulls.find(p => p.number === Number(n))
    if (!pull) notFound()
    return pull
  }

  const parseHead = (repo: Repo, head: string): string => {
    const colon = head.indexOf(':')
    if (colon === -1) return head
    // Only same-repository heads exist in the box; another owner means a fork it does not have.
    if (head.slice(0, colon).toLowerCase() !== repo.owner.toLowerCase()) {
      validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }])
    }
    return head.slice(colon + 1)
  }

  const alreadyExists = (
    repo: Repo,
    pull: { headRef: string; baseRef: string; number?: number }
  ): void => {
    const clash = repo.pulls.find(
      p =>
        p.state === 'open' &&
        p.headRef === pull.headRef &&
        p.baseRef === pull.baseRef &&
        p.number !== pull.number
    )
    if (clash) {
      validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${repo.owner}:${pull.headRef}.`
        }
      ])
    }
  }

  route('POST', /^\/pulls$/, async (ctx, repo) => {
    const body = await readJson(ctx.req)
    // "Allow GitHub Actions to create and approve pull requests" off (the default for new
    // repositories since 2022): https://github.com/peter-evans/create-pull-request/issues/3979
    if (!repo.settings.actionsMayCreatePullRequests) {
      fail(403, 'GitHub Actions is not permitted to create or approve pull requests.')
    }
    const title = str(body, 'title')
    const headRef = parseHead(repo, str(body, 'head'))
    const baseRef = str(body, 'base')
    const [headSha, baseSha] = await Promise.all([
      repo.readRef(`refs/heads/${headRef}`),
      repo.readRef(`refs/heads/${baseRef}`)
    ])
    for (const open of repo.pulls) if (open.state === 'open') await refreshPullAsync(repo, open)
    if (!baseSha) validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }])
    if (!headSha) validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }])
    alreadyExists(repo, { headRef, baseRef })
    // Head equal to base, or behind it: nothing to compare.
    if (await repo.isAncestor(headSha, baseSha)) {
      validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `No commits between ${baseRef} and ${headRef}`
        }
      ])
    }
    const number = repo.pulls.length + 1
    const now = nowIso()
    const pull: Pull = {
      number,
      id: nextId++,
      nodeId: nodeId('PR', repo.id, number),
      state: 'open',
      title,
      body: optStr(body, 'body') ?? null,
      draft: body.draft === true,
      maintainerCanModify: body.maintainer_can_modify === true,
      headRef,
      headSha,
      baseRef,
      baseSha,
      labels: [],
      requestedReviewers: [],
      requestedTeams: [],
      assignees: [],
      comments: [],
      autoMerge: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      merged: false,
      mergedAt: null,
      mergeCommitSha: null
    }
    repo.pulls.push(pull)
    sendJson(ctx, 201, pullShape(repo, pull, true, await mergeState(repo, pull)), {
      location: `${repoApi(repo)}/pulls/${number}`
    })
  })

  route('GET', /^\/pulls$/, async (ctx, repo) => {
    const q = ctx.url.searchParams
    const state = q.get('state') ?? 'open'
    const head = q.get('head')
    const base = q.get('base')
    // GitHub silently ignores a head filter without the "owner:" prefix.
    const headRef = head?.includes(':') ? head : undefined
    for (const pull of repo.pulls) await refreshPullAsync(repo, pull)
    const direction = q.get('direction') ?? 'desc'
    const matching = repo.pulls
      .filter(p => state === 'all' || p.state === state)
      .filter(p => !headRef || `${repo.owner}:${p.headRef}`.toLowerCase() === headRef.toLowerCase())
      .filter(p => !base || p.baseRef === base)
      .sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number))
    const perPage = Math.min(Math.max(Number(q.get('per_page') ?? 30) || 30, 1), 100)
    const page = Math.max(Number(q.get('page') ?? 1) || 1, 1)
    const lastPage = Math.max(Math.ceil(matching.length / perPage), 1)
    const links: string[] = []
    const pageUrl = (n: number): string => {
      const next = new URL(`${repoApi(repo)}/pulls`)
      for (const [k, v] of q) next.searchParams.set(k, v)
      next.searchParams.set('per_page', String(perPage))
      next.searchParams.set('page', String(n))
      return next.toString()
    }
    if (page < lastPage)
      links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`)
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`)
    const slice = matching.slice((page - 1) * perPage, page * perPage)
    sendJson(
      ctx,
      200,
      slice.map(p => pullShape(repo, p, false)),
      links.length ? { link: links.join(', ') } : {}
    )
  })

  route('GET', /^\/pulls\/(\d+)$/, async (ctx, repo, [n = '']) => {
    const pull = findPull(repo, n)
    await refreshPullAsync(repo, pull)
    sendJson(ctx, 200, pullShape(repo, pull, true, await mergeState(repo, pull)))
  })

  // PUT /pulls/{n}/merge: https://docs.github.com/rest/pulls/pulls#merge-a-pull-request
  route('PUT', /^\/pulls\/(\d+)\/merge$/, async (ctx, repo, [n = '']) => {
    const pull = findPull(repo, n)
    const body = await readJson(ctx.req)
    const method = optStr(body, 'merge_method') ?? 'merge'
    if (method !== 'merge' && method !== 'squash' && method !== 'rebase') {
      validationFailed([{ resource: 'PullRequest', field: 'merge_method', code: 'invalid' }])
    }
    const sha = await mergePull(repo, pull, method, {
      sha: optStr(body, 'sha'),
      title: optStr(body, 'commit_title'),
      message: optStr(body, 'commit_message')
    })
    sendJson(ctx, 200, { sha, merged: true, message: 'Pull Request successfully merged' })
  })

  route('PATCH', /^\/pulls\/(\d+)$/, async (ctx, repo, [n = '']) => {
    const pull = findPull(repo, n)
    const body = await readJson(ctx.req)
    await refreshPullAsync(repo, pull)
    const title = optStr(body, 'title')
    const text = body.body === null ? null : optStr(body, 'body')
    const rawState = optStr(body, 'state')
    const base = optStr(body, 'base')
    const state = rawState === 'open' || rawState === 'closed' ? rawState : undefined
    if (rawState !== undefined && state === undefined) {
      validationFailed([{ resource: 'PullRequest', field: 'state', code: 'invalid' }])
    }
    if (base !== undefined && !(await repo.readRef(`refs/heads/${base}`))) {
      validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }])
    }
    if (state === 'open' && pull.state === 'closed') {
      if (!(await repo.readRef(`refs/heads/${pull.headRef}`))) {
        validationFailed([
          {
            resource: 'PullRequest',
            code: 'custom',
            message: 'state cannot be changed. The head branch has been deleted.'
          }
        ])
      }
      alreadyExists(repo, {
        headRef: pull.headRef,
        baseRef: base ?? pull.baseRef,
        number: pull.number
      })
    }
    if (title !== undefined) pull.title = title
    if (text !== undefined) pull.body = text
    if (base !== undefined) pull.baseRef = base
    if (typeof body.maintainer_can_modify === 'boolean')
      pull.maintainerCanModify = body.maintainer_can_modify
    if (state === 'open' && pull.merged) {
      validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: 'state cannot be changed. The pull request cannot be reopened.'
        }
      ])
    }
    if (state !== undefined && state !== pull.state) {
      pull.state = state
      pull.closedAt = state === 'closed' ? nowIso() : null
      if (state === 'closed') pull.autoMerge = null
    }
    pull.updatedAt = nowIso()
    await refreshPullAsync(repo, pull)
    sendJson(ctx, 200, pullShape(repo, pull, true, await mergeState(repo, pull)))
  })

  const labelsBody = async (ctx: Context): Promise<string[]> => {
    const raw = await readBody(ctx.req)
    let parsed: unknown = {}
    try {
      parsed = raw.length ? JSON.parse(raw.toString('utf8')) : {}
    } catch {
      fail(400, 'Problems parsing JSON')
    }
    // The API takes {labels: [...]}, a bare array, or [{name}] objects.
    const list = Array.isArray(parsed) ? parsed : (parsed as Record<string, unknown>).labels
    return strList(list)
  }

  route('GET', /^\/issues\/(\d+)\/labels$/, async (ctx, repo, [n = '']) => {
    sendJson(
      ctx,
      200,
      findPull(repo, n).labels.map(l => labelShape(repo, l))
    )
  })

  route('POST', /^\/issues\/(\d+)\/labels$/, async (ctx, repo, [n = '']) => {
    const pull = findPull(repo, n)
    for (const label of await labelsBody(ctx))
      if (!pull.labels.includes(label)) pull.labels.push(label)
    pull.updatedAt = nowIso()
    sendJson(
      ctx,
      200,
      pull.labels.map(l => labelShape(repo, l))
    )
  })

  route('PUT', /^\/issues\/(\d+)\/labels$/, async (ctx, repo, [n = '']) => {
    const pull = findPull(repo, n)
    pull.labels = [...new Set(await labelsBody(ctx))]
    pull.updatedAt = nowIso()
    sendJson(
      ctx,
      200,
      pull.labels.map(l => labelShape(repo, l))
    )
  })

  // https://docs.github.com/rest/issues/comments#create-an-issue-comment: a pull request's
  // conversation comments are its issue's; 201 with the comment.
  route('POST', /^\/issues\/(\d+)\/comments$/, async (ctx, repo, [n = '']) => {
    const pull = findPull(repo, n)
    const body = await readJson(ctx.req)
    if (typeof body.body !== 'string' || body.body.length === 0) {
      fail(422, 'Validation Failed', {
        errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]
      })
    }
    if (body.body.length > 65_536) {
      fail(422, 'Validation Failed', {
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: 'body is too long (maximum is 65536 characters)'
          }
        ]
      })
    }
    const comment = { id: nextCommentId++, body: body.body, createdAt: nowIso() }
    pull.comments.push(comment)
    const issueUrl = `${repoApi(repo)}/issues/${pull.number}`
    sendJson(ctx, 201, {
      id: comment.id,
      node_id: Buffer.from(`IC_${comment.id}`).toString('base64'),
      url: `${repoApi(repo)}/issues/comments/${comment.id}`,
      html_url: `${url}/${repo.fullName}/pull/${pull.number}#issuecomment-${comment.id}`,
      body: comment.body,
      user: userShape(BOT_LOGIN, 'Bot'),
      created_at: comment.createdAt,
      updated_at: comment.createdAt,
      issue_url: issueUrl,
      author_association: 'CONTRIBUTOR'
    })
  })

  route('POST', /^\/issues\/(\d+)\/assignees$/, async (ctx, repo, [n = '']) => {
    const pull = findPull(repo, n)
    const body = await readJson(ctx.req)
    // "Adds up to 10 assignees to an issue. Users already assigned to an issue are not replaced.
    // Only users with push access can add assignees to an issue. Assignees are silently ignored
    // otherwise." https://docs.github.com/rest/issues/assignees#add-assignees-to-an-issue
    for (const a of strList(body.assignees)) {
      const login = repo.hasAccess(a, 'collaborators')
      if (login && !pull.assignees.includes(login) && pull.assignees.length < 10)
        pull.assignees.push(login)
    }
    pull.updatedAt = nowIso()
    sendJson(ctx, 201, issueShape(repo, pull))
  })

  route('POST', /^\/pulls\/(\d+)\/requested_reviewers$/, async (ctx, repo, [n = '']) => {
    const pull = findPull(repo, n)
    const body = await readJson(ctx.req)
    const reviewers = strList(body.reviewers)
    const teams = strList(body.team_reviewers)
    if (reviewers.some(r => r.toLowerCase() === BOT_LOGIN)) {
      fail(422, 'Review cannot be requested from pull request author.')
    }
    // Logins and team slugs (without the "org/" prefix) as given: "@user" or "org/team" name no
    // collaborator either. https://github.com/peter-evans/create-pull-request/issues/4138 (the
    // message), https://github.com/peter-evans/create-pull-request/issues/130 (team slugs)
    const users = reviewers.map(r => repo.hasAccess(r, 'collaborators'))
    const slugs = teams.map(t => repo.hasAccess(t, 'teams'))
    if (users.includes(undefined) || slugs.includes(undefined)) {
      fail(
        422,
        'Reviews may only be requested from collaborators. One or more of the users or teams you ' +
          `specified is not a collaborator of the ${repo.fullName} repository.`
      )
    }
    for (const r of users as string[])
      if (!pull.requestedReviewers.includes(r)) pull.requestedReviewers.push(r)
    for (const t of slugs as string[])
      if (!pull.requestedTeams.includes(t)) pull.requestedTeams.push(t)
    pull.updatedAt = nowIso()
    await refreshPullAsync(repo, pull)
    sendJson(ctx, 201, pullShape(repo, pull, false))
  })

  /**
   * Validates the request against GitHub's descriptions (github-schema.ts) before any handler runs:
   * false when it was refused, answered as GitHub would and recorded in `violations`.
   */
  const accepted = async (
    ctx: Context,
    check: (body: Buffer) => Refusal | undefined
  ): Promise<boolean> => {
    const body = await readBody(ctx.req)
    checkedBodies.set(ctx.req, body)
    const refusal = check(body)
    if (!refusal) return true
    violations.push({
      kind: ctx.entry.kind === 'graphql' ? 'graphql' : 'api',
      method: ctx.entry.method,
      path: ctx.entry.path,
      problem: refusal.problem
    })
    sendJson(ctx, refusal.status, refusal.body)
    return false
  }

  const handleApi = async (ctx: Context, apiPath: string): Promise<void> => {
    const method = ctx.req.method ?? 'GET'
    if (
      !(await accepted(ctx, body => checkRestRequest(method, apiPath, ctx.url.searchParams, body)))
    )
      return
    if (ctx.req.method === 'GET' && (apiPath === '/user' || apiPath === '/user/')) {
      // The private-user view of one's own account (https://docs.github.com/rest/users/users#get-the-authenticated-user).
      sendJson(ctx, 200, {
        ...botShape(),
        user_view_type: 'private',
        name: BOT_LOGIN,
        company: null,
        blog: '',
        location: null,
        email: null,
        notification_email: null,
        hireable: null,
        bio: null,
        twitter_username: null,
        public_repos: 0,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: startedAt,
        updated_at: startedAt,
        private_gists: 0,
        total_private_repos: repos.size,
        owned_private_repos: 0,
        disk_usage: 0,
        collaborators: 0,
        two_factor_authentication: false
      })
      return
    }
    if (ctx.req.method === 'GET' && apiPath === '/rate_limit') {
      const core = {
        limit: RATE_LIMIT,
        remaining: RATE_LIMIT - rateUsed,
        reset: rateReset,
        used: rateUsed
      }
      // The buckets GitHub lists (https://docs.github.com/rest/rate-limit/rate-limit): search and
      // code_search have their own small per-minute limits, untouched by the box's traffic.
      const untouched = (limit: number): object => ({
        limit,
        remaining: limit,
        reset: Math.floor(Date.now() / 1000) + 60,
        used: 0
      })
      sendJson(ctx, 200, {
        resources: {
          core,
          search: untouched(30),
          graphql: core,
          integration_manifest: untouched(5000),
          code_search: untouched(10)
        },
        rate: core
      })
      return
    }
    const org = /^\/orgs\/([^/]+)\/attestations\/(sha256(?::|%3A)[0-9a-f]{64})$/i.exec(apiPath)
    if (ctx.req.method === 'GET' && org) {
      const owner = decodeURIComponent(org[1] ?? '').toLowerCase()
      sendAttestations(
        ctx,
        attestations.filter(a => a.repo.owner.toLowerCase() === owner),
        decodeURIComponent(org[2] ?? '')
      )
      return
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(apiPath)
    if (!m) notFound()
    const repo = findRepo(`${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}`)
    if (!repo) notFound()
    const rest = m[3] ?? ''
    for (const r of routes) {
      if (r.method !== ctx.req.method) continue
      const match = r.pattern.exec(rest)
      if (!match) continue
      // Octokit percent-encodes '/' inside {ref} and {path}; GitHub accepts both forms.
      const params = match.slice(1).map(p => (p === undefined ? '' : decodeURIComponent(p)))
      await r.handler(ctx, repo, params)
      return
    }
    notFound()
  }

  // --- Artifact attestations ------------------------------------------------------------------
  //
  // https://docs.github.com/rest/repos/attestations#list-attestations and the org endpoint: the
  // bundles kept for a subject digest, `predicate_type` matching exactly or by GitHub's short
  // names (provenance, sbom); GitHub answers 404 when none is kept (gh attestation verify's
  // ErrNoAttestationsFound path). Only the first page: the box never holds more than 30.

  interface KeptAttestation {
    repo: Repo
    digest: string
    predicateType: string
    bundle: object
    id: number
  }
  const attestations: KeptAttestation[] = []
  const SHORT_PREDICATES: Record<string, RegExp> = {
    provenance: /^https:\/\/slsa\.dev\/provenance\//,
    sbom: /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)/
  }
  const sendAttestations = (ctx: Context, kept: KeptAttestation[], digest: string): void => {
    const wanted = ctx.url.searchParams.get('predicate_type')
    const found = kept.filter(
      a =>
        a.digest === digest &&
        (wanted === null ||
          a.predicateType === wanted ||
          (SHORT_PREDICATES[wanted]?.test(a.predicateType) ?? false))
    )
    if (found.length === 0) notFound()
    sendJson(ctx, 200, {
      attestations: found.map(a => ({
        bundle: a.bundle,
        repository_id: a.repo.id,
        bundle_url: `${apiUrl}/repos/${a.repo.fullName}/attestations/${a.id}/bundle`
      }))
    })
  }
  // Octokit percent-encodes the digest's colon; GitHub takes both forms.
  route(
    'GET',
    /^\/attestations\/(sha256(?::|%3A)[0-9a-f]{64})$/i,
    async (ctx, repo, [digest = '']) =>
      sendAttestations(
        ctx,
        attestations.filter(a => a.repo === repo),
        digest
      )
  )

  // --- GraphQL --------------------------------------------------------------------------------
  //
  // The document is parsed with graphql-js and answered field by field: each top-level field of
  // the operation resolves to a plain object whose properties (or functions of the field's
  // arguments) the selection set then picks, with aliases, variables, fragments and __typename.
  // A field that fails gives `null` under its key and an entry in `errors` (HTTP 200), as GitHub
  // answers. https://docs.github.com/graphql/guides/forming-calls-with-graphql

  /** A GraphQL object: its type name and fields, values or resolvers taking the arguments. */
  type GqlObject = { __typename: string } & Record<string, unknown>

  const commitObject = (repo: Repo, sha: string): GqlObject => ({
    __typename: 'Commit',
    id: nodeId('C', repo.id, sha),
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    url: `${url}/${repo.fullName}/commit/${sha}`,
    message: async () => parseCommit(await repo.text(['cat-file', 'commit', sha])).message
  })

  const refObject = (repo: Repo, ref: string, sha: string): GqlObject => ({
    __typename: 'Ref',
    id: nodeId('REF', repo.id, ref),
    name: ref.replace(/^refs\/(heads|tags)\//, ''),
    prefix: ref.startsWith('refs/tags/') ? 'refs/tags/' : 'refs/heads/',
    target: commitObject(repo, sha)
  })

  /** `object(expression: "REF:PATH")`: a blob gives `text` (null when binary) and `byteSize`. */
  const gitObject = async (repo: Repo, expression: string): Promise<GqlObject | null> => {
    const sha = await repo.resolve(expression)
    const type = sha && (await repo.objectType(sha))
    if (!sha || !type) return null
    if (type === 'commit') return commitObject(repo, sha)
    if (type === 'tree') {
      return {
        __typename: 'Tree',
        oid: sha,
        entries: async () =>
          [...(await repo.lsTree(sha))].map(([name, e]) => ({
            __typename: 'TreeEntry',
            name,
            mode: Number.parseInt(e.mode, 8),
            type: e.type,
            oid: e.sha
          }))
      }
    }
    if (type !== 'blob') return null
    const bytes = await repo.blob(sha)
    const isBinary = bytes.subarray(0, 8000).includes(0)
    return {
      __typename: 'Blob',
      oid: sha,
      byteSize: bytes.length,
      isBinary,
      isTruncated: false,
      text: isBinary ? null : bytes.toString('utf8')
    }
  }

  const pullObject = (repo: Repo, pull: Pull): GqlObject => ({
    __typename: 'PullRequest',
    id: pull.nodeId,
    number: pull.number,
    title: pull.title,
    url: `${url}/${repo.fullName}/pull/${pull.number}`,
    state: pull.merged ? 'MERGED' : pull.state.toUpperCase(),
    merged: pull.merged,
    mergedAt: pull.mergedAt,
    headRefName: pull.headRef,
    headRefOid: pull.headSha,
    baseRefName: pull.baseRef,
    mergeStateStatus: async () => (await mergeState(repo, pull)).state.toUpperCase(),
    mergeable: async () => {
      const { mergeable } = await mergeState(repo, pull)
      return mergeable === null ? 'UNKNOWN' : mergeable ? 'MERGEABLE' : 'CONFLICTING'
    },
    autoMergeRequest: pull.autoMerge && {
      __typename: 'AutoMergeRequest',
      mergeMethod: pull.autoMerge.mergeMethod,
      enabledAt: pull.updatedAt,
      enabledBy: { __typename: 'Bot', login: BOT_LOGIN }
    }
  })

  const repositoryObject = (repo: Repo): GqlObject => ({
    __typename: 'Repository',
    id: repo.nodeId,
    name: repo.name,
    nameWithOwner: repo.fullName,
    owner: { __typename: 'Organization', login: repo.owner },
    url: `${url}/${repo.fullName}`,
    isArchived: false,
    // Readable with read access, unlike REST's allow_* fields.
    autoMergeAllowed: repo.settings.allowAutoMerge,
    mergeCommitAllowed: repo.settings.allowMergeCommit,
    squashMergeAllowed: repo.settings.allowSquashMerge,
    rebaseMergeAllowed: repo.settings.allowRebaseMerge,
    deleteBranchOnMerge: repo.settings.deleteBranchOnMerge,
    viewerPermission: repo.settings.admin ? 'ADMIN' : 'WRITE',
    defaultBranchRef: async () => {
      const ref = `refs/heads/${repo.defaultBranch}`
      const sha = await repo.readRef(ref)
      return sha ? refObject(repo, ref, sha) : null
    },
    ref: async ({ qualifiedName }: { qualifiedName?: string }) => {
      const name = String(qualifiedName ?? '')
      const ref = name.startsWith('refs/') ? name : `refs/heads/${name}`
      const sha = await repo.readRef(ref)
      return sha ? refObject(repo, ref, sha) : null
    },
    object: ({ expression, oid }: { expression?: string; oid?: string }) =>
      gitObject(repo, String(expression ?? oid ?? '')),
    pullRequest: async ({ number }: { number?: number }) => {
      const pull = repo.pulls.find(p => p.number === Number(number))
      if (!pull) {
        throw new GqlError(
          'NOT_FOUND',
          `Could not resolve to a PullRequest with the number of ${String(number)}.`
        )
      }
      await refreshPullAsync(repo, pull)
      return pullObject(repo, pull)
    }
  })

  const findPullByNode = (id: unknown): { repo: Repo; pull: Pull } => {
    for (const repo of repos.values()) {
      const pull = repo.pulls.find(p => p.nodeId === id)
      if (pull) return { repo, pull }
    }
    throw new GqlError(
      'NOT_FOUND',
      `Could not resolve to a node with the global id of '${String(id)}'`
    )
  }

  const inputOf = (args: Record<string, unknown>): Record<string, unknown> =>
    (typeof args.input === 'object' && args.input !== null ? args.input : {}) as Record<
      string,
      unknown
    >

  /** Top-level fields: a resolver per name, given the field's arguments. */
  const queryFields: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
    repository: async ({ owner, name }) => {
      const repo = findRepo(`${String(owner)}/${String(name)}`)
      if (!repo) {
        throw new GqlError(
          'NOT_FOUND',
          `Could not resolve to a Repository with the name '${String(owner)}/${String(name)}'.`
        )
      }
      return repositoryObject(repo)
    },
    viewer: async () => ({ __typename: 'Bot', login: BOT_LOGIN }),
    node: async ({ id }) => {
      const { repo, pull } = findPullByNode(id)
      await refreshPullAsync(repo, pull)
      return pullObject(repo, pull)
    }
  }

  const mutationFields: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
    createCommitOnBranch: args => createCommitOnBranch(inputOf(args)),
    updateRefs: args => updateRefs(inputOf(args)),
    enablePullRequestAutoMerge: async args => {
      const input = inputOf(args)
      const mergeMethod = String(input.mergeMethod ?? 'MERGE').toUpperCase()
      if (mergeMethod !== 'MERGE' && mergeMethod !== 'SQUASH' && mergeMethod !== 'REBASE') {
        throw new GqlError(
          'INVALID',
          `Argument 'mergeMethod' has an invalid value (${mergeMethod}).`
        )
      }
      const { repo, pull } = findPullByNode(input.pullRequestId)
      await refreshPullAsync(repo, pull)
      if (!repo.settings.allowAutoMerge) {
        throw new GqlError(
          'UNPROCESSABLE',
          'Pull request Auto merge is not allowed for this repository'
        )
      }
      if (pull.state !== 'open') throw new GqlError('UNPROCESSABLE', 'Pull request is closed')
      // Nothing pending: GitHub refuses to arm a PR that can be merged now ("Pull request Pull
      // request is in clean status", type UNPROCESSABLE), the caller merges it instead.
      // https://github.com/peter-evans/enable-pull-request-automerge/issues/1118,
      // https://github.com/rjwalters/loom/pull/3379
      const { state } = await mergeState(repo, pull)
      if (state === 'clean') {
        throw new GqlError('UNPROCESSABLE', 'Pull request Pull request is in clean status')
      }
      pull.autoMerge = { mergeMethod }
      pull.updatedAt = nowIso()
      return {
        __typename: 'EnablePullRequestAutoMergePayload',
        clientMutationId: input.clientMutationId ?? null,
        pullRequest: pullObject(repo, pull)
      }
    },
    disablePullRequestAutoMerge: async args => {
      const input = inputOf(args)
      const { repo, pull } = findPullByNode(input.pullRequestId)
      pull.autoMerge = null
      pull.updatedAt = nowIso()
      return {
        __typename: 'DisablePullRequestAutoMergePayload',
        clientMutationId: input.clientMutationId ?? null,
        pullRequest: pullObject(repo, pull)
      }
    },
    mergePullRequest: async args => {
      const input = inputOf(args)
      const { repo, pull } = findPullByNode(input.pullRequestId)
      const method = String(input.mergeMethod ?? 'MERGE').toLowerCase()
      try {
        await mergePull(repo, pull, method as 'merge' | 'squash' | 'rebase', {
          sha: input.expectedHeadOid === undefined ? undefined : String(input.expectedHeadOid),
          title: input.commitHeadline === undefined ? undefined : String(input.commitHeadline),
          message: input.commitBody === undefined ? undefined : String(input.commitBody)
        })
      } catch (err) {
        if (err instanceof ApiError) throw new GqlError('UNPROCESSABLE', err.message)
        throw err
      }
      return {
        __typename: 'MergePullRequestPayload',
        clientMutationId: input.clientMutationId ?? null,
        pullRequest: pullObject(repo, pull)
      }
    }
  }

  const handleGraphql = async (ctx: Context): Promise<void> => {
    if (!(await accepted(ctx, checkGraphqlRequest))) return
    const body = await readJson(ctx.req)
    const query = typeof body.query === 'string' ? body.query : ''
    const variables = (
      typeof body.variables === 'object' && body.variables !== null ? body.variables : {}
    ) as Record<string, unknown>
    let document: DocumentNode
    try {
      document = parse(query)
    } catch (err) {
      const e = err as GraphQLError
      sendJson(ctx, 200, { errors: [{ message: e.message, locations: e.locations ?? [] }] })
      return
    }
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION
    )
    const wanted = typeof body.operationName === 'string' ? body.operationName : undefined
    const operation = wanted ? operations.find(o => o.name?.value === wanted) : operations[0]
    if (!operation || (!wanted && operations.length > 1)) {
      sendJson(ctx, 200, {
        errors: [
          {
            message: wanted
              ? `Unknown operation named "${wanted}".`
              : 'An operation name is required'
          }
        ]
      })
      return
    }
    const fragments = new Map(
      document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map(f => [f.name.value, f])
    )
    // Declared defaults apply to variables the request leaves out.
    const vars: Record<string, unknown> = { ...variables }
    for (const def of operation.variableDefinitions ?? []) {
      const name = def.variable.name.value
      if (vars[name] === undefined && def.defaultValue)
        vars[name] = valueFromASTUntyped(def.defaultValue)
    }
    const source = new Source(query)
    const locate = (node: FieldNode): { line: number; column: number }[] =>
      node.loc ? [getLocation(source, node.loc.start)] : []
    const argsOf = (node: FieldNode): Record<string, unknown> =>
      Object.fromEntries(
        (node.arguments ?? []).map(a => [a.name.value, valueFromASTUntyped(a.value, vars)])
      )

    /** The fields of a selection set that apply to an object of `typename`, fragments expanded. */
    const fieldsOf = (set: SelectionSetNode, typename: string): FieldNode[] =>
      set.selections.flatMap(sel => {
        if (sel.kind === Kind.FIELD) return [sel]
        const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? fragments.get(sel.name.value) : sel
        if (!fragment) return []
        const on = fragment.typeCondition?.name.value
        return on === undefined || on === typename ? fieldsOf(fragment.selectionSet, typename) : []
      })

    const project = async (
      value: unknown,
      set: SelectionSetNode | undefined,
      path: (string | number)[]
    ): Promise<unknown> => {
      if (value === null || value === undefined) return null
      if (Array.isArray(value))
        return Promise.all(value.map((v, i) => project(v, set, [...path, i])))
      if (!set) return value
      const object = value as GqlObject
      const out: Record<string, unknown> = {}
      for (const field of fieldsOf(set, object.__typename)) {
        const key = field.alias?.value ?? field.name.value
        const name = field.name.value
        if (name === '__typename') {
          out[key] = object.__typename
          continue
        }
        if (!(name in object)) {
          throw new GqlError(
            undefined,
            `Field '${name}' doesn't exist on type '${object.__typename}'`,
            field
          )
        }
        let v = object[name]
        if (typeof v === 'function')
          v = await (v as (a: Record<string, unknown>) => unknown)(argsOf(field))
        out[key] = await project(await v, field.selectionSet, [...path, key])
      }
      return out
    }

    const isMutation = operation.operation === 'mutation'
    const top = isMutation ? mutationFields : queryFields
    const data: Record<string, unknown> = {}
    const errors: object[] = []
    // Mutations run one after the other, as GraphQL requires; so do queries here.
    for (const field of fieldsOf(operation.selectionSet, isMutation ? 'Mutation' : 'Query')) {
      const key = field.alias?.value ?? field.name.value
      if (field.name.value === '__typename') {
        data[key] = isMutation ? 'Mutation' : 'Query'
        continue
      }
      const resolve = Object.hasOwn(top, field.name.value) ? top[field.name.value] : undefined
      try {
        if (!resolve) {
          throw new GqlError(
            undefined,
            `Field '${field.name.value}' doesn't exist on type '${isMutation ? 'Mutation' : 'Query'}'`,
            field
          )
        }
        data[key] = await project(await resolve(argsOf(field)), field.selectionSet, [key])
      } catch (err) {
        if (!(err instanceof GqlError)) throw err
        data[key] = null
        errors.push({
          ...(err.type && { type: err.type }),
          path: [key],
          locations: locate(err.node ?? field),
          message: err.message
        })
      }
    }
    sendJson(ctx, 200, errors.length ? { data, errors } : { data })
  }

  /**
   * createCommitOnBranch: one commit of base64 file additions and deletions on the branch's
   * head, only if the head is still expectedHeadOid — otherwise GitHub's STALE_DATA error.
   * Signed by GitHub, like web commits.
   */
  const createCommitOnBranch = async (input: Record<string, unknown>): Promise<GqlObject> => {
    const { branch, message, expectedHeadOid, fileChanges } = input as {
      branch?: { repositoryNameWithOwner?: string; branchName?: string }
      message?: { headline?: string; body?: string }
      expectedHeadOid?: string
      fileChanges?: {
        additions?: { path: string; contents: string }[]
        deletions?: { path: string }[]
      }
    }
    const fullName = branch?.repositoryNameWithOwner ?? ''
    const branchName = (branch?.branchName ?? '').replace(/^refs\/heads\//, '')
    const repo = findRepo(fullName)
    if (!repo) {
      throw new GqlError(
        'NOT_FOUND',
        `Could not resolve to a Repository with the name '${fullName}'.`
      )
    }
    if (!expectedHeadOid || !message?.headline) {
      throw new GqlError(
        'INVALID',
        'Variable $input of type CreateCommitOnBranchInput! was provided invalid value'
      )
    }
    const additions = fileChanges?.additions ?? []
    const invalid = additions.find(({ path: p }) => !validPath(p))
    if (invalid) {
      throw new GqlError(
        'UNPROCESSABLE',
        `The path ${JSON.stringify(invalid.path)} is not a valid file path.`
      )
    }
    const ref = `refs/heads/${branchName}`
    const rule = repo.protectionOf(ref)
    if (rule?.kind === 'protection') {
      // https://github.com/microsoft/vscode-remote-repositories-github/issues/252 (message),
      // https://github.com/Thinkmill/keystatic/issues/1598 (type)
      throw new GqlError(
        'BRANCH_PROTECTION_RULE_VIOLATION',
        `protected branch '${branchName}' check failed:\n  ${ruleLines(rule).join('\n  ')}`
      )
    }
    if (rule?.kind === 'ruleset') {
      // Rulesets raise another type than BRANCH_PROTECTION_RULE_VIOLATION
      // (https://github.com/Thinkmill/keystatic/issues/1598, /1559); which one is not public:
      // UNPROCESSABLE, GitHub's usual type for a refused mutation, with the REST message.
      throw new GqlError(
        'UNPROCESSABLE',
        `Repository rule violations found\n\n${ruleLines(rule).join('\n')}\n\n`
      )
    }
    // Side by side: 50 files are 50 git processes.
    const changes: TreeChange[] = await Promise.all(
      additions.map(async ({ path: p, contents }) => ({
        path: p,
        entry: {
          mode: '100644',
          type: 'blob' as const,
          sha: await repo.hashBlob(Buffer.from(contents, 'base64'))
        }
      }))
    )
    for (const { path: p } of fileChanges?.deletions ?? []) changes.push({ path: p, entry: null })
    const text = message.body ? `${message.headline}\n\n${message.body}` : message.headline
    const outcome = await refHookThen(repo, ref, async () => {
      const head = await repo.readRef(ref)
      if (!head) return { missing: true as const }
      if (head !== expectedHeadOid) return { stale: true as const }
      const tree = await repo.buildTree(await repo.resolve(`${head}^{tree}`), changes)
      const author = { ...BOT_IDENT, date: '' }
      const sha = await repo.commitTree(tree, [head], text, author, { ...WEB_FLOW, date: '' })
      if (!(await repo.casRef(ref, sha, head))) return { stale: true as const }
      verified.add(sha)
      return { sha }
    })
    if ('missing' in outcome) {
      throw new GqlError('NOT_FOUND', `A ref named "${ref}" does not exist in the repository.`)
    }
    if ('stale' in outcome) {
      throw new GqlError(
        'STALE_DATA',
        `Expected branch to point to "${expectedHeadOid}" but it did not.  Pull and try again.`
      )
    }
    return {
      __typename: 'CreateCommitOnBranchPayload',
      clientMutationId: input.clientMutationId ?? null,
      commit: commitObject(repo, outcome.sha),
      ref: refObject(repo, ref, outcome.sha)
    }
  }

  /**
   * updateRefs (`$input: UpdateRefsInput!`): creates, moves and deletes refs atomically, each
   * only if it points at `beforeOid` (zeros: must not exist); `afterOid` zeros deletes; a
   * non-fast-forward move needs `force`. Added to GitHub's public schema in April 2024
   * (octokit/graphql-schema#934); https://docs.github.com/graphql/reference/mutations#updaterefs.
   * GitHub's wording for a refused update is not documented: clients read the ref to tell.
   */
  const updateRefs = async (input: Record<string, unknown>): Promise<GqlObject> => {
    const { repositoryId, refUpdates, clientMutationId } = input as {
      repositoryId?: string
      refUpdates?: { name: string; beforeOid?: string | null; afterOid: string; force?: boolean }[]
      clientMutationId?: string
    }
    const repo = [...repos.values()].find(r => r.nodeId === repositoryId)
    if (!repo) {
      throw new GqlError(
        'NOT_FOUND',
        `Could not resolve to a node with the global id of '${String(repositoryId)}'`
      )
    }
    const updates = refUpdates ?? []
    for (const update of updates) {
      const rule = repo.protectionOf(update.name)
      if (rule)
        throw new GqlError(
          rule.kind === 'protection' ? 'BRANCH_PROTECTION_RULE_VIOLATION' : 'UNPROCESSABLE',
          rule.kind === 'protection'
            ? `protected branch '${update.name.replace(/^refs\/heads\//, '')}' check failed:\n  ${ruleLines(rule).join('\n  ')}`
            : `Repository rule violations found\n\n${ruleLines(rule).join('\n')}\n\n`
        )
    }
    for (const update of updates) if (refHook) await refHook(repo.fullName, update.name)
    const refused = await repo.mutex.run(async (): Promise<string | undefined> => {
      const checked: { name: string; current: string | undefined; next: string | null }[] = []
      for (const update of updates) {
        if (!update.name.startsWith('refs/'))
          return `${update.name} is not a fully qualified ref name`
        const current = await repo.readRef(update.name)
        if (update.beforeOid !== undefined && update.beforeOid !== null) {
          const expected = update.beforeOid === ZERO_SHA ? undefined : update.beforeOid
          if (current !== expected) return `${update.name} does not point at ${update.beforeOid}`
        }
        const next = update.afterOid === ZERO_SHA ? null : update.afterOid
        if (next !== null && (await repo.objectType(next)) === undefined)
          return `Object ${next} does not exist`
        if (next !== null && current && !update.force && !(await repo.isAncestor(current, next)))
          return `${update.name}: update is not a fast forward`
        checked.push({ name: update.name, current, next })
      }
      // One compare-and-swap each, as git's own ref transaction checks every old value.
      for (const { name, current, next } of checked)
        if (!(await repo.casRef(name, next, current))) return `${name} moved during the update`
      return undefined
    })
    if (refused) throw new GqlError('UNPROCESSABLE', refused)
    return { __typename: 'UpdateRefsPayload', clientMutationId: clientMutationId ?? null }
  }

  // --- git smart HTTP -------------------------------------------------------------------------

  /**
   * What a receive-pack request asks: the refs it updates (the pkt-lines before the first flush)
   * and the capabilities after the NUL of the first one.
   */
  const pushCommands = (body: Buffer, gzipped: boolean): { refs: string[]; caps: Set<string> } => {
    const caps = new Set<string>()
    let data = body
    try {
      if (gzipped) data = gunzipSync(body)
    } catch {
      return { refs: [], caps }
    }
    const refs: string[] = []
    for (let off = 0; off + 4 <= data.length;) {
      const len = parseInt(data.subarray(off, off + 4).toString('latin1'), 16)
      if (!Number.isFinite(len) || len === 0 || len < 4) break
      const [command = '', capabilities] = data
        .subarray(off + 4, off + len)
        .toString('utf8')
        .replace(/\n$/, '')
        .split('\0')
      off += len
      if (capabilities !== undefined) for (const c of capabilities.split(' ')) caps.add(c)
      if (command.startsWith('shallow ')) continue
      const [, , ref] = command.split(' ')
      if (!ref) break // push-cert or anything else ends the command list
      refs.push(ref)
    }
    return { refs, caps }
  }

  /** One pkt-line: four hex digits of length, then the payload. */
  const pkt = (...parts: (Buffer | string)[]): Buffer => {
    const payload = Buffer.concat(parts.map(p => (typeof p === 'string' ? Buffer.from(p) : p)))
    return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0')), payload])
  }

  const sendRaw = (
    ctx: Context,
    status: number,
    headers: Record<string, string>,
    body: Buffer | string
  ): void => {
    if (ctx.applyThen) {
      sendFault(ctx, ctx.applyThen)
      return
    }
    ctx.entry.status = status
    ctx.res.writeHead(status, { 'x-github-request-id': requestId(), ...headers }).end(body)
  }

  /**
   * A push onto a protected branch, refused as GitHub's hooks refuse it: every ref of the push
   * declined, the reasons on the progress side band, which git prints as "remote: …" lines.
   * Classic protection (https://github.com/foundry-rs/block-explorers/pull/110):
   *   remote: error: GH006: Protected branch update failed for refs/heads/main.
   *    ! [remote rejected] main -> main (protected branch hook declined)
   * Rulesets (https://github.com/DSACMS/repo-scaffolder/issues/342):
   *   remote: error: GH013: Repository rule violations found for refs/heads/main.
   *    ! [remote rejected] main -> main (push declined due to repository rule violations)
   */
  const refusePush = (ctx: Context, repo: Repo, refs: string[], caps: Set<string>): void => {
    const ref = refs.find(r => repo.protectionOf(r))!
    const rule = repo.protectionOf(ref)!
    const rules = ruleLines(rule).map(line => `- ${line}`)
    const lines =
      rule.kind === 'protection'
        ? [`error: GH006: Protected branch update failed for ${ref}.`, '', ...rules]
        : [
            `error: GH013: Repository rule violations found for ${ref}.`,
            `Review all repository rules at ${url}/${repo.fullName}/rules?ref=${encodeURIComponent(ref)}`,
            '',
            ...rules,
            ''
          ]
    const reason =
      rule.kind === 'protection'
        ? 'protected branch hook declined'
        : 'push declined due to repository rule violations'
    const report = Buffer.concat([
      pkt('unpack ok\n'),
      ...refs.map(r => pkt(`ng ${r} ${reason}\n`)),
      Buffer.from('0000')
    ])
    const sideBand = caps.has('side-band-64k') || caps.has('side-band')
    const body = sideBand
      ? Buffer.concat([
          ...lines.map(line => pkt(Buffer.from([2]), `${line}\n`)),
          pkt(Buffer.from([1]), report),
          Buffer.from('0000')
        ])
      : report
    sendRaw(
      ctx,
      200,
      { 'content-type': 'application/x-git-receive-pack-result', 'cache-control': 'no-cache' },
      body
    )
  }

  const handleGit = async (ctx: Context, repo: Repo, rest: string): Promise<void> => {
    const { req, res } = ctx
    const method = req.method ?? 'GET'
    const cgiEnv: Record<string, string> = {
      ...env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      SERVER_SOFTWARE: 'github-in-a-box',
      REQUEST_METHOD: method,
      PATH_INFO: `/${repo.owner}/${repo.name}.git/${rest}`,
      QUERY_STRING: ctx.url.search.replace(/^\?/, ''),
      REMOTE_USER: BOT_LOGIN,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1'
    }
    const contentType = req.headers['content-type']
    if (contentType) cgiEnv.CONTENT_TYPE = contentType
    const contentLength = req.headers['content-length']
    if (contentLength) cgiEnv.CONTENT_LENGTH = contentLength
    // CGI passes the other headers as HTTP_*: http-backend reads HTTP_CONTENT_ENCODING (gzip
    // bodies) and HTTP_GIT_PROTOCOL (protocol v2) from there. Never the credentials.
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue
      if (['authorization', 'content-type', 'content-length', 'proxy-authorization'].includes(name))
        continue
      cgiEnv[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = Array.isArray(value)
        ? value.join(', ')
        : value
    }

    let buffered: Buffer | undefined
    const guarded = Object.keys(repo.settings.protectedBranches).length > 0
    if ((refHook || guarded) && method === 'POST' && rest === 'git-receive-pack') {
      // The hook must run before receive-pack reads the refs' old values, so read the commands
      // first; a ref moved by the hook then fails the push (failed to lock / stale info).
      buffered = await readBody(req)
      const gzipped = /gzip/i.test(String(req.headers['content-encoding'] ?? ''))
      const { refs, caps } = pushCommands(buffered, gzipped)
      if (refs.some(ref => repo.protectionOf(ref))) {
        refusePush(ctx, repo, refs, caps)
        return
      }
      if (refHook) for (const ref of refs) await refHook(repo.fullName, ref)
    }
    // `{ applyThen }`: http-backend runs to the end, its answer is dropped for the fault.
    const swallow = ctx.applyThen

    const child = spawn('git', ['http-backend'], { env: cgiEnv, stdio: 'pipe' })
    const stderr: Buffer[] = []
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64) stderr.push(chunk)
    })
    child.stdin.on('error', () => {})
    res.on('close', () => {
      if (!res.writableFinished) child.kill('SIGKILL')
    })
    if (buffered) child.stdin.end(buffered)
    else req.pipe(child.stdin)

    // CGI output: headers (Status: gives the code), a blank line, then the body.
    let head = Buffer.alloc(0)
    let headersDone = false
    const finishHeaders = (block: string): void => {
      headersDone = true
      if (swallow) return
      let status = 200
      const headers: Record<string, string> = { 'x-github-request-id': requestId() }
      for (const line of block.split(/\r?\n/)) {
        const colon = line.indexOf(':')
        if (colon <= 0) continue
        const name = line.slice(0, colon).trim()
        const value = line.slice(colon + 1).trim()
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500
        else headers[name] = value
      }
      ctx.entry.status = status
      res.writeHead(status, headers)
    }
    child.stdout.on('data', (chunk: Buffer) => {
      if (swallow) return
      if (headersDone) {
        if (!res.write(chunk)) {
          child.stdout.pause()
          res.once('drain', () => child.stdout.resume())
        }
        return
      }
      head = Buffer.concat([head, chunk])
      const text = head.toString('latin1')
      const crlf = text.indexOf('\r\n\r\n')
      const lf = text.indexOf('\n\n')
      const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 4 : lf !== -1 ? lf + 2 : -1
      if (end === -1) return
      finishHeaders(text.slice(0, end))
      const restBytes = head.subarray(end)
      if (restBytes.length) res.write(restBytes)
    })
    await new Promise<void>(resolve => {
      child.once('error', err => {
        if (!headersDone) {
          ctx.entry.status = 500
          res.writeHead(500, { 'content-type': 'text/plain' })
        }
        res.end(`git http-backend: ${err.message}`)
        resolve()
      })
      child.once('close', code => {
        if (swallow) sendFault(ctx, swallow)
        else if (!headersDone) {
          ctx.entry.status = 500
          res.writeHead(500, { 'content-type': 'text/plain' })
          res.end(
            `git http-backend exited with ${String(code)}: ${Buffer.concat(stderr).toString('utf8')}`
          )
        } else res.end()
        resolve()
      })
    })
  }

  // --- dispatch -------------------------------------------------------------------------------

  const GIT_PATH =
    /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.+)$/

  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/'
    const parsed = new URL(rawUrl, 'http://box.invalid')
    const pathname = parsed.pathname
    const kind: RequestKind = pathname.startsWith('/api/graphql')
      ? 'graphql'
      : pathname.startsWith('/api/')
        ? 'api'
        : GIT_PATH.test(pathname)
          ? 'git'
          : 'api'
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: rawUrl.split(token).join('***'),
      status: 0,
      auth: classifyAuth(req.headers.authorization, kind),
      kind
    }
    requests.push(entry)
    const ctx: Context = { req, res, entry, url: parsed }

    try {
      let verdict: Fault | ApplyThen | 'pass' | undefined
      try {
        verdict = await injector?.({ method: entry.method, path: entry.path, kind })
      } catch (err) {
        verdict = { status: 500, body: `injector threw: ${String(err)}` }
      }
      if (verdict !== undefined && verdict !== 'pass') {
        if (!('applyThen' in verdict)) {
          sendFault(ctx, verdict)
          return
        }
        ctx.applyThen = verdict.applyThen
      }

      if (kind === 'git') {
        if (entry.auth !== 'basic' && entry.auth !== 'token') {
          req.resume()
          entry.status = 401
          res
            .writeHead(401, {
              'content-type': 'text/plain',
              'www-authenticate': 'Basic realm="GitHub"',
              'x-github-request-id': requestId()
            })
            .end(
              entry.auth === 'bad'
                ? 'Invalid username or token. Password authentication is not supported for Git operations.\n'
                : ''
            )
          return
        }
        const m = GIT_PATH.exec(pathname)
        const repo =
          m && findRepo(`${decodeURIComponent(m[1] ?? '')}/${decodeURIComponent(m[2] ?? '')}`)
        if (!m || !repo) {
          req.resume()
          entry.status = 404
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found.\n')
          return
        }
        await handleGit(ctx, repo, m[3] ?? '')
        return
      }

      if (entry.auth !== 'token' && entry.auth !== 'basic') {
        req.resume()
        sendJson(ctx, 401, {
          message: entry.auth === 'none' ? 'Requires authentication' : 'Bad credentials',
          documentation_url: kind === 'graphql' ? 'https://docs.github.com/graphql' : DOCS,
          status: '401'
        })
        return
      }
      if (kind === 'graphql') {
        if (req.method !== 'POST') notFound()
        await handleGraphql(ctx)
        return
      }
      if (!pathname.startsWith('/api/v3/') && pathname !== '/api/v3') notFound()
      await handleApi(ctx, pathname.slice('/api/v3'.length))
    } catch (err) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      req.resume()
      if (err instanceof ApiError) sendJson(ctx, err.status, err.body)
      else
        sendJson(ctx, 500, {
          message: `GitHub in a box: ${String(err)}`,
          documentation_url: DOCS,
          status: '500'
        })
    }
  }

  const server = http.createServer((req, res) => void listener(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  // A test that forgets stop() must not keep Jest alive.
  server.unref()
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  apiUrl = `${url}/api/v3`

  // --- test API -------------------------------------------------------------------------------

  const createRepo = async (
    fullName: string,
    files: Record<string, string>,
    options: CreateRepoOptions = {}
  ): Promise<void> => {
    const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(fullName)
    if (!m || fullName.endsWith('.git'))
      throw new Error(`GitHub box: bad repository name ${fullName}`)
    if (findRepo(fullName)) throw new Error(`GitHub box: ${fullName} exists already`)
    const [, owner = '', name = ''] = m
    const branch = options.defaultBranch ?? 'main'
    const dir = path.join(root, owner, `${name}.git`)
    await mkdir(path.dirname(dir), { recursive: true })
    await run(['init', '--quiet', '--bare', `--initial-branch=${branch}`, dir], env)
    // gc off: a background `gc --auto` after a push could outlive stop() and race the rm.
    const config = [
      '[http]',
      '\treceivepack = true',
      '[uploadpack]',
      '\tallowFilter = true',
      '\tallowAnySHA1InWant = true',
      '[gc]',
      '\tauto = 0',
      '[receive]',
      '\tautogc = false',
      ''
    ].join('\n')
    await appendFile(path.join(dir, 'config'), config)

    const chunks: Buffer[] = []
    const push = (s: string | Buffer): void => {
      chunks.push(typeof s === 'string' ? Buffer.from(s, 'utf8') : s)
    }
    const data = (content: string | Buffer): void => {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
      push(`data ${bytes.length}\n`)
      push(bytes)
      push('\n')
    }
    const t0 = 1_700_000_000
    const history = options.history ?? 0
    for (let i = 1; i <= history + 1; i++) {
      const ident = `Config Maintainer <maintainer@example.com> ${t0 + i * 60} +0000`
      push(`commit refs/heads/${branch}\nmark :${i}\nauthor ${ident}\ncommitter ${ident}\n`)
      data(i <= history ? `history ${i}\n` : 'Initial commit\n')
      if (i > 1) push(`from :${i - 1}\n`)
      if (i <= history) {
        push('M 100644 inline history.txt\n')
        data(`${i}\n`)
        continue
      }
      push('deleteall\n')
      for (const [p, content] of Object.entries(files)) {
        if (!validPath(p)) throw new Error(`GitHub box: bad path ${p}`)
        push(`M 100644 inline ${fastImportPath(p)}\n`)
        data(content)
      }
      for (const [p, target] of Object.entries(options.symlinks ?? {})) {
        if (!validPath(p)) throw new Error(`GitHub box: bad path ${p}`)
        push(`M 120000 inline ${fastImportPath(p)}\n`)
        data(target)
      }
    }
    const afterwards: NonNullable<CreateRepoOptions['afterwards']> = options.afterwards ?? {
      commits: 0,
      files: () => ({})
    }
    for (let i = 1; i <= afterwards.commits; i++) {
      const mark = history + 1 + i
      const ident = `Config Maintainer <maintainer@example.com> ${t0 + mark * 60} +0000`
      push(`commit refs/heads/${branch}\nmark :${mark}\nauthor ${ident}\ncommitter ${ident}\n`)
      data(`Change ${i}\n`)
      push(`from :${mark - 1}\n`)
      for (const [p, content] of Object.entries(afterwards.files(i))) {
        if (!validPath(p)) throw new Error(`GitHub box: bad path ${p}`)
        push(`M 100644 inline ${fastImportPath(p)}\n`)
        data(content)
      }
    }
    push('done\n')
    await run(
      ['fast-import', '--quiet', '--date-format=raw', '--done'],
      { ...env, GIT_DIR: dir },
      {
        input: Buffer.concat(chunks)
      }
    )
    const settings: RepoSettings = {
      allowAutoMerge: options.allowAutoMerge ?? false,
      allowMergeCommit: options.allowMergeCommit ?? true,
      allowSquashMerge: options.allowSquashMerge ?? true,
      allowRebaseMerge: options.allowRebaseMerge ?? true,
      deleteBranchOnMerge: options.deleteBranchOnMerge ?? false,
      collaborators: [...(options.collaborators ?? [])],
      teams: [...(options.teams ?? [])],
      admin: options.admin ?? false,
      actionsMayCreatePullRequests: options.actionsMayCreatePullRequests ?? true,
      protectedBranches: { ...options.protectedBranches }
    }
    repos.set(fullName.toLowerCase(), new Repo(owner, name, dir, nextId++, branch, settings, env))
  }

  const commit = async (
    fullName: string,
    branch: string,
    files: Record<string, string | null>,
    message = 'Concurrent commit'
  ): Promise<string> => {
    const repo = mustRepo(fullName)
    const ref = `refs/heads/${branch}`
    return repo.mutex.run(async () => {
      const tip = await repo.readRef(ref)
      const parent = tip ?? (await repo.readRef(`refs/heads/${repo.defaultBranch}`))
      const changes: TreeChange[] = []
      for (const [p, content] of Object.entries(files)) {
        if (!validPath(p)) throw new Error(`GitHub box: bad path ${p}`)
        changes.push({
          path: p,
          entry:
            content === null
              ? null
              : {
                  mode: '100644',
                  type: 'blob',
                  sha: await repo.hashBlob(Buffer.from(content, 'utf8'))
                }
        })
      }
      const base = parent ? await repo.resolve(`${parent}^{tree}`) : undefined
      const tree = await repo.buildTree(base, changes)
      const who = { ...RACER_IDENT, date: '' }
      const sha = await repo.commitTree(tree, parent ? [parent] : [], `${message}\n`, who, who)
      if (!(await repo.casRef(ref, sha, tip)))
        throw new Error(`GitHub box: ${ref} moved during commit()`)
      return sha
    })
  }

  const readFileAt = async (
    fullName: string,
    ref: string,
    p: string
  ): Promise<string | undefined> => {
    const repo = mustRepo(fullName)
    const blob = await repo.resolve(`${ref}:${p}`)
    if (!blob || (await repo.objectType(blob)) !== 'blob') return undefined
    return (await repo.blob(blob)).toString('utf8')
  }

  const log = async (fullName: string, ref: string): Promise<LogEntry[]> => {
    const repo = mustRepo(fullName)
    const out = await repo.text([
      'log',
      '-z',
      '--no-renames',
      '--diff-merges=first-parent',
      '--name-only',
      '--format=%x1e%H%x00%P%x00%B%x00',
      ref,
      '--'
    ])
    return out
      .split('\x1e')
      .filter(Boolean)
      .map(record => {
        const [sha = '', parents = '', message = '', ...names] = record.split('\0')
        return {
          sha,
          message: message.replace(/\n+$/, ''),
          parents: parents.split(' ').filter(Boolean),
          verified: verified.has(sha),
          files: names.map(n => n.replace(/^\n+/, '')).filter(Boolean)
        }
      })
  }

  const pulls = (fullName: string): PullRecord[] => {
    const repo = mustRepo(fullName)
    return repo.pulls.map(pull => {
      refreshPull(
        pull,
        repo.resolveSync(`refs/heads/${pull.headRef}`),
        repo.resolveSync(`refs/heads/${pull.baseRef}`)
      )
      return toRecord(pull)
    })
  }

  let stopped = false
  return {
    url,
    apiUrl,
    graphqlUrl: `${url}/api/graphql`,
    token,
    login: BOT_LOGIN,
    root,
    createRepo,
    commit,
    git: async (fullName, args) => mustRepo(fullName).text(args),
    readFile: readFileAt,
    log,
    pulls,
    requests,
    inject: fn => {
      injector = fn
    },
    beforeRefUpdate: fn => {
      refHook = fn
    },
    violations,
    takeViolations: () => violations.splice(0),
    assertNoViolations: () => {
      const found = violations.splice(0)
      if (found.length) throw new Error(describeViolations(found))
    },
    configureRepo: async (fullName, settings) => {
      const repo = mustRepo(fullName)
      const defined = Object.fromEntries(
        Object.entries(settings).filter(([, v]) => v !== undefined)
      ) as Partial<RepoSettings>
      repo.settings = { ...repo.settings, ...defined }
      await sweepAutoMerges(repo)
    },
    repoSettings: fullName => structuredClone(mustRepo(fullName).settings),
    passChecks: async (fullName, sha) => {
      const repo = mustRepo(fullName)
      repo.passedChecks.add(sha)
      await sweepAutoMerges(repo)
    },
    addAttestation: (fullName, digest, predicateType, bundle) => {
      attestations.push({
        repo: mustRepo(fullName),
        digest,
        predicateType,
        bundle: structuredClone(bundle),
        id: attestations.length + 1
      })
    },
    stop: async () => {
      if (stopped) return
      stopped = true
      injector = undefined
      refHook = undefined
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        // Hung (fault-injected) and keep-alive connections would otherwise hold close() forever.
        server.closeAllConnections()
      })
      for (const repo of repos.values()) repo.close()
      await rm(root, { recursive: true, force: true })
      const left = violations.splice(0)
      if (left.length) throw new Error(describeViolations(left))
    }
  }
}

function describeViolations(found: Violation[]): string {
  const lines = found.map(v => `  ${v.method} ${v.path}: ${v.problem}`)
  return `GitHub box: ${found.length} request(s) GitHub would refuse:\n${lines.join('\n')}`
}

/** Removes temp dirs left by test processes that died before stop(). */
async function removeOrphanedDirs(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [])
  await Promise.all(
    names.map(async name => {
      const pid = Number(DIR_OWNER.exec(name)?.[1])
      if (pid && !isAlive(pid))
        await rm(path.join(tmpdir(), name), { recursive: true, force: true })
    })
  )
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: alive, but someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
