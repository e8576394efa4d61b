/**
 * `getWriteApi()`'s object: the official client's synchronous `writePoint`/`writeRecord` with
 * batches sent in the background, built on this package's one-shot `write()`.
 *
 * Unlike the official client, nothing is dropped without a report: a batch that could not be
 * written (refused, retries spent, or skipped because the retry buffer was full) makes the next
 * `flush()` or `close()` reject with its error, which lists the lines in `failedLines`; and
 * `close()` waits for scheduled retries instead of cancelling them.
 *
 * Its options live here too: their callbacks are called with the write API as `this`.
 */
import type { InfluxDBClientAsync } from '../client.js'
import { AbortError, HttpError, IllegalArgumentError, toCompatError } from './errors.js'
import { currentNanos, type Point, type PointSettings, type PointTime } from './point.js'

/** Timestamp precision of a write API. */
export type WritePrecisionType = 'ns' | 'us' | 'ms' | 's'

/** What `writeRetrySkipped` receives: lines given up on because the retry buffer was full. */
export interface RetrySkippedEntry {
  /** The lines that will not be written. */
  lines: string[]
  /** When their retries would have expired, ms since the epoch. */
  expires: number
}

/** Retry and callback options of a write API. */
export interface WriteRetryOptions {
  /** Random extra wait added to each retry delay, ms. Default 200. */
  retryJitter: number
  /** First retry delay, ms. Default 5000. */
  minRetryDelay: number
  /** Largest retry delay, ms. Default 125000. */
  maxRetryDelay: number
  /** Growth of the delay per attempt. Default 2. */
  exponentialBase: number
  /** Randomise each delay between the previous and the next step. Default true. */
  randomRetry: boolean
  /**
   * Called after each failed attempt with the error, the lines, the attempt number (from 1) and when
   * retrying expires (ms since the epoch). Returning a promise ends the retries: its outcome is the batch's.
   */
  writeFailed(this: WriteApi, error: Error, lines: string[], attempt: number, expires: number): Promise<void> | void
  /** Called with the lines of each batch the server acknowledged. */
  writeSuccess(this: WriteApi, lines: string[]): void
  /** Called with lines given up on because retrying them would overfill `maxBufferLines`. They are also reported by the next `flush()` or `close()`. */
  writeRetrySkipped(entry: RetrySkippedEntry): void
  /** Retries after the first attempt. Default 5. */
  maxRetries: number
  /** Time budget for a batch's retries, ms. Default 180000. */
  maxRetryTime: number
  /** Most lines waiting for a retry at once. Default 32000. */
  maxBufferLines: number
}

/** Options of `getWriteApi()`. */
export interface WriteOptions extends WriteRetryOptions {
  /** Lines per request. Default 1000. */
  batchSize: number
  /** Most bytes per request. Default 50,000,000. */
  maxBatchBytes: number
  /** Sends a batch this long after its first line, ms; 0 sends only when full or flushed. Default 60000. */
  flushInterval: number
  /** Tags added to every point that does not set the same key. */
  defaultTags?: Record<string, string>
  /** Extra HTTP headers of every write request. */
  headers?: Record<string, string>
  /** Bodies larger than this many bytes are gzipped. Default 1000. */
  gzipThreshold?: number
  /** InfluxDB Enterprise 1.x write consistency; refused here (see docs/migrating.md). */
  consistency?: 'any' | 'one' | 'quorum' | 'all'
}

/** The official client's write defaults. */
export const DEFAULT_WriteOptions: Readonly<WriteOptions> = Object.freeze({
  batchSize: 1000,
  maxBatchBytes: 50_000_000,
  flushInterval: 60_000,
  writeFailed: function () {},
  writeSuccess: function () {},
  writeRetrySkipped: function () {},
  maxRetries: 5,
  maxRetryTime: 180_000,
  maxBufferLines: 32_000,
  retryJitter: 200,
  minRetryDelay: 5000,
  maxRetryDelay: 125_000,
  exponentialBase: 2,
  gzipThreshold: 1000,
  randomRetry: true,
})

/** An error of a batch that was not written, with every line that was not written since the last report. */
export type WriteFailure = Error & {
  /** Every line not written since the last report. */
  failedLines?: string[]
}

/** The clients a write API sends through: one plain, one that gzips. */
export interface WriteClients {
  plain: () => InfluxDBClientAsync
  gzip: () => InfluxDBClientAsync
}

const NANOS_PER_MS: Record<WritePrecisionType, bigint> = { ns: 1_000_000n, us: 1000n, ms: 1n, s: 0n }

