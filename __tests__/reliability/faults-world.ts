/**
 * The world the fault table runs in: one real token-auth registry behind its fault-injecting
 * proxy with one image repository per row, and one GitHub in a box per row (GraphQL requests do
 * not name their repository in the URL, so a shared box could not tell rows apart), so rows run
 * concurrently without seeing each other's faults. Fault plans (a fault on the first N matching
 * requests, or on all of them) are closures with counters plugged into the support injectors; on
 * the shared registry one dispatcher routes them by repository.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGitHubBox, type GitHubBox, type RequestKind } from '../support/github.js'
import {
  pushImage,
  startRegistry,
  type Fault,
  type PushedImage,
  type RegistryInstance
} from '../support/registry.js'
import { parseOutputs, runNode, type Ran } from '../support/run.js'

export const OWNER = 'acme'
export const OLD_TAG = 'v0.9.0'
export const NEW_TAG = 'v1.0.0'

/** What a fault plan sees of a request, on either server. */
export interface Seen {
  readonly method: string
  readonly path: string
  /** Registry: 'registry' | 'token'; box: 'api' | 'git' | 'graphql'. */
  readonly kind: string
  readonly at: number
  /** Answered with the fault (else passed through). */
  readonly faulted: boolean
}

export type Match = (req: { method: string; path: string; kind: string }) => boolean

/** A fault for the first `times` requests that match (all of them by default). */
export interface Plan {
  readonly match: Match
  readonly fault: Fault
  readonly times?: number
}

/** Applies a row's plans in order: the first plan that matches and has faults left answers. */
export class Tap {
  /** Every request of the row that matched any plan, in arrival order. */
  readonly seen: Seen[] = []
  private readonly left: number[]

  constructor(private readonly plans: readonly Plan[]) {
    this.left = plans.map(p => p.times ?? Infinity)
  }

  answer(req: { method: string; path: string; kind: string }): Fault | 'pass' {
    let verdict: Fault | 'pass' = 'pass'
    let matched = false
    this.plans.forEach((plan, i) => {
      if (!plan.match(req)) return
      matched = true
      if (verdict === 'pass' && this.left[i]! > 0) {
        this.left[i]!--
        verdict = plan.fault
      }
    })
    if (matched) this.seen.push({ ...req, at: Date.now(), faulted: verdict !== 'pass' })
    return verdict
  }

  get faulted(): Seen[] {
    return this.seen.filter(s => s.faulted)
  }
}

/** A row's own slice of the world. */
export interface Slot {
  readonly slug: string
  /** The row's own GitHub in a box. */
  readonly box: GitHubBox
  readonly fullName: string
  readonly image: string
  readonly pushed: PushedImage
  readonly overlay: (env: string) => string
}

export interface ActionRun extends Ran {
  readonly outputs: Record<string, string>
  readonly ms: number
  /** The ::error:: annotations, decoded. */
  readonly errors: string[]
}

export const promotionYaml = `environments:
  dev:
    mode: push
    targets:
      - kustomize: apps/{name}/overlays/dev
  prod:
    targets:
      - kustomize: apps/{name}/overlays/prod
`

export function overlayText(registry: string, name: string, sidecarTag = '1.0.0'): string {
  return `resources:
  - ../../base
images:
  - name: ${name}
    newName: ${registry}/team/${name}
    newTag: ${OLD_TAG}
  - name: sidecar
    newName: ${registry}/team/sidecar
    newTag: ${sidecarTag}
`
}

