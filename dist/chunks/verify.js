import { setTimeout } from 'node:timers/promises';
import { P as PromoteError, I as InputError } from './errors.js';
import { n as networkProblem, R as RETRYABLE_STATUS, b as backoffDelay, r as readCapped, o as requestBudget, m as formatSeconds, p as parseReference, d as canonicalRepository } from './deadline.js';

/** Argo CD does not confirm the promotion: it runs something else, fails, or cannot be asked. */
class VerifyError extends PromoteError {
}

/**
 * The slice of the Argo CD REST API that verify reads, and a small client for it. Shapes follow
 * pkg/apis/application/v1alpha1/types.go and server/application/application.proto; every field
 * is optional because Go's omitempty drops empty ones and the JSON is not ours to trust.
 */
const DEFAULT_RETRY = { attempts: 3, baseDelayMs: 500, maxDelayMs: 4000 };
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Applications with thousands of resources have trees of a few MB; refuse anything absurd. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Argo CD was unreachable or answered 5xx after every retry: worth polling again. */
class ArgoUnavailableError extends VerifyError {
}
/**
 * The overall deadline cut the request short (it had less than its own limit, and ran out of
 * it): says that time is up, not that Argo CD is down.
 */
class ArgoDeadlineError extends ArgoUnavailableError {
}
/**
 * GETs with what a poller needs and fetch lacks: a per-attempt whole-response deadline (headers
 * and body, capped by the overall deadline: src/http/deadline.ts), bounded jittered
 * retries on 5xx and network errors, and Argo CD's error bodies ({error, code, message}) turned
 * into the user's words. The token goes in Authorization only, never in a message or a log.
 */
