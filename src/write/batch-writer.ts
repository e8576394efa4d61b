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
import { ClosedError, InfluxDBClientError, InvalidArgumentError, RequestAbortedError, UndeliveredLinesError } from '../errors.js'
import type { UndeliveredBatch } from '../errors.js'
import { isWritePrecision, type WritePrecision } from '../line-protocol/precision.js'
import { RetryPolicy, type RetryOptions } from '../http/retry.js'
import type { RecordOptions, TableOptions } from './write-options.js'
import { BatchAssembler, type AssembledBatch, type LineChunkLike } from './batch-assembler.js'
import { LineBudget } from './batch-line-budget.js'
import { BodyPool, bodyBytes, type LinePayload } from './batch-payload.js'
import { asError, deliverBatch, type DeliveryOutcome, type RetryDecider, type SendBody } from './batch-delivery.js'
import type { BatchSerializeContext, BatchSerializer } from './batch-serializer.js'

/** Options of {@link BatchWriter}. Record options given here apply to every `write()`. */
export interface BatchWriterOptions extends RecordOptions, TableOptions {
  bucket: string
  org?: string | { id: string }
  /** Precision of records that do not carry their own (Points do). Default `ns`. */
  writePrecision?: WritePrecision
  /** Lines per request. Default 5000. */
  batchSize?: number
  /** Largest request body in bytes; a single longer line is sent alone. Default 8 MB. */
  maxBatchBytes?: number
  /** A batch that is not full is sent after this many ms. `0` = only when full or flushed. Default 1000. */
  flushInterval?: number
  /** Requests on the wire at once. `1` keeps batches in order. Default 3. */
  maxInFlight?: number
  /**
   * Lines held by the writer at once: open, queued, on the wire and waiting for a retry.
   * `write()` waits while it is reached. At least `batchSize`. Default `batchSize * (2 * maxInFlight + 2)`.
   */
  maxBufferedLines?: number
  /** Total time of one request, ms (default: the client's `timeout`). */
  timeout?: number
  /** Retry settings, or `false` for none. Defaults: up to 10 retries within 3 minutes. */
  retry?: RetryOptions | false
  /** Aborting it is {@link BatchWriter.abort}. */
  signal?: AbortSignal
  /**
   * Called once per acknowledged batch. A returned promise is awaited before the batch's lines
   * leave the buffer. A throw is reported by the next `flush()` or `close()`.
   */
  onBatchWritten?: (info: BatchWrittenInfo) => void | Promise<void>
  /**
   * Called once per run of lines that will not be delivered (retry budget spent, refused by the
   * server, aborted), before the lines leave the buffer: a returned promise is awaited, so this
   * is the place to spool them to disk.
   */
  onBatchFailed?: (info: BatchFailedInfo) => void | Promise<void>
}

/** Per-call options of {@link BatchWriter.write}. */
export interface BatchWriteOptions extends RecordOptions, TableOptions {
  writePrecision?: WritePrecision
}

/** What {@link BatchWriterOptions.onBatchWritten} receives. */
export interface BatchWrittenInfo {
  precision: WritePrecision
  /** Lines acknowledged by the server (for a partial write: the lines it accepted). */
  lineCount: number
  /** Requests this batch took, counting retries and 413 halves. */
  requests: number
  /** From the first request to the last answer, ms. */
  durationMs: number
}

/** What {@link BatchWriterOptions.onBatchFailed} receives. */
export interface BatchFailedInfo extends UndeliveredBatch {
  precision: WritePrecision
}

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
  /** Requests sent, including retries. */
  requests: number
}

/** What {@link BatchWriter} needs from the client. */
export interface BatchWriterContext {
  send: SendBody
  /** Turns records into line chunks; `serializeForBatch` from write/batch-factory.ts in the client. */
  serialize: BatchSerializer
  defaultTags?: Readonly<Record<string, string>>
  /** The client's retry settings, overridden field by field by `options.retry`. */
  retry?: RetryOptions | false
}

/** Retry defaults for background batches: patient, since nobody is blocked on a single call. */
export const BATCH_RETRY_DEFAULTS: Readonly<RetryOptions> = Object.freeze({
  maxRetries: 10,
  maxRetryTime: 180_000,
})

