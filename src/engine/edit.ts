/**
 * The edit stage of a promotion: targets → pure edits → render proof →
 * (unless dry run) files written. Nothing is written until every edit and
 * every render succeeded, so a refusal leaves the config repo untouched.
 */
import type {
  EditResult,
  ImageValueChange,
  VerifyRenderMode,
  DowngradePolicy,
  ResolvedImage
} from '../model.js'
import { readFile, rename, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createTwoFilesPatch } from 'diff'
import {
  environmentOf,
  expandTargets,
  parsePromotionConfig,
  parseTargetSpec,
  type HelmTarget,
  type Target,
  type TargetTemplate
} from '../config/index.js'
import {
  findKustomization,
  findManifestFiles,
  MissingPathError,
  realRelativePath,
  resolveInRepo
} from '../repo/index.js'
import { ConfigError, PolicyError, type OptionNames } from '../errors.js'
import {
  editArgoApplication,
  editHelmValues,
  editManifests,
  isHelmReleaseValues,
  readArgoPin,
  readHelmPin,
  readKustomizationPin,
  readManifestPin,
  type EditOutcome,
  type HelmKeys,
  type ManifestFile,
  type PinRequest
} from '../edit/index.js'
import type { Logger } from '../log/logger.js'
import { checkDowngrade, chooseTag } from '../policy/index.js'
import { canonicalRepository, parseReference, repositoryName } from '../reference/index.js'
import { digestFormWithoutProof, proveHelmEdits, type HelmProof } from './prove-helm.js'
import { editOverlay, proveOverlays } from './kustomize.js'
import { proveManifests } from './manifests.js'
import { locateHelmChart, type ChartLookup } from '../render/index.js'

export interface EditRequest {
  /** The config repository's working tree (absolute). */
  readonly repoRoot: string
  /** The environment from promotion.yaml; with inline targets, only names `{environment}`. */
  readonly environment?: string
  /** Inline targets (`kustomize:<path>`, `helm:<file>#<key>`), instead of promotion.yaml. */
  readonly targets?: readonly string[]
  readonly configFile: string
  readonly images: readonly ResolvedImage[]
  readonly verifyRender: VerifyRenderMode
  readonly dryRun: boolean
  readonly env?: NodeJS.ProcessEnv
  /** Moving to a lower semver tag: `warn` (default), `false` refuses, `true` allows. */
  readonly allowDowngrade?: DowngradePolicy
  /** The target templates, when the caller already loaded them (see loadTargets). */
  readonly templates?: readonly TargetTemplate[]
  /** How messages name settings (the CLI passes its flags); default the action's inputs. */
  readonly names?: OptionNames
}

