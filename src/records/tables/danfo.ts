/**
 * danfo.js `DataFrame`, read by shape. danfo keeps every column as a JavaScript array, so its
 * columns are read like a plain columnar object:
 * numbers → float, bigints → `i`, booleans, strings, Dates (timestamps only).
 *
 * danfo's `int32` dtype is NOT written as `i`: danfo guesses it from the values (a column of
 * whole numbers is `int32`, the same column with one `1.5` is `float32`), so following it would
 * change a field's type with its data and make the server refuse later writes (field type
 * conflict). As everywhere in this client (design.md §3), a number is a float; write integers
 * with `fieldTypes: { column: 'int' }` (exact up to 2^53, a non-integer is an error naming its row)
 * or with bigint values.
 *
 * The index stands in for the timestamp column when it holds times: every entry a `Date`, or
 * every entry a string with the first one a timestamp text.
 */
import { arrayBlocks, inspectArray } from './js-columns.js'
import type { ColumnInfo, TableModel } from './model.js'
import { parseTimestampText } from './timestamp-text.js'

/** The parts of a danfo.js `DataFrame` that are read. */
export interface DanfoDataFrameShape {
  readonly columns: string[]
  readonly index: readonly unknown[]
  readonly dtypes: string[]
  readonly shape: number[]
  column(name: string): { readonly values: readonly unknown[] }
}

/** True for a danfo.js `DataFrame`. */
export function isDanfoDataFrame(value: unknown): value is DanfoDataFrameShape {
  if (value === null || typeof value !== 'object') return false
  const candidate = value as Partial<Record<keyof DanfoDataFrameShape | '$data' | 'values', unknown>>
  return (
    Array.isArray(candidate.columns) &&
    Array.isArray(candidate.index) &&
    Array.isArray(candidate.dtypes) &&
    Array.isArray(candidate.shape) &&
    typeof candidate.column === 'function' &&
    ('$data' in candidate || 'values' in candidate)
  )
}

/** The name a time index has in messages. */
const INDEX_NAME = 'index'

/** Reads a danfo.js `DataFrame` as a {@link TableModel}. */
export function danfoModel(frame: DanfoDataFrameShape): TableModel {
  const names = frame.columns
  const arrays = names.map((name) => frame.column(name).values)
  const columns: ColumnInfo[] = names.map((name, i) => ({ name, ...inspectArray(arrays[i]) }))
  const index = frame.index
  const timeIndex = indexHoldsTimes(index) ? { name: INDEX_NAME, ...inspectArray(index) } : undefined
  const rowCount = frame.shape[0] ?? index.length
  return {
    description: 'danfo DataFrame',
    rowCount,
    columns,
    timeIndex,
    blocks: (maxRows) =>
      arrayBlocks(
        arrays,
        columns,
        rowCount,
        maxRows,
        timeIndex === undefined ? undefined : { values: index, kind: timeIndex.kind },
      ),
  }
}

function indexHoldsTimes(index: readonly unknown[]): boolean {
  if (index.length === 0) return false
  if (index.every((entry) => entry instanceof Date)) return true
  if (!index.every((entry) => typeof entry === 'string')) return false
  try {
    parseTimestampText(index[0])
    return true
  } catch {
    return false
  }
}
