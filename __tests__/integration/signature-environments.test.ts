/**
 * An environment's `verify:` block in promotion.yaml (issue 16, third "Done when", for the
 * workspace and git writers): dev accepts any build, prod only one signed with the key the config
 * repository holds. Real registry, signatures made in cosign's layout (support/cosign.ts), the
 * CLI's `edit` and `promote` run from the sources; a refused promotion edits and commits nothing.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { actionPlan } from '../../src/action/plan.js'
import { parseInputs } from '../../src/action/inputs.js'
import type { CommandContext } from '../../src/cli/context.js'
import { runPromotion } from '../../src/engine/index.js'
import { ACTION_NAMES } from '../../src/errors.js'
import { main } from '../../src/cli/main.js'
import {
  ecdsaKeyPair,
  pushCosignSignature,
  simpleSigningPayload,
  type KeyPair
} from '../support/cosign.js'
import { startGitHubBox, type GitHubBox } from '../support/github.js'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'

const git = promisify(execFile)
let reg: RegistryInstance
let dir: string
let signer: KeyPair

beforeAll(async () => {
  reg = await startRegistry({ auth: 'none' })
  dir = await mkdtemp(join(tmpdir(), 'promote-image-verify-block-'))
  signer = ecdsaKeyPair()
})
afterAll(async () => {
  await reg?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function cli(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    stderr += String(chunk)
    return true
  })
  const log = (line: string) => {
    stderr += `${line}\n`
  }
  const context: Partial<CommandContext> = {
    stdout: text => {
      stdout += text
    },
    logger: { debug: () => {}, info: log, warning: log },
    env: {
      DOCKER_CONFIG: '/nonexistent',
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com'
    }
  }
  try {
    return { code: await main(argv, context), stdout, stderr }
  } finally {
    spy.mockRestore()
  }
}

let seed = 0
/** A config repository: dev without a gate, prod with `verify:`; both pin v0 of the image. */
async function configRepo(repository: string, verify: string): Promise<string> {
  const root = await mkdtemp(join(dir, 'config-'))
  await writeFile(
    join(root, 'promotion.yaml'),
    [
      'environments:',
      '  dev:',
      '    targets:',
      '      - kustomize: dev',
      '  prod:',
      '    verify:',
      `      ${verify}`,
      '    targets:',
      '      - kustomize: prod',
      ''
    ].join('\n')
  )
  await mkdir(join(root, 'keys'))
  await writeFile(join(root, 'keys', 'cosign.pub'), signer.publicPem)
  for (const environment of ['dev', 'prod']) {
    await mkdir(join(root, environment))
    await writeFile(
      join(root, environment, 'kustomization.yaml'),
      `resources:\n  - deployment.yaml\nimages:\n  - name: ${reg.host}/${repository}\n    newTag: v0\n`
    )
    await writeFile(
      join(root, environment, 'deployment.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: app}',
        'spec:',
        '  selector: {matchLabels: {app: app}}',
        '  template:',
        '    metadata: {labels: {app: app}}',
        '    spec:',
        '      containers:',
        '        - name: app',
        `          image: ${reg.host}/${repository}:v0`,
        ''
      ].join('\n')
    )
  }
  return root
}

async function build(repository: string, signed: boolean) {
  const pushed = await pushImage(reg, repository, 'v1', { seed: `verify-block-${seed++}` })
  const image = `${reg.host}/${repository}:v1`
  if (signed) {
    await pushCosignSignature(reg, repository, pushed.digest, [
      { payload: simpleSigningPayload(image, pushed.digest), key: signer.privateKey }
    ])
  }
  return { image, digest: pushed.digest }
}

const edit = (root: string, environment: string, image: string) =>
  cli([
    'edit',
    '--dir',
    root,
    '--environment',
    environment,
    '--image',
    image,
    '--verify-render',
    'false'
  ])

