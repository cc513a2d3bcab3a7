// Self-test of the fake ECR, driven by the real @aws-sdk/client-ecr: if the SDK serializes to it,
// parses its answers and names its errors as it would against AWS, tests built on it can trust it.
import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ECRServiceException,
  ImageNotFoundException,
  paginateDescribeImages,
  paginateDescribeRepositories,
  RepositoryNotFoundException,
  type ECRClientConfig
} from '@aws-sdk/client-ecr'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startFakeEcr, type FakeEcr, type TagMutability } from './fake-ecr.js'
const ACCOUNT = '123456789012'
const REPO = 'team/app'
const INDEX = 'application/vnd.oci.image.index.v1+json'
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const DIGEST_A = `sha256:${'a'.repeat(64)}`
const DIGEST_B = `sha256:${'b'.repeat(64)}`
const PUSHED_AT = new Date('2025-06-01T12:34:56.789Z')
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let fake: FakeEcr
let clients: ECRClient[]

/** A real SDK client aimed at the fake; destroyed after the test so no sockets outlive it. */
function ecr(config: ECRClientConfig = {}): ECRClient {
  const client = new ECRClient({
    region: 'us-east-1',
    endpoint: fake.url,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
    ...config
  })
  clients.push(client)
  return client
}

/** The rejection of `promise`, which must reject with an SDK service exception. */
async function serviceError(promise: Promise<unknown>): Promise<ECRServiceException> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err
  )
  expect(error).toBeInstanceOf(ECRServiceException)
  return error as ECRServiceException
}

beforeEach(async () => {
  fake = await startFakeEcr()
  clients = []
})

afterEach(async () => {
  for (const client of clients) client.destroy()
  await fake.stop()
})

describe('DescribeImages', () => {
  beforeEach(() => {
    fake.addImage({
      repository: REPO,
      digest: DIGEST_A,
      tags: ['v1', 'latest'],
      pushedAt: PUSHED_AT
    })
    fake.addImage({
      repository: REPO,
      digest: DIGEST_B,
      tags: ['single'],
      mediaType: DOCKER_MANIFEST,
      pushedAt: PUSHED_AT
    })
  })

  it('resolves a tag, parsed by the SDK into the real output shape', async () => {
    const out = await ecr().send(
      new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'v1' }] })
    )

    expect(out.imageDetails).toEqual([
      {
        registryId: ACCOUNT,
        repositoryName: REPO,
        imageDigest: DIGEST_A,
        imageTags: ['v1', 'latest'],
        imageSizeInBytes: expect.any(Number),
        imagePushedAt: PUSHED_AT,
        imageManifestMediaType: INDEX
      }
    ])
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 })
    expect(out.$metadata.requestId).toMatch(UUID)
    expect(fake.calls).toEqual([
      {
        operation: 'DescribeImages',
        body: { repositoryName: REPO, imageIds: [{ imageTag: 'v1' }] },
        region: 'us-east-1',
        service: 'ecr',
        accessKeyId: 'AKIDTEST',
        hasSessionToken: false,
        contentType: 'application/x-amz-json-1.1'
      }
    ])
  })

  it('resolves a digest in an explicit registry, with the config media type of a manifest', async () => {
    const out = await ecr().send(
      new DescribeImagesCommand({
        registryId: ACCOUNT,
        repositoryName: REPO,
        imageIds: [{ imageDigest: DIGEST_B }]
      })
    )

    expect(out.imageDetails).toEqual([
      expect.objectContaining({
        imageDigest: DIGEST_B,
        imageTags: ['single'],
        imageManifestMediaType: DOCKER_MANIFEST,
        artifactMediaType: 'application/vnd.docker.container.image.v1+json'
      })
    ])
    expect(fake.calls[0]?.body).toEqual({
      registryId: ACCOUNT,
      repositoryName: REPO,
      imageIds: [{ imageDigest: DIGEST_B }]
    })
  })

  it('answers once for an image named by both its tag and its digest', async () => {
    const out = await ecr().send(
      new DescribeImagesCommand({
        repositoryName: REPO,
        imageIds: [
          { imageTag: 'latest' },
          { imageDigest: DIGEST_A },
          { imageTag: 'v1', imageDigest: DIGEST_A }
        ]
      })
    )

    expect(out.imageDetails?.map(detail => detail.imageDigest)).toEqual([DIGEST_A])
  })

  it('lists with the tagStatus filter, page by page through the SDK paginator', async () => {
    fake.addImage({ repository: REPO, digest: DIGEST_B, tags: ['latest'] }) // moves 'latest'
    fake.addImage({ repository: REPO, digest: `sha256:${'c'.repeat(64)}`, tags: [] })
    const pages = []
    for await (const page of paginateDescribeImages(
      { client: ecr(), pageSize: 1 },
      { repositoryName: REPO, filter: { tagStatus: 'TAGGED' } }
    )) {
      pages.push(page.imageDetails?.map(detail => [detail.imageDigest, detail.imageTags]))
    }

    expect(pages).toEqual([[[DIGEST_A, ['v1']]], [[DIGEST_B, ['single', 'latest']]]])
    expect(fake.calls.map(call => call.body.nextToken === undefined)).toEqual([true, false])
  })
})

