/**
 * Path safety: no input makes a promotion write outside the config repository. Table-driven
 * escape attempts — `..` and absolute targets (inline and in promotion.yaml), an overlay
 * directory, a kustomization.yaml, a values file and a parent directory symlinked outside, a
 * dangling symlink, promotion.yaml symlinked outside, config-file and config-path leaving the repo
 * or the workspace — against every write method:
 *
 * - `none`: the action editing a checkout in the workspace (real files, real symlinks);
 * - `git-file`: `dist/cli.js promote` against a file:// bare repository;
 * - `git-box`: the action with write-method git against "GitHub in a box";
 * - `api`: the action with write-method api against the box.
 *
 * For each: a sentinel directory outside the repository (holding the files the escape aims at) is
 * snapshotted (path → sha256, link target, mtime, mode) before and after and must not change; the
 * run exits non-zero naming the offending path; nothing is pushed (refs unchanged, no pull
 * request) and, with `none`, the workspace is untouched. Positive controls: a symlink that stays
 * inside the repository works as documented — the real file is edited and the link stays a link
 * (the api method may instead refuse clearly, writing nothing; it must not replace the link).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, readFile, readlink, rm, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { startGitHubBox, type GitHubBox } from '../support/github.js'
import {
  pushImage,
  startRegistry,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'
import {
  bareRepo,
  git,
  initRepo,
  inputsEnv,
  runAction,
  runScript,
  snapshot,
  snapshotDiff,
  workDir,
  writeTree,
  bundle,
  dropBundle,
  type Ran
} from './common.js'
import { scaled } from '../support/timing.js'

type Method = 'none' | 'git-file' | 'git-box' | 'api'
const METHODS: readonly Method[] = ['none', 'git-file', 'git-box', 'api']
const TIMEOUT = scaled(60_000)
/** Enough `..` to climb from any checkout (workspace, clone in TMPDIR, api temp dir) to `/`. */
const UP = '../'.repeat(24)

interface World {
  /** Absolute path of the sentinel directory, outside every repository and the workspace. */
  readonly s: string
  /** The sentinel as a path relative to `/` (for `UP + rel`). */
  readonly rel: string
}

interface EscapeCase {
  readonly name: string
  readonly methods?: readonly Method[]
  /** Changes to the baseline repository: content, or null to delete. */
  readonly files?: (w: World) => Record<string, string | null>
  readonly symlinks?: (w: World) => Record<string, string>
  /** Inline targets instead of promotion.yaml. */
  readonly targets?: (w: World) => string[]
  readonly configFile?: (w: World) => string
  /** write-method none: config-path, relative to the workspace. */
  readonly configPath?: (w: World) => string
  /** write-method none: prepares the workspace (`ws`) further. */
  readonly workspace?: (ws: string, w: World) => Promise<void>
  /** verify-render (default: the input's default, auto). */
  readonly verifyRender?: 'false'
  /** A text the error message must contain: the offending path. */
  readonly names: (w: World) => string
}

let REGISTRY = ''

