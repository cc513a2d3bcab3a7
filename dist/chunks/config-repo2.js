import { readdir, lstat, readlink, readFile, realpath, stat, access, mkdir, cp, symlink, writeFile, mkdtemp, rm, rename } from 'node:fs/promises';
import path, { posix, dirname, normalize as normalize$1, join, isAbsolute, resolve } from 'node:path';
import { a as answerStands, b as changesTouch, c as configRepositoryOf } from './destination.js';
import { l as findPair, n as editableScalar, o as replaceScalar, p as lineOf, q as insertAfter, s as removePair, t as applyEdits, v as parseYaml, d as distExports$2, w as stringAt, x as formatScalar, y as columnOf, z as insertLines, A as parseKeyPath, B as nodeAt, C as mapRepository, E as semver, a as code, F as nameOf, G as oneLine, H as expandCommitMessage, e as escapeText, I as shortDigest, i as isKustomizationFileName, K as KUSTOMIZATION_FILE_NAMES, J as MAX_LINK_HOPS, L as linkTargetInRepo, N as pLimit, O as parseTargetSpec, Q as resolveInRepo, R as MissingPathError, S as parsePromotionConfig, T as expandTargets, U as findKustomization, V as realRelativePath, b as DEFAULT_BRANCH_TEMPLATE, W as imagesFor } from './github.js';
import { E as EditError, a as PolicyError, b as RenderError, C as ConfigError, P as PromoteError, I as InputError } from './errors.js';
import { d as canonicalRepositoryOf, p as parseReference, f as formatReference, e as canonicalRepository, g as repositoryName, h as getDefaultExportFromCjs, b as backoffDelay, j as repositoryNameOf } from './index.js';
import { isDeepStrictEqual } from 'node:util';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { setTimeout as setTimeout$1 } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import fs__default from 'fs';
import require$$1 from 'tty';
import require$$6 from 'util';
import os__default from 'os';
import { spawn } from 'child_process';
import { EventEmitter } from 'node:events';
import 'node:http';
import 'process';
import 'buffer';
import 'http';
import 'https';
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

/**
 * Re-parses the edited text and checks that exactly the intended values
 * changed: every document, every other key and value equal to before. A
 * failure here means a bug in the surgery, so nothing may be written.
 */
function verifyEdit(before, afterText, changes) {
    const after = parseYaml(afterText, before.file, { checkSize: false });
    const expected = before.documents.map(doc => plainData(doc, before.file));
    for (const change of changes) {
        expected[change.document] = withChange(expected[change.document], change.path, change.value);
    }
    const actual = after.documents.map(doc => plainData(doc, before.file));
    if (!isDeepStrictEqual(actual, expected)) {
        throw new EditError(`${before.file}: the edit would change more than the target values; nothing was written.`, { hint: 'This is a bug in promote-image: please report it with the file.' });
    }
}
/**
 * As many aliases as the yaml library allows by default: enough for any
 * hand-written file, and a "billion laughs" file (nine levels of nine
 * aliases, 9^9 nodes expanded) is refused in milliseconds instead of hanging.
 */