class ArgoClient {
    options;
    constructor(options) {
        this.options = options;
    }
    /** `refresh` asks Argo CD to compare with Git now; the server answers once it has. */
    getApplication(refresh, timeoutMs) {
        return this.get('', refresh ? { refresh: 'normal' } : {}, {
            timeoutMs,
            // A refresh that does not finish in time is not retried: the caller reads without one.
            attempts: refresh ? 1 : undefined
        });
    }
    getResourceTree() {
        return this.get('/resource-tree', {});
    }
    /** Events of one resource of the application (without one, of the Application itself). */
    async getEvents(resource) {
        const query = {};
        if (resource) {
            query.resourceName = resource.name ?? '';
            query.resourceNamespace = resource.namespace ?? '';
            query.resourceUID = resource.uid ?? '';
        }
        const list = await this.get('/events', query);
        return list.items ?? [];
    }
    async get(suffix, query, overrides = {}) {
        const { name, namespace } = this.options.application;
        const params = new URLSearchParams(query);
        if (namespace)
            params.set('appNamespace', namespace);
        const search = params.toString();
        const path = `/api/v1/applications/${encodeURIComponent(name)}${suffix}${search ? `?${search}` : ''}`;
        const url = `${this.options.server}${path}`;
        const shown = `GET ${path}`;
        const ownMs = overrides.timeoutMs ?? this.options.requestTimeoutMs;
        const attempts = overrides.attempts ?? this.options.retry.attempts;
        const { deadline } = this.options;
        const host = new URL(this.options.server).host;
        let problem = '';
        for (let attempt = 1;; attempt++) {
            const budgetMs = requestBudget(ownMs, deadline);
            let response;
            let cut = false;
            if (budgetMs <= 0) {
                problem ||= 'the verify timeout ran out before it could be sent';
                cut = true;
            }
            else {
                try {
                    this.options.logger.debug(`argocd: ${shown}`);
                    response = await this.fetchOnce(url, budgetMs);
                }
                catch (error) {
                    if (error instanceof VerifyError)
                        throw error;
                    problem = networkProblem(error, formatSeconds(budgetMs), host);
                    const name = error?.name;
                    cut = budgetMs < ownMs && (name === 'TimeoutError' || name === 'AbortError');
                }
            }
            if (response && !RETRYABLE_STATUS.has(response.status)) {
                if (response.status >= 200 && response.status < 300)
                    return this.parse(response, shown);
                throw this.refusal(response, shown);
            }
            if (response)
                problem = `HTTP ${response.status}${argoMessage(response.body, ': ')}`;
            const delay = backoffDelay(attempt, this.options.retry);
            // A retry that could not start before the overall deadline is not worth waiting for.
            const outOfTime = deadline !== undefined && deadline - Date.now() <= delay;
            if (attempt >= attempts || outOfTime) {
                throw new (cut ? ArgoDeadlineError : ArgoUnavailableError)(this.redact(`Argo CD at ${this.options.server} did not answer ${shown}: ${problem}.`), {
                    hint: /certificate|CERT|self.signed/i.test(problem)
                        ? 'The server certificate is not trusted: for a private CA, point NODE_EXTRA_CA_CERTS at its PEM file.'
                        : 'Check the --argocd-server URL (with the path prefix of a --rootpath install) and that this runner can reach it.'
                });
            }
            this.options.logger.debug(`argocd: ${shown}: ${this.redact(problem)}; retrying in ${delay} ms`);
            await setTimeout(delay);
        }
    }
    async fetchOnce(url, timeoutMs) {
        const headers = { accept: 'application/json' };
        if (this.options.token)
            headers.authorization = `Bearer ${this.options.token}`;
        const response = await fetch(url, {
            headers,
            // Never follow: a redirect to an SSO page would answer 200 with HTML, and a cross-origin
            // hop must not carry the token.
            redirect: 'manual',
            signal: AbortSignal.timeout(timeoutMs)
        });
        const contentType = response.headers.get('content-type') ?? '';
        if (response.status >= 300 && response.status < 400) {
            await response.body?.cancel();
            const location = response.headers.get('location') ?? '(no location)';
            throw new VerifyError(`Argo CD at ${this.options.server} redirected the API request to ${redactUrl(location)}.`, {
                hint: 'Pass the final Argo CD URL (https, with its --rootpath); an SSO proxy in front of the API needs bypassing for API tokens.'
            });
        }
        return {
            status: response.status,
            body: (await readCapped(response, MAX_BODY_BYTES)).toString('utf8'),
            contentType
        };
    }
    parse(response, shown) {
        try {
            const parsed = JSON.parse(response.body);
            if (parsed !== null && typeof parsed === 'object')
                return parsed;
        }
        catch {
            // fall through
        }
        throw new VerifyError(`${this.options.server} answered ${shown} with ${response.contentType || 'a body'} that is not Argo CD's JSON.`, {
            hint: 'Check that --argocd-server is the Argo CD server URL (with the path prefix of a --rootpath install).'
        });
    }
    refusal(response, shown) {
        const { name, namespace } = this.options.application;
        const app = namespace ? `${namespace}/${name}` : name;
        const said = this.redact(argoMessage(response.body, ': '));
        const fromArgo = argoCode(response.body) !== undefined;
        const tokenHint = 'Use an Argo CD API token of an account with the apiKey capability and `applications, get` on this application (`sync` is not needed): `argocd account generate-token --account <name>`, passed in ARGOCD_AUTH_TOKEN (the action: argocd-token).';
        switch (response.status) {
            case 401:
                return this.options.token
                    ? new VerifyError(`Argo CD rejected the token (HTTP 401${said}): it is malformed, expired or revoked.`, { hint: tokenHint })
                    : new VerifyError(`No Argo CD token was given, and Argo CD requires one (HTTP 401${said}).`, { hint: tokenHint });
            case 403:
                // Argo CD answers 403, not 404, for an application that does not exist, so that a
                // token cannot probe which names exist: both causes are possible.
                return new VerifyError(`Argo CD denied access to application ${app} (HTTP 403${said}): either no application ${app} exists${namespace ? '' : " in Argo CD's namespace"}, or the token's account may not read it.`, {
                    hint: `Check the name (argocd app list; NAMESPACE/NAME for apps in other namespaces), and that the account has \`applications, get\` on it in the RBAC policy (policy.csv: p, role:ci, applications, get, <project>/${name}, allow). ${tokenHint}`
                });
            case 404:
                return fromArgo
                    ? new VerifyError(`Argo CD has no application ${app} (HTTP 404${said}).`, {
                        hint: 'Check the name (argocd app list) and, for an application outside the argocd namespace, write it as NAMESPACE/NAME.'
                    })
                    : new VerifyError(`${this.options.server} answered 404 for ${shown}, which is not Argo CD's API.`, {
                        hint: 'Check --argocd-server: the Argo CD server URL, with the path prefix of a --rootpath install.'
                    });
            default:
                return new VerifyError(`Argo CD refused ${shown} (HTTP ${response.status}${said}).`, {
                    hint: 'Check the application name and the Argo CD version (verify needs the /api/v1 REST API).'
                });
        }
    }
    /** A server may echo what it was sent; the token never reaches a message. */
    redact(text) {
        const token = this.options.token;
        return token && token.length >= 4 ? text.split(token).join('***') : text;
    }
}
function argoMessage(body, prefix) {
    try {
        const parsed = JSON.parse(body);
        const text = typeof parsed.message === 'string' ? parsed.message : parsed.error;
        if (typeof text === 'string' && text !== '')
            return `${prefix}${text.slice(0, 500)}`;
    }
    catch {
        // not JSON: an HTML error page from a proxy says nothing useful
    }
    return '';
}
function argoCode(body) {
    try {
        const code = JSON.parse(body).code;
        return typeof code === 'number' ? code : undefined;
    }
    catch {
        return undefined;
    }
}
function redactUrl(location) {
    try {
        const url = new URL(location);
        url.search = '';
        url.username = '';
        url.password = '';
        return url.toString();
    }
    catch {
        return location.slice(0, 200);
    }
}

