import type { WritePrecision } from '../line-protocol/precision.js'
import type { OrgInput } from '../http/destination.js'
import type { RetryOptions } from '../http/retry.js'
import type { Transport } from '../http/transport.js'
import type { ApiSelection } from '../http/api-selector.js'
import type { RecordOptions } from '../line-protocol/point-from-record.js'
import type { TableOptions } from '../records/options.js'
import type { ApiWriteOptions } from './write-endpoint.js'
import type { Point, TagValue, TimeInput } from '../line-protocol/point.js'
import type { FieldType } from '../line-protocol/values.js'

/** Per-call options of `write()`. */
export interface WriteCallOptions extends RecordOptions, TableOptions, ApiWriteOptions {
  /** Aborts the request(s). */
  signal?: AbortSignal
  /** Overrides the client's timeout for this call, in milliseconds. */
  timeout?: number
}

/**
 * A field value. A number is a float, a bigint an integer (or typed by `fieldTypes`); `null`, `undefined`, `NaN` and
 * `±Infinity` leave the field out.
 */
export type RecordFieldValue = number | bigint | boolean | string | null | undefined

/**
 * A point as a plain object: `{ measurement, tags, fields, time }`. Its keys are checked at compile time, so a
 * misspelt `measurment` or `feilds` is an error. Objects of other shapes, such as instances of your own classes, are
 * read through the record options ({@link ReadAnyRecordOptions}).
 */
export interface PointRecord {
  /** The measurement. May be left out when the call gives `recordMeasurementName`. */
  measurement?: string
  /** Tags, as an object or a Map; a `null`, `undefined` or `''` value leaves the tag out. */
  tags?: Readonly<Record<string, TagValue>> | ReadonlyMap<string, TagValue> | null
  /** Fields, as an object or a Map; at least one must have a value. */
  fields: Readonly<Record<string, RecordFieldValue>> | ReadonlyMap<string, RecordFieldValue>
  /** The timestamp, in the write precision when a number or bigint; without it the server stamps the point. */
  time?: TimeInput | null
  /** Line-protocol types of this record's fields, winning per field over the call's `fieldTypes`. */
  fieldTypes?: Readonly<Record<string, FieldType>>
}

/** One record whose type TypeScript can check: line-protocol text or UTF-8 bytes, a {@link Point}, or a {@link PointRecord}. */
export type WriteRecord = string | Uint8Array | Point | PointRecord

/** What `write()` takes without record or table options: records, alone or in (async) iterables to any depth. */
export type WriteRecords = WriteRecord | Iterable<WriteRecords> | AsyncIterable<WriteRecords>

/**
 * Options that let `write()` read records of any shape: instances of your own classes or objects with other keys
 * (the `record*` options), or tables (`dataFrameMeasurementName`, which every table needs). With one of them given,
 * the record is typed `unknown` and checked when it is serialised.
 */
export type ReadAnyRecordOptions =
  | Required<Pick<RecordOptions, 'recordMeasurementKey'>>
  | Required<Pick<RecordOptions, 'recordMeasurementName'>>
  | Required<Pick<RecordOptions, 'recordTimeKey'>>
  | Required<Pick<RecordOptions, 'recordTagKeys'>>
  | Required<Pick<RecordOptions, 'recordFieldKeys'>>
  | Required<Pick<TableOptions, 'dataFrameMeasurementName'>>

/** Where the object form of `write()` writes to. */
export interface WriteTarget extends WriteCallOptions {
  /** Bucket to write to: a name or an ID. */
  bucket: string
  /** Organization: a name, an ID, or `{ id }`. Default: the client's `org`. */
  org?: OrgInput
  /**
   * Precision of records that do not carry their own (Points do). Default `ns`. `'auto'` (InfluxDB 3 only): the
   * server reads each timestamp's unit from its size.
   */
  writePrecision?: WritePrecision | 'auto'
}

/** What a write API needs from its client. */
export interface WriteApiContext {
  transport: Transport
  /** The client's default org. */
  org: OrgInput | undefined
  /** Resolved default tags (client's, then the PointSettings'); a record's own tag wins. */
  defaultTags: Readonly<Record<string, string>>
  enableGzip: boolean
  retry: RetryOptions | false
  /** The API writes go through (v1, v2, v3, or asked of the server). */
  api: ApiSelection
}

/** The object form of `write()`: where to write, the records, and the call's options. */
export interface WriteParameters extends WriteTarget {
  /** What to write: records, alone or in (async) iterables. Nothing to write resolves `true` without a request. */
  record?: WriteRecords
}

/**
 * The object form of `write()` for records of any shape (class instances, objects with other keys, tables), read
 * through the record or table options it gives (see {@link ReadAnyRecordOptions}).
 */
export type ReadAnyWriteParameters = WriteTarget &
  ReadAnyRecordOptions & {
    /** What to write: any record kind, read through the record or table options. */
    record?: unknown
  }
