/**
 * Numbers written as decimal digits straight into a {@link LineWriter}, four digits per 32-bit
 * store: shared by Points (through the writer's `integer`, `bigint` and `float`) and tables.
 */
import { viewOf } from './encoded-text.js'
import { floatText } from './float-text.js'
import type { ByteSink } from './byte-sink.js'

/** "0000".."9999" as little-endian words: the four digits of a number below 10^4, zero-padded. */
const FOUR_DIGITS = new Uint32Array(10_000)
/** The same without the leading zeros ("7", "42", "999"), for the first group of a number. */
const LEADING_DIGITS = new Uint32Array(10_000)
// Filled with arithmetic, not through String(n): this runs when the package loads.
for (let n = 0; n < 10_000; n++) {
  const d0 = 48 + ((n / 1000) | 0)
  const d1 = 48 + (((n / 100) | 0) % 10)
  const d2 = 48 + (((n / 10) | 0) % 10)
  const d3 = 48 + (n % 10)
  FOUR_DIGITS[n] = (d0 | (d1 << 8) | (d2 << 16) | (d3 << 24)) >>> 0
  LEADING_DIGITS[n] = n < 10 ? d3 : n < 100 ? d2 | (d3 << 8) : n < 1000 ? d1 | (d2 << 8) | (d3 << 16) : FOUR_DIGITS[n]
}

/**
 * ⌊value / divisor⌋ for a non-negative safe integer, by a multiplication with `inverse`
 * (1 / divisor) and one correction: several times cheaper than a division. The product is
 * within one of the quotient, since both its roundings are far smaller than 1 / divisor away
 * from a whole number, except where the quotient is whole; both products below are exact.
 */
function quotient(value: number, divisor: number, inverse: number): number {
  const q = Math.floor(value * inverse)
  if (q * divisor > value) return q - 1
  return (q + 1) * divisor <= value ? q + 1 : q
}

/** Writes the digits of `value` (below 10^4, no leading zeros) at `at`; returns the new end. */
function leadingGroup(target: DataView, at: number, value: number): number {
  target.setUint32(at, LEADING_DIGITS[value], true)
  return at + (value < 100 ? (value < 10 ? 1 : 2) : value < 1_000 ? 3 : 4)
}

/**
 * A non-negative safe integer in decimal, four digits per store (the digits are written in
 * groups from the left, each group one word, with the first group's word overhanging).
 */
export function writeDigits(out: ByteSink, value: number): void {
  let at = out.length
  if (at + 20 > out.bytes.length) out.reserve(20)
  const target = viewOf(out.bytes)
  if (value < 10_000) {
    out.length = leadingGroup(target, at, value)
    return
  }
  if (value < 100_000_000) {
    const high = quotient(value, 10_000, 1e-4)
    at = leadingGroup(target, at, high)
    target.setUint32(at, FOUR_DIGITS[value - high * 10_000], true)
    out.length = at + 4
    return
  }
  const high = quotient(value, 100_000_000, 1e-8)
  const low = value - high * 100_000_000
  if (high < 10_000) at = leadingGroup(target, at, high)
  else {
    const top = quotient(high, 10_000, 1e-4)
    at = leadingGroup(target, at, top)
    target.setUint32(at, FOUR_DIGITS[high - top * 10_000], true)
    at += 4
  }
  out.length = eightDigits(target, at, low)
}

/** `value` (below 10^8) as exactly eight digits at `at`; returns the new end. */
function eightDigits(target: DataView, at: number, value: number): number {
  const high = quotient(value, 10_000, 1e-4)
  target.setUint32(at, FOUR_DIGITS[high], true)
  target.setUint32(at + 4, FOUR_DIGITS[value - high * 10_000], true)
  return at + 8
}

/** `value` (below 10^9) as exactly nine digits, zero-padded. */
export function writeNineDigits(out: ByteSink, value: number): void {
  const at = out.length
  if (at + 12 > out.bytes.length) out.reserve(12)
  const first = quotient(value, 100_000_000, 1e-8)
  out.bytes[at] = 48 + first
  out.length = eightDigits(viewOf(out.bytes), at + 1, value - first * 100_000_000)
}

/** Floats below this magnitude have all six-decimal scalings m = v·10^6 below 2^50 (see below). */
const SCALED_FLOAT_LIMIT = 2 ** 50 / 1_000_000
const MILLION = 1_000_000

/**
 * A finite float exactly as `String(value)` writes it (`-0` kept): the text of float-text.ts,
 * found here with one division instead of up to seven.
 *
 * Why it is the same text: float-text.ts writes m_k·10^-k for the smallest k (0..6) where
 * m_k = round(v·10^k) reads back as v. With |v| below {@link SCALED_FLOAT_LIMIT}, if m_6 reads
 * back as v then every such m_k is m_6 without its k−6 trailing zeros (v·10^6 is within far
 * less than ½ of m_k·10^(6−k)), and m_6 without its trailing zeros reads back as v too (the
 * same rational, divided exactly once by the same rounding). So the smallest k is m_6's count
 * of decimals once trailing zeros are dropped, and the digits are m_6's. Anything else goes
 * to `floatText`.
 */
export function writeFloat(out: ByteSink, value: number): void {
  const magnitude = value < 0 ? -value : value
  if (magnitude < SCALED_FLOAT_LIMIT && value !== 0) {
    const scaled = Math.round(magnitude * MILLION)
    if (scaled / MILLION === magnitude) {
      if (value < 0) out.byte(45)
      // ⌊magnitude⌋ is ⌊scaled / 10^6⌋: below the limit, doubles are spaced far closer than 10^-6,
      // so the rounded quotient never reaches the next whole number.
      const whole = Math.floor(magnitude)
      writeDigits(out, whole)
      const fraction = scaled - whole * MILLION
      if (fraction !== 0) writeFraction(out, fraction)
      return
    }
  }
  out.text(floatText(value))
}

/** `.` and the six digits of `fraction` (1..999999), without trailing zeros. */
function writeFraction(out: ByteSink, fraction: number): void {
  const at = out.length
  if (at + 8 > out.bytes.length) out.reserve(8)
  const target = viewOf(out.bytes)
  const high = quotient(fraction, 10_000, 1e-4)
  // "." and the first two digits in one store: the two digits are the last two of "00dd".
  target.setUint32(at, 46 | ((FOUR_DIGITS[high] >>> 8) & 0xff_ff_00), true)
  target.setUint32(at + 3, FOUR_DIGITS[fraction - high * 10_000], true)
  let end = at + 7
  const bytes = out.bytes
  while (bytes[end - 1] === 48) end--
  out.length = end
}
