/**
 * Checks beyond the schema, run on data of any shape (the schema's problems are
 * reported alongside): promote-from must name another environment and must not
 * loop, and target paths and keys must be safe templates.
 */
import { isRecord, type DataProblem } from './locate.js'
import { suggestion } from './suggest.js'
import { templateKeyProblem, templatePathProblem } from './targets.js'
import { ENVIRONMENT_NAME, TARGET_KINDS } from './types.js'

/**
 * Rules JSON Schema cannot express: references between environments, safe paths.
 * `names` are the environments in file order, so that lists in messages follow the file.
 */
export function semanticProblems(data: unknown, names: readonly string[]): DataProblem[] {
  const problems: DataProblem[] = []
  if (!isRecord(data) || !isRecord(data.environments)) return problems
  const environments = data.environments

  /** environment → the one it promotes from, for references that resolve. */
  const edges = new Map<string, string>()
  for (const name of names) {
    const environment = environments[name]
    if (!isRecord(environment)) continue
    const from = environment['promote-from']
    const at = ['environments', name, 'promote-from']
    // A malformed name is the schema's to report.
    if (typeof from === 'string' && ENVIRONMENT_NAME.test(from)) {
      if (from === name) {
        problems.push({ at, message: 'an environment cannot promote from itself' })
      } else if (!Object.hasOwn(environments, from)) {
        const close = suggestion(from, names)
        problems.push({
          at,
          message: `unknown environment ${JSON.stringify(from)}${close === '' ? `; environments: ${names.join(', ')}` : close}`
        })
      } else {
        edges.set(name, from)
      }
    }
    const targets = environment.targets
    if (Array.isArray(targets)) problems.push(...targetProblems(name, targets))
  }
  problems.push(...cycleProblems(names, edges))
  return problems
}

/** Target paths that would leave the repository, keys that are not key paths, unknown placeholders. */
function targetProblems(environment: string, targets: readonly unknown[]): DataProblem[] {
  const problems: DataProblem[] = []
  targets.forEach((target, index) => {
    if (!isRecord(target)) return
    const targetAt = ['environments', environment, 'targets', String(index)]
    for (const kind of TARGET_KINDS) {
      const path = target[kind]
      if (typeof path !== 'string' || path === '') continue
      const problem = templatePathProblem(path)
      if (problem !== undefined) {
        problems.push({
          at: targetAt,
          lineAt: [...targetAt, kind],
          message: `${kind} path ${JSON.stringify(path)} ${problem}`,
          hint: 'Target paths are relative to the config repository root, with "/" and without "..".'
        })
      }
    }
    const files = [
      ...(typeof target.chart === 'string' ? [['chart', target.chart] as const] : []),
      ...(Array.isArray(target.values)
        ? target.values.map((file, i) => [`values[${i}]`, file] as const)
        : [])
    ]
    for (const [field, path] of files) {
      if (typeof path !== 'string' || path === '') continue
      const problem = templatePathProblem(path)
      if (problem !== undefined) {
        problems.push({
          at: targetAt,
          lineAt: [...targetAt, ...field.replace(/\[(\d+)\]$/, '.$1').split('.')],
          message: `${field} path ${JSON.stringify(path)} ${problem}`,
          hint: 'Chart and values paths are relative to the config repository root, with "/" and without "..".'
        })
      }
    }
    const key = target.key
    if (typeof key === 'string' && key !== '') {
      const problem = templateKeyProblem(key)
      if (problem !== undefined) {
        problems.push({
          at: targetAt,
          lineAt: [...targetAt, 'key'],
          message: `key ${JSON.stringify(key)} ${problem}`,
          hint: 'Write the key as a dotted path with list indexes, e.g. image, api.image or containers[0].image.'
        })
      }
    }
  })
  return problems
}

/**
 * Each environment has at most one promote-from, so a walk that comes back
 * to a node still on its own path has found a cycle; report it once.
 */
function cycleProblems(
  names: readonly string[],
  edges: ReadonlyMap<string, string>
): DataProblem[] {
  const problems: DataProblem[] = []
  const state = new Map<string, 'walking' | 'done'>()
  for (const start of names) {
    const path: string[] = []
    let current: string | undefined = start
    while (current !== undefined && state.get(current) === undefined) {
      state.set(current, 'walking')
      path.push(current)
      current = edges.get(current)
    }
    if (current !== undefined && state.get(current) === 'walking') {
      const cycle = path.slice(path.indexOf(current))
      // Start the cycle at its first environment in the file.
      const first = names.find(name => cycle.includes(name))!
      const rotated = [
        ...cycle.slice(cycle.indexOf(first)),
        ...cycle.slice(0, cycle.indexOf(first))
      ]
      problems.push({
        at: ['environments', first, 'promote-from'],
        message: `cycle in promote-from: ${[...rotated, first].join(' → ')} (each promotes from the next)`,
        hint: 'Promotions flow one way (dev → staging → prod); remove promote-from from one environment of the cycle.'
      })
    }
    for (const name of path) state.set(name, 'done')
  }
  return problems
}
