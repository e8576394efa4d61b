/**
 * Batch bodies as UTF-8 bytes: {@link PayloadBuilder} encodes lines into a buffer as they
 * arrive, {@link LinePayload} is the finished body that waits and travels, {@link BodyPool}
 * hands the buffers of settled batches to the next ones.
 *
 * Why encode on arrival: a line kept as a JS string until its batch is complete lives through
 * several young-generation collections and is promoted to the old generation, which only a full
 * collection frees; at volume that garbage sets the peak RSS. Encoded at once, the strings die
 * young. A body joined into one string would be worse still: V8 puts strings above ~128 KB in
 * large-object space. Bytes live outside the JS heap, are reused, and are sent as they are.
 *
 * The lines themselves are only needed again on the rare paths (413 split, undelivered report);
 * a raw line feed is legal inside a string field, so they are cut by offset, never split on `\n`.
 */
import { utf8Length } from '../records/serialize.js'

/** Lines joined per encoding step: ~100-byte lines stay well below V8's large-object threshold. */
const GROUP_LINES = 512

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A finished body: UTF-8 of the lines joined by `\n`. */
export class LinePayload {
  readonly body: Uint8Array
  /** `ends[i]` = UTF-16 index just past line i in the joined text. */
  readonly #ends: Uint32Array

  constructor(body: Uint8Array, ends: Uint32Array) {
    this.body = body
    this.#ends = ends
  }

  /** A payload of `lines` in a fresh buffer (the 413 halves). */
  static of(lines: readonly string[]): LinePayload {
    const builder = new PayloadBuilder(undefined, 0)
    builder.append(lines, 0, lines.length, bodyBytes(lines) + 1)
    return builder.finish()
  }

  get lineCount(): number {
    return this.#ends.length
  }

  /** The lines, as they were given. */
  lines(): string[] {
    const text = decoder.decode(this.body)
    const out: string[] = new Array(this.#ends.length)
    let start = 0
    for (let i = 0; i < this.#ends.length; i++) {
      out[i] = text.slice(start, this.#ends[i])
      start = this.#ends[i]! + 1
    }
    return out
  }
}

/** Builds one body line run by line run; `bytes` and `lineCount` say how big it is so far. */
export class PayloadBuilder {
  readonly #pool: BodyPool | undefined
  #buffer: Uint8Array
  #ends: Uint32Array
  #lines = 0
  #bytes = 0
  #chars = 0

  /** `expectedBytes` sizes the first buffer (it grows as needed). */
  constructor(pool: BodyPool | undefined, expectedBytes: number) {
    this.#pool = pool
    this.#buffer = acquire(pool, Math.max(expectedBytes, 1024))
    this.#ends = new Uint32Array(256)
  }

  get lineCount(): number {
    return this.#lines
  }

  /** UTF-8 length of the body so far. */
  get bytes(): number {
    return this.#bytes
  }

  /**
   * Appends `lines[from..to)`. `runBytes` = their UTF-8 length with one newline each (an upper
   * bound is fine: it only sizes the buffer).
   */
  append(lines: readonly string[], from: number, to: number, runBytes: number): void {
    if (to <= from) return
    this.#reserve(this.#bytes + runBytes + 1)
    this.#reserveEnds(this.#lines + (to - from))
    for (let start = from; start < to; start += GROUP_LINES) {
      const end = Math.min(to, start + GROUP_LINES)
      let text = lines.slice(start, end).join('\n')
      if (this.#lines > 0) text = `\n${text}`
      for (let i = start; i < end; i++) {
        this.#chars += lines[i]!.length + (this.#lines > 0 ? 1 : 0)
        this.#ends[this.#lines++] = this.#chars
      }
      let result = encoder.encodeInto(text, this.#buffer.subarray(this.#bytes))
      if (result.read < text.length) {
        // runBytes was too small (a serialiser's wrong count): grow to the exact need and finish.
        this.#reserve(this.#bytes + utf8Length(text))
        result = encoder.encodeInto(text, this.#buffer.subarray(this.#bytes))
      }
      this.#bytes += result.written
    }
  }

  finish(): LinePayload {
    return new LinePayload(this.#buffer.subarray(0, this.#bytes), this.#ends.slice(0, this.#lines))
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

/** UTF-8 length of `lines.join('\n')`. */
export function bodyBytes(lines: readonly string[]): number {
  let bytes = lines.length - 1
  for (const line of lines) bytes += utf8Length(line)
  return Math.max(bytes, 0)
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
      if (this.#free[i]!.byteLength >= bytes) return this.#free.splice(i, 1)[0]!
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
    for (let i = 1; i < this.#free.length; i++) if (this.#free[i]!.byteLength < this.#free[smallest]!.byteLength) smallest = i
    if (this.#free[smallest]!.byteLength < whole.byteLength) this.#free[smallest] = whole
  }
}
