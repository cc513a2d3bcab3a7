import type { ImageOrigin } from '../model.js'
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

/** A manifest as the registry sent it: the exact bytes, their digest and declared type. */
export interface ArtifactManifest {
  readonly body: Buffer
  readonly digest: string
  readonly mediaType: string
}

/**
 * What is attached to an image in its repository (signatures, attestations), read with the
 * run's challenges and tokens. Every registry is read through the Distribution API here, ECR
 * included (with the docker config's credentials).
 */
export interface ArtifactReader {
  /** A manifest by tag or digest in the image's repository; undefined when there is none. */
  manifest(image: ImageReference, reference: string): Promise<ArtifactManifest | undefined>
  /** A blob of the image's repository, checked against its digest. */
  blob(image: ImageReference, digest: string): Promise<Buffer>
  /**
   * The referrers API's index for `digest` (filtered by artifactType); undefined when the
   * registry does not implement the API (asked once per registry and run).
   */
  referrers(
    image: ImageReference,
    digest: string,
    artifactType: string
  ): Promise<Buffer | undefined>
}

/** A build's source repository and revision (see origin.ts), read once per digest and run. */
export interface OriginReader {
  origin(image: ImageReference, digest: string): Promise<ImageOrigin>
}
