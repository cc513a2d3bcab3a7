import { InputError } from '../errors.js'
import { formatFinding, formatSummary, lintPath } from '../lint/index.js'
import { tagPolicy } from '../options.js'
import { COMMON_OPTIONS, parseCommandArgs } from './args.js'
import type { CommandContext } from './context.js'

export const LINT_USAGE = `Usage: promote-image lint [DIR] [options]

Reports every image reference in a config repository (default: the current
directory) that Argo CD would not see change when a new build is pushed:
mutable tags (latest, main, …), missing tags, tags without a digest, and
imagePullPolicy: IfNotPresent with a mutable tag. Reads Kustomize images:
entries, Helm values files and Kubernetes manifests (Argo CD Applications and
Flux HelmReleases included); skips hidden directories, node_modules, Helm
chart templates/, links leaving DIR, and YAML that is neither Kubernetes nor
Helm values (docker-compose, CI pipelines, Ansible, OpenAPI…): those are
counted in the summary and listed with -v, never reported.

Prints path:line:col: error|warning: message (suggestion), then a summary.
Exits 1 when there is an error, 0 when only warnings (or nothing) are found.
A file that is not valid YAML is a warning, so it cannot hide other findings.

Options:
  --json                     print {findings: [...], skipped: [...], summary} instead
  --mutable-tags P,P         tag patterns that are mutable (default: ${['latest', 'main', 'master', '…'].join(', ')})
  --allow-tags REGEX         every tag must match this regular expression
  -v, --verbose              list skipped files, with why, on stderr
`

export async function lintCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('lint', args, {
    'mutable-tags': COMMON_OPTIONS['mutable-tags'],
    'allow-tags': COMMON_OPTIONS['allow-tags'],
    json: COMMON_OPTIONS.json,
    verbose: COMMON_OPTIONS.verbose,
    help: COMMON_OPTIONS.help
  })
  if (values.help) {
    context.stdout(LINT_USAGE)
    return 0
  }
  if (positionals.length > 1) {
    throw new InputError(`lint: takes one DIR; got ${positionals.length}.`, {
      hint: 'Run promote-image lint from the config repository, or pass its directory.'
    })
  }
  const result = await lintPath(positionals[0] ?? '.', {
    policy: tagPolicy(
      { mutableTags: '--mutable-tags', allowTags: '--allow-tags' },
      values['mutable-tags'],
      values['allow-tags']
    )
  })
  for (const { file, reason } of result.skipped) context.logger.debug(`skipped ${file}: ${reason}`)
  if (values.json) {
    const { findings, skipped, summary } = result
    context.stdout(`${JSON.stringify({ findings, skipped, summary }, null, 2)}\n`)
  } else {
    const lines = [...result.findings.map(formatFinding), formatSummary(result.summary)]
    context.stdout(`${lines.join('\n')}\n`)
  }
  return result.summary.errors > 0 ? 1 : 0
}
