/** The suite's one time scale: what PROMOTE_IMAGE_TEST_TIME_SCALE accepts and what it refuses. */
import { describe, expect, it } from '@jest/globals'
import { parseTimeScale, scaled, TIME_SCALE } from './timing.js'

describe('parseTimeScale', () => {
  it.each<[string | undefined, number]>([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['2', 2],
    ['1.5', 1.5],
    ['0.5', 0.5],
    ['10', 10]
  ])('%j is %d', (raw, scale) => {
    expect(parseTimeScale(raw)).toBe(scale)
  })

  it.each(['0', '0.0', '-1', 'fast', '2x', '1e3', '0x10', ' 2', 'Infinity', 'NaN', '1,5', '.5'])(
    '%j is refused, naming the variable, the value and what to write',
    raw => {
      expect(() => parseTimeScale(raw)).toThrow(
        `PROMOTE_IMAGE_TEST_TIME_SCALE must be a positive number such as 1, 1.5 or 3 (a factor on every timeout of the tests); got ${JSON.stringify(raw)}. Unset it for the default, 1.`
      )
    }
  )
})

describe('scaled', () => {
  it('stretches by the scale this run was started with, in whole milliseconds', () => {
    expect(scaled(1000)).toBe(Math.ceil(1000 * TIME_SCALE))
    expect(Number.isInteger(scaled(333))).toBe(true)
    expect(scaled(333)).toBeGreaterThanOrEqual(333 * TIME_SCALE)
  })
})
