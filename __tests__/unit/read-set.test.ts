import { describe, expect, it } from '@jest/globals'
import {
  answerStands,
  changesTouch,
  type ChangedFile,
  type ReadSet
} from '../../src/deliver/read-set.js'

/** What promoting api to dev reads through the contents API. */
const reads: ReadSet = {
  probed: new Map<string, 'dir' | 'other'>([
    ['promotion.yaml', 'other'],
    ['apps', 'dir'],
    ['apps/api', 'dir'],
    ['apps/api/overlays', 'dir'],
    ['apps/api/overlays/dev', 'dir'],
    ['apps/api/overlays/dev/kustomization.yaml', 'other'],
    ['apps/api/base', 'dir'],
    ['apps/api/base/kustomization.yaml', 'other'],
    ['apps/api/base/deployment.yaml', 'other'],
    ['apps/api/overlays/dev/patch.yaml', 'other'], // asked for, missing
    ['charts/api/values-dev.yaml', 'other'] // a link: GitHub answered with values.yaml
  ]),
  listed: new Set(['apps/api/overlays/dev'])
}

describe('changesTouch: whether the new head changed anything the promotion read', () => {
  it.each<[string, ChangedFile[], boolean]>([
    ['nothing changed', [], false],
    [
      'another app promoted',
      [{ filename: 'apps/web/overlays/dev/kustomization.yaml', status: 'modified' }],
      false
    ],
    ['another app added', [{ filename: 'apps/web/base/deployment.yaml', status: 'added' }], false],
    ['a README elsewhere', [{ filename: 'README.md', status: 'modified' }], false],
    [
      'a file added beside a probed, not listed, directory',
      [{ filename: 'apps/api/base/service.yaml', status: 'added' }],
      false
    ],
    ['unchanged entries', [{ filename: 'promotion.yaml', status: 'unchanged' }], false],
    [
      'a copy out of a read file',
      [
        {
          filename: 'apps/web/base/deployment.yaml',
          previous_filename: 'apps/api/base/deployment.yaml',
          status: 'copied'
        }
      ],
      false
    ],
    [
      'the overlay itself',
      [{ filename: 'apps/api/overlays/dev/kustomization.yaml', status: 'modified' }],
      true
    ],
    ['promotion.yaml', [{ filename: 'promotion.yaml', status: 'modified' }], true],
    [
      'a base file the render reads',
      [{ filename: 'apps/api/base/deployment.yaml', status: 'modified' }],
      true
    ],
    [
      'a missing file that now exists',
      [{ filename: 'apps/api/overlays/dev/patch.yaml', status: 'added' }],
      true
    ],
    [
      'a file added to a listed directory',
      [{ filename: 'apps/api/overlays/dev/extra.yaml', status: 'added' }],
      true
    ],
    [
      'a file added in a new subdirectory of a listed directory',
      [{ filename: 'apps/api/overlays/dev/config/a.env', status: 'added' }],
      true
    ],
    [
      'a file removed under a probed directory (it may be gone)',
      [{ filename: 'apps/api/base/old.yaml', status: 'removed' }],
      true
    ],
    [
      'a read file renamed away',
      [
        {
          filename: 'apps/api/base/d.yaml',
          previous_filename: 'apps/api/base/deployment.yaml',
          status: 'renamed'
        }
      ],
      true
    ],
    [
      'a file turned into a link',
      [{ filename: 'apps/api/base/kustomization.yaml', status: 'changed' }],
      true
    ],
    [
      'a child under what was a file or missing',
      [{ filename: 'promotion.yaml/x', status: 'added' }],
      true
    ],
    [
      'one relevant change among many',
      [
        { filename: 'README.md', status: 'modified' },
        { filename: 'apps/api/overlays/dev/kustomization.yaml', status: 'modified' }
      ],
      true
    ]
  ])('%s → %s', (_name, changes, touched) => {
    expect(changesTouch(reads, changes)).toBe(touched)
  })
})

describe('answerStands: a contents answer taken over from the commit a run built on', () => {
  // dev's commit changed only dev's overlay; staging reads at the new head.
  const devCommit = ['apps/api/overlays/dev/kustomization.yaml']
  it.each<[string, string, readonly string[], boolean]>([
    ['a shared base file', 'apps/api/base/deployment.yaml', devCommit, true],
    ['a shared base listing', 'apps/api/base', devCommit, true],
    ["staging's overlay", 'apps/api/overlays/staging/kustomization.yaml', devCommit, true],
    ['a sibling whose name extends the changed one', 'apps/api/overlays/dev2', devCommit, true],
    ['the changed file itself', 'apps/api/overlays/dev/kustomization.yaml', devCommit, false],
    ['the listing holding it (its sha changed)', 'apps/api/overlays/dev', devCommit, false],
    ['a listing further up', 'apps/api', devCommit, false],
    ['the root listing', '', devCommit, false],
    ['the root listing, nothing changed', '', [], true],
    [
      'a path below a file that became a directory',
      'charts/api/values.yaml/x',
      ['charts/api/values.yaml'],
      false
    ],
    [
      'a path seen missing, then added',
      'apps/new/base',
      ['apps/new/base/kustomization.yaml'],
      false
    ]
  ])('%s', (_, path, changed, stands) => {
    expect(answerStands(path, changed)).toBe(stands)
  })
})