function deployment(name: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${name}\n`
}

function overlayText(resources: string): string {
  return `resources:\n  - ${resources}\nimages:\n  - name: api\n    newName: ${REGISTRY}/team/api\n    newTag: v0.9.0\n`
}

const VALUES = () => `image:\n  repository: ${REGISTRY}/team/api\n  tag: v0.9.0\n`
const PROMOTION_KUSTOMIZE =
  'environments:\n  dev:\n    mode: push\n    targets:\n      - kustomize: apps/{name}/overlays/dev\n'
const PROMOTION_HELM =
  'environments:\n  dev:\n    mode: push\n    targets:\n      - helm: charts/{name}/values-dev.yaml\n        key: image\n'

/** The config repository every case starts from: a valid promotion of api to dev. */
function baseline(): Record<string, string> {
  return {
    'promotion.yaml': PROMOTION_KUSTOMIZE,
    'apps/api/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/api/base/deployment.yaml': deployment('api'),
    'apps/api/overlays/dev/kustomization.yaml': overlayText('../../base'),
    'charts/api/values-dev.yaml': VALUES(),
    'README.md': 'config\n'
  }
}

/** What the escapes aim at: each would be a valid target if the product followed it. */
function sentinelFiles(): Record<string, string> {
  return {
    'overlay/kustomization.yaml': overlayText('deployment.yaml'),
    'overlay/deployment.yaml': deployment('api'),
    'values.yaml': VALUES(),
    'promotion.yaml': PROMOTION_KUSTOMIZE,
    'apps-api/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps-api/base/deployment.yaml': deployment('api'),
    'apps-api/overlays/dev/kustomization.yaml': overlayText('../../base')
  }
}

const OVERLAY_DIR = 'apps/api/overlays/dev'
const OVERLAY_FILES = {
  'apps/api/overlays/dev/kustomization.yaml': null
} as const

const CASES: EscapeCase[] = [
  {
    name: 'inline kustomize target climbing out with ..',
    targets: w => [`kustomize:${UP}${w.rel}/overlay`],
    names: w => `${w.rel}/overlay`
  },
  {
    name: 'inline kustomize target with .. in the middle',
    targets: w => [`kustomize:apps/api/${UP}${w.rel}/overlay`],
    names: w => `${w.rel}/overlay`
  },
  {
    name: 'inline kustomize target, absolute',
    targets: w => [`kustomize:${w.s}/overlay`],
    names: w => `${w.s}/overlay`
  },
  {
    name: 'inline helm target climbing out with ..',
    targets: w => [`helm:${UP}${w.rel}/values.yaml#image`],
    names: w => `${w.rel}/values.yaml`
  },
  {
    name: 'inline helm target, absolute',
    targets: w => [`helm:${w.s}/values.yaml#image`],
    names: w => `${w.s}/values.yaml`
  },
  {
    name: 'promotion.yaml target climbing out with ..',
    files: w => ({
      'promotion.yaml': `environments:\n  dev:\n    mode: push\n    targets:\n      - kustomize: ${UP}${w.rel}/overlay\n`
    }),
    names: w => `${w.rel}/overlay`
  },
  {
    name: 'promotion.yaml helm target, absolute',
    files: w => ({
      'promotion.yaml': `environments:\n  dev:\n    mode: push\n    targets:\n      - helm: ${w.s}/values.yaml\n        key: image\n`
    }),
    names: w => `${w.s}/values.yaml`
  },
  {
    name: 'overlay directory symlinked outside (absolute link)',
    files: () => ({ ...OVERLAY_FILES }),
    symlinks: w => ({ [OVERLAY_DIR]: `${w.s}/overlay` }),
    names: () => OVERLAY_DIR
  },
  {
    name: 'overlay directory symlinked outside (relative link climbing out)',
    files: () => ({ ...OVERLAY_FILES }),
    symlinks: w => ({ [OVERLAY_DIR]: `${UP}${w.rel}/overlay` }),
    names: () => OVERLAY_DIR
  },
  {
    name: 'kustomization.yaml symlinked outside',
    files: () => ({ ...OVERLAY_FILES }),
    symlinks: w => ({ [`${OVERLAY_DIR}/kustomization.yaml`]: `${w.s}/overlay/kustomization.yaml` }),
    names: () => OVERLAY_DIR
  },
  {
    name: 'kustomization.yaml as a dangling symlink to a file outside (writing would create it)',
    files: () => ({ ...OVERLAY_FILES }),
    symlinks: w => ({ [`${OVERLAY_DIR}/kustomization.yaml`]: `${w.s}/created-by-promote.yaml` }),
    names: () => OVERLAY_DIR
  },
  {
    name: 'values file symlinked outside',
    files: () => ({ 'promotion.yaml': PROMOTION_HELM, 'charts/api/values-dev.yaml': null }),
    symlinks: w => ({ 'charts/api/values-dev.yaml': `${w.s}/values.yaml` }),
    names: () => 'charts/api/values-dev.yaml'
  },
  {
    name: 'target path through a parent directory symlinked outside',
    files: () => ({
      'apps/api/base/kustomization.yaml': null,
      'apps/api/base/deployment.yaml': null,
      'apps/api/overlays/dev/kustomization.yaml': null
    }),
    symlinks: w => ({ 'apps/api': `${w.s}/apps-api` }),
    names: () => 'apps/api'
  },
  {
    name: 'kustomization.yaml symlinked outside, verify-render false',
    files: () => ({ ...OVERLAY_FILES }),
    symlinks: w => ({ [`${OVERLAY_DIR}/kustomization.yaml`]: `${w.s}/overlay/kustomization.yaml` }),
    verifyRender: 'false',
    names: () => OVERLAY_DIR
  },
  {
    name: 'overlay directory symlinked outside, verify-render false',
    files: () => ({ ...OVERLAY_FILES }),
    symlinks: w => ({ [OVERLAY_DIR]: `${w.s}/overlay` }),
    verifyRender: 'false',
    names: () => OVERLAY_DIR
  },
  {
    name: 'promotion.yaml symlinked outside',
    files: () => ({ 'promotion.yaml': null }),
    symlinks: w => ({ 'promotion.yaml': `${w.s}/promotion.yaml` }),
    names: () => 'promotion.yaml'
  },
  {
    name: 'config-file climbing out with ..',
    configFile: w => `${UP}${w.rel}/promotion.yaml`,
    names: w => `${w.rel}/promotion.yaml`
  },
  {
    name: 'config-file, absolute',
    configFile: w => `${w.s}/promotion.yaml`,
    names: w => `${w.s}/promotion.yaml`
  },
  {
    name: 'config-path climbing out of the workspace with ..',
    methods: ['none'],
    configPath: w => `${UP}${w.rel}/repo`,
    names: w => `${w.rel}/repo`
  },
  {
    name: 'config-path, absolute, outside the workspace',
    methods: ['none'],
    configPath: w => `${w.s}/repo`,
    names: w => `${w.s}/repo`
  },
  {
    name: 'config-path through a symlink in the workspace pointing outside',
    methods: ['none'],
    configPath: () => 'config-link',
    workspace: async (ws, w) => symlink(`${w.s}/repo`, join(ws, 'config-link')),
    names: () => 'config-link'
  },
  {
    name: 'helm target inside the checkout’s .git directory',
    methods: ['none'],
    targets: () => ['helm:.git/values.yaml#image'],
    workspace: async ws => writeTree(join(ws, 'config'), { '.git/values.yaml': VALUES() }),
    names: () => '.git/values.yaml'
  }
]