/** Whether an observed revision is the promotion commit (a prefix of it, case-insensitively). */
function isRevision(observed, wanted) {
    return observed.length >= wanted.length && observed.toLowerCase().startsWith(wanted);
}
/** status.sync.revision, or .revisions of a multi-source application; each once. */
function observedRevisions(app) {
    const sync = app.status?.sync;
    const all = [sync?.revision, ...(sync?.revisions ?? [])];
    return [...new Set(all.filter((r) => typeof r === 'string' && r !== ''))];
}
/** The revisions the last sync operation applied. */
function operationRevisions(op) {
    const result = op.syncResult;
    return [result?.revision, ...(result?.revisions ?? [])].filter((r) => typeof r === 'string' && r !== '');
}
/** `; ComparisonError: …` for the error and warning conditions, or ''. */
function conditionText(app) {
    const shown = (app.status?.conditions ?? [])
        .filter(c => c.type && /Error|Warning/.test(c.type) && c.message)
        .map(c => `${c.type}: ${clip(c.message, 300)}`);
    return shown.length > 0 ? `; ${shown.join('; ')}` : '';
}
function automatedSync(app) {
    const automated = app.spec?.syncPolicy?.automated;
    return automated != null && automated.enabled !== false;
}
/** "https://git.example/config.git path apps/api/overlays/prod at main" */
function trackedSources(app) {
    const sources = app.spec?.sources
        ? [...app.spec.sources]
        : app.spec?.source
            ? [app.spec.source]
            : [];
    return sources
        .filter(s => s.repoURL)
        .map(s => `${s.repoURL}${s.path ? ` path ${s.path}` : ''}${s.chart ? ` chart ${s.chart}` : ''} at targetRevision ${s.targetRevision || 'HEAD'}`)
        .join(', ');
}
function shownRevisions(revisions) {
    return revisions.length > 0 ? revisions.map(short).join(',') : 'no revision';
}
/** A commit sha as git abbreviates it; other revisions (branches, chart versions) whole. */
function short(revision) {
    return /^[0-9a-f]{40,64}$/i.test(revision) ? revision.slice(0, 7) : revision;
}
/** Argo CD's or kubelet's words on one line, at most `max` characters. */
function clip(text, max) {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The images verify waits for, and whether what Argo CD reports running is one
 * of them: the same repository in any spelling (docker.io/library/nginx is
 * nginx), the same digest when one was pinned, else the same tag.
 */
/** Parses a wanted reference; throws InvalidReferenceError. */
function wantedImage(text) {
    const ref = parseReference(text);
    return { text, ref, repository: canonicalRepository(ref) };
}
/**
 * Whether an image Argo CD reports (a pod spec's image) is the wanted one: same repository in
 * any spelling, and the same digest when one was pinned, else the same tag.
 */
function imageMatches(wanted, running) {
    const ref = tryParse(running);
    if (!ref || canonicalRepository(ref) !== wanted.repository)
        return false;
    if (wanted.ref.digest)
        return ref.digest === wanted.ref.digest;
    return effectiveTag(ref) === effectiveTag(wanted.ref);
}
/** The canonical repository of a running image; undefined when it does not parse. */
function repositoryOf(image) {
    const ref = tryParse(image);
    return ref && canonicalRepository(ref);
}
/** The tag a runtime pulls: `latest` when neither tag nor digest is given. */
function effectiveTag(ref) {
    return ref.tag ?? (ref.digest ? undefined : 'latest');
}
/** repo@sha256:… when pinned, else as written. */
function shownRunning(image) {
    const ref = tryParse(image);
    return ref?.digest ? `${ref.name}@${ref.digest}` : image;
}
/** `api:v2` or `api@sha256:0123456789ab`: short enough for a progress line. */
function shortImage(w) {
    const name = w.ref.path.split('/').pop();
    return w.ref.digest ? `${name}@${w.ref.digest.slice(0, 19)}` : `${name}:${effectiveTag(w.ref)}`;
}
function tryParse(image) {
    try {
        return parseReference(image);
    }
    catch {
        // Argo CD reports what the pod spec says; anything we cannot parse is not what we pinned.
        return undefined;
    }
}

const PULL_REASON = /ImagePullBackOff|ErrImagePull|InvalidImageName|ErrImageNeverPull|ImageInspectError|RegistryUnavailable/;
const PULL_MESSAGE = /ImagePullBackOff|ErrImagePull|Back-off pulling image|Failed to pull image|pull access denied|InvalidImageName/i;
const PULL_CAUSE = /not found|manifest unknown|unauthorized|no basic auth credentials|denied/i;
const QUOTED_IMAGE = /image "([^"]+)"/i;
const CONTAINER_PATH = /spec\.(initContainers|containers|ephemeralContainers)\{([^}]+)\}/;
/** Owners followed from a pod up: Pod → ReplicaSet → Deployment, Pod → Job → CronJob. */
const MAX_OWNER_DEPTH = 8;
/** Pods worth reading events for: not Healthy, newest first, at most `limit`. */
function podsToInspect(tree, limit) {
    return (tree?.nodes ?? [])
        .filter(n => n.kind === 'Pod' && n.uid && n.health?.status !== 'Healthy')
        .filter(n => statusReason(n) !== 'Completed')
        .slice(-5)
        .reverse();
}
/** `workload Deployment/api is Degraded: ImagePullBackOff for image … (pod api-1, 3 back-offs)` */
function describePullFailure(f) {
    const facts = [
        ...(f.container ? [f.container] : []),
        `${f.pods.length === 1 ? 'pod' : 'pods'} ${f.pods.join(', ')}`,
        ...(f.backOffs ? [`${f.backOffs.toLocaleString('en-US')} back-offs`] : [])
    ];
    const detail = f.detail ? `; kubelet: ${f.detail}` : '';
    return `workload ${f.workload} is ${f.workloadHealth}: ${f.reason}${f.image ? ` for image ${f.image}` : ''} (${facts.join(', ')})${detail}`;
}
/** Pods that cannot pull an image, one entry per workload, reason and image. */
function findPullFailures(tree, events) {
    const groups = new Map();
    for (const pod of tree.pods()) {
        const reason = statusReason(pod) ?? '';
        const healthMessage = pod.health?.message ?? '';
        const podEvents = (pod.uid ? events.get(pod.uid) : undefined) ?? [];
        const pullEvents = podEvents
            // kubelet records "Back-off pulling image" as a Normal event, the failures as Warnings.
            .filter(e => (e.type === 'Warning' || e.reason === 'BackOff') && isPullMessage(e.message ?? ''))
            .sort((x, y) => (x.lastTimestamp ?? '').localeCompare(y.lastTimestamp ?? ''));
        // Events outlive a recovered pull by an hour: alone they count only for a pod not running.
        const fromEvents = pullEvents.length > 0 &&
            pod.health?.status !== 'Healthy' &&
            reason !== 'Running' &&
            reason !== 'Completed';
        if (!PULL_REASON.test(reason) && !isPullMessage(healthMessage) && !fromEvents)
            continue;
        const image = QUOTED_IMAGE.exec(healthMessage)?.[1] ??
            pullEvents
                .map(e => QUOTED_IMAGE.exec(e.message ?? '')?.[1])
                .filter(Boolean)
                .pop();
        const path = pullEvents
            .map(e => CONTAINER_PATH.exec(e.involvedObject?.fieldPath ?? ''))
            .filter(Boolean)
            .pop();
        const init = path?.[1] === 'initContainers';
        const container = path ? `${init ? 'init container' : 'container'} ${path[2]}` : undefined;
        const backedOff = pullEvents.some(e => e.reason === 'BackOff' || /ImagePullBackOff/.test(e.message ?? ''));
        const shownReason = PULL_REASON.test(reason)
            ? reason
            : `${init ? 'Init:' : ''}${backedOff || /Back-off/i.test(healthMessage) ? 'ImagePullBackOff' : 'ErrImagePull'}`;
        const backOffs = pullEvents
            .filter(e => e.reason === 'BackOff')
            .reduce((sum, e) => sum + (e.count ?? 1), 0);
        const failed = pullEvents.filter(e => /Failed to pull image/i.test(e.message ?? '')).pop();
        const secret = podEvents.find(e => e.reason === 'FailedToRetrieveImagePullSecret');
        const detail = [failed?.message, secret?.message]
            .filter((m) => !!m)
            .map(m => clip(m, 600))
            .join('; ');
        const owner = tree.owner(pod);
        const workload = label(owner);
        const key = `${workload}\u0000${shownReason}\u0000${image ?? ''}`;
        const group = groups.get(key);
        if (group) {
            group.pods.push(pod.name ?? '?');
            continue;
        }
        groups.set(key, {
            workload,
            workloadHealth: ('health' in owner && owner.health?.status) || pod.health?.status || 'Unknown',
            pods: [pod.name ?? '?'],
            reason: shownReason,
            image,
            container,
            backOffs: backOffs > 0 ? backOffs : undefined,
            detail: detail || (healthMessage && !QUOTED_IMAGE.test(healthMessage) ? healthMessage : undefined)
        });
    }
    return [...groups.values()];
}
function isPullMessage(text) {
    return PULL_MESSAGE.test(text) || (/image/i.test(text) && PULL_CAUSE.test(text));
}
/** The application's resource tree, indexed for walking from pods to their workloads. */
class Tree {
    nodes;
    byKey = new Map();
    constructor(tree) {
        this.nodes = tree?.nodes ?? [];
        for (const node of this.nodes) {
            if (node.uid)
                this.byKey.set(node.uid, node);
            this.byKey.set(refKey(node), node);
        }
    }
    pods() {
        return this.nodes.filter(n => n.kind === 'Pod');
    }
    /** The top-level owner (Deployment, StatefulSet, CronJob…), or the node itself. */
    owner(node) {
        let current = node;
        for (let depth = 0; depth < MAX_OWNER_DEPTH; depth++) {
            const parent = current.parentRefs?.[0];
            if (!parent)
                break;
            current =
                (parent.uid && this.byKey.get(parent.uid)) || this.byKey.get(refKey(parent)) || parent;
        }
        return current;
    }
    /** Workloads whose pods run any of `images`. */
    workloadsRunning(images) {
        const found = this.pods()
            .filter(pod => (pod.images ?? []).some(image => images.includes(image)))
            .map(pod => label(this.owner(pod)));
        return [...new Set(found)];
    }
    /** "Deployment/api: Progressing (Waiting for rollout to finish…)", workloads before pods. */
    unhealthy() {
        const bad = this.nodes.filter(n => n.health?.status && n.health.status !== 'Healthy' && n.kind !== 'ReplicaSet');
        bad.sort((x, y) => Number(x.kind === 'Pod') - Number(y.kind === 'Pod'));
        return bad.map(n => `${label(n)} ${n.health.status}${n.health.message ? ` (${clip(n.health.message, 200)})` : ''}`);
    }
}
function refKey(ref) {
    return [ref.group ?? '', ref.kind ?? '', ref.namespace ?? '', ref.name ?? ''].join('\u0000');
}
function label(ref) {
    return `${ref.kind ?? '?'}/${ref.name ?? '?'}`;
}
function statusReason(node) {
    return node.info?.find(i => i.name === 'Status Reason')?.value;
}

