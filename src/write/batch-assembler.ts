/**
 * Groups serialised lines into request-sized batches, one open batch per precision, because
 * the precision is a query parameter of the request and cannot vary inside a body. Lines are
 * encoded into the open batch's body as they arrive (see batch-payload.ts for why).
 */
import type { WritePrecision } from '../line-protocol/precision.js'
import { utf8Length } from '../records/serialize.js'
import { PayloadBuilder, type BodyPool, type LinePayload } from './batch-payload.js'

/** A complete batch: one request body. */
export interface AssembledBatch {
  precision: WritePrecision
  payload: LinePayload
}

/** The shape serialisers produce (records/serialize.ts `LineChunk`): `bytes` = UTF-8 length of `lines.join('\n')`. */
export interface LineChunkLike {
  precision: WritePrecision
  lines: string[]
  bytes: number
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

  /** `onBatch` receives each batch the moment it is complete (or sealed early). */
  constructor(limits: { maxLines: number; maxBytes: number }, pool: BodyPool | undefined, onBatch: (batch: AssembledBatch) => void) {
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
  add(chunk: LineChunkLike): void {
    const { precision, lines } = chunk
    if (lines.length === 0) return
    const ascii = isAsciiChunk(chunk)
    let open = this.#open.get(precision)
    // What the open batch will hold once the pending run [runStart, i) is appended.
    let bytes = open?.bytes ?? 0
    let count = open?.lineCount ?? 0
    let runStart = 0
    let runBytes = 0
    const appendRun = (end: number): void => {
      if (end <= runStart) return
      open ??= this.#openBatch(precision)
      open.append(lines, runStart, end, runBytes)
      this.#openLines += end - runStart
      runStart = end
      runBytes = 0
    }
    const complete = (): void => {
      if (open !== undefined) this.#complete(precision, open)
      open = undefined
      bytes = 0
      count = 0
    }
    for (let i = 0; i < lines.length; i++) {
      const size = ascii ? lines[i]!.length : utf8Length(lines[i]!)
      // Each line after the first adds its separating newline.
      if (count > 0 && bytes + 1 + size > this.#maxBytes) {
        appendRun(i)
        complete()
      }
      bytes += count > 0 ? size + 1 : size
      runBytes += size + 1
      count++
      if (count >= this.#maxLines) {
        appendRun(i + 1)
        complete()
      }
    }
    appendRun(lines.length)
  }

  /** Completes every open batch now, in the order their precisions were first seen. */
  sealAll(): void {
    for (const [precision, open] of [...this.#open]) this.#complete(precision, open)
  }

  #openBatch(precision: WritePrecision): PayloadBuilder {
    const open = new PayloadBuilder(this.#pool, Math.min(this.#maxBytes, this.#lastBytes))
    this.#open.set(precision, open)
    return open
  }

  #complete(precision: WritePrecision, open: PayloadBuilder): void {
    this.#open.delete(precision)
    if (open.lineCount === 0) return
    this.#openLines -= open.lineCount
    this.#lastBytes = Math.max(open.bytes, 1024)
    this.#onBatch({ precision, payload: open.finish() })
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