function apply(
  base: Record<string, string>,
  changes: Record<string, string | null> = {}
): Record<string, string> {
  const out = { ...base }
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) delete out[path]
    else out[path] = text
  }
  return out
}

describe('no write outside the config repository, under any input', () => {
  let reg: RegistryInstance
  let box: GitHubBox
  let work: string
  let image: PushedImage
  let counter = 0

  beforeAll(async () => {
    await bundle()
    reg = await startRegistry({ auth: 'none' })
    REGISTRY = reg.host
    image = await pushImage(reg, 'team/api', 'v1.0.0', { seed: 'path-safety' })
    box = await startGitHubBox()
    work = await workDir('reliability-paths-')
  })
  // A request GitHub's descriptions refuse fails the test that sent it (github-schema.ts).
  afterEach(() => box?.assertNoViolations())
  afterAll(async () => {
    await dropBundle()
    await box?.stop()
    await reg?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  interface Setup {
    readonly files: Record<string, string>
    readonly symlinks: Record<string, string>
    readonly targets?: string[]
    readonly configFile?: string
    readonly configPath?: string
    readonly verifyRender?: 'false'
    readonly workspace?: (ws: string) => Promise<void>
  }

  interface Outcome {
    readonly ran: Ran
    /** The repository afterwards: refs, and a reader of files at main. */
    readonly refs: () => Promise<string>
    readonly refsBefore: string
    readonly pulls: number
    /** `git` in the repository the method wrote to (bare, box, or the checkout for none). */
    readonly git: (...args: string[]) => Promise<string>
    /** write-method none: the checkout. */
    readonly checkout?: string
    /** write-method none: the workspace before and after. */
    readonly workspaceChanges?: string[]
  }

  /** One promotion of team/api:v1.0.0 to dev with `method`, in a fresh repository. */
  async function promote(method: Method, setup: Setup): Promise<Outcome> {
    const id = `c${++counter}`
    const dir = join(work, id)
    await mkdir(dir, { recursive: true })
    const imageRef = `${reg.host}/team/api:v1.0.0`
    const common = {
      PATH: process.env.PATH,
      HOME: dir,
      TMPDIR: dir,
      DOCKER_CONFIG: '/nonexistent'
    }
    const targetInputs: Record<string, string> = setup.targets
      ? { targets: setup.targets.join('\n') }
      : { environment: 'dev' }
    const configFileInput: Record<string, string> = {
      ...(setup.configFile ? { 'config-file': setup.configFile } : {}),
      ...(setup.verifyRender ? { 'verify-render': setup.verifyRender } : {})
    }

    if (method === 'none') {
      const ws = join(dir, 'workspace')
      const checkout = join(ws, 'config')
      await initRepo(checkout, setup.files, setup.symlinks)
      await setup.workspace?.(ws)
      const before = await snapshot(ws)
      const ran = await runAction(
        dir,
        {
          ...common,
          GITHUB_WORKSPACE: ws,
          ...inputsEnv({
            image: imageRef,
            'write-method': 'none',
            'config-path': setup.configPath ?? 'config',
            ...targetInputs,
            ...configFileInput
          })
        },
        { timeout: TIMEOUT }
      )
      const refs = () => git(checkout, 'for-each-ref')
      return {
        ran,
        refs,
        refsBefore: await refs(),
        pulls: 0,
        git: (...args) => git(checkout, ...args),
        checkout,
        workspaceChanges: snapshotDiff(before, await snapshot(ws))
      }
    }

    if (method === 'git-file') {
      const bare = await bareRepo(dir, 'config', setup.files, setup.symlinks)
      const refs = () => git(bare, 'for-each-ref')
      const refsBefore = await refs()
      const ran = await runScript(
        'dist/cli.js',
        [
          'promote',
          '--config-repo',
          `file://${bare}`,
          '--mode',
          'push',
          '--image',
          imageRef,
          ...(setup.targets
            ? setup.targets.flatMap(t => ['--target', t])
            : ['--environment', 'dev']),
          ...(setup.configFile ? ['--config-file', setup.configFile] : []),
          ...(setup.verifyRender ? ['--verify-render', setup.verifyRender] : [])
        ],
        common,
        { timeout: TIMEOUT }
      )
      return { ran, refs, refsBefore, pulls: 0, git: (...args) => git(bare, ...args) }
    }

    const repo = `acme/paths-${id}`
    await box.createRepo(repo, setup.files, { symlinks: setup.symlinks })
    const refs = () => box.git(repo, ['for-each-ref'])
    const refsBefore = await refs()
    const ran = await runAction(
      dir,
      {
        ...common,
        GITHUB_API_URL: box.apiUrl,
        GITHUB_SERVER_URL: box.url,
        GITHUB_GRAPHQL_URL: box.graphqlUrl,
        GITHUB_REPOSITORY: 'acme/api',
        ...inputsEnv({
          image: imageRef,
          'config-repository': repo,
          'write-method': method === 'api' ? 'api' : 'git',
          mode: 'push',
          token: box.token,
          ...targetInputs,
          ...configFileInput
        })
      },
      { timeout: TIMEOUT }
    )
    return {
      ran,
      refs,
      refsBefore,
      pulls: box.pulls(repo).length,
      git: (...args) => box.git(repo, args)
    }
  }

  const rows = CASES.flatMap(c =>
    (c.methods ?? METHODS).map(method => [`${method}: ${c.name}`, method, c] as const)
  )

  it.each(rows)(
    '%s → refused, naming the path; the sentinel, the repo and the workspace unchanged',
    async (_name, method, c) => {
      const sentinel = join(work, `sentinel-${++counter}`)
      await writeTree(sentinel, sentinelFiles())
      // A whole config repository outside the workspace, for the config-path escapes.
      await initRepo(join(sentinel, 'repo'), baseline())
      const w: World = { s: sentinel, rel: sentinel.replace(/^\/+/, '') }
      const before = await snapshot(sentinel)

      const outcome = await promote(method, {
        files: apply(baseline(), c.files?.(w)),
        symlinks: c.symlinks?.(w) ?? {},
        targets: c.targets?.(w),
        configFile: c.configFile?.(w),
        configPath: c.configPath?.(w),
        verifyRender: c.verifyRender,
        workspace: c.workspace ? ws => c.workspace!(ws, w) : undefined
      })
      const { ran } = outcome
      const output = `${ran.stdout}\n${ran.stderr}`

      expect(snapshotDiff(before, await snapshot(sentinel))).toEqual([])
      expect(await outcome.refs()).toBe(outcome.refsBefore)
      expect(outcome.pulls).toBe(0)
      if (outcome.workspaceChanges) expect(outcome.workspaceChanges).toEqual([])
      expect(ran.code).not.toBe(0)
      const error =
        /^::error[^:]*::(.*)$/m.exec(ran.stdout)?.[1] ??
        /^promote-image: (.*)$/m.exec(ran.stderr)?.[1] ??
        output
      expect({ error, names: error.includes(c.names(w)) }).toEqual({ error, names: true })
    },
    TIMEOUT
  )

  describe('positive controls: symlinks inside the repository', () => {
    /** The file at `path` on main: its mode and content (the link target for a symlink). */
    async function entryAt(
      outcome: Outcome,
      path: string
    ): Promise<{ mode: string; content: string }> {
      if (outcome.checkout) {
        const abs = join(outcome.checkout, path)
        const link = await readlink(abs).catch(() => undefined)
        return link !== undefined
          ? { mode: '120000', content: link }
          : { mode: '100644', content: await readFile(abs, 'utf8') }
      }
      const [mode = ''] = (await outcome.git('ls-tree', 'main', '--', path)).split(' ')
      return { mode, content: await outcome.git('show', `main:${path}`) }
    }

    async function changedFiles(outcome: Outcome): Promise<string[]> {
      if (outcome.checkout) {
        const status = await outcome.git('status', '--porcelain')
        return status
          .split('\n')
          .filter(Boolean)
          .map(line => line.slice(3))
      }
      return (await outcome.git('diff', '--name-only', 'main~1', 'main')).trim().split('\n')
    }

    interface Control {
      readonly name: string
      /** Built in the test, once the registry's address is known. */
      readonly files: () => Record<string, string>
      readonly symlinks: Record<string, string>
      readonly link: string
      readonly real: string
    }
    const controls: Control[] = [
      {
        name: 'a values file symlinked to another values file of the repository',
        files: () =>
          apply(baseline(), {
            'promotion.yaml': PROMOTION_HELM,
            'charts/api/values-dev.yaml': null,
            'charts/api/values-common.yaml': VALUES()
          }),
        symlinks: { 'charts/api/values-dev.yaml': 'values-common.yaml' },
        link: 'charts/api/values-dev.yaml',
        real: 'charts/api/values-common.yaml'
      },
      {
        name: 'a kustomization.yaml symlinked to a shared overlay of the repository',
        files: () =>
          apply(baseline(), {
            'apps/api/overlays/dev/kustomization.yaml': null,
            'apps/api/overlays/shared/kustomization.yaml': overlayText('../../base')
          }),
        symlinks: { 'apps/api/overlays/dev/kustomization.yaml': '../shared/kustomization.yaml' },
        link: 'apps/api/overlays/dev/kustomization.yaml',
        real: 'apps/api/overlays/shared/kustomization.yaml'
      },
      {
        name: 'an overlay directory symlinked to another overlay of the repository',
        files: () =>
          apply(baseline(), {
            'apps/api/overlays/dev/kustomization.yaml': null,
            'apps/api/overlays/next/kustomization.yaml': overlayText('../../base')
          }),
        symlinks: { 'apps/api/overlays/dev': 'next' },
        link: 'apps/api/overlays/dev',
        real: 'apps/api/overlays/next/kustomization.yaml'
      },
      {
        name: 'an overlay whose base directory is a symlink to a shared base of the repository',
        files: () =>
          apply(baseline(), {
            'apps/api/base/kustomization.yaml': null,
            'apps/api/base/deployment.yaml': null,
            'shared/api-base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
            'shared/api-base/deployment.yaml': deployment('api')
          }),
        symlinks: { 'apps/api/base': '../../shared/api-base' },
        link: 'apps/api/base',
        real: 'apps/api/overlays/dev/kustomization.yaml'
      }
    ]

    it.each(
      controls.flatMap(c => METHODS.map(method => [`${method}: ${c.name}`, method, c] as const))
    )(
      '%s → the real file is edited and the link stays a link',
      async (_name, method, c) => {
        const outcome = await promote(method, { files: c.files(), symlinks: c.symlinks })
        const { ran } = outcome
        expect({ code: ran.code, out: ran.code ? `${ran.stdout}${ran.stderr}` : '' }).toEqual({
          code: 0,
          out: ''
        })
        expect(await entryAt(outcome, c.link)).toEqual({
          mode: '120000',
          content: c.symlinks[c.link]
        })
        const real = await entryAt(outcome, c.real)
        expect(real.mode).toBe('100644')
        expect(real.content).toContain('v1.0.0')
        expect(real.content).toContain(image.digest)
        expect(await changedFiles(outcome)).toEqual([c.real])
      },
      TIMEOUT
    )
  })
})
