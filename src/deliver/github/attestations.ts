/**
 * GitHub's artifact attestations API, read-only: the bundles GitHub keeps for a subject digest
 * (docs.github.com/rest/repos/attestations#list-attestations, and the org endpoint,
 * #list-attestations-by-subject-digest under orgs). One request per call, no pagination: the
 * first page of 30 is far more than a digest's attestations of one predicate type. GitHub
 * answers 404 when it holds none (gh attestation verify's ErrNoAttestationsFound), which is
 * an answer here, not an error. The token stays inside the Octokit.
 */
import { PromoteError } from '../../errors.js'
import type { Logger } from '../../log/logger.js'
import { createOctokit, GitHubError, type Octokit } from './client.js'

export interface AttestationReaderOptions {
  readonly token: string
  /** The REST API's root (GHES: https://host/api/v3); without it https://api.github.com. */
  readonly apiUrl?: string
  readonly logger: Logger
}

/** The shape the signature stage's AttestationReader port takes. */
export interface GitHubAttestations {
  list(
    scope: { readonly owner: string; readonly repo?: string },
    digest: string,
    predicateType: string
  ): Promise<{ readonly url: string; readonly bundles: readonly unknown[] }>
}

export function createAttestationReader(options: AttestationReaderOptions): GitHubAttestations {
  let octokit: Octokit | undefined
  const base = (options.apiUrl ?? 'https://api.github.com').replace(/\/$/, '')
  return {
    async list(scope, digest, predicateType) {
      octokit ??= createOctokit(options.token, options.logger, options.apiUrl)
      const path = scope.repo
        ? `/repos/${scope.owner}/${scope.repo}/attestations/${digest}`
        : `/orgs/${scope.owner}/attestations/${digest}`
      const url = `${base}${path}?predicate_type=${encodeURIComponent(predicateType)}`
      try {
        const { data } = await (scope.repo
          ? octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
              owner: scope.owner,
              repo: scope.repo,
              subject_digest: digest,
              predicate_type: predicateType
            })
          : octokit.request('GET /orgs/{org}/attestations/{subject_digest}', {
              org: scope.owner,
              subject_digest: digest,
              predicate_type: predicateType
            }))
        // The org endpoint may leave `bundle` null and point at bundle_url: not fetched (one
        // request per image); such an attestation is not counted.
        const bundles = (data.attestations ?? []).flatMap(a => (a.bundle ? [a.bundle] : []))
        return { url, bundles }
      } catch (error) {
        const status = (error as { status?: number }).status
        if (status === 404) return { url, bundles: [] }
        throw refusal(error, status, scope, url)
      }
    }
  }
}

function refusal(
  error: unknown,
  status: number | undefined,
  scope: { readonly owner: string; readonly repo?: string },
  url: string
): PromoteError {
  const where = scope.repo ? `${scope.owner}/${scope.repo}` : `the organization ${scope.owner}`
  const hint =
    status === 401
      ? 'The token is invalid or expired.'
      : status === 403
        ? `The token may not read the attestations of ${where}: give the job permissions attestations: read (and contents: read), or a token that can read ${where}.`
        : 'GitHub did not answer; run again later. Nothing was written.'
  return new GitHubError(
    `Reading the attestations of the image from GitHub failed: GET ${url} answered ${status ?? (error as Error).message}.`,
    { hint }
  )
}
