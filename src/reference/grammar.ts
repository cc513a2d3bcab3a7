// The reference grammar of distribution/reference (regexp.go), transcribed so
// that what we accept is exactly what docker, containerd and kubelet accept.

const alphanumeric = '[a-z0-9]+'
const separator = '(?:[._]|__|[-]+)'
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const domainName = `${domainComponent}(?:\\.${domainComponent})*`
const ipv6Address = '\\[[a-fA-F0-9:]+\\]'
const domainAndPort = `(?:${domainName}|${ipv6Address})(?::[0-9]+)?`

export const TAG = /^[\w][\w.-]{0,127}$/
export const PATH = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`)
export const DOMAIN = new RegExp(`^${domainAndPort}$`)
/** Any digest the grammar allows; we then insist on sha256 for pinning. */
export const ANY_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/
/** The only digest form promote-image writes into Git. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/
/** A bare 64-hex string is an image ID, never a name (ErrNameNotCanonical). */
export const IMAGE_ID = /^[a-f0-9]{64}$/

/** distribution's RepositoryNameTotalLengthMax, applied to the path. */
export const MAX_PATH_LENGTH = 255
export const MAX_TAG_LENGTH = 128
