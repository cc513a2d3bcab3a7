/**
 * Reading a commit through the contents API, one path at a time: the cost follows what the
 * promotion reads, not the size of the repository. Answers are cached by commit and path
 * (commits never change), and inherited along a commit's known lineage; `materialize` writes
 * what was read to disk for the edit and the render.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { dirname, join, posix } from 'node:path'
import { linkTargetInRepo, MAX_LINK_HOPS, type TreeReader } from '../../repo/index.js'
import { answerStands, type ReadSet } from '../read-set.js'
import { GitHubError, status, type GitHubClient } from './client.js'

/** A reader of one commit through the contents API. */
export interface CommitReader extends TreeReader {
  list(dir: string): Promise<string[]>
  linkOn(rel: string): Promise<{ path: string; target: string } | undefined>
  /** What this reader was asked for so far: see changesTouch. */
  readonly reads: ReadSet
}

export class Contents {
  /** Contents answers by commit and path; commits never change. */
  private readonly contents = new Map<string, Promise<ContentEntry | ContentEntry[] | undefined>>()
  /**
   * Commits whose difference from an earlier one is known (this run made them, or a compare
   * listed it): their contents answers are inherited from that commit for every path the
   * difference cannot have changed, so promoting three environments reads shared bases once.
   */
  private readonly lineage = new Map<string, { base: string; changed: readonly string[] }>()

  constructor(private readonly client: GitHubClient) {}

  /** `sha` is `base` with only `changed` changed: its answers for other paths are inherited. */
  derived(sha: string, base: string, changed: readonly string[]): void {
    this.lineage.set(sha, { base, changed })
  }

  /**
   * Reads a commit's tree through the contents API, one path at a time: the
   * cost follows what the promotion reads, not the size of the repository.
   * `ref` is a commit sha: answers are cached for the run, so promotion.yaml
   * read for the environments' settings is not fetched again for the edit.
   */
  reader(ref: string): CommitReader {
    const reads = { probed: new Map<string, 'dir' | 'other'>(), listed: new Set<string>() }
    const get = (path: string) => {
      const key = `${ref}\0${path}`
      let found = this.contents.get(key)
      if (!found) {
        found = this.inherited(ref, path) ?? this.content(path, ref)
        this.contents.set(key, found)
      }
      reads.probed.set(path, reads.probed.get(path) ?? 'other')
      found.then(
        entry => {
          if (Array.isArray(entry)) reads.probed.set(path, 'dir')
          // A link to a file comes back as that file: a change to the file is a change to it.
          else if (entry && entry.path !== path) reads.probed.set(entry.path, 'other')
        },
        () => undefined
      )
      return found
    }
    const typeOf = async (rel: string): Promise<'file' | 'dir' | 'missing' | 'other'> => {
      const clean = rel.replace(/\/$/, '')
      if (clean === '') return 'dir'
      // GitHub does not follow a symlinked directory on the way to a path (it answers 404), so
      // a path that is found has real directories above it and its parents need not be read.
      const entry = await get(clean)
      if (Array.isArray(entry)) return 'dir'
      // GitHub answers a link to a file in the repository with that file: its path tells.
      if (entry) return entry.type === 'file' && entry.path === clean ? 'file' : 'other'
      // Not found: missing, or behind a link (or a file) on the way, which the parents tell.
      const parts = clean.split('/')
      const parents = parts.slice(0, -1).map((_, i) => get(parts.slice(0, i + 1).join('/')))
      // Below a parent that is not a directory, reads may fail; they do not matter then.
      for (const read of parents) read.catch(() => undefined)
      for (const read of parents) {
        const parent = await read
        if (parent === undefined) return 'missing'
        if (!Array.isArray(parent)) return 'other'
      }
      return 'missing'
    }
    /** The first symlink on the way to `rel`, for the checkout to hold it as a link. */
    const linkOn = async (rel: string): Promise<{ path: string; target: string } | undefined> => {
      const parts = rel.replace(/\/$/, '').split('/')
      for (let i = 1; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join('/')
        const entry = await get(prefix).catch(() => undefined)
        if (entry === undefined) return undefined
        if (Array.isArray(entry)) continue
        if (entry.type === 'symlink' && entry.target !== undefined)
          return { path: prefix, target: entry.target }
        // A link to a file in the repository comes back as that file: point at it.
        if (entry.type === 'file' && entry.path !== prefix)
          return { path: prefix, target: posix.relative(posix.dirname(prefix), entry.path) }
        return undefined
      }
      return undefined
    }
    return {
      type: typeOf,
      linkOn,
      read: async rel => {
        const entry = await get(rel)
        if (!entry || Array.isArray(entry) || entry.type !== 'file')
          throw new GitHubError(`${rel} is not a file in ${this.client.fullName}.`)
        if (entry.content !== undefined && entry.encoding === 'base64')
          return Buffer.from(entry.content, 'base64').toString('utf8')
        // Files over 1 MB come without content; their blob has it.
        const { data } = await this.client.octokit.rest.git.getBlob({
          owner: this.client.owner,
          repo: this.client.repo,
          file_sha: entry.sha
        })
        return Buffer.from(data.content, 'base64').toString('utf8')
      },
      list: async dir => {
        reads.listed.add(dir.replace(/\/$/, ''))
        const entry = await get(dir.replace(/\/$/, ''))
        return Array.isArray(entry) ? entry.map(e => e.path) : []
      },
      reads
    }
  }

