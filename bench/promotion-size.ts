/**
 * Promotion time against config-repo size: one image into the dev overlay of
 * generated repos of 10, 1,000 and 20,000 files (the largest with 5,000
 * commits of history), by the action's `api` and `git` write methods and by
 * the full-clone pipeline most teams script by hand — `git clone`, edit,
 * commit, push — on the same repos, served by GitHub in a box. Methods are
 * interleaved run by run so machine noise falls on all of them alike.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { GitHubBox } from '../__tests__/support/github.js'
import { pushImage, type RegistryInstance } from '../__tests__/support/registry.js'
import { expectSuccess, runAction, spawnTimed, type Ran } from './lib/action.js'
import { appNames, configRepoFiles, promotionHistory } from './lib/config-repo.js'
import { median, timed } from './lib/stats.js'

export const METHODS = ['api', 'git', 'full clone'] as const
export type Method = (typeof METHODS)[number]

export interface SizeResult {
  files: number
  commits: number
  /** Median milliseconds per method. */
  medians: Record<Method, number>
  runs: number
}

/** Commits of history: every one a past promotion of some overlay. */
export const SIZES = [
  { files: 10, commits: 1 },
  { files: 1_000, commits: 500 },
  { files: 20_000, commits: 5_000 }
] as const

export async function promotionBySize(
  box: GitHubBox,
  registry: RegistryInstance,
  runs: number
): Promise<SizeResult[]> {
  const results: SizeResult[] = []
  for (const size of SIZES) {
    const repo = `bench/config-${size.files}`
    await box.createRepo(repo, configRepoFiles(size.files, registry.host), {
      afterwards: { commits: size.commits - 1, files: promotionHistory(size.files, registry.host) }
    })
    const app = appNames(size.files)[0]!
    const times: Record<Method, number[]> = { api: [], git: [], 'full clone': [] }
    for (let run = 0; run < runs; run++) {
      for (const method of METHODS) {
        // A new tag per run, so every run really changes the overlay.
        const tag = `v1.${run}.${METHODS.indexOf(method)}-${size.files}`
        const pushed = await pushImage(registry, `team/${app}`, tag, { seed: tag })
        const image = `${registry.host}/team/${app}:${tag}`
        const ran =
          method === 'full clone'
            ? await fullClonePipeline(box, repo, app, tag, pushed.digest)
            : await runAction(box, repo, {
                image,
                environment: 'dev',
                'write-method': method
              })
        expectSuccess(ran, `${method} promotion into ${size.files} files`)
        const text = await box.readFile(repo, 'main', `apps/${app}/overlays/dev/kustomization.yaml`)
        if (!text?.includes(pushed.digest))
          throw new Error(`${method} run ${run} did not land ${tag} in ${repo}`)
        times[method].push(ran.ms)
      }
    }
    const commits = (await box.git(repo, ['rev-list', '--count', 'main'])).trim()
    results.push({
      files: size.files,
      commits: Number(commits) - runs * METHODS.length,
      medians: {
        api: median(times.api),
        git: median(times.git),
        'full clone': median(times['full clone'])
      },
      runs
    })
  }
  return results
}

/**
 * The baseline: what a hand-written CI step does. A full clone (no filter, no
 * sparse checkout), the same two-line edit the action makes, commit, push.
 * The digest is handed in for free; the pipeline does no registry work.
 */
async function fullClonePipeline(
  box: GitHubBox,
  repo: string,
  app: string,
  tag: string,
  digest: string
): Promise<Ran> {
  const work = await mkdtemp(join(tmpdir(), 'bench-clone-'))
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: work,
      TMPDIR: tmpdir(),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0'
    }
    const auth = `http.extraHeader=Authorization: basic ${Buffer.from(`x-access-token:${box.token}`).toString('base64')}`
    const { ms, value } = await timed(async (): Promise<Ran> => {
      const dir = join(work, 'repo')
      const steps: string[][] = [['-c', auth, 'clone', '--quiet', `${box.url}/${repo}.git`, dir]]
      for (const step of steps) {
        const ran = await spawnTimed('git', step, { env })
        if (ran.code !== 0) return ran
      }
      const file = join(dir, `apps/${app}/overlays/dev/kustomization.yaml`)
      const text = await readFile(file, 'utf8')
      const retagged = text
        .replace(/newTag: \S+/, `newTag: ${tag}`)
        .replace(/^ {4}digest: .*\n/m, '')
      await writeFile(file, `${retagged}    digest: ${digest}\n`)
      for (const step of [
        [
          '-C',
          dir,
          '-c',
          'user.name=ci',
          '-c',
          'user.email=ci@example.com',
          'commit',
          '--quiet',
          '-am',
          `promote ${app} ${tag}`
        ],
        ['-C', dir, '-c', auth, 'push', '--quiet', 'origin', 'HEAD:main']
      ]) {
        const ran = await spawnTimed('git', step, { env })
        if (ran.code !== 0) return ran
      }
      return { code: 0, stdout: '', stderr: '', ms: 0 }
    })
    return { ...value, ms }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
