/**
 * Every error this package throws. Each class sets `name`, so errors stay recognisable
 * after a `structuredClone`, across realms, or in a log line.
 *
 * No error ever holds the client's token: request headers are never attached, and
 * messages are built from the server's answer only.
 */

/** Base class of every error raised by this package. */
export class InfluxDBClientError extends Error {
  /** The class name, so the error stays recognisable after `structuredClone` or in a log line. */
  override name = 'InfluxDBClientError'
}

/** Response headers, lower-cased names. */
export type ResponseHeaders = Record<string, string>

/** What the constructor of {@link InfluxDBError} takes. */
export interface InfluxDBErrorInit {
  /** HTTP status of the answer. */
  statusCode: number
  /** HTTP status text, the last source of the message. */
  statusText?: string
  /** The response body, decoded as UTF-8 text (never raw bytes). */
  body: string
  /** Response headers, lower-cased names. */
  headers: ResponseHeaders
  /** Overrides the message derived from the body and headers. */
  message?: string
}

/**
 * A non-2xx answer from the server.
 *
 * `message` is the first of these that is present: the JSON body's `message`, the raw body,
 * the `X-Influx-Error` / `X-InfluxDB-Error` / `X-Platform-Error-Code` header, the status text.
 */
export class InfluxDBError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'InfluxDBError'
  /** HTTP status, for example 400 or 503. */
  readonly statusCode: number
  /** The server's error code (`invalid`, `unauthorized`, `not found`, …) when it gave one. */
  readonly code: string | undefined
  /** The response body as UTF-8 text. */
  readonly body: string
  /** Every response header, with lower-cased names. */
  readonly headers: ResponseHeaders
  /** The `Retry-After` header in seconds (delta-seconds or HTTP date), when present and valid. */
  readonly retryAfter: number | undefined

  constructor(init: InfluxDBErrorInit) {
    const parsed = parseErrorBody(init.body)
    super(init.message ?? deriveMessage(init, parsed))
    this.statusCode = init.statusCode
    this.body = init.body
    this.headers = init.headers
    this.code = parsed?.code ?? init.headers['x-platform-error-code'] ?? undefined
    this.retryAfter = parseRetryAfter(init.headers['retry-after'])
  }
}

/** One line that the server refused, as far as the server said which. */
export interface RejectedLine {
  /** 1-based line number within the request body, when the server gave one or it could be matched. */
  lineNumber?: number
  /** The line as sent, when known. */
  line?: string
  /** The server's reason for this line. */
  reason: string
}

/**
 * The server accepted some lines and refused others (InfluxDB 1.x `partial write`, 2.x 422,
 * 3.x `partial write of line protocol occurred`). Never retried: resending cannot fix it.
 */
export class PartialWriteError extends InfluxDBError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'PartialWriteError'
  /** The refused lines, where the server names them. Empty when it gave only a count. */
  readonly rejectedLines: RejectedLine[]
  /** The number of points the server says it dropped, when it said so. */
  readonly dropped: number | undefined

  constructor(init: InfluxDBErrorInit & { rejectedLines: RejectedLine[]; dropped?: number }) {
    super(init)
    this.rejectedLines = init.rejectedLines
    this.dropped = init.dropped
  }
}

/** A record that cannot be written. Raised before any request is sent. */
export class RecordError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'RecordError'
  /**
   * Where the record sits in what was passed to `write()`: `[3]` for the fourth item,
   * `[3, 0]` for the first item of a nested iterable, `[]` for a lone record.
   */
  readonly path: readonly number[]
  /** Why it was refused, without the position prefix. */
  readonly reason: string

  constructor(path: readonly number[], reason: string, options?: { cause?: unknown }) {
    super(`${describeRecordPath(path)}: ${reason}`, options)
    this.path = path
    this.reason = reason
  }
}

/**
 * The reason to report for something thrown while a record was read (a getter, a Proxy trap, a
 * `toString`): an Error's message, or what the non-Error value was, since `throw undefined` or
 * `throw 'text'` has no message of its own.
 */
