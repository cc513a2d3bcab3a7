#!/usr/bin/env node
import { I as InputError, C as CLI_NAMES, P as PromoteError, d as describeError } from './chunks/errors.js';
import { resolve as resolve$1, join } from 'node:path';
import { v as verifyRenderMode, d as downgradePolicy, c as checkConfigFile, a as checkHost, t as tagPolicy, p as pinMode, r as runPromotion, i as imagesOutput, b as promotionMode, m as mergeMethod, l as list, D as DEFAULT_VERIFY_TIMEOUT_SECONDS } from './chunks/options.js';
import { parseArgs } from 'node:util';
import 'node:child_process';
import { realpath, readdir, stat, lstat, readFile } from 'node:fs/promises';
import 'node:os';
import 'node:timers/promises';
import { P as PLAN_DEFAULTS, d as distExports, m as matchingMutablePattern, f as firstYamlProblem, D as DEFAULT_TAG_POLICY, M as MAX_FILE_BYTES, c as checkCommitMessageTemplate } from './chunks/plan.js';
import { i as isKustomizationFileName, a as isInsideDirectory } from './chunks/paths.js';
import { p as parseReference, f as formatReference } from './chunks/retry.js';
import { D as DEFAULT_POLL_SECONDS, v as verifyDeployment } from './chunks/verify.js';
import 'node:crypto';
import 'process';
import 'buffer';
import './chunks/_commonjsHelpers.js';

var version = "0.1.0";
var packageJson = {
	version: version};

/**
 * What the CLI's commands share: argument parsing, the resolve flags turned
 * into the plan's policy and registry settings (each checked before the
 * first request), and the ports of a terminal.
 */
/** Flags every command that resolves images shares. */
const COMMON_OPTIONS = {
    'insecure-registry': { type: 'string', multiple: true },
    'mutable-tags': { type: 'string' },
    'allow-tags': { type: 'string' },
    pin: { type: 'string' },
    'registry-username': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' }
};
/** The flags `edit` and `promote` add to them. */
const EDIT_OPTIONS = {
    environment: { type: 'string' },
    target: { type: 'string', multiple: true },
    image: { type: 'string', multiple: true },
    digest: { type: 'string' },
    'config-file': { type: 'string' },
    'verify-render': { type: 'string' },
    'allow-downgrade': { type: 'string' },
    'from-environment': { type: 'string' },
    'dry-run': { type: 'boolean' }
};
/** node:util parseArgs, with its errors turned into usage errors. */
function parseCommandArgs(command, args, options) {
    try {
        return parseArgs({ args, options, allowPositionals: true, strict: true });
    }
    catch (error) {
        throw new InputError(`${command}: ${error.message}`, {
            hint: `Run promote-image ${command} --help for the flags it takes.`
        });
    }
}
/** The plan's policy and registry settings from the resolve flags, and the pin. */
async function resolveSettingsFrom(values, context) {
    const insecureRegistries = (values['insecure-registry'] ?? []).map(host => checkHost('--insecure-registry', host));
    const policy = tagPolicy({ mutableTags: '--mutable-tags', allowTags: '--allow-tags' }, values['mutable-tags'], values['allow-tags']);
    const pin = pinMode('--pin', values.pin);
    const credentials = await credentialsFrom(values, context);
    return { policy, registry: { insecureRegistries, credentials }, pin };
}
/**
 * The plan `edit` and `promote` share, from EDIT_OPTIONS and the resolve flags, every one
 * checked before the first request; each command adds its destination and its own flags.
 */
async function editPlanFrom(values, context) {
    const verifyRender = verifyRenderMode('--verify-render', values['verify-render']);
    const allowDowngrade = downgradePolicy('--allow-downgrade', values['allow-downgrade']);
    const configFile = checkConfigFile('--config-file', values['config-file']);
    const { pin, ...settings } = await resolveSettingsFrom(values, context);
    const references = values.image ?? [];
    const source = values['from-environment'];
    return {
        ...PLAN_DEFAULTS,
        ...settings,
        verifyRender,
        allowDowngrade,
        configFile,
        images: source
            ? { fromEnvironment: source, selections: references }
            : { build: { references, buildDigest: values.digest, pin } },
        environments: values.environment ? [values.environment] : [],
        targets: values.target ?? [],
        dryRun: values['dry-run'] ?? false
    };
}
/** A terminal's ports: logs to stderr, no groups, the token from the environment. */
function terminalPorts(context) {
    return {
        logger: context.logger,
        group: (_name, run) => run(),
        env: context.env,
        token: context.env.PROMOTE_IMAGE_TOKEN ?? context.env.GITHUB_TOKEN,
        tokenSource: 'GITHUB_TOKEN or PROMOTE_IMAGE_TOKEN',
        source: {},
        names: CLI_NAMES
    };
}
/** Passwords never come from argv, where `ps` and shell history would show them. */
async function credentialsFrom(values, context) {
    const username = values['registry-username'];
    if (username === undefined) {
        if (values['password-stdin']) {
            throw new InputError('--password-stdin needs --registry-username.');
        }
        return undefined;
    }
    const password = values['password-stdin']
        ? (await context.readStdin()).replace(/\r?\n$/, '')
        : context.env.PROMOTE_IMAGE_REGISTRY_PASSWORD;
    if (!password) {
        throw new InputError('--registry-username needs a password.', {
            hint: 'Pipe it with --password-stdin, or set PROMOTE_IMAGE_REGISTRY_PASSWORD.'
        });
    }
    return { username, password };
}

