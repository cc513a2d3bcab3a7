import { i as info, a as group } from './core.js';
import { v as verifyDeployment } from './verify.js';
import './deadline.js';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import './index3.js';
import 'net';
import 'tls';
import 'events';
import 'assert';
import 'util';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:buffer';
import 'node:util';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import './_commonjsHelpers.js';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:url';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';
import 'string_decoder';
import 'child_process';
import 'timers';
import 'node:timers/promises';
import './errors.js';

/**
 * The action's side of the config-repo step: every changed value in the
 * log (and the diff with dry-run), then, with `verify`, Argo CD. Loaded only
 * when the run edited a config repository, so a resolve-only run starts fast.
 */
function logEdits(outcome, dryRun) {
    for (const { result } of outcome.edits) {
        if (dryRun && result.diff)
            info(result.diff);
        for (const change of result.files.flatMap(file => file.changes)) {
            info(`${change.file}:${change.line}: ${change.path}: ${change.old ?? '(added)'} → ${change.new ?? '(removed)'}`);
        }
    }
}
/**
 * verify: after a push-mode promotion, wait until Argo CD has synced the
 * promotion commit, is Healthy, and runs the pinned digests. A pull request
 * has nothing to verify until it is merged.
 */
async function verifyRuns(inputs, runs, logger) {
    for (const run of runs) {
        if (run.mode !== 'push' || !run.result.commit || inputs.dryRun) {
            info(`verify: nothing to verify for ${run.environment ?? 'targets'} (${run.mode === 'push' ? 'no new commit' : 'a pull request'}).`);
            continue;
        }
        const result = await group(`Verify ${run.environment ?? 'targets'} in Argo CD`, () => verifyDeployment({
            server: inputs.argocdServer,
            token: inputs.argocdToken,
            application: inputs.argocdApplication,
            revision: run.result.commit,
            images: run.result.images.map(i => i.pinned),
            timeoutSeconds: inputs.verifyTimeoutSeconds
        }, logger));
        info(`Argo CD runs ${result.images.join(', ')} at ${result.revision} (${result.elapsedSeconds} s).`);
    }
}

export { logEdits, verifyRuns };
//# sourceMappingURL=config-repo.js.map
