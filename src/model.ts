/**
 * The ground floor's domain types: what a promotion is made of, named once,
 * shared by the engine, every stage and both shells. Types and the few
 * constants that enumerate them only; no behaviour lives here.
 */
import type { ImageReference } from './reference/index.js'

/** Push to the base branch, or a living pull request per environment. */
export type PromotionMode = 'push' | 'pull-request'
export const PROMOTION_MODES: readonly PromotionMode[] = ['pull-request', 'push']

/** How GitHub merges a pull request (auto-merge and merge-now). */
export type MergeMethod = 'merge' | 'squash' | 'rebase'
export const MERGE_METHODS: readonly MergeMethod[] = ['merge', 'squash', 'rebase']

/** How the config repository is written: the GitHub API, git, or the checked-out workspace. */
export type WriteMethod = 'api' | 'git' | 'none'
/** The writers that commit (write-method none edits the workspace and commits nothing). */
export type CommitMethod = Exclude<WriteMethod, 'none'>

/** `auto`: prove the change by rendering when a renderer exists; `true`: must; `false`: never. */
export type VerifyRenderMode = 'auto' | 'true' | 'false'

/** A lower semver tag: `warn` (default), `false` refuses, `true` allows silently. */
export type DowngradePolicy = 'warn' | 'true' | 'false'

/** What gets written: tag + digest, or the (verified) immutable tag alone. */
export type PinMode = 'digest' | 'tag'

/** ECR: can the promoted tag be overwritten in its repository? */
export interface TagImmutabilityVerdict {
  /** undefined when the repository's settings could not be read. */
  readonly immutable: boolean | undefined
  /** Words for the summary and messages. */
  readonly reason: string
}

/** A signature the gate verified for an image's digest, before any edit. */
export type SignatureVerification =
  | {
      readonly verified: true
      /** A cosign v2 key signature (`sha256-<hex>.sig`). */
      readonly kind: 'cosign-key'
      /** The public key's fingerprint: `sha256:` + hex of its DER SubjectPublicKeyInfo. */
      readonly key: string
      /** Where the signature was found: `registry/repository:sha256-<hex>.sig`. */
      readonly location: string
    }
  | {
      readonly verified: true
      /** A keyless Sigstore bundle (cosign v3: OCI referrer, or the `sha256-<hex>` tag). */
      readonly kind: 'sigstore-bundle'
      /** The signer: the certificate's SAN, and its OIDC issuer. */
      readonly identity: string
      readonly issuer: string
      /** Where the bundle was found: its manifest, `registry/repository@sha256:…`. */
      readonly location: string
    }

/**
 * A GitHub artifact attestation (actions/attest: an in-toto statement in a Sigstore bundle) the
 * gate verified for the digest: its predicate type, and where the build came from as the
 * signing certificate's GitHub extensions say (Fulcio's OID 1.3.6.1.4.1.57264.1.x).
 */
export interface ProvenanceVerification {
  readonly verified: true
  /** The statement's predicateType, e.g. https://slsa.dev/provenance/v1. */
  readonly predicateType: string
  /** Source Repository URI (.1.12), e.g. https://github.com/acme/api. */
  readonly sourceRepository: string
  /** Source Repository Digest (.1.13): the commit the build ran on. */
  readonly sourceCommit: string
  /** Source Repository Ref (.1.14), e.g. refs/heads/main or refs/tags/v1.2.3. */
  readonly sourceRef: string
  /** Build Signer URI (.1.9): the workflow that signed, with its ref. */
  readonly signerWorkflow: string
  /** The certificate's SAN and OIDC issuer. */
  readonly identity: string
  readonly issuer: string
  /** Where it was found: the referrer manifest `registry/repository@sha256:…`, or the GitHub API URL. */
  readonly location: string
}

