/** Small numeric helpers: machines are noisy, so every figure is a median. */
import { readFileSync } from 'node:fs'

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Milliseconds `fn` took, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint()
  const value = await fn()
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value }
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a'
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${Math.round(ms)} ms`
}

/** "4.2×" with one decimal; what/against. */
export function ratio(what: number, against: number): string {
  return `${(what / against).toFixed(what / against >= 10 ? 0 : 1)}×`
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MB`
    : `${Math.round(bytes / 1024)} KB`
}

/**
 * CPU milliseconds used so far by this process and its waited-for children (the action runs,
 * the box's git processes, kubectl), from /proc: a concurrent batch cannot finish sooner than
 * this much CPU spread over the machine's cores.
 */
export function cpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  // Fields after "(comm) ": utime stime cutime cstime are the 14th to 17th fields of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0)
  return (ticks * 1000) / 100 // USER_HZ is 100 on Linux
}
