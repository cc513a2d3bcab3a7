export { createResolver, type ResolverOptions } from './resolver.js'
export type {
  ArtifactManifest,
  ArtifactReader,
  DigestResolver,
  OriginReader,
  Resolution
} from './types.js'
export {
  firstPlatformDigest,
  mergeOrigins,
  originFromAnnotations,
  originFromLabels
} from './origin.js'
export type { ExplicitCredentials } from './credentials.js'
export type { RetryPolicy } from './oci/transport.js'
