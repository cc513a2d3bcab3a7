/** The git writer behind the session port: a sparse clone, committed and pushed with git. */
import type { Logger } from '../log/logger.js'
import { GitCheckout } from './git/checkout.js'
import type { Session, SessionOptions } from './session.js'

export async function gitSession(
  options: Extract<SessionOptions, { method: 'git' }>,
  logger: Logger
): Promise<Session> {
  const checkout = await GitCheckout.open({
    url: options.url,
    baseBranch: options.baseBranch,
    token: options.token,
    logger,
    onSecret: options.onSecret
  })
  return {
    baseBranch: checkout.baseBranch,
    dir: checkout.dir,
    get reader() {
      return checkout.reader()
    },
    fetch: paths => checkout.include(paths),
    fetchAll: () => checkout.includeAll(),
    commit: async (_edit, message) => {
      const sha = await checkout.commitIfChanged(message)
      return sha ? { sha } : undefined
    },
    push: (_sha, branch, expected) => checkout.push(branch, { expected }),
    refresh: () => checkout.moveToNewHead(),
    close: () => checkout.close()
  }
}
