/**
 * 20 promotions of different images started at once into one branch, as 20
 * CI jobs finishing together do: how many land, how many updates are lost
 * (a run that succeeded but whose digest is not on the branch at the end), and the wall time
 * against one promotion into the same repo.
 */
import { availableParallelism } from 'node:os'
import type { GitHubBox } from '../__tests__/support/github.js'
import { pushImage, type RegistryInstance } from '../__tests__/support/registry.js'
import { runAction } from './lib/action.js'
import { appNames, configRepoFiles } from './lib/config-repo.js'
import { cpuMs, median, timed } from './lib/stats.js'

export interface ContentionResult {
  method: 'api' | 'git'
  promotions: number
  landed: number
  lost: number
  wall: number
  single: number
  /** All CPU the batch used (runs, box, git, kubectl) spread over the cores: no wall time is shorter. */
  cpuFloor: number
}

const CONCURRENT = 20

export async function contention(
  box: GitHubBox,
  registry: RegistryInstance,
  method: 'api' | 'git',
  singles: number
): Promise<ContentionResult> {
  const repo = `bench/contention-${method}`
  await box.createRepo(repo, configRepoFiles(1_000, registry.host))
  const apps = appNames(1_000).slice(0, CONCURRENT)
  const release = async (app: string, tag: string) => {
    const pushed = await pushImage(registry, `team/${app}`, tag, {
      seed: `${app}-${tag}-${method}`
    })
    return { app, image: `${registry.host}/team/${app}:${tag}`, digest: pushed.digest }
  }
  const promote = (image: string) =>
    runAction(box, repo, { image, environment: 'dev', 'write-method': method })

  const single: number[] = []
  for (let i = 0; i < singles; i++) {
    const one = await release(apps[i % apps.length]!, `v1.${i}.0`)
    single.push((await promote(one.image)).ms)
  }

  const images = await Promise.all(apps.map(app => release(app, 'v3.0.0')))
  const cpuBefore = cpuMs()
  const { ms, value: runs } = await timed(() => Promise.all(images.map(i => promote(i.image))))
  const cpu = cpuMs() - cpuBefore
  // Lost: a run that reported success whose digest is not on the branch at the end.
  let lost = 0
  for (const [i, { app, digest }] of images.entries()) {
    const text = await box.readFile(repo, 'main', `apps/${app}/overlays/dev/kustomization.yaml`)
    if (runs[i]!.code === 0 && !text?.includes(digest)) lost++
  }
  return {
    method,
    promotions: CONCURRENT,
    landed: runs.filter(r => r.code === 0).length,
    lost,
    wall: ms,
    single: median(single),
    cpuFloor: cpu / availableParallelism()
  }
}
