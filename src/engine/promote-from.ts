/**
 * Environment promotion: the exact builds that run in one environment
 * (their pinned tag + digest, read from its targets) become the next
 * environment's — staging's bits to prod, never a rebuild or a re-tag.
 */
import {
  environmentOf,
  expandTargets,
  parsePromotionConfig,
  type HelmTarget,
  type TargetTemplate
} from '../config/index.js'
import { locateHelmChart } from '../render/index.js'
import { KUSTOMIZATION_FILE_NAMES, manifestFilesIn, type TreeReader } from '../repo/index.js'
import {
  argoRepositories,
  helmPin,
  kustomizationPins,
  manifestRepositories,
  readArgoPin,
  readHelmPin,
  readKustomizationPin,
  readManifestPin,
  type CurrentPin,
  type ManifestFile
} from '../edit/index.js'
import { ConfigError, PolicyError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import { checkTagPolicy, DEFAULT_TAG_POLICY, type TagPolicy } from '../policy/index.js'
import { shortDigest } from '../report/index.js'
import {
  canonicalRepository,
  formatReference,
  type ImageReference,
  isPinnableDigest,
  parseReference,
  repositoryName,
  repositoryNameOf
} from '../reference/index.js'
import type { DigestResolver } from '../registry/index.js'
import { resolveImages } from './resolve.js'
import { type ResolvedImage } from '../model.js'

export interface FromEnvironmentRequest {
  /** The config repository at the base commit. */
  readonly reader: TreeReader
  readonly configFile: string
  /** The environment whose pins are promoted. */
  readonly source: string
  /** The environment promoted into, to check its `promote-from`. */
  readonly destination?: string
  /** Repositories to promote (tags, if given, are ignored: the source decides); none means all. */
  readonly selections: readonly string[]
  readonly policy?: TagPolicy
  /** When the file was last changed (ISO date): how long the source has run what it pins. */
  readonly since?: (file: string) => Promise<string | undefined>
}

/**
 * Reads the source environment's pins for the selected repositories,
 * checks that each is really pinned (immutable tag and digest), and asks
 * the registry to confirm each digest still exists.
 */
export async function imagesFromEnvironment(
  request: FromEnvironmentRequest,
  resolver: DigestResolver,
  logger: Logger
): Promise<ResolvedImage[]> {
  const { reader, source } = request
  if ((await reader.type(request.configFile)) !== 'file') {
    throw new ConfigError(
      `Promoting from ${source} needs ${request.configFile}, which the config repository lacks.`
    )
  }
  const config = parsePromotionConfig(await reader.read(request.configFile), request.configFile)
  const from = environmentOf(config, source, 'to promote from')
  const into = request.destination ? config.environments.get(request.destination) : undefined
  if (into?.promoteFrom && into.promoteFrom !== source) {
    throw new ConfigError(
      `${request.destination} is promoted from ${into.promoteFrom} (promote-from), not from ${source}.`,
      {
        hint: `Promote from ${into.promoteFrom}, or change promote-from in ${request.configFile}.`
      }
    )
  }
  const selections =
    request.selections.length > 0
      ? request.selections
      : await everyRepository(reader, from.targets, source)
  if (selections.length === 0) {
    throw new ConfigError(`${source} pins no images in its targets.`, {
      hint: `Promote builds into ${source} first, or name the images to promote.`
    })
  }

  const pinned: { reference: string; pin: CurrentPin }[] = []
  for (const selection of selections) {
    const ref = parseReference(selection)
    const pins = await pinsIn(reader, from.targets, source, ref)
    if (pins.length === 0) {
      throw new ConfigError(`${source} has no target pinning ${ref.name}.`, {
        hint: `Promote ${ref.name} into ${source} first, or check its targets in ${request.configFile}.`
      })
    }
    const first = pins[0]!
    const where = `${first.file}:${first.line}`
    if (!first.digest || !isPinnableDigest(first.digest) || !first.tag) {
      throw new PolicyError(
        `${source} is not pinned for ${ref.name}: ${where} has ${first.tag ? `tag ${first.tag}` : 'no tag'} and ${first.digest ? `digest ${first.digest}` : 'no digest'}.`,
        {
          subject: where,
          hint: `Promote a build into ${source} with promote-image first, so it runs a tag and digest.`
        }
      )
    }
    const reference = formatReference({ name: ref.name, tag: first.tag, digest: first.digest })
    checkTagPolicy(
      parseReference(reference.replace(/@.*$/, '')),
      request.policy ?? DEFAULT_TAG_POLICY
    )
    const other = pins.find(p => p.tag !== first.tag || p.digest !== first.digest)
    if (other) {
      throw new PolicyError(
        `${source} runs two different builds of ${ref.name}: ${where} and ${other.file}:${other.line} disagree.`,
        { subject: where, hint: `Make ${source}'s targets agree before promoting from it.` }
      )
    }
    logger.info(`${source} runs ${reference} (${where})`)
    pinned.push({ reference, pin: first })
  }

  // The registry confirms each digest still exists; the tag is taken as the source pinned it.
  const resolved = await resolveImages(
    {
      images: pinned.map(p => p.reference.replace(/:[^:/@]+@/, '@')),
      policy: DEFAULT_TAG_POLICY,
      pin: 'digest'
    },
    resolver,
    logger
  )
  return Promise.all(
    resolved.map(async (image, i) => {
      const { reference: text, pin } = pinned[i]!
      const since = await request.since?.(pin.file).catch(() => undefined)
      return {
        ...image,
        input: text,
        reference: parseReference(text),
        pinned: text,
        // The source pins tag and digest (checked above), and they are written as they are.
        pin: 'digest' as const,
        promotedFrom: { environment: source, file: pin.file, line: pin.line, since }
      }
    })
  )
}

/** The values beneath a Helm target's file (its chart's, its lower files): a tag-only file's repository. */
async function lowerValues(reader: TreeReader, target: HelmTarget): Promise<unknown> {
  const chart = await locateHelmChart(reader, target)
  return 'chart' in chart ? chart.chart.lower : chart.lower
}

/** What an environment's targets pin for one repository, in target order. */
async function pinsIn(
  reader: TreeReader,
  templates: readonly TargetTemplate[],
  environment: string,
  ref: ImageReference
): Promise<CurrentPin[]> {
  const repository = canonicalRepository(ref)
  const pins: CurrentPin[] = []
  for (const target of expandTargets(templates, { name: repositoryName(ref), environment })) {
    let pin: CurrentPin | undefined
    if (target.kind === 'kustomize') pin = await kustomizationPin(reader, target.path, repository)
    else if (target.kind === 'manifest') {
      pin = readManifestPin(await manifestsIn(reader, target.path), repository)
    } else if ((await reader.type(target.path)) === 'file') {
      const text = await reader.read(target.path)
      pin =
        target.kind === 'helm'
          ? readHelmPin(text, target.path, repository, {
              ...target,
              lower: await lowerValues(reader, target)
            })
          : readArgoPin(text, target.path, repository)
    }
    if (pin) pins.push(pin)
  }
  return pins
}

export interface PromoteFromGateRequest {
  /** The config repository at the commit the promotion edits. */
  readonly reader: TreeReader
  readonly configFile: string
  /** The environment promoted into. */
  readonly environment: string
  /** Fresh builds (not from-environment): each must be what `promote-from` runs. */
  readonly images: readonly ResolvedImage[]
}

/**
 * `promote-from: X` is a gate: a fresh build may go into the environment
 * only when X already runs it — every image's digest is the one X's targets
 * pin at the same commit. Refuses with what X runs and how to promote
 * properly; nothing has been written when it does.
 */
export async function checkPromoteFrom(
  request: PromoteFromGateRequest,
  logger: Logger
): Promise<void> {
  const { reader, configFile, environment } = request
  // No promotion.yaml: the edit says so in its own words.
  if ((await reader.type(configFile)) !== 'file') return
  const config = parsePromotionConfig(await reader.read(configFile), configFile)
  const into = config.environments.get(environment)
  const source = into?.promoteFrom
  if (source === undefined) return
  const from = config.environments.get(source)
  if (!from) {
    throw new ConfigError(
      `${configFile}: ${environment} is promoted from ${JSON.stringify(source)} (promote-from), which is no environment.`,
      { hint: `Environments: ${[...config.environments.keys()].join(', ')}.` }
    )
  }
  const problems: string[] = []
  for (const image of request.images) {
    const pins = await pinsIn(reader, from.targets, source, image.reference)
    const what = `${formatReference({ name: image.reference.name, tag: image.reference.tag })} (${shortDigest(image.digest, true)})`
    const other = pins.find(p => p.digest !== image.digest)
    if (pins.length === 0) {
      problems.push(`${what}: ${source} has no target pinning ${image.reference.name}`)
    } else if (other) {
      const runs =
        other.digest === undefined
          ? `${other.tag ? `tag ${other.tag}` : 'no tag'} and no digest (unpinned)`
          : `${other.tag ?? '(no tag)'} (${shortDigest(other.digest, true)})`
      problems.push(`${what}: ${source} runs ${runs} at ${other.file}:${other.line}`)
    } else {
      logger.info(
        `${environment}: ${what} is what ${source} runs (${pins[0]!.file}:${pins[0]!.line}), as promote-from requires.`
      )
    }
  }
  if (problems.length === 0) return
  throw new PolicyError(
    `${environment} takes only builds that ${source} runs (promote-from: ${source} in ${configFile}); nothing was written for ${environment}:\n${problems.map(p => `  - ${p}`).join('\n')}`,
    {
      subject: into?.source ?? configFile,
      hint: `Promote the build into ${source} first, then into ${environment} with from-environment: ${source} (CLI: --from-environment ${source}), which writes exactly what ${source} runs.`
    }
  )
}

/**
 * "All images": every repository the source environment's targets pin.
 * Targets with `{name}` are found by listing the directory that holds the
 * `{name}` segment (apps/{name}/overlays/dev → every apps/X with that overlay).
 */
async function everyRepository(
  reader: TreeReader,
  templates: readonly TargetTemplate[],
  environment: string
): Promise<string[]> {
  const found = new Set<string>()
  for (const template of templates) {
    for (const name of await namesFor(reader, template.path, environment)) {
      for (const target of expandTargets([template], { name, environment })) {
        if (target.kind === 'helm') {
          if ((await reader.type(target.path)) !== 'file') continue
          const pin = helmPin(await reader.read(target.path), target.path, {
            ...target,
            lower: await lowerValues(reader, target)
          })
          if (pin) found.add(pin.repository)
          continue
        }
        if (target.kind === 'manifest' || target.kind === 'argocd') {
          const repositories =
            target.kind === 'manifest'
              ? manifestRepositories(await manifestsIn(reader, target.path))
              : (await reader.type(target.path)) === 'file'
                ? argoRepositories(await reader.read(target.path), target.path)
                : []
          for (const repository of repositories) {
            // Only repositories that map back to this {name}: the per-image lookup expands by it.
            if (!template.path.includes('{name}') || repositoryNameOf(repository) === name)
              found.add(repository)
          }
          continue
        }
        const file = await kustomizationFile(reader, target.path)
        if (!file) continue
        for (const { repository } of kustomizationPins(await reader.read(file), file)) {
          // Only repositories that map back to this {name}: the per-image lookup expands by it.
          if (!template.path.includes('{name}') || repositoryNameOf(repository) === name)
            found.add(repository)
        }
      }
    }
  }
  return [...found].sort()
}

/** The `{name}` values a target template can take: listed from the directory holding the segment. */
async function namesFor(reader: TreeReader, path: string, environment: string): Promise<string[]> {
  const segments = path.split('/')
  const at = segments.findIndex(segment => segment.includes('{name}'))
  if (at === -1) return ['all'] // a fixed path: {name} is not used
  if (!reader.list) return []
  const dir = segments.slice(0, at).join('/').replaceAll('{environment}', environment)
  const pattern = new RegExp(
    `^${segments[at]!.replaceAll('{environment}', environment)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace('\\{name\\}', '([a-z0-9][a-z0-9._-]*)')}$`
  )
  const names = new Set<string>()
  for (const entry of await reader.list(dir)) {
    const match = pattern.exec(entry.split('/').pop()!)
    if (match?.[1]) names.add(match[1])
  }
  return [...names].sort()
}

async function kustomizationFile(reader: TreeReader, path: string): Promise<string | undefined> {
  const candidates = KUSTOMIZATION_FILE_NAMES.some(n => path.endsWith(`/${n}`) || path === n)
    ? [path]
    : KUSTOMIZATION_FILE_NAMES.map(n => `${path.replace(/\/$/, '')}/${n}`)
  for (const file of candidates) {
    if ((await reader.type(file)) === 'file') return file
  }
  return undefined
}

async function kustomizationPin(
  reader: TreeReader,
  path: string,
  repository: string
): Promise<CurrentPin | undefined> {
  const candidates = KUSTOMIZATION_FILE_NAMES.some(n => path.endsWith(`/${n}`) || path === n)
    ? [path]
    : KUSTOMIZATION_FILE_NAMES.map(n => `${path.replace(/\/$/, '')}/${n}`)
  for (const file of candidates) {
    if ((await reader.type(file)) === 'file')
      return readKustomizationPin(await reader.read(file), file, repository)
  }
  return undefined
}

/** The files of a manifest target at the commit, read. */
async function manifestsIn(reader: TreeReader, path: string): Promise<ManifestFile[]> {
  const files = await manifestFilesIn(reader, path)
  return Promise.all(files.map(async file => ({ file, text: await reader.read(file) })))
}