/**
 * The first obstacle, most specific first: a pull failure or a failed sync explains everything
 * after it; Synced and Healthy with the old image last (incident 1, "Synced, 0 updated").
 */
function findObstacle(a, app, tree, expected) {
    const name = expected.application;
    const promotion = expected.revision ? short(expected.revision) : undefined;
    const atCommit = promotion ? ` at the promotion commit ${promotion}` : '';
    if (a.pullFailures.length > 0 && a.atPromotion) {
        return {
            kind: 'image-pull',
            message: a.pullFailures.map(describePullFailure).join('\n'),
            hint: "Argo CD's Degraded is accurate: the image is missing from the registry, or the nodes cannot pull it (imagePullSecrets, registry credentials — an ECR token expires after 12 hours). Fix the image or the pull access, or git revert the promotion commit; not Argo CD.",
            definite: true
        };
    }
    const op = a.operation;
    const opFailed = op?.phase === 'Failed' || op?.phase === 'Error';
    if (opFailed &&
        a.sync !== 'Synced' &&
        (expected.revision === undefined ||
            operationRevisions(op).some(r => isRevision(r, expected.revision)))) {
        return {
            kind: 'sync-failed',
            message: `Argo CD application ${name} is ${a.sync}: the sync to the promotion commit${promotion ? ` ${promotion}` : ''} ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message || 'no message'}${conditionText(app)}`,
            hint: `Argo CD does not retry a failed automated sync of the same commit. Read the sync result (argocd app get ${name}), fix the manifests, and promote again.`,
            definite: true
        };
    }
    if (!a.atPromotion) {
        const where = trackedSources(app);
        return {
            kind: 'revision',
            message: a.revisions.length === 0
                ? `Argo CD has not compared application ${name} with any revision yet, so it is not at the promotion commit ${promotion}`
                : `Argo CD is at revision ${a.revisions.map(short).join(', ')}, not the promotion commit ${promotion}`,
            hint: `${where ? `The application tracks ${where}: ` : ''}check that its targetRevision tracks the branch promoted into (a pull request must be merged first), and that Argo CD can fetch the repository (argocd app get ${name} --refresh).`,
            definite: false
        };
    }
    if (a.sync !== 'Synced') {
        const automated = automatedSync(app);
        const why = [];
        if (op?.phase === 'Running' || op?.phase === 'Terminating') {
            why.push(`a sync is ${op.phase.toLowerCase()}${op.message ? ` (${op.message})` : ''}`);
        }
        else if (opFailed) {
            why.push(`the last sync ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message || 'no message'}`);
        }
        else if (op?.phase === 'Succeeded' && op.message) {
            why.push(`the last sync said: ${op.message}`);
        }
        const conditions = conditionText(app);
        if (!automated)
            why.push('automated sync is off for this application, so nothing syncs it');
        return {
            kind: 'out-of-sync',
            message: `Argo CD application ${name} ${a.sync === 'OutOfSync' ? 'is OutOfSync' : `has sync status ${a.sync}`}${atCommit}: ${why.join('; ') || 'no sync has finished yet'}${conditions}`,
            hint: automated
                ? `See what differs and why the sync did not apply it: argocd app diff ${name}; argocd app get ${name}.`
                : `Sync it (argocd app sync ${name}) or enable spec.syncPolicy.automated; verify only reads.`,
            definite: false
        };
    }
    if (a.health !== 'Healthy') {
        const details = [
            ...(app.status?.health?.message ? [app.status.health.message] : []),
            ...tree.unhealthy().slice(0, 3)
        ];
        return {
            kind: 'health',
            message: `Argo CD application ${name} is Synced${atCommit} but ${a.health}${details.length > 0 ? `: ${details.join('; ')}` : ''}`,
            hint: `Inspect the workloads that are not Healthy: argocd app get ${name} --show-operation; kubectl describe the pods.`,
            definite: false
        };
    }
    if (a.missing.length > 0) {
        return {
            kind: 'images',
            message: `Argo CD reports Synced and Healthy${atCommit}, but ${a.missing.map(w => stale(w, a.running, tree)).join('; and ')}`,
            hint: `"Synced, 0 updated": Argo CD applied the commit but no workload changed. Check that the promoted file is the one this application renders${trackedSources(app) ? ` (${trackedSources(app)})` : ''}, and that nothing else sets the image (a parameter override in the Application, an image updater, a mutating webhook).`,
            definite: true
        };
    }
    return undefined;
}
function stale(wanted, running, tree) {
    const others = running.filter(image => repositoryOf(image) === wanted.repository);
    const promoted = wanted.ref.digest ?? `${wanted.ref.name}:${effectiveTag(wanted.ref)}`;
    if (others.length === 0) {
        return `no pod runs ${wanted.ref.name} (running: ${running.join(', ') || 'no images'}) while ${promoted} was promoted`;
    }
    const workloads = tree.workloadsRunning(others);
    return `the pods still run ${others.map(shownRunning).join(', ')} while ${promoted} was promoted${workloads.length > 0 ? ` (${workloads.join(', ')} ${workloads.length === 1 ? 'carries' : 'carry'} the old image)` : ''}`;
}

