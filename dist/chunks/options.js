import { b as code, e as escapeText, p as provenanceWords, r as resolveImages, h as gateSignatures, j as gateAttestations, k as attestationContextOf, u as uniqueImages, l as checkMutableTagPattern, n as DEFAULT_MUTABLE_TAGS, o as compileAllowTags, v as verificationPoliciesOf } from './plan.js';
import { n as networkProblem, R as RETRYABLE_STATUS, b as backoffDelay, r as readCapped, i as isPinnableDigest, c as registryHost, f as formatReference } from './deadline.js';
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { A as ACTION_NAMES, R as RegistryError, I as InputError, i as inputLabel } from './errors.js';
import { setTimeout as setTimeout$1 } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { r as relativePathProblem } from './client.js';

const ANONYMOUS = { description: 'no credentials (anonymous)' };
/**
 * A helper answers from a keychain or a short API call; a locked keychain or a prompt waits
 * forever. 30 s is the registry request timeout too (transport.ts DEFAULT_TIMEOUT_MS).
 */
const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
/** Between SIGTERM and SIGKILL of the helper's process group. */
const KILL_GRACE_MS = 2_000;
/** A helper prints one small JSON object; anything longer is not an answer. */
const MAX_HELPER_OUTPUT_BYTES = 1024 * 1024;
/** How much of a failing helper's stderr reaches the error message. */
const MAX_STDERR_SHOWN = 300;
/** The key docker login writes for Docker Hub (docker/cli IndexServer). */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set([
    'docker.io',
    'index.docker.io',
    'registry-1.docker.io',
    'registry.hub.docker.com'
]);
/**
 * Finds credentials for a registry host the way the docker CLI does:
 * explicit inputs, else config.json (`credHelpers[host]` before `credsStore`
 * before `auths`), else anonymous. Hand-written: no maintained JS library
 * reads docker's config and speaks the credential-helper protocol.
 */
