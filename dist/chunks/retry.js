import { e as InvalidReferenceError } from './errors.js';

// The reference grammar of distribution/reference (regexp.go), transcribed so
// that what we accept is exactly what docker, containerd and kubelet accept.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6Address = '\\[[a-fA-F0-9:]+\\]';
const domainAndPort = `(?:${domainName}|${ipv6Address})(?::[0-9]+)?`;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
const DOMAIN = new RegExp(`^${domainAndPort}$`);
/** Any digest the grammar allows; we then insist on sha256 for pinning. */
const ANY_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** The only digest form promote-image writes into Git. */
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** A bare 64-hex string is an image ID, never a name (ErrNameNotCanonical). */
const IMAGE_ID = /^[a-f0-9]{64}$/;
/** distribution's RepositoryNameTotalLengthMax, applied to the path. */
const MAX_PATH_LENGTH = 255;
const MAX_TAG_LENGTH = 128;

const DOCKER_HUB_DOMAIN = 'docker.io';
/** docker.io is only a naming domain; the API lives here (containerd DefaultHost). */
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
/**
 * Parses an image reference the way distribution/reference's
 * ParseNormalizedNamed does, with stricter digests: only `sha256:` + 64
 * lower-case hex can be pinned. Throws InvalidReferenceError with the reason.
 */
