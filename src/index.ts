export { InfluxDBClientAsync, type PingOptions } from './client.js'
export { CLIENT_DEFAULTS, type ClientOptions } from './options.js'
export type { OrgInput } from './http/destination.js'
export { WriteApiAsync, MAX_WRITE_BODY_BYTES, STREAM_CHUNK_LINES } from './write/write-api.js'
export { PointSettings } from './write/point-settings.js'
export {
  BatchWriter,
  BATCH_RETRY_DEFAULTS,
  type BatchWriterOptions,
  type BatchWriteOptions,
  type BatchWriterStats,
  type BatchWrittenInfo,
  type BatchFailedInfo,
  type BatchStreamOptions,
} from './write/batch-writer.js'
export type { WriteCallOptions, WriteParameters } from './write/write-options.js'
export type { RecordOptions } from './line-protocol/point-from-record.js'
export type { TableOptions } from './records/options.js'
export type { FieldType } from './line-protocol/values.js'
export type { ApiWriteOptions, WriteConsistency } from './write/write-endpoint.js'
export type { ApiVersion, ApiVersionOption } from './http/api-version.js'
export { DeleteApiAsync, type DeleteCallOptions, type DeleteParameters } from './delete/delete-api.js'
export { predicate, validatePredicate, type PredicateValue } from './delete/predicate.js'
export { type DeleteTime } from './delete/time-range.js'
export { WritePrecision } from './line-protocol/precision.js'
export { Point, type TimeInput, type TagValue } from './line-protocol/point.js'
export {
  InfluxDBClientError,
  InfluxDBError,
  PartialWriteError,
  RecordError,
  InvalidArgumentError,
  UnsupportedOperationError,
  RequestTimeoutError,
  RequestAbortedError,
  NetworkError,
  ClosedError,
  UndeliveredLinesError,
  BatchCallbackError,
  parseRetryAfter,
  type RejectedLine,
  type UndeliveredBatch,
  type ResponseHeaders,
} from './errors.js'
export { RetryPolicy, DEFAULT_RETRY_OPTIONS, type RetryOptions, type RetryEvent, type RetryRunOptions } from './http/retry.js'
export { DEFAULT_TIMEOUT } from './http/transport.js'
export type { TlsOptions } from './http/engine.js'
export type { FetchFunction } from './http/fetch-engine.js'
export type { ConfigFileOptions } from './config/file.js'
