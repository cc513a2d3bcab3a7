import { InputError } from '../errors.js'
import { DEFAULT_VERIFY_TIMEOUT_SECONDS } from '../options.js'
import { DEFAULT_POLL_SECONDS, verifyDeployment } from '../argocd/index.js'
import { parseCommandArgs } from './args.js'
import type { CommandContext } from './context.js'

export const VERIFY_USAGE = `Usage: promote-image verify --argocd-server URL --application NAME [options]

Asks Argo CD to refresh the application, then waits until it is synced at the
promotion commit, Healthy, and its pods run the pinned images. Exits 0 only
then; 1 when Argo CD shows a failure (the pods still run the old digest,
ImagePullBackOff, a failed sync, another revision) or on timeout. Prints one
progress line per poll on stderr.

The Argo CD API token is read from ARGOCD_AUTH_TOKEN, as the argocd CLI does,
never from a flag. It needs \`applications, get\` on the application; not sync.

Options:
  --argocd-server URL        the Argo CD server (default: ARGOCD_SERVER); https,
                             or http on loopback; a bare host means https
  --application NAME         the application; NAMESPACE/NAME outside argocd's namespace
  --revision SHA             the promotion commit (full, or at least 7 hex digits)
  --image REF                a pinned reference that must be running (repeatable),
                             e.g. ghcr.io/acme/api:v1.4.2@sha256:…
  --timeout S                give up after S seconds (default: ${DEFAULT_VERIFY_TIMEOUT_SECONDS})
  --poll S                   seconds between polls (default: ${DEFAULT_POLL_SECONDS})
  --json                     print {ok, revision, images, elapsedSeconds} on success
  -v, --verbose              log every Argo CD request to stderr
`

export async function verifyCommand(args: string[], context: CommandContext): Promise<number> {
  // Flags end up in `ps` and shell history: refuse a token there before anything else.
  const tokenFlag = args.find(a => /^--(argocd-)?(auth-)?token(=|$)/.test(a))
  if (tokenFlag) {
    throw new InputError(`verify: ${tokenFlag.split('=')[0]} is not a flag; tokens never are.`, {
      hint: 'Set ARGOCD_AUTH_TOKEN to the Argo CD API token, as for the argocd CLI.'
    })
  }
  const { values, positionals } = parseCommandArgs('verify', args, {
    'argocd-server': { type: 'string' },
    application: { type: 'string' },
    revision: { type: 'string' },
    image: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    poll: { type: 'string' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' }
  })
  if (values.help) {
    context.stdout(VERIFY_USAGE)
    return 0
  }
  if (positionals.length > 0) {
    throw new InputError(`verify: unexpected argument ${JSON.stringify(positionals[0])}.`, {
      hint: 'Pass images with --image REF (repeatable).'
    })
  }
  const server = values['argocd-server'] ?? context.env.ARGOCD_SERVER
  if (!server) {
    throw new InputError('verify: no --argocd-server given (nor ARGOCD_SERVER).', {
      hint: 'Example: promote-image verify --argocd-server https://argocd.example.com --application api-prod'
    })
  }
  if (!values.application) {
    throw new InputError('verify: no --application given.', {
      hint: 'Pass the Argo CD application name (argocd app list), NAMESPACE/NAME outside the argocd namespace.'
    })
  }
  const token = context.env.ARGOCD_AUTH_TOKEN || undefined
  if (!token) {
    context.logger.warning('ARGOCD_AUTH_TOKEN is not set; asking Argo CD without a token.')
  }
  const result = await verifyDeployment(
    {
      server,
      token,
      application: values.application,
      revision: values.revision,
      images: values.image ?? [],
      timeoutSeconds: seconds('--timeout', values.timeout, DEFAULT_VERIFY_TIMEOUT_SECONDS),
      pollSeconds: seconds('--poll', values.poll, DEFAULT_POLL_SECONDS)
    },
    context.logger
  )
  if (values.json) {
    context.stdout(`${JSON.stringify(result, null, 2)}\n`)
  } else {
    const images = result.images.length > 0 ? `, running ${result.images.join(', ')}` : ''
    context.stdout(
      `verified: ${values.application} is Synced and Healthy at ${result.revision}${images}\n`
    )
  }
  return 0
}

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) {
    throw new InputError(
      `verify: ${flag} must be a number of seconds above 0; got ${JSON.stringify(value)}.`
    )
  }
  return Number(value)
}
