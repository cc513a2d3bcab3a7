import { readdir, lstat, readlink, readFile, realpath, stat, access, mkdir, cp, symlink, writeFile, mkdtemp, rm, rename } from 'node:fs/promises';
import path, { join, isAbsolute, resolve, posix, dirname } from 'node:path';
import { setTimeout as setTimeout$1 } from 'node:timers/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { i as isKustomizationFileName, K as KUSTOMIZATION_FILE_NAMES, M as MAX_LINK_HOPS, l as linkTargetInRepo, s as simpleGit, c as createOctokit, b as status, d as resolveInRepo, e as MissingPathError, f as findKustomization, g as realRelativePath } from './client.js';
import { pathToFileURL } from 'node:url';
import 'node:http';
import { p as parseReference, d as canonicalRepository, e as canonicalRepositoryOf, b as backoffDelay, g as repositoryName, h as repositoryNameOf } from './deadline.js';
import { a as codeChangesSection, s as sameSource } from './changes.js';
import { c as changesTouch, a as answerStands, b as configRepositoryOf } from './destination.js';
import { a as RenderError, E as EditError, A as ACTION_NAMES, b as PolicyError, P as PromoteError, I as InputError, c as ConfigError } from './errors.js';
import { d as distExports, q as pLimit, s as formatKeyPath, t as stringAt, w as lineOf, x as parseYaml, y as findPair, z as formatScalar, A as columnOf, B as insertLines, C as applyVerified, E as MapEdits, F as parseKeyPath, G as nodeAt, H as semver, b as code, I as nameOf, J as shortDigest, K as oneLine, p as provenanceWords, L as expandCommitMessage, i as itemWithSublist, e as escapeText, N as chartPrefixesDigest, O as editHelmValues, Q as parseTargetSpec, R as parsePromotionConfig, S as environmentOf, T as expandTargets, U as findManifestFiles, V as locateHelmChart, W as readArgoPin, X as readManifestPin, Y as readKustomizationPin, Z as readHelmPin, _ as editArgoApplication, $ as editManifests, a0 as manifestFilesIn, g as DEFAULT_BRANCH_TEMPLATE, a1 as imagesFor, k as attestationContextOf } from './plan.js';
import 'node:util';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { createHash } from 'node:crypto';
import { a as applyKustomizeImage, k as kustomizeImageMatches, s as splitKustomizeImage } from './kustomize.js';
import 'fs';
import './index2.js';
import 'tty';
import 'util';
import 'os';
import './_commonjsHelpers.js';
import 'child_process';
import 'node:events';
import 'http';
import 'https';
import './index3.js';
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
import 'process';
import 'buffer';
import './index.js';
import 'crypto';

function fsTreeReader(root) {
    return {
        async type(rel) {
            const absolute = path.join(root, rel);
            try {
                const stats = await lstat(absolute);
                if (!stats.isFile() && !stats.isDirectory())
                    return 'other';
                if ((await realpath(absolute)) !== absolute.replace(/[\\/]+$/, ''))
                    return 'other';
                return stats.isFile() ? 'file' : 'dir';
            }
            catch (error) {
                const code = error.code;
                return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'other';
            }
        },
        read: rel => readFile(path.join(root, rel), 'utf8'),
        async linkOn(rel) {
            const parts = rel.split('/');
            for (let i = 1; i <= parts.length; i++) {
                const prefix = parts.slice(0, i).join('/');
                const stats = await lstat(path.join(root, prefix)).catch(() => undefined);
                if (stats?.isSymbolicLink())
                    return { path: prefix, target: await readlink(path.join(root, prefix)) };
                if (!stats?.isDirectory())
                    return undefined;
            }
            return undefined;
        },
        list: async (dir) => (await readdir(path.join(root, dir)).catch(() => [])).map(name => dir ? `${dir.replace(/\/$/, '')}/${name}` : name)
    };
}

const CONTAINER_TYPES = new Set([
    'containers',
    'initContainers',
    'ephemeralContainers'
]);
/**
 * Every container image of the workloads in renderer output (multi-document
 * YAML), in document order; inside a pod spec, in the order its container
 * lists appear. Documents without workloads (Services, ConfigMaps, empty
 * documents) contribute nothing; `List` kinds contribute their items.
 */
function extractImages(renderedYaml) {
    const images = [];
    for (const object of renderedObjects(renderedYaml))
        collect(object, image => images.push(image));
    return images;
}
/**
 * The images of renderer output that holds several targets at once, grouped by the value of
 * `annotation` on each workload (in document order within a group). `undefined` when a
 * workload lacks the annotation, so that no image is ever put down to the wrong target.
 */
function extractImagesByAnnotation(renderedYaml, annotation) {
    const groups = new Map();
    let unattributed = false;
    for (const object of renderedObjects(renderedYaml)) {
        collect(object, (image, workload) => {
            const value = field(field(workload, 'metadata'), 'annotations')?.[annotation];
            if (typeof value !== 'string')
                unattributed = true;
            else if (groups.has(value))
                groups.get(value).push(image);
            else
                groups.set(value, [image]);
        });
    }
    return unattributed ? undefined : groups;
}
function* renderedObjects(renderedYaml) {
    for (const doc of distExports.parseAllDocuments(renderedYaml)) {
        const error = doc.errors[0];
        if (error) {
            throw new RenderError(`The renderer printed YAML that cannot be parsed: ${error.message}`, {
                hint: 'This is a bug in the renderer or in a chart template; run it by hand to see the output.'
            });
        }
        // toJS keeps its default alias cap: chart templates may hold anchors, never need many.
        yield doc.toJS();
    }
}
function collect(object, push) {
    if (!isObject$3(object))
        return;
    const kind = typeof object.kind === 'string' ? object.kind : '';
    if (Array.isArray(object.items) && (kind === 'List' || kind.endsWith('List'))) {
        for (const item of object.items)
            collect(item, push);
        return;
    }
    // kustomize's images transformer skips CRDs: their schemas describe containers, hold none.
    if (kind === 'CustomResourceDefinition')
        return;
    const metadata = isObject$3(object.metadata) ? object.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== ''
        ? metadata.namespace
        : undefined;
    for (const { list, field: at, type } of containerLists(object, [])) {
        for (const container of list) {
            // A container without an image is not valid Kubernetes; nothing to compare.
            if (!isObject$3(container) || typeof container.image !== 'string')
                continue;
            push({
                kind,
                name,
                ...(namespace === undefined ? {} : { namespace }),
                container: typeof container.name === 'string' ? container.name : '',
                containerType: type,
                field: at,
                image: container.image
            }, object);
        }
    }
}
/**
 * Every container list of a resource, at any depth and in any kind, the way kustomize's images
 * transformer finds them (api/filters/imagetag/legacy.go, LegacyFilter: every sequence under a
 * field named `containers` or `initContainers`): so a Knative Service, a KEDA ScaledJob or any
 * CRD with a pod template is proved like a Deployment. `ephemeralContainers` (Pods only, which
 * kustomize leaves alone) are listed too: they run images as well.
 */
