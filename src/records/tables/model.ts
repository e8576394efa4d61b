/**
 * The one shape every table library is read into. Each library module (Arrow, Polars, danfo,
 * plain columns) describes its columns once and then hands out their cells block by block,
 * already sorted into a few kinds, so that the serializer decides how to read and write a
 * column once per block (typed array, 64-bit words, dictionary entries), not once per cell.
 */

/**
 * What a column holds, as far as line protocol cares.
 * - `float`, `int` (written with `i`), `uint` (with `u`), `bool`, `string`: field or tag values.
 * - `temporal`: integer counts of a unit since the epoch (Arrow / Polars timestamps and dates).
 * - `date`: JavaScript `Date` objects.
 * - `null`: no value in any row.
 * - `unsupported`: a type that line protocol has no value for (lists, structs, binary, …).
 * - `mixed`: a JavaScript array whose values have more than one type.
 */
export type ColumnKind =
  'float' | 'int' | 'uint' | 'bool' | 'string' | 'temporal' | 'date' | 'null' | 'unsupported' | 'mixed'

/** A column as the table declares it. */
export interface ColumnInfo {
  readonly name: string
  readonly kind: ColumnKind
  /** The library's own name for the type, for messages (`Timestamp<NANOSECOND>`, `number and string`). */
  readonly typeName: string
}

/** Says whether the cell at block position `i` holds a value (null bitmaps). */
export type Validity = (i: number) => boolean

/** A JavaScript value a cell can hold, before formatting. */
export type CellValue = number | bigint | string | boolean | Date | null | undefined

/**
 * The cells of one column for the rows of a block. Cell `i` of the block is `values[offset + i]`
 * (or, for a dictionary, `dictionary[indices[offset + i]]`), missing when `valid?.(i)` is false.
 */
export type CellBlock =
  | { kind: 'float'; values: ArrayLike<number | null | undefined>; offset: number; valid?: Validity }
  | { kind: 'int' | 'uint'; values: ArrayLike<number | bigint | null | undefined>; offset: number; valid?: Validity }
  | { kind: 'bool'; values: ArrayLike<boolean | null | undefined>; offset: number; valid?: Validity }
  | { kind: 'string'; values: ArrayLike<string | null | undefined>; offset: number; valid?: Validity }
  | { kind: 'date'; values: ArrayLike<Date | null | undefined>; offset: number; valid?: Validity }
  | {
      kind: 'temporal'
      values: ArrayLike<number | bigint | null | undefined>
      offset: number
      valid?: Validity
      /** Nanoseconds in one unit of `values`. */
      unitNanos: bigint
      /** True when the values count wall-clock time (no zone in the column type). */
      naive: boolean
    }
  | {
      kind: 'dictionary'
      indices: ArrayLike<number | bigint>
      offset: number
      valid?: Validity
      /** The dictionary's values; the same array object for as long as the dictionary is unchanged. */
      dictionary: readonly CellValue[]
    }
  | { kind: 'null' }

/** A run of consecutive rows. */
export interface RowBlock {
  /** Index of the block's first row in the table. */
  readonly start: number
  readonly length: number
  /** The cells of column `column` (an index into {@link TableModel.columns}, or -1 for the time index). */
  cells(column: number): CellBlock
}

/** A table read through one library's API. */
export interface TableModel {
  /** What the table is, for messages: `Arrow Table`, `Polars DataFrame`, … */
  readonly description: string
  readonly rowCount: number
  readonly columns: readonly ColumnInfo[]
  /** A time index that stands in for a timestamp column (danfo's index), when it holds times. */
  readonly timeIndex?: ColumnInfo
  /** A reason the table cannot be read at all (for example columns of unequal length). */
  readonly invalidReason?: string
  /** The rows in blocks of at most `maxRows` rows, in order. */
  blocks(maxRows: number): Iterable<RowBlock>
}