function parseReference(text) {
    const shown = JSON.stringify(text);
    if (text.length === 0) {
        throw new InvalidReferenceError('The image reference is empty.', {
            hint: 'Pass the reference CI pushed, e.g. ghcr.io/acme/api:v1.4.2.'
        });
    }
    if (/\s/.test(text)) {
        throw new InvalidReferenceError(`Image reference ${shown} contains whitespace.`, {
            hint: 'Pass one reference per line, without spaces.'
        });
    }
    if (IMAGE_ID.test(text)) {
        throw new InvalidReferenceError(`Image reference ${shown} is a bare image ID, not a repository name.`, { hint: 'Pass registry/repository:tag; pin content with @sha256:<digest>.' });
    }
    let rest = text;
    let digest;
    const at = rest.indexOf('@');
    if (at !== -1) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        assertDigest(digest, text);
    }
    let tag;
    const lastSlash = rest.lastIndexOf('/');
    const colon = rest.indexOf(':', lastSlash + 1);
    if (colon !== -1) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        assertTag(tag, text);
    }
    const name = rest;
    const { domain, remainder } = splitDomain(name, text);
    if (remainder !== remainder.toLowerCase()) {
        throw new InvalidReferenceError(`Image reference ${shown} has upper-case letters in its repository path "${remainder}".`, { hint: 'Repository paths are lower case; registries and Kubernetes refuse upper case.' });
    }
    if (!PATH.test(remainder)) {
        throw new InvalidReferenceError(`Image reference ${shown} has an invalid repository path "${remainder}".`, {
            hint: 'Path components are lower-case letters and digits, separated by ".", "_", "__" or "-", joined by "/".'
        });
    }
    const path = domain === DOCKER_HUB_DOMAIN && !remainder.includes('/') ? `library/${remainder}` : remainder;
    if (path.length > MAX_PATH_LENGTH) {
        throw new InvalidReferenceError(`Image reference ${shown} has a repository path of ${path.length} characters; the limit is ${MAX_PATH_LENGTH}.`);
    }
    return { name, domain, path, tag, digest };
}
/** Whether `text` is a sha256 digest promote-image can pin. */
function isPinnableDigest(text) {
    return SHA256_DIGEST.test(text);
}
/** Throws unless `digest` is `sha256:` followed by 64 lower-case hex digits. */
function assertDigest(digest, context = digest) {
    if (SHA256_DIGEST.test(digest))
        return;
    const where = context === digest ? '' : ` in ${JSON.stringify(context)}`;
    const why = !ANY_DIGEST.test(digest)
        ? 'is not a digest'
        : digest.startsWith('sha256:')
            ? 'is not 64 lower-case hex digits after "sha256:"'
            : 'uses an algorithm other than sha256';
    throw new InvalidReferenceError(`Digest ${JSON.stringify(digest)}${where} ${why}.`, {
        hint: 'A pinned digest looks like sha256:<64 lower-case hex digits>, as docker/build-push-action outputs it.'
    });
}
function assertTag(tag, context) {
    if (TAG.test(tag))
        return;
    const shown = JSON.stringify(tag);
    if (tag.length > MAX_TAG_LENGTH) {
        throw new InvalidReferenceError(`Tag ${shown.slice(0, 40)}… in the image reference is ${tag.length} characters long; the limit is ${MAX_TAG_LENGTH}.`);
    }
    throw new InvalidReferenceError(`Tag ${shown} in ${JSON.stringify(context)} is not a valid tag.`, {
        hint: 'Tags start with a letter, digit or "_" and contain only letters, digits, "_", "." and "-".'
    });
}
/** distribution's splitDockerDomain: is the first path element a host? */
function splitDomain(name, context) {
    const slash = name.indexOf('/');
    const first = slash === -1 ? '' : name.slice(0, slash);
    const looksLikeHost = slash !== -1 &&
        (first.includes('.') ||
            first.includes(':') ||
            first === 'localhost' ||
            first !== first.toLowerCase());
    if (!looksLikeHost)
        return { domain: DOCKER_HUB_DOMAIN, remainder: name };
    if (!DOMAIN.test(first)) {
        throw new InvalidReferenceError(`Image reference ${JSON.stringify(context)} has an invalid registry host "${first}".`, { hint: 'Write the registry as host[:port], e.g. ghcr.io or 127.0.0.1:5000.' });
    }
    const domain = first.toLowerCase();
    return {
        domain: domain === 'index.docker.io' ? DOCKER_HUB_DOMAIN : domain,
        remainder: name.slice(slash + 1)
    };
}
/** The host to send API requests to. */
function registryHost(ref) {
    return ref.domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : ref.domain;
}
/** `domain/path`: equal for every spelling of the same repository. */
function canonicalRepository(ref) {
    return `${ref.domain}/${ref.path}`;
}
/** Formats back to text; `formatReference(parseReference(s)) === s`. */
function formatReference(ref) {
    return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
/** The reference written to Git: the name as the user wrote it, tag, digest. */
function pinnedReference(ref, digest) {
    return formatReference({ name: ref.name, tag: ref.tag, digest });
}
/** `canonicalRepository` of a reference given as text, or undefined when it does not parse. */
function canonicalRepositoryOf(text) {
    try {
        return canonicalRepository(parseReference(text));
    }
    catch {
        return undefined;
    }
}
/** The last path component of the repository: what `{name}` stands for in targets. */
function repositoryName(ref) {
    return ref.path.slice(ref.path.lastIndexOf('/') + 1);
}
/** `repositoryName` of a repository or reference given as text; the last `/` component if it does not parse. */
function repositoryNameOf(text) {
    try {
        return repositoryName(parseReference(text));
    }
    catch {
        return text.slice(text.lastIndexOf('/') + 1);
    }
}

/**
 * What every HTTP client here shares (the registry transport, the Argo CD
 * client): which answers are worth retrying, jittered backoff, a capped body
 * read, and words for network failures.
 */
/** Rate limits and server-side outages; everything else is an answer. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/**
 * Exponential backoff with jitter (half to all of the ceiling, AWS
 * architecture blog): concurrent runs do not retry in lockstep.
 */
function backoffDelay(attempt, policy) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
/** The body, refusing anything over `limit` bytes (declared or streamed). */
async function readCapped(response, limit) {
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > limit) {
        await response.body?.cancel();
        throw new Error(`response of ${declared} bytes exceeds the ${limit}-byte limit`);
    }
    if (!response.body)
        return Buffer.alloc(0);
    const chunks = [];
    let total = 0;
    for await (const chunk of response.body) {
        total += chunk.byteLength;
        if (total > limit)
            throw new Error(`response exceeds the ${limit}-byte limit`);
        chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
}
/**
 * A fetch failure in words; `timeout` is how the caller states its time limit ("30 s"), `host`
 * who did not answer in time.
 */
function networkProblem(error, timeout, host) {
    // Duck-typed: fetch's errors may come from another realm (test runners).
    const e = error;
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
        // The deadline covers the whole response: a server that sent only part of it gets this too.
        return `no answer within ${timeout}${host ? ` from ${host}` : ''} (headers and body)`;
    }
    const code = e?.cause?.code ? ` (${e.cause.code})` : '';
    return `${e?.cause?.message ?? e?.message ?? String(error)}${code}`;
}

export { RETRYABLE_STATUS as R, assertDigest as a, backoffDelay as b, registryHost as c, canonicalRepositoryOf as d, canonicalRepository as e, formatReference as f, repositoryName as g, repositoryNameOf as h, isPinnableDigest as i, pinnedReference as j, networkProblem as n, parseReference as p, readCapped as r };
//# sourceMappingURL=retry.js.map