function assess(snapshot, expected) {
    const status = snapshot.app.status ?? {};
    const sync = status.sync?.status || 'Unknown';
    const health = status.health?.status || 'Unknown';
    const revisions = observedRevisions(snapshot.app);
    const matchedRevision = expected.revision
        ? revisions.find(r => isRevision(r, expected.revision))
        : undefined;
    const atPromotion = expected.revision === undefined || matchedRevision !== undefined;
    const running = [...(status.summary?.images ?? [])];
    const matched = running.filter(image => expected.images.some(w => imageMatches(w, image)));
    const missing = expected.images.filter(w => !running.some(image => imageMatches(w, image)));
    const lingering = running.filter(image => !matched.includes(image) && expected.images.some(w => repositoryOf(image) === w.repository));
    const tree = new Tree(snapshot.tree);
    const pullFailures = findPullFailures(tree, snapshot.events);
    const operation = status.operationState ?? undefined;
    const base = {
        sync,
        health,
        revisions,
        matchedRevision,
        atPromotion,
        running,
        matched,
        missing,
        pullFailures,
        operation,
        lingering
    };
    return { ...base, obstacle: findObstacle(base, snapshot.app, tree, expected) };
}
/** "argocd: OutOfSync / Progressing at abc1234, waiting for def5678 (12 s)" */
function progressLine(a, expected, elapsedSeconds) {
    const waiting = [];
    if (!a.atPromotion && expected.revision)
        waiting.push(short(expected.revision));
    else {
        if (a.sync !== 'Synced')
            waiting.push('Synced');
        if (a.health !== 'Healthy')
            waiting.push('Healthy');
        if (a.missing.length > 0)
            waiting.push(`pods running ${a.missing.map(shortImage).join(', ')}`);
    }
    const phase = a.operation?.phase;
    const op = phase && phase !== 'Succeeded' ? ` (sync ${phase})` : '';
    const pulls = a.pullFailures.map(f => `; ${f.workload}: ${f.reason}${f.image ? ` for ${f.image}` : ''}`);
    const until = waiting.length > 0 ? `, waiting for ${waiting.join(', ')}` : '';
    return `argocd: ${a.sync} / ${a.health} at ${shownRevisions(a.revisions)}${op}${until} (${elapsedSeconds} s)${pulls.join('')}`;
}
/** "OutOfSync / Progressing at abc1234": the last state, for a timeout. */
function stateLine(a) {
    return `${a.sync} / ${a.health} at ${shownRevisions(a.revisions)}`;
}

