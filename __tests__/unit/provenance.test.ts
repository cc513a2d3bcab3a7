/**
 * The attestation gate's pure rules: how gh attestation verify expands and compares its
 * settings (cli/cli pkg/cmd/attestation/verify/policy.go: expandToGitHubURL,
 * validateSignerWorkflow's host rule, signerWorkflowSANPattern), and the settings' validation.
 */
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { verificationPoliciesOf } from '../../src/signature/index.js'
import {
  defaultIdentity,
  githubUrl,
  matchesSignerWorkflow
} from '../../src/signature/provenance.js'

const WF = 'https://github.com/acme/api/.github/workflows/release.yml'

describe('githubUrl: short names on the server, a first segment with a dot is a host', () => {
  it.each([
    ['github.com', 'acme/api', 'https://github.com/acme/api'],
    ['ghe.example.com', 'acme/api', 'https://ghe.example.com/acme/api'],
    [
      'ghe.example.com',
      'github.com/acme/api/.github/workflows/r.yml',
      'https://github.com/acme/api/.github/workflows/r.yml'
    ],
    [
      'github.com',
      'acme.io/api/.github/workflows/r.yml',
      'https://acme.io/api/.github/workflows/r.yml'
    ]
  ])('%s + %s → %s', (host, path, url) => {
    expect(githubUrl(host, path)).toBe(url)
  })
})

describe('matchesSignerWorkflow: the workflow, then at most @refs/… or @<commit>', () => {
  it.each([
    [WF, `${WF}@refs/heads/main`, true],
    [WF, `${WF}@refs/tags/v1.2.3`, true],
    [WF, `${WF}@${'a'.repeat(40)}`, true],
    [WF, WF, true],
    [WF, `${WF}.evil.yml@refs/heads/main`, false],
    [WF, `${WF}@main`, false],
    [WF, 'https://github.com/acme/api/.github/workflows/ci.yml@refs/heads/main', false],
    [`${WF}@refs/heads/main`, `${WF}@refs/heads/main`, true],
    // A pinned ref must end the identity: a branch named main@refs/heads/x is another ref.
    [`${WF}@refs/heads/main`, `${WF}@refs/heads/main@refs/heads/x`, false],
    [`${WF}@refs/heads/main`, `${WF}@refs/heads/feature`, false]
  ])('%s against %s: %s', (wanted, found, matches) => {
    expect(matchesSignerWorkflow(wanted, found)).toBe(matches)
  })
})

describe("defaultIdentity: gh's default signer", () => {
  it('the signer workflow when given', () => {
    const pattern = defaultIdentity(
      'github.com',
      'acme/api',
      'acme/api/.github/workflows/release.yml'
    )!
    expect(pattern.test(`${WF}@refs/heads/main`)).toBe(true)
    expect(
      pattern.test('https://github.com/acme/api/.github/workflows/ci.yml@refs/heads/main')
    ).toBe(false)
  })
  it('else any workflow of the source repository, case-insensitively, on that host only', () => {
    const pattern = defaultIdentity('github.com', 'acme/api', undefined)!
    expect(pattern.test('https://github.com/ACME/api/.github/workflows/ci.yml@refs/heads/x')).toBe(
      true
    )
    expect(
      pattern.test('https://github.com/acme/api-fork/.github/workflows/r.yml@refs/heads/x')
    ).toBe(false)
    expect(pattern.test('https://evil.example/acme/api/.github/workflows/r.yml@refs/heads/x')).toBe(
      false
    )
  })
  it('none without either', () => {
    expect(defaultIdentity('github.com', undefined, undefined)).toBeUndefined()
  })
})

describe('verificationPoliciesOf: when an attestation is required', () => {
  const names = {
    signatureKey: 'signature-key',
    certificateIdentity: 'certificate-identity',
    certificateIdentityRegexp: 'certificate-identity-regexp',
    certificateOidcIssuer: 'certificate-oidc-issuer',
    trustedRoot: 'trusted-root',
    attestationPredicateType: 'attestation-predicate-type',
    sourceRepository: 'source-repository',
    sourceRef: 'source-ref',
    signerWorkflow: 'signer-workflow'
  }
  const unread = () => {
    throw new Error('no file should be read')
  }

  it('no setting: both gates off', () => {
    expect(verificationPoliciesOf(names, {}, unread)).toEqual({ signatures: undefined })
  })

  it('no trusted-root: the attestation gate trusts the public-good root (TUF), reading no file', () => {
    const policies = verificationPoliciesOf(names, { sourceRepository: 'acme/api' }, unread)
    expect(policies.attestations?.keyless.trustedRoot).toBeUndefined()
  })

  it.each([
    [
      { sourceRef: 'main', sourceRepository: 'acme/api' },
      'Input source-ref "main" is not a full git ref'
    ],
    [{ sourceRepository: 'acme/api/x' }, 'Input source-repository "acme/api/x" is not owner/repo'],
    [{ signerWorkflow: 'acme/api' }, 'Input signer-workflow "acme/api" is not a workflow'],
    [{ attestationPredicateType: 'a b', sourceRepository: 'acme/api' }, 'is not a predicate type'],
    [{ sourceRef: 'refs/heads/main' }, 'An attestation by anyone proves nothing'],
    [
      { sourceRepository: 'acme/api', certificateIdentity: 'x', certificateIdentityRegexp: 'y' },
      'were both given'
    ]
  ])('%j: %s', (values, message) => {
    let error: unknown
    try {
      verificationPoliciesOf(names, values, unread)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toContain(message)
    expect((error as InputError).hint).toBeTruthy()
  })
})
