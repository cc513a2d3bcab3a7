/**
 * The lint rules: one YAML file's text in, findings out. Pure: no file
 * system, no registry; a reference is judged from its text alone.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node
} from 'yaml'
import { firstYamlProblem } from '../edit/yaml-text.js'
import { DEFAULT_TAG_POLICY, matchingMutablePattern, type TagPolicy } from '../policy/index.js'
import { formatReference, parseReference, type ImageReference } from '../reference/index.js'
import { compareFindings, type Finding, type FindingKind } from './finding.js'

export interface LintOptions {
  readonly policy?: TagPolicy
  /**
   * Image names whose tag a kustomization `images:` entry sets (see
   * kustomizeTagOverrides). A manifest container using one is a base whose
   * placeholder the overlays replace; the overlays are linted instead.
   */
  readonly overriddenImages?: ReadonlySet<string>
}

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization'])

export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_NAMES.has(file.slice(file.lastIndexOf('/') + 1))
}

/** Where each workload kind keeps its Pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  Rollout: ['spec', 'template', 'spec'], // Argo Rollouts
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec']
}
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const

const PIN_SUGGESTION =
  'push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest'
const NOT_SEEN =
  'a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image'

interface Entry {
  readonly key: Node
  /** The value with aliases resolved; undefined for a missing or broken alias. */
  readonly value: Node | undefined
}

interface Context {
  readonly file: string
  readonly lines: LineCounter
  readonly policy: TagPolicy
  readonly overridden: ReadonlySet<string>
  readonly found: Map<string, Finding>
  doc: Document.Parsed
  /** Nodes already walked (per image context), so aliases cost nothing and cannot loop. */
  seen: { plain: Set<Node>; image: Set<Node> }
  entries: Map<Node, Map<string, Entry>>
}

/**
 * Lints one file. `file` is the path shown in findings; its base name decides
 * whether the file is a kustomization. Malformed YAML becomes an
 * `invalid-yaml` warning for that document, never an exception.
 */
export function lintText(text: string, file: string, options: LintOptions = {}): Finding[] {
  // The parser counts a BOM as a character, which would shift line 1's columns.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const lines = new LineCounter()
  // Duplicate keys are found by firstYamlProblem: the library's check is quadratic per map.
  const docs = parseAllDocuments(source, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false
  })
  const context: Context = {
    file,
    lines,
    policy: options.policy ?? DEFAULT_TAG_POLICY,
    overridden: options.overriddenImages ?? new Set(),
    found: new Map(),
    doc: undefined as unknown as Document.Parsed,
    seen: { plain: new Set(), image: new Set() },
    entries: new Map()
  }
  for (const doc of Array.isArray(docs) ? docs : []) {
    context.doc = doc
    context.seen = { plain: new Set(), image: new Set() }
    context.entries = new Map()
    const error = firstYamlProblem(doc)
    if (error) {
      const { line, col } = lines.linePos(error.offset)
      add(context, line, col, {
        severity: 'warning',
        kind: guessKind(file, source),
        image: '',
        problem: 'invalid-yaml',
        message: `not valid YAML: ${firstLine(error.message)}`,
        suggestion: 'fix the syntax; the rest of this document was not checked'
      })
      continue
    }
    lintDocument(context, doc.contents)
  }
  return [...context.found.values()].sort(compareFindings)
}

/**
 * The `name` of every kustomization `images:` entry that sets a tag or
 * digest: Kustomize replaces the image of that name in the bases, so the
 * base's own tag is not what runs. Invalid YAML yields nothing.
 */
export function kustomizeTagOverrides(text: string, file: string): string[] {
  if (!isKustomizationFile(file)) return []
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const names: string[] = []
  for (const doc of parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false })) {
    if (firstYamlProblem(doc)) continue
    const images = doc.get('images', true)
    if (!isSeq(images)) continue
    for (const item of images.items) {
      const entry = isAlias(item) ? item.resolve(doc) : item
      if (!isMap(entry)) continue
      const field = (key: string) => nonEmpty(scalarText(entry.get(key, true)))
      const name = field('name')
      if (name !== undefined && (field('newTag') ?? field('digest')) !== undefined) names.push(name)
    }
  }
  return names
}

function lintDocument(context: Context, contents: unknown): void {
  const root = resolve(context, contents)
  if (root === undefined) return
  const top = isMap(root) ? entries(context, root) : new Map<string, Entry>()
  const apiVersion = scalarText(top.get('apiVersion')?.value)
  const kind = scalarText(top.get('kind')?.value)
  if (isKustomizationFile(context.file) || apiVersion?.startsWith('kustomize.config.k8s.io/')) {
    lintKustomizeImages(context, top.get('images')?.value)
  } else if (typeof apiVersion === 'string' && typeof kind === 'string') {
    lintManifest(context, top, apiVersion, kind)
  } else {
    walkHelmValues(context, root, false)
  }
}

