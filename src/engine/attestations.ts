/**
 * The attestation gate, between resolve and edit, beside the signature gate: every image digest
 * about to be written must carry a GitHub artifact attestation the policy accepts. A refused
 * image stops the run before any edit, commit or write request; an accepted one carries its
 * provenance (source repository, commit, ref, signer workflow) into the outputs.
 */
import pLimit from 'p-limit'
import { createAttestationReader } from '../deliver/index.js'
import { PromoteError, type OptionNames } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { ProvenanceVerification, ResolvedImage } from '../model.js'
import { registryHost } from '../reference/index.js'
import {
  verifyImageAttestation,
  type ArtifactSource,
  type AttestationPolicy,
  type AttestationReader
} from '../signature/index.js'
import type { Ports } from './plan.js'
import { refusalOf } from './resolve.js'

/** GitHub's attestations API, and the server short names expand on (GITHUB_SERVER_URL). */
export interface AttestationContext {
  readonly reader?: AttestationReader
  readonly serverUrl?: string
}

const contexts = new WeakMap<object, AttestationContext>()

/** The run's attestation context: one reader (one Octokit) per run, and the server's URL. */
export function attestationContextOf(
  ports: Pick<Ports, 'token' | 'env' | 'logger'>
): AttestationContext {
  let context = contexts.get(ports)
  if (!context) {
    context = { reader: attestationReaderOf(ports), serverUrl: ports.env.GITHUB_SERVER_URL }
    contexts.set(ports, context)
  }
  return context
}

/**
 * GitHub's attestations API with the run's token (GHES: GITHUB_API_URL, else the server's
 * /api/v3); none without a token, and then only the registry is asked.
 */
export function attestationReaderOf(
  ports: Pick<Ports, 'token' | 'env' | 'logger'>
): AttestationReader | undefined {
  if (!ports.token) return undefined
  const server = ports.env.GITHUB_SERVER_URL?.replace(/\/$/, '')
  const apiUrl =
    ports.env.GITHUB_API_URL ??
    (server && server !== 'https://github.com' ? `${server}/api/v3` : undefined)
  return createAttestationReader({ token: ports.token, apiUrl, logger: ports.logger })
}

/** The images, each with its verified attestation; throws every refusal at once. */
export async function gateAttestations(
  images: readonly ResolvedImage[],
  policy: AttestationPolicy | undefined,
  source: ArtifactSource,
  github: AttestationReader | undefined,
  names: OptionNames,
  logger: Logger,
  concurrency = 8
): Promise<ResolvedImage[]> {
  if (!policy || images.length === 0) return [...images]
  const limit = pLimit(concurrency)
  // One check per repository and digest, however many references name it.
  const checks = new Map<string, Promise<ProvenanceVerification>>()
  const checkOf = (image: ResolvedImage) => {
    const key = `${registryHost(image.reference)}/${image.reference.path}@${image.digest}`
    let check = checks.get(key)
    if (!check) {
      check = limit(() => verifyImageAttestation(image, policy, source, github, names))
      checks.set(key, check)
    }
    return check
  }
  const settled = await Promise.allSettled(images.map(checkOf))
  const refusals = [
    ...new Set(settled.flatMap(s => (s.status === 'rejected' ? [s.reason as unknown] : [])))
  ]
  if (refusals.length > 0) {
    const unexpected = refusals.find(r => !(r instanceof PromoteError))
    if (unexpected !== undefined) throw unexpected
    throw refusalOf(refusals as PromoteError[])
  }
  return images.map((image, i) => {
    const provenance = (settled[i] as PromiseFulfilledResult<ProvenanceVerification>).value
    logger.info(
      `${image.pinned}: attestation verified, ${provenance.predicateType} from ${provenance.sourceRepository} at ${provenance.sourceCommit} (${provenance.sourceRef}), signed by ${provenance.signerWorkflow || provenance.identity} (${provenance.location})`
    )
    return { ...image, provenance }
  })
}
