/**
 * verify against a loopback fake of the Argo CD API (support/argocd.ts): the incidents of
 * reference/incidents.md replayed as application timelines, and the CLI command in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { scaled } from '../support/timing.js'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyCommand, VERIFY_USAGE } from '../../src/cli/verify.js'
import type { CommandContext } from '../../src/cli/context.js'
import { InputError, PromoteError } from '../../src/errors.js'
import type { Logger } from '../../src/log/logger.js'
import {
  DEFINITE_AFTER_POLLS,
  imageMatches,
  verifyDeployment,
  VerifyError,
  wantedImage,
  type VerifyRequest
} from '../../src/argocd/index.js'
import {
  commitSha,
  digestOf,
  startArgoCD,
  type AppState,
  type FakeApplication,
  type FakeArgoCD,
  type FakeWorkload
} from '../support/argocd.js'
import { startDripServer, type DripServer } from '../support/drip.js'

const FAST = { retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 }, requestTimeoutMs: 2000 }
const POLL = 0.02

const REPO = 'registry.corp.io/notification-service'
const OLD = digestOf('notification-service v2.3.1')
const NEW = digestOf('notification-service v2.5.0')
const OLD_REF = `${REPO}:v2.3.1@${OLD}`
const NEW_REF = `${REPO}:v2.5.0@${NEW}`
const PREVIOUS = commitSha('previous promotion')
const PROMOTION = commitSha('promotion of v2.5.0')
const short = (sha: string): string => sha.slice(0, 7)

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    logger: {
      debug: m => lines.push(`debug: ${m}`),
      info: m => lines.push(m),
      warning: m => lines.push(`warning: ${m}`)
    }
  }
}

function notificationService(images: string[], extra: Partial<FakeWorkload> = {}): FakeWorkload {
  return {
    name: 'notification-service',
    pods: images.map(image => ({ images: [image] })),
    ...extra
  }
}

function state(overrides: Partial<AppState>): AppState {
  return {
    sync: 'Synced',
    revision: PROMOTION,
    health: 'Healthy',
    workloads: [notificationService([NEW_REF, NEW_REF])],
    ...overrides
  }
}

let counter = 0
/** Registers an application under a fresh name; returns the name. */
function app(argo: FakeArgoCD, timeline: AppState[], extra: Partial<FakeApplication> = {}): string {
  const name = extra.name ?? `notification-service-${++counter}`
  argo.setApplication({ name, timeline, ...extra })
  return name
}

/** Runs verifyDeployment; resolves to the result or the thrown error. */
async function verify(
  argo: FakeArgoCD,
  application: string,
  extra: Partial<VerifyRequest> = {}
): Promise<{ result?: unknown; error?: VerifyError; lines: string[]; ms: number }> {
  const { logger, lines } = capture()
  const started = Date.now()
  try {
    const result = await verifyDeployment(
      {
        server: argo.url,
        token: argo.token,
        application,
        revision: PROMOTION,
        images: [NEW_REF],
        timeoutSeconds: 5,
        pollSeconds: POLL,
        ...extra
      },
      logger,
      FAST
    )
    return { result, lines, ms: Date.now() - started }
  } catch (error) {
    if (!(error instanceof PromoteError)) throw error
    return { error: error as VerifyError, lines, ms: Date.now() - started }
  }
}

