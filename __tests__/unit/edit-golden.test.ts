/**
 * Byte-exact golden tests: every case under __tests__/fixtures/edit was
 * written by hand from the editing rules (see its README), independently of
 * the editor. The edit must produce `after` exactly, or fail with the
 * expected message and produce nothing.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { editHelmValues, editKustomization, type PinRequest } from '../../src/edit/index.js'
import { EditError } from '../../src/errors.js'
import { canonicalRepository, parseReference } from '../../src/reference/index.js'

const ROOT = resolve(import.meta.dirname, '../fixtures/edit')

interface Case {
  kind: 'kustomize' | 'helm'
  description: string
  image: string
  digest: string
  pin: 'digest' | 'tag'
  key?: string
  repositoryKey?: string
  tagKey?: string
  digestKey?: string
  addDigestKey?: boolean
  expectError?: string
  /** The images the overlay's resources spell (what its entries act on), when the case says. */
  inputs?: string[]
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter(entry => entry.isDirectory())
  .map(entry => {
    const dir = join(ROOT, entry.name)
    const files = readdirSync(dir)
    const before = files.find(f => f.startsWith('before'))!
    const after = files.find(f => f.startsWith('after'))
    const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Case
    return { name: entry.name, dir, before, after, spec }
  })

function edit(spec: Case, text: string, file: string) {
  const ref = parseReference(spec.image)
  const pin: PinRequest = {
    repository: canonicalRepository(ref),
    name: ref.name,
    tag: ref.tag!,
    digest: spec.pin === 'digest' ? spec.digest : undefined
  }
  return spec.kind === 'kustomize'
    ? editKustomization(text, file, pin, { inputs: spec.inputs })
    : editHelmValues(text, file, pin, {
        key: spec.key!,
        repositoryKey: spec.repositoryKey,
        tagKey: spec.tagKey,
        digestKey: spec.digestKey,
        addDigestKey: spec.addDigestKey
      })
}

describe('golden edits', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
  })

  it.each(cases.filter(c => c.after))('$name', ({ dir, before, after, spec }) => {
    const input = readFileSync(join(dir, before), 'utf8')
    const expected = readFileSync(join(dir, after!), 'utf8')
    const outcome = edit(spec, input, before)
    expect(outcome.text).toBe(expected)
    expect(outcome.changes.length).toBeGreaterThan(0)
    // Idempotent: a second run changes nothing.
    expect(edit(spec, outcome.text, before).changes).toEqual([])
  })

  it.each(cases.filter(c => !c.after))('$name is refused', ({ dir, before, spec }) => {
    const input = readFileSync(join(dir, before), 'utf8')
    expect(() => edit(spec, input, before)).toThrow(EditError)
    expect(() => edit(spec, input, before)).toThrow(spec.expectError!)
  })
})
