/**
 * A run of serialised lines of one precision: the request body, as UTF-8 bytes, and where each
 * line ends in it. Serialisers write into bytes directly (line-protocol/line-writer.ts), so a
 * chunk is sent as it is; the lines come back as text only on the rare paths that need them
 * (a 413 split, a report of undelivered lines, a partial write, tests).
 */
import { decodeUtf8Range, LineWriter, recycleBuffer, recycleEnds } from '../line-protocol/line-writer.js'
import type { WritePrecision } from '../line-protocol/precision.js'

/** Lines of one precision, ready to be sent as one request body. */
export class LineChunk {
  readonly precision: WritePrecision
  /** The lines joined by `\n`, as UTF-8. */
  readonly body: Uint8Array
  /** `ends[i]` = byte offset in {@link body} just past line `i`. */
  readonly ends: Uint32Array

  /** True when the buffers of the body and the ends are this chunk's alone (not slices of others). */
  readonly #ownsBuffer: boolean
  #recycled = false

  constructor(precision: WritePrecision, body: Uint8Array, ends: Uint32Array, ownsBuffer = true) {
    this.precision = precision
    this.body = body
    this.ends = ends
    this.#ownsBuffer = ownsBuffer
  }

  /**
   * Says that nothing will read this chunk (or a slice of it) again, so that its buffer can
   * serve the next chunk. Optional: a chunk that is simply dropped is collected as usual.
   */
  recycle(): void {
    if (!this.#ownsBuffer || this.#recycled) return
    this.#recycled = true
    recycleBuffer(this.body)
    recycleEnds(this.ends)
  }

  /** A chunk of the given lines (each already line protocol, without `\n`). */
  static fromLines(precision: WritePrecision, lines: readonly string[]): LineChunk {
    const { body, ends } = encodeLines(lines)
    return new LineChunk(precision, body, ends)
  }

  /** How many lines the chunk holds. */
  get lineCount(): number {
    return this.ends.length
  }

  /** UTF-8 length of the body. */
  get bytes(): number {
    return this.body.length
  }

  /** Where line `index` starts in the body. */
  lineStart(index: number): number {
    return index === 0 ? 0 : this.ends[index - 1] + 1
  }

  /** The lines as text, decoded afresh on every call. */
  get lines(): string[] {
    return decodeLines(this.body, this.ends)
  }

  /** Lines `[from, to)` as a chunk that shares this chunk's bytes. */
  slice(from: number, to: number): LineChunk {
    const start = this.lineStart(from)
    const ends = this.ends.slice(from, to)
    for (let i = 0; i < ends.length; i++) ends[i] = ends[i] - start
    const end = to > from ? this.ends[to - 1] : start
    return new LineChunk(this.precision, this.body.subarray(start, end), ends, false)
  }
}

/** `lines` joined by `\n` as UTF-8, with the byte offset just past each line. */
export function encodeLines(lines: readonly string[]): { body: Uint8Array; ends: Uint32Array } {
  const writer = new LineWriter(1024)
  for (const line of lines) writer.line(line)
  return writer.cut(writer.lineCount)
}

/** The lines of a body, cut at the given line ends (never split on `\n`: string fields may hold one). */
export function decodeLines(body: Uint8Array, ends: Uint32Array): string[] {
  const out = new Array<string>(ends.length)
  let start = 0
  for (let i = 0; i < ends.length; i++) {
    out[i] = decodeUtf8Range(body, start, ends[i])
    start = ends[i] + 1
  }
  return out
}
