/**
 * `npm run bench [-- --quick] [-- --only <section,…>]`: every figure of
 * targets.md measured side by side with its baseline in one process tree,
 * printed as a markdown table; a run of every section writes
 * bench/RESULTS.md, bench/promotion-time.svg and the README's table.
 *
 * Sections: registry, signature, size, fleet, contention, startup, bundle.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as prettier from 'prettier'
import { startGitHubBox } from '../__tests__/support/github.js'
import { startRegistry } from '../__tests__/support/registry.js'
import { bundleSizes } from './bundle.js'
import { chartSvg } from './chart.js'
import { contention } from './contention.js'
import { fleet } from './fleet.js'
import { ROOT } from './lib/action.js'
import { formatMs } from './lib/stats.js'
import { METHODS, promotionBySize } from './promotion-size.js'
import { registryRequests } from './registry-requests.js'
import { signatureGate } from './signature-gate.js'
import { resultsMarkdown, sizeTable, table, type Results } from './report.js'
import { startupTimes } from './startup.js'

const SECTIONS = [
  'registry',
  'signature',
  'size',
  'fleet',
  'contention',
  'startup',
  'bundle'
] as const

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } }
})
const quick = values.quick
const only = new Set(values.only ? values.only.split(',') : SECTIONS)
for (const name of only)
  if (!(SECTIONS as readonly string[]).includes(name))
    throw new Error(`--only: unknown section ${name}; sections: ${SECTIONS.join(', ')}`)
const runs = {
  size: quick ? 3 : 7,
  fleet: quick ? 1 : 3,
  sequential: quick ? 0 : 50,
  contentionSingles: quick ? 3 : 5,
  startup: quick ? 11 : 31,
  signature: quick ? 5 : 21
}

// Work trees, clones and GitHub in a box's repositories in memory when the machine has a
// tmpfs: the figures then measure git, the renderer and the action rather than this machine's
// disk (a 20,000-file checkout took anywhere from 4 to 29 s on the VM of RESULTS.md).
const memory = await mkdtemp('/dev/shm/promote-image-bench-').catch(() => undefined)
if (memory) process.env.TMPDIR = memory

const started = Date.now()
const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
  if (!only.has(name)) return undefined
  const t = Date.now()
  process.stderr.write(`bench: ${name} …`)
  const value = await fn()
  process.stderr.write(` ${formatMs(Date.now() - t)}\n`)
  return value
}

const box = await startGitHubBox()
const registry = await startRegistry({ auth: 'none' })
try {
  const partial = {
    quick,
    registry: await step('registry', registryRequests),
    signature: await step('signature', () => signatureGate(runs.signature)),
    startup: await step('startup', () => startupTimes(runs.startup)),
    bundle: await step('bundle', bundleSizes),
    sizes: await step('size', () => promotionBySize(box, registry, runs.size)),
    fleet: await step('fleet', () =>
      fleet(box, registry, { runs: runs.fleet, sequentialRuns: runs.sequential })
    ),
    contention: await step('contention', async () => [
      await contention(box, registry, 'api', runs.contentionSingles),
      await contention(box, registry, 'git', runs.contentionSingles)
    ])
  }
  const seconds = (Date.now() - started) / 1000
  if (SECTIONS.every(s => only.has(s))) {
    const results = { ...partial, seconds } as Results
    console.log(table(results))
    console.log(`\n${sizeTable(results.sizes, METHODS)}`)
    await writeFile(join(ROOT, 'bench/RESULTS.md'), resultsMarkdown(results, METHODS))
    await writeFile(join(ROOT, 'bench/promotion-time.svg'), chartSvg(results.sizes, METHODS))
    await updateReadme(table(results))
    console.log('\nwrote bench/RESULTS.md, bench/promotion-time.svg and the README table')
  } else {
    console.log(JSON.stringify(partial, null, 2))
  }
} finally {
  await box.stop()
  await registry.stop()
  if (memory) await rm(memory, { recursive: true, force: true })
}

/** Replaces the README's table between its bench markers. */
async function updateReadme(markdown: string): Promise<void> {
  const file = join(ROOT, 'README.md')
  const text = await readFile(file, 'utf8')
  const start = '<!-- bench:start -->'
  const end = '<!-- bench:end -->'
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`)
  const updated = `${text.slice(0, from + start.length)}\n\n${markdown}\n\n${text.slice(to)}`
  // Formatted as the repository's format check wants it.
  const options = { ...(await prettier.resolveConfig(file)), filepath: file }
  await writeFile(file, await prettier.format(updated, options))
}
