import 'node:timers/promises';
import { I as InputError } from './errors.js';
import { mkdir, writeFile, symlink } from 'node:fs/promises';
import 'node:os';
import { dirname, join, posix } from 'node:path';
import { G as GitHubError, b as status, M as MAX_LINK_HOPS, l as linkTargetInRepo, P as PROTECTION, p as protectedBranch, m as message, c as createOctokit, h as GitHubClient } from './client.js';
import 'node:url';
import 'node:http';

/**
 * What a promotion read from one commit, and whether a later commit changed any of it. After a
 * lost race the api method asks GitHub what changed between the commit it read and the new head
 * (one compare request): when none of it touches the read set, the edit, its render proof and
 * the commit's file contents all stand, and the same commit is sent again on the new head
 * instead of reading, editing and rendering everything anew.
 */
/** Whether any change could alter what was read: false only when that is certain. */
function changesTouch(reads, changes) {
    return changes.some(change => {
        if (change.status === 'unchanged')
            return false;
        const paths = change.previous_filename !== undefined && change.status !== 'copied'
            ? [change.filename, change.previous_filename]
            : [change.filename];
        return paths.some(path => pathTouched(reads, path, change.status));
    });
}
function pathTouched(reads, path, status) {
    if (reads.probed.has(path))
        return true;
    const parts = path.split('/');
    for (let i = parts.length - 1; i >= 0; i--) {
        const ancestor = parts.slice(0, i).join('/');
        const seen = reads.probed.get(ancestor);
        // Seen as a file, a link or nothing: a child appearing or going changes that answer.
        if (seen === 'other')
            return true;
        if (status === 'modified')
            continue;
        // A child added or removed changes a listing; a removal may leave a directory empty, gone.
        if (reads.listed.has(ancestor))
            return true;
        if (seen === 'dir' && status !== 'added' && status !== 'copied')
            return true;
    }
    return false;
}
/**
 * Whether a contents answer for `path` stands after `changed` (paths added, removed or modified
 * between two commits): none of them is the path, below it (a listing or a directory's sha
 * changes) or above it (a file or link replaced by a directory, or the reverse). The root lists
 * everything, so any change touches it.
 */
function answerStands(path, changed) {
    if (path === '')
        return changed.length === 0;
    return changed.every(c => c !== path && !c.startsWith(`${path}/`) && !path.startsWith(`${c}/`));
}

/**
 * Reading a commit through the contents API, one path at a time: the cost follows what the
 * promotion reads, not the size of the repository. Answers are cached by commit and path
 * (commits never change), and inherited along a commit's known lineage; `materialize` writes
 * what was read to disk for the edit and the render.
 */
