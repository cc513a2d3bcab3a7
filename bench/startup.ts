/**
 * `npm run bench:startup`: time from spawning `node dist/index.js` to its
 * first log line, and to exit, with and without an ECR image (medians of 21
 * runs each, side by side against the same loopback registry and ECR fake).
 */
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { startFakeEcr } from '../__tests__/support/fake-ecr.js'
import { pushImage, startRegistry } from '../__tests__/support/registry.js'

const root = resolve(import.meta.dirname, '../..')
const RUNS = 21

const ecr = await startFakeEcr()
const registry = await startRegistry({ auth: 'none' })
try {
  ecr.addRepository({ name: 'team/app', imageTagMutability: 'IMMUTABLE' })
  ecr.addImage({ repository: 'team/app', digest: `sha256:${'c3'.repeat(32)}`, tags: ['v1'] })
  await pushImage(registry, 'team/app', 'v1')
  const env = {
    PATH: process.env.PATH,
    'INPUT_DRY-RUN': 'true',
    AWS_ENDPOINT_URL_ECR: ecr.url,
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    DOCKER_CONFIG: '/nonexistent',
    NODE_NO_WARNINGS: '1'
  }
  const rows = [
    ['no ECR image', `${registry.host}/team/app:v1`],
    ['ECR image', '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1']
  ] as const
  console.log(`node ${process.version}, ${RUNS} runs each\n`)
  console.log('| image | first log line (median) | whole run (median) |')
  console.log('| --- | --- | --- |')
  for (const [label, image] of rows) {
    const first: number[] = []
    const whole: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const started = process.hrtime.bigint()
      const child = spawn(process.execPath, [join(root, 'dist/index.js')], {
        env: { ...env, INPUT_IMAGE: image }
      })
      let firstAt: bigint | undefined
      child.stdout.on('data', () => (firstAt ??= process.hrtime.bigint()))
      const code = await new Promise(done => child.on('exit', done))
      if (code !== 0) throw new Error(`dist/index.js exited ${String(code)} for ${image}`)
      first.push(Number(firstAt! - started) / 1e6)
      whole.push(Number(process.hrtime.bigint() - started) / 1e6)
    }
    console.log(`| ${label} | ${median(first)} ms | ${median(whole)} ms |`)
  }
} finally {
  await registry.stop()
  await ecr.stop()
}

function median(values: number[]): number {
  return Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!)
}
