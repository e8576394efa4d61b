/**
 * What the record serialisers need from a write call: how tables are read, the call's precision
 * and default tags (one {@link SerializeContext} for records, tables and the BatchWriter), and
 * where a chunk of lines ends.
 */
import type { WritePrecision } from '../line-protocol/precision.js'
import type { RecordOptions } from '../line-protocol/point-from-record.js'

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

/** What serialisation needs from the write call. */
export interface SerializeContext extends RecordOptions, TableOptions {
  /** The call's write precision: timestamps without a precision of their own are emitted in this unit. */
  precision: WritePrecision
  /** Resolved default tags (see `resolveDefaultTags`); a record's own tag, or a table column of the same name, wins. */
  defaultTags: Readonly<Record<string, string>>
}

/** When a chunk is complete. */
export interface ChunkLimits {
  maxLines: number
  maxBytes: number
}