export async function editConfigRepo(request: EditRequest, logger: Logger): Promise<EditResult> {
  const templates = request.templates ?? (await loadTargets(request))
  const texts = new Map<string, { before: string; after: string }>()
  const changes = new Map<string, ImageValueChange[]>()
  const warnings: string[] = []
  const kustomizeDirs = new Map<string, Set<ResolvedImage>>()
  const manifestTargets = new Map<string, { files: string[]; images: Set<ResolvedImage> }>()
  const helmProofs: HelmProof[] = []
  const charts = new Map<string, Promise<ChartLookup>>()

  for (const builds of oneBuildPerRepository(request.images)) {
    const first = builds[0]!
    const targets = targetsOf(templates, first, request.environment)
    if (targets.length === 0) {
      throw new ConfigError(
        `No target for image ${first.input}${request.environment ? ` in environment ${request.environment}` : ''}.`,
        {
          hint: `Add a target for {name} = ${repositoryName(first.reference)}, or drop images: restrictions that exclude it.`
        }
      )
    }
    for (const image of builds) {
      if (image.reference.tag === undefined) {
        throw new PolicyError(
          `Image ${image.input} has no tag; the config repo gets tag and digest, so people can read what runs.`,
          {
            hint: `Pass the tag too: ${image.reference.name}:<tag>@${image.digest}.`
          }
        )
      }
    }
    for (const target of targets) {
      const targetFiles = await filesOf(request.repoRoot, target)
      for (const file of targetFiles) {
        if (!texts.has(file)) texts.set(file, await read(request.repoRoot, file))
      }
      const now = targetFiles.map(file => ({ file, text: texts.get(file)!.after }))
      const file = now[0]!.file
      // Helm: the chart that reads the file, and the values beneath it (the editor reads them).
      const chart =
        target.kind !== 'helm'
          ? undefined
          : isHelmReleaseValues(now[0]!.text, file, target.key)
            ? helmReleaseUnrendered(file)
            : await locateChartOnce(request, target, file, charts)
      const lower = chart && ('chart' in chart ? chart.chart.lower : chart.lower)
      const keys = target.kind === 'helm' ? { ...target, lower } : target
      const image = builds.length === 1 ? first : tagFor(builds, keys, now)
      const pin: PinRequest = {
        repository: canonicalRepository(image.reference),
        name: image.reference.name,
        tag: image.reference.tag!,
        digest: image.pin === 'digest' ? image.digest : undefined
      }
      if (target.kind === 'helm' && chart) helmProofs.push({ target, file, image, pin, chart })
      const digestForm =
        target.kind === 'helm' && chart && pin.digest
          ? await digestFormWithoutProof(request, chart, target, file, logger)
          : undefined
      const edit = keys.kind === 'helm' ? { ...keys, ...(digestForm && { digestForm }) } : keys
      const { outcomes, deployers } = await editTarget(request, edit, now, pin, texts, logger)
      outcomes.forEach((outcome, i) => {
        const file = now[i]!.file
        for (const change of outcome.changes) {
          const tags = downgradeTags(target, change)
          if (!tags) continue
          const warning = checkDowngrade(
            `${change.file}:${change.line}`,
            tags.old,
            tags.new,
            request.allowDowngrade ?? 'warn',
            request.names
          )
          if (warning) {
            logger.warning(warning)
            warnings.push(warning)
          }
        }
        texts.set(file, { before: texts.get(file)!.before, after: outcome.text })
        const list = changes.get(file) ?? []
        list.push(
          ...outcome.changes.map(c => ({
            ...c,
            image: image.input,
            environment: request.environment
          }))
        )
        changes.set(file, list)
      })
      for (const dir of deployers) {
        kustomizeDirs.set(dir, (kustomizeDirs.get(dir) ?? new Set()).add(image))
      }
      if (target.kind === 'manifest') {
        const proof = manifestTargets.get(target.path) ?? { files: targetFiles, images: new Set() }
        manifestTargets.set(target.path, { ...proof, images: proof.images.add(image) })
      }
      if (target.kind === 'argocd' && request.verifyRender !== 'false') {
        logger.info(
          `${target.path}: no render proof for Argo CD Application files; Argo CD renders their sources from their repositories.`
        )
      }
    }
  }

  const edited = [...texts]
    .filter(([, t]) => t.before !== t.after)
    .map(([file, t]) => ({ file, ...t, changes: changes.get(file) ?? [] }))
  const kustomizeRenders = await proveOverlays(request, edited, kustomizeDirs, logger)
  const manifestRenders = proveManifests(request, edited, manifestTargets, logger)
  const helm = await proveHelmEdits(request, edited, helmProofs, logger)
  const files = helm.files
  const renders = [...kustomizeRenders, ...manifestRenders, ...helm.reports]
  const diff = files.map(f => unifiedDiff(f.file, f.before, f.after)).join('')

  if (!request.dryRun) {
    for (const f of files) await writeAtomically(request.repoRoot, f.file, f.after)
  }
  return {
    files,
    renders,
    diff,
    written: !request.dryRun && files.length > 0,
    ...(warnings.length > 0 && { warnings })
  }
}

/**
 * The images grouped by repository. Several tags of one build (docker/metadata-action's
 * `v1.4.2` and `sha-3f9c2d1`) are one group, and each target gets one of them (tagFor);
 * different digests for one repository cannot both be pinned, and are refused.
 */
