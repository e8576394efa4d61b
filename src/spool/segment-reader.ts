/**
 * Reads the records of one segment file in order, checking each, up to a readable limit (the
 * file's end, or for the segment being written, the end of what was written).
 *
 * Damage never stops it and never produces a record: bytes that are not a valid record are
 * skipped up to the next valid record (found by its magic and checksum) and reported as
 * corrupt; bytes at the end with no valid record after them are a torn tail, what a crash in
 * the middle of an append leaves.
 */
import { decodeRecord, findMagic, RECORD_HEADER_BYTES, type DecodedRecord } from './record-format.js'
import type { SpoolFs } from './fs.js'

const BLOCK_BYTES = 1 << 20

/** How a reader reports damage: `bytes` skipped at file offset `at`. */
export type DamageListener = (kind: 'corrupt' | 'torn', at: number, bytes: number) => void

export class SegmentReader {
  readonly #fs: SpoolFs
  readonly #fd: number
  readonly #onDamage: DamageListener
  /** File offset of the next record. */
  #position = 0
  #buffer = new Uint8Array(BLOCK_BYTES)
  /** File offset of `#buffer[0]`, and how many bytes from there it holds. */
  #bufferStart = 0
  #bufferLength = 0

  constructor(fs: SpoolFs, fd: number, onDamage: DamageListener) {
    this.#fs = fs
    this.#fd = fd
    this.#onDamage = onDamage
  }

  get position(): number {
    return this.#position
  }

  /** Goes back to `position`, a record's start returned by {@link position} before {@link next}. */
  rewind(position: number): void {
    this.#position = position
  }

  /** The buffer the last record returned by {@link next} lies in (its offsets are into it). */
  get buffer(): Uint8Array {
    return this.#buffer
  }

  /**
   * The next valid record before `limit`, or `undefined` at `limit`. `final`: nothing will be
   * appended after `limit` (a sealed segment), so an incomplete record there is a torn tail;
   * otherwise the reader only reads whole records and `limit` must fall between records.
   * The record's offsets are into {@link buffer}, valid until the next call.
   */
  next(limit: number, final: boolean): DecodedRecord | undefined {
    while (this.#position < limit) {
      const at = this.#position
      const record = this.#decodeAt(at, limit)
      if (record !== 'bad') {
        this.#position = at + record.size
        return record
      }
      const found = this.#nextValid(at + 1, limit)
      if (found === undefined) {
        if (!final) return undefined
        this.#onDamage('torn', at, limit - at)
        this.#position = limit
        return undefined
      }
      this.#onDamage('corrupt', at, found - at)
      this.#position = found
    }
    return undefined
  }

  /** The record at file offset `at`, reading what it needs; `'bad'` if none starts there. */
  #decodeAt(at: number, limit: number): DecodedRecord | 'bad' {
    let want = RECORD_HEADER_BYTES
    for (;;) {
      const available = this.#load(at, want, limit)
      const result = decodeRecord(this.#buffer, at - this.#bufferStart, at - this.#bufferStart + available)
      if (result !== 'short') return result
      // The file ends before `limit`: what is missing will not come.
      if (available < Math.min(want, limit - at)) return 'bad'
      const claimed =
        available >= RECORD_HEADER_BYTES ? claimedSize(this.#buffer, at - this.#bufferStart) : RECORD_HEADER_BYTES
      // More than the file holds: a length garbled, or a record cut short.
      if (at + claimed > limit || claimed <= available) return 'bad'
      want = claimed
    }
  }

  /** The file offset of the first valid record in `[from, limit)`. */
  #nextValid(from: number, limit: number): number | undefined {
    let searchFrom = from
    while (searchFrom < limit) {
      const available = this.#load(searchFrom, BLOCK_BYTES, limit)
      const windowEnd = searchFrom + available
      const local = findMagic(this.#buffer, searchFrom - this.#bufferStart, windowEnd - this.#bufferStart)
      const candidate = local + this.#bufferStart
      if (candidate >= windowEnd) {
        searchFrom = windowEnd
        continue
      }
      if (this.#decodeAt(candidate, limit) !== 'bad') return candidate
      searchFrom = candidate + 1
    }
    return undefined
  }

  /**
   * Makes the buffer hold file bytes from `at`, as many as `want` (or up to `limit`); returns
   * how many it holds from `at`.
   */
  #load(at: number, want: number, limit: number): number {
    const wanted = Math.min(want, limit - at)
    const bufferEnd = this.#bufferStart + this.#bufferLength
    if (at >= this.#bufferStart && at + wanted <= bufferEnd) return Math.min(bufferEnd, limit) - at
    const size = Math.max(BLOCK_BYTES, wanted)
    if (this.#buffer.length < size) this.#buffer = new Uint8Array(size)
    else if (this.#buffer.length > BLOCK_BYTES && size === BLOCK_BYTES) this.#buffer = new Uint8Array(BLOCK_BYTES)
    const toRead = Math.min(this.#buffer.length, limit - at)
    let read = 0
    while (read < toRead) {
      const n = this.#fs.readSync(this.#fd, this.#buffer, read, toRead - read, at + read)
      if (n === 0) break
      read += n
    }
    this.#bufferStart = at
    this.#bufferLength = read
    return read
  }
}

function claimedSize(buffer: Uint8Array, at: number): number {
  const view = new DataView(buffer.buffer, buffer.byteOffset + at, RECORD_HEADER_BYTES)
  return RECORD_HEADER_BYTES + 4 * view.getUint32(12, true) + view.getUint32(8, true)
}
