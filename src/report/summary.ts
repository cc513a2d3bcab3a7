import type { ResolvedImage } from '../engine/resolve.js'

/** One object per image: the `images` output. */
export interface ImageOutput {
  readonly image: string
  readonly tag: string | null
  readonly digest: string
  readonly ref: string
}

export function imagesOutput(images: readonly ResolvedImage[]): ImageOutput[] {
  return images.map(i => ({
    image: i.reference.name,
    tag: i.reference.tag ?? null,
    digest: i.digest,
    ref: i.pinned
  }))
}

/** The job summary's resolution table, in GitHub-flavored markdown. */
export function resolutionSummary(images: readonly ResolvedImage[], dryRun: boolean): string {
  const rows = images.map(
    i =>
      `| \`${escapeCell(i.reference.name)}\` | \`${escapeCell(i.reference.tag ?? '—')}\` | \`${i.digest}\` | ${describeKind(i)} | \`${escapeCell(i.pinned)}\` |`
  )
  return [
    `### promote-image: ${images.length === 1 ? '1 image' : `${images.length} images`} resolved${dryRun ? ' (dry run)' : ''}`,
    '',
    '| Image | Tag | Digest | Kind | Pinned reference |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ''
  ].join('\n')
}

function describeKind(image: ResolvedImage): string {
  if (image.kind === 'manifest') return 'single platform'
  return image.platforms && image.platforms.length > 0
    ? `index (${image.platforms.join(', ')})`
    : 'multi-platform index'
}

/** Pipes would split the cell; backticks would end the code span. */
function escapeCell(text: string): string {
  return text.replace(/[|`]/g, c => `\\${c}`)
}
