/**
 * Settings that mean what they say, through the bundles against GitHub in a
 * box: the CLI's `promote` takes promotion.yaml's per-environment settings
 * as the action does (mode, labels, reviewers), `--commit-message` is the
 * commit subject, and `promote-from` refuses a fresh build that its source
 * environment does not run — for both shells, nothing written. Every test has
 * a repository of its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGitHubBox, type GitHubBox } from '../support/github.js'
import { killRuns, parseOutputs, runNode } from '../support/run.js'
import { RUN_TIMEOUT_MS } from '../support/timing.js'
import {
  pushImage,
  startRegistry,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'

/** An overlay at newTag latest, or pinned to a tag and digest as a promotion leaves it. */
const overlay = (registry: string, pin?: { tag: string; digest: string }) => `resources:
  - ../../base
images:
  - name: api
    newName: ${registry}/team/api
    newTag: ${pin ? `${pin.tag} # CI moves this\n    digest: ${pin.digest}` : 'latest # CI moves this'}
`

function files(
  registry: string,
  staging?: { tag: string; digest: string }
): Record<string, string> {
  const out: Record<string, string> = {
    'promotion.yaml': `environments:
  dev:
    mode: pull-request
    labels: [promotion, dev]
    reviewers: [octo-sre]
    targets:
      - kustomize: apps/{name}/overlays/dev
  staging:
    mode: push
    targets:
      - kustomize: apps/{name}/overlays/staging
  prod:
    mode: push
    promote-from: staging
    targets:
      - kustomize: apps/{name}/overlays/prod
