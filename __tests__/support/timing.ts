/**
 * The one time scale of the test suite. Every bound the tests put on time — jest's default and
 * per-test timeouts, how long a child process may run, how long a server may take to start, the
 * slack on an elapsed-time assertion — is `scaled(base)`, where each base is sized for a loaded
 * 2-core machine. On a slower machine, or beside another CPU-bound job, stretch them all at once:
 *
 *   PROMOTE_IMAGE_TEST_TIME_SCALE=2 npm test
 *
 * Timeouts of the product itself (src/) are not scaled: the tests assert them as they are.
 * This module imports nothing from jest: script/demo.ts and bench/ load the support servers too.
 */

export const TIME_SCALE_ENV = 'PROMOTE_IMAGE_TEST_TIME_SCALE'

/** The scale from the variable's raw value: a positive finite number; unset or empty means 1. */
export function parseTimeScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1
  // Number() alone would take '0x10', '1e3' or ' 2 '; a scale is written as a plain decimal.
  const scale = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(
      `${TIME_SCALE_ENV} must be a positive number such as 1, 1.5 or 3 (a factor on every ` +
        `timeout of the tests); got ${JSON.stringify(raw)}. Unset it for the default, 1.`
    )
  return scale
}

/** Read once, when the suite loads: a bad value fails every test file with the message above. */
export const TIME_SCALE = parseTimeScale(process.env[TIME_SCALE_ENV])

/** `ms` stretched by the suite's time scale, in whole milliseconds. */
export function scaled(ms: number): number {
  return Math.ceil(ms * TIME_SCALE)
}

/**
 * jest's default timeout for a test or a hook (set in setup-timeouts.ts): a server's start and a
 * few bundle runs. Tests that do more say so with their own `scaled(…)`.
 */
export const TEST_TIMEOUT_MS = scaled(120_000)

/**
 * How long one run of a bundle (`node dist/…`) may take before it is killed: seconds on an idle
 * machine, well under a minute on a loaded one. Below TEST_TIMEOUT_MS, so a stuck run is killed
 * and its output shown before jest gives up on the test.
 */
export const RUN_TIMEOUT_MS = scaled(90_000)
