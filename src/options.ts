/**
 * Client options (their defaults are in defaults.ts). Config-file and environment parsing
 * live in `config/`.
 */
import type { OrgInput } from './http/destination.js'
import type { ApiVersionOption } from './http/api-version.js'
import type { TlsOptions } from './http/engine.js'
import type { FetchFunction } from './http/fetch-engine.js'
import type { RetryOptions } from './http/retry.js'
import type { DefaultTagValue } from './line-protocol/default-tags.js'

/** Options of `new InfluxDBClientAsync(…)`. */
export interface ClientOptions {
  /** Server URL, `http://` or `https://`; a path prefix such as `http://proxy/influx` is kept. Required. */
  url: string
  /** API token, sent as `Authorization: Token …`. */
  token?: string
  /** Default organization (name, ID or `{ id }`) for write and delete. Used by the v2 API only: 1.x and 3.x have none. */
  org?: OrgInput
  /**
   * The HTTP API to write and delete through. Default `'v2'`.
   * - `'v2'`: `/api/v2/write` and `/api/v2/delete`: InfluxDB 2.x, 1.8 and later, InfluxDB 3's
   *   compatibility endpoint (writes only), and most InfluxDB-compatible servers.
   * - `'v1'`: InfluxDB 1.x's own `/write` (bucket `database` or `database/retention-policy`) and
   *   InfluxQL `DELETE` through `/query`: every 1.x, including 1.7 and older.
   * - `'v3'`: InfluxDB 3 Core and Enterprise's `/api/v3/write_lp` (bucket = database), with
   *   partial writes, `noSync` and precision `'auto'`; delete is not supported there.
   * - `'auto'`: asks `GET /ping` once (with the token) before the first write or delete, and
   *   takes v3 for InfluxDB 3, v1 for 1.x, and v2 for anything else.
   */
  apiVersion?: ApiVersionOption
  /** Total time for one request (connect, send, read), ms. Default 10000. */
  timeout?: number
  /** gzip write bodies (`Content-Encoding: gzip`). Default false. */
  enableGzip?: boolean
  /** Tags added to every written record that lacks them; `${env.NAME}` reads an environment variable. */
  defaultTags?: Readonly<Record<string, DefaultTagValue>>
  /**
   * Username for a session (`/api/v2/signin`) on v2, or HTTP Basic credentials on v1 (InfluxDB 3
   * has no users); needs `password`. Wins over `token`.
   */
  username?: string
  /** Password for a session (`/api/v2/signin`); needs `username`. */
  password?: string
  /** Send the token as `Authorization: Basic base64(token)` (InfluxDB 1.8 behind a basic-auth proxy). Default false. */
  authBasic?: boolean
  /** Extra headers on every request. */
  headers?: Readonly<Record<string, string>>
  /** Retry settings for one-shot `write()` and `delete()`, or `false` for none. Default: up to 3 retries within a minute (`RETRY_DEFAULTS` in defaults.ts). */
  retry?: RetryOptions | false
  /** Send through this `fetch` instead of node:http (default: node:http where it exists, else the global fetch). */
  fetch?: FetchFunction
  /** Most sockets per host (node:http only). Default unlimited. */
  maxSockets?: number
  /** TLS settings for https (node:https only). */
  tls?: TlsOptions
}