const EDIT_USAGE = `Usage: promote-image edit --dir DIR (--environment ENV | --target SPEC...) --image IMAGE... [options]

Resolves each image, then pins it (tag + digest) in a checked-out config repo,
changing only the target values; no git. Prints what changed.

Options:
  --dir DIR                  the config repository's working tree (default: .)
  --environment ENV          an environment of promotion.yaml
  --target SPEC              instead of promotion.yaml (repeatable): kustomize:<dir-or-file>
                             or helm:<values-file>#<key.path>; {name} and {environment} expand
  --image IMAGE              the image as pushed (repeatable)
  --digest D                 the digest the build produced; every image must resolve to it
  --config-file F            promotion config inside DIR (default: promotion.yaml)
  --verify-render MODE       auto (render when kustomize/kubectl exist), true, or false
  --allow-downgrade MODE     warn (default), false (refuse a lower semver tag), or true
  --from-environment ENV     promote what ENV runs (its pinned tag + digest); --image then names
                             repositories without tags
  --dry-run                  print the unified diff and write nothing
  --json                     print a JSON report
  (and the resolve options: --pin, --mutable-tags, --allow-tags, --insecure-registry, …)
`;
async function editCommand(args, context) {
    const { values, positionals } = parseCommandArgs('edit', args, {
        ...COMMON_OPTIONS,
        ...EDIT_OPTIONS,
        dir: { type: 'string' }
    });
    if (values.help) {
        context.stdout(EDIT_USAGE);
        return 0;
    }
    if (positionals.length > 0) {
        throw new InputError(`edit: unexpected argument ${JSON.stringify(positionals[0])}.`, {
            hint: 'Pass images with --image IMAGE.'
        });
    }
    const images = values.image ?? [];
    if (images.length === 0)
        throw new InputError('edit: no --image given.', {
            hint: 'Example: --image ghcr.io/acme/api:v1.4.2'
        });
    if (!values.environment && !values.target?.length) {
        throw new InputError('edit: pass --environment ENV (from promotion.yaml) or --target SPEC.', {
            hint: 'Example: --target kustomize:apps/{name}/overlays/dev'
        });
    }
    const outcome = await runPromotion({
        ...(await editPlanFrom(values, context)),
        destination: { kind: 'workspace', root: resolve$1(values.dir ?? '.') }
    }, terminalPorts(context));
    const result = outcome.edits[0].result;
    if (values.json) {
        context.stdout(`${JSON.stringify(jsonReport(result, imagesOutput(outcome.images)), null, 2)}\n`);
    }
    else if (values['dry-run']) {
        context.stdout(result.diff);
    }
    else {
        context.stdout(describeChanges(result));
    }
    return 0;
}
function describeChanges(result) {
    if (result.files.length === 0)
        return 'Nothing to change: every target already pins these images.\n';
    const lines = result.files.flatMap(f => f.changes.map(c => `${c.file}:${c.line}: ${c.path}: ${c.old ?? '(added)'} → ${c.new ?? '(removed)'}`));
    return `${lines.join('\n')}\n`;
}
function jsonReport(result, images) {
    return {
        images,
        changed: result.files.length > 0,
        written: result.written,
        files: result.files.map(f => ({ file: f.file, changes: f.changes })),
        renders: result.renders,
        diff: result.diff
    };
}

/** What `promote-image lint` reports, and how it prints it. */
function compareFindings(a, b) {
    if (a.file !== b.file)
        return a.file < b.file ? -1 : 1;
    return a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);
}
/** `path:line:col: severity: message (suggestion)`, the shape compilers and editors parse. */
function formatFinding(finding) {
    const { file, line, column, severity, message, suggestion } = finding;
    return `${file}:${line}:${column}: ${severity}: ${message}${suggestion ? ` (${suggestion})` : ''}`;
}
function summarize(findings, files) {
    const errors = findings.filter(f => f.severity === 'error').length;
    return { errors, warnings: findings.length - errors, files };
}
function formatSummary({ errors, warnings, files }) {
    return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}
function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * What every lint rule shares: the state of the file being linted (where
 * findings go, the policy, the per-document caches) and the YAML node helpers
 * that read a document as Kubernetes would: aliases resolved, `<<` merged.
 */
/** A finding at `node`'s first character. */
function report(context, node, finding) {
    const { line, col } = context.lines.linePos(node.range?.[0] ?? 0);
    add(context, line, col, finding);
}
/** One finding per place and problem: an anchored value reached through aliases counts once. */
function add(context, line, column, finding) {
    const key = `${line}:${column}:${finding.problem}:${finding.message}`;
    if (!context.found.has(key))
        context.found.set(key, { file: context.file, line, column, ...finding });
}
function resolve(context, node) {
    if (distExports.isAlias(node))
        return node.resolve(context.doc);
    return node === null || node === undefined ? undefined : node;
}
/**
 * A map's entries by key, aliases resolved and `<<` merge keys applied:
 * explicit keys win over merged ones, earlier merged maps over later ones.
 * Memoized per document, which also stops an alias cycle (`&a {<<: *a}`).
 */
function entries(context, map) {
    const cached = context.entries.get(map);
    if (cached)
        return cached;
    const result = new Map();
    context.entries.set(map, result);
    if (!distExports.isMap(map))
        return result;
    const merged = [];
    for (const pair of map.items) {
        const key = scalarText(pair.key);
        if (typeof key !== 'string' || !distExports.isScalar(pair.key))
            continue;
        const value = resolve(context, pair.value);
        if (key === '<<' && pair.key.type === 'PLAIN' && value !== undefined) {
            const sources = distExports.isSeq(value) ? value.items.map(i => resolve(context, i)) : [value];
            for (const source of sources)
                if (source !== undefined)
                    merged.push(entries(context, source));
        }
        else if (!result.has(key)) {
            result.set(key, { key: pair.key, value });
        }
    }
    for (const fields of merged) {
        for (const [key, entry] of fields)
            if (!result.has(key))
                result.set(key, entry);
    }
    return result;
}
function follow(context, start, path) {
    let current = start;
    for (const key of path) {
        const next = current?.get(key)?.value;
        if (!distExports.isMap(next))
            return undefined;
        current = entries(context, next);
    }
    return current;
}
/**
 * A scalar's text as written: `1.20` stays "1.20" (the parser reads a float),
 * null for an empty value, undefined for anything that is not a scalar.
 */
function scalarText(node) {
    if (!distExports.isScalar(node))
        return undefined;
    if (node.value === null || node.value === undefined)
        return null;
    if (typeof node.value === 'string')
        return node.value;
    return node.source ?? String(node.value);
}
function nonEmpty(text) {
    return typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined;
}
/** Helm/Go templates and `${VAR}` substitutions are filled in later: not ours to judge. */
function isTemplate(text) {
    return text !== undefined && (text.includes('{{') || text.includes('${'));
}
function tryParse(text) {
    try {
        return parseReference(text);
    }
    catch {
        return undefined; // not a reference (a name, a placeholder): nothing to pin
    }
}

