import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { findKustomization, relativePathProblem, resolveInRepo } from '../../src/repo/index.js'
import { linkTargetInRepo } from '../../src/repo/paths.js'
import { ConfigError, EditError } from '../../src/errors.js'

// A real repository on disk with real symlinks, some pointing inside, some escaping.
let tmp: string
let repo: string

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'promote-paths-')))
  repo = path.join(tmp, 'repo')
  const files: Record<string, string> = {
    'apps/api/overlays/dev/kustomization.yaml': 'images: []\n',
    'apps/api/overlays/yml/kustomization.yml': 'images: []\n',
    'apps/api/overlays/capital/Kustomization': 'images: []\n',
    'apps/api/overlays/two/kustomization.yaml': 'images: []\n',
    'apps/api/overlays/two/kustomization.yml': 'images: []\n',
    'apps/api/overlays/none/deployment.yaml': 'kind: Deployment\n',
    'apps/api/overlays/escaping/README.md': 'the kustomization is a symlink\n',
    'charts/api/values.yaml': 'image: {}\n'
  }
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(repo, file)), { recursive: true })
    await writeFile(path.join(repo, file), text)
  }
  await mkdir(path.join(tmp, 'outside'))
  await writeFile(path.join(tmp, 'outside', 'secret.yaml'), 'token: hunter2\n')
  await writeFile(path.join(tmp, 'outside', 'kustomization.yaml'), 'images: []\n')

  const links: [string, string][] = [
    ['link-etc', '/etc'],
    ['link-out', '../outside'],
    ['chain1', 'chain2'],
    ['chain2', 'apps/../../outside'],
    ['apps/shared', 'api'], // a directory symlink that stays inside
    ['apps/api/overlays/prod', 'dev'],
    ['values-link.yaml', 'charts/api/values.yaml'],
    ['secret.yaml', '../outside/secret.yaml'],
    ['dangling.yaml', '../outside/missing.yaml'],
    ['loop1', 'loop2'],
    ['loop2', 'loop1'],
    ['apps/api/overlays/escaping/kustomization.yaml', '../../../../../outside/kustomization.yaml'],
    ['apps/api/overlays/out', '../../../../outside']
  ]
  for (const [link, target] of links) await symlink(target, path.join(repo, link))
  await symlink(repo, path.join(tmp, 'repo-link'))
})

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

describe('resolveInRepo refuses paths that leave the repository', () => {
  it.each<[string, string, { mustExist?: boolean }, typeof ConfigError | typeof EditError, RegExp]>(
    [
      ['absolute', '/etc/passwd', {}, ConfigError, /is absolute/],
      ['Windows drive', 'C:/Windows/system.ini', {}, ConfigError, /Windows drive path/],
      ['Windows backslashes', 'C:\\x', {}, ConfigError, /contains a backslash/],
      ['backslash inside', 'apps\\api', {}, ConfigError, /contains a backslash/],
      ['NUL', 'apps/api\0.yaml', {}, ConfigError, /NUL/],
      ['newline', 'apps/api\n.yaml', {}, ConfigError, /control character/],
      ['empty', '', {}, ConfigError, /is empty/],
      ['.. at the start', '../outside/secret.yaml', {}, ConfigError, /leaves the repository/],
      ['.. that climbs out', 'a/../../x', {}, ConfigError, /leaves the repository/],
      [
        '.. deep',
        'apps/api/../../../outside',
        { mustExist: false },
        ConfigError,
        /leaves the repository/
      ],
      ['symlink to /etc', 'link-etc/passwd', {}, EditError, /outside the config repository/],
      [
        'symlinked directory escaping',
        'link-out/secret.yaml',
        {},
        EditError,
        /outside the config repository/
      ],
      [
        'symlink chain escaping',
        'chain1/secret.yaml',
        {},
        EditError,
        /outside the config repository/
      ],
      [
        'final file is a symlink out',
        'secret.yaml',
        {},
        EditError,
        /outside the config repository/
      ],
      [
        'new file under an escaping symlink',
        'link-out/new.yaml',
        { mustExist: false },
        EditError,
        /outside the config repository/
      ],
      [
        'dangling symlink',
        'dangling.yaml',
        { mustExist: false },
        EditError,
        /symlink to a missing file/
      ],
      ['symlink loop', 'loop1', {}, EditError, /symlink loop/],
      ['missing file', 'apps/api/values.yaml', {}, ConfigError, /does not exist/],
      ['missing parent', 'nowhere/new.yaml', { mustExist: false }, ConfigError, /does not exist/],
      [
        'parent is a file',
        'charts/api/values.yaml/x',
        { mustExist: false },
        ConfigError,
        /does not exist/
      ]
    ]
  )('%s: %j', async (_name, relPath, options, type, message) => {
    const attempt = resolveInRepo(repo, relPath, options)
    await expect(attempt).rejects.toBeInstanceOf(type)
    await expect(resolveInRepo(repo, relPath, options)).rejects.toThrow(message)
  })

  it('names the real place an escaping symlink leads to, and writes nothing', async () => {
    await expect(resolveInRepo(repo, 'chain1/secret.yaml')).rejects.toThrow(
      `"chain1/secret.yaml" resolves to ${path.join(tmp, 'outside', 'secret.yaml')}, outside the config repository ${repo}`
    )
  })
})

