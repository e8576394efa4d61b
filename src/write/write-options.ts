import type { WritePrecision } from '../line-protocol/precision.js'
import type { ApiWriteOptions } from './write-endpoint.js'

/** How a field value is typed in line protocol, when the JS type alone does not say. */
export type FieldType = 'int' | 'uint' | 'float'

/**
 * How plain objects and class instances are read into points
 * (the reference client's `record_*` keyword arguments).
 */
export interface RecordOptions {
  /** Key that holds the measurement (default `measurement`). */
  recordMeasurementKey?: string
  /** A fixed measurement name for every object record. */
  recordMeasurementName?: string
  /** Key that holds the timestamp (default `time`). */
  recordTimeKey?: string
  /** Keys read as tags. Without it, the object's `tags` member is used. */
  recordTagKeys?: readonly string[]
  /** Keys read as fields. Without it, the object's `fields` member is used. */
  recordFieldKeys?: readonly string[]
  /** Per-field line-protocol type: `int` → `i`, `uint` → `u`, `float` → plain number. */
  fieldTypes?: Readonly<Record<string, FieldType>>
}

/** How tables (Arrow, Polars, danfo, columnar objects) are read into points. */
export interface TableOptions {
  /** Measurement of every row. Required when a table is written. */
  dataFrameMeasurementName?: string
  /** Columns written as tags; every other column except the timestamp is a field. */
  dataFrameTagColumns?: readonly string[]
  /** Column holding the timestamp. */
  dataFrameTimestampColumn?: string
  /** IANA zone for naive timestamps in the table (default UTC). */
  dataFrameTimestampTimezone?: string
  /**
   * Rows per request when one-shot `write()` streams a table or lines per request for an async
   * iterable (an integer >= 1, default 5000). A BatchWriter cuts its batches at `batchSize` instead.
   */
  chunkSize?: number
}

/** Per-call options of `write()`. */
export interface WriteCallOptions extends RecordOptions, TableOptions, ApiWriteOptions {
  /** Aborts the request(s). */
  signal?: AbortSignal
  /** Overrides the client's timeout for this call, in milliseconds. */
  timeout?: number
}

/** The object form of `write()`. */
export interface WriteParameters extends WriteCallOptions {
  bucket: string
  org?: string | { id: string }
  record?: unknown
  /** `'auto'` (InfluxDB 3 only): the server reads each timestamp's unit from its size. */
  writePrecision?: WritePrecision | 'auto'
}
