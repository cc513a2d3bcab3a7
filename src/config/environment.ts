import { ConfigError } from '../errors.js'
import type { EnvironmentConfig, PromotionConfig } from './types.js'

/**
 * The environment `name` of promotion.yaml, or the one refusal every caller
 * gives: the file, the name, and the environments there are. `role` says
 * what the environment was asked for (`to promote from`).
 */
export function environmentOf(
  config: PromotionConfig,
  name: string,
  role?: string
): EnvironmentConfig {
  const environment = config.environments.get(name)
  if (environment) return environment
  throw new ConfigError(
    `${config.file} has no environment ${JSON.stringify(name)}${role ? ` ${role}` : ''}.`,
    { hint: `Environments: ${[...config.environments.keys()].join(', ')}.` }
  )
}
