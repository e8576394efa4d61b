/**
 * `influx-async write`: streams line protocol, CSV or NDJSON from files or stdin into a bucket
 * through a BatchWriter. Memory stays bounded whatever the input size: input is read chunk by
 * chunk, and reading waits whenever the writer's buffer is full.
 *
 * What happens to batches the server refuses is decided in failed-batches.ts.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { constants as zlibConstants, gunzipSync } from 'node:zlib'
import { InfluxDBClientAsync } from '../../client.js'
import { RecordError, RequestAbortedError, UndeliveredLinesError } from '../../errors.js'
import { Point } from '../../line-protocol/point.js'
import { isWritePrecision, type WritePrecision } from '../../line-protocol/precision.js'
import type { BatchFailedInfo, BatchWrittenInfo } from '../../write/batch-options.js'
import {
  CONNECTION_OPTIONS,
  UsageError,
  positiveInteger,
  stringValue,
  type CommandSpec,
  type ParsedCommand,
} from '../args.js'
import type { WriteConsistency } from '../../write/write-endpoint.js'
import { bucketTarget, connectionFrom, createClient, ID_OPTIONS, type Connection } from '../connection.js'
import { isTypedHeader } from '../input/annotated-csv.js'
import { csvTableRow, csvTableRowsAfter } from '../input/csv-table.js'
import {
  detectFormat,
  INPUT_FORMATS,
  readInput,
  type InputBatch,
  type InputFormat,
  type ReaderConfig,
} from '../input/readers.js'
import { InputError, openSource, type InputSource } from '../input/source.js'
import { ValueError, parseFieldTypes, parseList } from '../input/values.js'
import { ProgressBar } from '../progress.js'
import { RejectionLog, type Rejection } from '../rejections.js'
import { EXIT_OK, EXIT_REJECTED, describeError, reportError } from '../report.js'
import { FailedBatches } from './failed-batches.js'
import type { CommandIo } from './io.js'

export const writeSpec: CommandSpec = {
  name: 'write',
  summary: 'Write line protocol, CSV or NDJSON from files or stdin',
  positionals: '[dryrun] [file ...]  (none or - reads stdin; dryrun prints the line protocol and sends nothing)',
  options: {
    ...CONNECTION_OPTIONS,
    bucket: {
      type: 'string',
      short: 'b',
      value: 'name-or-id',
      help: 'Bucket to write to (required)',
      env: ['INFLUX_BUCKET'],
    },
    ...ID_OPTIONS,
    file: {
      type: 'string',
      short: 'f',
      value: 'path',
      help: 'Input file, like a positional argument (repeatable)',
      multiple: true,
    },
    precision: { type: 'string', short: 'p', value: 'ns|us|ms|s', help: 'Unit of integer timestamps', default: 'ns' },
    format: {
      type: 'string',
      value: 'lp|csv|ndjson',
      help: 'Input format (default: by extension .csv, .ndjson/.jsonl, else line protocol; a .gz file is decompressed)',
    },
    measurement: {
      type: 'string',
      short: 'm',
      value: 'name',
      help: 'CSV: measurement of every row (required); NDJSON: overrides "measurement"',
    },
    header: {
      type: 'string',
      value: 'row',
      help: 'CSV: an annotation or header row read before each CSV input (repeatable); makes it annotated CSV',
      multiple: true,
    },
    'tag-columns': { type: 'string', value: 'a,b', help: 'CSV columns / NDJSON keys written as tags' },
    'timestamp-column': {
      type: 'string',
      value: 'name',
      help: 'CSV column / NDJSON key holding the time (NDJSON default: time)',
    },
    timezone: { type: 'string', value: 'zone', help: 'CSV: IANA zone of timestamps written without one (default UTC)' },
    'field-types': { type: 'string', value: 'f=int,g=uint', help: 'Pin field types: float, int, uint, bool or string' },
    compression: {
      type: 'string',
      value: 'gzip|none',
      help: 'Input compression (default: gzip for a file ending in .gz, else none)',
    },
    gzip: { type: 'boolean', help: 'Compress request bodies with gzip' },
    'rate-limit': {
      type: 'string',
      value: 'rate',
      help: 'Read the input at most this fast, e.g. 5MB/s, "1 MB / 5 min", 17kB/s (kB = 1024 B)',
    },
    'batch-size': { type: 'string', value: 'lines', help: 'Lines per request', default: '5000' },
    'max-retry-time': {
      type: 'string',
      value: 'ms',
      help: 'How long a batch is retried when the server is unreachable, busy or failing (then the write stops)',
      default: '180000',
    },
    'errors-file': {
      type: 'string',
      value: 'path',
      help: 'Write refused lines and rows here, each after a "# where: reason" line',
    },
    rp: { type: 'string', value: 'name', help: '--api v1: retention policy (--bucket names the database)' },
    consistency: {
      type: 'string',
      value: 'any|one|quorum|all',
      help: '--api v1: write consistency of InfluxDB Enterprise 1.x',
    },
    spool: {
      type: 'string',
      value: 'dir',
      help: 'Keep lines in a spool on disk until the server has them: an import killed and run again loses nothing',
    },
  },
  details: `Input formats:
  Line protocol  sent as is, without leading spaces and tabs; blank lines and # comments
                 are skipped; a line feed inside a quoted string value stays in it.
  Annotated CSV  as influx write reads it, when the input starts with annotations
                 (#datatype, #constant, #default, #timezone, #group) or --header gives
                 them: measurement, tag, field, ignored, double, long, unsignedLong,
                 boolean, string, duration, dateTime[:number|RFC3339|RFC3339Nano|
                 <Go layout>]. A row that cannot be written is refused with its reason.
  CSV            RFC 4180 with a header row. Tag columns are strings; --timestamp-column
                 holds integers in --precision units, or date-time text (naive text is
                 read in --timezone). Other columns are fields, typed by their first
                 non-empty cell: true/false -> boolean, a number -> float, else string;
                 a later cell that does not fit refuses its row. Pin a type with
                 --field-types (int and uint are exact 64-bit integers). Empty cells are
                 missing values; an empty --timestamp-column cell refuses its row.
  NDJSON         one JSON object per line, nested {"measurement","tags","fields","time"}
                 (no other keys) or flat (tags named by --tag-columns, every other key
                 a field).
                 JSON numbers are floats unless pinned with --field-types n=int (or
                 uint); integers are read exactly from their digits (ns times, int64
                 and uint64 values), and an unpinned one that a float cannot hold
                 exactly refuses its line.

A refused row or line is listed with its file, line and reason (in --errors-file when
given, which may not be an input); the rest are still written, and the exit code is 3.

With --spool DIR every line is kept on disk until the server acknowledged it. A run that is
killed (or loses the server) leaves its lines there; run the same command again with the
same DIR: it sends them first, then reads the input again (points written twice overwrite
themselves). Use one DIR per bucket: the spool holds lines, not where they go.

Examples:
  ${'influx-async'} write -b my-bucket data.lp
  cat data.lp | influx-async write -b my-bucket --gzip
  influx-async write -b my-bucket -m weather --tag-columns station \\
      --timestamp-column time --timezone Europe/Paris readings.csv
  influx-async write -b my-bucket --format ndjson --field-types count=int < events.jsonl`,
}

/** The summary counts of one run. */
interface WriteTotals {
  written: number
  rejected: number
}

