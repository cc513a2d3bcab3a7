/**
 * Pins an image in a kustomization's `images:` list, the way `kustomize edit
 * set image` would, but touching only the `newTag` and `digest` values.
 */
import { isMap, isScalar, isSeq, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml'
import { EditError } from '../errors.js'
import { canonicalRepositoryOf } from '../reference/index.js'
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

export interface KustomizeEditOptions {
  /**
   * When no entry matches, add one with this `name` — the repository as the
   * overlay's containers spell it. The engine passes it only after a render
   * showed that the overlay really uses the repository.
   */
  readonly addEntryAs?: string
}

export function editKustomization(
  text: string,
  file: string,
  pin: PinRequest,
  options: KustomizeEditOptions = {}
): EditOutcome {
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
  const seq = isSeq(images) ? (images as YAMLSeq<unknown>) : undefined

  const matches: { index: number; entry: YAMLMap }[] = []
  const names: string[] = []
  seq?.items.forEach((item, index) => {
    if (!isMap(item)) return
    const target = stringAt(item, 'newName') ?? stringAt(item, 'name')
    if (target === undefined) return
    names.push(target)
    if (canonicalRepositoryOf(target) === pin.repository) matches.push({ index, entry: item })
  })

  if (matches.length > 1) {
    const lines = matches.map(m => lineOf(parsed, m.entry.range![0]))
    throw new EditError(
      `${file}: ${pin.repository} matches ${matches.length} images: entries (lines ${lines.join(' and ')}); kustomize would apply only one of them.`,
      { subject: `${file}:${lines[0]}`, hint: 'Remove the duplicate entry, then promote again.' }
    )
  }
  if (matches.length === 0) {
    if (options.addEntryAs === undefined)
      throw new MissingImageEntryError(file, pin.repository, names)
    return addEntry(parsed, document, root, imagesPair, seq, options.addEntryAs, pin)
  }
  const { index, entry } = matches[0]!
  return pinEntry(parsed, document, entry, index, pin)
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
function addEntry(
  parsed: ParsedYaml,
  document: number,
  root: YAMLMap,
  imagesPair: Pair<Scalar, unknown> | undefined,
  seq: YAMLSeq<unknown> | undefined,
  name: string,
  pin: PinRequest
): EditOutcome {
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