const MAX_ALIAS_COUNT = 100;
/** The document as plain data, aliases expanded within MAX_ALIAS_COUNT. */
function plainData(doc, file) {
    try {
        return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
    catch (error) {
        if (!(error instanceof ReferenceError && /excessive alias count/i.test(error.message))) {
            throw error;
        }
        throw new EditError(`${file}: too many aliases (more than ${MAX_ALIAS_COUNT} expansions of its anchors); refusing to edit a file that expands this much (a "billion laughs" file?). Nothing was written.`, {
            subject: file,
            hint: 'Write the repeated values out, or use fewer nested aliases (*name) in this file.'
        });
    }
}
function withChange(root, path, value) {
    if (path.length === 0)
        return value;
    const [head, ...rest] = path;
    const container = Array.isArray(root)
        ? [...root]
        : { ...root };
    const next = withChange(container[head], rest, value);
    if (next === undefined && rest.length === 0 && !Array.isArray(container)) {
        delete container[head];
    }
    else {
        container[head] = next;
    }
    return container;
}
/** Applies the edits, proves them with verifyEdit, and reports the changes. */
function applyVerified(parsed, edits, intended, changes) {
    if (edits.length === 0)
        return { text: parsed.text, changes: [] };
    const text = applyEdits(parsed.text, edits);
    verifyEdit(parsed, text, intended);
    return { text, changes };
}
/**
 * The edits of one map in one document, with what they mean (for
 * verifyEdit) and the words for them (for reports): set, insert, remove.
 */
class MapEdits {
    parsed;
    document;
    map;
    path;
    display;
    edits = [];
    intended = [];
    changes = [];
    constructor(parsed, document, map, 
    /** Where the map sits in the document, e.g. ['images', 0]. */
    path, 
    /** How a key of the map is named in reports, e.g. `images[0].newTag`. */
    display) {
        this.parsed = parsed;
        this.document = document;
        this.map = map;
        this.path = path;
        this.display = display;
    }
    /** Sets an existing key, keeping its quoting; the pair, or undefined when the key is absent. */
    set(key, value) {
        const pair = findPair(this.map, key);
        if (!pair)
            return undefined;
        const doc = this.parsed.documents[this.document];
        const scalar = editableScalar(this.parsed, doc, pair.value, this.display(key));
        const old = scalar.value === null ? undefined : String(scalar.value);
        if (old !== value) {
            this.edits.push(replaceScalar(scalar, value));
            this.intended.push({ document: this.document, path: [...this.path, key], value });
            const line = lineOf(this.parsed, scalar.range[0]);
            this.changes.push({ file: this.parsed.file, line, path: this.display(key), old, new: value });
        }
        return pair;
    }
    /** Inserts keys after a sibling pair (see insertAfter). */
    insert(after, entries) {
        this.edits.push(insertAfter(this.parsed, this.map, after, entries));
        const line = lineOf(this.parsed, after.key.range[0]) + 1;
        entries.forEach(([key, value], i) => {
            this.intended.push({ document: this.document, path: [...this.path, key], value });
            const at = line + (this.map.flow ? 0 : i);
            this.changes.push({ file: this.parsed.file, line: at, path: this.display(key), new: value });
        });
    }
    /** Removes a pair whose value is an editable scalar. */
    remove(pair) {
        const key = String(pair.key.value);
        const doc = this.parsed.documents[this.document];
        const scalar = editableScalar(this.parsed, doc, pair.value, this.display(key));
        this.edits.push(removePair(this.parsed, this.map, pair));
        this.intended.push({ document: this.document, path: [...this.path, key], value: undefined });
        const line = lineOf(this.parsed, pair.key.range[0]);
        this.changes.push({
            file: this.parsed.file,
            line,
            path: this.display(key),
            old: String(scalar.value)
        });
    }
    apply() {
        return applyVerified(this.parsed, this.edits, this.intended, this.changes);
    }
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
function editKustomization(text, file, pin, options = {}) {
    const parsed = parseYaml(text, file);
    const document = parsed.documents.findIndex(doc => distExports$2.isMap(doc.contents));
    const root = parsed.documents[document]?.contents;
    if (!distExports$2.isMap(root)) {
        throw new EditError(`${file}: not a kustomization (expected a map of fields).`, {
            subject: file
        });
    }
    const imagesPair = findPair(root, 'images');
    const images = imagesPair?.value;
    if (images !== undefined &&
        images !== null &&
        !distExports$2.isSeq(images) &&
        !(distExports$2.isScalar(images) && images.value === null)) {
        throw new EditError(`${file}:${lineOf(parsed, imagesPair.key.range[0])}: images is not a list.`);
    }
    const seq = distExports$2.isSeq(images) ? images : undefined;
    const matches = [];
    const names = [];
    seq?.items.forEach((item, index) => {
        if (!distExports$2.isMap(item))
            return;
        const target = stringAt(item, 'newName') ?? stringAt(item, 'name');
        if (target === undefined)
            return;
        names.push(target);
        if (canonicalRepositoryOf(target) === pin.repository)
            matches.push({ index, entry: item });
    });
    if (matches.length > 1) {
        const lines = matches.map(m => lineOf(parsed, m.entry.range[0]));
        throw new EditError(`${file}: ${pin.repository} matches ${matches.length} images: entries (lines ${lines.join(' and ')}); kustomize would apply only one of them.`, { subject: `${file}:${lines[0]}`, hint: 'Remove the duplicate entry, then promote again.' });
    }
    if (matches.length === 0) {
        if (options.addEntryAs === undefined)
            throw new MissingImageEntryError(file, pin.repository, names);
        return addEntry(parsed, document, root, imagesPair, seq, options.addEntryAs, pin);
    }
    const { index, entry } = matches[0];
    return pinEntry(parsed, document, entry, index, pin);
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
function addEntry(parsed, document, root, imagesPair, seq, name, pin) {
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
 * Pins an image in a Helm values file at a key path. Two shapes are common:
 * a map (`repository`, `tag`, optional `digest`, bitnami's `registry`) and a
 * plain string holding the whole reference.
 */
function editHelmValues(text, file, pin, keys) {
    const parsed = parseYaml(text, file);
    const path = parseKeyPath(keys.key);
    // The first document that has the key: values files are usually one document.
    const document = parsed.documents.findIndex(doc => nodeAt(doc, path) !== undefined);
    if (document === -1) {
        throw new EditError(`${file}: key ${keys.key} not found.`, {
            subject: file,
            hint: 'Check the key path in the target (dotted, with list indexes such as workers[0].image).'
        });
    }
    const doc = parsed.documents[document];
    const node = nodeAt(doc, path);
    if (distExports$2.isMap(node))
        return editMap(parsed, doc, document, path, node, pin, keys);
    return editString(parsed, doc, document, path, node, pin, keys.key);
}
function editMap(parsed, doc, document, path, map, pin, keys) {
    const { file } = parsed;
    const repositoryKey = keys.repositoryKey ?? 'repository';
    const tagKey = keys.tagKey ?? 'tag';
    const digestKey = keys.digestKey ?? 'digest';
    const repository = stringAt(map, repositoryKey);
    if (repository === undefined) {
        throw new EditError(`${file}:${lineOf(parsed, map.range[0])}: ${keys.key} has no ${repositoryKey} string.`, {
            subject: `${file}:${lineOf(parsed, map.range[0])}`,
            hint: 'Point the target at the map holding repository and tag, or name the keys (repository-key, tag-key).'
        });
    }
    const full = mapRepository(map, repositoryKey);
    checkRepository(parsed, full, pin, keys.key, findPair(map, repositoryKey).value);
    const batch = new MapEdits(parsed, document, map, path, key => `${keys.key}.${key}`);
    const set = (key, value) => batch.set(key, value) !== undefined;
    const hasDigestKey = findPair(map, digestKey) !== undefined;
    const addDigest = pin.digest !== undefined && !hasDigestKey && keys.addDigestKey === true;
    // Standard chart templates render repository:tag, so tag@digest pins the digest.
    const tagValue = pin.digest !== undefined && !hasDigestKey && !addDigest ? `${pin.tag}@${pin.digest}` : pin.tag;
    const inserts = [];
    if (!set(tagKey, tagValue))
        inserts.push([tagKey, tagValue]);
    if (pin.digest !== undefined && hasDigestKey)
        set(digestKey, pin.digest);
    if (addDigest)
        inserts.push([digestKey, pin.digest]);
    if (pin.digest === undefined && hasDigestKey) {
        const current = stringAt(map, digestKey);
        // Keep the key (templates reference it) but empty it: a stale digest would win over the tag.
        if (current)
            set(digestKey, '');
    }
    if (inserts.length > 0) {
        batch.insert(findPair(map, inserts[0][0] === digestKey ? tagKey : repositoryKey), inserts);
    }
    return batch.apply();
}
function editString(parsed, doc, document, path, node, pin, key) {
    const scalar = editableScalar(parsed, doc, node, key);
    if (typeof scalar.value !== 'string') {
        throw new EditError(`${parsed.file}:${lineOf(parsed, scalar.range[0])}: ${key} is neither a map nor an image reference string.`, {
            subject: `${parsed.file}:${lineOf(parsed, scalar.range[0])}`
        });
    }
    let current;
    try {
        current = parseReference(scalar.value);
    }
    catch {
        throw new EditError(`${parsed.file}:${lineOf(parsed, scalar.range[0])}: ${key} holds ${JSON.stringify(scalar.value)}, which is not an image reference.`, {
            subject: `${parsed.file}:${lineOf(parsed, scalar.range[0])}`,
            hint: 'Point the target at the key holding the image.'
        });
    }
    checkRepository(parsed, current.name, pin, key, scalar);
    const value = formatReference({ name: current.name, tag: pin.tag, digest: pin.digest });
    if (value === scalar.value)
        return { text: parsed.text, changes: [] };
    const line = lineOf(parsed, scalar.range[0]);
    return applyVerified(parsed, [replaceScalar(scalar, value)], [{ document, path, value }], [{ file: parsed.file, line, path: key, old: scalar.value, new: value }]);
}
/** The key must hold the promoted repository; otherwise the wrong key was named. */
function checkRepository(parsed, written, pin, key, node) {
    if (canonicalRepositoryOf(written) === pin.repository)
        return;
    const line = lineOf(parsed, node.range[0]);
    throw new EditError(`${parsed.file}:${line}: ${key} holds repository ${written}, not ${pin.name}; refusing to point it at another image.`, {
        subject: `${parsed.file}:${line}`,
        hint: 'The target names the wrong key: point it at the key of this image, or restrict the target with images: [name].'
    });
}

/** `warn` (default): a lower semver tag is a warning; `false`: an error; `true`: allowed silently. */
/**
 * Moving a target to a lower semver tag is usually a mistake (an older
 * build's job finishing last) or a rollback done the wrong way: a rollback
 * is a revert of the promotion commit, which Git and Argo CD both record.
 * Returns the warning to show, or throws with `allow-downgrade: false`.
 */
function checkDowngrade(where, oldValue, newValue, policy) {
    if (policy === 'true' || oldValue === undefined || newValue === undefined)
        return undefined;
    const from = versionOf(oldValue);
    const to = versionOf(newValue);
    if (!from || !to || !semver.lt(to, from))
        return undefined;
    const message = `${where}: ${newValue.split('@')[0]} is lower than ${oldValue.split('@')[0]}: a downgrade.`;
    const hint = 'A rollback is a `git revert` of the promotion commit; to promote an older build on purpose, set allow-downgrade: true.';
    if (policy === 'false')
        throw new PolicyError(message, { hint, subject: where });
    return `${message} ${hint}`;
}
/** Strict semver, with the customary leading "v"; `tag@sha256:…` values count by their tag. */
function versionOf(value) {
    const tag = value.split('@')[0].replace(/^v(?=\d)/, '');
    return semver.valid(tag) ?? undefined;
}

/** GitHub refuses a pull request body longer than this. */
const PULL_REQUEST_BODY_LIMIT = 65_536;
/** Longer subjects get cut in `git log --oneline`, GitHub's commit list and mail. */
const SUBJECT_LIMIT = 72;
const DEFAULT_SERVER_URL = 'https://github.com';
const MARKER_PREFIX = '<!-- promote-image:environment=';
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
    const links = linksOf(content);
    const changes = content.result.files.flatMap(f => f.changes);
    const rows = changes.map(c => tableRow(c, content, links));
    const images = content.images.map(i => imageDetails(i, content, links));
    const renders = content.result.renders.map(r => `- ${r.ok ? '✅' : '❌'} ${code(r.target)}: ${renderMessage(r.message)}`);
    const compose = (shown) => [
        lead(content, changes, links),
        ...tableSection(rows, shown[0]),
        ...(images.length > 0
            ? ['### Images', ...listSection(images, shown[1], 'image', '\n\n')]
            : []),
        '### Render proof',
        ...(renders.length > 0
            ? listSection(renders, shown[2], 'render result', '\n')
            : [`Not run: ${escapeText(renderSkipped(content))}.`]),
        '### Rolling back',
        rollback(content),
        promotionMarker(content.environment)
    ].join('\n\n') + '\n';
    let shown = [rows.length, images.length, renders.length];
    let body = compose(shown);
    // The change table is the long part and the commit message repeats it; then renders, then images.
    for (const section of [0, 2, 1]) {
        if (body.length <= PULL_REQUEST_BODY_LIMIT)
            return body;
        shown = fitSection(compose, shown, section);
        body = compose(shown);
    }
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
    const pins = `Pins ${count$1(content.images.length, 'image')}${where}${from} ${how}`;
    const base = code(content.baseBranch);
    if (changes.length === 0) {
        return `${pins}: nothing to change, every target already pins ${content.images.length === 1 ? 'it' : 'them'} on ${base}.`;
    }
    const files = count$1(new Set(changes.map(c => c.file)).size, 'file');
    const repository = content.configRepository
        ? ` of ${links.config ? `[${code(content.configRepository)}](${destination(links.config)})` : code(content.configRepository)}`
        : '';
    const what = `${count$1(changes.length, 'value')} in ${files}${repository}`;
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
        `_${count$1(left, 'more row')} left out (${number(shown)} of ${number(rows.length)} shown): GitHub limits a pull request body to ${number(PULL_REQUEST_BODY_LIMIT)} characters; Files changed shows every change._`
    ];
}
function listSection(items, shown, noun, separator) {
    const list = items.slice(0, shown);
    if (shown < items.length) {
        list.push(`_${count$1(items.length - shown, `more ${noun}`)} left out to stay within GitHub's pull request body limit._`);
    }
    return [list.join(separator)];
}
/** The largest count for one section that fits, the others as they are. */
function fitSection(compose, shown, section) {
    const at = (n) => {
        const next = [...shown];
        next[section] = n;
        return next;
    };
    let low = 0;
    let high = shown[section];
    while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (compose(at(middle)).length <= PULL_REQUEST_BODY_LIMIT)
            low = middle;
        else
            high = middle - 1;
    }
    return at(low);
}
function tableRow(c, content, links) {
    const environment = c.environment ?? content.environment;
    const place = code(`${c.file}:${c.line}`, true);
    const file = links.config
        ? `[${place}](${destination(`${links.config}/blob/${urlPath(content.baseBranch)}/${urlPath(c.file)}#L${c.line}`)})`
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
    const immutability = image.tagImmutability;
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
        ...(immutability
            ? [
                `- Tag immutability (ECR): ${immutability.immutable === undefined ? 'unknown' : immutability.immutable ? 'immutable' : 'mutable'}, ${escapeText(immutability.reason)}`
            ]
            : []),
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
/** `summary:\n  - item…` (verifyRender's shape) as a list item with a nested list. */
function renderMessage(message) {
    const [first = '', ...rest] = message.split(/\r?\n/);
    const nested = rest
        .map(line => line.trim().replace(/^- /, ''))
        .filter(line => line.length > 0)
        .map(line => `\n  - ${escapeText(line)}`);
    return escapeText(first) + nested.join('');
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
function count$1(n, noun) {
    return `${number(n)} ${noun}${n === 1 ? '' : 's'}`;
}
function number(n) {
    return n.toLocaleString('en-US');
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
    {
        optionsObj = {};
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
        const patchObj = structuredPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader);
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

const CONTAINER_TYPES = new Set([
    'containers',
    'initContainers',
    'ephemeralContainers'
]);
/** Kinds whose pod template is at spec.template. */
const TEMPLATE_KINDS = new Set([
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
    'ReplicationController',
    'Job'
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
    for (const doc of distExports$2.parseAllDocuments(renderedYaml)) {
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
    if (!isObject$1(object))
        return;
    const kind = typeof object.kind === 'string' ? object.kind : '';
    if (Array.isArray(object.items) && (kind === 'List' || kind.endsWith('List'))) {
        for (const item of object.items)
            collect(item, push);
        return;
    }
    const podSpec = podSpecOf(kind, object);
    if (!podSpec)
        return;
    const metadata = isObject$1(object.metadata) ? object.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== ''
        ? metadata.namespace
        : undefined;
    for (const [key, list] of Object.entries(podSpec)) {
        if (!CONTAINER_TYPES.has(key) || !Array.isArray(list))
            continue;
        for (const container of list) {
            // A container without an image is not valid Kubernetes; nothing to compare.
            if (!isObject$1(container) || typeof container.image !== 'string')
                continue;
            push({
                kind,
                name,
                ...(namespace === undefined ? {} : { namespace }),
                container: typeof container.name === 'string' ? container.name : '',
                containerType: key,
                image: container.image
            }, object);
        }
    }
}
function podSpecOf(kind, object) {
    const spec = field(object, 'spec');
    if (kind === 'Pod')
        return spec;
    if (kind === 'PodTemplate')
        return field(field(object, 'template'), 'spec');
    if (TEMPLATE_KINDS.has(kind))
        return field(field(spec, 'template'), 'spec');
    if (kind === 'CronJob') {
        return field(field(field(field(spec, 'jobTemplate'), 'spec'), 'template'), 'spec');
    }
    // Argo Rollouts; a Rollout with spec.workloadRef borrows a Deployment's template, which
    // renders on its own (and usually at replicas 0), so it is not followed here.
    if (kind === 'Rollout' && isArgoproj(object.apiVersion)) {
        return field(field(spec, 'template'), 'spec');
    }
    return undefined;
}
function isArgoproj(apiVersion) {
    return typeof apiVersion === 'string' && apiVersion.startsWith('argoproj.io/');
}
function field(object, key) {
    const value = object?.[key];
    return isObject$1(value) ? value : undefined;
}
function isObject$1(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The renderer ran and failed; `output` is the tail of what it printed on stderr. */
class RenderCommandError extends RenderError {
    renderer;
    output;
    constructor(renderer, output, message) {
        super(message);
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
        lookup = findKustomize(childEnv);
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
async function findKustomize(env) {
    const reasons = [];
    const kustomize = await onPath('kustomize', env.PATH);
    if (kustomize) {
        const checked = await kustomizeVersion(kustomize, env);
        if (checked.ok) {
            return commandRenderer('kustomize', 'kustomize', checked.version, kustomize, ['build'], env);
        }
        reasons.push(checked.reason);
    }
    const kubectl = await onPath('kubectl', env.PATH);
    if (kubectl) {
        const checked = await kubectlKustomizeVersion(kubectl, env);
        if (checked.ok) {
            return commandRenderer('kubectl kustomize', 'kustomize', checked.version, kubectl, ['kustomize'], env);
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
async function runRenderer(name, file, args, env) {
    try {
        return (await run(file, args, env, RENDER_TIMEOUT_MS, RENDER_MAX_BUFFER)).stdout;
    }
    catch (error) {
        const output = failureText(error);
        throw new RenderCommandError(name, output, `${name} failed: ${output}`);
    }
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
            kustomization = distExports$2.parse(this.changes.get(file) ?? (await this.tree.read(file)));
        }
        catch {
            return false;
        }
        if (!isObject(kustomization))
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
        for (const patch of list(kustomization.patchesStrategicMerge)) {
            if (typeof patch === 'string' && !patch.includes('\n'))
                add(patch, false);
        }
        for (const key of ['patches', 'patchesJson6902', 'replacements']) {
            for (const entry of list(kustomization[key]))
                if (isObject(entry))
                    add(entry.path, false);
        }
        if (isObject(kustomization.openapi))
            add(kustomization.openapi.path, false);
        for (const key of ['configMapGenerator', 'secretGenerator']) {
            for (const generator of list(kustomization[key])) {
                if (!isObject(generator))
                    continue;
                // files: entries are "path" or "key=path".
                for (const entry of list(generator.files)) {
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
function list(value) {
    return Array.isArray(value) ? value : [];
}
function isObject(value) {
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
        await writeFile(path.join(wrapper, 'kustomization.yaml'), distExports$2.stringify(kustomization));
        wrappers.push(String(i));
    }
    await writeFile(path.join(wrapRoot, 'kustomization.yaml'), distExports$2.stringify({ resources: wrappers }));
    return extractImagesByAnnotation(await renderer.render(wrapRoot), TARGET_ANNOTATION);
}
/** `closure`: what the edited render reads (from inspect); undefined copies the whole repository. */
async function renderBoth(renderer, root, target, edits, closure) {
    const before = renderSide(renderer, root, root, target, 'before');
    // Settled without waiting: the after side decides on a fallback only once before is known.
    before.catch(() => undefined);
    let after;
    try {
        after = {
            images: await renderEdited(renderer, root, target, edits, closure),
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
        after = { images: await renderEdited(renderer, root, target, edits, undefined), copy: 'full' };
    }
    return { before: await before, after: after.images, copy: after.copy };
}
/** The images `targetDir` renders in the working tree of `repoRoot`, as it is now. */
async function renderImages(renderer, repoRoot, targetDir) {
    const root = await realRoot(repoRoot);
    return renderSide(renderer, root, root, repoRelative(targetDir, 'render target'), 'current');
}
async function renderEdited(renderer, root, target, edits, closure) {
    const temp = await realpath(await mkdtemp(path.join(tmpdir(), 'promote-image-render-')));
    try {
        // One level down, so that a relative path climbing out of the copy stays in our directory.
        const copyRoot = path.join(temp, 'repo');
        await copyRepository(root, copyRoot, closure);
        await applyChanges(copyRoot, edits);
        return await renderSide(renderer, root, copyRoot, target, 'after');
    }
    finally {
        await rm(temp, { recursive: true, force: true });
    }
}
async function renderSide(renderer, root, tree, target, side) {
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
            hint: side === 'after'
                ? `The edited files do not build, so nothing is committed. Check what the edit changed in ${shown} (rendered with ${tool}).`
                : `${shown} does not build in the config repository as it is; fix that first (run \`${renderer.name} ${shown}\` with ${tool}).`,
            subject: shown,
            cause: error
        });
    }
    return extractImages(output);
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
const LISTED = 8;
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
                : `Argo CD would not see ${pinned}: after the edit, ${target} no longer renders the ${count(gone)} that used ${repository}.`
        };
    }
    if (staleEntries.length > 0) {
        const lines = staleEntries.map(({ image, changed: moved }) => `${describeContainer(image)} ${moved ? 'renders' : 'still renders'} ${image.image}`);
        const summary = pinnedEntries.length > 0
            ? `Argo CD would see only part of the promotion: ${count(pinnedEntries.length)} in ${target} ${verb(pinnedEntries.length)} ${pinned}, but ${count(staleEntries.length)} of ${repository} ${staleEntries.length === 1 ? 'does' : 'do'} not:`
            : staleEntries.some(entry => entry.changed)
                ? `Argo CD would not see ${pinned}: no container in ${target} renders it after the edit:`
                : `Argo CD would see no change: the edit does not reach the containers of ${repository} in ${target}, and none renders ${pinned}:`;
        return {
            ...base,
            ok: false,
            outcome: 'not-updated',
            message: [summary, ...listed(lines)].join('\n')
        };
    }
    const newlyPinned = pinnedEntries.filter(entry => entry.changed);
    if (newlyPinned.length === 0) {
        return {
            ...base,
            ok: true,
            outcome: 'already-pinned',
            message: `${target} already renders ${pinned} in ${count(pinnedEntries.length)}; the promotion changes nothing for Argo CD to sync.`
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
            `Argo CD will see the change: ${count(newlyPinned.length)} in ${target} now ${verb(newlyPinned.length)} ${pinned}:`,
            ...listed(lines)
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
    return [image.kind, image.namespace ?? '', image.name, image.containerType, image.container].join('\0');
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
    const shown = images.slice(0, LISTED).join(', ');
    return images.length > LISTED ? `${shown} and ${images.length - LISTED} more` : shown;
}
function listed(lines) {
    const shown = lines.slice(0, LISTED).map(line => `  - ${line}`);
    if (lines.length > LISTED)
        shown.push(`  - and ${lines.length - LISTED} more`);
    return shown;
}
function verb(n) {
    return n === 1 ? 'renders' : 'render';
}
function count(n) {
    return n === 1 ? '1 container' : `${n} containers`;
}

async function editConfigRepo(request, logger) {
    const templates = request.templates ?? (await loadTargets(request));
    const texts = new Map();
    const changes = new Map();
    const kustomizeDirs = new Map();
    for (const image of request.images) {
        const targets = targetsOf(templates, image, request.environment);
        if (targets.length === 0) {
            throw new ConfigError(`No target for image ${image.input}${request.environment ? ` in environment ${request.environment}` : ''}.`, {
                hint: `Add a target for {name} = ${repositoryName(image.reference)}, or drop images: restrictions that exclude it.`
            });
        }
        if (image.reference.tag === undefined) {
            throw new PolicyError(`Image ${image.input} has no tag; the config repo gets tag and digest, so people can read what runs.`, {
                hint: `Pass the tag too: ${image.reference.name}:<tag>@${image.digest}.`
            });
        }
        const pin = {
            repository: canonicalRepository(image.reference),
            name: image.reference.name,
            tag: image.reference.tag,
            digest: image.pin === 'digest' ? image.digest : undefined
        };
        for (const target of targets) {
            const file = await targetFile(request.repoRoot, target);
            const current = texts.get(file) ?? (await read(request.repoRoot, file));
            const outcome = target.kind === 'helm'
                ? editHelmValues(current.after, file, pin, target)
                : await editOverlay(request, target, file, current.after, pin);
            for (const change of outcome.changes) {
                if (!/(?:^|\.)(?:newTag|tag)$/.test(change.path) &&
                    !(target.kind === 'helm' && change.path === target.key))
                    continue;
                const tagOf = (value) => value && target.kind === 'helm' && change.path === target.key
                    ? tagOfReference(value)
                    : value;
                const warning = checkDowngrade(`${change.file}:${change.line}`, tagOf(change.old), tagOf(change.new), request.allowDowngrade ?? 'warn');
                if (warning)
                    logger.warning(warning);
            }
            texts.set(file, { before: current.before, after: outcome.text });
            const list = changes.get(file) ?? [];
            list.push(...outcome.changes.map(c => ({
                ...c,
                image: image.input,
                environment: request.environment
            })));
            changes.set(file, list);
            if (target.kind === 'kustomize') {
                const dir = posix.dirname(file);
                kustomizeDirs.set(dir, (kustomizeDirs.get(dir) ?? new Set()).add(image));
            }
        }
    }
    const files = [...texts]
        .filter(([, t]) => t.before !== t.after)
        .map(([file, t]) => ({ file, ...t, changes: changes.get(file) ?? [] }));
    const renders = await proveRenders(request, files, kustomizeDirs, logger);
    const diff = files.map(f => unifiedDiff(f.file, f.before, f.after)).join('');
    if (!request.dryRun) {
        for (const f of files)
            await writeAtomically(request.repoRoot, f.file, f.after);
    }
    return { files, renders, diff, written: !request.dryRun && files.length > 0 };
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
    const environment = config.environments.get(request.environment);
    if (!environment) {
        throw new ConfigError(`${request.configFile} has no environment ${JSON.stringify(request.environment)}.`, {
            hint: `Environments: ${[...config.environments.keys()].join(', ')}.`
        });
    }
    return [...environment.targets];
}
async function targetFile(repoRoot, target) {
    if (target.kind === 'kustomize')
        return findKustomization(repoRoot, target.path);
    return realRelativePath(repoRoot, target.path);
}
async function read(repoRoot, file) {
    const text = await readFile(await resolveInRepo(repoRoot, file, { mustExist: true }), 'utf8');
    return { before: text, after: text };
}
/**
 * An overlay without an entry for the image gets one (as `kustomize edit set
 * image` would) only when its rendered workloads use the repository; the
 * entry's name is spelled as the containers spell it, since kustomize
 * matches names literally.
 */
async function editOverlay(request, target, file, text, pin) {
    try {
        return editKustomization(text, file, pin);
    }
    catch (error) {
        if (!(error instanceof MissingImageEntryError))
            throw error;
        const renderer = await findRenderer('kustomize', request.env);
        if ('unavailable' in renderer) {
            throw new MissingImageEntryError(file, pin.repository, error.entries, `without a renderer (${renderer.unavailable}) promote-image cannot check that the overlay uses it`);
        }
        const used = await renderImages(renderer, request.repoRoot, posix.dirname(file));
        const match = used.find(u => canonicalRepositoryOf(u.image) === pin.repository);
        if (!match) {
            throw new MissingImageEntryError(file, pin.repository, error.entries, `the overlay ${target.path} deploys ${describeImages(used)}`);
        }
        return editKustomization(text, file, pin, { addEntryAs: repositoryOf(match.image) });
    }
}
async function proveRenders(request, files, dirs, logger) {
    if (request.verifyRender === 'false' || files.length === 0)
        return [];
    const changed = new Map(files.map(f => [f.file, f.after]));
    const proved = [...dirs].filter(([, images]) => [...images].some(image => files.some(f => f.changes.some(c => c.image === image.input))));
    if (proved.length === 0)
        return [];
    const renderer = await findRenderer('kustomize', request.env);
    if ('unavailable' in renderer) {
        if (request.verifyRender === 'true') {
            throw new RenderError(`verify-render is true, but no Kustomize renderer is available: ${renderer.unavailable}.`, {
                hint: 'Install kustomize or kubectl on the runner, or set verify-render: auto.'
            });
        }
        for (const [dir] of proved)
            logger.info(`Render proof skipped for ${dir}: ${renderer.unavailable}.`);
        return [];
    }
    const renders = await renderManyBeforeAfter(renderer, request.repoRoot, proved.map(([dir]) => dir), changed);
    const reports = [];
    for (const [i, [dir, images]] of proved.entries()) {
        const { before, after } = renders[i];
        for (const image of images) {
            const verdict = verifyRender(before, after, canonicalRepository(image.reference), image.pinned, dir);
            reports.push({ target: dir, image: image.input, ok: verdict.ok, message: verdict.message });
            if (!verdict.ok)
                throw new RenderError(verdict.message, { subject: dir, hint: renderHint });
            logger.info(`${dir}: ${verdict.message}`);
        }
    }
    return reports;
}
const renderHint = 'Make the overlay deploy the image (its images: name must match the container image name in the base), then promote again.';
/** The tag of a whole reference (Helm's string form), if it parses. */
function tagOfReference(value) {
    try {
        return parseReference(value).tag;
    }
    catch {
        return undefined;
    }
}
function repositoryOf(image) {
    return parseReference(image).name;
}
function describeImages(images) {
    const unique = [...new Set(images.map(i => i.image))];
    return unique.length ? unique.join(', ') : 'no container images';
}
/** Write to a temporary sibling, then rename: a crash never leaves half a file. */
async function writeAtomically(repoRoot, file, text) {
    const path = await resolveInRepo(repoRoot, file, { mustExist: true });
    const { mode } = await stat(path);
    const temporary = `${dirname(path)}/.promote-image-${process.pid}-${Date.now()}.tmp`;
    await writeFile(temporary, text, { mode });
    await rename(temporary, path);
}

var dist$1 = {};

var src$1 = {};

var src = {exports: {}};

var browser = {exports: {}};

/**
 * Helpers.
 */

var ms;
var hasRequiredMs;

function requireMs () {
	if (hasRequiredMs) return ms;
	hasRequiredMs = 1;
	var s = 1000;
	var m = s * 60;
	var h = m * 60;
	var d = h * 24;
	var w = d * 7;
	var y = d * 365.25;

	/**
	 * Parse or format the given `val`.
	 *
	 * Options:
	 *
	 *  - `long` verbose formatting [false]
	 *
	 * @param {String|Number} val
	 * @param {Object} [options]
	 * @throws {Error} throw an error if val is not a non-empty string or a number
	 * @return {String|Number}
	 * @api public
	 */

	ms = function (val, options) {
	  options = options || {};
	  var type = typeof val;
	  if (type === 'string' && val.length > 0) {
	    return parse(val);
	  } else if (type === 'number' && isFinite(val)) {
	    return options.long ? fmtLong(val) : fmtShort(val);
	  }
	  throw new Error(
	    'val is not a non-empty string or a valid number. val=' +
	      JSON.stringify(val)
	  );
	};

	/**
	 * Parse the given `str` and return milliseconds.
	 *
	 * @param {String} str
	 * @return {Number}
	 * @api private
	 */

	function parse(str) {
	  str = String(str);
	  if (str.length > 100) {
	    return;
	  }
	  var match = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i.exec(
	    str
	  );
	  if (!match) {
	    return;
	  }
	  var n = parseFloat(match[1]);
	  var type = (match[2] || 'ms').toLowerCase();
	  switch (type) {
	    case 'years':
	    case 'year':
	    case 'yrs':
	    case 'yr':
	    case 'y':
	      return n * y;
	    case 'weeks':
	    case 'week':
	    case 'w':
	      return n * w;
	    case 'days':
	    case 'day':
	    case 'd':
	      return n * d;
	    case 'hours':
	    case 'hour':
	    case 'hrs':
	    case 'hr':
	    case 'h':
	      return n * h;
	    case 'minutes':
	    case 'minute':
	    case 'mins':
	    case 'min':
	    case 'm':
	      return n * m;
	    case 'seconds':
	    case 'second':
	    case 'secs':
	    case 'sec':
	    case 's':
	      return n * s;
	    case 'milliseconds':
	    case 'millisecond':
	    case 'msecs':
	    case 'msec':
	    case 'ms':
	      return n;
	    default:
	      return undefined;
	  }
	}

	/**
	 * Short format for `ms`.
	 *
	 * @param {Number} ms
	 * @return {String}
	 * @api private
	 */

	function fmtShort(ms) {
	  var msAbs = Math.abs(ms);
	  if (msAbs >= d) {
	    return Math.round(ms / d) + 'd';
	  }
	  if (msAbs >= h) {
	    return Math.round(ms / h) + 'h';
	  }
	  if (msAbs >= m) {
	    return Math.round(ms / m) + 'm';
	  }
	  if (msAbs >= s) {
	    return Math.round(ms / s) + 's';
	  }
	  return ms + 'ms';
	}

	/**
	 * Long format for `ms`.
	 *
	 * @param {Number} ms
	 * @return {String}
	 * @api private
	 */

	function fmtLong(ms) {
	  var msAbs = Math.abs(ms);
	  if (msAbs >= d) {
	    return plural(ms, msAbs, d, 'day');
	  }
	  if (msAbs >= h) {
	    return plural(ms, msAbs, h, 'hour');
	  }
	  if (msAbs >= m) {
	    return plural(ms, msAbs, m, 'minute');
	  }
	  if (msAbs >= s) {
	    return plural(ms, msAbs, s, 'second');
	  }
	  return ms + ' ms';
	}

	/**
	 * Pluralization helper.
	 */

	function plural(ms, msAbs, n, name) {
	  var isPlural = msAbs >= n * 1.5;
	  return Math.round(ms / n) + ' ' + name + (isPlural ? 's' : '');
	}
	return ms;
}

var common;
var hasRequiredCommon;

function requireCommon () {
	if (hasRequiredCommon) return common;
	hasRequiredCommon = 1;
	/**
	 * This is the common logic for both the Node.js and web browser
	 * implementations of `debug()`.
	 */

	function setup(env) {
		createDebug.debug = createDebug;
		createDebug.default = createDebug;
		createDebug.coerce = coerce;
		createDebug.disable = disable;
		createDebug.enable = enable;
		createDebug.enabled = enabled;
		createDebug.humanize = requireMs();
		createDebug.destroy = destroy;

		Object.keys(env).forEach(key => {
			createDebug[key] = env[key];
		});

		/**
		* The currently active debug mode names, and names to skip.
		*/

		createDebug.names = [];
		createDebug.skips = [];

		/**
		* Map of special "%n" handling functions, for the debug "format" argument.
		*
		* Valid key names are a single, lower or upper-case letter, i.e. "n" and "N".
		*/
		createDebug.formatters = {};

		/**
		* Selects a color for a debug namespace
		* @param {String} namespace The namespace string for the debug instance to be colored
		* @return {Number|String} An ANSI color code for the given namespace
		* @api private
		*/
		function selectColor(namespace) {
			let hash = 0;

			for (let i = 0; i < namespace.length; i++) {
				hash = ((hash << 5) - hash) + namespace.charCodeAt(i);
				hash |= 0; // Convert to 32bit integer
			}

			return createDebug.colors[Math.abs(hash) % createDebug.colors.length];
		}
		createDebug.selectColor = selectColor;

		/**
		* Create a debugger with the given `namespace`.
		*
		* @param {String} namespace
		* @return {Function}
		* @api public
		*/
		function createDebug(namespace) {
			let prevTime;
			let enableOverride = null;
			let namespacesCache;
			let enabledCache;

			function debug(...args) {
				// Disabled?
				if (!debug.enabled) {
					return;
				}

				const self = debug;

				// Set `diff` timestamp
				const curr = Number(new Date());
				const ms = curr - (prevTime || curr);
				self.diff = ms;
				self.prev = prevTime;
				self.curr = curr;
				prevTime = curr;

				args[0] = createDebug.coerce(args[0]);

				if (typeof args[0] !== 'string') {
					// Anything else let's inspect with %O
					args.unshift('%O');
				}

				// Apply any `formatters` transformations
				let index = 0;
				args[0] = args[0].replace(/%([a-zA-Z%])/g, (match, format) => {
					// If we encounter an escaped % then don't increase the array index
					if (match === '%%') {
						return '%';
					}
					index++;
					const formatter = createDebug.formatters[format];
					if (typeof formatter === 'function') {
						const val = args[index];
						match = formatter.call(self, val);

						// Now we need to remove `args[index]` since it's inlined in the `format`
						args.splice(index, 1);
						index--;
					}
					return match;
				});

				// Apply env-specific formatting (colors, etc.)
				createDebug.formatArgs.call(self, args);

				const logFn = self.log || createDebug.log;
				logFn.apply(self, args);
			}

			debug.namespace = namespace;
			debug.useColors = createDebug.useColors();
			debug.color = createDebug.selectColor(namespace);
			debug.extend = extend;
			debug.destroy = createDebug.destroy; // XXX Temporary. Will be removed in the next major release.

			Object.defineProperty(debug, 'enabled', {
				enumerable: true,
				configurable: false,
				get: () => {
					if (enableOverride !== null) {
						return enableOverride;
					}
					if (namespacesCache !== createDebug.namespaces) {
						namespacesCache = createDebug.namespaces;
						enabledCache = createDebug.enabled(namespace);
					}

					return enabledCache;
				},
				set: v => {
					enableOverride = v;
				}
			});

			// Env-specific initialization logic for debug instances
			if (typeof createDebug.init === 'function') {
				createDebug.init(debug);
			}

			return debug;
		}

		function extend(namespace, delimiter) {
			const newDebug = createDebug(this.namespace + (typeof delimiter === 'undefined' ? ':' : delimiter) + namespace);
			newDebug.log = this.log;
			return newDebug;
		}

		/**
		* Enables a debug mode by namespaces. This can include modes
		* separated by a colon and wildcards.
		*
		* @param {String} namespaces
		* @api public
		*/
		function enable(namespaces) {
			createDebug.save(namespaces);
			createDebug.namespaces = namespaces;

			createDebug.names = [];
			createDebug.skips = [];

			const split = (typeof namespaces === 'string' ? namespaces : '')
				.trim()
				.replace(/\s+/g, ',')
				.split(',')
				.filter(Boolean);

			for (const ns of split) {
				if (ns[0] === '-') {
					createDebug.skips.push(ns.slice(1));
				} else {
					createDebug.names.push(ns);
				}
			}
		}

		/**
		 * Checks if the given string matches a namespace template, honoring
		 * asterisks as wildcards.
		 *
		 * @param {String} search
		 * @param {String} template
		 * @return {Boolean}
		 */
		function matchesTemplate(search, template) {
			let searchIndex = 0;
			let templateIndex = 0;
			let starIndex = -1;
			let matchIndex = 0;

			while (searchIndex < search.length) {
				if (templateIndex < template.length && (template[templateIndex] === search[searchIndex] || template[templateIndex] === '*')) {
					// Match character or proceed with wildcard
					if (template[templateIndex] === '*') {
						starIndex = templateIndex;
						matchIndex = searchIndex;
						templateIndex++; // Skip the '*'
					} else {
						searchIndex++;
						templateIndex++;
					}
				} else if (starIndex !== -1) { // eslint-disable-line no-negated-condition
					// Backtrack to the last '*' and try to match more characters
					templateIndex = starIndex + 1;
					matchIndex++;
					searchIndex = matchIndex;
				} else {
					return false; // No match
				}
			}

			// Handle trailing '*' in template
			while (templateIndex < template.length && template[templateIndex] === '*') {
				templateIndex++;
			}

			return templateIndex === template.length;
		}

		/**
		* Disable debug output.
		*
		* @return {String} namespaces
		* @api public
		*/
		function disable() {
			const namespaces = [
				...createDebug.names,
				...createDebug.skips.map(namespace => '-' + namespace)
			].join(',');
			createDebug.enable('');
			return namespaces;
		}

		/**
		* Returns true if the given mode name is enabled, false otherwise.
		*
		* @param {String} name
		* @return {Boolean}
		* @api public
		*/
		function enabled(name) {
			for (const skip of createDebug.skips) {
				if (matchesTemplate(name, skip)) {
					return false;
				}
			}

			for (const ns of createDebug.names) {
				if (matchesTemplate(name, ns)) {
					return true;
				}
			}

			return false;
		}

		/**
		* Coerce `val`.
		*
		* @param {Mixed} val
		* @return {Mixed}
		* @api private
		*/
		function coerce(val) {
			if (val instanceof Error) {
				return val.stack || val.message;
			}
			return val;
		}

		/**
		* XXX DO NOT USE. This is a temporary stub function.
		* XXX It WILL be removed in the next major release.
		*/
		function destroy() {
			console.warn('Instance method `debug.destroy()` is deprecated and no longer does anything. It will be removed in the next major version of `debug`.');
		}

		createDebug.enable(createDebug.load());

		return createDebug;
	}

	common = setup;
	return common;
}

/* eslint-env browser */

var hasRequiredBrowser;

function requireBrowser () {
	if (hasRequiredBrowser) return browser.exports;
	hasRequiredBrowser = 1;
	(function (module, exports) {
		/**
		 * This is the web browser implementation of `debug()`.
		 */

		exports.formatArgs = formatArgs;
		exports.save = save;
		exports.load = load;
		exports.useColors = useColors;
		exports.storage = localstorage();
		exports.destroy = (() => {
			let warned = false;

			return () => {
				if (!warned) {
					warned = true;
					console.warn('Instance method `debug.destroy()` is deprecated and no longer does anything. It will be removed in the next major version of `debug`.');
				}
			};
		})();

		/**
		 * Colors.
		 */

		exports.colors = [
			'#0000CC',
			'#0000FF',
			'#0033CC',
			'#0033FF',
			'#0066CC',
			'#0066FF',
			'#0099CC',
			'#0099FF',
			'#00CC00',
			'#00CC33',
			'#00CC66',
			'#00CC99',
			'#00CCCC',
			'#00CCFF',
			'#3300CC',
			'#3300FF',
			'#3333CC',
			'#3333FF',
			'#3366CC',
			'#3366FF',
			'#3399CC',
			'#3399FF',
			'#33CC00',
			'#33CC33',
			'#33CC66',
			'#33CC99',
			'#33CCCC',
			'#33CCFF',
			'#6600CC',
			'#6600FF',
			'#6633CC',
			'#6633FF',
			'#66CC00',
			'#66CC33',
			'#9900CC',
			'#9900FF',
			'#9933CC',
			'#9933FF',
			'#99CC00',
			'#99CC33',
			'#CC0000',
			'#CC0033',
			'#CC0066',
			'#CC0099',
			'#CC00CC',
			'#CC00FF',
			'#CC3300',
			'#CC3333',
			'#CC3366',
			'#CC3399',
			'#CC33CC',
			'#CC33FF',
			'#CC6600',
			'#CC6633',
			'#CC9900',
			'#CC9933',
			'#CCCC00',
			'#CCCC33',
			'#FF0000',
			'#FF0033',
			'#FF0066',
			'#FF0099',
			'#FF00CC',
			'#FF00FF',
			'#FF3300',
			'#FF3333',
			'#FF3366',
			'#FF3399',
			'#FF33CC',
			'#FF33FF',
			'#FF6600',
			'#FF6633',
			'#FF9900',
			'#FF9933',
			'#FFCC00',
			'#FFCC33'
		];

		/**
		 * Currently only WebKit-based Web Inspectors, Firefox >= v31,
		 * and the Firebug extension (any Firefox version) are known
		 * to support "%c" CSS customizations.
		 *
		 * TODO: add a `localStorage` variable to explicitly enable/disable colors
		 */

		// eslint-disable-next-line complexity
		function useColors() {
			// NB: In an Electron preload script, document will be defined but not fully
			// initialized. Since we know we're in Chrome, we'll just detect this case
			// explicitly
			if (typeof window !== 'undefined' && window.process && (window.process.type === 'renderer' || window.process.__nwjs)) {
				return true;
			}

			// Internet Explorer and Edge do not support colors.
			if (typeof navigator !== 'undefined' && navigator.userAgent && navigator.userAgent.toLowerCase().match(/(edge|trident)\/(\d+)/)) {
				return false;
			}

			let m;

			// Is webkit? http://stackoverflow.com/a/16459606/376773
			// document is undefined in react-native: https://github.com/facebook/react-native/pull/1632
			// eslint-disable-next-line no-return-assign
			return (typeof document !== 'undefined' && document.documentElement && document.documentElement.style && document.documentElement.style.WebkitAppearance) ||
				// Is firebug? http://stackoverflow.com/a/398120/376773
				(typeof window !== 'undefined' && window.console && (window.console.firebug || (window.console.exception && window.console.table))) ||
				// Is firefox >= v31?
				// https://developer.mozilla.org/en-US/docs/Tools/Web_Console#Styling_messages
				(typeof navigator !== 'undefined' && navigator.userAgent && (m = navigator.userAgent.toLowerCase().match(/firefox\/(\d+)/)) && parseInt(m[1], 10) >= 31) ||
				// Double check webkit in userAgent just in case we are in a worker
				(typeof navigator !== 'undefined' && navigator.userAgent && navigator.userAgent.toLowerCase().match(/applewebkit\/(\d+)/));
		}

		/**
		 * Colorize log arguments if enabled.
		 *
		 * @api public
		 */

		function formatArgs(args) {
			args[0] = (this.useColors ? '%c' : '') +
				this.namespace +
				(this.useColors ? ' %c' : ' ') +
				args[0] +
				(this.useColors ? '%c ' : ' ') +
				'+' + module.exports.humanize(this.diff);

			if (!this.useColors) {
				return;
			}

			const c = 'color: ' + this.color;
			args.splice(1, 0, c, 'color: inherit');

			// The final "%c" is somewhat tricky, because there could be other
			// arguments passed either before or after the %c, so we need to
			// figure out the correct index to insert the CSS into
			let index = 0;
			let lastC = 0;
			args[0].replace(/%[a-zA-Z%]/g, match => {
				if (match === '%%') {
					return;
				}
				index++;
				if (match === '%c') {
					// We only are interested in the *last* %c
					// (the user may have provided their own)
					lastC = index;
				}
			});

			args.splice(lastC, 0, c);
		}

		/**
		 * Invokes `console.debug()` when available.
		 * No-op when `console.debug` is not a "function".
		 * If `console.debug` is not available, falls back
		 * to `console.log`.
		 *
		 * @api public
		 */
		exports.log = console.debug || console.log || (() => {});

		/**
		 * Save `namespaces`.
		 *
		 * @param {String} namespaces
		 * @api private
		 */
		function save(namespaces) {
			try {
				if (namespaces) {
					exports.storage.setItem('debug', namespaces);
				} else {
					exports.storage.removeItem('debug');
				}
			} catch (error) {
				// Swallow
				// XXX (@Qix-) should we be logging these?
			}
		}

		/**
		 * Load `namespaces`.
		 *
		 * @return {String} returns the previously persisted debug modes
		 * @api private
		 */
		function load() {
			let r;
			try {
				r = exports.storage.getItem('debug') || exports.storage.getItem('DEBUG') ;
			} catch (error) {
				// Swallow
				// XXX (@Qix-) should we be logging these?
			}

			// If debug isn't set in LS, and we're in Electron, try to load $DEBUG
			if (!r && typeof process !== 'undefined' && 'env' in process) {
				r = process.env.DEBUG;
			}

			return r;
		}

		/**
		 * Localstorage attempts to return the localstorage.
		 *
		 * This is necessary because safari throws
		 * when a user disables cookies/localstorage
		 * and you attempt to access it.
		 *
		 * @return {LocalStorage}
		 * @api private
		 */

		function localstorage() {
			try {
				// TVMLKit (Apple TV JS Runtime) does not have a window object, just localStorage in the global context
				// The Browser also has localStorage in the global context.
				return localStorage;
			} catch (error) {
				// Swallow
				// XXX (@Qix-) should we be logging these?
			}
		}

		module.exports = requireCommon()(exports);

		const {formatters} = module.exports;

		/**
		 * Map %j to `JSON.stringify()`, since no Web Inspectors do that by default.
		 */

		formatters.j = function (v) {
			try {
				return JSON.stringify(v);
			} catch (error) {
				return '[UnexpectedJSONParseError]: ' + error.message;
			}
		}; 
	} (browser, browser.exports));
	return browser.exports;
}

var node = {exports: {}};

var hasFlag;
var hasRequiredHasFlag;

function requireHasFlag () {
	if (hasRequiredHasFlag) return hasFlag;
	hasRequiredHasFlag = 1;

	hasFlag = (flag, argv = process.argv) => {
		const prefix = flag.startsWith('-') ? '' : (flag.length === 1 ? '-' : '--');
		const position = argv.indexOf(prefix + flag);
		const terminatorPosition = argv.indexOf('--');
		return position !== -1 && (terminatorPosition === -1 || position < terminatorPosition);
	};
	return hasFlag;
}

var supportsColor_1;
var hasRequiredSupportsColor;

function requireSupportsColor () {
	if (hasRequiredSupportsColor) return supportsColor_1;
	hasRequiredSupportsColor = 1;
	const os = os__default;
	const tty = require$$1;
	const hasFlag = requireHasFlag();

	const {env} = process;

	let forceColor;
	if (hasFlag('no-color') ||
		hasFlag('no-colors') ||
		hasFlag('color=false') ||
		hasFlag('color=never')) {
		forceColor = 0;
	} else if (hasFlag('color') ||
		hasFlag('colors') ||
		hasFlag('color=true') ||
		hasFlag('color=always')) {
		forceColor = 1;
	}

	if ('FORCE_COLOR' in env) {
		if (env.FORCE_COLOR === 'true') {
			forceColor = 1;
		} else if (env.FORCE_COLOR === 'false') {
			forceColor = 0;
		} else {
			forceColor = env.FORCE_COLOR.length === 0 ? 1 : Math.min(parseInt(env.FORCE_COLOR, 10), 3);
		}
	}

	function translateLevel(level) {
		if (level === 0) {
			return false;
		}

		return {
			level,
			hasBasic: true,
			has256: level >= 2,
			has16m: level >= 3
		};
	}

	function supportsColor(haveStream, streamIsTTY) {
		if (forceColor === 0) {
			return 0;
		}

		if (hasFlag('color=16m') ||
			hasFlag('color=full') ||
			hasFlag('color=truecolor')) {
			return 3;
		}

		if (hasFlag('color=256')) {
			return 2;
		}

		if (haveStream && !streamIsTTY && forceColor === undefined) {
			return 0;
		}

		const min = forceColor || 0;

		if (env.TERM === 'dumb') {
			return min;
		}

		if (process.platform === 'win32') {
			// Windows 10 build 10586 is the first Windows release that supports 256 colors.
			// Windows 10 build 14931 is the first release that supports 16m/TrueColor.
			const osRelease = os.release().split('.');
			if (
				Number(osRelease[0]) >= 10 &&
				Number(osRelease[2]) >= 10586
			) {
				return Number(osRelease[2]) >= 14931 ? 3 : 2;
			}

			return 1;
		}

		if ('CI' in env) {
			if (['TRAVIS', 'CIRCLECI', 'APPVEYOR', 'GITLAB_CI', 'GITHUB_ACTIONS', 'BUILDKITE'].some(sign => sign in env) || env.CI_NAME === 'codeship') {
				return 1;
			}

			return min;
		}

		if ('TEAMCITY_VERSION' in env) {
			return /^(9\.(0*[1-9]\d*)\.|\d{2,}\.)/.test(env.TEAMCITY_VERSION) ? 1 : 0;
		}

		if (env.COLORTERM === 'truecolor') {
			return 3;
		}

		if ('TERM_PROGRAM' in env) {
			const version = parseInt((env.TERM_PROGRAM_VERSION || '').split('.')[0], 10);

			switch (env.TERM_PROGRAM) {
				case 'iTerm.app':
					return version >= 3 ? 3 : 2;
				case 'Apple_Terminal':
					return 2;
				// No default
			}
		}

		if (/-256(color)?$/i.test(env.TERM)) {
			return 2;
		}

		if (/^screen|^xterm|^vt100|^vt220|^rxvt|color|ansi|cygwin|linux/i.test(env.TERM)) {
			return 1;
		}

		if ('COLORTERM' in env) {
			return 1;
		}

		return min;
	}

	function getSupportLevel(stream) {
		const level = supportsColor(stream, stream && stream.isTTY);
		return translateLevel(level);
	}

	supportsColor_1 = {
		supportsColor: getSupportLevel,
		stdout: translateLevel(supportsColor(true, tty.isatty(1))),
		stderr: translateLevel(supportsColor(true, tty.isatty(2)))
	};
	return supportsColor_1;
}

/**
 * Module dependencies.
 */

var hasRequiredNode;

function requireNode () {
	if (hasRequiredNode) return node.exports;
	hasRequiredNode = 1;
	(function (module, exports) {
		const tty = require$$1;
		const util = require$$6;

		/**
		 * This is the Node.js implementation of `debug()`.
		 */

		exports.init = init;
		exports.log = log;
		exports.formatArgs = formatArgs;
		exports.save = save;
		exports.load = load;
		exports.useColors = useColors;
		exports.destroy = util.deprecate(
			() => {},
			'Instance method `debug.destroy()` is deprecated and no longer does anything. It will be removed in the next major version of `debug`.'
		);

		/**
		 * Colors.
		 */

		exports.colors = [6, 2, 3, 4, 5, 1];

		try {
			// Optional dependency (as in, doesn't need to be installed, NOT like optionalDependencies in package.json)
			// eslint-disable-next-line import/no-extraneous-dependencies
			const supportsColor = requireSupportsColor();

			if (supportsColor && (supportsColor.stderr || supportsColor).level >= 2) {
				exports.colors = [
					20,
					21,
					26,
					27,
					32,
					33,
					38,
					39,
					40,
					41,
					42,
					43,
					44,
					45,
					56,
					57,
					62,
					63,
					68,
					69,
					74,
					75,
					76,
					77,
					78,
					79,
					80,
					81,
					92,
					93,
					98,
					99,
					112,
					113,
					128,
					129,
					134,
					135,
					148,
					149,
					160,
					161,
					162,
					163,
					164,
					165,
					166,
					167,
					168,
					169,
					170,
					171,
					172,
					173,
					178,
					179,
					184,
					185,
					196,
					197,
					198,
					199,
					200,
					201,
					202,
					203,
					204,
					205,
					206,
					207,
					208,
					209,
					214,
					215,
					220,
					221
				];
			}
		} catch (error) {
			// Swallow - we only care if `supports-color` is available; it doesn't have to be.
		}

		/**
		 * Build up the default `inspectOpts` object from the environment variables.
		 *
		 *   $ DEBUG_COLORS=no DEBUG_DEPTH=10 DEBUG_SHOW_HIDDEN=enabled node script.js
		 */

		exports.inspectOpts = Object.keys(process.env).filter(key => {
			return /^debug_/i.test(key);
		}).reduce((obj, key) => {
			// Camel-case
			const prop = key
				.substring(6)
				.toLowerCase()
				.replace(/_([a-z])/g, (_, k) => {
					return k.toUpperCase();
				});

			// Coerce string value into JS value
			let val = process.env[key];
			if (/^(yes|on|true|enabled)$/i.test(val)) {
				val = true;
			} else if (/^(no|off|false|disabled)$/i.test(val)) {
				val = false;
			} else if (val === 'null') {
				val = null;
			} else {
				val = Number(val);
			}

			obj[prop] = val;
			return obj;
		}, {});

		/**
		 * Is stdout a TTY? Colored output is enabled when `true`.
		 */

		function useColors() {
			return 'colors' in exports.inspectOpts ?
				Boolean(exports.inspectOpts.colors) :
				tty.isatty(process.stderr.fd);
		}

		/**
		 * Adds ANSI color escape codes if enabled.
		 *
		 * @api public
		 */

		function formatArgs(args) {
			const {namespace: name, useColors} = this;

			if (useColors) {
				const c = this.color;
				const colorCode = '\u001B[3' + (c < 8 ? c : '8;5;' + c);
				const prefix = `  ${colorCode};1m${name} \u001B[0m`;

				args[0] = prefix + args[0].split('\n').join('\n' + prefix);
				args.push(colorCode + 'm+' + module.exports.humanize(this.diff) + '\u001B[0m');
			} else {
				args[0] = getDate() + name + ' ' + args[0];
			}
		}

		function getDate() {
			if (exports.inspectOpts.hideDate) {
				return '';
			}
			return new Date().toISOString() + ' ';
		}

		/**
		 * Invokes `util.formatWithOptions()` with the specified arguments and writes to stderr.
		 */

		function log(...args) {
			return process.stderr.write(util.formatWithOptions(exports.inspectOpts, ...args) + '\n');
		}

		/**
		 * Save `namespaces`.
		 *
		 * @param {String} namespaces
		 * @api private
		 */
		function save(namespaces) {
			if (namespaces) {
				process.env.DEBUG = namespaces;
			} else {
				// If you set a process.env field to null or undefined, it gets cast to the
				// string 'null' or 'undefined'. Just delete instead.
				delete process.env.DEBUG;
			}
		}

		/**
		 * Load `namespaces`.
		 *
		 * @return {String} returns the previously persisted debug modes
		 * @api private
		 */

		function load() {
			return process.env.DEBUG;
		}

		/**
		 * Init logic for `debug` instances.
		 *
		 * Create a new `inspectOpts` object in case `useColors` is set
		 * differently for a particular `debug` instance.
		 */

		function init(debug) {
			debug.inspectOpts = {};

			const keys = Object.keys(exports.inspectOpts);
			for (let i = 0; i < keys.length; i++) {
				debug.inspectOpts[keys[i]] = exports.inspectOpts[keys[i]];
			}
		}

		module.exports = requireCommon()(exports);

		const {formatters} = module.exports;

		/**
		 * Map %o to `util.inspect()`, all on a single line.
		 */

		formatters.o = function (v) {
			this.inspectOpts.colors = this.useColors;
			return util.inspect(v, this.inspectOpts)
				.split('\n')
				.map(str => str.trim())
				.join(' ');
		};

		/**
		 * Map %O to `util.inspect()`, allowing multiple lines if needed.
		 */

		formatters.O = function (v) {
			this.inspectOpts.colors = this.useColors;
			return util.inspect(v, this.inspectOpts);
		}; 
	} (node, node.exports));
	return node.exports;
}

/**
 * Detect Electron renderer / nwjs process, which is node, but we should
 * treat as a browser.
 */

var hasRequiredSrc$1;

function requireSrc$1 () {
	if (hasRequiredSrc$1) return src.exports;
	hasRequiredSrc$1 = 1;
	if (typeof process === 'undefined' || process.type === 'renderer' || process.browser === true || process.__nwjs) {
		src.exports = requireBrowser();
	} else {
		src.exports = requireNode();
	}
	return src.exports;
}

var hasRequiredSrc;

function requireSrc () {
	if (hasRequiredSrc) return src$1;
	hasRequiredSrc = 1;
	(function (exports) {
		var __importDefault = (src$1 && src$1.__importDefault) || function (mod) {
		    return (mod && mod.__esModule) ? mod : { "default": mod };
		};
		Object.defineProperty(exports, "__esModule", { value: true });
		const fs_1 = fs__default;
		const debug_1 = __importDefault(requireSrc$1());
		const log = debug_1.default('@kwsites/file-exists');
		function check(path, isFile, isDirectory) {
		    log(`checking %s`, path);
		    try {
		        const stat = fs_1.statSync(path);
		        if (stat.isFile() && isFile) {
		            log(`[OK] path represents a file`);
		            return true;
		        }
		        if (stat.isDirectory() && isDirectory) {
		            log(`[OK] path represents a directory`);
		            return true;
		        }
		        log(`[FAIL] path represents something other than a file or directory`);
		        return false;
		    }
		    catch (e) {
		        if (e.code === 'ENOENT') {
		            log(`[FAIL] path is not accessible: %o`, e);
		            return false;
		        }
		        log(`[FATAL] %o`, e);
		        throw e;
		    }
		}
		/**
		 * Synchronous validation of a path existing either as a file or as a directory.
		 *
		 * @param {string} path The path to check
		 * @param {number} type One or both of the exported numeric constants
		 */
		function exists(path, type = exports.READABLE) {
		    return check(path, (type & exports.FILE) > 0, (type & exports.FOLDER) > 0);
		}
		exports.exists = exists;
		/**
		 * Constant representing a file
		 */
		exports.FILE = 1;
		/**
		 * Constant representing a folder
		 */
		exports.FOLDER = 2;
		/**
		 * Constant representing either a file or a folder
		 */
		exports.READABLE = exports.FILE + exports.FOLDER;
		
	} (src$1));
	return src$1;
}

var hasRequiredDist$1;

function requireDist$1 () {
	if (hasRequiredDist$1) return dist$1;
	hasRequiredDist$1 = 1;
	(function (exports) {
		function __export(m) {
		    for (var p in m) if (!exports.hasOwnProperty(p)) exports[p] = m[p];
		}
		Object.defineProperty(exports, "__esModule", { value: true });
		__export(requireSrc());
		
	} (dist$1));
	return dist$1;
}

var distExports$1 = requireDist$1();

const t = /* @__PURE__ */ new WeakMap();
function c$1(...n) {
  const e = new String(n);
  return t.set(e, n), e;
}
function r(n) {
  return n instanceof String && t.has(n);
}
function o(n) {
  return t.get(n) ?? [];
}

var srcExports = requireSrc$1();
var debug = /*@__PURE__*/getDefaultExportFromCjs(srcExports);

var dist = {};

var hasRequiredDist;

function requireDist () {
	if (hasRequiredDist) return dist;
	hasRequiredDist = 1;
	Object.defineProperty(dist, "__esModule", { value: true });
	dist.createDeferred = dist.deferred = void 0;
	/**
	 * Creates a new `DeferredPromise`
	 *
	 * ```typescript
	 import {deferred} from '@kwsites/promise-deferred`;
	 ```
	 */
	function deferred() {
	    let done;
	    let fail;
	    let status = 'pending';
	    const promise = new Promise((_done, _fail) => {
	        done = _done;
	        fail = _fail;
	    });
	    return {
	        promise,
	        done(result) {
	            if (status === 'pending') {
	                status = 'resolved';
	                done(result);
	            }
	        },
	        fail(error) {
	            if (status === 'pending') {
	                status = 'rejected';
	                fail(error);
	            }
	        },
	        get fulfilled() {
	            return status !== 'pending';
	        },
	        get status() {
	            return status;
	        },
	    };
	}
	dist.deferred = deferred;
	/**
	 * Alias of the exported `deferred` function, to help consumers wanting to use `deferred` as the
	 * local variable name rather than the factory import name, without needing to rename on import.
	 *
	 * ```typescript
	 import {createDeferred} from '@kwsites/promise-deferred`;
	 ```
	 */
	dist.createDeferred = deferred;
	/**
	 * Default export allows use as:
	 *
	 * ```typescript
	 import deferred from '@kwsites/promise-deferred`;
	 ```
	 */
	dist.default = deferred;
	
	return dist;
}

var distExports = requireDist();

function* U(e, t) {
  const n = t === "global";
  for (const o of e)
    o.isGlobal === n && (yield o);
}
const k = /* @__PURE__ */ new Set([
  "--add",
  "--edit",
  "--remove-section",
  "--rename-section",
  "--replace-all",
  "--unset",
  "--unset-all",
  "-e"
]), S = /* @__PURE__ */ new Set([
  "--get",
  "--get-all",
  "--get-color",
  "--get-colorbool",
  "--get-regexp",
  "--get-urlmatch",
  "--list",
  "-l"
]), P = /* @__PURE__ */ new Set([
  "edit",
  "remove-section",
  "rename-section",
  "set",
  "unset"
]), E = /* @__PURE__ */ new Set(["get", "get-color", "get-colorbool", "list"]);
function F(e, t) {
  for (const { name: o } of U(e, "task")) {
    if (k.has(o))
      return p(true, t);
    if (S.has(o))
      return p(false, t);
  }
  const n = t.at(0)?.toLowerCase();
  return n === void 0 ? null : P.has(n) ? p(true, t.slice(1)) : E.has(n) ? p(false, t.slice(1)) : t.length === 1 ? p(false, t) : p(true, t);
}
function p(e = false, t = []) {
  const n = t.at(0)?.toLowerCase();
  return n === void 0 ? null : {
    isWrite: e,
    isRead: !e,
    key: n,
    value: t.at(1)
  };
}
function A(e, t) {
  return t.isWrite && t.value !== void 0 ? { key: t.key, value: t.value, scope: e } : { key: t.key, scope: e };
}
function M(e) {
  const t = e?.indexOf("=") || -1;
  return !e || t < 0 ? null : {
    key: e.slice(0, t).trim().toLowerCase(),
    value: e.slice(t + 1)
  };
}
function N(e) {
  for (const { name: t } of U(e, "task"))
    switch (t) {
      case "--global":
        return "global";
      case "--system":
        return "system";
      case "--worktree":
        return "worktree";
      case "--local":
        return "local";
      case "--file":
      case "-f":
        return "file";
    }
  return "local";
}
function G({ name: e }) {
  if (e === "-c" || e === "--config")
    return "inline";
  if (e === "--config-env")
    return "env";
}
function* O(e) {
  for (const t of e) {
    const n = G(t), o = n && M(t.value);
    o && (yield {
      ...o,
      scope: n
    });
  }
}
function L(e, t, n) {
  const o = {
    read: [],
    write: [...O(t)]
  };
  return e === "config" && $(
    o,
    N(t),
    F(t, n)
  ), o;
}
function $(e, t, n) {
  if (n === null)
    return;
  const o = A(t, n);
  n.isWrite ? e.write.push(o) : e.read.push(o);
}
const x = {
  short: /* @__PURE__ */ new Map([
    ["c", true]
    //  -c <k=v>    set config key for this invocation
  ])
}, D = {
  short: new Map([
    ["C", true],
    //  -C <path>   change working directory
    ["P", false],
    // -P          no pager (alias for --no-pager)
    ["h", false],
    // -h          help
    ["p", false],
    // -p          paginate
    ["v", false],
    // -v          version
    ...x.short.entries()
  ]),
  long: /* @__PURE__ */ new Set([
    "attr-source",
    "config-env",
    "exec-path",
    "git-dir",
    "list-cmds",
    "namespace",
    "super-prefix",
    "work-tree"
  ])
}, R = {
  clone: {
    short: /* @__PURE__ */ new Map([
      ["b", true],
      // -b <branch>
      ["j", true],
      // -j <n>          parallel jobs
      ["l", false],
      // -l local
      ["n", false],
      // -n no-checkout
      ["o", true],
      // -o <name>       remote name
      ["q", false],
      // -q quiet
      ["s", false],
      // -s shared
      ["u", true]
      // -u <upload-pack>
    ]),
    long: /* @__PURE__ */ new Set(["branch", "config", "jobs", "origin", "upload-pack", "u", "template"])
  },
  commit: {
    short: /* @__PURE__ */ new Map([
      ["C", true],
      // -C <commit>  reuse message
      ["F", true],
      // -F <file>    read message from file
      ["c", true],
      // -c <commit>  reedit message
      ["m", true],
      // -m <msg>
      ["t", true]
      // -t <template>
    ]),
    long: /* @__PURE__ */ new Set(["file", "message", "reedit-message", "reuse-message", "template"])
  },
  config: {
    short: /* @__PURE__ */ new Map([
      ["e", false],
      // -e  open editor
      ["f", true],
      //  -f <file>
      ["l", false]
      // -l  list
    ]),
    long: /* @__PURE__ */ new Set(["blob", "comment", "default", "file", "type", "value"])
  },
  fetch: {
    short: /* @__PURE__ */ new Map(),
    long: /* @__PURE__ */ new Set(["upload-pack"])
  },
  init: {
    short: /* @__PURE__ */ new Map(),
    long: /* @__PURE__ */ new Set(["template"])
  },
  pull: {
    short: /* @__PURE__ */ new Map(),
    long: /* @__PURE__ */ new Set(["upload-pack"])
  },
  push: {
    short: /* @__PURE__ */ new Map(),
    long: /* @__PURE__ */ new Set(["exec", "receive-pack"])
  }
}, T = { short: /* @__PURE__ */ new Map(), long: /* @__PURE__ */ new Set() };
function I(e) {
  const t = R[e ?? ""] ?? T;
  return {
    short: new Map([...x.short.entries(), ...t.short.entries()]),
    long: t.long
  };
}
function b(e, t = D) {
  if (e.startsWith("--")) {
    const n = e.indexOf("=");
    if (n > 2)
      return [{ name: e.slice(0, n), value: e.slice(n + 1), needsNext: false }];
    const o = e.slice(2);
    return [{ name: e, needsNext: t.long.has(o) }];
  }
  if (e.length === 2) {
    const n = e.charAt(1), o = t.short.get(n);
    return [{ name: e, needsNext: o === true }];
  }
  return W(e, t.short);
}
function W(e, t) {
  const n = e.slice(1).split(""), o = [];
  for (let s = 0; s < n.length; s++) {
    const r = n[s], l = t.get(r);
    if (l === void 0)
      return [{ name: e, needsNext: false }];
    if (l) {
      const a = n.slice(s + 1).join("");
      if (a && ![...a].every((w) => t.has(w)))
        return o.push({ name: `-${r}`, value: a, needsNext: false }), o;
    }
    o.push({ name: `-${r}`, needsNext: l });
  }
  return o;
}
function j(e, t = []) {
  let n = 0;
  for (; n < e.length; ) {
    const o = String(e[n]);
    if (!o.startsWith("-") || o.length < 2) break;
    const s = b(o);
    let r = n + 1;
    for (const l of s) {
      const a = {
        name: l.name,
        value: l.value,
        absorbedNext: false,
        isGlobal: true
      };
      l.needsNext && a.value === void 0 && r < e.length && (a.value = String(e[r]), a.absorbedNext = true, r++), t.push(a);
    }
    n = r;
  }
  return { flags: t, taskIndex: n };
}
function B(e, t, n = []) {
  const o$1 = I(t), s = [], r$1 = [];
  let l = 0;
  for (; l < e.length; ) {
    const a = e[l];
    if (r(a)) {
      r$1.push(...o(a)), l++;
      continue;
    }
    const f = String(a);
    if (f === "--") {
      for (let g = l + 1; g < e.length; g++) {
        const u = e[g];
        r(u) ? r$1.push(...o(u)) : r$1.push(String(u));
      }
      break;
    }
    if (!f.startsWith("-") || f.length < 2) {
      s.push(f), l++;
      continue;
    }
    const w = b(f, o$1);
    let d = l + 1;
    for (const g of w) {
      const u = {
        name: g.name,
        value: g.value,
        absorbedNext: false,
        isGlobal: false
      };
      g.needsNext && u.value === void 0 && d < e.length && !r(e[d]) && (u.value = String(e[d]), u.absorbedNext = true, d++), n.push(u);
    }
    l = d;
  }
  return { flags: n, positionals: s, pathspecs: r$1 };
}
function* V({
  write: e
}) {
  for (const t of e)
    for (const n of q) {
      const o = n(t.key);
      o && (yield o);
    }
}
function c(e, t, n = String(e)) {
  const o = typeof e == "string" ? new RegExp(`\\s*${e.toLowerCase()}`) : e;
  return function(r) {
    if (o.test(r))
      return {
        category: t,
        message: `Configuring ${n} is not permitted without enabling ${t}`
      };
  };
}
function i(e, t) {
  const n = new RegExp(`\\s*${e.toLowerCase().replace(/\./g, "(..+)?.")}`);
  return c(n, t, e);
}
const q = [
  c("alias", "allowUnsafeAlias"),
  c("core.askPass", "allowUnsafeAskPass"),
  c("core.editor", "allowUnsafeEditor"),
  c("core.fsmonitor", "allowUnsafeFsMonitor"),
  c("core.gitProxy", "allowUnsafeGitProxy"),
  c("core.hooksPath", "allowUnsafeHooksPath"),
  c("core.pager", "allowUnsafePager"),
  c("core.sshCommand", "allowUnsafeSshCommand"),
  i("credential.helper", "allowUnsafeCredentialHelper"),
  i("diff.command", "allowUnsafeDiffExternal"),
  c("diff.external", "allowUnsafeDiffExternal"),
  i("diff.textconv", "allowUnsafeDiffTextConv"),
  i("filter.clean", "allowUnsafeFilter"),
  i("filter.smudge", "allowUnsafeFilter"),
  i("gpg.program", "allowUnsafeGpgProgram"),
  c("init.templateDir", "allowUnsafeTemplateDir"),
  i("merge.driver", "allowUnsafeMergeDriver"),
  i("mergetool.path", "allowUnsafeMergeDriver"),
  i("mergetool.cmd", "allowUnsafeMergeDriver"),
  i("protocol.allow", "allowUnsafeProtocolOverride"),
  i("remote.receivepack", "allowUnsafePack"),
  i("remote.uploadpack", "allowUnsafePack"),
  c("sequence.editor", "allowUnsafeEditor")
];
function* K(e, t) {
  for (const n of t)
    for (const o of H) {
      const s = o(e, n.name);
      s && (yield s);
    }
}
function h(e, t, n, o = String(t)) {
  const s = typeof t == "string" ? new RegExp(`\\s*${t.toLowerCase()}`) : t, r = `Use of ${e ? `${e} with option ` : ""}${o} is not permitted without enabling ${n}`;
  return function(a, f) {
    if ((!e || a === e) && s.test(f))
      return {
        category: n,
        message: r
      };
  };
}
const H = [
  h(
    null,
    /--(upload|receive)-pack/,
    "allowUnsafePack",
    "--upload-pack or --receive-pack"
  ),
  h("clone", /^-\w*u/, "allowUnsafePack"),
  h("clone", "--u", "allowUnsafePack"),
  h("push", "--exec", "allowUnsafePack"),
  h(null, "--template", "allowUnsafeTemplateDir")
];
function C(e, t, n) {
  return [...K(e, t), ...V(n)];
}
function Y(...e) {
  const { flags: t, taskIndex: n } = j(e), o = n < e.length ? String(e[n]).toLowerCase() : null, s = o !== null ? e.slice(n + 1) : [], { positionals: r, pathspecs: l } = B(s, o, t), a = L(o, t, r);
  return {
    task: o,
    flags: t.map(J),
    paths: l,
    config: a,
    vulnerabilities: z(C(o, t, a))
  };
}
function z(e) {
  return Object.defineProperty(e, "vulnerabilities", {
    value: e
  });
}
function J({ value: e, name: t }) {
  return e !== void 0 ? { name: t, value: e } : { name: t };
}
const y = {
  editor: "allowUnsafeEditor",
  git_askpass: "allowUnsafeAskPass",
  git_config_global: "allowUnsafeConfigPaths",
  git_config_system: "allowUnsafeConfigPaths",
  git_config_count: "allowUnsafeConfigEnvCount",
  git_config: "allowUnsafeConfigPaths",
  git_editor: "allowUnsafeEditor",
  git_exec_path: "allowUnsafeConfigPaths",
  git_external_diff: "allowUnsafeDiffExternal",
  git_pager: "allowUnsafePager",
  git_proxy_command: "allowUnsafeGitProxy",
  git_template_dir: "allowUnsafeTemplateDir",
  git_sequence_editor: "allowUnsafeEditor",
  git_ssh: "allowUnsafeSshCommand",
  git_ssh_command: "allowUnsafeSshCommand",
  pager: "allowUnsafePager",
  prefix: "allowUnsafeConfigPaths",
  ssh_askpass: "allowUnsafeAskPass"
};
function* Q(e) {
  const t = parseInt(e.git_config_count ?? "0", 10);
  for (let n = 0; n < t; n++) {
    const o = e[`git_config_key_${n}`], s = e[`git_config_value_${n}`];
    o !== void 0 && (yield { key: o.toLowerCase().trim(), value: s, scope: "env" });
  }
}
function* X(e) {
  for (const t of Object.keys(e))
    if (_(t)) {
      const n = y[t];
      yield {
        category: n,
        message: `Use of "${t.toUpperCase()}" is not permitted without enabling ${n}`
      };
    }
}
function _(e) {
  return Object.hasOwn(y, e);
}
function Z(e) {
  const t = {};
  for (const [n, o] of Object.entries(e)) {
    const s = n.toLowerCase().trim();
    (_(s) || s.startsWith("git")) && (t[s] = String(o));
  }
  return t;
}
function ee(e) {
  const t = Z(e), n = {
    read: [],
    write: [...Q(t)]
  }, o = [
    ...X(t),
    ...C(null, [], n)
  ];
  return {
    config: n,
    vulnerabilities: o
  };
}
function ne(e, t) {
  return [...Y(...e).vulnerabilities, ...ee(t).vulnerabilities];
}

var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/lib/errors/git-error.ts
var GitError$1;
var init_git_error = __esm({
  "src/lib/errors/git-error.ts"() {
    GitError$1 = class extends Error {
      constructor(task, message) {
        super(message);
        this.task = task;
        Object.setPrototypeOf(this, new.target.prototype);
      }
    };
  }
});

// src/lib/errors/git-response-error.ts
var GitResponseError;
var init_git_response_error = __esm({
  "src/lib/errors/git-response-error.ts"() {
    init_git_error();
    GitResponseError = class extends GitError$1 {
      constructor(git, message) {
        super(void 0, message || String(git));
        this.git = git;
      }
    };
  }
});

// src/lib/errors/task-configuration-error.ts
var TaskConfigurationError;
var init_task_configuration_error = __esm({
  "src/lib/errors/task-configuration-error.ts"() {
    init_git_error();
    TaskConfigurationError = class extends GitError$1 {
      constructor(message) {
        super(void 0, message);
      }
    };
  }
});
function asFunction(source) {
  if (typeof source !== "function") {
    return NOOP;
  }
  return source;
}
function isUserFunction(source) {
  return typeof source === "function" && source !== NOOP;
}
function splitOn(input, char) {
  const index = input.indexOf(char);
  if (index <= 0) {
    return [input, ""];
  }
  return [input.substr(0, index), input.substr(index + 1)];
}
function first(input, offset = 0) {
  return isArrayLike(input) && input.length > offset ? input[offset] : void 0;
}
function last(input, offset = 0) {
  if (isArrayLike(input) && input.length > offset) {
    return input[input.length - 1 - offset];
  }
}
function isArrayLike(input) {
  return filterHasLength(input);
}
function toLinesWithContent(input = "", trimmed2 = true, separator = "\n") {
  return input.split(separator).reduce((output, line) => {
    const lineContent = trimmed2 ? line.trim() : line;
    if (lineContent) {
      output.push(lineContent);
    }
    return output;
  }, []);
}
function forEachLineWithContent(input, callback) {
  return toLinesWithContent(input, true).map((line) => callback(line));
}
function folderExists(path) {
  return distExports$1.exists(path, distExports$1.FOLDER);
}
function append(target, item) {
  if (Array.isArray(target)) {
    if (!target.includes(item)) {
      target.push(item);
    }
  } else {
    target.add(item);
  }
  return item;
}
function including(target, item) {
  if (Array.isArray(target) && !target.includes(item)) {
    target.push(item);
  }
  return target;
}
function remove(target, item) {
  if (Array.isArray(target)) {
    const index = target.indexOf(item);
    if (index >= 0) {
      target.splice(index, 1);
    }
  } else {
    target.delete(item);
  }
  return item;
}
function asArray(source) {
  return Array.isArray(source) ? source : [source];
}
function asCamelCase(str) {
  return str.replace(/[\s-]+(.)/g, (_all, chr) => {
    return chr.toUpperCase();
  });
}
function asStringArray(source) {
  return asArray(source).map((item) => {
    return item instanceof String ? item : String(item);
  });
}
function asNumber(source, onNaN = 0) {
  if (source == null) {
    return onNaN;
  }
  const num = parseInt(source, 10);
  return Number.isNaN(num) ? onNaN : num;
}
function prefixedArray(input, prefix) {
  const output = [];
  for (let i = 0, max = input.length; i < max; i++) {
    output.push(prefix, input[i]);
  }
  return output;
}
function bufferToString(input) {
  return (Array.isArray(input) ? Buffer.concat(input) : input).toString("utf-8");
}
function pick(source, properties) {
  const out = {};
  properties.forEach((key) => {
    if (source[key] !== void 0) {
      out[key] = source[key];
    }
  });
  return out;
}
function delay(duration = 0) {
  return new Promise((done) => setTimeout(done, duration));
}
function orVoid(input) {
  if (input === false) {
    return void 0;
  }
  return input;
}
var NULL, NOOP, objectToString;
var init_util = __esm({
  "src/lib/utils/util.ts"() {
    init_argument_filters();
    NULL = "\0";
    NOOP = () => {
    };
    objectToString = Object.prototype.toString.call.bind(Object.prototype.toString);
  }
});
function filterType(input, filter, def) {
  if (filter(input)) {
    return input;
  }
  return arguments.length > 2 ? def : void 0;
}
function filterPrimitives(input, omit) {
  const type = r(input) ? "string" : typeof input;
  return /number|string|boolean/.test(type) && (!omit || !omit.includes(type));
}
function filterPlainObject(input) {
  return !!input && objectToString(input) === "[object Object]";
}
function filterFunction(input) {
  return typeof input === "function";
}
var filterArray, filterNumber, filterString, filterStringOrStringArray, filterHasLength;
var init_argument_filters = __esm({
  "src/lib/utils/argument-filters.ts"() {
    init_util();
    filterArray = (input) => {
      return Array.isArray(input);
    };
    filterNumber = (input) => {
      return typeof input === "number";
    };
    filterString = (input) => {
      return typeof input === "string" || r(input);
    };
    filterStringOrStringArray = (input) => {
      return filterString(input) || Array.isArray(input) && input.every(filterString);
    };
    filterHasLength = (input) => {
      if (input == null || "number|boolean|function".includes(typeof input)) {
        return false;
      }
      return typeof input.length === "number";
    };
  }
});

// src/lib/utils/exit-codes.ts
var ExitCodes;
var init_exit_codes = __esm({
  "src/lib/utils/exit-codes.ts"() {
    ExitCodes = /* @__PURE__ */ ((ExitCodes2) => {
      ExitCodes2[ExitCodes2["SUCCESS"] = 0] = "SUCCESS";
      ExitCodes2[ExitCodes2["ERROR"] = 1] = "ERROR";
      ExitCodes2[ExitCodes2["NOT_FOUND"] = -2] = "NOT_FOUND";
      ExitCodes2[ExitCodes2["UNCLEAN"] = 128] = "UNCLEAN";
      return ExitCodes2;
    })(ExitCodes || {});
  }
});

// src/lib/utils/git-output-streams.ts
var GitOutputStreams;
var init_git_output_streams = __esm({
  "src/lib/utils/git-output-streams.ts"() {
    GitOutputStreams = class _GitOutputStreams {
      constructor(stdOut, stdErr) {
        this.stdOut = stdOut;
        this.stdErr = stdErr;
      }
      asStrings() {
        return new _GitOutputStreams(this.stdOut.toString("utf8"), this.stdErr.toString("utf8"));
      }
    };
  }
});

// src/lib/utils/line-parser.ts
function useMatchesDefault() {
  throw new Error(`LineParser:useMatches not implemented`);
}
var LineParser, RemoteLineParser;
var init_line_parser = __esm({
  "src/lib/utils/line-parser.ts"() {
    LineParser = class {
      constructor(regExp, useMatches) {
        this.matches = [];
        this.useMatches = useMatchesDefault;
        this.parse = (line, target) => {
          this.resetMatches();
          if (!this._regExp.every((reg, index) => this.addMatch(reg, index, line(index)))) {
            return false;
          }
          return this.useMatches(target, this.prepareMatches()) !== false;
        };
        this._regExp = Array.isArray(regExp) ? regExp : [regExp];
        if (useMatches) {
          this.useMatches = useMatches;
        }
      }
      resetMatches() {
        this.matches.length = 0;
      }
      prepareMatches() {
        return this.matches;
      }
      addMatch(reg, index, line) {
        const matched = line && reg.exec(line);
        if (matched) {
          this.pushMatch(index, matched);
        }
        return !!matched;
      }
      pushMatch(_index, matched) {
        this.matches.push(...matched.slice(1));
      }
    };
    RemoteLineParser = class extends LineParser {
      addMatch(reg, index, line) {
        return /^remote:\s/.test(String(line)) && super.addMatch(reg, index, line);
      }
      pushMatch(index, matched) {
        if (index > 0 || matched.length > 1) {
          super.pushMatch(index, matched);
        }
      }
    };
  }
});

// src/lib/utils/simple-git-options.ts
function createInstanceConfig(...options) {
  const baseDir = process.cwd();
  const config = Object.assign(
    { baseDir, ...defaultOptions },
    ...options.filter((o) => typeof o === "object" && o)
  );
  config.baseDir = config.baseDir || baseDir;
  config.trimmed = config.trimmed === true;
  return config;
}
var defaultOptions;
var init_simple_git_options = __esm({
  "src/lib/utils/simple-git-options.ts"() {
    defaultOptions = {
      binary: "git",
      maxConcurrentProcesses: 5,
      config: [],
      trimmed: false
    };
  }
});
function appendTaskOptions(options, commands = []) {
  if (!filterPlainObject(options)) {
    return commands;
  }
  return Object.keys(options).reduce((commands2, key) => {
    const value = options[key];
    if (r(value)) {
      commands2.push(value);
    } else if (filterPrimitives(value, ["boolean"])) {
      commands2.push(key + "=" + value);
    } else if (Array.isArray(value)) {
      for (const v of value) {
        if (!filterPrimitives(v, ["string", "number"])) {
          commands2.push(key + "=" + v);
        }
      }
    } else {
      commands2.push(key);
    }
    return commands2;
  }, commands);
}
function getTrailingOptions(args, initialPrimitive = 0, objectOnly = false) {
  const command = [];
  for (let i = 0, max = initialPrimitive < 0 ? args.length : initialPrimitive; i < max; i++) {
    if ("string|number".includes(typeof args[i])) {
      command.push(String(args[i]));
    }
  }
  appendTaskOptions(trailingOptionsArgument(args), command);
  if (!objectOnly) {
    command.push(...trailingArrayArgument(args));
  }
  return command;
}
function trailingArrayArgument(args) {
  const hasTrailingCallback = typeof last(args) === "function";
  return asStringArray(filterType(last(args, hasTrailingCallback ? 1 : 0), filterArray, []));
}
function trailingOptionsArgument(args) {
  const hasTrailingCallback = filterFunction(last(args));
  return filterType(last(args, hasTrailingCallback ? 1 : 0), filterPlainObject);
}
function trailingFunctionArgument(args, includeNoop = true) {
  const callback = asFunction(last(args));
  return includeNoop || isUserFunction(callback) ? callback : void 0;
}
var init_task_options = __esm({
  "src/lib/utils/task-options.ts"() {
    init_argument_filters();
    init_util();
  }
});

// src/lib/utils/task-parser.ts
function callTaskParser(parser4, streams) {
  return parser4(streams.stdOut, streams.stdErr);
}
function parseStringResponse(result, parsers12, texts, trim = true) {
  asArray(texts).forEach((text) => {
    for (let lines = toLinesWithContent(text, trim), i = 0, max = lines.length; i < max; i++) {
      const line = (offset = 0) => {
        if (i + offset >= max) {
          return;
        }
        return lines[i + offset];
      };
      parsers12.some(({ parse }) => parse(line, result));
    }
  });
  return result;
}
var init_task_parser = __esm({
  "src/lib/utils/task-parser.ts"() {
    init_util();
  }
});

// src/lib/utils/index.ts
var utils_exports = {};
__export(utils_exports, {
  ExitCodes: () => ExitCodes,
  GitOutputStreams: () => GitOutputStreams,
  LineParser: () => LineParser,
  NOOP: () => NOOP,
  NULL: () => NULL,
  RemoteLineParser: () => RemoteLineParser,
  append: () => append,
  appendTaskOptions: () => appendTaskOptions,
  asArray: () => asArray,
  asCamelCase: () => asCamelCase,
  asFunction: () => asFunction,
  asNumber: () => asNumber,
  asStringArray: () => asStringArray,
  bufferToString: () => bufferToString,
  callTaskParser: () => callTaskParser,
  createInstanceConfig: () => createInstanceConfig,
  delay: () => delay,
  filterArray: () => filterArray,
  filterFunction: () => filterFunction,
  filterHasLength: () => filterHasLength,
  filterNumber: () => filterNumber,
  filterPlainObject: () => filterPlainObject,
  filterPrimitives: () => filterPrimitives,
  filterString: () => filterString,
  filterStringOrStringArray: () => filterStringOrStringArray,
  filterType: () => filterType,
  first: () => first,
  folderExists: () => folderExists,
  forEachLineWithContent: () => forEachLineWithContent,
  getTrailingOptions: () => getTrailingOptions,
  including: () => including,
  isUserFunction: () => isUserFunction,
  last: () => last,
  objectToString: () => objectToString,
  orVoid: () => orVoid,
  parseStringResponse: () => parseStringResponse,
  pick: () => pick,
  prefixedArray: () => prefixedArray,
  remove: () => remove,
  splitOn: () => splitOn,
  toLinesWithContent: () => toLinesWithContent,
  trailingFunctionArgument: () => trailingFunctionArgument,
  trailingOptionsArgument: () => trailingOptionsArgument
});
var init_utils = __esm({
  "src/lib/utils/index.ts"() {
    init_argument_filters();
    init_exit_codes();
    init_git_output_streams();
    init_line_parser();
    init_simple_git_options();
    init_task_options();
    init_task_parser();
    init_util();
  }
});

// src/lib/tasks/check-is-repo.ts
var check_is_repo_exports = {};
__export(check_is_repo_exports, {
  CheckRepoActions: () => CheckRepoActions,
  checkIsBareRepoTask: () => checkIsBareRepoTask,
  checkIsRepoRootTask: () => checkIsRepoRootTask,
  checkIsRepoTask: () => checkIsRepoTask
});
function checkIsRepoTask(action) {
  switch (action) {
    case "bare" /* BARE */:
      return checkIsBareRepoTask();
    case "root" /* IS_REPO_ROOT */:
      return checkIsRepoRootTask();
  }
  const commands = ["rev-parse", "--is-inside-work-tree"];
  return {
    commands,
    format: "utf-8",
    onError,
    parser
  };
}
function checkIsRepoRootTask() {
  const commands = ["rev-parse", "--git-dir"];
  return {
    commands,
    format: "utf-8",
    onError,
    parser(path) {
      return /^\.(git)?$/.test(path.trim());
    }
  };
}
function checkIsBareRepoTask() {
  const commands = ["rev-parse", "--is-bare-repository"];
  return {
    commands,
    format: "utf-8",
    onError,
    parser
  };
}
function isNotRepoMessage(error) {
  return /(Not a git repository|Kein Git-Repository)/i.test(String(error));
}
var CheckRepoActions, onError, parser;
var init_check_is_repo = __esm({
  "src/lib/tasks/check-is-repo.ts"() {
    init_utils();
    CheckRepoActions = /* @__PURE__ */ ((CheckRepoActions2) => {
      CheckRepoActions2["BARE"] = "bare";
      CheckRepoActions2["IN_TREE"] = "tree";
      CheckRepoActions2["IS_REPO_ROOT"] = "root";
      return CheckRepoActions2;
    })(CheckRepoActions || {});
    onError = ({ exitCode }, error, done, fail) => {
      if (exitCode === 128 /* UNCLEAN */ && isNotRepoMessage(error)) {
        return done(Buffer.from("false"));
      }
      fail(error);
    };
    parser = (text) => {
      return text.trim() === "true";
    };
  }
});

// src/lib/responses/CleanSummary.ts
function cleanSummaryParser(dryRun, text) {
  const summary = new CleanResponse(dryRun);
  const regexp = dryRun ? dryRunRemovalRegexp : removalRegexp;
  toLinesWithContent(text).forEach((line) => {
    const removed = line.replace(regexp, "");
    summary.paths.push(removed);
    (isFolderRegexp.test(removed) ? summary.folders : summary.files).push(removed);
  });
  return summary;
}
var CleanResponse, removalRegexp, dryRunRemovalRegexp, isFolderRegexp;
var init_CleanSummary = __esm({
  "src/lib/responses/CleanSummary.ts"() {
    init_utils();
    CleanResponse = class {
      constructor(dryRun) {
        this.dryRun = dryRun;
        this.paths = [];
        this.files = [];
        this.folders = [];
      }
    };
    removalRegexp = /^[a-z]+\s*/i;
    dryRunRemovalRegexp = /^[a-z]+\s+[a-z]+\s*/i;
    isFolderRegexp = /\/$/;
  }
});

// src/lib/tasks/task.ts
var task_exports = {};
__export(task_exports, {
  EMPTY_COMMANDS: () => EMPTY_COMMANDS,
  adhocExecTask: () => adhocExecTask,
  configurationErrorTask: () => configurationErrorTask,
  isBufferTask: () => isBufferTask,
  isEmptyTask: () => isEmptyTask,
  straightThroughBufferTask: () => straightThroughBufferTask,
  straightThroughStringTask: () => straightThroughStringTask
});
function adhocExecTask(parser4) {
  return {
    commands: EMPTY_COMMANDS,
    format: "empty",
    parser: parser4
  };
}
function configurationErrorTask(error) {
  return {
    commands: EMPTY_COMMANDS,
    format: "empty",
    parser() {
      throw typeof error === "string" ? new TaskConfigurationError(error) : error;
    }
  };
}
function straightThroughStringTask(commands, trimmed2 = false) {
  return {
    commands,
    format: "utf-8",
    parser(text) {
      return trimmed2 ? String(text).trim() : text;
    }
  };
}
function straightThroughBufferTask(commands) {
  return {
    commands,
    format: "buffer",
    parser(buffer) {
      return buffer;
    }
  };
}
function isBufferTask(task) {
  return task.format === "buffer";
}
function isEmptyTask(task) {
  return task.format === "empty" || !task.commands.length;
}
var EMPTY_COMMANDS;
var init_task = __esm({
  "src/lib/tasks/task.ts"() {
    init_task_configuration_error();
    EMPTY_COMMANDS = [];
  }
});

// src/lib/tasks/clean.ts
var clean_exports = {};
__export(clean_exports, {
  CONFIG_ERROR_INTERACTIVE_MODE: () => CONFIG_ERROR_INTERACTIVE_MODE,
  CONFIG_ERROR_MODE_REQUIRED: () => CONFIG_ERROR_MODE_REQUIRED,
  CONFIG_ERROR_UNKNOWN_OPTION: () => CONFIG_ERROR_UNKNOWN_OPTION,
  CleanOptions: () => CleanOptions,
  cleanTask: () => cleanTask,
  cleanWithOptionsTask: () => cleanWithOptionsTask,
  isCleanOptionsArray: () => isCleanOptionsArray
});
function cleanWithOptionsTask(mode, customArgs) {
  const { cleanMode, options, valid } = getCleanOptions(mode);
  if (!cleanMode) {
    return configurationErrorTask(CONFIG_ERROR_MODE_REQUIRED);
  }
  if (!valid.options) {
    return configurationErrorTask(CONFIG_ERROR_UNKNOWN_OPTION + JSON.stringify(mode));
  }
  options.push(...customArgs);
  if (options.some(isInteractiveMode)) {
    return configurationErrorTask(CONFIG_ERROR_INTERACTIVE_MODE);
  }
  return cleanTask(cleanMode, options);
}
function cleanTask(mode, customArgs) {
  const commands = ["clean", `-${mode}`, ...customArgs];
  return {
    commands,
    format: "utf-8",
    parser(text) {
      return cleanSummaryParser(mode === "n" /* DRY_RUN */, text);
    }
  };
}
function isCleanOptionsArray(input) {
  return Array.isArray(input) && input.every((test) => CleanOptionValues.has(test));
}
function getCleanOptions(input) {
  let cleanMode;
  let options = [];
  let valid = { cleanMode: false, options: true };
  input.replace(/[^a-z]i/g, "").split("").forEach((char) => {
    if (isCleanMode(char)) {
      cleanMode = char;
      valid.cleanMode = true;
    } else {
      valid.options = valid.options && isKnownOption(options[options.length] = `-${char}`);
    }
  });
  return {
    cleanMode,
    options,
    valid
  };
}
function isCleanMode(cleanMode) {
  return cleanMode === "f" /* FORCE */ || cleanMode === "n" /* DRY_RUN */;
}
function isKnownOption(option) {
  return /^-[a-z]$/i.test(option) && CleanOptionValues.has(option.charAt(1));
}
function isInteractiveMode(option) {
  if (/^-[^\-]/.test(option)) {
    return option.indexOf("i") > 0;
  }
  return option === "--interactive";
}
var CONFIG_ERROR_INTERACTIVE_MODE, CONFIG_ERROR_MODE_REQUIRED, CONFIG_ERROR_UNKNOWN_OPTION, CleanOptions, CleanOptionValues;
var init_clean = __esm({
  "src/lib/tasks/clean.ts"() {
    init_CleanSummary();
    init_utils();
    init_task();
    CONFIG_ERROR_INTERACTIVE_MODE = "Git clean interactive mode is not supported";
    CONFIG_ERROR_MODE_REQUIRED = 'Git clean mode parameter ("n" or "f") is required';
    CONFIG_ERROR_UNKNOWN_OPTION = "Git clean unknown option found in: ";
    CleanOptions = /* @__PURE__ */ ((CleanOptions2) => {
      CleanOptions2["DRY_RUN"] = "n";
      CleanOptions2["FORCE"] = "f";
      CleanOptions2["IGNORED_INCLUDED"] = "x";
      CleanOptions2["IGNORED_ONLY"] = "X";
      CleanOptions2["EXCLUDING"] = "e";
      CleanOptions2["QUIET"] = "q";
      CleanOptions2["RECURSIVE"] = "d";
      return CleanOptions2;
    })(CleanOptions || {});
    CleanOptionValues = /* @__PURE__ */ new Set([
      "i",
      ...asStringArray(Object.values(CleanOptions))
    ]);
  }
});

// src/lib/responses/ConfigList.ts
function configListParser(text) {
  const config = new ConfigList();
  for (const item of configParser(text)) {
    config.addValue(item.file, String(item.key), item.value);
  }
  return config;
}
function configGetParser(text, key) {
  let value = null;
  const values = [];
  const scopes = /* @__PURE__ */ new Map();
  for (const item of configParser(text, key)) {
    if (item.key !== key) {
      continue;
    }
    values.push(value = item.value);
    if (!scopes.has(item.file)) {
      scopes.set(item.file, []);
    }
    scopes.get(item.file).push(value);
  }
  return {
    key,
    paths: Array.from(scopes.keys()),
    scopes,
    value,
    values
  };
}
function configFilePath(filePath) {
  return filePath.replace(/^(file):/, "");
}
function* configParser(text, requestedKey = null) {
  const lines = text.split("\0");
  for (let i = 0, max = lines.length - 1; i < max; ) {
    const file = configFilePath(lines[i++]);
    let value = lines[i++];
    let key = requestedKey;
    if (value.includes("\n")) {
      const line = splitOn(value, "\n");
      key = line[0];
      value = line[1];
    }
    yield { file, key, value };
  }
}
var ConfigList;
var init_ConfigList = __esm({
  "src/lib/responses/ConfigList.ts"() {
    init_utils();
    ConfigList = class {
      constructor() {
        this.files = [];
        this.values = /* @__PURE__ */ Object.create(null);
      }
      get all() {
        if (!this._all) {
          this._all = this.files.reduce((all, file) => {
            return Object.assign(all, this.values[file]);
          }, {});
        }
        return this._all;
      }
      addFile(file) {
        if (!(file in this.values)) {
          const latest = last(this.files);
          this.values[file] = latest ? Object.create(this.values[latest]) : {};
          this.files.push(file);
        }
        return this.values[file];
      }
      addValue(file, key, value) {
        const values = this.addFile(file);
        if (!Object.hasOwn(values, key)) {
          values[key] = value;
        } else if (Array.isArray(values[key])) {
          values[key].push(value);
        } else {
          values[key] = [values[key], value];
        }
        this._all = void 0;
      }
    };
  }
});

// src/lib/tasks/config.ts
function asConfigScope(scope, fallback) {
  if (typeof scope === "string" && Object.hasOwn(GitConfigScope, scope)) {
    return scope;
  }
  return fallback;
}
function addConfigTask(key, value, append2, scope) {
  const commands = ["config", `--${scope}`];
  if (append2) {
    commands.push("--add");
  }
  commands.push(key, value);
  return {
    commands,
    format: "utf-8",
    parser(text) {
      return text;
    }
  };
}
function getConfigTask(key, scope) {
  const commands = ["config", "--null", "--show-origin", "--get-all", key];
  if (scope) {
    commands.splice(1, 0, `--${scope}`);
  }
  return {
    commands,
    format: "utf-8",
    parser(text) {
      return configGetParser(text, key);
    }
  };
}
function listConfigTask(scope) {
  const commands = ["config", "--list", "--show-origin", "--null"];
  if (scope) {
    commands.push(`--${scope}`);
  }
  return {
    commands,
    format: "utf-8",
    parser(text) {
      return configListParser(text);
    }
  };
}
function config_default() {
  return {
    addConfig(key, value, ...rest) {
      return this._runTask(
        addConfigTask(
          key,
          value,
          rest[0] === true,
          asConfigScope(rest[1], "local" /* local */)
        ),
        trailingFunctionArgument(arguments)
      );
    },
    getConfig(key, scope) {
      return this._runTask(
        getConfigTask(key, asConfigScope(scope, void 0)),
        trailingFunctionArgument(arguments)
      );
    },
    listConfig(...rest) {
      return this._runTask(
        listConfigTask(asConfigScope(rest[0], void 0)),
        trailingFunctionArgument(arguments)
      );
    }
  };
}
var GitConfigScope;
var init_config = __esm({
  "src/lib/tasks/config.ts"() {
    init_ConfigList();
    init_utils();
    GitConfigScope = /* @__PURE__ */ ((GitConfigScope2) => {
      GitConfigScope2["system"] = "system";
      GitConfigScope2["global"] = "global";
      GitConfigScope2["local"] = "local";
      GitConfigScope2["worktree"] = "worktree";
      return GitConfigScope2;
    })(GitConfigScope || {});
  }
});

// src/lib/tasks/diff-name-status.ts
function isDiffNameStatus(input) {
  return diffNameStatus.has(input);
}
var DiffNameStatus, diffNameStatus;
var init_diff_name_status = __esm({
  "src/lib/tasks/diff-name-status.ts"() {
    DiffNameStatus = /* @__PURE__ */ ((DiffNameStatus2) => {
      DiffNameStatus2["ADDED"] = "A";
      DiffNameStatus2["COPIED"] = "C";
      DiffNameStatus2["DELETED"] = "D";
      DiffNameStatus2["MODIFIED"] = "M";
      DiffNameStatus2["RENAMED"] = "R";
      DiffNameStatus2["CHANGED"] = "T";
      DiffNameStatus2["UNMERGED"] = "U";
      DiffNameStatus2["UNKNOWN"] = "X";
      DiffNameStatus2["BROKEN"] = "B";
      return DiffNameStatus2;
    })(DiffNameStatus || {});
    diffNameStatus = new Set(Object.values(DiffNameStatus));
  }
});

// src/lib/tasks/grep.ts
function grepQueryBuilder(...params) {
  return new GrepQuery().param(...params);
}
function parseGrep(grep) {
  const paths = /* @__PURE__ */ new Set();
  const results = {};
  forEachLineWithContent(grep, (input) => {
    const [path, line, preview] = input.split(NULL);
    paths.add(path);
    (results[path] = results[path] || []).push({
      line: asNumber(line),
      path,
      preview
    });
  });
  return {
    paths,
    results
  };
}
function grep_default() {
  return {
    grep(searchTerm) {
      const then = trailingFunctionArgument(arguments);
      const options = getTrailingOptions(arguments);
      for (const option of disallowedOptions) {
        if (options.includes(option)) {
          return this._runTask(
            configurationErrorTask(`git.grep: use of "${option}" is not supported.`),
            then
          );
        }
      }
      if (typeof searchTerm === "string") {
        searchTerm = grepQueryBuilder().param(searchTerm);
      }
      const commands = ["grep", "--null", "-n", "--full-name", ...options, ...searchTerm];
      return this._runTask(
        {
          commands,
          format: "utf-8",
          parser(stdOut) {
            return parseGrep(stdOut);
          }
        },
        then
      );
    }
  };
}
var disallowedOptions, Query, _a, GrepQuery;
var init_grep = __esm({
  "src/lib/tasks/grep.ts"() {
    init_utils();
    init_task();
    disallowedOptions = ["-h"];
    Query = Symbol("grepQuery");
    GrepQuery = class {
      constructor() {
        this[_a] = [];
      }
      *[(_a = Query, Symbol.iterator)]() {
        for (const query of this[Query]) {
          yield query;
        }
      }
      and(...and) {
        and.length && this[Query].push("--and", "(", ...prefixedArray(and, "-e"), ")");
        return this;
      }
      param(...param) {
        this[Query].push(...prefixedArray(param, "-e"));
        return this;
      }
    };
  }
});

// src/lib/tasks/reset.ts
var reset_exports = {};
__export(reset_exports, {
  ResetMode: () => ResetMode,
  getResetMode: () => getResetMode,
  resetTask: () => resetTask
});
function resetTask(mode, customArgs) {
  const commands = ["reset"];
  if (isValidResetMode(mode)) {
    commands.push(`--${mode}`);
  }
  commands.push(...customArgs);
  return straightThroughStringTask(commands);
}
function getResetMode(mode) {
  if (isValidResetMode(mode)) {
    return mode;
  }
  switch (typeof mode) {
    case "string":
    case "undefined":
      return "soft" /* SOFT */;
  }
  return;
}
function isValidResetMode(mode) {
  return typeof mode === "string" && validResetModes.includes(mode);
}
var ResetMode, validResetModes;
var init_reset = __esm({
  "src/lib/tasks/reset.ts"() {
    init_utils();
    init_task();
    ResetMode = /* @__PURE__ */ ((ResetMode2) => {
      ResetMode2["MIXED"] = "mixed";
      ResetMode2["SOFT"] = "soft";
      ResetMode2["HARD"] = "hard";
      ResetMode2["MERGE"] = "merge";
      ResetMode2["KEEP"] = "keep";
      return ResetMode2;
    })(ResetMode || {});
    validResetModes = asStringArray(Object.values(ResetMode));
  }
});
function createLog() {
  return debug("simple-git");
}
function prefixedLogger(to, prefix, forward) {
  if (!prefix || !String(prefix).replace(/\s*/, "")) {
    return !forward ? to : (message, ...args) => {
      to(message, ...args);
      forward(message, ...args);
    };
  }
  return (message, ...args) => {
    to(`%s ${message}`, prefix, ...args);
    if (forward) {
      forward(message, ...args);
    }
  };
}
function childLoggerName(name, childDebugger, { namespace: parentNamespace }) {
  if (typeof name === "string") {
    return name;
  }
  const childNamespace = childDebugger && childDebugger.namespace || "";
  if (childNamespace.startsWith(parentNamespace)) {
    return childNamespace.substr(parentNamespace.length + 1);
  }
  return childNamespace || parentNamespace;
}
function createLogger(label, verbose, initialStep, infoDebugger = createLog()) {
  const labelPrefix = label && `[${label}]` || "";
  const spawned = [];
  const debugDebugger = typeof verbose === "string" ? infoDebugger.extend(verbose) : verbose;
  const key = childLoggerName(filterType(verbose, filterString), debugDebugger, infoDebugger);
  return step(initialStep);
  function sibling(name, initial) {
    return append(
      spawned,
      createLogger(label, key.replace(/^[^:]+/, name), initial, infoDebugger)
    );
  }
  function step(phase) {
    const stepPrefix = phase && `[${phase}]` || "";
    const debug2 = debugDebugger && prefixedLogger(debugDebugger, stepPrefix) || NOOP;
    const info = prefixedLogger(infoDebugger, `${labelPrefix} ${stepPrefix}`, debug2);
    return Object.assign(debugDebugger ? debug2 : info, {
      label,
      sibling,
      info,
      step
    });
  }
}
var init_git_logger = __esm({
  "src/lib/git-logger.ts"() {
    init_utils();
    debug.formatters.L = (value) => String(filterHasLength(value) ? value.length : "-");
    debug.formatters.B = (value) => {
      if (Buffer.isBuffer(value)) {
        return value.toString("utf8");
      }
      return objectToString(value);
    };
  }
});

// src/lib/runners/tasks-pending-queue.ts
var TasksPendingQueue;
var init_tasks_pending_queue = __esm({
  "src/lib/runners/tasks-pending-queue.ts"() {
    init_git_error();
    init_git_logger();
    TasksPendingQueue = class _TasksPendingQueue {
      constructor(logLabel = "GitExecutor") {
        this.logLabel = logLabel;
        this._queue = /* @__PURE__ */ new Map();
      }
      withProgress(task) {
        return this._queue.get(task);
      }
      createProgress(task) {
        const name = _TasksPendingQueue.getName(task.commands[0]);
        const logger = createLogger(this.logLabel, name);
        return {
          task,
          logger,
          name
        };
      }
      push(task) {
        const progress = this.createProgress(task);
        progress.logger("Adding task to the queue, commands = %o", task.commands);
        this._queue.set(task, progress);
        return progress;
      }
      fatal(err) {
        for (const [task, { logger }] of Array.from(this._queue.entries())) {
          if (task === err.task) {
            logger.info(`Failed %o`, err);
            logger(
              `Fatal exception, any as-yet un-started tasks run through this executor will not be attempted`
            );
          } else {
            logger.info(
              `A fatal exception occurred in a previous task, the queue has been purged: %o`,
              err.message
            );
          }
          this.complete(task);
        }
        if (this._queue.size !== 0) {
          throw new Error(`Queue size should be zero after fatal: ${this._queue.size}`);
        }
      }
      complete(task) {
        const progress = this.withProgress(task);
        if (progress) {
          this._queue.delete(task);
        }
      }
      attempt(task) {
        const progress = this.withProgress(task);
        if (!progress) {
          throw new GitError$1(void 0, "TasksPendingQueue: attempt called for an unknown task");
        }
        progress.logger("Starting task");
        return progress;
      }
      static getName(name = "empty") {
        return `task:${name}:${++_TasksPendingQueue.counter}`;
      }
      static {
        this.counter = 0;
      }
    };
  }
});
function pluginContext(task, commands) {
  return {
    method: first(task.commands) || "",
    commands
  };
}
function onErrorReceived(target, logger) {
  return (err) => {
    logger(`[ERROR] child process exception %o`, err);
    target.push(Buffer.from(String(err.stack), "ascii"));
  };
}
function onDataReceived(target, name, logger, output) {
  return (buffer) => {
    logger(`%s received %L bytes`, name, buffer);
    output(`%B`, buffer);
    target.push(buffer);
  };
}
var GitExecutorChain;
var init_git_executor_chain = __esm({
  "src/lib/runners/git-executor-chain.ts"() {
    init_git_error();
    init_task();
    init_utils();
    init_tasks_pending_queue();
    GitExecutorChain = class {
      constructor(_executor, _scheduler, _plugins) {
        this._executor = _executor;
        this._scheduler = _scheduler;
        this._plugins = _plugins;
        this._chain = Promise.resolve();
        this._queue = new TasksPendingQueue();
      }
      get cwd() {
        return this._cwd || this._executor.cwd;
      }
      set cwd(cwd) {
        this._cwd = cwd;
      }
      get env() {
        return this._executor.env;
      }
      get outputHandler() {
        return this._executor.outputHandler;
      }
      chain() {
        return this;
      }
      push(task) {
        this._queue.push(task);
        return this._chain = this._chain.then(() => this.attemptTask(task));
      }
      async attemptTask(task) {
        const onScheduleComplete = await this._scheduler.next();
        const onQueueComplete = () => this._queue.complete(task);
        try {
          const { logger } = this._queue.attempt(task);
          return await (isEmptyTask(task) ? this.attemptEmptyTask(task, logger) : this.attemptRemoteTask(task, logger));
        } catch (e) {
          throw this.onFatalException(task, e);
        } finally {
          onQueueComplete();
          onScheduleComplete();
        }
      }
      onFatalException(task, e) {
        const gitError = e instanceof GitError$1 ? Object.assign(e, { task }) : new GitError$1(task, e && String(e));
        this._chain = Promise.resolve();
        this._queue.fatal(gitError);
        return gitError;
      }
      async attemptRemoteTask(task, logger) {
        const binary = this._plugins.exec("spawn.binary", "", pluginContext(task, task.commands));
        const args = this._plugins.exec("spawn.args", [...task.commands], {
          ...pluginContext(task, task.commands),
          env: { ...this.env }
        });
        const raw = await this.gitResponse(
          task,
          binary,
          args,
          this.outputHandler,
          logger.step("SPAWN")
        );
        const outputStreams = await this.handleTaskData(task, args, raw, logger.step("HANDLE"));
        logger(`passing response to task's parser as a %s`, task.format);
        if (isBufferTask(task)) {
          return callTaskParser(task.parser, outputStreams);
        }
        return callTaskParser(task.parser, outputStreams.asStrings());
      }
      async attemptEmptyTask(task, logger) {
        logger(`empty task bypassing child process to call to task's parser`);
        return task.parser(this);
      }
      handleTaskData(task, args, result, logger) {
        const { exitCode, rejection, stdOut, stdErr } = result;
        return new Promise((done, fail) => {
          logger(`Preparing to handle process response exitCode=%d stdOut=`, exitCode);
          const { error } = this._plugins.exec(
            "task.error",
            { error: rejection },
            {
              ...pluginContext(task, args),
              ...result
            }
          );
          if (error && task.onError) {
            logger.info(`exitCode=%s handling with custom error handler`);
            return task.onError(
              result,
              error,
              (newStdOut) => {
                logger.info(`custom error handler treated as success`);
                logger(`custom error returned a %s`, objectToString(newStdOut));
                done(
                  new GitOutputStreams(
                    Array.isArray(newStdOut) ? Buffer.concat(newStdOut) : newStdOut,
                    Buffer.concat(stdErr)
                  )
                );
              },
              fail
            );
          }
          if (error) {
            logger.info(
              `handling as error: exitCode=%s stdErr=%s rejection=%o`,
              exitCode,
              stdErr.length,
              rejection
            );
            return fail(error);
          }
          logger.info(`retrieving task output complete`);
          done(new GitOutputStreams(Buffer.concat(stdOut), Buffer.concat(stdErr)));
        });
      }
      async gitResponse(task, command, args, outputHandler, logger) {
        const outputLogger = logger.sibling("output");
        const spawnOptions = this._plugins.exec(
          "spawn.options",
          {
            cwd: this.cwd,
            env: this.env,
            windowsHide: true
          },
          pluginContext(task, task.commands)
        );
        return new Promise((done) => {
          const stdOut = [];
          const stdErr = [];
          logger.info(`%s %o`, command, args);
          logger("%O", spawnOptions);
          let rejection = this._beforeSpawn(task, args);
          if (rejection) {
            return done({
              stdOut,
              stdErr,
              exitCode: 9901,
              rejection
            });
          }
          this._plugins.exec("spawn.before", void 0, {
            ...pluginContext(task, args),
            kill(reason) {
              rejection = reason || rejection;
            }
          });
          const spawned = spawn(command, args, spawnOptions);
          spawned.stdout.on(
            "data",
            onDataReceived(stdOut, "stdOut", logger, outputLogger.step("stdOut"))
          );
          spawned.stderr.on(
            "data",
            onDataReceived(stdErr, "stdErr", logger, outputLogger.step("stdErr"))
          );
          spawned.on("error", onErrorReceived(stdErr, logger));
          if (outputHandler) {
            logger(`Passing child process stdOut/stdErr to custom outputHandler`);
            outputHandler(command, spawned.stdout, spawned.stderr, [...args]);
          }
          this._plugins.exec("spawn.after", void 0, {
            ...pluginContext(task, args),
            spawned,
            close(exitCode, reason) {
              done({
                stdOut,
                stdErr,
                exitCode,
                rejection: rejection || reason
              });
            },
            kill(reason) {
              if (spawned.killed) {
                return;
              }
              rejection = reason;
              spawned.kill("SIGINT");
            }
          });
        });
      }
      _beforeSpawn(task, args) {
        let rejection;
        this._plugins.exec("spawn.before", void 0, {
          ...pluginContext(task, args),
          kill(reason) {
            rejection = reason || rejection;
          }
        });
        return rejection;
      }
    };
  }
});

// src/lib/runners/git-executor.ts
var git_executor_exports = {};
__export(git_executor_exports, {
  GitExecutor: () => GitExecutor
});
var GitExecutor;
var init_git_executor = __esm({
  "src/lib/runners/git-executor.ts"() {
    init_git_executor_chain();
    GitExecutor = class {
      constructor(cwd, _scheduler, _plugins) {
        this.cwd = cwd;
        this._scheduler = _scheduler;
        this._plugins = _plugins;
        this._chain = new GitExecutorChain(this, this._scheduler, this._plugins);
      }
      chain() {
        return new GitExecutorChain(this, this._scheduler, this._plugins);
      }
      push(task) {
        return this._chain.push(task);
      }
    };
  }
});

// src/lib/task-callback.ts
function taskCallback(task, response, callback = NOOP) {
  const onSuccess = (data) => {
    callback(null, data);
  };
  const onError2 = (err) => {
    if (err?.task === task) {
      callback(
        err instanceof GitResponseError ? addDeprecationNoticeToError(err) : err,
        void 0
      );
    }
  };
  response.then(onSuccess, onError2);
}
function addDeprecationNoticeToError(err) {
  let log = (name) => {
    console.warn(
      `simple-git deprecation notice: accessing GitResponseError.${name} should be GitResponseError.git.${name}, this will no longer be available in version 3`
    );
    log = NOOP;
  };
  return Object.create(err, Object.getOwnPropertyNames(err.git).reduce(descriptorReducer, {}));
  function descriptorReducer(all, name) {
    if (name in err) {
      return all;
    }
    all[name] = {
      enumerable: false,
      configurable: false,
      get() {
        log(name);
        return err.git[name];
      }
    };
    return all;
  }
}
var init_task_callback = __esm({
  "src/lib/task-callback.ts"() {
    init_git_response_error();
    init_utils();
  }
});

// src/lib/tasks/change-working-directory.ts
function changeWorkingDirectoryTask(directory, root) {
  return adhocExecTask((instance) => {
    if (!folderExists(directory)) {
      throw new Error(`Git.cwd: cannot change to non-directory "${directory}"`);
    }
    return (root || instance).cwd = directory;
  });
}
var init_change_working_directory = __esm({
  "src/lib/tasks/change-working-directory.ts"() {
    init_utils();
    init_task();
  }
});

// src/lib/tasks/checkout.ts
function checkoutTask(args) {
  const commands = ["checkout", ...args];
  if (commands[1] === "-b" && commands.includes("-B")) {
    commands[1] = remove(commands, "-B");
  }
  return straightThroughStringTask(commands);
}
function checkout_default() {
  return {
    checkout() {
      return this._runTask(
        checkoutTask(getTrailingOptions(arguments, 1)),
        trailingFunctionArgument(arguments)
      );
    },
    checkoutBranch(branchName, startPoint) {
      return this._runTask(
        checkoutTask(["-b", branchName, startPoint, ...getTrailingOptions(arguments)]),
        trailingFunctionArgument(arguments)
      );
    },
    checkoutLocalBranch(branchName) {
      return this._runTask(
        checkoutTask(["-b", branchName, ...getTrailingOptions(arguments)]),
        trailingFunctionArgument(arguments)
      );
    }
  };
}
var init_checkout = __esm({
  "src/lib/tasks/checkout.ts"() {
    init_utils();
    init_task();
  }
});

// src/lib/tasks/count-objects.ts
function countObjectsResponse() {
  return {
    count: 0,
    garbage: 0,
    inPack: 0,
    packs: 0,
    prunePackable: 0,
    size: 0,
    sizeGarbage: 0,
    sizePack: 0
  };
}
function count_objects_default() {
  return {
    countObjects() {
      return this._runTask({
        commands: ["count-objects", "--verbose"],
        format: "utf-8",
        parser(stdOut) {
          return parseStringResponse(countObjectsResponse(), [parser2], stdOut);
        }
      });
    }
  };
}
var parser2;
var init_count_objects = __esm({
  "src/lib/tasks/count-objects.ts"() {
    init_utils();
    parser2 = new LineParser(
      /([a-z-]+): (\d+)$/,
      (result, [key, value]) => {
        const property = asCamelCase(key);
        if (Object.hasOwn(result, property)) {
          result[property] = asNumber(value);
        }
      }
    );
  }
});

// src/lib/parsers/parse-commit.ts
function parseCommitResult(stdOut) {
  const result = {
    author: null,
    branch: "",
    commit: "",
    root: false,
    summary: {
      changes: 0,
      insertions: 0,
      deletions: 0
    }
  };
  return parseStringResponse(result, parsers, stdOut);
}
var parsers;
var init_parse_commit = __esm({
  "src/lib/parsers/parse-commit.ts"() {
    init_utils();
    parsers = [
      new LineParser(/^\[([^\s]+)( \([^)]+\))? ([^\]]+)/, (result, [branch, root, commit]) => {
        result.branch = branch;
        result.commit = commit;
        result.root = !!root;
      }),
      new LineParser(/\s*Author:\s(.+)/i, (result, [author]) => {
        const parts = author.split("<");
        const email = parts.pop();
        if (!email || !email.includes("@")) {
          return;
        }
        result.author = {
          email: email.substr(0, email.length - 1),
          name: parts.join("<").trim()
        };
      }),
      new LineParser(
        /(\d+)[^,]*(?:,\s*(\d+)[^,]*)(?:,\s*(\d+))/g,
        (result, [changes, insertions, deletions]) => {
          result.summary.changes = parseInt(changes, 10) || 0;
          result.summary.insertions = parseInt(insertions, 10) || 0;
          result.summary.deletions = parseInt(deletions, 10) || 0;
        }
      ),
      new LineParser(
        /^(\d+)[^,]*(?:,\s*(\d+)[^(]+\(([+-]))?/,
        (result, [changes, lines, direction]) => {
          result.summary.changes = parseInt(changes, 10) || 0;
          const count = parseInt(lines, 10) || 0;
          if (direction === "-") {
            result.summary.deletions = count;
          } else if (direction === "+") {
            result.summary.insertions = count;
          }
        }
      )
    ];
  }
});

// src/lib/tasks/commit.ts
function commitTask(message, files, customArgs) {
  const commands = [
    "-c",
    "core.abbrev=40",
    "commit",
    ...prefixedArray(message, "-m"),
    ...files,
    ...customArgs
  ];
  return {
    commands,
    format: "utf-8",
    parser: parseCommitResult
  };
}
function commit_default() {
  return {
    commit(message, ...rest) {
      const next = trailingFunctionArgument(arguments);
      const task = rejectDeprecatedSignatures(message) || commitTask(
        asArray(message),
        asArray(filterType(rest[0], filterStringOrStringArray, [])),
        [
          ...asStringArray(filterType(rest[1], filterArray, [])),
          ...getTrailingOptions(arguments, 0, true)
        ]
      );
      return this._runTask(task, next);
    }
  };
  function rejectDeprecatedSignatures(message) {
    return !filterStringOrStringArray(message) && configurationErrorTask(
      `git.commit: requires the commit message to be supplied as a string/string[]`
    );
  }
}
var init_commit = __esm({
  "src/lib/tasks/commit.ts"() {
    init_parse_commit();
    init_utils();
    init_task();
  }
});

// src/lib/tasks/first-commit.ts
function first_commit_default() {
  return {
    firstCommit() {
      return this._runTask(
        straightThroughStringTask(["rev-list", "--max-parents=0", "HEAD"], true),
        trailingFunctionArgument(arguments)
      );
    }
  };
}
var init_first_commit = __esm({
  "src/lib/tasks/first-commit.ts"() {
    init_utils();
    init_task();
  }
});

// src/lib/tasks/hash-object.ts
function hashObjectTask(filePath, write) {
  const commands = ["hash-object", filePath];
  if (write) {
    commands.push("-w");
  }
  return straightThroughStringTask(commands, true);
}
var init_hash_object = __esm({
  "src/lib/tasks/hash-object.ts"() {
    init_task();
  }
});

// src/lib/responses/InitSummary.ts
function parseInit(bare, path, text) {
  const response = String(text).trim();
  let result;
  if (result = initResponseRegex.exec(response)) {
    return new InitSummary(bare, path, false, result[1]);
  }
  if (result = reInitResponseRegex.exec(response)) {
    return new InitSummary(bare, path, true, result[1]);
  }
  let gitDir = "";
  const tokens = response.split(" ");
  while (tokens.length) {
    const token = tokens.shift();
    if (token === "in") {
      gitDir = tokens.join(" ");
      break;
    }
  }
  return new InitSummary(bare, path, /^re/i.test(response), gitDir);
}
var InitSummary, initResponseRegex, reInitResponseRegex;
var init_InitSummary = __esm({
  "src/lib/responses/InitSummary.ts"() {
    InitSummary = class {
      constructor(bare, path, existing, gitDir) {
        this.bare = bare;
        this.path = path;
        this.existing = existing;
        this.gitDir = gitDir;
      }
    };
    initResponseRegex = /^Init.+ repository in (.+)$/;
    reInitResponseRegex = /^Rein.+ in (.+)$/;
  }
});

// src/lib/tasks/init.ts
function hasBareCommand(command) {
  return command.includes(bareCommand);
}
function initTask(bare = false, path, customArgs) {
  const commands = ["init", ...customArgs];
  if (bare && !hasBareCommand(commands)) {
    commands.splice(1, 0, bareCommand);
  }
  return {
    commands,
    format: "utf-8",
    parser(text) {
      return parseInit(commands.includes("--bare"), path, text);
    }
  };
}
var bareCommand;
var init_init = __esm({
  "src/lib/tasks/init.ts"() {
    init_InitSummary();
    bareCommand = "--bare";
  }
});

// src/lib/args/log-format.ts
function logFormatFromCommand(customArgs) {
  for (let i = 0; i < customArgs.length; i++) {
    const format = logFormatRegex.exec(customArgs[i]);
    if (format) {
      return `--${format[1]}`;
    }
  }
  return "" /* NONE */;
}
function isLogFormat(customArg) {
  return logFormatRegex.test(customArg);
}
var logFormatRegex;
var init_log_format = __esm({
  "src/lib/args/log-format.ts"() {
    logFormatRegex = /^--(stat|numstat|name-only|name-status)(=|$)/;
  }
});

// src/lib/responses/DiffSummary.ts
var DiffSummary;
var init_DiffSummary = __esm({
  "src/lib/responses/DiffSummary.ts"() {
    DiffSummary = class {
      constructor() {
        this.changed = 0;
        this.deletions = 0;
        this.insertions = 0;
        this.files = [];
      }
    };
  }
});

// src/lib/parsers/parse-diff-summary.ts
function getDiffParser(format = "" /* NONE */) {
  const parser4 = diffSummaryParsers[format];
  return (stdOut) => parseStringResponse(new DiffSummary(), parser4, stdOut, false);
}
var statParser, numStatParser, nameOnlyParser, nameStatusParser, diffSummaryParsers;
var init_parse_diff_summary = __esm({
  "src/lib/parsers/parse-diff-summary.ts"() {
    init_log_format();
    init_DiffSummary();
    init_diff_name_status();
    init_utils();
    statParser = [
      new LineParser(
        /^(.+)\s+\|\s+(\d+)(\s+[+\-]+)?$/,
        (result, [file, changes, alterations = ""]) => {
          result.files.push({
            file: file.trim(),
            changes: asNumber(changes),
            insertions: alterations.replace(/[^+]/g, "").length,
            deletions: alterations.replace(/[^-]/g, "").length,
            binary: false
          });
        }
      ),
      new LineParser(
        /^(.+) \|\s+Bin ([0-9.]+) -> ([0-9.]+) ([a-z]+)/,
        (result, [file, before, after]) => {
          result.files.push({
            file: file.trim(),
            before: asNumber(before),
            after: asNumber(after),
            binary: true
          });
        }
      ),
      new LineParser(
        /(\d+) files? changed\s*((?:, \d+ [^,]+){0,2})/,
        (result, [changed, summary]) => {
          const inserted = /(\d+) i/.exec(summary);
          const deleted = /(\d+) d/.exec(summary);
          result.changed = asNumber(changed);
          result.insertions = asNumber(inserted?.[1]);
          result.deletions = asNumber(deleted?.[1]);
        }
      )
    ];
    numStatParser = [
      new LineParser(
        /(\d+)\t(\d+)\t(.+)$/,
        (result, [changesInsert, changesDelete, file]) => {
          const insertions = asNumber(changesInsert);
          const deletions = asNumber(changesDelete);
          result.changed++;
          result.insertions += insertions;
          result.deletions += deletions;
          result.files.push({
            file,
            changes: insertions + deletions,
            insertions,
            deletions,
            binary: false
          });
        }
      ),
      new LineParser(/-\t-\t(.+)$/, (result, [file]) => {
        result.changed++;
        result.files.push({
          file,
          after: 0,
          before: 0,
          binary: true
        });
      })
    ];
    nameOnlyParser = [
      new LineParser(/(.+)$/, (result, [file]) => {
        result.changed++;
        result.files.push({
          file,
          changes: 0,
          insertions: 0,
          deletions: 0,
          binary: false
        });
      })
    ];
    nameStatusParser = [
      new LineParser(
        /([ACDMRTUXB])([0-9]{0,3})\t(.[^\t]*)(\t(.[^\t]*))?$/,
        (result, [status, similarity, from, _to, to]) => {
          result.changed++;
          result.files.push({
            file: to ?? from,
            changes: 0,
            insertions: 0,
            deletions: 0,
            binary: false,
            status: orVoid(isDiffNameStatus(status) && status),
            from: orVoid(!!to && from !== to && from),
            similarity: asNumber(similarity)
          });
        }
      )
    ];
    diffSummaryParsers = {
      ["" /* NONE */]: statParser,
      ["--stat" /* STAT */]: statParser,
      ["--numstat" /* NUM_STAT */]: numStatParser,
      ["--name-status" /* NAME_STATUS */]: nameStatusParser,
      ["--name-only" /* NAME_ONLY */]: nameOnlyParser
    };
  }
});

// src/lib/parsers/parse-list-log-summary.ts
function lineBuilder(tokens, fields) {
  return fields.reduce(
    (line, field, index) => {
      line[field] = tokens[index] || "";
      return line;
    },
    /* @__PURE__ */ Object.create({ diff: null })
  );
}
function createListLogSummaryParser(splitter = SPLITTER, fields = defaultFieldNames, logFormat = "" /* NONE */) {
  const parseDiffResult = getDiffParser(logFormat);
  return function(stdOut) {
    const all = toLinesWithContent(
      stdOut.trim(),
      false,
      START_BOUNDARY
    ).map(function(item) {
      const lineDetail = item.split(COMMIT_BOUNDARY);
      const listLogLine = lineBuilder(lineDetail[0].split(splitter), fields);
      if (lineDetail.length > 1 && !!lineDetail[1].trim()) {
        listLogLine.diff = parseDiffResult(lineDetail[1]);
      }
      return listLogLine;
    });
    return {
      all,
      latest: all.length && all[0] || null,
      total: all.length
    };
  };
}
var START_BOUNDARY, COMMIT_BOUNDARY, SPLITTER, defaultFieldNames;
var init_parse_list_log_summary = __esm({
  "src/lib/parsers/parse-list-log-summary.ts"() {
    init_utils();
    init_parse_diff_summary();
    init_log_format();
    START_BOUNDARY = "\xF2\xF2\xF2\xF2\xF2\xF2 ";
    COMMIT_BOUNDARY = " \xF2\xF2";
    SPLITTER = " \xF2 ";
    defaultFieldNames = ["hash", "date", "message", "refs", "author_name", "author_email"];
  }
});

// src/lib/tasks/diff.ts
var diff_exports = {};
__export(diff_exports, {
  diffSummaryTask: () => diffSummaryTask,
  validateLogFormatConfig: () => validateLogFormatConfig
});
function diffSummaryTask(customArgs) {
  let logFormat = logFormatFromCommand(customArgs);
  const commands = ["diff"];
  if (logFormat === "" /* NONE */) {
    logFormat = "--stat" /* STAT */;
    commands.push("--stat=4096");
  }
  commands.push(...customArgs);
  return validateLogFormatConfig(commands) || {
    commands,
    format: "utf-8",
    parser: getDiffParser(logFormat)
  };
}
function validateLogFormatConfig(customArgs) {
  const flags = customArgs.filter(isLogFormat);
  if (flags.length > 1) {
    return configurationErrorTask(
      `Summary flags are mutually exclusive - pick one of ${flags.join(",")}`
    );
  }
  if (flags.length && customArgs.includes("-z")) {
    return configurationErrorTask(
      `Summary flag ${flags} parsing is not compatible with null termination option '-z'`
    );
  }
}
var init_diff = __esm({
  "src/lib/tasks/diff.ts"() {
    init_log_format();
    init_parse_diff_summary();
    init_task();
  }
});
function prettyFormat(format, splitter) {
  const fields = [];
  const formatStr = [];
  Object.keys(format).forEach((field) => {
    fields.push(field);
    formatStr.push(String(format[field]));
  });
  return [fields, formatStr.join(splitter)];
}
function userOptions(input) {
  return Object.keys(input).reduce((out, key) => {
    if (!(key in excludeOptions)) {
      out[key] = input[key];
    }
    return out;
  }, {});
}
function parseLogOptions(opt = {}, customArgs = []) {
  const splitter = filterType(opt.splitter, filterString, SPLITTER);
  const format = filterPlainObject(opt.format) ? opt.format : {
    hash: "%H",
    date: opt.strictDate === false ? "%ai" : "%aI",
    message: "%s",
    refs: "%D",
    body: opt.multiLine ? "%B" : "%b",
    author_name: opt.mailMap !== false ? "%aN" : "%an",
    author_email: opt.mailMap !== false ? "%aE" : "%ae"
  };
  const [fields, formatStr] = prettyFormat(format, splitter);
  const suffix = [];
  const command = [
    `--pretty=format:${START_BOUNDARY}${formatStr}${COMMIT_BOUNDARY}`,
    ...customArgs
  ];
  const maxCount = opt.n || opt["max-count"] || opt.maxCount;
  if (maxCount) {
    command.push(`--max-count=${maxCount}`);
  }
  if (opt.from || opt.to) {
    const rangeOperator = opt.symmetric !== false ? "..." : "..";
    suffix.push(`${opt.from || ""}${rangeOperator}${opt.to || ""}`);
  }
  if (filterString(opt.file)) {
    command.push("--follow", c$1(opt.file));
  }
  appendTaskOptions(userOptions(opt), command);
  return {
    fields,
    splitter,
    commands: [...command, ...suffix]
  };
}
function logTask(splitter, fields, customArgs) {
  const parser4 = createListLogSummaryParser(splitter, fields, logFormatFromCommand(customArgs));
  return {
    commands: ["log", ...customArgs],
    format: "utf-8",
    parser: parser4
  };
}
function log_default() {
  return {
    log(...rest) {
      const next = trailingFunctionArgument(arguments);
      const options = parseLogOptions(
        trailingOptionsArgument(arguments),
        asStringArray(filterType(arguments[0], filterArray, []))
      );
      const task = rejectDeprecatedSignatures(...rest) || validateLogFormatConfig(options.commands) || createLogTask(options);
      return this._runTask(task, next);
    }
  };
  function createLogTask(options) {
    return logTask(options.splitter, options.fields, options.commands);
  }
  function rejectDeprecatedSignatures(from, to) {
    return filterString(from) && filterString(to) && configurationErrorTask(
      `git.log(string, string) should be replaced with git.log({ from: string, to: string })`
    );
  }
}
var excludeOptions;
var init_log = __esm({
  "src/lib/tasks/log.ts"() {
    init_log_format();
    init_parse_list_log_summary();
    init_utils();
    init_task();
    init_diff();
    excludeOptions = /* @__PURE__ */ ((excludeOptions2) => {
      excludeOptions2[excludeOptions2["--pretty"] = 0] = "--pretty";
      excludeOptions2[excludeOptions2["max-count"] = 1] = "max-count";
      excludeOptions2[excludeOptions2["maxCount"] = 2] = "maxCount";
      excludeOptions2[excludeOptions2["n"] = 3] = "n";
      excludeOptions2[excludeOptions2["file"] = 4] = "file";
      excludeOptions2[excludeOptions2["format"] = 5] = "format";
      excludeOptions2[excludeOptions2["from"] = 6] = "from";
      excludeOptions2[excludeOptions2["to"] = 7] = "to";
      excludeOptions2[excludeOptions2["splitter"] = 8] = "splitter";
      excludeOptions2[excludeOptions2["symmetric"] = 9] = "symmetric";
      excludeOptions2[excludeOptions2["mailMap"] = 10] = "mailMap";
      excludeOptions2[excludeOptions2["multiLine"] = 11] = "multiLine";
      excludeOptions2[excludeOptions2["strictDate"] = 12] = "strictDate";
      return excludeOptions2;
    })(excludeOptions || {});
  }
});

// src/lib/responses/MergeSummary.ts
var MergeSummaryConflict, MergeSummaryDetail;
var init_MergeSummary = __esm({
  "src/lib/responses/MergeSummary.ts"() {
    MergeSummaryConflict = class {
      constructor(reason, file = null, meta) {
        this.reason = reason;
        this.file = file;
        this.meta = meta;
      }
      toString() {
        return `${this.file}:${this.reason}`;
      }
    };
    MergeSummaryDetail = class {
      constructor() {
        this.conflicts = [];
        this.merges = [];
        this.result = "success";
      }
      get failed() {
        return this.conflicts.length > 0;
      }
      get reason() {
        return this.result;
      }
      toString() {
        if (this.conflicts.length) {
          return `CONFLICTS: ${this.conflicts.join(", ")}`;
        }
        return "OK";
      }
    };
  }
});

// src/lib/responses/PullSummary.ts
var PullSummary, PullFailedSummary;
var init_PullSummary = __esm({
  "src/lib/responses/PullSummary.ts"() {
    PullSummary = class {
      constructor() {
        this.remoteMessages = {
          all: []
        };
        this.created = [];
        this.deleted = [];
        this.files = [];
        this.deletions = {};
        this.insertions = {};
        this.summary = {
          changes: 0,
          deletions: 0,
          insertions: 0
        };
      }
    };
    PullFailedSummary = class {
      constructor() {
        this.remote = "";
        this.hash = {
          local: "",
          remote: ""
        };
        this.branch = {
          local: "",
          remote: ""
        };
        this.message = "";
      }
      toString() {
        return this.message;
      }
    };
  }
});

// src/lib/parsers/parse-remote-objects.ts
function objectEnumerationResult(remoteMessages) {
  return remoteMessages.objects = remoteMessages.objects || {
    compressing: 0,
    counting: 0,
    enumerating: 0,
    packReused: 0,
    reused: { count: 0, delta: 0 },
    total: { count: 0, delta: 0 }
  };
}
function asObjectCount(source) {
  const count = /^\s*(\d+)/.exec(source);
  const delta = /delta (\d+)/i.exec(source);
  return {
    count: asNumber(count && count[1] || "0"),
    delta: asNumber(delta && delta[1] || "0")
  };
}
var remoteMessagesObjectParsers;
var init_parse_remote_objects = __esm({
  "src/lib/parsers/parse-remote-objects.ts"() {
    init_utils();
    remoteMessagesObjectParsers = [
      new RemoteLineParser(
        /^remote:\s*(enumerating|counting|compressing) objects: (\d+),/i,
        (result, [action, count]) => {
          const key = action.toLowerCase();
          const enumeration = objectEnumerationResult(result.remoteMessages);
          Object.assign(enumeration, { [key]: asNumber(count) });
        }
      ),
      new RemoteLineParser(
        /^remote:\s*(enumerating|counting|compressing) objects: \d+% \(\d+\/(\d+)\),/i,
        (result, [action, count]) => {
          const key = action.toLowerCase();
          const enumeration = objectEnumerationResult(result.remoteMessages);
          Object.assign(enumeration, { [key]: asNumber(count) });
        }
      ),
      new RemoteLineParser(
        /total ([^,]+), reused ([^,]+), pack-reused (\d+)/i,
        (result, [total, reused, packReused]) => {
          const objects = objectEnumerationResult(result.remoteMessages);
          objects.total = asObjectCount(total);
          objects.reused = asObjectCount(reused);
          objects.packReused = asNumber(packReused);
        }
      )
    ];
  }
});

// src/lib/parsers/parse-remote-messages.ts
function parseRemoteMessages(_stdOut, stdErr) {
  return parseStringResponse({ remoteMessages: new RemoteMessageSummary() }, parsers2, stdErr);
}
var parsers2, RemoteMessageSummary;
var init_parse_remote_messages = __esm({
  "src/lib/parsers/parse-remote-messages.ts"() {
    init_utils();
    init_parse_remote_objects();
    parsers2 = [
      new RemoteLineParser(/^remote:\s*(.+)$/, (result, [text]) => {
        result.remoteMessages.all.push(text.trim());
        return false;
      }),
      ...remoteMessagesObjectParsers,
      new RemoteLineParser(
        [/create a (?:pull|merge) request/i, /\s(https?:\/\/\S+)$/],
        (result, [pullRequestUrl]) => {
          result.remoteMessages.pullRequestUrl = pullRequestUrl;
        }
      ),
      new RemoteLineParser(
        [/found (\d+) vulnerabilities.+\(([^)]+)\)/i, /\s(https?:\/\/\S+)$/],
        (result, [count, summary, url]) => {
          result.remoteMessages.vulnerabilities = {
            count: asNumber(count),
            summary,
            url
          };
        }
      )
    ];
    RemoteMessageSummary = class {
      constructor() {
        this.all = [];
      }
    };
  }
});

// src/lib/parsers/parse-pull.ts
function parsePullErrorResult(stdOut, stdErr) {
  const pullError = parseStringResponse(new PullFailedSummary(), errorParsers, [stdOut, stdErr]);
  return pullError.message && pullError;
}
var FILE_UPDATE_REGEX, SUMMARY_REGEX, ACTION_REGEX, parsers3, errorParsers, parsePullDetail, parsePullResult;
var init_parse_pull = __esm({
  "src/lib/parsers/parse-pull.ts"() {
    init_PullSummary();
    init_utils();
    init_parse_remote_messages();
    FILE_UPDATE_REGEX = /^\s*(.+?)\s+\|\s+\d+\s*(\+*)(-*)/;
    SUMMARY_REGEX = /(\d+)\D+((\d+)\D+\(\+\))?(\D+(\d+)\D+\(-\))?/;
    ACTION_REGEX = /^(create|delete) mode \d+ (.+)/;
    parsers3 = [
      new LineParser(FILE_UPDATE_REGEX, (result, [file, insertions, deletions]) => {
        result.files.push(file);
        if (insertions) {
          result.insertions[file] = insertions.length;
        }
        if (deletions) {
          result.deletions[file] = deletions.length;
        }
      }),
      new LineParser(SUMMARY_REGEX, (result, [changes, , insertions, , deletions]) => {
        if (insertions !== void 0 || deletions !== void 0) {
          result.summary.changes = +changes || 0;
          result.summary.insertions = +insertions || 0;
          result.summary.deletions = +deletions || 0;
          return true;
        }
        return false;
      }),
      new LineParser(ACTION_REGEX, (result, [action, file]) => {
        append(result.files, file);
        append(action === "create" ? result.created : result.deleted, file);
      })
    ];
    errorParsers = [
      new LineParser(/^from\s(.+)$/i, (result, [remote]) => void (result.remote = remote)),
      new LineParser(/^fatal:\s(.+)$/, (result, [message]) => void (result.message = message)),
      new LineParser(
        /([a-z0-9]+)\.\.([a-z0-9]+)\s+(\S+)\s+->\s+(\S+)$/,
        (result, [hashLocal, hashRemote, branchLocal, branchRemote]) => {
          result.branch.local = branchLocal;
          result.hash.local = hashLocal;
          result.branch.remote = branchRemote;
          result.hash.remote = hashRemote;
        }
      )
    ];
    parsePullDetail = (stdOut, stdErr) => {
      return parseStringResponse(new PullSummary(), parsers3, [stdOut, stdErr]);
    };
    parsePullResult = (stdOut, stdErr) => {
      return Object.assign(
        new PullSummary(),
        parsePullDetail(stdOut, stdErr),
        parseRemoteMessages(stdOut, stdErr)
      );
    };
  }
});

// src/lib/parsers/parse-merge.ts
var parsers4, parseMergeResult, parseMergeDetail;
var init_parse_merge = __esm({
  "src/lib/parsers/parse-merge.ts"() {
    init_MergeSummary();
    init_utils();
    init_parse_pull();
    parsers4 = [
      new LineParser(/^Auto-merging\s+(.+)$/, (summary, [autoMerge]) => {
        summary.merges.push(autoMerge);
      }),
      new LineParser(/^CONFLICT\s+\((.+)\): Merge conflict in (.+)$/, (summary, [reason, file]) => {
        summary.conflicts.push(new MergeSummaryConflict(reason, file));
      }),
      new LineParser(
        /^CONFLICT\s+\((.+\/delete)\): (.+) deleted in (.+) and/,
        (summary, [reason, file, deleteRef]) => {
          summary.conflicts.push(new MergeSummaryConflict(reason, file, { deleteRef }));
        }
      ),
      new LineParser(/^CONFLICT\s+\((.+)\):/, (summary, [reason]) => {
        summary.conflicts.push(new MergeSummaryConflict(reason, null));
      }),
      new LineParser(/^Automatic merge failed;\s+(.+)$/, (summary, [result]) => {
        summary.result = result;
      })
    ];
    parseMergeResult = (stdOut, stdErr) => {
      return Object.assign(parseMergeDetail(stdOut, stdErr), parsePullResult(stdOut, stdErr));
    };
    parseMergeDetail = (stdOut) => {
      return parseStringResponse(new MergeSummaryDetail(), parsers4, stdOut);
    };
  }
});

// src/lib/tasks/merge.ts
function mergeTask(customArgs) {
  if (!customArgs.length) {
    return configurationErrorTask("Git.merge requires at least one option");
  }
  return {
    commands: ["merge", ...customArgs],
    format: "utf-8",
    parser(stdOut, stdErr) {
      const merge = parseMergeResult(stdOut, stdErr);
      if (merge.failed) {
        throw new GitResponseError(merge);
      }
      return merge;
    }
  };
}
var init_merge = __esm({
  "src/lib/tasks/merge.ts"() {
    init_git_response_error();
    init_parse_merge();
    init_task();
  }
});

// src/lib/parsers/parse-push.ts
function pushResultPushedItem(local, remote, status) {
  const deleted = status.includes("deleted");
  const tag = status.includes("tag") || /^refs\/tags/.test(local);
  const alreadyUpdated = !status.includes("new");
  return {
    deleted,
    tag,
    branch: !tag,
    new: !alreadyUpdated,
    alreadyUpdated,
    local,
    remote
  };
}
var parsers5, parsePushResult, parsePushDetail;
var init_parse_push = __esm({
  "src/lib/parsers/parse-push.ts"() {
    init_utils();
    init_parse_remote_messages();
    parsers5 = [
      new LineParser(/^Pushing to (.+)$/, (result, [repo]) => {
        result.repo = repo;
      }),
      new LineParser(/^updating local tracking ref '(.+)'/, (result, [local]) => {
        result.ref = {
          ...result.ref || {},
          local
        };
      }),
      new LineParser(/^[=*-]\s+([^:]+):(\S+)\s+\[(.+)]$/, (result, [local, remote, type]) => {
        result.pushed.push(pushResultPushedItem(local, remote, type));
      }),
      new LineParser(
        /^Branch '([^']+)' set up to track remote branch '([^']+)' from '([^']+)'/,
        (result, [local, remote, remoteName]) => {
          result.branch = {
            ...result.branch || {},
            local,
            remote,
            remoteName
          };
        }
      ),
      new LineParser(
        /^([^:]+):(\S+)\s+([a-z0-9]+)\.\.([a-z0-9]+)$/,
        (result, [local, remote, from, to]) => {
          result.update = {
            head: {
              local,
              remote
            },
            hash: {
              from,
              to
            }
          };
        }
      )
    ];
    parsePushResult = (stdOut, stdErr) => {
      const pushDetail = parsePushDetail(stdOut, stdErr);
      const responseDetail = parseRemoteMessages(stdOut, stdErr);
      return {
        ...pushDetail,
        ...responseDetail
      };
    };
    parsePushDetail = (stdOut, stdErr) => {
      return parseStringResponse({ pushed: [] }, parsers5, [stdOut, stdErr]);
    };
  }
});

// src/lib/tasks/push.ts
var push_exports = {};
__export(push_exports, {
  pushTagsTask: () => pushTagsTask,
  pushTask: () => pushTask
});
function pushTagsTask(ref = {}, customArgs) {
  append(customArgs, "--tags");
  return pushTask(ref, customArgs);
}
function pushTask(ref = {}, customArgs) {
  const commands = ["push", ...customArgs];
  if (ref.branch) {
    commands.splice(1, 0, ref.branch);
  }
  if (ref.remote) {
    commands.splice(1, 0, ref.remote);
  }
  remove(commands, "-v");
  append(commands, "--verbose");
  append(commands, "--porcelain");
  return {
    commands,
    format: "utf-8",
    parser: parsePushResult
  };
}
var init_push = __esm({
  "src/lib/tasks/push.ts"() {
    init_parse_push();
    init_utils();
  }
});

// src/lib/tasks/show.ts
function show_default() {
  return {
    showBuffer() {
      const commands = ["show", ...getTrailingOptions(arguments, 1)];
      if (!commands.includes("--binary")) {
        commands.splice(1, 0, "--binary");
      }
      return this._runTask(
        straightThroughBufferTask(commands),
        trailingFunctionArgument(arguments)
      );
    },
    show() {
      const commands = ["show", ...getTrailingOptions(arguments, 1)];
      return this._runTask(
        straightThroughStringTask(commands),
        trailingFunctionArgument(arguments)
      );
    }
  };
}
var init_show = __esm({
  "src/lib/tasks/show.ts"() {
    init_utils();
    init_task();
  }
});

// src/lib/responses/FileStatusSummary.ts
var fromPathRegex, FileStatusSummary;
var init_FileStatusSummary = __esm({
  "src/lib/responses/FileStatusSummary.ts"() {
    fromPathRegex = /^(.+)\0(.+)$/;
    FileStatusSummary = class {
      constructor(path, index, working_dir) {
        this.path = path;
        this.index = index;
        this.working_dir = working_dir;
        if (index === "R" || working_dir === "R") {
          const detail = fromPathRegex.exec(path) || [null, path, path];
          this.from = detail[2] || "";
          this.path = detail[1] || "";
        }
      }
    };
  }
});

// src/lib/responses/StatusSummary.ts
function renamedFile(line) {
  const [to, from] = line.split(NULL);
  return {
    from: from || to,
    to
  };
}
function parser3(indexX, indexY, handler) {
  return [`${indexX}${indexY}`, handler];
}
function conflicts(indexX, ...indexY) {
  return indexY.map((y) => parser3(indexX, y, (result, file) => result.conflicted.push(file)));
}
function splitLine(result, lineStr) {
  const trimmed2 = lineStr.trim();
  switch (" ") {
    case trimmed2.charAt(2):
      return data(trimmed2.charAt(0), trimmed2.charAt(1), trimmed2.slice(3));
    case trimmed2.charAt(1):
      return data(" " /* NONE */, trimmed2.charAt(0), trimmed2.slice(2));
    default:
      return;
  }
  function data(index, workingDir, path) {
    const raw = `${index}${workingDir}`;
    const handler = parsers6.get(raw);
    if (handler) {
      handler(result, path);
    }
    if (raw !== "##" && raw !== "!!") {
      result.files.push(new FileStatusSummary(path, index, workingDir));
    }
  }
}
var StatusSummary, parsers6, parseStatusSummary;
var init_StatusSummary = __esm({
  "src/lib/responses/StatusSummary.ts"() {
    init_utils();
    init_FileStatusSummary();
    StatusSummary = class {
      constructor() {
        this.not_added = [];
        this.conflicted = [];
        this.created = [];
        this.deleted = [];
        this.ignored = void 0;
        this.modified = [];
        this.renamed = [];
        this.files = [];
        this.staged = [];
        this.ahead = 0;
        this.behind = 0;
        this.current = null;
        this.tracking = null;
        this.detached = false;
        this.isClean = () => {
          return !this.files.length;
        };
      }
    };
    parsers6 = new Map([
      parser3(
        " " /* NONE */,
        "A" /* ADDED */,
        (result, file) => result.created.push(file)
      ),
      parser3(
        " " /* NONE */,
        "D" /* DELETED */,
        (result, file) => result.deleted.push(file)
      ),
      parser3(
        " " /* NONE */,
        "M" /* MODIFIED */,
        (result, file) => result.modified.push(file)
      ),
      parser3("A" /* ADDED */, " " /* NONE */, (result, file) => {
        result.created.push(file);
        result.staged.push(file);
      }),
      parser3("A" /* ADDED */, "M" /* MODIFIED */, (result, file) => {
        result.created.push(file);
        result.staged.push(file);
        result.modified.push(file);
      }),
      parser3("D" /* DELETED */, " " /* NONE */, (result, file) => {
        result.deleted.push(file);
        result.staged.push(file);
      }),
      parser3("M" /* MODIFIED */, " " /* NONE */, (result, file) => {
        result.modified.push(file);
        result.staged.push(file);
      }),
      parser3("M" /* MODIFIED */, "M" /* MODIFIED */, (result, file) => {
        result.modified.push(file);
        result.staged.push(file);
      }),
      parser3("R" /* RENAMED */, " " /* NONE */, (result, file) => {
        result.renamed.push(renamedFile(file));
      }),
      parser3("R" /* RENAMED */, "M" /* MODIFIED */, (result, file) => {
        const renamed = renamedFile(file);
        result.renamed.push(renamed);
        result.modified.push(renamed.to);
      }),
      parser3("!" /* IGNORED */, "!" /* IGNORED */, (_result, _file) => {
        (_result.ignored = _result.ignored || []).push(_file);
      }),
      parser3(
        "?" /* UNTRACKED */,
        "?" /* UNTRACKED */,
        (result, file) => result.not_added.push(file)
      ),
      ...conflicts("A" /* ADDED */, "A" /* ADDED */, "U" /* UNMERGED */),
      ...conflicts(
        "D" /* DELETED */,
        "D" /* DELETED */,
        "U" /* UNMERGED */
      ),
      ...conflicts(
        "U" /* UNMERGED */,
        "A" /* ADDED */,
        "D" /* DELETED */,
        "U" /* UNMERGED */
      ),
      [
        "##",
        (result, line) => {
          const aheadReg = /ahead (\d+)/;
          const behindReg = /behind (\d+)/;
          const currentReg = /^(.+?(?=(?:\.{3}|\s|$)))/;
          const trackingReg = /\.{3}(\S*)/;
          const onEmptyBranchReg = /\son\s(\S+?)(?=\.{3}|$)/;
          let regexResult = aheadReg.exec(line);
          result.ahead = regexResult && +regexResult[1] || 0;
          regexResult = behindReg.exec(line);
          result.behind = regexResult && +regexResult[1] || 0;
          regexResult = currentReg.exec(line);
          result.current = filterType(regexResult?.[1], filterString, null);
          regexResult = trackingReg.exec(line);
          result.tracking = filterType(regexResult?.[1], filterString, null);
          regexResult = onEmptyBranchReg.exec(line);
          if (regexResult) {
            result.current = filterType(regexResult?.[1], filterString, result.current);
          }
          result.detached = /\(no branch\)/.test(line);
        }
      ]
    ]);
    parseStatusSummary = function(text) {
      const lines = text.split(NULL);
      const status = new StatusSummary();
      for (let i = 0, l = lines.length; i < l; ) {
        let line = lines[i++].trim();
        if (!line) {
          continue;
        }
        if (line.charAt(0) === "R" /* RENAMED */) {
          line += NULL + (lines[i++] || "");
        }
        splitLine(status, line);
      }
      return status;
    };
  }
});

// src/lib/tasks/status.ts
function statusTask(customArgs) {
  const commands = [
    "status",
    "--porcelain",
    "-b",
    "-u",
    "--null",
    ...customArgs.filter((arg) => !ignoredOptions.includes(arg))
  ];
  return {
    format: "utf-8",
    commands,
    parser(text) {
      return parseStatusSummary(text);
    }
  };
}
var ignoredOptions;
var init_status = __esm({
  "src/lib/tasks/status.ts"() {
    init_StatusSummary();
    ignoredOptions = ["--null", "-z"];
  }
});

// src/lib/tasks/version.ts
function versionResponse(major = 0, minor = 0, patch = 0, agent = "", installed = true) {
  return Object.defineProperty(
    {
      major,
      minor,
      patch,
      agent,
      installed
    },
    "toString",
    {
      value() {
        return `${this.major}.${this.minor}.${this.patch}`;
      },
      configurable: false,
      enumerable: false
    }
  );
}
function notInstalledResponse() {
  return versionResponse(0, 0, 0, "", false);
}
function version_default() {
  return {
    version() {
      return this._runTask({
        commands: ["--version"],
        format: "utf-8",
        parser: versionParser,
        onError(result, error, done, fail) {
          if (result.exitCode === -2 /* NOT_FOUND */) {
            return done(Buffer.from(NOT_INSTALLED));
          }
          fail(error);
        }
      });
    }
  };
}
function versionParser(stdOut) {
  if (stdOut === NOT_INSTALLED) {
    return notInstalledResponse();
  }
  return parseStringResponse(versionResponse(0, 0, 0, stdOut), parsers7, stdOut);
}
var NOT_INSTALLED, parsers7;
var init_version = __esm({
  "src/lib/tasks/version.ts"() {
    init_utils();
    NOT_INSTALLED = "installed=false";
    parsers7 = [
      new LineParser(
        /version (\d+)\.(\d+)\.(\d+)(?:\s*\((.+)\))?/,
        (result, [major, minor, patch, agent = ""]) => {
          Object.assign(
            result,
            versionResponse(asNumber(major), asNumber(minor), asNumber(patch), agent)
          );
        }
      ),
      new LineParser(
        /version (\d+)\.(\d+)\.(\D+)(.+)?$/,
        (result, [major, minor, patch, agent = ""]) => {
          Object.assign(result, versionResponse(asNumber(major), asNumber(minor), patch, agent));
        }
      )
    ];
  }
});
function createCloneTask(api, task, repoPath, ...args) {
  if (!filterString(repoPath)) {
    return configurationErrorTask(`git.${api}() requires a string 'repoPath'`);
  }
  return task(repoPath, filterType(args[0], filterString), getTrailingOptions(arguments));
}
function clone_default() {
  return {
    clone(repo, ...rest) {
      return this._runTask(
        createCloneTask("clone", cloneTask, filterType(repo, filterString), ...rest),
        trailingFunctionArgument(arguments)
      );
    },
    mirror(repo, ...rest) {
      return this._runTask(
        createCloneTask("mirror", cloneMirrorTask, filterType(repo, filterString), ...rest),
        trailingFunctionArgument(arguments)
      );
    }
  };
}
var cloneTask, cloneMirrorTask;
var init_clone = __esm({
  "src/lib/tasks/clone.ts"() {
    init_task();
    init_utils();
    cloneTask = (repo, directory, customArgs) => {
      const commands = ["clone", ...customArgs];
      filterString(repo) && commands.push(c$1(repo));
      filterString(directory) && commands.push(c$1(directory));
      return straightThroughStringTask(commands);
    };
    cloneMirrorTask = (repo, directory, customArgs) => {
      append(customArgs, "--mirror");
      return cloneTask(repo, directory, customArgs);
    };
  }
});

// src/lib/simple-git-api.ts
var simple_git_api_exports = {};
__export(simple_git_api_exports, {
  SimpleGitApi: () => SimpleGitApi
});
var SimpleGitApi;
var init_simple_git_api = __esm({
  "src/lib/simple-git-api.ts"() {
    init_task_callback();
    init_change_working_directory();
    init_checkout();
    init_count_objects();
    init_commit();
    init_config();
    init_first_commit();
    init_grep();
    init_hash_object();
    init_init();
    init_log();
    init_merge();
    init_push();
    init_show();
    init_status();
    init_task();
    init_version();
    init_utils();
    init_clone();
    SimpleGitApi = class {
      constructor(_executor) {
        this._executor = _executor;
      }
      _runTask(task, then) {
        const chain = this._executor.chain();
        const promise = chain.push(task);
        if (then) {
          taskCallback(task, promise, then);
        }
        return Object.create(this, {
          then: { value: promise.then.bind(promise) },
          catch: { value: promise.catch.bind(promise) },
          _executor: { value: chain }
        });
      }
      add(files) {
        return this._runTask(
          straightThroughStringTask(["add", ...asArray(files)]),
          trailingFunctionArgument(arguments)
        );
      }
      cwd(directory) {
        const next = trailingFunctionArgument(arguments);
        if (typeof directory === "string") {
          return this._runTask(changeWorkingDirectoryTask(directory, this._executor), next);
        }
        if (typeof directory?.path === "string") {
          return this._runTask(
            changeWorkingDirectoryTask(
              directory.path,
              directory.root && this._executor || void 0
            ),
            next
          );
        }
        return this._runTask(
          configurationErrorTask("Git.cwd: workingDirectory must be supplied as a string"),
          next
        );
      }
      hashObject(path, write) {
        return this._runTask(
          hashObjectTask(path, write === true),
          trailingFunctionArgument(arguments)
        );
      }
      init(bare) {
        return this._runTask(
          initTask(bare === true, this._executor.cwd, getTrailingOptions(arguments)),
          trailingFunctionArgument(arguments)
        );
      }
      merge() {
        return this._runTask(
          mergeTask(getTrailingOptions(arguments)),
          trailingFunctionArgument(arguments)
        );
      }
      mergeFromTo(remote, branch) {
        if (!(filterString(remote) && filterString(branch))) {
          return this._runTask(
            configurationErrorTask(
              `Git.mergeFromTo requires that the 'remote' and 'branch' arguments are supplied as strings`
            )
          );
        }
        return this._runTask(
          mergeTask([remote, branch, ...getTrailingOptions(arguments)]),
          trailingFunctionArgument(arguments, false)
        );
      }
      outputHandler(handler) {
        this._executor.outputHandler = handler;
        return this;
      }
      push() {
        const task = pushTask(
          {
            remote: filterType(arguments[0], filterString),
            branch: filterType(arguments[1], filterString)
          },
          getTrailingOptions(arguments)
        );
        return this._runTask(task, trailingFunctionArgument(arguments));
      }
      stash() {
        return this._runTask(
          straightThroughStringTask(["stash", ...getTrailingOptions(arguments)]),
          trailingFunctionArgument(arguments)
        );
      }
      status() {
        return this._runTask(
          statusTask(getTrailingOptions(arguments)),
          trailingFunctionArgument(arguments)
        );
      }
    };
    Object.assign(
      SimpleGitApi.prototype,
      checkout_default(),
      clone_default(),
      commit_default(),
      config_default(),
      count_objects_default(),
      first_commit_default(),
      grep_default(),
      log_default(),
      show_default(),
      version_default()
    );
  }
});

// src/lib/runners/scheduler.ts
var scheduler_exports = {};
__export(scheduler_exports, {
  Scheduler: () => Scheduler
});
var createScheduledTask, Scheduler;
var init_scheduler = __esm({
  "src/lib/runners/scheduler.ts"() {
    init_utils();
    init_git_logger();
    createScheduledTask = /* @__PURE__ */ (() => {
      let id = 0;
      return () => {
        id++;
        const { promise, done } = distExports.createDeferred();
        return {
          promise,
          done,
          id
        };
      };
    })();
    Scheduler = class {
      constructor(concurrency = 2) {
        this.concurrency = concurrency;
        this.logger = createLogger("", "scheduler");
        this.pending = [];
        this.running = [];
        this.logger(`Constructed, concurrency=%s`, concurrency);
      }
      schedule() {
        if (!this.pending.length || this.running.length >= this.concurrency) {
          this.logger(
            `Schedule attempt ignored, pending=%s running=%s concurrency=%s`,
            this.pending.length,
            this.running.length,
            this.concurrency
          );
          return;
        }
        const task = append(this.running, this.pending.shift());
        this.logger(`Attempting id=%s`, task.id);
        task.done(() => {
          this.logger(`Completing id=`, task.id);
          remove(this.running, task);
          this.schedule();
        });
      }
      next() {
        const { promise, id } = append(this.pending, createScheduledTask());
        this.logger(`Scheduling id=%s`, id);
        this.schedule();
        return promise;
      }
    };
  }
});

// src/lib/tasks/apply-patch.ts
var apply_patch_exports = {};
__export(apply_patch_exports, {
  applyPatchTask: () => applyPatchTask
});
function applyPatchTask(patches, customArgs) {
  return straightThroughStringTask(["apply", ...customArgs, ...patches]);
}
var init_apply_patch = __esm({
  "src/lib/tasks/apply-patch.ts"() {
    init_task();
  }
});

// src/lib/responses/BranchDeleteSummary.ts
function branchDeletionSuccess(branch, hash) {
  return {
    branch,
    hash,
    success: true
  };
}
function branchDeletionFailure(branch) {
  return {
    branch,
    hash: null,
    success: false
  };
}
var BranchDeletionBatch;
var init_BranchDeleteSummary = __esm({
  "src/lib/responses/BranchDeleteSummary.ts"() {
    BranchDeletionBatch = class {
      constructor() {
        this.all = [];
        this.branches = {};
        this.errors = [];
      }
      get success() {
        return !this.errors.length;
      }
    };
  }
});

// src/lib/parsers/parse-branch-delete.ts
function hasBranchDeletionError(data, processExitCode) {
  return processExitCode === 1 /* ERROR */ && deleteErrorRegex.test(data);
}
var deleteSuccessRegex, deleteErrorRegex, parsers8, parseBranchDeletions;
var init_parse_branch_delete = __esm({
  "src/lib/parsers/parse-branch-delete.ts"() {
    init_BranchDeleteSummary();
    init_utils();
    deleteSuccessRegex = /(\S+)\s+\(\S+\s([^)]+)\)/;
    deleteErrorRegex = /^error[^']+'([^']+)'/m;
    parsers8 = [
      new LineParser(deleteSuccessRegex, (result, [branch, hash]) => {
        const deletion = branchDeletionSuccess(branch, hash);
        result.all.push(deletion);
        result.branches[branch] = deletion;
      }),
      new LineParser(deleteErrorRegex, (result, [branch]) => {
        const deletion = branchDeletionFailure(branch);
        result.errors.push(deletion);
        result.all.push(deletion);
        result.branches[branch] = deletion;
      })
    ];
    parseBranchDeletions = (stdOut, stdErr) => {
      return parseStringResponse(new BranchDeletionBatch(), parsers8, [stdOut, stdErr]);
    };
  }
});

// src/lib/responses/BranchSummary.ts
var BranchSummaryResult;
var init_BranchSummary = __esm({
  "src/lib/responses/BranchSummary.ts"() {
    BranchSummaryResult = class {
      constructor() {
        this.all = [];
        this.branches = {};
        this.current = "";
        this.detached = false;
      }
      push(status, detached, name, commit, label) {
        if (status === "*" /* CURRENT */) {
          this.detached = detached;
          this.current = name;
        }
        this.all.push(name);
        this.branches[name] = {
          current: status === "*" /* CURRENT */,
          linkedWorkTree: status === "+" /* LINKED */,
          name,
          commit,
          label
        };
      }
    };
  }
});

// src/lib/parsers/parse-branch.ts
function branchStatus(input) {
  return input ? input.charAt(0) : "";
}
function parseBranchSummary(stdOut, currentOnly = false) {
  return parseStringResponse(
    new BranchSummaryResult(),
    currentOnly ? [currentBranchParser] : parsers9,
    stdOut
  );
}
var parsers9, currentBranchParser;
var init_parse_branch = __esm({
  "src/lib/parsers/parse-branch.ts"() {
    init_BranchSummary();
    init_utils();
    parsers9 = [
      new LineParser(
        /^([*+]\s)?\((?:HEAD )?detached (?:from|at) (\S+)\)\s+([a-z0-9]+)\s(.*)$/,
        (result, [current, name, commit, label]) => {
          result.push(branchStatus(current), true, name, commit, label);
        }
      ),
      new LineParser(
        /^([*+]\s)?(\S+)\s+([a-z0-9]+)\s?(.*)$/s,
        (result, [current, name, commit, label]) => {
          result.push(branchStatus(current), false, name, commit, label);
        }
      )
    ];
    currentBranchParser = new LineParser(/^(\S+)$/s, (result, [name]) => {
      result.push("*" /* CURRENT */, false, name, "", "");
    });
  }
});

// src/lib/tasks/branch.ts
var branch_exports = {};
__export(branch_exports, {
  branchLocalTask: () => branchLocalTask,
  branchTask: () => branchTask,
  containsDeleteBranchCommand: () => containsDeleteBranchCommand,
  deleteBranchTask: () => deleteBranchTask,
  deleteBranchesTask: () => deleteBranchesTask
});
function containsDeleteBranchCommand(commands) {
  const deleteCommands = ["-d", "-D", "--delete"];
  return commands.some((command) => deleteCommands.includes(command));
}
function branchTask(customArgs) {
  const isDelete = containsDeleteBranchCommand(customArgs);
  const isCurrentOnly = customArgs.includes("--show-current");
  const commands = ["branch", ...customArgs];
  if (commands.length === 1) {
    commands.push("-a");
  }
  if (!commands.includes("-v")) {
    commands.splice(1, 0, "-v");
  }
  return {
    format: "utf-8",
    commands,
    parser(stdOut, stdErr) {
      if (isDelete) {
        return parseBranchDeletions(stdOut, stdErr).all[0];
      }
      return parseBranchSummary(stdOut, isCurrentOnly);
    }
  };
}
function branchLocalTask() {
  return {
    format: "utf-8",
    commands: ["branch", "-v"],
    parser(stdOut) {
      return parseBranchSummary(stdOut);
    }
  };
}
function deleteBranchesTask(branches, forceDelete = false) {
  return {
    format: "utf-8",
    commands: ["branch", "-v", forceDelete ? "-D" : "-d", ...branches],
    parser(stdOut, stdErr) {
      return parseBranchDeletions(stdOut, stdErr);
    },
    onError({ exitCode, stdOut }, error, done, fail) {
      if (!hasBranchDeletionError(String(error), exitCode)) {
        return fail(error);
      }
      done(stdOut);
    }
  };
}
function deleteBranchTask(branch, forceDelete = false) {
  const task = {
    format: "utf-8",
    commands: ["branch", "-v", forceDelete ? "-D" : "-d", branch],
    parser(stdOut, stdErr) {
      return parseBranchDeletions(stdOut, stdErr).branches[branch];
    },
    onError({ exitCode, stdErr, stdOut }, error, _, fail) {
      if (!hasBranchDeletionError(String(error), exitCode)) {
        return fail(error);
      }
      throw new GitResponseError(
        task.parser(bufferToString(stdOut), bufferToString(stdErr)),
        String(error)
      );
    }
  };
  return task;
}
var init_branch = __esm({
  "src/lib/tasks/branch.ts"() {
    init_git_response_error();
    init_parse_branch_delete();
    init_parse_branch();
    init_utils();
  }
});
function toPath(input) {
  const path = input.trim().replace(/^["']|["']$/g, "");
  return path && normalize$1(path);
}
var parseCheckIgnore;
var init_CheckIgnore = __esm({
  "src/lib/responses/CheckIgnore.ts"() {
    parseCheckIgnore = (text) => {
      return text.split(/\n/g).map(toPath).filter(Boolean);
    };
  }
});

// src/lib/tasks/check-ignore.ts
var check_ignore_exports = {};
__export(check_ignore_exports, {
  checkIgnoreTask: () => checkIgnoreTask
});
function checkIgnoreTask(paths) {
  return {
    commands: ["check-ignore", ...paths],
    format: "utf-8",
    parser: parseCheckIgnore
  };
}
var init_check_ignore = __esm({
  "src/lib/tasks/check-ignore.ts"() {
    init_CheckIgnore();
  }
});

// src/lib/parsers/parse-fetch.ts
function parseFetchResult(stdOut, stdErr) {
  const result = {
    raw: stdOut,
    remote: null,
    branches: [],
    tags: [],
    updated: [],
    deleted: []
  };
  return parseStringResponse(result, parsers10, [stdOut, stdErr]);
}
var parsers10;
var init_parse_fetch = __esm({
  "src/lib/parsers/parse-fetch.ts"() {
    init_utils();
    parsers10 = [
      new LineParser(/From (.+)$/, (result, [remote]) => {
        result.remote = remote;
      }),
      new LineParser(/\* \[new branch]\s+(\S+)\s*-> (.+)$/, (result, [name, tracking]) => {
        result.branches.push({
          name,
          tracking
        });
      }),
      new LineParser(/\* \[new tag]\s+(\S+)\s*-> (.+)$/, (result, [name, tracking]) => {
        result.tags.push({
          name,
          tracking
        });
      }),
      new LineParser(/- \[deleted]\s+\S+\s*-> (.+)$/, (result, [tracking]) => {
        result.deleted.push({
          tracking
        });
      }),
      new LineParser(
        /\s*([^.]+)\.\.(\S+)\s+(\S+)\s*-> (.+)$/,
        (result, [from, to, name, tracking]) => {
          result.updated.push({
            name,
            tracking,
            to,
            from
          });
        }
      )
    ];
  }
});

// src/lib/tasks/fetch.ts
var fetch_exports = {};
__export(fetch_exports, {
  fetchTask: () => fetchTask
});
function disallowedCommand(command) {
  return /^--upload-pack(=|$)/.test(command);
}
function fetchTask(remote, branch, customArgs) {
  const commands = ["fetch", ...customArgs];
  if (remote && branch) {
    commands.push(remote, branch);
  }
  const banned = commands.find(disallowedCommand);
  if (banned) {
    return configurationErrorTask(`git.fetch: potential exploit argument blocked.`);
  }
  return {
    commands,
    format: "utf-8",
    parser: parseFetchResult
  };
}
var init_fetch = __esm({
  "src/lib/tasks/fetch.ts"() {
    init_parse_fetch();
    init_task();
  }
});

// src/lib/parsers/parse-move.ts
function parseMoveResult(stdOut) {
  return parseStringResponse({ moves: [] }, parsers11, stdOut);
}
var parsers11;
var init_parse_move = __esm({
  "src/lib/parsers/parse-move.ts"() {
    init_utils();
    parsers11 = [
      new LineParser(/^Renaming (.+) to (.+)$/, (result, [from, to]) => {
        result.moves.push({ from, to });
      })
    ];
  }
});

// src/lib/tasks/move.ts
var move_exports = {};
__export(move_exports, {
  moveTask: () => moveTask
});
function moveTask(from, to) {
  return {
    commands: ["mv", "-v", ...asArray(from), to],
    format: "utf-8",
    parser: parseMoveResult
  };
}
var init_move = __esm({
  "src/lib/tasks/move.ts"() {
    init_parse_move();
    init_utils();
  }
});

// src/lib/tasks/pull.ts
var pull_exports = {};
__export(pull_exports, {
  pullTask: () => pullTask
});
function pullTask(remote, branch, customArgs) {
  const commands = ["pull", ...customArgs];
  if (remote && branch) {
    commands.splice(1, 0, remote, branch);
  }
  return {
    commands,
    format: "utf-8",
    parser(stdOut, stdErr) {
      return parsePullResult(stdOut, stdErr);
    },
    onError(result, _error, _done, fail) {
      const pullError = parsePullErrorResult(
        bufferToString(result.stdOut),
        bufferToString(result.stdErr)
      );
      if (pullError) {
        return fail(new GitResponseError(pullError));
      }
      fail(_error);
    }
  };
}
var init_pull = __esm({
  "src/lib/tasks/pull.ts"() {
    init_git_response_error();
    init_parse_pull();
    init_utils();
  }
});

// src/lib/responses/GetRemoteSummary.ts
function parseGetRemotes(text) {
  const remotes = {};
  forEach(text, ([name]) => remotes[name] = { name });
  return Object.values(remotes);
}
function parseGetRemotesVerbose(text) {
  const remotes = {};
  forEach(text, ([name, url, purpose]) => {
    if (!Object.hasOwn(remotes, name)) {
      remotes[name] = {
        name,
        refs: { fetch: "", push: "" }
      };
    }
    if (purpose && url) {
      remotes[name].refs[purpose.replace(/[^a-z]/g, "")] = url;
    }
  });
  return Object.values(remotes);
}
function forEach(text, handler) {
  forEachLineWithContent(text, (line) => handler(line.split(/\s+/)));
}
var init_GetRemoteSummary = __esm({
  "src/lib/responses/GetRemoteSummary.ts"() {
    init_utils();
  }
});

// src/lib/tasks/remote.ts
var remote_exports = {};
__export(remote_exports, {
  addRemoteTask: () => addRemoteTask,
  getRemotesTask: () => getRemotesTask,
  listRemotesTask: () => listRemotesTask,
  remoteTask: () => remoteTask,
  removeRemoteTask: () => removeRemoteTask
});
function addRemoteTask(remoteName, remoteRepo, customArgs) {
  return straightThroughStringTask(["remote", "add", ...customArgs, remoteName, remoteRepo]);
}
function getRemotesTask(verbose) {
  const commands = ["remote"];
  if (verbose) {
    commands.push("-v");
  }
  return {
    commands,
    format: "utf-8",
    parser: verbose ? parseGetRemotesVerbose : parseGetRemotes
  };
}
function listRemotesTask(customArgs) {
  const commands = [...customArgs];
  if (commands[0] !== "ls-remote") {
    commands.unshift("ls-remote");
  }
  return straightThroughStringTask(commands);
}
function remoteTask(customArgs) {
  const commands = [...customArgs];
  if (commands[0] !== "remote") {
    commands.unshift("remote");
  }
  return straightThroughStringTask(commands);
}
function removeRemoteTask(remoteName) {
  return straightThroughStringTask(["remote", "remove", remoteName]);
}
var init_remote = __esm({
  "src/lib/tasks/remote.ts"() {
    init_GetRemoteSummary();
    init_task();
  }
});

// src/lib/tasks/stash-list.ts
var stash_list_exports = {};
__export(stash_list_exports, {
  stashListTask: () => stashListTask
});
function stashListTask(opt = {}, customArgs) {
  const options = parseLogOptions(opt);
  const commands = ["stash", "list", ...options.commands, ...customArgs];
  const parser4 = createListLogSummaryParser(
    options.splitter,
    options.fields,
    logFormatFromCommand(commands)
  );
  return validateLogFormatConfig(commands) || {
    commands,
    format: "utf-8",
    parser: parser4
  };
}
var init_stash_list = __esm({
  "src/lib/tasks/stash-list.ts"() {
    init_log_format();
    init_parse_list_log_summary();
    init_diff();
    init_log();
  }
});

// src/lib/tasks/sub-module.ts
var sub_module_exports = {};
__export(sub_module_exports, {
  addSubModuleTask: () => addSubModuleTask,
  initSubModuleTask: () => initSubModuleTask,
  subModuleTask: () => subModuleTask,
  updateSubModuleTask: () => updateSubModuleTask
});
function addSubModuleTask(repo, path) {
  return subModuleTask(["add", repo, path]);
}
function initSubModuleTask(customArgs) {
  return subModuleTask(["init", ...customArgs]);
}
function subModuleTask(customArgs) {
  const commands = [...customArgs];
  if (commands[0] !== "submodule") {
    commands.unshift("submodule");
  }
  return straightThroughStringTask(commands);
}
function updateSubModuleTask(customArgs) {
  return subModuleTask(["update", ...customArgs]);
}
var init_sub_module = __esm({
  "src/lib/tasks/sub-module.ts"() {
    init_task();
  }
});

// src/lib/responses/TagList.ts
function singleSorted(a, b) {
  const aIsNum = Number.isNaN(a);
  const bIsNum = Number.isNaN(b);
  if (aIsNum !== bIsNum) {
    return aIsNum ? 1 : -1;
  }
  return aIsNum ? sorted(a, b) : 0;
}
function sorted(a, b) {
  return a === b ? 0 : a > b ? 1 : -1;
}
function trimmed(input) {
  return input.trim();
}
function toNumber(input) {
  if (typeof input === "string") {
    return parseInt(input.replace(/^\D+/g, ""), 10) || 0;
  }
  return 0;
}
var TagList, parseTagList;
var init_TagList = __esm({
  "src/lib/responses/TagList.ts"() {
    TagList = class {
      constructor(all, latest) {
        this.all = all;
        this.latest = latest;
      }
    };
    parseTagList = function(data, customSort = false) {
      const tags = data.split("\n").map(trimmed).filter(Boolean);
      if (!customSort) {
        tags.sort(function(tagA, tagB) {
          const partsA = tagA.split(".");
          const partsB = tagB.split(".");
          if (partsA.length === 1 || partsB.length === 1) {
            return singleSorted(toNumber(partsA[0]), toNumber(partsB[0]));
          }
          for (let i = 0, l = Math.max(partsA.length, partsB.length); i < l; i++) {
            const diff = sorted(toNumber(partsA[i]), toNumber(partsB[i]));
            if (diff) {
              return diff;
            }
          }
          return 0;
        });
      }
      const latest = customSort ? tags[0] : [...tags].reverse().find((tag) => tag.indexOf(".") >= 0);
      return new TagList(tags, latest);
    };
  }
});

// src/lib/tasks/tag.ts
var tag_exports = {};
__export(tag_exports, {
  addAnnotatedTagTask: () => addAnnotatedTagTask,
  addTagTask: () => addTagTask,
  tagListTask: () => tagListTask
});
function tagListTask(customArgs = []) {
  const hasCustomSort = customArgs.some((option) => /^--sort=/.test(option));
  return {
    format: "utf-8",
    commands: ["tag", "-l", ...customArgs],
    parser(text) {
      return parseTagList(text, hasCustomSort);
    }
  };
}
function addTagTask(name) {
  return {
    format: "utf-8",
    commands: ["tag", name],
    parser() {
      return { name };
    }
  };
}
function addAnnotatedTagTask(name, tagMessage) {
  return {
    format: "utf-8",
    commands: ["tag", "-a", "-m", tagMessage, name],
    parser() {
      return { name };
    }
  };
}
var init_tag = __esm({
  "src/lib/tasks/tag.ts"() {
    init_TagList();
  }
});

// src/git.js
var require_git = __commonJS({
  "src/git.js"(exports, module) {
    var { GitExecutor: GitExecutor2 } = (init_git_executor(), __toCommonJS(git_executor_exports));
    var { SimpleGitApi: SimpleGitApi2 } = (init_simple_git_api(), __toCommonJS(simple_git_api_exports));
    var { Scheduler: Scheduler2 } = (init_scheduler(), __toCommonJS(scheduler_exports));
    var { adhocExecTask: adhocExecTask2, configurationErrorTask: configurationErrorTask2 } = (init_task(), __toCommonJS(task_exports));
    var {
      asArray: asArray2,
      filterArray: filterArray2,
      filterPrimitives: filterPrimitives2,
      filterString: filterString2,
      filterStringOrStringArray: filterStringOrStringArray2,
      filterType: filterType2,
      getTrailingOptions: getTrailingOptions2,
      trailingFunctionArgument: trailingFunctionArgument2,
      trailingOptionsArgument: trailingOptionsArgument2
    } = (init_utils(), __toCommonJS(utils_exports));
    var { applyPatchTask: applyPatchTask2 } = (init_apply_patch(), __toCommonJS(apply_patch_exports));
    var {
      branchTask: branchTask2,
      branchLocalTask: branchLocalTask2,
      deleteBranchesTask: deleteBranchesTask2,
      deleteBranchTask: deleteBranchTask2
    } = (init_branch(), __toCommonJS(branch_exports));
    var { checkIgnoreTask: checkIgnoreTask2 } = (init_check_ignore(), __toCommonJS(check_ignore_exports));
    var { checkIsRepoTask: checkIsRepoTask2 } = (init_check_is_repo(), __toCommonJS(check_is_repo_exports));
    var { cleanWithOptionsTask: cleanWithOptionsTask2, isCleanOptionsArray: isCleanOptionsArray2 } = (init_clean(), __toCommonJS(clean_exports));
    var { diffSummaryTask: diffSummaryTask2 } = (init_diff(), __toCommonJS(diff_exports));
    var { fetchTask: fetchTask2 } = (init_fetch(), __toCommonJS(fetch_exports));
    var { moveTask: moveTask2 } = (init_move(), __toCommonJS(move_exports));
    var { pullTask: pullTask2 } = (init_pull(), __toCommonJS(pull_exports));
    var { pushTagsTask: pushTagsTask2 } = (init_push(), __toCommonJS(push_exports));
    var {
      addRemoteTask: addRemoteTask2,
      getRemotesTask: getRemotesTask2,
      listRemotesTask: listRemotesTask2,
      remoteTask: remoteTask2,
      removeRemoteTask: removeRemoteTask2
    } = (init_remote(), __toCommonJS(remote_exports));
    var { getResetMode: getResetMode2, resetTask: resetTask2 } = (init_reset(), __toCommonJS(reset_exports));
    var { stashListTask: stashListTask2 } = (init_stash_list(), __toCommonJS(stash_list_exports));
    var {
      addSubModuleTask: addSubModuleTask2,
      initSubModuleTask: initSubModuleTask2,
      subModuleTask: subModuleTask2,
      updateSubModuleTask: updateSubModuleTask2
    } = (init_sub_module(), __toCommonJS(sub_module_exports));
    var { addAnnotatedTagTask: addAnnotatedTagTask2, addTagTask: addTagTask2, tagListTask: tagListTask2 } = (init_tag(), __toCommonJS(tag_exports));
    var { straightThroughBufferTask: straightThroughBufferTask2, straightThroughStringTask: straightThroughStringTask2 } = (init_task(), __toCommonJS(task_exports));
    function Git2(options, plugins) {
      this._plugins = plugins;
      this._executor = new GitExecutor2(
        options.baseDir,
        new Scheduler2(options.maxConcurrentProcesses),
        plugins
      );
      this._trimmed = options.trimmed;
    }
    (Git2.prototype = Object.create(SimpleGitApi2.prototype)).constructor = Git2;
    Git2.prototype.customBinary = function(command) {
      this._plugins.reconfigure("binary", command);
      return this;
    };
    Git2.prototype.env = function(name, value) {
      if (arguments.length === 1 && typeof name === "object") {
        this._executor.env = name;
      } else {
        (this._executor.env = this._executor.env || {})[name] = value;
      }
      return this;
    };
    Git2.prototype.stashList = function(options) {
      return this._runTask(
        stashListTask2(
          trailingOptionsArgument2(arguments) || {},
          filterArray2(options) && options || []
        ),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.mv = function(from, to) {
      return this._runTask(moveTask2(from, to), trailingFunctionArgument2(arguments));
    };
    Git2.prototype.checkoutLatestTag = function(then) {
      var git = this;
      return this.pull(function() {
        git.tags(function(err, tags) {
          git.checkout(tags.latest, then);
        });
      });
    };
    Git2.prototype.pull = function(remote, branch, options, then) {
      return this._runTask(
        pullTask2(
          filterType2(remote, filterString2),
          filterType2(branch, filterString2),
          getTrailingOptions2(arguments)
        ),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.fetch = function(remote, branch) {
      return this._runTask(
        fetchTask2(
          filterType2(remote, filterString2),
          filterType2(branch, filterString2),
          getTrailingOptions2(arguments)
        ),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.silent = function(silence) {
      return this._runTask(
        adhocExecTask2(
          () => console.warn(
            "simple-git deprecation notice: git.silent: logging should be configured using the `debug` library / `DEBUG` environment variable, this method will be removed."
          )
        )
      );
    };
    Git2.prototype.tags = function(options, then) {
      return this._runTask(
        tagListTask2(getTrailingOptions2(arguments)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.rebase = function() {
      return this._runTask(
        straightThroughStringTask2(["rebase", ...getTrailingOptions2(arguments)]),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.reset = function(mode) {
      return this._runTask(
        resetTask2(getResetMode2(mode), getTrailingOptions2(arguments)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.revert = function(commit) {
      const next = trailingFunctionArgument2(arguments);
      if (typeof commit !== "string") {
        return this._runTask(configurationErrorTask2("Commit must be a string"), next);
      }
      return this._runTask(
        straightThroughStringTask2(["revert", ...getTrailingOptions2(arguments, 0, true), commit]),
        next
      );
    };
    Git2.prototype.addTag = function(name) {
      const task = typeof name === "string" ? addTagTask2(name) : configurationErrorTask2("Git.addTag requires a tag name");
      return this._runTask(task, trailingFunctionArgument2(arguments));
    };
    Git2.prototype.addAnnotatedTag = function(tagName, tagMessage) {
      return this._runTask(
        addAnnotatedTagTask2(tagName, tagMessage),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.deleteLocalBranch = function(branchName, forceDelete, then) {
      return this._runTask(
        deleteBranchTask2(branchName, typeof forceDelete === "boolean" ? forceDelete : false),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.deleteLocalBranches = function(branchNames, forceDelete, then) {
      return this._runTask(
        deleteBranchesTask2(branchNames, typeof forceDelete === "boolean" ? forceDelete : false),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.branch = function(options, then) {
      return this._runTask(
        branchTask2(getTrailingOptions2(arguments)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.branchLocal = function(then) {
      return this._runTask(branchLocalTask2(), trailingFunctionArgument2(arguments));
    };
    Git2.prototype.raw = function(commands) {
      const createRestCommands = !Array.isArray(commands);
      const command = [].slice.call(createRestCommands ? arguments : commands, 0);
      for (let i = 0; i < command.length && createRestCommands; i++) {
        if (!filterPrimitives2(command[i])) {
          command.splice(i, command.length - i);
          break;
        }
      }
      command.push(...getTrailingOptions2(arguments, 0, true));
      var next = trailingFunctionArgument2(arguments);
      if (!command.length) {
        return this._runTask(
          configurationErrorTask2("Raw: must supply one or more command to execute"),
          next
        );
      }
      return this._runTask(straightThroughStringTask2(command, this._trimmed), next);
    };
    Git2.prototype.submoduleAdd = function(repo, path, then) {
      return this._runTask(addSubModuleTask2(repo, path), trailingFunctionArgument2(arguments));
    };
    Git2.prototype.submoduleUpdate = function(args, then) {
      return this._runTask(
        updateSubModuleTask2(getTrailingOptions2(arguments, true)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.submoduleInit = function(args, then) {
      return this._runTask(
        initSubModuleTask2(getTrailingOptions2(arguments, true)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.subModule = function(options, then) {
      return this._runTask(
        subModuleTask2(getTrailingOptions2(arguments)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.listRemote = function() {
      return this._runTask(
        listRemotesTask2(getTrailingOptions2(arguments)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.addRemote = function(remoteName, remoteRepo, then) {
      return this._runTask(
        addRemoteTask2(remoteName, remoteRepo, getTrailingOptions2(arguments)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.removeRemote = function(remoteName, then) {
      return this._runTask(removeRemoteTask2(remoteName), trailingFunctionArgument2(arguments));
    };
    Git2.prototype.getRemotes = function(verbose, then) {
      return this._runTask(getRemotesTask2(verbose === true), trailingFunctionArgument2(arguments));
    };
    Git2.prototype.remote = function(options, then) {
      return this._runTask(
        remoteTask2(getTrailingOptions2(arguments)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.tag = function(options, then) {
      const command = getTrailingOptions2(arguments);
      if (command[0] !== "tag") {
        command.unshift("tag");
      }
      return this._runTask(straightThroughStringTask2(command), trailingFunctionArgument2(arguments));
    };
    Git2.prototype.updateServerInfo = function(then) {
      return this._runTask(
        straightThroughStringTask2(["update-server-info"]),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.pushTags = function(remote, then) {
      const task = pushTagsTask2(
        { remote: filterType2(remote, filterString2) },
        getTrailingOptions2(arguments)
      );
      return this._runTask(task, trailingFunctionArgument2(arguments));
    };
    Git2.prototype.rm = function(files) {
      return this._runTask(
        straightThroughStringTask2(["rm", "-f", ...asArray2(files)]),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.rmKeepLocal = function(files) {
      return this._runTask(
        straightThroughStringTask2(["rm", "--cached", ...asArray2(files)]),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.catFile = function(options, then) {
      return this._catFile("utf-8", arguments);
    };
    Git2.prototype.binaryCatFile = function() {
      return this._catFile("buffer", arguments);
    };
    Git2.prototype._catFile = function(format, args) {
      var handler = trailingFunctionArgument2(args);
      var command = ["cat-file"];
      var options = args[0];
      if (typeof options === "string") {
        return this._runTask(
          configurationErrorTask2("Git.catFile: options must be supplied as an array of strings"),
          handler
        );
      }
      if (Array.isArray(options)) {
        command.push.apply(command, options);
      }
      const task = format === "buffer" ? straightThroughBufferTask2(command) : straightThroughStringTask2(command);
      return this._runTask(task, handler);
    };
    Git2.prototype.diff = function(options, then) {
      const task = filterString2(options) ? configurationErrorTask2(
        "git.diff: supplying options as a single string is no longer supported, switch to an array of strings"
      ) : straightThroughStringTask2(["diff", ...getTrailingOptions2(arguments)]);
      return this._runTask(task, trailingFunctionArgument2(arguments));
    };
    Git2.prototype.diffSummary = function() {
      return this._runTask(
        diffSummaryTask2(getTrailingOptions2(arguments, 1)),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.applyPatch = function(patches) {
      const task = !filterStringOrStringArray2(patches) ? configurationErrorTask2(
        `git.applyPatch requires one or more string patches as the first argument`
      ) : applyPatchTask2(asArray2(patches), getTrailingOptions2([].slice.call(arguments, 1)));
      return this._runTask(task, trailingFunctionArgument2(arguments));
    };
    Git2.prototype.revparse = function() {
      const commands = ["rev-parse", ...getTrailingOptions2(arguments, true)];
      return this._runTask(
        straightThroughStringTask2(commands, true),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.clean = function(mode, options, then) {
      const usingCleanOptionsArray = isCleanOptionsArray2(mode);
      const cleanMode = usingCleanOptionsArray && mode.join("") || filterType2(mode, filterString2) || "";
      const customArgs = getTrailingOptions2([].slice.call(arguments, usingCleanOptionsArray ? 1 : 0));
      return this._runTask(
        cleanWithOptionsTask2(cleanMode, customArgs),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.exec = function(then) {
      const task = {
        commands: [],
        format: "utf-8",
        parser() {
          if (typeof then === "function") {
            then();
          }
        }
      };
      return this._runTask(task);
    };
    Git2.prototype.clearQueue = function() {
      return this._runTask(
        adhocExecTask2(
          () => console.warn(
            "simple-git deprecation notice: clearQueue() is deprecated and will be removed, switch to using the abortPlugin instead."
          )
        )
      );
    };
    Git2.prototype.checkIgnore = function(pathnames, then) {
      return this._runTask(
        checkIgnoreTask2(asArray2(filterType2(pathnames, filterStringOrStringArray2, []))),
        trailingFunctionArgument2(arguments)
      );
    };
    Git2.prototype.checkIsRepo = function(checkType, then) {
      return this._runTask(
        checkIsRepoTask2(filterType2(checkType, filterString2)),
        trailingFunctionArgument2(arguments)
      );
    };
    module.exports = Git2;
  }
});

// src/lib/errors/git-construct-error.ts
init_git_error();
var GitConstructError = class extends GitError$1 {
  constructor(config, message) {
    super(void 0, message);
    this.config = config;
  }
};

// src/lib/api.ts
init_git_error();

// src/lib/errors/git-plugin-error.ts
init_git_error();
var GitPluginError = class extends GitError$1 {
  constructor(task, plugin, message) {
    super(task, message);
    this.task = task;
    this.plugin = plugin;
    Object.setPrototypeOf(this, new.target.prototype);
  }
};

// src/lib/api.ts
init_git_response_error();
init_task_configuration_error();
init_check_is_repo();
init_clean();
init_config();
init_diff_name_status();
init_grep();
init_reset();

// src/lib/plugins/abort-plugin.ts
function abortPlugin(signal) {
  if (!signal) {
    return;
  }
  const onSpawnAfter = {
    type: "spawn.after",
    action(_data, context) {
      function kill() {
        context.kill(new GitPluginError(void 0, "abort", "Abort signal received"));
      }
      signal.addEventListener("abort", kill);
      context.spawned.on("close", () => signal.removeEventListener("abort", kill));
    }
  };
  const onSpawnBefore = {
    type: "spawn.before",
    action(_data, context) {
      if (signal.aborted) {
        context.kill(new GitPluginError(void 0, "abort", "Abort already signaled"));
      }
    }
  };
  return [onSpawnBefore, onSpawnAfter];
}
function blockUnsafeOperationsPlugin(options = {}) {
  return {
    type: "spawn.args",
    action(args, { env }) {
      for (const vulnerability of ne(args, env)) {
        if (options[vulnerability.category] !== true) {
          throw new GitPluginError(void 0, "unsafe", vulnerability.message);
        }
      }
      return args;
    }
  };
}

// src/lib/plugins/command-config-prefixing-plugin.ts
init_utils();
function commandConfigPrefixingPlugin(configuration) {
  const prefix = prefixedArray(configuration, "-c");
  return {
    type: "spawn.args",
    action(data) {
      return [...prefix, ...data];
    }
  };
}

// src/lib/plugins/completion-detection.plugin.ts
init_utils();
var never = distExports.deferred().promise;
function completionDetectionPlugin({
  onClose = true,
  onExit = 50
} = {}) {
  function createEvents() {
    let exitCode = -1;
    const events = {
      close: distExports.deferred(),
      closeTimeout: distExports.deferred(),
      exit: distExports.deferred(),
      exitTimeout: distExports.deferred()
    };
    const result = Promise.race([
      onClose === false ? never : events.closeTimeout.promise,
      onExit === false ? never : events.exitTimeout.promise
    ]);
    configureTimeout(onClose, events.close, events.closeTimeout);
    configureTimeout(onExit, events.exit, events.exitTimeout);
    return {
      close(code) {
        exitCode = code;
        events.close.done();
      },
      exit(code) {
        exitCode = code;
        events.exit.done();
      },
      get exitCode() {
        return exitCode;
      },
      result
    };
  }
  function configureTimeout(flag, event, timeout) {
    if (flag === false) {
      return;
    }
    (flag === true ? event.promise : event.promise.then(() => delay(flag))).then(timeout.done);
  }
  return {
    type: "spawn.after",
    async action(_data, { spawned, close }) {
      const events = createEvents();
      let deferClose = true;
      let quickClose = () => void (deferClose = false);
      spawned.stdout?.on("data", quickClose);
      spawned.stderr?.on("data", quickClose);
      spawned.on("error", quickClose);
      spawned.on("close", (code) => events.close(code));
      spawned.on("exit", (code) => events.exit(code));
      try {
        await events.result;
        if (deferClose) {
          await delay(50);
        }
        close(events.exitCode);
      } catch (err) {
        close(events.exitCode, err);
      }
    }
  };
}

// src/lib/plugins/custom-binary.plugin.ts
init_utils();
var WRONG_NUMBER_ERR = `Invalid value supplied for custom binary, requires a single string or an array containing either one or two strings`;
var WRONG_CHARS_ERR = `Invalid value supplied for custom binary, restricted characters must be removed or supply the unsafe.allowUnsafeCustomBinary option`;
function isBadArgument(arg) {
  return !arg || !/^([a-z]:)?([a-z0-9/.\\_~-]+)$/i.test(arg);
}
function toBinaryConfig(input, allowUnsafe) {
  if (input.length < 1 || input.length > 2) {
    throw new GitPluginError(void 0, "binary", WRONG_NUMBER_ERR);
  }
  const isBad = input.some(isBadArgument);
  if (isBad) {
    if (allowUnsafe) {
      console.warn(WRONG_CHARS_ERR);
    } else {
      throw new GitPluginError(void 0, "binary", WRONG_CHARS_ERR);
    }
  }
  const [binary, prefix] = input;
  return {
    binary,
    prefix
  };
}
function customBinaryPlugin(plugins, input = ["git"], allowUnsafe = false) {
  let config = toBinaryConfig(asArray(input), allowUnsafe);
  plugins.on("binary", (input2) => {
    config = toBinaryConfig(asArray(input2), allowUnsafe);
  });
  plugins.append("spawn.binary", () => {
    return config.binary;
  });
  plugins.append("spawn.args", (data) => {
    return config.prefix ? [config.prefix, ...data] : data;
  });
}

// src/lib/plugins/error-detection.plugin.ts
init_git_error();
function isTaskError(result) {
  return !!(result.exitCode && result.stdErr.length);
}
function getErrorMessage(result) {
  return Buffer.concat([...result.stdOut, ...result.stdErr]);
}
function errorDetectionHandler(overwrite = false, isError = isTaskError, errorMessage = getErrorMessage) {
  return (error, result) => {
    if (!overwrite && error || !isError(result)) {
      return error;
    }
    return errorMessage(result);
  };
}
function errorDetectionPlugin(config) {
  return {
    type: "task.error",
    action(data, context) {
      const error = config(data.error, {
        stdErr: context.stdErr,
        stdOut: context.stdOut,
        exitCode: context.exitCode
      });
      if (Buffer.isBuffer(error)) {
        return { error: new GitError$1(void 0, error.toString("utf-8")) };
      }
      return {
        error
      };
    }
  };
}

// src/lib/plugins/plugin-store.ts
init_utils();
var PluginStore = class {
  constructor() {
    this.plugins = /* @__PURE__ */ new Set();
    this.events = new EventEmitter();
  }
  on(type, listener) {
    this.events.on(type, listener);
  }
  reconfigure(type, data) {
    this.events.emit(type, data);
  }
  append(type, action) {
    const plugin = append(this.plugins, { type, action });
    return () => this.plugins.delete(plugin);
  }
  add(plugin) {
    const plugins = [];
    asArray(plugin).forEach((plugin2) => plugin2 && this.plugins.add(append(plugins, plugin2)));
    return () => {
      plugins.forEach((plugin2) => this.plugins.delete(plugin2));
    };
  }
  exec(type, data, context) {
    let output = data;
    const contextual = Object.freeze(Object.create(context));
    for (const plugin of this.plugins) {
      if (plugin.type === type) {
        output = plugin.action(output, contextual);
      }
    }
    return output;
  }
};

// src/lib/plugins/progress-monitor-plugin.ts
init_utils();
function progressMonitorPlugin(progress) {
  const progressCommand = "--progress";
  const progressMethods = ["checkout", "clone", "fetch", "pull", "push"];
  const onProgress = {
    type: "spawn.after",
    action(_data, context) {
      if (!context.commands.includes(progressCommand)) {
        return;
      }
      context.spawned.stderr?.on("data", (chunk) => {
        const message = /^([\s\S]+?):\s*(\d+)% \((\d+)\/(\d+)\)/.exec(chunk.toString("utf8"));
        if (!message) {
          return;
        }
        progress({
          method: context.method,
          stage: progressEventStage(message[1]),
          progress: asNumber(message[2]),
          processed: asNumber(message[3]),
          total: asNumber(message[4])
        });
      });
    }
  };
  const onArgs = {
    type: "spawn.args",
    action(args, context) {
      if (!progressMethods.includes(context.method)) {
        return args;
      }
      return including(args, progressCommand);
    }
  };
  return [onArgs, onProgress];
}
function progressEventStage(input) {
  return String(input.toLowerCase().split(" ", 1)) || "unknown";
}

// src/lib/plugins/spawn-options-plugin.ts
init_utils();
function spawnOptionsPlugin(spawnOptions) {
  const options = pick(spawnOptions, ["uid", "gid"]);
  return {
    type: "spawn.options",
    action(data) {
      return { ...options, ...data };
    }
  };
}

// src/lib/plugins/timout-plugin.ts
function timeoutPlugin({
  block,
  stdErr = true,
  stdOut = true
}) {
  if (block > 0) {
    return {
      type: "spawn.after",
      action(_data, context) {
        let timeout;
        function wait() {
          timeout && clearTimeout(timeout);
          timeout = setTimeout(kill, block);
        }
        function stop() {
          context.spawned.stdout?.off("data", wait);
          context.spawned.stderr?.off("data", wait);
          context.spawned.off("exit", stop);
          context.spawned.off("close", stop);
          timeout && clearTimeout(timeout);
        }
        function kill() {
          stop();
          context.kill(new GitPluginError(void 0, "timeout", `block timeout reached`));
        }
        stdOut && context.spawned.stdout?.on("data", wait);
        stdErr && context.spawned.stderr?.on("data", wait);
        context.spawned.on("exit", stop);
        context.spawned.on("close", stop);
        wait();
      }
    };
  }
}
function suffixPathsPlugin() {
  return {
    type: "spawn.args",
    action(data) {
      const prefix = [];
      let suffix;
      function append2(args) {
        (suffix = suffix || []).push(...args);
      }
      for (let i = 0; i < data.length; i++) {
        const param = data[i];
        if (r(param)) {
          append2(o(param));
          continue;
        }
        if (param === "--") {
          append2(
            data.slice(i + 1).flatMap((item) => r(item) && o(item) || item)
          );
          break;
        }
        prefix.push(param);
      }
      return !suffix ? prefix : [...prefix, "--", ...suffix.map(String)];
    }
  };
}

// src/lib/git-factory.ts
init_utils();
var Git = require_git();
function gitInstanceFactory(baseDir, options) {
  const plugins = new PluginStore();
  const config = createInstanceConfig(
    baseDir && (typeof baseDir === "string" ? { baseDir } : baseDir) || {},
    options
  );
  if (!folderExists(config.baseDir)) {
    throw new GitConstructError(
      config,
      `Cannot use simple-git on a directory that does not exist`
    );
  }
  if (Array.isArray(config.config)) {
    plugins.add(commandConfigPrefixingPlugin(config.config));
  }
  plugins.add(blockUnsafeOperationsPlugin(config.unsafe));
  plugins.add(completionDetectionPlugin(config.completion));
  config.abort && plugins.add(abortPlugin(config.abort));
  config.progress && plugins.add(progressMonitorPlugin(config.progress));
  config.timeout && plugins.add(timeoutPlugin(config.timeout));
  config.spawnOptions && plugins.add(spawnOptionsPlugin(config.spawnOptions));
  plugins.add(suffixPathsPlugin());
  plugins.add(errorDetectionPlugin(errorDetectionHandler(true)));
  config.errors && plugins.add(errorDetectionPlugin(config.errors));
  customBinaryPlugin(plugins, config.binary, config.unsafe?.allowUnsafeCustomBinary);
  return new Git(config, plugins);
}

// src/lib/runners/promise-wrapped.ts
init_git_response_error();

// src/esm.mjs
var simpleGit = gitInstanceFactory;

/**
 * The git write method: any git host, file:// and local paths included.
 * A partial, shallow, sparse clone (`--filter=blob:none --depth 1`, only the
 * files the promotion reads) keeps the cost flat in the size of the config
 * repo; blobs outside the sparse set are never fetched.
 *
 * The token never reaches a command line, a URL or .git/config: it goes to
 * git as an `http.<origin>.extraHeader` in the global config of a private,
 * throwaway HOME (mode 0600 in a 0700 temp dir, as actions/checkout v6 keeps
 * it in RUNNER_TEMP), deleted with the clone.
 */
/** Commits made by the action look like other automation on GitHub. */
const DEFAULT_IDENTITY = {
    name: 'github-actions[bot]',
    email: '41898282+github-actions[bot]@users.noreply.github.com'
};
class GitError extends PromoteError {
}
/** Clone, fetch and push: total attempts, the first included, on a transient failure. */
const GIT_RETRY = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };
class GitCheckout {
    dir;
    baseBranch;
    git;
    temp;
    logger;
    remote;
    env;
    tree;
    /** Every path the promotion read or checked out: what a racing commit must not touch (rebase). */
    readPaths = new Set();
    /** The promotion's commit as rebase() moved it onto a new head, for the next commit() to give. */
    rebased;
    constructor(dir, baseBranch, git, temp, logger, 
    /** The repository for messages, credentials redacted. */
    remote, env) {
        this.dir = dir;
        this.baseBranch = baseBranch;
        this.git = git;
        this.temp = temp;
        this.logger = logger;
        this.remote = remote;
        this.env = env;
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
            await git.raw(['sparse-checkout', 'init', '--no-cone']);
            await git.raw(['sparse-checkout', 'set', '--no-cone', '/.promote-image-nothing']);
            await git.raw(['checkout', '--quiet', baseBranch]);
            return new GitCheckout(dir, baseBranch, git, temp, options.logger, redact(options.url), env);
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
        const patterns = [...wanted].map(p => tree.get(p) === '040000' ? `/${escapePattern(p)}/` : `/${escapePattern(p)}`);
        if (patterns.length === 0)
            return;
        await this.git.raw(['sparse-checkout', 'add', ...patterns]);
    }
    /** A symlink's stored target (its blob), fetched on demand like any blob of the partial clone. */
    async linkTarget(link) {
        return this.git.raw(['cat-file', 'blob', `HEAD:${link}`]);
    }
    /** Gives up on sparseness: everything is checked out (the render needs what cannot be told in advance). */
    async includeAll() {
        await this.git.raw(['sparse-checkout', 'disable']);
    }
    /** Commits every change in the sparse working tree (or gives the commit rebase() moved); undefined when there is none. */
    async commit(message) {
        if (this.rebased) {
            const sha = this.rebased;
            this.rebased = undefined;
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
    async rebase() {
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
            GIT_INDEX_FILE: join(this.temp, 'rebase.index')
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
        const message = join(this.temp, 'rebase.message');
        await writeFile(message, commitMessageOf(await this.git.raw(['cat-file', 'commit', 'HEAD'])));
        const commit = (await this.git.raw(['commit-tree', tree, '-p', head, '-F', message])).trim();
        // Only HEAD matters from here: it is pushed, or reset by the next rebase. (A mixed reset
        // onto the new head would keep the edits more simply, but it fetches the new head's
        // changed blobs: one more round trip per lost race, and 20 concurrent promotions took
        // 26–27 s instead of 23–25 s.)
        await this.git.raw(['reset', '--quiet', '--soft', commit]);
        this.rebased = commit;
        return 'kept';
    }
    /** Moves to the base branch's head as last fetched, discarding the promotion. */
    async reset() {
        await this.git.raw(['reset', '--quiet', '--hard', 'FETCH_HEAD']);
        this.tree = undefined;
        this.readPaths.clear();
        this.rebased = undefined;
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
/** Local paths become file:// URLs, so that --depth and --filter apply. */
function normalizeUrl(url) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+@[^:]+:/.test(url))
        return url;
    return pathToFileURL(isAbsolute(url) ? url : resolve(url)).href;
}
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
function escapePattern(path) {
    return path.replace(/[*?[\]\\!#]/g, c => `\\${c}`);
}
function gitMessage(error) {
    return errorText(error).trim().split('\n').slice(-6).join('\n');
}
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
function redact(url) {
    return url.replace(/\/\/[^@/]*@/, '//***@');
}

const silentLogger = { debug() { }, info() { }, warning() { } };

/**
 * Delivering a promotion: read what the promotion needs from the config repo
 * at the base commit, edit, prove, commit, then push to the base branch or
 * reset the promotion branch and create or update its pull request.
 *
 * Two writers, one flow. `git` clones sparsely (any git host); `api` reads
 * through the contents API and writes with the Git Data API (no clone,
 * Verified commits). Either way only promotion.yaml, the targets and their
 * render closure are fetched, so the cost does not grow with the repository.
 *
 * When a push loses a race (another promotion landed first), the new head is
 * read and the pure edit re-applied — never a textual merge — with jittered,
 * bounded retries, so concurrent promotions all land and none is lost.
 */
class LostRaceError extends PromoteError {
}
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
    const session = request.method === 'api' ? await apiSession(request, logger) : await gitSession(request, logger);
    const attempts = request.attempts ?? LOST_RACE_ATTEMPTS;
    try {
        if (branch !== undefined) {
            refuseBaseAsBranch(branch, session.baseBranch);
            refuseBaseAsBranch(branch, (await request.github.info()).defaultBranch);
        }
        // Kept across a lost race when nothing it read changed on the new head (session.refresh).
        let prepared;
        for (let attempt = 1;; attempt++) {
            if (!prepared) {
                const images = typeof request.images === 'function'
                    ? await request.images(session.reader)
                    : request.images;
                const templates = await fetchWhatIsRead(session, { ...request, images });
                const edit = await editConfigRepo({ ...request, images, templates, repoRoot: session.dir }, logger);
                if (request.dryRun || edit.files.length === 0)
                    return { images, edit, baseBranch: session.baseBranch, attempts: attempt };
                prepared = { images, edit, message: request.message(edit, images) };
            }
            const { images, edit, message } = prepared;
            const base = { images, edit, baseBranch: session.baseBranch, attempts: attempt };
            if (branch !== undefined) {
                return { ...base, ...(await proposeChange(request, session, branch, prepared, logger)) };
            }
            if (session.commitToBase) {
                const landed = await session.commitToBase(edit, message);
                if (landed !== 'rejected')
                    return { ...base, commit: landed.sha, branch: session.baseBranch };
            }
            else {
                const commit = await session.commit(edit, message);
                if (!commit)
                    return base;
                if ((await session.push(commit.sha, session.baseBranch)) === 'pushed') {
                    return { ...base, commit: commit.sha, branch: session.baseBranch };
                }
            }
            if (attempt >= attempts) {
                throw new LostRaceError(`${session.baseBranch} kept moving: ${attempts} attempts to push the promotion lost the race to other commits.`, { hint: 'Re-run the job; nothing was pushed.' });
            }
            // The throttle's wait comes first: a head read before it would be stale when the write leaves.
            const delay = (session.writeWait?.() ?? 0) + lostRaceDelay(attempt);
            logger.info(`${session.baseBranch} moved while promoting; re-applying on the new head in ${delay} ms (attempt ${attempt + 1} of ${attempts}).`);
            await setTimeout$1(delay);
            const refreshed = await session.refresh();
            if (typeof refreshed === 'object') {
                logger.info(`${session.baseBranch} is at ${refreshed.landed}, this promotion's own commit: GitHub applied it and its answer was lost.`);
                return { ...base, commit: refreshed.landed, branch: session.baseBranch };
            }
            if (refreshed === 'kept') {
                logger.debug(`${session.baseBranch} moved, but not what this promotion read: the same commit goes onto the new head.`);
            }
            else {
                prepared = undefined;
            }
        }
    }
    finally {
        await session.close();
    }
}
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
async function proposeChange(request, session, branch, prepared, logger) {
    const github = request.github;
    let previous = await ownBranchHead(github, branch);
    const commit = await session.commit(prepared.edit, withBranchTrailer(prepared.message, branch));
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
        await setTimeout$1((session.writeWait?.() ?? 0) + lostRaceDelay(attempt));
        previous = await ownBranchHead(github, branch);
        same = previous !== undefined && (session.unchanged?.(previous, commit) ?? false);
    }
    const spec = {
        ...request.pullRequest(prepared.edit, session.baseBranch, prepared.images),
        branch,
        base: session.baseBranch,
        headSha: same ? previous.sha : commit.sha
    };
    let pullRequest;
    try {
        pullRequest = await github.upsertPullRequest(spec);
    }
    catch (error) {
        // Never a branch without its pull request: undo this run's own move, if it is still ours.
        if (!same)
            await rollbackBranch(github, branch, commit.sha, previous?.sha, logger);
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
async function fetchWhatIsRead(session, request) {
    const inline = request.targets !== undefined && request.targets.length > 0;
    if (!inline)
        await session.fetch([request.configFile]);
    const templates = await loadTargets({ ...request, repoRoot: session.dir });
    const paths = new Set();
    const overlays = new Set();
    for (const image of request.images) {
        for (const target of targetsOf(templates, image, request.environment)) {
            paths.add(target.path);
            if (target.kind === 'kustomize')
                overlays.add(target.path);
        }
    }
    if (request.verifyRender === 'false') {
        await session.fetch([...paths]);
        return templates;
    }
    // Every overlay's closure at once (50 images are 50 overlays), read from the commit, then
    // one fetch for the targets and all closures (for the git method, one sparse-checkout).
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
    // No closure may just mean a broken target: let the edit say so before giving up on it.
    await editConfigRepo({ ...request, templates, repoRoot: session.dir, verifyRender: 'false', dryRun: true }, silentLogger);
    await session.fetchAll();
    return templates;
}
/** Commit messages as GitHub stores them: trailing newlines and spaces do not count. */
function sameMessage(a, b) {
    return a.trim() === b.trim();
}
async function gitSession(request, logger) {
    const checkout = await GitCheckout.open({
        url: request.configRepo,
        baseBranch: request.baseBranch,
        token: request.token,
        logger,
        onSecret: request.onSecret
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
            const sha = await checkout.commit(message);
            return sha ? { sha } : undefined;
        },
        push: (_sha, branch, expected) => checkout.push(branch, { expected }),
        refresh: () => checkout.rebase(),
        close: () => checkout.close()
    };
}
async function apiSession(request, logger) {
    const github = request.github;
    const baseBranch = request.baseBranch ?? (await github.info()).defaultBranch;
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
        const content = (edit, base, promoted) => ({
            environment,
            images: promoted,
            result: edit,
            source: ports.source,
            mode,
            configRepository: github?.fullName,
            baseBranch: base,
            fromEnvironment: from?.fromEnvironment,
            messageTemplate: plan.commitMessage
        });
        const options = plan.pullRequest;
        const result = await ports.group(`Promote ${environment ?? 'targets'} (${mode}, ${delivery.method})`, () => promote({
            method: delivery.method,
            mode,
            configRepo: delivery.cloneUrl,
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
                since: github ? file => github.lastChanged(file, baseBranch) : undefined
            }, delivery.resolver, ports.logger),
            verifyRender: plan.verifyRender,
            dryRun: plan.dryRun,
            allowDowngrade: plan.allowDowngrade,
            branch,
            onSecret: ports.onSecret,
            message: (edit, promoted) => commitMessage(content(edit, baseBranch ?? '', promoted)),
            pullRequest: (edit, base, promoted) => ({
                title: pullRequestTitle(content(edit, base, promoted), options.title),
                body: pullRequestBody(content(edit, base, promoted)),
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
    for (const environment of plan.environments) {
        if (!config.environments.has(environment)) {
            throw new ConfigError(`${plan.configFile} has no environment ${JSON.stringify(environment)}.`, {
                hint: `Environments: ${[...config.environments.keys()].join(', ')}.`
            });
        }
    }
    return new Map(config.environments);
}

async function writeConfigRepository(plan, destination, resolved, resolver, ports) {
    if (destination.kind === 'workspace') {
        return {
            edits: await editWorkspace(plan, destination.root, resolved, resolver, ports),
            runs: []
        };
    }
    const runs = await promoteEnvironments(plan, resolved, {
        ...configRepositoryOf(destination, ports),
        method: destination.kind === 'github' ? destination.method : 'git',
        resolver,
        ports
    });
    return {
        edits: runs.map(r => ({
            environment: r.environment,
            result: r.result.edit,
            images: r.result.images
        })),
        runs
    };
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
            policy: plan.policy
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
            env: ports.env
        }, ports.logger));
        edits.push({ environment, result, images });
    }
    return edits;
}

export { writeConfigRepository };
//# sourceMappingURL=config-repo2.js.map
