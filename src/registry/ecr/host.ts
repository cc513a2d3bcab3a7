/**
 * Private ECR registry hosts, every partition: the pattern of
 * awslabs/amazon-ecr-credential-helper (ecr-login/api/client.go), which also
 * covers FIPS (`dkr-ecr-fips` / `dkr.ecr-fips`), China, GovCloud, ISO, the EU
 * sovereign cloud and dual-stack (`dkr-ecr.<region>.on.aws`) hosts.
 */
const ECR_HOST =
  /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/

/** ECR Public: served through the OCI path with its anonymous token flow. */
export const ECR_PUBLIC_HOST = 'public.ecr.aws'

export interface EcrRegistry {
  /** The 12-digit account: DescribeImages' `registryId`. */
  readonly accountId: string
  readonly region: string
  readonly fips: boolean
  readonly host: string
}

export function parseEcrHost(host: string): EcrRegistry | undefined {
  const match = ECR_HOST.exec(host.toLowerCase())
  if (!match) return undefined
  return { accountId: match[1]!, fips: match[2] !== undefined, region: match[3]!, host }
}
