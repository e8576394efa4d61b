/**
 * The BatchWriter's side of a disk spool (spool/spool.ts): the lines of `write()` go to disk
 * instead of into batches in memory, and batches are made from what the spool holds, oldest
 * first, as request slots come free. Memory then holds what is on the wire and little else.
 *
 * Each serialiser chunk becomes one spool record. A batch joins consecutive records of one
 * precision up to `batchSize` lines and `maxBatchBytes` bytes; every record of a batch is
 * released once the batch is settled (acknowledged, or reported undelivered).
 */
import type { WritePrecision } from '../line-protocol/precision.js'
import { LineChunk } from '../records/line-chunk.js'
import { Spool, type SpoolInternals, type SpooledRecord } from '../spool/spool.js'
import type { SpoolOptions, SpoolStats } from '../spool/options.js'
import { PayloadBuilder, type BodyPool, type LinePayload } from './batch-payload.js'

/** A batch made of spool records. */
export interface SpooledBatch {
  precision: WritePrecision
  payload: LinePayload
  /** The spool records it holds, released together. */
  records: number[]
}

export class BatchSpool {
  readonly #spool: Spool
  readonly #batchSize: number
  readonly #maxBatchBytes: number
  readonly #bodies: BodyPool

  constructor(
    options: SpoolOptions,
    limits: { batchSize: number; maxBatchBytes: number },
    bodies: BodyPool,
    internals?: SpoolInternals,
  ) {
    this.#spool = Spool.open(options, internals)
    this.#batchSize = limits.batchSize
    this.#maxBatchBytes = limits.maxBatchBytes
    this.#bodies = bodies
  }

  get stats(): SpoolStats {
    return this.#spool.stats
  }

  /** Lines on disk not made into a batch yet. */
  get unreadLines(): number {
    return this.#spool.unreadLines
  }

  /** Called when lines become readable. */
  set onReadable(callback: () => void) {
    this.#spool.onReadable = callback
  }

  /** A `write()` waits for room: batches should not wait to fill up. */
  get waitingForRoom(): boolean {
    return this.#spool.waitingForRoom
  }

  /** A writer waits for room, or more bytes wait to be written than should: add() should pause. */
  get backlogged(): boolean {
    return this.#spool.waitingForRoom || this.#spool.pendingFull
  }

  /** Marks where a `write()` starts; see {@link commit}. */
  mark(): number {
    return this.#spool.mark()
  }

  /** Records stored so far: a flush covers the records below this number. */
  get storedRecords(): number {
    return this.#spool.writtenRecords
  }

  /** Records made into batches so far (and damaged ones passed over). */
  get readRecords(): number {
    return this.#spool.readRecords
  }

  /** The chunk fits in the spool now: {@link store} would not wait for room. */
  hasRoomFor(chunk: LineChunk): boolean {
    return this.#spool.hasRoomFor(chunk.lineCount, chunk.bytes)
  }

  /**
   * Stores a chunk: waits for room under `maxBytes`, copies it into the spool, and waits when
   * too many bytes wait to be written. Resolves `undefined` without waiting when it can.
   */
  store(chunk: LineChunk): Promise<void> | undefined {
    const room = this.#spool.roomFor(chunk.lineCount, chunk.bytes)
    if (room !== undefined) return room.then(() => this.#append(chunk))
    return this.#append(chunk)
  }

  #append(chunk: LineChunk): Promise<void> | undefined {
    this.#spool.append(chunk.precision, chunk.body, chunk.ends)
    return this.#spool.drained()
  }

  /** Resolves once everything stored since `mark` is on disk (synced with `sync: 'write'`); rejects with its SpoolWriteError. */
  commit(mark: number): Promise<void> {
    return this.#spool.commit(mark)
  }

  /**
   * The next batch: the oldest records of one precision, up to a full batch. With `partial`
   * false, `undefined` unless a full batch is there.
   */
  next(partial: boolean): SpooledBatch | undefined {
    if (this.#spool.unreadLines === 0) return undefined
    if (!partial && this.#spool.unreadLines < this.#batchSize) return undefined
    let builder: PayloadBuilder | undefined
    let precision: WritePrecision = 'ns'
    const records: number[] = []
    for (;;) {
      const record: SpooledRecord | undefined = this.#spool.read(
        (p, lines, bytes) =>
          builder === undefined ||
          (p === precision &&
            builder.lineCount + lines <= this.#batchSize &&
            builder.bytes + 1 + bytes <= this.#maxBatchBytes),
      )
      if (record === undefined) break
      if (builder === undefined) {
        builder = new PayloadBuilder(
          this.#bodies,
          Math.min(this.#maxBatchBytes, record.body.length * 2),
          Math.min(this.#batchSize, this.#spool.unreadLines + record.lineCount),
        )
        precision = record.precision
      }
      builder.append(new LineChunk(record.precision, record.body, record.ends, false), 0, record.lineCount)
      records.push(record.seq)
    }
    if (builder === undefined) return undefined
    return { precision, payload: builder.finish(), records }
  }

  /** The batch left: acknowledged, or reported undelivered. */
  release(batch: SpooledBatch): void {
    for (const seq of batch.records) this.#spool.release(seq)
  }

  close(): Promise<void> {
    return this.#spool.close()
  }
}
