/** Reviewers as GitHub takes them (deliver/github/pulls.ts, reviewersOf). */
import { describe, expect, it } from '@jest/globals'
import { reviewersOf } from '../../src/deliver/github/pulls.js'

describe('reviewersOf', () => {
  it.each([
    ['plain logins', ['alice', 'bob'], [], ['alice', 'bob'], []],
    ['@-prefixed logins', ['@alice'], [], ['alice'], []],
    ['org/team among users is a team', ['acme/platform'], [], [], ['platform']],
    ['@org/team among users is a team', ['@acme/platform'], [], [], ['platform']],
    ['team slugs', [], ['platform'], [], ['platform']],
    ['org/team slugs', [], ['acme/platform', '@acme/sre'], [], ['platform', 'sre']],
    ['the org is matched without case', [], ['ACME/platform'], [], ['platform']],
    ["another organization's team is skipped", [], ['other/platform'], [], []],
    ['duplicates once', ['alice', '@alice'], ['platform', 'acme/platform'], ['alice'], ['platform']]
  ])('%s', (_, reviewers, teamReviewers, users, teams) => {
    expect(reviewersOf({ reviewers, teamReviewers }, 'acme')).toEqual({ users, teams })
  })

  it('says which team of another organization it skipped', () => {
    const warnings: string[] = []
    const logger = {
      debug: () => {},
      info: () => {},
      warning: (message: string) => warnings.push(message)
    }
    reviewersOf({ reviewers: [], teamReviewers: ['other/platform'] }, 'acme', logger)
    expect(warnings).toEqual([expect.stringMatching(/other\/platform belongs to other, not acme/)])
  })
})