function oneBuildPerRepository(images: readonly ResolvedImage[]): ResolvedImage[][] {
  const groups = new Map<string, ResolvedImage[]>()
  for (const image of images) {
    const repository = canonicalRepository(image.reference)
    const group = groups.get(repository) ?? []
    const other = group.find(i => i.digest !== image.digest)
    if (other) {
      throw new PolicyError(
        `Images ${other.input} and ${image.input} are one repository, ${repository}, with different digests (${other.digest}, ${image.digest}): a promotion pins one build per repository.`,
        {
          hint: 'Pass the tags of one build (the same digest), or promote each build in a run of its own.',
          subject: image.input
        }
      )
    }
    groups.set(repository, [...group, image])
  }
  return [...groups.values()]
}

/**
 * One target's edit, per kind: one outcome per file of the target, in its order, and the
 * kustomizations whose render proves it (kustomize targets only).
 */
async function editTarget(
  request: EditRequest,
  target: Target | (HelmTarget & HelmKeys),
  now: readonly ManifestFile[],
  pin: PinRequest,
  texts: ReadonlyMap<string, { after: string }>,
  logger: Logger
): Promise<{ outcomes: EditOutcome[]; deployers: string[] }> {
  const { file, text } = now[0]!
  switch (target.kind) {
    case 'helm':
      return { outcomes: [editHelmValues(text, file, pin, target)], deployers: [] }
    case 'kustomize': {
      const changed = new Map([...texts].map(([f, t]) => [f, t.after]))
      const { outcome, deployers } = await editOverlay(request, file, text, pin, changed, logger)
      return { outcomes: [outcome], deployers }
    }
    case 'manifest':
      return { outcomes: editManifests(now, pin, target.path), deployers: [] }
    case 'argocd':
      return { outcomes: [editArgoApplication(text, file, pin)], deployers: [] }
  }
}

/**
 * A Flux HelmRelease's values are not a values file beside a chart: its chart is the one
 * spec.chart names (helmReleaseCharts reads it), which the Helm render proof does not render
 * yet. Until it does, the proof is unavailable for it (skipped with verify-render auto, refused
 * with true), rather than rendering a chart found near the file with the whole manifest as values.
 */
function helmReleaseUnrendered(file: string): ChartLookup {
  return {
    unavailable: `${file} is a Flux HelmRelease, whose chart (spec.chart) the Helm render proof does not render yet`,
    lower: {}
  }
}

/** The chart of a Helm target's file, looked up once per file, chart and values files. */
function locateChartOnce(
  request: EditRequest,
  target: HelmTarget,
  file: string,
  cache: Map<string, Promise<ChartLookup>>
): Promise<ChartLookup> {
  const key = JSON.stringify([file, target.chart, target.values])
  let lookup = cache.get(key)
  if (!lookup)
    cache.set(key, (lookup = locateHelmChart(request.repoRoot, { ...target, path: file })))
  return lookup
}

/** Of several tags of one build, the one this target gets: chooseTag, given what it pins now. */
function tagFor(
  builds: readonly ResolvedImage[],
  target: Target | (HelmTarget & HelmKeys),
  now: readonly ManifestFile[]
): ResolvedImage {
  const repository = canonicalRepository(builds[0]!.reference)
  const { file, text } = now[0]!
  const pinned = {
    helm: () => (target.kind === 'helm' ? readHelmPin(text, file, repository, target) : undefined),
    kustomize: () => readKustomizationPin(text, file, repository),
    manifest: () => readManifestPin(now, repository),
    argocd: () => readArgoPin(text, file, repository)
  }[target.kind]()
  const tag = chooseTag(
    builds.map(image => image.reference.tag!),
    pinned?.tag
  )
  return builds.find(image => image.reference.tag === tag)!
}

/** The targets of one image: templates expanded with {name} and {environment}. */
export function targetsOf(
  templates: readonly TargetTemplate[],
  image: ResolvedImage,
  environment: string | undefined
): Target[] {
  return expandTargets(templates, {
    name: repositoryName(image.reference),
    environment: environment ?? ''
  })
}

