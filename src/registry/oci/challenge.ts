/** One parsed `WWW-Authenticate` challenge (RFC 7235). */
export interface Challenge {
  /** Lower-cased scheme: `bearer`, `basic`, … */
  readonly scheme: string
  /** Lower-cased parameter names → unquoted values. */
  readonly params: Readonly<Record<string, string>>
}

/**
 * Parses a WWW-Authenticate header into its challenges. Hand-written because
 * the header's grammar is small but easy to get wrong: quoted values may hold
 * commas (`scope="repository:a/b:pull,push"`) and escaped quotes, and several
 * challenges may share one header.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = []
  let i = 0
  const skipSpace = (): void => {
    while (i < header.length && /[\s,]/.test(header[i]!)) i++
  }
  const readToken = (): string => {
    const start = i
    while (i < header.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z/]/.test(header[i]!)) i++
    return header.slice(start, i)
  }
  while (i < header.length) {
    skipSpace()
    const word = readToken()
    if (!word) {
      i++ // a stray character; skip it rather than loop forever
      continue
    }
    while (header[i] === ' ' || header[i] === '\t') i++
    if (header[i] === '=' && challenges.length > 0) {
      i++
      while (header[i] === ' ' || header[i] === '\t') i++
      challenges[challenges.length - 1]!.params[word.toLowerCase()] = readValue()
    } else {
      challenges.push({ scheme: word.toLowerCase(), params: {} })
    }
  }
  return challenges

  function readValue(): string {
    if (header[i] !== '"') {
      const start = i
      while (i < header.length && header[i] !== ',' && !/\s/.test(header[i]!)) i++
      return header.slice(start, i)
    }
    let value = ''
    i++
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i++
      value += header[i]
      i++
    }
    i++ // closing quote
    return value
  }
}
