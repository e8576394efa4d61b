/**
 * Groups serialised lines into request-sized batches, one open batch per precision, because
 * the precision is a query parameter of the request and cannot vary inside a body.
 */
import type { WritePrecision } from '../line-protocol/precision.js'
import { utf8Length } from '../records/serialize.js'

/** A run of lines that go out as one request body. */
export interface AssembledBatch {
  precision: WritePrecision
  lines: string[]
  /** UTF-8 length of the body, `lines.join('\n')`. */
  bytes: number
}

/** The shape serialisers produce (records/serialize.ts `LineChunk`): `bytes` = UTF-8 length of `lines.join('\n')`. */
export interface LineChunkLike {
  precision: WritePrecision
  lines: string[]
  bytes: number
}

/** UTF-8 length of `lines.join('\n')`. */
export function bodyBytes(lines: readonly string[]): number {
  let bytes = lines.length - 1
  for (const line of lines) bytes += utf8Length(line)
  return Math.max(bytes, 0)
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
      const size = ascii ? line.length : utf8Length(line)
      // Each line after the first adds its separating newline.
      if (batch.lines.length > 0 && batch.bytes + 1 + size > this.#maxBytes) {
        this.#complete(batch)
        batch = this.#openBatch(chunk.precision)
      }
      batch.bytes += batch.lines.length > 0 ? size + 1 : size
      batch.lines.push(line)
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

/**
 * True when every character is ASCII, judged from the chunk's own byte count: UTF-8 never has
 * fewer bytes than UTF-16 code units, and has as many only for ASCII.
 */
function isAsciiChunk(chunk: LineChunkLike): boolean {
  let units = chunk.lines.length - 1
  for (const line of chunk.lines) units += line.length
  return units === chunk.bytes
}
