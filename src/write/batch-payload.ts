/**
 * A batch as it waits and travels: its body as UTF-8 bytes, plus where each line ends.
 *
 * Why bytes and not one joined string: a batch body is hundreds of kilobytes, and V8 puts any
 * string above ~128 KB in large-object space, which only a full collection frees; at volume the
 * dead bodies pile up there and drive the peak RSS. Bytes live outside the JS heap and are freed
 * as soon as their small wrapper dies, and the transport sends them without encoding again.
 * The lines are joined in groups below that size and encoded group by group into one buffer.
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

  /** `bytes`, when known, must be the UTF-8 length of `lines.join('\n')`; it saves a pass. */
  static of(lines: readonly string[], bytes?: number): LinePayload {
    const ends = new Uint32Array(lines.length)
    let at = 0
    for (let i = 0; i < lines.length; i++) {
      at += lines[i]!.length
      ends[i] = at
      at++ // the newline between lines
    }
    return new LinePayload(encodeLines(lines, bytes ?? bodyBytes(lines)), ends)
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

function encodeLines(lines: readonly string[], bytes: number): Uint8Array {
  const body = new Uint8Array(bytes)
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
