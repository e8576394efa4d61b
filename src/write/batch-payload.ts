/**
 * Batch bodies as UTF-8 bytes: {@link PayloadBuilder} copies the bytes of serialised chunks
 * (records/line-chunk.ts) into one buffer per batch as they arrive, {@link LinePayload} is the
 * finished body that waits and travels, {@link BodyPool} hands the buffers of settled batches
 * to the next ones.
 *
 * Why bytes: lines kept as JavaScript strings until their batch is complete live through
 * several young-generation collections and are promoted to the old generation, which only a
 * full collection frees; at volume that garbage sets the peak RSS. Bytes live outside the JS
 * heap, are reused, and are sent as they are.
 *
 * The lines themselves are only needed again on the rare paths (413 split, undelivered report);
 * a raw line feed is legal inside a string field, so they are cut by offset, never split on `\n`.
 */
import { decodeLines, encodeLines, type LineChunk } from '../records/line-chunk.js'
import { keepMapAlive } from '../map-anchors.js'

/** A finished body: UTF-8 of the lines joined by `\n`. */
export class LinePayload {
  readonly body: Uint8Array
  /** `ends[i]` = byte offset just past line i in the body. */
  readonly #ends: Uint32Array

  constructor(body: Uint8Array, ends: Uint32Array) {
    this.body = body
    this.#ends = ends
  }

  /** A payload of `lines` in a fresh buffer (the 413 halves). */
  static of(lines: readonly string[]): LinePayload {
    const { body, ends } = encodeLines(lines)
    return new LinePayload(body, ends)
  }

  get lineCount(): number {
    return this.#ends.length
  }

  /** The lines, as they were given. */
  lines(): string[] {
    return decodeLines(this.body, this.#ends)
  }
}

/** Builds one body chunk run by chunk run; `bytes` and `lineCount` say how big it is so far. */
export class PayloadBuilder {
  readonly #pool: BodyPool | undefined
  #buffer: Uint8Array
  #ends: Uint32Array
  #lines = 0
  #bytes = 0

  /** `expectedBytes` and `expectedLines` size the first buffers (they grow as needed). */
  constructor(pool: BodyPool | undefined, expectedBytes: number, expectedLines = 256) {
    this.#pool = pool
    this.#buffer = acquire(pool, Math.max(expectedBytes, 1024))
    // Sized once: growing by doubling would allocate a typed array at each step, microseconds apiece.
    this.#ends = new Uint32Array(Math.max(expectedLines, 16))
  }

  get lineCount(): number {
    return this.#lines
  }

  /** UTF-8 length of the body so far. */
  get bytes(): number {
    return this.#bytes
  }

  /** Appends lines `[from, to)` of `chunk`. */
  append(chunk: LineChunk, from: number, to: number): void {
    if (to <= from) return
    const start = chunk.lineStart(from)
    const end = chunk.ends[to - 1]
    const separator = this.#lines > 0 ? 1 : 0
    this.#reserve(this.#bytes + separator + (end - start))
    this.#reserveEnds(this.#lines + (to - from))
    if (separator === 1) this.#buffer[this.#bytes++] = 10
    this.#buffer.set(chunk.body.subarray(start, end), this.#bytes)
    const shift = this.#bytes - start
    const ends = chunk.ends
    for (let i = from; i < to; i++) this.#ends[this.#lines++] = ends[i] + shift
    this.#bytes += end - start
  }

  finish(): LinePayload {
    return new LinePayload(this.#buffer.subarray(0, this.#bytes), this.#ends.subarray(0, this.#lines))
  }

  #reserve(bytes: number): void {
    if (bytes <= this.#buffer.byteLength) return
    const grown = acquire(this.#pool, Math.max(bytes, this.#buffer.byteLength * 2))
    grown.set(this.#buffer.subarray(0, this.#bytes))
    this.#pool?.release(this.#buffer)
    this.#buffer = grown
  }

  #reserveEnds(count: number): void {
    if (count <= this.#ends.length) return
    const grown = new Uint32Array(Math.max(count, this.#ends.length * 2))
    grown.set(this.#ends.subarray(0, this.#lines))
    this.#ends = grown
  }
}

function acquire(pool: BodyPool | undefined, bytes: number): Uint8Array {
  return pool?.acquire(bytes) ?? new Uint8Array(bytes)
}

/**
 * Buffers of settled batches, kept for the next ones. Holds at most `limit` buffers: the writer
 * sizes it to the batches that can exist at once, so it never grows past what was in use.
 */
export class BodyPool {
  readonly #free: Uint8Array[] = []
  readonly #limit: number

  constructor(limit: number) {
    this.#limit = limit
  }

  /** A whole buffer of at least `bytes` bytes, reused when one is large enough. */
  acquire(bytes: number): Uint8Array {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      if (this.#free[i].byteLength >= bytes) return this.#free.splice(i, 1)[0]
    }
    // Headroom, so that the next batch, a few lines longer, still fits the buffer.
    return new Uint8Array(Math.ceil((bytes * 1.25) / 65536) * 65536)
  }

  /** Takes back a buffer (or a view of one) that nothing reads any more. */
  release(body: Uint8Array): void {
    const whole = new Uint8Array(body.buffer, 0, body.buffer.byteLength)
    if (this.#free.length < this.#limit) {
      this.#free.push(whole)
      return
    }
    // Full: keep the larger buffers, they fit more batches.
    let smallest = 0
    for (let i = 1; i < this.#free.length; i++)
      if (this.#free[i].byteLength < this.#free[smallest].byteLength) smallest = i
    if (this.#free[smallest].byteLength < whole.byteLength) this.#free[smallest] = whole
  }
}

/** Keeps a payload builder and a payload alive with their maps between batches (see map-anchors.ts). Called once. */
export function keepPayloadMapsAlive(): void {
  keepMapAlive(new PayloadBuilder(undefined, 0))
  keepMapAlive(LinePayload.of(['m f=1']))
}
