/**
 * The engine's one input: what to promote, where, and how — shaped by
 * neither shell. The action turns its inputs into a plan, the CLI its flags;
 * both hand it to runPromotion with the ports of their world.
 */
import type {
  CodeChange,
  CommitMethod,
  DowngradePolicy,
  EditResult,
  MergeMethod,
  PinMode,
  PromotionMode,
  ResolvedImage,
  SourceInfo,
  VerifyRenderMode
} from '../model.js'
import type { OptionNames } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { TagPolicy } from '../policy/index.js'
import type { ExplicitCredentials } from '../registry/index.js'
import type { AttestationPolicy, SignaturePolicy } from '../signature/index.js'

/** Fresh builds, resolved in their registries. */
export interface BuildImages {
  /** References as pushed, as the user wrote them. */
  readonly references: readonly string[]
  /** The digest the build produced: every reference must resolve to it. */
  readonly buildDigest?: string
  readonly pin: PinMode
  /** ECR: a repository whose tags can be overwritten is an error, not a warning. */
  readonly requireImmutableRepository?: boolean
}

/** What another environment runs, read from its targets at the base commit. */
export interface EnvironmentImages {
  readonly fromEnvironment: string
  /** Repositories to promote; none: every image the source pins. */
  readonly selections: readonly string[]
}

export type ImageSource = { readonly build: BuildImages } | EnvironmentImages

/** Where the promotion is written. */
export type Destination =
  /** A checked-out config repository: edit in place, commit nothing. */
  | { readonly kind: 'workspace'; readonly root: string }
  /** A repository on GitHub (GHES too), written through its API or with git. */
  | { readonly kind: 'github'; readonly repository: string; readonly method: CommitMethod }
  /** Any git remote or path, written with git; a GitHub URL also allows pull requests. */
  | { readonly kind: 'git'; readonly url: string }

/** Pull-request settings given explicitly; lists add to promotion.yaml's. */
export interface PullRequestOptions {
  readonly title?: string
  readonly labels: readonly string[]
  readonly reviewers: readonly string[]
  readonly teamReviewers: readonly string[]
  readonly assignees: readonly string[]
  /** Explicit; else the environment's draft, else false. */
  readonly draft?: boolean
  /** Explicit; else the environment's auto-merge, else none. */
  readonly autoMerge?: MergeMethod
}

export interface PromotionPlan {
  readonly images: ImageSource
  readonly policy: TagPolicy
  readonly registry: {
    readonly insecureRegistries: readonly string[]
    readonly credentials?: ExplicitCredentials
  }
  /** Environments of promotion.yaml; none with inline targets. */
  readonly environments: readonly string[]
  /** Inline target specs instead of promotion.yaml. */
  readonly targets: readonly string[]
  readonly configFile: string
  /** Where to write; none: resolve only (no environment and no targets). */
  readonly destination?: Destination
  /** Explicit base branch; else the environment's base-branch, else the repository's default. */
  readonly baseBranch?: string
  /** Explicit mode; else the environment's, else `defaultMode`. */
  readonly mode?: PromotionMode
  /** The shell's default: `pull-request` for the action, `push` for the CLI. */
  readonly defaultMode: PromotionMode
  /** Explicit branch template; else the environment's branch, else DEFAULT_BRANCH_TEMPLATE. */
  readonly branch?: string
  /** Commit-message template (checked by checkCommitMessageTemplate); default subject without. */
  readonly commitMessage?: string
  readonly pullRequest: PullRequestOptions
  readonly verifyRender: VerifyRenderMode
  readonly dryRun: boolean
  readonly allowDowngrade: DowngradePolicy
  /** The signature gate (signature-key …), checked per image digest before any edit; none: off. */
  readonly signatures?: SignaturePolicy
  /** The attestation gate (source-repository, signer-workflow …), likewise; none: off. */
  readonly attestations?: AttestationPolicy
}

/** The shell's world, as the engine needs it. */
export interface Ports {
  readonly logger: Logger
  /** Folds a phase's log lines (the action's core.group); the CLI just runs it. */
  readonly group: <T>(name: string, run: () => Promise<T>) => Promise<T>
  /** Masks a secret the run learns (a registry token) in the action's log. */
  readonly onSecret?: (secret: string) => void
  /** GITHUB_API_URL, docker config, AWS settings, renderer PATH… */
  readonly env: NodeJS.ProcessEnv
  /** The GitHub token: the API writer's, and git's over https. Never logged. */
  readonly token?: string
  /** Where a missing token comes from, for the message (`input token`, `GITHUB_TOKEN or …`). */
  readonly tokenSource: string
  /** The build's workflow run, for links and trailers. */
  readonly source: SourceInfo
  /** How messages name settings: the action's inputs or the CLI's flags. */
  readonly names: OptionNames
}

export interface EnvironmentEdit {
  readonly environment?: string
  readonly result: EditResult
  readonly images: readonly ResolvedImage[]
  /** What changes in the code per changed image (engine/code-changes.ts). */
  readonly codeChanges?: readonly CodeChange[]
}

export const DEFAULT_BRANCH_TEMPLATE = 'promote/{environment}/{name}'

/** What a plan says when its shell says nothing else (a resolve-only run, say). */
export const PLAN_DEFAULTS = {
  environments: [],
  targets: [],
  configFile: 'promotion.yaml',
  defaultMode: 'push',
  pullRequest: { labels: [], reviewers: [], teamReviewers: [], assignees: [] },
  verifyRender: 'auto',
  dryRun: false,
  allowDowngrade: 'warn'
} as const satisfies Partial<PromotionPlan>
