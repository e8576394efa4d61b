/** The options of `@influxdata/influxdb-client`'s `InfluxDB` (the write API's own are in write-api.ts). */
import type { WriteOptions } from './write-api.js'

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
