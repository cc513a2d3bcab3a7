/**
 * The git method's sparse checkout, chosen by the layout (issue 17 item 5): cone mode with a
 * sparse index when each target sits in a directory of its own, non-cone patterns when a cone
 * would check out many files the promotion does not read (a flat manifests directory, a crowded
 * root). Whatever the mode, exactly what the promotion reads is checked out, and its commit
 * changes only the edited file: nothing outside the sparse set is lost. Clones over real smart
 * HTTP from GitHub in a box; real git reports the index it keeps.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { simpleGit } from 'simple-git'
import { GitCheckout, type SparseMode } from '../../src/deliver/index.js'
import { silentLogger } from '../../src/log/logger.js'
import { startGitHubBox, type GitHubBox } from '../support/github.js'

const OVERLAY = 'images:\n  - name: api\n    newTag: v1\n'
const many = (dir: string, count: number) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`${dir}${dir ? '/' : ''}doc-${i}.md`, `# ${i}\n`])
  )

/** One app per directory, as Kustomize layouts are: 40 apps, three overlays each. */
function overlaysLayout(): Record<string, string> {
  const files: Record<string, string> = { 'promotion.yaml': 'environments: {}\n' }
  for (let i = 0; i < 40; i++) {
    files[`apps/app-${i}/base/kustomization.yaml`] = 'resources: [deployment.yaml]\n'
    files[`apps/app-${i}/base/deployment.yaml`] = `kind: Deployment # ${i}\n`
    for (const env of ['dev', 'staging', 'prod'])
      files[`apps/app-${i}/overlays/${env}/kustomization.yaml`] = OVERLAY
  }
  return files
}

interface Case {
  name: string
  files: () => Record<string, string>
  /** include() calls, in order. */
  includes: string[][]
  edit: string
  mode: SparseMode
  /** Every file the working tree holds afterwards. */
  checkedOut: string[]
}

const cases: Case[] = [
  {
    name: 'one directory per overlay: cone mode, sparse index',
    files: overlaysLayout,
    includes: [['promotion.yaml'], ['apps/app-3/overlays/dev', 'apps/app-3/base']],
    edit: 'apps/app-3/overlays/dev/kustomization.yaml',
    mode: 'cone',
    checkedOut: [
      'apps/app-3/base/deployment.yaml',
      'apps/app-3/base/kustomization.yaml',
      'apps/app-3/overlays/dev/kustomization.yaml',
      'promotion.yaml'
    ]
  },
  {
    name: 'a flat directory of 400 manifests: non-cone patterns, only the target',
    files: () => ({
      'promotion.yaml': 'environments: {}\n',
      ...many('manifests', 400),
      'manifests/api.yaml': 'image: api:v1\n'
    }),
    includes: [['promotion.yaml'], ['manifests/api.yaml']],
    edit: 'manifests/api.yaml',
    mode: 'patterns',
    checkedOut: ['manifests/api.yaml', 'promotion.yaml']
  },
  {
    name: 'a crowded root (300 files): non-cone patterns from the start',
    files: () => ({ ...many('', 300), 'api/kustomization.yaml': OVERLAY }),
    includes: [['api']],
    edit: 'api/kustomization.yaml',
    mode: 'patterns',
    checkedOut: ['api/kustomization.yaml']
  },
  {
    name: 'cone first, then a target among many siblings: patterns, nothing dropped',
    files: () => ({ ...overlaysLayout(), ...many('flat', 300), 'flat/api.yaml': 'image: x\n' }),
    includes: [['promotion.yaml', 'apps/app-1/overlays/prod'], ['flat/api.yaml']],
    edit: 'flat/api.yaml',
    mode: 'patterns',
    checkedOut: ['apps/app-1/overlays/prod/kustomization.yaml', 'flat/api.yaml', 'promotion.yaml']
  }
]

describe('the git method chooses its sparse checkout by the layout', () => {
  let box: GitHubBox
  let repos = 0

  beforeAll(async () => {
    box = await startGitHubBox()
  })
  afterAll(async () => {
    await box?.stop()
  })

  it.each(cases)('$name', async c => {
    const repo = `sparse/case-${repos++}`
    const files = c.files()
    await box.createRepo(repo, files)
    const checkout = await GitCheckout.open({
      url: `${box.url}/${repo}.git`,
      token: box.token,
      logger: silentLogger
    })
    try {
      for (const paths of c.includes) await checkout.include(paths)
      expect(checkout.sparseMode).toBe(c.mode)
      const git = simpleGit({ baseDir: checkout.dir })
      const worktree = (await git.raw(['ls-files', '-t']))
        .split('\n')
        .filter(line => line.startsWith('H '))
        .map(line => line.slice(2))
      expect(worktree.sort()).toEqual(c.checkedOut)
      // A sparse index keeps the directories outside the cone as single entries.
      const sparseDirs = (await git.raw(['ls-files', '--sparse']))
        .split('\n')
        .filter(line => line.endsWith('/'))
      if (c.mode === 'cone') expect(sparseDirs.length).toBeGreaterThan(0)
      else expect(sparseDirs).toEqual([])

      const file = join(checkout.dir, c.edit)
      await writeFile(file, (await readFile(file, 'utf8')).replace(/v1|x$/m, 'v2'))
      const sha = await checkout.commitIfChanged('promote')
      expect(sha).toBeDefined()
      expect(await checkout.push('main')).toBe('pushed')
      // The pushed commit changes the one file, and every other file is still there.
      expect(
        (await box.git(repo, ['diff-tree', '--no-commit-id', '--name-only', '-r', 'main']))
          .trim()
          .split('\n')
      ).toEqual([c.edit])
      const listed = (await box.git(repo, ['ls-tree', '-r', '--name-only', 'main']))
        .trim()
        .split('\n')
      expect(listed.sort()).toEqual(Object.keys(files).sort())
    } finally {
      await checkout.close()
    }
  })
})
