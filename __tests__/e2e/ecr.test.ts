/**
 * dist/cli.js with ECR images against a loopback ECR endpoint
 * (AWS_ENDPOINT_URL_ECR), and proof that the AWS SDK is only loaded when an
 * ECR image is present: a module-resolution hook records every module the
 * process loads.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { startFakeEcr, type FakeEcr } from '../support/fake-ecr.js'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'
import { RUN_TIMEOUT_MS } from '../support/timing.js'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../..')
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com'
const DIGEST = `sha256:${'c3'.repeat(32)}`

describe('dist/cli.js with Amazon ECR', () => {
  let ecr: FakeEcr
  let reg: RegistryInstance
  let dir: string

  beforeAll(async () => {
    ecr = await startFakeEcr()
    ecr.addRepository({ name: 'team/app', imageTagMutability: 'MUTABLE' })
    ecr.addImage({ repository: 'team/app', digest: DIGEST, tags: ['v1'] })
    reg = await startRegistry({ auth: 'none' })
    await pushImage(reg, 'team/app', 'v1')
    dir = await mkdtemp(join(tmpdir(), 'lazy-'))
    // Records every module URL the process resolves (node --import).
    await writeFile(
      join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs'
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(process.env.MODULE_LOG, result.url + '\\n')
  return result
}
`
    )
    await writeFile(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module'\nregister(${JSON.stringify(`file://${join(dir, 'hooks.mjs')}`)})\n`
    )
  })
  afterAll(async () => {
    await ecr.stop()
    await reg.stop()
    await rm(dir, { recursive: true, force: true })
  })

  async function cli(args: string[], accessKeyId = 'AKIDTEST') {
    const moduleLog = join(dir, `modules-${Math.random()}.log`)
    await writeFile(moduleLog, '')
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      DOCKER_CONFIG: '/nonexistent',
      NODE_NO_WARNINGS: '1',
      MODULE_LOG: moduleLog,
      AWS_ENDPOINT_URL_ECR: ecr.url,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: 'dummy-secret',
      AWS_EC2_METADATA_DISABLED: 'true'
    }
    const argv = ['--import', join(dir, 'register.mjs'), join(ROOT, 'dist/cli.js'), ...args]
    const ran = await run(process.execPath, argv, { env, timeout: RUN_TIMEOUT_MS }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr
      })
    )
    const modules = (await readFile(moduleLog, 'utf8')).split('\n').filter(Boolean)
    return { ...ran, modules }
  }

  it('prints the pinned reference with the endpoint digest, and loads the SDK', async () => {
    const ran = await cli(['resolve', `${HOST}/team/app:v1`])
    expect(ran.stdout).toBe(`${HOST}/team/app:v1@${DIGEST}\n`)
    expect(ran.code).toBe(0)
    expect(ran.stderr).toMatch(/lets the tag of .* be overwritten \(repository tags are MUTABLE\)/)
    expect(ran.modules.some(url => url.endsWith('/dist/chunks/aws-sdk.js'))).toBe(true)
  })

  it('never loads the AWS SDK when no ECR image is present', async () => {
    const ran = await cli(['resolve', `${reg.host}/team/app:v1`])
    expect(ran.code).toBe(0)
    expect(ran.modules.some(url => url.includes('/dist/chunks/'))).toBe(true) // the hook works
    expect(ran.modules.filter(url => /aws-sdk|describe\.js/.test(url))).toEqual([])
  })

  it.each([
    [
      'a missing tag',
      `${HOST}/team/app:v9`,
      'AKIDTEST',
      /does not exist in ECR repository team\/app \(account 123456789012, region us-east-1\)/
    ],
    [
      'a missing repository',
      `${HOST}/team/gone:v1`,
      'AKIDTEST',
      /ECR repository team\/gone does not exist/
    ],
    [
      'expired credentials',
      `${HOST}/team/app:v1`,
      'AKIDEXPIRED',
      /expired or invalid \(ExpiredTokenException\)[^]*id-token: write/
    ]
  ])('%s exits 1 with the explanation', async (_what, image, key, message) => {
    const ran = await cli(['resolve', image], key)
    expect(ran.code).toBe(1)
    expect(ran.stdout).toBe('')
    expect(ran.stderr).toMatch(message)
  })

  it('--require-immutable-repository turns the mutable-repository warning into a refusal', async () => {
    const ran = await cli(['resolve', '--require-immutable-repository', `${HOST}/team/app:v1`])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(/put-image-tag-mutability/)
  })
})
