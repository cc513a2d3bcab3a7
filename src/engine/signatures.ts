/**
 * The signature gate, between resolve and edit: every image digest about to be written must
 * carry a signature the plan's policy accepts. A refused image stops the run before any edit,
 * commit or write request; an accepted one carries its verification into the outputs.
 */
import pLimit from 'p-limit'
import { PromoteError, type OptionNames } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { ResolvedImage, SignatureVerification } from '../model.js'
import { registryHost } from '../reference/index.js'
import {
  verifyImageSignature,
  type ArtifactSource,
  type SignaturePolicy
} from '../signature/index.js'
import { refusalOf } from './resolve.js'

/** The images, each with its verified signature; throws every refusal at once. */
export async function gateSignatures(
  images: readonly ResolvedImage[],
  policy: SignaturePolicy | undefined,
  source: ArtifactSource,
  names: OptionNames,
  logger: Logger,
  concurrency = 8
): Promise<ResolvedImage[]> {
  if (!policy || images.length === 0) return [...images]
  const limit = pLimit(concurrency)
  // One check per repository and digest, however many references name it.
  const checks = new Map<string, ReturnType<typeof verifyImageSignature>>()
  const checkOf = (image: ResolvedImage) => {
    const key = `${registryHost(image.reference)}/${image.reference.path}@${image.digest}`
    let check = checks.get(key)
    if (!check) {
      check = limit(() => verifyImageSignature(image, policy, source, names))
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
    const signature = (settled[i] as PromiseFulfilledResult<SignatureVerification>).value
    const by =
      signature.kind === 'cosign-key'
        ? `key ${signature.key}`
        : `${signature.identity} (issuer ${signature.issuer})`
    logger.info(`${image.pinned}: signature verified, signed by ${by} (${signature.location})`)
    return { ...image, signature }
  })
}