// --- Kustomize -------------------------------------------------------------

function lintKustomizeImages(context: Context, images: Node | undefined): void {
  if (!isSeq(images)) return
  for (const item of images.items) {
    const entry = resolve(context, item)
    if (!isMap(entry)) continue
    const fields = entries(context, entry)
    const name = fields.get('name')
    const newName = fields.get('newName')
    const newTag = fields.get('newTag')
    const repository = nonEmpty(scalarText(newName?.value)) ?? nonEmpty(scalarText(name?.value))
    const tag = nonEmpty(scalarText(newTag?.value))
    if (repository === undefined || isTemplate(repository) || isTemplate(tag)) continue
    if (nonEmpty(scalarText(fields.get('digest')?.value)) !== undefined) continue // pinned
    if (tag === undefined) {
      const at = name?.value ?? newName?.value ?? entry
      report(context, at, {
        severity: 'warning',
        kind: 'kustomize',
        image: repository,
        problem: 'no-tag',
        message: "no newTag or digest: the base's tag is used",
        suggestion: 'run promote-image to set newTag and digest, so this overlay pins its own build'
      })
      continue
    }
    const ref = tryParse(`${repository}:${tag}`)
    if (ref) checkTagged(context, newTag!.value!, 'kustomize', ref)
  }
}

/** Argo CD Application `kustomize.images`: `[name=]newName[:tag][@digest]` strings. */
function lintArgoKustomizeImages(context: Context, images: Node | undefined): void {
  if (!isSeq(images)) return
  for (const item of images.items) {
    const node = resolve(context, item)
    const text = scalarText(node)
    if (node === undefined || typeof text !== 'string' || isTemplate(text)) continue
    const ref = tryParse(text.slice(text.indexOf('=') + 1))
    if (!ref || ref.digest !== undefined) continue
    if (ref.tag === undefined) {
      report(context, node, {
        severity: 'warning',
        kind: 'kustomize',
        image: formatReference(ref),
        problem: 'no-tag',
        message: "no tag or digest: the base's tag is used",
        suggestion: 'run promote-image to pin a tag and digest'
      })
    } else {
      checkTagged(context, node, 'kustomize', ref)
    }
  }
}

// --- Kubernetes manifests --------------------------------------------------

function lintManifest(
  context: Context,
  top: Map<string, Entry>,
  apiVersion: string,
  kind: string,
  depth = 0
): void {
  if (kind === 'List' || kind.endsWith('List')) {
    const items = top.get('items')?.value
    if (!isSeq(items)) return
    for (const item of items.items) {
      const resource = resolve(context, item)
      if (!isMap(resource)) continue
      const fields = entries(context, resource)
      const itemApi = scalarText(fields.get('apiVersion')?.value)
      const itemKind = scalarText(fields.get('kind')?.value)
      if (typeof itemApi === 'string' && typeof itemKind === 'string' && depth < 8) {
        lintManifest(context, fields, itemApi, itemKind, depth + 1)
      }
    }
    return
  }
  if (kind === 'Application' && apiVersion.startsWith('argoproj.io/')) {
    const spec = follow(context, top, ['spec'])
    const sources = [follow(context, spec, ['source'])]
    const list = spec?.get('sources')?.value
    if (isSeq(list)) {
      for (const s of list.items) {
        const source = resolve(context, s)
        if (isMap(source)) sources.push(entries(context, source))
      }
    }
    for (const source of sources) {
      lintArgoKustomizeImages(context, follow(context, source, ['kustomize'])?.get('images')?.value)
    }
    return
  }
  if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
    lintKustomizeImages(context, follow(context, top, ['spec'])?.get('images')?.value)
    return
  }
  const path = POD_SPEC_PATHS[kind]
  const podSpec = path && follow(context, top, path)
  if (!podSpec) return
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec.get(list)?.value
    if (!isSeq(containers)) continue
    for (const item of containers.items) {
      const container = resolve(context, item)
      if (isMap(container)) lintContainer(context, entries(context, container))
    }
  }
}

