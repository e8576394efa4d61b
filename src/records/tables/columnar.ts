/**
 * Plain columnar objects: `{ column: array | TypedArray, … }`, every column the same length.
 *
 * Column types: `number[]` → float, `bigint[]` → `i`, `boolean[]`, `string[]`, `Date[]`
 * (timestamps only), with `null` / `undefined` for missing cells; `Float32Array` /
 * `Float64Array` → float; `Int8Array` … `Int32Array`, `Uint8Array` … `Uint32Array` → `i`;
 * `BigInt64Array` → `i`; `BigUint64Array` → `u`. An array mixing types is refused.
 */
import { arrayBlocks, inspectArray, inspectTypedArray, isColumnArray, type TypedArray } from './js-columns.js'
import type { ColumnInfo, TableModel } from './model.js'

/** A plain object whose every own value is an array or a typed array (and which has at least one). */
export type ColumnarObject = Readonly<Record<string, readonly unknown[] | TypedArray>>

/** True for a plain object (no class) holding only column arrays. */
export function isColumnarObject(value: unknown): value is ColumnarObject {
  if (value === null || typeof value !== 'object') return false
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  // Every object record passes through here: stop at the first value that is not a column.
  let columns = 0
  for (const key in value) {
    if (!isColumnArray((value as Record<string, unknown>)[key])) return false
    columns++
  }
  return columns > 0
}

/** Reads a columnar object as a {@link TableModel}. */
export function columnarModel(table: ColumnarObject): TableModel {
  const names = Object.keys(table)
  const arrays = names.map((name) => table[name])
  const columns: ColumnInfo[] = names.map((name, i) => {
    const values = arrays[i]
    const inspected = Array.isArray(values) ? inspectArray(values) : inspectTypedArray(values as TypedArray)
    return { name, ...inspected }
  })
  const rowCount = arrays[0]?.length ?? 0
  const uneven = names.find((_, i) => (arrays[i] as ArrayLike<unknown>).length !== rowCount)
  return {
    description: 'columnar object',
    rowCount,
    columns,
    invalidReason:
      uneven === undefined
        ? undefined
        : `the columns differ in length: ${JSON.stringify(names[0])} has ${rowCount} values, ${JSON.stringify(uneven)} has ${(table[uneven] as ArrayLike<unknown>).length}`,
    blocks: (maxRows) => arrayBlocks(arrays, columns, rowCount, maxRows),
  }
}
