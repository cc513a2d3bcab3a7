/**
 * The signature gate with cosign v2 key signatures (issue 16, first "Done when"): the real
 * registry (CNCF distribution 2.8, token auth) holds images the tests push and signatures the
 * tests make with node's crypto in cosign's layout (support/cosign.ts); the CLI's main() runs
 * `resolve`, `edit` and `promote` from the sources, as a user's command line would.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CommandContext } from '../../src/cli/context.js'
import { main } from '../../src/cli/main.js'
import {
  ecdsaKeyPair,
  pushCosignSignature,
  signPayload,
  simpleSigningPayload,
  type KeyPair
} from '../support/cosign.js'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'

let reg: RegistryInstance
let dir: string
let signer: KeyPair
let keyFile: string

beforeAll(async () => {
  reg = await startRegistry({ auth: 'token' })
  dir = await mkdtemp(join(tmpdir(), 'promote-image-signature-'))
  signer = ecdsaKeyPair()
  keyFile = join(dir, 'cosign.pub')
  await writeFile(keyFile, signer.publicPem)
})
afterAll(async () => {
  await reg?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

interface Ran {
  readonly code: number
  readonly stdout: string
  /** The error main() printed (promote-image: …) and the log lines. */
  readonly stderr: string
}

async function cli(argv: string[]): Promise<Ran> {
  let stdout = ''
  let stderr = ''
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    stderr += String(chunk)
    return true
  })
  const log = (line: string) => {
    stderr += `${line}\n`
  }
  const context: Partial<CommandContext> = {
    stdout: text => {
      stdout += text
    },
    logger: { debug: () => {}, info: log, warning: log },
    env: { DOCKER_CONFIG: '/nonexistent', PATH: process.env.PATH }
  }
  try {
    return { code: await main(argv, context), stdout, stderr }
  } finally {
    spy.mockRestore()
  }
}

function fingerprint(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' })
  return `sha256:${createHash('sha256').update(der).digest('hex')}`
}

let seed = 0
/** A fresh image in its own repository: no case sees another's signatures. */
async function freshImage(repository: string) {
  const pushed = await pushImage(reg, repository, 'v1', { seed: `signature-${seed++}` })
  return { repository, digest: pushed.digest, image: `${reg.host}/${repository}:v1` }
}

type Image = Awaited<ReturnType<typeof freshImage>>

const CASES: readonly {
  name: string
  sign: (image: Image) => Promise<unknown>
  code: number
  shows: (image: Image) => string[]
}[] = [
  {
    name: 'signed with the key: verified',
    sign: image =>
      pushCosignSignature(reg, image.repository, image.digest, [
        { payload: simpleSigningPayload(image.image, image.digest), key: signer.privateKey }
      ]),
    code: 0,
    shows: image => [
      `signature verified, signed by key ${fingerprint(signer.publicPem)}`,
      image.digest
    ]
  },
  {
    name: 'a foreign signature beside the key’s: verified',
    sign: image =>
      pushCosignSignature(reg, image.repository, image.digest, [
        {
          payload: simpleSigningPayload(image.image, image.digest),
          key: ecdsaKeyPair().privateKey
        },
        { payload: simpleSigningPayload(image.image, image.digest), key: signer.privateKey }
      ]),
    code: 0,
    shows: () => ['signature verified']
  },
  {
    name: 'unsigned: refused, naming where it looked',
    sign: async () => undefined,
    code: 1,
    shows: image => [
      'has no cosign signature',
      `${reg.host}/${image.repository}:${image.digest.replace(':', '-')}.sig`,
      'cosign sign --key'
    ]
  },
  {
    name: 'signed by another key: refused as not by this key',
    sign: image =>
      pushCosignSignature(reg, image.repository, image.digest, [
        {
          payload: simpleSigningPayload(image.image, image.digest),
          key: ecdsaKeyPair().privateKey
        }
      ]),
    code: 1,
    shows: () => [
      'is signed, but not by this key',
      `--signature-key (ecdsa P-256, ${fingerprint(signer.publicPem)})`
    ]
  },
  {
    name: 'signed with the key, but the payload names another digest: refused',
    sign: image =>
      pushCosignSignature(reg, image.repository, image.digest, [
        {
          payload: simpleSigningPayload(image.image, `sha256:${'e'.repeat(64)}`),
          key: signer.privateKey
        }
      ]),
    code: 1,
    shows: image => [
      `its payload signs sha256:${'e'.repeat(64)} (critical.image.docker-manifest-digest), not ${image.digest}`
    ]
  },
  {
    name: 'a signature annotation that is not base64: refused as malformed',
    sign: image =>
      pushCosignSignature(reg, image.repository, image.digest, [
        { payload: simpleSigningPayload(image.image, image.digest), signature: 'not base64!' }
      ]),
    code: 1,
    shows: () => ['is not a cosign signature', 'dev.cosignproject.cosign/signature is not base64']
  },
  {
    name: 'a payload signed with the key that is not JSON: refused as malformed',
    sign: image => {
      const payload = Buffer.from('not json')
      return pushCosignSignature(reg, image.repository, image.digest, [
        { payload, signature: signPayload(payload, signer.privateKey) }
      ])
    },
    code: 1,
    shows: () => ['a payload signed with the key is not JSON']
  }
]