describe('resolveInRepo allows paths inside the repository', () => {
  it.each<[string, string, { mustExist?: boolean }, string]>([
    ['a file', 'charts/api/values.yaml', {}, 'charts/api/values.yaml'],
    ['a directory', 'apps/api/overlays/dev', {}, 'apps/api/overlays/dev'],
    ['a trailing slash and ./', './apps/api/overlays/dev/', {}, 'apps/api/overlays/dev'],
    ['.. that stays inside', 'apps/x/../api/overlays/dev', {}, 'apps/api/overlays/dev'],
    ['the root', '.', {}, ''],
    [
      'through a symlinked directory inside',
      'apps/shared/overlays/dev/kustomization.yaml',
      {},
      'apps/api/overlays/dev/kustomization.yaml'
    ],
    ['a symlinked file inside', 'values-link.yaml', {}, 'charts/api/values.yaml'],
    [
      'a new file',
      'charts/api/values-new.yaml',
      { mustExist: false },
      'charts/api/values-new.yaml'
    ],
    [
      'a new file through a symlinked directory inside',
      'apps/shared/new.yaml',
      { mustExist: false },
      'apps/api/new.yaml'
    ]
  ])('%s: %j', async (_name, relPath, options, expected) => {
    expect(await resolveInRepo(repo, relPath, options)).toBe(path.join(repo, expected))
  })

  it('resolves the repository root itself through symlinks', async () => {
    expect(await resolveInRepo(path.join(tmp, 'repo-link'), 'charts/api/values.yaml')).toBe(
      path.join(repo, 'charts/api/values.yaml')
    )
  })

  it('refuses a missing repository', async () => {
    await expect(resolveInRepo(path.join(tmp, 'nope'), 'x')).rejects.toThrow(ConfigError)
  })
})

describe('relativePathProblem', () => {
  it.each<[string, string | undefined]>([
    ['apps/api', undefined],
    ['.', undefined],
    ['a/../b', undefined],
    ['~/x', undefined],
    ['..', 'leaves the repository (..)'],
    ['./..', 'leaves the repository (..)'],
    ['/x', 'is absolute (paths are relative to the repository root)'],
    ['//server/share', 'is absolute (paths are relative to the repository root)'],
    ['c:x', 'is a Windows drive path (paths are relative to the repository root)']
  ])('%j', (relPath, expected) => {
    expect(relativePathProblem(relPath)).toBe(expected)
  })
})

describe('findKustomization', () => {
  it.each<[string, string, string]>([
    [
      'kustomization.yaml in a directory',
      'apps/api/overlays/dev',
      'apps/api/overlays/dev/kustomization.yaml'
    ],
    ['kustomization.yml', 'apps/api/overlays/yml/', 'apps/api/overlays/yml/kustomization.yml'],
    ['Kustomization', 'apps/api/overlays/capital', 'apps/api/overlays/capital/Kustomization'],
    [
      'the file itself',
      'apps/api/overlays/yml/kustomization.yml',
      'apps/api/overlays/yml/kustomization.yml'
    ],
    [
      'a symlinked overlay inside (the real file)',
      'apps/api/overlays/prod',
      'apps/api/overlays/dev/kustomization.yaml'
    ],
    [
      'through a symlinked directory',
      'apps/shared/overlays/capital',
      'apps/api/overlays/capital/Kustomization'
    ]
  ])('%s', async (_name, target, expected) => {
    expect(await findKustomization(repo, target)).toBe(expected)
  })

  it.each<[string, string, typeof ConfigError | typeof EditError, string | RegExp]>([
    [
      'two kustomization files',
      'apps/api/overlays/two',
      ConfigError,
      'Found multiple kustomization files under "apps/api/overlays/two": kustomization.yaml, kustomization.yml.'
    ],
    [
      'no kustomization file',
      'apps/api/overlays/none',
      ConfigError,
      '"apps/api/overlays/none" has no kustomization file (kustomization.yaml, kustomization.yml or Kustomization).'
    ],
    ['a missing directory', 'apps/web/overlays/dev', ConfigError, /does not exist/],
    [
      'a kustomization symlinked out',
      'apps/api/overlays/escaping',
      EditError,
      /outside the config repository/
    ],
    [
      'an overlay symlinked out',
      'apps/api/overlays/out',
      EditError,
      /outside the config repository/
    ],
    ['an absolute path', '/etc', ConfigError, /is absolute/]
  ])('refuses %s', async (_name, target, type, message) => {
    await expect(findKustomization(repo, target)).rejects.toBeInstanceOf(type)
    await expect(findKustomization(repo, target)).rejects.toThrow(message)
  })
})

describe('linkTargetInRepo: where a stored symlink leads, followed only inside the repository', () => {
  it.each<[string, string, string, string, string | undefined]>([
    [
      'a sibling file',
      'charts/api/values-dev.yaml',
      'values-common.yaml',
      '',
      'charts/api/values-common.yaml'
    ],
    [
      'a file one level up',
      'apps/api/overlays/dev/kustomization.yaml',
      '../shared/kustomization.yaml',
      '',
      'apps/api/overlays/shared/kustomization.yaml'
    ],
    [
      'a directory, rest appended',
      'apps/api/base',
      '../../shared/api-base',
      'deployment.yaml',
      'shared/api-base/deployment.yaml'
    ],
    ['a link at the root', 'values.yaml', 'charts/api/values.yaml', '', 'charts/api/values.yaml'],
    ['a target with ./ and //', 'a/b', './c//d/', '', 'a/c/d'],
    ['an absolute target', 'apps/api/base', '/etc', '', undefined],
    ['a target climbing out', 'apps/api/base', '../../../outside', '', undefined],
    ['a target climbing out through rest', 'apps/link', 'x', '../../..', undefined],
    ['a target into .git', 'apps/hook', '../.git/hooks/pre-commit', '', undefined],
    ['the repository root itself', 'apps/root', '..', '', undefined],
    ['an empty target', 'apps/empty', '', '', undefined]
  ])('%s', (_name, link, target, rest, expected) => {
    expect(linkTargetInRepo(link, target, rest)).toBe(expected)
  })
})