`,
    'apps/api/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/api/base/deployment.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: api\n'
  }
  for (const env of ['dev', 'staging', 'prod'])
    out[`apps/api/overlays/${env}/kustomization.yaml`] = overlay(
      registry,
      env === 'staging' ? staging : undefined
    )
  return out
}

const short = (digest: string) => digest.slice(0, 'sha256:'.length + 12)

describe('promotion settings, the same for the CLI and the action', () => {
  let box: GitHubBox
  let reg: RegistryInstance
  let work: string
  let repos = 0
  const built = new Map<string, PushedImage>()

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
    for (const tag of ['v1.0.0', 'v1.1.0'])
      built.set(tag, await pushImage(reg, 'team/api', tag, { seed: tag }))
    box = await startGitHubBox()
    work = await mkdtemp(join(tmpdir(), 'promote-settings-'))
  })
  // What a timed-out test left running dies here.
  afterEach(killRuns)
  afterAll(async () => {
    await box?.stop()
    await reg?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  /** This test's own config repository; `staging` pins the build staging already runs. */
  async function configRepo(staging?: { tag: string; digest: string }): Promise<string> {
    const name = `acme/settings-${++repos}`
    await box.createRepo(name, files(reg.host, staging), { collaborators: ['octo-sre'] })
    return name
  }

  const api = (tag: string) => `${reg.host}/team/api:${tag}`
  const cli = (repo: string, args: string[]) =>
    runNode(
      'dist/cli.js',
      ['promote', '--config-repo', `${box.url}/${repo}.git`, '--verify-render', 'false', ...args],
      { GITHUB_TOKEN: box.token, GITHUB_API_URL: box.apiUrl }
    )

  async function action(repo: string, inputs: Record<string, string>) {
    const outputFile = join(work, `out-${Math.random()}`)
    await writeFile(outputFile, '')
    const env: NodeJS.ProcessEnv = {
      HOME: work,
      GITHUB_OUTPUT: outputFile,
      GITHUB_API_URL: box.apiUrl,
      GITHUB_SERVER_URL: box.url,
      GITHUB_GRAPHQL_URL: box.graphqlUrl,
      GITHUB_REPOSITORY: 'acme/api',
      INPUT_TOKEN: box.token,
      'INPUT_CONFIG-REPOSITORY': repo,
      'INPUT_VERIFY-RENDER': 'false'
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    const ran = await runNode('dist/index.js', [], env)
    return { ...ran, outputs: parseOutputs(await readFile(outputFile, 'utf8')) }
  }

  const heads = async (repo: string) =>
    (await box.git(repo, ['for-each-ref', '--format=%(refname) %(objectname)'])).trim()

  it("CLI: promotion.yaml's mode, labels and reviewers for dev; --labels adds; --commit-message is the subject", async () => {
    const repo = await configRepo()
    const ran = await cli(repo, [
      '--environment',
      'dev',
      '--image',
      api('v1.0.0'),
      '--labels',
      'from-cli',
      '--commit-message',
      'chore(deploy): bump {name} to {tag}'
    ])
    expect(ran.stderr).not.toMatch(/promote-image:/)
    expect(ran.code).toBe(0)
    const pulls = box.pulls(repo)
    expect(pulls).toHaveLength(1)
    expect(pulls[0]).toMatchObject({
      state: 'open',
      base: { ref: 'main' },
      head: { ref: 'promote/dev/api' },
      labels: ['promotion', 'dev', 'from-cli'],
      requestedReviewers: ['octo-sre']
    })
    expect(ran.stdout).toMatch(new RegExp(`/pull/${pulls[0]!.number} created\n$`))
    const [commit] = await box.log(repo, 'promote/dev/api')
    expect(commit!.message.split('\n')[0]).toBe('chore(deploy): bump api to v1.0.0')
    expect(commit!.message).toContain(
      `Promoted-Image: ${api('v1.0.0')}@${built.get('v1.0.0')!.digest}`
    )
  })

  it(
    'CLI: staging (push in promotion.yaml) takes a fresh build; prod (promote-from: staging) refuses another one, nothing written',
    async () => {
      const repo = await configRepo()
      const pushed = await cli(repo, ['--environment', 'staging', '--image', api('v1.0.0')])
      expect(pushed.stderr).not.toMatch(/promote-image:/)
      expect(pushed.code).toBe(0)
      const staging = built.get('v1.0.0')!.digest
      expect(
        await box.readFile(repo, 'main', 'apps/api/overlays/staging/kustomization.yaml')
      ).toContain(`digest: ${staging}`)

      const before = await heads(repo)
      const refused = await cli(repo, ['--environment', 'prod', '--image', api('v1.1.0')])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(
        `promote-image: prod takes only builds that staging runs (promote-from: staging in promotion.yaml); nothing was written for prod:\n  - ${api('v1.1.0')} (${short(built.get('v1.1.0')!.digest)}): staging runs v1.0.0 (${short(staging)}) at apps/api/overlays/staging/kustomization.yaml:4\n  → Promote the build into staging first, then into prod with from-environment: staging`
      )
      expect(await heads(repo)).toBe(before)

      // The build staging runs may go on to prod.
      const same = await cli(repo, ['--environment', 'prod', '--image', api('v1.0.0')])
      expect(same.stderr).not.toMatch(/promote-image:/)
      expect(same.code).toBe(0)
      expect(
        await box.readFile(repo, 'main', 'apps/api/overlays/prod/kustomization.yaml')
      ).toContain(`digest: ${staging}`)
    },
    3 * RUN_TIMEOUT_MS
  )

  it.each(['api', 'git'])(
    'action, write-method %s: a fresh build into prod that staging does not run is refused, nothing written',
    async method => {
      // staging runs v1.0.0, as a promotion into it leaves the overlay.
      const repo = await configRepo({ tag: 'v1.0.0', digest: built.get('v1.0.0')!.digest })
      const before = await heads(repo)
      const ran = await action(repo, {
        image: api('v1.1.0'),
        environment: 'prod',
        'write-method': method
      })
      expect(ran.code).not.toBe(0)
      expect(ran.stdout).toMatch(
        /::error[^:]*::prod takes only builds that staging runs \(promote-from: staging in promotion\.yaml\); nothing was written for prod:%0A {2}- .*team\/api:v1\.1\.0 \(sha256:[0-9a-f]{12}\): staging runs v1\.0\.0 \(sha256:[0-9a-f]{12}\) at apps\/api\/overlays\/staging\/kustomization\.yaml:4/
      )
      expect(await heads(repo)).toBe(before)
    }
  )

  it.each<[string, string[], RegExp]>([
    [
      '--auto-merge',
      ['--auto-merge', 'fast-forward'],
      /--auto-merge must be one of merge, squash, rebase; got "fast-forward"/
    ],
    ['--mode', ['--mode', 'merge'], /--mode must be one of pull-request, push; got "merge"/],
    [
      '--commit-message',
      ['--commit-message', 'bump {name} to {tagg}'],
      /--commit-message has an unknown placeholder \{tagg\}/
    ]
  ])('CLI: a bad %s is a usage error before any request', async (_flag, args, message) => {
    const repo = await configRepo()
    const requests = box.requests.length
    const ran = await cli(repo, ['--environment', 'dev', '--image', api('v1.0.0'), ...args])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toMatch(message)
    expect(box.requests.length).toBe(requests)
  })
})
