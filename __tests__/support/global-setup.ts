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

export default async function globalSetup(): Promise<void> {
  const missing = Object.keys(REQUIRED_PROGRAMS).filter(program => !onPath(program))
  // Render proofs need real Kustomize (v4+): kubectl's embedded one or the standalone binary.
  if (!onPath('kubectl') && !onPath('kustomize')) {
    throw new Error(
      [
        '',
        '='.repeat(78),
        'Render tests need `kubectl` (Kustomize v4+ inside) or `kustomize` on PATH; neither is.',
        "These machines ship kubectl with the Google Cloud SDK; Debian's kubernetes-client",
        '(kubectl 1.20, Kustomize v2) is too old for resources: directories.',
        '='.repeat(78)
      ].join('\n')
    )
  }
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
  return (process.env.PATH ?? '').split(path.delimiter).some(dir => {
    try {
      accessSync(path.join(dir, program), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}
