import type { ImageReference } from '../reference/index.js'

/** A repository's tag-mutability settings (ECR), or why they are unknown. */
export type TagMutabilitySettings =
  | { readonly mode: string; readonly exclusionFilters: readonly string[] }
  | { readonly unavailable: string }

/** What a registry says about a tag or digest. */
export interface Resolution {
  /** `sha256:…` of the top-level manifest: the index for multi-arch images. */
  readonly digest: string
  readonly mediaType: string
  readonly kind: 'index' | 'manifest'
  /** Bytes of the manifest, when known. */
  readonly size?: number
  /** `os/arch[/variant]` of an index's entries, when the body was read. */
  readonly platforms?: readonly string[]
  /** The host that answered. */
  readonly registry: string
  /** ECR only: whether the repository lets tags be overwritten. */
  readonly tagMutability?: TagMutabilitySettings
}

export interface DigestResolver {
  resolve(ref: ImageReference): Promise<Resolution>
}
