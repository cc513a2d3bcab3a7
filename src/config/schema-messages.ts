/**
 * ajv's errors as messages a person can act on: "unknown key "kustomise" (did
 * you mean "kustomize"?)" rather than "must NOT have additional properties".
 * The schema stays the single definition of what is valid; this only words it.
 */
import type { ErrorObject } from 'ajv'
import type { DataProblem, Segment } from './locate.js'
import { didYouMean, suggestion } from './suggest.js'

/** ajv's instancePath (`/environments/prod/targets/0`) as segments, `~1` and `~0` unescaped. */
function pointer(instancePath: string): Segment[] {
  if (instancePath === '') return []
  return instancePath
    .split('/')
    .slice(1)
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** How a YAML value reads in a message. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  if (typeof value === 'string') return JSON.stringify(value)
  return String(value)
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  null: 'empty'
}

interface SchemaNode {
  readonly properties?: Record<string, unknown>
}

const TARGET_FORMS =
  'one of "kustomize: <directory or kustomization file>", "helm: <values file>" with "key: <path to the image>", "manifest: <YAML file or directory>" or "argocd: <Application file>"'

const KIND_KEYS: ReadonlySet<string> = new Set(['kustomize', 'helm', 'manifest', 'argocd'])

/**
 * The kind whose `then` branch refused a key: the schema tests helm, then (in each
 * `else`) manifest, then argocd, so the number of `else`s before `then` tells which.
 */
function kindOfBranch(schemaPath: string): string {
  const before = schemaPath.slice(0, schemaPath.indexOf('/then/'))
  return ['helm', 'manifest', 'argocd'][before.split('/else').length - 1] ?? 'helm'
}

/** ajv's errors as messages a person can act on; wrapper errors dropped. */
export function schemaProblems(errors: readonly ErrorObject[]): DataProblem[] {
  const problems: (DataProblem & { objectAt?: string; missing?: string; elseBranch?: boolean })[] =
    []
  /** Per object (pointer): the keys suggested for its unknown keys. */
  const suggested = new Map<string, Set<string>>()

  for (const error of errors) {
    const at = pointer(error.instancePath)
    const last = at[at.length - 1]
    const parentAt = at.slice(0, -1)
    const elseBranch = error.schemaPath.includes('/else/')
    switch (error.keyword) {
      case 'if':
        break // its then/else errors say what is wrong
      case 'additionalProperties': {
        const key = (error.params as { additionalProperty: string }).additionalProperty
        const allowed = Object.keys(
          (error.parentSchema as SchemaNode | undefined)?.properties ?? {}
        )
        const match = didYouMean(key, allowed)
        if (match !== undefined) {
          const set = suggested.get(error.instancePath) ?? new Set<string>()
          set.add(match)
          suggested.set(error.instancePath, set)
        }
        problems.push({
          at,
          lineAt: [...at, key],
          message: `unknown key ${JSON.stringify(key)}${
            match !== undefined
              ? ` (did you mean ${JSON.stringify(match)}?)`
              : key === '<<'
                ? ''
                : `; expected one of: ${allowed.join(', ')}`
          }`
        })
        break
      }
      case 'propertyNames': {
        const name = (error.params as { propertyName: string }).propertyName
        problems.push({
          at,
          lineAt: [...at, name],
          message: `invalid environment name ${JSON.stringify(name)}: use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters`
        })
        break
      }
      case 'required': {
        const missing = (error.params as { missingProperty: string }).missingProperty
        let message = `missing required key ${JSON.stringify(missing)}`
        if (elseBranch && missing === 'kustomize') message = `a target needs ${TARGET_FORMS}`
        else if (missing === 'key') {
          message =
            'a helm target needs "key": where the image is in the values file, e.g. key: image or key: api.image'
        } else if (missing === 'targets') {
          message =
            'missing required key "targets" (the kustomize, helm, manifest or argocd files to pin images in)'
        }
        problems.push({ at, message, objectAt: error.instancePath, missing, elseBranch })
        break
      }
      case 'false schema': {
        const message = error.schemaPath.includes('/then/')
          ? `"${last}" and "${kindOfBranch(error.schemaPath)}" cannot be combined: each target is one or the other (add a second target)`
          : `"${last}" only applies to helm targets`
        problems.push({
          at: parentAt,
          lineAt: at,
          message,
          objectAt: error.instancePath.slice(0, error.instancePath.lastIndexOf('/')),
          elseBranch
        })
        break
      }
      case 'type': {
        const expected = (error.params as { type: string }).type
        let message = `must be ${TYPE_WORDS[expected] ?? expected}, got ${describe(error.data)}`
        if (expected === 'boolean' && typeof error.data === 'string') {
          message += ' (YAML 1.2: yes/no/on/off are strings)'
        } else if (expected === 'array' && typeof error.data === 'string') {
          message += ` (write a list: [${error.data}])`
        } else if (expected === 'object' && at[at.length - 2] === 'targets') {
          message = `must be a map: ${TARGET_FORMS}; got ${describe(error.data)}`
        }
        problems.push({ at, message })
        break
      }
      case 'enum': {
        const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String)
        const value = error.data
        const close = typeof value === 'string' ? suggestion(value, allowed) : ''
        problems.push({
          at,
          message: `must be one of ${allowed.map(v => JSON.stringify(v)).join(', ')}; got ${describe(value)}${close}`
        })
        break
      }
      case 'pattern': {
        if (error.propertyName !== undefined) break // reported by its propertyNames error
        const value = describe(error.data)
        problems.push({
          at,
          message:
            parentAt[parentAt.length - 1] === 'images'
              ? `${value} is not an image name: the last path component of the repository, lower case, as {name} (e.g. api for ghcr.io/acme/api)`
              : last === 'promote-from'
                ? `${value} is not a valid environment name`
                : `${value} does not match ${(error.params as { pattern: string }).pattern}`
        })
        break
      }
      case 'minItems':
        problems.push({
          at,
          message:
            last === 'targets'
              ? 'must list at least one target'
              : last === 'images'
                ? 'must list at least one image name (or leave "images" out for every image)'
                : `must list at least ${(error.params as { limit: number }).limit} item(s)`
        })
        break
      case 'minProperties':
        problems.push({ at, message: 'must define at least one environment' })
        break
      case 'minLength':
        problems.push({ at, message: 'must not be empty' })
        break
      default:
        problems.push({ at, message: error.message ?? `fails ${error.keyword}` })
    }
  }

  // One typo, one message: `kustomise:` is reported as an unknown key, not
  // also as a target without a kind.
  return problems.filter(problem => {
    if (problem.objectAt === undefined) return true
    const keys = suggested.get(problem.objectAt)
    if (keys === undefined) return true
    if (problem.missing !== undefined && keys.has(problem.missing)) return false
    if (problem.elseBranch && [...keys].some(key => KIND_KEYS.has(key))) return false
    return true
  })
}
