/**
 * The checked data as the typed PromotionConfig the engine uses: defaults
 * filled in, kebab-case keys camelCased, and each environment and target
 * tagged with where it is declared (`promotion.yaml:12`) for later messages.
 */
import type { MergeMethod, PromotionMode } from '../model.js'
import type { Locator } from './locate.js'
import {
  DEFAULT_DIGEST_KEY,
  DEFAULT_REPOSITORY_KEY,
  DEFAULT_TAG_KEY,
  type EnvironmentConfig,
  type PromotionConfig,
  type TargetTemplate
} from './types.js'

interface RawTarget {
  readonly kustomize?: string
  readonly helm?: string
  readonly manifest?: string
  readonly argocd?: string
  readonly key?: string
  readonly 'repository-key'?: string
  readonly 'tag-key'?: string
  readonly 'digest-key'?: string
  readonly 'add-digest-key'?: boolean
  readonly chart?: string
  readonly values?: string[]
  readonly images?: string[]
}

interface RawEnvironment {
  readonly mode?: PromotionMode
  readonly 'promote-from'?: string
  readonly branch?: string
  readonly 'base-branch'?: string
  readonly labels?: string[]
  readonly reviewers?: string[]
  readonly 'team-reviewers'?: string[]
  readonly assignees?: string[]
  readonly draft?: boolean
  readonly 'auto-merge'?: MergeMethod
  readonly verify?: Readonly<Record<string, string>>
  readonly targets: RawTarget[]
}

/** promotion.yaml as the schema describes it (toJS output). */
export interface RawConfig {
  readonly environments: Record<string, RawEnvironment>
}

/** Only called on data the schema and the semantic checks accepted. */
export function buildConfig(
  raw: RawConfig,
  names: readonly string[],
  file: string,
  locate: Locator
): PromotionConfig {
  const environments = new Map<string, EnvironmentConfig>()
  for (const name of names) {
    const env = raw.environments[name]!
    const at = ['environments', name]
    const targets = env.targets.map((target, index): TargetTemplate => {
      const source = `${file}:${locate.lineOf([...at, 'targets', String(index)])}`
      const images = target.images === undefined ? {} : { images: target.images }
      if (target.helm !== undefined) {
        return {
          kind: 'helm',
          path: target.helm,
          key: target.key!,
          repositoryKey: target['repository-key'] ?? DEFAULT_REPOSITORY_KEY,
          tagKey: target['tag-key'] ?? DEFAULT_TAG_KEY,
          digestKey: target['digest-key'] ?? DEFAULT_DIGEST_KEY,
          addDigestKey: target['add-digest-key'] ?? false,
          ...(target.chart === undefined ? {} : { chart: target.chart }),
          ...(target.values === undefined ? {} : { values: target.values }),
          ...images,
          source
        }
      }
      if (target.manifest !== undefined) {
        return { kind: 'manifest', path: target.manifest, ...images, source }
      }
      if (target.argocd !== undefined) {
        return { kind: 'argocd', path: target.argocd, ...images, source }
      }
      return { kind: 'kustomize', path: target.kustomize!, ...images, source }
    })
    environments.set(
      name,
      withoutUndefined({
        name,
        mode: env.mode,
        promoteFrom: env['promote-from'],
        branch: env.branch,
        baseBranch: env['base-branch'],
        labels: env.labels ?? [],
        reviewers: env.reviewers ?? [],
        teamReviewers: env['team-reviewers'] ?? [],
        assignees: env.assignees ?? [],
        draft: env.draft,
        autoMerge: env['auto-merge'],
        targets,
        verify: env.verify && {
          signatureKey: env.verify['signature-key'],
          certificateIdentity: env.verify['certificate-identity'],
          certificateIdentityRegexp: env.verify['certificate-identity-regexp'],
          certificateOidcIssuer: env.verify['certificate-oidc-issuer'],
          trustedRoot: env.verify['trusted-root'],
          attestationPredicateType: env.verify['attestation-predicate-type'],
          sourceRepository: env.verify['source-repository'],
          sourceRef: env.verify['source-ref'],
          signerWorkflow: env.verify['signer-workflow'],
          source: `${file}:${locate.lineOf([...at, 'verify'])}`
        },
        source: `${file}:${locate.lineOf(at)}`
      })
    )
  }
  return { file, environments }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
