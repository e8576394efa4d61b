/**
 * Every default of the client, each defined once. The modules that apply a default read it from
 * here; the TSDoc of each option repeats the value for users. Times are in ms, sizes in bytes.
 */

/** Defaults of the optional client options. */
export const CLIENT_DEFAULTS = Object.freeze({
  /** Total time for one request (connect, send, read). */
  timeout: 10_000,
  /** Write bodies are sent uncompressed. */
  enableGzip: false,
  /** `Authorization: Token`, not Basic. */
  authBasic: false,
  /** The InfluxDB 2.x API (`/api/v2/write`, `/api/v2/delete`). */
  apiVersion: 'v2',
} as const)

const ALWAYS_RETRIED: readonly number[] = Object.freeze([408, 429, 502, 503, 504])

/** Retries of one-shot `write()` and `delete()`, chosen for an awaited call: a few quick retries within a minute. */
export const RETRY_DEFAULTS = Object.freeze({
  maxRetries: 3,
  minRetryDelay: 1000,
  maxRetryDelay: 30_000,
  maxRetryTime: 60_000,
  exponentialBase: 2,
  /** Always retried; `retryStatusCodes` adds to them. */
  retryStatusCodes: ALWAYS_RETRIED,
})

/** A BatchWriter's retries, over {@link RETRY_DEFAULTS}: patient, since nobody is blocked on a single call. */
export const BATCH_RETRY_DEFAULTS = Object.freeze({
  maxRetries: 10,
  maxRetryTime: 180_000,
})

/** Defaults of a BatchWriter's options (`maxBufferedLines` is derived: `batchSize * (2 * maxInFlight + 2)`). */
export const BATCH_DEFAULTS = Object.freeze({
  writePrecision: 'ns',
  batchSize: 5000,
  maxBatchBytes: 8_000_000,
  flushInterval: 1000,
  maxInFlight: 3,
} as const)

/** Limits of one-shot `write()`. */
export const WRITE_DEFAULTS = Object.freeze({
  /** Largest body of one request. Below InfluxDB 3's default 10 MiB limit. */
  maxBodyBytes: 8 * 1024 * 1024,
  /** Lines per request when streaming an async source (the `chunkSize` option). */
  streamChunkLines: 5000,
  /** Requests of one synchronous write() on the wire at once. */
  concurrency: 4,
})