describe('resolve --signature-key: cosign v2 key signatures in the real registry', () => {
  it.each(CASES.map((c, i) => ({ ...c, repository: `sig/case-${i}` })))(
    '$name',
    async ({ sign, code, shows, repository }) => {
      const image = await freshImage(repository)
      await sign(image)
      const ran = await cli(['resolve', image.image, '--signature-key', keyFile])
      expect({ code: ran.code, stderr: ran.stderr }).toEqual({
        code,
        stderr: expect.stringContaining(shows(image)[0]!)
      })
      for (const text of shows(image)) expect(ran.stderr).toContain(text)
      // Refused: nothing printed for a script to pin.
      expect(ran.stdout).toBe(code === 0 ? `${image.image}@${image.digest}\n` : '')
    }
  )

  it('--json carries the verification: verified, the key fingerprint, where it was found', async () => {
    const image = await freshImage('sig/json')
    await pushCosignSignature(reg, image.repository, image.digest, [
      { payload: simpleSigningPayload(image.image, image.digest), key: signer.privateKey }
    ])
    const ran = await cli(['resolve', image.image, '--signature-key', keyFile, '--json'])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toEqual([
      expect.objectContaining({
        digest: image.digest,
        signature: {
          verified: true,
          kind: 'cosign-key',
          key: fingerprint(signer.publicPem),
          location: `${image.image.replace(':v1', '')}:${image.digest.replace(':', '-')}.sig`
        }
      })
    ])
  })

  it('takes the key inline as PEM text, and Ed25519 and RSA keys as cosign verifies them', async () => {
    const image = await freshImage('sig/key-types')
    const ed = generateKeyPairSync('ed25519')
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const payload = simpleSigningPayload(image.image, image.digest)
    await pushCosignSignature(reg, image.repository, image.digest, [
      { payload, key: ed.privateKey },
      { payload, key: rsa.privateKey }
    ])
    const codes = []
    for (const key of [ed.publicKey, rsa.publicKey]) {
      const pem = key.export({ type: 'spki', format: 'pem' }).toString()
      // PEM text starts with a dash: the flag's value goes after `=`, as parseArgs requires.
      codes.push((await cli(['resolve', image.image, `--signature-key=${pem}`])).code)
    }
    expect(codes).toEqual([0, 0])
  })

  it('costs 2 registry requests per image (signature manifest, payload) and no further token', async () => {
    const image = await freshImage('sig/cost')
    await pushCosignSignature(reg, image.repository, image.digest, [
      { payload: simpleSigningPayload(image.image, image.digest), key: signer.privateKey }
    ])
    reg.requests.reset()
    expect((await cli(['resolve', image.image])).code).toBe(0)
    const plain = reg.requests.entries.map(e => `${e.server} ${e.method}`)
    reg.requests.reset()
    expect((await cli(['resolve', image.image, '--signature-key', keyFile])).code).toBe(0)
    const gated = reg.requests.entries.map(e => `${e.server} ${e.method} ${e.path}`)
    expect(gated.length - plain.length).toBe(2)
    expect(gated.slice(plain.length)).toEqual([
      `registry GET /v2/${image.repository}/manifests/${image.digest.replace(':', '-')}.sig`,
      expect.stringMatching(new RegExp(`^registry GET /v2/${image.repository}/blobs/sha256:`))
    ])
    expect(reg.requests.count('token')).toBe(1)
  })
})

describe('--signature-key: a key that cannot be used is an input error, before any request', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  it.each([
    {
      name: 'a file that does not exist',
      value: () => join(dir, 'missing.pub'),
      shows: 'as a file path there is no such file'
    },
    {
      name: 'a file that is not PEM',
      value: async () => {
        const file = join(dir, 'not-pem.pub')
        await writeFile(file, 'ssh-ed25519 AAAAC3Nza… someone@host\n')
        return file
      },
      shows: 'is neither a PEM public key nor a file holding one'
    },
    {
      name: 'the private key',
      value: () => privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      shows: 'holds a PEM PRIVATE KEY, not a PUBLIC KEY'
    },
    {
      name: 'a directory',
      value: () => dir,
      shows: 'as a file path it is a directory'
    }
  ])('$name', async ({ value, shows }) => {
    reg.requests.reset()
    const ran = await cli([
      'resolve',
      `${reg.host}/sig/never:v1`,
      `--signature-key=${await value()}`
    ])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain('--signature-key')
    expect(ran.stderr).toContain(shows)
    expect(reg.requests.count()).toBe(0)
  })
})

