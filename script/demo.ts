/**
 * `npm run demo`: the main job against a throwaway registry, config repo and
 * GitHub. Starts a real registry on 127.0.0.1 (token auth, anonymous pull),
 * pushes a single- and a multi-platform image, writes a small GitOps config
 * repo whose overlays have `newTag: latest` (incident 1), runs the built CLI
 * the way CI would, then runs the action itself against "GitHub in a box"
 * (real bare repositories behind git smart HTTP and the REST API) and prints
 * the commit it pushed and the pull request it opened. Everything runs
 * asynchronously: the servers live in this process and must keep answering.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { startGitHubBox } from '../__tests__/support/github.js'
import { pushImage, startRegistry } from '../__tests__/support/registry.js'

// Run from source by tsx (`npm run demo`): no whole-project tsc before the first line.
const root = resolve(import.meta.dirname, '..')
const cli = join(root, 'dist/cli.js')

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
      containers:
        - name: app
          image: notification-service
`

/** Each phase says what it is doing before it starts, so a slow machine never looks stuck. */
const phase = (what: string): void => console.log(`… ${what}`)

phase('starting a registry on 127.0.0.1 (token auth)')
const registry = await startRegistry({ auth: 'token' })
const repo = await mkdtemp(join(tmpdir(), 'promote-image-demo-'))
try {
  const host = registry.host
  phase('pushing team/api:v1.4.2')
  await pushImage(registry, 'team/api', 'v1.4.2')
  phase('pushing team/notification-service:v2.5.0 (linux/amd64 and linux/arm64)')
  await pushImage(registry, 'team/notification-service', 'v2.5.0', {
    platforms: ['linux/amd64', 'linux/arm64']
  })
  phase('writing a config repo')
  await writeRepo(repo, host)
  console.log(
    `registry on ${host} (token auth): team/api:v1.4.2, team/notification-service:v2.5.0 (two platforms)`
  )
  console.log(`config repo in ${repo}\n`)

  const step = async (title: string, args: string[]): Promise<void> => {
    registry.requests.reset()
    console.log(`$ promote-image ${args.join(' ')}    # ${title}`)
    const env = { ...process.env, DOCKER_CONFIG: '/nonexistent' }
    const ran = await new Promise<{ code: number; stdout: string; stderr: string }>(done =>
      execFile(process.execPath, [cli, ...args], { env, cwd: repo }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code) : 0, stdout, stderr })
      )
    )
    process.stdout.write(ran.stdout)
    process.stdout.write(ran.stderr.replace(/^(?=.)/gm, '  '))
    console.log(`  exit ${ran.code}; ${registry.requests.count()} registry requests\n`)
  }

  const service = `${host}/team/notification-service:v2.5.0`
  phase('running the CLI (dist/cli.js) in the config repo\n')
  await step('pin two images', ['resolve', `${host}/team/api:v1.4.2`, service])
  await step('a mutable tag is refused before any request', ['resolve', `${host}/team/api:latest`])
  await step('a tag nobody pushed would be ImagePullBackOff', [
    'resolve',
    `${host}/team/api:v1.4.3`
  ])
  await step('the config repo still deploys latest', ['lint', '.'])
  await step('what would change', ['edit', '--environment', 'dev', '--image', service, '--dry-run'])
  await step('pin it: only newTag and digest change, and the render proves it', [
    'edit',
    '--environment',
    'dev',
    '--image',
    service
  ])
  await step('nothing mutable is left in dev', ['lint', 'apps/notification-service/overlays/dev'])

  // The action, as a workflow step runs it, against GitHub in a box.
  phase('starting GitHub in a box (git smart HTTP and the REST API)')
  const box = await startGitHubBox()
  try {
    await box.createRepo('acme/gitops', repoFiles(host))
    phase('running the action (dist/index.js) against acme/gitops\n')
    const action = async (title: string, inputs: Record<string, string>): Promise<void> => {
      console.log(`# the action: ${title}`)
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: repo,
        DOCKER_CONFIG: '/nonexistent',
        GITHUB_API_URL: box.apiUrl,
        GITHUB_SERVER_URL: box.url,
        GITHUB_REPOSITORY: 'acme/notification-service',
        GITHUB_SHA: '3f9c2d1e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d',
        GITHUB_RUN_ID: '4242',
        INPUT_TOKEN: box.token,
        'INPUT_CONFIG-REPOSITORY': 'acme/gitops',
        'INPUT_WRITE-METHOD': 'api',
        'INPUT_CONFIG-FILE': 'promotion.yaml',
        'INPUT_VERIFY-RENDER': 'auto',
        INPUT_BRANCH: 'promote/{environment}/{name}',
        INPUT_IMAGE: service
      }
      for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
      const ran = await new Promise<{ code: number; stdout: string }>(done =>
        execFile(process.execPath, [join(root, 'dist/index.js')], { env }, (error, stdout) =>
          done({ code: error ? Number(error.code) : 0, stdout })
        )
      )
      const shown = ran.stdout
        .split('\n')
        // What a runner shows: no masks, groups, debug lines or (here, without GITHUB_OUTPUT) outputs.
        .filter(
          line => line.trim() !== '' && !/^::(add-mask|group|endgroup|debug|set-output)/.test(line)
        )
      console.log(shown.map(line => `  ${line}`).join('\n'))
      console.log(`  exit ${ran.code}\n`)
    }
    await action('promote prod first: promote-from: dev refuses a build dev does not run', {
      environment: 'prod'
    })
    await action('promote dev (push mode, from promotion.yaml)', { environment: 'dev' })
    const [commit] = await box.log('acme/gitops', 'main')
    console.log('# the commit on main of acme/gitops:\n')
    console.log(`${commit!.message.replace(/^/gm, '    ')}\n`)
    await action('promote prod (a living pull request: dev runs this build now)', {
      environment: 'prod'
    })
    const [pull] = box.pulls('acme/gitops')
    console.log(`# pull request #${pull!.number}: ${pull!.title}\n`)
    console.log(`${pull!.body!.replace(/^/gm, '    ')}\n`)
  } finally {
    await box.stop()
  }
} finally {
  await registry.stop()
  await rm(repo, { recursive: true, force: true })
}

function repoFiles(host: string): Record<string, string> {
  return {
    'promotion.yaml': `environments:
  dev:
    mode: push
    targets:
      - kustomize: apps/{name}/overlays/dev
  prod:
    promote-from: dev
    labels: [promotion]
    targets:
      - kustomize: apps/{name}/overlays/prod
`,
    'apps/notification-service/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/notification-service/base/deployment.yaml': deployment,
    'apps/notification-service/overlays/dev/kustomization.yaml': overlay(host),
    'apps/notification-service/overlays/prod/kustomization.yaml': overlay(host)
  }
}

async function writeRepo(dir: string, host: string): Promise<void> {
  const files: Record<string, string> = {
    'promotion.yaml':
      'environments:\n  dev:\n    targets:\n      - kustomize: apps/{name}/overlays/dev\n',
    'apps/notification-service/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/notification-service/base/deployment.yaml': deployment,
    'apps/notification-service/overlays/dev/kustomization.yaml': overlay(host)
  }
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), text)
  }
}

function overlay(host: string): string {
  return `resources:
  - ../../base

# The image CI builds.
images:
  - name: notification-service
    newName: ${host}/team/notification-service
    newTag: latest   # every build "deploys" here
`
}