export function thrownReason(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return thrown.message !== '' ? thrown.message : `${thrown.name} without a message`
  } catch {
    // A Proxy whose getPrototypeOf trap throws: described below as an object.
  }
  switch (typeof thrown) {
    case 'undefined':
      return 'reading it threw undefined'
    case 'string':
      return `reading it threw ${JSON.stringify(thrown.length > 200 ? `${thrown.slice(0, 200)}…` : thrown)}`
    case 'number':
    case 'boolean':
    case 'bigint':
      return `reading it threw ${String(thrown)}`
    case 'symbol':
      return `reading it threw ${thrown.toString()}`
    case 'function':
      return 'reading it threw a function'
    default:
      return thrown === null ? 'reading it threw null' : 'reading it threw an object that is not an Error'
  }
}

/** Renders a record path for messages: `record [2][0]`, or `record` for a lone one. */
export function describeRecordPath(path: readonly number[]): string {
  return path.length === 0 ? 'record' : `record ${path.map((i) => `[${i}]`).join('')}`
}

/** A call with a missing or malformed argument (org, bucket, time range, predicate, option). */
export class InvalidArgumentError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'InvalidArgumentError'
}

/**
 * The operation does not exist on the server's API, for example a delete by predicate on
 * InfluxDB 3. The message names what the server offers instead.
 */
export class UnsupportedOperationError extends InfluxDBClientError {
  override name = 'UnsupportedOperationError'
}

/** The request did not complete within `timeout` milliseconds (connect, send and read together). */
export class RequestTimeoutError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'RequestTimeoutError'
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number
  constructor(timeoutMs: number, what = 'request') {
    super(`${what} timed out after ${timeoutMs} ms`)
    this.timeoutMs = timeoutMs
  }
}

/** The caller's `AbortSignal` fired. */
export class RequestAbortedError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'RequestAbortedError'
}

/** The connection failed: refused, reset, DNS, TLS. `cause` holds the platform's error. */
export class NetworkError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'NetworkError'
  /** The platform's error code (`ECONNREFUSED`, `ECONNRESET`, …) when there is one. */
  readonly errorCode: string | undefined
  constructor(message: string, options?: { cause?: unknown; errorCode?: string }) {
    super(message, options)
    this.errorCode = options?.errorCode
  }
}

/** The client, write API or batch writer was used after `close()`. */
export class ClosedError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'ClosedError'
}

/** One batch that a {@link BatchWriter} could not deliver, and why. */
export interface UndeliveredBatch {
  /** The undelivered lines of line protocol. */
  lines: string[]
  /** Their write precision (`ns`, `us`, `ms` or `s`). */
  precision: string
  /** Why they were not delivered: the server's error, a timeout, a `ClosedError`, … */
  reason: Error
}

/**
 * Lines that could not be delivered after the retry policy gave up. Carries every line,
 * grouped as they were sent, with the reason each group failed. Nothing is dropped silently.
 */
export class UndeliveredLinesError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'UndeliveredLinesError'
  /** The undelivered lines, grouped as they were sent, each group with its reason. */
  readonly batches: UndeliveredBatch[]
  /** What the writer's callbacks threw since the last report, reported along with the lines. */
  readonly callbackErrors: unknown[]
  constructor(batches: UndeliveredBatch[], callbackErrors: unknown[] = []) {
    const count = batches.reduce((n, b) => n + b.lines.length, 0)
    const first = batches[0]?.reason.message ?? 'unknown reason'
    const callbacks = callbackErrors.length === 0 ? '' : `; ${callbackErrors.length} callback call(s) threw too`
    super(`${count} line(s) in ${batches.length} batch(es) were not delivered; first reason: ${first}${callbacks}`)
    this.batches = batches
    this.callbackErrors = callbackErrors
  }
  /** Every undelivered line, in the order the batches failed. */
  get lines(): string[] {
    return this.batches.flatMap((b) => b.lines)
  }
}

/**
 * A BatchWriter's `onBatchWritten` or `onBatchFailed` threw or rejected (every line was
 * delivered or reported): `errors` holds what each call threw since the last report, `cause` the first.
 */
