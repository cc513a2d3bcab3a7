/**
 * Which YAML lint reads. A document is Kubernetes when it has `apiVersion`
 * and `kind` strings; a kustomization by its file name or apiVersion; Helm
 * values by where it lives or how it spells images. Anything else (a
 * docker-compose file, a CI pipeline, an Ansible playbook, an OpenAPI spec)
 * holds `image:` keys that no GitOps controller deploys: it is skipped with
 * a note naming what it looks like, never reported.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml'
import { entries, resolve, scalarText, type Context, type Entry } from './context.js'

/** Top-level keys of a Compose file (compose-spec's schema); `x-*` are extensions. */
const COMPOSE_KEYS = new Set([
  'version',
  'name',
  'include',
  'services',
  'networks',
  'volumes',
  'configs',
  'secrets',
  'models'
])

/**
 * What a document without apiVersion and kind looks like, by its top-level
 * keys; undefined when it may be Helm values. Each test names keys only that
 * format uses together, so a values file is not mistaken for one.
 */
const OTHER_FORMATS: readonly (readonly [string, (top: Map<string, Entry>) => boolean])[] = [
  [
    'docker-compose',
    top =>
      isMap(top.get('services')?.value) &&
      [...top.keys()].every(key => COMPOSE_KEYS.has(key) || key.startsWith('x-'))
  ],
  ['GitHub Actions workflow', top => top.has('on') && isMap(top.get('jobs')?.value)],
  ['GitHub Action metadata', top => top.has('name') && isMap(top.get('runs')?.value)],
  ['GitLab CI', top => isSeq(top.get('stages')?.value) || hasJob(top, 'script', 'stage')],
  ['CircleCI config', top => top.has('version') && (top.has('workflows') || top.has('orbs'))],
  [
    'Azure Pipelines',
    top =>
      (top.has('trigger') || top.has('pool') || top.has('pr')) &&
      ['steps', 'jobs', 'stages'].some(key => isSeq(top.get(key)?.value))
  ],
  ['Bitbucket Pipelines', top => isMap(top.get('pipelines')?.value)],
  ['Travis CI', top => top.has('language') && (top.has('script') || top.has('install'))],
  [
    'a build pipeline (Cloud Build, Drone, Buildkite…)',
    top => isSeq(top.get('steps')?.value) && !top.has('image')
  ],
  ['OpenAPI', top => top.has('openapi') || top.has('swagger')],
  ['AsyncAPI', top => top.has('asyncapi')],
  ['Taskfile', top => top.has('version') && isMap(top.get('tasks')?.value)],
  ['MkDocs', top => top.has('site_name')],
  [
    'Helm chart metadata',
    top => top.has('apiVersion') && top.has('name') && top.has('version') && !top.has('kind')
  ]
]

/** A top-level map entry holding every one of `keys` (a CI job). */
function hasJob(top: Map<string, Entry>, ...keys: string[]): boolean {
  return [...top.values()].some(({ value }) => isMap(value) && keys.every(key => value.has(key)))
}

/** Helm's own files beside values.yaml that are not values. */
const CHART_FILES = new Set(['Chart.yaml', 'Chart.lock', 'requirements.yaml', 'requirements.lock'])

export type Reading =
  | { readonly as: 'kustomize' | 'manifest' | 'helm' }
  | { readonly as: 'skip'; readonly reason: string }

/**
 * How to read one document (`root` with aliases resolved, `top` its entries).
 * `file` is the path as shown; `inChart` says a Chart.yaml sits beside it.
 */
export function readingOf(
  context: Context,
  root: Node,
  top: Map<string, Entry>,
  inChart: boolean
): Reading {
  const apiVersion = scalarText(top.get('apiVersion')?.value)
  const kind = scalarText(top.get('kind')?.value)
  const name = context.file.slice(context.file.lastIndexOf('/') + 1)
  if (apiVersion?.startsWith('kustomize.config.k8s.io/')) return { as: 'kustomize' }
  if (typeof apiVersion === 'string' && typeof kind === 'string') return { as: 'manifest' }
  if (isScalar(root)) return { as: 'skip', reason: 'not Kubernetes YAML (a scalar)' }
  if (isSeq(root)) {
    // Helm values are a map; a list at the top is Ansible tasks, a JSON patch, …
    const what = isAnsible(context, root) ? 'Ansible' : 'a list at the top'
    return { as: 'skip', reason: `not Kubernetes YAML (${what})` }
  }
  if (CHART_FILES.has(name)) return { as: 'skip', reason: 'Helm chart metadata' }
  if (/^promotion\.ya?ml$/.test(name) && top.has('environments'))
    return { as: 'skip', reason: "promote-image's own configuration" }
  const format = OTHER_FORMATS.find(([, test]) => test(top))?.[0]
  if (format !== undefined) return { as: 'skip', reason: `not Kubernetes YAML (${format})` }
  if (inChart || looksLikeValuesFile(context.file) || hasImageMap(context, root, false, new Set()))
    return { as: 'helm' }
  return {
    as: 'skip',
    reason:
      'not Kubernetes YAML (no apiVersion and kind) and not Helm values (not named *values*, not beside a Chart.yaml, no image: {repository: …} map)'
  }
}

/** `values.yaml`, `values-prod.yaml`, `prod.values.yml`, `values/prod.yaml`. */
export function looksLikeValuesFile(file: string): boolean {
  const parts = file.split('/')
  return parts.slice(-2).some(part => /values/i.test(part))
}

function isAnsible(context: Context, list: Node): boolean {
  if (!isSeq(list)) return false
  const keys = ['hosts', 'tasks', 'roles', 'import_playbook', 'include_tasks', 'ansible.builtin']
  return list.items.some(item => {
    const play = resolve(context, item)
    if (!isMap(play)) return false
    return [...entries(context, play).keys()].some(key =>
      keys.some(k => key === k || key.startsWith(`${k}.`))
    )
  })
}

/** The Helm chart convention `image: {repository: …}` (any key naming an image) anywhere below. */
function hasImageMap(context: Context, node: Node, imageKey: boolean, seen: Set<Node>): boolean {
  // Each node once (per context is enough: a repository under it is found either way).
  if (seen.has(node)) return false
  seen.add(node)
  if (isSeq(node)) {
    return node.items.some(item => {
      const target = resolve(context, item)
      return target !== undefined && hasImageMap(context, target, imageKey, seen)
    })
  }
  if (!isMap(node)) return false
  const fields = entries(context, node)
  if (imageKey && fields.has('repository')) return true
  return [...fields].some(
    ([key, { value }]) =>
      value !== undefined && hasImageMap(context, value, imageKey || /image/i.test(key), seen)
  )
}
