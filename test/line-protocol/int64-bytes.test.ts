// 64-bit integers written from their 32-bit words: every value exactly as its decimal text,
// including the shortcut NearbyInt64Writer takes for values close to the last one.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { LineWriter } from '../../src/line-protocol/line-writer.js'
import { NearbyInt64Writer, writeInt64Words } from '../../src/line-protocol/int64-bytes.js'

/** The words of a signed 64-bit value: low, and high read as signed (as a table column hands them over). */
function words(value: bigint): [number, number] {
  const unsigned = BigInt.asUintN(64, value)
  return [Number(unsigned & 0xffff_ffffn), Number(unsigned >> 32n) | 0]
}

function written(values: readonly bigint[], write: (out: LineWriter, low: number, high: number) => void): string[] {
  const out = new LineWriter(64)
  return values.map((value) => {
    out.clear()
    write(out, ...words(value))
    return new TextDecoder().decode(out.bytes.subarray(0, out.length))
  })
}

// Deterministic, so that a failure can be replayed.
function* randomInt64(seed: number, count: number): Generator<bigint> {
  let state = BigInt(seed)
  for (let i = 0; i < count; i++) {
    state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn
    yield BigInt.asIntN(64, state)
  }
}

describe('NearbyInt64Writer', () => {
  test('negative values whose high word is -1 are written in full, also by a fresh writer (they took the shortcut with no digits)', () => {
    const values = [
      -4_000_000_000n,
      -4_294_967_296n,
      -3_999_999_999n,
      -4_294_967_296n + 999_999_999n,
      -1n,
      -4_294_967_297n,
    ]
    for (const value of values)
      assert.deepEqual(
        written([value], (out, low, high) => new NearbyInt64Writer().write(out, low, high)),
        [String(value)],
      )
    const shared = new NearbyInt64Writer()
    assert.deepEqual(
      written(values, (out, low, high) => shared.write(out, low, high)),
      values.map(String),
    )
  })

  test('random values, sorted and unsorted, and runs of nearby timestamps equal their decimal text', () => {
    const random = [...randomInt64(7, 3000), -(2n ** 63n), 2n ** 63n - 1n, 0n, -(2n ** 53n), 2n ** 53n]
    const sorted = [...random].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const nearby = Array.from({ length: 3000 }, (_, i) => 1_700_000_000_000_000_000n + BigInt(i) * 333_333n)
    const negativeNearby = Array.from({ length: 300 }, (_, i) => -4_300_000_000n + BigInt(i) * 7_000_000n)
    for (const values of [random, sorted, nearby, negativeNearby]) {
      const writer = new NearbyInt64Writer()
      assert.deepEqual(
        written(values, (out, low, high) => writer.write(out, low, high)),
        values.map(String),
      )
      assert.deepEqual(written(values, writeInt64Words), values.map(String))
    }
  })
})
