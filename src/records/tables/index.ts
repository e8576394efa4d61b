/**
 * Tables as records: Apache Arrow `Table` / `RecordBatch`, nodejs-polars and danfo.js
 * `DataFrame`, and plain columnar objects `{ column: array | TypedArray }`.
 * Detected by shape only, so none of those libraries is imported at runtime
 * (they are optional peer dependencies).
 *
 * Each row becomes one line:
 * - measurement `dataFrameMeasurementName` (required: a `RecordError` names it when missing);
 * - tags: the `dataFrameTagColumns`, plus the default tags whose name is not a column
 *   (a column always wins, even where its cell is empty); sorted by key;
 * - fields: every other column except the timestamp, sorted by key;
 * - timestamp: `dataFrameTimestampColumn`, else danfo's index when it holds times, else a
 *   column named exactly `time`, else none (the server stamps the line).
 *
 * Values: see each library module for its types. In short, 64-bit integers are exact (`i`,
 * unsigned `u`), narrower integer types are `i`, JavaScript numbers are floats (design.md §3;
 * `fieldTypes` can make a numeric column `int`/`uint`/`float`), strings (dictionary-encoded
 * too) are quoted, times are only allowed in the timestamp column.
 *
 * Missing values: a null, undefined, NaN or ±Infinity cell leaves its field out; a null, NaN
 * or empty tag cell leaves its tag out; a row left with no field is not written and is counted
 * in {@link TableSource.skippedRows}; a row with fields but no timestamp (when the table has a
 * timestamp column) is an error.
 *
 * Timestamps (`time-cells.ts`): typed times keep their unit with exact bigint math; naive
 * times (no zone in the type or the text) are read in `dataFrameTimestampTimezone` (IANA or
 * `±HH:MM`, default UTC), where a wall-clock time repeated when clocks go back is the earlier
 * instant, and one skipped when clocks go forward is an error naming the row.
 *
 * Laziness: rows are read block by block (1024 rows) as they are consumed; nothing holds
 * more than one block of text. `rows()` writes them as bytes (the write path); `lines()` cuts
 * strings from those same bytes.
 */
import { arrowModel, isArrowRecordBatch, isArrowTable } from './arrow.js'
import { columnarModel, isColumnarObject } from './columnar.js'
import { danfoModel, isDanfoDataFrame } from './danfo.js'
import { isPolarsDataFrame, polarsModel } from './polars.js'
import type { SerializeContext } from '../options.js'
import type { TableModel } from './model.js'
import { keepMapAlive } from '../../map-anchors.js'
import { keepTableWriterMapsAlive } from './map-anchors.js'
import { keepRowCursorMapsAlive } from './row-cursor.js'
import type { RowCursor } from './row-cursor.js'
import { serializeTable, tableRows } from './serialize-table.js'

export type { RowCursor } from './row-cursor.js'

/** A table found among the records, ready to be turned into line protocol. */
export interface TableSource {
  /**
   * Validates the table against `ctx` right away (throws `RecordError` naming `path`), then
   * returns its lines, produced lazily row block by row block. A row with no field left is not
   * produced: it is counted in {@link TableSource.skippedRows}. Row-level problems (a bad
   * timestamp text, an integer out of range) throw `RecordError` naming the row and column
   * when iteration reaches that row.
   */
  lines(ctx: SerializeContext, path: readonly number[]): Iterable<string>
  /**
   * Validates like {@link TableSource.lines}, then returns a cursor that writes one row per
   * call as bytes into a `LineWriter`: the same bytes as the lines, without a string per row.
   */
  rows(ctx: SerializeContext, path: readonly number[]): RowCursor
  /**
   * Rows skipped by the latest `lines()` or `rows()` iteration so far, because every field was
   * missing. `rows()` counts them as its cursor passes them; `lines()` reads a batch of up to
   * 1024 lines ahead, so its count may include rows just past the last line handed out.
   */
  readonly skippedRows: number
}

/** Returns a {@link TableSource} when `value` is a supported table, else `undefined`. */
export function asTable(value: unknown): TableSource | undefined {
  const model = detectModel(value)
  return model === undefined ? undefined : new TableRecord(model)
}

/** True when `value` has the shape of a table (read lazily: detection stays cheap). */
export function isTable(value: object): boolean {
  return detectModel(value) !== undefined
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

  readonly #model: () => TableModel

  constructor(model: () => TableModel) {
    this.#model = model
  }

  lines(ctx: SerializeContext, path: readonly number[]): Iterable<string> {
    this.skippedRows = 0
    return serializeTable(this.#model(), ctx, path, this.#countSkippedRow)
  }

  rows(ctx: SerializeContext, path: readonly number[]): RowCursor {
    this.skippedRows = 0
    return tableRows(this.#model(), ctx, path, this.#countSkippedRow)
  }

  readonly #countSkippedRow = (): void => {
    this.skippedRows++
  }
}

/** Keeps one instance of each class on the table serialiser's hot path alive (see map-anchors.ts). Called once. */
export function keepTableMapsAlive(): void {
  keepMapAlive(new TableRecord(() => columnarModel({ v: [] })))
  keepRowCursorMapsAlive()
  keepTableWriterMapsAlive()
}
