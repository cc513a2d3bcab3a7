import { canonicalRepository, parseReference } from '../reference/index.js'
import type { RenderedImage } from './images.js'

export interface RenderVerdict {
  readonly ok: boolean
  /** After-side containers whose image differs from the same container before the edit. */
  readonly changed: RenderedImage[]
  /** Plain words for the job summary and the log. */
  readonly message: string
  /**
   * - `updated`: every container of the repository now renders the pinned reference;
   * - `already-pinned`: they all rendered it before (a no-op promotion);
   * - `unused`: no container renders the repository, before or after;
   * - `not-updated`: containers of the repository render something else after the edit.
   */
  readonly outcome: 'updated' | 'already-pinned' | 'unused' | 'not-updated'
  /** After-side containers that render the pinned reference. */
  readonly pinned: RenderedImage[]
  /** After-side containers that use (or used) the repository but do not render the pinned reference. */
  readonly stale: RenderedImage[]
}

/** How many containers a message names before "and N more". */
const LISTED = 8

/**
 * Whether Argo CD will see the promotion of `pinned` (a reference of `repository`, given in
 * canonical form: 'docker.io/library/nginx') in the rendered target: at least one container
 * renders exactly the pinned reference after the edit, and none that used the repository
 * renders anything else. References compare normalized (`nginx` = `docker.io/library/nginx`).
 */
export function verifyRender(
  before: readonly RenderedImage[],
  after: readonly RenderedImage[],
  repository: string,
  pinned: string,
  targetDir: string
): RenderVerdict {
  // The engine writes only references it parsed: an invalid one is a bug, and this says why.
  const ref = parseReference(pinned)
  const wanted: Normalized = {
    repository: canonicalRepository(ref),
    tag: ref.tag,
    digest: ref.digest
  }
  const repo = canonical(repository)
  const target = targetDir || '.'
  const isPinned = (image: string): boolean => {
    const rendered = normalize(image)
    return (
      rendered !== undefined &&
      rendered.repository === wanted.repository &&
      rendered.tag === wanted.tag &&
      rendered.digest === wanted.digest
    )
  }
  const usesRepository = (image: string): boolean => normalize(image)?.repository === repo

  const previous = pairBefore(before, after)
  const entries = after.map((image, index) => {
    const was = previous[index]
    return {
      image,
      was,
      changed: was?.image !== image.image,
      pinned: isPinned(image.image),
      used: usesRepository(image.image) || (was !== undefined && usesRepository(was.image))
    }
  })
  const changed = entries.filter(entry => entry.changed).map(entry => entry.image)
  const pinnedEntries = entries.filter(entry => entry.pinned)
  const staleEntries = entries.filter(entry => entry.used && !entry.pinned)
  const base = {
    changed,
    pinned: pinnedEntries.map(entry => entry.image),
    stale: staleEntries.map(entry => entry.image)
  }

  if (pinnedEntries.length === 0 && staleEntries.length === 0) {
    const gone = before.filter(image => usesRepository(image.image)).length
    return {
      ...base,
      ok: false,
      outcome: gone === 0 ? 'unused' : 'not-updated',
      message:
        gone === 0
          ? `Argo CD would see no change: no container in ${target} renders ${repository} (images used: ${imagesUsed(before, after)}).`
          : `Argo CD would not see ${pinned}: after the edit, ${target} no longer renders the ${count(gone)} that used ${repository}.`
    }
  }
  if (staleEntries.length > 0) {
    const lines = staleEntries.map(
      ({ image, changed: moved }) =>
        `${describeContainer(image)} ${moved ? 'renders' : 'still renders'} ${image.image}`
    )
    const summary =
      pinnedEntries.length > 0
        ? `Argo CD would see only part of the promotion: ${count(pinnedEntries.length)} in ${target} ${verb(pinnedEntries.length)} ${pinned}, but ${count(staleEntries.length)} of ${repository} ${staleEntries.length === 1 ? 'does' : 'do'} not:`
        : staleEntries.some(entry => entry.changed)
          ? `Argo CD would not see ${pinned}: no container in ${target} renders it after the edit:`
          : `Argo CD would see no change: the edit does not reach the containers of ${repository} in ${target}, and none renders ${pinned}:`
    return {
      ...base,
      ok: false,
      outcome: 'not-updated',
      message: [summary, ...listed(lines)].join('\n')
    }
  }
  const newlyPinned = pinnedEntries.filter(entry => entry.changed)
  if (newlyPinned.length === 0) {
    return {
      ...base,
      ok: true,
      outcome: 'already-pinned',
      message: `${target} already renders ${pinned} in ${count(pinnedEntries.length)}; the promotion changes nothing for Argo CD to sync.`
    }
  }
  const lines = newlyPinned.map(({ image, was }) =>
    was
      ? `${describeContainer(image)}: ${was.image} → ${image.image}`
      : `${describeContainer(image)}: new`
  )
  return {
    ...base,
    ok: true,
    outcome: 'updated',
    message: [
      `Argo CD will see the change: ${count(newlyPinned.length)} in ${target} now ${verb(newlyPinned.length)} ${pinned}:`,
      ...listed(lines)
    ].join('\n')
  }
}

interface Normalized {
  readonly repository: string
  readonly tag?: string
  readonly digest?: string
}

function normalize(image: string): Normalized | undefined {
  try {
    const ref = parseReference(image)
    return { repository: canonicalRepository(ref), tag: ref.tag, digest: ref.digest }
  } catch {
    // Templated or otherwise unparsable images cannot be the pinned one.
    return undefined
  }
}

function canonical(repository: string): string {
  return normalize(repository)?.repository ?? repository
}

/** For each after-side container, the same container before the edit (by workload and name). */
function pairBefore(
  before: readonly RenderedImage[],
  after: readonly RenderedImage[]
): Array<RenderedImage | undefined> {
  const byKey = new Map<string, RenderedImage[]>()
  for (const image of before) {
    const key = identity(image)
    byKey.set(key, [...(byKey.get(key) ?? []), image])
  }
  // Duplicates (two Helm templates emitting the same workload) pair up in order.
  return after.map(image => byKey.get(identity(image))?.shift())
}

function identity(image: RenderedImage): string {
  return [image.kind, image.namespace ?? '', image.name, image.field, image.container].join('\0')
}

const CONTAINER_WORDS: Record<RenderedImage['containerType'], string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container'
}

/** "Deployment dev/api, init container migrate" */
export function describeContainer(image: RenderedImage): string {
  const workload = image.namespace ? `${image.namespace}/${image.name}` : image.name
  return `${image.kind} ${workload}, ${CONTAINER_WORDS[image.containerType]} ${image.container}`
}

function imagesUsed(before: readonly RenderedImage[], after: readonly RenderedImage[]): string {
  const images = [...new Set([...after, ...before].map(image => image.image))]
  if (images.length === 0) return 'none'
  const shown = images.slice(0, LISTED).join(', ')
  return images.length > LISTED ? `${shown} and ${images.length - LISTED} more` : shown
}

function listed(lines: readonly string[]): string[] {
  const shown = lines.slice(0, LISTED).map(line => `  - ${line}`)
  if (lines.length > LISTED) shown.push(`  - and ${lines.length - LISTED} more`)
  return shown
}

function verb(n: number): string {
  return n === 1 ? 'renders' : 'render'
}

function count(n: number): string {
  return n === 1 ? '1 container' : `${n} containers`
}
