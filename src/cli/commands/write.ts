/**
 * `influx-async write`: its flags, read and checked before anything is opened or sent, and the run
 * they configure (write-pipeline.ts streams the inputs into the server).
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { constants as zlibConstants, gunzipSync } from 'node:zlib'
import { Point } from '../../line-protocol/point.js'
import { isWritePrecision, type WritePrecision } from '../../line-protocol/precision.js'
import {
  CONNECTION_OPTIONS,
  UsageError,
  positiveInteger,
  stringValue,
  type CommandSpec,
  type ParsedCommand,
} from '../args.js'
import type { WriteConsistency } from '../../write/write-endpoint.js'
import { bucketTarget, connectionFrom, ID_OPTIONS } from '../connection.js'
import { isTypedHeader } from '../input/annotated-csv.js'
import { detectFormat, INPUT_FORMATS, type InputFormat, type ReaderConfig } from '../input/readers.js'
import { openSource, type InputSource } from '../input/source.js'
import { ValueError, parseFieldTypes, parseList } from '../input/values.js'
import { RejectionLog } from '../rejections.js'
import { EXIT_OK, EXIT_REJECTED, reportError } from '../report.js'
import type { CommandIo } from './io.js'
import { WriteFailedError, WriteStoppedError, writeSources, type WriteJob, type WriteTotals } from './write-pipeline.js'

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

/** What `write`'s flags ask for, checked: everything a run needs except its open inputs. */
interface WriteRun {
  /** The inputs: file names, `-` for stdin. */
  names: string[]
  /** `--compression`: `true` gzip, `false` none, `undefined` by file name. */
  gzipInput: boolean | undefined
  errorsFile: string | undefined
  debug: boolean
  job: Omit<WriteJob, 'sources' | 'rejections' | 'io'>
}

export async function runWrite(parsed: ParsedCommand, io: CommandIo): Promise<number> {
  const run = await checkWriteFlags(parsed, io)
  const sources = await openSources(run.names, io.stdin, run.gzipInput)
  try {
    const rejections = await RejectionLog.open(run.errorsFile, io.stderr)
    const started = performance.now()
    const seconds = (): number => (performance.now() - started) / 1000
    let totals: WriteTotals
    try {
      totals = await writeSources({ ...run.job, sources, rejections, io })
    } catch (error) {
      if (error instanceof WriteFailedError) {
        const code = reportError(error, { debug: run.debug, stderr: io.stderr })
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
    return reportTotals(totals, seconds(), run.job.dryRun, rejections.path, io)
  } finally {
    // A source left unread (the run stopped first) or read in part still holds its file open.
    await Promise.allSettled(sources.map((source) => source.close()))
  }
}

/** Checks every flag of `write` (usage errors before any input is opened or the server contacted). */
async function checkWriteFlags(parsed: ParsedCommand, io: CommandIo): Promise<WriteRun> {
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
  return {
    names,
    gzipInput: compression === undefined ? undefined : compression === 'gzip',
    errorsFile,
    debug: values.debug === true,
    job: {
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
      spool: stringValue(values, 'spool'),
    },
  }
}

/** Prints the summary of a finished run; its exit code (3 when some points were refused). */
function reportTotals(
  totals: WriteTotals,
  elapsed: number,
  dryRun: boolean,
  rejectionsPath: string | undefined,
  io: CommandIo,
): number {
  // A dry run's stdout is the line protocol; its summary goes with the diagnostics.
  ;(dryRun ? io.stderr : io.stdout).write(
    `${dryRun ? 'dry run, not sent: ' : ''}written: ${totals.written} points, rejected: ${totals.rejected}, ${elapsed.toFixed(2)} s, ${Math.round(totals.written / Math.max(elapsed, 1e-3))} points/s\n`,
  )
  if (totals.rejected > 0 && rejectionsPath !== undefined)
    io.stderr.write(`refused lines and reasons are in ${rejectionsPath}\n`)
  if (totals.rejected === 0) return EXIT_OK
  // Exit 3 says "written, with exceptions"; when every point was refused, the run failed.
  if (totals.written === 0)
    throw new Error(
      `nothing written: all ${totals.rejected} point(s) were refused${rejectionsPath === undefined ? '' : ` (see ${rejectionsPath})`}`,
    )
  return EXIT_REJECTED
}

/** Opens every input, or none: when one cannot be opened, those opened before it are closed again. */
async function openSources(
  names: readonly string[],
  stdin: NodeJS.ReadableStream,
  gzip: boolean | undefined,
): Promise<InputSource[]> {
  const sources: InputSource[] = []
  try {
    for (const name of names) sources.push(await openSource(name, stdin, gzip))
    return sources
  } catch (error) {
    await Promise.allSettled(sources.map((source) => source.close()))
    throw error
  }
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
