/** Markdown that no user text can break: code spans and plain words for GFM. */

/** Control characters and line separators become spaces: one line, whatever the input. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
}

/**
 * A code span that holds any text: the fence is longer than the longest
 * backtick run inside. In a table cell, pipes are escaped (GFM strips the
 * backslash, even inside code).
 */
export function code(text: string, inTable = false): string {
  const flat = oneLine(text)
  if (flat.length === 0) return '_(empty)_'
  const longest = (flat.match(/`+/g) ?? []).reduce((most, run) => Math.max(most, run.length), 0)
  const fence = '`'.repeat(longest + 1)
  const pad =
    flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' '))
      ? ' '
      : ''
  const inner = inTable ? flat.replace(/\|/g, '\\|') : flat
  return `${fence}${pad}${inner}${pad}${fence}`
}

/**
 * A list item's text from several lines (a render proof's `summary:\n  - item…`): the first line
 * as the item, the others as a nested list under it, each escaped. GFM joins a paragraph's
 * lines, so without the nesting the lines would run together into one.
 */
export function itemWithSublist(text: string): string {
  const [first = '', ...rest] = text.split(/\r?\n/)
  const nested = rest
    .map(line => line.trim().replace(/^- /, ''))
    .filter(line => line.length > 0)
    .map(line => `\n  - ${escapeText(line)}`)
  return escapeText(first) + nested.join('')
}

/**
 * Plain words: inline markup characters (emphasis, code, links, HTML,
 * entities, math, table pipes) escaped, and a leading block marker too.
 */
export function escapeText(text: string): string {
  const escaped = oneLine(text)
    .trim()
    .replace(/[\\`*_[\]<>&|~$]/g, c => `\\${c}`)
  return escaped.replace(/^(?:[#>+=-]|(\d+)([.)]))/, (marker, digits?: string, dot?: string) =>
    digits === undefined ? `\\${marker}` : `${digits}\\${dot}`
  )
}
