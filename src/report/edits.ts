import { code, escapeText, itemWithSublist } from './markdown.js'
import type { EditResult } from '../model.js'

/** The job summary's table of what changed in the config repo. */
export function editSummary(
  results: readonly { environment?: string; result: EditResult }[],
  dryRun: boolean
): string {
  const rows = results.flatMap(({ environment, result }) =>
    result.files.flatMap(file =>
      file.changes.map(
        c =>
          `| ${code(c.image, true)} | ${cell(environment ?? '—')} | ${code(`${c.file}:${c.line}`, true)} | ${valueCell(c.old)} | ${valueCell(c.new)} |`
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
          // Each proof's lines as a nested list: a paragraph's line breaks do not survive GFM.
          ...renders.map(
            r => `- ${r.ok ? '✅' : '❌'} ${code(r.target)}: ${itemWithSublist(r.message)}`
          ),
          ''
        ]
      : [])
  ].join('\n')
}

function valueCell(value: string | undefined): string {
  return value === undefined ? '—' : code(value, true)
}

function cell(text: string): string {
  return escapeText(text)
}