class Contents {
    client;
    /** Contents answers by commit and path; commits never change. */
    contents = new Map();
    /**
     * Commits whose difference from an earlier one is known (this run made them, or a compare
     * listed it): their contents answers are inherited from that commit for every path the
     * difference cannot have changed, so promoting three environments reads shared bases once.
     */
    lineage = new Map();
    constructor(client) {
        this.client = client;
    }
    /** `sha` is `base` with only `changed` changed: its answers for other paths are inherited. */
    derived(sha, base, changed) {
        this.lineage.set(sha, { base, changed });
    }
    /**
     * Reads a commit's tree through the contents API, one path at a time: the
     * cost follows what the promotion reads, not the size of the repository.
     * `ref` is a commit sha: answers are cached for the run, so promotion.yaml
     * read for the environments' settings is not fetched again for the edit.
     */
    reader(ref) {
        const reads = { probed: new Map(), listed: new Set() };
        const get = (path) => {
            const key = `${ref}\0${path}`;
            let found = this.contents.get(key);
            if (!found) {
                found = this.inherited(ref, path) ?? this.content(path, ref);
                this.contents.set(key, found);
            }
            reads.probed.set(path, reads.probed.get(path) ?? 'other');
            found.then(entry => {
                if (Array.isArray(entry))
                    reads.probed.set(path, 'dir');
                // A link to a file comes back as that file: a change to the file is a change to it.
                else if (entry && entry.path !== path)
                    reads.probed.set(entry.path, 'other');
            }, () => undefined);
            return found;
        };
        const typeOf = async (rel) => {
            const clean = rel.replace(/\/$/, '');
            if (clean === '')
                return 'dir';
            // GitHub does not follow a symlinked directory on the way to a path (it answers 404), so
            // a path that is found has real directories above it and its parents need not be read.
            const entry = await get(clean);
            if (Array.isArray(entry))
                return 'dir';
            // GitHub answers a link to a file in the repository with that file: its path tells.
            if (entry)
                return entry.type === 'file' && entry.path === clean ? 'file' : 'other';
            // Not found: missing, or behind a link (or a file) on the way, which the parents tell.
            const parts = clean.split('/');
            const parents = parts.slice(0, -1).map((_, i) => get(parts.slice(0, i + 1).join('/')));
            // Below a parent that is not a directory, reads may fail; they do not matter then.
            for (const read of parents)
                read.catch(() => undefined);
            for (const read of parents) {
                const parent = await read;
                if (parent === undefined)
                    return 'missing';
                if (!Array.isArray(parent))
                    return 'other';
            }
            return 'missing';
        };
        /** The first symlink on the way to `rel`, for the checkout to hold it as a link. */
        const linkOn = async (rel) => {
            const parts = rel.replace(/\/$/, '').split('/');
            for (let i = 1; i <= parts.length; i++) {
                const prefix = parts.slice(0, i).join('/');
                const entry = await get(prefix).catch(() => undefined);
                if (entry === undefined)
                    return undefined;
                if (Array.isArray(entry))
                    continue;
                if (entry.type === 'symlink' && entry.target !== undefined)
                    return { path: prefix, target: entry.target };
                // A link to a file in the repository comes back as that file: point at it.
                if (entry.type === 'file' && entry.path !== prefix)
                    return { path: prefix, target: posix.relative(posix.dirname(prefix), entry.path) };
                return undefined;
            }
            return undefined;
        };
        return {
            type: typeOf,
            linkOn,
            read: async (rel) => {
                const entry = await get(rel);
                if (!entry || Array.isArray(entry) || entry.type !== 'file')
                    throw new GitHubError(`${rel} is not a file in ${this.client.fullName}.`);
                if (entry.content !== undefined && entry.encoding === 'base64')
                    return Buffer.from(entry.content, 'base64').toString('utf8');
                // Files over 1 MB come without content; their blob has it.
                const { data } = await this.client.octokit.rest.git.getBlob({
                    owner: this.client.owner,
                    repo: this.client.repo,
                    file_sha: entry.sha
                });
                return Buffer.from(data.content, 'base64').toString('utf8');
            },
            list: async (dir) => {
                reads.listed.add(dir.replace(/\/$/, ''));
                const entry = await get(dir.replace(/\/$/, ''));
                return Array.isArray(entry) ? entry.map(e => e.path) : [];
            },
            reads
        };
    }
    /**
     * The answer for `path` at `ref` taken from the commit `ref` was derived from, when none of
     * the changes between them is the path, inside it or above it (nor the file a link to a file
     * answers with); undefined otherwise. Symlink answers are always read again.
     */
    inherited(ref, path) {
        const step = this.lineage.get(ref);
        if (!step || !answerStands(path, step.changed))
            return undefined;
        const key = `${step.base}\0${path}`;
        const earlier = this.contents.get(key) ?? this.inherited(step.base, path);
        if (!earlier)
            return undefined;
        return earlier.then(entry => Array.isArray(entry) ||
            entry === undefined ||
            (entry.type === 'file' && (entry.path === path || answerStands(entry.path, step.changed)))
            ? entry
            : this.content(path, ref), () => this.content(path, ref));
    }
    async content(path, ref) {
        try {
            const { data } = await this.client.octokit.rest.repos.getContent({
                owner: this.client.owner,
                repo: this.client.repo,
                path,
                ref
            });
            return data;
        }
        catch (error) {
            if (status(error) === 404)
                return undefined;
            throw this.client.explain(error, `read ${path}`);
        }
    }
    /**
     * Writes `paths` (files, or directories recursively) of the reader's commit under `dir`.
     * A symlink stays a link, so the edit's path checks see (and refuse) an escape; its target
     * is written too when it stays in the repository, so the link reads as in a full clone.
     */
    async materialize(reader, paths, dir) {
        await this.materializeAll(reader, paths, dir, { seen: new Set(), hops: 0 });
    }
    async materializeAll(reader, paths, dir, walk) {
        const fresh = [...paths].filter(path => !walk.seen.has(path));
        for (const path of fresh)
            walk.seen.add(path);
        // All at once: Octokit's throttling keeps GitHub's concurrency in bounds.
        await Promise.all(fresh.map(path => this.materializeOne(reader, path, dir, walk)));
    }
    async materializeOne(reader, path, dir, walk) {
        const type = await reader.type(path);
        if (type === 'file') {
            await mkdir(dirname(join(dir, path)), { recursive: true });
            await writeFile(join(dir, path), await reader.read(path));
        }
        else if (type === 'dir') {
            await mkdir(join(dir, path), { recursive: true });
            await this.materializeAll(reader, await reader.list(path), dir, walk);
        }
        else if (type === 'other') {
            const link = await reader.linkOn(path);
            if (!link)
                return;
            await mkdir(dirname(join(dir, link.path)), { recursive: true });
            await symlink(link.target, join(dir, link.path)).catch(() => undefined);
            if (++walk.hops > MAX_LINK_HOPS)
                return;
            const rest = path === link.path ? '' : path.slice(link.path.length + 1);
            const target = linkTargetInRepo(link.path, link.target, rest);
            if (target !== undefined)
                await this.materializeAll(reader, [target], dir, walk);
        }
    }
}

