import { describe, expect, it } from '@jest/globals'
import { PolicyError } from '../../src/errors.js'
import { checkRepositoryImmutability, tagImmutabilityVerdict } from '../../src/policy/index.js'

describe('tagImmutabilityVerdict', () => {
  it.each([
    ['IMMUTABLE', [], 'v1', true],
    ['IMMUTABLE', ['*'], 'v1', true],
    ['MUTABLE', [], 'v1', false],
    ['MUTABLE', ['v*'], 'v1', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['dev-*'], 'v1.2.3', true],
    ['IMMUTABLE_WITH_EXCLUSION', ['dev-*'], 'dev-42', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['*-snapshot', 'pr-*'], 'pr-7', false],
    ['IMMUTABLE_WITH_EXCLUSION', ['v1.2'], 'v1x2', true], // "." is literal
    ['MUTABLE_WITH_EXCLUSION', ['v*'], 'v1.2.3', true],
    ['MUTABLE_WITH_EXCLUSION', ['v*'], 'sha-3f9c2d1', false],
    ['MUTABLE_WITH_EXCLUSION', ['release-*-final'], 'release-1.0-final', true],
    ['MUTABLE_WITH_EXCLUSION', [], 'v1', false],
    ['SOMETHING_NEW', [], 'v1', undefined]
  ])('%s with %j, tag %s → immutable %s', (mode, filters, tag, immutable) => {
    expect(tagImmutabilityVerdict(mode, filters, tag).immutable).toBe(immutable)
  })

  it('names the filter that decided', () => {
    expect(tagImmutabilityVerdict('IMMUTABLE_WITH_EXCLUSION', ['dev-*'], 'dev-1').reason).toContain(
      '"dev-*"'
    )
  })
})

describe('checkRepositoryImmutability', () => {
  const mutable = { immutable: false, reason: 'repository tags are MUTABLE' }
  it('warns by default, with the command that fixes it', () => {
    expect(checkRepositoryImmutability('e/app:v1', 'team/app', mutable, false)).toMatch(
      /lets the tag of e\/app:v1 be overwritten.*put-image-tag-mutability --image-tag-mutability IMMUTABLE --repository-name team\/app/
    )
  })
  it('fails when immutability is required', () => {
    expect(() => checkRepositoryImmutability('e/app:v1', 'team/app', mutable, true)).toThrow(
      PolicyError
    )
  })
  it('is silent for immutable tags', () => {
    expect(
      checkRepositoryImmutability('e/app:v1', 'team/app', { immutable: true, reason: 'x' }, true)
    ).toBeUndefined()
  })
  it('only warns when the settings could not be read, even when required', () => {
    const unknown = { immutable: undefined, reason: 'the role lacks ecr:DescribeRepositories' }
    expect(checkRepositoryImmutability('e/app:v1', 'team/app', unknown, true)).toMatch(
      /Could not check .* lacks ecr:DescribeRepositories.*cannot be enforced/
    )
  })
})
