// The package's root export: what a user of the client needs, and nothing else. Internals (defaults,
// the retry policy, the APIs' constructors, which take internal contexts) are left out on purpose;
// test/package/exports.test.ts holds this list, so a change to it is a visible diff.

/** The client and its options. */
export { InfluxDBClientAsync, type PingOptions } from './client.js'
export type { ClientOptions } from './options.js'
export type { DefaultTagValue } from './line-protocol/default-tags.js'
export type { OrgInput } from './http/destination.js'
export type { ApiVersion, ApiVersionOption } from './http/api-version.js'
export type { RetryOptions } from './http/retry.js'
export type { TlsOptions } from './http/engine.js'
export type { FetchFunction } from './http/fetch-engine.js'
export type { ConfigFileOptions } from './config/file.js'

/** Writing: the one-shot write API and the BatchWriter (both made by the client). */
export type { WriteApiAsync } from './write/write-api.js'
export { PointSettings } from './write/point-settings.js'
export type { BatchWriter, BatchWriterStats } from './write/batch-writer.js'
export type { BatchWriterOptions, BatchWriteOptions, BatchWrittenInfo, BatchFailedInfo } from './write/batch-options.js'
export type { BatchStreamOptions } from './write/batch-streams.js'
export type { SpoolOptions, SpoolStats } from './spool/options.js'
export type {
  WriteCallOptions,
  WriteParameters,
  ReadAnyWriteParameters,
  WriteTarget,
  RecordFieldValue,
  PointRecord,
  WriteRecord,
  WriteRecords,
  ReadAnyRecordOptions,
} from './write/write-options.js'
export type { ApiWriteOptions, WriteConsistency } from './write/write-endpoint.js'
export type { RecordOptions } from './line-protocol/point-from-record.js'
export type { TableOptions } from './records/options.js'
export type { FieldType } from './line-protocol/values.js'

/** Points and precisions. */
export { WritePrecision } from './line-protocol/precision.js'
export { Point, type TimeInput, type TagValue } from './line-protocol/point.js'

/** Deleting. */
export type { DeleteApiAsync, DeleteCallOptions, DeleteParameters } from './delete/delete-api.js'
export { predicate, validatePredicate, type PredicateValue } from './delete/predicate.js'
export type { DeleteTime } from './delete/time-range.js'

/** Errors. */
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
  SpoolLockedError,
  SpoolWriteError,
  type RejectedLine,
  type UndeliveredBatch,
  type ResponseHeaders,
  type InfluxDBErrorInit,
} from './errors.js'