describe('edit --environment: the verify: block of promotion.yaml', () => {
  it.each([
    {
      name: 'dev (no verify:) takes an unsigned build',
      environment: 'dev',
      signed: false,
      code: 0
    },
    { name: 'prod refuses an unsigned build', environment: 'prod', signed: false, code: 1 },
    { name: 'prod takes a build signed with its key', environment: 'prod', signed: true, code: 0 }
  ])('$name', async ({ environment, signed, code }) => {
    const repository = `verify/${environment}-${signed}`
    const root = await configRepo(repository, 'signature-key: keys/cosign.pub')
    const built = await build(repository, signed)
    const file = join(root, environment, 'kustomization.yaml')
    const before = await readFile(file, 'utf8')
    const ran = await edit(root, environment, built.image)
    expect({ code: ran.code, refused: ran.stderr.includes('has no cosign signature') }).toEqual({
      code,
      refused: code !== 0
    })
    const after = await readFile(file, 'utf8')
    if (code === 0) expect(after).toContain(`digest: ${built.digest}`)
    else {
      expect(after).toBe(before)
      // The refusal names the block's setting, where it is written.
      expect(ran.stderr).toContain('verify.signature-key of prod (promotion.yaml:6)')
    }
  })

  it.each([
    {
      name: 'a key file the repository does not have',
      verify: 'signature-key: keys/missing.pub',
      shows:
        'verify.signature-key of prod (promotion.yaml:6) "keys/missing.pub" is not a PEM public key: there is no such file in the config repository'
    },
    {
      name: 'a key path that leaves the repository',
      verify: 'signature-key: ../cosign.pub',
      shows: '"../cosign.pub" is not a PEM public key'
    },
    {
      name: 'a keyless signer without issuer and trusted root',
      verify:
        'certificate-identity: https://github.com/acme/api/.github/workflows/r.yml@refs/heads/main',
      shows: 'Keyless verification needs verify.certificate-oidc-issuer of prod (promotion.yaml:6)'
    },
    {
      name: 'an unknown setting (schema)',
      verify: 'key: keys/cosign.pub',
      shows: 'promotion.yaml:7'
    }
  ])('a verify: block that cannot be used: $name, nothing edited', async ({ verify, shows }) => {
    const repository = `verify/bad-${seed}`
    const root = await configRepo(repository, verify)
    const built = await build(repository, true)
    const file = join(root, 'prod', 'kustomization.yaml')
    const before = await readFile(file, 'utf8')
    const ran = await edit(root, 'prod', built.image)
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(shows)
    expect(await readFile(file, 'utf8')).toBe(before)
  })
})

describe('promote --environment prod (git, push): an unsigned build commits nothing', () => {
  it('the config repository keeps its head', async () => {
    const repository = 'verify/promote'
    const root = await configRepo(repository, 'signature-key: keys/cosign.pub')
    await git('git', ['init', '-q', '-b', 'main', root])
    await git('git', ['-C', root, 'add', '-A'])
    await git('git', [
      '-C',
      root,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-qm',
      'config'
    ])
    const head = async () => (await git('git', ['-C', root, 'rev-parse', 'main'])).stdout.trim()
    const before = await head()
    const built = await build(repository, false)
    const ran = await cli([
      'promote',
      '--config-repo',
      root,
      '--environment',
      'prod',
      '--mode',
      'push',
      '--image',
      built.image,
      '--verify-render',
      'false'
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain('has no cosign signature')
    expect(await head()).toBe(before)
  })
})

describe('the action, prod with verify:, pull-request mode through the GitHub API', () => {
  let box: GitHubBox
  beforeAll(async () => {
    box = await startGitHubBox()
  })
  afterAll(async () => {
    await box?.stop()
  })

  /** The action's own path: its inputs parsed, its plan, the engine, against the box. */
  async function action(fullName: string, image: string) {
    const env = { ...process.env, GITHUB_API_URL: box.apiUrl, GITHUB_SERVER_URL: box.url }
    const inputs: Record<string, string> = {
      image,
      environment: 'prod',
      'config-repository': fullName,
      token: box.token,
      'verify-render': 'false'
    }
    const plan = actionPlan(
      parseInputs(name => inputs[name] ?? ''),
      env
    )
    const lines: string[] = []
    const log = (line: string) => lines.push(line)
    try {
      await runPromotion(plan, {
        logger: { debug: () => {}, info: log, warning: log },
        group: (_name, run) => run(),
        env: { ...env, DOCKER_CONFIG: '/nonexistent' },
        token: box.token,
        tokenSource: 'input token',
        source: {},
        names: ACTION_NAMES
      })
      return { error: undefined, lines }
    } catch (error) {
      return { error: error as Error, lines }
    }
  }

  it.each([
    { name: 'unsigned: refused before any write request, no pull request', signed: false },
    { name: 'signed with the key: the pull request opens', signed: true }
  ])('$name', async ({ signed }) => {
    const repository = `verify/action-${signed}`
    const root = await configRepo(repository, 'signature-key: keys/cosign.pub')
    const files: Record<string, string> = {}
    for (const file of [
      'promotion.yaml',
      'keys/cosign.pub',
      'prod/kustomization.yaml',
      'prod/deployment.yaml',
      'dev/kustomization.yaml',
      'dev/deployment.yaml'
    ]) {
      files[file] = await readFile(join(root, file), 'utf8')
    }
    const fullName = `acme/config-${signed}`
    await box.createRepo(fullName, files)
    const built = await build(repository, signed)
    box.requests.length = 0
    const ran = await action(fullName, built.image)
    const writes = box.requests.filter(
      r =>
        (r.kind !== 'git' && r.method !== 'GET' && r.method !== 'HEAD') ||
        r.path.includes('git-receive-pack')
    )
    if (signed) {
      expect(ran.error).toBeUndefined()
      expect(box.pulls(fullName)).toHaveLength(1)
      // The same filter sees the writes a promotion makes: its emptiness below means something.
      expect(writes.length).toBeGreaterThan(0)
    } else {
      expect(ran.error?.message).toContain('has no cosign signature')
      expect(writes).toEqual([])
      expect(box.pulls(fullName)).toEqual([])
    }
    box.assertNoViolations()
  })
})
