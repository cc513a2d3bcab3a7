/**
 * The benchmark report: one row per target of targets.md with the measured
 * median, the baseline run beside it, the ratio, and whether the target is
 * met — printed, written to bench/RESULTS.md, and mirrored into README.md.
 */
import { execFileSync } from 'node:child_process'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import type { BundleFile } from './bundle.js'
import type { ContentionResult } from './contention.js'
import type { FleetResult } from './fleet.js'
import type { Method, SizeResult } from './promotion-size.js'
import type { RegistryResult } from './registry-requests.js'
import type { GateCost } from './signature-gate.js'
import type { StartupResult } from './startup.js'
import { formatBytes, formatMs, ratio } from './lib/stats.js'

export interface Results {
  quick: boolean
  registry: RegistryResult
  signature: GateCost[]
  sizes: SizeResult[]
  fleet: FleetResult
  contention: ContentionResult[]
  startup: StartupResult[]
  bundle: BundleFile[]
  seconds: number
}

export interface Row {
  what: string
  target: string
  measured: string
  baseline: string
  met: boolean | undefined
}

export function rows(r: Results): Row[] {
  const out: Row[] = []
  const requests = (key: keyof RegistryResult['ours'], what: string, limit: number) =>
    out.push({
      what,
      target: `≤ ${limit}`,
      measured: `${r.registry.ours[key]}`,
      baseline: `skopeo inspect ${r.registry.skopeo[key]}, --raw ${r.registry.skopeoRaw[key]}`,
      met: r.registry.ours[key] <= limit
    })
  requests('cold', 'registry requests, cold resolution (anonymous bearer)', 3)
  requests('furtherRepository', 'registry requests, a further repository', 2)
  requests('furtherTag', 'registry requests, a further tag in the same repository', 1)

  for (const g of r.signature) {
    out.push({
      what: `signature gate, ${g.layout}: added per image`,
      target: '≤ 2 registry requests, no token request',
      measured: `${g.requests} requests (${g.tokens} token), +${formatMs(g.addedMs)}`,
      baseline: `resolution alone: ${formatMs(g.resolveMs)}`,
      met: g.requests <= 2 && g.tokens === 0
    })
  }

  const small = r.sizes[0]!
  const large = r.sizes.at(-1)!
  const sizeLabel = `${large.files.toLocaleString('en-US')} files / ${large.commits.toLocaleString('en-US')} commits`
  for (const method of ['api', 'git'] as const) {
    const flat = large.medians[method] / small.medians[method]
    out.push({
      what: `promote 1 image, ${method}: ${sizeLabel} vs ${small.files} files`,
      target: '≤ 1.2×',
      measured: `${formatMs(large.medians[method])} vs ${formatMs(small.medians[method])}: ${ratio(large.medians[method], small.medians[method])}`,
      baseline: `full clone: ${ratio(large.medians['full clone'], small.medians['full clone'])}`,
      met: flat <= 1.2
    })
  }
  for (const method of ['api', 'git'] as const) {
    const speedup = large.medians['full clone'] / large.medians[method]
    out.push({
      what: `promote 1 image, ${method}, against the full-clone pipeline at ${large.files.toLocaleString('en-US')} files`,
      target: '≥ 10× faster',
      measured: `${formatMs(large.medians[method])}: ${speedup.toFixed(1)}× faster`,
      baseline: `full clone + edit + commit + push: ${formatMs(large.medians['full clone'])}`,
      met: speedup >= 10
    })
  }

  const f = r.fleet
  out.push({
    what: `${f.images} images × 3 environments in one run, against 1 image`,
    target: '≤ 2×; one commit or PR per environment',
    measured: `${formatMs(f.batch)} vs ${formatMs(f.single)}: ${ratio(f.batch, f.single)}; ${f.commitsPerPushedEnvironment} commit per pushed environment, 1 PR of ${f.pullRequestFiles} files`,
    baseline: `${f.images} sequential single runs: ${formatMs(f.sequential)}${f.sequentialMeasured < f.images ? ` (${f.sequentialMeasured} measured, scaled)` : ''}, ${ratio(f.sequential, f.batch)} slower`,
    met:
      f.batch / f.single <= 2 &&
      f.commitsPerPushedEnvironment === 1 &&
      f.pullRequestFiles === f.images
  })
  for (const c of r.contention) {
    out.push({
      what: `${c.promotions} concurrent promotions into one branch, ${c.method}`,
      target: `${c.promotions}/${c.promotions} land, 0 lost, ≤ 3× one`,
      measured: `${c.landed}/${c.promotions} landed, ${c.lost} lost, ${formatMs(c.wall)}: ${ratio(c.wall, c.single)}; CPU floor ${formatMs(c.cpuFloor)} (${ratio(c.cpuFloor, c.single)})`,
      baseline: `one promotion: ${formatMs(c.single)}`,
      met: c.landed === c.promotions && c.lost === 0 && c.wall / c.single <= 3
    })
  }
  for (const s of r.startup) {
    out.push({
      what: `\`node dist/index.js\` to first log line, ${s.label}`,
      target: s.label === 'ECR image' ? '≤ 150 ms' : '≤ 150 ms; AWS SDK not loaded',
      measured: `${formatMs(s.firstLine)}; AWS SDK ${s.sdkLoaded ? 'loaded' : 'not loaded'}`,
      baseline: `whole run ${formatMs(s.whole)}`,
      met: s.firstLine <= 150 && (s.label === 'ECR image' || !s.sdkLoaded)
    })
  }
  const entry = (name: string) => r.bundle.find(b => b.file === name)?.bytes ?? 0
  const chunks = r.bundle.filter(b => b.file.startsWith('dist/chunks/'))
  const sdk = entry('dist/chunks/aws-sdk.js')
  out.push({
    what: 'bundle size',
    target: 'reported',
    measured: `dist/index.js ${formatBytes(entry('dist/index.js'))}, dist/cli.js ${formatBytes(entry('dist/cli.js'))}, ${chunks.length} chunks ${formatBytes(chunks.reduce((n, b) => n + b.bytes, 0))} (AWS SDK ${formatBytes(sdk)}, loaded only for ECR)`,
    baseline: '',
    met: undefined
  })
  return out
}

