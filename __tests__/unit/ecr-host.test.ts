import { describe, expect, it } from '@jest/globals'
import { parseEcrHost } from '../../src/registry/ecr/host.js'

describe('parseEcrHost', () => {
  it.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', '123456789012', 'us-east-1', false],
    [
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
      '123456789012',
      'us-gov-west-1',
      true
    ],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', '123456789012', 'cn-north-1', false],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', '123456789012', 'eu-west-1', false],
    ['123456789012.dkr-ecr-fips.us-east-1.on.aws', '123456789012', 'us-east-1', true],
    [
      '123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn',
      '123456789012',
      'cn-northwest-1',
      false
    ],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', '123456789012', 'us-iso-east-1', false],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', '123456789012', 'us-isob-east-1', false],
    ['123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk', '123456789012', 'eu-isoe-west-1', false],
    [
      '123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov',
      '123456789012',
      'us-isof-south-1',
      false
    ],
    ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', '123456789012', 'eusc-de-east-1', false],
    ['123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM', '123456789012', 'us-east-1', false]
  ])('%s → account %s, region %s, fips %s', (host, accountId, region, fips) => {
    expect(parseEcrHost(host)).toEqual({ accountId, region, fips, host })
  })

  it.each([
    'public.ecr.aws', // ECR Public goes through the OCI path
    'ghcr.io',
    '12345678901.dkr.ecr.us-east-1.amazonaws.com', // 11 digits
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.io',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com:443',
    'evil.io/123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr..amazonaws.com'
  ])('%s is not private ECR', host => {
    expect(parseEcrHost(host)).toBeUndefined()
  })
})