/** A ref update's "no such ref" (updateRefs' beforeOid/afterOid). */
const ZERO_OID = '0'.repeat(40);
class GitData {
    client;
    contents;
    /** Branch heads as this run last read or moved them; undefined: seen missing. */
    heads = new Map();
    constructor(client, 
    /** Told the lineage of every commit this run makes or compares. */
    contents) {
        this.client = client;
        this.contents = contents;
    }
    /**
     * The commit a branch points at, or undefined when there is no such branch.
     * `reuse`: the head this run last read or wrote, when there is one — a
     * stale answer only costs a lost race, which the caller handles anyway.
     */
    async branchHead(branch, options = {}) {
        if (options.reuse && this.heads.has(branch))
            return this.heads.get(branch);
        try {
            const { data } = await this.client.octokit.rest.git.getRef({
                owner: this.client.owner,
                repo: this.client.repo,
                ref: `heads/${branch}`
            });
            this.heads.set(branch, data.object.sha);
            return data.object.sha;
        }
        catch (error) {
            if (status(error) !== 404)
                throw this.client.explain(error, `read branch ${branch}`);
            this.heads.set(branch, undefined);
            return undefined;
        }
    }
    async commit(sha) {
        const { data } = await this.client.call('read a commit', () => this.client.octokit.rest.git.getCommit({
            owner: this.client.owner,
            repo: this.client.repo,
            commit_sha: sha
        }));
        return { tree: data.tree.sha, parents: data.parents.map(p => p.sha), message: data.message };
    }
    /**
     * The files changed from `base` to `head` (one compare request), when `head` descends from
     * `base` and GitHub lists them all; undefined otherwise (the caller reads everything again).
     * `only` is the commit between them when there is exactly one: a write whose answer was lost
     * (a 5xx after GitHub applied it) is recognised by it, without another request.
     */
    async changesBetween(base, head) {
        try {
            const { data } = await this.client.octokit.rest.repos.compareCommitsWithBasehead({
                owner: this.client.owner,
                repo: this.client.repo,
                basehead: `${base}...${head}`,
                per_page: 1
            });
            // GitHub lists 300 files at most: a longer list may hide the one that matters.
            if (data.status !== 'ahead' || !data.files || data.files.length >= 300)
                return undefined;
            const changed = data.files.flatMap(f => f.previous_filename === undefined ? [f.filename] : [f.filename, f.previous_filename]);
            this.contents.derived(head, base, changed);
            const first = data.commits[0];
            const only = data.ahead_by === 1 && first
                ? {
                    sha: first.sha,
                    message: first.commit.message,
                    parents: first.parents.map(p => p.sha)
                }
                : undefined;
            return { files: data.files, only };
        }
        catch (error) {
            this.client.logger.debug(`compare ${base}...${head}: ${error instanceof Error ? error.message : String(error)}`);
            return undefined;
        }
    }
    /** Blobs, a tree on `baseTree`, and a commit with `parent`: a commit no branch points at yet. */
    async createCommit(baseTree, parent, files, message) {
        // Contents inline in the tree: one write instead of one per blob (writes are throttled to one a second).
        const tree = await this.client.call('create the commit', () => this.client.octokit.rest.git.createTree({
            owner: this.client.owner,
            repo: this.client.repo,
            base_tree: baseTree,
            tree: [...files].map(([path, content]) => ({
                path,
                mode: '100644',
                type: 'blob',
                content
            }))
        }));
        const { data } = await this.client.call('create the commit', () => this.client.octokit.rest.git.createCommit({
            owner: this.client.owner,
            repo: this.client.repo,
            message,
            tree: tree.data.sha,
            parents: [parent]
        }));
        this.contents.derived(data.sha, parent, [...files.keys()]);
        return { sha: data.sha, tree: tree.data.sha };
    }
    /**
     * One commit of `files` on `branch`, only if it still points at
     * `expectedHead` (GraphQL createCommitOnBranch): the tree, the commit and
     * the compare-and-swap of the ref in a single throttled write, where the
     * REST Git Data API needs three a second apart. 'stale' when the branch
     * moved on since it was read. GitHub signs the commit.
     */
    async commitOnBranch(branch, expectedHead, files, message) {
        const [headline = '', ...rest] = message.split('\n');
        try {
            const data = await this.client.octokit.graphql(`mutation($input: CreateCommitOnBranchInput!) {
          createCommitOnBranch(input: $input) { commit { oid } }
        }`, {
                input: {
                    branch: { repositoryNameWithOwner: this.client.fullName, branchName: branch },
                    message: { headline, body: rest.join('\n').replace(/^\n+/, '') },
                    expectedHeadOid: expectedHead,
                    fileChanges: {
                        additions: [...files].map(([path, content]) => ({
                            path,
                            contents: Buffer.from(content, 'utf8').toString('base64')
                        }))
                    }
                }
            });
            const sha = data.createCommitOnBranch.commit.oid;
            this.heads.set(branch, sha);
            this.contents.derived(sha, expectedHead, [...files.keys()]);
            return { sha };
        }
        catch (error) {
            const errors = error.errors;
            if (errors?.some(e => e.type === 'STALE_DATA'))
                return 'stale';
            const rule = errors?.find(e => e.type === 'BRANCH_PROTECTION_RULE_VIOLATION' || PROTECTION.test(e.message ?? ''));
            if (rule)
                throw protectedBranch(this.client.fullName, branch, rule.message ?? rule.type ?? '');
            throw this.client.explain(error, `commit to ${branch}`);
        }
    }
    /** When `path` last changed on `ref` (ISO date), or undefined. */
    async lastChanged(path, ref) {
        const { data } = await this.client.call('list commits', () => this.client.octokit.rest.repos.listCommits({
            owner: this.client.owner,
            repo: this.client.repo,
            path,
            per_page: 1,
            ...(ref ? { sha: ref } : {})
        }));
        return data[0]?.commit.committer?.date ?? undefined;
    }
    /**
     * Points `branch` at `sha` only if it still points at `expected` (undefined: only if it does
     * not exist): a compare-and-swap, so a run never moves a branch over a commit it has not
     * seen. 'conflict' when the branch is elsewhere. A create is REST createRef (it fails when
     * the ref exists); a move is GraphQL updateRefs with `beforeOid`, the one GitHub write that
     * force-moves a ref conditionally (REST updateRef's only condition is fast-forward).
     * https://docs.github.com/graphql/reference/mutations#updaterefs
     */
    async setBranch(branch, sha, expected) {
        return this.swapRef(branch, expected, sha);
    }
    /** Deletes `branch` only if it still points at `expected` (the run's own commit). */
    async deleteBranch(branch, expected) {
        return (await this.swapRef(branch, expected, undefined)) === 'moved' ? 'deleted' : 'conflict';
    }
    async swapRef(branch, before, after) {
        const what = after === undefined
            ? `delete branch ${branch}`
            : before === undefined
                ? `create branch ${branch}`
                : `move branch ${branch}`;
        try {
            if (before === undefined && after !== undefined) {
                await this.client.octokit.rest.git.createRef({
                    owner: this.client.owner,
                    repo: this.client.repo,
                    ref: `refs/heads/${branch}`,
                    sha: after
                });
            }
            else {
                const { nodeId } = await this.client.info();
                await this.client.octokit.graphql(`mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`, {
                    input: {
                        repositoryId: nodeId,
                        refUpdates: [
                            {
                                name: `refs/heads/${branch}`,
                                beforeOid: before ?? ZERO_OID,
                                afterOid: after ?? ZERO_OID,
                                force: true
                            }
                        ]
                    }
                });
            }
        }
        catch (error) {
            // Refused, or applied with the answer lost (a retried 5xx): the ref itself tells which.
            this.heads.delete(branch);
            const now = await this.branchHead(branch);
            if (now === after) {
                this.client.logger.debug(`${what}: already done (${message(error)}).`);
                return 'moved';
            }
            if (now !== before)
                return 'conflict';
            throw this.client.explain(error, what);
        }
        this.heads.set(branch, after);
        return 'moved';
    }
}

