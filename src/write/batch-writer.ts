/**
 * BatchWriter: writes at volume with bounded memory, bounded concurrency and retries that never
 * lose a point.
 *
 * How a line travels:
 *   write(records) ─► serialiser chunks ─► LineBudget (waits while maxBufferedLines are held)
 *     ─► BatchAssembler (one open batch per precision) ─► queue of complete batches
 *     ─► at most maxInFlight deliveries (send, retry, split on 413) ─► acknowledged or undelivered.
 * A line holds its place in the budget until the server acknowledged it or it was declared
 * undelivered, so batches waiting for a retry stop producers instead of growing memory.
 *
 * Users get one from `client.writeApi().batchWriter(options)` (write/batch-factory.ts wires the
 * transport); the constructor takes the sending and serialising functions so it can be driven
 * by anything.
 */
import { ClosedError, InvalidArgumentError, RecordError, RequestAbortedError } from '../errors.js'
import { isWritePrecision, type WritePrecision } from '../line-protocol/precision.js'
import type { RetryOptions } from '../http/retry.js'
import type { ReadAnyRecordOptions, WriteRecords } from './write-options.js'
import { BatchAssembler, type AssembledBatch } from './batch-assembler.js'
import { LineChunk } from '../records/line-chunk.js'
import { LineWriter } from '../line-protocol/line-writer.js'
import { LineBudget } from './batch-line-budget.js'
import { BodyPool, keepPayloadMapsAlive, type LinePayload } from './batch-payload.js'
import { keepMapAlive } from '../map-anchors.js'
import { keepSerializerMapsAlive } from '../records/serialize.js'
import { asError, deliverBatch, type DeliveryOutcome, type RetryDecider, type SendBody } from './batch-delivery.js'
import type { BatchSerializer, LoneRecordWriter } from './batch-serializer.js'
import type { SerializeContext } from '../records/options.js'
import { SettlementLedger } from './batch-ledger.js'
import type { Writable } from 'node:stream'
import { toNodeWritable, toWritableStream, type BatchStreamOptions } from './batch-streams.js'
import { BatchSpool, type SpooledBatch } from './batch-spool.js'
import type { SpoolInternals } from '../spool/spool.js'
import type { SpoolStats } from '../spool/options.js'
import {
  makeRetry,
  pickRecordOptions,
  validateOptions,
  type BatchWriteOptions,
  type BatchWriterOptions,
} from './batch-options.js'

/** A snapshot of the writer's counters. */
export interface BatchWriterStats {
  /** Lines held now: open batches, queued, on the wire, waiting for a retry. */
  bufferedLines: number
  /** The highest `bufferedLines` so far; never above `maxBufferedLines`. */
  peakBufferedLines: number
  /** Requests on the wire now. */
  inFlight: number
  /** The highest `inFlight` so far; never above `maxInFlight`. */
  peakInFlight: number
  /** Complete batches waiting for a free request slot. */
  queuedBatches: number
  /** Batches waiting out a retry delay. */
  retryWaits: number
  /** Lines acknowledged by the server. */
  writtenLines: number
  /** Lines declared undelivered. */
  failedLines: number
  /** Attempts to send a batch (or a 413 half), including retries; one refused by a closed client counts too. */
  requests: number
  /** With a spool: what it holds (bytes, lines, the oldest line) and the damage it found. */
  spool?: SpoolStats
}

/** What {@link BatchWriter} needs from the client. */
export interface BatchWriterContext {
  send: SendBody
  /** Turns records into line chunks; `serializeForBatch` from write/batch-factory.ts in the client. */
  serialize: BatchSerializer
  /** Writes a single Point or object record without the serialiser's chunking (the per-record fast path). */
  lone?: LoneRecordWriter
  defaultTags?: Readonly<Record<string, string>>
  /** The client's retry settings, overridden field by field by `options.retry`. */
  retry?: RetryOptions | false
  /** Fires when the client is closed: retry waits end, and their lines are reported undelivered. */
  stop?: AbortSignal
  /** For tests: the spool's file system and segment size. */
  spoolInternals?: SpoolInternals
}

/** A macrotask, so that pending I/O is handled first (setImmediate where it exists). */
const scheduleMacrotask: (callback: () => void) => void =
  typeof setImmediate === 'function' ? (callback) => setImmediate(callback) : (callback) => setTimeout(callback, 0)

/**
 * Lines per chunk asked of the serialiser. Small chunks are encoded into the open batch while
 * their strings are still young, so they never reach the old generation (see batch-payload.ts).
 */
const SERIALIZE_CHUNK_LINES = 512

/** What `write(record)` returns when the record was taken at once: no promise per record. */
const TAKEN: Promise<void> = Promise.resolve()

/** A complete batch: what waits in the queue and travels. */
interface SealedBatch {
  seq: number
  precision: WritePrecision
  payload: LinePayload
  /** The spool records it was made of. */
  spooled?: SpooledBatch
}

type CallbackName = 'onBatchWritten' | 'onBatchFailed'

interface IdleWaiter {
  isIdle: () => boolean
  resolve: () => void
}

/**
 * Buffers records into batches and writes them in the background, with backpressure
 * (`write()` waits while the buffer is full), at most `maxInFlight` requests at once, and
 * retries. `flush()` waits for acknowledgement; `close()` (or `await using`) drains everything
 * and rejects with {@link UndeliveredLinesError} if any line could not be written.
 *
 * `Records` is what `write()` takes without per-call options: {@link WriteRecords}, whose object keys TypeScript
 * checks, or `unknown` for a writer made with record or table options ({@link ReadAnyRecordOptions}).
 */
