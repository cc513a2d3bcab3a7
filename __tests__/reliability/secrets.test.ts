/**
 * Secrets: the GitHub token, the registry password (inputs, docker config, credential helper,
 * PROMOTE_IMAGE_REGISTRY_PASSWORD) and AWS keys appear in none of what a run leaves or shows:
 *
 * - stdout (minus the `::add-mask::` commands the runner consumes) and stderr;
 * - GITHUB_OUTPUT and GITHUB_STEP_SUMMARY;
 * - the arguments of every process started during the run: PATH shims for git, kubectl and the
 *   credential helper record each command line, and a /proc watcher records every command line it
 *   sees (git-remote-http, git-upload-pack, sh, … included);
 * - the environment of child processes (git, kubectl, credential helpers): the token is the
 *   action's input, not theirs;
 * - every file of the config checkout's .git, copied after every git command (config, and loose
 *   objects inflated), and of the checked-out config repo with write-method none;
 * - the private TMPDIR of the run, new entries of the system temp dir, and the run's HOME;
 * - the commits (messages and diffs) and pull requests in the box, and the request URLs.
 *
 * Each row also proves the secrets were really used (the box saw authenticated requests, the
 * registry authenticated manifest requests, ECR signed calls with the key), so no row can pass
 * because nothing happened. Table-driven over runner × write method × mode × kind of secret, with
 * failure paths (a rejected token, a refused push) whose error messages must not leak either.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startFakeEcr, type FakeEcr } from '../support/fake-ecr.js'
import { startGitHubBox, type GitHubBox } from '../support/github.js'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'
import {
  entries,
  firstError,
  initRepo,
  inputsEnv,
  installShims,
  newTmpEntries,
  runAction,
  runScript,
  scanDir,
  secretsIn,
  tmpdir,
  tmpEntries,
  watchProcesses,
  workDir,
  type Ran,
  bundle,
  dropBundle,
  type SecretHit
} from './common.js'
import { scaled } from '../support/timing.js'

const ECR_HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const ECR_DIGEST = `sha256:${'7e'.repeat(32)}`
const HELPER = 'promotetest'
const TIMEOUT = scaled(120_000)

type Runner = 'action' | 'cli'
type Method = 'api' | 'git' | 'none'
type Mode = 'push' | 'pull-request'
/** How the registry (or AWS) secret reaches the run. */
type SecretKind = 'registry-inputs' | 'docker-config' | 'credential-helper' | 'password-env' | 'aws'
type Fault = 'bad-token' | 'push-refused'

interface Row {
  readonly runner: Runner
  readonly method: Method
  readonly mode: Mode
  readonly secret: SecretKind
  /** CLI: which variable holds the token. */
  readonly tokenVar?: 'GITHUB_TOKEN' | 'PROMOTE_IMAGE_TOKEN'
  readonly fault?: Fault
}

const ROWS: Row[] = [
  { runner: 'action', method: 'api', mode: 'push', secret: 'registry-inputs' },
  { runner: 'action', method: 'api', mode: 'pull-request', secret: 'docker-config' },
  { runner: 'action', method: 'api', mode: 'push', secret: 'credential-helper' },
  { runner: 'action', method: 'api', mode: 'pull-request', secret: 'aws' },
  { runner: 'action', method: 'git', mode: 'push', secret: 'docker-config' },
  { runner: 'action', method: 'git', mode: 'pull-request', secret: 'registry-inputs' },
  { runner: 'action', method: 'git', mode: 'push', secret: 'aws' },
  { runner: 'action', method: 'git', mode: 'pull-request', secret: 'credential-helper' },
  { runner: 'action', method: 'none', mode: 'push', secret: 'registry-inputs' },
  { runner: 'action', method: 'api', mode: 'push', secret: 'registry-inputs', fault: 'bad-token' },
  { runner: 'action', method: 'git', mode: 'push', secret: 'docker-config', fault: 'push-refused' },
  { runner: 'cli', method: 'git', mode: 'push', secret: 'docker-config', tokenVar: 'GITHUB_TOKEN' },
  {
    runner: 'cli',
    method: 'git',
    mode: 'pull-request',
    secret: 'credential-helper',
    tokenVar: 'PROMOTE_IMAGE_TOKEN'
  },
  { runner: 'cli', method: 'git', mode: 'push', secret: 'aws', tokenVar: 'PROMOTE_IMAGE_TOKEN' },
  {
    runner: 'cli',
    method: 'git',
    mode: 'push',
    secret: 'password-env',
    tokenVar: 'GITHUB_TOKEN'
  },
  {
    runner: 'cli',
    method: 'git',
    mode: 'push',
    secret: 'docker-config',
    tokenVar: 'GITHUB_TOKEN',
    fault: 'bad-token'
  }
]

