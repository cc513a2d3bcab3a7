#!/usr/bin/env node
import { I as InputError, C as CLI_NAMES, P as PromoteError, d as describeError } from './chunks/errors.js';
import { resolve as resolve$1, dirname, join } from 'node:path';
import { v as verifyRenderMode, d as downgradePolicy, c as checkConfigFile, a as checkHost, t as tagPolicy, p as pinMode, b as verificationPolicies, r as runPromotion, i as imagesOutput, e as promotionMode, m as mergeMethod, l as list, D as DEFAULT_VERIFY_TIMEOUT_SECONDS } from './chunks/options.js';
import { p as parseReference, f as formatReference } from './chunks/deadline.js';
import { parseArgs } from 'node:util';
import 'node:child_process';
import { realpath, readdir, stat, lstat, readFile } from 'node:fs/promises';
import 'node:os';
import 'node:timers/promises';
import 'node:crypto';
import { P as PLAN_DEFAULTS, d as distExports, m as mutableTagMatch, f as firstYamlProblem, a as matchingMutablePattern, D as DEFAULT_TAG_POLICY, M as MAX_FILE_BYTES, c as checkCommitMessageTemplate } from './chunks/plan.js';
import 'node:fs';
import { i as isKustomizationFileName, a as isInsideDirectory } from './chunks/client.js';
import 'node:url';
import 'node:http';
import { s as splitKustomizeImage, k as kustomizeImageMatches, a as applyKustomizeImage } from './chunks/kustomize.js';
import { D as DEFAULT_POLL_SECONDS, v as verifyDeployment } from './chunks/verify.js';
import 'process';
import 'buffer';
import './chunks/_commonjsHelpers.js';
import './chunks/index.js';
import 'crypto';
import 'util';
import 'fs';
import './chunks/index2.js';
import 'tty';
import 'os';
import 'child_process';
import 'node:events';
import 'http';
import 'https';
import './chunks/index3.js';
import 'net';
import 'tls';
import 'events';
import 'assert';
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
import 'string_decoder';

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
    'signature-key': { type: 'string' },
    'certificate-identity': { type: 'string' },
    'certificate-identity-regexp': { type: 'string' },
    'certificate-oidc-issuer': { type: 'string' },
    'trusted-root': { type: 'string' },
    'attestation-predicate-type': { type: 'string' },
    'source-repository': { type: 'string' },
    'source-ref': { type: 'string' },
    'signer-workflow': { type: 'string' },
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
    const { signatures, attestations } = verificationPolicies({
        signatureKey: '--signature-key',
        certificateIdentity: '--certificate-identity',
        certificateIdentityRegexp: '--certificate-identity-regexp',
        certificateOidcIssuer: '--certificate-oidc-issuer',
        trustedRoot: '--trusted-root',
        attestationPredicateType: '--attestation-predicate-type',
        sourceRepository: '--source-repository',
        sourceRef: '--source-ref',
        signerWorkflow: '--signer-workflow'
    }, {
        signatureKey: values['signature-key'],
        certificateIdentity: values['certificate-identity'],
        certificateIdentityRegexp: values['certificate-identity-regexp'],
        certificateOidcIssuer: values['certificate-oidc-issuer'],
        trustedRoot: values['trusted-root'],
        attestationPredicateType: values['attestation-predicate-type'],
        sourceRepository: values['source-repository'],
        sourceRef: values['source-ref'],
        signerWorkflow: values['signer-workflow']
    }, context.env.GITHUB_SERVER_URL);
    const credentials = await credentialsFrom(values, context);
    return { policy, registry: { insecureRegistries, credentials }, pin, signatures, attestations };
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
  --target SPEC              instead of promotion.yaml (repeatable): kustomize:<dir-or-file>,
                             helm:<values-file>#<key.path>, manifest:<file-or-dir> or
                             argocd:<application-file>; {name} and {environment} expand
  --image IMAGE              the image as pushed (repeatable)
  --digest D                 the digest the build produced; every image must resolve to it
  --config-file F            promotion config inside DIR (default: promotion.yaml)
  --verify-render MODE       auto (render when kustomize/kubectl exist), true, or false
  --allow-downgrade MODE     warn (default), false (refuse a lower semver tag), or true
  --from-environment ENV     promote what ENV runs (its pinned tag + digest); --image then names
                             repositories without tags
  --dry-run                  print the unified diff and write nothing
  --json                     print a JSON report
  --certificate-identity ID, --certificate-identity-regexp RE2, --certificate-oidc-issuer URL,
  --trusted-root FILE        or a keyless Sigstore bundle by that signer (see resolve --help)
  --attestation-predicate-type URI, --source-repository R, --source-ref REF, --signer-workflow W
                             and a GitHub artifact attestation from that source (see resolve --help)
  --signature-key KEY        refuse an image whose digest has no cosign signature by this public
                             key (PEM file or text), before any edit
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
        context.stdout(`${JSON.stringify(jsonReport(result, imagesOutput(outcome.images, outcome.edits[0]?.codeChanges)), null, 2)}\n`);
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
function summarize(findings, files, skipped = 0) {
    const errors = findings.filter(f => f.severity === 'error').length;
    return { errors, warnings: findings.length - errors, files, skipped };
}
function formatSummary({ errors, warnings, files, skipped }) {
    const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
    return skipped > 0 ? `${counts}; ${skipped} skipped (-v lists them)` : counts;
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
function checkReference(context, at, kind, ref, note = '') {
    if (ref.tag !== undefined)
        return checkTagged(context, at, kind, ref, note);
    report(context, at, {
        severity: 'error',
        kind,
        image: formatReference(ref),
        problem: 'no-tag',
        message: `no tag${note}: "latest" is pulled, a mutable tag; ${NOT_SEEN}`,
        suggestion: PIN_SUGGESTION
    });
}
function checkTagged(context, at, kind, ref, note = '') {
    const tag = ref.tag;
    const image = formatReference(ref);
    const match = mutableTagMatch(tag, context.policy);
    if (match !== undefined) {
        report(context, at, {
            severity: 'error',
            kind,
            image,
            problem: 'mutable-tag',
            message: `mutable tag ${tag}${match.why ? ` (${match.why})` : ''}${note}: ${NOT_SEEN}`,
            suggestion: match.instead
                ? `push a tag that names the build, such as ${match.instead[1]} or ${match.instead[0]}, and run promote-image to pin it with its digest`
                : PIN_SUGGESTION
        });
    }
    else if (context.policy.allowTags && !context.policy.allowTags.test(tag)) {
        const { source, name = 'allow-tags' } = context.policy.allowTags;
        report(context, at, {
            severity: 'error',
            kind,
            image,
            problem: 'mutable-tag',
            message: `tag ${tag}${note} does not match ${name} /${source}/`,
            suggestion: `promote a tag that matches ${name}, or widen the pattern`
        });
    }
    else {
        report(context, at, {
            severity: 'warning',
            kind,
            image,
            problem: 'no-digest',
            message: `tag ${tag}${note} has no digest: a re-push under the same tag would not be seen`,
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
 * Which base images the kustomizations above them pin. A base Deployment with
 * `image: app:latest` is fine when every kustomization that renders it sets
 * the tag or digest of `app` in its `images:`: what runs is the overlay's
 * tag, and the overlay's entry is linted instead. When one overlay (or the
 * base's own kustomization, built alone) leaves the tag as it is, the base's
 * tag runs there, so it is reported.
 *
 * Kustomize's rules, followed here:
 * - an `images:` entry applies when its `name` matches the container's image
 *   string by `image.IsImageMatched` (api/image/image.go): the name is a
 *   regular expression, anchored, followed by an optional `:tag` and
 *   `@sha256:…`. Literal, not normalized: `docker.io/library/nginx` does not
 *   match `nginx:1.0`.
 * - entries apply one after another, each to what the previous left
 *   (`imageTagUpdater.SetImageValue`, api/filters/imagetag/updater.go): a
 *   rename (`newName`) then an entry naming the new name is a chain; newTag
 *   and digest replace both the tag and the digest.
 * - a kustomization's transformers run on what its resources built (inner
 *   kustomizations first), after its components, which run on the parent's
 *   resources (`KustTarget.accumulateComponents`, api/internal/target/kusttarget.go).
 */
/** Paths from a base to its roots beyond this are not followed; the base is then reported. */
const MAX_PATHS = 256;
/**
 * Builds the check from every file read (paths as shown, texts as read).
 * `root` is the repository directory lint was given: Argo CD Applications and
 * Flux Kustomizations name their kustomization by a path from there, and
 * their `images` overrides run on top of it.
 */
function overlayPins(read, root) {
    const kustomizations = new Map();
    const byDir = new Map();
    const controllers = [];
    for (const { file, text } of read) {
        if (!isKustomizationFile(file)) {
            if (root !== undefined)
                controllers.push(...controllerOverrides(text, file, root));
            continue;
        }
        const parsed = parseKustomization(text, file);
        if (parsed === undefined)
            continue;
        kustomizations.set(file, parsed);
        byDir.set(dirname(file), file);
    }
    // Who includes whom: a file or a directory's kustomization, by each kustomization.
    const parents = new Map();
    const shown = new Map();
    for (const { key, file, path, images } of controllers) {
        const child = byDir.get(path);
        if (child === undefined)
            continue;
        // What the controller builds: that kustomization, then its images on top (an approximation
        // of Argo CD's `kustomize edit set image`, which replaces an entry of the same name).
        kustomizations.set(key, { isComponent: false, resources: [], components: [], images });
        shown.set(key, file);
        parents.set(child, [...(parents.get(child) ?? []), key]);
    }
    for (const [file, k] of kustomizations) {
        for (const path of [...k.resources, ...k.components]) {
            const child = byDir.get(path) ?? path;
            if (child === file)
                continue;
            parents.set(child, [...(parents.get(child) ?? []), file]);
        }
    }
    const imagesAt = (file) => {
        const k = kustomizations.get(file);
        if (k.isComponent)
            return []; // a component's entries run at the kustomization using it
        const fromComponents = k.components.flatMap(dir => {
            const component = kustomizations.get(byDir.get(dir) ?? '');
            return component?.isComponent ? component.images : [];
        });
        return [...fromComponents, ...k.images];
    };
    return (file, image) => {
        let roots = 0;
        let unpinnedRoot;
        const climb = (node, value, pinned, path) => {
            if (unpinnedRoot !== undefined || roots > MAX_PATHS)
                return;
            const above = (parents.get(node) ?? []).filter(p => !path.has(p));
            if (above.length === 0) {
                if (kustomizations.get(node)?.isComponent || node === file)
                    return; // never built alone
                roots++;
                if (!pinned)
                    unpinnedRoot = node;
                return;
            }
            for (const parent of above) {
                let next = value;
                let nextPinned = pinned;
                for (const entry of imagesAt(parent)) {
                    const applied = applyEntry(next, entry);
                    if (applied === undefined)
                        continue;
                    next = applied;
                    nextPinned ||= entry.newTag !== undefined || entry.digest !== undefined;
                }
                climb(parent, next, nextPinned, new Set([...path, parent]));
            }
        };
        climb(file, image, false, new Set([file]));
        const pinned = roots > 0 && roots <= MAX_PATHS && unpinnedRoot === undefined;
        return { pinned, keptBy: unpinnedRoot && (shown.get(unpinnedRoot) ?? unpinnedRoot) };
    };
}
/**
 * The kustomize image overrides of Argo CD Applications (`spec.source(s)`
 * with `path` and `kustomize.images`, `[name=]newName[:tag][@digest]`
 * strings) and Flux Kustomizations (`spec.path`, `spec.images` entries).
 */
function controllerOverrides(text, file, root) {
    const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
    const found = [];
    for (const doc of distExports.parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false })) {
        if (firstYamlProblem(doc))
            continue;
        const apiVersion = scalarText(doc.get('apiVersion', true));
        const kind = scalarText(doc.get('kind', true));
        const add = (path, images) => {
            const text = nonEmpty(scalarText(path));
            if (text === undefined || isTemplate(text) || images.length === 0)
                return;
            found.push({ key: `${file}#${found.length}`, file, path: join(root, text), images });
        };
        if (kind === 'Application' && apiVersion?.startsWith('argoproj.io/')) {
            const list = doc.getIn(['spec', 'sources'], true);
            const sources = [doc.getIn(['spec', 'source'], true), ...(distExports.isSeq(list) ? list.items : [])];
            for (const source of sources) {
                if (!distExports.isMap(source))
                    continue;
                const images = source.getIn(['kustomize', 'images'], true);
                const entries = (distExports.isSeq(images) ? images.items : []).flatMap(item => {
                    const text = nonEmpty(scalarText(item));
                    return text === undefined || isTemplate(text) ? [] : [argoImage(text)];
                });
                add(source.get('path', true), entries);
            }
        }
        else if (kind === 'Kustomization' && apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/')) {
            add(doc.getIn(['spec', 'path'], true), imageEntries(doc.getIn(['spec', 'images'], true), doc));
        }
    }
    return found;
}
/** `images:` entries as written: `newTag: 1.20` is the tag "1.20", not the number 1.2. */
function imageEntries(list, doc) {
    const images = [];
    for (const item of distExports.isSeq(list) ? list.items : []) {
        const entry = distExports.isAlias(item) ? item.resolve(doc) : item;
        if (!distExports.isMap(entry))
            continue;
        const field = (key) => {
            const text = nonEmpty(scalarText(entry.get(key, true)));
            return isTemplate(text) ? undefined : text;
        };
        const name = field('name');
        if (name === undefined)
            continue;
        images.push({
            name,
            newName: field('newName'),
            newTag: field('newTag'),
            digest: field('digest')
        });
    }
    return images;
}
/** Argo CD's `[name=]newName[:tag][@digest]`, as `kustomize edit set image` reads it. */
function argoImage(text) {
    const eq = text.indexOf('=');
    const { name, tag, digest } = splitKustomizeImage(text.slice(eq + 1));
    return eq === -1
        ? { name, newTag: tag, digest }
        : { name: text.slice(0, eq), newName: name, newTag: tag, digest };
}
function parseKustomization(text, file) {
    const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
    const doc = distExports.parseAllDocuments(source, { prettyErrors: false, uniqueKeys: false })[0];
    if (doc === undefined || firstYamlProblem(doc))
        return undefined;
    const json = doc.toJS({ maxAliasCount: 1000 });
    if (json === null || typeof json !== 'object' || Array.isArray(json))
        return undefined;
    const top = json;
    const dir = dirname(file);
    const paths = (key) => (Array.isArray(top[key]) ? top[key] : [])
        .filter((p) => typeof p === 'string' && !/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(p))
        .map(p => join(dir, p));
    const images = imageEntries(doc.get('images', true), doc);
    return {
        isComponent: top.kind === 'Component',
        // `bases:` is the deprecated spelling of directory resources.
        resources: [...paths('resources'), ...paths('bases')],
        components: paths('components'),
        images
    };
}
/** The image string after one `images:` entry, or undefined when the entry does not apply. */
function applyEntry(image, entry) {
    return kustomizeImageMatches(image, entry.name) ? applyKustomizeImage(image, entry) : undefined;
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
 * Argo CD Application `spec.source.helm.parameters`: `--set`-style
 * `{name, value}` pairs. A `…tag` parameter is the tag of the image whose
 * `…repository` sits beside it (same prefix); an `…image` parameter is a
 * whole reference. Parameters override the values files (Argo CD passes them
 * to `helm template` as --set), so they are what runs.
 */
function lintArgoHelmParameters(context, list) {
    if (!distExports.isSeq(list))
        return;
    const parameters = [];
    for (const item of list.items) {
        const parameter = resolve(context, item);
        if (!distExports.isMap(parameter))
            continue;
        const fields = entries(context, parameter);
        const name = nonEmpty(scalarText(fields.get('name')?.value));
        const node = fields.get('value')?.value;
        const value = nonEmpty(scalarText(node));
        if (name === undefined || node === undefined || value === undefined || isTemplate(value))
            continue;
        // `--set image.enabled=true`-style settings are not references.
        if (/^(true|false|null|\d+)$/i.test(value) && !name.endsWith('tag'))
            continue;
        parameters.push({ name, value, node });
    }
    const byName = new Map(parameters.map(p => [p.name, p]));
    for (const { name, value, node } of parameters) {
        if (name === 'tag' || name.endsWith('.tag')) {
            const prefix = name.slice(0, -'tag'.length);
            const repository = byName.get(`${prefix}repository`)?.value;
            const registry = byName.get(`${prefix}registry`)?.value;
            if (byName.has(`${prefix}digest`) || [repository, registry].some(isTemplate))
                continue;
            // Without a repository parameter the chart's values name it; the prefix stands in.
            const repo = repository ?? (prefix.replace(/\.$/, '') || 'image');
            const ref = tryParse(`${registry ? `${registry}/` : ''}${repo}:${value}`);
            if (ref)
                checkTagged(context, node, 'helm', ref);
        }
        else if (name === 'image' || name.endsWith('.image') || name.endsWith('Image')) {
            const ref = tryParse(value);
            if (ref && ref.digest === undefined)
                checkReference(context, node, 'helm', ref);
        }
    }
}

/**
 * Helm values written as a YAML string inside a manifest: Argo CD's
 * `spec.source.helm.values: |`. Parsed and walked as a values file; each
 * finding is moved to where its text sits in the manifest. Only literal block
 * scalars (`|`, `|-`, `|+`) keep lines and columns one to one; other string
 * styles are not read (their line breaks and escapes are rewritten).
 */
function lintEmbeddedValues(context, node) {
    if (!distExports.isScalar(node) || node.type !== distExports.Scalar.BLOCK_LITERAL || typeof node.value !== 'string')
        return;
    if (node.range === undefined || node.range === null)
        return;
    // The content starts on the line after the `|` header; its indentation is that of the
    // first non-blank content line (YAML's own rule for an implicit indentation indicator).
    const headerEnd = context.source.indexOf('\n', node.range[0]);
    if (headerEnd === -1)
        return;
    const firstLine = context.lines.linePos(headerEnd + 1).line;
    const indent = /^(?:[ ]*\r?\n)*([ ]*)/.exec(context.source.slice(headerEnd + 1))[1].length;
    const lines = new distExports.LineCounter();
    const inner = {
        ...context,
        source: node.value,
        lines,
        found: new Map(),
        seen: { plain: new Set(), image: new Set() },
        entries: new Map()
    };
    const docs = distExports.parseAllDocuments(node.value, {
        lineCounter: lines,
        prettyErrors: false,
        uniqueKeys: false
    });
    for (const doc of Array.isArray(docs) ? docs : []) {
        if (firstYamlProblem(doc))
            continue; // Argo CD would fail to render: not ours to report here
        inner.doc = doc;
        inner.seen = { plain: new Set(), image: new Set() };
        inner.entries = new Map();
        if (doc.contents)
            walkHelmValues(inner, doc.contents, false);
    }
    for (const finding of inner.found.values()) {
        const { line, column, file: _file, ...rest } = finding;
        add(context, firstLine + line - 1, indent + column, rest);
    }
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
    if (apiVersion.startsWith('argoproj.io/') &&
        (kind === 'Application' || kind === 'ApplicationSet')) {
        // An ApplicationSet's template holds an Application spec.
        const spec = follow(context, top, kind === 'Application' ? ['spec'] : ['spec', 'template', 'spec']);
        for (const source of argoSources(context, spec))
            lintArgoSource(context, source);
        return;
    }
    if (kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
        lintKustomizeImages(context, follow(context, top, ['spec'])?.get('images')?.value);
        return;
    }
    if (kind === 'HelmRelease' && apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
        // Inline values, read as a values file is (Flux helm-controller passes them to the chart).
        const values = follow(context, top, ['spec'])?.get('values')?.value;
        if (values !== undefined)
            walkHelmValues(context, values, false);
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
    if (!ref || ref.digest !== undefined)
        return;
    const overlays = context.pinnedByOverlays(context.file, text);
    if (overlays.pinned)
        return;
    // Some overlays pin it, but this one renders the base's tag: say which, or the finding puzzles.
    const keptBy = overlays.keptBy && ` (${overlays.keptBy} keeps this tag)`;
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
            message: `IfNotPresent${how} with mutable tag ${tag}${keptBy ?? ''}: nodes keep the cached image and Argo CD shows Synced while pods run the old digest (incident: 'Synced, 0 updated')`,
            suggestion: `${PIN_SUGGESTION}; imagePullPolicy: Always alone would not restart running pods`
        });
        return;
    }
    checkReference(context, node, 'manifest', ref, keptBy);
}
/** `spec.source` and every entry of `spec.sources` (multi-source Applications). */
function argoSources(context, spec) {
    const sources = [];
    const single = follow(context, spec, ['source']);
    if (single)
        sources.push(single);
    const list = spec?.get('sources')?.value;
    if (distExports.isSeq(list)) {
        for (const item of list.items) {
            const source = resolve(context, item);
            if (distExports.isMap(source))
                sources.push(entries(context, source));
        }
    }
    return sources;
}
/** What an Argo CD source overrides: kustomize.images, helm.parameters, helm.valuesObject. */
function lintArgoSource(context, source) {
    lintArgoKustomizeImages(context, follow(context, source, ['kustomize'])?.get('images')?.value);
    const helm = follow(context, source, ['helm']);
    lintArgoHelmParameters(context, helm?.get('parameters')?.value);
    const valuesObject = helm?.get('valuesObject')?.value;
    if (valuesObject !== undefined)
        walkHelmValues(context, valuesObject, false);
    lintEmbeddedValues(context, helm?.get('values')?.value);
}

/**
 * Which YAML lint reads. A document is Kubernetes when it has `apiVersion`
 * and `kind` strings; a kustomization by its file name or apiVersion; Helm
 * values by where it lives or how it spells images. Anything else (a
 * docker-compose file, a CI pipeline, an Ansible playbook, an OpenAPI spec)
 * holds `image:` keys that no GitOps controller deploys: it is skipped with
 * a note naming what it looks like, never reported.
 */
/** Top-level keys of a Compose file (compose-spec's schema); `x-*` are extensions. */
const COMPOSE_KEYS = new Set([
    'version',
    'name',
    'include',
    'services',
    'networks',
    'volumes',
    'configs',
    'secrets',
    'models'
]);
/**
 * What a document without apiVersion and kind looks like, by its top-level
 * keys; undefined when it may be Helm values. Each test names keys only that
 * format uses together, so a values file is not mistaken for one.
 */
const OTHER_FORMATS = [
    [
        'docker-compose',
        top => distExports.isMap(top.get('services')?.value) &&
            [...top.keys()].every(key => COMPOSE_KEYS.has(key) || key.startsWith('x-'))
    ],
    ['GitHub Actions workflow', top => top.has('on') && distExports.isMap(top.get('jobs')?.value)],
    ['GitHub Action metadata', top => top.has('name') && distExports.isMap(top.get('runs')?.value)],
    ['GitLab CI', top => distExports.isSeq(top.get('stages')?.value) || hasJob(top, 'script', 'stage')],
    ['CircleCI config', top => top.has('version') && (top.has('workflows') || top.has('orbs'))],
    [
        'Azure Pipelines',
        top => (top.has('trigger') || top.has('pool') || top.has('pr')) &&
            ['steps', 'jobs', 'stages'].some(key => distExports.isSeq(top.get(key)?.value))
    ],
    ['Bitbucket Pipelines', top => distExports.isMap(top.get('pipelines')?.value)],
    ['Travis CI', top => top.has('language') && (top.has('script') || top.has('install'))],
    [
        'a build pipeline (Cloud Build, Drone, Buildkite…)',
        top => distExports.isSeq(top.get('steps')?.value) && !top.has('image')
    ],
    ['OpenAPI', top => top.has('openapi') || top.has('swagger')],
    ['AsyncAPI', top => top.has('asyncapi')],
    ['Taskfile', top => top.has('version') && distExports.isMap(top.get('tasks')?.value)],
    ['MkDocs', top => top.has('site_name')],
    [
        'Helm chart metadata',
        top => top.has('apiVersion') && top.has('name') && top.has('version') && !top.has('kind')
    ]
];
/** A top-level map entry holding every one of `keys` (a CI job). */
function hasJob(top, ...keys) {
    return [...top.values()].some(({ value }) => distExports.isMap(value) && keys.every(key => value.has(key)));
}
/** Helm's own files beside values.yaml that are not values. */
const CHART_FILES = new Set(['Chart.yaml', 'Chart.lock', 'requirements.yaml', 'requirements.lock']);
/**
 * How to read one document (`root` with aliases resolved, `top` its entries).
 * `file` is the path as shown; `inChart` says a Chart.yaml sits beside it.
 */
function readingOf(context, root, top, inChart) {
    const apiVersion = scalarText(top.get('apiVersion')?.value);
    const kind = scalarText(top.get('kind')?.value);
    const name = context.file.slice(context.file.lastIndexOf('/') + 1);
    if (apiVersion?.startsWith('kustomize.config.k8s.io/'))
        return { as: 'kustomize' };
    if (typeof apiVersion === 'string' && typeof kind === 'string')
        return { as: 'manifest' };
    if (distExports.isScalar(root))
        return { as: 'skip', reason: 'not Kubernetes YAML (a scalar)' };
    if (distExports.isSeq(root)) {
        // Helm values are a map; a list at the top is Ansible tasks, a JSON patch, …
        const what = isAnsible(context, root) ? 'Ansible' : 'a list at the top';
        return { as: 'skip', reason: `not Kubernetes YAML (${what})` };
    }
    if (CHART_FILES.has(name))
        return { as: 'skip', reason: 'Helm chart metadata' };
    if (/^promotion\.ya?ml$/.test(name) && top.has('environments'))
        return { as: 'skip', reason: "promote-image's own configuration" };
    const format = OTHER_FORMATS.find(([, test]) => test(top))?.[0];
    if (format !== undefined)
        return { as: 'skip', reason: `not Kubernetes YAML (${format})` };
    if (inChart || looksLikeValuesFile(context.file) || hasImageMap(context, root, false, new Set()))
        return { as: 'helm' };
    return {
        as: 'skip',
        reason: 'not Kubernetes YAML (no apiVersion and kind) and not Helm values (not named *values*, not beside a Chart.yaml, no image: {repository: …} map)'
    };
}
/** `values.yaml`, `values-prod.yaml`, `prod.values.yml`, `values/prod.yaml`. */
function looksLikeValuesFile(file) {
    const parts = file.split('/');
    return parts.slice(-2).some(part => /values/i.test(part));
}
function isAnsible(context, list) {
    if (!distExports.isSeq(list))
        return false;
    const keys = ['hosts', 'tasks', 'roles', 'import_playbook', 'include_tasks', 'ansible.builtin'];
    return list.items.some(item => {
        const play = resolve(context, item);
        if (!distExports.isMap(play))
            return false;
        return [...entries(context, play).keys()].some(key => keys.some(k => key === k || key.startsWith(`${k}.`)));
    });
}
/** The Helm chart convention `image: {repository: …}` (any key naming an image) anywhere below. */
function hasImageMap(context, node, imageKey, seen) {
    // Each node once (per context is enough: a repository under it is found either way).
    if (seen.has(node))
        return false;
    seen.add(node);
    if (distExports.isSeq(node)) {
        return node.items.some(item => {
            const target = resolve(context, item);
            return target !== undefined && hasImageMap(context, target, imageKey, seen);
        });
    }
    if (!distExports.isMap(node))
        return false;
    const fields = entries(context, node);
    if (imageKey && fields.has('repository'))
        return true;
    return [...fields].some(([key, { value }]) => value !== undefined && hasImageMap(context, value, imageKey || /image/i.test(key), seen));
}

/**
 * The lint rules: one YAML file's text in, findings out. Pure: no file
 * system, no registry; a reference is judged from its text alone. Each
 * document goes to the rules of its kind: kustomize.ts, manifest.ts, helm.ts.
 */
/** lintText, saying also when the file held nothing lint reads (a docker-compose file…). */
function lintFile(text, file, options = {}) {
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
        source,
        lines,
        policy: options.policy ?? DEFAULT_TAG_POLICY,
        pinnedByOverlays: options.pinnedByOverlays ?? (() => ({ pinned: false })),
        found: new Map(),
        doc: undefined,
        seen: { plain: new Set(), image: new Set() },
        entries: new Map()
    };
    const inChart = options.chartDirs?.has(dirname(file)) ?? false;
    const skips = [];
    let read = 0;
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
            read++;
            continue;
        }
        const skip = lintDocument(context, doc.contents, inChart);
        if (skip === undefined)
            read++;
        else
            skips.push(skip);
    }
    const findings = [...context.found.values()].sort(compareFindings);
    return read === 0 && skips.length > 0 ? { findings, skipped: skips[0] } : { findings };
}
/** Lints one document; returns why it was skipped, or undefined when it was read (or empty). */
function lintDocument(context, contents, inChart) {
    const root = resolve(context, contents);
    if (root === undefined || (distExports.isScalar(root) && root.value === null))
        return undefined;
    const top = distExports.isMap(root) ? entries(context, root) : new Map();
    const reading = isKustomizationFile(context.file)
        ? { as: 'kustomize' }
        : readingOf(context, root, top, inChart);
    switch (reading.as) {
        case 'kustomize':
            lintKustomizeImages(context, top.get('images')?.value);
            return undefined;
        case 'manifest':
            lintManifest(context, top, scalarText(top.get('apiVersion')?.value), scalarText(top.get('kind')?.value));
            return undefined;
        case 'helm':
            walkHelmValues(context, root, false);
            return undefined;
        case 'skip':
            return reading.reason;
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
    const pinnedByOverlays = overlayPins(read, info.isDirectory() ? target : undefined);
    const chartDirs = await chartDirectories(info.isDirectory() ? read.map(r => r.file) : candidates);
    const findings = [];
    const files = [];
    for (const { file, text } of read) {
        const result = lintFile(text, file, { policy: options.policy, pinnedByOverlays, chartDirs });
        findings.push(...result.findings);
        if (result.skipped === undefined)
            files.push(file);
        else
            skipped.push({ file, reason: result.skipped });
    }
    findings.sort(compareFindings);
    skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    return { findings, files, skipped, summary: summarize(findings, files.length, skipped.length) };
}
/** The directories of `files` that hold a Chart.yaml: their other YAML files are Helm values. */
async function chartDirectories(files) {
    const dirs = new Set();
    for (const dir of new Set(files.map(dirname))) {
        const chart = await stat(join(dir, 'Chart.yaml')).catch(() => undefined);
        if (chart?.isFile())
            dirs.add(dir);
    }
    return dirs;
}

const LINT_USAGE = `Usage: promote-image lint [DIR] [options]

Reports every image reference in a config repository (default: the current
directory) that Argo CD would not see change when a new build is pushed:
mutable tags (latest, main, …), missing tags, tags without a digest, and
imagePullPolicy: IfNotPresent with a mutable tag. Reads Kustomize images:
entries, Helm values files and Kubernetes manifests (Argo CD Applications and
Flux HelmReleases included); skips hidden directories, node_modules, Helm
chart templates/, links leaving DIR, and YAML that is neither Kubernetes nor
Helm values (docker-compose, CI pipelines, Ansible, OpenAPI…): those are
counted in the summary and listed with -v, never reported.

Prints path:line:col: error|warning: message (suggestion), then a summary.
Exits 1 when there is an error, 0 when only warnings (or nothing) are found.
A file that is not valid YAML is a warning, so it cannot hide other findings.

Options:
  --json                     print {findings: [...], skipped: [...], summary} instead
  --mutable-tags P,P         tag patterns that are mutable (default: ${['latest', 'main', 'master', '…'].join(', ')})
  --allow-tags REGEX         every tag must match this regular expression
  -v, --verbose              list skipped files, with why, on stderr
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
        const { findings, skipped, summary } = result;
        context.stdout(`${JSON.stringify({ findings, skipped, summary }, null, 2)}\n`);
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
  --certificate-identity ID, --certificate-identity-regexp RE2, --certificate-oidc-issuer URL,
  --trusted-root FILE        or a keyless Sigstore bundle by that signer (see resolve --help)
  --attestation-predicate-type URI, --source-repository R, --source-ref REF, --signer-workflow W
                             and a GitHub artifact attestation from that source (see resolve --help)
  --signature-key KEY        refuse an image whose digest has no cosign signature by this public
                             key (PEM file or text), before any edit or write request
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
            images: imagesOutput(result.images, outcome.edits[0]?.codeChanges),
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
  --signature-key KEY        refuse an image whose digest has no cosign signature by this public
                             key (cosign.pub, or its PEM text: --signature-key="$(cat cosign.pub)");
                             checked before anything is printed or written
  --certificate-identity ID, --certificate-identity-regexp RE2, --certificate-oidc-issuer URL,
  --trusted-root FILE        instead: refuse an image whose digest has no keyless Sigstore bundle
                             (cosign v3: OCI referrers, else the sha256-<hex> tag) by that signer,
                             verified against the trusted_root.json (default: Sigstore's
                             public-good root, fetched through TUF)
  --attestation-predicate-type URI, --source-repository OWNER/REPO, --source-ref REF,
  --signer-workflow OWNER/REPO/.github/workflows/F.yml
                             refuse an image whose digest has no GitHub artifact attestation
                             (actions/attest: OCI referrer, else GitHub's attestations API of
                             --source-repository with GITHUB_TOKEN) of that predicate type (default
                             https://slsa.dev/provenance/v1) from that source, signed by
                             --certificate-identity(-regexp), else that workflow, else any workflow
                             of that repository; with --trusted-root
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
