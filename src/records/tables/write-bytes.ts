/**
 * Byte-level helpers of the table serialiser, on top of {@link LineWriter}'s public buffer:
 * copying pre-encoded texts (escaped names, cached tag values) and writing 64-bit integers
 * from the two 32-bit words of a `BigInt64Array` / `BigUint64Array`.
 *
 * Why words: reading a `BigInt64Array` element makes a heap bigint, and printing it goes
 * through a string. A table column is one buffer, so its words can be read as plain numbers
 * and printed with double arithmetic that is still exact (see {@link writeUint64Words}).
 */
import type { LineWriter } from '../../line-protocol/line-writer.js'

import { viewOf } from '../../line-protocol/encoded-text.js'

export { EncodedText, writeEncoded } from '../../line-protocol/encoded-text.js'

const TWO_TO_32 = 4_294_967_296
/** A high word below this (in magnitude) keeps the whole value below 2^53: one exact double. */
const SAFE_HIGH = 0x20_0000
const BILLION = 1_000_000_000

/** True where the words of a 64-bit element are stored low word first (every common platform). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/**
 * The 32-bit words of the elements of a 64-bit typed array, two per element, low word first;
 * `undefined` on a big-endian platform (the caller reads bigints there).
 */
export function wordsOf(values: BigInt64Array | BigUint64Array): Uint32Array | undefined {
  return LITTLE_ENDIAN ? new Uint32Array(values.buffer, values.byteOffset, values.length * 2) : undefined
}

/** "0000".."9999" as little-endian words: the four digits of a number below 10^4, zero-padded. */
const FOUR_DIGITS = new Uint32Array(10_000)
/** The same without the leading zeros ("7", "42", "999"), for the first group of a number. */
const LEADING_DIGITS = new Uint32Array(10_000)
for (let n = 0; n < 10_000; n++) {
  const text = String(n)
  const padded = text.padStart(4, '0')
  FOUR_DIGITS[n] = padded.charCodeAt(0) | (padded.charCodeAt(1) << 8) | (padded.charCodeAt(2) << 16) | (padded.charCodeAt(3) << 24)
  let word = 0
  for (let i = 0; i < text.length; i++) word |= text.charCodeAt(i) << (8 * i)
  LEADING_DIGITS[n] = word >>> 0
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
  target.setUint32(at, LEADING_DIGITS[value] as number, true)
  return at + (value < 100 ? (value < 10 ? 1 : 2) : value < 1_000 ? 3 : 4)
}

/**
 * A non-negative safe integer in decimal, four digits per store (the digits are written in
 * groups from the left, each group one word, with the first group's word overhanging).
 */
export function writeDigits(out: LineWriter, value: number): void {
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
    target.setUint32(at, FOUR_DIGITS[value - high * 10_000] as number, true)
    out.length = at + 4
    return
  }
  const high = quotient(value, 100_000_000, 1e-8)
  const low = value - high * 100_000_000
  if (high < 10_000) at = leadingGroup(target, at, high)
  else {
    const top = quotient(high, 10_000, 1e-4)
    at = leadingGroup(target, at, top)
    target.setUint32(at, FOUR_DIGITS[high - top * 10_000] as number, true)
    at += 4
  }
  out.length = eightDigits(target, at, low)
}

/** `value` (below 10^8) as exactly eight digits at `at`; returns the new end. */
function eightDigits(target: DataView, at: number, value: number): number {
  const high = quotient(value, 10_000, 1e-4)
  target.setUint32(at, FOUR_DIGITS[high] as number, true)
  target.setUint32(at + 4, FOUR_DIGITS[value - high * 10_000] as number, true)
  return at + 8
}

/** The signed 64-bit integer `high·2^32 + low` in decimal (`high` read as signed), exactly. */
export function writeInt64Words(out: LineWriter, low: number, high: number): void {
  const signedHigh = high | 0
  if (signedHigh >= 0) return writeUint64Words(out, low, signedHigh)
  if (signedHigh > -SAFE_HIGH) {
    out.byte(45)
    writeDigits(out, -(signedHigh * TWO_TO_32 + low))
    return
  }
  // Two's complement negation in words; -2^63 becomes the unsigned 2^63, which is fine.
  out.byte(45)
  if (low === 0) writeUint64Words(out, 0, -signedHigh)
  else writeUint64Words(out, TWO_TO_32 - low, ~signedHigh >>> 0)
}

/**
 * The unsigned 64-bit integer `high·2^32 + low` in decimal, exactly.
 *
 * Above 2^53 the value is split as q·10^9 + r: q from the rounded double (off by at most one,
 * as the double's error is far below 10^9), and r exactly from the low 32 bits, because
 * r = low − q·10^9 (mod 2^32) and r, even off by 10^9 either way, fits a signed 32-bit integer.
 */