export class BatchWriter<Records = WriteRecords> implements AsyncDisposable {
  readonly #ctx: Required<Pick<BatchWriterContext, 'send' | 'serialize'>> & {
    defaultTags: Readonly<Record<string, string>>
  }
  readonly #precision: WritePrecision
  readonly #batchSize: number
  readonly #flushInterval: number
  readonly #maxInFlight: number
  readonly #baseContext: SerializeContext
  readonly #limits: { maxLines: number; maxBytes: number }
  readonly #retry: RetryDecider | undefined
  readonly #stop: AbortSignal | undefined
  readonly #onWritten: BatchWriterOptions['onBatchWritten']
  readonly #onFailed: BatchWriterOptions['onBatchFailed']
  readonly #abort = new AbortController()
  readonly #budget: LineBudget
  readonly #bodies: BodyPool
  readonly #assembler: BatchAssembler
  readonly #queue: SealedBatch[] = []
  #queueHead = 0
  readonly #ledger = new SettlementLedger()
  #slotsBusy = 0
  #activeWrites = 0
  /** A batch was queued since write() last let the event loop run. */
  #yieldDue = false
  #timer: ReturnType<typeof setTimeout> | undefined
  #closed = false
  #closePromise: Promise<void> | undefined
  #idleWaiters: IdleWaiter[] = []
  #externalSignal: AbortSignal | undefined
  readonly #lone: LoneRecordWriter | undefined
  /** `undefined` when there are none, so that records skip the default-tag merge entirely. */
  readonly #loneDefaultTags: Readonly<Record<string, string>> | undefined
  /** Lone records' lines, budgeted, until a chunk's worth (or a seal) hands them to the assembler. */
  readonly #staged = new LineWriter(64 * 1024)
  #stagedPrecision: WritePrecision = 'ns'
  /** add() calls whose lines wait for room. */
  #pendingAdds = 0
  /** add() returned false: 'drain' is owed. */
  #drainOwed = false
  #drainYieldScheduled = false
  #drainWaiters: (() => void)[] = []
  readonly #drainListeners = new Set<() => void>()
  readonly #onExternalAbort = (): void => this.abort(this.#externalSignal?.reason)
  readonly #stats = { inFlight: 0, peakInFlight: 0, retryWaits: 0, writtenLines: 0, failedLines: 0, requests: 0 }
  readonly #spool: BatchSpool | undefined
  /** flush() calls waiting for the spool to be read up to their mark. */
  #spoolFlushes = 0
  /** Lines of spooled batches in memory (on the wire or waiting for a retry). */
  #spoolLinesHeld = 0
  #partialTimer: ReturnType<typeof setTimeout> | undefined
  #partialDue = false
  /** A pump of the spool is scheduled (see #schedulePump). */
  #pumpScheduled = false
  /** The callback whose synchronous part is running now, if any (see #reentrantError). */
  #runningCallback: CallbackName | undefined
  /** Batches whose outcome is recorded and whose callbacks still run: settled at once by abort(). */
  readonly #inCallbacks = new Set<number>()

  /**
   * Makes a writer around the client's transport. Users call `client.writeApi().batchWriter(options)`.
   * @internal
   */
  static create<Records = WriteRecords>(
    options: BatchWriterOptions,
    context: BatchWriterContext,
  ): BatchWriter<Records> {
    return new BatchWriter<Records>(options, context)
  }

  private constructor(options: BatchWriterOptions, context: BatchWriterContext) {
    if (!idleWriterKept) keepIdleWriterAlive(context)
    const o = validateOptions(options)
    this.#precision = o.writePrecision
    this.#batchSize = o.batchSize
    this.#flushInterval = o.flushInterval
    this.#maxInFlight = o.maxInFlight
    this.#retry = makeRetry(context.retry, options.retry)
    this.#stop = context.stop
    this.#onWritten = options.onBatchWritten
    this.#onFailed = options.onBatchFailed
    this.#ctx = {
      send: context.send,
      serialize: context.serialize,
      // Frozen: the serialiser may then escape them once for every line (see line-protocol/default-tag-merge.ts).
      defaultTags: frozenTags(context.defaultTags ?? {}),
    }
    this.#baseContext = {
      ...pickRecordOptions(options),
      precision: o.writePrecision,
      defaultTags: this.#ctx.defaultTags,
    }
    this.#lone = context.lone
    this.#loneDefaultTags = Object.keys(this.#ctx.defaultTags).length === 0 ? undefined : this.#ctx.defaultTags
    this.#limits = { maxLines: Math.min(o.batchSize, SERIALIZE_CHUNK_LINES), maxBytes: o.maxBatchBytes }
    this.#budget = new LineBudget(o.maxBufferedLines)
    // As many buffers as full batches fit in the budget: what can be in use at once.
    this.#bodies = new BodyPool(Math.ceil(o.maxBufferedLines / o.batchSize) + 1)
    this.#assembler = new BatchAssembler({ maxLines: o.batchSize, maxBytes: o.maxBatchBytes }, this.#bodies, (b) =>
      this.#enqueue(b),
    )
    if (options.spool !== undefined) {
      this.#spool = new BatchSpool(
        options.spool,
        { batchSize: o.batchSize, maxBatchBytes: o.maxBatchBytes },
        this.#bodies,
        context.spoolInternals,
      )
      this.#spool.onReadable = () => this.#schedulePump()
      // Lines left by an earlier writer go first.
      if (this.#spool.unreadLines > 0) scheduleMacrotask(() => this.#pump())
    }
    if (options.signal !== undefined) {
      this.#externalSignal = options.signal
      if (options.signal.aborted) this.abort(options.signal.reason)
      else options.signal.addEventListener('abort', this.#onExternalAbort, { once: true })
    }
  }

  /** The writer's counters right now. */
  get stats(): BatchWriterStats {
    return {
      bufferedLines: this.#spool === undefined ? this.#budget.used : this.#spoolLinesHeld,
      peakBufferedLines: this.#budget.peak,
      inFlight: this.#stats.inFlight,
      peakInFlight: this.#stats.peakInFlight,
      queuedBatches: this.#queue.length - this.#queueHead,
      retryWaits: this.#stats.retryWaits,
      writtenLines: this.#stats.writtenLines,
      failedLines: this.#stats.failedLines,
      requests: this.#stats.requests,
      ...(this.#spool !== undefined ? { spool: this.#spool.stats } : {}),
    }
  }

  /** True once `close()` or `abort()` was called: further writes throw {@link ClosedError}. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Buffers `records` (every kind `WriteApiAsync.write` takes, including async iterables, which
   * are consumed as they produce). Resolves once every line is buffered, waiting whenever the
   * buffer is full. Records are validated as they are serialised: on a bad record it rejects
   * with a `RecordError` naming it; the records before it in this call stay buffered and are
   * written, none after it is. Rejects with {@link ClosedError} after `close()`, and with the
   * `UndeliveredLinesError` of the lines not yet reported when more than `maxBufferedLines` of
   * them wait: at the start of the call it then takes none of `records`; a source other than an
   * array (a generator or other iterable, sync or async) is also checked as it streams, and then
   * what it yielded before is buffered, the rest not read.
   */
  write(records: Records, options?: BatchWriteOptions): Promise<void>
  /** Buffers records of any shape, read through this call's record or table options; see {@link BatchWriter.write}. */
  write(records: unknown, options: BatchWriteOptions & ReadAnyRecordOptions): Promise<void>
  write(records: unknown, options?: BatchWriteOptions): Promise<void> {
    const reentrant = this.#runningCallback
    if (this.#spool !== undefined) return this.#writeSpooled(this.#spool, records, options, reentrant)
    // One Point or object record, with room in the buffer: written at once, with no walk and no
    // promise of its own (only a turn of the event loop once per batch, see #yieldToIo).
    if (options === undefined && !this.#closed && this.#lone?.accepts(records) === true) {
      try {
        if (this.#takeLone(records)) return this.#yieldDue ? this.#yieldToIo() : TAKEN
      } catch (error) {
        return Promise.reject(asError(error))
      }
    }
    return this.#writeMany(records, options, reentrant)
  }

  /**
   * Adds `records` synchronously, following Node streams' `writable.write()` convention: returns
   * true while there is room for more, and false when the caller should stop and wait for
   * {@link drained} (or an {@link onDrain} listener) before adding more. False comes when the
   * buffer holds `maxBufferedLines`, and also once per complete batch, so that a loop that only
   * adds lets the event loop send batches and read answers. The records are taken either way:
   * what does not fit waits, outside the buffer, for room (as a Node stream buffers past its
   * high-water mark), so a caller that ignores false grows memory.
   *
   * Takes every kind of record `write()` takes except async iterables. A bad record throws its
   * `RecordError` here, and nothing of this call is taken; records of earlier calls stay. Throws
   * {@link ClosedError} after `close()` or `abort()`, and the `UndeliveredLinesError` of lines not
   * yet reported once more than `maxBufferedLines` of them wait (taking none of `records`).
   * Nothing it does can become an unhandled rejection.
   */
  add(records: Records, options?: BatchWriteOptions): boolean
  /** Adds records of any shape, read through this call's record or table options; see {@link BatchWriter.add}. */
  add(records: unknown, options: BatchWriteOptions & ReadAnyRecordOptions): boolean
  add(records: unknown, options?: BatchWriteOptions): boolean {
    if (this.#closed) throw new ClosedError('add() on a BatchWriter that was closed')
    if (this.#spool !== undefined) {
      this.#addSpooled(this.#spool, records, options)
      return this.#hasRoom()
    }
    if (options !== undefined || this.#lone?.accepts(records) !== true || !this.#takeLone(records))
      this.#addChunks(records, options)
    return this.#hasRoom()
  }

  /**
   * Resolves when {@link add} may be called again: at once when there is room, else when the
   * buffer has room and every line of earlier `add()` calls is in it ("drain"). Also resolves
   * when the writer is aborted (the next `add()` then throws).
   */
  drained(): Promise<void> {
    // #hasRoom() may have fired the drain it found owed already (an aborted writer).
    if (this.#hasRoom() || !this.#drainOwed) return TAKEN
    const reentrant = this.#reentrantError('drained')
    if (reentrant !== undefined) return Promise.reject(reentrant)
    return new Promise<void>((resolve) => this.#drainWaiters.push(resolve))
  }

  /**
   * Calls `listener` at every "drain": each time {@link add} returned false and room came back.
   * Returns a function that removes the listener. An error the listener throws is reported as a
   * callback error by the next `flush()` or `close()`.
   */
  onDrain(listener: () => void): () => void {
    this.#drainListeners.add(listener)
    return () => this.#drainListeners.delete(listener)
  }

  /** True when add() may go on; otherwise a drain is owed and will come. */
  #hasRoom(): boolean {
    // With a spool, add() goes on while the spool has room and its writes keep up; the lines of
    // earlier calls are then being stored (see #addSpooled).
    const busy =
      this.#spool !== undefined
        ? this.#spool.backlogged
        : this.#pendingAdds > 0 || this.#budget.used >= this.#budget.limit
    if (!busy && !this.#yieldDue && !this.#closed) return true
    this.#drainOwed = true
    this.#maybeDrain()
    return false
  }

  #maybeDrain(): void {
    if (!this.#drainOwed) return
    if (this.#yieldDue) {
      if (!this.#drainYieldScheduled) {
        this.#drainYieldScheduled = true
        scheduleMacrotask(() => {
          this.#drainYieldScheduled = false
          this.#yieldDue = false
          this.#maybeDrain()
        })
      }
      return
    }
    if (
      this.#spool !== undefined
        ? this.#spool.backlogged && !this.#closed
        : this.#pendingAdds > 0 || (this.#budget.used >= this.#budget.limit && !this.#closed)
    )
      return
    this.#fireDrain()
  }

  #fireDrain(): void {
    this.#drainOwed = false
    const waiters = this.#drainWaiters
    this.#drainWaiters = []
    for (const resolve of waiters) resolve()
    for (const listener of this.#drainListeners) {
      try {
        listener()
      } catch (error) {
        this.#ledger.recordCallbackError(error)
      }
    }
  }

  /**
   * Writes one lone record into the staged lines when there is room right now and returns true;
   * returns false, having done nothing, when there is none. Throws a bad record's `RecordError`.
   */
  #takeLone(record: object): boolean {
    this.#reportPiledUpFailures()
    if (!this.#budget.tryTake(1)) return false
    const lone = this.#lone as LoneRecordWriter
    const precision = lone.precision(record, this.#precision)
    const staged = this.#staged
    if (precision !== this.#stagedPrecision && staged.lineCount > 0) this.#flushStaged()
    this.#stagedPrecision = precision
    try {
      lone.write(staged, record, precision, this.#baseContext, this.#loneDefaultTags)
    } catch (error) {
      this.#budget.release(1)
      throw error
    }
    if (staged.lineCount >= this.#limits.maxLines || staged.bodyLength >= this.#limits.maxBytes) this.#flushStaged()
    else if (this.#timer === undefined) this.#armTimer()
    return true
  }

  /**
   * A Node object-mode `stream.Writable` that writes each record it is given through this writer,
   * for `pipeline(source, writer.nodeWritable())`. Backpressure follows `maxBufferedLines`; the
   * stream finishes once every line is acknowledged (flushing the writer, or closing it with
   * `{ closeWriter: true }`) and errors with the `UndeliveredLinesError` of lines that could not
   * be delivered; destroying it before it finished aborts the writer. Needs `node:stream`
   * (Node, Bun, Deno); see {@link writableStream} elsewhere.
   */
  nodeWritable(options?: BatchStreamOptions): Writable {
    return toNodeWritable(this, options)
  }

  /**
   * A WHATWG `WritableStream` that writes each record through this writer, for
   * `readable.pipeTo(writer.writableStream())` in any runtime. Same rules as {@link nodeWritable};
   * aborting the stream aborts the writer.
   */
  writableStream(options?: BatchStreamOptions): WritableStream<unknown> {
    return toWritableStream(this, options)
  }

  /** Hands the staged lines (their room already taken) to the assembler, ahead of anything newer. */
  #flushStaged(): void {
    const staged = this.#staged
    if (staged.lineCount === 0) return
    this.#assemble(new LineChunk(this.#stagedPrecision, staged.body(), staged.lineEnds(), false))
    staged.clear()
  }

  /** add() of anything but a lone record with room: serialised in full first, then buffered or left waiting. */
  #addChunks(records: unknown, options: BatchWriteOptions | undefined): void {
    this.#reportPiledUpFailures()
    const chunks = this.#ctx.serialize(records, this.#serializeContext(options), this.#limits)
    if (Symbol.asyncIterator in chunks) {
      throw new InvalidArgumentError(
        'add() takes records that can be read at once: pass an async iterable to write() or writeAll()',
      )
    }
    // All of them before any is buffered: a bad record throws here, and nothing of this call is taken.
    const all = [...chunks]
    for (const chunk of all) {
      for (let from = 0; from < chunk.lineCount; from += this.#batchSize) {
        const piece =
          from === 0 && chunk.lineCount <= this.#batchSize
            ? chunk
            : chunk.slice(from, Math.min(chunk.lineCount, from + this.#batchSize))
        const wait = this.#accept(piece)
        if (wait === undefined) continue
        // No room: the piece waits its turn; close() waits for it as for a running write().
        this.#pendingAdds++
        this.#activeWrites++
        wait.then(
          () => this.#endPendingAdd(),
          (error: unknown) => {
            this.#lose(piece, error)
            this.#endPendingAdd()
          },
        )
      }
    }
  }

  #endPendingAdd(): void {
    this.#pendingAdds--
    this.#activeWrites--
    this.#checkIdle()
    this.#maybeDrain()
  }

  /** Lines that never reached a batch (the writer was aborted while they waited for room): undelivered. */
  #lose(chunk: LineChunk, error: unknown): void {
    const seq = this.#ledger.open()
    this.#stats.failedLines += chunk.lineCount
    this.#ledger.recordFailure(seq, { lines: chunk.lines, precision: chunk.precision, reason: asError(error) })
    this.#ledger.settle(seq)
  }

  /** `reentrant`: called from inside a callback, so a wait for room rejects instead (see #reentrantError). */
  async #writeMany(records: unknown, options: BatchWriteOptions | undefined, reentrant?: CallbackName): Promise<void> {
    if (this.#closed) throw new ClosedError('write() on a BatchWriter that was closed')
    // Undelivered lines wait in memory for a flush() or close() to report them. A producer that
    // never flushes, facing a server that refuses everything, would pile them up without bound:
    // past maxBufferedLines they are reported here instead, and this call takes nothing.
    this.#reportPiledUpFailures()
    if (options === undefined && this.#lone !== undefined && isAsyncSource(records))
      return this.#writeAsyncSource(records, reentrant)
    this.#activeWrites++
    try {
      const chunks = this.#ctx.serialize(records, this.#serializeContext(options), this.#limits)
      // An array is checked at the start only (see below).
      const endless = !Array.isArray(records)
      // The serialiser holds the records while it needs them; this function would hold them
      // through every wait for room, since V8 keeps an async function's arguments while it runs.
      records = undefined
      // Once placed, a chunk's bytes are copied into its batch: its buffer can serve the next chunk.
      if (Symbol.asyncIterator in chunks) {
        for await (const chunk of chunks) {
          await this.#accept(chunk, reentrant)
          chunk.recycle()
          // A stream can run for hours in one call: its records so far are buffered, the rest of
          // the source is not read when this reports.
          this.#reportPiledUpFailures()
          if (this.#yieldDue) await this.#yieldToIo()
        }
      } else {
        // An array is checked at the start only: what it can pile up is bounded by its own size,
        // and a caller that gets the report may write the whole array again (the CLI does), which
        // is only right if none of it was taken.
        for (const chunk of chunks) {
          // Awaited only when the buffer is full: a promise per chunk is measurable at volume.
          const wait = this.#accept(chunk, reentrant)
          if (wait !== undefined) await wait
          chunk.recycle()
          // A sync source can be endless too, and refusals come back while it waits for room.
          if (endless) this.#reportPiledUpFailures()
          if (wait === undefined && this.#yieldDue) await this.#yieldToIo()
        }
      }
    } finally {
      this.#activeWrites--
      this.#checkIdle()
    }
  }

  /**
   * An async source of records, read item by item: a lone record with room goes straight into the
   * staged lines, anything else through the serialiser as a one-item array, so that each item
   * costs one await of the source and nothing more. A bad record's `RecordError` names its place
   * in the source (`[index, …]`), as the serialiser's walk would; the records before it stay.
   */
  async #writeAsyncSource(source: AsyncIterable<unknown>, reentrant: CallbackName | undefined): Promise<void> {
    const lone = this.#lone as LoneRecordWriter
    this.#activeWrites++
    let index = 0
    try {
      for await (const record of source) {
        try {
          if (!(lone.accepts(record) && this.#takeLone(record))) await this.#writeMany([record], undefined, reentrant)
        } catch (error) {
          // A lone record's error has the path [], the one-item array's starts with its 0.
          throw error instanceof RecordError
            ? new RecordError([index, ...error.path.slice(1)], error.reason, { cause: error.cause })
            : error
        }
        index++
        // A stream can run for hours in one call: see #writeMany.
        this.#reportPiledUpFailures()
        if (this.#yieldDue) await this.#yieldToIo()
      }
    } finally {
      this.#activeWrites--
      this.#checkIdle()
    }
  }

  /** Throws the report of the undelivered lines once more than `maxBufferedLines` of them wait. */
  #reportPiledUpFailures(): void {
    if (this.#ledger.unreportedLines <= this.#budget.limit) return
    const report = this.#ledger.takeReport()
    if (report !== undefined) throw report
  }

  /**
   * Lets the event loop read answers and start queued requests. A producer that never waits
   * (room in the buffer, resolved promises only) would otherwise starve I/O: answers would sit
   * unread and free request slots unused until the buffer filled up. Once per new batch.
   */
  async #yieldToIo(): Promise<void> {
    this.#yieldDue = false
    await new Promise<void>((resolve) => scheduleMacrotask(resolve))
  }

  #serializeContext(options: BatchWriteOptions | undefined): SerializeContext {
    if (options === undefined) return this.#baseContext
    const precision = options.writePrecision ?? this.#precision
    if (!isWritePrecision(precision))
      throw new InvalidArgumentError(`writePrecision must be ns, us, ms or s, got ${String(precision)}`)
    return { ...this.#baseContext, ...options, precision }
  }

  /** Streams `source` (sync or async iterable of records) through the same path as {@link write}. */
  writeAll(source: AsyncIterable<Records> | Iterable<Records>, options?: BatchWriteOptions): Promise<void>
  /** Streams records of any shape, read through this call's record or table options; see {@link BatchWriter.writeAll}. */
  writeAll(
    source: AsyncIterable<unknown> | Iterable<unknown>,
    options: BatchWriteOptions & ReadAnyRecordOptions,
  ): Promise<void>
  writeAll(source: AsyncIterable<unknown> | Iterable<unknown>, options?: BatchWriteOptions): Promise<void> {
    return this.write(source as Records, options)
  }

  /**
   * Sends every open batch and resolves when all lines written before this call are
   * acknowledged. Rejects with {@link UndeliveredLinesError} when some of them definitively
   * failed (each failure is reported by one flush or close only).
   */
  flush(): Promise<void> {
    const reentrant = this.#reentrantError('flush')
    if (reentrant !== undefined) return Promise.reject(reentrant)
    if (this.#spool !== undefined) return this.#flushSpool(this.#spool)
    this.#sealAll()
    return this.#ledger.whenSettled()
  }

  /**
   * Stops accepting writes, lets writes already running finish, sends everything, waits for
   * every request and pending retry, then resolves. Rejects with {@link UndeliveredLinesError}
   * carrying every line not written and its reason (except those a `flush()` already rejected with).
   * Idempotent: later calls return the same promise.
   */
  close(): Promise<void> {
    const reentrant = this.#reentrantError('close')
    if (reentrant !== undefined) return Promise.reject(reentrant)
    this.#closePromise ??= this.#closeOnce()
    return this.#closePromise
  }

  /** `await using writer = …` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /**
   * Stops now: requests on the wire and retry waits are cancelled, writes waiting for room reject
   * with {@link RequestAbortedError}, and every line not yet acknowledged becomes undelivered
   * (reported by `close()`, which still must be awaited, and by `onBatchFailed`). `flush()` and
   * `close()` then settle without waiting for callbacks still running.
   */
  abort(reason?: unknown): void {
    if (this.#abort.signal.aborted) return
    this.#closed = true
    this.#abort.abort(reason ?? new RequestAbortedError('the batch writer was aborted'))
    this.#budget.fail(new RequestAbortedError('the batch writer was aborted', { cause: reason }))
    this.#sealAll()
    this.#fireDrain()
    // Nothing waits for a callback still running: its batch's outcome is already in the ledger.
    for (const seq of this.#inCallbacks) this.#ledger.settle(seq)
    this.#inCallbacks.clear()
    this.#checkIdle()
  }

  /**
   * The error of a call that would wait for the writer's progress, made from inside one of its
   * callbacks: the writer waits for the callback, so that call could never complete. Only the
   * callback's synchronous part can be recognised (no runtime-neutral way follows its awaits);
   * a call made after an await there waits, and abort() still ends it.
   */
  #reentrantError(call: string): InvalidArgumentError | undefined {
    const callback = this.#runningCallback
    if (callback === undefined) return undefined
    return new InvalidArgumentError(
      `${call}() was called from inside ${callback}: the writer waits for ${callback} to return before the batch leaves the buffer, ` +
        `so ${call}() could never complete there. Don't await it in the callback: call it once the callback returned, ` +
        'or use add(), which never waits',
    )
  }

  async #closeOnce(): Promise<void> {
    this.#closed = true
    // After an abort, a write() still reading its source is not waited for: it rejects at its next chunk.
    await this.#until(() => this.#activeWrites === 0 || (this.#abort.signal.aborted && this.#pendingAdds === 0))
    this.#sealAll()
    const spool = this.#spool
    if (spool !== undefined) {
      this.#pump()
      await this.#until(() => this.#abort.signal.aborted || this.#stop?.aborted === true || spool.unreadLines === 0)
    }
    await this.#until(() => this.#ledger.unsettled === 0)
    clearTimeout(this.#timer)
    clearTimeout(this.#partialTimer)
    // Lines still in it (an abort, a closed client) stay there for the next writer.
    await spool?.close()
    this.#externalSignal?.removeEventListener('abort', this.#onExternalAbort)
    const error = this.#ledger.takeReport()
    if (error !== undefined) throw error
  }

  /**
   * Buffers one chunk; returns a promise only when it has to wait for room. `reentrant` (a call
   * from inside a callback): throws instead of waiting, taking nothing of the chunk.
   */
  #accept(chunk: LineChunk, reentrant?: CallbackName): Promise<void> | undefined {
    const count = chunk.lineCount
    if (count === 0) return undefined
    // A serialiser may hand over more than a batch; room is taken per batch-sized piece so
    // that no single wait can exceed the limit.
    if (count > this.#batchSize) return this.#acceptInPieces(chunk, reentrant)
    if (reentrant !== undefined && !this.#budget.tryTake(count)) throw this.#reentrantWriteError(reentrant)
    const wait = reentrant !== undefined ? undefined : this.#budget.acquire(count)
    if (wait === undefined) {
      this.#place(chunk)
      return undefined
    }
    // Under backpressure an open batch must not sit on room that nobody will free.
    this.#sealAll()
    return wait.then(() => this.#place(chunk))
  }

  async #acceptInPieces(chunk: LineChunk, reentrant: CallbackName | undefined): Promise<void> {
    const count = chunk.lineCount
    for (let i = 0; i < count; i += this.#batchSize)
      await this.#accept(chunk.slice(i, Math.min(count, i + this.#batchSize)), reentrant)
  }

  /** A write() called from inside `callback` found the buffer (or the spool, at maxBytes) full. */
  #reentrantWriteError(callback: CallbackName, full: 'buffer' | 'spool' = 'buffer'): InvalidArgumentError {
    return new InvalidArgumentError(
      `write() was called from inside ${callback} while the ${full} was full: the writer waits for ${callback} to return before it ` +
        'frees room, so this write could never complete. The records before this point are buffered, the rest is not taken. ' +
        'From the callback, write only what fits or use add(), which never waits; or write once the callback returned',
    )
  }

  /** Hands a chunk whose room is taken to the assembler. */
  #place(chunk: LineChunk): void {
    const count = chunk.lineCount
    if (this.#abort.signal.aborted) {
      this.#budget.release(count)
      throw new RequestAbortedError('the batch writer was aborted')
    }
    this.#flushStaged()
    this.#assemble(chunk)
    if (this.#budget.waiting > 0) this.#sealAll()
  }

  /**
   * Adds lines to the open batches. flushInterval counts from the first line of the batch still
   * open: when this completes a batch, the timer armed for it must not cut the next one short.
   */
  #assemble(chunk: LineChunk): void {
    const openBefore = this.#assembler.openLines
    this.#assembler.add(chunk)
    const open = this.#assembler.openLines
    if (open < openBefore + chunk.lineCount) this.#disarmTimer()
    if (open > 0) this.#armTimer()
  }

  #disarmTimer(): void {
    if (this.#timer === undefined) return
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #armTimer(): void {
    if (this.#flushInterval === 0 || this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#sealAll()
    }, this.#flushInterval)
    // A pending flush must not keep the process alive; close() is what waits for data.
    this.#timer.unref?.()
  }

  #sealAll(): void {
    this.#flushStaged()
    this.#assembler.sealAll()
    this.#disarmTimer()
  }

  #enqueue(batch: AssembledBatch): void {
    this.#queue.push({ seq: this.#ledger.open(), precision: batch.precision, payload: batch.payload })
    this.#yieldDue = true
    this.#dispatch()
  }

  #dispatch(): void {
    if (this.#spool !== undefined) return this.#pump()
    while (this.#slotsBusy < this.#maxInFlight && this.#queueHead < this.#queue.length) {
      const batch = this.#queue[this.#queueHead]
      this.#queue[this.#queueHead++] = undefined as unknown as SealedBatch
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead)
        this.#queueHead = 0
      }
      this.#slotsBusy++
      // #run routes every failure itself; this catch only keeps a bug from becoming an unhandled rejection.
      this.#run(batch).catch((error: unknown) => this.#ledger.recordCallbackError(error))
    }
  }

  /** Never rejects: every outcome, even a bug, is routed to settle(). */
  async #run(batch: SealedBatch): Promise<void> {
    const started = Date.now()
    let outcome: DeliveryOutcome
    try {
      outcome = await deliverBatch(batch.payload, batch.precision, {
        send: this.#ctx.send,
        retry: this.#retry,
        signal: this.#abort.signal,
        ...(this.#stop !== undefined ? { stop: this.#stop } : {}),
        onRequest: (delta) => this.#countRequest(delta),
        onRetryWait: (delta) => {
          this.#stats.retryWaits += delta
        },
      })
    } catch (error) {
      const undelivered = [{ lines: batch.payload.lines(), precision: batch.precision, reason: asError(error) }]
      outcome = { delivered: 0, requests: 0, undelivered }
    }
    this.#slotsBusy--
    this.#dispatch()
    await this.#settle(batch, outcome, Date.now() - started)
  }

  // ---- with a spool ---------------------------------------------------------------------------

  /**
   * write() with a spool: every chunk goes to disk; resolves once it is there (synced with
   * sync: 'write'). `reentrant`: called from inside a callback, so a wait for room in the spool
   * rejects instead, as without a spool (see #reentrantWriteError).
   */
  async #writeSpooled(
    spool: BatchSpool,
    records: unknown,
    options: BatchWriteOptions | undefined,
    reentrant: CallbackName | undefined,
  ): Promise<void> {
    if (this.#closed) throw new ClosedError('write() on a BatchWriter that was closed')
    this.#reportPiledUpFailures()
    this.#activeWrites++
    const mark = spool.mark()
    try {
      const chunks = this.#ctx.serialize(records, this.#serializeContext(options), this.#limits)
      // The records are not held through the sync below (the serialiser lets go of them once
      // walked): V8 keeps an async function's arguments while it runs, and every write() waiting
      // for a sync would keep its records alive through it.
      records = undefined
      try {
        if (Symbol.asyncIterator in chunks) {
          for await (const chunk of chunks) {
            await this.#storeChunk(spool, chunk, reentrant)
            this.#reportPiledUpFailures()
          }
        } else {
          for (const chunk of chunks) {
            const wait = this.#storeChunk(spool, chunk, reentrant)
            if (wait !== undefined) await wait
            this.#reportPiledUpFailures()
          }
        }
      } finally {
        // What was stored before a bad record is written, as without a spool; a disk error
        // here wins over the record's error: it concerns lines the caller thinks are taken.
        await spool.commit(mark)
      }
    } finally {
      this.#activeWrites--
      this.#checkIdle()
    }
  }

  #storeChunk(spool: BatchSpool, chunk: LineChunk, reentrant?: CallbackName): Promise<void> | undefined {
    if (chunk.lineCount === 0) return undefined
    if (this.#abort.signal.aborted) throw new RequestAbortedError('the batch writer was aborted')
    // The room a callback would wait for comes back only once its batch is released, after it returned.
    if (reentrant !== undefined && !spool.hasRoomFor(chunk)) throw this.#reentrantWriteError(reentrant, 'spool')
    const wait = spool.store(chunk)
    if (wait === undefined) {
      chunk.recycle()
      return undefined
    }
    // A write waiting for room in the spool ends with the writer. Its chunk is then not recycled:
    // the store still waiting may copy it later.
    return Promise.race([wait, this.#whenAborted()]).then(() => {
      if (this.#abort.signal.aborted) throw new RequestAbortedError('the batch writer was aborted')
      chunk.recycle()
    })
  }

  #whenAborted(): Promise<void> {
    const signal = this.#abort.signal
    return new Promise<void>((resolve) => {
      if (signal.aborted) resolve()
      else signal.addEventListener('abort', () => resolve(), { once: true })
    })
  }

  /**
   * add() with a spool: the records are serialised at once (a bad one throws, nothing taken),
   * then stored and committed in the background. Lines a disk error kept out of the spool are
   * reported undelivered, with the SpoolWriteError, by the next flush() or close().
   */
  #addSpooled(spool: BatchSpool, records: unknown, options: BatchWriteOptions | undefined): void {
    this.#reportPiledUpFailures()
    const chunks = this.#ctx.serialize(records, this.#serializeContext(options), this.#limits)
    if (Symbol.asyncIterator in chunks) {
      throw new InvalidArgumentError(
        'add() takes records that can be read at once: pass an async iterable to write() or writeAll()',
      )
    }
    const all = [...chunks].filter((chunk) => chunk.lineCount > 0)
    if (all.length === 0) return
    this.#pendingAdds++
    this.#activeWrites++
    const mark = spool.mark()
    const stored = (async (): Promise<void> => {
      for (const chunk of all) {
        if (this.#abort.signal.aborted) throw new RequestAbortedError('the batch writer was aborted')
        const wait = spool.store(chunk)
        if (wait !== undefined) await Promise.race([wait, this.#whenAborted()])
      }
      await spool.commit(mark)
    })()
    stored.then(
      () => this.#endPendingAdd(),
      (error: unknown) => {
        // The chunks were not recycled: their lines can still be reported.
        for (const chunk of all) this.#lose(chunk, error)
        this.#endPendingAdd()
      },
    )
  }

  async #flushSpool(spool: BatchSpool): Promise<void> {
    // Whatever is being written now belongs to writes that have not resolved: wait for it too,
    // and for add() calls to be stored (or reported).
    await spool.commit(spool.mark()).catch(() => undefined)
    await this.#until(() => this.#pendingAdds === 0)
    const target = spool.storedRecords
    this.#spoolFlushes++
    try {
      this.#pump()
      await this.#until(() => spool.readRecords >= target || this.#abort.signal.aborted || this.#stop?.aborted === true)
    } finally {
      this.#spoolFlushes--
    }
    return this.#ledger.whenSettled()
  }

  /**
   * Pumps the spool in a macrotask: the writers whose lines were just synced run first, so their
   * next group is already being written while this one is read back and sent, instead of after.
   */
  #schedulePump(): void {
    if (this.#pumpScheduled) return
    this.#pumpScheduled = true
    scheduleMacrotask(() => {
      this.#pumpScheduled = false
      this.#pump()
    })
  }

  /** Starts batches from the spool while request slots are free. */
  #pump(): void {
    const spool = this.#spool
    if (spool === undefined) return
    while (this.#slotsBusy < this.#maxInFlight && !this.#abort.signal.aborted && this.#stop?.aborted !== true) {
      const partial = this.#partialDue || this.#spoolFlushes > 0 || this.#closed || spool.waitingForRoom
      const spooled = spool.next(partial)
      if (spooled === undefined) {
        // A batch that is not full goes after flushInterval, as without a spool.
        if (spool.unreadLines > 0 && this.#partialTimer === undefined && this.#flushInterval > 0) {
          this.#partialTimer = setTimeout(() => {
            this.#partialTimer = undefined
            this.#partialDue = true
            this.#pump()
            this.#partialDue = false
          }, this.#flushInterval)
          this.#partialTimer.unref?.()
        }
        break
      }
      this.#spoolLinesHeld += spooled.payload.lineCount
      this.#slotsBusy++
      const batch: SealedBatch = {
        seq: this.#ledger.open(),
        precision: spooled.precision,
        payload: spooled.payload,
        spooled,
      }
      this.#run(batch).catch((error: unknown) => this.#ledger.recordCallbackError(error))
    }
    this.#checkIdle()
  }

  /** With a spool, lines of a writer aborted or a client closed stay on disk instead of being reported. */
  #keptInSpool(outcome: DeliveryOutcome): boolean {
    return outcome.undelivered.length > 0 && (this.#abort.signal.aborted || this.#stop?.aborted === true)
  }

  #countRequest(delta: 1 | -1): void {
    const s = this.#stats
    s.inFlight += delta
    if (delta === 1) {
      s.requests++
      if (s.inFlight > s.peakInFlight) s.peakInFlight = s.inFlight
    }
  }

  async #settle(batch: SealedBatch, outcome: DeliveryOutcome, durationMs: number): Promise<void> {
    if (batch.spooled !== undefined && this.#keptInSpool(outcome)) {
      // Stopped, not refused: the lines stay in the spool for the next writer, nothing is lost.
      this.#stats.writtenLines += outcome.delivered
      this.#bodies.release(batch.payload.body)
      this.#spoolLinesHeld -= batch.payload.lineCount
      this.#ledger.settle(batch.seq)
      this.#checkIdle()
      return
    }
    this.#stats.writtenLines += outcome.delivered
    for (const undelivered of outcome.undelivered) {
      this.#stats.failedLines += undelivered.lines.length
      this.#ledger.recordFailure(batch.seq, undelivered)
    }
    // Its outcome is recorded: after an abort, flush() and close() need not wait for its callbacks.
    if (this.#abort.signal.aborted) this.#ledger.settle(batch.seq)
    else this.#inCallbacks.add(batch.seq)
    if (outcome.delivered > 0 && this.#onWritten !== undefined) {
      await this.#callSafely('onBatchWritten', this.#onWritten, {
        precision: batch.precision,
        lineCount: outcome.delivered,
        requests: outcome.requests,
        durationMs,
      })
    }
    if (this.#onFailed !== undefined) {
      for (const u of outcome.undelivered) {
        await this.#callSafely('onBatchFailed', this.#onFailed, {
          lines: u.lines,
          precision: batch.precision,
          reason: u.reason,
        })
      }
    }
    // Every line that needed reading was read by now (undelivered ones are in the outcome).
    this.#bodies.release(batch.payload.body)
    if (batch.spooled === undefined) this.#budget.release(batch.payload.lineCount)
    else {
      this.#spool?.release(batch.spooled)
      this.#spoolLinesHeld -= batch.payload.lineCount
      this.#pump()
    }
    if (this.#inCallbacks.delete(batch.seq)) this.#ledger.settle(batch.seq)
    this.#checkIdle()
    this.#maybeDrain()
  }

  async #callSafely<T>(name: CallbackName, callback: (info: T) => void | Promise<void>, info: T): Promise<void> {
    try {
      let returned: void | Promise<void>
      const outer = this.#runningCallback
      this.#runningCallback = name
      try {
        returned = callback(info)
      } finally {
        this.#runningCallback = outer
      }
      await returned
    } catch (error) {
      this.#ledger.recordCallbackError(error)
    }
  }

  #until(isIdle: () => boolean): Promise<void> {
    if (isIdle()) return Promise.resolve()
    return new Promise<void>((resolve) => this.#idleWaiters.push({ isIdle, resolve }))
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0) return
    const still: IdleWaiter[] = []
    for (const w of this.#idleWaiters) {
      if (w.isIdle()) w.resolve()
      else still.push(w)
    }
    this.#idleWaiters = still
  }
}

/**
 * An async iterable that is not also sync-iterable (the sync side wins, as in the serialisers).
 * A Proxy trap that throws here makes it no source: the serialiser reports it as a RecordError.
 */
function isAsyncSource(value: unknown): value is AsyncIterable<unknown> {
  try {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function' &&
      typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
    )
  } catch {
    return false
  }
}

function frozenTags(tags: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.isFrozen(tags) ? tags : Object.freeze({ ...tags })
}

let idleWriterKept = false

/**
 * Keeps an idle writer (no timer, no request, nothing buffered) made like the first one, and so the
 * maps of the writer and of its budget, pool and assembler, alive, so that code optimised for them
 * survives a full GC between two writers' lifetimes (see map-anchors.ts). Done by the first writer
 * rather than at import, so that loading the package does no work.
 */
function keepIdleWriterAlive(context: BatchWriterContext): void {
  idleWriterKept = true
  keepMapAlive(
    BatchWriter.create(
      { bucket: 'anchor' },
      { send: () => Promise.resolve(), serialize: context.serialize, lone: context.lone },
    ),
  )
  keepPayloadMapsAlive()
  keepSerializerMapsAlive()
}
