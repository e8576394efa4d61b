/**
 * 64-bit integers written in decimal from their two 32-bit words, with double arithmetic that
 * is still exact (see {@link writeUint64Words}): shared by tables (the words of a
 * `BigInt64Array` column) and by the writer's `bigint` and `timestamp` (a bigint stored into a
 * one-element `BigInt64Array` and read back as words).
 *
 * Why words: printing a bigint goes through a string, and splitting it with bigint arithmetic
 * allocates a bigint per operation. Storing a bigint into a `BigInt64Array` allocates nothing
 * (about 1 ns), and the words are plain numbers: a 19-digit timestamp took 40 ns through bigint
 * arithmetic and 17 ns through its words (`NearbyInt64Writer`), measured.
 */
import type { ByteSink } from './byte-sink.js'
import { viewOf } from './encoded-text.js'
import { writeDigits, writeNineDigits } from './number-bytes.js'

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

/** The signed 64-bit integer `high·2^32 + low` in decimal (`high` read as signed), exactly. */
export function writeInt64Words(out: ByteSink, low: number, high: number): void {
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
export function writeUint64Words(out: ByteSink, low: number, high: number): void {
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
  /**
   * The words of the last value written the full way above 2^53, and that value mod 10^9. NaN
   * until then: it equals no word, where any number (-1, the high word of small negative
   * values, was the start) would let such a value take the shortcut with an empty head.
   */
  #high = Number.NaN
  #low = 0
  #rest = 0
  /** The digits of that value above the last nine, as words, and their count. */
  readonly #head = new Uint32Array(3)
  #headLength = 0

  /** Writes `high·2^32 + low` (`high` read as signed), as {@link writeInt64Words}. */
  write(out: ByteSink, low: number, high: number): void {
    if (high === this.#high && low >= this.#low) {
      const rest = this.#rest + (low - this.#low)
      if (rest < BILLION) {
        const at = out.length
        if (at + 24 > out.bytes.length) out.reserve(24)
        const target = viewOf(out.bytes)
        const head = this.#head
        target.setUint32(at, head[0], true)
        target.setUint32(at + 4, head[1], true)
        target.setUint32(at + 8, head[2], true)
        out.length = at + this.#headLength
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
    this.#head[0] = source.getUint32(start, true)
    this.#head[1] = source.getUint32(start + 4, true)
    this.#head[2] = source.getUint32(start + 8, true)
    this.#headLength = out.length - start
    this.#high = signedHigh
    this.#low = low
    this.#rest = r
    writeNineDigits(out, r)
  }
}
