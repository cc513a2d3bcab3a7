import type { Logger } from '../log/logger.js'

/** What a command may touch: logs to stderr, results to stdout, the environment. */
export interface CommandContext {
  readonly logger: Logger
  readonly stdout: (text: string) => void
  readonly readStdin: () => Promise<string>
  readonly env: NodeJS.ProcessEnv
}
