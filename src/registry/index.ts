export { createResolver, type ResolverOptions } from './resolver.js'
export type { DigestResolver, Resolution } from './types.js'
export type { ExplicitCredentials } from './credentials.js'
export type { RetryPolicy } from './oci/transport.js'
