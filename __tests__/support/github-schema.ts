// The box's strictness: every REST request is checked against GitHub's own OpenAPI description
// (@octokit/openapi, generated/api.github.com.json) and every GraphQL request against GitHub's
// own schema (@octokit/graphql-schema), so a request real GitHub would refuse is refused here too
// and recorded as a violation that fails the test which sent it.
//
// Description choice: the non-dereferenced api.github.com.json (13 MB, ~0.35 s to parse) rather
// than api.github.com.deref.json (73 MB, ~2 s): ajv resolves its `#/components/...` $refs itself
// and compiles each shared component once, and the validators are compiled lazily per operation
// (the first request to an endpoint pays a few ms, later ones nothing). Both descriptions are
// loaded on first use, once per module instance (Jest gives every test file its own).
// api.github.com rather than a ghes-3.x file: the box serves GHES's URL layout (/api/v3), but the
// endpoints the action uses are the same, and github.com is the primary target.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import {
  buildClientSchema,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery
} from 'graphql'
import { getVariableValues } from 'graphql/execution/values.js'

export interface Violation {
  kind: 'api' | 'graphql'
  method: string
  /** Path plus query, as logged in `box.requests`. */
  path: string
  /** What the description refuses, e.g. "pulls/create: For 'properties/draft', \"yes\" is not a boolean." */
  problem: string
}

/** What the box answers instead of serving the request, and the problem to record. */
export interface Refusal {
  status: number
  body: Record<string, unknown>
  problem: string
}

const require = createRequire(import.meta.url)
const DOCS = 'https://docs.github.com/rest'
const GRAPHQL_DOCS = 'https://docs.github.com/graphql'
const DESCRIPTION_ID = 'https://api.github.com/openapi'

// ---------------------------------------------------------------------------------------------
// REST

interface OpenApiParameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: object
  'x-multi-segment'?: boolean
  $ref?: string
}

interface OpenApiOperation {
  operationId: string
  externalDocs?: { url: string }
  parameters?: OpenApiParameter[]
  requestBody?: { required?: boolean; content: Record<string, unknown> }
  responses?: Record<string, { $ref?: string; content?: Record<string, unknown> }>
}

interface Description {
  paths: Record<string, Record<string, unknown> & { parameters?: OpenApiParameter[] }>
  components: {
    parameters: Record<string, OpenApiParameter>
    responses: Record<string, { content?: Record<string, unknown> }>
  }
}

interface Template {
  template: string
  method: string
  regex: RegExp
  names: string[]
  /** Literal characters: the more, the more specific (`/pulls/comments` over `/pulls/{n}`). */
  literal: number
  operation: OpenApiOperation
  parameters: { param: OpenApiParameter; pointer: string }[]
  params?: ValidateFunction
  body?: ValidateFunction | null
  responses?: Map<number, ValidateFunction | null>
}

interface RestState {
  description: Description
  byMethod: Map<string, Template[]>
  /** Body validation: no coercion, as GitHub takes JSON types as sent ("true" is no boolean). */
  strict: Ajv
  /** Path and query parameters arrive as strings: coerce them to the declared type first. */
  coercing: Ajv
  /** The box's own answers (checkRestResponse): every error, not the first, made on first use. */
  answers?: Ajv
}

let rest: RestState | undefined
/** Milliseconds the last load of the REST description took (read by the strictness tests). */
export let restLoadMs = 0

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

