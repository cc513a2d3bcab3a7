/**
 * Pins an image in a kustomization's `images:` list, the way `kustomize edit
 * set image` would, but touching only the `newTag` and `digest` values.
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type YAMLMap, type YAMLSeq } from 'yaml'
import { EditError } from '../errors.js'
import {
  applyKustomizeImage,
  canonicalRepositoryOf,
  kustomizeImageMatches,
  splitKustomizeImage,
  type KustomizeImageEntry
} from '../reference/index.js'
import type { EditOutcome, PinRequest } from './types.js'
import { applyVerified, MapEdits, type IntendedChange } from './guard.js'
import {
  columnOf,
  findPair,
  insertLines,
  lineOf,
  parseYaml,
  stringAt,
  formatScalar,
  type ParsedYaml,
  type TextEdit
} from '../yaml/index.js'

/** No `images:` entry names the promoted repository. */
export class MissingImageEntryError extends EditError {
  constructor(
    file: string,
    repository: string,
    readonly entries: readonly string[],
    /** Why promote-image did not add an entry itself, when it considered it. */
    detail?: string
  ) {
    const listed = entries.length ? ` (entries: ${entries.join(', ')})` : ''
    super(
      `${file}: no images: entry for ${repository}${listed}${detail ? `, and ${detail}` : ''}.`,
      {
        subject: file,
        hint: `Add an images: entry whose newName (or name) is ${repository}, or point the target at the overlay that deploys it.`
      }
    )
  }
}

/** An `images:` entry names the repository, but kustomize would apply it to no container. */
export class UnappliedImageEntryError extends EditError {}

export interface KustomizeEditOptions {
  /**
   * The container images the overlay's own `images:` entries act on, in the spelling its
   * resources give them (render/ overlayInputs, or a render). With them, only the entries
   * kustomize applies are pinned, and an overlay without an entry gets one per spelling of the
   * repository; without them (undefined: they could not be told), every entry naming the
   * repository is pinned and the render proof decides.
   */
  readonly inputs?: readonly string[]
}

interface Entry {
  readonly index: number
  readonly map: YAMLMap
  readonly image: KustomizeImageEntry
}

export function editKustomization(
  text: string,
  file: string,
  pin: PinRequest,
  options: KustomizeEditOptions = {}
): EditOutcome {
  const { parsed, seq } = readKustomization(text, file)

  const entries: Entry[] = []
  seq?.items.forEach((item, index) => {
    if (!isMap(item)) return
    const name = stringAt(item, 'name')
    if (name === undefined) return
    const field = (key: string): string | undefined => stringAt(item, key)
    entries.push({
      index,
      map: item,
      image: {
        name,
        ...(field('newName') !== undefined && { newName: field('newName') }),
        ...(field('newTag') !== undefined && { newTag: field('newTag') }),
        ...(field('digest') !== undefined && { digest: field('digest') })
      }
    })
  })
  const named = entries.filter(
    e => canonicalRepositoryOf(e.image.newName || e.image.name) === pin.repository
  )
  const listed = entries.map(e => e.image.newName || e.image.name)

  if (options.inputs === undefined) {
    if (named.length === 0) throw new MissingImageEntryError(file, pin.repository, listed)
    return pinEntries(text, file, named, pin)
  }

  // kustomize applies the entries in list order, each to what the ones before it made.
  const applied = new Set<number>()
  const outputs = options.inputs.map(image =>
    entries.reduce((current, entry) => {
      if (!kustomizeImageMatches(current, entry.image.name)) return current
      applied.add(entry.index)
      return applyKustomizeImage(current, entry.image)
    }, image)
  )
  const applies = named.filter(e => applied.has(e.index))
  if (applies.length > 0) return pinEntries(text, file, applies, pin)

  const spellings = [
    ...new Set(
      outputs
        .map(image => splitKustomizeImage(image).name)
        .filter(name => canonicalRepositoryOf(name) === pin.repository)
    )
  ]
  if (named.length > 0) {
    const first = named[0]!
    const line = lineOf(parsed, first.map.range![0])
    const deployed = spellings.length
      ? `the overlay's containers spell it ${spellings.join(' and ')}`
      : `no container the overlay builds uses ${pin.repository} (${describe(options.inputs)})`
    throw new UnappliedImageEntryError(
      `${file}:${line}: images[${first.index}] names ${first.image.name}, but kustomize would not apply it: it matches names literally, and ${deployed}. Pinned there, Argo CD would see no change.`,
      {
        subject: `${file}:${line}`,
        hint: spellings.length
          ? `Set the entry's name to ${spellings[0]} (the spelling in the resources), then promote again.`
          : 'Point the target at the overlay that deploys the image, or fix the entry name.'
      }
    )
  }
  if (spellings.length === 0) {
    throw new MissingImageEntryError(
      file,
      pin.repository,
      listed,
      `the overlay deploys ${describe(options.inputs)}`
    )
  }
  // `kustomize edit set image`, once per spelling: each entry reaches the containers spelled so.
  let outcome: EditOutcome = { text, changes: [] }
  for (const spelling of spellings) {
    const next = addEntry(parseYaml(outcome.text, file), spelling, pin)
    outcome = { text: next.text, changes: [...outcome.changes, ...next.changes] }
  }
  return outcome
}

