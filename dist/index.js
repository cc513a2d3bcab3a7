import { g as getInput, s as setSecret, a as group, b as summary, w as warning, i as info, d as debug, c as setOutput, n as notice, e as error, f as setFailed } from './chunks/core.js';
import { l as list, n as named, f as checkEnvironmentName, o as oneOf, s as seconds, g as bool, d as downgradePolicy, v as verifyRenderMode, m as mergeMethod, b as verificationPolicies, t as tagPolicy, p as pinMode, a as checkHost, e as promotionMode, c as checkConfigFile, h as lines, j as trimAscii, D as DEFAULT_VERIFY_TIMEOUT_SECONDS, r as runPromotion, k as resolutionSummary, i as imagesOutput } from './chunks/options.js';
import { I as InputError, A as ACTION_NAMES, P as PromoteError, d as describeError } from './chunks/errors.js';
import { b as code, i as itemWithSublist, e as escapeText, g as DEFAULT_BRANCH_TEMPLATE, c as checkCommitMessageTemplate } from './chunks/plan.js';
import { a as assertDigest } from './chunks/deadline.js';
import { c as codeChangesSummary } from './chunks/changes.js';
import 'node:child_process';
import 'node:fs/promises';
import 'node:os';
import { resolve, sep } from 'node:path';
import 'node:timers/promises';
import 'node:crypto';
import { realpathSync, existsSync } from 'node:fs';
import 'node:util';
import './chunks/client.js';
import 'node:url';
import 'node:http';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import './chunks/index3.js';
import 'net';
import 'tls';
import 'events';
import 'assert';
import 'util';
import 'node:assert';
import 'node:net';
import 'node:stream';
import 'node:buffer';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import './chunks/_commonjsHelpers.js';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';
import 'string_decoder';
import 'child_process';
import 'timers';
import 'process';
import 'buffer';
import './chunks/index.js';
import './chunks/index2.js';
import 'tty';

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
                // Each proof's lines as a nested list: a paragraph's line breaks do not survive GFM.
                ...renders.map(r => `- ${r.ok ? '✅' : '❌'} ${code(r.target)}: ${itemWithSublist(r.message)}`),
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

/**
 * Parses the inputs. `read` is core.getInput in the action and a map in
 * tests, so validation is tested without the runner.
 */
