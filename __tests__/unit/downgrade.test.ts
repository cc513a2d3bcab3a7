import { describe, expect, it } from '@jest/globals'
import { PolicyError } from '../../src/errors.js'
import { checkDowngrade } from '../../src/policy/index.js'

const D = `sha256:${'a'.repeat(64)}`

describe('checkDowngrade', () => {
  it.each([
    // [old, new, downgrade?]
    ['v1.4.2', 'v1.4.1', true],
    ['1.10.0', '1.9.9', true],
    ['v2.0.0', 'v2.0.0-rc.1', true],
    [`v1.4.2@${D}`, `v1.3.0@${D}`, true],
    ['v1.4.1', 'v1.4.2', false],
    ['v1.4.2', 'v1.4.2', false],
    ['latest', 'v1.0.0', false], // not both semver
    ['sha-3f9c2d1', 'sha-0a1b2c3', false],
    ['1.2', '1.1', false], // not strict semver: no verdict rather than a guess
    [undefined, 'v1.0.0', false]
  ])('%s → %s is a downgrade: %s', (from, to, downgrade) => {
    const warning = checkDowngrade('k.yaml:7', from, to, 'warn')
    if (downgrade) expect(warning).toMatch(/is lower than .*a downgrade.*git revert/)
    else expect(warning).toBeUndefined()
  })

  it('refuses with allow-downgrade: false, and says a rollback is a revert', () => {
    expect(() => checkDowngrade('k.yaml:7', 'v1.4.2', 'v1.4.1', 'false')).toThrow(PolicyError)
    expect(() => checkDowngrade('k.yaml:7', 'v1.4.2', 'v1.4.1', 'false')).toThrow(
      'k.yaml:7: v1.4.1 is lower than v1.4.2: a downgrade.'
    )
  })

  it('is silent with allow-downgrade: true', () => {
    expect(checkDowngrade('k.yaml:7', 'v1.4.2', 'v1.4.1', 'true')).toBeUndefined()
  })
})
