import { a as group, s as setSecret, i as info } from './core.js';
import { realpathSync, existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { p as promotePlan, c as checkPromoteFrom, i as imagesFromEnvironment, e as editConfigRepo, G as GitHubRepo, b as createOctokit, v as verifyDeployment, f as fsTreeReader } from './verify.js';
import { I as InputError } from './errors.js';
import { v as DEFAULT_BRANCH_TEMPLATE } from './index.js';
import 'node:child_process';
import 'node:fs/promises';
import 'node:crypto';
import 'node:os';
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
import 'node:http';
import 'node:timers/promises';
import 'node:url';
import 'tty';
import 'util';
import 'node:events';
import 'node:util';
import 'process';
import 'buffer';
import 'net';
import 'tls';
import 'node:assert';
import 'node:net';
import 'node:stream';
import 'node:buffer';
import 'node:querystring';
import 'node:diagnostics_channel';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';

/**
 * The action's config-repo half: edit the checked-out repo (write-method
 * none) or deliver through the GitHub API or git. Loaded only when an
 * environment or targets are given, so a resolve-only run starts fast.
 */
async function configRepoStep(inputs, resolved, resolver, actionLogger) {
    if (inputs.writeMethod === 'none') {
        return { edits: await editWorkspace(inputs, resolved, resolver, actionLogger), runs: [] };
    }
    if (inputs.verify && (!inputs.argocdServer || !inputs.argocdApplication)) {
        // Checked before anything is pushed: bad input writes nothing.
        throw new InputError('Input verify needs argocd-server and argocd-application.', {
            hint: 'Pass the Argo CD URL and the application that deploys the promoted environment, and argocd-token.'
        });
    }
    const github = configRepository(inputs, actionLogger);
    const runs = await promotePlan(actionPlan(inputs, resolved), deliveryContext(github, inputs.token, resolver, actionLogger));
    for (const run of runs)
        logEdit(run.result.edit, inputs.dryRun);
    if (inputs.verify)
        await verifyRuns(inputs, runs, actionLogger);
    return {
        edits: runs.map(r => ({
            environment: r.environment,
            result: r.result.edit,
            images: r.result.images
        })),
        runs
    };
}
/** The action's inputs as the engine's plan: the same one the CLI's flags make. */
function actionPlan(inputs, resolved) {
    return {
        images: inputs.fromEnvironment
            ? {
                fromEnvironment: inputs.fromEnvironment,
                selections: inputs.images,
                policy: inputs.tagPolicy
            }
            : { resolved },
        environments: inputs.environments,
        targets: inputs.targets,
        configFile: inputs.configFile,
        baseBranch: inputs.baseBranch,
        mode: inputs.mode,
        defaultMode: 'pull-request',
        // The input's default stands for "not given": promotion.yaml's branch wins over it.
        branch: inputs.branch === DEFAULT_BRANCH_TEMPLATE ? undefined : inputs.branch,
        commitMessage: inputs.commitMessage,
        pullRequest: {
            title: inputs.prTitle,
            labels: inputs.labels,
            reviewers: inputs.reviewers,
            teamReviewers: inputs.teamReviewers,
            assignees: inputs.assignees,
            // draft defaults to false, so only true is explicit: promotion.yaml's draft: true stands.
            draft: inputs.draft || undefined,
            autoMerge: inputs.autoMerge
        },
        verifyRender: inputs.verifyRender,
        dryRun: inputs.dryRun,
        allowDowngrade: inputs.allowDowngrade,
        writeMethod: inputs.writeMethod === 'git' ? 'git' : 'api'
    };
}
/**
 * write-method none: edit the config repo the workflow checked out, commit
 * nothing (a later step commits, or the workflow only checks). The path must
 * stay inside the workspace, as actions/checkout requires for its own path.
 */
async function editWorkspace(inputs, resolved, resolver, actionLogger) {
    const workspace = realpathSync(process.env.GITHUB_WORKSPACE ?? process.cwd());
    const given = resolve(workspace, inputs.configPath);
    // The real path: a symlink in the workspace must not lead the edit out of it.
    const repoRoot = existsSync(given) ? realpathSync(given) : given;
    if (repoRoot !== workspace && !repoRoot.startsWith(`${workspace}${sep}`)) {
        throw new InputError(`Input config-path ${JSON.stringify(inputs.configPath)} leads outside the workspace ${workspace}.`, {
            hint: 'Check the config repository out inside the workspace (actions/checkout path:) and pass that path.'
        });
    }
    const environments = inputs.environments.length > 0 ? inputs.environments : [undefined];
    const results = [];
    for (const environment of environments) {
        const reader = fsTreeReader(repoRoot);
        if (!inputs.fromEnvironment && environment !== undefined && inputs.targets.length === 0) {
            await checkPromoteFrom({ reader, configFile: inputs.configFile, environment, images: resolved }, actionLogger);
        }
        const images = inputs.fromEnvironment
            ? await imagesFromEnvironment({
                reader,
                configFile: inputs.configFile,
                source: inputs.fromEnvironment,
                destination: environment,
                selections: inputs.images,
                policy: inputs.tagPolicy
            }, resolver, actionLogger)
            : resolved;
        const result = await group(`Edit ${environment ?? 'targets'}`, () => editConfigRepo({
            repoRoot,
            environment,
            targets: inputs.targets,
            configFile: inputs.configFile,
            images,
            verifyRender: inputs.verifyRender,
            dryRun: inputs.dryRun,
            allowDowngrade: inputs.allowDowngrade
        }, actionLogger));
        logEdit(result, inputs.dryRun);
        results.push({ environment, result, images });
    }
    return results;
}
/**
 * verify: after a push-mode promotion, wait until Argo CD has synced the
 * promotion commit, is Healthy, and runs the pinned digests. A pull request
 * has nothing to verify until it is merged.
 */
async function verifyRuns(inputs, runs, actionLogger) {
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
        }, actionLogger));
        info(`Argo CD runs ${result.images.join(', ')} at ${result.revision} (${result.elapsedSeconds} s).`);
    }
}
/** Every changed value, and with dry-run the unified diff. */
function logEdit(result, dryRun) {
    if (dryRun && result.diff)
        info(result.diff);
    for (const change of result.files.flatMap(file => file.changes)) {
        info(`${change.file}:${change.line}: ${change.path}: ${change.old ?? '(added)'} → ${change.new ?? '(removed)'}`);
    }
}
/** The config repository on GitHub (GITHUB_API_URL / GITHUB_SERVER_URL honored, for GHES). */
function configRepository(inputs, actionLogger) {
    const fullName = inputs.configRepository ?? process.env.GITHUB_REPOSITORY;
    if (!fullName) {
        throw new InputError('Input config-repository is required outside GitHub Actions.', {
            hint: 'Pass the config repository as owner/name.'
        });
    }
    if (!inputs.token) {
        throw new InputError('Input token is empty: promote-image needs a token to write to the config repository.', {
            hint: 'Pass token: ${{ secrets.CONFIG_REPO_TOKEN }} (a GitHub App or fine-grained token) for another repository.'
        });
    }
    const [owner, repo] = fullName.split('/');
    return new GitHubRepo(createOctokit(inputs.token, actionLogger), owner, repo, actionLogger);
}
function deliveryContext(github, token, resolver, actionLogger) {
    const serverUrl = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
    const repository = process.env.GITHUB_REPOSITORY;
    const runId = process.env.GITHUB_RUN_ID;
    return {
        github,
        resolver,
        cloneUrl: `${serverUrl}/${github.fullName}.git`,
        token,
        source: {
            repository,
            sha: process.env.GITHUB_SHA,
            runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
            serverUrl,
            actor: process.env.GITHUB_ACTOR
        },
        logger: actionLogger,
        onSecret: secret => setSecret(secret),
        group: (name, run) => group(name, run)
    };
}

export { actionPlan, configRepoStep };
//# sourceMappingURL=action-config-repo.js.map
