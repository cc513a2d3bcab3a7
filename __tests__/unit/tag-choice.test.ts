import { describe, expect, it } from '@jest/globals'
import { chooseTag } from '../../src/policy/index.js'

describe('chooseTag: the one tag a target gets when a build has several', () => {
  it.each<[string, string[], string | undefined, string]>([
    ['semver target keeps semver', ['sha-3f9c2d1', 'v1.4.2'], 'v1.4.1', 'v1.4.2'],
    ['sha- target keeps its sha- tag', ['v1.4.2', 'sha-3f9c2d1'], 'sha-1a2b3c4', 'sha-3f9c2d1'],
    [
      'a sha starting with a letter is still sha-',
      ['v1.4.2', 'sha-3f9c2d1'],
      'sha-a1b2c3d',
      'sha-3f9c2d1'
    ],
    ['bare semver and v-semver are one shape', ['build-7', '1.5.0'], 'v1.4.0', '1.5.0'],
    ['the highest of several semver tags', ['v1.4', 'v1.4.2', '1.3.9'], 'v1.4.1', 'v1.4.2'],
    [
      'a new target (no current tag): highest semver',
      ['sha-3f9c2d1', 'v2.0.0', 'v1.9.9'],
      undefined,
      'v2.0.0'
    ],
    ['an unknown shape: highest semver', ['sha-3f9c2d1', 'v1.4.2'], 'latest', 'v1.4.2'],
    ['no semver at all: the first given', ['sha-3f9c2d1', 'main-42'], undefined, 'sha-3f9c2d1'],
    ['one tag: that tag', ['v1.0.0'], 'sha-1234567', 'v1.0.0']
  ])('%s', (_case, tags, current, chosen) => {
    expect(chooseTag(tags, current)).toBe(chosen)
  })
})
