import type {
  CodeChange,
  ProvenanceVerification,
  ResolvedImage,
  SignatureVerification
} from '../model.js'
import { code, escapeText } from './markdown.js'
import { provenanceWords } from './provenance.js'

/** One object per image: the `images` output. */
export interface ImageOutput {
  readonly image: string
  readonly tag: string | null
  readonly digest: string
  readonly ref: string
  /** ECR only: `immutable`, `mutable` or `unknown`, and why. */
  readonly tagImmutability?: { readonly verdict: string; readonly reason: string }
  /** When the signature gate ran: the signature it verified (key fingerprint, where found). */
  readonly signature?: SignatureVerification
  /** When the attestation gate ran: the attestation it verified (source repository, commit …). */
  readonly provenance?: ProvenanceVerification
  /** When the promotion read them: the build's source, its revision, the replaced build's. */
  readonly source?: string | null
  readonly revision?: string | null
  readonly previousRevision?: string | null
}

/** `codeChanges`: what the promotion read per environment; the first one of an image counts. */
export function imagesOutput(
  images: readonly ResolvedImage[],
  codeChanges: readonly CodeChange[] = []
): ImageOutput[] {
  return images.map(i => ({
    image: i.reference.name,
    tag: i.reference.tag ?? null,
    digest: i.digest,
    ref: i.pinned,
    ...(i.tagImmutability
      ? { tagImmutability: { verdict: verdictWord(i), reason: i.tagImmutability.reason } }
      : {}),
    ...(i.signature ? { signature: i.signature } : {}),
    ...(i.provenance ? { provenance: i.provenance } : {}),
    ...originOutput(codeChanges.find(c => c.image === i.input && c.digest === i.digest))
  }))
}

function originOutput(
  change: CodeChange | undefined
): Pick<ImageOutput, 'source' | 'revision' | 'previousRevision'> {
  if (!change) return {}
  return {
    source: change.origin.source ?? null,
    revision: change.origin.revision ?? null,
    previousRevision: change.previous.origin?.revision ?? null
  }
}

function verdictWord(image: ResolvedImage): string {
  const immutable = image.tagImmutability?.immutable
  return immutable === undefined ? 'unknown' : immutable ? 'immutable' : 'mutable'
}

/** The job summary's resolution table, in GitHub-flavored markdown. */
export function resolutionSummary(images: readonly ResolvedImage[], dryRun: boolean): string {
  const withImmutability = images.some(i => i.tagImmutability)
  const withSignature = images.some(i => i.signature)
  const withProvenance = images.some(i => i.provenance)
  const rows = images.map(i => {
    const cells = [
      code(i.reference.name, true),
      code(i.reference.tag ?? '—', true),
      code(i.digest, true),
      describeKind(i),
      code(i.pinned, true)
    ]
    if (withImmutability) {
      cells.push(
        i.tagImmutability ? `${verdictWord(i)}: ${escapeText(i.tagImmutability.reason)}` : '—'
      )
    }
    if (withSignature) cells.push(i.signature ? describeSignature(i.signature) : '—')
    if (withProvenance) cells.push(i.provenance ? provenanceWords(i.provenance, code) : '—')
    return `| ${cells.join(' | ')} |`
  })
  const header = ['Image', 'Tag', 'Digest', 'Kind', 'Pinned reference']
  if (withImmutability) header.push('Tag immutability (ECR)')
  if (withSignature) header.push('Signature')
  if (withProvenance) header.push('Provenance')
  return [
    `### promote-image: ${images.length === 1 ? '1 image' : `${images.length} images`} resolved${dryRun ? ' (dry run)' : ''}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${' --- |'.repeat(header.length)}`,
    ...rows,
    ''
  ].join('\n')
}

/** Who signed, as the gate verified it: the key's fingerprint, or the keyless signer. */
function describeSignature(signature: SignatureVerification): string {
  return signature.kind === 'cosign-key'
    ? `verified: cosign key ${code(signature.key, true)}`
    : `verified: ${code(signature.identity, true)} (issuer ${code(signature.issuer, true)})`
}

function describeKind(image: ResolvedImage): string {
  if (image.kind === 'manifest') return 'single platform'
  return image.platforms && image.platforms.length > 0
    ? `index (${image.platforms.join(', ')})`
    : 'multi-platform index'
}
