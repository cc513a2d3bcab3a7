/**
 * `npm run demo`: the main job against a throwaway registry on 127.0.0.1.
 * Starts a real registry (token auth, anonymous pull), pushes a single- and a
 * multi-platform image, then runs the built CLI the way CI would. The CLI
 * runs asynchronously: the registry's proxy and token server live in this
 * process and must keep answering.
 */
import { execFile } from 'node:child_process'
import { join, resolve } from 'node:path'
import { pushImage, startRegistry } from '../__tests__/support/registry.js'

const root = resolve(import.meta.dirname, '../..')
const cli = join(root, 'dist/cli.js')

const registry = await startRegistry({ auth: 'token' })
try {
  const host = registry.host
  await pushImage(registry, 'team/api', 'v1.4.2')
  await pushImage(registry, 'team/web', 'sha-3f9c2d1', {
    platforms: ['linux/amd64', 'linux/arm64']
  })
  console.log(
    `registry on ${host} (token auth) with team/api:v1.4.2 and team/web:sha-3f9c2d1 (two platforms)\n`
  )

  const step = async (title: string, args: string[]): Promise<void> => {
    registry.requests.reset()
    console.log(`$ promote-image ${args.join(' ')}    # ${title}`)
    const env = { ...process.env, DOCKER_CONFIG: '/nonexistent' }
    const ran = await new Promise<{ code: number; stdout: string; stderr: string }>(done =>
      execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) =>
        done({ code: error ? Number(error.code) : 0, stdout, stderr })
      )
    )
    process.stdout.write(ran.stdout)
    process.stdout.write(ran.stderr.replace(/^(?=.)/gm, '  '))
    console.log(
      `  exit ${ran.code}; ${registry.requests.count()} HTTP requests reached the registry and token server\n`
    )
  }

  await step('pin both images', [
    'resolve',
    `${host}/team/api:v1.4.2`,
    `${host}/team/web:sha-3f9c2d1`
  ])
  await step('a mutable tag is refused before any request', ['resolve', `${host}/team/api:latest`])
  await step('no tag means latest', ['resolve', `${host}/team/api`])
  await step('a tag nobody pushed would be ImagePullBackOff', [
    'resolve',
    `${host}/team/api:v1.4.3`
  ])
} finally {
  await registry.stop()
}