/** A git-style unified diff (jsdiff adds an index rule and empty header tabs). */
function unifiedDiff(file: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, '', '')
    .replace(/^=+\n/, '')
    .replace(/\t$/gm, '')
}

/** The target templates: the inline ones, or the environment's in promotion.yaml. */
export async function loadTargets(
  request: Pick<EditRequest, 'targets' | 'environment' | 'repoRoot' | 'configFile'>
): Promise<TargetTemplate[]> {
  if (request.targets && request.targets.length > 0) {
    return request.targets.map((spec, i) => parseTargetSpec(spec, `target ${i + 1}`))
  }
  if (!request.environment) {
    throw new ConfigError('No environment and no targets: nothing says where to promote.', {
      hint: 'Pass an environment from promotion.yaml, or targets such as kustomize:apps/{name}/overlays/dev.'
    })
  }
  const path = await resolveInRepo(request.repoRoot, request.configFile).catch((error: unknown) => {
    // Only a missing file calls for adding one; a missing --dir, a symlink
    // out of the repository or a loop keep their own message and hint.
    if (!(error instanceof MissingPathError)) throw error
    throw new ConfigError(
      `Cannot read the promotion config ${request.configFile}: ${error.message}`,
      {
        hint: `Add ${request.configFile} to the config repo (see schema/promotion.schema.json), or pass targets.`,
        subject: request.configFile,
        cause: error
      }
    )
  })
  const config = parsePromotionConfig(await readFile(path, 'utf8'), request.configFile)
  return [...environmentOf(config, request.environment).targets]
}

/** The files a target edits: one, or a manifest directory's YAML files. */
async function filesOf(repoRoot: string, target: Target): Promise<string[]> {
  if (target.kind === 'kustomize') return [await findKustomization(repoRoot, target.path)]
  if (target.kind === 'manifest') return findManifestFiles(repoRoot, target.path)
  return [await realRelativePath(repoRoot, target.path)]
}

/** The tags a change moves between, for the downgrade check; undefined for other values. */
function downgradeTags(
  target: Target,
  change: { path: string; old?: string; new?: string }
): { old?: string; new?: string } | undefined {
  const each = (tagOf: (value: string) => string | undefined) => ({
    old: change.old && tagOf(change.old),
    new: change.new && tagOf(change.new)
  })
  switch (target.kind) {
    case 'kustomize':
      return /(?:^|\.)newTag$/.test(change.path) ? change : undefined
    case 'helm':
      if (change.path === target.key) return each(tagOfReference)
      return /(?:^|\.)tag$/.test(change.path) ? change : undefined
    case 'manifest':
      return each(tagOfReference)
    case 'argocd':
      return each(tagOfOverride)
  }
}

/**
 * The tag in an Application override's value: a whole reference, a kustomize image
 * (`name=repo:tag`), or a tag parameter (`1.4.2`, `1.4.2@sha256:…`); none in a digest.
 */
function tagOfOverride(value: string): string | undefined {
  if (value.startsWith('sha256:')) return undefined
  const tag = tagOfReference(value.slice(value.indexOf('=') + 1))
  return tag ?? value.split('@')[0]
}

async function read(repoRoot: string, file: string): Promise<{ before: string; after: string }> {
  const text = await readFile(await resolveInRepo(repoRoot, file, { mustExist: true }), 'utf8')
  return { before: text, after: text }
}

/** The tag of a whole reference (Helm's string form), if it parses. */
function tagOfReference(value: string): string | undefined {
  try {
    return parseReference(value).tag
  } catch {
    return undefined
  }
}

/** Write to a temporary sibling, then rename: a crash never leaves half a file. */
async function writeAtomically(repoRoot: string, file: string, text: string): Promise<void> {
  const path = await resolveInRepo(repoRoot, file, { mustExist: true })
  const { mode } = await stat(path)
  const temporary = `${dirname(path)}/.promote-image-${process.pid}-${Date.now()}.tmp`
  await writeFile(temporary, text, { mode })
  await rename(temporary, path)
}