const PIN_SUGGESTION = 'push an immutable tag such as v1.4.2 or sha-3f9c2d1 and run promote-image to pin it with its digest';
const NOT_SEEN = 'a new build pushed under it leaves Git unchanged, so Argo CD reports "Synced, 0 updated" while pods keep the old image';
/** An unpinned reference: no tag is an error, else judged by its tag. */
function checkReference(context, at, kind, ref) {
    if (ref.tag !== undefined)
        return checkTagged(context, at, kind, ref);
    report(context, at, {
        severity: 'error',
        kind,
        image: formatReference(ref),
        problem: 'no-tag',
        message: `no tag: "latest" is pulled, a mutable tag; ${NOT_SEEN}`,
        suggestion: PIN_SUGGESTION
    });
}
function checkTagged(context, at, kind, ref) {
    const tag = ref.tag;
    const image = formatReference(ref);
    const pattern = matchingMutablePattern(tag, context.policy);
    if (pattern !== undefined) {
        const matched = pattern.toLowerCase() === tag.toLowerCase() ? '' : ` (matches ${pattern})`;
        report(context, at, {
            severity: 'error',
            kind,
            image,
            problem: 'mutable-tag',
            message: `mutable tag ${tag}${matched}: ${NOT_SEEN}`,
            suggestion: PIN_SUGGESTION
        });
    }
    else if (context.policy.allowTags && !context.policy.allowTags.test(tag)) {
        const { source, name = 'allow-tags' } = context.policy.allowTags;
        report(context, at, {
            severity: 'error',
            kind,
            image,
            problem: 'mutable-tag',
            message: `tag ${tag} does not match ${name} /${source}/`,
            suggestion: `promote a tag that matches ${name}, or widen the pattern`
        });
    }
    else {
        report(context, at, {
            severity: 'warning',
            kind,
            image,
            problem: 'no-digest',
            message: `tag ${tag} has no digest: a re-push under the same tag would not be seen`,
            suggestion: 'run promote-image to pin it'
        });
    }
}

/**
 * Kustomize `images:` entries (kustomization files, Flux Kustomizations) and
 * Argo CD's `kustomize.images` strings: where an overlay sets the tag a base
 * would otherwise use.
 */
function isKustomizationFile(file) {
    return isKustomizationFileName(file.slice(file.lastIndexOf('/') + 1));
}
/**
 * The `name` of every kustomization `images:` entry that sets a tag or
 * digest: Kustomize replaces the image of that name in the bases, so the
 * base's own tag is not what runs. Invalid YAML yields nothing.
 */
function kustomizeTagOverrides(text, file) {
    if (!isKustomizationFile(file))
        return [];
    const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
    const names = [];
    for (const doc of distExports.parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false })) {
        if (firstYamlProblem(doc))
            continue;
        const images = doc.get('images', true);
        if (!distExports.isSeq(images))
            continue;
        for (const item of images.items) {
            const entry = distExports.isAlias(item) ? item.resolve(doc) : item;
            if (!distExports.isMap(entry))
                continue;
            const field = (key) => nonEmpty(scalarText(entry.get(key, true)));
            const name = field('name');
            if (name !== undefined && (field('newTag') ?? field('digest')) !== undefined)
                names.push(name);
        }
    }
    return names;
}
function lintKustomizeImages(context, images) {
    if (!distExports.isSeq(images))
        return;
    for (const item of images.items) {
        const entry = resolve(context, item);
        if (!distExports.isMap(entry))
            continue;
        const fields = entries(context, entry);
        const name = fields.get('name');
        const newName = fields.get('newName');
        const newTag = fields.get('newTag');
        const repository = nonEmpty(scalarText(newName?.value)) ?? nonEmpty(scalarText(name?.value));
        const tag = nonEmpty(scalarText(newTag?.value));
        if (repository === undefined || isTemplate(repository) || isTemplate(tag))
            continue;
        if (nonEmpty(scalarText(fields.get('digest')?.value)) !== undefined)
            continue; // pinned
        if (tag === undefined) {
            const at = name?.value ?? newName?.value ?? entry;
            report(context, at, {
                severity: 'warning',
                kind: 'kustomize',
                image: repository,
                problem: 'no-tag',
                message: "no newTag or digest: the base's tag is used",
                suggestion: 'run promote-image to set newTag and digest, so this overlay pins its own build'
            });
            continue;
        }
        const ref = tryParse(`${repository}:${tag}`);
        if (ref)
            checkTagged(context, newTag.value, 'kustomize', ref);
    }
}
/** Argo CD Application `kustomize.images`: `[name=]newName[:tag][@digest]` strings. */
function lintArgoKustomizeImages(context, images) {
    if (!distExports.isSeq(images))
        return;
    for (const item of images.items) {
        const node = resolve(context, item);
        const text = scalarText(node);
        if (node === undefined || typeof text !== 'string' || isTemplate(text))
            continue;
        const ref = tryParse(text.slice(text.indexOf('=') + 1));
        if (!ref || ref.digest !== undefined)
            continue;
        if (ref.tag === undefined) {
            report(context, node, {
                severity: 'warning',
                kind: 'kustomize',
                image: formatReference(ref),
                problem: 'no-tag',
                message: "no tag or digest: the base's tag is used",
                suggestion: 'run promote-image to pin a tag and digest'
            });
        }
        else {
            checkTagged(context, node, 'kustomize', ref);
        }
    }
}

/**
 * Helm values files: no schema says where images are, so the walk looks for
 * the conventions charts use (`image: {repository, tag}`, `image: repo:tag`,
 * `…Image:`).
 */
/**
 * Walks a values file. Under any key naming an image, a map with
 * `repository` is an image; anywhere, a string under `image` or `…Image` is
 * a whole reference.
 */