/**
 * Reviewers as GitHub takes them: logins without "@", team slugs without "org/". An
 * `org/team` among the users is a team; a team of another organization cannot review here.
 */
function reviewersOf(spec, owner, logger) {
    const users = new Set();
    const teams = new Set();
    for (const raw of [
        ...spec.reviewers,
        ...spec.teamReviewers.map(t => (t.includes('/') ? t : `/${t}`))
    ]) {
        const name = raw.replace(/^@/, '');
        const slash = name.indexOf('/');
        if (slash < 0) {
            users.add(name);
            continue;
        }
        const org = name.slice(0, slash);
        if (org !== '' && org.toLowerCase() !== owner.toLowerCase()) {
            logger?.warning(`Reviewer team ${raw} belongs to ${org}, not ${owner}: only teams of ${owner} can review there; skipped.`);
            continue;
        }
        teams.add(name.slice(slash + 1));
    }
    return { users: [...users], teams: [...teams] };
}
class Pulls {
    client;
    constructor(client) {
        this.client = client;
    }
    /** The open pull requests whose head is `branch` (any base). */
    async openPullRequestsFrom(branch) {
        const { data } = await this.client.call('list pull requests', () => this.client.octokit.rest.pulls.list({
            owner: this.client.owner,
            repo: this.client.repo,
            head: `${this.client.owner}:${branch}`,
            state: 'open'
        }));
        return data.map(pull => ({ number: pull.number, base: pull.base.ref }));
    }
    /**
     * Creates the pull request, or updates the open one for the branch: a living PR. Labels,
     * assignees, reviewers and auto-merge decorate it afterwards; GitHub refusing one of them
     * is a warning, never a reason to fail (or close) a pull request that is open.
     */
    async upsertPullRequest(spec) {
        let existing = await this.openPullRequest(spec.branch, spec.base);
        let created;
        if (!existing) {
            created = await this.createPullRequest(spec);
            // Another job opened it first, or GitHub applied our request and its answer was lost
            // (a retried 5xx meets "already exists"): adopt the open one.
            if (!created)
                existing = await this.openPullRequest(spec.branch, spec.base);
            if (!created && !existing) {
                throw new GitHubError(`GitHub says a pull request from ${spec.branch} exists in ${this.client.fullName}, but none is open into ${spec.base}.`, {
                    hint: `Look at the pull requests from ${spec.branch}; close the one into another base, or change branch.`
                });
            }
        }
        const pull = created ??
            (await this.client.call('update the pull request', () => this.client.octokit.rest.pulls.update({
                owner: this.client.owner,
                repo: this.client.repo,
                pull_number: existing.number,
                title: spec.title,
                body: spec.body
            }))).data;
        if (!created && existing)
            await this.comment(pull.number, spec, existing.body ?? '');
        await this.decorate(pull, spec);
        return { number: pull.number, url: pull.html_url, operation: created ? 'created' : 'updated' };
    }
    /** undefined when GitHub says a pull request for the branch exists already. */
    async createPullRequest(spec) {
        try {
            const { data } = await this.client.octokit.rest.pulls.create({
                owner: this.client.owner,
                repo: this.client.repo,
                head: spec.branch,
                base: spec.base,
                title: spec.title,
                body: spec.body,
                draft: spec.draft,
                maintainer_can_modify: true
            });
            return data;
        }
        catch (error) {
            if (status(error) === 422 && /already exists/i.test(message(error)))
                return undefined;
            throw this.client.explain(error, 'open the pull request');
        }
    }
    async openPullRequest(branch, base) {
        const { data } = await this.client.call('list pull requests', () => this.client.octokit.rest.pulls.list({
            owner: this.client.owner,
            repo: this.client.repo,
            head: `${this.client.owner}:${branch}`,
            base,
            state: 'open'
        }));
        return data[0];
    }
    /** Says on the pull request what the update moved; GitHub refusing it is a warning. */
    async comment(number, spec, previousBody) {
        const body = spec.updateComment?.(previousBody);
        if (!body)
            return;
        await this.client.octokit.rest.issues
            .createComment({
            owner: this.client.owner,
            repo: this.client.repo,
            issue_number: number,
            body
        })
            .catch((error) => this.refused('comment on what the update moved', error));
    }
    async decorate(pull, spec) {
        const issue = { owner: this.client.owner, repo: this.client.repo, issue_number: pull.number };
        if (spec.labels.length) {
            await this.client.octokit.rest.issues
                .addLabels({ ...issue, labels: [...spec.labels] })
                .catch((error) => this.refused(`add the labels ${spec.labels.join(', ')}`, error));
        }
        if (spec.assignees.length) {
            // GitHub drops assignees who may not be assigned without a word: say who is missing.
            const assignees = spec.assignees.map(login => login.replace(/^@/, ''));
            await this.client.octokit.rest.issues
                .addAssignees({ ...issue, assignees })
                .then(({ data }) => {
                const kept = new Set((data.assignees ?? []).map(a => a.login.toLowerCase()));
                const dropped = assignees.filter(a => !kept.has(a.toLowerCase()));
                if (dropped.length)
                    this.client.logger.warning(`GitHub did not assign ${dropped.join(', ')} to pull request #${pull.number}: only users with access to ${this.client.fullName} can be assigned (at most 10).`);
            })
                .catch((error) => this.refused(`assign ${assignees.join(', ')}`, error));
        }
        const { users, teams } = reviewersOf(spec, this.client.owner, this.client.logger);
        if (users.length || teams.length)
            await this.requestReviewers(pull.number, users, teams);
        if (spec.autoMerge)
            await this.autoMerge(pull, spec.autoMerge, spec.headSha ?? pull.head.sha);
    }
    /**
     * One request for all reviewers; when GitHub refuses it (422 names no one: "Reviews may only
     * be requested from collaborators. One or more of the users or teams you specified is not a
     * collaborator…"), one request each, so the warning says who was refused and the rest are
     * still requested.
     */
    async requestReviewers(pullNumber, users, teams) {
        const ask = (reviewers, team_reviewers) => this.client.octokit.rest.pulls.requestReviewers({
            owner: this.client.owner,
            repo: this.client.repo,
            pull_number: pullNumber,
            reviewers: [...reviewers],
            team_reviewers: [...team_reviewers]
        });
        try {
            await ask(users, teams);
            return;
        }
        catch (error) {
            if (status(error) !== 422 || users.length + teams.length === 1) {
                this.refused(`request reviews from ${[...users, ...teams.map(t => `team ${t}`)].join(', ')}`, error);
                return;
            }
        }
        const refused = [];
        let why = '';
        for (const [who, request] of [
            ...users.map(u => [u, () => ask([u], [])]),
            ...teams.map(t => [`team ${t}`, () => ask([], [t])])
        ]) {
            try {
                await request();
            }
            catch (error) {
                refused.push(who);
                why = message(error);
            }
        }
        if (refused.length)
            this.client.logger.warning(`GitHub refused to request reviews from ${refused.join(', ')} on pull request #${pullNumber}: ${why} The pull request stays open; fix reviewers (collaborators of ${this.client.fullName}, team slugs of ${this.client.owner}, not the token's own user).`);
    }
    /**
     * Auto-merge as the user asked: GraphQL enablePullRequestAutoMerge, tried whenever the
     * repository does not say it is off (its setting is hidden from tokens without admin).
     * GitHub refuses to arm it on a pull request with nothing pending ("Pull request is in clean
     * status"): that pull request can be merged now, so it is, with the chosen method.
     */
    async autoMerge(pull, method, headSha) {
        const info = await this.client.info();
        if (info.allowAutoMerge === false) {
            this.autoMergeOff(pull.number);
            return;
        }
        try {
            await this.client.octokit.graphql(`mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
          enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
            pullRequest { autoMergeRequest { mergeMethod } }
          }
        }`, { pullRequestId: pull.node_id, mergeMethod: method.toUpperCase() });
            this.client.logger.info(`Auto-merge (${method}) armed on pull request #${pull.number}.`);
        }
        catch (error) {
            const why = message(error);
            if (/\b(clean|unstable) status\b/i.test(why)) {
                await this.mergeNow(pull, method, headSha);
            }
            else if (/auto.?merge is not allowed/i.test(why)) {
                this.autoMergeOff(pull.number);
            }
            else {
                this.client.logger.warning(`Could not enable auto-merge on pull request #${pull.number}: ${why} It stays open for a manual merge.`);
            }
        }
    }
    autoMergeOff(pullNumber) {
        this.client.logger.warning(`Auto-merge is off in ${this.client.fullName}: enable "Allow auto-merge" in its settings (General → Pull Requests). Pull request #${pullNumber} stays open for a manual merge.`);
    }
    /** Merges a pull request that has nothing pending; only the head this run wrote. */
    async mergeNow(pull, method, headSha) {
        try {
            await this.client.octokit.rest.pulls.merge({
                owner: this.client.owner,
                repo: this.client.repo,
                pull_number: pull.number,
                merge_method: method,
                sha: headSha
            });
            this.client.logger.info(`Pull request #${pull.number} had nothing pending (no required checks or reviews), so auto-merge could not be armed: merged it now (${method}).`);
        }
        catch (error) {
            this.client.logger.warning(`Pull request #${pull.number} has nothing pending, so GitHub will not arm auto-merge, and merging it now was refused: ${message(error)} ${status(error) === 403
                ? 'The token may not merge (it needs contents: write and pull-requests: write, and to satisfy the branch rules).'
                : 'Merge it by hand.'}`);
        }
    }
    /** A decoration GitHub refused: the pull request stands, the run goes on. */
    refused(what, error) {
        this.client.logger.warning(`GitHub refused to ${what} in ${this.client.fullName}: ${message(error)}`);
    }
}

