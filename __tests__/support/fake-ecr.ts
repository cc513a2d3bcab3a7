// A loopback fake of the Amazon ECR control-plane API. It speaks the awsJson1_1 protocol exactly as
// the real service does to @aws-sdk/client-ecr (POST /, X-Amz-Target, SigV4, `__type` errors), so
// the real SDK serializes real requests and parses real-shaped answers. Point a client at it with
// the `endpoint` option or AWS_ENDPOINT_URL_ECR and any dummy static credentials.
//
// Modelled: DescribeImages and DescribeRepositories (lookups, listing, pagination, filters), the
// auth-layer errors, IAM denials and injected faults. Everything else is UnknownOperationException.
// Only the commercial partition ('aws', amazonaws.com) is modelled.
import { randomUUID } from 'node:crypto'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type TagMutability =
  'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'

export interface FakeEcrRepository {
  name: string
  /** Default '123456789012'. */
  registryId?: string
  /** Default 'MUTABLE'. */
  imageTagMutability?: TagMutability
  /** Wildcard (`*`) tag filters; required by, and only allowed with, the *_WITH_EXCLUSION modes. */
  exclusionFilters?: string[]
}

export interface FakeEcrImage {
  repository: string
  registryId?: string
  digest: string
  tags: string[]
  /** `imageManifestMediaType`; default application/vnd.oci.image.index.v1+json. */
  mediaType?: string
  pushedAt?: Date
}

export interface EcrCall {
  /** From `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>` ('' when absent). */
  operation: string
  /** The JSON request body exactly as the SDK sent it ({} when absent or unparseable). */
  body: Record<string, unknown>
  /** From the SigV4 credential scope AKID/date/REGION/SERVICE/aws4_request ('' when absent). */
  region: string
  service: string
  accessKeyId: string
  /** X-Amz-Security-Token was sent (temporary credentials). */
  hasSessionToken: boolean
  contentType: string
}

export interface FakeEcrError {
  type: string
  message: string
  /** Default 400. */
  status?: number
}

export interface FakeEcr {
  /** 'http://127.0.0.1:PORT' */
  url: string
  /** Every request received, in order, including rejected ones and SDK retries. */
  calls: EcrCall[]
  /** Adds a repository, or reconfigures an existing one (as PutImageTagMutability would). */
  addRepository(repo: FakeEcrRepository): void
  /**
   * Pushes an image, creating its repository with defaults if needed. Re-pushing a digest adds
   * tags; a tag already on another image moves, as on a real push, unless it is immutable.
   */
  addImage(image: FakeEcrImage): void
  /** The next call(s) of `operation` ('*' = any) answer this error (times default 1). */
  failNext(operation: string, error: FakeEcrError, times?: number): void
  /** Answers AccessDeniedException for `operation` ('*' = any) until cleared with undefined. */
  deny(operation: string | undefined): void
  stop(): Promise<void>
}

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.'
const JSON_1_1 = 'application/x-amz-json-1.1'
const DEFAULT_REGISTRY_ID = '123456789012'
const DEFAULT_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json'
/** The principal named in AccessDeniedException messages. */
const CALLER_ARN = `arn:aws:iam::${DEFAULT_REGISTRY_ID}:user/ci`
/** ECR's default (and maximum) page sizes for both list operations. */
const DEFAULT_PAGE_SIZE = 100
const MAX_PAGE_SIZE = 1000
/** ECR reports a compressed size; tests never depend on its value, only on its presence. */
const IMAGE_SIZE_IN_BYTES = 29_360_128

/** `artifactMediaType` is the config blob's type, so indexes (which have no config) omit it. */
const ARTIFACT_MEDIA_TYPES = new Map([
  ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.config.v1+json'],
  [
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.container.image.v1+json'
  ]
])

// Constraints from the ECR API reference, enforced when seeding so tests cannot build a state the
// real service would never reach.
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
const REGISTRY_ID = /^[0-9]{12}$/
const DIGEST = /^sha256:[0-9a-f]{64}$/
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
const EXCLUSION_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/
const MAX_EXCLUSION_FILTERS = 5
const SIGV4_AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/

/**
 * Access keys that make the auth layer reject the request, as for real bad credentials. JSON-protocol
 * services answer these with 400 (seen from ECR and ECS), not the 403 of AWS's generic error list.
 */
