/**
 * `promote-image edit` and `lint`, and the action with write-method none, as
 * users run them (the dist bundles), against a real registry and real
 * `kubectl kustomize`. Incident 1 end to end: an overlay with
 * `newTag: latest` becomes `newTag: v2.5.0` + `digest:`, and the rendered
 * Deployment's image changes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  pushImage,
  startRegistry,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'
import { ROOT, run, runNode, type Ran } from '../support/run.js'
import { RUN_TIMEOUT_MS } from '../support/timing.js'

function node(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT
): Promise<Ran> {
  return runNode(script, args, env, { cwd })
}

async function kustomize(dir: string): Promise<string> {
  return (await run('kubectl', ['kustomize', dir], { timeout: RUN_TIMEOUT_MS })).stdout
}

/** Every file of a tree and its sha256: proof that nothing else changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out[path.slice(dir.length + 1)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex')
  }
  return out
}

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
}

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: notification-service
spec:
  replicas: 2
  selector:
    matchLabels: {app: notification-service}
  template:
    metadata:
      labels: {app: notification-service}
    spec:
      initContainers:
        - name: migrate
          image: ${image}
          args: [migrate]
      containers:
        - name: app
          image: ${image}
          imagePullPolicy: IfNotPresent
`

function configRepo(registry: string): Record<string, string> {
  return {
    'promotion.yaml': `# Where each environment's images live.
environments:
  dev:
    mode: push
    targets:
      - kustomize: apps/{name}/overlays/dev
  staging:
    targets:
      - kustomize: apps/{name}/overlays/staging
  prod:
    targets:
      - kustomize: apps/{name}/overlays/prod
`,
    'apps/notification-service/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/notification-service/base/deployment.yaml': deployment('notification-service'),
    // Incident 1, as it was: newTag latest.
    'apps/notification-service/overlays/dev/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base

# The image CI builds. "latest" never changes in Git, so Argo CD saw nothing.
images:
  - name: notification-service
    newName: ${registry}/team/notification-service
    newTag: latest   # moved by every build

patches:
  - target:
      kind: Deployment
      name: notification-service
    patch: |-
      - op: replace
        path: /spec/replicas
        value: 1
`,
    // No images: entry at all: promote-image adds one, since the render shows the base uses it.
    'apps/notification-service/overlays/staging/kustomization.yaml': `resources:
- ../../base
`,
    // An entry whose name matches no container: Argo CD would see no change.
    'apps/notification-service/overlays/prod/kustomization.yaml': `resources:
- ../../base
images:
- name: notification-svc
  newName: ${registry}/team/notification-service
  newTag: v2.4.0
`
  }
}

describe('edit, lint and write-method none against a real registry and kubectl kustomize', () => {
  let reg: RegistryInstance
  let pushed: PushedImage
  let work: string
  let repo: string
  let image: string

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
    pushed = await pushImage(reg, 'team/notification-service', 'v2.5.0', {
      platforms: ['linux/amd64', 'linux/arm64']
    })
    image = `${reg.host}/team/notification-service:v2.5.0`
    work = await mkdtemp(join(tmpdir(), 'edit-e2e-'))
  })
  afterAll(async () => {
    await reg.stop()
    await rm(work, { recursive: true, force: true })
  })
  beforeEach(async () => {
    repo = join(work, `config-${Math.random().toString(36).slice(2)}`)
    await write(repo, configRepo(reg.host))
  })

  it('incident 1: dev goes from newTag latest to v2.5.0 + digest, and the render changes', async () => {
    const dev = join(repo, 'apps/notification-service/overlays/dev')
    const before = await snapshot(repo)
    expect(await kustomize(dev)).toContain(`image: ${reg.host}/team/notification-service:latest`)

    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--environment',
      'dev',
      '--image',
      image
    ])
    expect(ran.stderr).toContain('Argo CD will see the change: 2 containers')
    expect(ran.code).toBe(0)
    expect(ran.stdout).toBe(
      [
        `apps/notification-service/overlays/dev/kustomization.yaml:10: images[0].newTag: latest → v2.5.0`,
        `apps/notification-service/overlays/dev/kustomization.yaml:11: images[0].digest: (added) → ${pushed.digest}`,
        ''
      ].join('\n')
    )
    const text = await readFile(join(dev, 'kustomization.yaml'), 'utf8')
    expect(text).toBe(
      configRepo(reg.host)['apps/notification-service/overlays/dev/kustomization.yaml']!.replace(
        'newTag: latest   # moved by every build\n',
        `newTag: v2.5.0   # moved by every build\n    digest: ${pushed.digest}\n`
      )
    )
    const after = await snapshot(repo)
    const changed = Object.keys(after).filter(f => after[f] !== before[f])
    expect(changed).toEqual(['apps/notification-service/overlays/dev/kustomization.yaml'])

    const rendered = await kustomize(dev)
    expect(rendered).toContain(`image: ${image}@${pushed.digest}`)
    expect(rendered).not.toContain(':latest')
  })

  // One build, several tags (docker/metadata-action's `tags` output): each target gets the tag
  // shaped like what it pins now, else the highest semver (policy/tag-choice.ts, chooseTag).
  it.each([
    ['latest (no shape): the semver tag', 'latest', 'v2.5.0'],
    ['a sha- tag: the sha- tag', 'sha-1a2b3c4', 'sha-3f9c2d1']
  ])(
    'one build pushed as v2.5.0 and sha-3f9c2d1 promotes; a target at %s',
    async (_case, now, chosen) => {
      const sha = await pushImage(reg, 'team/notification-service', 'sha-3f9c2d1', {
        platforms: ['linux/amd64', 'linux/arm64']
      })
      expect(sha.digest).toBe(pushed.digest)
      const dev = join(repo, 'apps/notification-service/overlays/dev')
      const file = join(dev, 'kustomization.yaml')
      await writeFile(
        file,
        (await readFile(file, 'utf8')).replace('newTag: latest', `newTag: ${now}`)
      )
      const ran = await node('dist/cli.js', [
        'edit',
        '--dir',
        repo,
        '--environment',
        'dev',
        '--image',
        image,
        '--image',
        `${reg.host}/team/notification-service:sha-3f9c2d1`
      ])
      expect(ran.stderr).toContain('Argo CD will see the change')
      expect(ran.code).toBe(0)
      expect(await readFile(file, 'utf8')).toContain(
        `newTag: ${chosen}   # moved by every build\n    digest: ${pushed.digest}\n`
      )
      expect(await kustomize(dev)).toContain(
        `image: ${reg.host}/team/notification-service:${chosen}@${pushed.digest}`
      )
    }
  )

  it('refuses two builds of one repository, naming both digests, and writes nothing', async () => {
    const other = await pushImage(reg, 'team/notification-service', 'v2.6.0', {
      platforms: ['linux/amd64'],
      seed: 'another build'
    })
    expect(other.digest).not.toBe(pushed.digest)
    const before = await snapshot(repo)
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--environment',
      'dev',
      '--image',
      image,
      '--image',
      `${reg.host}/team/notification-service:v2.6.0`
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain('one repository')
    expect(ran.stderr).toContain(pushed.digest)
    expect(ran.stderr).toContain(other.digest)
    expect(await snapshot(repo)).toEqual(before)
  })

  it('--dry-run prints the unified diff and leaves every file byte-identical', async () => {
    const before = await snapshot(repo)
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--environment',
      'dev',
      '--image',
      image,
      '--dry-run'
    ])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('--- a/apps/notification-service/overlays/dev/kustomization.yaml')
    expect(ran.stdout).toContain('-    newTag: latest   # moved by every build')
    expect(ran.stdout).toContain('+    newTag: v2.5.0   # moved by every build')
    expect(ran.stdout).toContain(`+    digest: ${pushed.digest}`)
    expect(await snapshot(repo)).toEqual(before)
  })

  it('adds an images: entry only where the render shows the overlay uses the repository', async () => {
    await write(repo, {
      'apps/notification-service/base/deployment.yaml': deployment(
        `${reg.host}/team/notification-service:v2.0.0`
      )
    })
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--environment',
      'staging',
      '--image',
      image
    ])
    expect(ran.code).toBe(0)
    expect(
      await readFile(
        join(repo, 'apps/notification-service/overlays/staging/kustomization.yaml'),
        'utf8'
      )
    ).toBe(
      `resources:\n- ../../base\nimages:\n- name: ${reg.host}/team/notification-service\n  newTag: v2.5.0\n  digest: ${pushed.digest}\n`
    )
    expect(await kustomize(join(repo, 'apps/notification-service/overlays/staging'))).toContain(
      `image: ${image}@${pushed.digest}`
    )
  })

  it('refuses to add an entry to an overlay that does not deploy the image, listing what it does deploy', async () => {
    const before = await snapshot(repo)
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--environment',
      'staging',
      '--image',
      image
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(`no images: entry for ${reg.host}/team/notification-service`)
    expect(ran.stderr).toContain('deploys notification-service')
    expect(await snapshot(repo)).toEqual(before)
  })

  it('says plainly when Argo CD would see no change (the images: name matches no container), before rendering', async () => {
    const before = await snapshot(repo)
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--environment',
      'prod',
      '--image',
      image
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(
      /images\[0\] names notification-svc, but kustomize would not apply it[^]*Argo CD would see no change/
    )
    expect(await snapshot(repo)).toEqual(before)
  })

  it.each([
    [['--environment', 'qa'], /has no environment "qa"[^]*Environments: dev, staging, prod/],
    [['--target', 'kustomize:../outside'], /\.\./],
    [['--target', 'kustomize:/etc'], /absolute/],
    [['--target', 'helm:values.yaml'], /#/],
    [['--target', 'kustomise:apps/x'], /did you mean "kustomize"/]
  ])('refuses %j with a clear message and writes nothing', async (args, message) => {
    const before = await snapshot(repo)
    const ran = await node('dist/cli.js', ['edit', '--dir', repo, '--image', image, ...args])
    expect(ran.code).not.toBe(0)
    expect(ran.stderr).toMatch(message)
    expect(ran.stderr).not.toMatch(/\n\s+at /)
    expect(await snapshot(repo)).toEqual(before)
  })

  // Issue 15, item 4: plain manifests are a target of their own (no kustomization reaches them).
  it('edit --target manifest:deploy/app.yaml pins the image of a plain Deployment, comments intact', async () => {
    const plain = `# Applied by Argo CD as a plain directory.
${deployment(`${reg.host}/team/notification-service:v2.4.0`).replace(
  'imagePullPolicy: IfNotPresent',
  'imagePullPolicy: IfNotPresent # pinned by promote-image'
)}---
apiVersion: v1
kind: Service
metadata:
  name: notification-service
spec:
  ports: [{port: 80}]
`
    await write(repo, { 'deploy/app.yaml': plain })
    const before = await snapshot(repo)
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--image',
      image,
      '--target',
      'manifest:deploy/app.yaml'
    ])
    expect(ran.stderr).toContain('Argo CD will see the change: 2 containers')
    expect(ran.code).toBe(0)
    const pinned = `${image}@${pushed.digest}`
    expect(ran.stdout).toBe(
      [
        `deploy/app.yaml:16: spec.template.spec.initContainers[0].image: ${reg.host}/team/notification-service:v2.4.0 → ${pinned}`,
        `deploy/app.yaml:20: spec.template.spec.containers[0].image: ${reg.host}/team/notification-service:v2.4.0 → ${pinned}`,
        ''
      ].join('\n')
    )
    expect(await readFile(join(repo, 'deploy/app.yaml'), 'utf8')).toBe(
      plain.replaceAll(`${reg.host}/team/notification-service:v2.4.0`, pinned)
    )
    const after = await snapshot(repo)
    expect(Object.keys(after).filter(f => after[f] !== before[f])).toEqual(['deploy/app.yaml'])
  })

  it('refuses a manifest target without the image, naming the images it holds, and writes nothing', async () => {
    await write(repo, { 'deploy/app.yaml': deployment('ghcr.io/acme/other:v1') })
    const before = await snapshot(repo)
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--image',
      image,
      '--target',
      'manifest:deploy'
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      `deploy: no container or initContainer uses ${reg.host}/team/notification-service; deploy/app.yaml holds ghcr.io/acme/other:v1.`
    )
    expect(await snapshot(repo)).toEqual(before)
  })

  it("edit --target argocd: pins an Application's kustomize.images and helm parameters", async () => {
    const application = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: notification-service
spec:
  sources:
    - repoURL: https://github.com/acme/config
      path: apps/notification-service/base
      kustomize:
        images:
          # the build CI pushed
          - notification-service=${reg.host}/team/notification-service:v2.4.0
    - repoURL: https://charts.acme.io
      chart: notifier
      helm:
        parameters:
          - name: image.repository
            value: ${reg.host}/team/notification-service
          - name: image.tag
            value: "v2.4.0"
`
    await write(repo, { 'argocd/notification-service.yaml': application })
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--image',
      image,
      '--target',
      'argocd:argocd/{name}.yaml'
    ])
    expect(ran.code).toBe(0)
    expect(await readFile(join(repo, 'argocd/notification-service.yaml'), 'utf8')).toBe(
      application
        .replace(
          `notification-service=${reg.host}/team/notification-service:v2.4.0`,
          `notification-service=${image}@${pushed.digest}`
        )
        .replace('value: "v2.4.0"', `value: "v2.5.0@${pushed.digest}"`)
    )
  })

  it('edit --target helm:<HelmRelease>#spec.values.image pins a Flux HelmRelease', async () => {
    const release = `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: config
spec:
  url: https://github.com/acme/config
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: notification-service
spec:
  chart:
    spec:
      chart: ./charts/notifier
      sourceRef: {kind: GitRepository, name: config}
  values:
    image:
      repository: ${reg.host}/team/notification-service
      tag: v2.4.0 # the running build
`
    await write(repo, { 'clusters/dev/notification-service.yaml': release })
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--image',
      image,
      '--target',
      'helm:clusters/dev/{name}.yaml#spec.values.image'
    ])
    expect(ran.code).toBe(0)
    expect(await readFile(join(repo, 'clusters/dev/notification-service.yaml'), 'utf8')).toBe(
      release.replace('tag: v2.4.0 #', `tag: v2.5.0@${pushed.digest} #`)
    )
  })

  it('refuses a target that leaves the repo through a symlink', async () => {
    const outside = join(work, `outside-${Math.random().toString(36).slice(2)}`)
    await write(outside, configRepo(reg.host))
    await symlink(join(outside, 'apps'), join(repo, 'linked'))
    const before = await snapshot(outside)
    const ran = await node('dist/cli.js', [
      'edit',
      '--dir',
      repo,
      '--image',
      image,
      '--target',
      'kustomize:linked/notification-service/overlays/dev'
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(/outside/)
    expect(await snapshot(outside)).toEqual(before)
  })

  it('lint lists the latest reference with file:line and exits non-zero', async () => {
    const ran = await node('dist/cli.js', ['lint', '.'], {}, repo)
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain('apps/notification-service/overlays/dev/kustomization.yaml:10:')
    expect(ran.stdout).toMatch(/mutable tag latest/)
  })

  it('the action with write-method none edits the checked-out repo and reports it', async () => {
    const outputFile = join(work, `out-${Math.random()}`)
    const summaryFile = join(work, `summary-${Math.random()}`)
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    const ran = await node('dist/index.js', [], {
      GITHUB_WORKSPACE: work,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      INPUT_IMAGE: image,
      INPUT_ENVIRONMENT: 'dev',
      'INPUT_WRITE-METHOD': 'none',
      'INPUT_CONFIG-PATH': repo.slice(work.length + 1),
      'INPUT_CONFIG-FILE': 'promotion.yaml',
      'INPUT_VERIFY-RENDER': 'true'
    })
    expect(ran.stdout).not.toMatch(/::error::/)
    expect(ran.code).toBe(0)
    const outputs = await readFile(outputFile, 'utf8')
    expect(outputs).toMatch(/changed<<[^\n]+\ntrue\n/)
    expect(outputs).toContain('["apps/notification-service/overlays/dev/kustomization.yaml"]')
    const summary = await readFile(summaryFile, 'utf8')
    expect(summary).toContain('| Image | Environment | File | Old | New |')
    expect(summary).toContain('`latest` | `v2.5.0`')
    expect(summary).toContain('Render proof')
    expect(
      await readFile(
        join(repo, 'apps/notification-service/overlays/dev/kustomization.yaml'),
        'utf8'
      )
    ).toContain(`digest: ${pushed.digest}`)
  })

  it('the action annotates the file and line at fault', async () => {
    await write(repo, {
      'apps/notification-service/overlays/dev/kustomization.yaml': `resources:\n- ../../base\nimages:\n- name: a\n  newName: ${reg.host}/team/notification-service\n  newTag: v1\n- name: b\n  newName: ${reg.host}/team/notification-service\n  newTag: v2\n`
    })
    const ran = await node('dist/index.js', [], {
      GITHUB_WORKSPACE: work,
      INPUT_IMAGE: image,
      INPUT_ENVIRONMENT: 'dev',
      'INPUT_WRITE-METHOD': 'none',
      'INPUT_CONFIG-PATH': repo.slice(work.length + 1),
      'INPUT_CONFIG-FILE': 'promotion.yaml'
    })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(
      /::error title=promote-image,file=apps\/notification-service\/overlays\/dev\/kustomization\.yaml,line=4::.*images\[0\] names a, but kustomize would not apply it/
    )
  })

  it('the action refuses a config-path outside the workspace', async () => {
    const ran = await node('dist/index.js', [], {
      GITHUB_WORKSPACE: repo,
      INPUT_IMAGE: image,
      INPUT_ENVIRONMENT: 'dev',
      'INPUT_WRITE-METHOD': 'none',
      'INPUT_CONFIG-PATH': '../..'
    })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(/config-path "\.\.\/\.\." leads outside the workspace/)
  })
})
