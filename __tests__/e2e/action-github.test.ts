/**
 * The action (`node dist/index.js`, real INPUT_* variables) against "GitHub
 * in a box" — real bare repositories behind git smart HTTP and the REST and
 * GraphQL endpoints the action uses — and a real registry. Every test has a
 * config repository of its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startArgoCD } from '../support/argocd.js'
import { startGitHubBox, type GitHubBox } from '../support/github.js'
import { killRuns, parseOutputs, run, runNode } from '../support/run.js'
import { scaled } from '../support/timing.js'
import {
  pushImage,
  startRegistry,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'

function overlay(registry: string, name: string): string {
  return `resources:
  - ../../base
# pinned by promote-image
images:
  - name: ${name}
    newName: ${registry}/team/${name}
    newTag: latest # CI moves this
`
}

function files(registry: string): Record<string, string> {
  const out: Record<string, string> = {
    'promotion.yaml': `environments:
  dev:
    mode: push
    targets:
      - kustomize: apps/{name}/overlays/dev
  prod:
    labels: [promotion]
    reviewers: [octo-sre]
    targets:
      - kustomize: apps/{name}/overlays/prod
`,
    'README.md': 'config\n'
  }
  for (const name of ['api', 'web']) {
    out[`apps/${name}/base/kustomization.yaml`] = 'resources:\n  - deployment.yaml\n'
    out[`apps/${name}/base/deployment.yaml`] =
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${name}\n`
    for (const env of ['dev', 'prod'])
      out[`apps/${name}/overlays/${env}/kustomization.yaml`] = overlay(registry, name)
  }
  return out
}

/** The debug line of a lost race whose winner touched nothing the promotion read. */
const SAME_COMMIT =
  'moved, but not what this promotion read: the same commit goes onto the new head'

