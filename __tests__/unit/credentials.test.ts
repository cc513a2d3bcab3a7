import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../src/log/logger.js'
import { configKeyToHost, lookupCredentials } from '../../src/registry/credentials.js'

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