function walkHelmValues(context, node, imageContext) {
    const target = resolve(context, node);
    if (target === undefined)
        return;
    const seen = imageContext ? context.seen.image : context.seen.plain;
    if (seen.has(target))
        return;
    seen.add(target);
    if (distExports.isSeq(target)) {
        for (const item of target.items)
            walkHelmValues(context, item, imageContext);
    }
    else if (distExports.isMap(target)) {
        const fields = entries(context, target);
        if (imageContext && fields.has('repository'))
            lintHelmImageMap(context, fields);
        for (const [key, { value }] of fields) {
            if (distExports.isScalar(value)) {
                // Only strings: `allowCustomImage: true` or `image: 42` is a setting, not a reference.
                if ((key === 'image' || key.endsWith('Image')) && typeof value.value === 'string')
                    lintHelmImageString(context, value);
            }
            else {
                walkHelmValues(context, value, imageContext || /image/i.test(key));
            }
        }
    }
}
function lintHelmImageMap(context, fields) {
    const repository = fields.get('repository');
    const tagEntry = fields.get('tag');
    const registry = nonEmpty(scalarText(fields.get('registry')?.value));
    const name = nonEmpty(scalarText(repository.value));
    const tag = nonEmpty(scalarText(tagEntry?.value));
    const digest = nonEmpty(scalarText(fields.get('digest')?.value));
    if (name === undefined || [registry, name, tag, digest].some(isTemplate))
        return;
    const ref = tryParse(`${registry ? `${registry}/` : ''}${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`);
    if (!ref || ref.digest !== undefined)
        return;
    if (ref.tag === undefined) {
        // `tag: ""` (or none) makes most charts fall back to .Chart.AppVersion.
        const value = tagEntry?.value;
        const at = distExports.isScalar(value) && value.value === '' ? value : (tagEntry?.key ?? repository.value);
        report(context, at ?? repository.key, {
            severity: 'warning',
            kind: 'helm',
            image: formatReference(ref),
            problem: 'empty-tag',
            message: `${tagEntry ? 'empty tag' : 'no tag'}: the chart's appVersion is used; pin it`,
            suggestion: 'run promote-image to set tag and digest to the build you mean to run'
        });
        return;
    }
    checkTagged(context, tag !== undefined ? tagEntry.value : repository.value, 'helm', ref);
}
function lintHelmImageString(context, node) {
    const text = scalarText(node);
    if (typeof text !== 'string' || text === '' || isTemplate(text))
        return;
    const ref = tryParse(text);
    if (ref && ref.digest === undefined)
        checkReference(context, node, 'helm', ref);
}

/**
 * Kubernetes manifests: the containers of every workload kind (Lists
 * included), Argo CD Applications' and Flux Kustomizations' image overrides,
 * and imagePullPolicy: IfNotPresent with a mutable tag.
 */
/** Where each workload kind keeps its Pod spec. */
const POD_SPEC_PATHS = {
    Pod: ['spec'],
    PodTemplate: ['template', 'spec'],
    Deployment: ['spec', 'template', 'spec'],
    StatefulSet: ['spec', 'template', 'spec'],
    DaemonSet: ['spec', 'template', 'spec'],
    ReplicaSet: ['spec', 'template', 'spec'],
    ReplicationController: ['spec', 'template', 'spec'],
    Job: ['spec', 'template', 'spec'],
    Rollout: ['spec', 'template', 'spec'], // Argo Rollouts
    CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec']
};
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];
function lintManifest(context, top, apiVersion, kind, depth = 0) {
    if (kind === 'List' || kind.endsWith('List')) {
        const items = top.get('items')?.value;
        if (!distExports.isSeq(items))
            return;
        for (const item of items.items) {
            const resource = resolve(context, item);
            if (!distExports.isMap(resource))
                continue;
            const fields = entries(context, resource);
            const itemApi = scalarText(fields.get('apiVersion')?.value);
            const itemKind = scalarText(fields.get('kind')?.value);
            if (typeof itemApi === 'string' && typeof itemKind === 'string' && depth < 8) {
                lintManifest(context, fields, itemApi, itemKind, depth + 1);
            }
        }
        return;
    }
    if (kind === 'Application' && apiVersion.startsWith('argoproj.io/')) {
        const spec = follow(context, top, ['spec']);
        const sources = [follow(context, spec, ['source'])];
        const list = spec?.get('sources')?.value;
        if (distExports.isSeq(list)) {
            for (const s of list.items) {
                const source = resolve(context, s);
                if (distExports.isMap(source))
                    sources.push(entries(context, source));
            }
        }
        for (const source of sources) {
            lintArgoKustomizeImages(context, follow(context, source, ['kustomize'])?.get('images')?.value);
        }
        return;
    }
    if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
        lintKustomizeImages(context, follow(context, top, ['spec'])?.get('images')?.value);
        return;
    }
    const path = POD_SPEC_PATHS[kind];
    const podSpec = path && follow(context, top, path);
    if (!podSpec)
        return;
    for (const list of CONTAINER_LISTS) {
        const containers = podSpec.get(list)?.value;
        if (!distExports.isSeq(containers))
            continue;
        for (const item of containers.items) {
            const container = resolve(context, item);
            if (distExports.isMap(container))
                lintContainer(context, entries(context, container));
        }
    }
}
function lintContainer(context, container) {
    const node = container.get('image')?.value;
    const text = scalarText(node);
    if (node === undefined || typeof text !== 'string' || isTemplate(text))
        return;
    const ref = tryParse(text);
    if (!ref || ref.digest !== undefined || context.overridden.has(ref.name))
        return;
    const pullPolicy = scalarText(container.get('imagePullPolicy')?.value);
    // Kubernetes defaults to Always only for `:latest` and untagged images.
    const defaulted = ref.tag === undefined || ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
    const mutable = ref.tag === undefined || matchingMutablePattern(ref.tag, context.policy) !== undefined;
    if (mutable && (pullPolicy ?? defaulted) === 'IfNotPresent') {
        const how = pullPolicy === undefined ? ' (the default for a tag other than latest)' : '';
        const tag = ref.tag ?? 'latest (implied: no tag)';
        report(context, node, {
            severity: 'error',
            kind: 'manifest',
            image: formatReference(ref),
            problem: 'pull-policy',
            message: `IfNotPresent${how} with mutable tag ${tag}: nodes keep the cached image and Argo CD shows Synced while pods run the old digest (incident: 'Synced, 0 updated')`,
            suggestion: `${PIN_SUGGESTION}; imagePullPolicy: Always alone would not restart running pods`
        });
        return;
    }
    checkReference(context, node, 'manifest', ref);
}

