import type { EditResult } from '../engine/edit.js'

/** The job summary's table of what changed in the config repo. */
export function editSummary(
  results: readonly { environment?: string; result: EditResult }[],
  dryRun: boolean
): string {
  const rows = results.flatMap(({ environment, result }) =>
    result.files.flatMap(file =>
      file.changes.map(
        c =>
          `| \`${cell(c.image)}\` | ${cell(environment ?? '—')} | \`${cell(c.file)}:${c.line}\` | ${code(c.old)} | ${code(c.new)} |`
      )
    )
  )
  const renders = results.flatMap(({ result }) => result.renders)
  const title = dryRun ? 'would change (dry run)' : 'changed'
  if (rows.length === 0)
    return '### Config repository\n\nNothing to change: every target already pins these images.\n'
  return [
    `### Config repository: ${rows.length} value${rows.length === 1 ? '' : 's'} ${title}`,
    '',
    '| Image | Environment | File | Old | New |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(renders.length
      ? [
          '**Render proof** (what Argo CD will see):',
          '',
          ...renders.map(r => `- ${r.ok ? '✅' : '❌'} \`${cell(r.target)}\`: ${cell(r.message)}`),
          ''
        ]
      : [])
  ].join('\n')
}

function code(value: string | undefined): string {
  return value === undefined ? '—' : `\`${cell(value)}\``
}

function cell(text: string): string {
  return text.replace(/[|`]/g, c => `\\${c}`).replace(/\r?\n/g, ' ')
}
