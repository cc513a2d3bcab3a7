import { realpath, lstat, stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { c as ConfigError, E as EditError } from './errors.js';

const PATH_HINT = 'Write target paths relative to the config repository root with "/", e.g. apps/api/overlays/prod.';
/**
 * Why `relPath` cannot name a file inside the repository, judged from the
 * text alone; undefined when it can. Shared by promotion.yaml, target specs
 * and resolveInRepo so that every entry point refuses the same paths.
 */
function relativePathProblem(relPath) {
    if (relPath === '')
        return 'is empty';
    if (relPath.includes('\0'))
        return 'contains a NUL character';
    // eslint-disable-next-line no-control-regex
    if (/[\x01-\x1f\x7f]/.test(relPath))
        return 'contains a control character';
    if (relPath.includes('\\'))
        return 'contains a backslash (write paths with "/")';
    if (/^[A-Za-z]:/.test(relPath))
        return 'is a Windows drive path (paths are relative to the repository root)';
    if (relPath.startsWith('/'))
        return 'is absolute (paths are relative to the repository root)';
    const normalized = path.posix.normalize(relPath);
    if (normalized === '..' || normalized.startsWith('../'))
        return 'leaves the repository (..)';
    // git's own directory is not part of the repository's content.
    if (normalized.split('/').some(part => part.toLowerCase() === '.git'))
        return 'is inside .git (git metadata, not repository content)';
    return undefined;
}
/** `apps/./api//overlays/` → `apps/api/overlays`; the root is `.`. Assumes a safe path. */
function normalizeRelativePath(relPath) {
    const normalized = path.posix.normalize(relPath).replace(/\/+$/, '');
    return normalized === '' ? '.' : normalized;
}
/** Throws ConfigError unless relativePathProblem accepts the path. */
function assertRelativePath(relPath, what = 'Path') {
    const problem = relativePathProblem(relPath);
    if (problem !== undefined) {
        throw new ConfigError(`${what} ${JSON.stringify(relPath)} ${problem}.`, {
            hint: PATH_HINT,
            subject: relPath
        });
    }
    return normalizeRelativePath(relPath);
}
/** Symlinks followed on the way to one file at most, as Linux's MAXSYMLINKS: loops end. */
const MAX_LINK_HOPS = 40;
/**
 * Where a symlink stored at `linkPath` with `target` leads, `rest` appended, as a
 * repo-relative path; undefined when it leaves the repository (absolute, climbing out of
 * it, into .git) or names the root. Partial checkouts fetch only these targets, so a link
 * inside the repository reads what it does in a full clone and one leading out stays
 * dangling, for resolveInRepo to refuse.
 */
function linkTargetInRepo(linkPath, target, rest = '') {
    if (target === '' || path.posix.isAbsolute(target))
        return undefined;
    const joined = path.posix.join(path.posix.dirname(linkPath), target, rest);
    if (relativePathProblem(joined) !== undefined)
        return undefined;
    const normalized = normalizeRelativePath(joined);
    return normalized === '.' ? undefined : normalized;
}
/**
 * resolveInRepo's "does not exist": the path is simply absent (not unsafe, not
 * a dangling symlink, not outside), so a caller may say what to add instead.
 */
class MissingPathError extends ConfigError {
}
/**
 * Whether `candidate` is `root` or below it. Textual, so both must be absolute and
 * normalized, as realpath returns them: `root/../x` would pass.
 */
function isInsideDirectory(root, candidate) {
    return (candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}
function code(error) {
    return error?.code;
}
/**
 * Path safety: the absolute, symlink-free path of `relPath` inside the
 * repository at `repoRoot`. Refuses absolute, drive and backslash paths,
 * NUL, `..` that leaves the repository, and any path whose realpath (every
 * symlink followed, the final one included) is outside realpath(repoRoot):
 * a config repository must not be able to make the action write elsewhere on
 * the runner. A missing final file is allowed with `mustExist: false` when
 * its parent resolves inside and it is not a dangling symlink (writing
 * through one would create its target, wherever that is).
 *
 * The result is the real path, so callers edit (and commit) the file itself
 * rather than a symlink to it.
 */
async function resolveInRepo(repoRoot, relPath, options = {}) {
    const mustExist = options.mustExist ?? true;
    const normalized = assertRelativePath(relPath);
    let root;
    try {
        root = await realpath(repoRoot);
    }
    catch (error) {
        throw new ConfigError(`Config repository directory ${repoRoot} does not exist.`, {
            hint: 'Check the directory passed as the config repository (config-path, --dir).',
            subject: repoRoot,
            cause: error
        });
    }
    const candidate = path.join(root, ...normalized.split('/'));
    const escapes = (real) => new EditError(`${JSON.stringify(relPath)} resolves to ${real}, outside the config repository ${root} (through a symlink); nothing is written.`, {
        hint: 'Point the target at a regular file or directory inside the config repository; symlinks may only point inside it.',
        subject: relPath
    });
    try {
        const real = await realpath(candidate);
        if (!isInsideDirectory(root, real))
            throw escapes(real);
        return real;
    }
    catch (error) {
        if (error instanceof EditError)
            throw error;
        const errno = code(error);
        if (errno === 'ELOOP') {
            throw new EditError(`${JSON.stringify(relPath)} is a symlink loop; nothing is written.`, {
                hint: 'Fix or remove the symlinks on this path in the config repository.',
                subject: relPath,
                cause: error
            });
        }
        if (errno !== 'ENOENT' && errno !== 'ENOTDIR')
            throw error;
    }
    // Missing: either the file itself (possibly a dangling symlink) or a directory above it.
    const isLink = await lstat(candidate).then(s => s.isSymbolicLink(), () => false);
    if (isLink) {
        throw new EditError(`${JSON.stringify(relPath)} is a symlink to a missing file; writing through it could create a file anywhere. Nothing is written.`, {
            hint: 'Remove the dangling symlink or point it at a file inside the config repository.',
            subject: relPath
        });
    }
    const missing = new MissingPathError(`${JSON.stringify(relPath)} does not exist in the config repository.`, {
        hint: 'Check the target path (relative to the config repository root, case-sensitive).',
        subject: relPath
    });
    if (mustExist || normalized === '.')
        throw missing;
    const parent = path.posix.dirname(normalized);
    let realParent;
    try {
        realParent = await resolveInRepo(repoRoot, parent, { mustExist: true });
    }
    catch (error) {
        if (error instanceof ConfigError)
            throw missing;
        throw error;
    }
    if (!(await stat(realParent)).isDirectory())
        throw missing;
    return path.join(realParent, path.posix.basename(normalized));
}
/**
 * The repository-relative POSIX path of the real file `relPath` names: symlinks resolved and
 * checked to stay inside, so an edit reports (and a commit writes) the file, not a link to it.
 */
async function realRelativePath(repoRoot, relPath) {
    return repoRelativeOf(repoRoot, await resolveInRepo(repoRoot, relPath));
}
/** `absolute`, a real path inside the repository, as a repository-relative POSIX path. */
async function repoRelativeOf(repoRoot, absolute) {
    const root = await realpath(repoRoot).catch(() => repoRoot);
    return path.relative(root, absolute).split(path.sep).join('/') || '.';
}
/** kustomize's own precedence (konfig.RecognizedKustomizationFileNames). */
const KUSTOMIZATION_FILE_NAMES = [
    'kustomization.yaml',
    'kustomization.yml',
    'Kustomization'
];
/** Whether a file name is one kustomize reads as a kustomization. */
function isKustomizationFileName(name) {
    return KUSTOMIZATION_FILE_NAMES.includes(name);
}
/**
 * The kustomization file of a kustomize target: `targetPath` itself when it
 * is a file, else the one kustomization file in the directory. Two or more
 * is an error, as in kustomize. Returns the repository-relative POSIX path
 * of the real file (symlinks resolved, checked to stay inside).
 */
async function findKustomization(repoRoot, targetPath) {
    const real = await resolveInRepo(repoRoot, targetPath);
    if (!(await stat(real)).isDirectory())
        return repoRelativeOf(repoRoot, real);
    // readdir, not stat: exact names even on case-insensitive file systems.
    const entries = new Set(await readdir(real));
    const found = KUSTOMIZATION_FILE_NAMES.filter(name => entries.has(name));
    const dir = normalizeRelativePath(targetPath);
    if (found.length === 0) {
        throw new ConfigError(`${JSON.stringify(dir)} has no kustomization file (kustomization.yaml, kustomization.yml or Kustomization).`, {
            hint: 'Point the kustomize target at an overlay directory with a kustomization.yaml, or at the file.',
            subject: dir
        });
    }
    if (found.length > 1) {
        throw new ConfigError(`Found multiple kustomization files under ${JSON.stringify(dir)}: ${found.join(', ')}.`, {
            hint: 'Keep one kustomization file per directory (kustomize refuses more), or point the target at the file.',
            subject: dir
        });
    }
    const file = await resolveInRepo(repoRoot, path.posix.join(dir, found[0]));
    if (!(await stat(file)).isFile()) {
        throw new ConfigError(`${JSON.stringify(path.posix.join(dir, found[0]))} is not a file.`, {
            subject: dir
        });
    }
    return repoRelativeOf(repoRoot, file);
}

export { KUSTOMIZATION_FILE_NAMES as K, MAX_LINK_HOPS as M, isInsideDirectory as a, resolveInRepo as b, MissingPathError as c, realRelativePath as d, findKustomization as f, isKustomizationFileName as i, linkTargetInRepo as l, normalizeRelativePath as n, relativePathProblem as r };
//# sourceMappingURL=paths.js.map
