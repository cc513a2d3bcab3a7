import semver from 'semver'

/**
 * One build, several tags (docker/metadata-action pushes `v1.4.2` and `sha-3f9c2d1` for one
 * digest): the one tag a target gets. In order:
 * 1. the tag shaped like the one the target pins now, so each target keeps its convention:
 *    both semver, or the same leading word and separator (`sha-`, `build-`, `main-`);
 * 2. else the highest semver tag: a version tells a reader the most;
 * 3. else the first tag given.
 */
export function chooseTag(tags: readonly string[], current?: string): string {
  if (tags.length === 0) throw new Error('chooseTag needs at least one tag')
  if (current !== undefined) {
    const shape = shapeOf(current)
    const alike = tags.filter(tag => shapeOf(tag) === shape)
    if (alike.length > 0) return highestOrFirst(alike)
  }
  return highestOrFirst(tags)
}

function highestOrFirst(tags: readonly string[]): string {
  const versions = tags.filter(tag => versionOf(tag) !== undefined)
  if (versions.length === 0) return tags[0]!
  return versions.reduce((best, tag) => (semver.gt(versionOf(tag)!, versionOf(best)!) ? tag : best))
}

/** `semver`, or the leading word and separator (`sha-3f9c2d1` and `sha-a1b2c3d` → `sha-`). */
function shapeOf(tag: string): string {
  return versionOf(tag) !== undefined
    ? 'semver'
    : `prefix:${/^[A-Za-z]+[-_.]/.exec(tag)?.[0] ?? ''}`
}

/** Strict semver, with the customary leading "v". */
function versionOf(tag: string): string | undefined {
  return semver.valid(tag.replace(/^v(?=\d)/, '')) ?? undefined
}