/**
 * The kustomization's YAML and its `images:` list, refusing what is not a kustomization (bad
 * YAML, a list at the root, `images:` that is not a list) with the line at fault.
 */
function readKustomization(
  text: string,
  file: string
): { parsed: ParsedYaml; seq?: YAMLSeq<unknown> } {
  const parsed = parseYaml(text, file)
  const document = parsed.documents.findIndex(doc => isMap(doc.contents))
  const root = parsed.documents[document]?.contents
  if (!isMap(root)) {
    throw new EditError(`${file}: not a kustomization (expected a map of fields).`, {
      subject: file
    })
  }
  const imagesPair = findPair(root, 'images')
  const images = imagesPair?.value
  if (
    images !== undefined &&
    images !== null &&
    !isSeq(images) &&
    !(isScalar(images) && images.value === null)
  ) {
    throw new EditError(
      `${file}:${lineOf(parsed, imagesPair!.key.range![0])}: images is not a list.`
    )
  }
  return { parsed, ...(isSeq(images) && { seq: images as YAMLSeq<unknown> }) }
}

/** Pins each entry in turn (entries are never added or removed, so their indexes hold). */
function pinEntries(
  text: string,
  file: string,
  entries: readonly Entry[],
  pin: PinRequest
): EditOutcome {
  let outcome: EditOutcome = { text, changes: [] }
  for (const { index } of entries) {
    const parsed = parseYaml(outcome.text, file)
    const document = parsed.documents.findIndex(doc => isMap(doc.contents))
    const seq = findPair(parsed.documents[document]!.contents as YAMLMap, 'images')!
      .value as YAMLSeq<unknown>
    const next = pinEntry(parsed, document, seq.items[index] as YAMLMap, index, pin)
    outcome = { text: next.text, changes: [...outcome.changes, ...next.changes] }
  }
  return outcome
}

function describe(images: readonly string[]): string {
  const unique = [...new Set(images)]
  if (unique.length === 0) return 'no container images'
  const shown = unique.slice(0, 8).join(', ')
  return unique.length > 8 ? `${shown} and ${unique.length - 8} more` : shown
}

/** Whether the kustomization is a kustomize Component (`kind: Component`), which renders nothing alone. */
export function isKustomizeComponent(text: string): boolean {
  const document = parseDocument(text)
  return isMap(document.contents) && document.get('kind') === 'Component'
}

/**
 * The kustomization without its `images:` field: rendered (never written) to learn what images
 * its entries act on when they cannot be read from the files.
 */