/** The write API of `@influxdata/influxdb-client`, from {@link InfluxDB.getWriteApi}. */
export class WriteApi implements PointSettings {
  /** Tags added to every point written by this API (see {@link WriteApi.useDefaultTags}). */
  defaultTags: Record<string, string> | undefined
  readonly #clients: WriteClients
  readonly #org: string
  readonly #bucket: string
  readonly #precision: WritePrecisionType
  readonly #options: Readonly<WriteOptions>
  readonly #stop = new AbortController()
  #lines: string[] = []
  #bytes = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #inFlight = new Set<Promise<void>>()
  #waitingRetryLines = 0
  #failures: { error: unknown; lines: string[] }[] = []
  #closed = false

  /** @internal Made by `InfluxDB.getWriteApi()`. */
  constructor(
    clients: WriteClients,
    org: string,
    bucket: string,
    precision: WritePrecisionType,
    options: Readonly<WriteOptions>,
  ) {
    this.#clients = clients
    this.#org = org
    this.#bucket = bucket
    this.#precision = precision
    this.#options = options
    if (options.defaultTags) this.useDefaultTags(options.defaultTags)
  }

  /** The write path and query, as the official client shows it; informational here. */
  get path(): string {
    return `/api/v2/write?org=${encodeURIComponent(this.#org)}&bucket=${encodeURIComponent(this.#bucket)}&precision=${this.#precision}`
  }

  /** Sets the default tags of the points this API writes; not applied to line-protocol records. */
  useDefaultTags(tags: Record<string, string>): this {
    this.defaultTags = tags
    return this
  }

