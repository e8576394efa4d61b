/**
 * The pipeline of `influx-async write`: inputs read chunk by chunk into a BatchWriter, what the
 * server refuses logged, and one summary. Memory stays bounded whatever the input size: reading
 * waits whenever the writer's buffer is full. The flags that configure it are read in write.ts;
 * what happens to batches the server refuses is decided in failed-batches.ts.
 */
import { InfluxDBClientAsync } from '../../client.js'
import { RecordError, RequestAbortedError, UndeliveredLinesError } from '../../errors.js'
import type { WritePrecision } from '../../line-protocol/precision.js'
import type { BatchFailedInfo, BatchWrittenInfo } from '../../write/batch-options.js'
import type { WriteConsistency } from '../../write/write-endpoint.js'
import { createClient, type Connection } from '../connection.js'
import { csvTableRow, csvTableRowsAfter } from '../input/csv-table.js'
import { detectFormat, readInput, type InputBatch, type InputFormat, type ReaderConfig } from '../input/readers.js'
import { InputError, type InputSource } from '../input/source.js'
import { ProgressBar } from '../progress.js'
import type { Rejection, RejectionLog } from '../rejections.js'
import { describeError } from '../report.js'
import { FailedBatches } from './failed-batches.js'
import type { CommandIo } from './io.js'

/** The summary counts of one run. */
export interface WriteTotals {
  written: number
  rejected: number
}

export interface WriteJob {
  sources: InputSource[]
  format: InputFormat | undefined
  config: ReaderConfig
  connection: Connection
  bucket: string
  precision: WritePrecision
  /** `--consistency` (v1). */
  consistency: WriteConsistency | undefined
  batchSize: number
  gzip: boolean
  maxRetryTime: number
  /** Input bytes per second, when throttled. */
  rateLimit: number | undefined
  /** Print the line protocol on stdout instead of sending it. */
  dryRun: boolean
  rejections: RejectionLog
  io: CommandIo
  /** The spool directory (--spool). */
  spool: string | undefined
}

export async function writeSources(job: WriteJob): Promise<WriteTotals> {
  const { connection, bucket, rejections, io } = job
  const client = job.dryRun ? dryRunClient(io.stdout) : createClient(connection, { enableGzip: job.gzip })
  try {
    // A dead server fails here at once, instead of after the writer's retry budget.
    if (!job.dryRun) await client.ping()
  } catch (error) {
    await rejections.close()
    await client.close()
    throw error
  }
  const writeApi = client.writeApi()
  let written = 0
  const org = connection.org
  const failures = new FailedBatches({
    rejections,
    url: connection.url,
    resend: (lines, precision) =>
      writeApi
        .write(bucket, org, lines, precision, job.consistency === undefined ? {} : { consistency: job.consistency })
        .then(() => undefined),
    onWritten: (count) => {
      written += count
    },
    onFatal: (reason) => writer.abort(reason),
  })
  const writer = writeApi.batchWriter({
    bucket,
    ...(org === undefined ? {} : { org }),
    writePrecision: job.precision,
    ...(job.consistency === undefined ? {} : { consistency: job.consistency }),
    batchSize: job.batchSize,
    retry: { maxRetryTime: job.maxRetryTime },
    // Each write() returns once its lines are synced to disk: a killed run, started again with
    // the same directory, sends what the spool held, then the input again.
    ...(job.spool === undefined ? {} : { spool: { directory: job.spool, sync: 'write' as const } }),
    onBatchWritten: (info: BatchWrittenInfo) => {
      written += info.lineCount
    },
    onBatchFailed: (info: BatchFailedInfo) => failures.handle(info),
  })
  const totalBytes = job.sources.every((s) => s.size !== undefined)
    ? job.sources.reduce((n, s) => n + (s.size as number), 0)
    : undefined
  const reject = (r: Parameters<RejectionLog['add']>[0]): Promise<void> => rejections.add(r)
  /** Points handed to the writer, and those of them that the writer itself refused. */
  let handed = 0
  let refusedByWriter = 0
  const rejectFromWriter = (r: Rejection): Promise<void> => {
    refusedByWriter++
    return reject(r)
  }
  const progress = new ProgressBar(io.stderr, () => ({
    written,
    rejected: rejections.rejected,
    // Rows refused while reading were read too: every refusal not made by the writer or the server.
    pointsRead: handed + rejections.rejected - refusedByWriter - failures.refused,
    bytesRead: job.sources.reduce((n, s) => n + s.bytesRead, 0),
    totalBytes,
  }))
  let finished = false
  const throttle = job.rateLimit === undefined ? undefined : throttleTo(job.rateLimit)
  try {
    try {
      for (const source of job.sources) {
        const format = detectFormat(source.name, job.format)
        for await (const batch of readInput(format, source, job.config, reject)) {
          if (failures.fatal !== undefined) break
          handed += batch.points
          await writeBatch(writer, batch, source.name, rejectFromWriter)
          if (throttle !== undefined) await throttle(job.sources.reduce((n, s) => n + s.bytesRead, 0))
        }
        if (failures.fatal !== undefined) break
      }
    } catch (error) {
      if (error instanceof InputError) {
        // What was read before the input broke is good data: it is delivered (not listed as
        // aborted batches), and the run stops there with the input's error.
        await settle(writer.close())
        throw new WriteStoppedError(error, written, rejections.rejected)
      }
      if (!(error instanceof RequestAbortedError && failures.fatal !== undefined)) {
        writer.abort(error)
        await settle(writer.close())
        throw error
      }
    }
    await settle(writer.close())
    finished = failures.fatal === undefined
  } finally {
    progress.stop(finished)
    await rejections.close()
    await client.close()
  }
  if (failures.fatal !== undefined) {
    const notWritten = handed - refusedByWriter - written - failures.refused
    throw new WriteFailedError(failures.fatal, connection.url, written, notWritten)
  }
  return { written, rejected: rejections.rejected }
}

