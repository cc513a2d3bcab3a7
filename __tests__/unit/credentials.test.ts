import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { scaled } from '../support/timing.js'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../src/log/logger.js'
import {
  configKeyToHost,
  lookupCredentials,
  maskHelperOutput
} from '../../src/registry/credentials.js'

const b64 = (s: string) => Buffer.from(s).toString('base64')

describe('lookupCredentials', () => {
  let dir: string
  let binDir: string
  const envFor = (config: object, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    DOCKER_CONFIG: join(dir, 'cfg'),
    PATH: `${binDir}:/usr/bin:/bin`,
    HOME: dir,
    __CONFIG: JSON.stringify(config),
    ...extra
  })
  const lookup = async (host: string, config: object, extra: NodeJS.ProcessEnv = {}) => {
    const env = envFor(config, extra)
    await writeFile(join(dir, 'cfg', 'config.json'), env.__CONFIG!)
    const secrets: string[] = []
    const found = await lookupCredentials(host, {
      env,
      logger: silentLogger,
      onSecret: s => secrets.push(s)
    })
    return { ...found, secrets }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'creds-'))
    binDir = join(dir, 'bin')
    await rm(binDir, { recursive: true, force: true })
    const { mkdir } = await import('node:fs/promises')
    await mkdir(binDir)
    await mkdir(join(dir, 'cfg'))
    // A real credential helper speaking the docker-credential-helpers protocol.
    const helper = join(binDir, 'docker-credential-test')
    await writeFile(
      helper,
      `#!/bin/sh
[ "$1" = get ] || exit 3
read server
case "$server" in
  helped.example.com) echo '{"ServerURL":"helped.example.com","Username":"robot","Secret":"from-helper"}' ;;
  token.example.com) echo '{"ServerURL":"token.example.com","Username":"<token>","Secret":"refresh-me"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"hub","Username":"hubuser","Secret":"hubpass"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`
    )
    await chmod(helper, 0o755)
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it.each([
    [
      'ghcr.io',
      { auths: { 'ghcr.io': { auth: b64('u:p') } } },
      { kind: 'basic', username: 'u', password: 'p' }
    ],
    [
      'ghcr.io',
      { auths: { 'https://ghcr.io': { auth: b64('u:p') } } },
      { kind: 'basic', username: 'u', password: 'p' }
    ],
    [
      'ghcr.io',
      { auths: { 'https://ghcr.io/v2/': { auth: b64('u:p:q') } } },
      { kind: 'basic', username: 'u', password: 'p:q' }
    ],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      {
        auths: { 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com': { auth: b64('AWS:pw') } }
      },
      { kind: 'basic', username: 'AWS', password: 'pw' }
    ],
    [
      'registry-1.docker.io',
      { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } },
      { kind: 'basic', username: 'hub', password: 'pw' }
    ],
    [
      'registry-1.docker.io',
      { auths: { 'docker.io': { auth: b64('hub:pw') } } },
      { kind: 'basic', username: 'hub', password: 'pw' }
    ],
    [
      'ghcr.io',
      { auths: { 'ghcr.io': { auth: b64('u:p\0\0') } } },
      { kind: 'basic', username: 'u', password: 'p' }
    ],
    [
      'ghcr.io',
      { auths: { 'ghcr.io': { identitytoken: 'idt', auth: b64('u:') } } },
      { kind: 'identity-token', username: 'u', token: 'idt' }
    ],
    [
      'ghcr.io',
      { auths: { 'ghcr.io': { registrytoken: 'rt' } } },
      { kind: 'registry-token', token: 'rt' }
    ],
    [
      'helped.example.com',
      { credHelpers: { 'helped.example.com': 'test' } },
      { kind: 'basic', username: 'robot', password: 'from-helper' }
    ],
    [
      'token.example.com',
      { credsStore: 'test' },
      { kind: 'identity-token', username: '<token>', token: 'refresh-me' }
    ],
    [
      'registry-1.docker.io',
      { credsStore: 'test' },
      { kind: 'basic', username: 'hubuser', password: 'hubpass' }
    ],
    // credHelpers wins over auths
    [
      'helped.example.com',
      {
        credHelpers: { 'helped.example.com': 'test' },
        auths: { 'helped.example.com': { auth: b64('a:b') } }
      },
      { kind: 'basic', username: 'robot', password: 'from-helper' }
    ],
    // the helper has nothing: fall back to auths
    [
      'other.example.com',
      { credsStore: 'test', auths: { 'other.example.com': { auth: b64('a:b') } } },
      { kind: 'basic', username: 'a', password: 'b' }
    ]
  ])('%s with %j', async (host, config, credential) => {
    const found = await lookup(host, config)
    expect(found.credential).toEqual(credential)
    expect(found.secrets).toHaveLength(1)
    expect(found.description).not.toContain('password')
  })

  it.each([
    ['ghcr.io', {}],
    ['ghcr.io', { auths: { 'quay.io': { auth: b64('u:p') } } }],
    ['ghcr.io', { auths: { 'ghcr.io.evil.com': { auth: b64('u:p') } } }],
    ['nothing.example.com', { credsStore: 'test' }]
  ])('%s is anonymous with %j', async (host, config) => {
    const found = await lookup(host, config)
    expect(found.credential).toBeUndefined()
    expect(found.description).toBe('no credentials (anonymous)')
  })

  it('prefers explicit credentials and says where they came from', async () => {
    const found = await lookupCredentials('ghcr.io', {
      explicit: { username: 'bot', password: 'pw' },
      logger: silentLogger,
      env: envFor({})
    })
    expect(found.credential).toEqual({ kind: 'basic', username: 'bot', password: 'pw' })
    expect(found.description).toBe('the registry-username/registry-password inputs')
  })

  it('reads DOCKER_AUTH_CONFIG before the file', async () => {
    const found = await lookup(
      'ghcr.io',
      {},
      { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'ghcr.io': { auth: b64('env:pw') } } }) }
    )
    expect(found.credential).toEqual({ kind: 'basic', username: 'env', password: 'pw' })
  })

  it('is anonymous without a config file', async () => {
    const found = await lookupCredentials('ghcr.io', {
      logger: silentLogger,
      env: { DOCKER_CONFIG: join(dir, 'missing'), PATH: '/usr/bin' }
    })
    expect(found.credential).toBeUndefined()
  })

  it.each([
    [{ credsStore: 'absent' }, /docker-credential-absent is not on PATH/],
    [{ credsStore: '../../bin/sh' }, /invalid helper name/],
    [{ auths: { 'ghcr.io': { auth: b64('no-colon') } } }, /not base64 of "user:password"/]
  ])('fails clearly on %j', async (config, message) => {
    await expect(lookup('ghcr.io', config)).rejects.toThrow(message)
  })

  it('fails clearly on a config that is not JSON', async () => {
    await writeFile(join(dir, 'cfg', 'config.json'), '{oops')
    await expect(
      lookupCredentials('ghcr.io', {
        env: { DOCKER_CONFIG: join(dir, 'cfg') },
        logger: silentLogger
      })
    ).rejects.toThrow(/is not a JSON object/)
  })
})