/** The workload the overlays' images: entries reach: kustomize applies them by these names. */
function baseDeployment(name: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${name}:latest
        - name: sidecar
          image: sidecar:latest
`
}

export class World {
  private readonly registryTaps = new Map<string, Tap>()
  private readonly boxes: GitHubBox[] = []

  private constructor(
    readonly reg: RegistryInstance,
    readonly work: string
  ) {
    reg.inject(req => {
      const slug = /team\/([a-z0-9-]+)/.exec(decodeURIComponent(req.path))?.[1]
      const tap = slug ? this.registryTaps.get(slug) : undefined
      return tap ? tap.answer({ method: req.method, path: req.path, kind: req.server }) : 'pass'
    })
  }

  static async start(): Promise<World> {
    const reg = await startRegistry({ auth: 'token' })
    return new World(reg, await mkdtemp(join(tmpdir(), 'promote-image-faults-')))
  }

  async stop(): Promise<void> {
    await Promise.all(this.boxes.map(box => box.stop()))
    await this.reg.stop()
    await rm(this.work, { recursive: true, force: true })
  }

  /** A config repo acme/<slug> and an image <registry>/team/<slug>:v1.0.0 of its own. */
  async slot(slug: string): Promise<Slot> {
    const pushed = await pushImage(this.reg, `team/${slug}`, NEW_TAG, { seed: slug })
    const box = await startGitHubBox()
    this.boxes.push(box)
    const fullName = `${OWNER}/${slug}`
    const overlay = (env: string) => `apps/${slug}/overlays/${env}/kustomization.yaml`
    await box.createRepo(fullName, {
      'promotion.yaml': promotionYaml,
      'README.md': 'config\n',
      [`apps/${slug}/base/kustomization.yaml`]: 'resources:\n  - deployment.yaml\n',
      [`apps/${slug}/base/deployment.yaml`]: baseDeployment(slug),
      [overlay('dev')]: overlayText(this.reg.host, slug),
      [overlay('prod')]: overlayText(this.reg.host, slug)
    })
    return {
      slug,
      box,
      fullName,
      image: `${this.reg.host}/team/${slug}:${NEW_TAG}`,
      pushed,
      overlay
    }
  }

  tapRegistry(slug: string, plans: readonly Plan[]): Tap {
    const tap = new Tap(plans)
    this.registryTaps.set(slug, tap)
    return tap
  }

  /** Faults on the row's box: REST, GraphQL and git smart HTTP alike. */
  tapBox(slot: Slot, plans: readonly Plan[]): Tap {
    const tap = new Tap(plans)
    slot.box.inject(req => tap.answer(req))
    return tap
  }

  /** Every ref of the repo with its sha: the whole visible state. */
  async refs(slot: Slot): Promise<string> {
    return slot.box.git(slot.fullName, ['for-each-ref', '--format=%(refname) %(objectname)'])
  }

  /** Registry and token requests for this row's image repository. */
  registryRequests(slug: string) {
    return this.reg.requests.entries.filter(r =>
      decodeURIComponent(r.path).includes(`team/${slug}`)
    )
  }

  /** `node dist/index.js` with INPUT_* variables, as the runner starts it. */
  async action(
    slot: Slot,
    inputs: Record<string, string>,
    options: { timeout?: number } = {}
  ): Promise<ActionRun> {
    const outputFile = join(this.work, `out-${slot.slug}-${Date.now()}`)
    await writeFile(outputFile, '')
    const env: NodeJS.ProcessEnv = {
      HOME: this.work,
      GITHUB_OUTPUT: outputFile,
      GITHUB_API_URL: slot.box.apiUrl,
      GITHUB_SERVER_URL: slot.box.url,
      GITHUB_GRAPHQL_URL: slot.box.graphqlUrl,
      GITHUB_REPOSITORY: `${OWNER}/app`,
      GITHUB_SHA: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
      GITHUB_RUN_ID: '7',
      INPUT_TOKEN: slot.box.token,
      INPUT_IMAGE: slot.image,
      'INPUT_CONFIG-REPOSITORY': slot.fullName,
      'INPUT_CONFIG-FILE': 'promotion.yaml',
      'INPUT_WRITE-METHOD': 'api',
      'INPUT_VERIFY-RENDER': 'false',
      INPUT_PIN: 'digest',
      INPUT_BRANCH: 'promote/{environment}/{name}'
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    const started = Date.now()
    const ran = await runNode('dist/index.js', [], env, { timeout: options.timeout })
    const ms = Date.now() - started
    const outputs = parseOutputs(await readFile(outputFile, 'utf8'))
    return { ...ran, outputs, ms, errors: annotations(ran.stdout) }
  }

  /** `node dist/cli.js promote` over git against the box. */
  async cli(
    slot: Slot,
    args: readonly string[],
    options: { timeout?: number } = {}
  ): Promise<ActionRun> {
    const started = Date.now()
    const ran = await runNode(
      'dist/cli.js',
      [
        'promote',
        '--config-repo',
        `${slot.box.url}/${slot.fullName}.git`,
        '--image',
        slot.image,
        '--verify-render',
        'false',
        '--json',
        ...args
      ],
      { HOME: this.work, GITHUB_TOKEN: slot.box.token },
      { timeout: options.timeout }
    )
    const ms = Date.now() - started
    let outputs: Record<string, string> = {}
    try {
      outputs = Object.fromEntries(
        Object.entries(JSON.parse(ran.stdout) as Record<string, unknown>).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : JSON.stringify(v)
        ])
      )
    } catch {
      // a failed run prints nothing on stdout
    }
    const errors = ran.stderr
      .split('\n')
      .map((line, i, lines) =>
        line.startsWith('promote-image: ') ? [line, lines[i + 1] ?? ''].join('\n') : ''
      )
      .filter(Boolean)
    return { ...ran, outputs, ms, errors }
  }
}

/** `::error::…` lines of the workflow-command protocol, unescaped. */
function annotations(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(line => line.startsWith('::error'))
    .map(line =>
      line
        .slice(line.indexOf('::', 2) + 2)
        .replace(/%0A/g, '\n')
        .replace(/%0D/g, '\r')
        .replace(/%25/g, '%')
    )
}

/** Request predicates, by server and endpoint. */
export const on = {
  manifest:
    (method?: 'HEAD' | 'GET'): Match =>
    r =>
      r.kind === 'registry' && r.path.includes('/manifests/') && (!method || r.method === method),
  token: (): Match => r => r.kind === 'token',
  api:
    (method: string, endpoint: RegExp): Match =>
    r =>
      r.kind === 'api' &&
      r.method === method &&
      endpoint.test(
        decodeURIComponent(r.path.split('?')[0]!).replace(/^\/api\/v3\/repos\/[^/]+\/[^/]+/, '')
      ),
  graphql: (): Match => r => r.kind === 'graphql' && r.method === 'POST',
  git:
    (service: 'git-upload-pack' | 'git-receive-pack', request: 'advertise' | 'rpc'): Match =>
    r =>
      r.kind === 'git' &&
      (request === 'advertise'
        ? r.method === 'GET' && r.path.includes(`/info/refs?service=${service}`)
        : r.method === 'POST' && r.path.endsWith(`/${service}`))
}

export type { Fault, RequestKind }
