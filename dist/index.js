import { g as getInput, s as setSecret, a as group, b as setOutput, n as notice, c as summary, e as error, d as setFailed, f as debug, w as warning, i as info } from './chunks/core.js';
import { j as code, k as escapeText, n as parseInputs, r as resolveImages } from './chunks/index.js';
import { P as PromoteError, d as describeError } from './chunks/errors.js';
import { c as createResolver, i as imagesOutput, r as resolutionSummary } from './chunks/resolver.js';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import 'string_decoder';
import 'events';
import 'child_process';
import 'assert';
import 'timers';
import 'process';
import 'buffer';
import 'node:fs/promises';
import 'node:path';
import 'net';
import 'tls';
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
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:url';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';
import 'node:child_process';
import 'node:os';
import 'node:timers/promises';
import 'node:crypto';

/** The job summary's table of what changed in the config repo. */
function editSummary(results, dryRun) {
    const rows = results.flatMap(({ environment, result }) => result.files.flatMap(file => file.changes.map(c => `| ${code(c.image, true)} | ${cell(environment ?? '—')} | ${code(`${c.file}:${c.line}`, true)} | ${valueCell(c.old)} | ${valueCell(c.new)} |`)));
    const renders = results.flatMap(({ result }) => result.renders);
    const title = dryRun ? 'would change (dry run)' : 'changed';
    if (rows.length === 0)
        return '### Config repository\n\nNothing to change: every target already pins these images.\n';
    return [
        `### Config repository: ${rows.length} value${rows.length === 1 ? '' : 's'} ${title}`,
        '',
        '| Image | Environment | File | Old | New |',
        '| --- | --- | --- | --- | --- |',
        ...rows,
        '',
        ...(renders.length
            ? [
                '**Render proof** (what Argo CD will see):',
                '',
                ...renders.map(r => `- ${r.ok ? '✅' : '❌'} ${code(r.target)}: ${cell(r.message)}`),
                ''
            ]
            : [])
    ].join('\n');
}
function valueCell(value) {
    return value === undefined ? '—' : code(value, true);
}
function cell(text) {
    return escapeText(text);
}

const actionLogger = {
    debug: message => debug(message),
    info: message => info(message),
    warning: message => warning(message)
};
function uniqueImages(images) {
    return [...new Map(images.map(i => [i.pinned, i])).values()];
}
/** The action: inputs → engine → outputs and job summary. */
async function run() {
    try {
        const inputs = parseInputs(name => getInput(name));
        if (inputs.token)
            setSecret(inputs.token);
        if (inputs.registryCredentials)
            setSecret(inputs.registryCredentials.password);
        if (inputs.argocdToken)
            setSecret(inputs.argocdToken);
        const editing = inputs.environments.length > 0 || inputs.targets.length > 0;
        const resolver = createResolver({
            logger: actionLogger,
            insecureRegistries: inputs.insecureRegistries,
            credentials: inputs.registryCredentials,
            onSecret: secret => setSecret(secret)
        });
        // Promoting from another environment, the images are what it runs: read per environment below.
        const resolved = inputs.fromEnvironment
            ? []
            : await group('Resolve image digests', () => resolveImages({
                images: inputs.images,
                buildDigest: inputs.digest,
                policy: inputs.tagPolicy,
                pin: inputs.pin,
                explicitCredentials: inputs.registryCredentials !== undefined,
                requireImmutableRepository: inputs.requireImmutableRepository
            }, resolver, actionLogger));
        const { edits, runs } = editing
            ? await (await import('./chunks/action-config-repo.js')).configRepoStep(inputs, resolved, resolver, actionLogger)
            : { edits: [], runs: [] };
        const images = inputs.fromEnvironment ? uniqueImages(edits.flatMap(e => e.images)) : resolved;
        const files = [...new Set(edits.flatMap(e => e.result.files.map(f => f.file)))];
        setOutput('digest', images.map(i => i.digest).join('\n'));
        setOutput('image-ref', images.map(i => i.pinned).join('\n'));
        setOutput('images', JSON.stringify(imagesOutput(images)));
        setOutput('changed', String(files.length > 0));
        setOutput('files', JSON.stringify(files));
        const lines = (pick) => runs.map(r => String(pick(r) ?? '')).join('\n');
        setOutput('commit-sha', lines(r => r.result.commit));
        setOutput('branch', lines(r => r.result.branch));
        setOutput('pull-request-number', lines(r => r.result.pullRequest?.number));
        setOutput('pull-request-url', lines(r => r.result.pullRequest?.url));
        setOutput('pull-request-operation', runs.length ? lines(r => r.result.pullRequest?.operation ?? 'none') : 'none');
        for (const run of runs) {
            const where = run.result.pullRequest
                ? `pull request #${run.result.pullRequest.number} (${run.result.pullRequest.operation}): ${run.result.pullRequest.url}`
                : run.result.commit
                    ? `commit ${run.result.commit} on ${run.result.branch}`
                    : 'nothing to commit';
            notice(`${run.environment ?? 'targets'}: ${where}`);
        }
        if (process.env.GITHUB_STEP_SUMMARY) {
            summary.addRaw(resolutionSummary(images, inputs.dryRun));
            if (editing)
                summary.addRaw(editSummary(edits, inputs.dryRun));
            await summary.write();
        }
    }
    catch (error$1) {
        if (error$1 instanceof PromoteError) {
            // A file at fault gets the annotation on its line (when the config repo is the workspace's).
            const at = /^(?<file>[^\s:]+\.(?:ya?ml|json)|Kustomization):(?<line>\d+)/.exec(error$1.subject ?? '');
            if (at?.groups) {
                error(error$1.describe(), {
                    title: 'promote-image',
                    file: at.groups.file,
                    startLine: Number(at.groups.line)
                });
                process.exitCode = 1;
            }
            else {
                setFailed(error$1.describe());
            }
        }
        else {
            debug(describeError(error$1));
            setFailed(`Unexpected error (please report it): ${error$1?.message ?? String(error$1)}`);
        }
    }
}

/**
 * The action's entry point (action.yml `runs.main: dist/index.js`).
 */
/* istanbul ignore next */
await run();
//# sourceMappingURL=index.js.map
