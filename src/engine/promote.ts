/**
 * A promotion through git: clone sparsely, edit, prove, commit, push. When
 * the push loses a race (another promotion landed first), re-read the new
 * head and re-apply the pure edit — never a textual merge — with jittered,
 * bounded retries, so concurrent promotions all land and none is lost.
 */
import { posix } from 'node:path'
import { GitCheckout } from '../deliver/git.js'
import { PromoteError } from '../errors.js'
import type { Logger } from '../log/logger.js'
import { renderClosure } from '../render/index.js'
import {
  editConfigRepo,
  loadTargets,
  targetsOf,
  type EditResult,
  type VerifyRenderMode
} from './edit.js'
import type { ResolvedImage } from './resolve.js'

export interface GitPromotionRequest {
  readonly configRepo: string
  readonly baseBranch?: string
  readonly token?: string
  readonly environment?: string
  readonly targets?: readonly string[]
  readonly configFile: string
  readonly images: readonly ResolvedImage[]
  readonly verifyRender: VerifyRenderMode
  readonly dryRun: boolean
  /** Builds the commit message from what changed. */
  readonly message: (result: EditResult) => string
  readonly onSecret?: (secret: string) => void
  /** Push attempts before giving up; each lost race costs one. */
  readonly attempts?: number
}

export interface GitPromotionResult {
  readonly edit: EditResult
  readonly baseBranch: string
  readonly commit?: string
  readonly attempts: number
}

export class LostRaceError extends PromoteError {}

export async function promoteWithGit(
  request: GitPromotionRequest,
  logger: Logger
): Promise<GitPromotionResult> {
  const checkout = await GitCheckout.open({
    url: request.configRepo,
    baseBranch: request.baseBranch,
    token: request.token,
    logger,
    onSecret: request.onSecret
  })
  const attempts = request.attempts ?? 12
  try {
    for (let attempt = 1; ; attempt++) {
      await checkOutWhatIsRead(checkout, request)
      const edit = await editConfigRepo({ ...request, repoRoot: checkout.dir }, logger)
      if (request.dryRun || edit.files.length === 0) {
        return { edit, baseBranch: checkout.baseBranch, attempts: attempt }
      }
      const commit = await checkout.commit(request.message(edit))
      if (!commit) return { edit, baseBranch: checkout.baseBranch, attempts: attempt }
      if ((await checkout.push(checkout.baseBranch, { force: false })) === 'pushed') {
        return { edit, baseBranch: checkout.baseBranch, commit, attempts: attempt }
      }
      if (attempt >= attempts) {
        throw new LostRaceError(
          `${checkout.baseBranch} kept moving: ${attempts} attempts to push the promotion lost the race to other commits.`,
          { hint: 'Re-run the job; nothing was pushed.' }
        )
      }
      const delay = Math.round(Math.random() * Math.min(2000, 100 * 2 ** attempt))
      logger.info(
        `${checkout.baseBranch} moved while promoting; re-applying on the new head in ${delay} ms (attempt ${attempt + 1} of ${attempts}).`
      )
      await new Promise(resolve => setTimeout(resolve, delay))
      await checkout.refresh()
    }
  } finally {
    await checkout.close()
  }
}

/**
 * Sparse checkout of exactly what the promotion reads: promotion.yaml, the
 * targets, and what their render needs — read from git objects before any
 * of it is checked out, so unrelated files are never fetched.
 */
async function checkOutWhatIsRead(
  checkout: GitCheckout,
  request: GitPromotionRequest
): Promise<void> {
  const inline = request.targets !== undefined && request.targets.length > 0
  if (!inline) await checkout.include([request.configFile])
  const templates = await loadTargets({ ...request, repoRoot: checkout.dir })
  const paths = new Set<string>()
  const overlays = new Set<string>()
  for (const image of request.images) {
    for (const target of targetsOf(templates, image, request.environment)) {
      paths.add(target.path)
      if (target.kind === 'kustomize') overlays.add(target.path)
    }
  }
  await checkout.include([...paths])
  if (request.verifyRender === 'false') return
  const reader = checkout.reader()
  for (const overlay of overlays) {
    const dir = (await reader.type(overlay)) === 'file' ? posix.dirname(overlay) : overlay
    const closure = await renderClosure('kustomize', reader, dir, new Map())
    if (closure) await checkout.include(closure)
    else await checkout.includeAll()
  }
}
