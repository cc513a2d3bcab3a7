/**
 * A real TUF repository served over loopback HTTP: root, timestamp, snapshot and targets
 * (with `trusted_root.json` as a target), each signed with its own ed25519 key (node crypto),
 * laid out as @sigstore/tuf's client reads it (1.root.json, timestamp.json, N.snapshot.json,
 * N.targets.json, targets/<sha256>.trusted_root.json: consistent snapshots).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  Key,
  Metadata,
  MetaFile,
  Root,
  Signature,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp
} from '@tufjs/models'

export interface TufRepo {
  readonly url: string
  /** The initial root.json, the client's trust anchor. */
  readonly rootJson: string
  /** Requests served, by path. */
  readonly requests: string[]
  stop(): Promise<void>
}

export interface TufOptions {
  /** Expiry of the timestamp metadata (default: in a day). */
  readonly timestampExpires?: Date
  /** Change the served targets metadata after signing (tampering). */
  readonly tamperTargets?: boolean
}

interface RoleKey {
  readonly key: Key
  readonly privateKey: KeyObject
}

function roleKey(): RoleKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex')
  const keyVal = { public: raw }
  // The client looks keys up by id and does not recompute it: any unique id serves.
  const keyID = createHash('sha256').update(raw).digest('hex')
  return { key: new Key({ keyID, keyType: 'ed25519', scheme: 'ed25519', keyVal }), privateKey }
}

function signWith<T extends Root | Timestamp | Snapshot | Targets>(signed: T, k: RoleKey): string {
  const metadata = new Metadata(signed)
  metadata.sign(
    data =>
      new Signature({ keyID: k.key.keyID, sig: sign(null, data, k.privateKey).toString('hex') })
  )
  return JSON.stringify(metadata.toJSON())
}

export async function startTufRepo(
  trustedRootJson: string,
  options: TufOptions = {}
): Promise<TufRepo> {
  const later = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z')
  const keys = { root: roleKey(), timestamp: roleKey(), snapshot: roleKey(), targets: roleKey() }
  const root = new Root({
    version: 1,
    specVersion: '1.0.31',
    expires: later,
    consistentSnapshot: true
  })
  for (const [role, k] of Object.entries(keys)) {
    root.addKey(k.key, role)
  }
  const rootJson = signWith(root, keys.root)

  const target = Buffer.from(trustedRootJson)
  const targetHash = createHash('sha256').update(target).digest('hex')
  const targets = new Targets({ version: 1, specVersion: '1.0.31', expires: later })
  targets.targets['trusted_root.json'] = new TargetFile({
    path: 'trusted_root.json',
    length: target.length,
    hashes: { sha256: targetHash }
  })
  let targetsJson = signWith(targets, keys.targets)
  if (options.tamperTargets) {
    // Changed after signing: the signature no longer covers what is served.
    const tampered = JSON.parse(targetsJson) as { signed: { version: number; expires: string } }
    tampered.signed.expires = '2099-01-01T00:00:00Z'
    targetsJson = JSON.stringify(tampered)
  }
  const snapshot = new Snapshot({
    version: 1,
    specVersion: '1.0.31',
    expires: later,
    meta: { 'targets.json': new MetaFile({ version: 1 }) }
  })
  const snapshotJson = signWith(snapshot, keys.snapshot)
  const timestamp = new Timestamp({
    version: 1,
    specVersion: '1.0.31',
    expires: (options.timestampExpires?.toISOString() ?? later).replace(/\.\d+Z$/, 'Z'),
    snapshotMeta: new MetaFile({ version: 1 })
  })
  const timestampJson = signWith(timestamp, keys.timestamp)

  const files = new Map<string, Buffer | string>([
    ['/1.root.json', rootJson],
    ['/timestamp.json', timestampJson],
    ['/1.snapshot.json', snapshotJson],
    ['/1.targets.json', targetsJson],
    [`/targets/${targetHash}.trusted_root.json`, target]
  ])
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    const path = req.url ?? ''
    requests.push(path)
    const body = files.get(path)
    if (body === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    rootJson,
    requests,
    stop: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}
