/**
 * What changes in the code (issue 18): for each image an environment's edit changed, the source
 * and revision of the new digest and of the digest the target pinned before (the edit's old
 * value), and, when the source is a GitHub repository, the commits between them. One read per
 * digest (the registry caches), one compare per range and run; never fails the promotion.
 */
import { githubSourceOf, readCommitRange } from '../deliver/index.js'
import type { CodeChange, CommitRange, EditResult, ImageOrigin, ResolvedImage } from '../model.js'
import type { OriginReader } from '../registry/index.js'
import { sameSource } from '../report/index.js'
import type { Ports } from './plan.js'

export type CodeChangeReader = (
  images: readonly ResolvedImage[],
  edit: EditResult
) => Promise<CodeChange[]>

const DIGEST = /sha256:[0-9a-f]{64}/

export function codeChangeReader(reader: OriginReader, ports: Ports): CodeChangeReader {
  const ranges = new Map<string, Promise<CommitRange>>()
  const { env, logger } = ports

  const rangeOf = (
    origin: ImageOrigin,
    previous: ImageOrigin
  ): Promise<CommitRange> | undefined => {
    if (!origin.source || !origin.revision || !previous.revision) return undefined
    if (origin.revision === previous.revision) return undefined
    if (previous.source !== undefined && !sameSource(previous.source, origin.source))
      return undefined
    const source = githubSourceOf(origin.source, env.GITHUB_SERVER_URL)
    if (!source) return undefined
    const key = `${source.server}/${source.repository}@${previous.revision}...${origin.revision}`
    let range = ranges.get(key)
    if (!range) {
      range = readCommitRange({
        source,
        base: previous.revision,
        head: origin.revision,
        token: ports.token,
        serverUrl: env.GITHUB_SERVER_URL,
        apiUrl: env.GITHUB_API_URL,
        logger
      })
      ranges.set(key, range)
    }
    return range
  }

  const read = async (image: ResolvedImage, digest: string): Promise<ImageOrigin | string> => {
    try {
      return await reader.origin(image.reference, digest)
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      // Said in the section too; a registry that only the describe API reaches (ECR without
      // docker login) is no reason to warn on every run.
      logger.info(`Could not read the source revision of ${image.reference.name}@${digest}: ${why}`)
      return why
    }
  }

  return async (images, edit) => {
    const changes = edit.files.flatMap(f => f.changes)
    const changed = images.filter(i => changes.some(c => c.image === i.input))
    return Promise.all(
      changed.map(async (image): Promise<CodeChange> => {
        // The old value of any of the image's fields that held a digest: what the target ran.
        const before = changes
          .filter(c => c.image === image.input)
          .map(c => DIGEST.exec(c.old ?? '')?.[0])
          .find(d => d !== undefined)
        const [origin, previous] = await Promise.all([
          read(image, image.digest),
          before === undefined ? undefined : read(image, before)
        ])
        const errors = [origin, previous].filter((o): o is string => typeof o === 'string')
        const now = typeof origin === 'string' ? {} : origin
        const was = typeof previous === 'string' ? undefined : previous
        const range = was ? await rangeOf(now, was) : undefined
        return {
          image: image.input,
          digest: image.digest,
          origin: now,
          previous: { ...(before && { digest: before }), ...(was && { origin: was }) },
          ...(range && { range }),
          ...(errors.length > 0 && { error: errors.join(' ') })
        }
      })
    )
  }
}
