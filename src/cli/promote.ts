import { runPromotion } from '../engine/index.js'
import { InputError } from '../errors.js'
import { list, mergeMethod, promotionMode } from '../options.js'
import { checkCommitMessageTemplate, imagesOutput } from '../report/index.js'
import {
  COMMON_OPTIONS,
  EDIT_OPTIONS,
  editPlanFrom,
  parseCommandArgs,
  terminalPorts
} from './args.js'
import type { CommandContext } from './context.js'

export const PROMOTE_USAGE = `Usage: promote-image promote --config-repo URL|PATH (--environment ENV | --target SPEC...) --image IMAGE... [options]

Resolves each image, then commits the pinned references into the config
repository with git (any host; file:// URLs and local paths too): one commit
on the base branch, or a living pull request. A push that loses a race
re-applies the edit on the new head and tries again.

With --environment, the environment's settings in promotion.yaml (read at the
base branch: mode, base-branch, branch, labels, reviewers, team-reviewers,
assignees, draft, auto-merge) apply as in the action; a flag wins over
promotion.yaml, and list flags add to its lists. promote-from in promotion.yaml
is a gate: a fresh build goes into that environment only if the environment it
names already runs the same digest.

Options:
  --config-repo URL|PATH     the config repository (https, ssh, file://, or a path)
  --environment ENV          an environment of promotion.yaml
  --target SPEC              instead of promotion.yaml (repeatable; no settings are read)
  --image IMAGE              the image as pushed (repeatable)
  --mode push|pull-request   default: the environment's mode in promotion.yaml, else push
                             (the action's default is pull-request). A pull request needs a
                             GitHub repository URL: the API is GITHUB_API_URL, else derived from it
  --branch TEMPLATE          pull-request branch (default: the environment's branch, else
                             promote/{environment}/{name})
  --base-branch B            default: the environment's base-branch, else the repository's default
  --commit-message TEMPLATE  the commit subject (first line) and text under it; placeholders
                             {environment}, {name}, {tag}, {digest}, {images}; the list of changes
                             and the Promoted-Image/Source-* trailers are always appended
  --pr-title TEMPLATE        pull-request title ({environment}, {name}, {tag}, {digest}, {images})
  --labels L,…               pull-request labels (repeatable, comma-separated)
  --reviewers U,…            users to request reviews from (repeatable, comma-separated)
  --team-reviewers T,…       team slugs to request reviews from (repeatable, comma-separated)
  --assignees U,…            users to assign (repeatable, comma-separated)
  --draft                    open the pull request as a draft
  --auto-merge METHOD        merge, squash or rebase: enable auto-merge with this method
  --from-environment ENV     promote what ENV runs (its pinned tag + digest); --image then names
                             repositories without tags
  --certificate-identity ID, --certificate-identity-regexp RE2, --certificate-oidc-issuer URL,
  --trusted-root FILE        or a keyless Sigstore bundle by that signer (see resolve --help)
  --attestation-predicate-type URI, --source-repository R, --source-ref REF, --signer-workflow W
                             and a GitHub artifact attestation from that source (see resolve --help)
  --signature-key KEY        refuse an image whose digest has no cosign signature by this public
                             key (PEM file or text), before any edit or write request
  --digest D, --config-file F, --verify-render MODE, --allow-downgrade MODE, --dry-run, --json,
  and the resolve options
The token for https remotes comes from GITHUB_TOKEN or PROMOTE_IMAGE_TOKEN, never from a flag.
`

export async function promoteCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('promote', args, {
    ...COMMON_OPTIONS,
    ...EDIT_OPTIONS,
    'config-repo': { type: 'string' },
    mode: { type: 'string' },
    'base-branch': { type: 'string' },
    branch: { type: 'string' },
    'commit-message': { type: 'string' },
    'pr-title': { type: 'string' },
    labels: { type: 'string', multiple: true },
    reviewers: { type: 'string', multiple: true },
    'team-reviewers': { type: 'string', multiple: true },
    assignees: { type: 'string', multiple: true },
    draft: { type: 'boolean' },
    'auto-merge': { type: 'string' }
  })
  if (values.help) {
    context.stdout(PROMOTE_USAGE)
    return 0
  }
  if (positionals.length > 0) {
    throw new InputError(`promote: unexpected argument ${JSON.stringify(positionals[0])}.`, {
      hint: 'Pass images with --image IMAGE.'
    })
  }
  const configRepo = values['config-repo']
  if (!configRepo)
    throw new InputError('promote: --config-repo is required.', {
      hint: 'Example: --config-repo https://github.com/acme/gitops-config.git'
    })
  const images = values.image ?? []
  if (images.length === 0 && !values['from-environment']) {
    throw new InputError('promote: no --image given.', {
      hint: 'Name the images as pushed, or use --from-environment ENV to promote what ENV runs.'
    })
  }
  if (!values.environment && !values.target?.length) {
    throw new InputError('promote: pass --environment ENV (from promotion.yaml) or --target SPEC.')
  }
  const mode = promotionMode('--mode', values.mode)
  const autoMerge = mergeMethod('--auto-merge', values['auto-merge'])
  const commitMessage = checkCommitMessageTemplate('--commit-message', values['commit-message'])
  const flagList = (given: string[] | undefined): string[] => (given ?? []).flatMap(v => list(v))
  const outcome = await runPromotion(
    {
      ...(await editPlanFrom(values, context)),
      destination: { kind: 'git', url: configRepo },
      baseBranch: values['base-branch'],
      mode,
      defaultMode: 'push',
      branch: values.branch,
      commitMessage,
      pullRequest: {
        title: values['pr-title'],
        labels: flagList(values.labels),
        reviewers: flagList(values.reviewers),
        teamReviewers: flagList(values['team-reviewers']),
        assignees: flagList(values.assignees),
        draft: values.draft || undefined,
        autoMerge
      }
    },
    terminalPorts(context)
  )
  const result = outcome.runs[0]!.result
  if (values.json) {
    context.stdout(
      `${JSON.stringify(
        {
          images: imagesOutput(result.images, outcome.edits[0]?.codeChanges),
          changed: result.edit.files.length > 0,
          commit: result.commit ?? null,
          branch: result.baseBranch,
          attempts: result.attempts,
          files: result.edit.files.map(f => f.file)
        },
        null,
        2
      )}\n`
    )
  } else if (values['dry-run']) {
    context.stdout(result.edit.diff)
  } else if (result.pullRequest) {
    context.stdout(`${result.pullRequest.url} ${result.pullRequest.operation}\n`)
  } else if (result.commit) {
    context.stdout(`${result.commit} ${result.baseBranch}\n`)
  } else {
    context.stdout(
      `Nothing to change on ${result.baseBranch}: every target already pins these images.\n`
    )
  }
  return 0
}
