/**
 * The spool's record: one run of lines of one precision, framed so that a reader can tell a
 * whole record from a torn or garbled one and find the next record after damage.
 *
 * ```
 * offset  size  field
 *  0      4     magic "SPL1"            where a record starts (found again after damage)
 *  4      4     CRC-32C of bytes 8…end  little endian, like every number here
 *  8      4     body length in bytes
 * 12      4     line count n
 * 16      8     spooled at, ms since the epoch (float64)
 * 24      1     precision: 0 ns, 1 us, 2 ms, 3 s
 * 25      3     zero
 * 28      4n    line ends: offset just past each line in the body
 * 28+4n   …     body: the lines joined by "\n", UTF-8
 * ```
 * The line ends are stored because a string field may hold a raw line feed: lines are never
 * found again by splitting on `\n`.
 */
import type { WritePrecision } from '../line-protocol/precision.js'
import { crc32c } from './crc32c.js'

export const RECORD_HEADER_BYTES = 28
const MAGIC = [0x53, 0x50, 0x4c, 0x31] as const
/** No record is larger; a header claiming more is damaged. */
export const MAX_RECORD_BYTES = 1 << 30

const PRECISIONS: readonly WritePrecision[] = ['ns', 'us', 'ms', 's']
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** Bytes a record of `lineCount` lines and `bodyBytes` bytes takes on disk. */
export function recordSize(lineCount: number, bodyBytes: number): number {
  return RECORD_HEADER_BYTES + 4 * lineCount + bodyBytes
}

/** Writes a record at `target[at…]` (which must have room); returns its size. */
export function encodeRecord(
  target: Uint8Array,
  at: number,
  precision: WritePrecision,
  body: Uint8Array,
  ends: Uint32Array,
  spooledAt: number,
): number {
  const n = ends.length
  const size = recordSize(n, body.length)
  const view = new DataView(target.buffer, target.byteOffset + at, RECORD_HEADER_BYTES)
  target.set(MAGIC, at)
  view.setUint32(8, body.length, true)
  view.setUint32(12, n, true)
  view.setFloat64(16, spooledAt, true)
  view.setUint32(24, PRECISIONS.indexOf(precision), true)
  const endsAt = at + RECORD_HEADER_BYTES
  if (LITTLE_ENDIAN) target.set(new Uint8Array(ends.buffer, ends.byteOffset, n * 4), endsAt)
  else {
    const endsView = new DataView(target.buffer, target.byteOffset + endsAt, n * 4)
    for (let i = 0; i < n; i++) endsView.setUint32(i * 4, ends[i], true)
  }
  target.set(body, endsAt + n * 4)
  view.setUint32(4, crc32c(target, at + 8, at + size), true)
  return size
}

/** A whole, checked record inside a buffer. */
export interface DecodedRecord {
  precision: WritePrecision
  lineCount: number
  spooledAt: number
  /** Where the line ends start in the buffer (`lineCount` little-endian u32). */
  endsAt: number
  /** Where the body starts in the buffer. */
  bodyAt: number
  bodyBytes: number
  /** The record's size. */
  size: number
}

/** `'short'`: the buffer ends before the record does; `'bad'`: no valid record starts here. */
export type DecodeResult = DecodedRecord | 'short' | 'bad'

/** Reads the record starting at `buffer[at]`, of which `buffer[at, end)` is available. */
export function decodeRecord(buffer: Uint8Array, at: number, end: number): DecodeResult {
  if (end - at < 4) return isMagicPrefix(buffer, at, end) ? 'short' : 'bad'
  if (!isMagicAt(buffer, at)) return 'bad'
  if (end - at < RECORD_HEADER_BYTES) return 'short'
  const view = new DataView(buffer.buffer, buffer.byteOffset + at, RECORD_HEADER_BYTES)
  const bodyBytes = view.getUint32(8, true)
  const lineCount = view.getUint32(12, true)
  const precisionCode = view.getUint32(24, true)
  if (precisionCode > 3 || lineCount === 0 || bodyBytes < lineCount - 1) return 'bad'
  const size = recordSize(lineCount, bodyBytes)
  if (size > MAX_RECORD_BYTES) return 'bad'
  if (end - at < size) return 'short'
  if (crc32c(buffer, at + 8, at + size) !== view.getUint32(4, true)) return 'bad'
  const endsAt = at + RECORD_HEADER_BYTES
  const bodyAt = endsAt + 4 * lineCount
  // The checksum matched; the ends are still checked, so that a record written wrong by some
  // other program can never cut lines out of bounds.
  const ends = new DataView(buffer.buffer, buffer.byteOffset + endsAt, 4 * lineCount)
  let previous = -1
  for (let i = 0; i < lineCount; i++) {
    const e = ends.getUint32(i * 4, true)
    if (e <= previous || e > bodyBytes) return 'bad'
    previous = e + 1
  }
  if (previous - 1 !== bodyBytes) return 'bad'
  return {
    precision: PRECISIONS[precisionCode],
    lineCount,
    spooledAt: view.getFloat64(16, true),
    endsAt,
    bodyAt,
    bodyBytes,
    size,
  }
}

/** The line ends of a decoded record, as a fresh array. */
export function readEnds(buffer: Uint8Array, record: DecodedRecord): Uint32Array {
  const ends = new Uint32Array(record.lineCount)
  if (LITTLE_ENDIAN) new Uint8Array(ends.buffer).set(buffer.subarray(record.endsAt, record.bodyAt))
  else {
    const view = new DataView(buffer.buffer, buffer.byteOffset + record.endsAt, 4 * record.lineCount)
    for (let i = 0; i < record.lineCount; i++) ends[i] = view.getUint32(i * 4, true)
  }
  return ends
}

/** The first offset in `[from, end)` where a record may start (its magic, or a prefix of it at the end); `end` if none. */
export function findMagic(buffer: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    if (buffer[i] === MAGIC[0] && (end - i < 4 ? isMagicPrefix(buffer, i, end) : isMagicAt(buffer, i))) return i
  }
  return end
}

function isMagicAt(buffer: Uint8Array, at: number): boolean {
  return (
    buffer[at] === MAGIC[0] && buffer[at + 1] === MAGIC[1] && buffer[at + 2] === MAGIC[2] && buffer[at + 3] === MAGIC[3]
  )
}

function isMagicPrefix(buffer: Uint8Array, at: number, end: number): boolean {
  for (let i = at; i < end; i++) if (buffer[i] !== MAGIC[i - at]) return false
  return true
}