async function lookupCredentials(host, options) {
    const { explicit, logger } = options;
    const env = options.env ?? process.env;
    if (explicit) {
        options.onSecret?.(explicit.password);
        return {
            description: (options.names ?? ACTION_NAMES).credentialSource,
            credential: { kind: 'basic', ...explicit }
        };
    }
    const loaded = await loadDockerConfig(env);
    if (!loaded)
        return ANONYMOUS;
    const { config, path } = loaded;
    const isHub = DOCKER_HUB_ALIASES.has(host);
    const helper = findByHost(config.credHelpers ?? {}, host, isHub) ?? config.credsStore;
    if (helper) {
        const serverUrl = isHub ? DOCKER_HUB_KEY : host;
        const source = `credential helper docker-credential-${helper} (configured in ${path})`;
        const found = await runCredentialHelper(helper, serverUrl, env, source, options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS);
        if (found) {
            options.onSecret?.('token' in found ? found.token : found.password);
            return { description: source, credential: found };
        }
        logger.debug(`${source} has no credentials for ${host}`);
    }
    const entry = findByHost(config.auths ?? {}, host, isHub);
    if (!entry)
        return ANONYMOUS;
    const source = `${path} (auths entry for ${host})`;
    const credential = decodeAuthEntry(entry, source);
    if (!credential)
        return ANONYMOUS;
    options.onSecret?.('token' in credential ? credential.token : credential.password);
    return { description: source, credential };
}
async function loadDockerConfig(env) {
    // Newer docker CLIs accept the whole config as JSON in DOCKER_AUTH_CONFIG.
    if (env.DOCKER_AUTH_CONFIG) {
        return {
            config: parseConfig(env.DOCKER_AUTH_CONFIG, 'DOCKER_AUTH_CONFIG'),
            path: 'DOCKER_AUTH_CONFIG'
        };
    }
    const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
    const path = join(dir, 'config.json');
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw new RegistryError(`Cannot read docker config ${path}: ${error.message}.`);
    }
    return { config: parseConfig(text, path), path };
}
function parseConfig(text, path) {
    try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            return parsed;
    }
    catch {
        // reported below
    }
    throw new RegistryError(`Docker config ${path} is not a JSON object.`, {
        hint: 'Fix or remove the file; docker login writes it as {"auths": {...}}.'
    });
}
/** docker/cli ConvertToHostname: keys may carry a scheme and a path. */
function configKeyToHost(key) {
    return key
        .replace(/^[a-z]+:\/\//i, '')
        .split('/')[0]
        .toLowerCase();
}
function findByHost(map, host, isHub) {
    const wanted = host.toLowerCase();
    if (isHub && map[DOCKER_HUB_KEY] !== undefined)
        return map[DOCKER_HUB_KEY];
    if (map[host] !== undefined)
        return map[host];
    for (const [key, value] of Object.entries(map)) {
        const keyHost = configKeyToHost(key);
        if (keyHost === wanted || (isHub && DOCKER_HUB_ALIASES.has(keyHost)))
            return value;
    }
    return undefined;
}
function decodeAuthEntry(entry, source) {
    if (entry.registrytoken)
        return { kind: 'registry-token', token: entry.registrytoken };
    let username = entry.username ?? '';
    let password = entry.password ?? '';
    if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon === -1) {
            throw new RegistryError(`The auth value in ${source} is not base64 of "user:password".`, {
                hint: 'Run docker login again to rewrite it.'
            });
        }
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1).replace(/\0+$/, '');
    }
    if (entry.identitytoken)
        return { kind: 'identity-token', username, token: entry.identitytoken };
    if (!username && !password)
        return undefined;
    return { kind: 'basic', username, password };
}
/** docker-credential-helpers protocol: `get`, server URL on stdin, JSON out. */
async function runCredentialHelper(helper, serverUrl, env, source, timeoutMs) {
    if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
        throw new RegistryError(`${source}: invalid helper name ${JSON.stringify(helper)}.`);
    }
    const command = `docker-credential-${helper}`;
    let run;
    try {
        run = await runBounded(command, ['get'], serverUrl, helperEnv(env), timeoutMs);
    }
    catch (error) {
        if (error.code === 'ENOENT') {
            throw new RegistryError(`${source} is configured, but ${command} is not on PATH.`, {
                hint: 'Install the helper on the runner, or remove it from the docker config.'
            });
        }
        throw new RegistryError(`${source} could not be started: ${error.message}.`);
    }
    const { stdout, stderr } = run;
    if (run.timedOut) {
        throw new RegistryError(`${command} timed out after ${timeoutMs / 1000} s and was stopped (${source}).`, {
            hint: 'A helper waiting on a locked keychain or a prompt never answers in CI: configure it to answer non-interactively on this runner, or remove it from the docker config.'
        });
    }
    if (run.tooLarge) {
        throw new RegistryError(`${command} printed more than ${MAX_HELPER_OUTPUT_BYTES} bytes and was stopped (${source}).`);
    }
    if (run.code !== 0) {
        // Helpers answer "credentials not found" with a non-zero exit (docker-credential-helpers
        // credentials.ErrCredentialsNotFound, "credentials not found in native keychain").
        if (/not found/i.test(`${stdout}${stderr}`))
            return undefined;
        const said = maskHelperOutput(stderr, stdout);
        throw new RegistryError(`${source} failed (${run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`})${said ? `: ${said}` : ''}.`, { hint: 'Install the helper on the runner, or remove it from the docker config.' });
    }
    try {
        const answer = JSON.parse(stdout);
        if (!answer.Secret)
            return undefined;
        const username = answer.Username ?? '';
        return username === '<token>'
            ? { kind: 'identity-token', username, token: answer.Secret }
            : { kind: 'basic', username, password: answer.Secret };
    }
    catch {
        throw new RegistryError(`${source} printed something other than JSON.`);
    }
}
/**
 * Runs a command in its own process group (detached) and bounds it: after `timeoutMs` the whole
 * group gets SIGTERM, then SIGKILL after a grace, so neither a helper that ignores SIGTERM nor a
 * child it left running (holding our pipes open, or not) can hang the run or outlive it. A
 * group still populated once the helper has exited is stopped the same way. Hand-written:
 * execFile's `timeout` signals the helper alone, and only once (nodejs/node lib/child_process.js).
 */
function runBounded(command, args, input, env, timeoutMs) {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        let bytes = 0;
        let timedOut = false;
        let tooLarge = false;
        let stopping;
        const stop = () => {
            stopping ??= stopGroup(child.pid).then(() => {
                // Whatever still holds our pipes now is outside the group (it called setsid): stop
                // reading after a moment, so that 'close' comes.
                setTimeout(() => {
                    child.stdout.destroy();
                    child.stderr.destroy();
                }, 1000).unref();
            });
            return stopping;
        };
        const timer = setTimeout(() => {
            timedOut = true;
            void stop();
        }, timeoutMs);
        const collect = (into) => (chunk) => {
            bytes += chunk.byteLength;
            if (bytes > MAX_HELPER_OUTPUT_BYTES) {
                tooLarge = true;
                void stop();
                return;
            }
            into.push(chunk);
        };
        child.stdout.on('data', collect(out));
        child.stderr.on('data', collect(err));
        // The helper may exit without reading stdin (EPIPE): its exit status tells what happened.
        child.stdin.on('error', () => { });
        child.on('error', error => {
            clearTimeout(timer);
            reject(error);
        });
        // Exited, but its children may live on in the group: stop them too.
        child.on('exit', () => void stop());
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            void (stopping ?? Promise.resolve()).then(() => resolve({
                code,
                signal,
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8'),
                timedOut,
                tooLarge
            }));
        });
        child.stdin.end(input);
    });
}
/** SIGTERM to the process group, then SIGKILL once the grace is over if any member is left. */
async function stopGroup(pgid) {
    if (!signalGroup(pgid, 'SIGTERM'))
        return;
    const until = Date.now() + KILL_GRACE_MS;
    while (Date.now() < until) {
        await new Promise(resolve => setTimeout(resolve, 50));
        if (!(await groupAlive(pgid)))
            return;
    }
    signalGroup(pgid, 'SIGKILL');
}
function signalGroup(pgid, signal) {
    try {
        process.kill(-pgid, signal);
        return true;
    }
    catch {
        return false; // ESRCH: the group is empty
    }
}
/**
 * Whether a process of the group still runs. `kill(-pgid, 0)` (POSIX kill(2)) also counts
 * zombies, which an init that reaps slowly (containers, microVMs) keeps around for seconds: on
 * Linux, /proc/<pid>/stat tells them apart (proc(5): state is field 3, pgrp field 5).
 */
async function groupAlive(pgid) {
    if (!signalGroup(pgid, 0))
        return false;
    let pids;
    try {
        pids = (await readdir('/proc')).filter(name => /^\d+$/.test(name));
    }
    catch {
        return true; // no /proc (macOS): the kill above is all we know
    }
    for (const pid of pids) {
        let stat;
        try {
            stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        }
        catch {
            continue; // gone meanwhile
        }
        const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(group) === pgid && state !== 'Z')
            return true;
    }
    return false;
}
/**
 * A failing helper's stderr, fit for an error message (which the action prints as `::error::`):
 * without what it printed on stdout (the answer may be in it), Authorization-style tokens,
 * long base64/hex runs and workflow-command markers, on one line and capped.
 */
function maskHelperOutput(stderr, stdout) {
    let text = stderr;
    const printed = new Set();
    for (const line of stdout.split(/\r?\n/))
        if (line.trim().length >= 4)
            printed.add(line.trim());
    try {
        const answer = JSON.parse(stdout);
        for (const value of Object.values(answer)) {
            if (typeof value === 'string' && value.length >= 4)
                printed.add(value);
        }
    }
    catch {
        // not JSON: its lines are masked above
    }
    for (const secret of [...printed].sort((a, b) => b.length - a.length)) {
        text = text.split(secret).join('***');
    }
    text = text
        .replace(/\b(Basic|Bearer|token)(\s+|=|:\s*)[^\s"',;]+/gi, '$1$2***')
        .replace(/[A-Za-z0-9+/_=-]{20,}/g, run => /\d/.test(run) || (/[a-z]/.test(run) && /[A-Z]/.test(run)) ? '***' : run)
        .replace(/[0-9a-f]{16,}/gi, '***')
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f]+/g, ' ')
        // The runner reads `::command::` and `##[command]` anywhere a line starts (actions/runner
        // ActionCommandManager); an error message is one, so break every marker.
        .replace(/:(?=:)/g, ': ')
        .replace(/##\[/g, '# #[')
        .replace(/\s+/g, ' ')
        .trim();
    return text.length > MAX_STDERR_SHOWN ? `${text.slice(0, MAX_STDERR_SHOWN)}…` : text;
}
/** The helper's environment without the tokens this run holds: it needs none of them. */
function helperEnv(env) {
    return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(INPUT_|PROMOTE_IMAGE_|ACTIONS_.*TOKEN|ACTIONS_RUNTIME)|^(GITHUB_TOKEN|GH_TOKEN|ARGOCD_AUTH_TOKEN)$/i.test(name)));
}

/**
 * Parses a WWW-Authenticate header into its challenges. Hand-written because
 * the header's grammar is small but easy to get wrong: quoted values may hold
 * commas (`scope="repository:a/b:pull,push"`) and escaped quotes, and several
 * challenges may share one header.
 */
