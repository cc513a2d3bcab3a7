import { b as code, e as escapeText, J as shortDigest } from './plan.js';

/** Commits listed per image; the rest are counted and left to the compare link. */
const COMMITS_SHOWN = 50;
const HEADING = '### What changes in the code';
/** The section, or '' when no image changed. */
function codeChangesSection(changes) {
    if (changes.length === 0)
        return '';
    return [HEADING, ...changes.map(imageChanges)].join('\n\n');
}
function imageChanges(change) {
    const head = `**${code(change.image)}**`;
    const now = change.origin;
    const was = change.previous.origin;
    if (!now.revision) {
        const why = change.error ? ` (${escapeText(change.error)})` : '';
        return `${head}: the new build carries no ${code('org.opencontainers.image.revision')} (annotation or label)${why}, so its commits cannot be listed.`;
    }
    const source = now.source ? ` of ${sourceLink(now.source)}` : '';
    const revision = `revision ${code(short(now.revision))}${source}`;
    if (change.previous.digest === undefined) {
        return `${head}: ${revision}. First promotion: the target pinned no digest before (a new target, or a tag such as ${code('latest')}), so there is no previous revision to compare with.`;
    }
    if (!was?.revision) {
        const why = change.error ? ` (${escapeText(change.error)})` : '';
        return `${head}: ${revision}. The previous build (${code(shortDigest(change.previous.digest))}) carries no revision${why}, so the commits between cannot be listed.`;
    }
    const from = `${code(short(was.revision))} → ${code(short(now.revision))}`;
    if (was.revision === now.revision) {
        return `${head}: same revision ${code(short(now.revision))}${source} as before: a rebuild, no code changes.`;
    }
    if (was.source !== undefined && now.source !== undefined && !sameSource(was.source, now.source)) {
        return `${head}: the source moved from ${sourceLink(was.source)} (${code(short(was.revision))}) to ${sourceLink(now.source)} (${code(short(now.revision))}).`;
    }
    if (!change.range)
        return `${head}: ${from}${source}.`;
    return [
        `${head}: ${from}${source}, ${rangeWords(change.range)}`,
        ...commitList(change.range, now)
    ]
        .filter(line => line !== '')
        .join('\n\n');
}
function rangeWords(range) {
    const link = `[compare](${destination(range.compareUrl)})`;
    if (!range.commits) {
        return `${link} (the commits could not be listed: ${escapeText(range.unreadable ?? 'unknown')}).`;
    }
    const total = range.total ?? range.commits.length;
    return `${count(total, 'commit')} (${link}):`;
}
function commitList(range, origin) {
    if (!range.commits)
        return [];
    const total = range.total ?? range.commits.length;
    const shown = range.commits.slice(0, COMMITS_SHOWN);
    const repository = repositoryUrl(range.compareUrl);
    const lines = shown.map(c => {
        const sha = code(c.sha.slice(0, 7));
        const commit = repository ? `[${sha}](${destination(`${repository}/commit/${c.sha}`)})` : sha;
        const pull = c.pullRequest !== undefined && repository
            ? ` [#${c.pullRequest}](${destination(`${repository}/pull/${c.pullRequest}`)})`
            : '';
        const author = c.author ? ` — ${escapeText(c.author)}` : '';
        return `- ${commit} ${escapeText(c.subject) || '_(no subject)_'}${pull}${author}`;
    });
    if (total > shown.length) {
        lines.push(`- _and ${count(total - shown.length, 'more commit')}: [${escapeText(`compare ${short(origin.revision ?? '')}`)}](${destination(range.compareUrl)})_`);
    }
    return [lines.join('\n')];
}
/** One repository however spelled: `https://github.com/acme/API.git/` is `https://github.com/acme/api`. */
function sameSource(a, b) {
    const norm = (s) => s
        .trim()
        .replace(/^git\+/, '')
        .replace(/\/+$/, '')
        .replace(/\.git$/, '')
        .toLowerCase();
    return norm(a) === norm(b);
}
/** A source as a link when it is an http(s) URL, else as code. */
function sourceLink(source) {
    const url = httpUrl(source);
    const label = code(url ? source.replace(/^https?:\/\//, '').replace(/\.git$/, '') : source);
    return url ? `[${label}](${destination(url)})` : label;
}
/** `https://host/owner/name` of a compare URL. */
function repositoryUrl(compareUrl) {
    const at = compareUrl.indexOf('/compare/');
    return at === -1 ? undefined : compareUrl.slice(0, at);
}
function short(revision) {
    return /^[0-9a-f]{40,64}$/i.test(revision) ? revision.slice(0, 7) : revision;
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
/** A link destination: parentheses and spaces would end it early. */
function destination(url) {
    return url.replace(/[()\s<>]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
function count(n, noun) {
    return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
/** The job summary's section: every environment's changes, each image once per environment. */
function codeChangesSummary(edits) {
    const withChanges = edits.filter(e => (e.codeChanges ?? []).length > 0);
    if (withChanges.length === 0)
        return '';
    const several = withChanges.length > 1;
    const parts = withChanges.map(e => {
        const body = e.codeChanges.map(imageChanges).join('\n\n');
        return several && e.environment ? `#### ${escapeText(e.environment)}\n\n${body}` : body;
    });
    return `${[HEADING, ...parts].join('\n\n')}\n`;
}

export { codeChangesSection as a, codeChangesSummary as c, sameSource as s };
//# sourceMappingURL=changes.js.map