export function withoutImageEntries(text: string, file: string): string {
  const document = parseDocument(text)
  const value: unknown =
    document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 1000 })
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EditError(`${file}: not a kustomization (expected a map of fields).`, {
      subject: file
    })
  }
  // Through plain values, so that an anchor set inside images: and used elsewhere still resolves.
  const { images: _images, ...rest } = value as Record<string, unknown>
  return stringify(rest)
}

function pinEntry(
  parsed: ParsedYaml,
  document: number,
  entry: YAMLMap,
  index: number,
  pin: PinRequest
): EditOutcome {
  const batch = new MapEdits(
    parsed,
    document,
    entry,
    ['images', index],
    key => `images[${index}].${key}`
  )
  const anchorPair = (findPair(entry, 'newName') ?? findPair(entry, 'name'))!

  const toInsert: [string, string][] = []
  const tagPair = batch.set('newTag', pin.tag)
  if (!tagPair) toInsert.push(['newTag', pin.tag])
  if (pin.digest !== undefined) {
    if (!batch.set('digest', pin.digest)) toInsert.push(['digest', pin.digest])
  } else {
    const stale = findPair(entry, 'digest')
    if (stale) batch.remove(stale)
  }
  // newTag goes after newName (or name); digest after newTag.
  if (toInsert.length > 0) batch.insert(tagPair ?? anchorPair, toInsert)
  return batch.apply()
}

/** `kustomize edit set image` for an overlay that has no entry yet. */
function addEntry(parsed: ParsedYaml, name: string, pin: PinRequest): EditOutcome {
  const document = parsed.documents.findIndex(doc => isMap(doc.contents))
  const root = parsed.documents[document]!.contents as YAMLMap
  const imagesPair = findPair(root, 'images')
  const seq = isSeq(imagesPair?.value) ? (imagesPair.value as YAMLSeq<unknown>) : undefined
  const fields: [string, string][] = [
    ['name', name],
    ['newTag', pin.tag],
    ...(pin.digest !== undefined ? [['digest', pin.digest] as [string, string]] : [])
  ]
  const entryValue = Object.fromEntries(fields)
  const index = seq?.items.length ?? 0
  let edit: TextEdit
  if (seq && seq.flow) {
    const inline = `{${fields.map(([k, v]) => `${k}: ${formatScalar(v)}`).join(', ')}}`
    const close = seq.range![1] - 1 // the `]`
    edit = { start: close, end: close, replacement: `${seq.items.length ? ', ' : ''}${inline}` }
  } else if (seq && seq.items.length > 0) {
    const dash = ' '.repeat(columnOf(parsed.text, seq.range![0]))
    const last = seq.items[seq.items.length - 1] as YAMLMap
    edit = insertLines(parsed, last.range![1] - 1, entryLines(dash, fields))
  } else {
    // No images: key (or an empty one): append a block list at the end of the map.
    const keyIndent = ' '.repeat(columnOf(parsed.text, root.range![0]))
    const lines = [`${keyIndent}images:`, ...entryLines(keyIndent, fields)]
    if (imagesPair) {
      const start = lineStartOf(parsed.text, imagesPair.key.range![0])
      const end = parsed.text.indexOf('\n', imagesPair.key.range![1])
      edit = {
        start,
        end: end === -1 ? parsed.text.length : end + 1,
        replacement: lines.map(l => `${l}${parsed.eol}`).join('')
      }
    } else {
      edit = insertLines(parsed, root.range![1] - 1, lines)
    }
  }
  const intended: IntendedChange[] = [
    seq
      ? { document, path: ['images', index], value: entryValue }
      : { document, path: ['images'], value: [entryValue] }
  ]
  const line = lineOf(parsed, (seq?.range ?? root.range)![1] - 1) + 1
  const changes = fields.map(([key, value]) => ({
    file: parsed.file,
    line,
    path: `images[${index}].${key}`,
    new: value
  }))
  return applyVerified(parsed, [edit], intended, changes)
}

function entryLines(dash: string, fields: readonly [string, string][]): string[] {
  return fields.map(
    ([key, value], i) => `${dash}${i === 0 ? '- ' : '  '}${key}: ${formatScalar(value)}`
  )
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1
}
