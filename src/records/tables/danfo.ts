/**
 * danfo.js `DataFrame`, read by shape. danfo keeps every column as a JavaScript array, so its
 * columns are read like a plain columnar object, with danfo's dtype deciding one thing:
 * an `int32` column is written as integers (`i`), as pandas' int dtype is. danfo's integers are
 * JavaScript numbers, so they are exact up to 2^53; a non-integer or larger number in an `int32`
 * column is an error naming its row (danfo guesses dtypes from the first values only).
 * `float32` → float, `boolean`, `string`, `datetime` (Dates, timestamps only).
 *
 * The index stands in for the timestamp column when it holds times: every entry a `Date`, or
 * every entry a string with the first one a timestamp text.
 */
import { arrayCells, inspectArray } from './js-columns.js'
import type { ColumnInfo, RowBlock, TableModel } from './model.js'
import { blockRanges } from './blocks.js'
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
  const columns: ColumnInfo[] = names.map((name, i) => {
    const dtype = frame.dtypes[i]
    return { name, ...inspectArray(arrays[i] as readonly unknown[], dtype === 'int32') }
  })
  const index = frame.index
  const timeIndex = indexHoldsTimes(index) ? { name: INDEX_NAME, ...inspectArray(index) } : undefined
  const rowCount = frame.shape[0] ?? index.length
  return {
    description: 'danfo DataFrame',
    rowCount,
    columns,
    timeIndex,
    *blocks(maxRows: number): Iterable<RowBlock> {
      for (const [start, length] of blockRanges(rowCount, maxRows)) {
        yield {
          start,
          length,
          cells: (column) =>
            column < 0
              ? arrayCells(index, (timeIndex as ColumnInfo).kind, start)
              : arrayCells(arrays[column] as readonly unknown[], (columns[column] as ColumnInfo).kind, start),
        }
      }
    },
  }
}

function indexHoldsTimes(index: readonly unknown[]): boolean {
  if (index.length === 0) return false
  if (index.every((entry) => entry instanceof Date)) return true
  if (!index.every((entry) => typeof entry === 'string')) return false
  try {
    parseTimestampText(index[0] as string)
    return true
  } catch {
    return false
  }
}