/**
 * One GitHub repository as delivery uses it: a thin facade over the client (client.ts), the
 * contents reader (contents.ts), the Git Data writer (git-data.ts) and pull requests
 * (pulls.ts), so callers hold one object per repository. `connectGitHub` makes it; the token
 * goes into its Octokit and nowhere else.
 */
/** The config repository on GitHub (or GHES), with a client that holds the token. */
function connectGitHub(connection) {
    const [owner, repo, ...rest] = connection.repository.split('/');
    if (!owner || !repo || rest.length > 0) {
        throw new InputError(`The GitHub repository ${JSON.stringify(connection.repository)} is not owner/name.`, { hint: 'Name the config repository as owner/name, e.g. acme/gitops-config.' });
    }
    const octokit = createOctokit(connection.token, connection.logger, connection.apiUrl);
    return new GitHubRepo(new GitHubClient(octokit, owner, repo, connection.logger));
}
class GitHubRepo {
    client;
    contents;
    git;
    pulls;
    constructor(client) {
        this.client = client;
        this.contents = new Contents(client);
        this.git = new GitData(client, this.contents);
        this.pulls = new Pulls(client);
    }
    get owner() {
        return this.client.owner;
    }
    get repo() {
        return this.client.repo;
    }
    get fullName() {
        return this.client.fullName;
    }
    /** Milliseconds before a write would leave without queueing behind the throttle. */
    writeWait() {
        return this.client.writeWait();
    }
    /** The repository's settings, read once per run. */
    info() {
        return this.client.info();
    }
    /** A commit's tree, read path by path through the contents API (see Contents.reader). */
    reader(ref) {
        return this.contents.reader(ref);
    }
    /** Writes `paths` of the reader's commit under `dir` (see Contents.materialize). */
    materialize(reader, paths, dir) {
        return this.contents.materialize(reader, paths, dir);
    }
    /** The commit `branch` points at; undefined when there is none (see GitData.branchHead). */
    branchHead(branch, options = {}) {
        return this.git.branchHead(branch, options);
    }
    commit(sha) {
        return this.git.commit(sha);
    }
    /** The files changed from `base` to `head`, when GitHub can say (see GitData.changesBetween). */
    changesBetween(base, head) {
        return this.git.changesBetween(base, head);
    }
    /** A commit no branch points at yet (see GitData.createCommit). */
    createCommit(baseTree, parent, files, message) {
        return this.git.createCommit(baseTree, parent, files, message);
    }
    /** One commit on `branch` if it is still at `expectedHead` (see GitData.commitOnBranch). */
    commitOnBranch(branch, expectedHead, files, message) {
        return this.git.commitOnBranch(branch, expectedHead, files, message);
    }
    /** When `path` last changed on `ref` (ISO date), or undefined. */
    lastChanged(path, ref) {
        return this.git.lastChanged(path, ref);
    }
    /** Compare-and-swap of `branch` from `expected` to `sha` (see GitData.setBranch). */
    setBranch(branch, sha, expected) {
        return this.git.setBranch(branch, sha, expected);
    }
    /** Deletes `branch` only if it still points at `expected`. */
    deleteBranch(branch, expected) {
        return this.git.deleteBranch(branch, expected);
    }
    /** The open pull requests whose head is `branch` (any base). */
    openPullRequestsFrom(branch) {
        return this.pulls.openPullRequestsFrom(branch);
    }
    /** Creates the pull request, or updates the open one for the branch (see Pulls). */
    upsertPullRequest(spec) {
        return this.pulls.upsertPullRequest(spec);
    }
}