describe('configKeyToHost', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['http://localhost:5000/v2', 'localhost:5000'],
    ['GHCR.IO', 'ghcr.io']
  ])('%s → %s', (key, host) => expect(configKeyToHost(key)).toBe(host))
})

/**
 * Misbehaving helpers, as real shell scripts on PATH: each run ends within the bound (timeout,
 * then SIGTERM to the helper's process group, then SIGKILL after a 2 s grace), leaves no process
 * behind, and says what happened without echoing a secret or a workflow command.
 */
describe('credential helpers are bounded', () => {
  /** Scaled down from the 30 s default; the grace before SIGKILL is fixed (2 s). */
  const TIMEOUT_MS = 500
  const GRACE_MS = 2000
  /** Slack for a loaded machine (2 cores shared). */
  const SLACK_MS = scaled(1500)
  let dir: string

  const helpers: Record<string, string> = {
    hangs: 'read server\nsleep 600\n',
    'ignores-term': "trap '' TERM\nread server\nwhile :; do sleep 1; done\n",
    // Answers, but leaves a child running that holds our stdout open.
    'leaves-child': `read server\nsleep 600 &\necho $! > "$PIDS/leaves-child"\necho '{"Username":"u","Secret":"from-leaver"}'\n`,
    // Hangs, and its child ignores SIGTERM too.
    'hangs-with-child': `read server\n(trap '' TERM; while :; do sleep 1; done) &\necho $! > "$PIDS/hangs-with-child"\nsleep 600\n`,
    'leaks-secret': [
      'read server',
      `echo '{"ServerURL":"x","Username":"robot","Secret":"s3cr3t-from-stdout-value"}'`,
      "echo 'error: s3cr3t-from-stdout-value rejected for robot' >&2",
      "echo 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl' >&2",
      "echo 'key ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 and 0123456789abcdef0123456789abcdef' >&2",
      "echo 'basic: Basic dXNlcjpwYXNzd29yZA==' >&2",
      "echo '::add-mask::nothing' >&2",
      "echo '::error::injected' >&2",
      "echo '##[error]injected' >&2",
      `i=0; while [ $i -lt 200 ]; do printf 'padding ' >&2; i=$((i+1)); done`,
      'exit 1',
      ''
    ].join('\n')
  }

  const lookupWith = async (helper: string) => {
    await writeFile(join(dir, 'cfg', 'config.json'), JSON.stringify({ credsStore: helper }))
    const started = Date.now()
    try {
      const found = await lookupCredentials('helped.example.com', {
        env: {
          DOCKER_CONFIG: join(dir, 'cfg'),
          PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
          HOME: dir,
          PIDS: join(dir, 'pids')
        },
        logger: silentLogger,
        helperTimeoutMs: TIMEOUT_MS
      })
      return { found, elapsed: Date.now() - started }
    } catch (error) {
      return { error: error as Error, elapsed: Date.now() - started }
    }
  }

  /** Gone: no such process, or a zombie waiting for init to reap it. */
  const gone = async (pidFile: string): Promise<boolean> => {
    const pid = (await readFile(pidFile, 'utf8')).trim()
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
    } catch {
      return true
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'creds-bounded-'))
    await mkdir(join(dir, 'bin'))
    await mkdir(join(dir, 'cfg'))
    await mkdir(join(dir, 'pids'))
    for (const [name, body] of Object.entries(helpers)) {
      const path = join(dir, 'bin', `docker-credential-${name}`)
      await writeFile(path, `#!/bin/sh\n${body}`)
      await chmod(path, 0o755)
    }
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it.each([
    ['hangs', TIMEOUT_MS],
    ['ignores-term', TIMEOUT_MS + GRACE_MS],
    ['hangs-with-child', TIMEOUT_MS + GRACE_MS]
  ])('a helper that %s times out within the bound, by name', async (helper, bound) => {
    const { error, elapsed } = await lookupWith(helper)
    expect(error?.message).toMatch(
      new RegExp(`^docker-credential-${helper} timed out after 0\\.5 s and was stopped`)
    )
    expect(error?.message).not.toMatch(/Command failed/)
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50)
    expect(elapsed).toBeLessThan(bound + SLACK_MS)
    if (helper === 'hangs-with-child') expect(await gone(join(dir, 'pids', helper))).toBe(true)
  })

  it('a helper that answers but leaves a child running: the answer counts, the child is stopped', async () => {
    const { found, error, elapsed } = await lookupWith('leaves-child')
    expect(error).toBeUndefined()
    expect(found?.credential).toEqual({ kind: 'basic', username: 'u', password: 'from-leaver' })
    expect(elapsed).toBeLessThan(TIMEOUT_MS + SLACK_MS)
    expect(await gone(join(dir, 'pids', 'leaves-child'))).toBe(true)
  })

  it('a failing helper: its stderr is shown without secrets or workflow commands, capped', async () => {
    const { error } = await lookupWith('leaks-secret')
    const message = error!.message
    expect(message).toMatch(
      /^credential helper docker-credential-leaks-secret .* failed \(exit code 1\): error: \*\*\* rejected/
    )
    for (const secret of [
      's3cr3t-from-stdout-value',
      'eyJhbGciOiJIUzI1NiJ9',
      'c2lnbmF0dXJl',
      'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
      '0123456789abcdef0123456789abcdef',
      'dXNlcjpwYXNzd29yZA'
    ]) {
      expect(message).not.toContain(secret)
    }
    expect(message).not.toContain('::')
    expect(message).not.toContain('##[')
    expect(message).not.toContain('\n')
    expect(message.length).toBeLessThan(600)
  })
})

describe('maskHelperOutput', () => {
  it.each([
    ['token=abc123secret', '', 'token=***'],
    ['Bearer abc.def', '', 'Bearer ***'],
    ['oops hunter22 leaked', 'hunter22', 'oops *** leaked'],
    ['::::set-output name=x::y', '', ': : : :set-output name=x: :y'],
    [
      'not found: /usr/local/bin/docker-credential-pass',
      '',
      'not found: /usr/local/bin/docker-credential-pass'
    ],
    ['line one\nline two\r\n\u001b[31mred\u001b[0m', '', 'line one line two [31mred [0m']
  ])('%j (stdout %j) → %j', (stderr, stdout, shown) => {
    expect(maskHelperOutput(stderr, stdout)).toBe(shown)
  })
})