export async function runWrite(parsed: ParsedCommand, io: CommandIo): Promise<number> {
  const { values } = parsed
  // `influx write dryrun`: the same command, printing instead of sending.
  const dryRun = parsed.positionals[0] === 'dryrun'
  const positionals = dryRun ? parsed.positionals.slice(1) : parsed.positionals
  // A dry run must not send (and so remove) what a spool holds.
  if (dryRun && stringValue(values, 'spool') !== undefined)
    throw new UsageError('--spool does not apply to a dry run', 'write')
  const target = dryRun
    ? { connection: connectionFrom(parsed, 'write'), bucket: 'dryrun' }
    : bucketTarget(parsed, 'write', (url) => io.setUrl(url), io.stderr)
  const { connection } = target
  const rp = stringValue(values, 'rp')
  const consistency = stringValue(values, 'consistency')
  for (const [flag, value] of [
    ['--rp', rp],
    ['--consistency', consistency],
  ] as const) {
    if (value !== undefined && connection.apiVersion !== 'v1' && connection.apiVersion !== 'auto')
      throw new UsageError(`${flag} is for --api v1 (InfluxDB 1.x)`, 'write')
  }
  if (consistency !== undefined && !['any', 'one', 'quorum', 'all'].includes(consistency)) {
    throw new UsageError(`--consistency must be any, one, quorum or all, got ${JSON.stringify(consistency)}`, 'write')
  }
  // 1.x's database/retention-policy, as the v1 API reads a bucket.
  const bucket = rp === undefined ? target.bucket : `${target.bucket}/${rp}`
  const precision = stringValue(values, 'precision') as string
  if (!isWritePrecision(precision))
    throw new UsageError(`--precision must be ns, us, ms or s, got ${JSON.stringify(precision)}`, 'write')
  const format = stringValue(values, 'format')
  if (format !== undefined && !INPUT_FORMATS.includes(format as InputFormat)) {
    throw new UsageError(`--format must be lp, csv or ndjson, got ${JSON.stringify(format)}`, 'write')
  }
  const batchSize = positiveInteger(values, 'batch-size', 'write') as number
  const maxRetryTime = positiveInteger(values, 'max-retry-time', 'write') as number
  const compression = stringValue(values, 'compression')
  if (compression !== undefined && compression !== 'gzip' && compression !== 'none') {
    throw new UsageError(`--compression must be gzip or none, got ${JSON.stringify(compression)}`, 'write')
  }
  const rateLimit = parseRateLimitFlag(stringValue(values, 'rate-limit'))
  const config = readerConfig(values, batchSize, precision)
  const names = [...positionals, ...((values.file as string[] | undefined) ?? [])]
  if (names.length === 0) {
    names.push('-')
    // Otherwise a user who forgot the file name sees a command that seems to hang.
    if ((io.stdin as { isTTY?: boolean }).isTTY === true)
      io.stderr.write('reading from stdin (end with Ctrl-D); give a file name to read a file\n')
  }
  if (names.filter((n) => n === '-').length > 1) throw new UsageError('stdin (-) can be read only once', 'write')
  const formats = new Set(names.map((name) => detectFormat(name, format as InputFormat | undefined)))
  checkFlagsApply(values, formats)
  if (formats.has('csv') && config.measurement === undefined && config.csvHeader === undefined) {
    // Annotated CSV names its measurement itself; a file is looked at now so that plain CSV
    // without -m is a usage error before the server is contacted (stdin is known only once read).
    for (const name of names) {
      if (detectFormat(name, format as InputFormat | undefined) !== 'csv') continue
      const annotated =
        name === '-' ? compression === 'gzip' || startsAnnotated(await peekText(io.stdin)) : looksAnnotated(name)
      if (!annotated)
        throw new UsageError(
          `CSV input needs --measurement (-m), the measurement of every row, or annotations (${name === '-' ? 'stdin' : name} has none)`,
          'write',
        )
    }
  }
  const errorsFile = stringValue(values, 'errors-file')
  if (errorsFile !== undefined) checkErrorsFileIsNoInput(errorsFile, names, io.stdin)

  const sources: InputSource[] = []
  for (const name of names)
    sources.push(await openSource(name, io.stdin, compression === undefined ? undefined : compression === 'gzip'))
  const rejections = await RejectionLog.open(errorsFile, io.stderr)
  const started = performance.now()
  const seconds = (): number => (performance.now() - started) / 1000
  let totals: WriteTotals
  try {
    totals = await writeSources({
      sources,
      format: format as InputFormat | undefined,
      config,
      connection,
      bucket,
      precision,
      consistency: consistency as WriteConsistency | undefined,
      batchSize,
      gzip: values.gzip === true && !dryRun,
      maxRetryTime,
      rateLimit,
      dryRun,
      rejections,
      io,
      spool: stringValue(values, 'spool'),
    })
  } catch (error) {
    if (error instanceof WriteFailedError) {
      const code = reportError(error, { debug: values.debug === true, stderr: io.stderr })
      if (rejections.rejected > 0 && rejections.path !== undefined)
        io.stderr.write(`refused lines and reasons are in ${rejections.path}\n`)
      return code
    }
    if (!(error instanceof WriteStoppedError)) throw error
    io.stdout.write(
      `stopped after ${seconds().toFixed(2)} s: written: ${error.written} points, not written: ${error.rejected} (the rest of the input was not read)\n`,
    )
    if (rejections.path !== undefined)
      io.stderr.write(`lines not written and their reasons are in ${rejections.path}\n`)
    throw error.reason
  }
  const elapsed = seconds()
  // A dry run's stdout is the line protocol; its summary goes with the diagnostics.
  ;(dryRun ? io.stderr : io.stdout).write(
    `${dryRun ? 'dry run, not sent: ' : ''}written: ${totals.written} points, rejected: ${totals.rejected}, ${elapsed.toFixed(2)} s, ${Math.round(totals.written / Math.max(elapsed, 1e-3))} points/s\n`,
  )
  if (totals.rejected > 0 && rejections.path !== undefined)
    io.stderr.write(`refused lines and reasons are in ${rejections.path}\n`)
  if (totals.rejected === 0) return EXIT_OK
  // Exit 3 says "written, with exceptions"; when every point was refused, the run failed.
  if (totals.written === 0)
    throw new Error(
      `nothing written: all ${totals.rejected} point(s) were refused${rejections.path === undefined ? '' : ` (see ${rejections.path})`}`,
    )
  return EXIT_REJECTED
}