/**
 * The config repository a plan's destination names, as the writers need it:
 * the GitHub repository (API reads, commits, pull requests) and the URL git
 * clones. A plain git destination has a GitHub repository only when its URL
 * is one, and only when the api method or a pull request needs it.
 */
function configRepositoryOf(destination, ports) {
    if (destination.kind === 'github') {
        const serverUrl = (ports.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
        return {
            cloneUrl: `${serverUrl}/${destination.repository}.git`,
            github: connect(destination.repository, ports.env.GITHUB_API_URL, ports, 'The config repository')
        };
    }
    let github;
    return {
        cloneUrl: destination.url,
        githubFor: why => (github ??= githubOfUrl(destination.url, why, ports))
    };
}
/** `https://host/owner/name(.git)` → owner/name and the API URL, else undefined. */
function parseGitHubUrl(url, env) {
    const match = /^https?:\/\/([^/]+)\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
    if (!match)
        return undefined;
    const [, host, owner, repo] = match;
    const apiUrl = env.GITHUB_API_URL ??
        (host === 'github.com' ? 'https://api.github.com' : `${new URL(url).origin}/api/v3`);
    return { repository: `${owner}/${repo}`, apiUrl };
}
function githubOfUrl(url, why, ports) {
    const parsed = parseGitHubUrl(url, ports.env);
    if (!parsed) {
        throw new InputError(`${why} needs a GitHub repository URL, got ${JSON.stringify(url)}.`, {
            hint: 'Push to the base branch (mode push), or name the config repository by its GitHub URL, e.g. https://github.com/acme/gitops-config.git'
        });
    }
    return connect(parsed.repository, parsed.apiUrl, ports, why);
}
function connect(repository, apiUrl, ports, why) {
    if (!ports.token) {
        throw new InputError(`${why} needs a token in ${ports.tokenSource}.`, {
            hint: 'Pass a token that can write to the config repository (a GitHub App or fine-grained token for another repository), or push to the base branch with git.'
        });
    }
    return connectGitHub({ repository, token: ports.token, apiUrl, logger: ports.logger });
}

var destination = /*#__PURE__*/Object.freeze({
    __proto__: null,
    configRepositoryOf: configRepositoryOf
});

export { answerStands as a, configRepositoryOf as b, changesTouch as c, destination as d };
//# sourceMappingURL=destination.js.map
