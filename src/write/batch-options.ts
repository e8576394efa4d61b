/**
 * The BatchWriter's options: their types and defaults, validation (before anything is sent),
 * and the retry policy they select.
 */
import type { OrgInput } from '../http/destination.js'
import { InvalidArgumentError, type UndeliveredBatch } from '../errors.js'
import { isWritePrecision, type WritePrecision } from '../line-protocol/precision.js'
import { RetryPolicy, type RetryOptions } from '../http/retry.js'
import { checkTimeout, MAX_TIMER_DELAY } from '../http/timer-limits.js'
import { BATCH_DEFAULTS, BATCH_RETRY_DEFAULTS } from '../defaults.js'
import type { RecordOptions } from '../line-protocol/point-from-record.js'
import type { TableOptions } from '../records/options.js'
import type { ApiWriteOptions } from './write-endpoint.js'
import type { RetryDecider } from './batch-delivery.js'
import type { SpoolOptions } from '../spool/options.js'

/** Options of {@link BatchWriter}. Record options given here apply to every `write()`. */
export interface BatchWriterOptions extends RecordOptions, TableOptions, ApiWriteOptions {
  /** Bucket every batch is written to: a name or an ID. */
  bucket: string
  /** Organization: a name, an ID, or `{ id }`; v2 only (1.x and 3.x have no organizations). Default: the client's. */
  org?: OrgInput
  /**
   * Precision of records that do not carry their own (Points do). Default `ns`. `'auto'` (InfluxDB
   * 3 only) sends those batches with `precision=auto`: the server reads each timestamp's unit from its size.
   */
  writePrecision?: WritePrecision | 'auto'
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
   * Keeps every line in a spool on disk from the moment `write()` takes it until the server
   * acknowledged it (or it was declared undelivered): outages and crashes lose nothing, and
   * memory holds only what is on the wire. See docs/spool.md.
   */
  spool?: SpoolOptions
  /**
   * Called once per acknowledged batch. A returned promise is awaited before the batch's lines
   * leave the buffer. A throw is reported by the next `flush()` or `close()`.
   *
   * Don't await the writer here: it waits for this callback. Called before the callback's first
   * `await`, `flush()`, `close()`, a `drained()` that would wait and a `write()` that finds the
   * buffer full reject at once with an `InvalidArgumentError`; `add()` and a `write()` that fits
   * work. See docs/batch-writer.md, "Calling the writer from its callbacks".
   */
  onBatchWritten?: (info: BatchWrittenInfo) => void | Promise<void>
  /**
   * Called once per run of lines that will not be delivered (retry budget spent, refused by the
   * server, aborted), before the lines leave the buffer: a returned promise is awaited, so this
   * is the place to spool them to disk. The writer must not be awaited here, as for
   * {@link BatchWriterOptions.onBatchWritten}.
   */
  onBatchFailed?: (info: BatchFailedInfo) => void | Promise<void>
}

/** Per-call options of {@link BatchWriter.write}. */
export interface BatchWriteOptions extends RecordOptions, TableOptions {
  /** Precision of this call's records that do not carry their own (Points do). Default: the writer's. */
  writePrecision?: WritePrecision
}

/** What {@link BatchWriterOptions.onBatchWritten} receives. */
export interface BatchWrittenInfo {
  /** Write precision of the batch. */
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
  /** Write precision of the undelivered lines. */
  precision: WritePrecision
}

/** The options with their defaults applied. */
export interface ValidatedOptions {
  writePrecision: WritePrecision
  batchSize: number
  maxBatchBytes: number
  flushInterval: number
  maxInFlight: number
  maxBufferedLines: number
}

/** Checks the options and applies the defaults; throws InvalidArgumentError naming the option. */
export function validateOptions(options: BatchWriterOptions): ValidatedOptions {
  if (typeof options?.bucket !== 'string' || options.bucket === '') {
    throw new InvalidArgumentError('batchWriter() needs a bucket')
  }
  const writePrecision = options.writePrecision ?? BATCH_DEFAULTS.writePrecision
  if (!isWritePrecision(writePrecision)) {
    throw new InvalidArgumentError(`writePrecision must be ns, us, ms or s, got ${String(writePrecision)}`)
  }
  const batchSize = integerOption('batchSize', options.batchSize, BATCH_DEFAULTS.batchSize, 1)
  const maxInFlight = integerOption('maxInFlight', options.maxInFlight, BATCH_DEFAULTS.maxInFlight, 1)
  const maxBufferedLines = integerOption(
    'maxBufferedLines',
    options.maxBufferedLines,
    batchSize * (2 * maxInFlight + 2),
    1,
  )
  if (maxBufferedLines < batchSize) {
    throw new InvalidArgumentError(`maxBufferedLines (${maxBufferedLines}) must be at least batchSize (${batchSize})`)
  }
  // Checked here too, not only per request: a bad value would otherwise fail every batch in the background.
  if (options.timeout !== undefined) checkTimeout(options.timeout, 'timeout')
  if (options.chunkSize !== undefined) integerOption('chunkSize', options.chunkSize, 0, 1)
  if (
    options.retry !== undefined &&
    options.retry !== false &&
    (typeof options.retry !== 'object' || options.retry === null)
  ) {
    throw new InvalidArgumentError(`retry must be an object of retry settings, or false, got ${String(options.retry)}`)
  }
  return {
    writePrecision,
    batchSize,
    maxInFlight,
    maxBufferedLines,
    maxBatchBytes: integerOption('maxBatchBytes', options.maxBatchBytes, BATCH_DEFAULTS.maxBatchBytes, 1),
    flushInterval: integerOption(
      'flushInterval',
      options.flushInterval,
      BATCH_DEFAULTS.flushInterval,
      0,
      MAX_TIMER_DELAY,
    ),
  }
}

function integerOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `${name} must be an integer >= ${min}${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ''}, got ${String(value)}`,
    )
  }
  return value
}

const RECORD_OPTION_KEYS = [
  'recordMeasurementKey',
  'recordMeasurementName',
  'recordTimeKey',
  'recordTagKeys',
  'recordFieldKeys',
  'fieldTypes',
  'dataFrameMeasurementName',
  'dataFrameTagColumns',
  'dataFrameTimestampColumn',
  'dataFrameTimestampTimezone',
  'chunkSize',
] as const satisfies readonly (keyof (RecordOptions & TableOptions))[]

/** The record and table options among the writer options: the defaults of every write(). */
export function pickRecordOptions(options: BatchWriterOptions): RecordOptions & TableOptions {
  const picked: Record<string, unknown> = {}
  for (const key of RECORD_OPTION_KEYS) if (options[key] !== undefined) picked[key] = options[key]
  return picked
}

/** The retry policy: batch defaults, then the client's settings, then the writer's; `false` turns it off. */
export function makeRetry(
  clientRetry: RetryOptions | false | undefined,
  writerRetry: RetryOptions | false | undefined,
): RetryDecider | undefined {
  if (writerRetry === false || (writerRetry === undefined && clientRetry === false)) return undefined
  return new RetryPolicy({ ...BATCH_RETRY_DEFAULTS, ...(clientRetry || {}), ...(writerRetry ?? {}) })
}
