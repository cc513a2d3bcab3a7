import type { MergeMethod } from '../model.js'
import type { ErrorObject } from 'ajv'

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type YAMLMap
} from 'yaml'
import { duplicateKeyOffsets, formatMiB, MAX_FILE_BYTES } from '../yaml/text.js'
import { ConfigError } from '../errors.js'
import { SCHEMA_URL, validatePromotionSchema } from './schema.js'
import { didYouMean, suggestion } from './suggest.js'
import { templateKeyProblem, templatePathProblem } from './targets.js'
import {
  DEFAULT_DIGEST_KEY,
  DEFAULT_REPOSITORY_KEY,
  DEFAULT_TAG_KEY,
  ENVIRONMENT_NAME,
  type ConfigProblem,
  type EnvironmentConfig,
  type PromotionConfig,
  type TargetTemplate
} from './types.js'
/** promotion.yaml is invalid; `problems` has every finding, `message` one line each. */
export class PromotionConfigError extends ConfigError {
  readonly file: string
  readonly problems: readonly ConfigProblem[]

  constructor(file: string, problems: readonly ConfigProblem[], hint?: string) {
    const first = problems[0]!
    super(problems.map(problem => formatProblem(file, problem)).join('\n'), {
      hint:
        hint ??
        `Fix ${file}; its schema is schema/promotion.schema.json. With "# yaml-language-server: $schema=${SCHEMA_URL}" as its first line, editors check it as you type.`,
      subject: `${file}:${first.line}`
    })
    this.file = file
    this.problems = problems
  }
}

/** `promotion.yaml:7: environments.prod.targets[0]: unknown key "kustomise"`; YAML syntax errors add the column. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.column > 0 ? `${problem.line}:${problem.column}` : `${problem.line}`
  return `${file}:${where}: ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`
}

type Segment = string
type Json = unknown

interface Finding {
  /** Where the message points (a JSON pointer's segments). */
  readonly at: readonly Segment[]
  /** Node whose line is reported; defaults to `at`. */
  readonly lineAt?: readonly Segment[]
  readonly message: string
  readonly hint?: string
}

/**
 * Pure: the text of promotion.yaml in, the validated config out. Throws
 * PromotionConfigError (a ConfigError) listing every problem found, each as
 * `file:line: path: message`; YAML syntax errors as `file:line:col: message`.
 */
export function parsePromotionConfig(text: string, file: string): PromotionConfig {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_FILE_BYTES) {
    throw new PromotionConfigError(
      file,
      [
        {
          line: 1,
          column: 0,
          path: '',
          message: `is ${formatMiB(bytes)}, larger than the ${formatMiB(MAX_FILE_BYTES)} promote-image reads`
        }
      ],
      `Point config-file at the promotion config itself; it lists environments and targets, a few KB.`
    )
  }
  const lineCounter = new LineCounter()
  // Duplicates are found below in linear time (the library's uniqueKeys is quadratic per map).
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: false,
    merge: true
  })
  const locate = new Locator(doc, lineCounter)

  // A duplicated environment or key silently replacing the first is a classic GitOps accident.
  const errors = [
    ...doc.errors.map(error => ({
      code: error.code,
      message: error.message,
      offset: error.pos[0]
    })),
    ...duplicateKeyOffsets(doc).map(offset => ({ code: 'DUPLICATE_KEY', message: '', offset }))
  ].sort((a, b) => a.offset - b.offset)
  if (errors.length > 0) {
    const problems = errors.map(error => {
      const position = lineCounter.linePos(error.offset)
      return {
        line: position.line,
        column: position.col,
        path: '',
        message: yamlErrorMessage(error.code, error.message, text.slice(error.offset))
      }
    })
    throw new PromotionConfigError(
      file,
      problems,
      errors.some(error => error.code === 'TAB_AS_INDENT')
        ? 'Indent with spaces: YAML does not allow tabs for indentation.'
        : `Fix the YAML syntax of ${file} at the line shown.`
    )
  }

  // toJS would throw on these without saying where.
  const structural: ConfigProblem[] = []
  const at = (node: { range?: [number, number, number] | null }, message: string): void => {
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0)
    structural.push({ line, column: col, path: '', message })
  }
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        at(alias, `alias *${alias.source} has no anchor &${alias.source} before it`)
      }
    },
    Pair(_, pair) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') return
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value]
      const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node)
      if (!sources.every(source => isMap(resolve(source)))) {
        at(pair.key, 'merge key << needs a map, an alias of a map, or a list of them')
      }
    }
  })
  if (structural.length > 0) throw new PromotionConfigError(file, structural)

  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === null)) {
    throw new PromotionConfigError(
      file,
      [{ line: 1, column: 0, path: '', message: 'is empty; expected a map with "environments:"' }],
      'Write at least: environments: → dev: → targets: → - kustomize: apps/{name}/overlays/dev (one level of indentation each).'
    )
  }
  if (!isMap(root)) {
    throw new PromotionConfigError(file, [
      {
        line: locate.lineOf([]),
        column: 0,
        path: '',
        message: `must be a map with "environments:", got ${isSeq(root) ? 'a list' : isScalar(root) ? describe(root.value) : 'an alias'}`
      }
    ])
  }

  let data: Json
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    // Excessive aliases (a "billion laughs" document).
    throw new PromotionConfigError(file, [
      { line: 1, column: 0, path: '', message: (error as Error).message }
    ])
  }

  // Object.keys puts integer-like names ("10") first; messages and the Map follow the file.
  const environmentNames =
    isRecord(data) && isRecord(data.environments)
      ? locate.keysOf(['environments'], data.environments)
      : []
  const findings = [
    ...schemaFindings(validatePromotionSchema(data)),
    ...semanticFindings(data, environmentNames)
  ]
  if (findings.length > 0) {
    const problems = findings.map(finding => ({
      line: locate.lineOf(finding.lineAt ?? finding.at),
      column: 0,
      path: displayPath(finding.at, data),
      message: finding.message
    }))
    const unique = [...new Map(problems.map(p => [formatProblem(file, p), p])).values()].sort(
      (a, b) =>
        a.line - b.line || a.path.localeCompare(b.path) || a.message.localeCompare(b.message)
    )
    throw new PromotionConfigError(
      file,
      unique,
      findings.length === 1 ? findings[0]!.hint : undefined
    )
  }

  return build(data as RawConfig, environmentNames, file, locate)
}