  /** Converts a point's time into this API's precision; used by `Point.toLineProtocol(writeApi)`. */
  convertTime = (value: PointTime): string | undefined => {
    if (value === undefined) {
      const ns = currentNanos()
      return this.#precision === 'ns'
        ? String(ns)
        : String(ns / (this.#precision === 'us' ? 1000n : this.#precision === 'ms' ? 1_000_000n : 1_000_000_000n))
    }
    if (typeof value === 'string') return value.length > 0 ? value : undefined
    if (typeof value === 'bigint') return String(value)
    if (value instanceof Date) {
      const ms = BigInt(value.getTime())
      return this.#precision === 's' ? String(ms / 1000n) : String(ms * NANOS_PER_MS[this.#precision])
    }
    return String(Math.floor(value))
  }

  /** Adds a line of line protocol. */
  writeRecord(record: string): void {
    this.#throwIfClosed()
    if (typeof record !== 'string')
      throw new IllegalArgumentError(`writeRecord: expected a line-protocol string, got ${typeof record}`)
    this.#add(record)
  }

  /** Adds lines of line protocol. */
  writeRecords(records: ArrayLike<string>): void {
    this.#throwIfClosed()
    for (let i = 0; i < records.length; i++) {
      const record = records[i]
      if (typeof record !== 'string')
        throw new IllegalArgumentError(`writeRecords: record [${i}] is ${typeof record}, not a line-protocol string`)
      this.#add(record)
    }
  }

  /** Adds a point. A point with no measurement or no field is refused (the official client skips it silently). */
  writePoint(point: Point): void {
    this.#throwIfClosed()
    this.#add(this.#lineOf(point, ''))
  }

  /** Adds points; a bad one is refused, naming its index, and the ones before it are kept. */
  writePoints(points: ArrayLike<Point>): void {
    this.#throwIfClosed()
    for (let i = 0; i < points.length; i++) this.#add(this.#lineOf(points[i], ` [${i}]`))
  }

  /**
   * Sends what is buffered and waits until every line written so far is acknowledged or given up on.
   * Rejects with the error of the first batch that could not be written; its `failedLines` lists every
   * line not written since the last report.
   * @param withRetryBuffer - accepted so that official code compiles; pending retries are always waited for.
   */
  async flush(withRetryBuffer?: boolean): Promise<void> {
    void withRetryBuffer
    this.#sendBuffer()
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
    this.#reportFailures()
  }

  /** Flushes, waits for scheduled retries, and closes. Rejects as {@link WriteApi.flush} does. */
  async close(): Promise<void> {
    if (this.#closed) return this.flush()
    try {
      await this.flush()
    } finally {
      this.#closed = true
      this.#clearTimer()
    }
  }

  /** Stops at once without sending what is buffered; returns how many lines were not written. */
  dispose(): number {
    this.#closed = true
    this.#clearTimer()
    this.#stop.abort(new AbortError())
    const lost = this.#lines.length + this.#waitingRetryLines + this.#failures.reduce((n, f) => n + f.lines.length, 0)
    this.#lines = []
    this.#bytes = 0
    this.#failures = []
    return lost
  }

  #lineOf(point: Point, where: string): string {
    const line = point?.toLineProtocol?.(this)
    if (line === undefined) {
      throw new IllegalArgumentError(
        `writePoint${where}: the point has no measurement or no field, so it has no line protocol: ${String(point)}`,
      )
    }
    return line
  }

  #throwIfClosed(): void {
    if (this.#closed) throw new IllegalArgumentError('writeApi: already closed!')
  }

  #add(line: string): void {
    const size = utf8Length(line) + 1
    if (this.#lines.length > 0 && this.#bytes + size > this.#options.maxBatchBytes) this.#sendBuffer()
    if (this.#lines.length === 0 && this.#options.flushInterval > 0) {
      this.#timer = setTimeout(() => this.#sendBuffer(), this.#options.flushInterval)
    }
    this.#lines.push(line)
    this.#bytes += size
    if (this.#lines.length >= this.#options.batchSize || this.#bytes >= this.#options.maxBatchBytes) this.#sendBuffer()
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #sendBuffer(): void {
    this.#clearTimer()
    if (this.#lines.length === 0) return
    const lines = this.#lines
    const bytes = this.#bytes
    this.#lines = []
    this.#bytes = 0
    const delivery = this.#deliver(lines, bytes).catch((error: unknown) => {
      if (this.#stop.signal.aborted) return
      this.#failures.push({ error, lines })
      // The official client logs every failed batch; so does this one, and it also reports the batch at the next flush().
      console.error('Write to InfluxDB failed.', error)
    })
    this.#inFlight.add(delivery)
    void delivery.finally(() => this.#inFlight.delete(delivery))
  }

  async #deliver(lines: string[], bytes: number): Promise<void> {
    const options = this.#options
    const expires = Date.now() + options.maxRetryTime
    const threshold = options.gzipThreshold
    const client = threshold !== undefined && bytes > threshold ? this.#clients.gzip() : this.#clients.plain()
    for (let attempt = 1; ; attempt++) {
      let error: unknown
      try {
        await client.writeApi().write(this.#bucket, this.#org === '' ? undefined : this.#org, lines, this.#precision, {
          signal: this.#stop.signal,
        })
        options.writeSuccess.call(this, lines)
        return
      } catch (caught) {
        error = toCompatError(caught)
      }
      const override = options.writeFailed.call(this, error as Error, lines, attempt, expires)
      if (override) return override
      if (isEnterpriseHandoffNotice(error)) return
      const delay = this.#retryDelay(error, attempt)
      if (
        this.#stop.signal.aborted ||
        !isRetriable(error) ||
        attempt > options.maxRetries ||
        Date.now() + delay > expires
      )
        throw error
      if (this.#waitingRetryLines + lines.length > options.maxBufferLines) {
        options.writeRetrySkipped({ lines, expires })
        throw error
      }
      this.#waitingRetryLines += lines.length
      try {
        await sleep(delay, this.#stop.signal)
      } finally {
        this.#waitingRetryLines -= lines.length
      }
    }
  }

  #retryDelay(error: unknown, attempt: number): number {
    const o = this.#options
    const jitter = Math.round(Math.random() * o.retryJitter)
    if (error instanceof HttpError && error.retryAfter() > 0) return error.retryAfter() + jitter
    const upper = Math.min(o.maxRetryDelay, o.minRetryDelay * o.exponentialBase ** attempt)
    if (!o.randomRetry) return Math.min(o.maxRetryDelay, o.minRetryDelay * o.exponentialBase ** (attempt - 1)) + jitter
    const lower = Math.min(o.maxRetryDelay, o.minRetryDelay * o.exponentialBase ** (attempt - 1))
    return Math.round(lower + Math.random() * (upper - lower)) + jitter
  }

  #reportFailures(): void {
    if (this.#failures.length === 0) return
    const failures = this.#failures
    this.#failures = []
    const first = failures[0].error
    const failedLines = failures.flatMap((f) => f.lines)
    if (first instanceof Error) {
      Object.defineProperty(first, 'failedLines', {
        value: failedLines,
        enumerable: false,
        configurable: true,
        writable: true,
      })
      throw first
    }
    throw Object.assign(new Error(`${failedLines.length} lines were not written: ${String(first)}`, { cause: first }), {
      failedLines,
    })
  }
}

/** The official client retries everything but an HTTP status below 429 and an abort. */
function isRetriable(error: unknown): boolean {
  if (error instanceof HttpError) return error.statusCode >= 429
  return !(error instanceof AbortError) && !(error instanceof IllegalArgumentError)
}

/** InfluxDB Enterprise answers an error that only says its hinted-handoff queue is busy; the write was taken. */
function isEnterpriseHandoffNotice(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false
  const message = (error.json as { error?: unknown } | undefined)?.error
  return typeof message === 'string' && message.includes('hinted handoff queue not empty')
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** UTF-8 length of a string, without encoding it. */
function utf8Length(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) bytes += 1
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 2
      i++
    } else bytes += 2
  }
  return bytes
}