const DEFAULT_POLL_SECONDS = 5;
/**
 * A definite failure (ImagePullBackOff, the old digest still running while Synced and Healthy,
 * a failed sync of the promotion commit) is reported before the timeout once it has been seen
 * on this many consecutive polls: one poll can catch a pull that is about to succeed, or a
 * health computed before the Deployment controller saw the new spec; three (10 s at the
 * default poll) rarely do, and waiting out a 10-minute timeout helps nobody.
 */
const DEFINITE_AFTER_POLLS = 3;
/** While Argo CD is at another revision, ask for a refresh again at most this often. */
const REFRESH_EVERY_MS = 30_000;
/** How long a refresh may take before we read the application without one. */
const REFRESH_WAIT_MS = 60_000;
/**
 * Asks Argo CD to refresh the application, then polls until it is synced at the promotion
 * commit (any of sync.revisions for a multi-source application), Synced, Healthy, and every
 * wanted image is in status.summary.images. Logs one progress line per poll. Throws
 * VerifyError on timeout or a definite failure (see DEFINITE_AFTER_POLLS), worded after the
 * incidents: the old digest still running, ImagePullBackOff, another revision, OutOfSync.
 */
async function verifyDeployment(request, logger, options = {}) {
    const checked = checkRequest(request);
    const { expected, server, name, namespace, pollMs, timeoutMs } = checked;
    const started = Date.now();
    const deadline = started + timeoutMs;
    const client = new ArgoClient({
        server,
        token: request.token,
        application: { name, namespace },
        requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        retry: options.retry ?? DEFAULT_RETRY,
        logger,
        // --timeout bounds every request too, retries included: a server that drips its answer
        // cannot keep verify past it.
        deadline
    });
    if (expected.revision === undefined && expected.images.length === 0) {
        logger.warning('verify: neither a revision nor images given; Synced and Healthy is all that can be checked, and it may predate the promotion.');
    }
    const elapsed = () => Math.round((Date.now() - started) / 1000);
    /** Time left for the last poll: a second, or a quarter of a shorter timeout. */
    const finalWindow = Math.min(1000, timeoutMs / 4);
    let reached = false;
    let lastRefresh = -Infinity;
    let last;
    let lastUnavailable;
    let strikes = { kind: '', count: 0 };
    for (;;) {
        try {
            const wantRefresh = Date.now() - lastRefresh >= REFRESH_EVERY_MS && (last === undefined || !last.atPromotion);
            const assessment = await observe(client, expected, wantRefresh, deadline, logger);
            if (wantRefresh)
                lastRefresh = Date.now();
            reached = true;
            last = assessment;
            lastUnavailable = undefined;
            if (!assessment.obstacle)
                return success(assessment, expected, elapsed(), logger);
            logger.info(progressLine(assessment, expected, elapsed()));
            const { obstacle } = assessment;
            strikes =
                obstacle.definite && strikes.kind === obstacle.kind
                    ? { kind: obstacle.kind, count: strikes.count + 1 }
                    : { kind: obstacle.definite ? obstacle.kind : '', count: obstacle.definite ? 1 : 0 };
            if (strikes.count >= DEFINITE_AFTER_POLLS) {
                throw new VerifyError(client.redact(sentence(obstacle.message)), {
                    hint: obstacle.hint,
                    subject: expected.application
                });
            }
        }
        catch (error) {
            // Never reached: a wrong URL, DNS or TLS; fail now rather than after the timeout.
            if (!(error instanceof ArgoUnavailableError) || !reached)
                throw error;
            if (error instanceof ArgoDeadlineError && last !== undefined) {
                // A poll the timeout cut short says nothing new about Argo CD: report what was last seen.
                logger.warning(`${error.message} (cut short by the timeout)`);
            }
            else {
                lastUnavailable = error;
                logger.warning(`${error.message} Polling on (${elapsed()} s).`);
            }
        }
        // The last poll starts early enough to finish (its requests are cut at the deadline); after
        // it, wait out the timeout and report what was last seen.
        const left = deadline - Date.now();
        if (left > finalWindow) {
            await setTimeout(Math.min(pollMs, left - finalWindow));
            continue;
        }
        if (left > 0)
            await setTimeout(left);
        const error = timeout(last, lastUnavailable, expected, request.timeoutSeconds);
        throw new VerifyError(client.redact(error.message), {
            hint: error.hint,
            subject: error.subject
        });
    }
}
async function observe(client, expected, refresh, deadline, logger) {
    let app;
    if (refresh) {
        try {
            // The server answers once the controller has compared with Git, which can take a while.
            const left = deadline - Date.now();
            app = await client.getApplication(true, Math.max(1000, Math.min(left, REFRESH_WAIT_MS)));
        }
        catch (error) {
            if (!(error instanceof ArgoUnavailableError))
                throw error;
            // (Nearly) out of time: what stopped the refresh is the news, not a read that cannot
            // start or finish.
            if (deadline - Date.now() < 1000)
                throw error;
            logger.debug(`argocd: the refresh did not complete (${error.message}); reading without one`);
        }
    }
    app ??= await client.getApplication(false);
    let tree;
    try {
        tree = await client.getResourceTree();
    }
    catch (error) {
        if (!(error instanceof ArgoUnavailableError))
            throw error;
        // Cut by the deadline: an assessment without the tree would lose what the timeout reports.
        if (error instanceof ArgoDeadlineError)
            throw error;
        logger.debug(`argocd: no resource tree this poll: ${error.message}`);
    }
    const events = new Map();
    for (const pod of podsToInspect(tree)) {
        try {
            events.set(pod.uid, await client.getEvents(pod));
        }
        catch (error) {
            // Events only explain; a pod gone since the tree was read answers 400.
            if (!(error instanceof PromoteError))
                throw error;
            logger.debug(`argocd: no events for pod ${pod.name}: ${error.message}`);
        }
    }
    return assess({ app, tree, events }, expected);
}
function success(a, expected, elapsedSeconds, logger) {
    const revision = a.matchedRevision ?? a.revisions.join(',');
    if (a.lingering.length > 0) {
        logger.warning(`verify: pods still run ${a.lingering.join(', ')} beside the promoted image (old pods terminating, or another workload of the application).`);
    }
    logger.info(`argocd: Synced / Healthy at ${a.matchedRevision ? short(a.matchedRevision) : shownRevisions(a.revisions)}${expected.images.length > 0 ? `, running ${a.matched.join(', ')}` : ''} (${elapsedSeconds} s)`);
    return {
        ok: true,
        revision,
        images: expected.images.length > 0 ? a.matched : a.running,
        elapsedSeconds
    };
}
function timeout(last, unavailable, expected, timeoutSeconds) {
    const tail = `Gave up after ${timeoutSeconds} s${last ? `; last seen: ${stateLine(last)}` : ''}.`;
    if (unavailable) {
        return new VerifyError(`${unavailable.message} ${last?.obstacle ? `Before that: ${sentence(last.obstacle.message)} ` : ''}${tail}`, { hint: unavailable.hint, subject: expected.application });
    }
    const obstacle = last?.obstacle;
    return new VerifyError(`${obstacle ? `${sentence(obstacle.message)} ` : ''}${tail}`, {
        hint: obstacle?.hint,
        subject: expected.application
    });
}
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
function checkRequest(request) {
    const server = checkServer(request.server);
    const parts = request.application.split('/');
    if (parts.length > 2 || parts.some(p => !K8S_NAME.test(p))) {
        throw new InputError(`Application ${JSON.stringify(request.application)} is not an Argo CD application name.`, {
            hint: 'Pass NAME, or NAMESPACE/NAME for an application outside the argocd namespace (lower-case letters, digits, "-" and ".").'
        });
    }
    const [first, second] = parts;
    const revision = request.revision?.trim().toLowerCase();
    if (revision !== undefined && !/^[0-9a-f]{7,64}$/.test(revision)) {
        throw new InputError(`Revision ${JSON.stringify(request.revision)} is not a commit sha of at least 7 hex digits.`, {
            hint: 'Pass the promotion commit: the commit-sha output of the promotion, or git rev-parse HEAD.'
        });
    }
    const images = (request.images ?? []).map(text => {
        try {
            return wantedImage(text);
        }
        catch (error) {
            const e = error;
            throw new InputError(`Image to verify: ${e.message}`, { hint: e.hint });
        }
    });
    const timeoutMs = seconds('timeout', request.timeoutSeconds);
    const pollMs = seconds('poll interval', request.pollSeconds ?? DEFAULT_POLL_SECONDS);
    return {
        expected: { application: request.application, revision, images },
        server,
        name: second ?? first,
        namespace: second === undefined ? undefined : first,
        pollMs,
        timeoutMs
    };
}
function seconds(what, value) {
    if (!Number.isFinite(value) || value <= 0) {
        throw new InputError(`The ${what} must be a number of seconds above 0; got ${value}.`);
    }
    return value * 1000;
}
/** Bare hosts (as the argocd CLI takes them) mean https; http only on loopback. */
function checkServer(text) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
    let url;
    try {
        url = new URL(withScheme);
    }
    catch {
        throw new InputError(`Argo CD server ${JSON.stringify(text)} is not a URL.`, {
            hint: 'Pass it as https://argocd.example.com (or the host alone).'
        });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new InputError(`Argo CD server ${JSON.stringify(text)} is not an http(s) URL.`);
    }
    const host = url.hostname;
    const loopback = host === 'localhost' || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
    if (url.protocol === 'http:' && !loopback) {
        throw new InputError(`Argo CD server ${url.origin} is plain HTTP: the token would cross the network in clear text.`, {
            hint: 'Use https:// (plain http is allowed on loopback only, e.g. a kubectl port-forward).'
        });
    }
    if (url.username || url.password || url.search || url.hash) {
        throw new InputError(`Argo CD server ${JSON.stringify(url.origin)} must not carry credentials, a query or a fragment.`, { hint: 'The token is read from ARGOCD_AUTH_TOKEN (the action: argocd-token).' });
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
/** Ends with one full stop, whatever the text quoted from Argo CD or kubelet ended with. */
function sentence(text) {
    return `${text.replace(/[.\s]+$/, '')}.`;
}

export { DEFAULT_POLL_SECONDS as D, verifyDeployment as v };
//# sourceMappingURL=verify.js.map
