import { describe, expect, it } from '@jest/globals'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { InputError } from '../../src/errors.js'
import { parseInputs } from '../../src/action/inputs.js'
import { checkConfigFile, checkHost } from '../../src/options.js'

const reader =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''

const D = `sha256:${'0f'.repeat(32)}`
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString()
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()

describe('parseInputs', () => {
  it.each([
    { given: undefined, draft: undefined },
    { given: '', draft: undefined },
    { given: 'true', draft: true },
    { given: 'false', draft: false }
  ])("draft $given: $draft (unset lets promotion.yaml's draft: decide)", ({ given, draft }) => {
    const values: Record<string, string> = { image: 'ghcr.io/acme/api:v1' }
    if (given !== undefined) values.draft = given
    expect(parseInputs(reader(values)).draft).toBe(draft)
  })

  it('applies the defaults of DESIGN.md', () => {
    const inputs = parseInputs(reader({ image: 'ghcr.io/acme/api:v1' }))
    expect(inputs).toMatchObject({
      images: ['ghcr.io/acme/api:v1'],
      configFile: 'promotion.yaml',
      writeMethod: 'api',
      pin: 'digest',
      branch: 'promote/{environment}/{name}',
      dryRun: false,
      draft: undefined,
      verify: false,
      verifyRender: 'auto',
      allowDowngrade: 'warn',
      verifyTimeoutSeconds: 600,
      mode: undefined
    })
    expect(inputs.tagPolicy.mutableTags).toContain('production')
  })

  it('splits lists on newlines and commas and trims ASCII whitespace', () => {
    const inputs = parseInputs(
      reader({
        image: ' ghcr.io/acme/api:v1\n\n  ghcr.io/acme/web:v1 ,ghcr.io/acme/jobs:v1\r\n',
        labels: 'promotion, prod',
        'insecure-registries': 'registry.internal:5000\nmirror.local',
        'mutable-tags': 'pr-*, *-snapshot'
      })
    )
    expect(inputs.images).toEqual([
      'ghcr.io/acme/api:v1',
      'ghcr.io/acme/web:v1',
      'ghcr.io/acme/jobs:v1'
    ])
    expect(inputs.labels).toEqual(['promotion', 'prod'])
    expect(inputs.insecureRegistries).toEqual(['registry.internal:5000', 'mirror.local'])
    expect(inputs.tagPolicy.mutableTags).toEqual(['pr-*', '*-snapshot'])
  })

  it('turns signature-key (inline PEM) into the signature gate, off without it', () => {
    const der = publicKey.export({ type: 'spki', format: 'der' })
    const inputs = parseInputs(
      reader({ image: 'ghcr.io/acme/api:v1', 'signature-key': `\n${PUBLIC_PEM}\n` })
    )
    expect(inputs.signatures?.key).toMatchObject({
      fingerprint: `sha256:${createHash('sha256').update(der).digest('hex')}`,
      description: 'ecdsa P-256'
    })
    expect(parseInputs(reader({ image: 'ghcr.io/acme/api:v1' })).signatures).toBeUndefined()
  })

  it('refuses attestation inputs that cannot be used, naming the input, before any request', () => {
    const refused = (values: Record<string, string>) => {
      try {
        parseInputs(reader({ image: 'ghcr.io/acme/api:v1', ...values }), {})
      } catch (error) {
        expect(error).toBeInstanceOf(InputError)
        return (error as InputError).message
      }
      throw new Error('accepted')
    }
    expect(refused({ 'source-repository': 'acme/api', 'source-ref': 'v1.2.3' })).toContain(
      'Input source-ref "v1.2.3" is not a full git ref'
    )
    expect(refused({ 'signer-workflow': 'acme/api' })).toContain(
      'Input signer-workflow "acme/api" is not a workflow'
    )
    expect(parseInputs(reader({ image: 'ghcr.io/acme/api:v1' }), {}).attestations).toBeUndefined()
  })

  it('accepts no image when promoting everything another environment runs', () => {
    const inputs = parseInputs(reader({ environment: 'prod', 'from-environment': 'staging' }))
    expect(inputs).toMatchObject({ images: [], environments: ['prod'], fromEnvironment: 'staging' })
  })

  it('keeps registry credentials together and the password untrimmed', () => {
    const inputs = parseInputs(
      reader({ image: 'a:v1', 'registry-username': 'bot', 'registry-password': ' s3cret ' })
    )
    expect(inputs.registryCredentials).toEqual({ username: 'bot', password: ' s3cret ' })
  })

  it.each([
    [{ image: '' }, /Input image is required/],
    [{ image: '  \n ' }, /Input image is required/],
    [{ digest: 'sha256:abc' }, /Input digest: .*not a digest/],
    [{ digest: 'abc' }, /Input digest/],
    [{ digest: D.toUpperCase() }, /Input digest/],
    [{ mode: 'merge' }, /Input mode must be one of pull-request, push; got "merge"/],
    [{ 'write-method': 'ssh' }, /Input write-method must be one of api, git, none/],
    [{ 'write-method': 'none' }, /config-path is required with write-method: none/],
    [{ pin: 'sha' }, /Input pin must be one of digest, tag/],
    [{ 'dry-run': 'yes' }, /Input dry-run must be true or false; got "yes"/],
    [{ 'dry-run': '1' }, /Input dry-run must be true or false/],
    [{ draft: 'on' }, /Input draft must be true or false/],
    [{ verify: 'maybe' }, /Input verify must be true or false/],
    [{ 'require-immutable-repository': 'y' }, /require-immutable-repository must be true or false/],
    [{ 'auto-merge': 'fast-forward' }, /Input auto-merge must be one of merge, squash, rebase/],
    [{ 'verify-render': 'always' }, /Input verify-render must be one of auto, true, false/],
    [{ 'allow-downgrade': 'never' }, /Input allow-downgrade must be one of warn, true, false/],
    [{ 'verify-timeout': '10m' }, /verify-timeout must be a whole number of seconds/],
    [{ 'verify-timeout': '0' }, /verify-timeout must be a whole number of seconds above 0/],
    [{ 'verify-timeout': '-5' }, /verify-timeout must be a whole number/],
    [
      { 'config-repository': 'https://github.com/acme/config' },
      /config-repository must be owner\/name/
    ],
    [{ 'config-repository': 'acme' }, /config-repository must be owner\/name/],
    [{ 'config-repository': 'acme/config/extra' }, /config-repository must be owner\/name/],
    [{ environment: 'prod;rm -rf' }, /invalid environment name/],
    [{ environment: '../prod' }, /invalid environment name/],
    [{ 'from-environment': 'sta ging' }, /from-environment has an invalid environment name/],
    [{ 'insecure-registries': 'http://registry.local' }, /insecure-registries has an invalid host/],
    [{ 'insecure-registries': 'reg.local/path' }, /insecure-registries has an invalid host/],
    [
      { 'registry-username': 'bot' },
      /registry-username and registry-password must be given together/
    ],
    [
      { 'registry-password': 'x' },
      /registry-username and registry-password must be given together/
    ],
    [{ 'allow-tags': '(v' }, /allow-tags is not a valid regular expression/],
    [{ 'mutable-tags': 'a b' }, /mutable-tags has an invalid pattern/],
    [{ 'from-environment': 'staging' }, /from-environment needs environment/],
    [
      { 'config-file': '../promotion.yaml' },
      /config-file "\.\.\/promotion\.yaml" leaves the repository/
    ],
    [{ 'config-file': '/etc/promotion.yaml' }, /config-file "\/etc\/promotion\.yaml" is absolute/],
    [{ 'config-file': 'deploy\\promotion.yaml' }, /config-file .* contains a backslash/],
    [
      { 'signature-key': '/nonexistent/cosign.pub' },
      /Input signature-key "\/nonexistent\/cosign\.pub" is not a PEM public key, and as a file path there is no such file/
    ],
    [
      { 'signature-key': PRIVATE_PEM },
      /Input signature-key holds a PEM PRIVATE KEY, not a PUBLIC KEY/
    ],
    [
      { 'signature-key': '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' },
      /Input signature-key is not a readable PEM public key/
    ]
  ])('%j → %s', (values, message) => {
    const read = reader({ image: 'ghcr.io/acme/api:v1', ...values })
    expect(() => parseInputs(read)).toThrow(InputError)
    expect(() => parseInputs(read)).toThrow(message)
  })
})

