import { keyPathProblem } from '../yaml/index.js'
import { ConfigError } from '../errors.js'
import { normalizeRelativePath, relativePathProblem } from '../repo/index.js'
import { suggestion } from './suggest.js'
import {
  DEFAULT_DIGEST_KEY,
  DEFAULT_REPOSITORY_KEY,
  DEFAULT_TAG_KEY,
  ENVIRONMENT_NAME,
  IMAGE_NAME,
  TARGET_KINDS,
  type Target,
  type TargetTemplate
} from './types.js'

/** The placeholders target paths and keys may use. */
export const PLACEHOLDERS = ['name', 'environment'] as const
const PLACEHOLDER = /\{([^{}]*)\}/g

/** Why a template's placeholders are wrong (a verb phrase), or undefined. */
export function placeholderProblem(template: string): string | undefined {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1]!
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      return `uses unknown placeholder {${name}}${suggestion(name, PLACEHOLDERS)}; only {name} (the last path component of the image repository) and {environment} exist`
    }
  }
  return undefined
}

/** Replaces the placeholders; call placeholderProblem first. */
function fill(template: string, vars: { name: string; environment: string }): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name === 'name' ? vars.name : name === 'environment' ? vars.environment : whole
  )
}

/** A Helm template's chart and lower values files, placeholders filled, normalized. */
function helmFiles(
  template: { readonly chart?: string; readonly values?: readonly string[] },
  vars: { name: string; environment: string },
  fail: (what: string, value: string, why: string) => ConfigError
): { chart?: string; values?: string[] } {
  const expand = (what: string, text: string): string => {
    const problem = placeholderProblem(text)
    if (problem !== undefined) throw fail(what, text, problem)
    const path = fill(text, vars)
    const pathProblem = relativePathProblem(path)
    if (pathProblem !== undefined) throw fail(what, path, pathProblem)
    return normalizeRelativePath(path)
  }
  return {
    ...(template.chart === undefined ? {} : { chart: expand('chart', template.chart) }),
    ...(template.values === undefined
      ? {}
      : { values: template.values.map(file => expand('values file', file)) })
  }
}

/** Stand-in values to check a template's shape before any image is known. */
const SAMPLE = { name: 'x', environment: 'x' }

/** Why a target path template is unsafe (a verb phrase), or undefined. */
export function templatePathProblem(template: string): string | undefined {
  return placeholderProblem(template) ?? relativePathProblem(fill(template, SAMPLE))
}

/** Why a Helm key template is invalid (a verb phrase), or undefined. */
export function templateKeyProblem(template: string): string | undefined {
  return placeholderProblem(template) ?? keyPathProblem(fill(template, SAMPLE))
}

const SPEC_HINT =
  'Write one target per line: kustomize:<directory or kustomization file>, helm:<values file>#<key> (a values file or a Flux HelmRelease), manifest:<YAML file or directory> or argocd:<Application file>, e.g. kustomize:apps/api/overlays/prod, helm:charts/api/values.yaml#image, manifest:deploy/app.yaml or argocd:apps/api.yaml. Options follow "?": helm:values.yaml#api.image?tag-key=version&add-digest-key, and ?images=api,worker on every kind.'

/** What each kind's path names, for messages. */
const PATH_WORDS: Record<(typeof TARGET_KINDS)[number], string> = {
  kustomize: 'directory or file',
  helm: 'values file',
  manifest: 'YAML file or directory',
  argocd: 'Application file'
}

const HELM_OPTIONS = [
  'repository-key',
  'tag-key',
  'digest-key',
  'add-digest-key',
  'chart',
  'values',
  'images'
] as const
const PATH_ONLY_OPTIONS = ['images'] as const

/**
 * One line of the action's `targets` input or a CLI `--target`:
 *
 *   kustomize:<dir-or-file>[?images=a,b]
 *   helm:<values-file>#<key>[?option&option=value…]
 *   manifest:<yaml-file-or-dir>[?images=a,b]
 *   argocd:<application-file>[?images=a,b]
 *
 * Helm options: repository-key=K, tag-key=K, digest-key=K, add-digest-key
 * (or add-digest-key=true|false), chart=DIR (the chart that reads the values file),
 * values=a.yaml,b.yaml (lower values files, in order), images=a,b. So "#" and "?" cannot appear
 * in spec paths (promotion.yaml has no such limit). `{name}` and
 * `{environment}` work as in promotion.yaml.
 */
