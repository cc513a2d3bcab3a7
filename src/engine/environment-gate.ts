/**
 * An environment's own signature gate: the `verify:` block of promotion.yaml, read at the commit
 * the edit is made on, so dev can accept anything while prod requires a signer. Its files (a
 * cosign key, a trusted root) are paths in the config repository, read from the same commit.
 * A block that cannot be used is promotion.yaml's error, named by file and line; nothing has
 * been written when it is found.
 */
import { parsePromotionConfig, type VerifySettings } from '../config/index.js'
import { ConfigError, InputError } from '../errors.js'
import type { OptionNames } from '../errors.js'
import type { Logger } from '../log/logger.js'
import type { ResolvedImage } from '../model.js'
import { relativePathProblem, type TreeReader } from '../repo/index.js'
import { settingFiles, verificationPoliciesOf, type ArtifactSource } from '../signature/index.js'
import { gateAttestations, type AttestationContext } from './attestations.js'
import { gateSignatures } from './signatures.js'

export interface EnvironmentGateRequest {
  readonly reader: TreeReader
  readonly configFile: string
  readonly environment: string
  readonly images: readonly ResolvedImage[]
  readonly names: OptionNames
  /** GitHub's attestations API and the server short names expand on, for attestation keys. */
  readonly attestations?: AttestationContext
}

/** The images, checked against the environment's `verify:` block when it has one. */
export async function gateEnvironment(
  request: EnvironmentGateRequest,
  source: ArtifactSource,
  logger: Logger
): Promise<readonly ResolvedImage[]> {
  const { reader, configFile, environment } = request
  if ((await reader.type(configFile)) !== 'file') return request.images
  const config = parsePromotionConfig(await reader.read(configFile), configFile)
  // An environment promotion.yaml lacks is refused by the edit, in its own words.
  const verify = config.environments.get(environment)?.verify
  if (!verify) return request.images
  const context = request.attestations ?? {}
  const policies = await policyOf(verify, environment, reader, context.serverUrl)
  logger.info(`${environment}: the verify: block of ${verify.source} applies`)
  // Refusals name the block's settings, not the shell's options.
  const names: OptionNames = {
    ...request.names,
    name: input => `verify.${input} of ${environment} (${verify.source})`
  }
  const signed = await gateSignatures(request.images, policies.signatures, source, names, logger)
  return gateAttestations(signed, policies.attestations, source, context.reader, names, logger)
}

async function policyOf(
  verify: VerifySettings,
  environment: string,
  reader: TreeReader,
  serverUrl: string | undefined
) {
  const files = new Map<string, string | Error>()
  for (const file of settingFiles(verify)) {
    const problem = relativePathProblem(file)
    files.set(
      file,
      problem !== undefined
        ? new Error(problem)
        : (await reader.type(file)) === 'file'
          ? await reader.read(file)
          : new Error('there is no such file in the config repository')
    )
  }
  const name = (key: string) => `verify.${key} of ${environment} (${verify.source})`
  try {
    return verificationPoliciesOf(
      {
        signatureKey: name('signature-key'),
        certificateIdentity: name('certificate-identity'),
        certificateIdentityRegexp: name('certificate-identity-regexp'),
        certificateOidcIssuer: name('certificate-oidc-issuer'),
        trustedRoot: name('trusted-root'),
        attestationPredicateType: name('attestation-predicate-type'),
        sourceRepository: name('source-repository'),
        sourceRef: name('source-ref'),
        signerWorkflow: name('signer-workflow')
      },
      verify,
      (path, label, what) => {
        const text = files.get(path)
        if (typeof text === 'string') return text
        throw new InputError(`${label} ${JSON.stringify(path)} is not ${what}: ${text?.message}.`)
      },
      label => label,
      serverUrl
    )
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    throw new ConfigError(error.message, {
      hint: `${error.hint ? `${error.hint} ` : ''}Paths in verify: are relative to the config repository's root.`,
      subject: verify.source
    })
  }
}
