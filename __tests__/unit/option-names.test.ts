/**
 * Shared code names settings the way the running shell does: the action's inputs
 * (`allow-downgrade: true`), the CLI's flags (`--allow-downgrade true`). Each case runs the same
 * failure once as the action reaches it and once as the CLI does, and checks both wordings: the
 * action's words unchanged, the CLI's with flags and none of the action's words.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveCommand } from '../../src/cli/resolve.js'
import { tagPolicy } from '../../src/options.js'
import type { CommandContext } from '../../src/cli/context.js'
import { editConfigRepo } from '../../src/engine/edit.js'
import { planImages } from '../../src/engine/resolve.js'
import type { ResolvedImage } from '../../src/model.js'
import { ACTION_NAMES, CLI_NAMES, PromoteError, type OptionNames } from '../../src/errors.js'
import type { Logger } from '../../src/log/logger.js'
import {
  checkDowngrade,
  checkRepositoryImmutability,
  checkTagPolicy,
  compileAllowTags,
  DEFAULT_MUTABLE_TAGS,
  DEFAULT_TAG_POLICY
} from '../../src/policy/index.js'
import { parseReference } from '../../src/reference/index.js'
import { lookupCredentials } from '../../src/registry/credentials.js'
import { RegistryClient } from '../../src/registry/oci/client.js'
import { resolveManifest } from '../../src/registry/oci/manifest.js'
import type { HttpRequest, HttpResponse, Transport } from '../../src/registry/oci/transport.js'

const quiet: Logger = { debug: () => {}, info: () => {}, warning: () => {} }
const DIGEST = `sha256:${'a'.repeat(64)}`
const cliContext: CommandContext = {
  logger: quiet,
  stdout: () => {},
  readStdin: async () => '',
  env: { DOCKER_CONFIG: '/nonexistent' }
}

/** What a failure shows a user: the message and its hint, or a returned warning. */
async function shown(run: () => unknown): Promise<string> {
  try {
    const returned = await run()
    if (typeof returned !== 'string') throw new Error(`expected a failure, got ${returned}`)
    return returned
  } catch (error) {
    if (!(error instanceof PromoteError)) throw error
    return error.describe()
  }
}

/** A transport that answers every request from `answer`, with no network. */
function fakeTransport(answer: (request: HttpRequest) => Partial<HttpResponse>): Transport {
  return {
    insecureRegistries: [],
    send: async (request: HttpRequest): Promise<HttpResponse> => ({
      status: 200,
      headers: new Headers(),
      body: Buffer.alloc(0),
      url: request.url,
      ...answer(request)
    })
  } as unknown as Transport
}

/** A registry at reg.example whose token service is `realm` and refuses every token. */
function refusingRegistry(realm: string, names: OptionNames, explicit: boolean) {
  const transport = fakeTransport(request =>
    request.url.startsWith(realm)
      ? { status: 401 }
      : {
          status: 401,
          headers: new Headers({ 'www-authenticate': `Bearer realm="${realm}",service="reg"` })
        }
  )
  const credentials = (host: string) =>
    lookupCredentials(host, {
      explicit: explicit ? { username: 'ci', password: 'pw' } : undefined,
      env: { DOCKER_CONFIG: '/nonexistent' },
      logger: quiet,
      names
    })
  return new RegistryClient('reg.example', transport, credentials, quiet, names)
}

let repo: string
beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'option-names-'))
  await writeFile(
    join(repo, 'kustomization.yaml'),
    'resources:\n  - deploy.yaml\nimages:\n  - name: reg.example/team/app\n    newTag: v1.0.0\n'
  )
  await writeFile(
    join(repo, 'deploy.yaml'),
    'kind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: "reg.example/team/app:v0.9.0"}]\n'
  )
})
afterAll(() => rm(repo, { recursive: true, force: true }))

const image: ResolvedImage = {
  input: 'reg.example/team/app:v2.0.0',
  reference: parseReference('reg.example/team/app:v2.0.0'),
  digest: DIGEST,
  pinned: `reg.example/team/app:v2.0.0@${DIGEST}`,
  pin: 'digest',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  kind: 'manifest',
  registry: 'reg.example'
}

interface Case {
  readonly case: string
  /** The failure as the action reaches it (no names passed, or the action's own). */
  readonly action: () => unknown
  readonly cli: () => unknown
  readonly actionSays: readonly string[]
  readonly cliSays: readonly string[]
}

