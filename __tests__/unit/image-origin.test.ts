/**
 * Where a build's source and revision come from (issue 18 item 1): the OCI annotations on a
 * manifest or index, else the config labels; which platform manifest of an index speaks; which
 * source URLs are GitHub repositories the run can read; which subjects name a pull request.
 */
import { describe, expect, it } from '@jest/globals'
import { githubSourceOf, pullRequestOf } from '../../src/deliver/index.js'
import {
  firstPlatformDigest,
  mergeOrigins,
  originFromAnnotations,
  originFromLabels
} from '../../src/registry/index.js'

const SOURCE = 'org.opencontainers.image.source'
const REVISION = 'org.opencontainers.image.revision'
const SHA = 'a'.repeat(40)

describe('originFromAnnotations', () => {
  it.each([
    {
      name: 'both keys on a manifest',
      manifest: { annotations: { [SOURCE]: 'https://github.com/acme/api', [REVISION]: SHA } },
      origin: { source: 'https://github.com/acme/api', revision: SHA }
    },
    {
      name: 'only the revision',
      manifest: { annotations: { [REVISION]: SHA } },
      origin: { revision: SHA }
    },
    {
      name: 'other keys only',
      manifest: { annotations: { 'org.opencontainers.image.version': '1.0' } },
      origin: {}
    },
    { name: 'no annotations', manifest: { schemaVersion: 2 }, origin: {} },
    {
      name: 'empty and non-string values count as absent',
      manifest: { annotations: { [SOURCE]: '  ', [REVISION]: 42 } },
      origin: {}
    },
    { name: 'annotations that are not a map', manifest: { annotations: [SHA] }, origin: {} },
    { name: 'not an object', manifest: 'text', origin: {} },
    {
      name: 'values are trimmed',
      manifest: { annotations: { [REVISION]: ` ${SHA}\n` } },
      origin: { revision: SHA }
    }
  ])('$name', ({ manifest, origin }) => {
    expect(originFromAnnotations(manifest)).toEqual(origin)
  })
})

describe('originFromLabels', () => {
  it.each([
    {
      name: 'config.Labels as docker/metadata-action sets them',
      config: {
        architecture: 'amd64',
        config: { Labels: { [SOURCE]: 'https://github.com/acme/api', [REVISION]: SHA } }
      },
      origin: { source: 'https://github.com/acme/api', revision: SHA }
    },
    { name: 'no Labels', config: { config: {} }, origin: {} },
    { name: 'Labels null', config: { config: { Labels: null } }, origin: {} },
    {
      name: 'top-level labels are not the image config',
      config: { Labels: { [REVISION]: SHA } },
      origin: {}
    }
  ])('$name', ({ config, origin }) => {
    expect(originFromLabels(config)).toEqual(origin)
  })
})

describe('mergeOrigins', () => {
  it.each([
    {
      first: { revision: 'r1' },
      then: { source: 's', revision: 'r2' },
      merged: { source: 's', revision: 'r1' }
    },
    { first: {}, then: { source: 's' }, merged: { source: 's' } },
    {
      first: { source: 'a', revision: 'r' },
      then: { source: 'b', revision: 'q' },
      merged: { source: 'a', revision: 'r' }
    },
    { first: {}, then: {}, merged: {} }
  ])('each key from the first place that has it: %j', ({ first, then, merged }) => {
    expect(mergeOrigins(first, then)).toEqual(merged)
  })
})

describe('firstPlatformDigest', () => {
  const entry = (digest: string, os: string, extra: object = {}) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest,
    size: 1,
    platform: { os, architecture: 'amd64' },
    ...extra
  })
  it.each([
    {
      name: 'the first entry',
      manifests: [entry('sha256:1', 'linux'), entry('sha256:2', 'linux')],
      first: 'sha256:1'
    },
    {
      name: "buildx's attestation entries are skipped",
      manifests: [
        entry('sha256:att', 'unknown', {
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
        }),
        entry('sha256:2', 'linux')
      ],
      first: 'sha256:2'
    },
    {
      name: 'a reference-type entry without the unknown platform is skipped too',
      manifests: [
        entry('sha256:att', 'linux', {
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
        }),
        entry('sha256:3', 'linux')
      ],
      first: 'sha256:3'
    },
    { name: 'only attestations', manifests: [entry('sha256:att', 'unknown')], first: undefined },
    { name: 'no entries', manifests: [], first: undefined }
  ])('$name', ({ manifests, first }) => {
    expect(firstPlatformDigest({ schemaVersion: 2, manifests })).toBe(first)
  })
})

describe('githubSourceOf', () => {
  it.each([
    {
      source: 'https://github.com/acme/api',
      server: undefined,
      found: { server: 'https://github.com', repository: 'acme/api' }
    },
    {
      source: 'https://github.com/acme/api.git',
      server: undefined,
      found: { server: 'https://github.com', repository: 'acme/api' }
    },
    {
      source: 'git+https://github.com/acme/api.git',
      server: undefined,
      found: { server: 'https://github.com', repository: 'acme/api' }
    },
    {
      source: 'https://github.com/acme/api/',
      server: 'https://github.com',
      found: { server: 'https://github.com', repository: 'acme/api' }
    },
    {
      source: 'https://ghe.example.com/acme/api',
      server: 'https://ghe.example.com/',
      found: { server: 'https://ghe.example.com', repository: 'acme/api' }
    },
    // On GHES, github.com sources are still GitHub (their commits are listed only when readable).
    {
      source: 'https://github.com/acme/api',
      server: 'https://ghe.example.com',
      found: { server: 'https://github.com', repository: 'acme/api' }
    },
    { source: 'https://ghe.example.com/acme/api', server: undefined, found: undefined },
    { source: 'https://gitlab.com/acme/api', server: undefined, found: undefined },
    { source: 'https://github.com/acme/api/tree/main', server: undefined, found: undefined },
    { source: 'https://github.com/acme', server: undefined, found: undefined },
    { source: 'git@github.com:acme/api.git', server: undefined, found: undefined },
    { source: 'ftp://github.com/acme/api', server: undefined, found: undefined },
    { source: 'not a url', server: undefined, found: undefined }
  ])('$source on $server', ({ source, server, found }) => {
    expect(githubSourceOf(source, server)).toEqual(found)
  })
})

describe('pullRequestOf', () => {
  it.each([
    { subject: 'Add retries to the client (#123)', number: 123 },
    { subject: 'Merge pull request #45 from acme/feature', number: 45 },
    { subject: 'Fix #12 in the parser', number: undefined },
    { subject: 'Bump lodash (#7) in tests', number: undefined },
    { subject: 'Plain commit', number: undefined },
    { subject: 'Revert "Add x (#9)" (#10)', number: 10 }
  ])('$subject', ({ subject, number }) => {
    expect(pullRequestOf(subject)).toBe(number)
  })
})