// The description's formats are documentation more than constraints (GitHub accepts any string
// for most uri fields); stubs keep ajv from rejecting the keyword without ajv-formats. The one
// checked is date-time, which GitHub parses and refuses when malformed.
const FORMATS: Record<string, true | RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/i,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uri: true,
  'uri-template': true,
  email: true,
  int32: true,
  int64: true,
  double: true,
  binary: true,
  'repo.nwo': true
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A JSON pointer into the description as an ajv reference (`id#/paths/~1repos~1…`). */
function pointerRef(parts: (string | number)[]): string {
  const escaped = parts.map(p =>
    encodeURIComponent(String(p).replace(/~/g, '~0').replace(/\//g, '~1'))
  )
  return `${DESCRIPTION_ID}#/${escaped.join('/')}`
}

/**
 * OpenAPI 3.0 allows `nullable: true` beside allOf/oneOf/$ref without `type`; ajv implements
 * nullable only with a type ("nullable" cannot be used without "type"). Rewrites those, in place,
 * to the equivalent `anyOf: [schema, {type: 'null'}]`. Examples are data, not schemas: skipped.
 */
function typelessNullables(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) typelessNullables(item)
    return
  }
  if (typeof node !== 'object' || node === null) return
  const record = node as Record<string, unknown>
  for (const [key, value] of Object.entries(record))
    if (key !== 'example' && key !== 'examples') typelessNullables(value)
  if (record.nullable === true && record.type === undefined) {
    const { nullable: _nullable, ...schema } = record
    for (const key of Object.keys(record)) delete record[key]
    record.anyOf = [schema, { type: 'null' }]
  }
}

function makeAjv(description: Description, coerceTypes: false | 'array', allErrors = false): Ajv {
  // strict: false: OpenAPI 3.0 keywords ajv does not know (example, discriminator, x-…) are
  // annotations. `nullable` is one ajv implements (its OpenAPI support). validateSchema: false
  // skips checking the whole 13 MB description against the meta-schema (~1.3 s, each time).
  const ajv = new Ajv({
    strict: false,
    verbose: true,
    coerceTypes,
    allErrors,
    formats: FORMATS,
    validateSchema: false
  })
  ajv.addSchema(description as object, DESCRIPTION_ID)
  return ajv
}

function loadRest(): RestState {
  if (rest) return rest
  const started = performance.now()
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
  const description = JSON.parse(readFileSync(file, 'utf8')) as Description
  typelessNullables(description)
  const byMethod = new Map<string, Template[]>()
  for (const [template, item] of Object.entries(description.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as OpenApiOperation | undefined
      if (!operation) continue
      const parameters: Template['parameters'] = []
      const declared = [
        ...(item.parameters ?? []).map((p, i) => ({ p, at: ['paths', template, 'parameters', i] })),
        ...(operation.parameters ?? []).map((p, i) => ({
          p,
          at: ['paths', template, method, 'parameters', i]
        }))
      ]
      for (const { p, at } of declared) {
        if (p.$ref) {
          const name = p.$ref.replace('#/components/parameters/', '')
          const param = description.components.parameters[name]
          if (param)
            parameters.push({
              param,
              pointer: pointerRef(['components', 'parameters', name, 'schema'])
            })
        } else parameters.push({ param: p, pointer: pointerRef([...at, 'schema']) })
      }
      const names: string[] = []
      let literal = 0
      const parts = template.split(/(\{[^}]+\})/)
      const source = parts
        .map((part, i) => {
          const m = /^\{([^}]+)\}$/.exec(part)
          if (!m) {
            literal += part.length
            return escapeRegExp(part)
          }
          const name = m[1] ?? ''
          names.push(name)
          // Octokit's x-multi-segment: {ref}, {path}, {branch}… may hold '/' (raw or %2F).
          const multi = parameters.find(x => x.param.name === name && x.param.in === 'path')?.param[
            'x-multi-segment'
          ]
          if (!multi) return '([^/]+)'
          // A trailing one may be empty: GitHub serves the root directory at /contents and
          // /contents/ (what Octokit's getContent sends for path ''), like a Rails glob route.
          return i === parts.length - 2 && parts[i + 1] === '' ? '(.*)' : '(.+)'
        })
        .join('')
        .replace(/\/\(\.\*\)$/, '(?:/(.*))?')
      const list = byMethod.get(method.toUpperCase()) ?? []
      list.push({
        template,
        method: method.toUpperCase(),
        regex: new RegExp(`^${source}$`),
        names,
        literal,
        operation,
        parameters
      })
      byMethod.set(method.toUpperCase(), list)
    }
  }
  for (const list of byMethod.values())
    list.sort((a, b) => a.names.length - b.names.length || b.literal - a.literal)
  rest = {
    description,
    byMethod,
    strict: makeAjv(description, false),
    coercing: makeAjv(description, 'array')
  }
  restLoadMs = performance.now() - started
  return rest
}