describe('verifyDeployment', () => {
  let argo: FakeArgoCD
  beforeAll(async () => {
    argo = await startArgoCD()
  })
  afterAll(() => argo.stop())

  it('succeeds once Argo CD is synced at the promotion commit, Healthy and runs the digest', async () => {
    const name = app(argo, [
      state({
        sync: 'OutOfSync',
        revision: PREVIOUS,
        workloads: [notificationService([OLD_REF, OLD_REF])]
      }),
      state({
        sync: 'OutOfSync',
        health: 'Progressing',
        operation: {
          phase: 'Running',
          message: 'waiting for healthy state of apps/Deployment/notification-service'
        },
        workloads: [notificationService([OLD_REF, OLD_REF])]
      }),
      state({
        health: 'Progressing',
        workloads: [
          notificationService([NEW_REF, OLD_REF], {
            health: 'Progressing',
            healthMessage:
              'Waiting for rollout to finish: 1 old replicas are pending termination...'
          })
        ]
      }),
      state({ operation: { phase: 'Succeeded', message: 'successfully synced (all tasks run)' } })
    ])

    const { result, error, lines } = await verify(argo, name)

    expect(error).toBeUndefined()
    expect(result).toEqual({
      ok: true,
      revision: PROMOTION,
      images: [NEW_REF],
      elapsedSeconds: expect.any(Number)
    })
    // Seconds elapsed depend on the machine's load; the rest is exact.
    const progress = lines.filter(l => l.startsWith('argocd: ')).map(seconds)
    expect(progress).toEqual([
      `argocd: OutOfSync / Healthy at ${short(PREVIOUS)}, waiting for ${short(PROMOTION)} (0 s)`,
      `argocd: OutOfSync / Progressing at ${short(PROMOTION)} (sync Running), waiting for Synced, Healthy, pods running notification-service@${NEW.slice(0, 19)} (0 s)`,
      `argocd: Synced / Progressing at ${short(PROMOTION)}, waiting for Healthy (0 s)`,
      `argocd: Synced / Healthy at ${short(PROMOTION)}, running ${NEW_REF} (0 s)`
    ])
    const reads = argo.requests.filter(r => r.application === `argocd/${name}`)
    expect(reads.every(r => r.auth === 'valid' && r.status === 200)).toBe(true)
    // One refresh, on the first read: later reads only look.
    expect(reads.filter(r => r.endpoint === 'application').map(r => r.refresh)).toEqual([
      'normal',
      undefined,
      undefined,
      undefined
    ])
    expect(reads.filter(r => r.endpoint === 'resource-tree')).toHaveLength(4)
  })

  describe('incident 1: "Synced, 0 updated" — the pods keep the old image', () => {
    it.each([
      {
        case: 'the old digest still runs',
        running: OLD_REF,
        says: `the pods still run ${REPO}@${OLD} while ${NEW} was promoted (Deployment/notification-service carries the old image)`
      },
      {
        case: 'the mutable tag still runs',
        running: `${REPO}:latest`,
        says: `the pods still run ${REPO}:latest while ${NEW} was promoted (Deployment/notification-service carries the old image)`
      },
      {
        case: 'no pod of that repository runs',
        running: 'registry.corp.io/email-service:v1.0.0',
        says: `no pod runs ${REPO} (running: registry.corp.io/email-service:v1.0.0) while ${NEW} was promoted`
      }
    ])('$case: fails after a few polls, naming the workload', async ({ running, says }) => {
      const name = app(argo, [state({ workloads: [notificationService([running, running])] })])

      const { error, ms } = await verify(argo, name, { timeoutSeconds: 30 })

      expect(error).toBeInstanceOf(VerifyError)
      expect(error?.message).toBe(
        `Argo CD reports Synced and Healthy at the promotion commit ${short(PROMOTION)}, but ${says}.`
      )
      expect(error?.hint).toContain('"Synced, 0 updated"')
      expect(error?.hint).toContain('path apps/api/overlays/prod')
      // A definite failure does not wait for the 30 s timeout.
      expect(argo.reads(name)).toBe(DEFINITE_AFTER_POLLS)
      expect(ms).toBeLessThan(scaled(10_000))
    })

    it('recovers when the new pods appear before the third poll', async () => {
      const name = app(argo, [
        state({ workloads: [notificationService([OLD_REF])] }),
        state({ workloads: [notificationService([OLD_REF])] }),
        state({})
      ])
      const { result } = await verify(argo, name)
      expect(result).toMatchObject({ ok: true, images: [NEW_REF] })
    })

    it('warns, but succeeds, when old pods linger beside the new ones', async () => {
      const name = app(argo, [state({ workloads: [notificationService([NEW_REF, OLD_REF])] })])
      const { result, lines } = await verify(argo, name)
      expect(result).toMatchObject({ ok: true })
      expect(lines).toContain(
        `warning: verify: pods still run ${OLD_REF} beside the promoted image (old pods terminating, or another workload of the application).`
      )
    })
  })

  describe('incident 4: Degraded that was accurate — ImagePullBackOff', () => {
    const API = 'acme.azurecr.io/api-backend:main-4f2c1e9-api-backend'
    const WEB = 'acme.azurecr.io/web-frontend:main-4f2c1e9-web-frontend'
    const degraded = (): AppState =>
      state({
        health: 'Degraded',
        workloads: [
          {
            name: 'api-backend',
            health: 'Degraded',
            healthMessage: 'Deployment "api-backend" exceeded its progress deadline',
            pods: [
              { images: ['acme.azurecr.io/api-backend:main-1a2b3c4-api-backend'] },
              {
                images: [API, API],
                pullFailure: { image: API, initContainer: 'db-migrate', backOffs: 17163 }
              }
            ]
          },
          {
            name: 'web-frontend',
            health: 'Degraded',
            pods: [
              {
                images: [WEB],
                pullFailure: {
                  image: WEB,
                  detail: `rpc error: code = Unknown desc = failed to pull and unpack image "${WEB}": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized`,
                  pullSecretMissing: 'acr-pull'
                }
              }
            ]
          }
        ]
      })

    it('names each workload, the image and kubelet reason, from the tree and the events', async () => {
      const name = app(argo, [degraded()])

      const { error } = await verify(argo, name, { images: [API], timeoutSeconds: 30 })

      expect(error).toBeInstanceOf(VerifyError)
      const [api, web] = error!.message.split('\n')
      expect(api).toMatch(
        new RegExp(
          `^workload Deployment/api-backend is Degraded: Init:ImagePullBackOff for image ${escape(API)} \\(init container db-migrate, pod api-backend-\\w+-\\w+, 17,163 back-offs\\); kubelet: Failed to pull image "${escape(API)}": .*: not found$`
        )
      )
      expect(web).toMatch(
        new RegExp(
          `^workload Deployment/web-frontend is Degraded: ImagePullBackOff for image ${escape(WEB)} \\(container web-frontend, pod web-frontend-\\w+-\\w+, 12 back-offs\\); kubelet: Failed to pull image .*401 Unauthorized; Unable to retrieve some image pull secrets \\(acr-pull\\)`
        )
      )
      expect(error!.hint).toContain("Argo CD's Degraded is accurate")
      expect(argo.reads(name)).toBe(DEFINITE_AFTER_POLLS)
      // Events are read per pod (Argo CD lists a pod's events only when asked by name and uid),
      // and only for pods that are not Healthy.
      const eventReads = argo.requests.filter(
        r => r.application === `argocd/${name}` && r.endpoint === 'events'
      )
      expect(eventReads.length).toBe(2 * DEFINITE_AFTER_POLLS)
      expect(
        eventReads.every(r => /resourceName=.*&resourceNamespace=default&resourceUID=/.test(r.path))
      ).toBe(true)
    })

    it('reports ImagePullBackOff in the progress lines while the app is not yet at the commit', async () => {
      const name = app(argo, [{ ...degraded(), revision: PREVIOUS }])
      const { error, lines } = await verify(argo, name, { timeoutSeconds: 0.2 })
      // Not definite: the promotion commit may bring the fix.
      expect(error?.message).toMatch(/^Argo CD is at revision \w{7}, not the promotion commit/)
      expect(lines.find(l => l.startsWith('argocd: '))).toContain(
        `; Deployment/api-backend: Init:ImagePullBackOff for ${API}; Deployment/web-frontend: ImagePullBackOff for ${WEB}`
      )
    })
  })

  it.each([
    {
      case: 'synced to an older revision',
      states: [state({ revision: PREVIOUS, workloads: [notificationService([OLD_REF])] })],
      app: {},
      message: `Argo CD is at revision ${short(PREVIOUS)}, not the promotion commit ${short(PROMOTION)}. Gave up after 0.3 s; last seen: Synced / Healthy at ${short(PREVIOUS)}.`,
      hint: 'The application tracks https://git.example.com/acme/config.git path apps/api/overlays/prod at targetRevision main: check that its targetRevision tracks the branch promoted into'
    },
    {
      case: 'OutOfSync without automated sync',
      states: [state({ sync: 'OutOfSync', workloads: [notificationService([OLD_REF])] })],
      app: { automated: false },
      message: `Argo CD application {app} is OutOfSync at the promotion commit ${short(PROMOTION)}: automated sync is off for this application, so nothing syncs it. Gave up after 0.3 s; last seen: OutOfSync / Healthy at ${short(PROMOTION)}.`,
      hint: 'Sync it (argocd app sync {app}) or enable spec.syncPolicy.automated'
    },
    {
      case: 'OutOfSync with a comparison error',
      states: [
        state({
          sync: 'Unknown',
          conditions: [
            {
              type: 'ComparisonError',
              message:
                'Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = `kustomize build` failed exit status 1: Error: accumulating resources'
            }
          ]
        })
      ],
      app: {},
      message: `Argo CD application {app} has sync status Unknown at the promotion commit ${short(PROMOTION)}: no sync has finished yet; ComparisonError: Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = \`kustomize build\` failed exit status 1: Error: accumulating resources. Gave up after 0.3 s; last seen: Unknown / Healthy at ${short(PROMOTION)}.`,
      hint: 'argocd app diff {app}'
    },
    {
      case: 'a rollout that does not finish',
      states: [
        state({
          health: 'Progressing',
          workloads: [
            notificationService([NEW_REF, OLD_REF], {
              health: 'Progressing',
              healthMessage:
                'Waiting for rollout to finish: 1 of 2 updated replicas are available...'
            })
          ]
        })
      ],
      app: {},
      message: `Argo CD application {app} is Synced at the promotion commit ${short(PROMOTION)} but Progressing: Deployment/notification-service Progressing (Waiting for rollout to finish: 1 of 2 updated replicas are available...). Gave up after 0.3 s; last seen: Synced / Progressing at ${short(PROMOTION)}.`,
      hint: 'not Healthy'
    }
  ])('times out with the last state: $case', async ({ states, app: extra, message, hint }) => {
    const name = app(argo, states, extra)
    const { error, ms } = await verify(argo, name, { timeoutSeconds: 0.3 })
    expect(error).toBeInstanceOf(VerifyError)
    expect(error?.message).toBe(message.replaceAll('{app}', name))
    expect(error?.hint).toContain(hint.replaceAll('{app}', name))
    expect(ms).toBeGreaterThanOrEqual(300)
    // Another revision: the refresh is asked for again, but not on every poll.
    const refreshes = argo.requests.filter(r => r.application === `argocd/${name}` && r.refresh)
    expect(refreshes).toHaveLength(1)
  })

  it('fails fast on a failed sync of the promotion commit', async () => {
    const name = app(argo, [
      state({
        sync: 'OutOfSync',
        operation: {
          phase: 'Failed',
          message:
            'one or more objects failed to apply, reason: Deployment.apps "notification-service" is invalid: spec.template.spec.containers[0].image: Required value'
        },
        conditions: [
          {
            type: 'SyncError',
            message: 'Failed sync attempt to ' + PROMOTION + ': one or more objects failed to apply'
          }
        ],
        workloads: [notificationService([OLD_REF])]
      })
    ])
    const { error } = await verify(argo, name, { timeoutSeconds: 30 })
    expect(error?.message).toBe(
      `Argo CD application ${name} is OutOfSync: the sync to the promotion commit ${short(PROMOTION)} failed: one or more objects failed to apply, reason: Deployment.apps "notification-service" is invalid: spec.template.spec.containers[0].image: Required value; SyncError: Failed sync attempt to ${PROMOTION}: one or more objects failed to apply.`
    )
    expect(argo.reads(name)).toBe(DEFINITE_AFTER_POLLS)
  })

  it.each([
    { case: 'the full sha', revision: PROMOTION },
    { case: 'a 7-character prefix', revision: short(PROMOTION) },
    { case: 'an upper-case prefix', revision: PROMOTION.slice(0, 12).toUpperCase() }
  ])('multi-source application: matches $case among sync.revisions', async ({ revision }) => {
    const name = app(
      argo,
      [
        state({
          revision: undefined,
          revisions: ['4.2.0', PREVIOUS],
          workloads: [notificationService([OLD_REF])]
        }),
        state({ revision: undefined, revisions: ['4.2.0', PROMOTION] })
      ],
      {
        sources: [
          {
            repoURL: 'https://charts.corp.io',
            chart: 'notification-service',
            targetRevision: '4.2.0'
          },
          { repoURL: 'https://git.example.com/acme/config.git', targetRevision: 'main' }
        ]
      }
    )
    const { result, lines } = await verify(argo, name, { revision })
    expect(result).toMatchObject({ ok: true, revision: PROMOTION })
    const shown = revision.length >= 40 ? short(revision) : revision.toLowerCase()
    expect(seconds(lines.find(l => l.startsWith('argocd: ')) ?? '')).toBe(
      `argocd: Synced / Healthy at 4.2.0,${short(PREVIOUS)}, waiting for ${shown} (0 s)`
    )
  })

  it('reads an application in another namespace with appNamespace', async () => {
    const name = app(argo, [state({})], { namespace: 'team-a' })
    const { result } = await verify(argo, `team-a/${name}`)
    expect(result).toMatchObject({ ok: true })
    const paths = argo.requests.filter(r => r.application === `team-a/${name}`).map(r => r.path)
    expect(paths[0]).toBe(`/api/v1/applications/${name}?refresh=normal&appNamespace=team-a`)
    expect(paths[1]).toBe(`/api/v1/applications/${name}/resource-tree?appNamespace=team-a`)
  })

  describe('authentication and lookup', () => {
    it.each([
      {
        case: 'no token',
        token: () => undefined,
        message:
          'No Argo CD token was given, and Argo CD requires one (HTTP 401: no session information).'
      },
      {
        case: 'a malformed token',
        token: () => 'not-a-jwt-secret-value',
        message:
          'Argo CD rejected the token (HTTP 401: invalid session: token is malformed): it is malformed, expired or revoked.'
      },
      {
        case: "an account without 'applications, get'",
        token: (argo: FakeArgoCD) => argo.deniedToken,
        message:
          "Argo CD denied access to application {app} (HTTP 403: permission denied): either no application {app} exists in Argo CD's namespace, or the token's account may not read it."
      }
    ])('$case: fails at once with the token problem', async ({ token, message }) => {
      const name = app(argo, [state({})])
      const { error, lines } = await verify(argo, name, { token: token(argo), timeoutSeconds: 30 })
      expect(error).toBeInstanceOf(VerifyError)
      expect(error?.message).toBe(message.replaceAll('{app}', name))
      expect(error?.hint).toContain('argocd account generate-token')
      expect(error?.hint).toContain('`applications, get`')
      expect(argo.requests.filter(r => r.application === `argocd/${name}`)).toHaveLength(1)
      expect([...lines, error!.message, error!.hint ?? ''].join('\n')).not.toContain(
        'not-a-jwt-secret-value'
      )
    })

    it('an application that does not exist: 403 from Argo CD ≥ 2.3.4, which hides names', async () => {
      const { error } = await verify(argo, 'no-such-app')
      expect(error?.message).toContain('either no application no-such-app exists')
      expect(error?.hint).toContain('argocd app list')
    })

    it('an application that does not exist: 404 from older Argo CD', async () => {
      const legacy = await startArgoCD({ legacyNotFound: true })
      try {
        const { error } = await verify(legacy, 'no-such-app')
        expect(error?.message).toBe(
          'Argo CD has no application no-such-app (HTTP 404: applications.argoproj.io "no-such-app" not found).'
        )
        expect(error?.hint).toContain('NAMESPACE/NAME')
      } finally {
        await legacy.stop()
      }
    })

    it('a server that is not Argo CD (a path that serves the UI)', async () => {
      const name = app(argo, [state({})])
      const { error } = await verify(argo, name, { server: `${argo.url}/not-argocd` })
      expect(error?.message).toMatch(
        /answered GET \/api\/v1\/applications\/.* with text\/html that is not Argo CD's JSON/
      )
    })

    it('a server nobody answers fails at once, not after the timeout', async () => {
      const port = await closedPort()
      const { error, ms } = await verify(argo, 'anything', {
        server: `http://127.0.0.1:${port}`,
        timeoutSeconds: 60
      })
      expect(error).toBeInstanceOf(VerifyError)
      expect(error?.message).toMatch(
        new RegExp(`^Argo CD at http://127\\.0\\.0\\.1:${port} did not answer GET .*ECONNREFUSED`)
      )
      expect(ms).toBeLessThan(scaled(5000))
    })
  })

  it('retries 5xx, polls on through an outage, and never logs the token', async () => {
    const name = app(argo, [
      state({ sync: 'OutOfSync', revision: PREVIOUS }),
      state({ sync: 'OutOfSync', revision: PREVIOUS }),
      state({})
    ])
    let faults = 0
    argo.inject(req => {
      // The first read fails twice (retried within the poll); the second poll's tree read fails
      // on every attempt (a poll lost to an outage). Bodies echo the token, as a careless proxy might.
      if (req.endpoint === 'application' && faults < 2) {
        faults++
        return {
          status: 502,
          body: JSON.stringify({
            error: `upstream rejected Bearer ${argo.token}`,
            code: 14,
            message: `upstream rejected Bearer ${argo.token}`
          })
        }
      }
      if (req.endpoint === 'resource-tree' && argo.reads(name) === 2) {
        return {
          status: 503,
          body: '<html>503 Service Unavailable</html>',
          headers: { 'content-type': 'text/html' }
        }
      }
      return undefined
    })
    try {
      const { result, lines } = await verify(argo, name)
      expect(result).toMatchObject({ ok: true, revision: PROMOTION })
      expect(lines.join('\n')).not.toContain(argo.token)
      expect(lines.some(l => l.includes('upstream rejected Bearer ***'))).toBe(true)
      expect(lines.some(l => l.startsWith('debug: argocd: no resource tree this poll'))).toBe(true)
    } finally {
      argo.inject(undefined)
    }
  })

  it('an outage at the deadline is named in the timeout', async () => {
    const name = app(argo, [state({ sync: 'OutOfSync', revision: PREVIOUS })])
    argo.inject(req =>
      req.endpoint === 'application' && argo.reads(name) >= 1
        ? { status: 503, body: '' }
        : undefined
    )
    try {
      const { error } = await verify(argo, name, { timeoutSeconds: 0.3 })
      expect(error?.message).toMatch(
        new RegExp(
          `did not answer GET /api/v1/applications/${name}: HTTP 503\\. Before that: Argo CD is at revision ${short(PREVIOUS)}, not the promotion commit ${short(PROMOTION)}\\. Gave up after 0\\.3 s`
        )
      )
    } finally {
      argo.inject(undefined)
    }
  })

  it.each([
    {
      case: 'plain http to a remote host',
      request: { server: 'http://argocd.example.com' },
      says: 'clear text'
    },
    {
      case: 'a server with credentials',
      request: { server: 'https://admin:pw@argocd.example.com' },
      says: 'must not carry credentials'
    },
    { case: 'a short revision', request: { revision: 'abc12' }, says: 'at least 7 hex digits' },
    { case: 'a branch as revision', request: { revision: 'main' }, says: 'at least 7 hex digits' },
    {
      case: 'an application path',
      request: { application: 'a/b/c' },
      says: 'not an Argo CD application name'
    },
    {
      case: 'an upper-case application',
      request: { application: 'API' },
      says: 'not an Argo CD application name'
    },
    {
      case: 'an invalid image',
      request: { images: ['Registry/App:v1'] },
      says: 'Image to verify:'
    },
    { case: 'a zero timeout', request: { timeoutSeconds: 0 }, says: 'timeout must be' }
  ])('refuses $case before any request', async ({ request, says }) => {
    const before = argo.requests.length
    const { error } = await verify(argo, 'whatever', request)
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain(says)
    expect(argo.requests.length).toBe(before)
  })
})

