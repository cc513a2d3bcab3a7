/**
 * Where keyless trust comes from. A `trusted-root` file when given (air-gapped or private
 * Sigstore); otherwise Sigstore's public-good trusted root, fetched through TUF with
 * @sigstore/tuf (its `getTrustedRoot`: seeded root.json, then timestamp → snapshot → targets,
 * each signature and expiry checked by tuf-js, cached under XDG_DATA_HOME/sigstore-js).
 *
 * The root is fetched at most once per run (the promise is cached per mirror) and under one
 * overall deadline, so an unreachable mirror is a prompt refusal, never a hang.
 *
 * NOT YET: GitHub's TUF root (https://tuf-repo.github.com, GitHub's Fulcio + timestamp
 * authority, as cli/cli's pkg/cmd/attestation/verification/sigstore.go chooses per bundle);
 * it needs GitHub's initial root.json shipped as a trust anchor.
 */
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify'
import { formatSeconds } from '../http/deadline.js'
import { SignatureError } from '../errors.js'

/** Test-only override of the public-good mirror (a local TUF repository); documented as such. */
export const MIRROR_ENV = 'PROMOTE_IMAGE_SIGSTORE_TUF_MIRROR'
/** Seed root.json for the overridden mirror (test-only, like MIRROR_ENV). */
export const ROOT_ENV = 'PROMOTE_IMAGE_SIGSTORE_TUF_ROOT'
const DEFAULT_DEADLINE_MS = 30_000
/** @sigstore/tuf's DEFAULT_MIRROR_URL, named here so that the library loads only when used. */
const PUBLIC_GOOD_MIRROR = 'https://tuf-repo-cdn.sigstore.dev'

export interface TrustSource {
  readonly mirrorURL: string
  readonly rootPath?: string
  readonly deadlineMs: number
  readonly cachePath?: string
}

export function publicGoodSource(env: NodeJS.ProcessEnv = process.env): TrustSource {
  const mirror = env[MIRROR_ENV]
  return {
    mirrorURL: mirror !== undefined && mirror !== '' ? mirror : PUBLIC_GOOD_MIRROR,
    ...(env[ROOT_ENV] ? { rootPath: env[ROOT_ENV] } : {}),
    deadlineMs: DEFAULT_DEADLINE_MS
  }
}

const cache = new Map<string, Promise<TrustMaterial>>()

/** Forget fetched roots (tests). */
export function resetTrustCache(): void {
  cache.clear()
}

/** The TUF-served trusted root as trust material, fetched once per run per mirror. */
export function tufTrustMaterial(source: TrustSource = publicGoodSource()): Promise<TrustMaterial> {
  const key = `${source.mirrorURL}\n${source.rootPath ?? ''}`
  let pending = cache.get(key)
  if (pending === undefined) {
    pending = fetchRoot(source)
    cache.set(key, pending)
  }
  return pending
}

async function fetchRoot(source: TrustSource): Promise<TrustMaterial> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${formatSeconds(source.deadlineMs)}`)),
      source.deadlineMs
    )
    timer.unref()
  })
  try {
    // Loaded here, not at startup: TUF and its HTTP stack are needed only for keyless bundles.
    const { getTrustedRoot } = await import('@sigstore/tuf')
    const root = await Promise.race([
      getTrustedRoot({
        mirrorURL: source.mirrorURL,
        ...(source.rootPath !== undefined ? { rootPath: source.rootPath } : {}),
        ...(source.cachePath !== undefined ? { cachePath: source.cachePath } : {}),
        retry: 1,
        timeout: source.deadlineMs
      }),
      deadline
    ])
    return toTrustMaterial(root)
  } catch (error) {
    throw new SignatureError(
      `Could not fetch the Sigstore trusted root through TUF from ${source.mirrorURL}: ${(error as Error).message}.`,
      {
        hint: 'Keyless verification without trusted-root needs the TUF repository; offline, pass a trusted_root.json with trusted-root (cosign trusted-root create).'
      }
    )
  } finally {
    clearTimeout(timer)
  }
}