  /**
   * The answer for `path` at `ref` taken from the commit `ref` was derived from, when none of
   * the changes between them is the path, inside it or above it (nor the file a link to a file
   * answers with); undefined otherwise. Symlink answers are always read again.
   */
  private inherited(
    ref: string,
    path: string
  ): Promise<ContentEntry | ContentEntry[] | undefined> | undefined {
    const step = this.lineage.get(ref)
    if (!step || !answerStands(path, step.changed)) return undefined
    const key = `${step.base}\0${path}`
    const earlier = this.contents.get(key) ?? this.inherited(step.base, path)
    if (!earlier) return undefined
    return earlier.then(
      entry =>
        Array.isArray(entry) ||
        entry === undefined ||
        (entry.type === 'file' && (entry.path === path || answerStands(entry.path, step.changed)))
          ? entry
          : this.content(path, ref),
      () => this.content(path, ref)
    )
  }

  private async content(
    path: string,
    ref: string
  ): Promise<ContentEntry | ContentEntry[] | undefined> {
    try {
      const { data } = await this.client.octokit.rest.repos.getContent({
        owner: this.client.owner,
        repo: this.client.repo,
        path,
        ref
      })
      return data as ContentEntry | ContentEntry[]
    } catch (error) {
      if (status(error) === 404) return undefined
      throw this.client.explain(error, `read ${path}`)
    }
  }

  /**
   * Writes `paths` (files, or directories recursively) of the reader's commit under `dir`.
   * A symlink stays a link, so the edit's path checks see (and refuse) an escape; its target
   * is written too when it stays in the repository, so the link reads as in a full clone.
   */
  async materialize(reader: CommitReader, paths: Iterable<string>, dir: string): Promise<void> {
    await this.materializeAll(reader, paths, dir, { seen: new Set(), hops: 0 })
  }

  private async materializeAll(
    reader: CommitReader,
    paths: Iterable<string>,
    dir: string,
    walk: { seen: Set<string>; hops: number }
  ): Promise<void> {
    const fresh = [...paths].filter(path => !walk.seen.has(path))
    for (const path of fresh) walk.seen.add(path)
    // All at once: Octokit's throttling keeps GitHub's concurrency in bounds.
    await Promise.all(fresh.map(path => this.materializeOne(reader, path, dir, walk)))
  }

  private async materializeOne(
    reader: CommitReader,
    path: string,
    dir: string,
    walk: { seen: Set<string>; hops: number }
  ): Promise<void> {
    const type = await reader.type(path)
    if (type === 'file') {
      await mkdir(dirname(join(dir, path)), { recursive: true })
      await writeFile(join(dir, path), await reader.read(path))
    } else if (type === 'dir') {
      await mkdir(join(dir, path), { recursive: true })
      await this.materializeAll(reader, await reader.list(path), dir, walk)
    } else if (type === 'other') {
      const link = await reader.linkOn(path)
      if (!link) return
      await mkdir(dirname(join(dir, link.path)), { recursive: true })
      await symlink(link.target, join(dir, link.path)).catch(() => undefined)
      if (++walk.hops > MAX_LINK_HOPS) return
      const rest = path === link.path ? '' : path.slice(link.path.length + 1)
      const target = linkTargetInRepo(link.path, link.target, rest)
      if (target !== undefined) await this.materializeAll(reader, [target], dir, walk)
    }
  }
}

interface ContentEntry {
  readonly type: 'file' | 'dir' | 'symlink' | 'submodule'
  readonly path: string
  /** Symlinks: the link text. */
  readonly target?: string
  readonly sha: string
  readonly content?: string
  readonly encoding?: string
}
