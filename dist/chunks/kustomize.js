import { j as RE2JS } from './deadline.js';

/**
 * How kustomize reads image strings, as its images transformer does (Kustomize v5):
 *
 * - an `images:` entry applies to a container image when `IsImageMatched(image, entry.name)`
 *   (api/image/image.go): the entry name, used AS A REGULAR EXPRESSION and unnormalized, then an
 *   optional `:tag` and an optional `@sha256:…` to the end. So `nginx` never matches
 *   `docker.io/library/nginx:1`, `LOCALHOST:5000/app` never matches `localhost:5000/app:1`,
 *   and the `.` in `reg.io/app` matches any character, as in kustomize;
 * - what it writes is `updater.go`'s `SetImageValue` (api/filters/imagetag): the name split off
 *   by `image.Split`, replaced by `newName`; `newTag` and `digest` together give `:tag@digest`,
 *   either alone drops the other part.
 *
 * Entries apply one after another, in list order (each is one ImageTagTransformer), so a rename
 * chain (`app` → `reg.io/app`, then `reg.io/app` → tag) reaches containers through both.
 *
 * Hand-written: no npm package carries kustomize's rule, and the reference grammar
 * (reference.ts) normalizes, which is exactly what kustomize does not do.
 */
const compiled = new Map();
/**
 * kustomize's `IsImageMatched(image, name)`. Go's regexp is RE2, so re2js matches it exactly, in
 * linear time; a name that is not a valid expression matches nothing (kustomize ignores the
 * compile error and its nil pattern matches nothing useful either).
 */
function kustomizeImageMatches(image, name) {
    let pattern = compiled.get(name);
    if (pattern === undefined) {
        try {
            pattern = RE2JS.compile(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
        }
        catch {
            pattern = null;
        }
        compiled.set(name, pattern);
    }
    return pattern !== null && pattern.matches(image);
}
/**
 * kustomize's `image.Split`: name, tag and digest of an image string, without normalizing. A
 * `:` before the first `/` is a registry port, not a tag.
 */
function splitKustomizeImage(image) {
    let rest = image;
    let digest;
    const at = rest.indexOf('@');
    if (at > 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    const slash = rest.indexOf('/');
    const colon = rest.indexOf(':', slash > 0 ? slash : 0);
    if (colon > 0) {
        return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), ...(digest && { digest }) };
    }
    return { name: rest, ...(digest && { digest }) };
}
/** What one entry makes of an image it matches (SetImageValue); the image itself otherwise. */
function applyKustomizeImage(image, entry) {
    if (!kustomizeImageMatches(image, entry.name))
        return image;
    const split = splitKustomizeImage(image);
    let { tag, digest } = split;
    const name = entry.newName || split.name;
    if (entry.newTag && entry.digest) {
        tag = entry.newTag;
        digest = entry.digest;
    }
    else if (entry.newTag) {
        tag = entry.newTag;
        digest = undefined;
    }
    else if (entry.digest) {
        tag = undefined;
        digest = entry.digest;
    }
    return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

export { applyKustomizeImage as a, kustomizeImageMatches as k, splitKustomizeImage as s };
//# sourceMappingURL=kustomize.js.map