function* containerLists(value, path) {
    if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) {
            yield* containerLists(item, [...path.slice(0, -1), `${path.at(-1) ?? ''}[${index}]`]);
        }
        return;
    }
    if (!isObject$3(value))
        return;
    for (const [key, child] of Object.entries(value)) {
        if (CONTAINER_TYPES.has(key) && Array.isArray(child)) {
            yield { list: child, field: [...path, key].join('.'), type: key };
        }
        else {
            yield* containerLists(child, [...path, key]);
        }
    }
}
function field(object, key) {
    const value = object?.[key];
    return isObject$3(value) ? value : undefined;
}
function isObject$3(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHelmRenderer(renderer) {
    return renderer.kind === 'helm' && typeof renderer.template === 'function';
}
/** The renderer ran and failed; `output` is the tail of what it printed on stderr. */
class RenderCommandError extends RenderError {
    renderer;
    output;
    constructor(renderer, output, message, hint) {
        super(message, hint === undefined ? {} : { hint });
        this.renderer = renderer;
        this.output = output;
    }
}
const RENDER_TIMEOUT_MS = 120_000;
const VERSION_TIMEOUT_MS = 15_000;
const RENDER_MAX_BUFFER = 64 * 1024 * 1024;
const VERSION_MAX_BUFFER = 1024 * 1024;
/** What we keep of a failing renderer's stderr. */
const OUTPUT_LINES = 20;
const OUTPUT_CHARS = 4000;
/** Below v4, kustomize cannot take directories in `resources:` and drops the tag of tag + digest. */
const MIN_KUSTOMIZE_MAJOR = 4;
/** kubectl 1.21 is the first to embed kustomize v4 (v4.0.5); 1.14–1.20 embed v2.0.3. */
const MIN_KUBECTL_MINOR = 21;
/** The names kustomize looks for, in its order (one list, kept with the config stage). */
const lookups = new Map();
/**
 * Finds a renderer: for kustomize, `kustomize` on PATH, else `kubectl kustomize`, either at
 * Kustomize v4 or later; for helm, `helm` v3 on PATH. With `target` (the absolute path of a
 * values file), helm is also unavailable when that file is not inside a local chart. The
 * lookup runs once per process for each kind and PATH.
 */
async function findRenderer(kind, env = process.env, target) {
    const childEnv = rendererEnv(env);
    const key = `${kind}\0${childEnv.PATH}\0${childEnv.HOME ?? ''}`;
    let lookup = lookups.get(key);
    if (!lookup) {
        lookup = kind === 'helm' ? findHelm(childEnv) : findKustomize(childEnv);
        lookups.set(key, lookup);
    }
    const found = await lookup;
    return found;
}
/**
 * Renderers get PATH and HOME only: no tokens, no cloud credentials, and no KUBECONFIG, so
 * nothing they run can reach a cluster or a registry with the runner's identity.
 */
function rendererEnv(env) {
    return { PATH: env.PATH ?? '', ...(env.HOME ? { HOME: env.HOME } : {}) };
}
/**
 * `--enable-helm` where kustomize has it (v4.1+): a kustomization with `helmCharts:` renders as
 * Argo CD renders it with `kustomize.buildOptions: --enable-helm`, and one without is unchanged.
 */
function helmFlags(version) {
    const parsed = version === undefined ? undefined : parseVersion(version);
    return parsed && (parsed.major > 4 || (parsed.major === 4 && parsed.minor >= 1))
        ? ['--enable-helm']
        : [];
}
async function findKustomize(env) {
    const reasons = [];
    const kustomize = await onPath('kustomize', env.PATH);
    if (kustomize) {
        const checked = await kustomizeVersion(kustomize, env);
        if (checked.ok) {
            return commandRenderer('kustomize', 'kustomize', checked.version, kustomize, ['build', ...helmFlags(checked.version)], env);
        }
        reasons.push(checked.reason);
    }
    const kubectl = await onPath('kubectl', env.PATH);
    if (kubectl) {
        const checked = await kubectlKustomizeVersion(kubectl, env);
        if (checked.ok) {
            return commandRenderer('kubectl kustomize', 'kustomize', checked.version, kubectl, ['kustomize', ...helmFlags(checked.version)], env);
        }
        reasons.push(checked.reason);
    }
    if (!kustomize && !kubectl)
        reasons.push('neither kustomize nor kubectl is on PATH');
    else if (!kubectl)
        reasons.push('kubectl is not on PATH');
    return {
        unavailable: `Cannot render Kustomize: ${reasons.join('; ')}. Install kustomize v4+ or kubectl 1.21+.`
    };
}
async function findHelm(env) {
    const helm = await onPath('helm', env.PATH);
    if (!helm)
        return { unavailable: 'Cannot render Helm: helm is not on PATH.' };
    let printed;
    try {
        printed = (await run(helm, ['version', '--short'], env, VERSION_TIMEOUT_MS, VERSION_MAX_BUFFER))
            .stdout;
    }
    catch (error) {
        return { unavailable: `Cannot render Helm: \`${helm} version\` failed: ${failureText(error)}` };
    }
    const version = parseVersion(printed);
    if (!version || version.major < 3) {
        return {
            unavailable: `Cannot render Helm: ${helm} reports ${JSON.stringify(printed.trim())}; helm v3 is needed.`
        };
    }
    const name = 'helm';
    // A fixed release name: only the images matter, and they must not depend on the run.
    const template = (chart, values) => runRenderer(name, helm, ['template', 'promote-image', chart, ...values.flatMap(file => ['--values', file])], env);
    const renderer = {
        name,
        kind: 'helm',
        version: version.text,
        async render(target) {
            const chart = await chartDirectory(target);
            if (!chart.ok)
                throw new RenderCommandError(name, chart.reason, chart.reason);
            return template(chart.dir, chart.dir === target ? [] : [target]);
        },
        template
    };
    return renderer;
}
async function kustomizeVersion(file, env) {
    let printed;
    try {
        printed = (await run(file, ['version'], env, VERSION_TIMEOUT_MS, VERSION_MAX_BUFFER)).stdout;
    }
    catch (error) {
        return { ok: false, reason: `\`${file} version\` failed: ${failureText(error)}` };
    }
    // v5 prints "v5.4.3"; v3 and v4 print "{Version:kustomize/v4.5.7 GitCommit:…}".
    const version = parseVersion(printed);
    if (!version) {
        return { ok: false, reason: `cannot tell the version of ${file} from ${quoteLine(printed)}` };
    }
    if (version.major < MIN_KUSTOMIZE_MAJOR) {
        return { ok: false, reason: `${file} is Kustomize ${version.text}, older than v4` };
    }
    return { ok: true, version: version.text };
}
async function kubectlKustomizeVersion(file, env) {
    let printed;
    try {
        printed = (await run(file, ['version', '--client'], env, VERSION_TIMEOUT_MS, VERSION_MAX_BUFFER)).stdout;
    }
    catch (error) {
        return { ok: false, reason: `\`${file} version --client\` failed: ${failureText(error)}` };
    }
    const kustomizeLine = /^Kustomize Version:\s*(\S+)/m.exec(printed)?.[1];
    const kustomize = kustomizeLine === undefined ? undefined : parseVersion(kustomizeLine);
    if (kustomize) {
        if (kustomize.major >= MIN_KUSTOMIZE_MAJOR)
            return { ok: true, version: kustomize.text };
        return {
            ok: false,
            reason: `${file} embeds Kustomize ${kustomize.text}, older than v4: it cannot build \`resources:\` directories and renders tag + digest differently`
        };
    }
    // kubectl 1.21–1.23 print no Kustomize line; their client version tells what they embed.
    const client = /^Client Version:\s*(v\d+\.\d+\.\d+)/m.exec(printed)?.[1] ??
        /GitVersion:"(v\d+\.\d+\.\d+)/.exec(printed)?.[1];
    const version = client === undefined ? undefined : parseVersion(client);
    if (version && (version.major > 1 || version.minor >= MIN_KUBECTL_MINOR))
        return { ok: true };
    return {
        ok: false,
        reason: version
            ? `${file} is kubectl ${version.text}, which embeds Kustomize v2 (older than v4)`
            : `cannot tell which Kustomize ${file} embeds from ${quoteLine(printed)}`
    };
}
function commandRenderer(name, kind, version, file, command, env) {
    return {
        name,
        kind,
        ...(version === undefined ? {} : { version }),
        async render(target) {
            return runRenderer(name, file, [...command, await kustomizationDir(target)], env);
        }
    };
}
/** Targets may name the kustomization file; the tools want its directory. */
async function kustomizationDir(target) {
    if (!isKustomizationFileName(path.basename(target)))
        return target;
    try {
        return (await stat(target)).isFile() ? path.dirname(target) : target;
    }
    catch {
        return target;
    }
}
async function chartDirectory(target) {
    let dir = target;
    try {
        if (!(await stat(target)).isDirectory())
            dir = path.dirname(target);
    }
    catch {
        dir = path.dirname(target);
    }
    try {
        await access(path.join(dir, 'Chart.yaml'));
        return { ok: true, dir };
    }
    catch {
        return {
            ok: false,
            reason: `Cannot render Helm: ${dir} holds no Chart.yaml, so ${path.basename(target)} is not the values file of a local chart (charts from a repository are not rendered).`
        };
    }
}
async function runRenderer(name, file, args, env) {
    try {
        return (await run(file, args, env, RENDER_TIMEOUT_MS, RENDER_MAX_BUFFER)).stdout;
    }
    catch (error) {
        const output = failureText(error);
        throw new RenderCommandError(name, output, `${name} failed: ${output}`, knownFailure(output));
    }
}
/** What to do about failures whose cause is known and not in the user's files. */
function knownFailure(output) {
    // Kustomize before v5.8.0 asks `helm version -c` and insists on Helm v3
    // (kubernetes-sigs/kustomize#6013, fixed in v5.8.1); kubectl 1.35 still embeds v5.7.1.
    if (/requires helm V3 but got v4|unknown shorthand flag: 'c' in -c/.test(output)) {
        return 'This Kustomize cannot inflate helmCharts with Helm v4 (kubernetes-sigs/kustomize#6013): put kustomize v5.8.1 or later on PATH (promote-image prefers it to kubectl kustomize), or Helm v3.';
    }
    if (/is 'helm' installed\?/.test(output)) {
        return 'The overlay inflates helmCharts: install helm on the runner.';
    }
    return undefined;
}
function run(file, args, env, timeoutMs, maxBuffer) {
    return new Promise((resolve, reject) => {
        execFile(file, args, { env, timeout: timeoutMs, maxBuffer, encoding: 'utf8', windowsHide: true }, (error, stdout, stderr) => {
            if (!error)
                return resolve({ stdout, stderr });
            const failure = {
                code: error.code ?? null,
                killed: error.killed,
                signal: error.signal ?? null,
                stderr,
                timeoutMs,
                message: error.message
            };
            reject(failure);
        });
    });
}
/** A failure in words: the tail of stderr, without kubectl's log-line prefix. */
function failureText(error) {
    const failure = error;
    if (failure.killed && failure.timeoutMs !== undefined) {
        return `no answer within ${failure.timeoutMs / 1000} s (stopped)`;
    }
    if (failure.code === 'ENOENT' || failure.code === 'EACCES') {
        return `cannot be run (${failure.code})`;
    }
    if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
        return 'printed too much output';
    const output = tail(cleanStderr(failure.stderr ?? ''));
    if (output)
        return output;
    return failure.signal ? `killed by ${failure.signal}` : `exit code ${String(failure.code)}`;
}
/**
 * kubectl reports through klog: `E1122 20:43:36.407952 22286 run.go:72] "command failed"
 * err="accumulating resources: …"`; users want the part after err=.
 */
function cleanStderr(stderr) {
    return stderr
        .split('\n')
        .map(line => {
        const klog = /^[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] "command failed" err=(".*")\s*$/.exec(line);
        if (!klog?.[1])
            return line.trimEnd();
        try {
            return String(JSON.parse(klog[1]));
        }
        catch {
            return klog[1].slice(1, -1);
        }
    })
        .join('\n')
        .trim();
}
function tail(text) {
    const lines = text.split('\n');
    let kept = lines.slice(-OUTPUT_LINES).join('\n');
    if (lines.length > OUTPUT_LINES)
        kept = `…\n${kept}`;
    return kept.length > OUTPUT_CHARS ? `…${kept.slice(-OUTPUT_CHARS)}` : kept;
}
function parseVersion(text) {
    const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
    if (!match)
        return undefined;
    const [whole, major, minor, patch] = match;
    return {
        major: Number(major),
        minor: Number(minor),
        patch: Number(patch),
        text: whole.startsWith('v') ? whole : `v${whole}`
    };
}
function quoteLine(text) {
    return JSON.stringify(text.trim().split('\n')[0]?.slice(0, 120) ?? '');
}
/** The executable `name` in PATH (empty entries skipped: they would mean the working directory). */
async function onPath(name, searchPath) {
    const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
    for (const dir of searchPath.split(path.delimiter)) {
        if (!dir || !path.isAbsolute(dir))
            continue;
        for (const candidate of names) {
            const file = path.join(dir, candidate);
            try {
                if (!(await stat(file)).isFile())
                    continue;
                await access(file, constants.X_OK);
                return file;
            }
            catch {
                // not here
            }
        }
    }
    return undefined;
}

/** Never copied: history and dependencies are not config, and can be huge. */
const SKIPPED = new Set(['.git', 'node_modules']);
/**
 * Checks a repo-relative path (a target or a changed file) and returns it in POSIX form.
 * Absolute paths, `..` escapes and paths into .git are refused.
 */
function repoRelative(text, what) {
    const normalized = path.posix.normalize(text.replaceAll('\\', '/'));
    const parts = normalized.split('/');
    if (text === '' ||
        path.posix.isAbsolute(normalized) ||
        path.win32.isAbsolute(text) ||
        parts[0] === '..' ||
        parts.some(part => SKIPPED.has(part))) {
        throw new RenderError(`The ${what} ${JSON.stringify(text)} is not a path inside the config repository.`, {
            hint: 'Targets and edited files are relative to the repository root, without "..", outside .git and node_modules.',
            subject: text
        });
    }
    return normalized === '.' ? '' : normalized.replace(/\/$/, '');
}
/**
 * The repo-relative paths a render of `target` reads (files, or directories copied whole),
 * following kustomizations through resources, components, patches, generators and the other
 * fields that name files. `undefined` when that cannot be told safely (symlinks on the way,
 * paths out of the repository, Helm charts inflated by kustomize): copy everything then.
 */
async function renderClosure(kind, source, target, changes) {
    const closure = new Closure(typeof source === 'string' ? fsTreeReader(source) : source, changes);
    const ok = kind === 'helm' ? await closure.chart(target) : await closure.kustomization(target);
    return ok ? [...closure.paths] : undefined;
}
class Closure {
    tree;
    changes;
    paths = new Set();
    roots = new Set();
    constructor(tree, changes) {
        this.tree = tree;
        this.changes = changes;
    }
    async chart(valuesFile) {
        const values = await this.resolve(valuesFile);
        const chart = await this.resolve(values.type === 'dir' ? values.rel : path.posix.dirname(values.rel));
        if (chart.type !== 'dir')
            return false;
        this.paths.add(chart.rel === '.' ? '' : chart.rel);
        return true;
    }
    /** `target` is a kustomization directory or a kustomization file. */
    async kustomization(target) {
        if (isKustomizationFileName(path.posix.basename(target))) {
            const file = await this.resolve(target);
            if (file.type === 'file')
                return this.root_(path.posix.dirname(target));
        }
        return this.root_((await this.resolve(target)).rel);
    }
    async root_(dir) {
        const key = dir === '.' ? '' : dir;
        if (this.roots.has(key))
            return true;
        this.roots.add(key);
        let file;
        for (const name of KUSTOMIZATION_FILE_NAMES) {
            const candidate = key ? `${key}/${name}` : name;
            if (this.changes.has(candidate)) {
                file = candidate;
                break;
            }
            // A kustomization.yaml linked to a shared one: references stay relative to this directory.
            const found = await this.resolve(candidate);
            if (found.type === 'file') {
                file = found.rel;
                break;
            }
        }
        if (!file)
            return false;
        let kustomization;
        try {
            kustomization = distExports.parse(this.changes.get(file) ?? (await this.tree.read(file)));
        }
        catch {
            return false;
        }
        if (!isObject$2(kustomization))
            return false;
        // kustomize inflates Helm charts only with --enable-helm; its chart home is not worth modelling.
        if ('helmCharts' in kustomization || 'helmChartInflationGenerator' in kustomization) {
            return false;
        }
        this.paths.add(file);
        const refs = [];
        const add = (value, root) => {
            for (const ref of Array.isArray(value) ? value : [value])
                refs.push({ ref, root });
        };
        for (const key of [
            'resources',
            'bases',
            'components',
            'generators',
            'transformers',
            'validators'
        ]) {
            add(kustomization[key], true);
        }
        for (const key of ['crds', 'configurations'])
            add(kustomization[key], false);
        // Strategic-merge patches may be inline YAML rather than file names.
        for (const patch of list$1(kustomization.patchesStrategicMerge)) {
            if (typeof patch === 'string' && !patch.includes('\n'))
                add(patch, false);
        }
        for (const key of ['patches', 'patchesJson6902', 'replacements']) {
            for (const entry of list$1(kustomization[key]))
                if (isObject$2(entry))
                    add(entry.path, false);
        }
        if (isObject$2(kustomization.openapi))
            add(kustomization.openapi.path, false);
        for (const key of ['configMapGenerator', 'secretGenerator']) {
            for (const generator of list$1(kustomization[key])) {
                if (!isObject$2(generator))
                    continue;
                // files: entries are "path" or "key=path".
                for (const entry of list$1(generator.files)) {
                    if (typeof entry === 'string')
                        add(entry.slice(entry.indexOf('=') + 1), false);
                }
                add(generator.envs, false);
                add(generator.env, false);
            }
        }
        for (const { ref, root } of refs) {
            if (ref === undefined || ref === null)
                continue;
            if (typeof ref !== 'string' || !(await this.reference(key, ref, root)))
                return false;
        }
        return true;
    }
    async reference(dir, ref, asRoot) {
        if (ref === '' || path.isAbsolute(ref))
            return false;
        const joined = path.posix.normalize(path.posix.join(dir || '.', ref));
        if (joined === '..' || joined.startsWith('../'))
            return false;
        const rel = joined === '.' ? '' : joined.replace(/\/$/, '');
        if (this.changes.has(rel)) {
            this.paths.add(rel);
            return true;
        }
        const found = await this.resolve(rel);
        // Remote bases (git URLs, https) and missing files: the renderer fetches or fails alike.
        if (found.type === 'missing')
            return true;
        if (found.type === 'other')
            return false;
        if (found.type === 'dir' && asRoot)
            return this.root_(found.rel);
        this.paths.add(found.rel);
        return true;
    }
    /**
     * What `rel` is once the symlinks on its way are followed, and its real path: links that
     * stay in the repository join the closure (the copy holds them as links) with their targets.
     */
    async resolve(rel) {
        for (let hops = 0;; hops++) {
            const type = await this.tree.type(rel);
            if (type !== 'other' || !this.tree.linkOn || hops === MAX_LINK_HOPS)
                return { rel, type };
            const link = await this.tree.linkOn(rel);
            const target = link && linkTargetInRepo(link.path, link.target, rel.slice(link.path.length + 1));
            if (!link || target === undefined)
                return { rel, type };
            this.paths.add(link.path);
            rel = target;
        }
    }
}
/**
 * Copies `paths` (all of `root` when undefined) from `root` to `copyRoot`, skipping .git and
 * node_modules. Symlinks stay symlinks: those pointing inside the repository are re-pointed at
 * the copy, those pointing outside keep their absolute target, so their content is never copied
 * and both renders read the same thing.
 */
async function copyRepository(root, copyRoot, paths) {
    // Keyed by destination: closure paths may overlap (a file inside a copied directory).
    const links = new Map();
    for (const rel of paths ?? ['']) {
        const source = path.join(root, rel);
        const destination = path.join(copyRoot, rel);
        await mkdir(path.dirname(destination), { recursive: true });
        await cp(source, destination, {
            recursive: true,
            force: true,
            verbatimSymlinks: true,
            filter: async (from, to) => {
                if (from !== source && SKIPPED.has(path.basename(from)))
                    return false;
                if (!(await lstat(from)).isSymbolicLink())
                    return true;
                links.set(to, from);
                return false;
            }
        });
    }
    for (const [destination, source] of links) {
        const target = path.resolve(path.dirname(source), await readlink(source));
        const inside = path.relative(root, target);
        const pointsInside = !inside.startsWith('..') && !path.isAbsolute(inside);
        const linked = pointsInside
            ? path.relative(path.dirname(destination), path.join(copyRoot, inside)) || '.'
            : target;
        await mkdir(path.dirname(destination), { recursive: true });
        await symlink(linked, destination);
    }
}
/**
 * Refuses an edited file that the repository reaches through a symbolic link leading out of
 * it: the edit stage would write there, and a copy cannot show what that would do.
 */
async function assertInsideRepository(root, rel) {
    // The deepest part of the path that exists decides where a write would land.
    let existing = path.join(root, rel);
    for (;;) {
        try {
            existing = await realpath(existing);
            break;
        }
        catch {
            // A dangling link: writing through it would create its target, wherever that is.
            if (await isLink(existing))
                throw leavesRepository(rel);
            const parent = path.dirname(existing);
            if (parent === existing)
                return;
            existing = parent;
        }
    }
    const inside = path.relative(root, existing);
    if (inside.startsWith('..') || path.isAbsolute(inside))
        throw leavesRepository(rel);
}
async function isLink(file) {
    try {
        return (await lstat(file)).isSymbolicLink();
    }
    catch {
        return false;
    }
}
function leavesRepository(rel) {
    return new RenderError(`Cannot render the edit of ${rel}: it is reached through a symbolic link that leaves the repository or leads nowhere.`, { hint: 'Edit the file the link points to, inside the config repository.', subject: rel });
}
/** Writes the edited files into the copy, never through a link that leaves it. */
async function applyChanges(copyRoot, changes) {
    for (const [rel, text] of changes) {
        const destination = path.join(copyRoot, rel);
        await mkdir(path.dirname(destination), { recursive: true });
        const parent = await realpath(path.dirname(destination));
        let real = path.join(parent, path.basename(destination));
        if (await isLink(real))
            real = await realpath(real).catch(() => Promise.reject(leavesRepository(rel)));
        const inside = path.relative(copyRoot, real);
        if (inside.startsWith('..') || path.isAbsolute(inside))
            throw leavesRepository(rel);
        await writeFile(real, text);
    }
}
function list$1(value) {
    return Array.isArray(value) ? value : [];
}
function isObject$2(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * renderBeforeAfter for several targets under one edit, in order. Kustomize builds them all in
 * one run per side (see renderTogether): a run costs about the same for one overlay as for fifty,
 * and fifty overlays are what a fleet promotion edits. Targets it cannot build together render
 * one by one, side by side, and report their own errors.
 */
async function renderManyBeforeAfter(renderer, repoRoot, targetDirs, changes) {
    const root = await realRoot(repoRoot);
    const targets = targetDirs.map(dir => repoRelative(dir, 'render target'));
    const edits = new Map();
    for (const [file, text] of changes) {
        const rel = repoRelative(file, 'changed file');
        if (rel === '')
            throw new RenderError('The repository root is not a file.', { subject: file });
        await assertInsideRepository(root, rel);
        edits.set(rel, text);
    }
    const kind = kindOf(renderer);
    let cache = proofs.get(renderer);
    if (!cache)
        proofs.set(renderer, (cache = new Map()));
    const proofsByTarget = new Map();
    const pending = [];
    const unique = [...new Set(targets)];
    const inspected = await Promise.all(unique.map(target => inspect(kind, root, target, edits)));
    for (const [i, target] of unique.entries()) {
        const { key, closure } = inspected[i];
        const cached = key === undefined ? undefined : cache.get(key);
        if (cached)
            proofsByTarget.set(target, cached);
        else
            pending.push({ target, key, closure });
    }
    const together = kind === 'kustomize' && pending.length > 1
        ? renderTogether(renderer, root, pending, edits).catch(() => undefined)
        : Promise.resolve(undefined);
    const limit = pLimit(availableParallelism());
    for (const { target, key, closure } of pending) {
        const proof = together.then(rendered => rendered?.get(target) ?? limit(() => renderBoth(renderer, root, target, edits, closure)));
        proofsByTarget.set(target, proof);
        if (key) {
            cache.set(key, proof);
            proof.catch(() => cache.delete(key));
        }
    }
    // Settled in order, so that the first failure reported does not depend on timing.
    for (const proof of proofsByTarget.values())
        proof.catch(() => undefined);
    const results = [];
    for (const target of targets)
        results.push(await proofsByTarget.get(target));
    return results;
}
/**
 * Proofs by renderer and the exact bytes they read. A promotion that lost a
 * race re-applies its edit on the new head; when the winning commit touched
 * nothing this render reads, the proof stands and the renderer is not run again.
 */
const proofs = new WeakMap();
/**
 * What rendering `target` after the edit reads (its closure; undefined when that cannot be
 * told), and a digest of the target, the edits and every byte read before and after.
 */
async function inspect(kind, root, target, edits) {
    const [before, after] = await Promise.all([
        renderClosure(kind, root, target, new Map()),
        renderClosure(kind, root, target, edits)
    ]);
    if (!before || !after)
        return after ? { closure: after } : {};
    const hash = createHash('sha256').update(`${kind}\0${target}\0`);
    for (const [file, text] of [...edits].sort(([a], [b]) => a.localeCompare(b)))
        hash.update(`edit\0${file}\0${text}\0`);
    for (const rel of [...new Set([...before, ...after])].sort())
        await hashPath(hash, root, rel);
    return { key: hash.digest('hex'), closure: after };
}
async function hashPath(hash, root, rel) {
    const full = path.join(root, rel);
    const info = await stat(full).catch(() => undefined);
    if (!info)
        hash.update(`missing\0${rel}\0`);
    else if (info.isDirectory()) {
        for (const name of (await readdir(full)).sort())
            await hashPath(hash, root, rel ? `${rel}/${name}` : name);
    }
    else
        hash
            .update(`file\0${rel}\0`)
            .update(await readFile(full))
            .update('\0');
}
/** Marks what each target renders in a combined build, to tell whose images are whose. */
const TARGET_ANNOTATION = 'promote-image.dev/render-target';
/**
 * Builds all targets in one kustomize run per side: a wrapper kustomization per target takes
 * the target as its only resource and marks everything it renders with TARGET_ANNOTATION, and
 * a top kustomization lists the wrappers. Images are then grouped by that mark. Undefined when
 * the targets cannot be built together (say two of them render a resource of the same kind,
 * name and namespace, which kustomize refuses): each then renders on its own.
 */
async function renderTogether(renderer, root, targets, edits) {
    const temp = await realpath(await mkdtemp(path.join(tmpdir(), 'promote-image-render-')));
    try {
        const copyRoot = path.join(temp, 'repo');
        const closures = targets.map(t => t.closure);
        const union = closures.every(closure => closure !== undefined)
            ? [...new Set(closures.flat())]
            : undefined;
        await copyRepository(root, copyRoot, union);
        await applyChanges(copyRoot, edits);
        const dirs = targets.map(t => t.target);
        const [before, after] = await Promise.all([
            renderWrapped(renderer, path.join(temp, 'before'), root, dirs),
            renderWrapped(renderer, path.join(temp, 'after'), copyRoot, dirs)
        ]);
        if (!before || !after)
            return undefined;
        const copy = union ? 'closure' : 'full';
        return new Map(dirs.map((dir, i) => [
            dir,
            { before: before.get(String(i)) ?? [], after: after.get(String(i)) ?? [], copy }
        ]));
    }
    finally {
        await rm(temp, { recursive: true, force: true });
    }
}
async function renderWrapped(renderer, wrapRoot, tree, dirs) {
    const wrappers = [];
    for (const [i, dir] of dirs.entries()) {
        const wrapper = path.join(wrapRoot, String(i));
        let target = path.join(tree, dir);
        if (isKustomizationFileName(path.basename(target))) {
            if ((await stat(target).catch(() => undefined))?.isFile())
                target = path.dirname(target);
        }
        await mkdir(wrapper, { recursive: true });
        // Relative: kustomize refuses absolute resource paths.
        const kustomization = {
            resources: [path.relative(wrapper, target)],
            commonAnnotations: { [TARGET_ANNOTATION]: String(i) }
        };
        await writeFile(path.join(wrapper, 'kustomization.yaml'), distExports.stringify(kustomization));
        wrappers.push(String(i));
    }
    await writeFile(path.join(wrapRoot, 'kustomization.yaml'), distExports.stringify({ resources: wrappers }));
    return extractImagesByAnnotation(await renderer.render(wrapRoot), TARGET_ANNOTATION);
}
/** `closure`: what the edited render reads (from inspect); undefined copies the whole repository. */
async function renderBoth(renderer, root, target, edits, closure) {
    const before = renderSideText(renderer, root, root, target, 'before');
    // Settled without waiting: the after side decides on a fallback only once before is known.
    before.catch(() => undefined);
    let after;
    try {
        after = {
            rendered: await renderEdited(renderer, root, target, edits, closure),
            copy: closure ? 'closure' : 'full'
        };
    }
    catch (error) {
        const beforeRendered = await before.then(() => true, () => false);
        // A closure that missed a file fails to render: render the whole copy before believing it.
        if (!closure || !beforeRendered || !(errorCause(error) instanceof RenderCommandError)) {
            if (!beforeRendered)
                await before;
            throw error;
        }
        after = { rendered: await renderEdited(renderer, root, target, edits, undefined), copy: 'full' };
    }
    const was = await before;
    return {
        before: was.images,
        after: after.rendered.images,
        copy: after.copy,
        text: { before: was.text, after: after.rendered.text }
    };
}
async function renderEdited(renderer, root, target, edits, closure) {
    const temp = await realpath(await mkdtemp(path.join(tmpdir(), 'promote-image-render-')));
    try {
        // One level down, so that a relative path climbing out of the copy stays in our directory.
        const copyRoot = path.join(temp, 'repo');
        await copyRepository(root, copyRoot, closure);
        await applyChanges(copyRoot, edits);
        return await renderSideText(renderer, root, copyRoot, target, 'after');
    }
    finally {
        await rm(temp, { recursive: true, force: true });
    }
}
async function renderSideText(renderer, root, tree, target, side) {
    const shown = target || '.';
    let output;
    try {
        output = await renderer.render(path.join(tree, target));
    }
    catch (error) {
        if (!(error instanceof RenderError))
            throw error;
        const detail = relativize(error instanceof RenderCommandError ? error.output : error.message, [
            tree,
            root
        ]);
        const tool = renderer.version ? `${renderer.name} ${renderer.version}` : renderer.name;
        throw new RenderError(`${renderer.name} could not render ${shown} ${SIDE_WORDS[side]}:\n${indent(detail)}`, {
            hint: error.hint ??
                (side === 'after'
                    ? `The edited files do not build, so nothing is committed. Check what the edit changed in ${shown} (rendered with ${tool}).`
                    : `${shown} does not build in the config repository as it is; fix that first (run \`${renderer.name} ${shown}\` with ${tool}).`),
            subject: shown,
            cause: error
        });
    }
    return { images: extractImages(output), text: output };
}
const SIDE_WORDS = {
    before: 'before the edit',
    after: 'after the edit',
    current: 'as the repository has it'
};
function errorCause(error) {
    return error instanceof Error ? error.cause : undefined;
}
function kindOf(renderer) {
    return renderer.kind ?? (renderer.name === 'helm' ? 'helm' : 'kustomize');
}
async function realRoot(repoRoot) {
    try {
        return await realpath(repoRoot);
    }
    catch (error) {
        throw new RenderError(`The config repository ${repoRoot} cannot be read for rendering.`, {
            subject: repoRoot,
            cause: error
        });
    }
}
/** Renderer messages name absolute paths, some in our temporary copy: show repo paths. */
function relativize(text, roots) {
    let shown = text;
    for (const root of roots)
        shown = shown.replaceAll(`${root}${path.sep}`, '').replaceAll(root, '.');
    return shown;
}
function indent(text) {
    return text
        .split('\n')
        .map(line => `  ${line}`)
        .join('\n');
}

/** How many containers a message names before "and N more". */
const LISTED$1 = 8;
/**
 * Whether Argo CD will see the promotion of `pinned` (a reference of `repository`, given in
 * canonical form: 'docker.io/library/nginx') in the rendered target: at least one container
 * renders exactly the pinned reference after the edit, and none that used the repository
 * renders anything else. References compare normalized (`nginx` = `docker.io/library/nginx`).
 */
function verifyRender(before, after, repository, pinned, targetDir) {
    // The engine writes only references it parsed: an invalid one is a bug, and this says why.
    const ref = parseReference(pinned);
    const wanted = {
        repository: canonicalRepository(ref),
        tag: ref.tag,
        digest: ref.digest
    };
    const repo = canonical(repository);
    const target = targetDir || '.';
    const isPinned = (image) => {
        const rendered = normalize(image);
        return (rendered !== undefined &&
            rendered.repository === wanted.repository &&
            rendered.tag === wanted.tag &&
            rendered.digest === wanted.digest);
    };
    const usesRepository = (image) => normalize(image)?.repository === repo;
    const previous = pairBefore(before, after);
    const entries = after.map((image, index) => {
        const was = previous[index];
        return {
            image,
            was,
            changed: was?.image !== image.image,
            pinned: isPinned(image.image),
            used: usesRepository(image.image) || (was !== undefined && usesRepository(was.image))
        };
    });
    const changed = entries.filter(entry => entry.changed).map(entry => entry.image);
    const pinnedEntries = entries.filter(entry => entry.pinned);
    const staleEntries = entries.filter(entry => entry.used && !entry.pinned);
    const base = {
        changed,
        pinned: pinnedEntries.map(entry => entry.image),
        stale: staleEntries.map(entry => entry.image)
    };
    if (pinnedEntries.length === 0 && staleEntries.length === 0) {
        const gone = before.filter(image => usesRepository(image.image)).length;
        return {
            ...base,
            ok: false,
            outcome: gone === 0 ? 'unused' : 'not-updated',
            message: gone === 0
                ? `Argo CD would see no change: no container in ${target} renders ${repository} (images used: ${imagesUsed(before, after)}).`
                : `Argo CD would not see ${pinned}: after the edit, ${target} no longer renders the ${count$1(gone)} that used ${repository}.`
        };
    }
    if (staleEntries.length > 0) {
        const lines = staleEntries.map(({ image, changed: moved }) => `${describeContainer(image)} ${moved ? 'renders' : 'still renders'} ${image.image}`);
        const summary = pinnedEntries.length > 0
            ? `Argo CD would see only part of the promotion: ${count$1(pinnedEntries.length)} in ${target} ${verb(pinnedEntries.length)} ${pinned}, but ${count$1(staleEntries.length)} of ${repository} ${staleEntries.length === 1 ? 'does' : 'do'} not:`
            : staleEntries.some(entry => entry.changed)
                ? `Argo CD would not see ${pinned}: no container in ${target} renders it after the edit:`
                : `Argo CD would see no change: the edit does not reach the containers of ${repository} in ${target}, and none renders ${pinned}:`;
        return {
            ...base,
            ok: false,
            outcome: 'not-updated',
            message: [summary, ...listed$1(lines)].join('\n')
        };
    }
    const newlyPinned = pinnedEntries.filter(entry => entry.changed);
    if (newlyPinned.length === 0) {
        return {
            ...base,
            ok: true,
            outcome: 'already-pinned',
            message: `${target} already renders ${pinned} in ${count$1(pinnedEntries.length)}; the promotion changes nothing for Argo CD to sync.`
        };
    }
    const lines = newlyPinned.map(({ image, was }) => was
        ? `${describeContainer(image)}: ${was.image} → ${image.image}`
        : `${describeContainer(image)}: new`);
    return {
        ...base,
        ok: true,
        outcome: 'updated',
        message: [
            `Argo CD will see the change: ${count$1(newlyPinned.length)} in ${target} now ${verb(newlyPinned.length)} ${pinned}:`,
            ...listed$1(lines)
        ].join('\n')
    };
}
function normalize(image) {
    try {
        const ref = parseReference(image);
        return { repository: canonicalRepository(ref), tag: ref.tag, digest: ref.digest };
    }
    catch {
        // Templated or otherwise unparsable images cannot be the pinned one.
        return undefined;
    }
}
function canonical(repository) {
    return normalize(repository)?.repository ?? repository;
}
/** For each after-side container, the same container before the edit (by workload and name). */
function pairBefore(before, after) {
    const byKey = new Map();
    for (const image of before) {
        const key = identity(image);
        byKey.set(key, [...(byKey.get(key) ?? []), image]);
    }
    // Duplicates (two Helm templates emitting the same workload) pair up in order.
    return after.map(image => byKey.get(identity(image))?.shift());
}
function identity(image) {
    return [image.kind, image.namespace ?? '', image.name, image.field, image.container].join('\0');
}
const CONTAINER_WORDS = {
    containers: 'container',
    initContainers: 'init container',
    ephemeralContainers: 'ephemeral container'
};
/** "Deployment dev/api, init container migrate" */
function describeContainer(image) {
    const workload = image.namespace ? `${image.namespace}/${image.name}` : image.name;
    return `${image.kind} ${workload}, ${CONTAINER_WORDS[image.containerType]} ${image.container}`;
}
function imagesUsed(before, after) {
    const images = [...new Set([...after, ...before].map(image => image.image))];
    if (images.length === 0)
        return 'none';
    const shown = images.slice(0, LISTED$1).join(', ');
    return images.length > LISTED$1 ? `${shown} and ${images.length - LISTED$1} more` : shown;
}
function listed$1(lines) {
    const shown = lines.slice(0, LISTED$1).map(line => `  - ${line}`);
    if (lines.length > LISTED$1)
        shown.push(`  - and ${lines.length - LISTED$1} more`);
    return shown;
}
function verb(n) {
    return n === 1 ? 'renders' : 'render';
}
function count$1(n) {
    return n === 1 ? '1 container' : `${n} containers`;
}

/**
 * `helm template` of `chart` as the repository has it and as it would be with `changes`
 * (repository-relative path → new text) applied: the edit goes to a copy of the chart and its
 * values files in a fresh temporary directory, removed afterwards; the repository is not touched.
 * Returns the rendered YAML of both sides.
 */
async function renderChartBeforeAfter(renderer, repoRoot, chart, changes) {
    const root = await realpath(repoRoot);
    const edits = new Map();
    for (const [file, text] of changes) {
        const rel = repoRelative(file, 'changed file');
        await assertInsideRepository(root, rel);
        edits.set(rel, text);
    }
    const before = renderIn(renderer, root, root, chart, 'before');
    before.catch(() => undefined);
    const temp = await realpath(await mkdtemp(path.join(tmpdir(), 'promote-image-helm-')));
    try {
        // One level down, so that a relative path climbing out of the copy stays in our directory.
        const copyRoot = path.join(temp, 'repo');
        const closure = [chart.dir, ...chart.valueFiles, ...edits.keys()];
        await copyRepository(root, copyRoot, chart.dir === '' ? undefined : closure);
        await applyChanges(copyRoot, edits);
        const after = await renderIn(renderer, root, copyRoot, chart, 'after');
        return { before: await before, after };
    }
    finally {
        await rm(temp, { recursive: true, force: true });
    }
}
async function renderIn(renderer, root, tree, chart, side) {
    const shown = chart.dir || '.';
    try {
        return await renderer.template(path.join(tree, chart.dir), chart.valueFiles.map(file => path.join(tree, file)));
    }
    catch (error) {
        if (!(error instanceof RenderError))
            throw error;
        const detail = (error instanceof RenderCommandError ? error.output : error.message)
            .replaceAll(`${tree}${path.sep}`, '')
            .replaceAll(`${root}${path.sep}`, '');
        const command = `helm template ${shown}${chart.valueFiles.map(f => ` -f ${f}`).join('')}`;
        throw new RenderError(`helm could not render the chart ${shown} ${side === 'before' ? 'before' : 'after'} the edit:\n${detail
            .split('\n')
            .map(line => `  ${line}`)
            .join('\n')}`, {
            hint: side === 'after'
                ? `The edited values do not render, so nothing is committed. Check what the edit changed (rendered with helm ${renderer.version ?? ''}: ${command}).`
                : `The chart does not render in the config repository as it is; fix that first (run \`${command}\`).`,
            subject: shown,
            cause: error
        });
    }
}

/**
 * The verdict on a Helm edit, over the chart rendered before and after it: Argo CD must get
 * exactly the pinned reference in every container of the repository, valid labels, and nothing
 * else changed that the image does not explain. Pure: rendered text in, verdict out.
 */
/** How many findings a message lists before "and N more". */
const LISTED = 8;
/**
 * Kubernetes' label value rule, apimachinery pkg/util/validation/validation.go IsValidLabelValue:
 * at most 63 characters, empty or alphanumerics with '-', '_', '.' between.
 */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_MAX = 63;
/** Kinds whose spec.selector the API server refuses to change (immutable after creation). */
const IMMUTABLE_SELECTOR = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
function isValidLabelValue(value) {
    return value.length <= LABEL_VALUE_MAX && LABEL_VALUE.test(value);
}
function verifyHelmRender(request) {
    const before = objects(request.before);
    const after = objects(request.after);
    const images = verifyRender(extractImages(request.before), extractImages(request.after), request.repository, request.pinned, request.target);
    const invalidLabels = labelProblems(before, after);
    const base = { images, invalidLabels };
    const fail = (problem, message) => ({
        ...base,
        ok: false,
        problem,
        message
    });
    const doubled = images.stale.filter(image => /@sha256:sha256:/.test(image.image));
    if (doubled.length > 0) {
        return fail('double-prefix', [
            `${request.target} renders the digest twice prefixed, which no registry resolves:`,
            ...listed(doubled.map(image => `${describeContainer(image)}: ${image.image}`))
        ].join('\n'));
    }
    if (invalidLabels.length > 0) {
        return fail('invalid-label', [
            `${request.target} renders label values Kubernetes refuses (at most 63 characters: letters, digits, "-", "_", "." inside), so the apply would fail:`,
            ...listed(invalidLabels)
        ].join('\n'));
    }
    if (!images.ok) {
        const wanted = parseReference(request.pinned);
        const unpinned = wanted.digest !== undefined &&
            images.stale.length > 0 &&
            images.stale.every(image => rendersTagOnly(image, wanted.tag));
        return fail(unpinned ? 'unpinned' : 'not-pinned', unpinned
            ? [
                `${request.target} renders the tag without the digest, so Argo CD would deploy whatever ${wanted.tag} points to:`,
                ...listed(images.stale.map(image => `${describeContainer(image)}: ${image.image}`))
            ].join('\n')
            : images.message);
    }
    const explained = [request.pinned, ...(request.alsoPinned ?? [])].flatMap(imageTokens);
    const changes = otherChanges(before, after, explained);
    const selectors = changes.filter(change => change.selector);
    if (selectors.length > 0) {
        return fail('selector', [
            `${request.target} changes a selector, which Kubernetes does not allow on an existing workload:`,
            ...listed(selectors.map(change => change.text))
        ].join('\n'));
    }
    if (changes.length > 0) {
        return fail('other-change', [
            `The edit of ${request.target} changes more than the image of ${request.repository}:`,
            ...listed(changes.map(change => change.text))
        ].join('\n'));
    }
    return { ...base, ok: true, message: images.message };
}
/** The image renders the promoted tag with no digest: the chart ignored the digest key. */
function rendersTagOnly(image, tag) {
    try {
        const ref = parseReference(image.image);
        return ref.digest === undefined && ref.tag === tag;
    }
    catch {
        return false;
    }
}
/** The pieces of the pinned reference that other rendered values may copy (a version label). */
function imageTokens(pinned) {
    const ref = parseReference(pinned);
    const tokens = [ref.tag, ref.digest, ref.digest?.replace(/^sha256:/, '')];
    return tokens.filter((token) => token !== undefined && token !== '');
}
function objects(rendered) {
    const out = new Map();
    for (const doc of distExports.parseAllDocuments(rendered)) {
        const error = doc.errors[0];
        if (error) {
            throw new RenderError(`helm printed YAML that cannot be parsed: ${error.message}`, {
                hint: 'A chart template renders invalid YAML; run helm template by hand to see it.'
            });
        }
        const object = doc.toJS();
        if (!isObject$1(object))
            continue;
        const kind = typeof object.kind === 'string' ? object.kind : '';
        const metadata = isObject$1(object.metadata) ? object.metadata : {};
        const name = typeof metadata.name === 'string' ? metadata.name : '';
        const namespace = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : '';
        let id = `${kind} ${namespace}${name}`;
        // Two templates rendering one name: keep both, in order.
        for (let n = 2; out.has(id); n++)
            id = `${kind} ${namespace}${name} (${n})`;
        out.set(id, { id, kind, object });
    }
    return out;
}
/** Label values invalid after the edit that were not already there, invalid, before it. */
function labelProblems(before, after) {
    const problems = [];
    for (const resource of after.values()) {
        const previous = before.get(resource.id)?.object;
        walk(resource.object, [], (path, value) => {
            if (!isLabelPath(resource.kind, path) || typeof value !== 'string')
                return;
            if (isValidLabelValue(value))
                return;
            if (previous !== undefined && valueAt(previous, path) === value)
                return;
            problems.push(`${resource.id}: ${formatKeyPath(path)} = ${JSON.stringify(value)}`);
        });
    }
    return problems;
}
/** metadata.labels, pod template labels, matchLabels of any selector, a Service's selector. */
function isLabelPath(kind, path) {
    const parent = path[path.length - 2];
    if (parent === 'labels' || parent === 'matchLabels')
        return true;
    return ((kind === 'Service' || kind === 'ReplicationController') &&
        path.length === 3 &&
        path[0] === 'spec' &&
        path[1] === 'selector');
}
/**
 * What changed besides container images: resources added or removed, and values that do not
 * carry the new tag or digest (a version label copying the tag follows the image; a checksum
 * annotation follows a rendered file that did).
 */
function otherChanges(before, after, explained) {
    const changes = [];
    for (const id of before.keys()) {
        if (!after.has(id))
            changes.push({ text: `${id}: no longer rendered`, selector: false });
    }
    for (const [id, resource] of after) {
        const previous = before.get(id);
        if (!previous) {
            changes.push({ text: `${id}: newly rendered`, selector: false });
            continue;
        }
        for (const path of differences(previous.object, resource.object, [])) {
            if (isContainerImage(path))
                continue;
            const old = valueAt(previous.object, path);
            const now = valueAt(resource.object, path);
            const selector = IMMUTABLE_SELECTOR.has(resource.kind) && path[0] === 'spec' && path[1] === 'selector';
            const follows = typeof now === 'string' && explained.some(token => now.includes(token));
            const checksum = path.length === 5 &&
                path[path.length - 2] === 'annotations' &&
                String(path[path.length - 1]).startsWith('checksum/');
            if (!selector && (follows || checksum))
                continue;
            changes.push({
                text: `${id}: ${formatKeyPath(path)}: ${show(old)} → ${show(now)}`,
                selector
            });
        }
    }
    return changes;
}
function isContainerImage(path) {
    const n = path.length;
    return (n >= 3 &&
        path[n - 1] === 'image' &&
        typeof path[n - 2] === 'number' &&
        ['containers', 'initContainers', 'ephemeralContainers'].includes(String(path[n - 3])));
}
/** Paths of the leaves that differ (a subtree present on one side only is one path). */
function differences(a, b, path) {
    if (Array.isArray(a) && Array.isArray(b)) {
        const out = [];
        for (let i = 0; i < Math.max(a.length, b.length); i++)
            out.push(...differences(a[i], b[i], [...path, i]));
        return out;
    }
    if (isObject$1(a) && isObject$1(b)) {
        const out = [];
        for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
            out.push(...differences(a[key], b[key], [...path, key]));
        return out;
    }
    return a === b ? [] : [path];
}
function walk(node, path, visit) {
    if (Array.isArray(node))
        node.forEach((item, i) => walk(item, [...path, i], visit));
    else if (isObject$1(node)) {
        for (const [key, value] of Object.entries(node))
            walk(value, [...path, key], visit);
    }
    else
        visit(path, node);
}
function valueAt(node, path) {
    let current = node;
    for (const segment of path) {
        if (typeof current !== 'object' || current === null)
            return undefined;
        current = current[segment];
    }
    return current;
}
function show(value) {
    if (value === undefined)
        return '(absent)';
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
function listed(lines) {
    const shown = lines.slice(0, LISTED).map(line => `  - ${line}`);
    if (lines.length > LISTED)
        shown.push(`  - and ${lines.length - LISTED} more`);
    return shown;
}
function isObject$1(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The container images an overlay's own `images:` entries act on, read from the repository
 * without a renderer: so promote-image never pins an entry kustomize would not apply, even when
 * no kustomize runs (no renderer on the runner, or verify-render false).
 *
 * It follows kustomize's accumulation (api/internal/target/kusttarget.go, AccumulateTarget):
 * the resources (files, and directories built with their own `images:` entries applied), then
 * each component's resources and entries over everything accumulated so far; the overlay's own
 * entries come last and are what the caller pins. Images set by patches count too (patches run
 * before the images transformer). What it cannot follow — remote bases, Helm charts inflated by
 * kustomize, plugins, replacements, links — makes the answer unknown rather than wrong.
 */
/** Kustomizations nested deeper than this are not followed (kustomize itself has no limit). */
const MAX_DEPTH = 20;
class Unknown extends Error {
}
/**
 * The images `dir`'s own `images:` entries see. `changes` (repo-relative path → text) override
 * the tree, so an edit under way is read as it will be.
 */
async function overlayInputs(tree, dir, changes = new Map()) {
    const read = async (rel) => changes.get(rel) ?? tree.read(rel);
    const type = async (rel) => (changes.has(rel) ? 'file' : tree.type(rel));
    // Each kustomization is read and parsed once, however many overlays share it as a base.
    const parsed = new Map();
    function kustomizationOf(at) {
        if (!parsed.has(at))
            parsed.set(at, readKustomization(at));
        return parsed.get(at);
    }
    async function readKustomization(at) {
        for (const name of KUSTOMIZATION_FILE_NAMES) {
            const file = at ? `${at}/${name}` : name;
            const found = await type(file);
            if (found === 'missing')
                continue;
            if (found !== 'file')
                throw new Unknown(`${file} is a link or not a plain file`);
            const parsed = distExports.parse(await read(file));
            if (!isObject(parsed))
                throw new Unknown(`${file} is not a kustomization`);
            return parsed;
        }
        throw new Unknown(`${at || '.'} has no kustomization file`);
    }
    function resolve(at, ref) {
        if (typeof ref !== 'string' || ref === '' || path.posix.isAbsolute(ref) || ref.includes('://'))
            throw new Unknown(`it names ${JSON.stringify(ref)}, which is not a path in the repository`);
        const joined = path.posix.normalize(path.posix.join(at || '.', ref));
        if (joined === '..' || joined.startsWith('../'))
            throw new Unknown(`it names ${ref}, outside the repository`);
        return joined === '.' ? '' : joined.replace(/\/$/, '');
    }
    /** The images of the resources and components of `at`, before its own entries. */
    async function accumulate(at, depth, into) {
        if (depth > MAX_DEPTH)
            throw new Unknown(`kustomizations nest deeper than ${MAX_DEPTH}`);
        const k = await kustomizationOf(at);
        if ('helmCharts' in k || 'helmChartInflationGenerator' in k)
            throw new Unknown(`${at || '.'} inflates Helm charts`);
        if (list(k.generators).length > 0 || list(k.transformers).length > 0)
            throw new Unknown(`${at || '.'} runs generator or transformer plugins`);
        // Replacements may copy an image from another resource (a ConfigMap, a Job).
        if (list(k.replacements).length > 0)
            throw new Unknown(`${at || '.'} has replacements`);
        for (const ref of [...list(k.resources), ...list(k.bases)]) {
            into.push(...(await built(resolve(at, ref), depth)));
        }
        for (const patch of patchesOf(k)) {
            if (patch.inline !== undefined)
                into.push(...imagesIn(patch.inline));
            else
                into.push(...imagesIn(await read(resolve(at, patch.path))));
        }
        for (const ref of list(k.components)) {
            const component = resolve(at, ref);
            await accumulate(component, depth + 1, into);
            applyEntries(into, await entriesOf(component));
        }
    }
    /** A resource: a file's images, or a directory built with its own entries applied. */
    async function built(rel, depth) {
        const found = await type(rel);
        if (found === 'file')
            return imagesIn(await read(rel));
        if (found !== 'dir')
            throw new Unknown(`${rel} is ${found === 'missing' ? 'missing (a remote base?)' : 'a link'}`);
        const images = [];
        await accumulate(rel, depth + 1, images);
        applyEntries(images, await entriesOf(rel));
        return images;
    }
    async function entriesOf(at) {
        return imageEntries((await kustomizationOf(at)).images);
    }
    try {
        const images = [];
        await accumulate(dir, 0, images);
        return { images: [...new Set(images)] };
    }
    catch (error) {
        if (error instanceof Unknown)
            return { unknown: error.message };
        // A file that cannot be read or parsed: the renderer (or the edit) will say what is wrong.
        return { unknown: error instanceof Error ? error.message : String(error) };
    }
}
/** A kustomization's `images:` entries, as kustomize reads them (entries without a name are skipped). */
function imageEntries(value) {
    const entries = [];
    for (const item of list(value)) {
        if (!isObject(item) || typeof item.name !== 'string')
            continue;
        const text = (key) => {
            const v = item[key];
            return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
        };
        entries.push({
            name: item.name,
            ...(text('newName') !== undefined && { newName: text('newName') }),
            ...(text('newTag') !== undefined && { newTag: text('newTag') }),
            ...(text('digest') !== undefined && { digest: text('digest') })
        });
    }
    return entries;
}
function applyEntries(images, entries) {
    for (const [i, image] of images.entries())
        images[i] = entries.reduce(applyKustomizeImage, image);
}
/** The container images a resource or patch file sets; a JSON 6902 patch's `…/image` values too. */
function imagesIn(text) {
    const images = [];
    for (const doc of distExports.parseAllDocuments(text)) {
        if (doc.errors.length > 0)
            throw new Unknown('a resource or patch is not valid YAML');
        const value = doc.toJS();
        if (!Array.isArray(value))
            continue;
        for (const op of value) {
            if (!isObject(op) || typeof op.path !== 'string')
                continue;
            if (/\/image$/.test(op.path) && typeof op.value === 'string')
                images.push(op.value);
            else if (isObject(op.value) && typeof op.value.image === 'string')
                images.push(op.value.image);
        }
    }
    return [...images, ...extractImages(text).map(image => image.image)];
}
function patchesOf(k) {
    const patches = [];
    for (const patch of list(k.patchesStrategicMerge)) {
        if (typeof patch === 'string')
            patches.push(patch.includes('\n') ? { inline: patch } : { path: patch });
    }
    for (const key of ['patches', 'patchesJson6902']) {
        for (const entry of list(k[key])) {
            if (!isObject(entry))
                continue;
            if (typeof entry.patch === 'string')
                patches.push({ inline: entry.patch });
            else if (entry.path !== undefined)
                patches.push({ path: entry.path });
        }
    }
    return patches;
}
function list(value) {
    return Array.isArray(value) ? value : [];
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * The kustomizations of the working tree at `root` that list `component` (a repo-relative
 * directory holding a kustomize Component) in `components:`: what deploys a Component, since it
 * renders nothing on its own. Sorted; .git and node_modules are not searched.
 */
async function kustomizationsIncluding(root, component) {
    const found = [];
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !isKustomizationFileName(entry.name))
            continue;
        const dir = path.relative(root, entry.parentPath).split(path.sep).join('/');
        if (dir.split('/').some(part => part === '.git' || part === 'node_modules'))
            continue;
        let kustomization;
        try {
            kustomization = distExports.parse(await readFile(path.join(entry.parentPath, entry.name), 'utf8'));
        }
        catch {
            continue; // not this search's business: the render of that overlay reports it
        }
        if (!isObject(kustomization))
            continue;
        const includes = list(kustomization.components).some(ref => typeof ref === 'string' &&
            path.posix.normalize(path.posix.join(dir || '.', ref)).replace(/\/$/, '') ===
                (component || '.'));
        if (includes)
            found.push(dir);
    }
    return [...new Set(found)].sort();
}

/**
 * Pins an image in a kustomization's `images:` list, the way `kustomize edit
 * set image` would, but touching only the `newTag` and `digest` values.
 */
/** No `images:` entry names the promoted repository. */
class MissingImageEntryError extends EditError {
    entries;
    constructor(file, repository, entries, 
    /** Why promote-image did not add an entry itself, when it considered it. */
    detail) {
        const listed = entries.length ? ` (entries: ${entries.join(', ')})` : '';
        super(`${file}: no images: entry for ${repository}${listed}${detail ? `, and ${detail}` : ''}.`, {
            subject: file,
            hint: `Add an images: entry whose newName (or name) is ${repository}, or point the target at the overlay that deploys it.`
        });
        this.entries = entries;
    }
}
/** An `images:` entry names the repository, but kustomize would apply it to no container. */
class UnappliedImageEntryError extends EditError {
}
function editKustomization(text, file, pin, options = {}) {
    const { parsed, seq } = readKustomization(text, file);
    const entries = [];
    seq?.items.forEach((item, index) => {
        if (!distExports.isMap(item))
            return;
        const name = stringAt(item, 'name');
        if (name === undefined)
            return;
        const field = (key) => stringAt(item, key);
        entries.push({
            index,
            map: item,
            image: {
                name,
                ...(field('newName') !== undefined && { newName: field('newName') }),
                ...(field('newTag') !== undefined && { newTag: field('newTag') }),
                ...(field('digest') !== undefined && { digest: field('digest') })
            }
        });
    });
    const named = entries.filter(e => canonicalRepositoryOf(e.image.newName || e.image.name) === pin.repository);
    const listed = entries.map(e => e.image.newName || e.image.name);
    if (options.inputs === undefined) {
        if (named.length === 0)
            throw new MissingImageEntryError(file, pin.repository, listed);
        return pinEntries(text, file, named, pin);
    }
    // kustomize applies the entries in list order, each to what the ones before it made.
    const applied = new Set();
    const outputs = options.inputs.map(image => entries.reduce((current, entry) => {
        if (!kustomizeImageMatches(current, entry.image.name))
            return current;
        applied.add(entry.index);
        return applyKustomizeImage(current, entry.image);
    }, image));
    const applies = named.filter(e => applied.has(e.index));
    if (applies.length > 0)
        return pinEntries(text, file, applies, pin);
    const spellings = [
        ...new Set(outputs
            .map(image => splitKustomizeImage(image).name)
            .filter(name => canonicalRepositoryOf(name) === pin.repository))
    ];
    if (named.length > 0) {
        const first = named[0];
        const line = lineOf(parsed, first.map.range[0]);
        const deployed = spellings.length
            ? `the overlay's containers spell it ${spellings.join(' and ')}`
            : `no container the overlay builds uses ${pin.repository} (${describe$1(options.inputs)})`;
        throw new UnappliedImageEntryError(`${file}:${line}: images[${first.index}] names ${first.image.name}, but kustomize would not apply it: it matches names literally, and ${deployed}. Pinned there, Argo CD would see no change.`, {
            subject: `${file}:${line}`,
            hint: spellings.length
                ? `Set the entry's name to ${spellings[0]} (the spelling in the resources), then promote again.`
                : 'Point the target at the overlay that deploys the image, or fix the entry name.'
        });
    }
    if (spellings.length === 0) {
        throw new MissingImageEntryError(file, pin.repository, listed, `the overlay deploys ${describe$1(options.inputs)}`);
    }
    // `kustomize edit set image`, once per spelling: each entry reaches the containers spelled so.
    let outcome = { text, changes: [] };
    for (const spelling of spellings) {
        const next = addEntry(parseYaml(outcome.text, file), spelling, pin);
        outcome = { text: next.text, changes: [...outcome.changes, ...next.changes] };
    }
    return outcome;
}
/**
 * The kustomization's YAML and its `images:` list, refusing what is not a kustomization (bad
 * YAML, a list at the root, `images:` that is not a list) with the line at fault.
 */
function readKustomization(text, file) {
    const parsed = parseYaml(text, file);
    const document = parsed.documents.findIndex(doc => distExports.isMap(doc.contents));
    const root = parsed.documents[document]?.contents;
    if (!distExports.isMap(root)) {
        throw new EditError(`${file}: not a kustomization (expected a map of fields).`, {
            subject: file
        });
    }
    const imagesPair = findPair(root, 'images');
    const images = imagesPair?.value;
    if (images !== undefined &&
        images !== null &&
        !distExports.isSeq(images) &&
        !(distExports.isScalar(images) && images.value === null)) {
        throw new EditError(`${file}:${lineOf(parsed, imagesPair.key.range[0])}: images is not a list.`);
    }
    return { parsed, ...(distExports.isSeq(images) && { seq: images }) };
}
/** Pins each entry in turn (entries are never added or removed, so their indexes hold). */
function pinEntries(text, file, entries, pin) {
    let outcome = { text, changes: [] };
    for (const { index } of entries) {
        const parsed = parseYaml(outcome.text, file);
        const document = parsed.documents.findIndex(doc => distExports.isMap(doc.contents));
        const seq = findPair(parsed.documents[document].contents, 'images')
            .value;
        const next = pinEntry(parsed, document, seq.items[index], index, pin);
        outcome = { text: next.text, changes: [...outcome.changes, ...next.changes] };
    }
    return outcome;
}
function describe$1(images) {
    const unique = [...new Set(images)];
    if (unique.length === 0)
        return 'no container images';
    const shown = unique.slice(0, 8).join(', ');
    return unique.length > 8 ? `${shown} and ${unique.length - 8} more` : shown;
}
/** Whether the kustomization is a kustomize Component (`kind: Component`), which renders nothing alone. */
function isKustomizeComponent(text) {
    const document = distExports.parseDocument(text);
    return distExports.isMap(document.contents) && document.get('kind') === 'Component';
}
/**
 * The kustomization without its `images:` field: rendered (never written) to learn what images
 * its entries act on when they cannot be read from the files.
 */
function withoutImageEntries(text, file) {
    const document = distExports.parseDocument(text);
    const value = document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 1000 });
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new EditError(`${file}: not a kustomization (expected a map of fields).`, {
            subject: file
        });
    }
    // Through plain values, so that an anchor set inside images: and used elsewhere still resolves.
    const { images: _images, ...rest } = value;
    return distExports.stringify(rest);
}
function pinEntry(parsed, document, entry, index, pin) {
    const batch = new MapEdits(parsed, document, entry, ['images', index], key => `images[${index}].${key}`);
    const anchorPair = (findPair(entry, 'newName') ?? findPair(entry, 'name'));
    const toInsert = [];
    const tagPair = batch.set('newTag', pin.tag);
    if (!tagPair)
        toInsert.push(['newTag', pin.tag]);
    if (pin.digest !== undefined) {
        if (!batch.set('digest', pin.digest))
            toInsert.push(['digest', pin.digest]);
    }
    else {
        const stale = findPair(entry, 'digest');
        if (stale)
            batch.remove(stale);
    }
    // newTag goes after newName (or name); digest after newTag.
    if (toInsert.length > 0)
        batch.insert(tagPair ?? anchorPair, toInsert);
    return batch.apply();
}
/** `kustomize edit set image` for an overlay that has no entry yet. */
function addEntry(parsed, name, pin) {
    const document = parsed.documents.findIndex(doc => distExports.isMap(doc.contents));
    const root = parsed.documents[document].contents;
    const imagesPair = findPair(root, 'images');
    const seq = distExports.isSeq(imagesPair?.value) ? imagesPair.value : undefined;
    const fields = [
        ['name', name],
        ['newTag', pin.tag],
        ...(pin.digest !== undefined ? [['digest', pin.digest]] : [])
    ];
    const entryValue = Object.fromEntries(fields);
    const index = seq?.items.length ?? 0;
    let edit;
    if (seq && seq.flow) {
        const inline = `{${fields.map(([k, v]) => `${k}: ${formatScalar(v)}`).join(', ')}}`;
        const close = seq.range[1] - 1; // the `]`
        edit = { start: close, end: close, replacement: `${seq.items.length ? ', ' : ''}${inline}` };
    }
    else if (seq && seq.items.length > 0) {
        const dash = ' '.repeat(columnOf(parsed.text, seq.range[0]));
        const last = seq.items[seq.items.length - 1];
        edit = insertLines(parsed, last.range[1] - 1, entryLines(dash, fields));
    }
    else {
        // No images: key (or an empty one): append a block list at the end of the map.
        const keyIndent = ' '.repeat(columnOf(parsed.text, root.range[0]));
        const lines = [`${keyIndent}images:`, ...entryLines(keyIndent, fields)];
        if (imagesPair) {
            const start = lineStartOf(parsed.text, imagesPair.key.range[0]);
            const end = parsed.text.indexOf('\n', imagesPair.key.range[1]);
            edit = {
                start,
                end: end === -1 ? parsed.text.length : end + 1,
                replacement: lines.map(l => `${l}${parsed.eol}`).join('')
            };
        }
        else {
            edit = insertLines(parsed, root.range[1] - 1, lines);
        }
    }
    const intended = [
        seq
            ? { document, path: ['images', index], value: entryValue }
            : { document, path: ['images'], value: [entryValue] }
    ];
    const line = lineOf(parsed, (seq?.range ?? root.range)[1] - 1) + 1;
    const changes = fields.map(([key, value]) => ({
        file: parsed.file,
        line,
        path: `images[${index}].${key}`,
        new: value
    }));
    return applyVerified(parsed, [edit], intended, changes);
}
function entryLines(dash, fields) {
    return fields.map(([key, value], i) => `${dash}${i === 0 ? '- ' : '  '}${key}: ${formatScalar(value)}`);
}
function lineStartOf(text, offset) {
    return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * Flux HelmReleases (helm.toolkit.fluxcd.io): a `helm:` target edits their `spec.values`
 * like any values file (editHelmValues, key `spec.values.image`). This reads where the chart
 * comes from, for the Helm render proof: helm-controller's HelmChartTemplateSpec
 * (api/v2/helmrelease_types.go) has `chart`, "the name or path the Helm chart is available at
 * in the SourceRef", and `valuesFiles` inside that chart; the version is ignored for
 * GitRepository and Bucket sources, whose `chart` is a path in the source's tree. When that
 * GitRepository is this config repository, the chart is local: `chart` relative to its root.
 * `spec.chartRef` (an OCIRepository or HelmChart) names no path, and gives `undefined` here.
 */
/** Whether `key` names values of a Flux HelmRelease in the file (`spec.values.…` of one). */
function isHelmReleaseValues(text, file, key) {
    const path = parseKeyPath(key);
    if (path[0] !== 'spec' || path[1] !== 'values')
        return false;
    return parseYaml(text, file).documents.some(doc => distExports.isMap(doc.contents) &&
        stringAt(doc.contents, 'kind') === 'HelmRelease' &&
        (stringAt(doc.contents, 'apiVersion') ?? '').startsWith('helm.toolkit.fluxcd.io/') &&
        nodeAt(doc, path) !== undefined);
}

/**
 * Moving a target to a lower semver tag is usually a mistake (an older
 * build's job finishing last) or a rollback done the wrong way: a rollback
 * is a revert of the promotion commit, which Git and Argo CD both record.
 * Returns the warning to show, or throws with `allow-downgrade: false`.
 */
function checkDowngrade(where, oldValue, newValue, policy, names = ACTION_NAMES) {
    if (policy === 'true' || oldValue === undefined || newValue === undefined)
        return undefined;
    const from = versionOf$1(oldValue);
    const to = versionOf$1(newValue);
    if (!from || !to || !semver.lt(to, from))
        return undefined;
    const message = `${where}: ${newValue.split('@')[0]} is lower than ${oldValue.split('@')[0]}: a downgrade.`;
    const hint = `A rollback is a \`git revert\` of the promotion commit; to promote an older build on purpose, set ${names.set('allow-downgrade', 'true')}.`;
    if (policy === 'false')
        throw new PolicyError(message, { hint, subject: where });
    return `${message} ${hint}`;
}
/** Strict semver, with the customary leading "v"; `tag@sha256:…` values count by their tag. */
function versionOf$1(value) {
    const tag = value.split('@')[0].replace(/^v(?=\d)/, '');
    return semver.valid(tag) ?? undefined;
}

/**
 * One build, several tags (docker/metadata-action pushes `v1.4.2` and `sha-3f9c2d1` for one
 * digest): the one tag a target gets. In order:
 * 1. the tag shaped like the one the target pins now, so each target keeps its convention:
 *    both semver, or the same leading word and separator (`sha-`, `build-`, `main-`);
 * 2. else the highest semver tag: a version tells a reader the most;
 * 3. else the first tag given.
 */
function chooseTag(tags, current) {
    if (tags.length === 0)
        throw new Error('chooseTag needs at least one tag');
    if (current !== undefined) {
        const shape = shapeOf(current);
        const alike = tags.filter(tag => shapeOf(tag) === shape);
        if (alike.length > 0)
            return highestOrFirst(alike);
    }
    return highestOrFirst(tags);
}
function highestOrFirst(tags) {
    const versions = tags.filter(tag => versionOf(tag) !== undefined);
    if (versions.length === 0)
        return tags[0];
    return versions.reduce((best, tag) => (semver.gt(versionOf(tag), versionOf(best)) ? tag : best));
}
/** `semver`, or the leading word and separator (`sha-3f9c2d1` and `sha-a1b2c3d` → `sha-`). */
function shapeOf(tag) {
    return versionOf(tag) !== undefined
        ? 'semver'
        : `prefix:${/^[A-Za-z]+[-_.]/.exec(tag)?.[0] ?? ''}`;
}
/** Strict semver, with the customary leading "v". */
function versionOf(tag) {
    return semver.valid(tag.replace(/^v(?=\d)/, '')) ?? undefined;
}

const PINS_PREFIX = '<!-- promote-image:pins=';
/** The hidden comment that records each image's pin (encoded: no text can close it). */
function pinsMarker(images) {
    const pins = images.map(i => ({
        name: i.reference.name,
        ...(i.reference.tag !== undefined && { tag: i.reference.tag }),
        digest: i.digest
    }));
    return `${PINS_PREFIX}${encodeURIComponent(JSON.stringify(pins))} -->`;
}
function readPins(body) {
    const at = body.lastIndexOf(PINS_PREFIX);
    if (at === -1)
        return undefined;
    const match = /^(\S*) -->/.exec(body.slice(at + PINS_PREFIX.length));
    try {
        const pins = JSON.parse(decodeURIComponent(match?.[1] ?? ''));
        return Array.isArray(pins)
            ? pins.filter(p => typeof p?.name === 'string')
            : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * What an update moved, as a short comment: one line per image whose pin changed
 * (`old tag (digest) → new tag (digest)`); undefined when nothing moved.
 */
function movedComment(previousBody, images) {
    const before = new Map((readPins(previousBody) ?? []).map(p => [p.name, p]));
    const pinOf = (tag, digest) => code(`${tag ?? '(no tag)'} (${shortDigest(digest)})`);
    const lines = images.flatMap(image => {
        const was = before.get(image.reference.name);
        const now = pinOf(image.reference.tag, image.digest);
        if (was && was.digest === image.digest && was.tag === image.reference.tag)
            return [];
        return [
            `- ${code(nameOf(image))}: ${was ? `${pinOf(was.tag, was.digest)} → ${now}` : `now ${now}`}`
        ];
    });
    if (lines.length === 0)
        return undefined;
    return (['A newer build updated this pull request; the description is regenerated.', '', ...lines].join('\n') + '\n');
}

class Diff {
    diff(oldStr, newStr, 
    // Type below is not accurate/complete - see above for full possibilities - but it compiles
    options = {}) {
        let callback;
        if (typeof options === 'function') {
            callback = options;
            options = {};
        }
        else if ('callback' in options) {
            callback = options.callback;
        }
        // Allow subclasses to massage the input prior to running
        const oldString = this.castInput(oldStr, options);
        const newString = this.castInput(newStr, options);
        const oldTokens = this.removeEmpty(this.tokenize(oldString, options));
        const newTokens = this.removeEmpty(this.tokenize(newString, options));
        return this.diffWithOptionsObj(oldTokens, newTokens, options, callback);
    }
    diffWithOptionsObj(oldTokens, newTokens, options, callback) {
        var _a;
        const done = (value) => {
            value = this.postProcess(value, options);
            if (callback) {
                setTimeout(function () { callback(value); }, 0);
                return undefined;
            }
            else {
                return value;
            }
        };
        const newLen = newTokens.length, oldLen = oldTokens.length;
        let editLength = 1;
        let maxEditLength = newLen + oldLen;
        if (options.maxEditLength != null) {
            maxEditLength = Math.min(maxEditLength, options.maxEditLength);
        }
        const maxExecutionTime = (_a = options.timeout) !== null && _a !== void 0 ? _a : Infinity;
        const abortAfterTimestamp = Date.now() + maxExecutionTime;
        const bestPath = [{ oldPos: -1, lastComponent: undefined }];
        // Seed editLength = 0, i.e. the content starts with the same values
        let newPos = this.extractCommon(bestPath[0], newTokens, oldTokens, 0, options);
        if (bestPath[0].oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
            // Identity per the equality and tokenizer
            return done(this.buildValues(bestPath[0].lastComponent, newTokens, oldTokens));
        }
        // Once we hit the right edge of the edit graph on some diagonal k, we can
        // definitely reach the end of the edit graph in no more than k edits, so
        // there's no point in considering any moves to diagonal k+1 any more (from
        // which we're guaranteed to need at least k+1 more edits).
        // Similarly, once we've reached the bottom of the edit graph, there's no
        // point considering moves to lower diagonals.
        // We record this fact by setting minDiagonalToConsider and
        // maxDiagonalToConsider to some finite value once we've hit the edge of
        // the edit graph.
        // This optimization is not faithful to the original algorithm presented in
        // Myers's paper, which instead pointlessly extends D-paths off the end of
        // the edit graph - see page 7 of Myers's paper which notes this point
        // explicitly and illustrates it with a diagram. This has major performance
        // implications for some common scenarios. For instance, to compute a diff
        // where the new text simply appends d characters on the end of the
        // original text of length n, the true Myers algorithm will take O(n+d^2)
        // time while this optimization needs only O(n+d) time.
        let minDiagonalToConsider = -Infinity, maxDiagonalToConsider = Infinity;
        // Main worker method. checks all permutations of a given edit length for acceptance.
        const execEditLength = () => {
            for (let diagonalPath = Math.max(minDiagonalToConsider, -editLength); diagonalPath <= Math.min(maxDiagonalToConsider, editLength); diagonalPath += 2) {
                let basePath;
                const removePath = bestPath[diagonalPath - 1], addPath = bestPath[diagonalPath + 1];
                if (removePath) {
                    // No one else is going to attempt to use this value, clear it
                    // @ts-expect-error - perf optimisation. This type-violating value will never be read.
                    bestPath[diagonalPath - 1] = undefined;
                }
                let canAdd = false;
                if (addPath) {
                    // what newPos will be after we do an insertion:
                    const addPathNewPos = addPath.oldPos - diagonalPath;
                    canAdd = addPath && 0 <= addPathNewPos && addPathNewPos < newLen;
                }
                const canRemove = removePath && removePath.oldPos + 1 < oldLen;
                if (!canAdd && !canRemove) {
                    // If this path is a terminal then prune
                    // @ts-expect-error - perf optimisation. This type-violating value will never be read.
                    bestPath[diagonalPath] = undefined;
                    continue;
                }
                // Select the diagonal that we want to branch from. We select the prior
                // path whose position in the old string is the farthest from the origin
                // and does not pass the bounds of the diff graph
                if (!canRemove || (canAdd && removePath.oldPos < addPath.oldPos)) {
                    basePath = this.addToPath(addPath, true, false, 0, options);
                }
                else {
                    basePath = this.addToPath(removePath, false, true, 1, options);
                }
                newPos = this.extractCommon(basePath, newTokens, oldTokens, diagonalPath, options);
                if (basePath.oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
                    // If we have hit the end of both strings, then we are done
                    return done(this.buildValues(basePath.lastComponent, newTokens, oldTokens)) || true;
                }
                else {
                    bestPath[diagonalPath] = basePath;
                    if (basePath.oldPos + 1 >= oldLen) {
                        maxDiagonalToConsider = Math.min(maxDiagonalToConsider, diagonalPath - 1);
                    }
                    if (newPos + 1 >= newLen) {
                        minDiagonalToConsider = Math.max(minDiagonalToConsider, diagonalPath + 1);
                    }
                }
            }
            editLength++;
        };
        // Performs the length of edit iteration. Is a bit fugly as this has to support the
        // sync and async mode which is never fun. Loops over execEditLength until a value
        // is produced, or until the edit length exceeds options.maxEditLength (if given),
        // in which case it will return undefined.
        if (callback) {
            (function exec() {
                setTimeout(function () {
                    if (editLength > maxEditLength || Date.now() > abortAfterTimestamp) {
                        return callback(undefined);
                    }
                    if (!execEditLength()) {
                        exec();
                    }
                }, 0);
            }());
        }
        else {
            while (editLength <= maxEditLength && Date.now() <= abortAfterTimestamp) {
                const ret = execEditLength();
                if (ret) {
                    return ret;
                }
            }
        }
    }
    addToPath(path, added, removed, oldPosInc, options) {
        const last = path.lastComponent;
        if (last && !options.oneChangePerToken && last.added === added && last.removed === removed) {
            return {
                oldPos: path.oldPos + oldPosInc,
                lastComponent: { count: last.count + 1, added: added, removed: removed, previousComponent: last.previousComponent }
            };
        }
        else {
            return {
                oldPos: path.oldPos + oldPosInc,
                lastComponent: { count: 1, added: added, removed: removed, previousComponent: last }
            };
        }
    }
    extractCommon(basePath, newTokens, oldTokens, diagonalPath, options) {
        const newLen = newTokens.length, oldLen = oldTokens.length;
        let oldPos = basePath.oldPos, newPos = oldPos - diagonalPath, commonCount = 0;
        while (newPos + 1 < newLen && oldPos + 1 < oldLen && this.equals(oldTokens[oldPos + 1], newTokens[newPos + 1], options)) {
            newPos++;
            oldPos++;
            commonCount++;
            if (options.oneChangePerToken) {
                basePath.lastComponent = { count: 1, previousComponent: basePath.lastComponent, added: false, removed: false };
            }
        }
        if (commonCount && !options.oneChangePerToken) {
            basePath.lastComponent = { count: commonCount, previousComponent: basePath.lastComponent, added: false, removed: false };
        }
        basePath.oldPos = oldPos;
        return newPos;
    }
    equals(left, right, options) {
        if (options.comparator) {
            return options.comparator(left, right);
        }
        else {
            return left === right
                || (!!options.ignoreCase && left.toLowerCase() === right.toLowerCase());
        }
    }
    removeEmpty(array) {
        const ret = [];
        for (let i = 0; i < array.length; i++) {
            if (array[i]) {
                ret.push(array[i]);
            }
        }
        return ret;
    }
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    castInput(value, options) {
        return value;
    }
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    tokenize(value, options) {
        return Array.from(value);
    }
    join(chars) {
        // Assumes ValueT is string, which is the case for most subclasses.
        // When it's false, e.g. in diffArrays, this method needs to be overridden (e.g. with a no-op)
        // Yes, the casts are verbose and ugly, because this pattern - of having the base class SORT OF
        // assume tokens and values are strings, but not completely - is weird and janky.
        return chars.join('');
    }
    postProcess(changeObjects, 
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    options) {
        return changeObjects;
    }
    get useLongestToken() {
        return false;
    }
    buildValues(lastComponent, newTokens, oldTokens) {
        // First we convert our linked list of components in reverse order to an
        // array in the right order:
        const components = [];
        let nextComponent;
        while (lastComponent) {
            components.push(lastComponent);
            nextComponent = lastComponent.previousComponent;
            delete lastComponent.previousComponent;
            lastComponent = nextComponent;
        }
        components.reverse();
        const componentLen = components.length;
        let componentPos = 0, newPos = 0, oldPos = 0;
        for (; componentPos < componentLen; componentPos++) {
            const component = components[componentPos];
            if (!component.removed) {
                if (!component.added && this.useLongestToken) {
                    let value = newTokens.slice(newPos, newPos + component.count);
                    value = value.map(function (value, i) {
                        const oldValue = oldTokens[oldPos + i];
                        return oldValue.length > value.length ? oldValue : value;
                    });
                    component.value = this.join(value);
                }
                else {
                    component.value = this.join(newTokens.slice(newPos, newPos + component.count));
                }
                newPos += component.count;
                // Common case
                if (!component.added) {
                    oldPos += component.count;
                }
            }
            else {
                component.value = this.join(oldTokens.slice(oldPos, oldPos + component.count));
                oldPos += component.count;
            }
        }
        return components;
    }
}

class LineDiff extends Diff {
    constructor() {
        super(...arguments);
        this.tokenize = tokenize;
    }
    equals(left, right, options) {
        // If we're ignoring whitespace, we need to normalise lines by stripping
        // whitespace before checking equality. (This has an annoying interaction
        // with newlineIsToken that requires special handling: if newlines get their
        // own token, then we DON'T want to trim the *newline* tokens down to empty
        // strings, since this would cause us to treat whitespace-only line content
        // as equal to a separator between lines, which would be weird and
        // inconsistent with the documented behavior of the options.)
        if (options.ignoreWhitespace) {
            if (!options.newlineIsToken || !left.includes('\n')) {
                left = left.trim();
            }
            if (!options.newlineIsToken || !right.includes('\n')) {
                right = right.trim();
            }
        }
        else if (options.ignoreNewlineAtEof && !options.newlineIsToken) {
            if (left.endsWith('\n')) {
                left = left.slice(0, -1);
            }
            if (right.endsWith('\n')) {
                right = right.slice(0, -1);
            }
        }
        return super.equals(left, right, options);
    }
}
const lineDiff = new LineDiff();
function diffLines(oldStr, newStr, options) {
    return lineDiff.diff(oldStr, newStr, options);
}
// Exported standalone so it can be used from jsonDiff too.
function tokenize(value, options) {
    if (options.stripTrailingCr) {
        // remove one \r before \n to match GNU diff's --strip-trailing-cr behavior
        value = value.replace(/\r\n/g, '\n');
    }
    const retLines = [], linesAndNewlines = value.split(/(\n|\r\n)/);
    // Ignore the final empty token that occurs if the string ends with a new line
    if (!linesAndNewlines[linesAndNewlines.length - 1]) {
        linesAndNewlines.pop();
    }
    // Merge the content and line separators into single tokens
    for (let i = 0; i < linesAndNewlines.length; i++) {
        const line = linesAndNewlines[i];
        if (i % 2 && !options.newlineIsToken) {
            retLines[retLines.length - 1] += line;
        }
        else {
            retLines.push(line);
        }
    }
    return retLines;
}

const INCLUDE_HEADERS = {
    includeIndex: true,
    includeUnderline: true,
    includeFileHeaders: true
};
function structuredPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, options) {
    let optionsObj;
    if (!options) {
        optionsObj = {};
    }
    else if (typeof options === 'function') {
        optionsObj = { callback: options };
    }
    else {
        optionsObj = options;
    }
    if (typeof optionsObj.context === 'undefined') {
        optionsObj.context = 4;
    }
    // We copy this into its own variable to placate TypeScript, which thinks
    // optionsObj.context might be undefined in the callbacks below.
    const context = optionsObj.context;
    // @ts-expect-error (runtime check for something that is correctly a static type error)
    if (optionsObj.newlineIsToken) {
        throw new Error('newlineIsToken may not be used with patch-generation functions, only with diffing functions');
    }
    if (!optionsObj.callback) {
        return diffLinesResultToPatch(diffLines(oldStr, newStr, optionsObj));
    }
    else {
        const { callback } = optionsObj;
        diffLines(oldStr, newStr, Object.assign(Object.assign({}, optionsObj), { callback: (diff) => {
                const patch = diffLinesResultToPatch(diff);
                // TypeScript is unhappy without the cast because it does not understand that `patch` may
                // be undefined here only if `callback` is StructuredPatchCallbackAbortable:
                callback(patch);
            } }));
    }
    function diffLinesResultToPatch(diff) {
        // STEP 1: Build up the patch with no "\ No newline at end of file" lines and with the arrays
        //         of lines containing trailing newline characters. We'll tidy up later...
        if (!diff) {
            return;
        }
        diff.push({ value: '', lines: [] }); // Append an empty value to make cleanup easier
        function contextLines(lines) {
            return lines.map(function (entry) { return ' ' + entry; });
        }
        const hunks = [];
        let oldRangeStart = 0, newRangeStart = 0, curRange = [], oldLine = 1, newLine = 1;
        for (let i = 0; i < diff.length; i++) {
            const current = diff[i], lines = current.lines || splitLines(current.value);
            current.lines = lines;
            if (current.added || current.removed) {
                // If we have previous context, start with that
                if (!oldRangeStart) {
                    const prev = diff[i - 1];
                    oldRangeStart = oldLine;
                    newRangeStart = newLine;
                    if (prev) {
                        curRange = context > 0 ? contextLines(prev.lines.slice(-context)) : [];
                        oldRangeStart -= curRange.length;
                        newRangeStart -= curRange.length;
                    }
                }
                // Output our changes
                for (const line of lines) {
                    curRange.push((current.added ? '+' : '-') + line);
                }
                // Track the updated file position
                if (current.added) {
                    newLine += lines.length;
                }
                else {
                    oldLine += lines.length;
                }
            }
            else {
                // Identical context lines. Track line changes
                if (oldRangeStart) {
                    // Close out any changes that have been output (or join overlapping)
                    if (lines.length <= context * 2 && i < diff.length - 2) {
                        // Overlapping
                        for (const line of contextLines(lines)) {
                            curRange.push(line);
                        }
                    }
                    else {
                        // end the range and output
                        const contextSize = Math.min(lines.length, context);
                        for (const line of contextLines(lines.slice(0, contextSize))) {
                            curRange.push(line);
                        }
                        const hunk = {
                            oldStart: oldRangeStart,
                            oldLines: (oldLine - oldRangeStart + contextSize),
                            newStart: newRangeStart,
                            newLines: (newLine - newRangeStart + contextSize),
                            lines: curRange
                        };
                        hunks.push(hunk);
                        oldRangeStart = 0;
                        newRangeStart = 0;
                        curRange = [];
                    }
                }
                oldLine += lines.length;
                newLine += lines.length;
            }
        }
        // Step 2: eliminate the trailing `\n` from each line of each hunk, and, where needed, add
        //         "\ No newline at end of file".
        for (const hunk of hunks) {
            for (let i = 0; i < hunk.lines.length; i++) {
                if (hunk.lines[i].endsWith('\n')) {
                    hunk.lines[i] = hunk.lines[i].slice(0, -1);
                }
                else {
                    hunk.lines.splice(i + 1, 0, '\\ No newline at end of file');
                    i++; // Skip the line we just added, then continue iterating
                }
            }
        }
        return {
            oldFileName: oldFileName, newFileName: newFileName,
            oldHeader: oldHeader, newHeader: newHeader,
            hunks: hunks
        };
    }
}
/**
 * creates a unified diff patch.
 * @param patch either a single structured patch object (as returned by `structuredPatch`) or an array of them (as returned by `parsePatch`)
 */
function formatPatch(patch, headerOptions) {
    if (!headerOptions) {
        headerOptions = INCLUDE_HEADERS;
    }
    if (Array.isArray(patch)) {
        if (patch.length > 1 && !headerOptions.includeFileHeaders) {
            throw new Error('Cannot omit file headers on a multi-file patch. '
                + '(The result would be unparseable; how would a tool trying to apply '
                + 'the patch know which changes are to which file?)');
        }
        return patch.map(p => formatPatch(p, headerOptions)).join('\n');
    }
    const ret = [];
    if (headerOptions.includeIndex && patch.oldFileName == patch.newFileName) {
        ret.push('Index: ' + patch.oldFileName);
    }
    if (headerOptions.includeUnderline) {
        ret.push('===================================================================');
    }
    if (headerOptions.includeFileHeaders) {
        ret.push('--- ' + patch.oldFileName + (typeof patch.oldHeader === 'undefined' ? '' : '\t' + patch.oldHeader));
        ret.push('+++ ' + patch.newFileName + (typeof patch.newHeader === 'undefined' ? '' : '\t' + patch.newHeader));
    }
    for (let i = 0; i < patch.hunks.length; i++) {
        const hunk = patch.hunks[i];
        // Unified Diff Format quirk: If the chunk size is 0,
        // the first number is one lower than one would expect.
        // https://www.artima.com/weblogs/viewpost.jsp?thread=164293
        if (hunk.oldLines === 0) {
            hunk.oldStart -= 1;
        }
        if (hunk.newLines === 0) {
            hunk.newStart -= 1;
        }
        ret.push('@@ -' + hunk.oldStart + ',' + hunk.oldLines
            + ' +' + hunk.newStart + ',' + hunk.newLines
            + ' @@');
        for (const line of hunk.lines) {
            ret.push(line);
        }
    }
    return ret.join('\n') + '\n';
}
function createTwoFilesPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, options) {
    {
        const patchObj = structuredPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, options);
        if (!patchObj) {
            return;
        }
        return formatPatch(patchObj, void 0 );
    }
}
/**
 * Split `text` into an array of lines, including the trailing newline character (where present)
 */
