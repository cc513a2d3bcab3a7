import { PolicyError } from '../errors.js'

/**
 * The build's digest (docker/build-push-action `outputs.digest`) must be what
 * the registry serves for the tag now; if not, someone pushed over the tag
 * between the build and this step.
 */
export function checkBuildDigest(
  image: string,
  built: string,
  served: string,
  source = 'the build produced'
): void {
  if (built === served) return
  throw new PolicyError(
    `The registry serves ${served} for ${image}, but ${source} ${built}: the tag moved (another push reused it).`,
    {
      hint: `Re-run the build to push a fresh tag, or promote the exact build by digest: ${image.replace(/:[^:/]+$/, '')}@${built}.`,
      subject: image
    }
  )
}
