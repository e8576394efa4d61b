import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { floatText } from '../../src/line-protocol/float-text.js'

/** The reference: what JavaScript prints, with the sign of -0 kept. */
function stringOf(v: number): string {
  return v === 0 && 1 / v < 0 ? '-0' : String(v)
}

describe('floatText (the fast float formatting of Points and table columns)', () => {
  test('fixed cases, including the edges of its fast path', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [-1.5, '-1.5'],
      [0.1, '0.1'],
      [0.1 + 0.2, '0.30000000000000004'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [123.456, '123.456'],
      [-0.001, '-0.001'],
      [2 ** 50, '1125899906842624'],
      [2 ** 53 + 2, '9007199254740994'],
      [1e21, '1e+21'],
      [123456789.123456, '123456789.123456'],
      [5e-324, '5e-324'],
    ]
    for (const [value, text] of cases) assert.equal(floatText(value), text, `floatText(${value})`)
  })

  test('equals String() for any finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => floatText(v) === stringOf(v)),
      { numRuns: 20_000 },
    )
  })

  test('equals String() for decimals with up to 7 fraction digits, the fast path', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.integer({ min: 0, max: 7 }), (m, k) => {
        const v = m / 10 ** k
        return floatText(v) === stringOf(v)
      }),
      { numRuns: 50_000 },
    )
  })
})