/** The reader settings; `precision` range-checks integer timestamps (CSV and NDJSON). */
function readerConfig(values: Record<string, unknown>, rowsPerBatch: number, precision: WritePrecision): ReaderConfig {
  let fieldTypes
  try {
    fieldTypes = parseFieldTypes(values['field-types'] as string | undefined)
  } catch (error) {
    if (error instanceof ValueError) throw new UsageError(error.message, 'write')
    throw error
  }
  const measurement = values.measurement as string | undefined
  if (measurement !== undefined) {
    try {
      new Point(measurement)
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(`--${error.message}`, 'write')
      throw error
    }
  }
  const csvHeader = values.header as string[] | undefined
  const timestampColumn = values['timestamp-column'] as string | undefined
  const timezone = values.timezone as string | undefined
  if (timezone !== undefined && !isTimeZone(timezone))
    throw new UsageError(`--timezone ${JSON.stringify(timezone)} is not an IANA time zone`, 'write')
  return {
    ...(measurement === undefined ? {} : { measurement }),
    ...(timestampColumn === undefined ? {} : { timestampColumn }),
    ...(timezone === undefined ? {} : { timezone }),
    ...(csvHeader === undefined ? {} : { csvHeader }),
    tagColumns: parseList(values['tag-columns'] as string | undefined),
    fieldTypes,
    rowsPerBatch,
    precision,
  }
}