function parseChallenges(header) {
    const challenges = [];
    let i = 0;
    const skipSpace = () => {
        while (i < header.length && /[\s,]/.test(header[i]))
            i++;
    };
    const readToken = () => {
        const start = i;
        while (i < header.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z/]/.test(header[i]))
            i++;
        return header.slice(start, i);
    };
    while (i < header.length) {
        skipSpace();
        const word = readToken();
        if (!word) {
            i++; // a stray character; skip it rather than loop forever
            continue;
        }
        while (header[i] === ' ' || header[i] === '\t')
            i++;
        if (header[i] === '=' && challenges.length > 0) {
            i++;
            while (header[i] === ' ' || header[i] === '\t')
                i++;
            challenges[challenges.length - 1].params[word.toLowerCase()] = readValue();
        }
        else {
            challenges.push({ scheme: word.toLowerCase(), params: {} });
        }
    }
    return challenges;
    function readValue() {
        if (header[i] !== '"') {
            const start = i;
            while (i < header.length && header[i] !== ',' && !/\s/.test(header[i]))
                i++;
            return header.slice(start, i);
        }
        let value = '';
        i++;
        while (i < header.length && header[i] !== '"') {
            if (header[i] === '\\' && i + 1 < header.length)
                i++;
            value += header[i];
            i++;
        }
        i++; // closing quote
        return value;
    }
}

const DEFAULT_RETRY = { attempts: 4, baseDelayMs: 500, maxDelayMs: 15_000 };
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
/** Manifests and token responses are small; refuse anything absurd. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * Loopback registries are reached over HTTP, like Docker's default; every
 * other host over HTTPS unless the user lists it as insecure.
 */
function schemeFor(host, insecureRegistries) {
    const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
    const loopback = hostname === 'localhost' || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
    const listed = insecureRegistries.some(entry => {
        const normalized = entry.toLowerCase();
        return normalized === host.toLowerCase() || normalized === hostname.toLowerCase();
    });
    return loopback || listed ? 'http' : 'https';
}
/**
 * fetch with what a registry client needs and fetch lacks: a per-attempt
 * whole-response deadline (headers and body), bounded retries with jittered backoff that honor Retry-After, a
 * body size cap, and redirects followed by hand so that Authorization is
 * dropped whenever the redirect leaves the origin (distribution-spec, "API").
 * Hand-written rather than p-retry because the delay depends on the response
 * (Retry-After) and only some statuses may be retried.
 */
class Transport {
    options;
    constructor(options) {
        this.options = options;
    }
    get insecureRegistries() {
        return this.options.insecureRegistries;
    }
    async send(request, describe) {
        const { attempts } = this.options.retry;
        let lastProblem = '';
        for (let attempt = 1;; attempt++) {
            let response;
            try {
                response = await this.sendFollowingRedirects(request);
            }
            catch (error) {
                lastProblem = networkProblem(error, `${this.options.timeoutMs} ms`, new URL(request.url).host);
            }
            if (response && !RETRYABLE_STATUS.has(response.status))
                return response;
            if (response)
                lastProblem = `HTTP ${response.status}${statusText(response)}`;
            if (attempt >= attempts) {
                if (response)
                    return response; // the caller turns the status into words
                throw new RegistryError(`${describe} failed after ${attempts} attempts: ${lastProblem}.`, {
                    hint: 'Check that the registry is reachable from this runner; re-run the job if the outage was transient.'
                });
            }
            const delay = this.delayBefore(attempt, response);
            this.options.logger.debug(`${describe}: ${lastProblem}; retrying in ${delay} ms (attempt ${attempt + 1} of ${attempts})`);
            await setTimeout$1(delay);
        }
    }
    delayBefore(attempt, response) {
        const { baseDelayMs, maxDelayMs } = this.options.retry;
        const retryAfter = response ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
        if (retryAfter !== undefined)
            return Math.min(retryAfter, maxDelayMs);
        return backoffDelay(attempt, { baseDelayMs, maxDelayMs });
    }
    /**
     * One attempt, bounded as a whole (src/http/deadline.ts): one signal covers every redirect hop,
     * the headers and the body, so a server that drips bytes fails at timeoutMs.
     */
    async sendFollowingRedirects(request) {
        let url = request.url;
        let headers = {
            'user-agent': this.options.userAgent,
            ...request.headers
        };
        const signal = AbortSignal.timeout(this.options.timeoutMs);
        for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
            const response = await fetch(url, {
                method: request.method,
                headers,
                body: request.body,
                redirect: 'manual',
                signal
            });
            const location = response.headers.get('location');
            if (response.status >= 300 && response.status < 400 && location) {
                await response.body?.cancel();
                const next = new URL(location, url);
                if (next.origin !== new URL(url).origin)
                    headers = withoutAuthorization(headers);
                url = next.toString();
                continue;
            }
            const body = request.method === 'HEAD' ? Buffer.alloc(0) : await readCapped(response, MAX_BODY_BYTES);
            return { status: response.status, headers: response.headers, body, url };
        }
        throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    }
}
function withoutAuthorization(headers) {
    return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}
