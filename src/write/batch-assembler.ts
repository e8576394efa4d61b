/**
 * Groups serialised lines into request-sized batches, one open batch per precision, because
 * the precision is a query parameter of the request and cannot vary inside a body. The bytes of
 * each chunk are copied into the open batch's body as they arrive (see batch-payload.ts for why).
 */
import type { WritePrecision } from '../line-protocol/precision.js'
import type { LineChunk } from '../records/line-chunk.js'
import { PayloadBuilder, type BodyPool, type LinePayload } from './batch-payload.js'

/** A complete batch: one request body. */
export interface AssembledBatch {
  precision: WritePrecision
  payload: LinePayload
}

export class BatchAssembler {
  readonly #maxLines: number
  readonly #maxBytes: number
  readonly #pool: BodyPool | undefined
  readonly #onBatch: (batch: AssembledBatch) => void
  readonly #open = new Map<WritePrecision, PayloadBuilder>()
  #openLines = 0
  /** Size of the last complete batch: the first guess for the next buffer. */
  #lastBytes = 64 * 1024
  /** Lines of the last complete batch: the first guess for the next one's line ends. */
  #lastLines = 256

  /** `onBatch` receives each batch the moment it is complete (or sealed early). */
  constructor(
    limits: { maxLines: number; maxBytes: number },
    pool: BodyPool | undefined,
    onBatch: (batch: AssembledBatch) => void,
  ) {
    this.#maxLines = limits.maxLines
    this.#maxBytes = limits.maxBytes
    this.#pool = pool
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
  add(chunk: LineChunk): void {
    const precision = chunk.precision
    const count = chunk.lineCount
    if (count === 0) return
    const ends = chunk.ends
    let open = this.#open.get(precision)
    // What the open batch will hold once the pending run [runStart, i) is appended.
    let bytes = open?.bytes ?? 0
    let lines = open?.lineCount ?? 0
    let runStart = 0
    let lineStart = 0
    for (let i = 0; i < count; i++) {
      const size = ends[i] - lineStart
      lineStart = ends[i] + 1
      // Each line after the first adds its separating newline.
      if (lines > 0 && bytes + 1 + size > this.#maxBytes) {
        open = this.#appendRun(precision, open, chunk, runStart, i)
        runStart = i
        if (open !== undefined) this.#complete(precision, open)
        open = undefined
        bytes = 0
        lines = 0
      }
      bytes += lines > 0 ? size + 1 : size
      lines++
      if (lines >= this.#maxLines) {
        open = this.#appendRun(precision, open, chunk, runStart, i + 1)
        runStart = i + 1
        this.#complete(precision, open)
        open = undefined
        bytes = 0
        lines = 0
      }
    }
    this.#appendRun(precision, open, chunk, runStart, count)
  }

  /** Appends lines `[from, to)` of `chunk` to the open batch, opening one when needed. */
  #appendRun(
    precision: WritePrecision,
    open: PayloadBuilder | undefined,
    chunk: LineChunk,
    from: number,
    to: number,
  ): PayloadBuilder {
    const batch = open ?? this.#openBatch(precision)
    if (to > from) {
      batch.append(chunk, from, to)
      this.#openLines += to - from
    }
    return batch
  }

  /** Completes every open batch now, in the order their precisions were first seen. */
  sealAll(): void {
    for (const [precision, open] of [...this.#open]) this.#complete(precision, open)
  }

  #openBatch(precision: WritePrecision): PayloadBuilder {
    const open = new PayloadBuilder(this.#pool, Math.min(this.#maxBytes, this.#lastBytes), this.#lastLines)
    this.#open.set(precision, open)
    return open
  }

  #complete(precision: WritePrecision, open: PayloadBuilder): void {
    this.#open.delete(precision)
    if (open.lineCount === 0) return
    this.#openLines -= open.lineCount
    this.#lastBytes = Math.max(open.bytes, 1024)
    this.#lastLines = Math.max(open.lineCount, 256)
    this.#onBatch({ precision, payload: open.finish() })
  }
}
