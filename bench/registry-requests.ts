/**
 * HTTP requests (registry and token server together) per resolution, cold
 * and warm, against `skopeo inspect` and `skopeo inspect --raw` on the same
 * real registry with anonymous bearer auth. Counted by the registry's proxy,
 * so both tools are measured by the same meter.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { pushImage, startRegistry } from '../__tests__/support/registry.js'
import { silentLogger } from '../src/log/logger.js'
import { parseReference } from '../src/reference/index.js'
import { createResolver } from '../src/registry/index.js'

const run = promisify(execFile)

export interface RequestCounts {
  cold: number
  furtherRepository: number
  furtherTag: number
}

export interface RegistryResult {
  ours: RequestCounts
  skopeo: RequestCounts
  skopeoRaw: RequestCounts
}

export async function registryRequests(): Promise<RegistryResult> {
  const registry = await startRegistry({ auth: 'token' })
  try {
    await pushImage(registry, 'team/api', 'v1', { seed: 'api-1' })
    await pushImage(registry, 'team/api', 'v2', { seed: 'api-2' })
    await pushImage(registry, 'team/web', 'v1', { seed: 'web-1' })
    const sequence = ['team/api:v1', 'team/web:v1', 'team/api:v2'].map(i => `${registry.host}/${i}`)

    const count = async (fn: () => Promise<unknown>): Promise<number> => {
      registry.requests.reset()
      await fn()
      return registry.requests.count()
    }
    const resolver = createResolver({
      logger: silentLogger,
      env: { DOCKER_CONFIG: '/nonexistent', PATH: process.env.PATH },
      insecureRegistries: [registry.host]
    })
    // One resolver for the sequence, as one action run resolves all its images.
    const ours: number[] = []
    for (const image of sequence)
      ours.push(await count(() => resolver.resolve(parseReference(image))))
    // skopeo starts afresh for every image: no challenge or token survives a run.
    const skopeo = async (raw: boolean): Promise<number[]> => {
      const counts: number[] = []
      for (const image of sequence)
        counts.push(
          await count(() =>
            run(
              'skopeo',
              ['inspect', ...(raw ? ['--raw'] : []), '--tls-verify=false', `docker://${image}`],
              {
                env: {
                  PATH: process.env.PATH,
                  HOME: '/nonexistent',
                  REGISTRY_AUTH_FILE: '/nonexistent'
                }
              }
            )
          )
        )
      return counts
    }
    const asCounts = ([cold, furtherRepository, furtherTag]: number[]): RequestCounts => ({
      cold: cold!,
      furtherRepository: furtherRepository!,
      furtherTag: furtherTag!
    })
    return {
      ours: asCounts(ours),
      skopeo: asCounts(await skopeo(false)),
      skopeoRaw: asCounts(await skopeo(true))
    }
  } finally {
    await registry.stop()
  }
}