export class BatchCallbackError extends InfluxDBClientError {
  /** The class name, kept after `structuredClone` and in logs. */
  override name = 'BatchCallbackError'
  /** What each callback call threw, in order, since the last report. */
  readonly errors: unknown[]
  constructor(errors: unknown[]) {
    const first = errors[0] instanceof Error ? errors[0].message : String(errors[0])
    super(`a BatchWriter callback threw${errors.length > 1 ? ` (${errors.length} calls)` : ''}: ${first}`, {
      cause: errors[0],
    })
    this.errors = errors
  }
}

/** Another live process holds a BatchWriter spool directory (its lock file names the pid). */
export class SpoolLockedError extends InfluxDBClientError {
  override name = 'SpoolLockedError'
  /** The spool directory. */
  readonly directory: string
  /** The process holding it. */
  readonly pid: number
  constructor(directory: string, pid: number) {
    super(
      `the spool directory ${directory} is in use by process ${pid}; ` +
        'if that process is not a writer of this spool (its pid was reused), remove spool.lock in it',
    )
    this.directory = directory
    this.pid = pid
  }
}

/**
 * The file system refused to store lines in a BatchWriter spool (`ENOSPC` full disk, `EIO`,
 * `EROFS`, …): the `write()` that rejects with it did not spool its lines. Lines spooled before
 * are not affected.
 */
export class SpoolWriteError extends InfluxDBClientError {
  override name = 'SpoolWriteError'
  /** The file system's error code, such as `ENOSPC` or `EIO`. */
  readonly errorCode: string | undefined
  constructor(message: string, options: { cause?: unknown; errorCode?: string | undefined }) {
    super(message, { cause: options.cause })
    this.errorCode = options.errorCode
  }
}

interface ParsedErrorBody {
  code?: string
  message?: string
}

function parseErrorBody(body: string): ParsedErrorBody | undefined {
  if (body === '' || (body[0] !== '{' && body.trimStart()[0] !== '{')) return undefined
  try {
    const value: unknown = JSON.parse(body)
    if (value === null || typeof value !== 'object') return undefined
    const record = value as Record<string, unknown>
    const result: ParsedErrorBody = {}
    if (typeof record.code === 'string') result.code = record.code
    // 2.x says `message`, 1.x and 3.x say `error`.
    if (typeof record.message === 'string' && record.message !== '') result.message = record.message
    else if (typeof record.error === 'string' && record.error !== '') result.message = record.error
    return result
  } catch {
    return undefined
  }
}

function deriveMessage(init: InfluxDBErrorInit, parsed: ParsedErrorBody | undefined): string {
  if (parsed?.message !== undefined) return parsed.message
  // Plain-text bodies end with a line feed (`404 page not found\n`); a message does not.
  const body = init.body.trim()
  if (body !== '') return body
  const h = init.headers
  const fromHeader = h['x-influx-error'] ?? h['x-influxdb-error'] ?? h['x-platform-error-code']
  if (fromHeader !== undefined && fromHeader !== '') return fromHeader
  return init.statusText !== undefined && init.statusText !== '' ? init.statusText : `HTTP ${init.statusCode}`
}

/**
 * Reads `Retry-After` as RFC 9110 defines it: delta-seconds, or an HTTP date.
 * Returns seconds (possibly fractional for a date), never negative.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  // Only the three date forms RFC 9110 allows: Date.parse alone reads `2.5` as February 2001 and
  // `45.2` as 2045, which would retry sooner than asked or give up for decades.
  if (!HTTP_DATE.test(trimmed)) return undefined
  // The asctime form carries no zone and means GMT; Date.parse would read it in local time.
  const at = Date.parse(trimmed.endsWith(' GMT') ? trimmed : `${trimmed} GMT`)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, (at - now) / 1000)
}

const HTTP_DATE = new RegExp(
  [
    /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.source, // IMF-fixdate
    /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/.source, // obsolete RFC 850
    /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.source, // obsolete asctime
  ].join('|'),
)
