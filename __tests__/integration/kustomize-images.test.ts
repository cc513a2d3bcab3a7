/**
 * promote-image's model of kustomize's images transformer (src/reference/kustomize.ts: the
 * IsImageMatched / Split / SetImageValue rules of api/image/image.go and
 * api/filters/imagetag/updater.go) against the real `kubectl kustomize` (Kustomize v5.7.1):
 * every case is one overlay, all built in one run, and the model must predict each container's
 * rendered image exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { stringify } from 'yaml'
import {
  applyKustomizeImage,
  kustomizeImageMatches,
  splitKustomizeImage,
  type KustomizeImageEntry
} from '../../src/reference/index.js'
import { extractImages, findRenderer, type Renderer } from '../../src/render/index.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const OLD_DIGEST = `sha256:${'cd'.repeat(32)}`

/** [case, container images, images: entries] */
const CASES: Array<[string, string[], KustomizeImageEntry[]]> = [
  ['literal name, tag replaced', ['nginx:1.0'], [{ name: 'nginx', newTag: '2.0' }]],
  [
    'docker.io/library spelling does not match the short one',
    ['nginx:1.0', 'docker.io/library/nginx:1.0'],
    [{ name: 'docker.io/library/nginx', newTag: '2.0' }]
  ],
  [
    'the short spelling does not match docker.io/library',
    ['docker.io/library/nginx:1.0'],
    [{ name: 'nginx', newTag: '2.0' }]
  ],
  [
    'upper-case registry does not match',
    ['localhost:5000/app:1'],
    [{ name: 'LOCALHOST:5000/app', newTag: '2' }]
  ],
  [
    'registry with a port: tag and digest',
    ['localhost:5000/app:1'],
    [{ name: 'localhost:5000/app', newTag: 'v2', digest: DIGEST }]
  ],
  [
    'digest alone drops the tag',
    ['reg.io/team/app:v1'],
    [{ name: 'reg.io/team/app', digest: DIGEST }]
  ],
  [
    'tag alone drops an old digest',
    [`reg.io/team/app:v1@${OLD_DIGEST}`],
    [{ name: 'reg.io/team/app', newTag: 'v2' }]
  ],
  [
    'tag and digest replace tag and digest',
    [`reg.io/team/app:v1@${OLD_DIGEST}`],
    [{ name: 'reg.io/team/app', newTag: 'v2', digest: DIGEST }]
  ],
  [
    'a digest-only image matches',
    [`reg.io/team/app@${OLD_DIGEST}`],
    [{ name: 'reg.io/team/app', newTag: 'v2' }]
  ],
  ['an untagged image matches', ['reg.io/team/app'], [{ name: 'reg.io/team/app', newTag: 'v2' }]],
  [
    'a longer repository does not match',
    ['reg.io/team/app-worker:1'],
    [{ name: 'reg.io/team/app', newTag: '2' }]
  ],
  [
    'the name is a regular expression: "." is any character',
    ['nginx:1.0'],
    [{ name: 'ngin.', newTag: '3' }]
  ],
  [
    'rename chain: the second entry sees the first one’s output',
    ['app:1'],
    [
      { name: 'app', newName: 'reg.io/team/app' },
      { name: 'reg.io/team/app', newTag: 'v5', digest: DIGEST }
    ]
  ],
  [
    'two spellings, one entry each',
    ['nginx:1.0', 'docker.io/library/nginx:1.0'],
    [
      { name: 'nginx', newTag: '2.0' },
      { name: 'docker.io/library/nginx', newTag: '2.0' }
    ]
  ],
  ['newName without a tag keeps the tag', ['app:1'], [{ name: 'app', newName: 'reg.io/team/app' }]]
]

let work: string
let renderer: Renderer

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kustomize-images-'))
  const found = await findRenderer('kustomize')
  if ('unavailable' in found) throw new Error(`These tests need kubectl: ${found.unavailable}`)
  renderer = found
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('the kustomize image rule, against the real kubectl kustomize', () => {
  it('predicts every rendered image of every case', async () => {
    const root: string[] = []
    for (const [index, [, images, entries]] of CASES.entries()) {
      const dir = path.join(work, `case-${index}`)
      await mkdir(dir, { recursive: true })
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `case-${index}` },
        spec: {
          template: {
            spec: { containers: images.map((image, c) => ({ name: `c${c}`, image })) }
          }
        }
      }
      await writeFile(path.join(dir, 'deploy.yaml'), stringify(deployment))
      await writeFile(
        path.join(dir, 'kustomization.yaml'),
        stringify({ resources: ['deploy.yaml'], images: entries })
      )
      root.push(`case-${index}`)
    }
    await writeFile(path.join(work, 'kustomization.yaml'), stringify({ resources: root }))

    const rendered = extractImages(await renderer.render(work))
    for (const [index, [name, images, entries]] of CASES.entries()) {
      const actual = rendered.filter(r => r.name === `case-${index}`).map(r => r.image)
      const predicted = images.map(image => entries.reduce(applyKustomizeImage, image))
      expect({ case: name, images: predicted }).toEqual({ case: name, images: actual })
    }
  })
})

describe('kustomizeImageMatches and splitKustomizeImage', () => {
  it.each<[string, string, boolean]>([
    ['nginx', 'nginx', true],
    ['nginx:1.0', 'nginx', true],
    [`nginx:1.0@${DIGEST}`, 'nginx', true],
    [`nginx@${DIGEST}`, 'nginx', true],
    ['nginx-exporter:1', 'nginx', false],
    ['docker.io/library/nginx:1', 'nginx', false],
    ['localhost:5000/app:1', 'localhost:5000/app', true],
    ['nginx:1', 'nginx(', false]
  ])('%s against entry %s: %s', (image, name, matches) => {
    expect(kustomizeImageMatches(image, name)).toBe(matches)
  })

  it.each<[string, ReturnType<typeof splitKustomizeImage>]>([
    ['nginx', { name: 'nginx' }],
    ['nginx:1.0', { name: 'nginx', tag: '1.0' }],
    ['localhost:5000/app', { name: 'localhost:5000/app' }],
    ['localhost:5000/app:1', { name: 'localhost:5000/app', tag: '1' }],
    [`reg.io/app:v1@${DIGEST}`, { name: 'reg.io/app', tag: 'v1', digest: DIGEST }],
    [`reg.io/app@${DIGEST}`, { name: 'reg.io/app', digest: DIGEST }]
  ])('%s', (image, split) => {
    expect(splitKustomizeImage(image)).toEqual(split)
  })
})