/** A complete batch, joined into its body: what waits in the queue and travels. */
/** A macrotask, so that pending I/O is handled first (setImmediate where it exists). */
const scheduleMacrotask: (callback: () => void) => void =
  typeof setImmediate === 'function' ? (callback) => setImmediate(callback) : (callback) => setTimeout(callback, 0)

/**
 * Lines per chunk asked of the serialiser. Small chunks are encoded into the open batch while
 * their strings are still young, so they never reach the old generation (see batch-payload.ts).
 */
const SERIALIZE_CHUNK_LINES = 512

interface SealedBatch {
  seq: number
  precision: WritePrecision
  payload: LinePayload
}

interface Failure {
  seq: number
  batch: UndeliveredBatch
  reported: boolean
}

interface FlushWaiter {
  /** Batches with `seq <= marker` are the ones this flush covers. */
  marker: number
  remaining: number
  resolve: () => void
  reject: (error: unknown) => void
}

interface IdleWaiter {
  isIdle: () => boolean
  resolve: () => void
}

/**
 * Buffers records into batches and writes them in the background, with backpressure
 * (`write()` waits while the buffer is full), at most `maxInFlight` requests at once, and
 * retries. `flush()` waits for acknowledgement; `close()` (or `await using`) drains everything
 * and rejects with {@link UndeliveredLinesError} if any line could not be written.
 */
export class BatchWriter implements AsyncDisposable {
  readonly #ctx: Required<Pick<BatchWriterContext, 'send' | 'serialize'>> & { defaultTags: Readonly<Record<string, string>> }
  readonly #precision: WritePrecision
  readonly #batchSize: number
  readonly #flushInterval: number
  readonly #maxInFlight: number
  readonly #baseContext: BatchSerializeContext
  readonly #limits: { maxLines: number; maxBytes: number }
  readonly #retry: RetryDecider | undefined
  readonly #onWritten: BatchWriterOptions['onBatchWritten']
  readonly #onFailed: BatchWriterOptions['onBatchFailed']
  readonly #abort = new AbortController()
  readonly #budget: LineBudget
  readonly #bodies: BodyPool
  readonly #assembler: BatchAssembler
  readonly #queue: SealedBatch[] = []
  #queueHead = 0
  #nextSeq = 1
  #unsettled = 0
  #slotsBusy = 0
  #activeWrites = 0
  /** A batch was queued since write() last let the event loop run. */
  #yieldDue = false
  #timer: ReturnType<typeof setTimeout> | undefined
  #closed = false
  #closePromise: Promise<void> | undefined
  #failures: Failure[] = []
  #callbackErrors: unknown[] = []
  #flushWaiters: FlushWaiter[] = []
  #idleWaiters: IdleWaiter[] = []
  #externalSignal: AbortSignal | undefined
  readonly #onExternalAbort = (): void => this.abort(this.#externalSignal?.reason)
  readonly #stats = { inFlight: 0, peakInFlight: 0, retryWaits: 0, writtenLines: 0, failedLines: 0, requests: 0 }

  constructor(options: BatchWriterOptions, context: BatchWriterContext) {
    const o = validateOptions(options)
    this.#precision = o.writePrecision
    this.#batchSize = o.batchSize
    this.#flushInterval = o.flushInterval
    this.#maxInFlight = o.maxInFlight
    this.#retry = makeRetry(context.retry, options.retry)
    this.#onWritten = options.onBatchWritten
    this.#onFailed = options.onBatchFailed
    this.#ctx = {
      send: context.send,
      serialize: context.serialize,
      defaultTags: context.defaultTags ?? {},
    }
    this.#baseContext = { ...pickRecordOptions(options), precision: o.writePrecision, defaultTags: this.#ctx.defaultTags }
    this.#limits = { maxLines: Math.min(o.batchSize, SERIALIZE_CHUNK_LINES), maxBytes: o.maxBatchBytes }
    this.#budget = new LineBudget(o.maxBufferedLines)
    // As many buffers as full batches fit in the budget: what can be in use at once.
    this.#bodies = new BodyPool(Math.ceil(o.maxBufferedLines / o.batchSize) + 1)
    this.#assembler = new BatchAssembler({ maxLines: o.batchSize, maxBytes: o.maxBatchBytes }, this.#bodies, (b) => this.#enqueue(b))
    if (options.signal !== undefined) {
      this.#externalSignal = options.signal
      if (options.signal.aborted) this.abort(options.signal.reason)
      else options.signal.addEventListener('abort', this.#onExternalAbort, { once: true })
    }
  }

