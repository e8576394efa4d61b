/**
 * Columns held as JavaScript arrays or typed arrays: plain columnar objects and danfo.js.
 * An array's kind comes from scanning every value once, so that a mixed column is refused
 * before any line is produced.
 */
import { blockRanges } from './blocks.js'
import type { CellBlock, ColumnInfo, ColumnKind, RowBlock } from './model.js'

/** The kind of a column and the name of its type for messages. */
export interface InspectedColumn {
  kind: ColumnKind
  typeName: string
}

/** Any typed array except `DataView`. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array

/** True for arrays and typed arrays (not `DataView`), the column containers of a plain table. */
export function isColumnArray(value: unknown): value is readonly unknown[] | TypedArray {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))
}

/**
 * Typed arrays say their kind: float arrays hold floats; integer arrays of up to 32 bits hold
 * integers, written with `i` (JavaScript cannot tell `Int32Array` values from floats otherwise);
 * `BigInt64Array` is `i` and `BigUint64Array` is `u`.
 */
export function inspectTypedArray(values: TypedArray): InspectedColumn {
  const typeName = values.constructor.name
  if (values instanceof Float64Array || values instanceof Float32Array) return { kind: 'float', typeName }
  if (values instanceof BigUint64Array) return { kind: 'uint', typeName }
  return { kind: 'int', typeName }
}

/**
 * Scans a JavaScript array. `number` values are floats (design.md §3), `bigint` values are
 * integers; `null`, `undefined` and NaN are missing cells.
 */
export function inspectArray(values: readonly unknown[]): InspectedColumn {
  const seen = new Set<string>()
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    // NaN marks a missing value in any column of a danfo.js frame (a string one too).
    if (value === null || value === undefined || value !== value) continue
    const type = typeof value
    if (type === 'object') {
      seen.add(value instanceof Date ? 'Date' : (value.constructor?.name ?? 'object'))
    } else {
      seen.add(type)
    }
  }
  if (seen.size === 0) return { kind: 'null', typeName: 'null' }
  const names = [...seen]
  if (names.length > 1) return { kind: 'mixed', typeName: names.join(' and ') }
  const only = names[0]
  switch (only) {
    case 'number':
      return { kind: 'float', typeName: only }
    case 'bigint':
      return { kind: 'int', typeName: only }
    case 'boolean':
      return { kind: 'bool', typeName: only }
    case 'string':
      return { kind: 'string', typeName: only }
    case 'Date':
      return { kind: 'date', typeName: only }
    default:
      return { kind: 'unsupported', typeName: only }
  }
}

/** The cells `[start, start + length)` of an inspected array, without copying. */
export function arrayCells(values: ArrayLike<unknown>, kind: ColumnKind, start: number): CellBlock {
  switch (kind) {
    case 'float':
      return { kind, values: values as ArrayLike<number | null>, offset: start }
    case 'int':
    case 'uint':
      return { kind, values: values as ArrayLike<number | bigint | null>, offset: start }
    case 'bool':
      return { kind, values: values as ArrayLike<boolean | null>, offset: start }
    case 'string':
      return { kind, values: values as ArrayLike<string | null>, offset: start }
    case 'date':
      return { kind, values: values as ArrayLike<Date | null>, offset: start }
    default:
      return { kind: 'null' }
  }
}

/**
 * The row blocks of columns held as arrays; `index` (with its kind) answers for column -1.
 * A module-level generator rather than a method of each model: code that iterates blocks then
 * stays specialised on one generator (see map-anchors.ts).
 */
export function* arrayBlocks(
  arrays: readonly ArrayLike<unknown>[],
  columns: readonly ColumnInfo[],
  rowCount: number,
  maxRows: number,
  index?: { values: ArrayLike<unknown>; kind: ColumnKind },
): Generator<RowBlock> {
  for (const [start, length] of blockRanges(rowCount, maxRows)) {
    yield {
      start,
      length,
      cells: (column) =>
        column < 0
          ? arrayCells((index as { values: ArrayLike<unknown> }).values, (index as { kind: ColumnKind }).kind, start)
          : arrayCells(arrays[column], columns[column].kind, start),
    }
  }
}
