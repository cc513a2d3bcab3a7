/**
 * The real @aws-sdk/client-ecr, pointed at a loopback endpoint that speaks
 * the ECR JSON 1.1 protocol through the SDK's own AWS_ENDPOINT_URL_ECR
 * variable, with dummy credentials from the default provider chain.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { resolveImages } from '../../src/engine/resolve.js'
import { PolicyError, RegistryError } from '../../src/errors.js'
import type { Logger } from '../../src/log/logger.js'
import { DEFAULT_TAG_POLICY } from '../../src/policy/index.js'
import { createResolver } from '../../src/registry/index.js'
import { startFakeEcr, type FakeEcr } from '../support/fake-ecr.js'

const ACCOUNT = '123456789012'
const HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`
const INDEX = `sha256:${'a1'.repeat(32)}`
const SINGLE = `sha256:${'b2'.repeat(32)}`
const ENV_KEYS = [
  'AWS_ENDPOINT_URL_ECR',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN'
]

describe('ECR through the real SDK', () => {
  let ecr: FakeEcr
  const saved: Record<string, string | undefined> = {}
  const warnings: string[] = []
  const logger: Logger = { debug() {}, info() {}, warning: m => warnings.push(m) }

  const resolve = (images: string[], requireImmutableRepository = false) =>
    resolveImages(
      { images, policy: DEFAULT_TAG_POLICY, pin: 'digest', requireImmutableRepository },
      createResolver({ logger }),
      logger
    )
  const withKey = async <T>(accessKeyId: string, run: () => Promise<T>): Promise<T> => {
    process.env.AWS_ACCESS_KEY_ID = accessKeyId
    try {
      return await run()
    } finally {
      process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST'
    }
  }

  beforeAll(async () => {
    for (const key of ENV_KEYS) saved[key] = process.env[key]
    ecr = await startFakeEcr()
    process.env.AWS_ENDPOINT_URL_ECR = ecr.url
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST'
    process.env.AWS_SECRET_ACCESS_KEY = 'dummy-secret'
    delete process.env.AWS_SESSION_TOKEN
    ecr.addRepository({ name: 'team/app', imageTagMutability: 'IMMUTABLE' })
    ecr.addImage({ repository: 'team/app', digest: INDEX, tags: ['v1'] })
    ecr.addRepository({
      name: 'team/jobs',
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      exclusionFilters: ['dev-*']
    })
    ecr.addImage({
      repository: 'team/jobs',
      digest: SINGLE,
      tags: ['v2', 'dev-7'],
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json'
    })
  })
  afterAll(async () => {
    await ecr.stop()
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }
  })

  it('resolves a tag with DescribeImages, signed for ecr in the host region', async () => {
    ecr.calls.length = 0
    const [image] = await resolve([`${HOST}/team/app:v1`])
    expect(image).toMatchObject({
      digest: INDEX,
      pinned: `${HOST}/team/app:v1@${INDEX}`,
      kind: 'index',
      tagImmutability: { immutable: true }
    })
    const describeImages = ecr.calls.find(c => c.operation === 'DescribeImages')!
    expect(describeImages).toMatchObject({
      region: 'us-east-1',
      service: 'ecr',
      accessKeyId: 'AKIDTEST',
      contentType: 'application/x-amz-json-1.1',
      body: { registryId: ACCOUNT, repositoryName: 'team/app', imageIds: [{ imageTag: 'v1' }] }
    })
    expect(ecr.calls.find(c => c.operation === 'DescribeRepositories')!.body).toEqual({
      registryId: ACCOUNT,
      repositoryNames: ['team/app']
    })
  })

  it('checks a pinned digest exists', async () => {
    const [image] = await resolve([`${HOST}/team/jobs@${SINGLE}`])
    expect(image).toMatchObject({ digest: SINGLE, kind: 'manifest' })
  })

  it('applies exclusion filters to the promoted tag', async () => {
    warnings.length = 0
    const [v2] = await resolve([`${HOST}/team/jobs:v2`])
    expect(v2!.tagImmutability?.immutable).toBe(true)
    expect(warnings).toEqual([])
    const [dev] = await resolve([`${HOST}/team/jobs:dev-7`])
    expect(dev!.tagImmutability).toEqual({
      immutable: false,
      reason: 'IMMUTABLE_WITH_EXCLUSION, but exclusion filter "dev-*" matches the tag'
    })
    expect(warnings[0]).toMatch(/lets the tag of .*:dev-7 be overwritten/)
    await expect(resolve([`${HOST}/team/jobs:dev-7`], true)).rejects.toThrow(PolicyError)
  })

  it('a missing ecr:DescribeRepositories permission only warns, even when immutability is required', async () => {
    warnings.length = 0
    ecr.deny('DescribeRepositories')
    try {
      const [image] = await resolve([`${HOST}/team/app:v1`], true)
      expect(image!.digest).toBe(INDEX)
      expect(warnings).toEqual([
        'Could not check whether ECR repository team/app has immutable tags (the role lacks ecr:DescribeRepositories); require-immutable-repository cannot be enforced.'
      ])
    } finally {
      ecr.deny(undefined)
    }
  })

  it.each([
    [
      'a missing tag',
      `${HOST}/team/app:v9`,
      'AKIDTEST',
      `Image ${HOST}/team/app:v9 does not exist in ECR repository team/app (account ${ACCOUNT}, region us-east-1)`
    ],
    [
      'a missing repository',
      `${HOST}/team/nope:v1`,
      'AKIDTEST',
      `ECR repository team/nope does not exist (account ${ACCOUNT}, region us-east-1)`
    ],
    [
      'expired credentials',
      `${HOST}/team/app:v1`,
      'AKIDEXPIRED',
      'are expired or invalid (ExpiredTokenException)'
    ],
    [
      'unknown credentials',
      `${HOST}/team/app:v1`,
      'AKIDINVALID',
      'are expired or invalid (UnrecognizedClientException)'
    ]
  ])('%s is refused with the right words', async (_what, image, key, message) => {
    const run = withKey(key, () => resolve([image]))
    await expect(run).rejects.toThrow(RegistryError)
    await expect(run).rejects.toThrow(message)
  })

  it('names the missing IAM action when DescribeImages is denied', async () => {
    ecr.deny('DescribeImages')
    try {
      await expect(resolve([`${HOST}/team/app:v1`])).rejects.toThrow(
        `The AWS identity may not call ecr:DescribeImages on ECR repository team/app (account ${ACCOUNT}, region us-east-1)`
      )
    } finally {
      ecr.deny(undefined)
    }
  })

  it('throttling is retried by the SDK', async () => {
    ecr.failNext('DescribeImages', { type: 'ThrottlingException', message: 'Rate exceeded' }, 1)
    const [image] = await resolve([`${HOST}/team/app:v1`])
    expect(image!.digest).toBe(INDEX)
  })
})
