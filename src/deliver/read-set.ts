/**
 * What a promotion read from one commit, and whether a later commit changed any of it. After a
 * lost race the api method asks GitHub what changed between the commit it read and the new head
 * (one compare request): when none of it touches the read set, the edit, its render proof and
 * the commit's file contents all stand, and the same commit is sent again on the new head
 * instead of reading, editing and rendering everything anew.
 */

/** Every path asked for (directories as 'dir'; files, links and missing paths as 'other'). */
export interface ReadSet {
  readonly probed: ReadonlyMap<string, 'dir' | 'other'>
  /** Directories whose entries were listed: an added or removed child changes what was seen. */
  readonly listed: ReadonlySet<string>
}

/** One file of GitHub's compare answer. */
export interface ChangedFile {
  readonly filename: string
  /** added, removed, modified, renamed, copied, changed (type or mode), unchanged. */
  readonly status: string
  readonly previous_filename?: string
}

/** Whether any change could alter what was read: false only when that is certain. */
export function changesTouch(reads: ReadSet, changes: readonly ChangedFile[]): boolean {
  return changes.some(change => {
    if (change.status === 'unchanged') return false
    const paths =
      change.previous_filename !== undefined && change.status !== 'copied'
        ? [change.filename, change.previous_filename]
        : [change.filename]
    return paths.some(path => pathTouched(reads, path, change.status))
  })
}

function pathTouched(reads: ReadSet, path: string, status: string): boolean {
  if (reads.probed.has(path)) return true
  const parts = path.split('/')
  for (let i = parts.length - 1; i >= 0; i--) {
    const ancestor = parts.slice(0, i).join('/')
    const seen = reads.probed.get(ancestor)
    // Seen as a file, a link or nothing: a child appearing or going changes that answer.
    if (seen === 'other') return true
    if (status === 'modified') continue
    // A child added or removed changes a listing; a removal may leave a directory empty, gone.
    if (reads.listed.has(ancestor)) return true
    if (seen === 'dir' && status !== 'added' && status !== 'copied') return true
  }
  return false
}

/**
 * Whether a contents answer for `path` stands after `changed` (paths added, removed or modified
 * between two commits): none of them is the path, below it (a listing or a directory's sha
 * changes) or above it (a file or link replaced by a directory, or the reverse). The root lists
 * everything, so any change touches it.
 */
export function answerStands(path: string, changed: readonly string[]): boolean {
  if (path === '') return changed.length === 0
  return changed.every(c => c !== path && !c.startsWith(`${path}/`) && !path.startsWith(`${c}/`))
}