describe('DescribeRepositories', () => {
  it.each<[TagMutability, string[]]>([
    ['MUTABLE', []],
    ['IMMUTABLE', []],
    ['IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*']],
    ['MUTABLE_WITH_EXCLUSION', ['v*']]
  ])(
    'describes a repository with %s mutability and exclusion filters %j',
    async (mutability, filters) => {
      fake.addRepository({ name: REPO, imageTagMutability: mutability, exclusionFilters: filters })

      const out = await ecr({ region: 'eu-central-1' }).send(
        new DescribeRepositoriesCommand({ repositoryNames: [REPO] })
      )

      expect(out.repositories).toEqual([
        {
          repositoryArn: `arn:aws:ecr:eu-central-1:${ACCOUNT}:repository/${REPO}`,
          registryId: ACCOUNT,
          repositoryName: REPO,
          repositoryUri: `${ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/${REPO}`,
          createdAt: expect.any(Date),
          imageTagMutability: mutability,
          ...(filters.length > 0
            ? {
                imageTagMutabilityExclusionFilters: filters.map(filter => ({
                  filterType: 'WILDCARD',
                  filter
                }))
              }
            : {}),
          imageScanningConfiguration: { scanOnPush: false },
          encryptionConfiguration: { encryptionType: 'AES256' }
        }
      ])
      expect(fake.calls[0]).toMatchObject({
        operation: 'DescribeRepositories',
        region: 'eu-central-1',
        service: 'ecr',
        body: { repositoryNames: [REPO] }
      })
    }
  )

  it('lists the registry page by page through the SDK paginator', async () => {
    for (const name of ['a/one', 'b/two', 'c/three']) fake.addRepository({ name })
    fake.addRepository({ name: 'elsewhere', registryId: '210987654321' })

    const names = []
    for await (const page of paginateDescribeRepositories({ client: ecr(), pageSize: 2 }, {})) {
      names.push(page.repositories?.map(repo => repo.repositoryName))
    }

    expect(names).toEqual([['a/one', 'b/two'], ['c/three']])
  })
})