function lintContainer(context: Context, container: Map<string, Entry>): void {
  const node = container.get('image')?.value
  const text = scalarText(node)
  if (node === undefined || typeof text !== 'string' || isTemplate(text)) return
  const ref = tryParse(text)
  if (!ref || ref.digest !== undefined || context.overridden.has(ref.name)) return
  const pullPolicy = scalarText(container.get('imagePullPolicy')?.value)
  // Kubernetes defaults to Always only for `:latest` and untagged images.
  const defaulted = ref.tag === undefined || ref.tag === 'latest' ? 'Always' : 'IfNotPresent'
  const mutable =
    ref.tag === undefined || matchingMutablePattern(ref.tag, context.policy) !== undefined
  if (mutable && (pullPolicy ?? defaulted) === 'IfNotPresent') {
    const how = pullPolicy === undefined ? ' (the default for a tag other than latest)' : ''
    const tag = ref.tag ?? 'latest (implied: no tag)'
    report(context, node, {
      severity: 'error',
      kind: 'manifest',
      image: formatReference(ref),
      problem: 'pull-policy',
      message: `IfNotPresent${how} with mutable tag ${tag}: nodes keep the cached image and Argo CD shows Synced while pods run the old digest (incident: 'Synced, 0 updated')`,
      suggestion: `${PIN_SUGGESTION}; imagePullPolicy: Always alone would not restart running pods`
    })
    return
  }
  checkReference(context, node, 'manifest', ref)
}

// --- Helm values -----------------------------------------------------------

/**
 * Walks a values file. Under any key naming an image, a map with
 * `repository` is an image; anywhere, a string under `image` or `…Image` is
 * a whole reference.
 */
function walkHelmValues(context: Context, node: unknown, imageContext: boolean): void {
  const target = resolve(context, node)
  if (target === undefined) return
  const seen = imageContext ? context.seen.image : context.seen.plain
  if (seen.has(target)) return
  seen.add(target)
  if (isSeq(target)) {
    for (const item of target.items) walkHelmValues(context, item, imageContext)
  } else if (isMap(target)) {
    const fields = entries(context, target)
    if (imageContext && fields.has('repository')) lintHelmImageMap(context, fields)
    for (const [key, { value }] of fields) {
      if (isScalar(value)) {
        if (key === 'image' || key.endsWith('Image')) lintHelmImageString(context, value)
      } else {
        walkHelmValues(context, value, imageContext || /image/i.test(key))
      }
    }
  }
}

function lintHelmImageMap(context: Context, fields: Map<string, Entry>): void {
  const repository = fields.get('repository')!
  const tagEntry = fields.get('tag')
  const registry = nonEmpty(scalarText(fields.get('registry')?.value))
  const name = nonEmpty(scalarText(repository.value))
  const tag = nonEmpty(scalarText(tagEntry?.value))
  const digest = nonEmpty(scalarText(fields.get('digest')?.value))
  if (name === undefined || [registry, name, tag, digest].some(isTemplate)) return
  const ref = tryParse(
    `${registry ? `${registry}/` : ''}${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`
  )
  if (!ref || ref.digest !== undefined) return
  if (ref.tag === undefined) {
    // `tag: ""` (or none) makes most charts fall back to .Chart.AppVersion.
    const value = tagEntry?.value
    const at = isScalar(value) && value.value === '' ? value : (tagEntry?.key ?? repository.value)
    report(context, at ?? repository.key, {
      severity: 'warning',
      kind: 'helm',
      image: formatReference(ref),
      problem: 'empty-tag',
      message: `${tagEntry ? 'empty tag' : 'no tag'}: the chart's appVersion is used; pin it`,
      suggestion: 'run promote-image to set tag and digest to the build you mean to run'
    })
    return
  }
  checkTagged(context, tag !== undefined ? tagEntry!.value! : repository.value!, 'helm', ref)
}

function lintHelmImageString(context: Context, node: Node): void {
  const text = scalarText(node)
  if (typeof text !== 'string' || text === '' || isTemplate(text)) return
  const ref = tryParse(text)
  if (ref && ref.digest === undefined) checkReference(context, node, 'helm', ref)
}

// --- Verdicts --------------------------------------------------------------

/** An unpinned reference: no tag is an error, else judged by its tag. */
function checkReference(context: Context, at: Node, kind: FindingKind, ref: ImageReference): void {
  if (ref.tag !== undefined) return checkTagged(context, at, kind, ref)
  report(context, at, {
    severity: 'error',
    kind,
    image: formatReference(ref),
    problem: 'no-tag',
    message: `no tag: "latest" is pulled, a mutable tag; ${NOT_SEEN}`,
    suggestion: PIN_SUGGESTION
  })
}

