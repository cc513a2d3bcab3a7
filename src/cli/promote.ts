import { createOctokit, GitHubRepo } from '../deliver/github.js'
import { branchName } from '../engine/environments.js'
import { promote } from '../engine/promote.js'
import { DEFAULT_BRANCH_TEMPLATE } from '../inputs.js'
import { InputError } from '../errors.js'
import { commitMessage, pullRequestBody, pullRequestTitle } from '../report/promotion.js'
import { imagesOutput } from '../report/summary.js'
import { imagesFromEnvironment } from '../engine/promote-from.js'
import {
  COMMON_OPTIONS,
  credentialsFrom,
  parseCommandArgs,
  resolveFromFlags,
  resolverFromFlags
} from './args.js'
import { editFlagsFrom } from './edit.js'
import type { CommandContext } from './context.js'

export const PROMOTE_USAGE = `Usage: promote-image promote --config-repo URL|PATH (--environment ENV | --target SPEC...) --image IMAGE... [options]

Resolves each image, then commits the pinned references into the config
repository with git (any host; file:// URLs and local paths too) and pushes:
one commit on the base branch. A push that loses a race re-applies the edit
on the new head and tries again.

Options:
  --config-repo URL|PATH     the config repository (https, ssh, file://, or a path)
  --environment ENV          an environment of promotion.yaml
  --target SPEC              instead of promotion.yaml (repeatable)
  --image IMAGE              the image as pushed (repeatable)
  --mode push|pull-request   push to the base branch (default), or a living pull request
                             (GitHub only: the API is GITHUB_API_URL, else derived from the URL)
  --branch TEMPLATE          pull-request branch (default promote/{environment}/{name})
  --base-branch B            default: the repository's default branch
  --from-environment ENV     promote what ENV runs (its pinned tag + digest); --image then names
                             repositories without tags
  --digest D, --config-file F, --verify-render MODE, --dry-run, --json, and the resolve options
The token for https remotes comes from GITHUB_TOKEN or PROMOTE_IMAGE_TOKEN, never from a flag.
`

export async function promoteCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('promote', args, {
    ...COMMON_OPTIONS,
    'config-repo': { type: 'string' },
    environment: { type: 'string' },
    target: { type: 'string', multiple: true },
    image: { type: 'string', multiple: true },
    digest: { type: 'string' },
    mode: { type: 'string' },
    'base-branch': { type: 'string' },
    'config-file': { type: 'string' },
    'verify-render': { type: 'string' },
    'allow-downgrade': { type: 'string' },
    'from-environment': { type: 'string' },
    'dry-run': { type: 'boolean' },
    branch: { type: 'string' }
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
  const mode = values.mode ?? 'push'
  if (mode !== 'push' && mode !== 'pull-request') {
    throw new InputError(
      `promote: --mode must be push or pull-request; got ${JSON.stringify(mode)}.`
    )
  }
  const { verifyRender, allowDowngrade, configFile, policy } = editFlagsFrom(values)
  const credentials = await credentialsFrom(values, context)
  const token = context.env.PROMOTE_IMAGE_TOKEN ?? context.env.GITHUB_TOKEN
  const github = mode === 'pull-request' ? githubRepoFor(configRepo, token, context) : undefined
  const source = values['from-environment']
  const resolved = source ? [] : await resolveFromFlags(images, values, context, { credentials })
  const result = await promote(
    {
      method: 'git',
      mode,
      configRepo,
      github,
      branch: github
        ? branchName(
            values.branch ?? DEFAULT_BRANCH_TEMPLATE,
            values.environment,
            source ? images : resolved.map(i => i.reference.name)
          )
        : undefined,
      pullRequest: (edit, base, promoted) => {
        const content = {
          environment: values.environment,
          images: promoted,
          result: edit,
          source: {},
          mode: 'pull-request' as const,
          configRepository: github?.fullName,
          baseBranch: base,
          fromEnvironment: source
        }
        return {
          title: pullRequestTitle(content),
          body: pullRequestBody(content),
          draft: false,
          labels: [],
          reviewers: [],
          teamReviewers: [],
          assignees: []
        }
      },
      baseBranch: values['base-branch'],
      token,
      environment: values.environment,
      targets: values.target,
      configFile,
      images: source
        ? reader =>
            imagesFromEnvironment(
              {
                reader,
                configFile,
                source,
                destination: values.environment,
                selections: images,
                policy,
                since: github ? file => github.lastChanged(file, values['base-branch']) : undefined
              },
              resolverFromFlags(values, context, credentials),
              context.logger
            )
        : resolved,
      verifyRender,
      dryRun: values['dry-run'] ?? false,
      allowDowngrade,
      message: (edit, promoted) =>
        commitMessage({
          environment: values.environment,
          images: promoted,
          result: edit,
          source: {},
          mode: 'push',
          baseBranch: values['base-branch'] ?? ''
        })
    },
    context.logger
  )
  if (values.json) {
    context.stdout(
      `${JSON.stringify(
        {
          images: imagesOutput(result.images),
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

/** A GitHub (or GHES) repository URL → the repository on its API. */
function githubRepoFor(
  configRepo: string,
  token: string | undefined,
  context: CommandContext
): GitHubRepo {
  const match = /^https?:\/\/([^/]+)\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(configRepo)
  if (!match) {
    throw new InputError(
      `promote: --mode pull-request needs a GitHub repository URL, got ${JSON.stringify(configRepo)}.`,
      {
        hint: 'Example: --config-repo https://github.com/acme/gitops-config.git'
      }
    )
  }
  if (!token) {
    throw new InputError(
      'promote: --mode pull-request needs a token in GITHUB_TOKEN or PROMOTE_IMAGE_TOKEN.'
    )
  }
  const [, host, owner, repo] = match as unknown as [string, string, string, string]
  const origin = new URL(configRepo).origin
  const apiUrl =
    context.env.GITHUB_API_URL ??
    (host === 'github.com' ? 'https://api.github.com' : `${origin}/api/v3`)
  return new GitHubRepo(createOctokit(token, context.logger, apiUrl), owner, repo, context.logger)
}
