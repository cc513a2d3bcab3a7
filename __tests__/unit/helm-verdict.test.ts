/**
 * verifyHelmRender: the verdict over a chart's rendered text before and after an edit. Label
 * values follow apimachinery's pkg/util/validation IsValidLabelValue (at most 63 characters,
 * `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`); selectors of workloads are immutable.
 */
import { describe, expect, it } from '@jest/globals'
import { isValidLabelValue, verifyHelmRender, type HelmProblem } from '../../src/render/index.js'

const DIGEST = `sha256:${'8b2e6d1f'.repeat(8)}`
const HEX = DIGEST.slice('sha256:'.length)
const REPO = 'reg.example/team/app'
const PINNED = `${REPO}:v2.0.0@${DIGEST}`

interface Shape {
  image: string
  version?: string
  selectorVersion?: string
  replicas?: number
  checksum?: string
  extra?: string
}

/** One rendered Deployment (and a Service), the way a small chart prints them. */
function rendered(shape: Shape): string {
  const version =
    shape.version === undefined ? '' : `\n    app.kubernetes.io/version: "${shape.version}"`
  const selector =
    shape.selectorVersion === undefined
      ? ''
      : `\n      app.kubernetes.io/version: "${shape.selectorVersion}"`
  const checksum =
    shape.checksum === undefined
      ? ''
      : `\n      annotations:\n        checksum/config: ${shape.checksum}`
  return `---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector:
    app: app
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    app: app${version}
spec:
  replicas: ${shape.replicas ?? 1}
  selector:
    matchLabels:
      app: app${selector}
  template:
    metadata:${checksum}
      labels:
        app: app${version.replace(/\n {4}/g, '\n        ')}
    spec:
      containers:
        - name: app
          image: "${shape.image}"
        - name: proxy
          image: "reg.example/team/proxy:1.0"
${shape.extra ?? ''}`
}

const before: Shape = { image: `${REPO}:v1.0.0`, version: 'v1.0.0', checksum: 'abc' }

describe('verifyHelmRender', () => {
  it.each<[string, Shape, HelmProblem | undefined, RegExp]>([
    [
      'the image pinned, the version label follows the tag',
      { image: PINNED, version: 'v2.0.0', checksum: 'def' },
      undefined,
      /Argo CD will see the change: 1 container .* now renders/
    ],
    [
      'the chart prefixes the digest itself: sha256:sha256:',
      { image: `${REPO}:v2.0.0@sha256:${DIGEST}`, version: 'v2.0.0', checksum: 'abc' },
      'double-prefix',
      /renders the digest twice prefixed.*\n {2}- Deployment app, container app: .*@sha256:sha256:/
    ],
    [
      'tag@digest copied into a label',
      { image: PINNED, version: `v2.0.0@${DIGEST}`, checksum: 'abc' },
      'invalid-label',
      /label values Kubernetes refuses.*\n {2}- Deployment app: metadata\.labels\["app\.kubernetes\.io\/version"\] = "v2\.0\.0@sha256:/
    ],
    [
      'a label over 63 characters',
      { image: PINNED, version: `v2.0.0-${HEX}`, checksum: 'abc' },
      'invalid-label',
      /spec\.template\.metadata\.labels\["app\.kubernetes\.io\/version"\]/
    ],
    [
      'the template ignores the digest: the tag renders unpinned',
      { image: `${REPO}:v2.0.0`, version: 'v2.0.0', checksum: 'abc' },
      'unpinned',
      /renders the tag without the digest, so Argo CD would deploy whatever v2\.0\.0 points to/
    ],
    [
      'the image does not change at all',
      { image: `${REPO}:v1.0.0`, version: 'v1.0.0', checksum: 'abc' },
      'not-pinned',
      /Argo CD would see no change/
    ],
    [
      'the version reaches a selector',
      {
        image: PINNED,
        version: 'v2.0.0',
        selectorVersion: 'v2.0.0',
        checksum: 'abc'
      },
      'selector',
      /changes a selector.*\n {2}- Deployment app: spec\.selector\.matchLabels/
    ],
    [
      'the edit changes the replicas too',
      { image: PINNED, version: 'v2.0.0', replicas: 3, checksum: 'abc' },
      'other-change',
      /changes more than the image of reg\.example\/team\/app:\n {2}- Deployment app: spec\.replicas: 1 → 3/
    ],
    [
      'the edit renders a new resource',
      {
        image: PINNED,
        version: 'v2.0.0',
        checksum: 'abc',
        extra: '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n'
      },
      'other-change',
      /ConfigMap extra: newly rendered/
    ]
  ])('%s', (_case, after, problem, message) => {
    const shapeBefore = after.selectorVersion ? { ...before, selectorVersion: 'v1.0.0' } : before
    const verdict = verifyHelmRender({
      before: rendered(shapeBefore),
      after: rendered(after),
      repository: REPO,
      pinned: PINNED,
      target: 'charts/app/values.yaml#image'
    })
    expect(verdict.ok).toBe(problem === undefined)
    expect(verdict.problem).toBe(problem)
    expect(verdict.message).toMatch(message)
  })

  it('with pin: tag, a version label that follows the tag is fine', () => {
    const verdict = verifyHelmRender({
      before: rendered(before),
      after: rendered({ image: `${REPO}:v2.0.0`, version: 'v2.0.0', checksum: 'abc' }),
      repository: REPO,
      pinned: `${REPO}:v2.0.0`,
      target: 'values.yaml#image'
    })
    expect(verdict).toMatchObject({ ok: true, invalidLabels: [] })
  })
})

describe('isValidLabelValue (apimachinery IsValidLabelValue)', () => {
  it.each<[string, boolean]>([
    ['', true],
    ['v1.2.3', true],
    ['1.0_rc-1', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-v1', false],
    ['v1.', false],
    [`v1@${DIGEST}`, false],
    ['v1 beta', false]
  ])('%j → %s', (value, valid) => {
    expect(isValidLabelValue(value)).toBe(valid)
  })
})
