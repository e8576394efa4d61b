/**
 * Tables as records: Apache Arrow `Table` / `RecordBatch`, nodejs-polars and danfo.js
 * `DataFrame`, and plain columnar objects `{ column: array | TypedArray }`.
 * Detected by shape only, so none of those libraries is imported at runtime.
 *
 * Each row becomes one line: measurement `dataFrameMeasurementName`, the
 * `dataFrameTagColumns` as tags (plus default tags that no column shadows), every other
 * column except the timestamp as a field. Rows whose fields are all missing are skipped and
 * counted in {@link TableSource.skippedRows}.
 */
import { arrowModel, isArrowRecordBatch, isArrowTable } from './arrow.js'
import { columnarModel, isColumnarObject } from './columnar.js'
import { danfoModel, isDanfoDataFrame } from './danfo.js'
import { isPolarsDataFrame, polarsModel } from './polars.js'
import type { TableContext } from './context.js'
import type { TableModel } from './model.js'
import { serializeTable } from './serialize-table.js'

export type { TableContext } from './context.js'

/** A table found among the records, ready to be turned into line protocol. */
export interface TableSource {
  /**
   * Validates the table against `ctx` right away (throws `RecordError` naming `path`), then
   * returns its lines, produced lazily row block by row block. A row with no field left is not
   * produced: it is counted in {@link TableSource.skippedRows}. Row-level problems (a bad
   * timestamp text, an integer out of range) throw `RecordError` naming the row and column
   * when iteration reaches that row.
   */
  lines(ctx: TableContext, path: readonly number[]): Iterable<string>
  /** Rows skipped by the latest `lines()` iteration so far, because every field was missing. */
  readonly skippedRows: number
}

/** Returns a {@link TableSource} when `value` is a supported table, else `undefined`. */
export function asTable(value: unknown): TableSource | undefined {
  const model = detectModel(value)
  return model === undefined ? undefined : new TableRecord(model)
}

/**
 * True when `record` is a table, or an array or Set holding one (to any depth up to 32):
 * the write path streams such input in chunks of `chunkSize` rows instead of collecting it whole.
 */
export function containsTable(record: unknown, depth = 0): boolean {
  if (typeof record !== 'object' || record === null || depth > 32) return false
  if (Array.isArray(record) || record instanceof Set) {
    for (const item of record) if (containsTable(item, depth + 1)) return true
    return false
  }
  return detectModel(record) !== undefined
}

/** Reads the table's shape lazily: detection must stay cheap for values that are not written. */
function detectModel(value: unknown): (() => TableModel) | undefined {
  if (isArrowTable(value)) return () => arrowModel(value, 'Arrow Table')
  if (isArrowRecordBatch(value)) return () => arrowModel(value, 'Arrow RecordBatch')
  if (isPolarsDataFrame(value)) return () => polarsModel(value)
  if (isDanfoDataFrame(value)) return () => danfoModel(value)
  if (isColumnarObject(value)) return () => columnarModel(value)
  return undefined
}

class TableRecord implements TableSource {
  skippedRows = 0

  constructor(private readonly model: () => TableModel) {}

  lines(ctx: TableContext, path: readonly number[]): Iterable<string> {
    this.skippedRows = 0
    return serializeTable(this.model(), ctx, path, () => {
      this.skippedRows++
    })
  }
}
