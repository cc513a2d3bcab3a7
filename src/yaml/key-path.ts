/**
 * Helm key paths: `image`, `api.image`, `containers[0].image`,
 * `["app.kubernetes.io"].image`. Parsed once into segments that the editors
 * and the config checks share.
 */
import { ConfigError } from '../errors.js'

const KEY_HINT =
  'Write the key as a dotted path with list indexes, e.g. image, api.image or containers[0].image; quote segments that hold dots: ["app.kubernetes.io"].image.'

const BARE_SEGMENT = /^[^.[\]"'\s]+/

function splitKeyPath(key: string): (string | number)[] | string {
  if (key === '') return 'is empty'
  const segments: (string | number)[] = []
  let rest = key
  while (rest !== '') {
    if (rest.startsWith('[')) {
      const index = /^\[(0|[1-9]\d{0,8})\]/.exec(rest)
      const quoted = /^\["((?:[^"\\]|\\.)+)"\]/.exec(rest)
      if (index) {
        segments.push(Number(index[1]))
        rest = rest.slice(index[0].length)
      } else if (quoted) {
        try {
          segments.push(JSON.parse(`"${quoted[1]!}"`) as string)
        } catch {
          return `has a malformed quoted segment ${quoted[0]}`
        }
        rest = rest.slice(quoted[0].length)
      } else {
        return `has a malformed [...] part at ${JSON.stringify(rest)} (expected [0] or ["name"])`
      }
      continue
    }
    if (segments.length > 0) {
      if (!rest.startsWith('.')) return `needs "." or "[" before ${JSON.stringify(rest)}`
      rest = rest.slice(1)
    }
    const bare = BARE_SEGMENT.exec(rest)
    if (!bare) {
      return rest === ''
        ? 'ends with "."'
        : `has an empty or invalid segment before ${JSON.stringify(rest)}`
    }
    segments.push(bare[0])
    rest = rest.slice(bare[0].length)
  }
  return segments
}

/** Why a Helm key is malformed (a verb phrase), or undefined. */
export function keyPathProblem(key: string): string | undefined {
  const result = splitKeyPath(key)
  return typeof result === 'string' ? result : undefined
}

/**
 * `image` → ['image'], `api.image` → ['api', 'image'], `containers[0].image`
 * → ['containers', 0, 'image'], `["app.kubernetes.io/name"].x` → a segment
 * that holds dots. Throws ConfigError when malformed.
 */
export function parseKeyPath(key: string): (string | number)[] {
  const result = splitKeyPath(key)
  if (typeof result === 'string') {
    throw new ConfigError(`Key ${JSON.stringify(key)} ${result}.`, { hint: KEY_HINT, subject: key })
  }
  return result
}

/** `['spec', 'containers', 0, 'image']` → `spec.containers[0].image`; other keys quoted. */
export function formatKeyPath(path: readonly (string | number)[]): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : /^[A-Za-z0-9_-]+$/.test(segment)
          ? `${i === 0 ? '' : '.'}${segment}`
          : `[${JSON.stringify(segment)}]`
    )
    .join('')
}

/** The map at `path` in plain (parsed) values, if there is one. */
export function mapAt(
  values: unknown,
  path: readonly (string | number)[]
): Record<string, unknown> | undefined {
  let node = values
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string | number, unknown>)[segment]
  }
  return typeof node === 'object' && node !== null && !Array.isArray(node)
    ? (node as Record<string, unknown>)
    : undefined
}
