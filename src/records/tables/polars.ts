/**
 * nodejs-polars `DataFrame`, read by shape, 65536 rows at a time through zero-copy
 * `Series.slice`, so that a large frame is never copied into JavaScript whole.
 *
 * Types: Int64 → `i` and UInt64 → `u`, exact (read as `BigInt64Array` / bigints: nodejs-polars'
 * `toArray()` turns Int64 into lossy numbers, so it is not used for them); Int8-32 and
 * UInt8-32 → `i`; Float32/64 → float; Bool; String, Utf8 and Categorical → strings; Null →
 * missing. Datetime(unit, zone) and Date keep their unit: their raw integers are read (never
 * millisecond JavaScript Dates); a Datetime without a zone is wall-clock time. Other types
 * (List, Struct, Duration, Time, Decimal, Object, Binary) are refused.
 */
import { windowedBlocks } from './blocks.js'
import { CellError } from './cell-error.js'
import type { CellBlock, ColumnInfo, ColumnKind, RowBlock, TableModel } from './model.js'

/** The parts of a Polars `DataType` that are read. */
export interface PolarsDataTypeShape {
  readonly variant: string
  readonly timeUnit?: string
  readonly timeZone?: string
  toString(): string
}

/** The parts of a Polars `Series` that are read. */
export interface PolarsSeriesShape {
  readonly dtype: PolarsDataTypeShape
  slice(start: number, length: number): PolarsSeriesShape
  toArray(): unknown[]
  toTypedArray(): ArrayLike<number | bigint>
  nullCount(): number
  isNull(): PolarsSeriesShape
  fillNull(strategy: 'zero'): PolarsSeriesShape
  cast(dtype: PolarsDataTypeShape): PolarsSeriesShape
}

/** The parts of a Polars `DataFrame` that are read. */
export interface PolarsDataFrameShape {
  readonly columns: string[]
  readonly height: number
  readonly dtypes: PolarsDataTypeShape[]
  getColumn(name: string): PolarsSeriesShape
}

/** True for a nodejs-polars `DataFrame`. */
export function isPolarsDataFrame(value: unknown): value is PolarsDataFrameShape {
  if (value === null || typeof value !== 'object') return false
  const candidate = value as Partial<Record<keyof PolarsDataFrameShape, unknown>>
  return (
    typeof candidate.getColumn === 'function' &&
    Array.isArray(candidate.columns) &&
    typeof candidate.height === 'number' &&
    Array.isArray(candidate.dtypes)
  )
}

/**
 * Rows fetched from Polars per call. Each `slice` + `toArray` costs about a millisecond however
 * short the slice, so rows are fetched in windows this large and formatted block by block.
 */
const WINDOW_ROWS = 65_536

const TIME_UNIT_NANOS: Readonly<Record<string, bigint>> = { ns: 1n, us: 1_000n, ms: 1_000_000n }
const NANOS_PER_DAY = 86_400_000_000_000n

function polarsKind(dtype: PolarsDataTypeShape): ColumnKind {
  switch (dtype.variant) {
    case 'Float32':
    case 'Float64':
      return 'float'
    case 'Int8':
    case 'Int16':
    case 'Int32':
    case 'Int64':
    case 'UInt8':
    case 'UInt16':
    case 'UInt32':
      return 'int'
    case 'UInt64':
      return 'uint'
    case 'Bool':
      return 'bool'
    case 'String':
    case 'Utf8':
    case 'Categorical':
      return 'string'
    case 'Datetime':
      return dtype.timeUnit !== undefined && dtype.timeUnit in TIME_UNIT_NANOS ? 'temporal' : 'unsupported'
    case 'Date':
      return 'temporal'
    case 'Null':
      return 'null'
    default:
      return 'unsupported'
  }
}

/** Reads a Polars `DataFrame` as a {@link TableModel}. */
export function polarsModel(frame: PolarsDataFrameShape): TableModel {
  const names = frame.columns
  const series = names.map((name) => frame.getColumn(name))
  const columns: ColumnInfo[] = names.map((name, i) => {
    const dtype = series[i].dtype
    return { name, kind: polarsKind(dtype), typeName: dtypeName(dtype) }
  })
  const rowCount = frame.height
  return {
    description: 'Polars DataFrame',
    rowCount,
    columns,
    blocks(maxRows: number): Iterable<RowBlock> {
      return windowedBlocks(rowCount, maxRows, WINDOW_ROWS, (column, start, length) =>
        readCells(series[column].slice(start, length)),
      )
    },
  }
}

/** `Datetime(ns, Europe/Berlin)` rather than the library's `DataType(Datetime(ns,Europe/Berlin))`. */
function dtypeName(dtype: PolarsDataTypeShape): string {
  const text = String(dtype)
  const match = /^DataType\((.*)\)$/.exec(text)
  return match === null ? text : match[1]
}

function readCells(slice: PolarsSeriesShape): CellBlock {
  const dtype = slice.dtype
  switch (dtype.variant) {
    case 'Int64':
      return { kind: 'int', ...exactIntegers(slice) }
    case 'UInt64':
      // toArray() already gives bigints for UInt64.
      return { kind: 'uint', values: slice.toArray() as (bigint | null)[], offset: 0 }
    case 'Datetime':
      return {
        kind: 'temporal',
        ...exactIntegers(slice.cast(siblingDataType(dtype, 'Int64'))),
        unitNanos: TIME_UNIT_NANOS[dtype.timeUnit as string],
        naive: dtype.timeZone === undefined || dtype.timeZone === null || dtype.timeZone === '',
      }
    case 'Date':
      return {
        kind: 'temporal',
        values: slice.cast(siblingDataType(dtype, 'Int32')).toArray() as (number | null)[],
        offset: 0,
        unitNanos: NANOS_PER_DAY,
        naive: true,
      }
    default: {
      const kind = polarsKind(dtype)
      if (kind === 'null' || kind === 'unsupported' || kind === 'temporal') return { kind: 'null' }
      return { kind, values: slice.toArray(), offset: 0 } as CellBlock
    }
  }
}

/** Int64 values as a `BigInt64Array` (exact), with a validity mask when some are null. */
function exactIntegers(slice: PolarsSeriesShape): {
  values: ArrayLike<bigint>
  offset: 0
  valid?: (i: number) => boolean
} {
  if (slice.nullCount() === 0) return { values: slice.toTypedArray() as ArrayLike<bigint>, offset: 0 }
  const missing = slice.isNull().toArray() as boolean[]
  return {
    values: slice.fillNull('zero').toTypedArray() as ArrayLike<bigint>,
    offset: 0,
    valid: (i) => missing[i] !== true,
  }
}

/**
 * Another DataType of the same nodejs-polars copy that made `dtype` (its `DataType` class
 * holds them as static members), so that nothing has to import the library.
 */
function siblingDataType(dtype: PolarsDataTypeShape, variant: 'Int64' | 'Int32'): PolarsDataTypeShape {
  for (
    let owner: unknown = (dtype as object).constructor;
    typeof owner === 'function';
    owner = Object.getPrototypeOf(owner)
  ) {
    const sibling = (owner as unknown as Record<string, unknown>)[variant]
    if (sibling !== null && typeof sibling === 'object' && 'variant' in sibling) return sibling as PolarsDataTypeShape
  }
  throw new CellError(
    0,
    `cannot read the raw values of a ${dtypeName(dtype)} column with this version of nodejs-polars`,
  )
}