/**
 * The errors file is truncated when it is opened, before any input is read: naming an input
 * there (or redirecting stdin from it) would empty that input. Compared by device and inode, so
 * another spelling of the path, a symbolic or a hard link is caught too.
 */
function checkErrorsFileIsNoInput(errorsFile: string, names: readonly string[], stdin: NodeJS.ReadableStream): void {
  const target = statSync(errorsFile, { throwIfNoEntry: false })
  if (target === undefined || !target.isFile()) return
  const same = (other: { dev: number; ino: number } | undefined): boolean =>
    other !== undefined && other.dev === target.dev && other.ino === target.ino
  for (const name of names) {
    const input = name === '-' ? stdinStat(stdin) : statSync(name, { throwIfNoEntry: false })
    if (!same(input)) continue
    const what = name === '-' ? 'stdin is read from it' : `it is the input file ${name}`
    throw new UsageError(`--errors-file ${errorsFile}: ${what}, which it would empty before it is read`, 'write')
  }
}

function stdinStat(stdin: NodeJS.ReadableStream): { dev: number; ino: number } | undefined {
  const fd = (stdin as { fd?: unknown }).fd
  if (typeof fd !== 'number') return undefined
  try {
    return fstatSync(fd)
  } catch {
    return undefined
  }
}

/** Flags that would be silently ignored by every input given are a usage error instead. */
function checkFlagsApply(values: Record<string, unknown>, formats: ReadonlySet<InputFormat>): void {
  const applies: Record<string, readonly InputFormat[]> = {
    measurement: ['csv', 'ndjson'],
    'tag-columns': ['csv', 'ndjson'],
    'timestamp-column': ['csv', 'ndjson'],
    'field-types': ['csv', 'ndjson'],
    timezone: ['csv'],
    header: ['csv'],
  }
  for (const [flag, formatsOfFlag] of Object.entries(applies)) {
    if (values[flag] === undefined || formatsOfFlag.some((f) => formats.has(f))) continue
    throw new UsageError(
      `--${flag} applies to ${formatsOfFlag.map((f) => f.toUpperCase()).join(' and ')} input only; the input here is ${[...formats].map((f) => (f === 'lp' ? 'line protocol' : f.toUpperCase())).join(' and ')} (use --format)`,
      'write',
    )
  }
}