function label(row: Row): string {
  const who = row.runner === 'action' ? `action write-method ${row.method}` : 'CLI promote (git)'
  const mode = row.method === 'none' ? '' : ` ${row.mode}`
  const token = row.tokenVar ? `, token in ${row.tokenVar}` : ''
  const fault = row.fault ? `, ${row.fault}` : ''
  return `${who}${mode}, ${row.secret}${token}${fault}`
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64')
}

function files(host: string): Record<string, string> {
  const out: Record<string, string> = {
    'promotion.yaml':
      'environments:\n  dev:\n    targets:\n      - kustomize: apps/{name}/overlays/dev\n'
  }
  for (const [name, repo] of [
    ['api', `${host}/team/api`],
    ['app', `${ECR_HOST}/team/app`]
  ] as const) {
    out[`apps/${name}/base/kustomization.yaml`] = 'resources:\n  - deployment.yaml\n'
    out[`apps/${name}/base/deployment.yaml`] =
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${name}\n`
    out[`apps/${name}/overlays/dev/kustomization.yaml`] =
      `resources:\n  - ../../base\nimages:\n  - name: ${name}\n    newName: ${repo}\n    newTag: v0.9.0\n`
  }
  return out
}

describe('secrets stay secret', () => {
  let box: GitHubBox
  let reg: RegistryInstance
  let ecr: FakeEcr
  let work: string
  const leftovers: string[] = []

  beforeAll(async () => {
    await bundle()
    reg = await startRegistry({ auth: 'htpasswd' })
    await pushImage(reg, 'team/api', 'v1.0.0', { seed: 'secrets' })
    ecr = await startFakeEcr()
    ecr.addRepository({ name: 'team/app', imageTagMutability: 'IMMUTABLE' })
    ecr.addImage({ repository: 'team/app', digest: ECR_DIGEST, tags: ['v7'] })
    box = await startGitHubBox()
    work = await workDir('reliability-secrets-')
  })
  // A request GitHub's descriptions refuse fails the test that sent it (github-schema.ts).
  afterEach(() => box?.assertNoViolations())
  afterAll(async () => {
    await dropBundle()
    console.log(
      `secrets: entries left in the runs' private TMPDIR: ${leftovers.length ? leftovers.join(', ') : 'none'}`
    )
    await box?.stop()
    await reg?.stop()
    await ecr?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  it.each(ROWS.map(row => [label(row), row] as const))(
    '%s: no secret in logs, outputs, summary, argv, child env, .git, temp dirs or the box',
    async (_name, row) => {
      const index = ROWS.indexOf(row)
      const dir = join(work, `row-${index}`)
      const home = join(dir, 'home')
      const tmp = join(dir, 'tmp')
      const dockerConfig = join(dir, 'docker')
      for (const d of [home, tmp, dockerConfig]) await mkdir(d, { recursive: true })
      const repo = `acme/secrets-${index}`
      await box.createRepo(repo, files(reg.host))
      const token =
        row.fault === 'bad-token'
          ? `ghs_${randomBytes(18).toString('hex').slice(0, 36)}`
          : box.token
      const aws = {
        accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(48).toString('base64')}`
      }
      const secrets: Record<string, string> = {
        token,
        'token as Basic': b64(`x-access-token:${token}`),
        'registry password': reg.password,
        'registry Basic': b64(`${reg.username}:${reg.password}`),
        ...(row.secret === 'aws'
          ? {
              'AWS secret access key': aws.secretAccessKey,
              'AWS session token': aws.sessionToken
            }
          : {})
      }

      // Shims: git, kubectl and the credential helper record argv and environment.
      const shims = await installShims(dir, ['git', 'kubectl'], { copyGitDirs: true })
      const helper = join(shims.bin, `docker-credential-${HELPER}`)
      await writeFile(
        helper,
        [
          '#!/bin/sh',
          'read server',
          `{ printf 'docker-credential-${HELPER}'; for a in "$@"; do printf ' %s' "$a"; done; printf '\\n'; } >> '${join(dir, 'argv.log')}'`,
          `env > '${join(dir, 'env')}/helper-'$$`,
          `printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$server" '${reg.username}' '${reg.password}'`
        ].join('\n') + '\n'
      )
      await chmod(helper, 0o755)
      if (row.secret === 'docker-config') {
        await writeFile(
          join(dockerConfig, 'config.json'),
          JSON.stringify({
            auths: { [reg.host]: { auth: b64(`${reg.username}:${reg.password}`) } }
          })
        )
      } else if (row.secret === 'credential-helper') {
        await writeFile(
          join(dockerConfig, 'config.json'),
          JSON.stringify({ credHelpers: { [reg.host]: HELPER } })
        )
      }

      const image = row.secret === 'aws' ? `${ECR_HOST}/team/app:v7` : `${reg.host}/team/api:v1.0.0`
      const awsEnv: NodeJS.ProcessEnv =
        row.secret === 'aws'
          ? {
              AWS_ACCESS_KEY_ID: aws.accessKeyId,
              AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
              AWS_SESSION_TOKEN: aws.sessionToken,
              AWS_ENDPOINT_URL_ECR: ecr.url,
              AWS_EC2_METADATA_DISABLED: 'true'
            }
          : {}
      const base: NodeJS.ProcessEnv = {
        PATH: `${shims.bin}:${process.env.PATH}`,
        HOME: home,
        TMPDIR: tmp,
        DOCKER_CONFIG: dockerConfig,
        ...awsEnv
      }

      const workspace = join(dir, 'workspace')
      if (row.method === 'none') await initRepo(join(workspace, 'config'), files(reg.host))

      if (row.fault === 'push-refused') {
        box.inject(req =>
          req.kind === 'git' && /git-receive-pack/.test(req.path)
            ? { status: 403, body: 'Permission to push denied.\n' }
            : undefined
        )
      }
      const boxSeen = box.requests.length
      const registrySeen = reg.requests.entries.length
      const ecrSeen = ecr.calls.length
      const tmpBefore = await tmpEntries()
      const watch = watchProcesses()
      let ran: Ran & { shown?: string; outputText?: string; summary?: string; masks?: string[] }
      try {
        if (row.runner === 'action') {
          ran = await runAction(
            dir,
            {
              ...base,
              GITHUB_API_URL: box.apiUrl,
              GITHUB_SERVER_URL: box.url,
              GITHUB_GRAPHQL_URL: box.graphqlUrl,
              GITHUB_REPOSITORY: 'acme/api',
              GITHUB_SHA: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
              GITHUB_RUN_ID: '42',
              GITHUB_WORKSPACE: workspace,
              RUNNER_DEBUG: '1',
              ...inputsEnv({
                image,
                environment: 'dev',
                'config-repository': repo,
                'write-method': row.method,
                mode: row.mode,
                token,
                'verify-render': 'true',
                ...(row.method === 'none' ? { 'config-path': 'config' } : {}),
                ...(row.secret === 'registry-inputs'
                  ? { 'registry-username': reg.username, 'registry-password': reg.password }
                  : {})
              })
            },
            { timeout: TIMEOUT }
          )
        } else {
          ran = await runScript(
            'dist/cli.js',
            [
              'promote',
              '--verbose',
              '--config-repo',
              `${box.url}/${repo}.git`,
              '--environment',
              'dev',
              '--mode',
              row.mode,
              '--verify-render',
              'true',
              '--image',
              image,
              ...(row.secret === 'password-env' ? ['--registry-username', reg.username] : [])
            ],
            {
              ...base,
              [row.tokenVar!]: token,
              GITHUB_API_URL: box.apiUrl,
              ...(row.secret === 'password-env'
                ? { PROMOTE_IMAGE_REGISTRY_PASSWORD: reg.password }
                : {})
            },
            { timeout: TIMEOUT }
          )
        }
      } finally {
        box.inject(undefined)
      }
      const seen = await watch.stop()

      // --- the run did what the row says (so the secrets were really in play) ------------------
      if (row.fault) {
        expect(ran.code).toBe(1)
        expect(firstError(ran)).toMatch(
          row.fault === 'bad-token'
            ? /HTTP 401|Bad credentials|Cannot clone|Authentication failed/i
            : /Cannot push|403/
        )
      } else {
        expect(firstError(ran)).toBe('')
        if (row.method !== 'none') {
          const log = await box.log(
            repo,
            row.mode === 'push' ? 'main' : 'promote/dev/' + (row.secret === 'aws' ? 'app' : 'api')
          )
          expect(log[0]!.message).toMatch(/^promote\(dev\): /)
        }
      }
      const requests = box.requests.slice(boxSeen)
      if (row.method !== 'none') {
        // The token was presented: accepted (token/basic) or, with a bad token, rejected.
        const presented = requests.filter(r =>
          row.fault === 'bad-token' ? r.auth === 'bad' : r.auth === 'token' || r.auth === 'basic'
        )
        expect(presented.length).toBeGreaterThan(0)
        if (row.method === 'git' && row.fault !== 'bad-token')
          expect(requests.some(r => r.kind === 'git' && r.auth === 'basic')).toBe(true)
      }
      if (row.secret === 'aws') {
        const calls = ecr.calls.slice(ecrSeen)
        expect(calls.length).toBeGreaterThan(0)
        expect(calls.every(c => c.accessKeyId === aws.accessKeyId && c.hasSessionToken)).toBe(true)
      } else {
        const authenticated = reg.requests.entries
          .slice(registrySeen)
          .filter(e => e.path.includes('/manifests/') && e.authScheme === 'Basic' && e.status < 300)
        expect(authenticated.length).toBeGreaterThan(0)
      }
      if (row.runner === 'action') {
        // Registered with the runner, which then masks them in every log line.
        expect(ran.masks).toContain(token)
        if (row.secret !== 'aws') expect(ran.masks).toContain(reg.password)
      }

      // --- where the secrets must not be -------------------------------------------------------
      const hits: SecretHit[] = []
      const add = (where: string, text: string | Buffer) =>
        hits.push(...secretsIn(where, text, secrets))
      add('stdout', ran.shown ?? ran.stdout)
      add('stderr', ran.stderr)
      if (ran.outputText !== undefined) add('GITHUB_OUTPUT', ran.outputText)
      if (ran.summary !== undefined) add('GITHUB_STEP_SUMMARY', ran.summary)
      const argv = await shims.argv()
      add('argv of git/kubectl/credential helper (PATH shims)', argv)
      add('environment of git/kubectl/credential helper (PATH shims)', await shims.env())
      add('command lines seen in /proc', seen.cmdlines.join('\n'))
      add('environment of child processes seen in /proc', seen.environs.join('\n'))
      for (const hit of await scanDir(shims.gitDirs, secrets))
        hits.push({ where: `.git of the config checkout: ${hit.where}`, secret: hit.secret })
      if (row.method === 'none') {
        for (const hit of await scanDir(workspace, secrets))
          hits.push({ where: `checked-out config repo: ${hit.where}`, secret: hit.secret })
      }
      for (const hit of await scanDir(tmp, secrets))
        hits.push({ where: `TMPDIR: ${hit.where}`, secret: hit.secret })
      for (const hit of await scanDir(home, secrets))
        hits.push({ where: `HOME: ${hit.where}`, secret: hit.secret })
      const newInTmp = newTmpEntries(tmpBefore, await tmpEntries()).filter(name =>
        /^(promote-image-|kustomize|kubectl|git|tmp)/.test(name)
      )
      for (const name of newInTmp) {
        for (const hit of await scanDir(join(tmpdir(), name), secrets))
          hits.push({ where: `${tmpdir()}/${name}/${hit.where}`, secret: hit.secret })
      }
      add('commits in the box (messages and diffs)', await box.git(repo, ['log', '--all', '-p']))
      add('refs in the box', await box.git(repo, ['for-each-ref']))
      add('pull requests in the box', JSON.stringify(box.pulls(repo)))
      const inUrls = requests.filter(r => r.path.includes('***')).map(r => r.path)
      expect(inUrls).toEqual([])
      add(
        'registry request URLs',
        reg.requests.entries
          .slice(registrySeen)
          .map(e => e.path)
          .join('\n')
      )

      console.log(
        `secrets row ${index} (${label(row)}): exit ${ran.code}; ${argv.split('\n').filter(l => l.startsWith('git ')).length} git and ${argv.split('\n').filter(l => l.startsWith('kubectl ')).length} kubectl invocations shimmed; ${seen.cmdlines.length} command lines seen in /proc over ${seen.polls} polls`
      )
      // Only the run's private TMPDIR tells leftovers apart: other processes share the system one.
      leftovers.push(...(await entries(tmp)).map(name => `row ${index}: ${name}`))
      expect({ row: label(row), hits }).toEqual({ row: label(row), hits: [] })
      // Sanity: the shims and the watcher really saw the run.
      if (row.method === 'git' || row.runner === 'cli') {
        expect(argv).toMatch(/^git clone /m)
        // The copies of the clone's .git were taken (its config names the origin), so the scan
        // above really read .git/config (a clone refused for its token leaves none).
        if (row.fault !== 'bad-token') {
          const copies = await scanDir(shims.gitDirs, { origin: '[remote "origin"]' })
          expect(copies.some(c => /(^|\/)config$/.test(c.where))).toBe(true)
        }
      }
      if (!row.fault) expect(argv).toMatch(/^kubectl kustomize /m)
      expect(seen.cmdlines.some(c => /dist\/(index|cli)\.js/.test(c))).toBe(true)
    },
    TIMEOUT
  )
})
