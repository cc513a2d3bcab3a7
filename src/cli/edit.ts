import { resolve } from 'node:path'
import { runPromotion } from '../engine/index.js'
import { InputError } from '../errors.js'
import type { EditResult } from '../model.js'
import { imagesOutput } from '../report/index.js'
import {
  COMMON_OPTIONS,
  EDIT_OPTIONS,
  editPlanFrom,
  parseCommandArgs,
  terminalPorts
} from './args.js'
import type { CommandContext } from './context.js'

export const EDIT_USAGE = `Usage: promote-image edit --dir DIR (--environment ENV | --target SPEC...) --image IMAGE... [options]

Resolves each image, then pins it (tag + digest) in a checked-out config repo,
changing only the target values; no git. Prints what changed.

Options:
  --dir DIR                  the config repository's working tree (default: .)
  --environment ENV          an environment of promotion.yaml
  --target SPEC              instead of promotion.yaml (repeatable): kustomize:<dir-or-file>,
                             helm:<values-file>#<key.path>, manifest:<file-or-dir> or
                             argocd:<application-file>; {name} and {environment} expand
  --image IMAGE              the image as pushed (repeatable)
  --digest D                 the digest the build produced; every image must resolve to it
  --config-file F            promotion config inside DIR (default: promotion.yaml)
  --verify-render MODE       auto (render when kustomize/kubectl exist), true, or false
  --allow-downgrade MODE     warn (default), false (refuse a lower semver tag), or true
  --from-environment ENV     promote what ENV runs (its pinned tag + digest); --image then names
                             repositories without tags
  --dry-run                  print the unified diff and write nothing
  --json                     print a JSON report
  --certificate-identity ID, --certificate-identity-regexp RE2, --certificate-oidc-issuer URL,
  --trusted-root FILE        or a keyless Sigstore bundle by that signer (see resolve --help)
  --attestation-predicate-type URI, --source-repository R, --source-ref REF, --signer-workflow W
                             and a GitHub artifact attestation from that source (see resolve --help)
  --signature-key KEY        refuse an image whose digest has no cosign signature by this public
                             key (PEM file or text), before any edit
  (and the resolve options: --pin, --mutable-tags, --allow-tags, --insecure-registry, …)
`

export async function editCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('edit', args, {
    ...COMMON_OPTIONS,
    ...EDIT_OPTIONS,
    dir: { type: 'string' }
  })
  if (values.help) {
    context.stdout(EDIT_USAGE)
    return 0
  }
  if (positionals.length > 0) {
    throw new InputError(`edit: unexpected argument ${JSON.stringify(positionals[0])}.`, {
      hint: 'Pass images with --image IMAGE.'
    })
  }
  const images = values.image ?? []
  if (images.length === 0)
    throw new InputError('edit: no --image given.', {
      hint: 'Example: --image ghcr.io/acme/api:v1.4.2'
    })
  if (!values.environment && !values.target?.length) {
    throw new InputError('edit: pass --environment ENV (from promotion.yaml) or --target SPEC.', {
      hint: 'Example: --target kustomize:apps/{name}/overlays/dev'
    })
  }
  const outcome = await runPromotion(
    {
      ...(await editPlanFrom(values, context)),
      destination: { kind: 'workspace', root: resolve(values.dir ?? '.') }
    },
    terminalPorts(context)
  )
  const result = outcome.edits[0]!.result
  if (values.json) {
    context.stdout(
      `${JSON.stringify(jsonReport(result, imagesOutput(outcome.images, outcome.edits[0]?.codeChanges)), null, 2)}\n`
    )
  } else if (values['dry-run']) {
    context.stdout(result.diff)
  } else {
    context.stdout(describeChanges(result))
  }
  return 0
}

function describeChanges(result: EditResult): string {
  if (result.files.length === 0)
    return 'Nothing to change: every target already pins these images.\n'
  const lines = result.files.flatMap(f =>
    f.changes.map(
      c => `${c.file}:${c.line}: ${c.path}: ${c.old ?? '(added)'} → ${c.new ?? '(removed)'}`
    )
  )
  return `${lines.join('\n')}\n`
}

function jsonReport(result: EditResult, images: unknown) {
  return {
    images,
    changed: result.files.length > 0,
    written: result.written,
    files: result.files.map(f => ({ file: f.file, changes: f.changes })),
    renders: result.renders,
    diff: result.diff
  }
}