describe('imageMatches', () => {
  it.each([
    { wanted: NEW_REF, running: NEW_REF, matches: true },
    { wanted: NEW_REF, running: `${REPO}@${NEW}`, matches: true },
    { wanted: NEW_REF, running: `${REPO}:v2.4.0@${NEW}`, matches: true },
    { wanted: NEW_REF, running: `${REPO}:v2.5.0`, matches: false },
    { wanted: NEW_REF, running: OLD_REF, matches: false },
    { wanted: `nginx:1.27@${NEW}`, running: `docker.io/library/nginx@${NEW}`, matches: true },
    { wanted: `index.docker.io/library/nginx:1.27`, running: 'nginx:1.27', matches: true },
    { wanted: 'nginx', running: 'nginx:latest', matches: true },
    { wanted: 'nginx:1.27', running: `nginx@${NEW}`, matches: false },
    { wanted: `${REPO}:v2.5.0`, running: `${REPO}:v2.5.0@${NEW}`, matches: true },
    { wanted: NEW_REF, running: `other.io/notification-service@${NEW}`, matches: false },
    { wanted: NEW_REF, running: 'NOT A REFERENCE', matches: false }
  ])('$wanted vs $running → $matches', ({ wanted, running, matches }) => {
    expect(imageMatches(wantedImage(wanted), running)).toBe(matches)
  })
})

