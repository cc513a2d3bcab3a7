import type { ValueChange } from '../model.js'

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

export interface EditOutcome {
  /** The new text; equal to the input when nothing had to change. */
  readonly text: string
  readonly changes: readonly ValueChange[]
}
