import { PLAN_DEFAULTS, runPromotion } from '../engine/index.js'
import { InputError } from '../errors.js'
import { imagesOutput } from '../report/index.js'
import { COMMON_OPTIONS, parseCommandArgs, resolveSettingsFrom, terminalPorts } from './args.js'
import type { CommandContext } from './context.js'

export const RESOLVE_USAGE = `Usage: promote-image resolve IMAGE... [options]

Resolves each image's tag to its digest in the registry and prints one pinned
reference per line (name:tag@sha256:…). Refuses mutable tags before any
registry request; exits 1 when an image is refused or missing.

Options:
  --digest D                 the digest the build produced; every image must resolve to it
  --json                     print a JSON array (image, tag, digest, ref, …) instead
  --pin digest|tag           what to print: tag + digest (default) or the verified tag only
  --mutable-tags P,P         tag patterns to refuse (default: ${['latest', 'main', 'master', '…'].join(', ')})
  --allow-tags REGEX         every tag must match this regular expression
  --insecure-registry HOST   reach HOST over plain HTTP (repeatable; loopback always is)
  --signature-key KEY        refuse an image whose digest has no cosign signature by this public
                             key (cosign.pub, or its PEM text: --signature-key="$(cat cosign.pub)");
                             checked before anything is printed or written
  --certificate-identity ID, --certificate-identity-regexp RE2, --certificate-oidc-issuer URL,
  --trusted-root FILE        instead: refuse an image whose digest has no keyless Sigstore bundle
                             (cosign v3: OCI referrers, else the sha256-<hex> tag) by that signer,
                             verified against the trusted_root.json (default: Sigstore's
                             public-good root, fetched through TUF)
  --attestation-predicate-type URI, --source-repository OWNER/REPO, --source-ref REF,
  --signer-workflow OWNER/REPO/.github/workflows/F.yml
                             refuse an image whose digest has no GitHub artifact attestation
                             (actions/attest: OCI referrer, else GitHub's attestations API of
                             --source-repository with GITHUB_TOKEN) of that predicate type (default
                             https://slsa.dev/provenance/v1) from that source, signed by
                             --certificate-identity(-regexp), else that workflow, else any workflow
                             of that repository; with --trusted-root
  --require-immutable-repository
                             ECR: fail, not warn, when the repository lets the tag be overwritten
  --registry-username U      with --password-stdin or PROMOTE_IMAGE_REGISTRY_PASSWORD
  --password-stdin           read the registry password from standard input
  -v, --verbose              log every registry request decision to stderr
`

export async function resolveCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('resolve', args, {
    ...COMMON_OPTIONS,
    digest: { type: 'string' },
    'require-immutable-repository': { type: 'boolean' }
  })
  if (values.help) {
    context.stdout(RESOLVE_USAGE)
    return 0
  }
  if (positionals.length === 0) {
    throw new InputError('resolve: no IMAGE given.', {
      hint: 'Example: promote-image resolve ghcr.io/acme/api:v1.4.2'
    })
  }
  const { pin, ...settings } = await resolveSettingsFrom(values, context)
  const { images } = await runPromotion(
    {
      ...PLAN_DEFAULTS,
      ...settings,
      images: {
        build: {
          references: positionals,
          buildDigest: values.digest,
          pin,
          requireImmutableRepository: values['require-immutable-repository']
        }
      }
    },
    terminalPorts(context)
  )
  if (values.json) {
    const detailed = imagesOutput(images).map((out, i) => ({
      ...out,
      mediaType: images[i]!.mediaType,
      kind: images[i]!.kind,
      platforms: images[i]!.platforms ?? null
    }))
    context.stdout(`${JSON.stringify(detailed, null, 2)}\n`)
  } else {
    context.stdout(images.map(i => `${i.pinned}\n`).join(''))
  }
  return 0
}
