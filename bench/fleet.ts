/**
 * Many images at once: 50 images × 3 environments (dev and staging pushed,
 * prod as a pull request) in one action run, against one image in one run
 * and against 50 sequential single-image runs — what a pipeline without
 * batching does. Checks the shape too: one commit per pushed environment and
 * one pull request for prod, each holding all 50 images.
 */
import type { GitHubBox } from '../__tests__/support/github.js'
import { pushImage, type RegistryInstance } from '../__tests__/support/registry.js'
import { expectSuccess, runAction } from './lib/action.js'
import { appNames, configRepoFiles, ENVIRONMENTS } from './lib/config-repo.js'
import { median } from './lib/stats.js'

export interface FleetResult {
  images: number
  /** Median ms of one run promoting every image into the three environments. */
  batch: number
  /** Median ms of one run promoting one image into the three environments (every such run). */
  single: number
  /** 50 sequential single runs: 50 × the mean of the `sequentialMeasured` single-image runs. */
  sequential: number
  sequentialMeasured: number
  commitsPerPushedEnvironment: number
  pullRequestFiles: number
}

const IMAGES = 50

export async function fleet(
  box: GitHubBox,
  registry: RegistryInstance,
  options: { runs: number; sequentialRuns: number }
): Promise<FleetResult> {
  const apps = appNames(1_000).slice(0, IMAGES)
  const repo = 'bench/fleet'
  await box.createRepo(repo, fleetRepo(registry.host))
  let round = 0
  const release = async (names: readonly string[]): Promise<string[]> => {
    round++
    return Promise.all(
      names.map(async app => {
        await pushImage(registry, `team/${app}`, `v2.${round}.0`, { seed: `${app}-${round}` })
        return `${registry.host}/team/${app}:v2.${round}.0`
      })
    )
  }
  const environment = ENVIRONMENTS.join('\n')

  const batch: number[] = []
  const single: number[] = []
  let shape = { commits: 0, prFiles: 0 }
  for (let run = 0; run < options.runs; run++) {
    const before = (await box.log(repo, 'main'))[0]!.sha
    const all = await runAction(box, repo, {
      image: (await release(apps)).join('\n'),
      environment
    })
    expectSuccess(all, `${IMAGES} images × 3 environments`)
    batch.push(all.ms)
    const log = await box.log(repo, 'main')
    const landed = log.slice(
      0,
      log.findIndex(c => c.sha === before)
    )
    const pull = box.pulls(repo).find(p => p.state === 'open')
    const prFiles = pull ? (await box.log(repo, pull.head.ref))[0]!.files.length : 0
    shape = { commits: landed.length / 2, prFiles }
    if (landed.some(c => c.files.length !== IMAGES) || prFiles !== IMAGES)
      throw new Error(
        `the ${IMAGES}-image run did not land one commit per environment with every image`
      )

    const one = await runAction(box, repo, {
      image: (await release(apps.slice(0, 1)))[0]!,
      environment
    })
    expectSuccess(one, '1 image × 3 environments')
    single.push(one.ms)
  }
  // A sequential run is a single-image run: both samples feed both figures.
  for (let run = 0; run < options.sequentialRuns; run++) {
    const one = await runAction(box, repo, {
      image: (await release([apps[run % apps.length]!]))[0]!,
      environment
    })
    expectSuccess(one, 'sequential single run')
    single.push(one.ms)
  }
  const sequential = (single.reduce((sum, ms) => sum + ms, 0) / single.length) * IMAGES
  return {
    images: IMAGES,
    batch: median(batch),
    single: median(single),
    sequential,
    sequentialMeasured: single.length,
    commitsPerPushedEnvironment: shape.commits,
    pullRequestFiles: shape.prFiles
  }
}

/** A 1,000-file repo whose prod environment promotes through a pull request. */
function fleetRepo(registry: string): Record<string, string> {
  const files = configRepoFiles(1_000, registry)
  files['promotion.yaml'] = files['promotion.yaml']!.replace(
    /( {2}prod:\n {4}mode: )push/,
    '$1pull-request'
  )
  return files
}
