/**
 * Groups serialised lines into request-sized batches, one open batch per precision, because
 * the precision is a query parameter of the request and cannot vary inside a body.
 */
import type { WritePrecision } from '../line-protocol/precision.js'

/** A run of lines that go out as one request body. */
export interface AssembledBatch {
  precision: WritePrecision
  lines: string[]
  /** UTF-8 length of the body including the newlines between and after lines. */
  bytes: number
}

/** The shape serialisers produce (records/serialize.ts `LineChunk`). */
export interface LineChunkLike {
  precision: WritePrecision
  lines: string[]
  bytes: number
}

const utf8 = new TextEncoder()

/** UTF-8 length of a line plus its newline. */
export function lineBytes(line: string): number {
  // Line protocol is overwhelmingly ASCII; only pay for a real count when it is not.
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) > 0x7f) return utf8.encode(line).length + 1
  }
  return line.length + 1
}

export class BatchAssembler {
  readonly #maxLines: number
  readonly #maxBytes: number
  readonly #onBatch: (batch: AssembledBatch) => void
  readonly #open = new Map<WritePrecision, AssembledBatch>()
  #openLines = 0

  /** `onBatch` receives each batch the moment it is complete (or sealed early). */
  constructor(limits: { maxLines: number; maxBytes: number }, onBatch: (batch: AssembledBatch) => void) {
    this.#maxLines = limits.maxLines
    this.#maxBytes = limits.maxBytes
    this.#onBatch = onBatch
  }

  /** Lines sitting in batches that are not complete yet. */
  get openLines(): number {
    return this.#openLines
  }

  /**
   * Adds a chunk's lines in order. A batch is complete when it holds `maxLines` lines, or when
   * the next line would push it past `maxBytes` (a single larger line travels alone).
   */
  add(chunk: LineChunkLike): void {
    const count = chunk.lines.length
    if (count === 0) return
    const open = this.#open.get(chunk.precision)
    // A full chunk that fits needs no copying: it becomes the batch as it is.
    if (open === undefined && count === this.#maxLines && chunk.bytes <= this.#maxBytes) {
      this.#onBatch({ precision: chunk.precision, lines: chunk.lines, bytes: chunk.bytes })
      return
    }
    const ascii = isAsciiChunk(chunk)
    let batch = open ?? this.#openBatch(chunk.precision)
    for (const line of chunk.lines) {
      const size = ascii ? line.length + 1 : lineBytes(line)
      if (batch.lines.length > 0 && batch.bytes + size > this.#maxBytes) {
        this.#complete(batch)
        batch = this.#openBatch(chunk.precision)
      }
      batch.lines.push(line)
      batch.bytes += size
      this.#openLines++
      if (batch.lines.length >= this.#maxLines) {
        this.#complete(batch)
        batch = this.#openBatch(chunk.precision)
      }
    }
    if (batch.lines.length === 0) this.#open.delete(chunk.precision)
  }

  /** Completes every open batch now, in the order their precisions were first seen. */
  sealAll(): void {
    for (const batch of [...this.#open.values()]) this.#complete(batch)
  }

  #openBatch(precision: WritePrecision): AssembledBatch {
    const batch: AssembledBatch = { precision, lines: [], bytes: 0 }
    this.#open.set(precision, batch)
    return batch
  }

  #complete(batch: AssembledBatch): void {
    this.#open.delete(batch.precision)
    if (batch.lines.length === 0) return
    this.#openLines -= batch.lines.length
    this.#onBatch(batch)
  }
}

/** True when every character is ASCII, judged from the chunk's own byte count. */
function isAsciiChunk(chunk: LineChunkLike): boolean {
  let chars = 0
  for (const line of chunk.lines) chars += line.length + 1
  return chars === chunk.bytes
}
