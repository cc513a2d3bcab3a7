/**
 * The guards of the YAML editor against hostile or oversized targets: the
 * size cap, the linear duplicate-key check (same answers as the yaml
 * library's quadratic `uniqueKeys: true`), unresolved aliases, and the alias
 * expansion limit of the edit proof ("billion laughs").
 */
import { describe, expect, it } from '@jest/globals'
import { scaled } from '../support/timing.js'
import { LineCounter, parseAllDocuments } from 'yaml'
import { editHelmValues, editKustomization, type PinRequest } from '../../src/edit/index.js'
import {
  duplicateKeyOffset,
  firstYamlProblem,
  MAX_FILE_BYTES,
  parseYaml
} from '../../src/yaml/text.js'
import { EditError } from '../../src/errors.js'
import { MAX_FILE_BYTES as LINT_MAX_FILE_BYTES } from '../../src/lint/index.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const PIN: PinRequest = {
  repository: 'ghcr.io/acme/api',
  name: 'ghcr.io/acme/api',
  tag: 'v1.4.2',
  digest: DIGEST
}

/** "Billion laughs": nine levels of nine aliases, 9^9 strings when expanded. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'
    .split('')
    .map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)
].join('\n')

/** What the yaml library itself reports first with uniqueKeys: true, as line:col. */
function libraryFirstProblem(text: string): string | undefined {
  const lines = new LineCounter()
  for (const doc of parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true })) {
    const error = doc.errors[0]
    if (error) {
      const { line, col } = lines.linePos(error.pos[0])
      return `${line}:${col}: ${error.message.split('\n')[0]!.replace(/ at line \d+.*$/, '')}`
    }
  }
  return undefined
}

function ourFirstProblem(text: string): string | undefined {
  const lines = new LineCounter()
  for (const doc of parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false })) {
    const problem = firstYamlProblem(doc)
    if (problem) {
      const { line, col } = lines.linePos(problem.offset)
      return `${line}:${col}: ${problem.message.split('\n')[0]!.replace(/ at line \d+.*$/, '')}`
    }
  }
  return undefined
}

describe('duplicate keys', () => {
  it.each([
    ['block map', 'image:\n  repository: a\n  tag: v1\n  tag: v2\n'],
    ['flow map', 'image: {tag: v1, repository: a, tag: v2}\n'],
    ['top level', 'a: 1\nb: 2\na: 3\n'],
    ['quoted and plain spell the same key', 'tag: v1\n"tag": v2\n'],
    ['two maps, the earlier reported', 'x:\n  a: 1\n  a: 2\ny:\n  b: 1\n  b: 2\n'],
    ['nested maps in a sequence', 'images:\n  - name: a\n    name: b\n'],
    ['second document', 'a: 1\n---\nb: 1\nb: 2\n'],
    ['a syntax error before the duplicate', 'a: [1\nb: 1\nb: 2\n'],
    ['a duplicate before a syntax error', 'b: 1\nb: 2\nc: [1\n'],
    ['null keys', '~: 1\nnull: 2\n'],
    ['no duplicate: 1 and "1" differ', '1: a\n"1": b\n'],
    ['no duplicate: same key in different maps', 'a:\n  x: 1\nb:\n  x: 1\n'],
    ['no duplicate: merge-like keys are plain keys', 'a: 1\n<<: {b: 1}\n']
  ])('%s: as the yaml library reports', (_name, text) => {
    expect(ourFirstProblem(text)).toEqual(libraryFirstProblem(text))
  })

  it('is linear: 50,000 keys with the duplicate on the last line', () => {
    const text = `config:\n${Array.from({ length: 50_000 }, (_, i) => `  key-${i}: x\n`).join('')}  key-7: y\n`
    const started = Date.now()
    const [doc] = parseAllDocuments(text, { uniqueKeys: false })
    expect(duplicateKeyOffset(doc as never)).toBe(text.lastIndexOf('key-7'))
    // The library's own check (uniqueKeys: true) takes about 15 s on this file.
    expect(Date.now() - started).toBeLessThan(scaled(8_000))
  })

  it('refuses the file with file:line:col, as before', () => {
    expect(() => parseYaml('image:\n  tag: v1\n  tag: v2\n', 'values.yaml')).toThrow(
      new EditError('values.yaml:3:3: not valid YAML: Map keys must be unique')
    )
  })
})

