import { describe, expect, it } from '@jest/globals'
import { InvalidReferenceError } from '../../src/errors.js'
import {
  canonicalRepository,
  formatReference,
  parseReference,
  registryHost
} from '../../src/reference/index.js'

const D = `sha256:${'0123456789abcdef'.repeat(4)}`

describe('parseReference accepts the distribution grammar', () => {
  it.each([
    // [input, domain, path, tag, digest]
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['nginx@' + D, 'docker.io', 'library/nginx', undefined, D],
    ['nginx:1.25@' + D, 'docker.io', 'library/nginx', '1.25', D],
    ['bitnami/redis:7.2', 'docker.io', 'bitnami/redis', '7.2', undefined],
    ['docker.io/nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['docker.io/library/nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['index.docker.io/nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['ghcr.io/acme/api:v1.4.2', 'ghcr.io', 'acme/api', 'v1.4.2', undefined],
    ['ghcr.io/acme/team/api:sha-3f9c2d1', 'ghcr.io', 'acme/team/api', 'sha-3f9c2d1', undefined],
    ['127.0.0.1:5000/team/app:v1', '127.0.0.1:5000', 'team/app', 'v1', undefined],
    ['localhost/app:v1', 'localhost', 'app', 'v1', undefined],
    ['localhost:5000/app:v1', 'localhost:5000', 'app', 'v1', undefined],
    ['[::1]:5000/app:v1', '[::1]:5000', 'app', 'v1', undefined],
    ['Registry.Corp.IO/app:v1', 'registry.corp.io', 'app', 'v1', undefined],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      'team/app',
      'v1',
      undefined
    ],
    ['public.ecr.aws/nginx/nginx:1.25', 'public.ecr.aws', 'nginx/nginx', '1.25', undefined],
    ['quay.io/a__b/c-d.e_f:V1_x.y-z', 'quay.io', 'a__b/c-d.e_f', 'V1_x.y-z', undefined],
    ['app:_underscore', 'docker.io', 'library/app', '_underscore', undefined],
    ['reg.io/a---b:t', 'reg.io', 'a---b', 't', undefined],
    ['app:' + 'x'.repeat(128), 'docker.io', 'library/app', 'x'.repeat(128), undefined],
    ['localhost:5000', 'docker.io', 'library/localhost', '5000', undefined]
  ])('%s', (input, domain, path, tag, digest) => {
    const ref = parseReference(input)
    expect(ref).toEqual({
      name: input.split(/[@]/)[0]!.replace(/:[^:/]*$/, ''),
      domain,
      path,
      tag,
      digest
    })
    expect(formatReference(ref)).toBe(input) // formatting round-trips
  })
})

describe('parseReference refuses what registries and kubelet refuse', () => {
  it.each([
    ['', /empty/],
    [' nginx:1.25', /whitespace/],
    ['nginx:1.25 ', /whitespace/],
    ['nginx:1.25\n', /whitespace/],
    ['ghcr.io/acme/api:v1\nghcr.io/evil:x', /whitespace/],
    ['nginx:1\t2', /whitespace/],
    ['ghcr.io/Acme/api:v1', /upper-case/],
    ['Nginx:1.25', /upper-case|invalid/],
    ['0123456789abcdef'.repeat(4), /bare image ID/],
    ['app:' + 'x'.repeat(129), /129 characters long; the limit is 128/],
    ['app:', /not a valid tag/],
    ['app:-leading-dash', /not a valid tag/],
    ['app:.dot', /not a valid tag/],
    ['app:v1;rm -rf /', /whitespace|not a valid tag/],
    ['app:v1$(id)', /not a valid tag/],
    ['app:`id`', /not a valid tag/],
    ['app:v1|cat', /not a valid tag/],
    ['app:v1&&x', /not a valid tag/],
    ['app:vé', /not a valid tag/],
    ['app:v1\u200b', /not a valid tag/],
    ['appé:v1', /invalid repository path/],
    ['ghcr.io/acme/api:v1:v2', /not a valid tag/],
    ['app@', /not a digest/],
    ['app@sha256:abc', /not a digest/],
    ['app@sha256:' + 'A'.repeat(64), /64 lower-case hex/],
    ['app@sha256:' + 'a'.repeat(63), /not a digest|64 lower-case/],
    ['app@sha256:' + 'a'.repeat(65), /64 lower-case hex/],
    ['app@sha512:' + 'a'.repeat(128), /other than sha256/],
    ['app@' + D + '@' + D, /not a digest/],
    ['app@md5:' + 'a'.repeat(32), /other than sha256/],
    ['/app:v1', /invalid repository path/],
    ['app/:v1', /invalid repository path/],
    ['ghcr.io//app:v1', /invalid repository path/],
    ['-reg.io/app:v1', /invalid registry host/],
    ['reg.io:port/app:v1', /invalid registry host/],
    ['https://ghcr.io/acme/api:v1', /invalid registry host|invalid/],
    ['ghcr.io/acme/../api:v1', /invalid repository path/],
    ['ghcr.io/acme/api_:v1', /invalid repository path/],
    ['ghcr.io/' + 'a'.repeat(256) + ':v1', /path of 256 characters; the limit is 255/],
    ['app:v1?x=1', /not a valid tag/]
  ])('%j', (input, reason) => {
    expect(() => parseReference(input)).toThrow(InvalidReferenceError)
    expect(() => parseReference(input)).toThrow(reason)
  })
})

describe('normalization', () => {
  it.each([
    ['nginx:1', 'docker.io/library/nginx', 'registry-1.docker.io'],
    ['docker.io/library/nginx:1', 'docker.io/library/nginx', 'registry-1.docker.io'],
    ['index.docker.io/library/nginx:1', 'docker.io/library/nginx', 'registry-1.docker.io'],
    ['GHCR.io/acme/api:1', 'ghcr.io/acme/api', 'ghcr.io'],
    ['127.0.0.1:5000/a/b:1', '127.0.0.1:5000/a/b', '127.0.0.1:5000']
  ])('%s is %s, served by %s', (input, canonical, host) => {
    const ref = parseReference(input)
    expect(canonicalRepository(ref)).toBe(canonical)
    expect(registryHost(ref)).toBe(host)
  })

  it('keeps the name as the user wrote it', () => {
    expect(parseReference('nginx:1').name).toBe('nginx')
    expect(parseReference('Registry.Corp.IO/app:v1').name).toBe('Registry.Corp.IO/app')
  })
})
