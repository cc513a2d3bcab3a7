/**
 * "What changes in the cluster": a unified diff of what the render proof rendered before and
 * after the edit, per target, and the changed lines that are not image fields (called out at the
 * top of the body, since a plain image bump changes only those). Pure: text in, text out.
 */
import { structuredPatch } from 'diff'
import type { RenderReport } from '../model.js'

export interface RenderedDiff {
  /** Diff lines (`--- a/…`, `@@ …`, `+…`, `-…`, ` …`) of every target that renders a change. */
  readonly lines: readonly string[]
  /** Changed lines (with their target) that are not a container's `image:` field. */
  readonly beyondImages: ReadonlyArray<{ readonly target: string; readonly line: string }>
}

/** Past this many changed lines, the diff is not computed (Myers' cost grows with it). */
const MAX_EDIT_LENGTH = 2000

/** A container's image field as renderers print it: `image: ref`, `- image: ref`, quoted or not. */
const IMAGE_LINE = /^\s*(?:-\s+)?["']?image["']?\s*:\s*\S/

/** The rendered diff of every report that carries its render, once per target. */
export function renderedDiff(renders: readonly RenderReport[]): RenderedDiff {
  const lines: string[] = []
  const beyondImages: Array<{ target: string; line: string }> = []
  const seen = new Set<string>()
  for (const report of renders) {
    if (!report.rendered || seen.has(report.target)) continue
    seen.add(report.target)
    const { before, after } = report.rendered
    if (before === after) continue
    // Bounded work: a render changed in thousands of places is named, not diffed line by line.
    const patch = structuredPatch(report.target, report.target, before, after, '', '', {
      context: 3,
      maxEditLength: MAX_EDIT_LENGTH
    })
    if (!patch) {
      lines.push(`--- a/${report.target} (before)`, `+++ b/${report.target} (after)`)
      const note = `more than ${MAX_EDIT_LENGTH} rendered lines change: too many to show here`
      lines.push(`@@ ${note} @@`)
      beyondImages.push({ target: report.target, line: note })
      continue
    }
    if (patch.hunks.length === 0) continue
    lines.push(`--- a/${report.target} (before)`, `+++ b/${report.target} (after)`)
    for (const hunk of patch.hunks) {
      lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`)
      for (const line of hunk.lines) {
        lines.push(line)
        if ((line.startsWith('+') || line.startsWith('-')) && !IMAGE_LINE.test(line.slice(1)))
          beyondImages.push({ target: report.target, line })
      }
    }
  }
  return { lines, beyondImages }
}
