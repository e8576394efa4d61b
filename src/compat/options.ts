/** The options of `@influxdata/influxdb-client`'s `InfluxDB` and `getWriteApi()`, with its defaults. */
import type { WriteApi } from './write-api.js'

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

/** Options of `new InfluxDB()`. */
export interface ClientOptions {
  /** The server's base URL. */
  url: string
  /** The API token, or `username:password` for InfluxDB 1.8. */
  token?: string
  /** Timeout of each request, ms. Default 10000. */
  timeout?: number
  /** HTTP headers sent with every request. */
  headers?: Record<string, string>
  /** Transport settings: `rejectUnauthorized` and `ca` are honoured; other keys are ignored with a warning. */
  transportOptions?: Record<string, unknown>
  /** Default write options of every `getWriteApi()`. */
  writeOptions?: Partial<WriteOptions>
  /** Not supported: refused, so that writes never go around a proxy the user relies on. */
  proxyUrl?: string
  /** Not supported: a custom transport is refused. */
  transport?: unknown
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
