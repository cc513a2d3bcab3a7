/**
 * The engine's one entry, for the action and the CLI alike:
 * plan → resolve → (per environment) images → edit → render proof →
 * deliver → outcome. The shells only turn their options into a plan and
 * the outcome into outputs.
 */
import type { ResolvedImage } from '../model.js'
import { createResolver } from '../registry/index.js'
import type { EnvironmentRun } from './environments.js'
import { uniqueImages } from './images.js'
import type { EnvironmentEdit, Ports, PromotionPlan } from './plan.js'
import { resolveImages } from './resolve.js'
import { attestationContextOf, gateAttestations } from './attestations.js'
import { gateSignatures } from './signatures.js'

export interface PromotionOutcome {
  /** The promoted images: the resolved builds, or what the source environment runs. */
  readonly images: readonly ResolvedImage[]
  /** Per environment: what changed and which images it holds. */
  readonly edits: readonly EnvironmentEdit[]
  /** Per environment, when a writer committed: the commit, branch and pull request. */
  readonly runs: readonly EnvironmentRun[]
}

export async function runPromotion(plan: PromotionPlan, ports: Ports): Promise<PromotionOutcome> {
  if (plan.destination?.kind === 'git' && plan.mode === 'pull-request') {
    // An explicit pull request needs a GitHub repository and a token: refused before any request.
    const { configRepositoryOf } = await import('./destination.js')
    configRepositoryOf(plan.destination, ports).githubFor?.(ports.names.set('mode', 'pull-request'))
  }
  const resolver = createResolver({
    logger: ports.logger,
    insecureRegistries: plan.registry.insecureRegistries,
    credentials: plan.registry.credentials,
    env: ports.env,
    onSecret: ports.onSecret,
    names: ports.names
  })
  const build = 'build' in plan.images ? plan.images.build : undefined
  // Promoting from another environment, the images are what it runs: read per environment.
  const unverified = build
    ? await ports.group('Resolve image digests', () =>
        resolveImages(
          {
            images: build.references,
            buildDigest: build.buildDigest,
            policy: plan.policy,
            pin: build.pin,
            explicitCredentials: plan.registry.credentials !== undefined,
            requireImmutableRepository: build.requireImmutableRepository,
            names: ports.names
          },
          resolver,
          ports.logger
        )
      )
    : []
  // The signature gate: before anything is edited or written, and before a resolve-only run prints.
  const signed = plan.signatures
    ? await ports.group('Verify signatures', () =>
        gateSignatures(unverified, plan.signatures, resolver, ports.names, ports.logger)
      )
    : unverified
  const resolved = plan.attestations
    ? await ports.group('Verify attestations', () =>
        gateAttestations(
          signed,
          plan.attestations,
          resolver,
          attestationContextOf(ports).reader,
          ports.names,
          ports.logger
        )
      )
    : signed
  if (!plan.destination) return { images: resolved, edits: [], runs: [] }
  // Loaded only when there is a config repository to write: a resolve-only run starts fast.
  const { writeConfigRepository } = await import('./write.js')
  const { edits, runs } = await writeConfigRepository(
    plan,
    plan.destination,
    resolved,
    resolver,
    ports
  )
  return { images: build ? resolved : uniqueImages(edits.flatMap(e => e.images)), edits, runs }
}
