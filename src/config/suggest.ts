/**
 * Edit distance with adjacent transpositions (optimal string alignment), so
 * that `kye` is one typo away from `key`. Inputs are short keys and names.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      }
      row.push(best)
    }
    rows.push(row)
  }
  return rows[a.length]![b.length]!
}

/**
 * The closest candidate when it is close enough to be a typo: at most one
 * edit for short words, two for longer ones, and never the word itself.
 * Case and "_" vs "-" differences count as typos too (`promote_from`).
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const fold = (s: string): string => s.toLowerCase().replace(/_/g, '-')
  const limit = word.length <= 4 ? 1 : 2
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    if (candidate === word) continue
    const distance = fold(candidate) === fold(word) ? 0 : editDistance(word, candidate)
    if (distance <= limit && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** ` (did you mean "x"?)`, or '' when nothing is close. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const match = didYouMean(word, candidates)
  return match === undefined ? '' : ` (did you mean ${JSON.stringify(match)}?)`
}