function parseInputs(read, 
/** GITHUB_SERVER_URL: where short repository and workflow names point (GHES). */
env = process.env) {
    const get = (name) => {
        const value = trimAscii(read(name));
        return value === '' ? undefined : value;
    };
    const images = list(get('image'));
    if (images.length === 0 && get('from-environment') === undefined) {
        throw new InputError('Input image is required.', {
            hint: 'Pass the reference CI pushed, e.g. image: ghcr.io/acme/api:${{ github.sha }}.'
        });
    }
    const digest = get('digest');
    if (digest !== undefined)
        named('digest', () => assertDigest(digest));
    const environments = list(get('environment'));
    for (const env of environments)
        checkEnvironmentName('environment', env);
    const fromEnvironment = get('from-environment');
    if (fromEnvironment !== undefined) {
        checkEnvironmentName('from-environment', fromEnvironment);
        if (environments.length === 0) {
            throw new InputError('Input from-environment needs environment: the environment to promote into.', {
                hint: 'Example: environment: prod, from-environment: staging, image: ghcr.io/acme/api'
            });
        }
    }
    const configRepository = get('config-repository');
    if (configRepository !== undefined &&
        !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(configRepository)) {
        throw new InputError(`Input config-repository must be owner/name, got ${JSON.stringify(configRepository)}.`, {
            hint: 'Write it as on GitHub, e.g. acme/gitops-config (no URL, no .git).'
        });
    }
    const writeMethod = oneOf('write-method', get('write-method'), ['api', 'git', 'none']) ?? 'api';
    const configPath = get('config-path');
    if (writeMethod === 'none' && configPath === undefined) {
        throw new InputError('Input config-path is required with write-method: none.', {
            hint: 'Check out the config repository with actions/checkout (path: config) and pass config-path: config.'
        });
    }
    const username = get('registry-username');
    const password = read('registry-password'); // passwords keep their spaces
    if ((username === undefined) !== (password === '')) {
        throw new InputError('Inputs registry-username and registry-password must be given together.', {
            hint: 'Set both, or neither to use the docker config written by docker/login-action.'
        });
    }
    return {
        images,
        digest,
        environments,
        targets: lines(get('targets')),
        configRepository,
        configFile: checkConfigFile('config-file', get('config-file')),
        baseBranch: get('base-branch'),
        mode: promotionMode('mode', get('mode')),
        writeMethod,
        configPath,
        insecureRegistries: list(get('insecure-registries')).map(h => checkHost('insecure-registries', h)),
        pin: pinMode('pin', get('pin')),
        tagPolicy: tagPolicy({ mutableTags: 'mutable-tags', allowTags: 'allow-tags' }, get('mutable-tags'), get('allow-tags')),
        requireImmutableRepository: bool('require-immutable-repository', get('require-immutable-repository'), false),
        registryCredentials: username === undefined ? undefined : { username, password },
        ...verificationPolicies({
            signatureKey: 'signature-key',
            certificateIdentity: 'certificate-identity',
            certificateIdentityRegexp: 'certificate-identity-regexp',
            certificateOidcIssuer: 'certificate-oidc-issuer',
            trustedRoot: 'trusted-root',
            attestationPredicateType: 'attestation-predicate-type',
            sourceRepository: 'source-repository',
            sourceRef: 'source-ref',
            signerWorkflow: 'signer-workflow'
        }, {
            signatureKey: get('signature-key'),
            certificateIdentity: get('certificate-identity'),
            certificateIdentityRegexp: get('certificate-identity-regexp'),
            certificateOidcIssuer: get('certificate-oidc-issuer'),
            trustedRoot: get('trusted-root'),
            attestationPredicateType: get('attestation-predicate-type'),
            sourceRepository: get('source-repository'),
            sourceRef: get('source-ref'),
            signerWorkflow: get('signer-workflow')
        }, env.GITHUB_SERVER_URL),
        token: read('token'),
        branch: get('branch') ?? DEFAULT_BRANCH_TEMPLATE,
        commitMessage: checkCommitMessageTemplate('commit-message', get('commit-message')),
        prTitle: get('pr-title'),
        labels: list(get('labels')),
        reviewers: list(get('reviewers')),
        teamReviewers: list(get('team-reviewers')),
        assignees: list(get('assignees')),
        draft: get('draft') === undefined ? undefined : bool('draft', get('draft'), false),
        autoMerge: mergeMethod('auto-merge', get('auto-merge')),
        verifyRender: verifyRenderMode('verify-render', get('verify-render')),
        dryRun: bool('dry-run', get('dry-run'), false),
        fromEnvironment,
        allowDowngrade: downgradePolicy('allow-downgrade', get('allow-downgrade')),
        verify: bool('verify', get('verify'), false),
        argocdServer: get('argocd-server'),
        argocdToken: get('argocd-token'),
        argocdApplication: get('argocd-application'),
        verifyTimeoutSeconds: seconds('verify-timeout', get('verify-timeout'), DEFAULT_VERIFY_TIMEOUT_SECONDS)
    };
}

/**
 * The action's inputs as the engine's plan — the same plan the CLI's flags
 * make — plus the checks only the action's world has: the workspace a
 * write-method none edit must stay in, the config repository and token.
 */
function actionPlan(inputs, env) {
    const editing = inputs.environments.length > 0 || inputs.targets.length > 0;
    return {
        images: inputs.fromEnvironment
            ? { fromEnvironment: inputs.fromEnvironment, selections: inputs.images }
            : {
                build: {
                    references: inputs.images,
                    buildDigest: inputs.digest,
                    pin: inputs.pin,
                    requireImmutableRepository: inputs.requireImmutableRepository
                }
            },
        policy: inputs.tagPolicy,
        registry: {
            insecureRegistries: inputs.insecureRegistries,
            credentials: inputs.registryCredentials
        },
        environments: inputs.environments,
        targets: inputs.targets,
        configFile: inputs.configFile,
        destination: editing ? destinationOf(inputs, env) : undefined,
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
            draft: inputs.draft,
            autoMerge: inputs.autoMerge
        },
        verifyRender: inputs.verifyRender,
        dryRun: inputs.dryRun,
        allowDowngrade: inputs.allowDowngrade,
        signatures: inputs.signatures,
        attestations: inputs.attestations
    };
}
function destinationOf(inputs, env) {
    if (inputs.writeMethod === 'none') {
        return { kind: 'workspace', root: workspaceRoot(inputs.configPath, env) };
    }
    if (inputs.verify && (!inputs.argocdServer || !inputs.argocdApplication)) {
        // Checked before anything is pushed: bad input writes nothing.
        throw new InputError('Input verify needs argocd-server and argocd-application.', {
            hint: 'Pass the Argo CD URL and the application that deploys the promoted environment, and argocd-token.'
        });
    }
    const repository = inputs.configRepository ?? env.GITHUB_REPOSITORY;
    if (!repository) {
        throw new InputError('Input config-repository is required outside GitHub Actions.', {
            hint: 'Pass the config repository as owner/name.'
        });
    }
    if (!inputs.token) {
        throw new InputError('Input token is empty: promote-image needs a token to write to the config repository.', {
            hint: 'Pass token: ${{ secrets.CONFIG_REPO_TOKEN }} (a GitHub App or fine-grained token) for another repository.'
        });
    }
    return { kind: 'github', repository, method: inputs.writeMethod };
}
/**
 * write-method none: the config repo the workflow checked out. The path must
 * stay inside the workspace, as actions/checkout requires for its own path;
 * its real path, so a symlink in the workspace cannot lead the edit out.
 */