const REJECTED_KEYS = new Map<string, FakeEcrError>([
  [
    'AKIDEXPIRED',
    {
      type: 'ExpiredTokenException',
      message: 'The security token included in the request is expired'
    }
  ],
  [
    'AKIDINVALID',
    {
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.'
    }
  ],
  [
    'AKIDBADSIG',
    {
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
    }
  ]
])

type Json = Record<string, unknown>

interface Scope {
  accessKeyId: string
  region: string
  service: string
}

interface Repository {
  name: string
  registryId: string
  imageTagMutability: TagMutability
  exclusionFilters: string[]
  createdAt: Date
  images: Image[]
}

interface Image {
  digest: string
  tags: string[]
  mediaType: string
  pushedAt: Date
}

interface InjectedFailure {
  operation: string
  error: FakeEcrError
  remaining: number
}

/** An error answered to the client; thrown from anywhere in request handling. */
class EcrError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400
  ) {
    super(message)
  }
}

export async function startFakeEcr(): Promise<FakeEcr> {
  const calls: EcrCall[] = []
  const repositories = new Map<string, Repository>()
  const failures: InjectedFailure[] = []
  let denied: string | undefined

  const lookUp = (registryId: string, name: string): Repository => {
    const repo = repositories.get(repositoryKey(registryId, name))
    if (!repo) {
      throw new EcrError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${registryId}'`
      )
    }
    return repo
  }

  const addRepository = (spec: FakeEcrRepository): Repository => {
    const registryId = spec.registryId ?? DEFAULT_REGISTRY_ID
    const mutability = spec.imageTagMutability ?? 'MUTABLE'
    const filters = spec.exclusionFilters ?? []
    if (!REPOSITORY_NAME.test(spec.name) || spec.name.length < 2 || spec.name.length > 256) {
      throw new Error(`fake ECR: invalid repository name '${spec.name}'`)
    }
    if (!REGISTRY_ID.test(registryId)) {
      throw new Error(`fake ECR: invalid registryId '${registryId}'`)
    }
    const withExclusion = mutability.endsWith('_WITH_EXCLUSION')
    if (withExclusion !== filters.length > 0 || filters.length > MAX_EXCLUSION_FILTERS) {
      throw new Error(
        `fake ECR: ${mutability} takes ${withExclusion ? `1-${MAX_EXCLUSION_FILTERS}` : 'no'} exclusion filters, got ${filters.length}`
      )
    }
    const badFilter = filters.find(filter => !EXCLUSION_FILTER.test(filter))
    if (badFilter !== undefined) {
      throw new Error(`fake ECR: invalid exclusion filter '${badFilter}'`)
    }

    const key = repositoryKey(registryId, spec.name)
    const existing = repositories.get(key)
    const repo: Repository = {
      name: spec.name,
      registryId,
      imageTagMutability: mutability,
      exclusionFilters: [...filters],
      createdAt: existing?.createdAt ?? new Date(),
      images: existing?.images ?? []
    }
    repositories.set(key, repo)
    return repo
  }

  const addImage = (spec: FakeEcrImage): void => {
    if (!DIGEST.test(spec.digest)) throw new Error(`fake ECR: invalid digest '${spec.digest}'`)
    const badTag = spec.tags.find(tag => !TAG.test(tag))
    if (badTag !== undefined) throw new Error(`fake ECR: invalid tag '${badTag}'`)
    const registryId = spec.registryId ?? DEFAULT_REGISTRY_ID
    const repo =
      repositories.get(repositoryKey(registryId, spec.repository)) ??
      addRepository({ name: spec.repository, registryId })

    let image = repo.images.find(candidate => candidate.digest === spec.digest)
    if (!image) {
      image = {
        digest: spec.digest,
        tags: [],
        mediaType: spec.mediaType ?? DEFAULT_MEDIA_TYPE,
        pushedAt: spec.pushedAt ?? new Date()
      }
      repo.images.push(image)
    }
    for (const tag of spec.tags) {
      if (image.tags.includes(tag)) continue
      const holder = repo.images.find(candidate => candidate.tags.includes(tag))
      if (holder) {
        // The real push fails with ImageTagAlreadyExistsException; seeding that state is a test bug.
        if (tagIsImmutable(repo, tag)) {
          throw new Error(
            `fake ECR: tag '${tag}' is immutable in '${repo.name}' and already on ${holder.digest}`
          )
        }
        holder.tags = holder.tags.filter(other => other !== tag)
      }
      image.tags.push(tag)
    }
  }

  const describeImages = (body: Json): Json => {
    const registryId = optionalString(body, 'registryId') ?? DEFAULT_REGISTRY_ID
    const repositoryName = requiredString(body, 'repositoryName')
    const imageIds = optionalArray(body, 'imageIds')
    const filter = optionalObject(body, 'filter')
    checkRegistryId(registryId)
    if (imageIds) rejectPaginationWith(body, 'imageIds')
    const repo = lookUp(registryId, repositoryName)
    const detail = (image: Image): Json => imageDetail(repo, image)

    if (imageIds) {
      // One detail per distinct image, even when the same image is named by tag and by digest.
      const found = new Set<Image>()
      for (const entry of imageIds) {
        if (!isObject(entry)) throw serializationError('imageIds')
        found.add(
          findImage(repo, optionalString(entry, 'imageTag'), optionalString(entry, 'imageDigest'))
        )
      }
      return { imageDetails: [...found].map(detail) }
    }

    const tagStatus = filterValue(filter, 'tagStatus', ['TAGGED', 'UNTAGGED', 'ANY'])
    // Every fake image is ACTIVE (never archived).
    const imageStatus = filterValue(filter, 'imageStatus', [
      'ACTIVATING',
      'ACTIVE',
      'ANY',
      'ARCHIVED'
    ])
    const listed = repo.images.filter(
      image =>
        (tagStatus !== 'TAGGED' || image.tags.length > 0) &&
        (tagStatus !== 'UNTAGGED' || image.tags.length === 0) &&
        (imageStatus === undefined || imageStatus === 'ACTIVE' || imageStatus === 'ANY')
    )
    const { page, nextToken } = paginate(listed, body)
    return { imageDetails: page.map(detail), ...(nextToken ? { nextToken } : {}) }
  }

  const describeRepositories = (body: Json, scope: Scope): Json => {
    const registryId = optionalString(body, 'registryId') ?? DEFAULT_REGISTRY_ID
    const names = optionalArray(body, 'repositoryNames')
    checkRegistryId(registryId)
    const describe = (repo: Repository): Json => repositoryDescription(repo, scope.region)

    if (names) {
      rejectPaginationWith(body, 'repositoryNames')
      return {
        repositories: names.map(name => {
          if (typeof name !== 'string') throw serializationError('repositoryNames')
          return describe(lookUp(registryId, name))
        })
      }
    }
    const listed = [...repositories.values()].filter(repo => repo.registryId === registryId)
    const { page, nextToken } = paginate(listed, body)
    return { repositories: page.map(describe), ...(nextToken ? { nextToken } : {}) }
  }

  const operations = new Map<string, (body: Json, scope: Scope) => Json>([
    ['DescribeImages', describeImages],
    ['DescribeRepositories', describeRepositories]
  ])

  const takeInjectedFailure = (operation: string): FakeEcrError | undefined => {
    const failure = failures.find(f => f.operation === '*' || f.operation === operation)
    if (!failure) return undefined
    failure.remaining -= 1
    if (failure.remaining === 0) failures.splice(failures.indexOf(failure), 1)
    return failure.error
  }

  const handle = async (req: IncomingMessage): Promise<Json> => {
    const raw = await readBody(req)
    const target = header(req, 'x-amz-target')
    const operation = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : ''
    const body = parseJsonObject(raw)
    const authorization = header(req, 'authorization')
    const scope = authorization === undefined ? undefined : parseAuthorization(authorization)
    calls.push({
      operation,
      body: body ?? {},
      region: scope?.region ?? '',
      service: scope?.service ?? '',
      accessKeyId: scope?.accessKeyId ?? '',
      hasSessionToken: header(req, 'x-amz-security-token') !== undefined,
      contentType: header(req, 'content-type') ?? ''
    })

    // Checks run in the order a request meets them: routing, authentication, then the service.
    const path = new URL(req.url ?? '/', 'http://fake-ecr').pathname
    if (req.method !== 'POST' || path !== '/') {
      throw new EcrError(
        'UnknownOperationException',
        `${req.method} ${path} is not an operation`,
        404
      )
    }
    if (authorization === undefined) {
      throw new EcrError('MissingAuthenticationTokenException', 'Missing Authentication Token')
    }
    if (!scope) {
      throw new EcrError(
        'IncompleteSignatureException',
        `Authorization header is not a SigV4 header: '${authorization}'`
      )
    }
    if (scope.service !== 'ecr') {
      throw new EcrError(
        'InvalidSignatureException',
        "Credential should be scoped to correct service: 'ecr'. "
      )
    }
    const rejected = REJECTED_KEYS.get(scope.accessKeyId)
    if (rejected) throw new EcrError(rejected.type, rejected.message, rejected.status)
    const handler = operations.get(operation)
    if (!handler) {
      throw new EcrError(
        'UnknownOperationException',
        `The fake ECR does not implement '${target ?? ''}'`
      )
    }
    if (!body) throw new EcrError('SerializationException', 'The request body is not a JSON object')

    const injected = takeInjectedFailure(operation)
    if (injected) throw new EcrError(injected.type, injected.message, injected.status)
    if (denied === '*' || denied === operation) throw accessDenied(operation, body, scope)
    return handler(body, scope)
  }

  const server = http.createServer((req, res) => {
    handle(req)
      .then(
        result => reply(res, 200, result),
        (err: unknown) => {
          const error =
            err instanceof EcrError ? err : new EcrError('ServerException', String(err), 500)
          reply(res, error.status, { __type: error.type, message: error.message }, error.type)
        }
      )
      .catch(() => res.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    addRepository: spec => void addRepository(spec),
    addImage,
    failNext: (operation, error, times = 1) => {
      if (!Number.isInteger(times) || times < 1) throw new Error(`fake ECR: bad times ${times}`)
      failures.push({ operation, error, remaining: times })
    },
    deny: operation => {
      denied = operation
    },
    // The SDK keeps connections alive, so close them rather than wait for the client to.
    stop: () =>
      new Promise(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

function reply(res: ServerResponse, status: number, body: Json, errorType?: string): void {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': JSON_1_1,
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {})
  })
  res.end(payload)
}

function repositoryKey(registryId: string, name: string): string {
  return `${registryId}/${name}`
}

function tagIsImmutable(repo: Repository, tag: string): boolean {
  const excluded = repo.exclusionFilters.some(filter => wildcard(filter).test(tag))
  switch (repo.imageTagMutability) {
    case 'MUTABLE':
      return false
    case 'IMMUTABLE':
      return true
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded
  }
}

function wildcard(filter: string): RegExp {
  const escaped = filter.split('*').map(part => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`)
}

/** Matches real ECR: a digest and a tag given together must name the same image. */
function findImage(repo: Repository, tag: string | undefined, digest: string | undefined): Image {
  if (tag === undefined && digest === undefined) {
    throw new EcrError(
      'InvalidParameterException',
      "Invalid parameter at 'imageIds' failed to satisfy constraint: 'an imageId needs an imageDigest or an imageTag'"
    )
  }
  const image = repo.images.find(
    candidate =>
      (tag === undefined || candidate.tags.includes(tag)) &&
      (digest === undefined || candidate.digest === digest)
  )
  if (!image) {
    throw new EcrError(
      'ImageNotFoundException',
      `The image with imageId {imageDigest:'${digest ?? 'null'}', imageTag:'${tag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${repo.registryId}'`
    )
  }
  return image
}

function imageDetail(repo: Repository, image: Image): Json {
  const artifactMediaType = ARTIFACT_MEDIA_TYPES.get(image.mediaType)
  return {
    registryId: repo.registryId,
    repositoryName: repo.name,
    imageDigest: image.digest,
    // ECR omits the member for untagged images rather than sending [].
    ...(image.tags.length > 0 ? { imageTags: [...image.tags] } : {}),
    imageSizeInBytes: IMAGE_SIZE_IN_BYTES,
    imagePushedAt: epochSeconds(image.pushedAt),
    imageManifestMediaType: image.mediaType,
    ...(artifactMediaType ? { artifactMediaType } : {})
  }
}

function repositoryDescription(repo: Repository, region: string): Json {
  return {
    repositoryArn: `arn:aws:ecr:${region}:${repo.registryId}:repository/${repo.name}`,
    registryId: repo.registryId,
    repositoryName: repo.name,
    repositoryUri: `${repo.registryId}.dkr.ecr.${region}.amazonaws.com/${repo.name}`,
    createdAt: epochSeconds(repo.createdAt),
    imageTagMutability: repo.imageTagMutability,
    ...(repo.exclusionFilters.length > 0
      ? {
          imageTagMutabilityExclusionFilters: repo.exclusionFilters.map(filter => ({
            filterType: 'WILDCARD',
            filter
          }))
        }
      : {}),
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' }
  }
}

/** awsJson1_1 timestamps are epoch seconds as a JSON number, with milliseconds as a fraction. */
function epochSeconds(date: Date): number {
  return date.getTime() / 1000
}

function accessDenied(operation: string, body: Json, scope: Scope): EcrError {
  const registryId = typeof body.registryId === 'string' ? body.registryId : DEFAULT_REGISTRY_ID
  const names = body.repositoryNames
  const repository =
    typeof body.repositoryName === 'string'
      ? body.repositoryName
      : Array.isArray(names) && typeof names[0] === 'string'
        ? names[0]
        : '*'
  const resource = `arn:aws:ecr:${scope.region}:${registryId}:repository/${repository}`
  return new EcrError(
    'AccessDeniedException',
    `User: ${CALLER_ARN} is not authorized to perform: ecr:${operation} on resource: ${resource} because no identity-based policy allows the ecr:${operation} action`
  )
}

/** Offset-based paging behind an opaque token, as clients must treat ECR's. */
function paginate<T>(items: T[], body: Json): { page: T[]; nextToken?: string } {
  const maxResults = body.maxResults ?? DEFAULT_PAGE_SIZE
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults)) {
    throw serializationError('maxResults')
  }
  if (maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
    throw validationError(
      `Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value ${maxResults < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_PAGE_SIZE}`}`
    )
  }
  const token = optionalString(body, 'nextToken')
  let offset = 0
  if (token !== undefined) {
    const decoded = parseJsonObject(Buffer.from(token, 'base64url'))
    if (typeof decoded?.offset !== 'number') {
      throw new EcrError('InvalidParameterException', 'Invalid parameter: nextToken is not valid')
    }
    offset = decoded.offset
  }
  const end = offset + maxResults
  const page = items.slice(offset, end)
  if (end >= items.length) return { page }
  return { page, nextToken: Buffer.from(JSON.stringify({ offset: end })).toString('base64url') }
}

function rejectPaginationWith(body: Json, listMember: string): void {
  if (body.maxResults !== undefined || body.nextToken !== undefined) {
    throw new EcrError(
      'InvalidParameterException',
      `Invalid parameter: maxResults and nextToken cannot be used with ${listMember}`
    )
  }
}

function checkRegistryId(registryId: string): void {
  if (!REGISTRY_ID.test(registryId)) {
    throw validationError(
      `Value '${registryId}' at 'registryId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]{12}`
    )
  }
}

function parseAuthorization(authorization: string): Scope | undefined {
  const match = SIGV4_AUTHORIZATION.exec(authorization)
  if (!match) return undefined
  const [, accessKeyId = '', , region = '', service = ''] = match
  return { accessKeyId, region, service }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

function parseJsonObject(raw: Buffer): Json | undefined {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'))
    return isObject(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Coral, ECR's front end, reports a member of the wrong JSON type as a SerializationException and
// a constraint violation (missing member, bad pattern or range) as a ValidationException.
function serializationError(member: string): EcrError {
  return new EcrError('SerializationException', `Unexpected JSON type for '${member}'`)
}

function validationError(detail: string): EcrError {
  return new EcrError('ValidationException', `1 validation error detected: ${detail}`)
}

function optionalString(body: Json, key: string): string | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw serializationError(key)
  return value
}

function requiredString(body: Json, key: string): string {
  const value = optionalString(body, key)
  if (value === undefined) {
    throw validationError(
      `Value null at '${key}' failed to satisfy constraint: Member must not be null`
    )
  }
  return value
}

function optionalArray(body: Json, key: string): unknown[] | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw serializationError(key)
  return value
}

function optionalObject(body: Json, key: string): Json | undefined {
  const value = body[key]
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) throw serializationError(key)
  return value
}

/** An enum member of DescribeImages' `filter`. */
function filterValue<T extends string>(
  filter: Json | undefined,
  key: string,
  values: readonly T[]
): T | undefined {
  const value = filter === undefined ? undefined : optionalString(filter, key)
  if (value === undefined) return undefined
  if (!(values as readonly string[]).includes(value)) {
    throw validationError(
      `Value '${value}' at 'filter.${key}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`
    )
  }
  return value as T
}