/** The operation a request reaches, or undefined: GitHub answers 404 for unknown paths/methods. */
function findOperation(
  state: RestState,
  method: string,
  apiPath: string
): { template: Template; values: Record<string, string> } | undefined {
  for (const template of state.byMethod.get(method) ?? []) {
    const m = template.regex.exec(apiPath)
    if (!m) continue
    const values: Record<string, string> = {}
    try {
      template.names.forEach((name, i) => (values[name] = decodeURIComponent(m[i + 1] ?? '')))
    } catch {
      continue
    }
    return { template, values }
  }
  return undefined
}

/** Ruby's inspect, as GitHub's messages print values ("true" quoted, nil for null). */
function inspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil'
  if (Array.isArray(value)) return `[${value.map(inspect).join(', ')}]`
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}=>${inspect(v)}`)
      .join(', ')}}`
  return JSON.stringify(value)
}

/**
 * One ajv error in GitHub's words. GitHub validates bodies with JSON Hyper-Schema and answers
 * e.g. `Invalid request.\n\nFor 'properties/force', "false" is not a boolean.`
 * (github.com/rustledger/rustledger/pull/234), `"sha" wasn't supplied.`
 * (github.com/octokit/octokit.rb/issues/992), `No subschema in "anyOf" matched.`
 * (github.com/hohl/sourcedrop-osx/issues/10).
 */
function githubMessage(errors: ErrorObject[]): string {
  const combinator = errors.find(e => e.keyword === 'anyOf' || e.keyword === 'oneOf')
  const error = combinator ?? errors[0]
  if (!error) return 'Invalid request.'
  const where =
    error.instancePath === ''
      ? 'links/0/schema'
      : error.instancePath
          .slice(1)
          .split('/')
          .map(s =>
            /^\d+$/.test(s) ? 'items' : `properties/${s.replace(/~1/g, '/').replace(/~0/g, '~')}`
          )
          .join('/')
  const prefix = `For '${where}', `
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return `"${String(params.missingProperty)}" wasn't supplied.`
    case 'type': {
      const type = String(params.type)
      const article = /^[aeiou]/.test(type) ? 'an' : 'a'
      return `${prefix}${inspect(error.data)} is not ${article} ${type}.`
    }
    case 'enum':
      return `${prefix}${inspect(error.data)} is not a member of ${inspect(params.allowedValues)}.`
    case 'additionalProperties':
      return `"${String(params.additionalProperty)}" is not a permitted key.`
    case 'anyOf':
    case 'oneOf':
      return `${error.instancePath === '' ? '' : prefix}No subschema in "${error.keyword}" matched.`
    default:
      return `${prefix}${inspect(error.data)} ${error.message ?? 'is invalid'}.`
  }
}

function invalid(operation: OpenApiOperation, message: string): Refusal {
  return {
    status: 422,
    body: {
      message: `Invalid request.\n\n${message}`,
      documentation_url: operation.externalDocs?.url ?? DOCS,
      status: '422'
    },
    problem: `${operation.operationId}: ${message}`
  }
}

/**
 * Checks one REST request (apiPath without the /api/v3 prefix); undefined when GitHub's
 * description accepts it, else the answer GitHub gives and the problem to record.
 */
