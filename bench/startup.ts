/**
 * Time from spawning `node dist/index.js` to its first log line, and to exit,
 * with and without an ECR image (side by side against the same loopback
 * registry and ECR fake), and whether the AWS SDK chunk was loaded.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { startFakeEcr } from '../__tests__/support/fake-ecr.js'
import { pushImage, startRegistry } from '../__tests__/support/registry.js'
import { ROOT } from './lib/action.js'
import { median } from './lib/stats.js'

export interface StartupResult {
  label: 'no ECR image' | 'ECR image'
  firstLine: number
  whole: number
  /** Whether dist/chunks/aws-sdk.js was loaded. */
  sdkLoaded: boolean
}

export async function startupTimes(runs: number): Promise<StartupResult[]> {
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
    const times = rows.map(() => ({ first: [] as number[], whole: [] as number[], sdk: false }))
    // Interleaved, so both rows meet the same machine.
    for (let i = 0; i < runs; i++) {
      for (const [row, [, image]] of rows.entries()) {
        const started = process.hrtime.bigint()
        // The first run of each row only records which modules load (NODE_DEBUG=esm slows it).
        const child = spawn(process.execPath, [join(ROOT, 'dist/index.js')], {
          env: { ...env, INPUT_IMAGE: image, NODE_DEBUG: i === 0 ? 'esm' : '' }
        })
        let firstAt: bigint | undefined
        let stderr = ''
        child.stdout.on('data', () => (firstAt ??= process.hrtime.bigint()))
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        const code = await new Promise(done => child.on('exit', done))
        if (code !== 0) throw new Error(`dist/index.js exited ${String(code)} for ${image}`)
        if (i === 0) times[row]!.sdk = stderr.includes('chunks/aws-sdk.js')
        else {
          times[row]!.first.push(Number(firstAt! - started) / 1e6)
          times[row]!.whole.push(Number(process.hrtime.bigint() - started) / 1e6)
        }
      }
    }
    return rows.map(([label], row) => ({
      label,
      firstLine: median(times[row]!.first),
      whole: median(times[row]!.whole),
      sdkLoaded: times[row]!.sdk
    }))
  } finally {
    await registry.stop()
    await ecr.stop()
  }
}