/**
 * A client that sends nothing: each request body is printed on `out` and answered 204, so a dry run
 * goes through the very serialisation and batching of a real write.
 */
function dryRunClient(out: { write(text: string): unknown }): InfluxDBClientAsync {
  const decoder = new TextDecoder()
  return new InfluxDBClientAsync({
    url: 'http://dry-run.invalid',
    org: 'dryrun',
    fetch: (input, init) => {
      if (new URL(input).pathname.endsWith('/write')) {
        const body = init.body
        out.write(`${typeof body === 'string' ? body : body instanceof Uint8Array ? decoder.decode(body) : ''}\n`)
      }
      return Promise.resolve(new Response(null, { status: 204 }))
    },
  })
}

/** Waits until reading `bytesRead` bytes in all keeps to `bytesPerSecond` on average since the first call. */
function throttleTo(bytesPerSecond: number): (bytesRead: number) => Promise<void> {
  const started = performance.now()
  return async (bytesRead) => {
    const due = started + (bytesRead / bytesPerSecond) * 1000
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  }
}

/**
 * Writes one batch of records. The readers check every row as the writer will, so the writer
 * should never refuse one; should it still, that row is refused alone, like the readers' own
 * refusals, and the rows after it are written: a row must not stop the run (the rows before it
 * are already buffered, as `BatchWriter.write` keeps them).
 */
export async function writeBatch(
  writer: { write(records: unknown, options?: InputBatch['options']): Promise<void> },
  batch: InputBatch,
  sourceName: string,
  reject: (r: Rejection) => Promise<void>,
): Promise<void> {
  let records = batch.records
  for (;;) {
    try {
      await writer.write(records, batch.options)
      return
    } catch (error) {
      // Lines the server refused, reported here once enough of them wait: onBatchFailed has handled
      // each already (as for close(), see settle). The call took none of its records: write them again.
      if (error instanceof UndeliveredLinesError) continue
      if (!(error instanceof RecordError)) throw error
      const refused = refusedRecord(records, error, sourceName)
      if (refused === undefined) throw error
      await reject(refused.rejection)
      if (refused.rest === undefined) return
      records = refused.rest
    }
  }
}

/** The rejection for the record a `RecordError` names, and the records after it; `undefined` when it cannot be told apart. */
function refusedRecord(
  records: unknown,
  error: RecordError,
  sourceName: string,
): { rejection: Rejection; rest: unknown } | undefined {
  if (Array.isArray(records)) {
    const index = error.path[0]
    if (index === undefined || error.path.length !== 1 || index >= records.length) return undefined
    const rest = records.slice(index + 1)
    return {
      rejection: { where: sourceName, text: recordText(records[index]), reason: error.reason },
      rest: rest.length === 0 ? undefined : rest,
    }
  }
  // A table names its row in the reason: `row 3, column "time": …`.
  const match = /^row (\d+), (.*)$/s.exec(error.reason)
  if (error.path.length !== 0 || match === null || records === null || typeof records !== 'object') return undefined
  const row = Number(match[1])
  const origin = csvTableRow(records, row)
  const rest = csvTableRowsAfter(records, row)
  if (origin === undefined || rest === undefined) return undefined
  return {
    rejection: { where: `${sourceName}:${origin.line}`, text: origin.text, reason: match[2] },
    rest: Object.values(rest)[0]?.length === 0 ? undefined : rest,
  }
}

/** A record as JSON, for the errors file (bigints as their digits). */
function recordText(record: unknown): string {
  try {
    return (
      JSON.stringify(record, (_, value: unknown) => (typeof value === 'bigint' ? `${value}` : value)) ?? String(record)
    )
  } catch {
    return String(record)
  }
}

/** `close()` reports failures already handled by `onBatchFailed`; anything else is rethrown. */
async function settle(closing: Promise<void>): Promise<void> {
  try {
    await closing
  } catch (error) {
    if (!(error instanceof UndeliveredLinesError)) throw error
  }
}

/**
 * The server gave an answer that no retry can get past (a wrong token, a missing permission, an
 * unknown bucket or org, no server after the retry budget): one line with the cause, the fix and
 * what was written before it.
 */
export class WriteFailedError extends Error {
  override name = 'WriteFailedError'
  constructor(
    reason: Error,
    url: string,
    readonly written: number,
    readonly notWritten: number,
  ) {
    super(
      `${describeError(reason, url)} (write stopped: ${written} point(s) acknowledged before it, ${notWritten} read and not written)`,
      { cause: reason },
    )
  }
}

/** The input broke part-way: what was read before it was written, and the run stops with the input's error. */
export class WriteStoppedError extends Error {
  override name = 'WriteStoppedError'
  constructor(
    readonly reason: Error,
    readonly written: number,
    readonly rejected: number,
  ) {
    super(reason.message, { cause: reason })
  }
}