export function checkRestRequest(
  method: string,
  apiPath: string,
  query: URLSearchParams,
  body: Buffer
): Refusal | undefined {
  const state = loadRest()
  const found = findOperation(state, method, apiPath)
  if (!found) {
    // docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api: unknown paths, a
    // trailing slash and unsupported methods all get 404 (not 405).
    return {
      status: 404,
      body: { message: 'Not Found', documentation_url: DOCS, status: '404' },
      problem: `no operation ${method} ${apiPath} in GitHub's REST description`
    }
  }
  const { template, values } = found
  const { operation } = template

  // Parameters: path ones coerced from their strings (a pull_number "abc" routes nowhere: 404),
  // query ones too (unknown query parameters GitHub ignores, and so does the box).
  if (!template.params) {
    const schema = (where: 'path' | 'query'): object => {
      const own = template.parameters.filter(p => p.param.in === where)
      return {
        type: 'object',
        properties: Object.fromEntries(own.map(p => [p.param.name, { $ref: p.pointer }])),
        required: own.filter(p => p.param.required).map(p => p.param.name)
      }
    }
    template.params = state.coercing.compile({
      type: 'object',
      properties: { path: schema('path'), query: schema('query') }
    })
  }
  const queryValues: Record<string, unknown> = {}
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key)
    queryValues[key] = all.length === 1 ? all[0] : all
  }
  if (!template.params({ path: values, query: queryValues })) {
    const errors = template.params.errors ?? []
    const first = errors[0]
    if (first?.instancePath.startsWith('/path')) {
      return {
        status: 404,
        body: { message: 'Not Found', documentation_url: DOCS, status: '404' },
        problem: `${operation.operationId}: path parameter ${first.instancePath.slice(6)} ${first.message ?? ''} (${template.template})`
      }
    }
    const local = errors.map(e => ({ ...e, instancePath: e.instancePath.replace(/^\/query/, '') }))
    return invalid(operation, githubMessage(local).replace(/'properties\//, "'query/"))
  }

  // The JSON body, when the operation declares one.
  const content = operation.requestBody?.content
  if (!content || !('application/json' in content)) return undefined
  if (template.body === undefined) {
    template.body =
      state.strict.getSchema(
        pointerRef([
          'paths',
          template.template,
          method.toLowerCase(),
          'requestBody',
          'content',
          'application/json',
          'schema'
        ])
      ) ?? null
  }
  if (!template.body) return undefined
  let data: unknown
  if (body.length === 0) {
    if (!operation.requestBody?.required) return undefined
    // What GitHub answers a POST without a body (github.com/github/maven-plugins/issues/137).
    return invalid(operation, "For 'links/0/schema', nil is not an object.")
  }
  try {
    data = JSON.parse(body.toString('utf8'))
  } catch {
    return {
      status: 400,
      body: {
        message: 'Problems parsing JSON',
        documentation_url: operation.externalDocs?.url ?? DOCS,
        status: '400'
      },
      problem: `${operation.operationId}: body is not JSON`
    }
  }
  if (template.body(data)) return undefined
  return invalid(operation, githubMessage(template.body.errors ?? []))
}

// ---------------------------------------------------------------------------------------------
// GraphQL

let graphqlSchema: GraphQLSchema | undefined
/** Milliseconds the last load of the GraphQL schema took. */
export let graphqlLoadMs = 0

/**
 * GitHub's public schema, built from the package's introspection result (schema.json) the way
 * its own validate() does (@octokit/graphql-schema lib/validate.js): buildSchema on its
 * schema.graphql throws on a field the SDL defines twice (EnterpriseOwnerInfo.
 * repositoryDeployKeySetting in 15.26.1), and it is also ~2× faster (0.23 s against 0.43 s).
 */
function loadGraphql(): GraphQLSchema {
  if (graphqlSchema) return graphqlSchema
  const started = performance.now()
  // The package exports only its index, which builds a schema of its own on import: read the
  // file from where Node's resolution would find the package.
  const dir = (require.resolve.paths('@octokit/graphql-schema') ?? [])
    .map(base => path.join(base, '@octokit', 'graphql-schema'))
    .find(candidate => existsSync(path.join(candidate, 'schema.json')))
  if (!dir) throw new Error('GitHub box: @octokit/graphql-schema is not installed')
  const file = path.join(dir, 'schema.json')
  const introspection = JSON.parse(readFileSync(file, 'utf8')) as
    IntrospectionQuery | { data: IntrospectionQuery }
  graphqlSchema = buildClientSchema('data' in introspection ? introspection.data : introspection)
  graphqlLoadMs = performance.now() - started
  return graphqlSchema
}

function graphqlErrors(errors: readonly GraphQLError[], problem: string): Refusal {
  return {
    // GitHub answers invalid documents and variables with HTTP 200 and only `errors` (no data):
    // the GraphQL spec's "request error" (spec.graphql.org/October2021/#sec-Errors), which
    // @octokit/graphql turns into a GraphqlResponseError.
    status: 200,
    body: {
      errors: errors.map(e => ({
        message: e.message,
        ...(e.locations && { locations: e.locations }),
        ...(e.extensions && Object.keys(e.extensions).length && { extensions: e.extensions })
      }))
    },
    problem
  }
}

/**
 * Checks one GraphQL request body: the document parses and validates against GitHub's schema, and
 * the variables coerce to the operation's variable definitions. Undefined when valid.
 */
export function checkGraphqlRequest(raw: Buffer): Refusal | undefined {
  const schema = loadGraphql()
  let body: unknown
  try {
    body = JSON.parse(raw.toString('utf8'))
  } catch {
    return {
      status: 400,
      body: { message: 'Problems parsing JSON', documentation_url: GRAPHQL_DOCS, status: '400' },
      problem: 'body is not JSON'
    }
  }
  const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (typeof request.query !== 'string') {
    const message = 'A query attribute must be specified and must be a string.'
    return graphqlErrors([new GraphQLError(message)], message)
  }
  let document: DocumentNode
  try {
    document = parse(request.query)
  } catch (err) {
    const error = err instanceof GraphQLError ? err : new GraphQLError(String(err))
    return graphqlErrors([error], `syntax: ${error.message}`)
  }
  const invalidDocument = validate(schema, document)
  if (invalidDocument.length)
    return graphqlErrors(invalidDocument, invalidDocument.map(e => e.message).join(' / '))
  const operationName = typeof request.operationName === 'string' ? request.operationName : null
  const operation = getOperationAST(document, operationName)
  if (!operation) {
    const message = operationName
      ? `No operation named "${operationName}"`
      : 'An operation name is required when the document holds several operations'
    return graphqlErrors([new GraphQLError(message)], message)
  }
  const variables = request.variables ?? {}
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    const message = 'Variables must be an object'
    return graphqlErrors([new GraphQLError(message)], message)
  }
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    variables as Record<string, unknown>,
    { maxErrors: 50 }
  )
  if (coerced.errors)
    return graphqlErrors(coerced.errors, coerced.errors.map(e => e.message).join(' / '))
  return undefined
}