/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3); returns ms. */
function parseRetryAfter(value) {
    if (!value)
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
function statusText(response) {
    return response.status === 429 ? ' Too Many Requests' : '';
}

/** Tokens are refreshed this long before the registry says they expire. */
const EXPIRY_MARGIN_MS = 10_000;
/** distribution's token spec: expires_in defaults to 60 seconds. */
const DEFAULT_TOKEN_LIFETIME_S = 60;
const CLIENT_ID = 'promote-image';
/**
 * Speaks to one registry host for the whole run and remembers what it learns:
 * the authentication challenge (so a further repository costs a token and a
 * HEAD, not a 401 first) and one token per scope (so a further tag costs one
 * HEAD). Concurrent requests for the same scope share one token request.
 */
class RegistryClient {
    host;
    transport;
    findCredentials;
    logger;
    names;
    baseUrl;
    challenge;
    credentials;
    tokens = new Map();
    /** The first request to the host, while it learns whether and how the host challenges. */
    probe;
    constructor(host, transport, findCredentials, logger, 
    /** How messages name settings (the CLI passes its flags). */
    names = ACTION_NAMES) {
        this.host = host;
        this.transport = transport;
        this.findCredentials = findCredentials;
        this.logger = logger;
        this.names = names;
        this.baseUrl = `${schemeFor(host, transport.insecureRegistries)}://${host}`;
    }
    /** Where credentials came from, for error messages. */
    async credentialDescription() {
        return (await this.credentialSource()).description;
    }
    async request(repository, method, path, headers) {
        // Concurrent first requests would each meet the 401 and each fetch a token: the first one
        // learns the challenge alone, and the others then go straight to their repository's token.
        if (!this.challenge && this.probe)
            await this.probe.catch(() => undefined);
        if (!this.challenge && !this.probe) {
            const first = this.send(repository, method, path, headers);
            this.probe = first;
            return first;
        }
        return this.send(repository, method, path, headers);
    }
    async send(repository, method, path, headers) {
        const url = `${this.baseUrl}${path}`;
        const describe = `${method} ${url}`;
        const known = await this.authorization(repository);
        const first = await this.transport.send({ method, url, headers: known ? { ...headers, authorization: known } : headers }, describe);
        if (first.status !== 401)
            return first;
        const header = first.headers.get('www-authenticate');
        const challenge = header ? pickChallenge(parseChallenges(header)) : undefined;
        if (!challenge)
            return first;
        this.challenge = challenge;
        // Sent with a token and still refused: the token is stale (expired early,
        // revoked); fetch a fresh one, once.
        if (known)
            this.tokens.delete(scopeFor(repository));
        const fresh = await this.authorization(repository);
        if (!fresh || fresh === known)
            return first;
        return this.transport.send({ method, url, headers: { ...headers, authorization: fresh } }, describe);
    }
    credentialSource() {
        this.credentials ??= this.findCredentials(this.host);
        return this.credentials;
    }
    /** The Authorization header for `repository`, or undefined before any challenge. */
    async authorization(repository) {
        const challenge = this.challenge;
        if (!challenge)
            return undefined;
        const { credential } = await this.credentialSource();
        if (challenge.scheme === 'basic') {
            return credential?.kind === 'basic' ? basicHeader(credential) : undefined;
        }
        const scope = scopeFor(repository);
        let cached = this.tokens.get(scope);
        if (cached) {
            const token = await cached.catch(() => undefined);
            if (token && token.expiresAt > Date.now())
                return `Bearer ${token.value}`;
        }
        cached = this.fetchToken(challenge, scope);
        this.tokens.set(scope, cached);
        cached.catch(() => this.tokens.delete(scope));
        return `Bearer ${(await cached).value}`;
    }
    async fetchToken(challenge, scope) {
        const source = await this.credentialSource();
        const { credential } = source;
        if (credential?.kind === 'registry-token')
            return { value: credential.token, expiresAt: Infinity };
        const realm = this.checkedRealm(challenge, credential);
        const service = challenge.params.service;
        const describe = `token request to ${realm.origin}${realm.pathname}`;
        let response;
        if (credential?.kind === 'identity-token') {
            // OAuth2 refresh-token grant (distribution oauth.md); older realms
            // only speak GET, so fall back on 404 as ggcr does.
            const form = new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: credential.token,
                client_id: CLIENT_ID,
                scope,
                ...(service ? { service } : {})
            });
            response = await this.transport.send({
                method: 'POST',
                url: realm.toString(),
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: form.toString()
            }, describe);
            if (response.status === 404 || response.status === 405)
                response = undefined;
        }
        if (!response) {
            const url = new URL(realm);
            if (service)
                url.searchParams.set('service', service);
            url.searchParams.append('scope', scope);
            const basic = credential?.kind === 'basic'
                ? basicHeader(credential)
                : credential?.kind === 'identity-token'
                    ? basicHeader({
                        username: credential.username || '<token>',
                        password: credential.token
                    })
                    : undefined;
            response = await this.transport.send({ method: 'GET', url: url.toString(), headers: basic ? { authorization: basic } : {} }, describe);
        }
        if (response.status === 401 || response.status === 403) {
            throw new RegistryError(`The token service of ${this.host} (${realm.origin}) refused ${source.description} with HTTP ${response.status}.`, {
                hint: credential
                    ? `The credentials are wrong or expired: log in again ${this.names.loginStep}, or ${this.names.setCredentials}.`
                    : `This registry needs credentials: log in ${this.names.loginStep}, or ${this.names.setCredentials}.`
            });
        }
        if (response.status !== 200) {
            throw new RegistryError(`The token service of ${this.host} (${realm.origin}) answered HTTP ${response.status}.`, { hint: 'Re-run the job if the outage is transient.' });
        }
        let body;
        try {
            body = JSON.parse(response.body.toString('utf8'));
        }
        catch {
            throw new RegistryError(`The token service of ${this.host} answered with something other than JSON.`);
        }
        const value = body.token || body.access_token;
        if (!value)
            throw new RegistryError(`The token service of ${this.host} answered without a token.`);
        const lifetime = (body.expires_in && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S) * 1000;
        this.logger.debug(`token for ${this.host} ${scope} valid for ${lifetime / 1000} s`);
        return { value, expiresAt: Date.now() + Math.max(lifetime - EXPIRY_MARGIN_MS, lifetime / 2) };
    }
    /** The realm must be http(s); credentials never travel over plain HTTP to a non-loopback host. */
    checkedRealm(challenge, credential) {
        let realm;
        try {
            realm = new URL(challenge.params.realm ?? '');
        }
        catch {
            throw new RegistryError(`Registry ${this.host} sent a Bearer challenge without a valid realm URL (${JSON.stringify(challenge.params.realm ?? '')}).`);
        }
        if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
            throw new RegistryError(`Registry ${this.host} sent a token realm with scheme ${realm.protocol}.`);
        }
        if (credential &&
            realm.protocol === 'http:' &&
            schemeFor(realm.host, this.transport.insecureRegistries) === 'https') {
            throw new RegistryError(`Registry ${this.host} asks for credentials to be sent over plain HTTP to ${realm.host}; refusing.`, {
                hint: `If ${realm.host} is trusted, list it in ${this.names.name('insecure-registries')}.`
            });
        }
        return realm;
    }
}
function pickChallenge(challenges) {
    return challenges.find(c => c.scheme === 'bearer') ?? challenges.find(c => c.scheme === 'basic');
}
function scopeFor(repository) {
    return `repository:${repository}:pull`;
}
function basicHeader(credential) {
    return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

const MEDIA_TYPES = {
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
};
/**
 * All four, index types included and without q-values: without the index
 * types Docker Hub rewrites a multi-arch tag to its amd64 manifest and the
 * digest is wrong (distribution#2348); GCR mis-parses q-values.
 */
const MANIFEST_ACCEPT = [
    MEDIA_TYPES.ociIndex,
    MEDIA_TYPES.dockerList,
    MEDIA_TYPES.ociManifest,
    MEDIA_TYPES.dockerManifest
].join(', ');
/** Signed and unsigned schema 1: digests over a canonical payload, refused by containerd 2. */
const SCHEMA1_TYPES = new Set([
    'application/vnd.docker.distribution.manifest.v1+prettyjws',
    'application/vnd.docker.distribution.manifest.v1+json'
]);
const INDEX_TYPES = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const KNOWN_TYPES = new Set(Object.values(MEDIA_TYPES));
/**
 * Resolves a tag (or checks a digest) to the digest Kubernetes will pull:
 * the index digest for multi-arch images, so every node keeps its own
 * architecture. HEAD first (free of Docker Hub pull quota); GET and hash the
 * exact bytes when HEAD gives no usable digest — but never after a 404, nor
 * after an outage or rate limit that outlasted the transport's retries.
 */
async function resolveManifest(client, target) {
    const path = `/v2/${target.repository}/manifests/${target.reference}`;
    const headers = { accept: MANIFEST_ACCEPT };
    const head = await client.request(target.repository, 'HEAD', path, headers);
    if (head.status === 404)
        throw notFound(client, target);
    await throwIfDenied(client, target, head);
    // The transport already spent its retries on an outage or a rate limit:
    // a GET would only start over (twice the requests, twice the wait).
    if (RETRYABLE_STATUS.has(head.status))
        throw unavailable(client, target, head);
    if (head.status === 200) {
        const fromHead = digestFromHead(head);
        if (fromHead)
            return checkRequested(target, fromHead, client.host);
    }
    const get = await client.request(target.repository, 'GET', path, headers);
    if (get.status === 404)
        throw notFound(client, target);
    await throwIfDenied(client, target, get);
    if (get.status !== 200)
        throw unavailable(client, target, get);
    return checkRequested(target, digestFromBody(get, client.host, target.display), client.host);
}
function unavailable(client, target, response) {
    return new RegistryError(`Registry ${client.host} answered HTTP ${response.status} for ${target.display}.`, { hint: 'Re-run the job if the registry outage is transient.', subject: target.display });
}
function digestFromHead(response) {
    const digest = response.headers.get('docker-content-digest');
    const length = response.headers.get('content-length');
    const mediaType = contentType(response);
    // containerd needs digest + length; ggcr also the type. Without all three, GET.
    if (!digest || !isPinnableDigest(digest) || !length || !KNOWN_TYPES.has(mediaType))
        return undefined;
    return {
        digest,
        mediaType,
        kind: INDEX_TYPES.has(mediaType) ? 'index' : 'manifest',
        size: Number(length)
    };
}
function digestFromBody(response, host, display) {
    const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    const header = response.headers.get('docker-content-digest');
    if (header && header !== digest) {
        throw new RegistryError(`Registry ${host} sent Docker-Content-Digest ${header} for ${display}, but the manifest bytes hash to ${digest}.`, {
            hint: 'Something between the runner and the registry altered the manifest; refusing to guess.',
            subject: display
        });
    }
    let manifest;
    try {
        manifest = JSON.parse(response.body.toString('utf8'));
    }
    catch {
        throw new RegistryError(`Registry ${host} returned a manifest for ${display} that is not JSON.`, {
            subject: display
        });
    }
    const declared = contentType(response);
    if (manifest.schemaVersion === 1 || SCHEMA1_TYPES.has(declared)) {
        throw new RegistryError(`Registry ${host} serves ${display} as a Docker schema 1 manifest, which containerd 2 refuses to pull and whose digest is not stable.`, {
            hint: 'Rebuild and push the image with a current builder (docker buildx).',
            subject: display
        });
    }
    const mediaType = manifest.mediaType ?? declared;
    if (manifest.mediaType && KNOWN_TYPES.has(declared) && manifest.mediaType !== declared) {
        throw new RegistryError(`Registry ${host} labels ${display} as ${declared}, but the manifest says ${manifest.mediaType}.`, { subject: display });
    }
    const isIndex = INDEX_TYPES.has(mediaType) || Array.isArray(manifest.manifests);
    return {
        digest,
        mediaType,
        kind: isIndex ? 'index' : 'manifest',
        size: response.body.length,
        platforms: isIndex ? platformsOf(manifest.manifests ?? []) : undefined
    };
}
/** Skips `unknown/unknown`: buildx attaches attestations as index entries. */
function platformsOf(entries) {
    return entries
        .map(e => e.platform)
        .filter((p) => !!p && p.os !== 'unknown')
        .map(p => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
}
function checkRequested(target, found, host) {
    if (target.reference.startsWith('sha256:') && found.digest !== target.reference) {
        throw new RegistryError(`Registry ${host} answered ${found.digest} when asked for ${target.reference}.`, { hint: 'The registry or a proxy in front of it is misbehaving; refusing to guess.' });
    }
    return { ...found, registry: host };
}
function contentType(response) {
    return (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}
function notFound(client, target) {
    const what = target.reference.startsWith('sha256:') ? 'digest' : 'tag';
    return new RegistryError(`Image ${target.display} does not exist in ${client.host}: no manifest for ${what} ${target.reference} in repository ${target.repository}. Pods would sit in ImagePullBackOff.`, {
        hint: 'Check that CI pushed this tag (docker/build-push-action with push: true) and that the repository is spelled as pushed.',
        subject: target.display
    });
}
async function throwIfDenied(client, target, response) {
    if (response.status !== 401 && response.status !== 403)
        return;
    const tried = await client.credentialDescription();
    throw new RegistryError(`Registry ${client.host} refused access to ${target.repository} (HTTP ${response.status}); tried ${tried}.`, {
        hint: `Log in ${client.names.loginStep} or ${client.names.setCredentials}, with pull access to the repository.`,
        subject: target.display
    });
}

/**
 * Reading what is attached to an image — a signature manifest under a tag,
 * the blobs it references — through the same client (and so the same
 * challenge and tokens) that resolved the image. Content is addressed: a
 * blob whose bytes do not hash to its digest is refused.
 */
/**
 * Signature and attestation manifests are image manifests (cosign SIGNATURE_SPEC.md, "Object
 * Types"); the referrers tag schema's `sha256-<hex>` tag holds an OCI index (distribution-spec,
 * "Referrers Tag Schema").
 */
const ARTIFACT_ACCEPT = [
    MEDIA_TYPES.ociManifest,
    MEDIA_TYPES.dockerManifest,
    MEDIA_TYPES.ociIndex
].join(', ');
/** GET a manifest by tag or digest; undefined when the registry has none (404). */
async function fetchManifest(client, repository, reference, display) {
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await client.request(repository, 'GET', path, { accept: ARTIFACT_ACCEPT });
    if (response.status === 404)
        return undefined;
    await throwUnlessOk(client, repository, response, display);
    const digest = sha256(response.body);
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    return { body: response.body, digest, mediaType };
}
/** GET a blob by digest, checked against its digest. */
async function fetchBlob(client, repository, digest, display) {
    const path = `/v2/${repository}/blobs/${digest}`;
    const response = await client.request(repository, 'GET', path, {});
    if (response.status === 404) {
        throw new RegistryError(`Registry ${client.host} has no blob ${digest} in ${repository}, which ${display} references.`, { hint: 'The artifact was pushed incompletely; push it again.', subject: display });
    }
    await throwUnlessOk(client, repository, response, display);
    const found = sha256(response.body);
    if (!digest.startsWith('sha256:') || found !== digest) {
        throw new RegistryError(`Registry ${client.host} sent blob ${digest} of ${display}, but its bytes hash to ${found}.`, {
            hint: 'Something between the runner and the registry altered the blob; refusing to guess.',
            subject: display
        });
    }
    return response.body;
}
async function throwUnlessOk(client, repository, response, display) {
    if (response.status === 401 || response.status === 403) {
        const tried = await client.credentialDescription();
        throw new RegistryError(`Registry ${client.host} refused access to ${repository} (HTTP ${response.status}) while reading ${display}; tried ${tried}.`, {
            hint: `Log in ${client.names.loginStep} or ${client.names.setCredentials}, with pull access to the repository.`,
            subject: display
        });
    }
    if (response.status !== 200) {
        throw new RegistryError(`Registry ${client.host} answered HTTP ${response.status} while reading ${display}.`, { hint: 'Re-run the job if the registry outage is transient.', subject: display });
    }
}
function sha256(bytes) {
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
/**
 * The OCI 1.1 referrers API (distribution-spec, "Listing Referrers"): GET
 * /v2/<name>/referrers/<digest>, filtered by artifactType. Returns the index body, or undefined
 * when the registry does not implement the API (404), so the caller falls back to the tag.
 */
async function fetchReferrers(client, repository, digest, artifactType, display) {
    const query = new URLSearchParams({ artifactType }).toString();
    const path = `/v2/${repository}/referrers/${digest}?${query}`;
    const response = await client.request(repository, 'GET', path, {
        accept: MEDIA_TYPES.ociIndex
    });
    if (response.status === 404)
        return undefined;
    await throwUnlessOk(client, repository, response, display);
    return response.body;
}

const SOURCE_KEY = 'org.opencontainers.image.source';
const REVISION_KEY = 'org.opencontainers.image.revision';
/** The two keys from a manifest's or index's `annotations`. */
function originFromAnnotations(manifest) {
    return originFrom(field(manifest, 'annotations'));
}
/** The two keys from an image config's `config.Labels` (image-spec config.md). */
function originFromLabels(config) {
    return originFrom(field(field(config, 'config'), 'Labels'));
}
/** Each key from `first` when it has it, else from `then`. */
function mergeOrigins(first, then) {
    const source = first.source ?? then.source;
    const revision = first.revision ?? then.revision;
    return { ...(source !== undefined && { source }), ...(revision !== undefined && { revision }) };
}
function isComplete(origin) {
    return origin.source !== undefined && origin.revision !== undefined;
}
/**
 * The first platform manifest of an index: buildx adds its attestations as entries for
 * `unknown/unknown` (and marks them `vnd.docker.reference.type`), which are skipped.
 */
function firstPlatformDigest(index) {
    const entries = field(index, 'manifests');
    if (!Array.isArray(entries))
        return undefined;
    for (const entry of entries) {
        const platform = field(entry, 'platform');
        const annotations = field(entry, 'annotations');
        if (field(platform, 'os') === 'unknown')
            continue;
        if (typeof field(annotations, 'vnd.docker.reference.type') === 'string')
            continue;
        const digest = field(entry, 'digest');
        if (typeof digest === 'string')
            return digest;
    }
    return undefined;
}
/** The config blob's digest of an image manifest. */
function configDigest(manifest) {
    const digest = field(field(manifest, 'config'), 'digest');
    return typeof digest === 'string' ? digest : undefined;
}
function isIndex(manifest) {
    return Array.isArray(field(manifest, 'manifests'));
}
function originFrom(map) {
    const source = text(field(map, SOURCE_KEY));
    const revision = text(field(map, REVISION_KEY));
    return { ...(source !== undefined && { source }), ...(revision !== undefined && { revision }) };
}
/** A non-empty string, trimmed; anything else is absent. */
function text(value) {
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
function field(value, key) {
    return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? value[key]
        : undefined;
}

/**
 * Reading a build's source and revision from the registry (see ../origin.ts for where builders
 * put them). The resolver only HEADs a tag (free of Docker Hub's pull quota), so there is no
 * manifest body to reuse: this GETs the manifest by digest (content-addressed, so one read
 * serves every run step), an index's first platform manifest when the index has no annotations,
 * and the config blob only when the annotations miss a key.
 */
async function readOrigin(client, repository, digest, display) {
    let manifest = await manifestJson(client, repository, digest, display);
    let origin = originFromAnnotations(manifest);
    if (isComplete(origin))
        return origin;
    if (isIndex(manifest)) {
        const platform = firstPlatformDigest(manifest);
        if (platform === undefined)
            return origin;
        manifest = await manifestJson(client, repository, platform, display);
        origin = mergeOrigins(origin, originFromAnnotations(manifest));
        if (isComplete(origin))
            return origin;
    }
    const config = configDigest(manifest);
    if (config === undefined)
        return origin;
    const blob = await fetchBlob(client, repository, config, display);
    return mergeOrigins(origin, originFromLabels(parse(blob, client.host, display)));
}
/** GET a manifest by digest, checked against it. */
async function manifestJson(client, repository, digest, display) {
    const path = `/v2/${repository}/manifests/${digest}`;
    const response = await client.request(repository, 'GET', path, { accept: MANIFEST_ACCEPT });
    if (response.status !== 200) {
        throw new RegistryError(`Registry ${client.host} answered HTTP ${response.status} for the manifest ${digest} of ${display}.`, { subject: display });
    }
    const found = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    if (found !== digest) {
        throw new RegistryError(`Registry ${client.host} sent manifest bytes for ${display} that hash to ${found}, not ${digest}.`, { subject: display });
    }
    return parse(response.body, client.host, display);
}
function parse(body, host, display) {
    try {
        return JSON.parse(body.toString('utf8'));
    }
    catch {
        throw new RegistryError(`Registry ${host} sent a manifest or config of ${display} that is not JSON.`, {
            subject: display
        });
    }
}

/**
 * Private ECR registry hosts, every partition: the pattern of
 * awslabs/amazon-ecr-credential-helper (ecr-login/api/client.go), which also
 * covers FIPS (`dkr-ecr-fips` / `dkr.ecr-fips`), China, GovCloud, ISO, the EU
 * sovereign cloud and dual-stack (`dkr-ecr.<region>.on.aws`) hosts.
 */
const ECR_HOST = /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;
function parseEcrHost(host) {
    const match = ECR_HOST.exec(host.toLowerCase());
    if (!match)
        return undefined;
    return { accountId: match[1], fips: match[2] !== undefined, region: match[3], host };
}

/**
 * One resolver per run: it keeps one client per registry host, so challenges
 * and tokens learned for one image serve every other image on that host.
 */
function createResolver(options) {
    const transport = new Transport({
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        retry: options.retry ?? DEFAULT_RETRY,
        logger: options.logger,
        insecureRegistries: options.insecureRegistries ?? [],
        userAgent: options.userAgent ?? 'promote-image'
    });
    const clients = new Map();
    const findCredentials = (host) => lookupCredentials(host, {
        explicit: options.credentials,
        env: options.env,
        logger: options.logger,
        onSecret: options.onSecret,
        names: options.names
    });
    let ecr;
    const loadEcr = () => (ecr ??= import('./describe.js').then(m => new m.EcrDescriber(options.logger)));
    const clientFor = (host) => {
        let client = clients.get(host);
        if (!client) {
            client = new RegistryClient(host, transport, findCredentials, options.logger, options.names);
            clients.set(host, client);
        }
        return client;
    };
    // A registry that answers the referrers API with 404 does not implement it (distribution-spec,
    // "Listing Referrers": one that does MUST NOT answer 404), so it is asked once per run: the
    // first image's request is the probe the others on that host wait for, and after a 404 they
    // go straight to the referrers tag schema's fallback tag. (A probe that fails says nothing.)
    const referrersApi = new Map();
    // A digest's content never changes: its origin is read once per repository and run.
    const origins = new Map();
    return {
        origin(ref, digest) {
            const host = registryHost(ref);
            const key = `${host}/${ref.path}@${digest}`;
            let origin = origins.get(key);
            if (!origin) {
                origin = readOrigin(clientFor(host), ref.path, digest, `${ref.name}@${digest}`);
                origins.set(key, origin);
            }
            return origin;
        },
        manifest: (ref, reference) => fetchManifest(clientFor(registryHost(ref)), ref.path, reference, `${ref.name}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`),
        async referrers(ref, digest, artifactType) {
            const host = registryHost(ref);
            const fetch = () => fetchReferrers(clientFor(host), ref.path, digest, artifactType, `the referrers of ${ref.name}@${digest}`);
            const probe = referrersApi.get(host);
            if (probe === undefined) {
                const index = fetch();
                referrersApi.set(host, index.then(found => found !== undefined, () => undefined));
                return index;
            }
            return (await probe) === false ? undefined : fetch();
        },
        blob: (ref, digest) => fetchBlob(clientFor(registryHost(ref)), ref.path, digest, `${ref.name}@${digest}`),
        async resolve(ref) {
            const host = registryHost(ref);
            const ecrRegistry = parseEcrHost(host);
            if (ecrRegistry) {
                const describer = await loadEcr();
                return describer.resolve({
                    registry: ecrRegistry,
                    repository: ref.path,
                    tag: ref.tag,
                    digest: ref.digest,
                    display: formatReference(ref)
                });
            }
            const client = clientFor(host);
            // A tag wins over a digest: for name:tag@digest the caller checks that
            // the tag still points at the digest it is about to write next to it.
            return resolveManifest(client, {
                repository: ref.path,
                reference: ref.tag ?? ref.digest,
                display: formatReference(ref)
            });
        }
    };
}

/** `codeChanges`: what the promotion read per environment; the first one of an image counts. */
function imagesOutput(images, codeChanges = []) {
    return images.map(i => ({
        image: i.reference.name,
        tag: i.reference.tag ?? null,
        digest: i.digest,
        ref: i.pinned,
        ...(i.tagImmutability
            ? { tagImmutability: { verdict: verdictWord(i), reason: i.tagImmutability.reason } }
            : {}),
        ...(i.signature ? { signature: i.signature } : {}),
        ...(i.provenance ? { provenance: i.provenance } : {}),
        ...originOutput(codeChanges.find(c => c.image === i.input && c.digest === i.digest))
    }));
}
function originOutput(change) {
    if (!change)
        return {};
    return {
        source: change.origin.source ?? null,
        revision: change.origin.revision ?? null,
        previousRevision: change.previous.origin?.revision ?? null
    };
}
function verdictWord(image) {
    const immutable = image.tagImmutability?.immutable;
    return immutable === undefined ? 'unknown' : immutable ? 'immutable' : 'mutable';
}
/** The job summary's resolution table, in GitHub-flavored markdown. */
function resolutionSummary(images, dryRun) {
    const withImmutability = images.some(i => i.tagImmutability);
    const withSignature = images.some(i => i.signature);
    const withProvenance = images.some(i => i.provenance);
    const rows = images.map(i => {
        const cells = [
            code(i.reference.name, true),
            code(i.reference.tag ?? '—', true),
            code(i.digest, true),
            describeKind(i),
            code(i.pinned, true)
        ];
        if (withImmutability) {
            cells.push(i.tagImmutability ? `${verdictWord(i)}: ${escapeText(i.tagImmutability.reason)}` : '—');
        }
        if (withSignature)
            cells.push(i.signature ? describeSignature(i.signature) : '—');
        if (withProvenance)
            cells.push(i.provenance ? provenanceWords(i.provenance, code) : '—');
        return `| ${cells.join(' | ')} |`;
    });
    const header = ['Image', 'Tag', 'Digest', 'Kind', 'Pinned reference'];
    if (withImmutability)
        header.push('Tag immutability (ECR)');
    if (withSignature)
        header.push('Signature');
    if (withProvenance)
        header.push('Provenance');
    return [
        `### promote-image: ${images.length === 1 ? '1 image' : `${images.length} images`} resolved${dryRun ? ' (dry run)' : ''}`,
        '',
        `| ${header.join(' | ')} |`,
        `|${' --- |'.repeat(header.length)}`,
        ...rows,
        ''
    ].join('\n');
}
/** Who signed, as the gate verified it: the key's fingerprint, or the keyless signer. */
function describeSignature(signature) {
    return signature.kind === 'cosign-key'
        ? `verified: cosign key ${code(signature.key, true)}`
        : `verified: ${code(signature.identity, true)} (issuer ${code(signature.issuer, true)})`;
}
function describeKind(image) {
    if (image.kind === 'manifest')
        return 'single platform';
    return image.platforms && image.platforms.length > 0
        ? `index (${image.platforms.join(', ')})`
        : 'multi-platform index';
}

async function runPromotion(plan, ports) {
    if (plan.destination?.kind === 'git' && plan.mode === 'pull-request') {
        // An explicit pull request needs a GitHub repository and a token: refused before any request.
        const { configRepositoryOf } = await import('./destination.js').then(function (n) { return n.d; });
        configRepositoryOf(plan.destination, ports).githubFor?.(ports.names.set('mode', 'pull-request'));
    }
    const resolver = createResolver({
        logger: ports.logger,
        insecureRegistries: plan.registry.insecureRegistries,
        credentials: plan.registry.credentials,
        env: ports.env,
        onSecret: ports.onSecret,
        names: ports.names
    });
    const build = 'build' in plan.images ? plan.images.build : undefined;
    // Promoting from another environment, the images are what it runs: read per environment.
    const unverified = build
        ? await ports.group('Resolve image digests', () => resolveImages({
            images: build.references,
            buildDigest: build.buildDigest,
            policy: plan.policy,
            pin: build.pin,
            explicitCredentials: plan.registry.credentials !== undefined,
            requireImmutableRepository: build.requireImmutableRepository,
            names: ports.names
        }, resolver, ports.logger))
        : [];
    // The signature gate: before anything is edited or written, and before a resolve-only run prints.
    const signed = plan.signatures
        ? await ports.group('Verify signatures', () => gateSignatures(unverified, plan.signatures, resolver, ports.names, ports.logger))
        : unverified;
    const resolved = plan.attestations
        ? await ports.group('Verify attestations', () => gateAttestations(signed, plan.attestations, resolver, attestationContextOf(ports).reader, ports.names, ports.logger))
        : signed;
    if (!plan.destination)
        return { images: resolved, edits: [], runs: [] };
    // Loaded only when there is a config repository to write: a resolve-only run starts fast.
    const { writeConfigRepository } = await import('./write.js');
    const { edits, runs } = await writeConfigRepository(plan, plan.destination, resolved, resolver, ports);
    return { images: build ? resolved : uniqueImages(edits.flatMap(e => e.images)), edits, runs };
}

const PROMOTION_MODES = ['pull-request', 'push'];
const MERGE_METHODS = ['merge', 'squash', 'rebase'];

/**
 * Validators both shells share: the action's inputs and the CLI's flags are
 * checked by the same rules, and each message names the option the way its
 * shell does (`Input pin`, `--pin`: see inputLabel).
 */
/** How long `verify` waits for Argo CD by default. */
const DEFAULT_VERIFY_TIMEOUT_SECONDS = 600;
/** Only ASCII whitespace, as actions/checkout does for refs (a security fix). */
function trimAscii(value) {
    return value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}
/** Newline- or comma-separated, blanks dropped. */
function list(value) {
    return (value ?? '')
        .split(/[\n,]/)
        .map(trimAscii)
        .filter(item => item !== '');
}
/** Newline-separated only: target specs may contain commas. */
function lines(value) {
    return (value ?? '')
        .split('\n')
        .map(trimAscii)
        .filter(item => item !== '');
}
/** One of a fixed set of words; undefined when not given. */
function oneOf(name, value, allowed, hint) {
    if (value === undefined || allowed.includes(value))
        return value;
    throw new InputError(`${inputLabel(name)} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}.`, { hint });
}
const pinMode = (name, value) => oneOf(name, value, ['digest', 'tag'], 'digest writes name:tag@sha256:…; tag writes the verified name:tag only.') ?? 'digest';
const verifyRenderMode = (name, value) => oneOf(name, value?.toLowerCase(), ['auto', 'true', 'false']) ?? 'auto';
const downgradePolicy = (name, value) => oneOf(name, value?.toLowerCase(), ['warn', 'true', 'false']) ?? 'warn';
const promotionMode = (name, value) => oneOf(name, value, PROMOTION_MODES);
const mergeMethod = (name, value) => oneOf(name, value, MERGE_METHODS);
/** mutable-tags (patterns, default DEFAULT_MUTABLE_TAGS) and allow-tags (one linear-time regex). */
function tagPolicy(names, mutableTags, allowTags) {
    const patterns = list(mutableTags).map(p => checkMutableTagPattern(p, names.mutableTags));
    return {
        mutableTags: patterns.length > 0 ? patterns : DEFAULT_MUTABLE_TAGS,
        allowTags: allowTags === undefined ? undefined : compileAllowTags(allowTags, names.allowTags)
    };
}
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);
/** YAML 1.2 core-schema booleans, as core.getBooleanInput, with a better message. */
function bool(name, value, fallback) {
    if (value === undefined)
        return fallback;
    if (TRUE.has(value))
        return true;
    if (FALSE.has(value))
        return false;
    throw new InputError(`${inputLabel(name)} must be true or false; got ${JSON.stringify(value)}.`);
}
function seconds(name, value, fallback) {
    if (value === undefined)
        return fallback;
    if (!/^\d{1,6}$/.test(value) || Number(value) === 0) {
        throw new InputError(`${inputLabel(name)} must be a whole number of seconds above 0; got ${JSON.stringify(value)}.`);
    }
    return Number(value);
}
function checkEnvironmentName(name, value) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value)) {
        throw new InputError(`${inputLabel(name)} has an invalid environment name ${JSON.stringify(value)}.`, {
            hint: 'Environment names are letters, digits, ".", "_" and "-", as in promotion.yaml.'
        });
    }
}
/**
 * A registry host (`host`, `host:port`, `[v6]:port`), no scheme or path; the
 * action's insecure-registries and the CLI's --insecure-registry.
 */
function checkHost(name, value) {
    if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/.test(value)) {
        throw new InputError(`${inputLabel(name)} has an invalid host ${JSON.stringify(value)}.`, {
            hint: 'List registry hosts as host or host:port, without a scheme, e.g. registry.internal:5000.'
        });
    }
    return value;
}
/**
 * The promotion config's path inside the config repository (default
 * promotion.yaml), refused from its text alone when it cannot name a file
 * there: before any registry request or clone.
 */
