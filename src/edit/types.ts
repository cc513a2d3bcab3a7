/** What to write: the promoted image, already resolved and checked. */
export interface PinRequest {
  /** Canonical repository (`domain/path`, as canonicalRepository gives it). */
  readonly repository: string
  /** The repository as the user wrote it, for entries promote-image adds. */
  readonly name: string
  readonly tag: string
  /** The digest to pin; undefined with `pin: tag` (a stale digest is removed). */
  readonly digest?: string
}

/** One value changed in a file, for the summary and the PR body. */
export interface ValueChange {
  readonly file: string
  readonly line: number
  /** Where in the file, e.g. `images[0].newTag` or `api.image.tag`. */
  readonly path: string
  readonly old?: string
  readonly new?: string
}

export interface EditOutcome {
  /** The new text; equal to the input when nothing had to change. */
  readonly text: string
  readonly changes: readonly ValueChange[]
}