/** Whether a CSV file starts with an annotation row or a typed header (`m|measurement,…`); a file that cannot be read is left to the reader to report. */
function looksAnnotated(name: string): boolean {
  let text: string
  try {
    const fd = openSync(name, 'r')
    try {
      const buffer = Buffer.alloc(64 * 1024)
      const length = readSync(fd, buffer, 0, buffer.length, 0)
      const bytes = buffer.subarray(0, length)
      text = name.toLowerCase().endsWith('.gz') ? gunzipHead(bytes) : bytes.toString('utf8')
    } finally {
      closeSync(fd)
    }
  } catch {
    return true
  }
  return startsAnnotated(text)
}

/** Whether CSV text starts with an annotation row or a typed header. */
function startsAnnotated(text: string): boolean {
  const first =
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((line) => line.trim() !== '') ?? ''
  return first.startsWith('#') || first.startsWith('"#') || isTypedHeader(first.split(','))
}

/** The first chunk of a stream, put back so that the reader still gets it. */
function peekText(stream: NodeJS.ReadableStream): Promise<string> {
  const readable = stream as Readable
  return new Promise((resolve, reject) => {
    const done = (text: string): void => {
      readable.off('readable', onReadable)
      readable.off('end', onEnd)
      readable.off('error', onError)
      resolve(text)
    }
    const onReadable = (): void => {
      const chunk = readable.read() as Buffer | string | null
      if (chunk === null) return
      readable.unshift(chunk)
      done(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
    }
    const onEnd = (): void => done('')
    const onError = (error: Error): void => {
      readable.off('readable', onReadable)
      reject(error)
    }
    readable.on('readable', onReadable)
    readable.once('end', onEnd)
    readable.once('error', onError)
  })
}

/** The start of a gzip file, decompressed as far as it goes. */
function gunzipHead(bytes: Buffer): string {
  try {
    return gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8')
  } catch {
    return ''
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

interface WriteJob {
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

async function writeSources(job: WriteJob): Promise<WriteTotals> {
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

/**
 * `--rate-limit`, as the `influx` CLI reads it: COUNT(B|kB|MB)/TIME(s|sec|m|min), the `/` and the
 * TIME count optional, spaces ignored; kB is 1024 bytes and MB 1024².
 */
export function parseRateLimitFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const match = /^(\d+(?:\.\d*)?|\.\d+)(B|kB|MB)\/?(\d*)(s|sec|m|min)$/.exec(text.replaceAll(' ', ''))
  const bytes =
    match === null ? NaN : Number(match[1]) * ({ B: 1, kB: 1024, MB: 1024 * 1024 } as Record<string, number>)[match[2]]
  const per = match === null ? NaN : (match[3] === '' ? 1 : Number(match[3])) * (match[4].startsWith('m') ? 60 : 1)
  if (match === null || !(bytes > 0) || !(per > 0)) {
    throw new UsageError(
      `--rate-limit ${JSON.stringify(text)} is not a rate like 5MB/s, "1 MB / 5 min" or 17kB/s (COUNT B, kB or MB / TIME s or min)`,
      'write',
    )
  }
  return bytes / per
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
