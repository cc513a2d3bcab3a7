/**
 * Delivery: the one door to git and GitHub. The engine opens a session on a writer (git or
 * api), commits through it, and proposes a change on a pull-request branch; the engine
 * connects to the GitHub repository; the engine's settings read uses a throwaway checkout.
 */
export { proposeChange, promotionBranch, refuseBaseAsBranch } from './branch.js'
export type { Proposal, ProposedChange } from './branch.js'
export { GitCheckout, type GitCheckoutOptions, type SparseMode } from './git/checkout.js'
export type { RepoInfo } from './github/client.js'
export type { PullRequestResult, PullRequestSpec } from './github/pulls.js'
export { connectGitHub, type GitHubConnection, type GitHubRepo } from './github/repo.js'
export { LostRaceError, openSession } from './session.js'
export type { CommitInfo, Session, SessionOptions } from './session.js'
export {
  createAttestationReader,
  type AttestationReaderOptions,
  type GitHubAttestations
} from './github/attestations.js'
export {
  githubSourceOf,
  pullRequestOf,
  readCommitRange,
  type CompareRequest,
  type GitHubSource
} from './github/compare.js'
