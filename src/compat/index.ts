/**
 * `influxdb-client-async/compat`: the write and delete API of `@influxdata/influxdb-client` (and
 * `DeleteAPI` of `@influxdata/influxdb-client-apis`), so that code written for them runs with only
 * its import changed. Where the official client would lose or alter data without saying so, this
 * one throws or reports instead; docs/migrating.md lists each difference.
 *
 * @packageDocumentation
 */
export { InfluxDB } from './influxdb.js'
export {
  WriteApi,
  DEFAULT_WriteOptions,
  type WriteFailure,
  type WriteOptions,
  type WriteRetryOptions,
  type RetrySkippedEntry,
  type WritePrecisionType,
} from './write-api.js'
export { DeleteAPI, type PostDeleteRequest } from './delete-api.js'
export { Point, type PointSettings, type PointTime } from './point.js'
export { HttpError, RequestTimedOutError, AbortError, IllegalArgumentError, type HttpHeaders } from './errors.js'
export type { ClientOptions } from './options.js'
