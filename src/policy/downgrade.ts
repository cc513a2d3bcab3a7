import type { DowngradePolicy } from '../model.js'
import semver from 'semver'
import { ACTION_NAMES, PolicyError, type OptionNames } from '../errors.js'

/**
 * Moving a target to a lower semver tag is usually a mistake (an older
 * build's job finishing last) or a rollback done the wrong way: a rollback
 * is a revert of the promotion commit, which Git and Argo CD both record.
 * Returns the warning to show, or throws with `allow-downgrade: false`.
 */
export function checkDowngrade(
  where: string,
  oldValue: string | undefined,
  newValue: string | undefined,
  policy: DowngradePolicy,
  names: OptionNames = ACTION_NAMES
): string | undefined {
  if (policy === 'true' || oldValue === undefined || newValue === undefined) return undefined
  const from = versionOf(oldValue)
  const to = versionOf(newValue)
  if (!from || !to || !semver.lt(to, from)) return undefined
  const message = `${where}: ${newValue.split('@')[0]} is lower than ${oldValue.split('@')[0]}: a downgrade.`
  const hint = `A rollback is a \`git revert\` of the promotion commit; to promote an older build on purpose, set ${names.set('allow-downgrade', 'true')}.`
  if (policy === 'false') throw new PolicyError(message, { hint, subject: where })
  return `${message} ${hint}`
}

/** Strict semver, with the customary leading "v"; `tag@sha256:…` values count by their tag. */
function versionOf(value: string): string | undefined {
  const tag = value.split('@')[0]!.replace(/^v(?=\d)/, '')
  return semver.valid(tag) ?? undefined
}