function workspaceRoot(configPath, env) {
    const workspace = realpathSync(env.GITHUB_WORKSPACE ?? process.cwd());
    const given = resolve(workspace, configPath);
    const root = existsSync(given) ? realpathSync(given) : given;
    if (root !== workspace && !root.startsWith(`${workspace}${sep}`)) {
        throw new InputError(`Input config-path ${JSON.stringify(configPath)} leads outside the workspace ${workspace}.`, {
            hint: 'Check the config repository out inside the workspace (actions/checkout path:) and pass that path.'
        });
    }
    return root;
}

/**
 * The action: inputs → plan → engine → outputs, notices and job summary.
 */
const actionLogger = {
    debug: message => debug(message),
    info: message => info(message),
    warning: message => warning(message)
};
async function run() {
    try {
        const inputs = parseInputs(name => getInput(name));
        if (inputs.token)
            setSecret(inputs.token);
        if (inputs.registryCredentials)
            setSecret(inputs.registryCredentials.password);
        if (inputs.argocdToken)
            setSecret(inputs.argocdToken);
        const plan = actionPlan(inputs, process.env);
        const outcome = await runPromotion(plan, {
            logger: actionLogger,
            group: (name, run) => group(name, run),
            onSecret: secret => setSecret(secret),
            env: process.env,
            token: inputs.token || undefined,
            tokenSource: 'input token',
            source: sourceOf(process.env),
            names: ACTION_NAMES
        });
        setOutputs(outcome);
        if (plan.destination) {
            // The config-repo step's own reporting (and Argo CD), loaded only when it ran.
            const step = await import('./chunks/config-repo.js');
            step.logEdits(outcome, inputs.dryRun);
            if (inputs.verify)
                await step.verifyRuns(inputs, outcome.runs, actionLogger);
        }
        if (process.env.GITHUB_STEP_SUMMARY) {
            summary.addRaw(resolutionSummary(outcome.images, inputs.dryRun));
            if (plan.destination)
                summary.addRaw(editSummary(outcome.edits, inputs.dryRun));
            if (plan.destination)
                summary.addRaw(codeChangesSummary(outcome.edits));
            await summary.write();
        }
    }
    catch (error) {
        fail(error);
    }
}
/** The build's workflow run (GITHUB_* of the job), for links and trailers. */
function sourceOf(env) {
    const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
    const repository = env.GITHUB_REPOSITORY;
    const runId = env.GITHUB_RUN_ID;
    return {
        repository,
        sha: env.GITHUB_SHA,
        runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
        serverUrl,
        actor: env.GITHUB_ACTOR
    };
}
function setOutputs({ images, edits, runs }) {
    const files = [...new Set(edits.flatMap(e => e.result.files.map(f => f.file)))];
    setOutput('digest', images.map(i => i.digest).join('\n'));
    setOutput('image-ref', images.map(i => i.pinned).join('\n'));
    setOutput('images', JSON.stringify(imagesOutput(images, edits.flatMap(e => e.codeChanges ?? []))));
    setOutput('changed', String(files.length > 0));
    setOutput('files', JSON.stringify(files));
    // One line per environment, in order.
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
}
function fail(error$1) {
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

/**
 * The action's entry point (action.yml `runs.main: dist/index.js`).
 */
/* istanbul ignore next */
await run();
//# sourceMappingURL=index.js.map