  /** The writer's counters right now. */
  get stats(): BatchWriterStats {
    return {
      bufferedLines: this.#budget.used,
      peakBufferedLines: this.#budget.peak,
      inFlight: this.#stats.inFlight,
      peakInFlight: this.#stats.peakInFlight,
      queuedBatches: this.#queue.length - this.#queueHead,
      retryWaits: this.#stats.retryWaits,
      writtenLines: this.#stats.writtenLines,
      failedLines: this.#stats.failedLines,
      requests: this.#stats.requests,
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
   * written, none after it is. Rejects with {@link ClosedError} after `close()`.
   */
  async write(records: unknown, options?: BatchWriteOptions): Promise<void> {
    if (this.#closed) throw new ClosedError('write() on a BatchWriter that was closed')
    this.#activeWrites++
    try {
      const chunks = this.#ctx.serialize(records, this.#serializeContext(options), this.#limits)
      if (Symbol.asyncIterator in chunks) {
        for await (const chunk of chunks) {
          await this.#accept(chunk)
          if (this.#yieldDue) await this.#yieldToIo()
        }
      } else {
        for (const chunk of chunks) {
          // Awaited only when the buffer is full: a promise per chunk is measurable at volume.
          const wait = this.#accept(chunk)
          if (wait !== undefined) await wait
          else if (this.#yieldDue) await this.#yieldToIo()
        }
      }
    } finally {
      this.#activeWrites--
      this.#checkIdle()
    }
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

  #serializeContext(options: BatchWriteOptions | undefined): BatchSerializeContext {
    if (options === undefined) return this.#baseContext
    const precision = options.writePrecision ?? this.#precision
    if (!isWritePrecision(precision)) throw new InvalidArgumentError(`writePrecision must be ns, us, ms or s, got ${String(precision)}`)
    return { ...this.#baseContext, ...options, precision }
  }


  /** Streams `source` (sync or async iterable of records) through the same path as {@link write}. */
  writeAll(source: AsyncIterable<unknown> | Iterable<unknown>, options?: BatchWriteOptions): Promise<void> {
    return this.write(source, options)
  }

  /**
   * Sends every open batch and resolves when all lines written before this call are
   * acknowledged. Rejects with {@link UndeliveredLinesError} when some of them definitively
   * failed (each failure is reported by one flush or close only).
   */
  flush(): Promise<void> {
    this.#sealAll()
    return new Promise<void>((resolve, reject) => {
      const waiter: FlushWaiter = { marker: this.#nextSeq - 1, remaining: this.#unsettled, resolve, reject }
      if (waiter.remaining === 0) this.#finishFlush(waiter)
      else this.#flushWaiters.push(waiter)
    })
  }

  /**
   * Stops accepting writes, lets writes already running finish, sends everything, waits for
   * every request and pending retry, then resolves. Rejects with {@link UndeliveredLinesError}
   * carrying every line not written and its reason (except those a `flush()` already rejected with).
   * Idempotent: later calls return the same promise.
   */
  close(): Promise<void> {
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
   * (reported by `close()`, which still must be awaited, and by `onBatchFailed`).
   */
  abort(reason?: unknown): void {
    if (this.#abort.signal.aborted) return
    this.#closed = true
    this.#abort.abort(reason ?? new RequestAbortedError('the batch writer was aborted'))
    this.#budget.fail(new RequestAbortedError('the batch writer was aborted', { cause: reason }))
    this.#sealAll()
  }

  async #closeOnce(): Promise<void> {
    this.#closed = true
    await this.#until(() => this.#activeWrites === 0)
    this.#sealAll()
    await this.#until(() => this.#unsettled === 0)
    clearTimeout(this.#timer)
    this.#externalSignal?.removeEventListener('abort', this.#onExternalAbort)
    const error = this.#takeReport(Number.POSITIVE_INFINITY)
    if (error !== undefined) throw error
  }

  /** Buffers one chunk; returns a promise only when it has to wait for room. */
  #accept(chunk: LineChunkLike): Promise<void> | undefined {
    const count = chunk.lines.length
    if (count === 0) return undefined
    // A serialiser may hand over more than a batch; room is taken per batch-sized piece so
    // that no single wait can exceed the limit.
    if (count > this.#batchSize) return this.#acceptInPieces(chunk)
    const wait = this.#budget.acquire(count)
    if (wait === undefined) {
      this.#place(chunk)
      return undefined
    }
    // Under backpressure an open batch must not sit on room that nobody will free.
    this.#sealAll()
    return wait.then(() => this.#place(chunk))
  }

  async #acceptInPieces(chunk: LineChunkLike): Promise<void> {
    for (let i = 0; i < chunk.lines.length; i += this.#batchSize) {
      const lines = chunk.lines.slice(i, i + this.#batchSize)
      await this.#accept({ precision: chunk.precision, lines, bytes: bodyBytes(lines) })
    }
  }

  /** Hands a chunk whose room is taken to the assembler. */
  #place(chunk: LineChunkLike): void {
    const count = chunk.lines.length
    if (this.#abort.signal.aborted) {
      this.#budget.release(count)
      throw new RequestAbortedError('the batch writer was aborted')
    }
    const wasEmpty = this.#assembler.openLines === 0
    this.#assembler.add(chunk)
    if (this.#budget.waiting > 0) this.#sealAll()
    else if (wasEmpty && this.#assembler.openLines > 0) this.#armTimer()
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
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
    }
    this.#assembler.sealAll()
  }

  #enqueue(batch: AssembledBatch): void {
    this.#unsettled++
    this.#queue.push({ seq: this.#nextSeq++, precision: batch.precision, payload: batch.payload })
    this.#yieldDue = true
    this.#dispatch()
  }

  #dispatch(): void {
    while (this.#slotsBusy < this.#maxInFlight && this.#queueHead < this.#queue.length) {
      const batch = this.#queue[this.#queueHead]!
      this.#queue[this.#queueHead++] = undefined as unknown as SealedBatch
      if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead)
        this.#queueHead = 0
      }
      this.#slotsBusy++
      // #run routes every failure itself; this catch only keeps a bug from becoming an unhandled rejection.
      this.#run(batch).catch((error: unknown) => this.#callbackErrors.push(error))
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

  #countRequest(delta: 1 | -1): void {
    const s = this.#stats
    s.inFlight += delta
    if (delta === 1) {
      s.requests++
      if (s.inFlight > s.peakInFlight) s.peakInFlight = s.inFlight
    }
  }

  async #settle(batch: SealedBatch, outcome: DeliveryOutcome, durationMs: number): Promise<void> {
    this.#stats.writtenLines += outcome.delivered
    for (const undelivered of outcome.undelivered) {
      this.#stats.failedLines += undelivered.lines.length
      this.#failures.push({ seq: batch.seq, batch: undelivered, reported: false })
    }
    if (outcome.delivered > 0 && this.#onWritten !== undefined) {
      await this.#callSafely(this.#onWritten, {
        precision: batch.precision,
        lineCount: outcome.delivered,
        requests: outcome.requests,
        durationMs,
      })
    }
    if (this.#onFailed !== undefined) {
      for (const u of outcome.undelivered) {
        await this.#callSafely(this.#onFailed, { lines: u.lines, precision: batch.precision, reason: u.reason })
      }
    }
    // Every line that needed reading was read by now (undelivered ones are in the outcome).
    this.#bodies.release(batch.payload.body)
    this.#budget.release(batch.payload.lineCount)
    this.#unsettled--
    this.#afterSettle(batch.seq)
  }

  async #callSafely<T>(callback: (info: T) => void | Promise<void>, info: T): Promise<void> {
    try {
      await callback(info)
    } catch (error) {
      this.#callbackErrors.push(error)
    }
  }

  #afterSettle(seq: number): void {
    if (this.#flushWaiters.length > 0) {
      const done: FlushWaiter[] = []
      for (const w of this.#flushWaiters) {
        if (seq <= w.marker && --w.remaining === 0) done.push(w)
      }
      if (done.length > 0) {
        this.#flushWaiters = this.#flushWaiters.filter((w) => w.remaining > 0)
        for (const w of done) this.#finishFlush(w)
      }
    }
    this.#checkIdle()
  }

  #finishFlush(waiter: FlushWaiter): void {
    const error = this.#takeReport(waiter.marker)
    if (error === undefined) waiter.resolve()
    else waiter.reject(error)
  }

  /** The error a flush or close covering batches up to `marker` must reject with, if any. */
  #takeReport(marker: number): Error | undefined {
    const batches: UndeliveredBatch[] = []
    for (const f of this.#failures) {
      if (!f.reported && f.seq <= marker) {
        f.reported = true
        batches.push(f.batch)
      }
    }
    if (batches.length > 0) {
      this.#failures = this.#failures.filter((f) => !f.reported)
      return new UndeliveredLinesError(batches)
    }
    if (this.#callbackErrors.length > 0) {
      const cause = this.#callbackErrors.shift()
      return new InfluxDBClientError(`a BatchWriter callback threw: ${asError(cause).message}`, { cause })
    }
    return undefined
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

interface ValidatedOptions {
  writePrecision: WritePrecision
  batchSize: number
  maxBatchBytes: number
  flushInterval: number
  maxInFlight: number
  maxBufferedLines: number
}

function validateOptions(options: BatchWriterOptions): ValidatedOptions {
  if (typeof options?.bucket !== 'string' || options.bucket === '') {
    throw new InvalidArgumentError('batchWriter() needs a bucket')
  }
  const writePrecision = options.writePrecision ?? 'ns'
  if (!isWritePrecision(writePrecision)) {
    throw new InvalidArgumentError(`writePrecision must be ns, us, ms or s, got ${String(writePrecision)}`)
  }
  const batchSize = integerOption('batchSize', options.batchSize, 5000, 1)
  const maxInFlight = integerOption('maxInFlight', options.maxInFlight, 3, 1)
  const maxBufferedLines = integerOption('maxBufferedLines', options.maxBufferedLines, batchSize * (2 * maxInFlight + 2), 1)
  if (maxBufferedLines < batchSize) {
    throw new InvalidArgumentError(`maxBufferedLines (${maxBufferedLines}) must be at least batchSize (${batchSize})`)
  }
  return {
    writePrecision,
    batchSize,
    maxInFlight,
    maxBufferedLines,
    maxBatchBytes: integerOption('maxBatchBytes', options.maxBatchBytes, 8_000_000, 1),
    flushInterval: integerOption('flushInterval', options.flushInterval, 1000, 0),
  }
}

function integerOption(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${String(value)}`)
  }
  return value
}

const RECORD_OPTION_KEYS = [
  'recordMeasurementKey', 'recordMeasurementName', 'recordTimeKey', 'recordTagKeys', 'recordFieldKeys', 'fieldTypes',
  'dataFrameMeasurementName', 'dataFrameTagColumns', 'dataFrameTimestampColumn', 'dataFrameTimestampTimezone', 'chunkSize',
] as const satisfies readonly (keyof (RecordOptions & TableOptions))[]

function pickRecordOptions(options: BatchWriterOptions): RecordOptions & TableOptions {
  const picked: Record<string, unknown> = {}
  for (const key of RECORD_OPTION_KEYS) if (options[key] !== undefined) picked[key] = options[key]
  return picked as RecordOptions & TableOptions
}

function makeRetry(clientRetry: RetryOptions | false | undefined, writerRetry: RetryOptions | false | undefined): RetryDecider | undefined {
  if (writerRetry === false || (writerRetry === undefined && clientRetry === false)) return undefined
  return new RetryPolicy({ ...BATCH_RETRY_DEFAULTS, ...(clientRetry || {}), ...(writerRetry ?? {}) })
}
