/**
 * Which images an environment gets — the one place that tells a fresh build
 * from a promotion between environments. A build passes the environment's
 * promote-from gate; from-environment reads what the source runs. Both read
 * the commit the edit is made on, so nothing can change between the check
 * and the write.
 */
import type { ResolvedImage } from '../model.js'
import type { Logger } from '../log/logger.js'
import type { TagPolicy } from '../policy/index.js'
import type { OptionNames } from '../errors.js'
import type { DigestResolver } from '../registry/index.js'
import type { ArtifactSource, AttestationPolicy, SignaturePolicy } from '../signature/index.js'
import type { TreeReader } from '../repo/index.js'
import type { ImageSource } from './plan.js'
import { checkPromoteFrom, imagesFromEnvironment } from './promote-from.js'
import { gateAttestations, type AttestationContext } from './attestations.js'
import { gateEnvironment } from './environment-gate.js'
import { gateSignatures } from './signatures.js'

export interface ImagesRequest {
  readonly source: ImageSource
  /** The builds, resolved (empty when promoting from an environment). */
  readonly resolved: readonly ResolvedImage[]
  /** The config repository at the commit the edit is made on. */
  readonly reader: TreeReader
  readonly configFile: string
  readonly environment?: string
  /** Inline targets: promotion.yaml (and its gate) is not read. */
  readonly inlineTargets: boolean
  readonly policy: TagPolicy
  /** When a file last changed (ISO date), where the writer can tell. */
  readonly since?: (file: string) => Promise<string | undefined>
  /** The signature gate: what another environment runs is checked like a fresh build. */
  readonly signatures?: SignaturePolicy
  /** The attestation gate, likewise; and GitHub's attestations API for it and verify: blocks. */
  readonly attestations?: AttestationPolicy
  readonly attestationContext?: AttestationContext
  readonly names: OptionNames
}

export async function imagesFor(
  request: ImagesRequest,
  resolver: DigestResolver & ArtifactSource,
  logger: Logger
): Promise<readonly ResolvedImage[]> {
  const { source, reader, configFile, environment } = request
  if ('fromEnvironment' in source) {
    const running = await imagesFromEnvironment(
      {
        reader,
        configFile,
        source: source.fromEnvironment,
        destination: environment,
        selections: source.selections,
        policy: request.policy,
        since: request.since
      },
      resolver,
      logger
    )
    const signed = await gateSignatures(
      running,
      request.signatures,
      resolver,
      request.names,
      logger
    )
    const checked = await gateAttestations(
      signed,
      request.attestations,
      resolver,
      request.attestationContext?.reader,
      request.names,
      logger
    )
    return environment === undefined
      ? checked
      : gateEnvironment(
          {
            reader,
            configFile,
            environment,
            images: checked,
            names: request.names,
            attestations: request.attestationContext
          },
          resolver,
          logger
        )
  }
  if (environment !== undefined && !request.inlineTargets) {
    await checkPromoteFrom({ reader, configFile, environment, images: request.resolved }, logger)
    return gateEnvironment(
      {
        reader,
        configFile,
        environment,
        images: request.resolved,
        names: request.names,
        attestations: request.attestationContext
      },
      resolver,
      logger
    )
  }
  return request.resolved
}

/** One entry per pinned reference, in first-seen order. */
export function uniqueImages(images: readonly ResolvedImage[]): ResolvedImage[] {
  return [...new Map(images.map(i => [i.pinned, i])).values()]
}