describe('edit and promote --signature-key: a refused image edits and writes nothing', () => {
  async function configRepo(image: Image): Promise<string> {
    const root = await mkdtemp(join(dir, 'config-'))
    await mkdir(join(root, 'app'))
    await writeFile(
      join(root, 'app', 'kustomization.yaml'),
      `resources:\n  - deployment.yaml\nimages:\n  - name: ${reg.host}/${image.repository}\n    newTag: v0 # pinned by CI\n`
    )
    await writeFile(
      join(root, 'app', 'deployment.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: app}',
        'spec:',
        '  selector: {matchLabels: {app: app}}',
        '  template:',
        '    metadata: {labels: {app: app}}',
        '    spec:',
        '      containers:',
        '        - name: app',
        `          image: ${reg.host}/${image.repository}:v0`,
        ''
      ].join('\n')
    )
    return root
  }

  it.each([
    { name: 'unsigned: refused, the kustomization unchanged', signed: false, code: 1 },
    { name: 'signed: the edit goes ahead', signed: true, code: 0 }
  ])('edit, $name', async ({ signed, code }) => {
    const image = await freshImage(`sig/edit-${signed}`)
    if (signed) {
      await pushCosignSignature(reg, image.repository, image.digest, [
        { payload: simpleSigningPayload(image.image, image.digest), key: signer.privateKey }
      ])
    }
    const root = await configRepo(image)
    const file = join(root, 'app', 'kustomization.yaml')
    const before = await readFile(file, 'utf8')
    const ran = await cli([
      'edit',
      '--dir',
      root,
      '--target',
      'kustomize:app',
      '--image',
      image.image,
      '--verify-render',
      'false',
      '--signature-key',
      keyFile
    ])
    expect(ran.code).toBe(code)
    const after = await readFile(file, 'utf8')
    if (signed) {
      expect(after).toContain(`digest: ${image.digest}`)
    } else {
      expect(ran.stderr).toContain('has no cosign signature')
      expect(after).toBe(before)
    }
  })

  it.each([
    { name: 'unsigned: refused, prod unchanged', signed: false, code: 1 },
    { name: 'signed: prod gets what staging runs', signed: true, code: 0 }
  ])('edit --from-environment, $name', async ({ signed, code }) => {
    const image = await freshImage(`sig/from-env-${signed}`)
    if (signed) {
      await pushCosignSignature(reg, image.repository, image.digest, [
        { payload: simpleSigningPayload(image.image, image.digest), key: signer.privateKey }
      ])
    }
    const root = await mkdtemp(join(dir, 'environments-'))
    await writeFile(
      join(root, 'promotion.yaml'),
      'environments:\n  staging:\n    targets:\n      - kustomize: staging\n  prod:\n    targets:\n      - kustomize: prod\n'
    )
    const pins = { staging: `newTag: v1\n    digest: ${image.digest}`, prod: 'newTag: v0' }
    for (const [environment, pin] of Object.entries(pins)) {
      const overlay = await configRepo(image)
      await rm(join(root, environment), { recursive: true, force: true })
      await mkdir(join(root, environment))
      await writeFile(
        join(root, environment, 'deployment.yaml'),
        await readFile(join(overlay, 'app', 'deployment.yaml'), 'utf8')
      )
      await writeFile(
        join(root, environment, 'kustomization.yaml'),
        `resources:\n  - deployment.yaml\nimages:\n  - name: ${reg.host}/${image.repository}\n    ${pin}\n`
      )
    }
    const prod = join(root, 'prod', 'kustomization.yaml')
    const before = await readFile(prod, 'utf8')
    const ran = await cli([
      'edit',
      '--dir',
      root,
      '--environment',
      'prod',
      '--from-environment',
      'staging',
      '--image',
      `${reg.host}/${image.repository}`,
      '--verify-render',
      'false',
      '--signature-key',
      keyFile
    ])
    expect({ code: ran.code, refused: ran.stderr.includes('has no cosign signature') }).toEqual({
      code,
      refused: !signed
    })
    const after = await readFile(prod, 'utf8')
    if (signed) expect(after).toContain(`digest: ${image.digest}`)
    else expect(after).toBe(before)
  })

  it('promote, unsigned: refused before the config repository is even read', async () => {
    const image = await freshImage('sig/promote')
    const ran = await cli([
      'promote',
      '--config-repo',
      join(dir, 'no-such-config.git'),
      '--target',
      'kustomize:app',
      '--image',
      image.image,
      '--signature-key',
      keyFile
    ])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain('has no cosign signature')
    expect(ran.stderr).not.toContain('no-such-config')
  })
})
