/**
 * A pull request body as a list of sections, each a pure function of the promotion, and the
 * one rule that keeps the body within GitHub's limit: cut the longest section first.
 */

/** One section of the body; `render(shown)` shows its first `shown` parts of `size`. */
export interface Section {
  readonly name: string
  readonly size: number
  /** Below `size`, the text says what was left out and where to see it. */
  readonly render: (shown: number) => string
}

/** A section that is never cut (the lead, the marker). */
export function fixedSection(name: string, text: string): Section {
  return { name, size: 0, render: () => text }
}

/**
 * The sections joined, cutting the longest section (then the next…) to the most parts that fit
 * in `limit`; undefined when even every section cut to nothing does not fit.
 */
export function composeSections(sections: readonly Section[], limit: number): string {
  const shown = sections.map(s => s.size)
  const compose = (): string =>
    sections
      .map((s, i) => s.render(shown[i]!))
      .filter(text => text.length > 0)
      .join('\n\n') + '\n'
  let body = compose()
  const cut = new Set<number>()
  while (body.length > limit) {
    let longest = -1
    let length = -1
    for (const [i, s] of sections.entries()) {
      if (cut.has(i) || s.size === 0) continue
      const own = s.render(shown[i]!).length
      if (own > length) [longest, length] = [i, own]
    }
    if (longest === -1) break
    cut.add(longest)
    let low = 0
    let high = shown[longest]!
    while (low < high) {
      const middle = Math.ceil((low + high) / 2)
      shown[longest] = middle
      if (compose().length <= limit) low = middle
      else high = middle - 1
    }
    shown[longest] = low
    body = compose()
  }
  return body
}