describe('the action against GitHub in a box', () => {
  let box: GitHubBox
  let reg: RegistryInstance
  let work: string
  let repos = 0
  const images = new Map<string, PushedImage>()

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
    for (const tag of ['v1.4.2', 'v1.4.3'])
      images.set(`api:${tag}`, await pushImage(reg, 'team/api', tag, { seed: tag }))
    images.set('web:v2.0.0', await pushImage(reg, 'team/web', 'v2.0.0', { seed: 'web' }))
    images.set('web:v2.0.1', await pushImage(reg, 'team/web', 'v2.0.1', { seed: 'web-2' }))
    box = await startGitHubBox()
    work = await mkdtemp(join(tmpdir(), 'action-github-'))
  })
  // A request GitHub's descriptions refuse fails the test that sent it (github-schema.ts).
  afterEach(() => box?.assertNoViolations())
  // What a timed-out test left running dies here, with its git.
  afterEach(killRuns)
  afterAll(async () => {
    await box?.stop()
    await reg?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  /** This test's own config repository (prod requests octo-sre's review: GitHub only takes collaborators). */
  async function configRepo(): Promise<string> {
    const name = `acme/gitops-${++repos}`
    await box.createRepo(name, files(reg.host), {
      allowAutoMerge: false,
      collaborators: ['octo-sre']
    })
    return name
  }

  /** A git shim for PATH that records every git command line and the repo config it leaves behind. */
  async function gitShim(): Promise<{ bin: string; argvLog: string; configLog: string }> {
    const dir = await mkdtemp(join(work, 'shim-'))
    const bin = join(dir, 'bin')
    const argvLog = join(dir, 'git-argv.log')
    const configLog = join(dir, 'git-config.log')
    await run('mkdir', ['-p', bin])
    await writeFile(
      join(bin, 'git'),
      `#!/bin/sh\nprintf '%s\\n' "git $*" >> "${argvLog}"\n/usr/bin/git "$@"\nstatus=$?\n[ -f .git/config ] && cat .git/config >> "${configLog}"\nexit $status\n`
    )
    await chmod(join(bin, 'git'), 0o755)
    return { bin, argvLog, configLog }
  }

  async function action(
    repo: string,
    inputs: Record<string, string>,
    extraEnv: NodeJS.ProcessEnv = {}
  ) {
    const outputFile = join(work, `out-${Math.random()}`)
    const summaryFile = join(work, `summary-${Math.random()}`)
    await writeFile(outputFile, '')
    await writeFile(summaryFile, '')
    const env: NodeJS.ProcessEnv = {
      HOME: work,
      DOCKER_CONFIG: '/nonexistent',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_API_URL: box.apiUrl,
      GITHUB_SERVER_URL: box.url,
      GITHUB_GRAPHQL_URL: box.graphqlUrl,
      GITHUB_REPOSITORY: 'acme/api',
      GITHUB_SHA: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
      GITHUB_RUN_ID: '42',
      INPUT_TOKEN: box.token,
      'INPUT_CONFIG-REPOSITORY': repo,
      'INPUT_WRITE-METHOD': 'api',
      'INPUT_CONFIG-FILE': 'promotion.yaml',
      'INPUT_VERIFY-RENDER': 'true',
      INPUT_BRANCH: 'promote/{environment}/{name}',
      ...extraEnv
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    const ran = await runNode('dist/index.js', [], env)
    const outputs = parseOutputs(await readFile(outputFile, 'utf8'))
    return { ...ran, outputs, summary: await readFile(summaryFile, 'utf8') }
  }

  const api = (tag: string) => `${reg.host}/team/api:${tag}`

  it('prod: opens one PR whose branch has exactly one commit changing only the target lines', async () => {
    const REPO = await configRepo()
    const ran = await action(REPO, { image: api('v1.4.2'), environment: 'prod' })
    expect(ran.stdout).not.toMatch(/::error::/)
    expect(ran.code).toBe(0)
    expect(ran.outputs).toMatchObject({
      changed: 'true',
      branch: 'promote/prod/api',
      'pull-request-operation': 'created'
    })
    const pulls = box.pulls(REPO)
    expect(pulls).toHaveLength(1)
    const pull = pulls[0]!
    expect(ran.outputs['pull-request-number']).toBe(String(pull.number))
    expect(pull).toMatchObject({
      state: 'open',
      base: { ref: 'main' },
      head: { ref: 'promote/prod/api' },
      labels: ['promotion'],
      requestedReviewers: ['octo-sre']
    })
    expect(pull.body).toContain(images.get('api:v1.4.2')!.digest)
    expect(pull.body).toContain('Rolling back')

    const log = await box.log(REPO, 'promote/prod/api')
    const main = await box.log(REPO, 'main')
    expect(log[0]!.parents).toEqual([main[0]!.sha])
    // File links show the changed file: at the promotion commit, not on the base branch.
    expect(pull.body).toContain(
      `/${REPO}/blob/${log[0]!.sha}/apps/api/overlays/prod/kustomization.yaml#L`
    )
    expect(pull.body).not.toContain('/blob/main/')
    expect(log[0]!.files).toEqual(['apps/api/overlays/prod/kustomization.yaml'])
    expect(log[0]!.verified).toBe(true)
    expect(log[0]!.message).toMatch(/^promote\(prod\): api v1\.4\.2 \([0-9a-f]{12}\)\n/)
    expect(log[0]!.message).toContain('Source-Commit: f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed')
    const text = await box.readFile(
      REPO,
      'promote/prod/api',
      'apps/api/overlays/prod/kustomization.yaml'
    )
    expect(text).toBe(
      overlay(reg.host, 'api').replace(
        'newTag: latest # CI moves this\n',
        `newTag: v1.4.2 # CI moves this\n    digest: ${images.get('api:v1.4.2')!.digest}\n`
      )
    )
    expect(ran.summary).toContain('| Image | Environment | File | Old | New |')
  })

  /** A new config repository where prod's living PR for api v1.4.2 is open already. */
  async function withProdPull(): Promise<string> {
    const repo = await configRepo()
    const first = await action(repo, { image: api('v1.4.2'), environment: 'prod' })
    expect(first.stdout).not.toMatch(/::error::/)
    expect(first.outputs['pull-request-operation']).toBe('created')
    // What changes in the cluster: the real render's diff, only the container's image line.
    const body = box.pulls(repo)[0]!.body!
    const cluster = body.slice(body.indexOf('### What changes in the cluster'))
    expect(cluster).toContain('Only image fields change in what Argo CD applies.')
    const changed = cluster
      .slice(0, cluster.indexOf('</details>'))
      .split('\n')
      .filter(l => /^[+-](?![+-]{2} )/.test(l))
    expect(changed).toEqual([
      `-      - image: ${reg.host}/team/api:latest`,
      `+      - image: ${reg.host}/team/api:v1.4.2@${images.get('api:v1.4.2')!.digest}`
    ])
    expect(body).not.toContain('[!WARNING]')
    expect(box.pulls(repo)[0]!.comments).toEqual([])
    return repo
  }

  it('rerunning the same promotion changes nothing', async () => {
    const REPO = await withProdPull()
    const before = (await box.log(REPO, 'promote/prod/api'))[0]!.sha
    const ran = await action(REPO, { image: api('v1.4.2'), environment: 'prod' })
    expect(ran.code).toBe(0)
    expect(ran.outputs['pull-request-operation']).toBe('none')
    expect((await box.log(REPO, 'promote/prod/api'))[0]!.sha).toBe(before)
    expect(box.pulls(REPO)).toHaveLength(1)
    expect(box.pulls(REPO)[0]!.comments).toEqual([])
  })

  it('a newer image updates the same pull request: one commit on base, the new digest', async () => {
    const REPO = await withProdPull()
    const number = box.pulls(REPO)[0]!.number
    const ran = await action(REPO, { image: api('v1.4.3'), environment: 'prod' })
    expect(ran.code).toBe(0)
    expect(ran.outputs).toMatchObject({
      'pull-request-operation': 'updated',
      'pull-request-number': String(number)
    })
    expect(box.pulls(REPO)).toHaveLength(1)
    const log = await box.log(REPO, 'promote/prod/api')
    expect(log[0]!.parents).toEqual([(await box.log(REPO, 'main'))[0]!.sha])
    expect(
      await box.readFile(REPO, 'promote/prod/api', 'apps/api/overlays/prod/kustomization.yaml')
    ).toContain(`digest: ${images.get('api:v1.4.3')!.digest}`)
    expect(box.pulls(REPO)[0]!.body).toContain(images.get('api:v1.4.3')!.digest)
    expect(box.pulls(REPO)[0]!.body).toContain(`/${REPO}/blob/${log[0]!.sha}/apps/api/`)
    // One comment says what moved; the body was regenerated.
    const short = (d: string): string => d.replace(/^sha256:/, '').slice(0, 12)
    expect(box.pulls(REPO)[0]!.comments).toEqual([
      [
        'A newer build updated this pull request; the description is regenerated.',
        '',
        `- \`api\`: \`v1.4.2 (${short(images.get('api:v1.4.2')!.digest)})\` → \`v1.4.3 (${short(images.get('api:v1.4.3')!.digest)})\``,
        ''
      ].join('\n')
    ])
  })

  it('dev (push, from promotion.yaml): one verified commit on main', async () => {
    const REPO = await configRepo()
    const before = (await box.log(REPO, 'main'))[0]!.sha
    const ran = await action(REPO, { image: api('v1.4.2'), environment: 'dev' })
    expect(ran.code).toBe(0)
    const log = await box.log(REPO, 'main')
    expect(log[1]!.sha).toBe(before)
    expect(log[0]).toMatchObject({
      files: ['apps/api/overlays/dev/kustomization.yaml'],
      verified: true
    })
    expect(ran.outputs).toMatchObject({
      'commit-sha': log[0]!.sha,
      branch: 'main',
      'pull-request-operation': 'none'
    })
  })

  /**
   * Promotes web into dev with `method` while `race` lands on main once, just before the
   * action's first update of main. The tag differs by method, so every run changes the overlay.
   */
  async function promoteWebRacing(REPO: string, method: string, race: () => Promise<unknown>) {
    let raced = false
    box.beforeRefUpdate(async (_repo, ref) => {
      if (raced || ref !== 'refs/heads/main') return
      raced = true
      await race()
    })
    try {
      const tag = method === 'api' ? 'v2.0.0' : 'v2.0.1'
      const ran = await action(REPO, {
        image: `${reg.host}/team/web:${tag}`,
        environment: 'dev',
        'write-method': method
      })
      return { ran, tag, raced }
    } finally {
      box.beforeRefUpdate(undefined)
    }
  }

  it.each(['api', 'git'])(
    '%s: survives a commit that lands between read and write, with nothing lost',
    async method => {
      const REPO = await configRepo()
      const { ran, tag, raced } = await promoteWebRacing(REPO, method, () =>
        box.commit(REPO, 'main', { 'README.md': 'changed by someone else\n' }, 'concurrent change')
      )
      expect(ran.code).toBe(0)
      expect(raced).toBe(true)
      // The winner touched nothing read (a compare request, or git diff, says so): the same
      // commit goes onto the new head, without reading, editing or rendering again.
      expect(ran.stdout).toContain(SAME_COMMIT)
      const log = await box.log(REPO, 'main')
      expect(log[0]!.files).toEqual(['apps/web/overlays/dev/kustomization.yaml'])
      expect(log[0]!.message).toMatch(new RegExp(`^promote\\(dev\\): web ${tag} `))
      expect(log[1]!.message).toMatch(/^concurrent change/)
      expect(await box.readFile(REPO, 'main', 'README.md')).toBe('changed by someone else\n')
      expect(
        await box.readFile(REPO, 'main', 'apps/web/overlays/dev/kustomization.yaml')
      ).toContain(`digest: ${images.get(`web:${tag}`)!.digest}`)
    }
  )

  it.each(['api', 'git'])(
    '%s: a concurrent change to the file being promoted: read again and re-applied, both changes kept',
    async method => {
      const REPO = await configRepo()
      const file = 'apps/web/overlays/dev/kustomization.yaml'
      const { ran, tag, raced } = await promoteWebRacing(REPO, method, async () => {
        const text = await box.readFile(REPO, 'main', file)
        await box.commit(
          REPO,
          'main',
          { [file]: `# owned by the web team\n${text}` },
          'concurrent edit of the overlay'
        )
      })
      expect(ran.code).toBe(0)
      expect(raced).toBe(true)
      expect(ran.stdout).toContain('moved while promoting')
      expect(ran.stdout).not.toContain(SAME_COMMIT)
      const text = await box.readFile(REPO, 'main', file)
      expect(text).toMatch(/^# owned by the web team\n/)
      expect(text).toContain(`newTag: ${tag}`)
      expect(text).toContain(`digest: ${images.get(`web:${tag}`)!.digest}`)
      expect((await box.log(REPO, 'main'))[1]!.message).toMatch(/^concurrent edit of the overlay/)
    }
  )

  it('write-method git: pushes over smart HTTP; the token is in no log, command line or .git/config', async () => {
    const REPO = await configRepo()
    const shim = await gitShim()
    const ran = await action(
      REPO,
      { image: api('v1.4.3'), environment: 'dev', 'write-method': 'git' },
      { PATH: `${shim.bin}:${process.env.PATH}` }
    )
    expect(ran.stdout).not.toMatch(/::error::/)
    expect(ran.code).toBe(0)
    const log = await box.log(REPO, 'main')
    expect(log[0]!.files).toEqual(['apps/api/overlays/dev/kustomization.yaml'])
    expect(await box.readFile(REPO, 'main', 'apps/api/overlays/dev/kustomization.yaml')).toContain(
      `digest: ${images.get('api:v1.4.3')!.digest}`
    )
    const argv = await readFile(shim.argvLog, 'utf8')
    expect(argv).toContain('git clone')
    const config = await readFile(shim.configLog, 'utf8')
    expect(config).toContain('[remote "origin"]') // the shim saw the clone's .git/config
    const basic = Buffer.from(`x-access-token:${box.token}`).toString('base64')
    // The runner consumes ::add-mask:: commands (registering the secret) and never shows them.
    const masks = ran.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))
    expect(masks).toEqual(
      expect.arrayContaining([`::add-mask::${box.token}`, `::add-mask::${basic}`])
    )
    const shown = ran.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    for (const text of [
      shown,
      ran.stderr,
      ran.summary,
      argv,
      config,
      JSON.stringify(ran.outputs)
    ]) {
      expect(text).not.toContain(box.token)
      expect(text).not.toContain(basic)
    }
    expect(box.requests.some(r => r.kind === 'git' && r.auth === 'basic')).toBe(true)
  })

  it('auto-merge on a repository that does not allow it warns and still opens the PR', async () => {
    const REPO = await configRepo()
    const ran = await action(REPO, {
      image: `${reg.host}/team/web:v2.0.0`,
      environment: 'prod',
      'auto-merge': 'squash'
    })
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(
      new RegExp(`::warning::Auto-merge is off in ${REPO}: enable "Allow auto-merge"`)
    )
    expect(ran.outputs['pull-request-operation']).toBe('created')
  })

  it('the CLI opens the same kind of living PR over git + the API', async () => {
    await box.createRepo('acme/cli-config', files(reg.host), { collaborators: ['octo-sre'] })
    const cli = (image: string) =>
      runNode(
        'dist/cli.js',
        [
          'promote',
          '--config-repo',
          `${box.url}/acme/cli-config.git`,
          '--environment',
          'prod',
          '--mode',
          'pull-request',
          '--image',
          image
        ],
        { HOME: work, GITHUB_TOKEN: box.token, GITHUB_API_URL: box.apiUrl }
      )
    const first = await cli(api('v1.4.2'))
    expect(first.stderr).not.toMatch(/promote-image:/)
    expect(first.code).toBe(0)
    const pull = box.pulls('acme/cli-config')[0]!
    expect(first.stdout).toBe(`${box.url}/acme/cli-config/pull/${pull.number} created\n`)
    const second = await cli(api('v1.4.3'))
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/ updated\n$/)
    expect(box.pulls('acme/cli-config')).toHaveLength(1)
    const log = await box.log('acme/cli-config', 'promote/prod/api')
    expect(log[0]!.files).toEqual(['apps/api/overlays/prod/kustomization.yaml'])
    expect(log[0]!.parents).toEqual([(await box.log('acme/cli-config', 'main'))[0]!.sha])
  })

  // Issue 15, item 4: a manifest directory through the contents API. Argo CD reads a directory
  // source without its subdirectories, so only the directory's own YAML files are fetched.
  it('api: a manifest: directory target commits the changed manifest, reading no subdirectory', async () => {
    const workload = (name: string, image: string) =>
      `# ${name}, applied as it is\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image} # promoted by CI\n`
    await box.createRepo('acme/manifests', {
      'README.md': 'config\n',
      'deploy/dev/api.yaml': workload('api', api('v1.4.2')),
      'deploy/dev/web.yaml': workload('web', `${reg.host}/team/web:v2.0.0`),
      'deploy/dev/archive/api.yaml': workload('api-old', api('v1.0.0'))
    })
    const ran = await action('acme/manifests', {
      image: api('v1.4.3'),
      targets: 'manifest:deploy/dev',
      mode: 'push'
    })
    expect(ran.stdout).not.toMatch(/::error::/)
    expect(ran.code).toBe(0)
    const main = await box.log('acme/manifests', 'main')
    expect(main[0]!.files).toEqual(['deploy/dev/api.yaml'])
    const pinned = `${api('v1.4.3')}@${images.get('api:v1.4.3')!.digest}`
    expect(await box.readFile('acme/manifests', 'main', 'deploy/dev/api.yaml')).toBe(
      workload('api', pinned)
    )
    const reads = box.requests
      .filter(r => r.path.startsWith('/api/v3/repos/acme/manifests/contents/'))
      .map(r =>
        decodeURIComponent(
          r.path.slice('/api/v3/repos/acme/manifests/contents/'.length).split('?')[0]!
        )
      )
    expect(reads).toContain('deploy/dev/web.yaml')
    expect(reads.filter(r => r.startsWith('deploy/dev/archive'))).toEqual([])
  })

  it('2 images × 2 environments: one commit on dev and one PR on prod, each holding both images', async () => {
    await box.createRepo('acme/multi', files(reg.host), { collaborators: ['octo-sre'] })
    const before = (await box.log('acme/multi', 'main'))[0]!.sha
    const ran = await action('acme/multi', {
      image: `${api('v1.4.3')}\n${reg.host}/team/web:v2.0.0`,
      environment: 'dev\nprod',
      mode: ''
    })
    expect(ran.stdout).not.toMatch(/::error::/)
    expect(ran.code).toBe(0)
    const main = await box.log('acme/multi', 'main')
    expect(main[1]!.sha).toBe(before)
    expect(main[0]!.files).toEqual([
      'apps/api/overlays/dev/kustomization.yaml',
      'apps/web/overlays/dev/kustomization.yaml'
    ])
    const pulls = box.pulls('acme/multi')
    expect(pulls).toHaveLength(1)
    expect(pulls[0]!.head.ref).toBe('promote/prod/api+web')
    const branch = await box.log('acme/multi', 'promote/prod/api+web')
    expect(branch[0]!.parents).toEqual([main[0]!.sha])
    expect(branch[0]!.files).toEqual([
      'apps/api/overlays/prod/kustomization.yaml',
      'apps/web/overlays/prod/kustomization.yaml'
    ])
    expect(ran.outputs.branch).toBe('main\npromote/prod/api+web')
    expect(ran.outputs['pull-request-operation']).toBe('none\ncreated')

    // What it asked GitHub for: prod reads at the commit dev made, which changed only dev's
    // overlays, so the bases both read are fetched once; no parent directory is listed on the
    // way to a path that exists; and the new PR branch is created without a failed update first.
    const asked = box.requests
      .filter(r => r.path.startsWith('/api/v3/repos/acme/multi/'))
      .map(r => `${r.method} ${decodeURIComponent(r.path.slice(25).split('?')[0]!)}`)
    const reads = asked.filter(r => r.startsWith('GET contents/')).map(r => r.slice(13))
    for (const file of ['apps/api/base/kustomization.yaml', 'apps/web/base/deployment.yaml'])
      expect(reads.filter(r => r === file)).toHaveLength(1)
    expect(reads).toContain('apps/api/overlays/prod/kustomization.yaml')
    expect(reads).not.toContain('apps')
    expect(reads).not.toContain('apps/api/overlays')
    const refWrites = asked.filter(r => /^(POST|PATCH) git\/refs/.test(r))
    expect(refWrites).toEqual(['POST git/refs'])
  })

  it("promotes prod from dev: the PR carries dev's exact tag and digest", async () => {
    await box.createRepo('acme/envs', files(reg.host), { collaborators: ['octo-sre'] })
    const refused = await action('acme/envs', {
      image: `${reg.host}/team/api`,
      environment: 'prod',
      'from-environment': 'dev'
    })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(
      /dev is not pinned for .*team\/api: apps\/api\/overlays\/dev\/kustomization\.yaml:\d+ has tag latest and no digest/
    )
    expect(box.pulls('acme/envs')).toHaveLength(0)

    expect((await action('acme/envs', { image: api('v1.4.2'), environment: 'dev' })).code).toBe(0)
    const ran = await action('acme/envs', {
      image: `${reg.host}/team/api`,
      environment: 'prod',
      'from-environment': 'dev'
    })
    expect(ran.stdout).not.toMatch(/::error::/)
    expect(ran.code).toBe(0)
    expect(ran.outputs['image-ref']).toBe(`${api('v1.4.2')}@${images.get('api:v1.4.2')!.digest}`)
    const [pull] = box.pulls('acme/envs')
    expect(pull!.head.ref).toBe('promote/prod/api')
    expect(
      await box.readFile(
        'acme/envs',
        'promote/prod/api',
        'apps/api/overlays/prod/kustomization.yaml'
      )
    ).toContain(`newTag: v1.4.2 # CI moves this\n    digest: ${images.get('api:v1.4.2')!.digest}`)
  })

  /** How long the action's verify waits for the test's Argo CD to sync (seconds). */
  const VERIFY_TIMEOUT = String(Math.ceil(scaled(60_000) / 1000))

  /**
   * Polls main of `repo` until it moves off `old` (the promotion landed) and returns the new head;
   * fails at once if the run ends first, or after a bounded wait.
   */
  async function landed(
    repo: string,
    old: string,
    running: Promise<{ code: number; stdout: string }>
  ): Promise<string> {
    let ended = false
    running.then(
      () => (ended = true),
      () => (ended = true)
    )
    const deadline = Date.now() + scaled(60_000)
    for (;;) {
      const head = (await box.log(repo, 'main'))[0]!.sha
      if (head !== old) return head
      if (ended) {
        const ran = await running
        throw new Error(`The action ended (exit ${ran.code}) before main moved:\n${ran.stdout}`)
      }
      if (Date.now() > deadline) throw new Error(`main of ${repo} did not move off ${old} in time`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }

  it('verify: after a push, waits until Argo CD syncs the commit and runs the pinned digest', async () => {
    const argo = await startArgoCD()
    try {
      await box.createRepo('acme/verify', files(reg.host), { collaborators: ['octo-sre'] })
      const old = (await box.log('acme/verify', 'main'))[0]!.sha
      const pinned = `${api('v1.4.3')}@${images.get('api:v1.4.3')!.digest}`
      const workloads = (image: string) => [{ name: 'api', pods: [{ images: [image] }] }]
      argo.setApplication({
        name: 'api-dev',
        timeline: [
          {
            sync: 'Synced',
            revision: old,
            health: 'Healthy',
            workloads: workloads(`${api('latest')}`)
          }
        ]
      })
      const running = action('acme/verify', {
        image: api('v1.4.3'),
        environment: 'dev',
        verify: 'true',
        'argocd-server': argo.url,
        'argocd-application': 'api-dev',
        'argocd-token': argo.token,
        'verify-timeout': VERIFY_TIMEOUT
      })
      // Play Argo CD: once the promotion commit lands, sync it and roll the pods.
      const head = await landed('acme/verify', old, running)
      argo.setApplication({
        name: 'api-dev',
        timeline: [
          { sync: 'Synced', revision: head, health: 'Healthy', workloads: workloads(pinned) }
        ]
      })
      const ran = await running
      expect(ran.stdout).not.toMatch(/::error::/)
      expect(ran.code).toBe(0)
      expect(ran.stdout).toContain(`Argo CD runs ${pinned} at ${head}`)
      expect(ran.stdout).toContain(`::add-mask::${argo.token}`) // registered, so the runner hides it
      const shown = ran.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))
      expect(shown.join('\n')).not.toContain(argo.token)
    } finally {
      await argo.stop()
    }
  })

  it('verify: incident 1, Synced and Healthy on the old digest, fails in those words', async () => {
    const argo = await startArgoCD()
    try {
      await box.createRepo('acme/verify-stale', files(reg.host), { collaborators: ['octo-sre'] })
      const old = (await box.log('acme/verify-stale', 'main'))[0]!.sha
      const stale = `${api('v1.4.2')}@${images.get('api:v1.4.2')!.digest}`
      argo.setApplication({
        name: 'api-dev',
        timeline: [{ sync: 'Synced', revision: old, health: 'Healthy', workloads: [] }]
      })
      const running = action('acme/verify-stale', {
        image: api('v1.4.3'),
        environment: 'dev',
        verify: 'true',
        'argocd-server': argo.url,
        'argocd-application': 'api-dev',
        'argocd-token': argo.token,
        'verify-timeout': VERIFY_TIMEOUT
      })
      const head = await landed('acme/verify-stale', old, running)
      argo.setApplication({
        name: 'api-dev',
        timeline: [
          {
            sync: 'Synced',
            revision: head,
            health: 'Healthy',
            workloads: [{ name: 'api', pods: [{ images: [stale] }] }]
          }
        ]
      })
      const ran = await running
      expect(ran.code).toBe(1)
      expect(ran.stdout).toMatch(
        /Argo CD reports Synced and Healthy at the promotion commit .* but the pods still run .*team\/api@sha256:/
      )
    } finally {
      await argo.stop()
    }
  })

  it('refuses an unknown environment with the list, and writes nothing', async () => {
    const REPO = await configRepo()
    const before = (await box.log(REPO, 'main'))[0]!.sha
    const ran = await action(REPO, { image: api('v1.4.2'), environment: 'qa' })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(/::error::promotion.yaml has no environment "qa"/)
    expect((await box.log(REPO, 'main'))[0]!.sha).toBe(before)
  })
})