export function parseTargetSpec(spec: string, source: string): TargetTemplate {
  const text = spec.trim()
  const fail = (why: string): ConfigError =>
    new ConfigError(`${source}: target ${JSON.stringify(text)}: ${why}.`, {
      hint: SPEC_HINT,
      subject: source
    })
  const colon = text.indexOf(':')
  if (colon === -1) throw fail('must start with kustomize:, helm:, manifest: or argocd:')
  const written = text.slice(0, colon).trim()
  const kind = TARGET_KINDS.find(k => k === written)
  if (kind === undefined) {
    throw fail(
      `unknown kind ${JSON.stringify(written)}${suggestion(written, TARGET_KINDS)}; known kinds: ${TARGET_KINDS.join(', ')}`
    )
  }
  let body = text.slice(colon + 1)
  let query: string | undefined
  const question = body.indexOf('?')
  if (question !== -1) {
    query = body.slice(question + 1)
    body = body.slice(0, question)
  }

  const known: readonly string[] = kind === 'helm' ? HELM_OPTIONS : PATH_ONLY_OPTIONS
  const options = new Map<string, string | undefined>()
  for (const part of query === undefined ? [] : query.split('&')) {
    const eq = part.indexOf('=')
    const name = (eq === -1 ? part : part.slice(0, eq)).trim()
    const value = eq === -1 ? undefined : part.slice(eq + 1).trim()
    if (name === '') throw fail('empty option after "?" or "&"')
    if (!known.includes(name)) {
      throw fail(
        kind !== 'helm' && (HELM_OPTIONS as readonly string[]).includes(name)
          ? `option ${JSON.stringify(name)} only applies to helm targets`
          : `unknown option ${JSON.stringify(name)}${suggestion(name, known)}; known options: ${known.join(', ')}`
      )
    }
    if (options.has(name)) throw fail(`option ${JSON.stringify(name)} is given twice`)
    if (name !== 'add-digest-key' && (value === undefined || value === '')) {
      throw fail(`option ${JSON.stringify(name)} needs a value (${name}=…)`)
    }
    options.set(name, value)
  }

  let images: string[] | undefined
  const imageList = options.get('images')
  if (imageList !== undefined) {
    images = imageList.split(',').map(name => name.trim())
    const bad = images.find(name => !IMAGE_NAME.test(name))
    if (bad !== undefined) {
      throw fail(
        `images lists ${JSON.stringify(bad)}, which is not an image name (the last path component of the repository, lower case, as {name})`
      )
    }
  }

  let path = body
  let key: string | undefined
  const hash = body.indexOf('#')
  if (hash !== -1) {
    path = body.slice(0, hash)
    key = body.slice(hash + 1).trim()
  }
  path = path.trim()
  if (path === '') throw fail(`missing the ${PATH_WORDS[kind]}`)
  const pathProblem = templatePathProblem(path)
  if (pathProblem !== undefined) throw fail(`path ${JSON.stringify(path)} ${pathProblem}`)

  if (kind !== 'helm') {
    if (key !== undefined) throw fail(`${kind} targets take no #key (only helm:<file>#<key> does)`)
    return { kind, path, ...(images && { images }), source }
  }
  if (key === undefined || key === '') {
    throw fail('missing #key: a helm target needs the path to the image, e.g. #image or #api.image')
  }
  const keyProblem = templateKeyProblem(key)
  if (keyProblem !== undefined) throw fail(`key ${JSON.stringify(key)} ${keyProblem}`)

  let addDigestKey = false
  if (options.has('add-digest-key')) {
    const value = options.get('add-digest-key')
    if (value === undefined || value === 'true') addDigestKey = true
    else if (value !== 'false') {
      throw fail(
        `add-digest-key=${value}: write add-digest-key, add-digest-key=true or add-digest-key=false`
      )
    }
  }
  const chart = options.get('chart')
  const values = options
    .get('values')
    ?.split(',')
    .map(file => file.trim())
  for (const file of [...(chart === undefined ? [] : [chart]), ...(values ?? [])]) {
    const problem = file === '' ? 'is empty' : templatePathProblem(file)
    if (problem !== undefined) throw fail(`path ${JSON.stringify(file)} ${problem}`)
  }
  return {
    kind,
    path,
    key,
    ...(chart === undefined ? {} : { chart }),
    ...(values === undefined ? {} : { values }),
    repositoryKey: options.get('repository-key') ?? DEFAULT_REPOSITORY_KEY,
    tagKey: options.get('tag-key') ?? DEFAULT_TAG_KEY,
    digestKey: options.get('digest-key') ?? DEFAULT_DIGEST_KEY,
    addDigestKey,
    ...(images && { images }),
    source
  }
}

