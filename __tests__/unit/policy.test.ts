import { describe, expect, it } from '@jest/globals'
import { scaled } from '../support/timing.js'
import { InputError, PolicyError } from '../../src/errors.js'
import {
  checkBuildDigest,
  checkMutableTagPattern,
  checkTagPolicy,
  compileAllowTags,
  DEFAULT_TAG_POLICY,
  mutableTagGlob,
  tagImmutabilityVerdict
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
    'app:prod-2024-06-01',
    'app@' + D
  ])('%s', image => {
    expect(() => checkTagPolicy(parseReference(image), DEFAULT_TAG_POLICY)).not.toThrow()
  })
})

/**
 * A moving word inside a longer tag (issue 15): refused unless something beside it names one
 * build. The shared rule behind edit, promote and lint (checkTagPolicy, mutableTagMatch).
 */
describe('moving words inside a tag', () => {
  it.each([
    // [tag, the word named, the tags suggested instead (commit form, release form)]
    ['latest-alpine', 'latest', 'sha-3f9c2d1-alpine', 'v1.4.2-alpine'],
    ['Latest-Alpine', 'latest', 'sha-3f9c2d1-Alpine', 'v1.4.2-Alpine'],
    ['production-latest', 'production', 'production-3f9c2d1', 'v1.4.2'],
    ['develop-celery', 'develop', 'develop-3f9c2d1-celery', 'v1.4.2-celery'],
    ['main-nightly', 'main', 'main-3f9c2d1', 'v1.4.2'],
    ['stable-slim', 'stable', 'sha-3f9c2d1-slim', 'v1.4.2-slim'],
    ['nightly-2', 'nightly', 'sha-3f9c2d1', 'v1.4.2'], // a version line, not a build
    ['stable-1.25', 'stable', 'sha-3f9c2d1', 'v1.4.2'],
    ['latest-v1', 'latest', 'sha-3f9c2d1', 'v1.4.2'],
    ['1.25-stable', 'stable', 'sha-3f9c2d1', 'v1.4.2'],
    ['release-1.2', 'release', 'sha-3f9c2d1', 'v1.4.2'], // a release branch, which moves
    ['edge_slim', 'edge', 'sha-3f9c2d1-slim', 'v1.4.2-slim'],
    ['canary.arm64', 'canary', 'sha-3f9c2d1-arm64', 'v1.4.2-arm64'],
    ['staging-api', 'staging', 'staging-3f9c2d1-api', 'v1.4.2-api'],
    ['latest-alpine3.19', 'latest', 'sha-3f9c2d1-alpine3.19', 'v1.4.2-alpine3.19'],
    ['develop_celery_worker', 'develop', 'develop-3f9c2d1-celery_worker', 'v1.4.2-celery_worker'],
    ['master-bookworm', 'master', 'master-3f9c2d1-bookworm', 'v1.4.2-bookworm'],
    ['dev-debug', 'dev', 'dev-3f9c2d1-debug', 'v1.4.2-debug']
  ])('%s is refused, naming "%s" and suggesting %s or %s', (tag, word, commit, release) => {
    let error: unknown
    try {
      checkTagPolicy(parseReference(`ghcr.io/acme/api:${tag}`), DEFAULT_TAG_POLICY)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(PolicyError)
    const { message, hint } = error as PolicyError
    expect(message).toContain(
      `Tag "${tag}" of ghcr.io/acme/api:${tag} is mutable ("${word}" is a moving word`
    )
    expect(message).toContain('no full version, date or commit')
    expect(hint).toContain(`e.g. ${commit} (the commit) or ${release} (a release)`)
  })

  it.each([
    'main',
    'master',
    'dev',
    'develop',
    'staging',
    'prod',
    'production',
    'edge',
    'canary',
    'stable',
    'release',
    'nightly'
  ])('the bare word %s is refused with the generic hint', tag => {
    expect(() => checkTagPolicy(parseReference(`app:${tag}`), DEFAULT_TAG_POLICY)).toThrow(
      new RegExp(`Tag "${tag}" of app:${tag} is mutable: `)
    )
  })

  it.each([
    ['v1.2.3-alpine', 'a release with a flavour: no moving word'],
    ['1.25-alpine', 'a version line with a flavour: no moving word'],
    ['sha-3f9c2d1', 'a commit'],
    ['2024.10.01', 'a date'],
    ['v1.4.2-rc.1', 'a pre-release'],
    ['main-3f9c2d1', 'branch and commit'],
    ['main-3f9c2d1-1611840548', "Flux's <branch>-<sha>-<timestamp>"],
    ['develop-celery-3f9c2d1', 'branch, flavour and commit'],
    ['main-42', 'branch and run number'],
    ['develop-20241001.3', 'branch, date and run'],
    ['nightly-20241001', 'a dated nightly'],
    ['nightly-2024-10-01', 'a dated nightly'],
    ['prod-2024-06-01', 'environment and date'],
    ['stable-1.25.3', 'a channel with a full version'],
    ['v1.4.2-stable', 'a full version with a channel'],
    ['release-1.2.3', 'a release'],
    ['latest_v1.2.3', 'a full version'],
    ['mainline', 'a word that only starts with a moving word'],
    ['devops-tools', 'not a moving word'],
    ['feature-login', 'a branch name the policy does not know'],
    ['build-7', 'not a moving word']
  ])('%s passes (%s)', tag => {
    expect(() => checkTagPolicy(parseReference(`app:${tag}`), DEFAULT_TAG_POLICY)).not.toThrow()
  })

  it('a custom mutable-tags list: its plain words count as words, its globs only as globs', () => {
    const policy = { mutableTags: ['qa', 'pr-*'] }
    const refused = (tag: string) => {
      try {
        checkTagPolicy(parseReference(`app:${tag}`), policy)
        return false
      } catch {
        return true
      }
    }
    expect(['qa-celery', 'latest-alpine', 'pr-42', 'x-pr-1'].map(refused)).toEqual([
      true,
      true, // latest is always a moving word
      true,
      false // a glob matches the whole tag only
    ])
    expect(['develop-celery', 'qa-3f9c2d1'].map(refused)).toEqual([false, false])
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

  it.each([
    ['(', /missing closing \)/],
    ['[a-', /missing closing \]/],
    ['*x', /missing argument to repetition operator/],
    ['a)|(b', /unexpected \)/], // compiled as written, not wrapped in (?:…) where it would pass
    ['(?=v)\\d+', /lookaround/],
    ['(?!dev)\\w+', /lookaround/],
    ['(?<=v)\\d+', /lookaround/],
    ['(?<!v)\\d+', /lookaround/],
    ['(a)\\1', /backreference/],
    ['(?<x>a)\\k<x>', /backreference/],
    ['a{1001}', /invalid repeat count/]
  ])(
    'an invalid allow-tags regex %j is an input error naming the input, pattern and RE2',
    (source, why) => {
      let error: unknown
      try {
        compileAllowTags(source)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(InputError)
      const { message, hint } = error as InputError
      expect(message).toContain('Input allow-tags is not a valid regular expression in RE2 syntax')
      expect(message).toContain(JSON.stringify(source))
      expect(message).toMatch(why)
      expect(hint).toContain('https://github.com/google/re2/wiki/Syntax')
    }
  )

  it('names the CLI flag when the pattern came from --allow-tags', () => {
    expect(() => compileAllowTags('(?=x)', '--allow-tags')).toThrow(
      /^--allow-tags is not a valid regular expression in RE2 syntax/
    )
  })

  it.each([
    // RE2 syntax a user may rely on, and full-match semantics (not a search)
    ['(?<major>\\d+)\\.\\d+', '1.2', true],
    ['(?P<major>\\d+)\\.\\d+', '1.2', true],
    ['[[:alnum:]]+', 'abc123', true],
    ['v\\d+', 'v12', true],
    ['v\\d+', 'xv12', false],
    ['v\\d+', 'v12x', false],
    ['sha-[0-9a-f]{7}|v.*', 'xsha-3f9c2d1', false],
    ['sha-[0-9a-f]{7}|v.*', 'sha-3f9c2d1x', false],
    ['(?i)V\\d+', 'v1', true]
  ])('allow-tags %j against %s → %s', (source, tag, matches) => {
    expect(compileAllowTags(source).test(tag)).toBe(matches)
  })

  it.each(['a b', 'x/y', '', 'tag;rm', '.hidden'])(
    'an invalid mutable-tags pattern %j is refused',
    p => {
      expect(() => checkMutableTagPattern(p)).toThrow(/mutable-tags has an invalid pattern/)
    }
  )

  it('globs escape regex metacharacters and ignore case', () => {
    expect(mutableTagGlob('v1.0').test('v1x0')).toBe(false)
    expect(mutableTagGlob('v1.0').test('V1.0')).toBe(true)
    expect(mutableTagGlob('pr-*').test('PR-42')).toBe(true)
    expect(mutableTagGlob('pr-*').test('xpr-42')).toBe(false)
    expect(mutableTagGlob('r?').test('r1')).toBe(true)
    expect(mutableTagGlob('r?').test('r12')).toBe(false)
  })
})

/**
 * Patterns that backtrack exponentially (or with a high polynomial degree) in JavaScript's RegExp
 * answer at once with RE2. The bound is generous for a loaded machine; the backtracking engine
 * takes minutes to hours on these.
 */
describe('user patterns run in linear time', () => {
  const BOUND_MS = scaled(1000)
  const long = 'a'.repeat(60)
  const timed = (check: () => void): number => {
    const started = performance.now()
    check()
    return performance.now() - started
  }

  it.each([
    ['(a+)+$', `${long}!`],
    ['(a|a)*b', long],
    ['(a|aa)+$', `${long}!`],
    ['(.*a){20}', long.replace(/a$/, '!')]
  ])('allow-tags %j against a 60-character tag answers within a second', (source, tag) => {
    const policy = { mutableTags: [], allowTags: compileAllowTags(source) }
    const elapsed = timed(() =>
      expect(() => checkTagPolicy(parseReference(`app:${tag.replace('!', '_')}`), policy)).toThrow(
        /does not match allow-tags/
      )
    )
    expect(elapsed).toBeLessThan(BOUND_MS)
  })

  it('a mutable-tags glob with many stars answers within a second', () => {
    const glob = `${'*a'.repeat(40)}*b`
    const policy = { mutableTags: [checkMutableTagPattern(glob)] }
    const elapsed = timed(() =>
      expect(() => checkTagPolicy(parseReference(`app:${'a'.repeat(127)}`), policy)).not.toThrow()
    )
    expect(elapsed).toBeLessThan(BOUND_MS)
  })

  it('an ECR exclusion filter with many stars answers within a second', () => {
    const filter = `${'*a'.repeat(40)}*b`
    const elapsed = timed(() =>
      expect(tagImmutabilityVerdict('IMMUTABLE_WITH_EXCLUSION', [filter], 'a'.repeat(127))).toEqual(
        expect.objectContaining({ immutable: true })
      )
    )
    expect(elapsed).toBeLessThan(BOUND_MS)
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