export function table(r: Results): string {
  const lines = [
    '| what | target | measured (median) | baseline, side by side | met |',
    '| --- | --- | --- | --- | --- |'
  ]
  for (const row of rows(r))
    lines.push(
      `| ${row.what} | ${row.target} | ${row.measured} | ${row.baseline} | ${row.met === undefined ? '—' : row.met ? '✅' : '❌'} |`
    )
  return lines.join('\n')
}

export function sizeTable(sizes: readonly SizeResult[], methods: readonly Method[]): string {
  const lines = [
    `| config repo | ${methods.join(' | ')} |`,
    `| --- | ${methods.map(() => '---').join(' | ')} |`
  ]
  for (const s of sizes)
    lines.push(
      `| ${s.files.toLocaleString('en-US')} files, ${s.commits.toLocaleString('en-US')} commits | ${methods.map(m => formatMs(s.medians[m])).join(' | ')} |`
    )
  return lines.join('\n')
}

export function machine(): string {
  const cpu = cpus()
  const version = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0]
    } catch {
      return 'not found'
    }
  }
  return [
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 1024 ** 3)} GB RAM, Linux ${release()}`,
    `Node ${process.version}, ${version('git', ['--version'])}, ${version('skopeo', ['--version'])}, ${version('docker-registry', ['--version'])}`,
    'Everything on loopback: the registry, GitHub in a box (git http-backend + REST/GraphQL) and the runs share the machine.',
    tmpdir().startsWith('/dev/shm/')
      ? 'Temporary files, clones, work trees and the repositories on tmpfs (/dev/shm), so that disk speed does not decide the figures.'
      : 'Temporary files, clones, work trees and the repositories on disk (no /dev/shm here).'
  ].join('\n')
}

export function resultsMarkdown(r: Results, methods: readonly Method[]): string {
  const failing = rows(r).filter(row => row.met === false)
  return `# Benchmark results

Written by \`npm run bench${r.quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)} in ${Math.round(r.seconds)} s.
${r.quick ? 'Quick mode: fewer runs per figure, so medians are noisier; the fleet baseline is scaled from the single-image runs.\n' : ''}
Machine:

\`\`\`
${machine()}
\`\`\`

## Targets (../shared/reference/targets.md)

${table(r)}

${failing.length ? `Not met: ${failing.map(row => row.what).join('; ')}.` : 'Every target is met.'}

The CPU floor of the concurrent promotions is all the CPU the batch used (the ${r.contention[0]?.promotions ?? 20} runs, GitHub in a box, git, kubectl) divided by this machine's ${cpus().length} cores: on one machine no schedule finishes sooner. On a CI runner each job has its own machine, and only the time above the floor (the coordination of the runs) remains.
${
  tmpdir().startsWith('/dev/shm/')
    ? `
The full-clone baseline runs on tmpfs over loopback: no disk and no network, git at its fastest (on this VM's disk the same checkout took 4 to 29 s). On a runner a full clone also carries the whole history over the network and writes every file to disk, while the api method moves only the files the promotion reads.
`
    : ''
}
## Promotion time against config-repo size

Medians of ${r.sizes[0]!.runs} run${r.sizes[0]!.runs > 1 ? 's' : ''} per cell, methods interleaved. Each history commit is a past promotion of one overlay, as in a real config repo.

${sizeTable(r.sizes, methods)}

![promotion time against config-repo size](promotion-time.svg)
`
}