function checkTagged(context: Context, at: Node, kind: FindingKind, ref: ImageReference): void {
  const tag = ref.tag!
  const image = formatReference(ref)
  const pattern = matchingMutablePattern(tag, context.policy)
  if (pattern !== undefined) {
    const matched = pattern.toLowerCase() === tag.toLowerCase() ? '' : ` (matches ${pattern})`
    report(context, at, {
      severity: 'error',
      kind,
      image,
      problem: 'mutable-tag',
      message: `mutable tag ${tag}${matched}: ${NOT_SEEN}`,
      suggestion: PIN_SUGGESTION
    })
  } else if (context.policy.allowTags && !context.policy.allowTags.test(tag)) {
    const { source, name = 'allow-tags' } = context.policy.allowTags
    report(context, at, {
      severity: 'error',
      kind,
      image,
      problem: 'mutable-tag',
      message: `tag ${tag} does not match ${name} /${source}/`,
      suggestion: `promote a tag that matches ${name}, or widen the pattern`
    })
  } else {
    report(context, at, {
      severity: 'warning',
      kind,
      image,
      problem: 'no-digest',
      message: `tag ${tag} has no digest: a re-push under the same tag would not be seen`,
      suggestion: 'run promote-image to pin it'
    })
  }
}

// --- YAML helpers ----------------------------------------------------------

type Report = Omit<Finding, 'file' | 'line' | 'column'>

function report(context: Context, node: Node, finding: Report): void {
  const { line, col } = context.lines.linePos(node.range?.[0] ?? 0)
  add(context, line, col, finding)
}

/** One finding per place and problem: an anchored value reached through aliases counts once. */
function add(context: Context, line: number, column: number, finding: Report): void {
  const key = `${line}:${column}:${finding.problem}:${finding.message}`
  if (!context.found.has(key))
    context.found.set(key, { file: context.file, line, column, ...finding })
}

function resolve(context: Context, node: unknown): Node | undefined {
  if (isAlias(node)) return node.resolve(context.doc) as Node | undefined
  return node === null || node === undefined ? undefined : (node as Node)
}

/**
 * A map's entries by key, aliases resolved and `<<` merge keys applied:
 * explicit keys win over merged ones, earlier merged maps over later ones.
 * Memoized per document, which also stops an alias cycle (`&a {<<: *a}`).
 */
function entries(context: Context, map: Node): Map<string, Entry> {
  const cached = context.entries.get(map)
  if (cached) return cached
  const result = new Map<string, Entry>()
  context.entries.set(map, result)
  if (!isMap(map)) return result
  const merged: Map<string, Entry>[] = []
  for (const pair of map.items) {
    const key = scalarText(pair.key)
    if (typeof key !== 'string' || !isScalar(pair.key)) continue
    const value = resolve(context, pair.value)
    if (key === '<<' && pair.key.type === 'PLAIN' && value !== undefined) {
      const sources = isSeq(value) ? value.items.map(i => resolve(context, i)) : [value]
      for (const source of sources) if (source !== undefined) merged.push(entries(context, source))
    } else if (!result.has(key)) {
      result.set(key, { key: pair.key, value })
    }
  }
  for (const fields of merged) {
    for (const [key, entry] of fields) if (!result.has(key)) result.set(key, entry)
  }
  return result
}

function follow(
  context: Context,
  start: Map<string, Entry> | undefined,
  path: readonly string[]
): Map<string, Entry> | undefined {
  let current = start
  for (const key of path) {
    const next = current?.get(key)?.value
    if (!isMap(next)) return undefined
    current = entries(context, next)
  }
  return current
}

/**
 * A scalar's text as written: `1.20` stays "1.20" (the parser reads a float),
 * null for an empty value, undefined for anything that is not a scalar.
 */
function scalarText(node: unknown): string | null | undefined {
  if (!isScalar(node)) return undefined
  if (node.value === null || node.value === undefined) return null
  if (typeof node.value === 'string') return node.value
  return node.source ?? String(node.value)
}

function nonEmpty(text: string | null | undefined): string | undefined {
  return typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined
}

/** Helm/Go templates and `${VAR}` substitutions are filled in later: not ours to judge. */
function isTemplate(text: string | undefined): boolean {
  return text !== undefined && (text.includes('{{') || text.includes('${'))
}

function tryParse(text: string): ImageReference | undefined {
  try {
    return parseReference(text)
  } catch {
    return undefined // not a reference (a name, a placeholder): nothing to pin
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

/** For a file that does not parse, the kind it would most likely have had. */
function guessKind(file: string, text: string): FindingKind {
  if (isKustomizationFile(file)) return 'kustomize'
  return /^apiVersion:/m.test(text) && /^kind:/m.test(text) ? 'manifest' : 'helm'
}