describe('errors, as the SDK surfaces them', () => {
  beforeEach(() => {
    fake.addImage({ repository: REPO, digest: DIGEST_A, tags: ['v1'] })
  })

  const describeTag = (tag: string, repositoryName = REPO) =>
    new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] })
  const describeV1 = (client: ECRClient) => client.send(describeTag('v1'))

  it.each([
    {
      name: 'RepositoryNotFoundException',
      send: (client: ECRClient) => client.send(describeTag('v1', 'team/missing')),
      message: `The repository with name 'team/missing' does not exist in the registry with id '${ACCOUNT}'`
    },
    {
      name: 'ImageNotFoundException',
      send: (client: ECRClient) => client.send(describeTag('v9')),
      message: `The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name '${REPO}' in the registry with id '${ACCOUNT}'`
    },
    {
      name: 'ValidationException',
      // The SDK does not validate input: the required member goes out missing.
      send: (client: ECRClient) =>
        client.send(new DescribeImagesCommand({ repositoryName: undefined })),
      message:
        "1 validation error detected: Value null at 'repositoryName' failed to satisfy constraint: Member must not be null"
    },
    {
      name: 'ExpiredTokenException',
      accessKeyId: 'AKIDEXPIRED',
      message: 'The security token included in the request is expired'
    },
    {
      name: 'UnrecognizedClientException',
      accessKeyId: 'AKIDINVALID',
      message: 'The security token included in the request is invalid.'
    },
    {
      name: 'InvalidSignatureException',
      accessKeyId: 'AKIDBADSIG',
      message: expect.stringMatching(/^The request signature we calculated does not match/)
    },
    {
      name: 'UnknownOperationException',
      send: (client: ECRClient) =>
        client.send(
          new BatchGetImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'v1' }] })
        ),
      message: expect.stringContaining('BatchGetImage')
    }
  ])('$name, without retrying', async ({ name, send = describeV1, accessKeyId, message }) => {
    const client = ecr({
      credentials: { accessKeyId: accessKeyId ?? 'AKIDTEST', secretAccessKey: 'x' }
    })

    const error = await serviceError(send(client))

    expect(error).toMatchObject({ name, message, $fault: 'client' })
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 })
    expect(error.$metadata.requestId).toMatch(UUID)
    expect(fake.calls).toHaveLength(1)
  })

  it('surfaces modelled errors as their SDK classes', async () => {
    const client = ecr()

    await expect(client.send(describeTag('v9'))).rejects.toBeInstanceOf(ImageNotFoundException)
    await expect(client.send(describeTag('v1', 'nope'))).rejects.toBeInstanceOf(
      RepositoryNotFoundException
    )
  })

  it('denies an operation with AccessDeniedException until cleared', async () => {
    const client = ecr()
    fake.deny('DescribeImages')

    const error = await serviceError(client.send(describeTag('v1')))

    expect(error.name).toBe('AccessDeniedException')
    expect(error.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/ci is not authorized to perform: ecr:DescribeImages on resource: arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${REPO} because no identity-based policy allows the ecr:DescribeImages action`
    )
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 })
    await expect(client.send(new DescribeRepositoriesCommand({}))).resolves.toBeDefined()
    fake.deny(undefined)
    await expect(client.send(describeTag('v1'))).resolves.toBeDefined()
  })

  it('answers MissingAuthenticationTokenException to an unsigned request', async () => {
    const client = ecr()
    // Runs after signing, just before the request goes out.
    client.middlewareStack.add(
      next => args => {
        delete (args.request as { headers: Record<string, string> }).headers.authorization
        return next(args)
      },
      { step: 'deserialize', priority: 'low' }
    )

    const error = await serviceError(client.send(describeTag('v1')))

    expect(error).toMatchObject({
      name: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token'
    })
    expect(fake.calls[0]).toMatchObject({
      operation: 'DescribeImages',
      accessKeyId: '',
      region: ''
    })
  })

  it('puts the error on the wire as awsJson1_1 does', async () => {
    const res = await fetch(fake.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeImages'
      },
      body: '{}'
    })

    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException')
    expect(res.headers.get('x-amzn-requestid')).toMatch(UUID)
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token'
    })
  })

  it('retries an injected ThrottlingException until it clears', async () => {
    fake.failNext('DescribeImages', { type: 'ThrottlingException', message: 'Rate exceeded' }, 2)

    const out = await ecr().send(describeTag('v1'))

    expect(out.imageDetails?.[0]?.imageDigest).toBe(DIGEST_A)
    expect(out.$metadata.attempts).toBe(3)
    expect(fake.calls.map(call => call.operation)).toEqual(Array(3).fill('DescribeImages'))
  })

  it('gives up on a fault that outlasts the retries, with the injected status', async () => {
    fake.failNext('*', { type: 'ServerException', message: 'boom', status: 500 }, 5)

    const error = await serviceError(ecr().send(describeTag('v1')))

    expect(error).toMatchObject({ name: 'ServerException', message: 'boom', $fault: 'server' })
    expect(error.$metadata).toMatchObject({ httpStatusCode: 500, attempts: 3 })
    // Two injected failures are left for whatever comes next.
    await expect(ecr({ maxAttempts: 1 }).send(new DescribeRepositoriesCommand({}))).rejects.toThrow(
      'boom'
    )
  })
})

describe('credentials and endpoint', () => {
  beforeEach(() => {
    fake.addImage({ repository: REPO, digest: DIGEST_A, tags: ['v1'] })
  })

  it('records a session token', async () => {
    const client = ecr({
      region: 'ap-southeast-2',
      credentials: { accessKeyId: 'ASIATEMP', secretAccessKey: 'x', sessionToken: 'token' }
    })

    await client.send(new DescribeRepositoriesCommand({}))

    expect(fake.calls[0]).toMatchObject({
      accessKeyId: 'ASIATEMP',
      hasSessionToken: true,
      region: 'ap-southeast-2'
    })
  })

  it('is reached through AWS_ENDPOINT_URL_ECR, without the endpoint option', async () => {
    const saved = {
      AWS_ENDPOINT_URL_ECR: process.env.AWS_ENDPOINT_URL_ECR,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
    }
    process.env.AWS_ENDPOINT_URL_ECR = fake.url
    delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
    const client = new ECRClient({
      region: 'us-west-2',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }
    })
    clients.push(client)
    try {
      const out = await client.send(
        new DescribeImagesCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'v1' }] })
      )

      expect(out.imageDetails?.[0]?.imageDigest).toBe(DIGEST_A)
      expect(fake.calls[0]).toMatchObject({ operation: 'DescribeImages', region: 'us-west-2' })
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })
})

describe('seeding', () => {
  it('moves a mutable tag to the newly pushed image, leaving the old one untagged', async () => {
    fake.addImage({ repository: REPO, digest: DIGEST_A, tags: ['latest'] })
    fake.addImage({ repository: REPO, digest: DIGEST_B, tags: ['latest'] })

    const out = await ecr().send(
      new DescribeImagesCommand({
        repositoryName: REPO,
        imageIds: [{ imageDigest: DIGEST_A }, { imageTag: 'latest' }]
      })
    )

    expect(out.imageDetails?.map(detail => [detail.imageDigest, detail.imageTags])).toEqual([
      [DIGEST_A, undefined],
      [DIGEST_B, ['latest']]
    ])
  })

  it('refuses to move an immutable tag, except one matching an exclusion filter', () => {
    fake.addRepository({
      name: REPO,
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      exclusionFilters: ['latest']
    })
    fake.addImage({ repository: REPO, digest: DIGEST_A, tags: ['v1', 'latest'] })

    expect(() =>
      fake.addImage({ repository: REPO, digest: DIGEST_B, tags: ['latest'] })
    ).not.toThrow()
    expect(() => fake.addImage({ repository: REPO, digest: DIGEST_B, tags: ['v1'] })).toThrow(
      /immutable/
    )
  })

  it('rejects states the real service cannot be in', () => {
    expect(() => fake.addRepository({ name: 'Team/App' })).toThrow(/repository name/)
    expect(() =>
      fake.addRepository({ name: REPO, imageTagMutability: 'MUTABLE', exclusionFilters: ['v*'] })
    ).toThrow(/exclusion filters/)
    expect(() =>
      fake.addRepository({ name: REPO, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' })
    ).toThrow(/exclusion filters/)
    expect(() => fake.addImage({ repository: REPO, digest: 'sha256:abc', tags: [] })).toThrow(
      /digest/
    )
  })
})
