/**
 * A batch as it waits and travels: its body as UTF-8 bytes, plus where each line ends.
 *
 * Why bytes and not one joined string: a batch body is hundreds of kilobytes, and V8 puts any
 * string above ~128 KB in large-object space, which only a full collection frees; at volume the
 * dead bodies pile up there and drive the peak RSS. Bytes live outside the JS heap and are freed
 * as soon as their small wrapper dies, and the transport sends them without encoding again.
 * The lines are joined in groups below that size and encoded group by group into one buffer.
 *
 * A {@link BodyPool} lets the writer reuse the buffers of settled batches, so that at volume the
 * bodies cost no allocation at all.
 *
 * The lines themselves are only needed again on the rare paths (413 split, undelivered report);
 * a raw line feed is legal inside a string field, so they are cut by offset, never split on `\n`.
 */
import { bodyBytes } from './batch-assembler.js'

/** Lines joined per encoding step: ~100-byte lines stay well below V8's large-object threshold. */
const GROUP_LINES = 512

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class LinePayload {
  /** UTF-8 of `lines.join('\n')`. */
  readonly body: Uint8Array
  /** `ends[i]` = UTF-16 index just past line i in `lines.join('\n')`. */
  readonly #ends: Uint32Array

  private constructor(body: Uint8Array, ends: Uint32Array) {
    this.body = body
    this.#ends = ends
  }

  /**
   * `bytes`, when known, must be the UTF-8 length of `lines.join('\n')`; it saves a pass.
   * With `pool`, the body is written into a reused buffer: give it back with `pool.release(body)`
   * once nothing reads the payload any more.
   */
  static of(lines: readonly string[], bytes?: number, pool?: BodyPool): LinePayload {
    const ends = new Uint32Array(lines.length)
    let at = 0
    for (let i = 0; i < lines.length; i++) {
      at += lines[i]!.length
      ends[i] = at
      at++ // the newline between lines
    }
    const size = bytes ?? bodyBytes(lines)
    return new LinePayload(encodeLines(lines, pool?.acquire(size) ?? new Uint8Array(size)), ends)
  }

  get lineCount(): number {
    return this.#ends.length
  }

  /** The lines, as they were given to {@link LinePayload.of}. */
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

  /** A view of exactly `bytes` bytes, on a reused buffer when one is large enough. */
  acquire(bytes: number): Uint8Array {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const buffer = this.#free[i]!
      if (buffer.byteLength >= bytes) {
        this.#free.splice(i, 1)
        return buffer.subarray(0, bytes)
      }
    }
    // Headroom, so that the next batch, a few lines longer, still fits the buffer.
    const capacity = Math.ceil((bytes * 1.25) / 65536) * 65536
    return new Uint8Array(capacity).subarray(0, bytes)
  }

  /** Takes back a body from {@link acquire} (or any payload body) whose request is over. */
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

function encodeLines(lines: readonly string[], body: Uint8Array): Uint8Array {
  const bytes = body.byteLength
  let written = 0
  for (let i = 0; i < lines.length; i += GROUP_LINES) {
    const group = lines.slice(i, i + GROUP_LINES).join('\n')
    const text = i + GROUP_LINES < lines.length ? `${group}\n` : group
    const result = encoder.encodeInto(text, body.subarray(written))
    written += result.written
    // A byte count that does not match the text (a serialiser's mistake) must not cut a body short.
    if (result.read !== text.length) return encoder.encode(lines.join('\n'))
  }
  return written === bytes ? body : body.slice(0, written)
}
