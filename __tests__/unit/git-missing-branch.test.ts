import { describe, expect, it } from '@jest/globals'
import { missingBranchHint } from '../../src/deliver/git/failures.js'

describe('missingBranchHint', () => {
  const clone = new Error(
    "Cloning into '/tmp/x/config'...\nwarning: Could not find remote branch release to clone.\nfatal: Remote branch release not found in upstream origin"
  )

  it('points at the base branch when git found no such branch', () => {
    expect(missingBranchHint(clone, 'release')).toMatch(
      /no branch release: set the base branch \(--base-branch, base-branch\) to an existing branch/
    )
  })

  it('says nothing for other failures, or when no branch was asked for', () => {
    expect(missingBranchHint(clone, undefined)).toBeUndefined()
    expect(
      missingBranchHint(
        new Error("remote: Repository not found.\nfatal: repository 'x' not found"),
        'main'
      )
    ).toBeUndefined()
  })
})
