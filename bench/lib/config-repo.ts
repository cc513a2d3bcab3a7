/**
 * Generated GitOps config repositories of a given size: per app a base
 * (Deployment + kustomization) and dev/staging/prod overlays that still say
 * `newTag: latest`, a promotion.yaml, and filler documents up to the exact
 * file count — the layout a platform team's monorepo has, at any scale.
 */
import { createHash } from 'node:crypto'

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const

const FILES_PER_APP = 5

/** App names in a repo of `files` files: app-0001 … (at least one). */
export function appNames(files: number): string[] {
  const count = Math.max(1, Math.floor((files - 1) / FILES_PER_APP))
  return Array.from({ length: count }, (_, i) => `app-${String(i + 1).padStart(4, '0')}`)
}

/** Exactly `files` files (at least 1 + FILES_PER_APP). */
export function configRepoFiles(
  files: number,
  registry: string,
  mode: 'push' | 'pull-request' = 'push'
): Record<string, string> {
  const out: Record<string, string> = {
    'promotion.yaml':
      'environments:\n' +
      ENVIRONMENTS.map(
        env =>
          `  ${env}:\n    mode: ${mode}\n    targets:\n      - kustomize: apps/{name}/overlays/${env}\n`
      ).join('')
  }
  for (const app of appNames(files)) {
    out[`apps/${app}/base/kustomization.yaml`] = 'resources:\n  - deployment.yaml\n'
    out[`apps/${app}/base/deployment.yaml`] = deployment(app)
    for (const env of ENVIRONMENTS)
      out[`apps/${app}/overlays/${env}/kustomization.yaml`] = overlay(registry, app)
  }
  for (let i = 1; Object.keys(out).length < files; i++)
    out[`docs/note-${i}.md`] = `# Note ${i}\n\nRunbook text.\n`
  return out
}

/**
 * The history `commits` promotions leave behind: commit i pins a new tag and
 * digest into one overlay, spread over every app and environment.
 */
export function promotionHistory(
  files: number,
  registry: string
): (i: number) => Record<string, string> {
  const apps = appNames(files)
  return i => {
    const app = apps[(i * 7919) % apps.length]!
    const env = ENVIRONMENTS[i % ENVIRONMENTS.length]!
    const digest = `sha256:${createHash('sha256').update(String(i)).digest('hex')}`
    return {
      [`apps/${app}/overlays/${env}/kustomization.yaml`]: overlay(
        registry,
        app,
        `v0.${i}.0`,
        digest
      )
    }
  }
}

/** A Deployment the size real ones are (about 1.5 KB): probes, resources, security context. */
function deployment(app: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels:
    app.kubernetes.io/name: ${app}
    app.kubernetes.io/part-of: platform
spec:
  replicas: 2
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${app}
        app.kubernetes.io/part-of: platform
    spec:
      serviceAccountName: ${app}
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: app
          image: ${app}
          ports:
            - {name: http, containerPort: 8080}
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: OTEL_SERVICE_NAME, value: ${app}}
          readinessProbe:
            httpGet: {path: /healthz/ready, port: http}
            periodSeconds: 5
          livenessProbe:
            httpGet: {path: /healthz/live, port: http}
            initialDelaySeconds: 10
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
`
}

function overlay(registry: string, app: string, tag = 'latest', digest?: string): string {
  return `resources:
  - ../../base
images:
  - name: ${app}
    newName: ${registry}/team/${app}
    newTag: ${tag} # CI moves this
${digest ? `    digest: ${digest}\n` : ''}`
}
