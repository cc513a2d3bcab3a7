/**
 * Every branch of the ECR resolver against aws-sdk-client-mock. The real SDK
 * on the wire is covered by __tests__/integration/ecr.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import {
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  ImageNotFoundException,
  RepositoryNotFoundException
} from '@aws-sdk/client-ecr'
import { mockClient } from 'aws-sdk-client-mock'
import { RegistryError } from '../../src/errors.js'
import { silentLogger } from '../../src/log/logger.js'
import { EcrDescriber } from '../../src/registry/ecr/describe.js'
import { parseEcrHost } from '../../src/registry/ecr/host.js'
const ecr = mockClient(ECRClient)
const DIGEST = `sha256:${'4e'.repeat(32)}`
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
const target = (over: Partial<{ tag: string; digest: string; host: string }> = {}) => ({
  registry: parseEcrHost(over.host ?? HOST)!,
  repository: 'team/app',
  tag: 'digest' in over ? undefined : (over.tag ?? 'v1'),
  digest: over.digest,
  display: `${over.host ?? HOST}/team/app:${over.tag ?? 'v1'}`
})
const meta = { $metadata: {} }
const serviceError = (name: string, message: string) =>
  new ECRServiceException({ name, message, $fault: 'client', ...meta })

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: RegistryError) => error
  )
}

describe('EcrDescriber', () => {
  beforeEach(() => {
    ecr.reset()
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [{ repositoryName: 'team/app', imageTagMutability: 'IMMUTABLE' }]
    })
  })
  afterEach(() => {
    ecr.reset()
  })

  it('resolves a tag with DescribeImages: registryId from the host, client in its region', async () => {
    ecr.on(DescribeImagesCommand).resolves({
      imageDetails: [
        {
          imageDigest: DIGEST,
          imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
          imageSizeInBytes: 900
        }
      ]
    })
    const found = await new EcrDescriber(silentLogger).resolve(target())
    expect(found).toEqual({
      digest: DIGEST,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      kind: 'index',
      size: 900,
      registry: HOST,
      tagMutability: { mode: 'IMMUTABLE', exclusionFilters: [] }
    })
    const call = ecr.commandCalls(DescribeImagesCommand)[0]!
    expect(call.args[0].input).toEqual({
      registryId: '123456789012',
      repositoryName: 'team/app',
      imageIds: [{ imageTag: 'v1' }]
    })
    const client = call.thisValue as ECRClient
    expect(await client.config.region()).toBe('eu-west-1')
    expect(await client.config.useFipsEndpoint()).toBe(false)
    expect(ecr.commandCalls(DescribeRepositoriesCommand)[0]!.args[0].input).toEqual({
      registryId: '123456789012',
      repositoryNames: ['team/app']
    })
  })

  it('uses the FIPS endpoint for -fips hosts', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] })
    await new EcrDescriber(silentLogger).resolve(
      target({ host: '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com' })
    )
    const client = ecr.commandCalls(DescribeImagesCommand)[0]!.thisValue as ECRClient
    expect(await client.config.useFipsEndpoint()).toBe(true)
    expect(await client.config.region()).toBe('us-gov-west-1')
  })

  it('checks that a pinned digest exists', async () => {
    ecr.on(DescribeImagesCommand).resolves({
      imageDetails: [
        {
          imageDigest: DIGEST,
          imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json'
        }
      ]
    })
    const found = await new EcrDescriber(silentLogger).resolve(target({ digest: DIGEST }))
    expect(found.kind).toBe('manifest')
    expect(ecr.commandCalls(DescribeImagesCommand)[0]!.args[0].input.imageIds).toEqual([
      { imageDigest: DIGEST }
    ])
  })

  it.each([
    [
      new ImageNotFoundException({ message: 'The image with imageId … does not exist', ...meta }),
      `Image ${HOST}/team/app:v1 does not exist in ECR repository team/app (account 123456789012, region eu-west-1)`
    ],
    [
      new RepositoryNotFoundException({
        message: "The repository with name 'team/app' does not exist",
        ...meta
      }),
      'ECR repository team/app does not exist (account 123456789012, region eu-west-1)'
    ],
    [
      serviceError(
        'ExpiredTokenException',
        'The security token included in the request is expired'
      ),
      /expired or invalid \(ExpiredTokenException\)/
    ],
    [
      serviceError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.'
      ),
      /expired or invalid \(UnrecognizedClientException\)/
    ],
    [
      serviceError(
        'InvalidSignatureException',
        'The request signature we calculated does not match'
      ),
      /expired or invalid \(InvalidSignatureException\)/
    ],
    [
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError'
      }),
      /No AWS credentials were found/
    ],
    [
      serviceError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:DescribeImages'
      ),
      'The AWS identity may not call ecr:DescribeImages on ECR repository team/app'
    ],
    [
      serviceError('ThrottlingException', 'Rate exceeded'),
      /failed to describe .*ThrottlingException: Rate exceeded/
    ]
  ])('%p', async (error, message) => {
    ecr.on(DescribeImagesCommand).rejects(error)
    const run = new EcrDescriber(silentLogger).resolve(target())
    await expect(run).rejects.toThrow(RegistryError)
    await expect(run).rejects.toThrow(message)
  })

  it('says how to fix credentials in a workflow', async () => {
    ecr.on(DescribeImagesCommand).rejects(serviceError('ExpiredTokenException', 'expired'))
    const error = await rejection(new EcrDescriber(silentLogger).resolve(target()))
    expect(error.hint).toMatch(
      /aws-actions\/configure-aws-credentials.*aws-region: eu-west-1.*id-token: write/
    )
  })

  it('names the IAM actions to allow on AccessDenied', async () => {
    ecr.on(DescribeImagesCommand).rejects(serviceError('AccessDeniedException', 'denied'))
    const error = await rejection(new EcrDescriber(silentLogger).resolve(target()))
    expect(error.hint).toContain('ecr:DescribeImages')
    expect(error.hint).toContain('ecr:DescribeRepositories')
    expect(error.hint).toContain('arn:aws:ecr:eu-west-1:123456789012:repository/team/app')
  })

  it('an empty answer is "does not exist", never a guess', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] })
    await expect(new EcrDescriber(silentLogger).resolve(target())).rejects.toThrow(
      /does not exist in ECR repository/
    )
  })

  it.each([
    [{ imageTagMutability: 'MUTABLE' }, { mode: 'MUTABLE', exclusionFilters: [] }],
    [
      {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }]
      },
      { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: ['dev-*'] }
    ],
    [{}, { unavailable: 'the repository reports no tag mutability' }]
  ])('reads tag mutability %j', async (repository, expected) => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] })
    ecr
      .on(DescribeRepositoriesCommand)
      .resolves({ repositories: [{ repositoryName: 'team/app', ...repository }] as never })
    expect((await new EcrDescriber(silentLogger).resolve(target())).tagMutability).toEqual(expected)
  })

  it('a missing ecr:DescribeRepositories permission degrades, never fails', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] })
    ecr.on(DescribeRepositoriesCommand).rejects(serviceError('AccessDeniedException', 'denied'))
    const found = await new EcrDescriber(silentLogger).resolve(target())
    expect(found.digest).toBe(DIGEST)
    expect(found.tagMutability).toEqual({ unavailable: 'the role lacks ecr:DescribeRepositories' })
  })

  it('asks DescribeRepositories once per repository', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] })
    const describer = new EcrDescriber(silentLogger)
    await describer.resolve(target({ tag: 'v1' }))
    await describer.resolve(target({ tag: 'v2' }))
    expect(ecr.commandCalls(DescribeRepositoriesCommand)).toHaveLength(1)
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(2)
  })
})