function checkConfigFile(name, value) {
    if (value === undefined)
        return 'promotion.yaml';
    const problem = relativePathProblem(value);
    if (problem !== undefined) {
        throw new InputError(`${inputLabel(name)} ${JSON.stringify(value)} ${problem}.`, {
            hint: 'Name promotion.yaml by its path inside the config repository, with "/", e.g. promotion.yaml or deploy/promotion.yaml.'
        });
    }
    return value;
}
/** Runs a check whose error does not name the option, and names it. */
function named(name, check) {
    try {
        check();
    }
    catch (error) {
        throw new InputError(`${inputLabel(name)}: ${error.message}`, {
            hint: error.hint
        });
    }
}
/** A key or trusted-root file larger than this is something else. */
const MAX_OPTION_FILE_BYTES = 1024 * 1024;
/**
 * The signature and attestation gates' settings from the shell's options, each policy
 * undefined when its settings are not given: files (signature-key unless inline PEM,
 * trusted-root) are read from the working directory; short repository and workflow names expand
 * on `serverUrl` (GITHUB_SERVER_URL, else github.com).
 */
function verificationPolicies(names, values, serverUrl) {
    return verificationPoliciesOf(names, values, (path, label, what) => readOptionFile(label, path, what), undefined, serverUrl);
}
function readOptionFile(label, path, what) {
    let bytes;
    try {
        bytes = readFileSync(path);
    }
    catch (error) {
        const code = error.code;
        const why = code === 'ENOENT'
            ? 'there is no such file'
            : code === 'EISDIR'
                ? 'it is a directory'
                : `it cannot be read (${code ?? error.message})`;
        throw new InputError(`${label} ${JSON.stringify(path)} is not ${what}, and as a file path ${why}.`, {
            hint: 'Pass the path of the file (relative to the working directory), or for a key the PEM text starting with -----BEGIN PUBLIC KEY-----.'
        });
    }
    if (bytes.length > MAX_OPTION_FILE_BYTES) {
        throw new InputError(`${label} ${JSON.stringify(path)} is ${bytes.length} bytes: too large for ${what}.`, {
            hint: 'Pass the file itself (cosign.pub, trusted_root.json), not an archive or a directory of them.'
        });
    }
    return bytes.toString('utf8');
}

export { DEFAULT_VERIFY_TIMEOUT_SECONDS as D, checkHost as a, verificationPolicies as b, checkConfigFile as c, downgradePolicy as d, promotionMode as e, checkEnvironmentName as f, bool as g, lines as h, imagesOutput as i, trimAscii as j, resolutionSummary as k, list as l, mergeMethod as m, named as n, oneOf as o, pinMode as p, runPromotion as r, seconds as s, tagPolicy as t, verifyRenderMode as v };
//# sourceMappingURL=options.js.map