const CASES: readonly Case[] = [
  {
    case: 'pin tag with a digest-only reference',
    action: () =>
      planImages({
        images: [`reg.example/team/app@${DIGEST}`],
        policy: DEFAULT_TAG_POLICY,
        pin: 'tag'
      }),
    // Through the CLI's own wiring: it refuses before any request.
    cli: () => resolveCommand(['--pin', 'tag', `reg.example/team/app@${DIGEST}`], cliContext),
    actionSays: ['has no tag, but pin is "tag".', 'or use pin: digest.'],
    cliSays: ['has no tag, but --pin is "tag".', 'or use --pin digest.']
  },
  {
    case: 'explicit credentials for two registries',
    action: () =>
      planImages({
        images: ['a.example/team/app:v1', 'b.example/team/app:v1'],
        policy: DEFAULT_TAG_POLICY,
        pin: 'digest',
        explicitCredentials: true
      }),
    cli: () =>
      resolveCommand(
        ['--registry-username', 'ci', 'a.example/team/app:v1', 'b.example/team/app:v1'],
        {
          ...cliContext,
          env: { ...cliContext.env, PROMOTE_IMAGE_REGISTRY_PASSWORD: 'pw' }
        }
      ),
    actionSays: [
      'Inputs registry-username/registry-password would be sent to 2 registries (a.example, b.example).',
      'Log in to each registry with docker/login-action instead'
    ],
    cliSays: [
      '--registry-username and its password would be sent to 2 registries (a.example, b.example).',
      'Log in to each registry with docker login instead'
    ]
  },
  {
    case: 'a tag outside allow-tags',
    action: () =>
      checkTagPolicy(parseReference('reg.example/team/app:build-7'), {
        mutableTags: DEFAULT_MUTABLE_TAGS,
        allowTags: compileAllowTags('v\\d+')
      }),
    cli: () =>
      checkTagPolicy(
        parseReference('reg.example/team/app:build-7'),
        tagPolicy({ mutableTags: '--mutable-tags', allowTags: '--allow-tags' }, undefined, 'v\\d+')
      ),
    actionSays: [
      'does not match allow-tags /v\\d+/.',
      'matches allow-tags, or widen the allow-tags pattern.'
    ],
    cliSays: [
      'does not match --allow-tags /v\\d+/.',
      'matches --allow-tags, or widen the --allow-tags pattern.'
    ]
  },
  {
    case: 'ECR immutability required but not checkable',
    action: () =>
      checkRepositoryImmutability('img', 'team/app', { immutable: undefined, reason: 'r' }, true),
    cli: () =>
      checkRepositoryImmutability(
        'img',
        'team/app',
        { immutable: undefined, reason: 'r' },
        true,
        CLI_NAMES
      ),
    actionSays: ['(r); require-immutable-repository cannot be enforced.'],
    cliSays: ['(r); --require-immutable-repository cannot be enforced.']
  },
  {
    case: 'a downgrade',
    action: () => checkDowngrade('f.yaml:3', 'v2.0.0', 'v1.0.0', 'warn'),
    cli: () => checkDowngrade('f.yaml:3', 'v2.0.0', 'v1.0.0', 'warn', CLI_NAMES),
    actionSays: ['to promote an older build on purpose, set allow-downgrade: true.'],
    cliSays: ['to promote an older build on purpose, set --allow-downgrade true.']
  },
  {
    case: 'verify-render true without a renderer',
    action: () =>
      editConfigRepo(
        {
          repoRoot: repo,
          targets: ['kustomize:.'],
          configFile: 'promotion.yaml',
          images: [image],
          verifyRender: 'true',
          dryRun: true,
          env: { PATH: '/nonexistent' }
        },
        quiet
      ),
    cli: () =>
      editConfigRepo(
        {
          repoRoot: repo,
          targets: ['kustomize:.'],
          configFile: 'promotion.yaml',
          images: [image],
          verifyRender: 'true',
          dryRun: true,
          env: { PATH: '/nonexistent' },
          names: CLI_NAMES
        },
        quiet
      ),
    actionSays: [
      'verify-render is true, but no Kustomize renderer is available',
      'or set verify-render: auto.'
    ],
    cliSays: [
      '--verify-render is true, but no Kustomize renderer is available',
      'or set --verify-render auto.'
    ]
  },
  {
    case: 'the token service refuses explicit credentials',
    action: () =>
      resolveManifest(refusingRegistry('https://auth.example/token', ACTION_NAMES, true), {
        repository: 'team/app',
        reference: 'v1',
        display: 'reg.example/team/app:v1'
      }),
    cli: () =>
      resolveManifest(refusingRegistry('https://auth.example/token', CLI_NAMES, true), {
        repository: 'team/app',
        reference: 'v1',
        display: 'reg.example/team/app:v1'
      }),
    actionSays: [
      'refused the registry-username/registry-password inputs with HTTP 401.',
      'log in again before this step (docker/login-action), or set registry-username/registry-password.'
    ],
    cliSays: [
      'refused --registry-username and its password with HTTP 401.',
      'log in again with docker login, or pass --registry-username (password on --password-stdin or in PROMOTE_IMAGE_REGISTRY_PASSWORD).'
    ]
  },
  {
    case: 'the token service wants credentials',
    action: () =>
      resolveManifest(refusingRegistry('https://auth.example/token', ACTION_NAMES, false), {
        repository: 'team/app',
        reference: 'v1',
        display: 'reg.example/team/app:v1'
      }),
    cli: () =>
      resolveManifest(refusingRegistry('https://auth.example/token', CLI_NAMES, false), {
        repository: 'team/app',
        reference: 'v1',
        display: 'reg.example/team/app:v1'
      }),
    actionSays: [
      'This registry needs credentials: log in before this step (docker/login-action), or set registry-username/registry-password.'
    ],
    cliSays: [
      'This registry needs credentials: log in with docker login, or pass --registry-username (password on --password-stdin or in PROMOTE_IMAGE_REGISTRY_PASSWORD).'
    ]
  },
  {
    case: 'the registry refuses access without a challenge',
    action: () =>
      resolveManifest(
        new RegistryClient(
          'reg.example',
          fakeTransport(() => ({ status: 403 })),
          async () => ({ description: 'no credentials (anonymous)' }),
          quiet
        ),
        { repository: 'team/app', reference: 'v1', display: 'reg.example/team/app:v1' }
      ),
    cli: () =>
      resolveManifest(
        new RegistryClient(
          'reg.example',
          fakeTransport(() => ({ status: 403 })),
          async () => ({ description: 'no credentials (anonymous)' }),
          quiet,
          CLI_NAMES
        ),
        { repository: 'team/app', reference: 'v1', display: 'reg.example/team/app:v1' }
      ),
    actionSays: [
      'Log in before this step (docker/login-action) or set registry-username/registry-password, with pull access'
    ],
    cliSays: [
      'Log in with docker login or pass --registry-username (password on --password-stdin or in PROMOTE_IMAGE_REGISTRY_PASSWORD), with pull access'
    ]
  },
  {
    case: 'credentials asked for over plain HTTP',
    action: () =>
      resolveManifest(refusingRegistry('http://auth.example/token', ACTION_NAMES, true), {
        repository: 'team/app',
        reference: 'v1',
        display: 'reg.example/team/app:v1'
      }),
    cli: () =>
      resolveManifest(refusingRegistry('http://auth.example/token', CLI_NAMES, true), {
        repository: 'team/app',
        reference: 'v1',
        display: 'reg.example/team/app:v1'
      }),
    actionSays: ['If auth.example is trusted, list it in insecure-registries.'],
    cliSays: ['If auth.example is trusted, list it in --insecure-registry.']
  }
]