describe('unresolved aliases', () => {
  it('are refused with their place, not thrown later by toJS', () => {
    expect(() => parseYaml('image:\n  repository: *nope\n  tag: v1\n', 'values.yaml')).toThrow(
      /^values\.yaml:2:15: not valid YAML: Unresolved alias \*nope/
    )
  })

  it('an anchor before its alias is fine', () => {
    expect(() =>
      parseYaml('r: &r ghcr.io/acme/api\nimage:\n  repository: *r\n', 'v.yaml')
    ).not.toThrow()
  })
})

describe('size cap', () => {
  it('is the one lint uses', () => {
    expect(MAX_FILE_BYTES).toBe(LINT_MAX_FILE_BYTES)
    expect(MAX_FILE_BYTES).toBe(2 * 1024 * 1024)
  })

  it('refuses a target over the cap, naming the file and its size', () => {
    const text = `image:\n  tag: v1\n# ${'x'.repeat(3 * 1024 * 1024)}\n`
    expect(() => parseYaml(text, 'charts/api/values.yaml')).toThrow(EditError)
    expect(() => parseYaml(text, 'charts/api/values.yaml')).toThrow(
      /^charts\/api\/values\.yaml is 3 MiB, larger than the 2 MiB promote-image edits; nothing was written\.$/
    )
  })

  it('counts bytes, not characters', () => {
    // 0.8 Mi characters, 2.4 MiB in UTF-8.
    const text = `image:\n  tag: v1\n# ${'€'.repeat(800 * 1024)}\n`
    expect(() => parseYaml(text, 'v.yaml')).toThrow(/v\.yaml is 2\.3 MiB, larger than the 2 MiB/)
  })

  it('accepts a file at the cap', () => {
    const head = 'image:\n  tag: v1\n# '
    const text = `${head}${'x'.repeat(MAX_FILE_BYTES - head.length - 1)}\n`
    expect(Buffer.byteLength(text)).toBe(MAX_FILE_BYTES)
    expect(() => parseYaml(text, 'v.yaml')).not.toThrow()
  })

  it('an edit that grows a file just under the cap past it is still proven and made', () => {
    const head = 'image:\n  repository: ghcr.io/acme/api\n  tag: v1.4.0\n# '
    const text = `${head}${'x'.repeat(MAX_FILE_BYTES - head.length - 1)}\n`
    const outcome = editHelmValues(text, 'v.yaml', PIN, {
      key: 'image',
      addDigestKey: false
    })
    expect(Buffer.byteLength(outcome.text)).toBeGreaterThan(MAX_FILE_BYTES)
    expect(outcome.changes.map(c => c.path)).toEqual(['image.tag'])
  })
})

describe('alias expansion ("billion laughs")', () => {
  it('a Helm values file is refused promptly, naming the file', () => {
    const text = `${ALIAS_BOMB}\nimage:\n  repository: ghcr.io/acme/api\n  tag: v1.4.0\n`
    const started = Date.now()
    expect(() => editHelmValues(text, 'charts/api/values.yaml', PIN, { key: 'image' })).toThrow(
      /^charts\/api\/values\.yaml: too many aliases/
    )
    expect(Date.now() - started).toBeLessThan(scaled(2_000))
  })

  it('a kustomization is refused promptly, with a hint', () => {
    const text = `images:\n  - name: ghcr.io/acme/api\n    newTag: v1.4.0\nx-laughs:\n  ${ALIAS_BOMB.replace(/\n/g, '\n  ')}\n`
    let error: unknown
    try {
      editKustomization(text, 'kustomization.yaml', PIN)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(EditError)
    expect((error as EditError).message).toMatch(/^kustomization\.yaml: too many aliases/)
    expect((error as EditError).hint).toMatch(/fewer nested aliases/)
  })

  it('a few ordinary aliases are still edited around', () => {
    const text =
      'defaults: &defaults {pullPolicy: IfNotPresent}\nimage:\n  repository: ghcr.io/acme/api\n  tag: v1.4.0\nsidecar:\n  <<: *defaults\nother: *defaults\n'
    const outcome = editHelmValues(text, 'v.yaml', PIN, { key: 'image', addDigestKey: false })
    expect(outcome.text).toContain('tag: v1.4.2@sha256:')
  })
})
