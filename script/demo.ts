/**
 * `npm run demo`: the main job against a throwaway registry and config repo.
 * Starts a real registry on 127.0.0.1 (token auth, anonymous pull), pushes a
 * single- and a multi-platform image, writes a small GitOps config repo whose
 * dev overlay has `newTag: latest` (incident 1), then runs the built CLI the
 * way CI would. The CLI runs asynchronously: the registry's proxy and token
 * server live in this process and must keep answering.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pushImage, startRegistry } from '../__tests__/support/registry.js'

const root = resolve(import.meta.dirname, '../..')
const cli = join(root, 'dist/cli.js')

const registry = await startRegistry({ auth: 'token' })
const repo = await mkdtemp(join(tmpdir(), 'promote-image-demo-'))
try {
  const host = registry.host
  await pushImage(registry, 'team/api', 'v1.4.2')
  await pushImage(registry, 'team/notification-service', 'v2.5.0', {
    platforms: ['linux/amd64', 'linux/arm64']
  })
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
} finally {
  await registry.stop()
  await rm(repo, { recursive: true, force: true })
}

async function writeRepo(dir: string, host: string): Promise<void> {
  const files: Record<string, string> = {
    'promotion.yaml':
      'environments:\n  dev:\n    targets:\n      - kustomize: apps/{name}/overlays/dev\n',
    'apps/notification-service/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/notification-service/base/deployment.yaml': `apiVersion: apps/v1
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
`,
    'apps/notification-service/overlays/dev/kustomization.yaml': `resources:
  - ../../base

# The image CI builds.
images:
  - name: notification-service
    newName: ${host}/team/notification-service
    newTag: latest   # every build "deploys" here
`
  }
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), text)
  }
}