describe('checkConfigFile', () => {
  it('defaults to promotion.yaml and keeps a path inside the repository', () => {
    expect(checkConfigFile('config-file', undefined)).toBe('promotion.yaml')
    expect(checkConfigFile('config-file', 'deploy/promotion.yaml')).toBe('deploy/promotion.yaml')
    expect(parseInputs(reader({ image: 'a/b:v1', 'config-file': 'x/p.yaml' })).configFile).toBe(
      'x/p.yaml'
    )
  })

  it('names the CLI flag as it was given', () => {
    expect(() => checkConfigFile('--config-file', '../p.yaml')).toThrow(
      /^--config-file "\.\.\/p\.yaml" leaves the repository \(\.\.\)\.$/
    )
  })
})

describe('checkHost', () => {
  it.each(['registry.internal:5000', 'localhost', '127.0.0.1:5000', '[::1]:5000'])(
    'accepts %s',
    host => {
      expect(checkHost('--insecure-registry', host)).toBe(host)
    }
  )

  it.each(['http://registry.local', 'registry.local/v2', 'reg istry', ''])('refuses %j', host => {
    expect(() => checkHost('--insecure-registry', host)).toThrow(InputError)
    expect(() => checkHost('--insecure-registry', host)).toThrow(
      `--insecure-registry has an invalid host ${JSON.stringify(host)}.`
    )
    expect(() => checkHost('insecure-registries', host)).toThrow(
      `Input insecure-registries has an invalid host ${JSON.stringify(host)}.`
    )
  })
})
