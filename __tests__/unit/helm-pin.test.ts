/**
 * helmPin: what a Helm values key pins now, read as the chart reads it: a file that sets only
 * the tag takes its repository from the values beneath it, and a digest written bare (for a
 * chart that adds `@sha256:` itself) is still a sha256 digest.
 */
import { describe, expect, it } from '@jest/globals'
import { helmPin, type HelmKeys } from '../../src/edit/index.js'

const HEX = '5d3a9c0e'.repeat(8)

describe('helmPin', () => {
  it.each<[string, string, HelmKeys, object | undefined]>([
    [
      'a whole map',
      'image:\n  repository: reg.example/team/api\n  tag: v1.0.0\n  digest: sha256:' + HEX + '\n',
      { key: 'image' },
      { repository: 'reg.example/team/api', tag: 'v1.0.0', digest: `sha256:${HEX}` }
    ],
    [
      'a tag-only file, the repository beneath it',
      'image:\n  tag: v1.0.0\n',
      { key: 'image', lower: { image: { registry: 'reg.example', repository: 'team/api' } } },
      { repository: 'reg.example/team/api', tag: 'v1.0.0', digest: undefined }
    ],
    [
      'a bare `sha`',
      `image:\n  repository: reg.example/team/exporter\n  tag: v1.0.0\n  sha: "${HEX}"\n`,
      { key: 'image', digestKey: 'sha' },
      { repository: 'reg.example/team/exporter', tag: 'v1.0.0', digest: `sha256:${HEX}` }
    ],
    [
      'a tag-only file with nothing beneath it',
      'image:\n  tag: v1.0.0\n',
      { key: 'image' },
      undefined
    ]
  ])('%s', (_case, text, keys, expected) => {
    const pin = helmPin(text, 'values.yaml', keys)
    if (expected === undefined) expect(pin).toBeUndefined()
    else expect(pin).toMatchObject(expected)
  })
})
