/**
 * Stages log through this interface so they never depend on @actions/core:
 * the action shell passes core's functions, the CLI writes to stderr.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}

export const silentLogger: Logger = { debug() {}, info() {}, warning() {} }