/** yaml's message without its " at line…" suffix and code frame (the location leads the line). */
function yamlErrorMessage(code: string, message: string, rest: string): string {
  const plain = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')
  switch (code) {
    case 'DUPLICATE_KEY': {
      // The error points at the second key; show it as written.
      const key = /^(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:#,{}[\]\n]*)/.exec(rest)![0].trim()
      return `duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : JSON.stringify(key)} (keys must be unique; a second one would silently replace the first)`
    }
    case 'MULTIPLE_DOCS':
      return 'contains more than one YAML document ("---"); the promotion config is a single map'
    case 'TAB_AS_INDENT':
      return 'tab used for indentation; YAML indents with spaces only'
    default:
      return plain
  }
}

/** Maps JSON pointers back to the YAML nodes they came from, for line numbers. */
class Locator {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly lineCounter: LineCounter
  ) {}

  /**
   * The line of the node at `segments`: a map entry's key line (where
   * `mode: pushh` is), a list item's first line. When the path ends early
   * (the node does not exist), the deepest node that does.
   */
  lineOf(segments: readonly Segment[]): number {
    let node: unknown = this.doc.contents
    let anchor: unknown = node
    for (const segment of segments) {
      node = this.deref(node)
      if (isMap(node)) {
        const pair = this.findPair(node, segment)
        if (pair === undefined) break
        anchor = pair.key
        node = pair.value
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)]
        if (item === undefined) break
        anchor = item
        node = item
      } else {
        break
      }
    }
    const offset = (anchor as { range?: [number, number, number] } | null)?.range?.[0] ?? 0
    return this.lineCounter.linePos(offset).line
  }

  /** The keys of the map at `segments` in file order (merged-in keys last), limited to those of `value`. */
  keysOf(segments: readonly Segment[], value: Record<string, unknown>): string[] {
    let node: unknown = this.doc.contents
    for (const segment of segments) {
      node = this.deref(node)
      node = isMap(node) ? this.findPair(node, segment)?.value : undefined
    }
    node = this.deref(node)
    const inFile = isMap(node) ? node.items.map(pair => keyText(pair.key)) : []
    const own = Object.keys(value)
    return [...new Set([...inFile.filter(key => own.includes(key)), ...own])]
  }

  /** A map entry by key, looking through `<<` merge keys as toJS does. */
  private findPair(
    map: YAMLMap,
    key: string,
    depth = 0
  ): { key: unknown; value: unknown } | undefined {
    const direct = map.items.find(pair => keyText(pair.key) === key)
    if (direct !== undefined || depth > 8) return direct
    for (const pair of map.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'symbol') continue
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value]
      for (const source of sources) {
        const merged = this.deref(source)
        if (isMap(merged)) {
          const found = this.findPair(merged, key, depth + 1)
          if (found !== undefined) return found
        }
      }
    }
    return undefined
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value)
  return String(key)
}

