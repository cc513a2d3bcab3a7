/**
 * The public key of `signature-key`: a PEM `PUBLIC KEY` block, parsed once, with the rule
 * cosign verifies by. cosign's LoadPublicKey (pkg/signature/keys.go) hard-codes SHA-256 and
 * hands the key to sigstore's signature.LoadVerifier, which picks the scheme from the key's
 * type: ECDSA (any NIST curve, ASN.1 DER signatures), RSA PKCS#1 v1.5, or Ed25519 (no hash).
 */
import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { InputError } from '../errors.js'

export interface SignatureKey {
  /** `sha256:` + hex of the key's DER SubjectPublicKeyInfo: how messages and outputs name it. */
  readonly fingerprint: string
  /** `ecdsa P-256`, `rsa 4096`, `ed25519`: for messages. */
  readonly description: string
  /** Does `signature` sign `payload` under this key, as cosign checks it? */
  verify(payload: Buffer, signature: Buffer): boolean
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/

/** Parses a PEM public key; the error says what the text is instead (no option name: the shells add it). */
export function parsePublicKey(pem: string): SignatureKey {
  const label = PEM_BLOCK.exec(pem)?.[1]
  if (label === undefined) {
    throw new InputError('is neither a PEM public key nor a file holding one.', {
      hint: 'Pass the path of cosign.pub (from cosign generate-key-pair), or its text starting with -----BEGIN PUBLIC KEY-----.'
    })
  }
  if (label !== 'PUBLIC KEY') {
    throw new InputError(`holds a PEM ${label}, not a PUBLIC KEY.`, {
      hint: label.includes('PRIVATE')
        ? 'Never hand the private key to the verifier: pass cosign.pub, the public half.'
        : 'Pass the PEM public key (-----BEGIN PUBLIC KEY-----) the images are signed with, e.g. cosign.pub.'
    })
  }
  let key: KeyObject
  try {
    key = createPublicKey({ key: pem, format: 'pem' })
  } catch (error) {
    throw new InputError(`is not a readable PEM public key (${(error as Error).message}).`, {
      hint: 'Pass cosign.pub as cosign generate-key-pair wrote it.'
    })
  }
  const der = key.export({ type: 'spki', format: 'der' })
  const fingerprint = `sha256:${createHash('sha256').update(der).digest('hex')}`
  const type = key.asymmetricKeyType
  const details = key.asymmetricKeyDetails ?? {}
  if (type === 'ec') {
    return {
      fingerprint,
      description: `ecdsa ${curveName(details.namedCurve)}`,
      verify: (payload, signature) =>
        safely(() => verify('sha256', payload, { key, dsaEncoding: 'der' }, signature))
    }
  }
  if (type === 'rsa') {
    return {
      fingerprint,
      description: `rsa ${details.modulusLength ?? ''}`.trim(),
      verify: (payload, signature) =>
        safely(() =>
          verify('sha256', payload, { key, padding: constants.RSA_PKCS1_PADDING }, signature)
        )
    }
  }
  if (type === 'ed25519') {
    return {
      fingerprint,
      description: 'ed25519',
      verify: (payload, signature) => safely(() => verify(null, payload, key, signature))
    }
  }
  throw new InputError(`is a ${type ?? 'unknown'} key, which cosign does not sign with.`, {
    hint: 'Use an ECDSA (cosign generate-key-pair), RSA or Ed25519 public key.'
  })
}

function curveName(oid: string | undefined): string {
  const names: Record<string, string> = {
    prime256v1: 'P-256',
    secp384r1: 'P-384',
    secp521r1: 'P-521'
  }
  return (oid && names[oid]) ?? oid ?? 'unknown curve'
}

/** A signature node cannot even parse (wrong length, bad DER) verifies nothing. */
function safely(check: () => boolean): boolean {
  try {
    return check()
  } catch {
    return false
  }
}