describe('promote-image verify (CLI, in-process)', () => {
  let argo: FakeArgoCD
  beforeAll(async () => {
    argo = await startArgoCD()
  })
  afterAll(() => argo.stop())

  /** Runs the command with main's exit code mapping: 2 usage error, 1 any other refusal. */
  async function cli(args: string[], env: NodeJS.ProcessEnv = { ARGOCD_AUTH_TOKEN: argo.token }) {
    const out: string[] = []
    const err: string[] = []
    const context: CommandContext = {
      logger: {
        debug: m => err.push(`debug: ${m}`),
        info: m => err.push(m),
        warning: m => err.push(`warning: ${m}`)
      },
      stdout: text => out.push(text),
      readStdin: () => Promise.resolve(''),
      env
    }
    let code: number
    try {
      code = await verifyCommand(args, context)
    } catch (error) {
      if (!(error instanceof PromoteError)) throw error
      err.push(`promote-image: ${error.describe()}`)
      code = error instanceof InputError ? 2 : 1
    }
    return { code, stdout: out.join(''), stderr: err.join('\n') }
  }

  const flags = (name: string, ...more: string[]): string[] => [
    '--argocd-server',
    argo.url,
    '--application',
    name,
    '--revision',
    PROMOTION,
    '--image',
    NEW_REF,
    '--poll',
    String(POLL),
    '--timeout',
    '5',
    ...more
  ]

  it('exits 0 and prints what runs once verified', async () => {
    const name = app(argo, [state({ sync: 'OutOfSync', revision: PREVIOUS }), state({})])
    const ran = await cli(flags(name))
    expect(ran).toMatchObject({
      code: 0,
      stdout: `verified: ${name} is Synced and Healthy at ${PROMOTION}, running ${NEW_REF}\n`
    })
    expect(ran.stderr).toContain(
      `argocd: Synced / Healthy at ${short(PROMOTION)}, running ${NEW_REF}`
    )
    expect(ran.stderr).not.toContain(argo.token)
  })

  it('--json prints the result', async () => {
    const name = app(argo, [state({})])
    const ran = await cli(flags(name, '--json'))
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toEqual({
      ok: true,
      revision: PROMOTION,
      images: [NEW_REF],
      elapsedSeconds: expect.any(Number)
    })
  })

  it('takes the server from ARGOCD_SERVER, as the argocd CLI does', async () => {
    const name = app(argo, [state({})])
    const args = flags(name).slice(2)
    const ran = await cli(args, { ARGOCD_AUTH_TOKEN: argo.token, ARGOCD_SERVER: argo.url })
    expect(ran.code).toBe(0)
  })

  it('exits 1 with the incident 1 explanation, without the token anywhere', async () => {
    const name = app(argo, [state({ workloads: [notificationService([OLD_REF])] })])
    const ran = await cli(flags(name, '-v'))
    expect(ran.code).toBe(1)
    expect(ran.stdout).toBe('')
    expect(ran.stderr).toContain(
      `promote-image: Argo CD reports Synced and Healthy at the promotion commit ${short(PROMOTION)}, but the pods still run ${REPO}@${OLD} while ${NEW} was promoted (Deployment/notification-service carries the old image).\n  → "Synced, 0 updated"`
    )
    expect(ran.stderr).toContain('debug: argocd: GET /api/v1/applications/')
    expect(ran.stderr).not.toContain(argo.token)
  })

  it('exits 1 on a rejected token, and warns when none is set', async () => {
    const name = app(argo, [state({})])
    const ran = await cli(flags(name), {})
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain('warning: ARGOCD_AUTH_TOKEN is not set')
    expect(ran.stderr).toContain('No Argo CD token was given')
  })

  it.each([
    {
      case: 'no --application',
      args: ['--argocd-server', 'https://argocd.example.com'],
      says: 'no --application'
    },
    {
      case: 'no server',
      args: ['--application', 'api'],
      says: 'no --argocd-server given (nor ARGOCD_SERVER)'
    },
    {
      case: 'a token flag',
      args: ['--application', 'api', '--auth-token=s3cr3t'],
      says: '--auth-token is not a flag; tokens never are'
    },
    {
      case: 'an --argocd-token flag',
      args: ['--argocd-token', 's3cr3t'],
      says: '--argocd-token is not a flag'
    },
    { case: 'an unknown flag', args: ['--app', 'api'], says: "Unknown option '--app'" },
    { case: 'a positional', args: ['api'], says: 'unexpected argument "api"' },
    {
      case: 'a bad timeout',
      args: [
        '--argocd-server',
        'https://a.example.com',
        '--application',
        'api',
        '--timeout',
        '10m'
      ],
      says: '--timeout must be a number of seconds above 0; got "10m"'
    }
  ])('exits 2 on a usage error: $case', async ({ args, says }) => {
    const ran = await cli(args)
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain(says)
    expect(ran.stderr).not.toContain('s3cr3t')
  })

  it('--help prints the usage', async () => {
    const ran = await cli(['--help'])
    expect(ran).toEqual({ code: 0, stdout: VERIFY_USAGE, stderr: '' })
    expect(VERIFY_USAGE).toContain('ARGOCD_AUTH_TOKEN')
  })
})

