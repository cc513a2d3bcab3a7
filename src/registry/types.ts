import type { ImageReference } from '../reference/index.js'

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
}

export interface DigestResolver {
  resolve(ref: ImageReference): Promise<Resolution>
}
