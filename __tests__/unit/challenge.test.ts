import { describe, expect, it } from '@jest/globals'
import { parseChallenges } from '../../src/registry/oci/challenge.js'

describe('parseChallenges', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' }
        }
      ]
    ],
    [
      // a quoted scope holds commas
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://ghcr.io/token',
            service: 'ghcr.io',
            scope: 'repository:a/b:pull,push'
          }
        }
      ]
    ],
    [
      'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
      [
        {
          scheme: 'basic',
          params: {
            realm: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/',
            service: 'ecr.amazonaws.com'
          }
        }
      ]
    ],
    ['basic realm=Registry', [{ scheme: 'basic', params: { realm: 'Registry' } }]],
    [
      'Bearer realm = "https://quay.io/v2/auth" , service="quay.io"',
      [{ scheme: 'bearer', params: { realm: 'https://quay.io/v2/auth', service: 'quay.io' } }]
    ],
    ['Bearer realm="a\\"b"', [{ scheme: 'bearer', params: { realm: 'a"b' } }]],
    [
      'Basic realm="x", Bearer realm="https://t/token",error="insufficient_scope"',
      [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'https://t/token', error: 'insufficient_scope' } }
      ]
    ],
    ['', []],
    ['Bearer', [{ scheme: 'bearer', params: {} }]],
    ['Bearer realm="unterminated', [{ scheme: 'bearer', params: { realm: 'unterminated' } }]]
  ])('%s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected)
  })
})