/** Words only the action may use: its input names without the flag's dashes, its login step. */
const ACTION_ONLY =
  /(?<!-)\b(?:pin|allow-tags|require-immutable-repository|allow-downgrade|verify-render|insecure-registries|registry-password)\b(?!-)|Inputs? |docker\/login-action|before this step/

describe('messages name settings the way the running shell does', () => {
  it.each(CASES)('$case: the action names its inputs', async c => {
    const text = await shown(c.action)
    for (const words of c.actionSays) expect(text).toContain(words)
  })

  it.each(CASES)('$case: the CLI names its flags, never an input', async c => {
    const text = await shown(c.cli)
    for (const words of c.cliSays) expect(text).toContain(words)
    expect(text).not.toMatch(ACTION_ONLY)
  })
})

describe('CLI_NAMES', () => {
  it.each([
    ['pin', '--pin', '--pin tag'],
    ['insecure-registries', '--insecure-registry', '--insecure-registry h'],
    ['config-repository', '--config-repo', '--config-repo h'],
    ['config-path', '--dir', '--dir h']
  ])('%s is %s', (input, flag, set) => {
    expect(CLI_NAMES.name(input)).toBe(flag)
    expect(CLI_NAMES.set(input, set.split(' ')[1]!)).toBe(set)
    expect(ACTION_NAMES.name(input)).toBe(input)
  })
})