/** An image resolved in its registry and checked by policy: what a promotion writes. */
export interface ResolvedImage {
  /** The reference as given. */
  readonly input: string
  readonly reference: ImageReference
  readonly digest: string
  /** What gets written to Git: `name:tag@sha256:…` (pin digest) or `name:tag` (pin tag). */
  readonly pinned: string
  /** How `pinned` pins: with the digest, or the tag alone; parsed once, never re-read from the text. */
  readonly pin: PinMode
  readonly mediaType: string
  readonly kind: 'index' | 'manifest'
  readonly platforms?: readonly string[]
  readonly registry: string
  /** ECR only: can the promoted tag be overwritten in its repository? */
  readonly tagImmutability?: TagImmutabilityVerdict
  /** The signature gate's verdict, when one was asked for (signature-key …). */
  readonly signature?: SignatureVerification
  /** When the attestation gate ran: the attestation it verified. */
  readonly provenance?: ProvenanceVerification
  /** Promoted from another environment: where it runs, and since when (ISO date), when known. */
  readonly promotedFrom?: {
    readonly environment: string
    readonly file: string
    readonly line: number
    readonly since?: string
  }
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

export interface ImageValueChange extends ValueChange {
  /** The promoted image (as given) this value belongs to. */
  readonly image: string
  readonly environment?: string
}

/** One changed file: its text before and after, and what changed in it. */
export interface FileEdit {
  readonly file: string
  readonly before: string
  readonly after: string
  readonly changes: readonly ImageValueChange[]
}

/** One target's render proof: did the rendered manifests' image change? */
export interface RenderReport {
  readonly target: string
  readonly image: string
  readonly ok: boolean
  readonly message: string
  /** What the target renders before and after the edit (the manifests Argo CD applies), when known. */
  readonly rendered?: { readonly before: string; readonly after: string }
}

/** What a promotion's edit did to the config repository. */
export interface EditResult {
  readonly files: readonly FileEdit[]
  readonly renders: readonly RenderReport[]
  /** Unified diff of every changed file. */
  readonly diff: string
  readonly written: boolean
  /** Warnings a reviewer should see (a downgrade), one sentence each. */
  readonly warnings?: readonly string[]
}

/** Where the promoted build came from (GITHUB_* of the build's workflow run). */
export interface SourceInfo {
  /** `acme/api` (GITHUB_REPOSITORY). */
  readonly repository?: string
  /** GITHUB_SHA. */
  readonly sha?: string
  /** `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`, attempt optional. */
  readonly runUrl?: string
  /** GITHUB_SERVER_URL; https://github.com when not given. */
  readonly serverUrl?: string
  readonly actor?: string
}

/**
 * Where a build's code came from: `org.opencontainers.image.source` and
 * `org.opencontainers.image.revision` (image-spec annotations.md), read from the
 * image's annotations or its config labels.
 */
export interface ImageOrigin {
  readonly source?: string
  readonly revision?: string
}

/** One source commit between two revisions, as the pull request lists it. */
export interface SourceCommit {
  readonly sha: string
  /** The message's first line. */
  readonly subject: string
  /** The GitHub login, else the git author name. */
  readonly author?: string
  /** The pull request a squash or merge commit names: `… (#123)`, `Merge pull request #123 …`. */
  readonly pullRequest?: number
}

/** The source commits between the previous and the new revision (GitHub's compare). */
export interface CommitRange {
  /** The compare page on the source repository's server. */
  readonly compareUrl: string
  /** Newest first; undefined when the repository could not be read. */
  readonly commits?: readonly SourceCommit[]
  /** How many commits GitHub counts in the range (it lists 250 at most). */
  readonly total?: number
  /** Why the commits are missing (HTTP 404, no token for that server …). */
  readonly unreadable?: string
}

/** What changes in the code for one promoted image in one environment. */
export interface CodeChange {
  /** The image as given (ImageValueChange.image). */
  readonly image: string
  readonly digest: string
  readonly origin: ImageOrigin
  /** The digest the target pinned before (undefined: it pinned none) and its origin. */
  readonly previous: { readonly digest?: string; readonly origin?: ImageOrigin }
  /** Set when both revisions are known and the source is a GitHub repository. */
  readonly range?: CommitRange
  /** Why the origins could not be read (a registry refusal), when they could not. */
  readonly error?: string
}
