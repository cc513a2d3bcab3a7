/**
 * The promotion-time chart as a standalone SVG: milliseconds against
 * config-repo size (log scale), one line per method. Hand-drawn because
 * three polylines do not justify a charting library in the dependencies.
 */
import type { Method, SizeResult } from './promotion-size.js'

const COLORS: Record<Method, string> = { api: '#1f883d', git: '#0969da', 'full clone': '#cf222e' }
const W = 640
const H = 360
const PAD = { left: 70, right: 130, top: 40, bottom: 50 }

export function chartSvg(results: readonly SizeResult[], methods: readonly Method[]): string {
  const xs = results.map(r => Math.log10(r.files))
  const maxMs = Math.max(...results.flatMap(r => methods.map(m => r.medians[m])))
  const top = niceCeiling(maxMs)
  const x = (v: number) =>
    PAD.left + ((v - xs[0]!) / (xs.at(-1)! - xs[0]! || 1)) * (W - PAD.left - PAD.right)
  const y = (ms: number) => H - PAD.bottom - (ms / top) * (H - PAD.top - PAD.bottom)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="-apple-system,Segoe UI,Helvetica,Arial,sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="22" font-size="14" font-weight="600">Promotion time against config-repo size (median)</text>`
  ]
  for (let i = 0; i <= 4; i++) {
    const ms = (top / 4) * i
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#d0d7de" stroke-width="1"/>`,
      `<text x="${PAD.left - 8}" y="${y(ms) + 4}" text-anchor="end" fill="#57606a">${(ms / 1000).toFixed(1)} s</text>`
    )
  }
  for (const [i, r] of results.entries()) {
    parts.push(
      `<text x="${x(xs[i]!)}" y="${H - PAD.bottom + 18}" text-anchor="middle" fill="#57606a">${r.files.toLocaleString('en-US')} files</text>`
    )
  }
  parts.push(
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 10}" text-anchor="middle" fill="#57606a">config repo size (log scale; the largest with ${results.at(-1)!.commits.toLocaleString('en-US')} commits)</text>`
  )
  for (const [k, method] of methods.entries()) {
    const points = results.map(
      (r, i) => `${x(xs[i]!).toFixed(1)},${y(r.medians[method]).toFixed(1)}`
    )
    parts.push(
      `<polyline fill="none" stroke="${COLORS[method]}" stroke-width="2.5" points="${points.join(' ')}"/>`,
      ...points.map(p => {
        const [cx, cy] = p.split(',')
        return `<circle cx="${cx}" cy="${cy}" r="3.5" fill="${COLORS[method]}"/>`
      }),
      `<rect x="${W - PAD.right + 16}" y="${PAD.top + k * 22}" width="14" height="4" fill="${COLORS[method]}"/>`,
      `<text x="${W - PAD.right + 36}" y="${PAD.top + k * 22 + 6}">${label(method)}</text>`
    )
  }
  parts.push('</svg>', '')
  return parts.join('\n')
}

function label(method: Method): string {
  return method === 'full clone' ? 'full-clone pipeline' : `write-method ${method}`
}

function niceCeiling(ms: number): number {
  const step = 10 ** Math.floor(Math.log10(ms))
  return Math.ceil(ms / step) * step
}
