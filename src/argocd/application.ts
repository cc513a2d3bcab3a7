/**
 * What the Application resource itself says (revisions, the last sync
 * operation, conditions, sync policy, sources), read defensively: any field
 * may be absent while Argo CD has not reconciled the application yet.
 */
import type { Application, ApplicationSource, OperationState } from './api.js'

/** Whether an observed revision is the promotion commit (a prefix of it, case-insensitively). */
export function isRevision(observed: string, wanted: string): boolean {
  return observed.length >= wanted.length && observed.toLowerCase().startsWith(wanted)
}

/** status.sync.revision, or .revisions of a multi-source application; each once. */
export function observedRevisions(app: Application): string[] {
  const sync = app.status?.sync
  const all = [sync?.revision, ...(sync?.revisions ?? [])]
  return [...new Set(all.filter((r): r is string => typeof r === 'string' && r !== ''))]
}

/** The revisions the last sync operation applied. */
export function operationRevisions(op: OperationState): string[] {
  const result = op.syncResult
  return [result?.revision, ...(result?.revisions ?? [])].filter(
    (r): r is string => typeof r === 'string' && r !== ''
  )
}

/** `; ComparisonError: …` for the error and warning conditions, or ''. */
export function conditionText(app: Application): string {
  const shown = (app.status?.conditions ?? [])
    .filter(c => c.type && /Error|Warning/.test(c.type) && c.message)
    .map(c => `${c.type}: ${clip(c.message!, 300)}`)
  return shown.length > 0 ? `; ${shown.join('; ')}` : ''
}

export function automatedSync(app: Application): boolean {
  const automated = app.spec?.syncPolicy?.automated
  return automated != null && automated.enabled !== false
}

/** "https://git.example/config.git path apps/api/overlays/prod at main" */
export function trackedSources(app: Application): string {
  const sources: ApplicationSource[] = app.spec?.sources
    ? [...app.spec.sources]
    : app.spec?.source
      ? [app.spec.source]
      : []
  return sources
    .filter(s => s.repoURL)
    .map(
      s =>
        `${s.repoURL}${s.path ? ` path ${s.path}` : ''}${s.chart ? ` chart ${s.chart}` : ''} at targetRevision ${s.targetRevision || 'HEAD'}`
    )
    .join(', ')
}

export function shownRevisions(revisions: readonly string[]): string {
  return revisions.length > 0 ? revisions.map(short).join(',') : 'no revision'
}

/** A commit sha as git abbreviates it; other revisions (branches, chart versions) whole. */
export function short(revision: string): string {
  return /^[0-9a-f]{40,64}$/i.test(revision) ? revision.slice(0, 7) : revision
}

/** Argo CD's or kubelet's words on one line, at most `max` characters. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
