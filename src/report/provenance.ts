/**
 * A verified attestation in words, for the summary, the PR body and the `Image-Provenance:`
 * trailer: the predicate type, then where the build came from (repository, commit, ref) and
 * the workflow that signed. A certificate without GitHub's extensions (an attestation signed
 * outside GitHub Actions, accepted by certificate-identity) leaves out what it does not say.
 */
import type { ProvenanceVerification } from '../model.js'

export function provenanceWords(
  provenance: ProvenanceVerification,
  quote: (text: string) => string
): string {
  const { sourceRepository, sourceCommit, sourceRef } = provenance
  const source = sourceRepository
    ? `, built from ${quote(sourceRepository)}${sourceCommit ? ` at ${quote(sourceCommit)}` : ''}${sourceRef ? ` (${quote(sourceRef)})` : ''}`
    : ''
  const signer = provenance.signerWorkflow || provenance.identity
  return `verified ${quote(provenance.predicateType)}${source}, signed by ${quote(signer)}`
}