/**
 * The targets of one environment for one image. `{name}` is the last path
 * component of the image repository, `{environment}` the environment.
 * Templates whose `images` leave `name` out are skipped, so the result may
 * be empty (the caller decides whether that is an error). Identical targets
 * from different templates are kept once.
 */
export function expandTargets(
  templates: readonly TargetTemplate[],
  vars: { name: string; environment: string }
): Target[] {
  // Both come from validated inputs; a "/" or ".." here would move the target.
  // The environment may be '' (inline targets without one): then {environment} is an error.
  if (
    !IMAGE_NAME.test(vars.name) ||
    !(vars.environment === '' || ENVIRONMENT_NAME.test(vars.environment))
  ) {
    throw new ConfigError(
      `Cannot expand targets for image name ${JSON.stringify(vars.name)} in environment ${JSON.stringify(vars.environment)}.`,
      {
        hint: 'Image names are the last path component of the repository; environment names are letters, digits, ".", "_" and "-".'
      }
    )
  }
  const targets: Target[] = []
  const seen = new Set<string>()
  for (const template of templates) {
    if (template.images !== undefined && !template.images.includes(vars.name)) continue
    const fail = (what: string, value: string, why: string): ConfigError =>
      new ConfigError(`${template.source}: ${what} ${JSON.stringify(value)} ${why}.`, {
        hint: 'Target paths and keys may use {name} and {environment}; expanded paths must stay inside the repository.',
        subject: template.source
      })
    const placeholders = placeholderProblem(template.path)
    if (placeholders !== undefined) throw fail('target path', template.path, placeholders)
    const usesEnvironment = (text: string): boolean => text.includes('{environment}')
    if (
      vars.environment === '' &&
      (usesEnvironment(template.path) ||
        (template.kind === 'helm' &&
          [template.key, template.chart ?? '', ...(template.values ?? [])].some(usesEnvironment)))
    ) {
      throw new ConfigError(
        `${template.source}: target uses {environment}, but no environment is selected.`,
        {
          hint: 'Pass an environment (input environment, --environment), or write the path without {environment}.',
          subject: template.source
        }
      )
    }
    const path = fill(template.path, vars)
    const pathProblem = relativePathProblem(path)
    if (pathProblem !== undefined) throw fail('target path', path, pathProblem)
    const base = { path: normalizeRelativePath(path), source: template.source }

    let target: Target
    if (template.kind !== 'helm') {
      target = { kind: template.kind, ...base }
    } else {
      const keyPlaceholders = placeholderProblem(template.key)
      if (keyPlaceholders !== undefined) throw fail('key', template.key, keyPlaceholders)
      const key = fill(template.key, vars)
      const keyProblem = keyPathProblem(key)
      if (keyProblem !== undefined) throw fail('key', key, keyProblem)
      target = {
        kind: 'helm',
        ...base,
        key,
        repositoryKey: template.repositoryKey,
        tagKey: template.tagKey,
        digestKey: template.digestKey,
        addDigestKey: template.addDigestKey,
        ...helmFiles(template, vars, fail)
      }
    }
    const identity = JSON.stringify([
      target.kind,
      target.path,
      target.kind === 'helm' ? target.key : ''
    ])
    if (seen.has(identity)) continue
    seen.add(identity)
    targets.push(target)
  }
  return targets
}
