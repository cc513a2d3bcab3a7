export { createResolver, type ResolverOptions } from './resolver.js'
export type { ArtifactManifest, ArtifactReader, DigestResolver, Resolution } from './types.js'
export type { ExplicitCredentials } from './credentials.js'
export type { RetryPolicy } from './oci/transport.js'
