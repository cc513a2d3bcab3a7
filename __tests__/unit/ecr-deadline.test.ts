/**
 * The real AWS SDK against an ECR endpoint that drips its answer a byte at a time: each call has
 * a whole-call deadline (the SDK sets none, and its requestTimeout is an idle timeout).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { scaled } from '../support/timing.js'
import { silentLogger } from '../../src/log/logger.js'
import { EcrDescriber } from '../../src/registry/ecr/describe.js'
import { parseEcrHost } from '../../src/registry/ecr/host.js'
import { startDripServer, type DripServer } from '../support/drip.js'

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
/** Scaled down from the 60 s default. */
const TIMEOUT_MS = 800
/** Slack for a loaded machine (2 cores shared). */
const SLACK_MS = scaled(2000)

describe.each(['headers', 'body'] as const)('ECR dripping its %s', mode => {
  let drip: DripServer
  const saved: NodeJS.ProcessEnv = {}
  const env: NodeJS.ProcessEnv = {
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_EC2_METADATA_DISABLED: 'true'
  }
  beforeAll(async () => {
    drip = await startDripServer(mode, 100)
    for (const [name, value] of Object.entries({ ...env, AWS_ENDPOINT_URL_ECR: drip.url })) {
      saved[name] = process.env[name]
      process.env[name] = value
    }
  })
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    await drip.close()
  })

  it('fails at the deadline, naming the call and the limit', async () => {
    const started = Date.now()
    const run = new EcrDescriber(silentLogger, TIMEOUT_MS).resolve({
      registry: parseEcrHost(HOST)!,
      repository: 'team/app',
      tag: 'v1',
      display: `${HOST}/team/app:v1`
    })
    await expect(run).rejects.toThrow(
      `ECR (account 123456789012, region eu-west-1) gave no complete answer to ecr:DescribeImages for ${HOST}/team/app:v1 within 0.8 s`
    )
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50)
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS)
    expect(drip.requests()).toBeGreaterThanOrEqual(1)
  })
})