function splitLines(text) {
    const hasTrailingNl = text.endsWith('\n');
    const result = text.split('\n').map(line => line + '\n');
    if (hasTrailingNl) {
        result.pop();
    }
    else {
        result.push(result.pop().slice(0, -1));
    }
    return result;
}

/**
 * "What changes in the cluster": a unified diff of what the render proof rendered before and
 * after the edit, per target, and the changed lines that are not image fields (called out at the
 * top of the body, since a plain image bump changes only those). Pure: text in, text out.
 */
/** Past this many changed lines, the diff is not computed (Myers' cost grows with it). */
const MAX_EDIT_LENGTH = 2000;
/** A container's image field as renderers print it: `image: ref`, `- image: ref`, quoted or not. */
const IMAGE_LINE = /^\s*(?:-\s+)?["']?image["']?\s*:\s*\S/;
/** The rendered diff of every report that carries its render, once per target. */
function renderedDiff(renders) {
    const lines = [];
    const beyondImages = [];
    const seen = new Set();
    for (const report of renders) {
        if (!report.rendered || seen.has(report.target))
            continue;
        seen.add(report.target);
        const { before, after } = report.rendered;
        if (before === after)
            continue;
        // Bounded work: a render changed in thousands of places is named, not diffed line by line.
        const patch = structuredPatch(report.target, report.target, before, after, '', '', {
            context: 3,
            maxEditLength: MAX_EDIT_LENGTH
        });
        if (!patch) {
            lines.push(`--- a/${report.target} (before)`, `+++ b/${report.target} (after)`);
            const note = `more than ${MAX_EDIT_LENGTH} rendered lines change: too many to show here`;
            lines.push(`@@ ${note} @@`);
            beyondImages.push({ target: report.target, line: note });
            continue;
        }
        if (patch.hunks.length === 0)
            continue;
        lines.push(`--- a/${report.target} (before)`, `+++ b/${report.target} (after)`);
        for (const hunk of patch.hunks) {
            lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
            for (const line of hunk.lines) {
                lines.push(line);
                if ((line.startsWith('+') || line.startsWith('-')) && !IMAGE_LINE.test(line.slice(1)))
                    beyondImages.push({ target: report.target, line });
            }
        }
    }
    return { lines, beyondImages };
}

/**
 * A pull request body as a list of sections, each a pure function of the promotion, and the
 * one rule that keeps the body within GitHub's limit: cut the longest section first.
 */
/** A section that is never cut (the lead, the marker). */
function fixedSection(name, text) {
    return { name, size: 0, render: () => text };
}
/**
 * The sections joined, cutting the longest section (then the next…) to the most parts that fit
 * in `limit`; undefined when even every section cut to nothing does not fit.
 */
function composeSections(sections, limit) {
    const shown = sections.map(s => s.size);
    const compose = () => sections
        .map((s, i) => s.render(shown[i]))
        .filter(text => text.length > 0)
        .join('\n\n') + '\n';
    let body = compose();
    const cut = new Set();
    while (body.length > limit) {
        let longest = -1;
        let length = -1;
        for (const [i, s] of sections.entries()) {
            if (cut.has(i) || s.size === 0)
                continue;
            const own = s.render(shown[i]).length;
            if (own > length)
                [longest, length] = [i, own];
        }
        if (longest === -1)
            break;
        cut.add(longest);
        let low = 0;
        let high = shown[longest];
        while (low < high) {
            const middle = Math.ceil((low + high) / 2);
            shown[longest] = middle;
            if (compose().length <= limit)
                low = middle;
            else
                high = middle - 1;
        }
        shown[longest] = low;
        body = compose();
    }
    return body;
}

/** GitHub refuses a pull request body longer than this. */
const PULL_REQUEST_BODY_LIMIT = 65_536;
/** Longer subjects get cut in `git log --oneline`, GitHub's commit list and mail. */
const SUBJECT_LIMIT = 72;
const DEFAULT_SERVER_URL = 'https://github.com';
const MARKER_PREFIX = '<!-- promote-image:environment=';
/** Who signed, as the signature gate verified it; `quote` marks values up (markdown or none). */
function signatureWords(signature, quote) {
    return signature.kind === 'cosign-key'
        ? `verified, cosign key ${quote(signature.key)}`
        : `verified, signed by ${quote(signature.identity)} (issuer ${quote(signature.issuer)})`;
}
/**
 * `promote(<env>): <name> <tag> (<short digest>)` (or the commit-message
 * template, with what it holds under its first line), one line per changed
 * value, then git trailers: `Promoted-Image` per image and `Source-*` when
 * known — so promote-image recognises its own commits whatever the subject.
 */
function commitMessage(content) {
    const changes = content.result.files.flatMap(f => f.changes);
    const { repository, sha, runUrl } = content.source;
    const trailers = [
        ...content.images.map(i => `Promoted-Image: ${oneLine(i.pinned)}`),
        ...content.images.flatMap(i => i.signature
            ? [`Image-Signature: ${oneLine(`${i.pinned} ${signatureWords(i.signature, t => t)}`)}`]
            : []),
        ...content.images.flatMap(i => i.provenance
            ? [`Image-Provenance: ${oneLine(`${i.pinned} ${provenanceWords(i.provenance, t => t)}`)}`]
            : []),
        ...(repository ? [`Source-Repository: ${oneLine(repository)}`] : []),
        ...(sha ? [`Source-Commit: ${oneLine(sha)}`] : []),
        ...(runUrl ? [`Source-Run: ${oneLine(runUrl)}`] : [])
    ];
    const custom = content.messageTemplate
        ? expandCommitMessage(content.messageTemplate, content.environment, content.images)
        : undefined;
    // git reads trailers from the last paragraph only, so the change lines stay a paragraph apart.
    const paragraphs = [
        custom?.subject || subject(content),
        custom?.body ?? '',
        changes.map(commitChangeLine).join('\n'),
        trailers.join('\n')
    ].filter(p => p.length > 0);
    return `${paragraphs.join('\n\n')}\n`;
}
/**
 * The commit subject, or the template with `{environment}`, `{name}`, `{tag}`,
 * `{digest}` (full) and `{images}` (`name tag, …`) replaced. With several
 * images, `{name}`, `{tag}` and `{digest}` list each distinct value once.
 */
function pullRequestTitle(content, template) {
    if (template === undefined || template.trim() === '')
        return subject(content);
    const distinct = (values) => [...new Set(values)].join(', ');
    const values = new Map([
        ['environment', content.environment ?? ''],
        ['name', distinct(content.images.map(nameOf))],
        ['tag', distinct(content.images.flatMap(i => i.reference.tag ?? []))],
        ['digest', distinct(content.images.map(i => i.digest))],
        ['images', content.images.map(nameAndTag).join(', ')]
    ]);
    // One pass, so a replaced value that looks like a placeholder stays as it is.
    return oneLine(template.replace(/\{(\w+)\}/g, (all, key) => values.get(key) ?? all)).trim();
}
/**
 * The pull request body in GitHub-flavored markdown: lead, change table,
 * image details, render proof, how to roll back, and the marker comment that
 * finds the living pull request again. Cut to GitHub's limit, change table first.
 */
function pullRequestBody(content) {
    const body = composeSections(bodySections(content), PULL_REQUEST_BODY_LIMIT);
    if (body.length <= PULL_REQUEST_BODY_LIMIT)
        return body;
    // Only absurd input gets here (a base branch or environment of ~64k characters): cut hard,
    // keeping the marker when it is of sane length.
    const marker = promotionMarker(content.environment);
    const tail = marker.length < 1000 ? `\n\n…\n\n${marker}\n` : '\n\n…\n';
    let cut = body.slice(0, PULL_REQUEST_BODY_LIMIT - tail.length);
    if (/[\uD800-\uDBFF]$/.test(cut))
        cut = cut.slice(0, -1);
    return cut + tail;
}
/**
 * The body's sections in order, each a pure function of the promotion: lead, what a reviewer
 * must notice, the change table, what changes in the cluster, trust, images, render proof,
 * rolling back, and the marker. A new section is one more line here.
 */
function bodySections(content) {
    const links = linksOf(content);
    const changes = content.result.files.flatMap(f => f.changes);
    const rows = changes.map(c => tableRow(c, content, links));
    const images = content.images.map(i => imageDetails(i, content, links));
    const renders = content.result.renders.map(r => `- ${r.ok ? '✅' : '❌'} ${code(r.target)}: ${itemWithSublist(r.message)}`);
    const cluster = renderedDiff(content.result.renders);
    const more = moreLink(content, links);
    return [
        fixedSection('lead', lead(content, changes, links)),
        fixedSection('notice', noticeSection(content, cluster)),
        {
            name: 'changes',
            size: rows.length,
            render: shown => tableSection(rows, shown).join('\n\n')
        },
        fixedSection('code', codeChangesSection(content.codeChanges ?? [])),
        clusterSection(cluster, more),
        fixedSection('trust', trustSection(content)),
        {
            name: 'images',
            size: images.length,
            render: shown => images.length > 0
                ? ['### Images', ...listSection(images, shown, 'image', '\n\n')].join('\n\n')
                : ''
        },
        {
            name: 'render proof',
            size: renders.length,
            render: shown => [
                '### Render proof',
                ...(renders.length > 0
                    ? listSection(renders, shown, 'render result', '\n')
                    : [`Not run: ${escapeText(renderSkipped(content))}.`])
            ].join('\n\n')
        },
        fixedSection('rolling back', ['### Rolling back', rollback(content)].join('\n\n')),
        fixedSection('marker', `${pinsMarker(content.images)}\n${promotionMarker(content.environment)}`)
    ];
}
/** Where a reader sees what a cut section left out: the workflow run, else the compare view. */
function moreLink(content, links) {
    if (links.run)
        return `[the workflow run](${destination(links.run)})`;
    const head = content.headSha;
    if (links.config && head && /^[0-9a-f]{7,64}$/i.test(head)) {
        const compare = `${links.config}/compare/${urlPath(content.baseBranch)}...${head}`;
        return `[the compare view](${destination(compare)})`;
    }
    return "the pull request's Files changed";
}
/**
 * What a reviewer must not miss, at the top: a render that changes more than image fields, and
 * a downgrade. Empty when there is nothing of the kind.
 */
function noticeSection(content, cluster) {
    const lines = [];
    if (cluster.beyondImages.length > 0) {
        const targets = [...new Set(cluster.beyondImages.map(b => b.target))];
        lines.push(`**The render changes more than image fields**: ${count(cluster.beyondImages.length, 'line')} in ${targets.map(t => code(t)).join(', ')}, for example ${code(cluster.beyondImages[0].line)}. See What changes in the cluster.`);
    }
    for (const warning of content.result.warnings ?? [])
        lines.push(`**Downgrade**: ${escapeText(warning)}`);
    if (lines.length === 0)
        return '';
    return ['> [!WARNING]', ...lines.map(line => `> ${line}`)].join('\n>\n');
}
/** The rendered diff, folded; its lines are the part cut to fit. */
function clusterSection(cluster, more) {
    const { lines } = cluster;
    return {
        name: 'cluster',
        size: lines.length,
        render: shown => {
            if (lines.length === 0)
                return '';
            const kept = lines.slice(0, shown);
            const longest = Math.max(2, ...kept.map(l => (l.match(/`+/g) ?? []).reduce((m, r) => Math.max(m, r.length), 0)));
            const fence = '`'.repeat(longest + 1);
            const what = cluster.beyondImages.length === 0
                ? 'Only image fields change in what Argo CD applies.'
                : `Beyond image fields, ${count(cluster.beyondImages.length, 'rendered line')} change${cluster.beyondImages.length === 1 ? 's' : ''}: read the diff.`;
            const left = shown < lines.length
                ? [
                    `_${count(lines.length - shown, 'more diff line')} left out to stay within GitHub's pull request body limit; see ${more}._`
                ]
                : [];
            return [
                '### What changes in the cluster',
                what,
                [
                    '<details>',
                    '<summary>Rendered manifests, before → after</summary>',
                    '',
                    `${fence}diff`,
                    ...kept,
                    fence,
                    '',
                    '</details>'
                ].join('\n'),
                ...left
            ].join('\n\n');
        }
    };
}
/** Signatures, provenance and ECR tag mutability, per image; empty when no gate said anything. */
function trustSection(content) {
    const lines = content.images.flatMap(image => {
        const name = code(nameAndTag(image));
        const out = [];
        if (image.signature)
            out.push(`- ${name}: signature ${signatureWords(image.signature, code)}`);
        if (image.provenance) {
            out.push(`- ${name}: provenance ${provenanceWords(image.provenance, code)}`);
        }
        const immutability = image.tagImmutability;
        if (immutability) {
            const verdict = immutability.immutable === undefined
                ? 'unknown'
                : immutability.immutable
                    ? 'immutable'
                    : '**mutable**';
            out.push(`- ${name}: tag immutability (ECR) ${verdict}, ${escapeText(immutability.reason)}`);
        }
        return out;
    });
    if (lines.length === 0)
        return '';
    return ['### Trust', lines.join('\n')].join('\n\n');
}
/** The hidden comment that marks a promote-image pull request for an environment. */
function promotionMarker(environment) {
    // Encoded, so an environment name can never close the comment (`-->`).
    return `${MARKER_PREFIX}${encodeURIComponent(environment ?? '')} -->`;
}
// ---- commit message ------------------------------------------------------
function subject(content) {
    const prefix = content.environment ? `promote(${oneLine(content.environment)}): ` : 'promote: ';
    const images = content.images;
    if (images.length === 0)
        return `${prefix}no images`;
    const full = prefix + images.map(i => `${nameAndTag(i)} (${shortDigest(i.digest)})`).join(', ');
    // One image keeps its digest however long the line: it is what the commit is about.
    if (images.length === 1 || full.length <= SUBJECT_LIMIT)
        return full;
    const count = `${prefix}${images.length} images`;
    for (let listed = images.length; listed > 0; listed--) {
        const names = images.slice(0, listed).map(nameAndTag);
        if (listed < images.length)
            names.push(`+${images.length - listed} more`);
        const candidate = `${count} (${names.join(', ')})`;
        if (candidate.length <= SUBJECT_LIMIT)
            return candidate;
    }
    return count;
}
function commitChangeLine(c) {
    return `- ${oneLine(`${c.file}:${c.line} ${c.path}: ${c.old ?? '(none)'} → ${c.new ?? '(removed)'}`)}`;
}
function nameAndTag(image) {
    const tag = image.reference.tag;
    return tag === undefined ? nameOf(image) : `${nameOf(image)} ${oneLine(tag)}`;
}
function linksOf(content) {
    const { repository, sha, runUrl } = content.source;
    // https://github.com, without a trailing slash; undefined when not an http(s) URL.
    const server = httpUrl(content.source.serverUrl ?? DEFAULT_SERVER_URL)?.replace(/\/+$/, '');
    const config = server && content.configRepository && isRepository(content.configRepository)
        ? `${server}/${content.configRepository}`
        : undefined;
    const commit = server && repository && isRepository(repository) && sha && /^[0-9a-f]{7,64}$/i.test(sha)
        ? `${server}/${repository}/commit/${sha}`
        : undefined;
    return { config, commit, run: runUrl ? httpUrl(runUrl) : undefined };
}
function lead(content, changes, links) {
    const where = content.environment ? ` in ${code(content.environment)}` : '';
    const digests = content.images.every(i => i.pin === 'digest');
    const how = digests ? 'by tag and digest' : 'by immutable tag';
    const from = content.fromEnvironment
        ? ` — the exact builds that run in ${code(content.fromEnvironment)} —`
        : '';
    const pins = `Pins ${count(content.images.length, 'image')}${where}${from} ${how}`;
    const base = code(content.baseBranch);
    if (changes.length === 0) {
        return `${pins}: nothing to change, every target already pins ${content.images.length === 1 ? 'it' : 'them'} on ${base}.`;
    }
    const files = count(new Set(changes.map(c => c.file)).size, 'file');
    const repository = content.configRepository
        ? ` of ${links.config ? `[${code(content.configRepository)}](${destination(links.config)})` : code(content.configRepository)}`
        : '';
    const what = `${count(changes.length, 'value')} in ${files}${repository}`;
    return content.mode === 'pull-request'
        ? `${pins}: ${what}, base ${base}. Merging this pull request changes what Argo CD deploys.`
        : `${pins}: ${what}, pushed to ${base}. Argo CD deploys the change on its next sync.`;
}
function tableSection(rows, shown) {
    if (rows.length === 0)
        return [];
    const table = [
        '| Image | Environment | File | Old | New |',
        '| --- | --- | --- | --- | --- |',
        ...rows.slice(0, shown)
    ].join('\n');
    if (shown >= rows.length)
        return [table];
    const left = rows.length - shown;
    return [
        ...(shown > 0 ? [table] : []),
        `_${count(left, 'more row')} left out (${number(shown)} of ${number(rows.length)} shown): GitHub limits a pull request body to ${number(PULL_REQUEST_BODY_LIMIT)} characters; Files changed shows every change._`
    ];
}
function listSection(items, shown, noun, separator) {
    const list = items.slice(0, shown);
    if (shown < items.length) {
        list.push(`_${count(items.length - shown, `more ${noun}`)} left out to stay within GitHub's pull request body limit._`);
    }
    return [list.join(separator)];
}
function tableRow(c, content, links) {
    const environment = c.environment ?? content.environment;
    const place = code(`${c.file}:${c.line}`, true);
    const head = content.headSha;
    const ref = head && /^[0-9a-f]{7,64}$/i.test(head) ? head : urlPath(content.baseBranch);
    const file = links.config
        ? `[${place}](${destination(`${links.config}/blob/${ref}/${urlPath(c.file)}#L${c.line}`)})`
        : place;
    const cells = [
        code(c.image, true),
        environment ? escapeText(environment) : '—',
        file,
        c.old === undefined ? '_(none)_' : code(c.old, true),
        c.new === undefined ? '_(removed)_' : code(c.new, true)
    ];
    return `| ${cells.join(' | ')} |`;
}
function imageDetails(image, content, links) {
    const { repository, sha, actor } = content.source;
    const kind = image.kind === 'index'
        ? `image index${image.platforms && image.platforms.length > 0 ? ` (${escapeText(image.platforms.join(', '))})` : ''}`
        : 'single manifest';
    const pinned = image.pin === 'digest' ? '' : ' (tag only: pin is `tag`)';
    const commit = links.commit
        ? `[${code(`${repository}@${sha.slice(0, 7)}`)}](${destination(links.commit)})`
        : sha
            ? `${code(sha)}${repository ? ` in ${code(repository)}` : ''}`
            : 'unknown';
    const run = links.run ? `[${runLabel(links.run)}](${destination(links.run)})` : 'unknown';
    const lines = [
        `- Digest: ${code(image.digest)}`,
        `- Kind: ${kind}, ${code(image.mediaType)}`,
        `- Pinned reference: ${code(image.pinned)}${pinned}`,
        ...(image.promotedFrom
            ? [
                `- Runs in ${code(image.promotedFrom.environment)}${image.promotedFrom.since ? ` since ${code(image.promotedFrom.since)}` : ''}, pinned at ${code(`${image.promotedFrom.file}:${image.promotedFrom.line}`)}`
            ]
            : []),
        `- Source commit: ${commit}`,
        `- Workflow run: ${run}${actor ? `, triggered by ${code(actor)}` : ''}`
    ];
    const summary = `${nameAndTag(image)} (${shortDigest(image.digest)})`;
    // An HTML block ends at a blank line: the list between them is markdown again.
    return [
        '<details>',
        `<summary>${escapeHtml(summary)}</summary>`,
        '',
        ...lines,
        '',
        '</details>'
    ].join('\n');
}
function renderSkipped(content) {
    if (content.renderNote)
        return content.renderNote;
    if (content.result.files.length === 0)
        return 'nothing changed';
    return 'verify-render is false, no Kustomize renderer was found on the runner, or no target is a Kustomize overlay';
}
function rollback(content) {
    const what = content.images.every(i => i.pin === 'digest') ? 'digest' : 'tag';
    const how = content.mode === 'pull-request'
        ? "`git revert <sha>` once merged, or GitHub's Revert button"
        : '`git revert <sha>`';
    return `Revert this commit (${how}); Argo CD then syncs the previous ${what}. A rollback is a revert, not a re-promotion of an older tag.`;
}
function runLabel(url) {
    const match = /\/actions\/runs\/(\d+)(?:\/attempts\/(\d+))?/.exec(url);
    if (!match)
        return 'workflow run';
    return match[2] ? `run ${match[1]}, attempt ${match[2]}` : `run ${match[1]}`;
}
// ---- escapes -------------------------------------------------------------
function escapeHtml(text) {
    const entities = {
        '&': '&amp;',
        '<': '&lt;',
        '>': '&gt;',
        '"': '&quot;',
        "'": '&#39;'
    };
    return oneLine(text).replace(/[&<>"']/g, c => entities[c] ?? c);
}
/** A link destination: parentheses and spaces would end it early. */
function destination(url) {
    return url.replace(/[()\s<>]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
/** Path segments percent-encoded, slashes kept: `a b/c#d` → `a%20b/c%23d`. */
function urlPath(path) {
    return path.split('/').map(encodeURIComponent).join('/');
}
function httpUrl(text) {
    try {
        const url = new URL(text);
        return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
    }
    catch {
        return undefined;
    }
}
function isRepository(text) {
    return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(text);
}
function count(n, noun) {
    return `${number(n)} ${noun}${n === 1 ? '' : 's'}`;
}
function number(n) {
    return n.toLocaleString('en-US');
}

/**
 * The api writer behind the session port: reads through the contents API into a temporary
 * directory holding only what the promotion reads, writes with the Git Data API (no clone;
 * Verified commits). It holds no token: the GitHub repository's client does.
 */
/** Commit messages as GitHub stores them: trailing newlines and spaces do not count. */
function sameMessage(a, b) {
    return a.trim() === b.trim();
}
async function apiSession(options, logger) {
    const github = options.github;
    const baseBranch = options.baseBranch ?? (await github.info()).defaultBranch;
    const state = {
        dir: '',
        baseSha: '',
        reader: undefined,
        /** The message of the last commit sent to the base branch: recognises it when it landed. */
        message: undefined
    };
    // The base commit's tree: only commits made through the REST Git Data API need it.
    const baseTree = async () => (await github.commit(state.baseSha)).tree;
    const open = async (head) => {
        if (state.dir)
            await rm(join(state.dir, '..'), { recursive: true, force: true });
        if (!head) {
            throw new PromoteError(`Branch ${baseBranch} does not exist in ${github.fullName}.`, {
                hint: 'Set base-branch to an existing branch, or leave it empty for the default branch.'
            });
        }
        state.baseSha = head;
        state.reader = github.reader(head);
        state.dir = join(await realpath(await mkdtemp(join(tmpdir(), 'promote-image-api-'))), 'config');
        // The checkout exists even when nothing the promotion names does: the edit says what is missing.
        await mkdir(state.dir);
        logger.debug(`${github.fullName} ${baseBranch} at ${head}`);
    };
    // The head promotion.yaml was read at, when it was read through this repository.
    await open(await github.branchHead(baseBranch, { reuse: true }));
    return {
        baseBranch,
        get dir() {
            return state.dir;
        },
        get reader() {
            return state.reader;
        },
        fetch: paths => github.materialize(state.reader, paths, state.dir),
        fetchAll: () => {
            throw new RenderError('The render needs files that cannot be told in advance (symlinks or Helm charts in the overlay).', {
                hint: 'Use write-method: git for this overlay, or verify-render: false.'
            });
        },
        commit: async (edit, message) => {
            const files = new Map(edit.files.map(f => [f.file, f.after]));
            return github.createCommit(await baseTree(), state.baseSha, files, message);
        },
        push: async (sha, branch, expected) => {
            // Only pull-request branches are pushed here: the base gets commitToBase.
            const moved = await github.setBranch(branch, sha, expected ?? undefined);
            return moved === 'moved' ? 'pushed' : 'rejected';
        },
        commitToBase: async (edit, message) => {
            const files = new Map(edit.files.map(f => [f.file, f.after]));
            state.message = message;
            const landed = await github.commitOnBranch(baseBranch, state.baseSha, files, message);
            return landed === 'stale' ? 'rejected' : landed;
        },
        unchanged: (head, commit) => head.parents[0] === state.baseSha && head.tree === commit.tree,
        refresh: async () => {
            const head = await github.branchHead(baseBranch);
            if (head && head !== state.baseSha) {
                const changes = await github.changesBetween(state.baseSha, head);
                // GitHub applied createCommitOnBranch and the answer was lost: the retry met STALE_DATA.
                const only = changes?.only;
                if (only &&
                    state.message !== undefined &&
                    only.parents[0] === state.baseSha &&
                    sameMessage(only.message, state.message))
                    return { landed: only.sha };
                if (changes && !changesTouch(state.reader.reads, changes.files)) {
                    state.baseSha = head;
                    return 'kept';
                }
            }
            await open(head);
            return 'reread';
        },
        writeWait: () => github.writeWait(),
        close: async () => {
            if (state.dir)
                await rm(join(state.dir, '..'), { recursive: true, force: true });
        }
    };
}

/**
 * The environment every git command of a checkout runs in. The token never reaches a command
 * line, a URL or .git/config: it goes to git as an `http.<origin>.extraHeader` in the global
 * config of a private, throwaway HOME (mode 0600 in a 0700 temp dir, as actions/checkout v6
 * keeps it in RUNNER_TEMP), deleted with the clone.
 */
/** Commits made by the action look like other automation on GitHub. */
const DEFAULT_IDENTITY = {
    name: 'github-actions[bot]',
    email: '41898282+github-actions[bot]@users.noreply.github.com'
};
/** Local paths become file:// URLs, so that --depth and --filter apply. */
function normalizeUrl(url) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^:]+:/.test(url))
        return url;
    return pathToFileURL(isAbsolute(url) ? url : resolve(url)).href;
}
/** The private environment for every git command of one clone: its HOME is `home`. */
async function gitEnv(url, home, token, identity, onSecret) {
    const config = ['[protocol]', '\tversion = 2'];
    if (token && /^https?:\/\//i.test(url)) {
        const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
        onSecret?.(token);
        onSecret?.(basic);
        // Scoped to the repository's origin: never sent to another host.
        config.push(`[http "${new URL(url).origin}/"]`, `\textraHeader = AUTHORIZATION: basic ${basic}`);
    }
    await writeFile(join(home, '.gitconfig'), `${config.join('\n')}\n`, { mode: 0o600 });
    return {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        // A private home: the runner's own global config (credential helpers,
        // checkout's extraheader, url rewrites) must not apply either.
        HOME: home,
        XDG_CONFIG_HOME: home,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        GCM_INTERACTIVE: 'Never',
        GIT_LFS_SKIP_SMUDGE: '1',
        GIT_AUTHOR_NAME: identity.name,
        GIT_AUTHOR_EMAIL: identity.email,
        GIT_COMMITTER_NAME: identity.name,
        GIT_COMMITTER_EMAIL: identity.email
    };
}

/**
 * What git's failures mean: a push that lost a race (re-read and re-apply), a push the remote
 * refused (say why and stop), a transient outage (retry with backoff) or an answer (stop).
 * git itself retries nothing and reports everything as text, so the text is read here.
 */
class GitError extends PromoteError {
}
/** Clone, fetch and push: total attempts, the first included, on a transient failure. */
const GIT_RETRY = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };
/** git's last words: the tail of its output, where it says what went wrong. */
function gitMessage(error) {
    return errorText(error).trim().split('\n').slice(-6).join('\n');
}
/** The whole of a failure's text (simple-git puts git's stderr in the message). */
function errorText(error) {
    return error instanceof Error ? error.message : String(error);
}
/**
 * git's words when `clone --branch B` finds no B ("Remote branch B not found
 * in upstream origin"): the URL and the token were fine, the branch is not.
 */
function missingBranchHint(error, branch) {
    if (branch === undefined)
        return undefined;
    if (!/remote branch \S+ not found|could not find remote branch/i.test(errorText(error))) {
        return undefined;
    }
    return `The repository has no branch ${branch}: set the base branch (--base-branch, base-branch) to an existing branch, or leave it out to use the default branch.`;
}
/** git's words for a push the remote did not take, for whatever reason. */
const PUSH_REFUSED = /\[(?:remote )?rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref/i;
/**
 * The push lost a race: the branch moved between read and push (`[rejected] (fetch first)`,
 * `(non-fast-forward)`, a lease that no longer holds: `(stale info)`), or another push held
 * the ref at that moment (`[remote rejected] (cannot lock ref …)`, `(failed to update ref)`,
 * `(incorrect old value provided)`). Any other refusal — protection, a hook, a non-bare
 * remote with the branch checked out — stays refused on retry.
 * Reasons from git's transport.c (push_ref status) and receive-pack.c (update()).
 */
const RACE = /\[rejected\][^\n]*\((?:fetch first|non-fast-forward|stale info)\)|\[remote rejected\][^\n]*\((?:cannot lock ref|failed to update ref|incorrect old value provided)|(?:^|\n)(?:error: )?cannot lock ref/i;
/** The branch moved under the push: the caller re-reads and re-applies. */
function lostRace(output) {
    return RACE.test(output) && !/GH006|GH013|protected branch|hook declined/i.test(output);
}
/** A refused push, with git's own reason and what to do about it. */
function pushRefused(branch, remote, output) {
    const lines = output.split('\n').map(line => line.trim());
    const reason = /\[(?:remote )?rejected\][^(]*\(([^)]*)\)/.exec(output)?.[1] ?? 'refused';
    const said = lines
        .filter(line => /^remote: ?\S/.test(line) && !/^remote: *$/.test(line))
        .map(line => line.replace(/^remote: ?/, ''))
        .slice(0, 6);
    const detail = said.length ? ` The remote said: ${said.join(' / ')}` : '';
    const protectedRule = /GH006|GH013|protected branch|rule violation/i.test(output);
    const hint = protectedRule
        ? `Promote this environment with mode: pull-request (in promotion.yaml or the mode input / --mode), or let the token bypass the ${/GH013|rule violation/i.test(output) ? 'ruleset' : 'branch protection'} if direct pushes are intended.`
        : /checked out/i.test(output)
            ? `The remote is a non-bare repository with ${branch} checked out: push to a bare repository (git clone --bare), or promote into a branch that is not checked out there.`
            : /hook declined/i.test(output)
                ? 'A server-side hook refused the push: read its message above and fix what it asks for.'
                : 'The remote refused the push: read its reason above.';
    return new GitError(`${remote} refused the push to ${branch} (${reason}); nothing was pushed.${detail}`, { hint });
}
/** The HTTP status in git's output: "The requested URL returned error: 502", "RPC failed; HTTP 502". */
function gitHttpStatus(output) {
    const match = /(?:returned error:|\bHTTP)\s+(\d{3})\b/i.exec(output);
    return match ? Number(match[1]) : undefined;
}
/** The request itself is wrong (or not allowed): retrying cannot help. */
const PERMANENT = /authentication failed|could not read (username|password)|terminal prompts disabled|invalid username or password|permission denied|repository not found|not found|does not appear to be a git repository|not a git repository|could not resolve host|couldn't find remote ref/i;
/** The server or the network broke off: worth another try. */
const TRANSIENT = /RPC failed|unexpected disconnect|early EOF|hung up unexpectedly|connection (was )?reset|reset by peer|timed out|timeout was reached|transfer closed with outstanding read data|empty reply from server|HTTP\/2 stream \d+ was not closed cleanly|SSL_ERROR_SYSCALL|gnutls_handshake\(\) failed|index-pack failed/i;
/**
 * Whether git's output shows a transient failure: HTTP 5xx, 429 or 408, or
 * the connection breaking off. 401/403/404 and the like are answers.
 */
function isTransientGitFailure(output) {
    const status = gitHttpStatus(output);
    if (status !== undefined)
        return status >= 500 || status === 429 || status === 408;
    if (PERMANENT.test(output))
        return false;
    return TRANSIENT.test(output);
}
/** For an outage or a rate limit, a hint that does not send the user to the token. */
function outageHint(error) {
    const output = errorText(error);
    if (!isTransientGitFailure(output))
        return undefined;
    const status = gitHttpStatus(output);
    return status !== undefined
        ? `The git host answered HTTP ${status}; re-run the job when it recovers.`
        : 'The connection to the git host kept breaking off; re-run the job when it recovers.';
}
/** The last failure of a command that was tried more than once. */
class RetriesExhausted extends Error {
    attempts;
    last;
    constructor(attempts, last) {
        super(errorText(last));
        this.attempts = attempts;
        this.last = last;
    }
}
/** " after 4 attempts" when the command was retried. */
function tried(error) {
    return error instanceof RetriesExhausted ? ` after ${error.attempts} attempts` : '';
}
/**
 * Runs a network git command, retrying transient failures with jittered
 * exponential backoff (git itself retries nothing).
 */
async function retryTransient(what, logger, run, retryable = isTransientGitFailure) {
    for (let attempt = 1;; attempt++) {
        try {
            return await run(attempt);
        }
        catch (error) {
            const output = errorText(error);
            if (!retryable(output))
                throw attempt > 1 ? new RetriesExhausted(attempt, error) : error;
            if (attempt >= GIT_RETRY.attempts)
                throw new RetriesExhausted(attempt, error);
            const delay = backoffDelay(attempt, GIT_RETRY);
            const status = gitHttpStatus(output);
            const why = status === undefined ? gitMessage(error).split('\n').pop() : `HTTP ${status}`;
            logger.info(`git ${what} failed (${why}); retrying in ${delay} ms (attempt ${attempt + 1} of ${GIT_RETRY.attempts}).`);
            await setTimeout$1(delay);
        }
    }
}
/** The URL for messages: credentials in it are never shown. */
function redact(url) {
    return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * The git write method: any git host, file:// and local paths included.
 * A partial, shallow, sparse clone (`--filter=blob:none --depth 1`, only the
 * files the promotion reads) keeps the cost flat in the size of the config
 * repo; blobs outside the sparse set are never fetched. The token only goes
 * into the clone's private git environment (env.ts).
 *
 * The sparse checkout is in cone mode with a sparse index when the layout allows it: git then
 * keeps every directory outside the cone as one index entry, so checkout, add and commit cost
 * what the promotion touches, not what the repository holds (git-sparse-checkout(1),
 * "INTERNALS — SPARSE INDEX"). A cone takes whole directories and the files directly in their
 * parents; when that would bring in many files the promotion does not read (the target's
 * siblings in a flat directory, a crowded root), the checkout uses non-cone patterns, which name
 * exactly the files read.
 */
/**
 * At most this many files beyond those the promotion reads may come with a cone (the rest of a
 * target's directory, the files of its parents); more, and the checkout names files instead.
 */
const CONE_EXTRA_FILES = 256;
class GitCheckout {
    dir;
    baseBranch;
    git;
    temp;
    logger;
    remote;
    env;
    sparse;
    tree;
    /** What the promotion has checked out so far (repo-relative paths). */
    included = new Set();
    /** Every path the promotion read or checked out: what a racing commit must not touch (moveToNewHead). */
    readPaths = new Set();
    /** The promotion's commit as moveToNewHead() put it onto a new head: commitIfChanged() gives it. */
    carried;
    constructor(dir, baseBranch, git, temp, logger, 
    /** The repository for messages, credentials redacted. */
    remote, env, 
    /** Cone mode with a sparse index, or non-cone patterns (see the top of this file). */
    sparse) {
        this.dir = dir;
        this.baseBranch = baseBranch;
        this.git = git;
        this.temp = temp;
        this.logger = logger;
        this.remote = remote;
        this.env = env;
        this.sparse = sparse;
    }
    /** How the sparse checkout is kept: cone mode with a sparse index, or non-cone patterns. */
    get sparseMode() {
        return this.sparse;
    }
    /** Clones the base branch: history depth 1, no blobs, nothing checked out but what `include` asks for. */
    static async open(options) {
        const url = normalizeUrl(options.url);
        const temp = await realpath(await mkdtemp(join(tmpdir(), 'promote-image-git-')));
        const dir = join(temp, 'config');
        const identity = options.identity ?? DEFAULT_IDENTITY;
        const env = await gitEnv(url, temp, options.token, identity, options.onSecret);
        try {
            const outside = simpleGit({ baseDir: temp }).env(env);
            const branchArgs = options.baseBranch ? ['--branch', options.baseBranch] : [];
            await retryTransient('clone', options.logger, async (attempt) => {
                if (attempt > 1)
                    await rm(dir, { recursive: true, force: true });
                await outside.clone(url, dir, [
                    '--filter=blob:none',
                    '--depth',
                    '1',
                    '--no-checkout',
                    '--single-branch',
                    ...branchArgs
                ]);
            });
            // One git process at a time: concurrent lazy blob fetches of a shallow clone each rewrite
            // .git/shallow, and git fails the loser with "shallow file has changed since we read it".
            const git = simpleGit({ baseDir: dir, maxConcurrentProcesses: 1 }).env(env);
            const baseBranch = options.baseBranch ?? (await git.revparse(['--abbrev-ref', 'HEAD'])).trim();
            // A cone always holds the root's files: with a crowded root, patterns from the start.
            const root = await git.raw(['ls-tree', '--full-tree', '-z', 'HEAD']);
            const rootFiles = splitZ(root).filter(entry => !entry.startsWith('040000 ')).length;
            const sparse = rootFiles <= CONE_EXTRA_FILES ? 'cone' : 'patterns';
            if (sparse === 'cone') {
                await git.raw(['sparse-checkout', 'set', '--cone', '--sparse-index']);
            }
            else {
                await git.raw(['sparse-checkout', 'set', '--no-cone', '/.promote-image-nothing']);
            }
            await git.raw(['checkout', '--quiet', baseBranch]);
            options.logger.debug(`sparse checkout of ${redact(options.url)}: ${sparse === 'cone' ? 'cone mode, sparse index' : `non-cone patterns (${rootFiles} files at the root)`}`);
            return new GitCheckout(dir, baseBranch, git, temp, options.logger, redact(options.url), env, sparse);
        }
        catch (error) {
            await rm(temp, { recursive: true, force: true });
            throw new GitError(`Cannot clone the config repository ${redact(options.url)}${tried(error)}: ${gitMessage(error)}`, {
                hint: outageHint(error) ??
                    missingBranchHint(error, options.baseBranch) ??
                    (options.token
                        ? 'Check the URL and that the token may read the repository (contents: read).'
                        : 'Check the URL; for a private repository pass a token.'),
                cause: error
            });
        }
    }
    async head() {
        return (await this.git.revparse(['HEAD'])).trim();
    }
    /** Reads the commit's tree without checking anything out (blobs are fetched one by one). */
    reader() {
        const note = (rel) => {
            const clean = rel.replace(/\/$/, '');
            this.readPaths.add(clean);
            return clean;
        };
        return {
            type: async (rel) => {
                const tree = await this.listing();
                const clean = note(rel);
                const mode = tree.get(clean);
                if (rel === '' || mode === '040000')
                    return 'dir';
                // Under a symlinked directory nothing is listed: the link decides.
                if (mode === undefined)
                    return linkOnPath(tree, clean) ? 'other' : 'missing';
                if (mode === '100644' || mode === '100755')
                    return 'file';
                return 'other'; // symlinks (120000) and submodules (160000)
            },
            read: async (rel) => this.git.raw(['cat-file', 'blob', `HEAD:${note(rel)}`]),
            linkOn: async (rel) => {
                const link = linkOnPath(await this.listing(), note(rel));
                return link === undefined ? undefined : { path: link, target: await this.linkTarget(link) };
            },
            list: async (dir) => {
                const clean = note(dir);
                const prefix = clean ? `${clean}/` : '';
                return [...(await this.listing()).keys()].filter(p => p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && p !== prefix);
            }
        };
    }
    async listing() {
        if (!this.tree) {
            const out = await this.git.raw(['ls-tree', '-r', '-t', '--full-tree', 'HEAD']);
            this.tree = new Map(out
                .split('\n')
                .filter(Boolean)
                .map(line => {
                const tab = line.indexOf('\t');
                return [line.slice(tab + 1), line.slice(0, 6)];
            }));
        }
        return this.tree;
    }
    /**
     * Adds files and directories (repo-relative) to the sparse checkout; fetches their blobs in
     * one go. A symlink on the way brings its target too when that stays in the repository, so
     * the checkout reads as a full clone would; one leading out stays dangling, to be refused.
     */
    async include(paths) {
        const tree = await this.listing();
        const wanted = new Set();
        const seen = new Set();
        const queue = paths.map(p => p.replace(/\/$/, ''));
        const links = [...tree].filter(([, mode]) => mode === LINK).map(([p]) => p);
        let hops = 0;
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            if (next === '' || seen.has(next))
                continue;
            seen.add(next);
            const link = linkOnPath(tree, next);
            if (link !== undefined) {
                wanted.add(link);
                if (++hops > MAX_LINK_HOPS)
                    continue;
                const rest = next.slice(link.length + 1);
                const target = linkTargetInRepo(link, await this.linkTarget(link), rest);
                if (target !== undefined)
                    queue.push(target);
                continue;
            }
            if (!tree.has(next))
                continue;
            wanted.add(next);
            // Links inside an included directory are checked out with it: their targets are needed too.
            if (tree.get(next) === '040000') {
                queue.push(...links.filter(p => p.startsWith(`${next}/`)));
            }
        }
        for (const path of wanted)
            this.readPaths.add(path);
        const fresh = [...wanted].filter(path => !this.included.has(path));
        if (fresh.length === 0)
            return;
        for (const path of fresh)
            this.included.add(path);
        if (this.sparse === 'cone') {
            const cones = conesOf(tree, this.included);
            if (extraFiles(tree, cones, this.included) <= CONE_EXTRA_FILES) {
                await this.git.raw(['sparse-checkout', 'add', '--', ...conesOf(tree, fresh)]);
                return;
            }
            // The cone would bring in too much: name the files instead, from here on.
            this.sparse = 'patterns';
            this.logger.debug('sparse checkout: non-cone patterns (a cone would hold too many files)');
            await this.git.raw([
                'sparse-checkout',
                'set',
                '--no-cone',
                ...patternsOf(tree, this.included)
            ]);
            return;
        }
        await this.git.raw(['sparse-checkout', 'add', ...patternsOf(tree, fresh)]);
    }
    /** A symlink's stored target (its blob), fetched on demand like any blob of the partial clone. */
    async linkTarget(link) {
        return this.git.raw(['cat-file', 'blob', `HEAD:${link}`]);
    }
    /** Gives up on sparseness: everything is checked out (the render needs what cannot be told in advance). */
    async includeAll() {
        await this.git.raw(['sparse-checkout', 'disable']);
    }
    /**
     * Commits every change in the sparse working tree, or gives the commit moveToNewHead() carried
     * onto the new head; undefined, committing nothing, when there is no change.
     */
    async commitIfChanged(message) {
        if (this.carried) {
            const sha = this.carried;
            this.carried = undefined;
            return sha;
        }
        await this.git.raw(['add', '--sparse', '--all']);
        const staged = await this.git.raw(['diff', '--cached', '--name-only']);
        if (staged.trim() === '')
            return undefined;
        await this.git.raw(['commit', '--quiet', '--no-verify', '--cleanup=verbatim', '-m', message]);
        return this.head();
    }
    /**
     * Pushes HEAD to `branch`. 'rejected' when the remote moved on (someone
     * else promoted in between): the caller re-reads and re-applies. With
     * `expected`, a compare-and-swap (`--force-with-lease`): the branch is
     * force-moved only if it still points at `expected` (null: only if it does
     * not exist), so a colleague's commit is never pushed over.
     */
    async push(branch, options = {}) {
        const ref = `refs/heads/${branch}`;
        const lease = options.expected === undefined ? [] : [`--force-with-lease=${ref}:${options.expected ?? ''}`];
        const args = ['push', '--quiet', ...lease, 'origin', `HEAD:${ref}`];
        try {
            // A retried push whose first try landed in spite of the error finds the
            // branch already at HEAD: "Everything up-to-date", exit 0, 'pushed'.
            await retryTransient(`push to ${branch}`, this.logger, () => this.git.raw(args), output => !PUSH_REFUSED.test(output) && isTransientGitFailure(output));
            return 'pushed';
        }
        catch (error) {
            // The whole output: git's advice after a rejection pushes its status line out of the tail.
            const output = errorText(error);
            const message = gitMessage(error);
            if (lostRace(output)) {
                this.logger.debug(`push to ${branch} rejected: ${message}`);
                return 'rejected';
            }
            if (PUSH_REFUSED.test(output))
                throw pushRefused(branch, this.remote, output);
            throw new GitError(`Cannot push to ${branch} of ${this.remote}${tried(error)}: ${message}`, {
                hint: outageHint(error) ??
                    'The token needs contents: write on the config repository (and the branch must not be protected against it).',
                cause: error
            });
        }
    }
    /**
     * After a lost race: fetches the base branch's new head. When nothing changed on the way
     * there is a path the promotion read or checked out (or inside or above one), the
     * promotion's commit is put onto the new head as it is, without reading, editing or
     * rendering again: 'kept', HEAD is that commit. Otherwise the checkout moves to the new
     * head, its edits discarded, for the promotion to be made again: 'reread'.
     */
    async moveToNewHead() {
        await this.fetchBase();
        const head = (await this.git.revparse(['FETCH_HEAD'])).trim();
        // HEAD is the promotion's commit, on the head it was made on.
        const base = (await this.git.revparse(['HEAD^'])).trim();
        const changed = splitZ(await this.git.raw(['diff', '--name-only', '--no-renames', '-z', base, head]));
        if ([...this.readPaths].some(path => !answerStands(path, changed))) {
            await this.reset();
            return 'reread';
        }
        // The promotion's own changes, applied to the new head's tree in an index of its own; the
        // new head's blobs are not here (partial clone), and write-tree need not see them.
        const ours = parseDiffTree(await this.git.raw(['diff-tree', '-r', '-z', '--no-renames', base, 'HEAD']));
        const index = simpleGit({ baseDir: this.dir, maxConcurrentProcesses: 1 }).env({
            ...this.env,
            GIT_INDEX_FILE: join(this.temp, 'new-head.index')
        });
        await index.raw(['read-tree', head]);
        const removed = ours.filter(change => change.mode === '000000').map(change => change.path);
        const kept = ours.filter(change => change.mode !== '000000');
        if (kept.length > 0)
            await index.raw([
                'update-index',
                '--add',
                ...kept.flatMap(change => ['--cacheinfo', `${change.mode},${change.sha},${change.path}`])
            ]);
        if (removed.length > 0)
            await index.raw(['update-index', '--force-remove', '--', ...removed]);
        const tree = (await index.raw(['write-tree', '--missing-ok'])).trim();
        const message = join(this.temp, 'new-head.message');
        await writeFile(message, commitMessageOf(await this.git.raw(['cat-file', 'commit', 'HEAD'])));
        const commit = (await this.git.raw(['commit-tree', tree, '-p', head, '-F', message])).trim();
        // Only HEAD matters from here: it is pushed, or reset by the next move. (A mixed reset
        // onto the new head would keep the edits more simply, but it fetches the new head's
        // changed blobs: one more round trip per lost race.)
        await this.git.raw(['reset', '--quiet', '--soft', commit]);
        this.carried = commit;
        return 'kept';
    }
    /** Moves to the base branch's head as last fetched, discarding the promotion. */
    async reset() {
        await this.git.raw(['reset', '--quiet', '--hard', 'FETCH_HEAD']);
        this.tree = undefined;
        this.readPaths.clear();
        this.carried = undefined;
    }
    async fetchBase() {
        const args = [
            'fetch',
            '--quiet',
            '--depth',
            '1',
            '--filter=blob:none',
            'origin',
            this.baseBranch
        ];
        try {
            await retryTransient(`fetch of ${this.baseBranch}`, this.logger, () => this.git.raw(args));
        }
        catch (error) {
            throw new GitError(`Cannot fetch ${this.baseBranch} from ${this.remote}${tried(error)}: ${gitMessage(error)}`, {
                hint: outageHint(error) ??
                    'Check that the base branch still exists and that the token may still read the repository.',
                cause: error
            });
        }
    }
    async close() {
        await rm(this.temp, { recursive: true, force: true });
    }
}
function splitZ(text) {
    return text.split('\0').filter(Boolean);
}
/** `diff-tree -r -z` records: ":<old mode> <new mode> <old sha> <new sha> <status>\0<path>\0". */
function parseDiffTree(text) {
    const fields = splitZ(text);
    const changes = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
        const [, mode = '', , sha = ''] = fields[i].slice(1).split(' ');
        changes.push({ mode, sha, path: fields[i + 1] });
    }
    return changes;
}
/** The message of a raw commit object: everything after the header's blank line. */
function commitMessageOf(raw) {
    const start = raw.indexOf('\n\n');
    return start < 0 ? '' : raw.slice(start + 2);
}
/** git's tree mode for a symbolic link. */
const LINK = '120000';
/** The first symlink on the way to `rel` (itself included) in a listing, if any. */
function linkOnPath(tree, rel) {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join('/');
        const mode = tree.get(prefix);
        if (mode === LINK)
            return prefix;
        if (mode !== '040000')
            return undefined;
    }
    return undefined;
}
/** Non-cone patterns naming exactly `paths` (a directory with everything under it). */
function patternsOf(tree, paths) {
    return [...paths].map(p => tree.get(p) === '040000' ? `/${escapePattern(p)}/` : `/${escapePattern(p)}`);
}
/** The cone directories holding `paths`: a directory itself, a file (or link) its parent. */
function conesOf(tree, paths) {
    const cones = new Set();
    for (const path of paths) {
        const dir = tree.get(path) === '040000' ? path : path.slice(0, Math.max(0, path.lastIndexOf('/')));
        if (dir !== '')
            cones.add(dir);
    }
    return [...cones];
}
/**
 * How many files the cones check out beyond `wanted` (files, and everything under wanted
 * directories): all under each cone, and those directly in each cone's parents and the root
 * (git-sparse-checkout(1), "INTERNALS — CONE PATTERN SET").
 */
function extraFiles(tree, cones, wanted) {
    const parents = new Set(['']);
    for (const cone of cones) {
        for (let i = cone.indexOf('/'); i >= 0; i = cone.indexOf('/', i + 1)) {
            parents.add(cone.slice(0, i));
        }
    }
    const parentOf = (path) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
    const under = (path, dir) => path.startsWith(`${dir}/`);
    const wantedDirs = [...wanted].filter(p => tree.get(p) === '040000');
    let extra = 0;
    for (const [path, mode] of tree) {
        if (mode === '040000' || wanted.has(path))
            continue;
        if (wantedDirs.some(dir => under(path, dir)))
            continue;
        if (cones.some(cone => under(path, cone)) || parents.has(parentOf(path)))
            extra++;
    }
    return extra;
}
function escapePattern(path) {
    return path.replace(/[*?[\]\\!#]/g, c => `\\${c}`);
}

async function gitSession(options, logger) {
    const checkout = await GitCheckout.open({
        url: options.url,
        baseBranch: options.baseBranch,
        token: options.token,
        logger,
        onSecret: options.onSecret
    });
    return {
        baseBranch: checkout.baseBranch,
        dir: checkout.dir,
        get reader() {
            return checkout.reader();
        },
        fetch: paths => checkout.include(paths),
        fetchAll: () => checkout.includeAll(),
        commit: async (_edit, message) => {
            const sha = await checkout.commitIfChanged(message);
            return sha ? { sha } : undefined;
        },
        push: (_sha, branch, expected) => checkout.push(branch, { expected }),
        refresh: () => checkout.moveToNewHead(),
        close: () => checkout.close()
    };
}

/**
 * The port between the promotion flow (engine/promote.ts) and the two writers. `git` clones
 * sparsely (any git host); `api` reads through the contents API and writes with the Git Data
 * API (no clone, Verified commits). Either way only what the promotion reads is fetched.
 * Each writer gets only its own credentials: the git session a token for its clone, the api
 * session a GitHub repository whose client holds its token.
 */
/** A write lost the race to other commits too many times. */
class LostRaceError extends PromoteError {
}
/** Opens the writer's session at the head of the base branch; `close()` it when done. */
function openSession(options, logger) {
    return options.method === 'api' ? apiSession(options, logger) : gitSession(options, logger);
}

/**
 * The pull-request branch: the base plus one promotion commit, moved only by compare-and-swap
 * and only when the branch is promote-image's own, then the pull request created or updated
 * on it (as create-pull-request's create-or-update-branch does, with GitHub's own CAS).
 */
/** A pull-request branch as a branch name: `refs/heads/x` is `x`, never `refs/heads/refs/heads/x`. */
function promotionBranch(name) {
    if (name === undefined)
        throw new PromoteError('Pull-request mode needs a branch.');
    return name.replace(/^refs\/heads\//, '');
}
/** A pull request needs a branch of its own: moving the base would land the change unreviewed. */
function refuseBaseAsBranch(branch, base) {
    if (branch.toLowerCase() !== base.toLowerCase())
        return;
    throw new InputError(`The pull-request branch ${JSON.stringify(branch)} is the base branch ${JSON.stringify(base)}: promoting through a pull request would move ${base} itself, unreviewed. Nothing was written.`, {
        hint: 'Set branch (the action input, --branch, or branch: in promotion.yaml) to a template of its own, such as the default promote/{environment}/{name}; or use mode: push to commit to the base branch on purpose.'
    });
}
/**
 * The living pull request: its branch is the base plus this one commit, rewritten each run
 * — but only a branch promote-image made (its head a promotion commit), and only by
 * compare-and-swap, so a colleague's commit on it, or a branch of the same name, survives.
 * When the pull request cannot be opened, the branch goes back exactly as it was, again
 * by compare-and-swap, unless an open pull request uses it.
 */
async function proposeChange(github, session, change, options) {
    const branch = change.branch;
    let previous = await ownBranchHead(github, branch);
    const commit = await session.commit(change.edit, withBranchTrailer(change.message, branch));
    if (!commit)
        return {};
    let same = previous !== undefined && (session.unchanged?.(previous, commit) ?? false);
    for (let attempt = 1; !same; attempt++) {
        const pushed = await session.push(commit.sha, branch, previous?.sha ?? null);
        if (pushed === 'pushed')
            break;
        // Another job moved the promotion branch between our read and our write: read it again.
        if (attempt >= BRANCH_ATTEMPTS) {
            throw new LostRaceError(`${branch} kept moving: ${attempt} attempts to update the promotion branch lost the race.`, { hint: 'Another job is promoting into the same branch; re-run this one when it is done.' });
        }
        await setTimeout$1((session.writeWait?.() ?? 0) + options.retryDelay(attempt));
        previous = await ownBranchHead(github, branch);
        same = previous !== undefined && (session.unchanged?.(previous, commit) ?? false);
    }
    const headSha = same ? previous.sha : commit.sha;
    const spec = { ...(await change.pullRequest(headSha)), branch, base: session.baseBranch, headSha };
    let pullRequest;
    try {
        pullRequest = await github.upsertPullRequest(spec);
    }
    catch (error) {
        // Never a branch without its pull request: undo this run's own move, if it is still ours.
        if (!same)
            await rollbackBranch(github, branch, commit.sha, previous?.sha, options.logger);
        throw error;
    }
    return {
        commit: spec.headSha,
        branch,
        pullRequest: same && pullRequest.operation === 'updated'
            ? { ...pullRequest, operation: 'none' }
            : pullRequest
    };
}
/** Attempts to move a promotion branch that other jobs keep moving. */
const BRANCH_ATTEMPTS = 5;
/** The trailer every promotion commit carries (report/promotion.ts, commitMessage). */
const PROMOTION_TRAILER = /^Promoted-Image: \S/m;
/** The trailer a pull-request branch's commit carries: the branch it was made for. */
const BRANCH_TRAILER = 'Promotion-Branch';
/**
 * The commit message with `Promotion-Branch: <branch>` among its trailers (the last paragraph,
 * where git reads them): what marks a branch as this promotion's own, as opposed to a base
 * branch whose head is a push-mode promotion commit.
 */
function withBranchTrailer(message, branch) {
    return `${message.replace(/\n*$/, '')}\n${BRANCH_TRAILER}: ${branch}\n`;
}
/**
 * The branch's head when it is this promotion's own, undefined when there is no such branch;
 * refused when it holds anything else. Its own: the head carries `Promotion-Branch: <branch>`;
 * or, made before that trailer existed, it is a promotion commit that an open pull request
 * uses as its head (a living pull request, which a base branch is not).
 */
async function ownBranchHead(github, branch) {
    const sha = await github.branchHead(branch);
    if (sha === undefined)
        return undefined;
    const head = { sha, ...(await github.commit(sha)) };
    const madeFor = new RegExp(`^${BRANCH_TRAILER}: (.+)$`, 'm').exec(head.message)?.[1]?.trim();
    if (madeFor === branch)
        return head;
    if (madeFor === undefined &&
        PROMOTION_TRAILER.test(head.message) &&
        (await github.openPullRequestsFrom(branch)).length > 0)
        return head;
    const subject = head.message.split('\n')[0] ?? '';
    const whose = madeFor !== undefined
        ? `a promotion commit made for ${madeFor}`
        : PROMOTION_TRAILER.test(head.message)
            ? 'a promotion commit no pull request uses (a base branch promoted in push mode?)'
            : 'not a promote-image commit';
    throw new PromoteError(`Branch ${branch} of ${github.fullName} exists, and its head ${sha.slice(0, 7)} ("${subject.slice(0, 72)}") is ${whose}: promote-image only moves the pull-request branches it made. Nothing was written.`, {
        hint: `If ${branch} is a promotion branch someone pushed to, merge or close its pull request and delete the branch; otherwise set branch (the input, --branch, or branch: in promotion.yaml) to a template of its own, such as promote/{environment}/{name}.`
    });
}
/** Undoes this run's own move of `branch` (back to `previous`, or deleted), by compare-and-swap. */
async function rollbackBranch(github, branch, ours, previous, logger) {
    const what = previous ? `move ${branch} back to ${previous}` : `delete ${branch}`;
    try {
        const open = await github.openPullRequestsFrom(branch);
        if (open.length > 0) {
            logger.warning(`Left ${branch} at ${ours}: pull request #${open[0].number} uses it.`);
            return;
        }
        const undone = previous
            ? await github.setBranch(branch, previous, ours)
            : await github.deleteBranch(branch, ours);
        if (undone === 'conflict')
            logger.warning(`Did not ${what}: it moved on since this run wrote it, and is not this run's to undo.`);
    }
    catch (error) {
        logger.warning(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

/**
 * The GitHub repository a source URL names, when it is on github.com or on the run's server
 * (GITHUB_SERVER_URL: GHES); undefined for any other host.
 */
function githubSourceOf(source, serverUrl) {
    let url;
    try {
        url = new URL(source.replace(/^git\+/, ''));
    }
    catch {
        return undefined;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return undefined;
    const match = /^\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.pathname);
    if (!match || url.search || url.hash)
        return undefined;
    const servers = [serverUrl, 'https://github.com'].flatMap(s => (s ? [originOf(s)] : []));
    if (!servers.includes(url.origin))
        return undefined;
    return { server: url.origin, repository: `${match[1]}/${match[2]}` };
}
function originOf(url) {
    try {
        return new URL(url).origin;
    }
    catch {
        return undefined;
    }
}
/** The pull request a squash (`subject (#123)`) or merge (`Merge pull request #123 …`) names. */
function pullRequestOf(subject) {
    const match = /^Merge pull request #(\d+)\b/.exec(subject) ?? /\(#(\d+)\)\s*$/.exec(subject) ?? undefined;
    return match ? Number(match[1]) : undefined;
}
/** The range, or the compare link alone when GitHub will not list it. Never throws. */
async function readCommitRange(request) {
    const { source, base, head } = request;
    const compareUrl = `${source.server}/${source.repository}/compare/${base}...${head}`;
    const runServer = originOf(request.serverUrl ?? 'https://github.com');
    if (source.server !== runServer) {
        return { compareUrl, unreadable: `the run's token is for ${runServer}, not ${source.server}` };
    }
    if (!request.token)
        return { compareUrl, unreadable: 'no GitHub token' };
    const apiUrl = request.apiUrl ??
        (source.server === 'https://github.com' ? undefined : `${source.server}/api/v3`);
    const octokit = createOctokit(request.token, request.logger, apiUrl);
    const [owner = '', repo = ''] = source.repository.split('/');
    try {
        const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
            owner,
            repo,
            basehead: `${base}...${head}`,
            per_page: 250
        });
        const commits = data.commits.map(c => {
            const subject = c.commit.message.split('\n', 1)[0].trim();
            const author = c.author?.login ?? c.commit.author?.name ?? undefined;
            const pullRequest = pullRequestOf(subject);
            return {
                sha: c.sha,
                subject,
                ...(author ? { author } : {}),
                ...(pullRequest !== undefined ? { pullRequest } : {})
            };
        });
        return { compareUrl, commits: commits.reverse(), total: data.total_commits };
    }
    catch (error) {
        const code = status(error);
        const why = code
            ? `GitHub answered HTTP ${code} for ${source.repository}`
            : error instanceof Error
                ? error.message
                : String(error);
        request.logger.info(`Could not list the commits ${base}...${head} of ${source.repository}: ${why}.`);
        return { compareUrl, unreadable: why };
    }
}

/**
 * What changes in the code (issue 18): for each image an environment's edit changed, the source
 * and revision of the new digest and of the digest the target pinned before (the edit's old
 * value), and, when the source is a GitHub repository, the commits between them. One read per
 * digest (the registry caches), one compare per range and run; never fails the promotion.
 */
const DIGEST = /sha256:[0-9a-f]{64}/;
function codeChangeReader(reader, ports) {
    const ranges = new Map();
    const { env, logger } = ports;
    const rangeOf = (origin, previous) => {
        if (!origin.source || !origin.revision || !previous.revision)
            return undefined;
        if (origin.revision === previous.revision)
            return undefined;
        if (previous.source !== undefined && !sameSource(previous.source, origin.source))
            return undefined;
        const source = githubSourceOf(origin.source, env.GITHUB_SERVER_URL);
        if (!source)
            return undefined;
        const key = `${source.server}/${source.repository}@${previous.revision}...${origin.revision}`;
        let range = ranges.get(key);
        if (!range) {
            range = readCommitRange({
                source,
                base: previous.revision,
                head: origin.revision,
                token: ports.token,
                serverUrl: env.GITHUB_SERVER_URL,
                apiUrl: env.GITHUB_API_URL,
                logger
            });
            ranges.set(key, range);
        }
        return range;
    };
    const read = async (image, digest) => {
        try {
            return await reader.origin(image.reference, digest);
        }
        catch (error) {
            const why = error instanceof Error ? error.message : String(error);
            // Said in the section too; a registry that only the describe API reaches (ECR without
            // docker login) is no reason to warn on every run.
            logger.info(`Could not read the source revision of ${image.reference.name}@${digest}: ${why}`);
            return why;
        }
    };
    return async (images, edit) => {
        const changes = edit.files.flatMap(f => f.changes);
        const changed = images.filter(i => changes.some(c => c.image === i.input));
        return Promise.all(changed.map(async (image) => {
            // The old value of any of the image's fields that held a digest: what the target ran.
            const before = changes
                .filter(c => c.image === image.input)
                .map(c => DIGEST.exec(c.old ?? '')?.[0])
                .find(d => d !== undefined);
            const [origin, previous] = await Promise.all([
                read(image, image.digest),
                before === undefined ? undefined : read(image, before)
            ]);
            const errors = [origin, previous].filter((o) => typeof o === 'string');
            const now = typeof origin === 'string' ? {} : origin;
            const was = typeof previous === 'string' ? undefined : previous;
            const range = was ? await rangeOf(now, was) : undefined;
            return {
                image: image.input,
                digest: image.digest,
                origin: now,
                previous: { ...(before && { digest: before }), ...(was && { origin: was }) },
                ...(range && { range }),
                ...(errors.length > 0 && { error: errors.join(' ') })
            };
        }));
    };
}

/**
 * Proves every Helm edit that changed a file. Returns the reports and the files, with the
 * digest rewritten where the chart adds `sha256:` itself. Throws RenderError (nothing written).
 */
async function proveHelmEdits(request, files, proofs, logger) {
    let edited = [...files];
    const reports = [];
    if (request.verifyRender === 'false')
        return { reports, files: edited };
    const names = request.names ?? ACTION_NAMES;
    const pending = proofs.filter(proof => files.some(f => f.file === proof.file && f.changes.some(c => c.image === proof.image.input)));
    if (pending.length === 0)
        return { reports, files: edited };
    const skip = (proof, why) => {
        if (request.verifyRender === 'true') {
            throw new RenderError(`${names.name('verify-render')} is true, but the Helm target ${describe(proof)} cannot be rendered: ${why}.`, {
                subject: proof.file,
                hint: `Make the chart renderable here (name it with chart=, vendor its dependencies, install helm), or set ${names.set('verify-render', 'auto')}.`
            });
        }
        logger.info(`Render proof skipped for ${describe(proof)}: ${why}.`);
    };
    let renderer;
    const pinned = [...new Set(pending.map(proof => proof.image.pinned))];
    // One render per chart and edit, however many images it proves.
    const renders = new Map();
    const render = (chart, files) => {
        const key = JSON.stringify([chart.dir, chart.valueFiles, files.map(f => [f.file, f.after])]);
        let rendered = renders.get(key);
        if (!rendered) {
            rendered = renderChartBeforeAfter(renderer, request.repoRoot, chart, new Map(files.map(f => [f.file, f.after])));
            renders.set(key, rendered);
        }
        return rendered;
    };
    const judge = async (chart, files, proof) => verifyHelmRender({
        ...(await render(chart, files)),
        repository: proof.pin.repository,
        pinned: proof.image.pinned,
        alsoPinned: pinned.filter(p => p !== proof.image.pinned),
        target: describe(proof)
    });
    for (const proof of pending) {
        if ('unavailable' in proof.chart) {
            skip(proof, proof.chart.unavailable);
            continue;
        }
        if (!renderer) {
            const found = await findRenderer('helm', request.env);
            if ('unavailable' in found || !isHelmRenderer(found)) {
                skip(proof, 'unavailable' in found ? found.unavailable : 'helm cannot render charts');
                continue;
            }
            renderer = found;
        }
        const chart = proof.chart.chart;
        let verdict = await judge(chart, edited, proof);
        if (verdict.problem === 'double-prefix' && proof.pin.digest !== undefined) {
            const retried = withBareDigest(edited, proof, chart);
            if (retried) {
                const second = await judge(chart, retried, proof);
                if (second.ok) {
                    logger.info(`${describe(proof)}: the chart adds "@sha256:" before ${proof.target.key}.${proof.target.digestKey} itself, so the digest is written without its "sha256:" prefix.`);
                    edited = retried;
                }
                verdict = second;
            }
        }
        reports.push({
            target: describe(proof),
            image: proof.image.input,
            ok: verdict.ok,
            message: verdict.message,
            rendered: await render(chart, edited)
        });
        if (!verdict.ok) {
            throw new RenderError(verdict.message, {
                subject: proof.file,
                hint: hintFor(verdict, proof, chart)
            });
        }
        logger.info(`${describe(proof)}: ${verdict.message}`);
    }
    return { reports, files: edited };
}
/**
 * How to write the digest when no render will prove the edit (verify-render false, no helm):
 * bare when the chart's templates add `@sha256:` before the digest key themselves, so that
 * `sha256:sha256:` is not written unseen. With a render, the proof decides (proveHelmEdits).
 */
async function digestFormWithoutProof(request, chart, target, file, logger) {
    if (!('chart' in chart))
        return undefined;
    if (request.verifyRender !== 'false') {
        const found = await findRenderer('helm', request.env);
        if (!('unavailable' in found))
            return undefined;
    }
    if (!(await chartPrefixesDigest(request.repoRoot, chart.chart.dir, target.digestKey)))
        return undefined;
    logger.info(`${file}#${target.key}: the chart's templates add "@sha256:" before ${target.key}.${target.digestKey} themselves, so the digest is written without its "sha256:" prefix (read from the templates; no render proves it).`);
    return 'hex';
}
/** The files with this target's digest written bare (`<hex>`), or undefined when nothing changes. */
function withBareDigest(files, proof, chart) {
    const index = files.findIndex(f => f.file === proof.file);
    const file = files[index];
    if (!file)
        return undefined;
    const outcome = editHelmValues(file.after, proof.file, proof.pin, {
        ...proof.target,
        lower: chart.lower,
        digestForm: 'hex'
    });
    if (outcome.changes.length === 0)
        return undefined;
    // The bare digest replaces what the first edit reported for the same key.
    const rewritten = new Map(outcome.changes.map(c => [c.path, c.new]));
    const changes = file.changes.map(c => rewritten.has(c.path) && c.image === proof.image.input
        ? { ...c, new: rewritten.get(c.path) }
        : c);
    const copy = [...files];
    copy[index] = { ...file, after: outcome.text, changes };
    return copy;
}
function describe(proof) {
    return `${proof.file}#${proof.target.key}`;
}
/** A target setting as the user writes it: `digest-key=sha` inline, `digest-key: sha` in promotion.yaml. */
function setting(proof, name, value) {
    const inConfig = proof.target.source !== undefined && /:\d+$/.test(proof.target.source);
    if (value === undefined)
        return inConfig ? `${name}: true` : name;
    return inConfig ? `${name}: ${value}` : `${name}=${value}`;
}
/** Keys of the chart's image map (beneath the file) that name a digest, e.g. `sha`. */
function digestKeysOf(chart, proof) {
    let node = chart.lower;
    for (const segment of parseKeyPath(proof.target.key)) {
        node =
            typeof node === 'object' && node !== null
                ? node[segment]
                : undefined;
    }
    if (typeof node !== 'object' || node === null)
        return [];
    return Object.keys(node).filter(key => key !== proof.target.tagKey && /digest|sha/i.test(key));
}
function hintFor(verdict, proof, chart) {
    const { key, digestKey, tagKey } = proof.target;
    const pinTag = 'pin: tag (--pin tag) to deploy the tag alone';
    switch (verdict.problem) {
        case 'double-prefix':
            return `The chart adds "@sha256:" before ${key}.${digestKey} itself; write the digest there without its "sha256:" prefix, or set ${pinTag}.`;
        case 'invalid-label':
        case 'selector': {
            const candidates = digestKeysOf(chart, proof).filter(k => k !== digestKey);
            const useKey = candidates.length > 0
                ? `set ${setting(proof, 'digest-key', candidates[0])} (the chart's ${key}.${candidates[0]})`
                : `set ${setting(proof, 'add-digest-key')} if the chart's templates read ${key}.${digestKey}`;
            return `The chart copies ${key}.${tagKey} into ${verdict.problem === 'selector' ? 'a selector' : 'a label'}, so "tag@digest" cannot go there. Pin the digest under its own key: ${useKey}; or set ${pinTag}.`;
        }
        case 'unpinned':
            return proof.target.addDigestKey
                ? `The chart's templates never read ${key}.${digestKey}: drop ${setting(proof, 'add-digest-key')} (promote-image then writes tag@digest into ${key}.${tagKey}), name the key they read with digest-key, or set ${pinTag}.`
                : `The chart's templates never read ${key}.${digestKey}: name the key they read with ${setting(proof, 'digest-key', '<key>')}, or set ${pinTag}.`;
        case 'other-change':
            return `Check that ${key} is the image of ${proof.pin.name} and nothing else reads it; the values layering used: ${[...chart.layers, proof.file].join(' < ')}.`;
        default:
            return `Make the chart ${chart.dir || '.'} render the image from ${key} (check the key, chart= and values= on the target), then promote again.`;
    }
}

/**
 * Kustomize targets in the edit stage: which images: entries to pin (as kustomize applies them)
 * and the render proof of the overlays that deploy them.
 */
/**
 * Pins the overlay's entries for the image, as kustomize reads them: only entries kustomize
 * applies to the images the overlay's resources spell (render/ overlayInputs, read without a
 * renderer), and an overlay without one gets an entry per spelling, as `kustomize edit set
 * image` would. When those images cannot be read statically (remote bases, Helm charts, plugins),
 * a render tells them; with no renderer either, nothing is written unless verify-render is
 * false, because an entry kustomize never applies is a deploy that changes nothing.
 */
async function editOverlay(request, file, text, pin, changed, logger) {
    // The editor's own refusals (bad YAML, aliases, shared anchors) come before any reading or
    // rendering; an overlay without an entry yet is fine here.
    try {
        editKustomization(text, file, pin);
    }
    catch (error) {
        if (!(error instanceof MissingImageEntryError))
            throw error;
    }
    const dir = posix.dirname(file);
    // A Component renders nothing alone: the kustomizations that include it deploy its entries,
    // so they are what its entries act on and what the render proof builds.
    const component = isKustomizeComponent(text);
    const deployers = component ? await kustomizationsIncluding(request.repoRoot, dir) : [dir];
    if (deployers.length === 0) {
        throw new EditError(`${file} is a kustomize Component, and no kustomization in the repository lists ${dir} in components:, so nothing would deploy the promotion.`, {
            subject: file,
            hint: 'Target the overlay that includes the component, or add the component to one.'
        });
    }
    // What the deployers build with this file's entries taken out: rendered, never written.
    let withoutEntries;
    const without = () => (withoutEntries ??= new Map([...changed, [file, withoutImageEntries(text, file)]]));
    const tree = fsTreeReader(request.repoRoot);
    const read = await Promise.all(deployers.map(d => overlayInputs(tree, d, component ? without() : changed)));
    const unknown = read.find(inputs => 'unknown' in inputs);
    if (unknown === undefined) {
        const inputs = read.flatMap(r => ('images' in r ? r.images : []));
        return { outcome: editKustomization(text, file, pin, { inputs }), deployers };
    }
    const why = 'unknown' in unknown ? unknown.unknown : '';
    const renderer = await findRenderer('kustomize', request.env);
    if ('unavailable' in renderer) {
        if (request.verifyRender !== 'false') {
            const names = request.names ?? ACTION_NAMES;
            throw new RenderError(`${file}: cannot tell which images kustomize's images: entries reach, because ${why}, and no renderer is available (${renderer.unavailable}).`, {
                subject: file,
                hint: `Install kustomize or kubectl on the runner so promote-image can render the overlay, or set ${names.set('verify-render', 'false')} to write the entry unchecked.`
            });
        }
        logger.warning(`${file}: writing the images: entry unchecked (verify-render false): ${why}, so promote-image cannot tell whether kustomize applies it.`);
        return { outcome: editKustomization(text, file, pin), deployers };
    }
    // What the entries act on: the deploying overlays rendered without them.
    const rendered = await renderManyBeforeAfter(renderer, request.repoRoot, deployers, without());
    const inputs = rendered.flatMap(r => r.after.map(i => i.image));
    return { outcome: editKustomization(text, file, pin, { inputs }), deployers };
}
async function proveOverlays(request, files, dirs, logger) {
    if (request.verifyRender === 'false' || files.length === 0)
        return [];
    const changed = new Map(files.map(f => [f.file, f.after]));
    const proved = [...dirs].filter(([, images]) => [...images].some(image => files.some(f => f.changes.some(c => c.image === image.input))));
    if (proved.length === 0)
        return [];
    const renderer = await findRenderer('kustomize', request.env);
    if ('unavailable' in renderer) {
        if (request.verifyRender === 'true') {
            const names = request.names ?? ACTION_NAMES;
            throw new RenderError(`${names.name('verify-render')} is true, but no Kustomize renderer is available: ${renderer.unavailable}.`, {
                hint: `Install kustomize or kubectl on the runner, or set ${names.set('verify-render', 'auto')}.`
            });
        }
        for (const [dir] of proved)
            logger.info(`Render proof skipped for ${dir}: ${renderer.unavailable}.`);
        return [];
    }
    const renders = await renderManyBeforeAfter(renderer, request.repoRoot, proved.map(([dir]) => dir), changed);
    const reports = [];
    for (const [i, [dir, images]] of proved.entries()) {
        const { before, after, text } = renders[i];
        for (const image of images) {
            const verdict = verifyRender(before, after, canonicalRepository(image.reference), image.pinned, dir);
            reports.push({
                target: dir,
                image: image.input,
                ok: verdict.ok,
                message: verdict.message,
                ...(text && { rendered: text })
            });
            if (!verdict.ok)
                throw new RenderError(verdict.message, { subject: dir, hint: renderHint });
            logger.info(`${dir}: ${verdict.message}`);
        }
    }
    return reports;
}
const renderHint = 'Make the overlay deploy the image (its images: name must match the container image name in the base), then promote again.';

/**
 * The render proof of manifest targets: the files are what Argo CD applies, so their
 * containers before and after the edit are the rendered ones (extractImages, verifyRender).
 */
function proveManifests(request, files, targets, logger) {
    if (request.verifyRender === 'false' || files.length === 0)
        return [];
    const edited = new Map(files.map(f => [f.file, f]));
    const reports = [];
    for (const [path, target] of targets) {
        const texts = target.files.map(file => edited.get(file));
        if (texts.every(t => t === undefined))
            continue;
        const before = texts.flatMap(t => (t ? extractImages(t.before) : []));
        const after = texts.flatMap(t => (t ? extractImages(t.after) : []));
        for (const image of target.images) {
            if (!texts.some(t => t?.changes.some(c => c.image === image.input)))
                continue;
            const verdict = verifyRender(before, after, canonicalRepository(image.reference), image.pinned, path);
            // The files are what Argo CD applies: their text is the rendered text.
            const rendered = {
                before: texts.flatMap(t => (t ? [t.before] : [])).join('\n---\n'),
                after: texts.flatMap(t => (t ? [t.after] : [])).join('\n---\n')
            };
            reports.push({
                target: path,
                image: image.input,
                ok: verdict.ok,
                message: verdict.message,
                rendered
            });
            if (!verdict.ok) {
                throw new RenderError(verdict.message, {
                    subject: path,
                    hint: 'The manifests changed in a way that does not deploy the promoted image; check the containers of the repository in them.'
                });
            }
            logger.info(`${path}: ${verdict.message}`);
        }
    }
    return reports;
}

async function editConfigRepo(request, logger) {
    const templates = request.templates ?? (await loadTargets(request));
    const texts = new Map();
    const changes = new Map();
    const warnings = [];
    const kustomizeDirs = new Map();
    const manifestTargets = new Map();
    const helmProofs = [];
    const charts = new Map();
    for (const builds of oneBuildPerRepository(request.images)) {
        const first = builds[0];
        const targets = targetsOf(templates, first, request.environment);
        if (targets.length === 0) {
            throw new ConfigError(`No target for image ${first.input}${request.environment ? ` in environment ${request.environment}` : ''}.`, {
                hint: `Add a target for {name} = ${repositoryName(first.reference)}, or drop images: restrictions that exclude it.`
            });
        }
        for (const image of builds) {
            if (image.reference.tag === undefined) {
                throw new PolicyError(`Image ${image.input} has no tag; the config repo gets tag and digest, so people can read what runs.`, {
                    hint: `Pass the tag too: ${image.reference.name}:<tag>@${image.digest}.`
                });
            }
        }
        for (const target of targets) {
            const targetFiles = await filesOf(request.repoRoot, target);
            for (const file of targetFiles) {
                if (!texts.has(file))
                    texts.set(file, await read(request.repoRoot, file));
            }
            const now = targetFiles.map(file => ({ file, text: texts.get(file).after }));
            const file = now[0].file;
            // Helm: the chart that reads the file, and the values beneath it (the editor reads them).
            const chart = target.kind !== 'helm'
                ? undefined
                : isHelmReleaseValues(now[0].text, file, target.key)
                    ? helmReleaseUnrendered(file)
                    : await locateChartOnce(request, target, file, charts);
            const lower = chart && ('chart' in chart ? chart.chart.lower : chart.lower);
            const keys = target.kind === 'helm' ? { ...target, lower } : target;
            const image = builds.length === 1 ? first : tagFor(builds, keys, now);
            const pin = {
                repository: canonicalRepository(image.reference),
                name: image.reference.name,
                tag: image.reference.tag,
                digest: image.pin === 'digest' ? image.digest : undefined
            };
            if (target.kind === 'helm' && chart)
                helmProofs.push({ target, file, image, pin, chart });
            const digestForm = target.kind === 'helm' && chart && pin.digest
                ? await digestFormWithoutProof(request, chart, target, file, logger)
                : undefined;
            const edit = keys.kind === 'helm' ? { ...keys, ...(digestForm && { digestForm }) } : keys;
            const { outcomes, deployers } = await editTarget(request, edit, now, pin, texts, logger);
            outcomes.forEach((outcome, i) => {
                const file = now[i].file;
                for (const change of outcome.changes) {
                    const tags = downgradeTags(target, change);
                    if (!tags)
                        continue;
                    const warning = checkDowngrade(`${change.file}:${change.line}`, tags.old, tags.new, request.allowDowngrade ?? 'warn', request.names);
                    if (warning) {
                        logger.warning(warning);
                        warnings.push(warning);
                    }
                }
                texts.set(file, { before: texts.get(file).before, after: outcome.text });
                const list = changes.get(file) ?? [];
                list.push(...outcome.changes.map(c => ({
                    ...c,
                    image: image.input,
                    environment: request.environment
                })));
                changes.set(file, list);
            });
            for (const dir of deployers) {
                kustomizeDirs.set(dir, (kustomizeDirs.get(dir) ?? new Set()).add(image));
            }
            if (target.kind === 'manifest') {
                const proof = manifestTargets.get(target.path) ?? { files: targetFiles, images: new Set() };
                manifestTargets.set(target.path, { ...proof, images: proof.images.add(image) });
            }
            if (target.kind === 'argocd' && request.verifyRender !== 'false') {
                logger.info(`${target.path}: no render proof for Argo CD Application files; Argo CD renders their sources from their repositories.`);
            }
        }
    }
    const edited = [...texts]
        .filter(([, t]) => t.before !== t.after)
        .map(([file, t]) => ({ file, ...t, changes: changes.get(file) ?? [] }));
    const kustomizeRenders = await proveOverlays(request, edited, kustomizeDirs, logger);
    const manifestRenders = proveManifests(request, edited, manifestTargets, logger);
    const helm = await proveHelmEdits(request, edited, helmProofs, logger);
    const files = helm.files;
    const renders = [...kustomizeRenders, ...manifestRenders, ...helm.reports];
    const diff = files.map(f => unifiedDiff(f.file, f.before, f.after)).join('');
    if (!request.dryRun) {
        for (const f of files)
            await writeAtomically(request.repoRoot, f.file, f.after);
    }
    return {
        files,
        renders,
        diff,
        written: !request.dryRun && files.length > 0,
        ...(warnings.length > 0 && { warnings })
    };
}
/**
 * The images grouped by repository. Several tags of one build (docker/metadata-action's
 * `v1.4.2` and `sha-3f9c2d1`) are one group, and each target gets one of them (tagFor);
 * different digests for one repository cannot both be pinned, and are refused.
 */
function oneBuildPerRepository(images) {
    const groups = new Map();
    for (const image of images) {
        const repository = canonicalRepository(image.reference);
        const group = groups.get(repository) ?? [];
        const other = group.find(i => i.digest !== image.digest);
        if (other) {
            throw new PolicyError(`Images ${other.input} and ${image.input} are one repository, ${repository}, with different digests (${other.digest}, ${image.digest}): a promotion pins one build per repository.`, {
                hint: 'Pass the tags of one build (the same digest), or promote each build in a run of its own.',
                subject: image.input
            });
        }
        groups.set(repository, [...group, image]);
    }
    return [...groups.values()];
}
/**
 * One target's edit, per kind: one outcome per file of the target, in its order, and the
 * kustomizations whose render proves it (kustomize targets only).
 */
async function editTarget(request, target, now, pin, texts, logger) {
    const { file, text } = now[0];
    switch (target.kind) {
        case 'helm':
            return { outcomes: [editHelmValues(text, file, pin, target)], deployers: [] };
        case 'kustomize': {
            const changed = new Map([...texts].map(([f, t]) => [f, t.after]));
            const { outcome, deployers } = await editOverlay(request, file, text, pin, changed, logger);
            return { outcomes: [outcome], deployers };
        }
        case 'manifest':
            return { outcomes: editManifests(now, pin, target.path), deployers: [] };
        case 'argocd':
            return { outcomes: [editArgoApplication(text, file, pin)], deployers: [] };
    }
}
/**
 * A Flux HelmRelease's values are not a values file beside a chart: its chart is the one
 * spec.chart names (helmReleaseCharts reads it), which the Helm render proof does not render
 * yet. Until it does, the proof is unavailable for it (skipped with verify-render auto, refused
 * with true), rather than rendering a chart found near the file with the whole manifest as values.
 */
function helmReleaseUnrendered(file) {
    return {
        unavailable: `${file} is a Flux HelmRelease, whose chart (spec.chart) the Helm render proof does not render yet`,
        lower: {}
    };
}
/** The chart of a Helm target's file, looked up once per file, chart and values files. */
function locateChartOnce(request, target, file, cache) {
    const key = JSON.stringify([file, target.chart, target.values]);
    let lookup = cache.get(key);
    if (!lookup)
        cache.set(key, (lookup = locateHelmChart(request.repoRoot, { ...target, path: file })));
    return lookup;
}
/** Of several tags of one build, the one this target gets: chooseTag, given what it pins now. */
function tagFor(builds, target, now) {
    const repository = canonicalRepository(builds[0].reference);
    const { file, text } = now[0];
    const pinned = {
        helm: () => (target.kind === 'helm' ? readHelmPin(text, file, repository, target) : undefined),
        kustomize: () => readKustomizationPin(text, file, repository),
        manifest: () => readManifestPin(now, repository),
        argocd: () => readArgoPin(text, file, repository)
    }[target.kind]();
    const tag = chooseTag(builds.map(image => image.reference.tag), pinned?.tag);
    return builds.find(image => image.reference.tag === tag);
}
/** The targets of one image: templates expanded with {name} and {environment}. */
function targetsOf(templates, image, environment) {
    return expandTargets(templates, {
        name: repositoryName(image.reference),
        environment: environment ?? ''
    });
}
/** A git-style unified diff (jsdiff adds an index rule and empty header tabs). */
function unifiedDiff(file, before, after) {
    return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, '', '')
        .replace(/^=+\n/, '')
        .replace(/\t$/gm, '');
}
/** The target templates: the inline ones, or the environment's in promotion.yaml. */
async function loadTargets(request) {
    if (request.targets && request.targets.length > 0) {
        return request.targets.map((spec, i) => parseTargetSpec(spec, `target ${i + 1}`));
    }
    if (!request.environment) {
        throw new ConfigError('No environment and no targets: nothing says where to promote.', {
            hint: 'Pass an environment from promotion.yaml, or targets such as kustomize:apps/{name}/overlays/dev.'
        });
    }
    const path = await resolveInRepo(request.repoRoot, request.configFile).catch((error) => {
        // Only a missing file calls for adding one; a missing --dir, a symlink
        // out of the repository or a loop keep their own message and hint.
        if (!(error instanceof MissingPathError))
            throw error;
        throw new ConfigError(`Cannot read the promotion config ${request.configFile}: ${error.message}`, {
            hint: `Add ${request.configFile} to the config repo (see schema/promotion.schema.json), or pass targets.`,
            subject: request.configFile,
            cause: error
        });
    });
    const config = parsePromotionConfig(await readFile(path, 'utf8'), request.configFile);
    return [...environmentOf(config, request.environment).targets];
}
/** The files a target edits: one, or a manifest directory's YAML files. */
async function filesOf(repoRoot, target) {
    if (target.kind === 'kustomize')
        return [await findKustomization(repoRoot, target.path)];
    if (target.kind === 'manifest')
        return findManifestFiles(repoRoot, target.path);
    return [await realRelativePath(repoRoot, target.path)];
}
/** The tags a change moves between, for the downgrade check; undefined for other values. */
function downgradeTags(target, change) {
    const each = (tagOf) => ({
        old: change.old && tagOf(change.old),
        new: change.new && tagOf(change.new)
    });
    switch (target.kind) {
        case 'kustomize':
            return /(?:^|\.)newTag$/.test(change.path) ? change : undefined;
        case 'helm':
            if (change.path === target.key)
                return each(tagOfReference);
            return /(?:^|\.)tag$/.test(change.path) ? change : undefined;
        case 'manifest':
            return each(tagOfReference);
        case 'argocd':
            return each(tagOfOverride);
    }
}
/**
 * The tag in an Application override's value: a whole reference, a kustomize image
 * (`name=repo:tag`), or a tag parameter (`1.4.2`, `1.4.2@sha256:…`); none in a digest.
 */
function tagOfOverride(value) {
    if (value.startsWith('sha256:'))
        return undefined;
    const tag = tagOfReference(value.slice(value.indexOf('=') + 1));
    return tag ?? value.split('@')[0];
}
async function read(repoRoot, file) {
    const text = await readFile(await resolveInRepo(repoRoot, file, { mustExist: true }), 'utf8');
    return { before: text, after: text };
}
/** The tag of a whole reference (Helm's string form), if it parses. */
function tagOfReference(value) {
    try {
        return parseReference(value).tag;
    }
    catch {
        return undefined;
    }
}
/** Write to a temporary sibling, then rename: a crash never leaves half a file. */
async function writeAtomically(repoRoot, file, text) {
    const path = await resolveInRepo(repoRoot, file, { mustExist: true });
    const { mode } = await stat(path);
    const temporary = `${dirname(path)}/.promote-image-${process.pid}-${Date.now()}.tmp`;
    await writeFile(temporary, text, { mode });
    await rename(temporary, path);
}

const silentLogger = { debug() { }, info() { }, warning() { } };

/**
 * Delivering a promotion: read what the promotion needs from the config repo
 * at the base commit, edit, prove, commit, then push to the base branch or
 * propose the change on its pull-request branch.
 *
 * Two writers, one flow: the writers live behind deliver/'s session port
 * (`git`: a sparse clone, any git host; `api`: the contents and Git Data APIs,
 * no clone). Either way only promotion.yaml, the targets and their render
 * closure are fetched, so the cost does not grow with the repository.
 *
 * When a push loses a race (another promotion landed first), the new head is
 * read and the pure edit re-applied — never a textual merge — with jittered,
 * bounded retries, so concurrent promotions all land and none is lost.
 */
async function promote(request, logger) {
    if ((request.method === 'api' || request.mode === 'pull-request') && !request.github) {
        throw new PromoteError(`${request.method === 'api' ? 'The api write method' : 'Pull-request mode'} needs a GitHub repository and token.`, {
            hint: 'Use the git method and push mode for other git hosts.'
        });
    }
    // Refused before any request when the base is named; otherwise once the session knows it.
    const branch = request.mode === 'pull-request' ? promotionBranch(request.branch) : undefined;
    if (branch !== undefined && request.baseBranch !== undefined)
        refuseBaseAsBranch(branch, promotionBranch(request.baseBranch));
    // The renderer lookup (a `kubectl version` run, once per process) overlaps the reads.
    if (request.verifyRender !== 'false')
        findRenderer('kustomize').catch(() => undefined);
    const session = await openSession(writerOf(request), logger);
    try {
        if (branch !== undefined) {
            refuseBaseAsBranch(branch, session.baseBranch);
            refuseBaseAsBranch(branch, (await request.github.info()).defaultBranch);
        }
        const { images, edit, message } = await prepare(request, session, logger);
        if (message === undefined)
            return outcome({ images, edit }, session, 1);
        if (branch === undefined)
            return await pushToBase(request, session, { images, edit, message }, logger);
        const proposal = await proposeChange(request.github, session, {
            branch,
            edit,
            message,
            pullRequest: head => request.pullRequest(edit, session.baseBranch, images, head)
        }, { retryDelay: lostRaceDelay, logger });
        return { ...outcome({ images, edit }, session, 1), ...proposal };
    }
    finally {
        await session.close();
    }
}
/**
 * Each writer gets only its own credentials: the git session the token, the api session the
 * GitHub repository (whose client holds the token).
 */
function writerOf(request) {
    return request.method === 'api'
        ? { method: 'api', github: request.github, baseBranch: request.baseBranch }
        : {
            method: 'git',
            url: request.cloneUrl,
            baseBranch: request.baseBranch,
            token: request.token,
            onSecret: request.onSecret
        };
}
/**
 * Reads what the promotion needs on the session's commit and edits it. No message when there
 * is nothing to write: a dry run, or no change.
 */
async function prepare(request, session, logger) {
    const images = typeof request.images === 'function' ? await request.images(session.reader) : request.images;
    const templates = await fetchWhatIsRead(session, request, images);
    const edit = await editConfigRepo({ ...editRequest(request, images, session.dir), templates }, logger);
    if (request.dryRun || edit.files.length === 0)
        return { images, edit };
    return { images, edit, message: request.message(edit, images) };
}
/** The result before anything was written: what `attempts` attempts promoted, on which base. */
function outcome(change, session, attempts) {
    return { images: change.images, edit: change.edit, baseBranch: session.baseBranch, attempts };
}
/**
 * Push mode: writes to the base branch until a write lands. Each lost race costs an attempt:
 * wait, move onto the new head, and write again — the same commit when nothing the promotion
 * read changed there, else the edit made anew on the new head (which may find nothing left
 * to change, or find that the lost write had landed after all).
 */
async function pushToBase(request, session, first, logger) {
    const attempts = request.attempts ?? LOST_RACE_ATTEMPTS;
    let change = first;
    let attempt = 1;
    let written = await writeToBase(session, change);
    while (written === 'lost') {
        if (attempt >= attempts) {
            throw new LostRaceError(`${session.baseBranch} kept moving: ${attempts} attempts to push the promotion lost the race to other commits.`, { hint: 'Re-run the job; nothing was pushed.' });
        }
        const moved = await afterLostRace(session, attempt, attempts, logger);
        if (typeof moved === 'object') {
            return {
                ...outcome(change, session, attempt),
                commit: moved.landed,
                branch: session.baseBranch
            };
        }
        attempt++;
        if (moved === 'reread') {
            const again = await prepare(request, session, logger);
            if (again.message === undefined)
                return outcome(again, session, attempt);
            change = { ...again, message: again.message };
        }
        written = await writeToBase(session, change);
    }
    return { ...outcome(change, session, attempt), ...written };
}
/** One write to the base branch: where it landed, nothing when git saw no change, or 'lost'. */
async function writeToBase(session, change) {
    if (session.commitToBase) {
        const landed = await session.commitToBase(change.edit, change.message);
        return landed === 'rejected' ? 'lost' : { commit: landed.sha, branch: session.baseBranch };
    }
    const commit = await session.commit(change.edit, change.message);
    if (!commit)
        return {};
    const pushed = await session.push(commit.sha, session.baseBranch);
    return pushed === 'pushed' ? { commit: commit.sha, branch: session.baseBranch } : 'lost';
}
/** Waits out attempt `attempt`'s lost race, then moves the session onto the new head. */
async function afterLostRace(session, attempt, attempts, logger) {
    // The throttle's wait comes first: a head read before it would be stale when the write leaves.
    const delay = (session.writeWait?.() ?? 0) + lostRaceDelay(attempt);
    logger.info(`${session.baseBranch} moved while promoting; re-applying on the new head in ${delay} ms (attempt ${attempt + 1} of ${attempts}).`);
    await setTimeout$1(delay);
    const moved = await session.refresh();
    if (typeof moved === 'object') {
        logger.info(`${session.baseBranch} is at ${moved.landed}, this promotion's own commit: GitHub applied it and its answer was lost.`);
    }
    else if (moved === 'kept') {
        logger.debug(`${session.baseBranch} moved, but not what this promotion read: the same commit goes onto the new head.`);
    }
    return moved;
}
/**
 * A lost race means another promotion landed: the branch makes progress, so
 * retries are many and short. 20 jobs finishing together need up to 19
 * retries for the last one; full jitter over a window that doubles from
 * 100 ms to 1 s spreads them so that about one lands per critical section
 * (read, edit, write: a few hundred ms) instead of all colliding again.
 */
const LOST_RACE_ATTEMPTS = 40;
function lostRaceDelay(attempt) {
    return Math.round(Math.random() * Math.min(1000, 50 * 2 ** attempt));
}
/**
 * Fetches exactly what the promotion reads: promotion.yaml, the targets, and
 * what their render needs — found by reading the commit before any of it is
 * fetched, so unrelated files never are. Returns the target templates, so
 * the edit does not parse promotion.yaml again.
 */
async function fetchWhatIsRead(session, request, images) {
    const inline = request.targets !== undefined && request.targets.length > 0;
    if (!inline)
        await session.fetch([request.configFile]);
    const templates = await loadTargets(editRequest(request, images, session.dir));
    const paths = new Set();
    const overlays = new Set();
    for (const image of images) {
        for (const target of targetsOf(templates, image, request.environment)) {
            // A manifest directory: only its YAML files, not its subdirectories.
            const files = target.kind === 'manifest' && (await session.reader.type(target.path)) === 'dir'
                ? await manifestFilesIn(session.reader, target.path)
                : [];
            for (const path of files.length > 0 ? files : [target.path])
                paths.add(path);
            if (target.kind === 'kustomize')
                overlays.add(target.path);
        }
    }
    if (request.verifyRender === 'false' && overlays.size === 0) {
        await session.fetch([...paths]);
        return templates;
    }
    // A kustomize Component is deployed by whatever includes it, anywhere in the repository.
    if ((await Promise.all([...overlays].map(o => isComponent(session.reader, o)))).some(Boolean)) {
        await session.fetchAll();
        return templates;
    }
    // Every overlay's closure at once (50 images are 50 overlays), read from the commit, then
    // one fetch for the targets and all closures (for the git method, one sparse-checkout). With
    // verify-render false too: the edit reads the overlay's resources to pin only the images:
    // entries kustomize applies (render/ overlayInputs).
    const closures = await Promise.all([...overlays].map(async (overlay) => {
        const type = await session.reader.type(overlay);
        const dir = type === 'file' ? posix.dirname(overlay) : overlay;
        return renderClosure('kustomize', session.reader, dir, new Map());
    }));
    if (closures.every(closure => closure !== undefined)) {
        await session.fetch([...new Set([...paths, ...closures.flat()])]);
        return templates;
    }
    await session.fetch([...paths]);
    if (request.verifyRender === 'false')
        return templates;
    // No closure may just mean a broken target: let the edit say so before giving up on it.
    await editConfigRepo({
        ...editRequest(request, images, session.dir),
        templates,
        verifyRender: 'false',
        dryRun: true
    }, silentLogger);
    await session.fetchAll();
    return templates;
}
/** Whether a kustomize target (a directory or its kustomization file) is a Component. */
async function isComponent(reader, target) {
    const named = isKustomizationFileName(posix.basename(target));
    const candidates = named ? [target] : KUSTOMIZATION_FILE_NAMES.map(n => posix.join(target, n));
    for (const file of candidates) {
        if ((await reader.type(file)) !== 'file')
            continue;
        return isKustomizeComponent(await reader.read(file));
    }
    return false;
}
/** What the edit stage is told: the promotion's own fields, never the token or the repository. */
function editRequest(request, images, repoRoot) {
    return {
        repoRoot,
        environment: request.environment,
        targets: request.targets,
        configFile: request.configFile,
        images,
        verifyRender: request.verifyRender,
        dryRun: request.dryRun,
        allowDowngrade: request.allowDowngrade,
        names: request.names
    };
}

/** Delivers the plan: one promotion (commit or pull request) per environment, in order. */
async function promoteEnvironments(plan, resolved, delivery) {
    const { ports } = delivery;
    // An explicit push to an explicit base needs none of promotion.yaml's settings (they are the
    // base branch and the pull request's): the CLI's scripted pushes skip the extra read.
    const settings = plan.targets.length > 0 || (plan.mode === 'push' && plan.baseBranch !== undefined)
        ? new Map()
        : await readSettings(plan, delivery);
    const environments = plan.environments.length > 0 ? plan.environments : [undefined];
    const runs = [];
    for (const environment of environments) {
        const config = environment === undefined ? undefined : settings.get(environment);
        const mode = plan.mode ?? config?.mode ?? plan.defaultMode;
        const github = delivery.github ??
            (delivery.method === 'api' || mode === 'pull-request'
                ? delivery.githubFor?.(delivery.method === 'api'
                    ? 'the api write method'
                    : plan.mode
                        ? 'pull-request mode'
                        : config?.mode
                            ? `pull-request mode (mode: pull-request for ${environment} in ${plan.configFile})`
                            : 'pull-request mode (the default)')
                : undefined);
        const baseBranch = plan.baseBranch ?? config?.baseBranch;
        const from = 'fromEnvironment' in plan.images ? plan.images : undefined;
        const branch = mode === 'pull-request'
            ? branchName(plan.branch ?? config?.branch ?? DEFAULT_BRANCH_TEMPLATE, environment, from ? from.selections : resolved.map(i => i.reference.name))
            : undefined;
        const content = (edit, base, promoted, head) => ({
            environment,
            images: promoted,
            result: edit,
            source: ports.source,
            mode,
            configRepository: github?.fullName,
            baseBranch: base,
            headSha: head,
            fromEnvironment: from?.fromEnvironment,
            messageTemplate: plan.commitMessage
        });
        const options = plan.pullRequest;
        const result = await ports.group(`Promote ${environment ?? 'targets'} (${mode}, ${delivery.method})`, () => promote({
            method: delivery.method,
            mode,
            cloneUrl: delivery.cloneUrl,
            github,
            baseBranch,
            token: ports.token,
            environment,
            targets: plan.targets,
            configFile: plan.configFile,
            images: reader => imagesFor({
                source: plan.images,
                resolved,
                reader,
                configFile: plan.configFile,
                environment,
                inlineTargets: plan.targets.length > 0,
                policy: plan.policy,
                since: github ? file => github.lastChanged(file, baseBranch) : undefined,
                signatures: plan.signatures,
                attestations: plan.attestations,
                attestationContext: attestationContextOf(ports),
                names: ports.names
            }, delivery.resolver, ports.logger),
            verifyRender: plan.verifyRender,
            dryRun: plan.dryRun,
            allowDowngrade: plan.allowDowngrade,
            names: ports.names,
            branch,
            onSecret: ports.onSecret,
            message: (edit, promoted) => commitMessage(content(edit, baseBranch ?? '', promoted)),
            pullRequest: async (edit, base, promoted, head) => ({
                title: pullRequestTitle(content(edit, base, promoted), options.title),
                body: pullRequestBody({
                    ...content(edit, base, promoted, head),
                    codeChanges: await delivery.codeChanges?.(promoted, edit)
                }),
                updateComment: previous => movedComment(previous, promoted),
                draft: options.draft ?? config?.draft ?? false,
                labels: union(config?.labels, options.labels),
                reviewers: union(config?.reviewers, options.reviewers),
                teamReviewers: union(config?.teamReviewers, options.teamReviewers),
                assignees: union(config?.assignees, options.assignees),
                autoMerge: options.autoMerge ?? config?.autoMerge
            })
        }, ports.logger));
        runs.push({ environment, mode, result });
    }
    return runs;
}
function union(configured, given) {
    return [...new Set([...(configured ?? []), ...given])];
}
/**
 * A deterministic branch per environment and image set, so that a newer
 * build updates the same pull request. Several images share one branch
 * named after all of them.
 */
function branchName(template, environment, repositories) {
    const names = [...new Set(repositories.map(repositoryNameOf))].sort();
    // Every image another environment runs (from-environment without images): `all`.
    const name = names.length === 0
        ? 'all'
        : names.length <= 3
            ? names.join('+')
            : `${names.slice(0, 3).join('+')}+${names.length - 3}-more`;
    const branch = template
        .replaceAll('{environment}', environment ?? 'targets')
        .replaceAll('{name}', name);
    if (!/^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._/+-]{1,200}$/.test(branch)) {
        throw new ConfigError(`The pull-request branch ${JSON.stringify(branch)} is not a valid branch name.`, {
            hint: 'Set branch to a template of letters, digits, "/", "-", "_", "." with {environment} and {name}.'
        });
    }
    return branch;
}
/**
 * promotion.yaml at the head of the base branch (explicit, else the
 * repository's default): through the GitHub API when the shell has the
 * repository there, else from a throwaway sparse clone (any git host,
 * file:// too) that fetches the one file's blob.
 */
async function readSettings(plan, delivery) {
    const read = async (reader, where) => {
        if ((await reader.type(plan.configFile)) !== 'file') {
            throw new ConfigError(`${where} has no ${plan.configFile}.`, {
                hint: `Add ${plan.configFile} to the config repository, or pass targets.`
            });
        }
        return reader.read(plan.configFile);
    };
    let text;
    if (delivery.github) {
        const github = delivery.github;
        const base = plan.baseBranch ?? (await github.info()).defaultBranch;
        const head = await github.branchHead(base);
        if (!head) {
            throw new ConfigError(`Branch ${base} does not exist in ${github.fullName}.`, {
                hint: 'Set base-branch to an existing branch, or leave it empty for the default branch.'
            });
        }
        text = await read(github.reader(head), `${github.fullName} on ${base}`);
    }
    else {
        const checkout = await GitCheckout.open({
            url: delivery.cloneUrl,
            baseBranch: plan.baseBranch,
            token: delivery.ports.token,
            logger: delivery.ports.logger,
            onSecret: delivery.ports.onSecret
        });
        try {
            text = await read(checkout.reader(), `The config repository on ${checkout.baseBranch}`);
        }
        finally {
            await checkout.close();
        }
    }
    const config = parsePromotionConfig(text, plan.configFile);
    for (const environment of plan.environments)
        environmentOf(config, environment);
    return new Map(config.environments);
}

async function writeConfigRepository(plan, destination, resolved, resolver, ports) {
    const codeChanges = codeChangeReader(resolver, ports);
    if (destination.kind === 'workspace') {
        const edits = await editWorkspace(plan, destination.root, resolved, resolver, ports);
        return { edits: await withCodeChanges(edits, codeChanges), runs: [] };
    }
    const runs = await promoteEnvironments(plan, resolved, {
        ...configRepositoryOf(destination, ports),
        method: destination.kind === 'github' ? destination.method : 'git',
        resolver,
        codeChanges,
        ports
    });
    const edits = runs.map(r => ({
        environment: r.environment,
        result: r.result.edit,
        images: r.result.images
    }));
    return { edits: await withCodeChanges(edits, codeChanges), runs };
}
/** Each environment's code changes (a pull request body has read them already: cached). */
async function withCodeChanges(edits, read) {
    return Promise.all(edits.map(async (e) => ({ ...e, codeChanges: await read(e.images, e.result) })));
}
/** Edits the working tree in place, environment by environment; commits nothing. */
async function editWorkspace(plan, root, resolved, resolver, ports) {
    const environments = plan.environments.length > 0 ? plan.environments : [undefined];
    const edits = [];
    for (const environment of environments) {
        const images = await imagesFor({
            source: plan.images,
            resolved,
            reader: fsTreeReader(root),
            configFile: plan.configFile,
            environment,
            inlineTargets: plan.targets.length > 0,
            policy: plan.policy,
            signatures: plan.signatures,
            attestations: plan.attestations,
            attestationContext: attestationContextOf(ports),
            names: ports.names
        }, resolver, ports.logger);
        const result = await ports.group(`Edit ${environment ?? 'targets'}`, () => editConfigRepo({
            repoRoot: root,
            environment,
            targets: plan.targets,
            configFile: plan.configFile,
            images,
            verifyRender: plan.verifyRender,
            dryRun: plan.dryRun,
            allowDowngrade: plan.allowDowngrade,
            env: ports.env,
            names: ports.names
        }, ports.logger));
        edits.push({ environment, result, images });
    }
    return edits;
}

export { writeConfigRepository };
//# sourceMappingURL=write.js.map
