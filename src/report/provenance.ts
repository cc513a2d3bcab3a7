/**
 * A verified attestation in words, for the summary, the PR body and the `Image-Provenance:`
 * trailer: the predicate type, then where the build came from (repository, commit, ref) and
 * the workflow that signed.
 */
import type { ProvenanceVerification } from '../model.js'

export function provenanceWords(
  provenance: ProvenanceVerification,
  quote: (text: string) => string
): string {
  const signer = provenance.signerWorkflow || provenance.identity
  return `verified ${quote(provenance.predicateType)}, built from ${quote(provenance.sourceRepository)} at ${quote(provenance.sourceCommit)} (${quote(provenance.sourceRef)}), signed by ${quote(signer)}`
}