/**
 * --timeout bounds every request: each one's deadline (headers and body) is the smaller of its
 * own (30 s by default) and what is left of the overall timeout, and no retry starts past it. A
 * server that drips its answer a byte at a time once kept `verify --timeout 20` busy for 112 s
 * (a 30 s refresh, then three 30 s reads); scaled down here to a 1.5 s timeout.
 */
describe('verify against a server that drips its answer', () => {
  const TIMEOUT_SECONDS = 1.5
  /** Slack for a loaded machine (2 cores shared). */
  const SLACK_MS = scaled(2000)
  const drips: DripServer[] = []
  afterAll(() => Promise.all(drips.map(d => d.close())))

  const dripping = async (mode: 'headers' | 'body'): Promise<DripServer> => {
    const drip = await startDripServer(mode, 100)
    drips.push(drip)
    return drip
  }
  const hostPattern = (drip: DripServer) => drip.host.replace(/\./g, '\\.')

  it.each(['headers', 'body'] as const)(
    'dripping %s: verifyDeployment gives up at the timeout, naming the host and the deadline',
    async mode => {
      const drip = await dripping(mode)
      const { logger } = capture()
      const started = Date.now()
      let error: unknown
      try {
        await verifyDeployment(
          {
            server: drip.url,
            token: 't0ken',
            application: 'api',
            revision: PROMOTION,
            timeoutSeconds: TIMEOUT_SECONDS,
            pollSeconds: POLL
          },
          logger,
          // The default per-request limit and retries: only the overall timeout can cap them.
          { retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 }, requestTimeoutMs: 30_000 }
        )
      } catch (caught) {
        error = caught
      }
      const elapsed = Date.now() - started
      expect(error).toBeInstanceOf(VerifyError)
      expect((error as Error).message).toMatch(
        new RegExp(
          `^Argo CD at http://${hostPattern(drip)} did not answer GET /api/v1/applications/api\\?refresh=normal: no answer within 1\\.5 s from ${hostPattern(drip)} \\(headers and body\\)\\.$`
        )
      )
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 50)
      expect(elapsed).toBeLessThan(TIMEOUT_SECONDS * 1000 + SLACK_MS)
      expect(drip.requests()).toBe(1)
    }
  )

  it('the CLI with its defaults: verify --timeout ends within a few seconds of it, exit 1', async () => {
    const drip = await dripping('headers')
    const err: string[] = []
    const context: CommandContext = {
      logger: { debug: () => {}, info: m => err.push(m), warning: m => err.push(m) },
      stdout: () => {},
      readStdin: () => Promise.resolve(''),
      env: { ARGOCD_AUTH_TOKEN: 't0ken' }
    }
    const started = Date.now()
    const run = verifyCommand(
      [
        '--argocd-server',
        drip.url,
        '--application',
        'api',
        '--revision',
        PROMOTION,
        '--timeout',
        String(TIMEOUT_SECONDS)
      ],
      context
    )
    await expect(run).rejects.toThrow(
      new RegExp(`no answer within 1\\.5 s from ${hostPattern(drip)} \\(headers and body\\)`)
    )
    expect(Date.now() - started).toBeLessThan(TIMEOUT_SECONDS * 1000 + SLACK_MS)
    expect(err.join('\n')).not.toContain('t0ken')
  })
})

/** Progress lines with their elapsed seconds zeroed. */
function seconds(line: string): string {
  return line.replace(/\(\d+ s\)/, '(0 s)')
}

/** A loopback port nobody listens on: one the kernel just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
