import type { MergeMethod, PromotionMode } from '../model.js'

/** A Kustomize overlay: a directory holding a kustomization file, or the file. */
export interface KustomizeTarget {
  readonly kind: 'kustomize'
  /** Repository-relative POSIX path, placeholders expanded, normalized. */
  readonly path: string
  /** Where the target was declared (`promotion.yaml:12`, `input targets line 2`). */
  readonly source?: string
}

/** A Helm values file and where the image lives inside it. */
export interface HelmTarget {
  readonly kind: 'helm'
  /** Repository-relative POSIX path, placeholders expanded, normalized. */
  readonly path: string
  /** Dotted path with list indexes (`image`, `api.image`, `containers[0].image`); see parseKeyPath. */
  readonly key: string
  readonly repositoryKey: string
  readonly tagKey: string
  readonly digestKey: string
  /** With pin: digest and no digest key in the map: add one rather than writing tag@digest. */
  readonly addDigestKey: boolean
  /** The chart that reads the values file (repository-relative directory); else found beside or above it. */
  readonly chart?: string
  /** Lower values files, in order, passed before the target (like Argo CD's helm.valueFiles). */
  readonly values?: readonly string[]
  readonly source?: string
}

/**
 * Plain Kubernetes YAML as Argo CD applies a directory: one file, or every
 * `*.yaml` / `*.yml` directly in a directory (not its subdirectories; no
 * kustomization files). Every container and initContainer of the repository
 * in any kind gets the pinned reference.
 */
export interface ManifestTarget {
  readonly kind: 'manifest'
  /** Repository-relative POSIX path (file or directory), placeholders expanded, normalized. */
  readonly path: string
  readonly source?: string
}

/**
 * An Argo CD Application or ApplicationSet file: the image overrides of its
 * sources (`kustomize.images`, `helm.parameters`, `helm.valuesObject`).
 */
export interface ArgoCDTarget {
  readonly kind: 'argocd'
  /** Repository-relative POSIX path of the file, placeholders expanded, normalized. */
  readonly path: string
  readonly source?: string
}

export type Target = KustomizeTarget | HelmTarget | ManifestTarget | ArgoCDTarget

/** The kinds of target, as written in specs and promotion.yaml. */
export const TARGET_KINDS = ['kustomize', 'helm', 'manifest', 'argocd'] as const

interface TemplateFields {
  /** Only these image names (`{name}` values) use the target; undefined: every image. */
  readonly images?: readonly string[]
  /** Where the template was declared: `promotion.yaml:12` or `input targets line 2`. */
  readonly source: string
}

/** A target as written: path (and key) may still hold `{name}` / `{environment}`. */
export type KustomizeTargetTemplate = KustomizeTarget & TemplateFields
export type HelmTargetTemplate = HelmTarget & TemplateFields
export type ManifestTargetTemplate = ManifestTarget & TemplateFields
export type ArgoCDTargetTemplate = ArgoCDTarget & TemplateFields
export type TargetTemplate =
  KustomizeTargetTemplate | HelmTargetTemplate | ManifestTargetTemplate | ArgoCDTargetTemplate

export interface EnvironmentConfig {
  readonly name: string
  readonly mode?: PromotionMode
  readonly promoteFrom?: string
  readonly branch?: string
  readonly baseBranch?: string
  readonly labels: readonly string[]
  readonly reviewers: readonly string[]
  readonly teamReviewers: readonly string[]
  readonly assignees: readonly string[]
  readonly draft?: boolean
  readonly autoMerge?: MergeMethod
  readonly targets: readonly TargetTemplate[]
  /** The `verify:` block: the signature gate's settings, as written (files are repository paths). */
  readonly verify?: VerifySettings
  /** Where the environment is declared: `promotion.yaml:4`. */
  readonly source?: string
}

/** An environment's `verify:` block, cosign's flag names camelCased. */
export interface VerifySettings {
  readonly signatureKey?: string
  readonly certificateIdentity?: string
  readonly certificateIdentityRegexp?: string
  readonly certificateOidcIssuer?: string
  readonly trustedRoot?: string
  /** The attestation gate's settings (gh attestation verify's names); any of them requires one. */
  readonly attestationPredicateType?: string
  readonly sourceRepository?: string
  readonly sourceRef?: string
  readonly signerWorkflow?: string
  /** Where the block is: `promotion.yaml:9`. */
  readonly source: string
}

export interface PromotionConfig {
  /** The file name used in messages, as passed to parsePromotionConfig. */
  readonly file: string
  /** In file order. */
  readonly environments: ReadonlyMap<string, EnvironmentConfig>
}

/** One thing wrong in promotion.yaml, with where it is. */
export interface ConfigProblem {
  /** 1-based. */
  readonly line: number
  /** 1-based; 0 when only the line is known. */
  readonly column: number
  /** Dotted path to the offending node, e.g. `environments.prod.targets[0]`; '' for the file. */
  readonly path: string
  readonly message: string
}

export const DEFAULT_REPOSITORY_KEY = 'repository'
export const DEFAULT_TAG_KEY = 'tag'
export const DEFAULT_DIGEST_KEY = 'digest'
export const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
/** The last path component of a repository (distribution's path-component). */
export const IMAGE_NAME = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/