/**
 * The lint rules: one YAML file's text in, findings out. Pure: no file
 * system, no registry; a reference is judged from its text alone. Each
 * document goes to the rules of its kind: kustomize.ts, manifest.ts, helm.ts.
 */
/**
 * Lints one file. `file` is the path shown in findings; its base name decides
 * whether the file is a kustomization. Malformed YAML becomes an
 * `invalid-yaml` warning for that document, never an exception.
 */
function lintText(text, file, options = {}) {
    // The parser counts a BOM as a character, which would shift line 1's columns.
    const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
    const lines = new distExports.LineCounter();
    // Duplicate keys are found by firstYamlProblem: the library's check is quadratic per map.
    const docs = distExports.parseAllDocuments(source, {
        lineCounter: lines,
        prettyErrors: false,
        uniqueKeys: false
    });
    const context = {
        file,
        lines,
        policy: options.policy ?? DEFAULT_TAG_POLICY,
        overridden: options.overriddenImages ?? new Set(),
        found: new Map(),
        doc: undefined,
        seen: { plain: new Set(), image: new Set() },
        entries: new Map()
    };
    for (const doc of Array.isArray(docs) ? docs : []) {
        context.doc = doc;
        context.seen = { plain: new Set(), image: new Set() };
        context.entries = new Map();
        const error = firstYamlProblem(doc);
        if (error) {
            const { line, col } = lines.linePos(error.offset);
            add(context, line, col, {
                severity: 'warning',
                kind: guessKind(file, source),
                image: '',
                problem: 'invalid-yaml',
                message: `not valid YAML: ${firstLine(error.message)}`,
                suggestion: 'fix the syntax; the rest of this document was not checked'
            });
            continue;
        }
        lintDocument(context, doc.contents);
    }
    return [...context.found.values()].sort(compareFindings);
}
function lintDocument(context, contents) {
    const root = resolve(context, contents);
    if (root === undefined)
        return;
    const top = distExports.isMap(root) ? entries(context, root) : new Map();
    const apiVersion = scalarText(top.get('apiVersion')?.value);
    const kind = scalarText(top.get('kind')?.value);
    if (isKustomizationFile(context.file) || apiVersion?.startsWith('kustomize.config.k8s.io/')) {
        lintKustomizeImages(context, top.get('images')?.value);
    }
    else if (typeof apiVersion === 'string' && typeof kind === 'string') {
        lintManifest(context, top, apiVersion, kind);
    }
    else {
        walkHelmValues(context, root, false);
    }
}
function firstLine(message) {
    return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
/** For a file that does not parse, the kind it would most likely have had. */
function guessKind(file, text) {
    if (isKustomizationFile(file))
        return 'kustomize';
    return /^apiVersion:/m.test(text) && /^kind:/m.test(text) ? 'manifest' : 'helm';
}

/**
 * Finds the files `promote-image lint` reads in a config repo: YAML and
 * `Kustomization`, in sorted order, never through a link that leaves the
 * directory.
 */
function isConfigFileName(name) {
    return /\.ya?ml$/i.test(name) || name === 'Kustomization';
}
/**
 * Walks `root` (which must be a directory). Skips hidden entries (`.git`,
 * `.github`…), `node_modules`, the `templates/` directory of a Helm chart
 * (Go templates, not YAML), and files over MAX_FILE_BYTES. A symbolic link to
 * a file is read only when its target is inside `root`; linked directories
 * are never entered, so there are no cycles and no file is reached twice.
 */
async function walkConfigFiles(root) {
    const realRoot = await realpath(root);
    const files = [];
    const skipped = [];
    const visit = async (rel) => {
        const entries = await readdir(join(realRoot, rel), { withFileTypes: true }).catch((error) => {
            if (rel === '')
                throw error;
            skipped.push({ file: rel, reason: `unreadable (${error.code ?? error.message})` });
            return [];
        });
        const isChart = entries.some(e => e.name === 'Chart.yaml');
        for (const entry of entries) {
            const name = entry.name;
            if (name.startsWith('.') || name === 'node_modules')
                continue;
            const path = rel === '' ? name : `${rel}/${name}`;
            if (entry.isDirectory()) {
                if (isChart && name === 'templates')
                    skipped.push({ file: path, reason: 'Helm templates' });
                else
                    await visit(path);
                continue;
            }
            const absolute = join(realRoot, path);
            let size;
            if (entry.isSymbolicLink()) {
                const target = await realpath(absolute).catch(() => undefined);
                const info = target === undefined ? undefined : await stat(target).catch(() => undefined);
                const isDir = info?.isDirectory() ?? false;
                if (!isDir && !isConfigFileName(name))
                    continue;
                if (target === undefined || info === undefined) {
                    skipped.push({ file: path, reason: 'broken symbolic link' });
                    continue;
                }
                // Both are real paths, as isInsideDirectory needs; the same check as resolveInRepo's.
                if (!isInsideDirectory(realRoot, target)) {
                    skipped.push({ file: path, reason: 'symbolic link to outside the directory' });
                    continue;
                }
                if (isDir) {
                    // Its target is inside the root and walked there: entering it could loop.
                    skipped.push({ file: path, reason: 'linked directory' });
                    continue;
                }
                if (!info.isFile())
                    continue;
                size = info.size;
            }
            else {
                if (!entry.isFile() || !isConfigFileName(name))
                    continue;
                size = (await lstat(absolute)).size;
            }
            if (size > MAX_FILE_BYTES) {
                skipped.push({ file: path, reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` });
                continue;
            }
            files.push(path);
        }
    };
    await visit('');
    files.sort(byPath);
    skipped.sort((a, b) => byPath(a.file, b.file));
    return { files, skipped };
}
/** Code-point order, the same on every machine and locale. */
function byPath(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `promote-image lint`: every mutable or unpinned image reference in a
 * config repo. The rules are pure (rules.ts); this reads the files.
 */
/**
 * Lints a directory (or one file). Paths in the result are `target` joined
 * with the path inside it, so `lint .` prints `apps/…` and `lint /repo`
 * prints `/repo/apps/…`.
 */
async function lintPath(target, options = {}) {
    const info = await stat(target).catch((error) => {
        throw new InputError(`lint: cannot read ${JSON.stringify(target)}: ${error.code ?? error.message}.`, {
            hint: 'Pass the config repository directory (default: the current directory).'
        });
    });
    let candidates;
    const skipped = [];
    if (info.isDirectory()) {
        const walked = await walkConfigFiles(target);
        candidates = walked.files.map(f => join(target, f));
        skipped.push(...walked.skipped.map(s => ({ ...s, file: join(target, s.file) })));
    }
    else if (info.size > MAX_FILE_BYTES) {
        candidates = [];
        skipped.push({ file: target, reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` });
    }
    else {
        candidates = [target];
    }
    const read = [];
    for (const file of candidates) {
        // One at a time (no EMFILE); a file that vanished or is unreadable is skipped, not fatal.
        try {
            read.push({ file, text: await readFile(file, 'utf8') });
        }
        catch (error) {
            const { code, message } = error;
            skipped.push({ file, reason: `unreadable (${code ?? message})` });
        }
    }
    // Two passes: the overlays' images: entries decide which base images they replace.
    const overriddenImages = new Set(read.flatMap(r => kustomizeTagOverrides(r.text, r.file)));
    const findings = read.flatMap(r => lintText(r.text, r.file, { policy: options.policy, overriddenImages }));
    findings.sort(compareFindings);
    const files = read.map(r => r.file);
    return { findings, files, skipped, summary: summarize(findings, files.length) };
}

const LINT_USAGE = `Usage: promote-image lint [DIR] [options]

Reports every image reference in a config repository (default: the current
directory) that Argo CD would not see change when a new build is pushed:
mutable tags (latest, main, …), missing tags, tags without a digest, and
imagePullPolicy: IfNotPresent with a mutable tag. Reads Kustomize images:
entries, Helm values files and Kubernetes manifests; skips hidden
directories, node_modules, Helm chart templates/ and links leaving DIR.

Prints path:line:col: error|warning: message (suggestion), then a summary.
Exits 1 when there is an error, 0 when only warnings (or nothing) are found.
A file that is not valid YAML is a warning, so it cannot hide other findings.

Options:
  --json                     print {findings: [...], summary} instead
  --mutable-tags P,P         tag patterns that are mutable (default: ${['latest', 'main', 'master', '…'].join(', ')})
  --allow-tags REGEX         every tag must match this regular expression
  -v, --verbose              list skipped files on stderr
`;
async function lintCommand(args, context) {
    const { values, positionals } = parseCommandArgs('lint', args, {
        'mutable-tags': COMMON_OPTIONS['mutable-tags'],
        'allow-tags': COMMON_OPTIONS['allow-tags'],
        json: COMMON_OPTIONS.json,
        verbose: COMMON_OPTIONS.verbose,
        help: COMMON_OPTIONS.help
    });
    if (values.help) {
        context.stdout(LINT_USAGE);
        return 0;
    }
    if (positionals.length > 1) {
        throw new InputError(`lint: takes one DIR; got ${positionals.length}.`, {
            hint: 'Run promote-image lint from the config repository, or pass its directory.'
        });
    }
    const result = await lintPath(positionals[0] ?? '.', {
        policy: tagPolicy({ mutableTags: '--mutable-tags', allowTags: '--allow-tags' }, values['mutable-tags'], values['allow-tags'])
    });
    for (const { file, reason } of result.skipped)
        context.logger.debug(`skipped ${file}: ${reason}`);
    if (values.json) {
        const { findings, summary } = result;
        context.stdout(`${JSON.stringify({ findings, summary }, null, 2)}\n`);
    }
    else {
        const lines = [...result.findings.map(formatFinding), formatSummary(result.summary)];
        context.stdout(`${lines.join('\n')}\n`);
    }
    return result.summary.errors > 0 ? 1 : 0;
}

const PROMOTE_USAGE = `Usage: promote-image promote --config-repo URL|PATH (--environment ENV | --target SPEC...) --image IMAGE... [options]

Resolves each image, then commits the pinned references into the config
repository with git (any host; file:// URLs and local paths too): one commit
on the base branch, or a living pull request. A push that loses a race
re-applies the edit on the new head and tries again.

With --environment, the environment's settings in promotion.yaml (read at the
base branch: mode, base-branch, branch, labels, reviewers, team-reviewers,
assignees, draft, auto-merge) apply as in the action; a flag wins over
promotion.yaml, and list flags add to its lists. promote-from in promotion.yaml
is a gate: a fresh build goes into that environment only if the environment it
names already runs the same digest.

Options:
  --config-repo URL|PATH     the config repository (https, ssh, file://, or a path)
  --environment ENV          an environment of promotion.yaml
  --target SPEC              instead of promotion.yaml (repeatable; no settings are read)
  --image IMAGE              the image as pushed (repeatable)
  --mode push|pull-request   default: the environment's mode in promotion.yaml, else push
                             (the action's default is pull-request). A pull request needs a
                             GitHub repository URL: the API is GITHUB_API_URL, else derived from it
  --branch TEMPLATE          pull-request branch (default: the environment's branch, else
                             promote/{environment}/{name})
  --base-branch B            default: the environment's base-branch, else the repository's default
  --commit-message TEMPLATE  the commit subject (first line) and text under it; placeholders
                             {environment}, {name}, {tag}, {digest}, {images}; the list of changes
                             and the Promoted-Image/Source-* trailers are always appended
  --pr-title TEMPLATE        pull-request title ({environment}, {name}, {tag}, {digest}, {images})
  --labels L,…               pull-request labels (repeatable, comma-separated)
  --reviewers U,…            users to request reviews from (repeatable, comma-separated)
  --team-reviewers T,…       team slugs to request reviews from (repeatable, comma-separated)
  --assignees U,…            users to assign (repeatable, comma-separated)
  --draft                    open the pull request as a draft
  --auto-merge METHOD        merge, squash or rebase: enable auto-merge with this method
  --from-environment ENV     promote what ENV runs (its pinned tag + digest); --image then names
                             repositories without tags
  --digest D, --config-file F, --verify-render MODE, --allow-downgrade MODE, --dry-run, --json,
  and the resolve options
The token for https remotes comes from GITHUB_TOKEN or PROMOTE_IMAGE_TOKEN, never from a flag.
`;
async function promoteCommand(args, context) {
    const { values, positionals } = parseCommandArgs('promote', args, {
        ...COMMON_OPTIONS,
        ...EDIT_OPTIONS,
        'config-repo': { type: 'string' },
        mode: { type: 'string' },
        'base-branch': { type: 'string' },
        branch: { type: 'string' },
        'commit-message': { type: 'string' },
        'pr-title': { type: 'string' },
        labels: { type: 'string', multiple: true },
        reviewers: { type: 'string', multiple: true },
        'team-reviewers': { type: 'string', multiple: true },
        assignees: { type: 'string', multiple: true },
        draft: { type: 'boolean' },
        'auto-merge': { type: 'string' }
    });
    if (values.help) {
        context.stdout(PROMOTE_USAGE);
        return 0;
    }
    if (positionals.length > 0) {
        throw new InputError(`promote: unexpected argument ${JSON.stringify(positionals[0])}.`, {
            hint: 'Pass images with --image IMAGE.'
        });
    }
    const configRepo = values['config-repo'];
    if (!configRepo)
        throw new InputError('promote: --config-repo is required.', {
            hint: 'Example: --config-repo https://github.com/acme/gitops-config.git'
        });
    const images = values.image ?? [];
    if (images.length === 0 && !values['from-environment']) {
        throw new InputError('promote: no --image given.', {
            hint: 'Name the images as pushed, or use --from-environment ENV to promote what ENV runs.'
        });
    }
    if (!values.environment && !values.target?.length) {
        throw new InputError('promote: pass --environment ENV (from promotion.yaml) or --target SPEC.');
    }
    const mode = promotionMode('--mode', values.mode);
    const autoMerge = mergeMethod('--auto-merge', values['auto-merge']);
    const commitMessage = checkCommitMessageTemplate('--commit-message', values['commit-message']);
    const flagList = (given) => (given ?? []).flatMap(v => list(v));
    const outcome = await runPromotion({
        ...(await editPlanFrom(values, context)),
        destination: { kind: 'git', url: configRepo },
        baseBranch: values['base-branch'],
        mode,
        defaultMode: 'push',
        branch: values.branch,
        commitMessage,
        pullRequest: {
            title: values['pr-title'],
            labels: flagList(values.labels),
            reviewers: flagList(values.reviewers),
            teamReviewers: flagList(values['team-reviewers']),
            assignees: flagList(values.assignees),
            draft: values.draft || undefined,
            autoMerge
        }
    }, terminalPorts(context));
    const result = outcome.runs[0].result;
    if (values.json) {
        context.stdout(`${JSON.stringify({
            images: imagesOutput(result.images),
            changed: result.edit.files.length > 0,
            commit: result.commit ?? null,
            branch: result.baseBranch,
            attempts: result.attempts,
            files: result.edit.files.map(f => f.file)
        }, null, 2)}\n`);
    }
    else if (values['dry-run']) {
        context.stdout(result.edit.diff);
    }
    else if (result.pullRequest) {
        context.stdout(`${result.pullRequest.url} ${result.pullRequest.operation}\n`);
    }
    else if (result.commit) {
        context.stdout(`${result.commit} ${result.baseBranch}\n`);
    }
    else {
        context.stdout(`Nothing to change on ${result.baseBranch}: every target already pins these images.\n`);
    }
    return 0;
}

const RESOLVE_USAGE = `Usage: promote-image resolve IMAGE... [options]

Resolves each image's tag to its digest in the registry and prints one pinned
reference per line (name:tag@sha256:…). Refuses mutable tags before any
registry request; exits 1 when an image is refused or missing.

Options:
  --digest D                 the digest the build produced; every image must resolve to it
  --json                     print a JSON array (image, tag, digest, ref, …) instead
  --pin digest|tag           what to print: tag + digest (default) or the verified tag only
  --mutable-tags P,P         tag patterns to refuse (default: ${['latest', 'main', 'master', '…'].join(', ')})
  --allow-tags REGEX         every tag must match this regular expression
  --insecure-registry HOST   reach HOST over plain HTTP (repeatable; loopback always is)
  --require-immutable-repository
                             ECR: fail, not warn, when the repository lets the tag be overwritten
  --registry-username U      with --password-stdin or PROMOTE_IMAGE_REGISTRY_PASSWORD
  --password-stdin           read the registry password from standard input
  -v, --verbose              log every registry request decision to stderr
`;
async function resolveCommand(args, context) {
    const { values, positionals } = parseCommandArgs('resolve', args, {
        ...COMMON_OPTIONS,
        digest: { type: 'string' },
        'require-immutable-repository': { type: 'boolean' }
    });
    if (values.help) {
        context.stdout(RESOLVE_USAGE);
        return 0;
    }
    if (positionals.length === 0) {
        throw new InputError('resolve: no IMAGE given.', {
            hint: 'Example: promote-image resolve ghcr.io/acme/api:v1.4.2'
        });
    }
    const { pin, ...settings } = await resolveSettingsFrom(values, context);
    const { images } = await runPromotion({
        ...PLAN_DEFAULTS,
        ...settings,
        images: {
            build: {
                references: positionals,
                buildDigest: values.digest,
                pin,
                requireImmutableRepository: values['require-immutable-repository']
            }
        }
    }, terminalPorts(context));
    if (values.json) {
        const detailed = imagesOutput(images).map((out, i) => ({
            ...out,
            mediaType: images[i].mediaType,
            kind: images[i].kind,
            platforms: images[i].platforms ?? null
        }));
        context.stdout(`${JSON.stringify(detailed, null, 2)}\n`);
    }
    else {
        context.stdout(images.map(i => `${i.pinned}\n`).join(''));
    }
    return 0;
}

const VERIFY_USAGE = `Usage: promote-image verify --argocd-server URL --application NAME [options]

Asks Argo CD to refresh the application, then waits until it is synced at the
promotion commit, Healthy, and its pods run the pinned images. Exits 0 only
then; 1 when Argo CD shows a failure (the pods still run the old digest,
ImagePullBackOff, a failed sync, another revision) or on timeout. Prints one
progress line per poll on stderr.

The Argo CD API token is read from ARGOCD_AUTH_TOKEN, as the argocd CLI does,
never from a flag. It needs \`applications, get\` on the application; not sync.

Options:
  --argocd-server URL        the Argo CD server (default: ARGOCD_SERVER); https,
                             or http on loopback; a bare host means https
  --application NAME         the application; NAMESPACE/NAME outside argocd's namespace
  --revision SHA             the promotion commit (full, or at least 7 hex digits)
  --image REF                a pinned reference that must be running (repeatable),
                             e.g. ghcr.io/acme/api:v1.4.2@sha256:…
  --timeout S                give up after S seconds (default: ${DEFAULT_VERIFY_TIMEOUT_SECONDS})
  --poll S                   seconds between polls (default: ${DEFAULT_POLL_SECONDS})
  --json                     print {ok, revision, images, elapsedSeconds} on success
  -v, --verbose              log every Argo CD request to stderr
`;
async function verifyCommand(args, context) {
    // Flags end up in `ps` and shell history: refuse a token there before anything else.
    const tokenFlag = args.find(a => /^--(argocd-)?(auth-)?token(=|$)/.test(a));
    if (tokenFlag) {
        throw new InputError(`verify: ${tokenFlag.split('=')[0]} is not a flag; tokens never are.`, {
            hint: 'Set ARGOCD_AUTH_TOKEN to the Argo CD API token, as for the argocd CLI.'
        });
    }
    const { values, positionals } = parseCommandArgs('verify', args, {
        'argocd-server': { type: 'string' },
        application: { type: 'string' },
        revision: { type: 'string' },
        image: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        poll: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' }
    });
    if (values.help) {
        context.stdout(VERIFY_USAGE);
        return 0;
    }
    if (positionals.length > 0) {
        throw new InputError(`verify: unexpected argument ${JSON.stringify(positionals[0])}.`, {
            hint: 'Pass images with --image REF (repeatable).'
        });
    }
    const server = values['argocd-server'] ?? context.env.ARGOCD_SERVER;
    if (!server) {
        throw new InputError('verify: no --argocd-server given (nor ARGOCD_SERVER).', {
            hint: 'Example: promote-image verify --argocd-server https://argocd.example.com --application api-prod'
        });
    }
    if (!values.application) {
        throw new InputError('verify: no --application given.', {
            hint: 'Pass the Argo CD application name (argocd app list), NAMESPACE/NAME outside the argocd namespace.'
        });
    }
    const token = context.env.ARGOCD_AUTH_TOKEN || undefined;
    if (!token) {
        context.logger.warning('ARGOCD_AUTH_TOKEN is not set; asking Argo CD without a token.');
    }
    const result = await verifyDeployment({
        server,
        token,
        application: values.application,
        revision: values.revision,
        images: values.image ?? [],
        timeoutSeconds: seconds('--timeout', values.timeout, DEFAULT_VERIFY_TIMEOUT_SECONDS),
        pollSeconds: seconds('--poll', values.poll, DEFAULT_POLL_SECONDS)
    }, context.logger);
    if (values.json) {
        context.stdout(`${JSON.stringify(result, null, 2)}\n`);
    }
    else {
        const images = result.images.length > 0 ? `, running ${result.images.join(', ')}` : '';
        context.stdout(`verified: ${values.application} is Synced and Healthy at ${result.revision}${images}\n`);
    }
    return 0;
}
function seconds(flag, value, fallback) {
    if (value === undefined)
        return fallback;
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) {
        throw new InputError(`verify: ${flag} must be a number of seconds above 0; got ${JSON.stringify(value)}.`);
    }
    return Number(value);
}

// Read at build time: rollup's json plugin inlines it into dist/cli.js.
const USAGE = `Usage: promote-image <command> [options]

Commands:
  resolve IMAGE...   resolve tags to digests and print pinned references
  edit               pin images in a checked-out config repo (Kustomize, Helm), no git
  promote            pin images and commit them to a config repo over git (push)
  lint [DIR]         report mutable or unpinned image references in a config repo
  verify             wait until Argo CD runs the promotion (Synced, Healthy, pinned digest)

Options:
  -h, --help         print this overview
  -V, --version      print the version

Run promote-image COMMAND --help for its options.
`;
const VERSION = packageJson.version;
const COMMANDS = {
    resolve: resolveCommand,
    edit: editCommand,
    promote: promoteCommand,
    lint: lintCommand,
    verify: verifyCommand
};
/** Exit codes: 0 done, 1 refused or failed, 2 usage error. */
async function main(argv, overrides = {}) {
    const verbose = argv.includes('--verbose') || argv.includes('-v') || !!process.env.PROMOTE_IMAGE_DEBUG;
    const context = {
        logger: stderrLogger(verbose),
        stdout: text => process.stdout.write(text),
        readStdin,
        env: process.env,
        ...overrides
    };
    const [command, ...rest] = argv;
    if (command === '--version' || command === '-V') {
        context.stdout(`${VERSION}\n`);
        return 0;
    }
    // `help COMMAND` is `COMMAND --help`; a bare --help is the overview, not every command's usage.
    if (command === 'help' && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0])) {
        return main([rest[0], '--help'], overrides);
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
        context.stdout(USAGE);
        return command === undefined ? 2 : 0;
    }
    // Own keys only: `promote-image toString` is an unknown command, not Object.prototype's.
    const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    try {
        if (!handler) {
            throw new InputError(`Unknown command ${JSON.stringify(command)}.`, {
                hint: `Commands: ${Object.keys(COMMANDS).join(', ')}. Run promote-image --help.`
            });
        }
        return await handler(rest, context);
    }
    catch (error) {
        if (error instanceof PromoteError) {
            process.stderr.write(`promote-image: ${error.describe()}\n`);
            return error instanceof InputError ? 2 : 1;
        }
        process.stderr.write(`promote-image: unexpected error (please report it): ${describeError(error)}\n`);
        return 1;
    }
}
function stderrLogger(verbose) {
    return {
        debug: message => {
            if (verbose)
                process.stderr.write(`debug: ${message}\n`);
        },
        info: message => process.stderr.write(`${message}\n`),
        warning: message => process.stderr.write(`warning: ${message}\n`)
    };
}
async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin)
        chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
}

/**
 * The CLI entry point: `promote-image <command> …`, the same engine as the action.
 */
/* istanbul ignore next */
process.exitCode = await main(process.argv.slice(2));
//# sourceMappingURL=cli.js.map
