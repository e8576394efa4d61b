/**
 * The error classes of `@influxdata/influxdb-client`, for code that catches them by class, and
 * the mapping from this package's errors to them.
 */
import {
  InfluxDBError,
  InvalidArgumentError,
  RecordError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../errors.js'

/** Headers of a failed response, lower-cased names, as the official client's `HttpError.headers` gives them. */
export type HttpHeaders = Record<string, string>

/** A bad argument, found before anything was sent. */
export class IllegalArgumentError extends Error {
  /** The class name, as the official client sets it. */
  override name = 'IllegalArgumentError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** The server answered with an error status. */
export class HttpError extends Error {
  /** The class name, as the official client sets it. */
  override name = 'HttpError'
  /** HTTP status, for example 400 or 503. */
  readonly statusCode: number
  /** The status text, or the server's message when the status text is absent. */
  readonly statusMessage: string | undefined
  /** The response body as text. */
  readonly body: string | undefined
  /** The response's `content-type`. */
  readonly contentType: string | undefined
  /** The server's error code (`invalid`, `unauthorized`, …) when it gave one. */
  code: string | undefined
  /** The body parsed as JSON, when it was JSON. */
  json: unknown
  /** The response headers, lower-cased names. */
  headers: HttpHeaders | undefined
  readonly #retryAfterMs: number

  /**
   * @param statusCode - HTTP status
   * @param statusMessage - status text
   * @param body - response body
   * @param retryAfter - the `Retry-After` header (seconds)
   * @param contentType - the response's content type
   * @param message - the error message; derived from the body when absent
   * @param headers - response headers
   */
  constructor(
    statusCode: number,
    statusMessage: string | undefined,
    body?: string,
    retryAfter?: string | null,
    contentType?: string | null,
    message?: string,
    headers?: HttpHeaders,
  ) {
    super(message ?? (statusMessage ? `${statusCode} ${statusMessage}` : `${statusCode}`))
    this.statusCode = statusCode
    this.statusMessage = statusMessage
    this.body = body
    this.contentType = contentType ?? undefined
    this.headers = headers
    this.json = undefined
    this.code = undefined
    if (body !== undefined && typeof contentType === 'string' && contentType.includes('json')) {
      try {
        this.json = JSON.parse(body)
        const code = (this.json as { code?: unknown } | null)?.code
        if (typeof code === 'string') this.code = code
      } catch {
        // A body that says JSON and is not stays available as text.
      }
    }
    const seconds = retryAfter === undefined || retryAfter === null ? NaN : Number(retryAfter)
    this.#retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : -1
  }

  /** True for statuses a retry may fix: 429 and every 5xx, or when the server sent `Retry-After`. */
  canRetry(): boolean {
    return this.statusCode === 429 || this.statusCode >= 500 || this.#retryAfterMs >= 0
  }

  /** The server's `Retry-After` in ms, or 0 to let the retry strategy decide. */
  retryAfter(): number {
    return this.#retryAfterMs > 0 ? this.#retryAfterMs : 0
  }
}

/** The request took longer than the client's `timeout`. */
export class RequestTimedOutError extends Error {
  /** The class name, as the official client sets it. */
  override name = 'RequestTimedOutError'
  constructor(options?: { cause?: unknown }) {
    super('Request timed out', options)
  }
  /** Always true: a timed-out request may succeed later. */
  canRetry(): boolean {
    return true
  }
  /** 0: the retry strategy decides. */
  retryAfter(): number {
    return 0
  }
}

/** The request was aborted. */
export class AbortError extends Error {
  /** The class name, as the official client sets it. */
  override name = 'AbortError'
  constructor(options?: { cause?: unknown }) {
    super('Response aborted', options)
  }
  /** Always false: the caller asked to stop. */
  canRetry(): boolean {
    return false
  }
  /** 0: never retried. */
  retryAfter(): number {
    return 0
  }
}

/**
 * The official client's error for an error of this package, with the original as `cause`.
 * Network errors stay as they are: the official client passes those through unwrapped too.
 */
export function toCompatError(error: unknown): unknown {
  if (error instanceof InfluxDBError) {
    const contentType = error.headers['content-type']
    const compat = new HttpError(
      error.statusCode,
      error.message,
      error.body,
      error.headers['retry-after'],
      contentType,
      error.message,
      error.headers,
    )
    if (error.code !== undefined) compat.code = error.code
    Object.defineProperty(compat, 'cause', { value: error, enumerable: false, configurable: true, writable: true })
    return compat
  }
  if (error instanceof RequestTimeoutError) return new RequestTimedOutError({ cause: error })
  if (error instanceof RequestAbortedError) return new AbortError({ cause: error })
  if (error instanceof RecordError || error instanceof InvalidArgumentError) {
    return new IllegalArgumentError(error.message, { cause: error })
  }
  return error
}
