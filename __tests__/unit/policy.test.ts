import { describe, expect, it } from '@jest/globals'
import { InputError, PolicyError } from '../../src/errors.js'
import {
  checkBuildDigest,
  checkMutableTagPattern,
  checkTagPolicy,
  compileAllowTags,
  DEFAULT_TAG_POLICY,
  globToRegExp
} from '../../src/policy/index.js'
import { parseReference } from '../../src/reference/index.js'

const D = `sha256:${'ab'.repeat(32)}`

describe('mutable tags are refused by default', () => {
  it.each([
    'app:latest',
    'app:Latest',
    'app:LATEST',
    'app:main',
    'app:master',
    'app:develop',
    'app:dev',
    'app:stable',
    'app:edge',
    'app:nightly',
    'app:head',
    'app:canary',
    'app:staging',
    'app:prod',
    'app:production',
    'ghcr.io/acme/api:latest@' + D,
    'ghcr.io/acme/api'
  ])('%s', image => {
    expect(() => checkTagPolicy(parseReference(image), DEFAULT_TAG_POLICY)).toThrow(PolicyError)
  })

  it('explains the failure and what to push instead', () => {
    expect(() => checkTagPolicy(parseReference('app:latest'), DEFAULT_TAG_POLICY)).toThrow(
      /mutable.*Argo CD reports "Synced"/s
    )
    expect(() => checkTagPolicy(parseReference('ghcr.io/acme/api'), DEFAULT_TAG_POLICY)).toThrow(
      /no tag, which means "latest"/
    )
    try {
      checkTagPolicy(parseReference('app:main'), DEFAULT_TAG_POLICY)
    } catch (error) {
      expect((error as PolicyError).hint).toMatch(/sha-3f9c2d1.*v1\.4\.2/)
    }
  })
})

describe('immutable tags pass', () => {
  it.each([
    'app:v1.4.2',
    'app:1.25.3',
    'app:sha-3f9c2d1',
    'app:main-3f9c2d1',
    'app:latest-v1', // only exact or glob matches are mutable
    'app:prod-2024-06-01',
    'app@' + D
  ])('%s', image => {
    expect(() => checkTagPolicy(parseReference(image), DEFAULT_TAG_POLICY)).not.toThrow()
  })
})

describe('mutable-tags patterns and allow-tags', () => {
  it.each([
    // [patterns, allow, image, refused]
    [['pr-*'], undefined, 'app:pr-42', true],
    [['pr-*'], undefined, 'app:main', false], // a custom list replaces the defaults…
    [['pr-*'], undefined, 'app:latest', true], // …but latest is always refused
    [['release-?'], undefined, 'app:release-1', true],
    [['release-?'], undefined, 'app:release-10', false],
    [['*-snapshot'], undefined, 'app:1.0-SNAPSHOT', true],
    [[], 'v\\d+\\.\\d+\\.\\d+', 'app:v1.2.3', false],
    [[], 'v\\d+\\.\\d+\\.\\d+', 'app:v1.2.3-rc1', true], // anchored: a prefix match is not enough
    [[], 'v\\d+', 'app:dev1-v2', true],
    [[], 'sha-[0-9a-f]{7}|v.*', 'app:sha-3f9c2d1', false],
    [[], 'sha-[0-9a-f]{7}|v.*', 'app:build-7', true]
  ])('%j allow=%s %s refused=%s', (patterns, allow, image, refused) => {
    const policy = {
      mutableTags: patterns,
      allowTags: allow === undefined ? undefined : compileAllowTags(allow)
    }
    const check = () => checkTagPolicy(parseReference(image), policy)
    if (refused) expect(check).toThrow(PolicyError)
    else expect(check).not.toThrow()
  })

  it('names the allow-tags pattern a tag missed', () => {
    const policy = { mutableTags: [], allowTags: compileAllowTags('v\\d+') }
    expect(() => checkTagPolicy(parseReference('app:x1'), policy)).toThrow(
      'does not match allow-tags /v\\d+/'
    )
  })

  it.each(['(', '[a-', '*x'])('an invalid allow-tags regex %j is an input error', source => {
    expect(() => compileAllowTags(source)).toThrow(InputError)
    expect(() => compileAllowTags(source)).toThrow(/allow-tags is not a valid regular expression/)
  })

  it.each(['a b', 'x/y', '', 'tag;rm', '.hidden'])(
    'an invalid mutable-tags pattern %j is refused',
    p => {
      expect(() => checkMutableTagPattern(p)).toThrow(/mutable-tags has an invalid pattern/)
    }
  )

  it('globs escape regex metacharacters', () => {
    expect(globToRegExp('v1.0').test('v1x0')).toBe(false)
    expect(globToRegExp('v1.0').test('V1.0')).toBe(true)
  })
})

describe('the build digest must be what the registry serves', () => {
  const other = `sha256:${'cd'.repeat(32)}`
  it('passes when equal', () => {
    expect(() => checkBuildDigest('app:v1', D, D)).not.toThrow()
  })
  it('refuses when the tag moved, naming both digests', () => {
    expect(() => checkBuildDigest('ghcr.io/a/app:v1', D, other)).toThrow(
      new RegExp(`serves ${other}.*build produced ${D}.*tag moved`)
    )
    try {
      checkBuildDigest('ghcr.io/a/app:v1', D, other)
    } catch (error) {
      expect((error as PolicyError).hint).toContain(`ghcr.io/a/app@${D}`)
    }
  })
})