export function writeUint64Words(out: LineWriter, low: number, high: number): void {
  if (high < SAFE_HIGH) {
    writeDigits(out, high * TWO_TO_32 + low)
    return
  }
  writeDigits(out, divideByBillion(low, high))
  writeNineDigits(out, billionRest)
}

/** The remainder left by the last {@link divideByBillion}. */
let billionRest = 0

/** ⌊(high·2^32 + low) / 10^9⌋ for an unsigned value of 2^53 or more; the remainder goes to {@link billionRest}. */
function divideByBillion(low: number, high: number): number {
  const q = Math.floor((high * TWO_TO_32 + low) / BILLION)
  const r = (low - Math.imul(q, BILLION)) | 0
  if (r < 0) {
    billionRest = r + BILLION
    return q - 1
  }
  if (r >= BILLION) {
    billionRest = r - BILLION
    return q + 1
  }
  billionRest = r
  return q
}

/**
 * Writes 64-bit integers that mostly grow by little, such as a column of timestamps: values
 * that share their digits above the last nine with the value written before only compute and
 * write those nine, and copy the rest. Any value is written exactly; others take the full way.
 */
export class NearbyInt64Writer {
  /** The words of the last value written the full way above 2^53, and that value mod 10^9. */
  private high = -1
  private low = 0
  private rest = 0
  /** The digits of that value above the last nine, as words, and their count. */
  private readonly head = new Uint32Array(3)
  private headLength = 0

  /** Writes `high·2^32 + low` (`high` read as signed), as {@link writeInt64Words}. */
  write(out: LineWriter, low: number, high: number): void {
    if (high === this.high && low >= this.low) {
      const rest = this.rest + (low - this.low)
      if (rest < BILLION) {
        const at = out.length
        if (at + 24 > out.bytes.length) out.reserve(24)
        const target = viewOf(out.bytes)
        const head = this.head
        target.setUint32(at, head[0] as number, true)
        target.setUint32(at + 4, head[1] as number, true)
        target.setUint32(at + 8, head[2] as number, true)
        out.length = at + this.headLength
        writeNineDigits(out, rest)
        return
      }
    }
    const signedHigh = high | 0
    if (signedHigh < SAFE_HIGH) {
      writeInt64Words(out, low, high)
      return
    }
    const q = divideByBillion(low, signedHigh)
    const r = billionRest
    const start = out.length
    if (start + 24 > out.bytes.length) out.reserve(24)
    writeDigits(out, q)
    // Remember q's digits (at most 11, since q < 2^64 / 10^9) as they were just written.
    const source = viewOf(out.bytes)
    this.head[0] = source.getUint32(start, true)
    this.head[1] = source.getUint32(start + 4, true)
    this.head[2] = source.getUint32(start + 8, true)
    this.headLength = out.length - start
    this.high = signedHigh
    this.low = low
    this.rest = r
    writeNineDigits(out, r)
  }
}

/** `value` (below 10^9) as exactly nine digits, zero-padded. */
function writeNineDigits(out: LineWriter, value: number): void {
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
 * which `LineWriter.float` writes too, found here with one division instead of up to seven.
 *
 * Why it is the same text: float-text.ts writes m_k·10^-k for the smallest k (0..6) where
 * m_k = round(v·10^k) reads back as v. With |v| below {@link SCALED_FLOAT_LIMIT}, if m_6 reads
 * back as v then every such m_k is m_6 without its k−6 trailing zeros (v·10^6 is within far
 * less than ½ of m_k·10^(6−k)), and m_6 without its trailing zeros reads back as v too (the
 * same rational, divided exactly once by the same rounding). So the smallest k is m_6's count
 * of decimals once trailing zeros are dropped, and the digits are m_6's. Anything else goes
 * to `LineWriter.float`.
 */
export function writeFloat(out: LineWriter, value: number): void {
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
  out.float(value)
}

/** `.` and the six digits of `fraction` (1..999999), without trailing zeros. */
function writeFraction(out: LineWriter, fraction: number): void {
  const at = out.length
  if (at + 8 > out.bytes.length) out.reserve(8)
  const target = viewOf(out.bytes)
  const high = quotient(fraction, 10_000, 1e-4)
  // "." and the first two digits in one store: the two digits are the last two of "00dd".
  target.setUint32(at, 46 | (((FOUR_DIGITS[high] as number) >>> 8) & 0xff_ff_00), true)
  target.setUint32(at + 3, FOUR_DIGITS[fraction - high * 10_000] as number, true)
  let end = at + 7
  const bytes = out.bytes
  while (bytes[end - 1] === 48) end--
  out.length = end
}
