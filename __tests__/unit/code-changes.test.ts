/**
 * The engine's code-changes reader (issue 18 item 1): the previous digest is the old value of any
 * field of the image that held one (a kustomize digest, a Helm `tag@sha256:…`, a manifest's whole
 * reference); images the edit did not change are left out; a registry failure is recorded, never
 * thrown; a range is asked only for GitHub sources with two different revisions.
 */
import { describe, expect, it } from '@jest/globals'
import { codeChangeReader } from '../../src/engine/code-changes.js'
import type { Ports } from '../../src/engine/index.js'
import { ACTION_NAMES } from '../../src/errors.js'
import type { EditResult, ImageOrigin, ImageValueChange, ResolvedImage } from '../../src/model.js'
import { parseReference } from '../../src/reference/index.js'
import type { OriginReader } from '../../src/registry/index.js'

const D_NEW = `sha256:${'1'.repeat(64)}`
const D_OLD = `sha256:${'0'.repeat(64)}`
const API = 'ghcr.io/acme/api:v2'

const image = (input: string): ResolvedImage => ({
  input,
  reference: parseReference(input),
  digest: D_NEW,
  pinned: `${input}@${D_NEW}`,
  pin: 'digest',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  kind: 'manifest',
  registry: 'ghcr.io'
})

const edit = (changes: Omit<ImageValueChange, 'file' | 'line'>[]): EditResult => ({
  files: [
    {
      file: 'f.yaml',
      before: '',
      after: '',
      changes: changes.map(c => ({ file: 'f.yaml', line: 1, ...c }))
    }
  ],
  renders: [],
  diff: '',
  written: true
})

function fixture(origins: Record<string, ImageOrigin | Error>, env: NodeJS.ProcessEnv = {}) {
  const asked: string[] = []
  const notes: string[] = []
  const reader: OriginReader = {
    async origin(ref, digest) {
      asked.push(`${ref.name}@${digest}`)
      const found = origins[digest]
      if (found instanceof Error) throw found
      return found ?? {}
    }
  }
  const ports: Ports = {
    logger: { debug: () => {}, info: w => notes.push(w), warning: w => notes.push(w) },
    group: (_name, run) => run(),
    env,
    tokenSource: 'input token',
    source: {},
    names: ACTION_NAMES
  }
  return { read: codeChangeReader(reader, ports), asked, notes }
}

const GITLAB = 'https://gitlab.example.com/acme/api'

describe('codeChangeReader', () => {
  it.each([
    { name: 'a kustomize digest field', old: D_OLD, path: 'images[0].digest' },
    { name: 'a Helm tag holding tag@digest', old: `v1@${D_OLD}`, path: 'image.tag' },
    { name: "a manifest's whole reference", old: `ghcr.io/acme/api:v1@${D_OLD}`, path: 'image' }
  ])('the previous digest from $name', async ({ old, path }) => {
    const { read, asked } = fixture({
      [D_NEW]: { source: GITLAB, revision: 'new' },
      [D_OLD]: { source: GITLAB, revision: 'old' }
    })
    const [change] = await read(
      [image(API)],
      edit([
        { path: 'images[0].newTag', old: 'v1', new: 'v2', image: API },
        { path, old, new: D_NEW, image: API }
      ])
    )
    expect(change).toEqual({
      image: API,
      digest: D_NEW,
      origin: { source: GITLAB, revision: 'new' },
      previous: { digest: D_OLD, origin: { source: GITLAB, revision: 'old' } }
    })
    expect(asked.sort()).toEqual([`ghcr.io/acme/api@${D_NEW}`, `ghcr.io/acme/api@${D_OLD}`].sort())
  })

  it('a tag without digest before: no previous digest, only the new one is read', async () => {
    const { read, asked } = fixture({ [D_NEW]: { revision: 'new' } })
    const [change] = await read(
      [image(API)],
      edit([{ path: 'image.tag', old: 'latest', new: `v2@${D_NEW}`, image: API }])
    )
    expect(change?.previous).toEqual({})
    expect(asked).toEqual([`ghcr.io/acme/api@${D_NEW}`])
  })

  it('images the edit did not change are left out', async () => {
    const { read, asked } = fixture({})
    const web = 'ghcr.io/acme/web:v2'
    const changes = await read(
      [image(API), image(web)],
      edit([{ path: 'image', old: `${web.replace('v2', 'v1')}`, new: web, image: web }])
    )
    expect(changes.map(c => c.image)).toEqual([web])
    expect(asked).toEqual([`ghcr.io/acme/web@${D_NEW}`])
  })

  it('a registry failure is recorded and logged, never thrown', async () => {
    const { read, notes } = fixture({
      [D_NEW]: { revision: 'new' },
      [D_OLD]: new Error('Registry ghcr.io refused access')
    })
    const [change] = await read(
      [image(API)],
      edit([{ path: 'images[0].digest', old: D_OLD, new: D_NEW, image: API }])
    )
    expect(change).toMatchObject({
      origin: { revision: 'new' },
      previous: { digest: D_OLD },
      error: 'Registry ghcr.io refused access'
    })
    expect(change?.range).toBeUndefined()
    expect(notes).toEqual([expect.stringContaining('Registry ghcr.io refused access')])
  })

  it.each([
    {
      name: 'a GitHub source without a token: the compare link alone, no request',
      now: { source: 'https://github.com/acme/api', revision: 'b'.repeat(40) },
      was: { source: 'https://github.com/acme/api.git', revision: 'a'.repeat(40) },
      range: {
        compareUrl: `https://github.com/acme/api/compare/${'a'.repeat(40)}...${'b'.repeat(40)}`,
        unreadable: 'no GitHub token'
      }
    },
    {
      name: 'a non-GitHub source: no range',
      now: { source: GITLAB, revision: 'b' },
      was: { source: GITLAB, revision: 'a' },
      range: undefined
    },
    {
      name: 'the same revision: no range',
      now: { source: 'https://github.com/acme/api', revision: 'b' },
      was: { source: 'https://github.com/acme/api', revision: 'b' },
      range: undefined
    },
    {
      name: 'another source repository: no range',
      now: { source: 'https://github.com/acme/api', revision: 'b' },
      was: { source: 'https://github.com/acme/old', revision: 'a' },
      range: undefined
    },
    {
      name: 'no previous revision: no range',
      now: { source: 'https://github.com/acme/api', revision: 'b' },
      was: {},
      range: undefined
    }
  ])('$name', async ({ now, was, range }) => {
    const { read } = fixture({ [D_NEW]: now, [D_OLD]: was })
    const [change] = await read(
      [image(API)],
      edit([{ path: 'images[0].digest', old: D_OLD, new: D_NEW, image: API }])
    )
    expect(change?.range).toEqual(range)
  })
})