/**
 * Checks one of the box's own JSON answers against the description's schema for that operation
 * and status: a list of problems, empty when it has GitHub's shape. For the box's self-tests.
 */
export function checkRestResponse(
  method: string,
  apiPath: string,
  status: number,
  body: unknown
): string[] {
  const state = loadRest()
  const found = findOperation(state, method, apiPath)
  if (!found) return [`no operation ${method} ${apiPath}`]
  const { template } = found
  template.responses ??= new Map()
  let validator = template.responses.get(status)
  if (validator === undefined) {
    const declared = template.operation.responses?.[String(status)]
    let pointer: (string | number)[] | undefined
    if (declared?.$ref) {
      const name = declared.$ref.replace('#/components/responses/', '')
      if (state.description.components.responses[name]?.content?.['application/json'])
        pointer = ['components', 'responses', name]
    } else if (declared?.content?.['application/json']) {
      pointer = ['paths', template.template, method.toLowerCase(), 'responses', String(status)]
    }
    validator = pointer
      ? ((state.answers ??= makeAjv(state.description, false, true)).getSchema(
          pointerRef([...pointer, 'content', 'application/json', 'schema'])
        ) ?? null)
      : null
    template.responses.set(status, validator)
  }
  if (validator === null) {
    const declared = Object.keys(template.operation.responses ?? {})
    return declared.includes(String(status))
      ? []
      : [`${template.operation.operationId}: status ${status} not among ${declared.join(', ')}`]
  }
  if (validator(body)) return []
  return (validator.errors ?? []).map(
    e => `${template.operation.operationId} ${status}: ${e.instancePath || '/'} ${e.message ?? ''}`
  )
}