function pointer(instancePath: string): Segment[] {
  if (instancePath === '') return []
  return instancePath
    .split('/')
    .slice(1)
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** `environments.prod.targets[0].key`; keys with dots in ["…"]. */
function displayPath(segments: readonly Segment[], data: Json): string {
  let out = ''
  let node = data
  for (const segment of segments) {
    if (Array.isArray(node)) {
      out += `[${segment}]`
      node = node[Number(segment)]
    } else {
      out += /^[A-Za-z0-9_-]+$/.test(segment)
        ? `${out === '' ? '' : '.'}${segment}`
        : `[${JSON.stringify(segment)}]`
      node = isRecord(node) ? node[segment] : undefined
    }
  }
  return out
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** How a YAML value reads in a message. */
function describe(value: unknown): string {
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
  'either "kustomize: <directory or kustomization file>" or "helm: <values file>" with "key: <path to the image>"'

/** ajv's errors as messages a person can act on; wrapper errors dropped. */
function schemaFindings(errors: readonly ErrorObject[]): Finding[] {
  const findings: (Finding & { objectAt?: string; missing?: string; elseBranch?: boolean })[] = []
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
        findings.push({
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
        findings.push({
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
          message = 'missing required key "targets" (the kustomize or helm files to pin images in)'
        }
        findings.push({ at, message, objectAt: error.instancePath, missing, elseBranch })
        break
      }
      case 'false schema': {
        const message = error.schemaPath.includes('/then/')
          ? `"${last}" and "helm" cannot be combined: each target is one or the other (add a second target)`
          : `"${last}" only applies to helm targets`
        findings.push({
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
        findings.push({ at, message })
        break
      }
      case 'enum': {
        const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String)
        const value = error.data
        const close = typeof value === 'string' ? suggestion(value, allowed) : ''
        findings.push({
          at,
          message: `must be one of ${allowed.map(v => JSON.stringify(v)).join(', ')}; got ${describe(value)}${close}`
        })
        break
      }
      case 'pattern': {
        if (error.propertyName !== undefined) break // reported by its propertyNames error
        const value = describe(error.data)
        findings.push({
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
        findings.push({
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
        findings.push({ at, message: 'must define at least one environment' })
        break
      case 'minLength':
        findings.push({ at, message: 'must not be empty' })
        break
      default:
        findings.push({ at, message: error.message ?? `fails ${error.keyword}` })
    }
  }

  // One typo, one message: `kustomise:` is reported as an unknown key, not
  // also as a target without kustomize or helm.
  return findings.filter(finding => {
    if (finding.objectAt === undefined) return true
    const keys = suggested.get(finding.objectAt)
    if (keys === undefined) return true
    if (finding.missing !== undefined && keys.has(finding.missing)) return false
    if (finding.elseBranch && (keys.has('helm') || keys.has('kustomize'))) return false
    return true
  })
}

/** Rules JSON Schema cannot express: references between environments, safe paths. */
function semanticFindings(data: Json, names: readonly string[]): Finding[] {
  const findings: Finding[] = []
  if (!isRecord(data) || !isRecord(data.environments)) return findings
  const environments = data.environments

  const edges = new Map<string, string>()
  for (const name of names) {
    const environment = environments[name]
    if (!isRecord(environment)) continue
    const from = environment['promote-from']
    const at = ['environments', name, 'promote-from']
    if (typeof from === 'string' && ENVIRONMENT_NAME.test(from)) {
      if (from === name) {
        findings.push({ at, message: 'an environment cannot promote from itself' })
      } else if (!Object.hasOwn(environments, from)) {
        const close = suggestion(from, names)
        findings.push({
          at,
          message: `unknown environment ${JSON.stringify(from)}${close === '' ? `; environments: ${names.join(', ')}` : close}`
        })
      } else {
        edges.set(name, from)
      }
    }

    const targets = environment.targets
    if (!Array.isArray(targets)) continue
    targets.forEach((target: unknown, index) => {
      if (!isRecord(target)) return
      const targetAt = ['environments', name, 'targets', String(index)]
      for (const kind of ['kustomize', 'helm'] as const) {
        const path = target[kind]
        if (typeof path !== 'string' || path === '') continue
        const problem = templatePathProblem(path)
        if (problem !== undefined) {
          findings.push({
            at: targetAt,
            lineAt: [...targetAt, kind],
            message: `${kind} path ${JSON.stringify(path)} ${problem}`,
            hint: 'Target paths are relative to the config repository root, with "/" and without "..".'
          })
        }
      }
      const key = target.key
      if (typeof key === 'string' && key !== '') {
        const problem = templateKeyProblem(key)
        if (problem !== undefined) {
          findings.push({
            at: targetAt,
            lineAt: [...targetAt, 'key'],
            message: `key ${JSON.stringify(key)} ${problem}`,
            hint: 'Write the key as a dotted path with list indexes, e.g. image, api.image or containers[0].image.'
          })
        }
      }
    })
  }

  // Each environment has at most one promote-from, so a walk that comes back
  // to a node still on its own path has found a cycle; report it once.
  const state = new Map<string, 'walking' | 'done'>()
  for (const start of names) {
    const path: string[] = []
    let current: string | undefined = start
    while (current !== undefined && state.get(current) === undefined) {
      state.set(current, 'walking')
      path.push(current)
      current = edges.get(current)
    }
    if (current !== undefined && state.get(current) === 'walking') {
      const cycle = path.slice(path.indexOf(current))
      // Start the cycle at its first environment in the file.
      const first = names.find(name => cycle.includes(name))!
      const rotated = [
        ...cycle.slice(cycle.indexOf(first)),
        ...cycle.slice(0, cycle.indexOf(first))
      ]
      findings.push({
        at: ['environments', first, 'promote-from'],
        message: `cycle in promote-from: ${[...rotated, first].join(' → ')} (each promotes from the next)`,
        hint: 'Promotions flow one way (dev → staging → prod); remove promote-from from one environment of the cycle.'
      })
    }
    for (const name of path) state.set(name, 'done')
  }
  return findings
}

interface RawTarget {
  readonly kustomize?: string
  readonly helm?: string
  readonly key?: string
  readonly 'repository-key'?: string
  readonly 'tag-key'?: string
  readonly 'digest-key'?: string
  readonly 'add-digest-key'?: boolean
  readonly images?: string[]
}

interface RawEnvironment {
  readonly mode?: 'push' | 'pull-request'
  readonly 'promote-from'?: string
  readonly branch?: string
  readonly 'base-branch'?: string
  readonly labels?: string[]
  readonly reviewers?: string[]
  readonly 'team-reviewers'?: string[]
  readonly assignees?: string[]
  readonly draft?: boolean
  readonly 'auto-merge'?: MergeMethod
  readonly targets: RawTarget[]
}

interface RawConfig {
  readonly environments: Record<string, RawEnvironment>
}

/** Only called on data the schema and the semantic checks accepted. */
function build(
  raw: RawConfig,
  names: readonly string[],
  file: string,
  locate: Locator
): PromotionConfig {
  const environments = new Map<string, EnvironmentConfig>()
  for (const name of names) {
    const env = raw.environments[name]!
    const at = ['environments', name]
    const targets = env.targets.map((target, index): TargetTemplate => {
      const source = `${file}:${locate.lineOf([...at, 'targets', String(index)])}`
      const images = target.images === undefined ? {} : { images: target.images }
      if (target.helm !== undefined) {
        return {
          kind: 'helm',
          path: target.helm,
          key: target.key!,
          repositoryKey: target['repository-key'] ?? DEFAULT_REPOSITORY_KEY,
          tagKey: target['tag-key'] ?? DEFAULT_TAG_KEY,
          digestKey: target['digest-key'] ?? DEFAULT_DIGEST_KEY,
          addDigestKey: target['add-digest-key'] ?? false,
          ...images,
          source
        }
      }
      return { kind: 'kustomize', path: target.kustomize!, ...images, source }
    })
    environments.set(
      name,
      withoutUndefined({
        name,
        mode: env.mode,
        promoteFrom: env['promote-from'],
        branch: env.branch,
        baseBranch: env['base-branch'],
        labels: env.labels ?? [],
        reviewers: env.reviewers ?? [],
        teamReviewers: env['team-reviewers'] ?? [],
        assignees: env.assignees ?? [],
        draft: env.draft,
        autoMerge: env['auto-merge'],
        targets,
        source: `${file}:${locate.lineOf(at)}`
      })
    )
  }
  return { file, environments }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
