/**
 * Apache Arrow `Table` and `RecordBatch`, read by shape (apache-arrow 14 and later) straight
 * from their buffers, batch by batch, so that 64-bit integers and timestamps stay exact and
 * no row objects are built.
 *
 * Types: Int64 → `i` (bigint, exact); Uint64 → `u`; Int8-32 and Uint8-32 → `i` (they are
 * integers); Float16/32/64 → float; Bool; Utf8, LargeUtf8, Utf8View and dictionary-encoded
 * strings → strings (a dictionary is formatted once per distinct entry); Null → missing.
 * Timestamp (s/ms/us/ns) and Date (day/ms) keep their unit; a Timestamp without a zone is
 * wall-clock time. Decimal, Binary, Time, Duration, Interval, List, Struct, Map and Union are refused.
 */
import { blockRanges } from './blocks.js'
import type { CellBlock, CellValue, ColumnInfo, ColumnKind, RowBlock, TableModel, Validity } from './model.js'

/** Arrow's `Type` enum values this module reads (stable across apache-arrow versions). */
const TYPE = {
  Null: 1,
  Int: 2,
  Float: 3,
  Utf8: 5,
  Bool: 6,
  Date: 8,
  Timestamp: 10,
  LargeUtf8: 20,
  Utf8View: 24,
  Dictionary: -1,
} as const

const TIME_UNIT_NANOS = [1_000_000_000n, 1_000_000n, 1_000n, 1n] as const
const NANOS_PER_DAY = 86_400_000_000_000n
const NANOS_PER_MS = 1_000_000n

/** The parts of an Arrow `DataType` that are read. */
export interface ArrowTypeShape {
  readonly typeId: number
  readonly bitWidth?: number
  readonly isSigned?: boolean
  /** Float precision (0 half, 1 single, 2 double), or nothing. */
  readonly precision?: number
  /** Time unit (0 s, 1 ms, 2 us, 3 ns) or date unit (0 day, 1 ms). */
  readonly unit?: number
  readonly timezone?: string | null
  /** The value type of a dictionary. */
  readonly dictionary?: ArrowTypeShape
  toString(): string
}

/** The parts of an Arrow `Data` (one column of one batch) that are read. */
export interface ArrowDataShape {
  readonly type: ArrowTypeShape
  readonly offset: number
  readonly length: number
  readonly nullCount: number
  readonly stride: number
  readonly values: unknown
  readonly nullBitmap?: Uint8Array | null
  readonly valueOffsets?: Int32Array | BigInt64Array | null
  readonly dictionary?: ArrowVectorShape | null
  readonly children: readonly ArrowDataShape[]
}

/** The parts of an Arrow `Vector` that are read. */
export interface ArrowVectorShape {
  readonly length: number
  readonly data: readonly ArrowDataShape[]
  get(index: number): unknown
}

/** The parts of an Arrow `Schema` that are read. */
export interface ArrowSchemaShape {
  readonly fields: readonly { readonly name: string; readonly type: ArrowTypeShape }[]
}

/** The parts of an Arrow `RecordBatch` that are read. */
export interface ArrowRecordBatchShape {
  readonly schema: ArrowSchemaShape
  readonly numRows: number
  readonly data: ArrowDataShape
  getChildAt(index: number): ArrowVectorShape | null
}

/** The parts of an Arrow `Table` that are read. */
export interface ArrowTableShape {
  readonly schema: ArrowSchemaShape
  readonly numRows: number
  readonly batches: readonly ArrowRecordBatchShape[]
  getChildAt(index: number): ArrowVectorShape | null
}

function hasSchema(value: unknown): value is { schema: ArrowSchemaShape; numRows: number; getChildAt: unknown } {
  if (value === null || typeof value !== 'object') return false
  const candidate = value as { schema?: { fields?: unknown }; numRows?: unknown; getChildAt?: unknown }
  return (
    Array.isArray(candidate.schema?.fields) &&
    typeof candidate.numRows === 'number' &&
    typeof candidate.getChildAt === 'function'
  )
}

/** True for an Arrow `Table` (schema, row count, batches). */
export function isArrowTable(value: unknown): value is ArrowTableShape {
  return hasSchema(value) && Array.isArray((value as { batches?: unknown }).batches)
}

/** True for an Arrow `RecordBatch` (schema, row count, one struct `data` with a child per column). */
export function isArrowRecordBatch(value: unknown): value is ArrowRecordBatchShape {
  return hasSchema(value) && Array.isArray((value as { data?: { children?: unknown } }).data?.children)
}

/** Reads an Arrow `Table` or `RecordBatch` as a {@link TableModel}. */
export function arrowModel(table: ArrowTableShape | ArrowRecordBatchShape, description: string): TableModel {
  const batches: readonly ArrowRecordBatchShape[] = 'batches' in table ? table.batches : [table]
  const columns: ColumnInfo[] = table.schema.fields.map((field) => ({
    name: field.name,
    kind: arrowKind(field.type),
    typeName: String(field.type),
  }))
  return {
    description,
    rowCount: table.numRows,
    columns,
    blocks: (maxRows) => arrowBlocks(batches, maxRows),
  }
}

/**
 * The row blocks of the batches. A module-level generator rather than a method of each model:
 * code that iterates blocks then stays specialised on one generator (see map-anchors.ts).
 */
function* arrowBlocks(batches: readonly ArrowRecordBatchShape[], maxRows: number): Generator<RowBlock> {
  let firstRow = 0
  for (const batch of batches) {
    const readers = new Map<number, BlockReader>()
    const reader = (column: number): BlockReader => {
      let read = readers.get(column)
      if (read === undefined) {
        read = columnReader(batch, column)
        readers.set(column, read)
      }
      return read
    }
    for (const [start, length] of blockRanges(batch.numRows, maxRows)) {
      yield { start: firstRow + start, length, cells: (column) => reader(column)(start, length) }
    }
    firstRow += batch.numRows
  }
}

function arrowKind(type: ArrowTypeShape): ColumnKind {
  switch (type.typeId) {
    case TYPE.Null:
      return 'null'
    case TYPE.Int:
      return type.bitWidth === 64 && type.isSigned === false ? 'uint' : 'int'
    case TYPE.Float:
      return 'float'
    case TYPE.Bool:
      return 'bool'
    case TYPE.Utf8:
    case TYPE.LargeUtf8:
    case TYPE.Utf8View:
      return 'string'
    case TYPE.Timestamp:
    case TYPE.Date:
      return 'temporal'
    case TYPE.Dictionary: {
      const kind = type.dictionary === undefined ? 'unsupported' : arrowKind(type.dictionary)
      return kind === 'temporal' ? 'unsupported' : kind
    }
    default:
      return 'unsupported'
  }
}

/** Reads the cells of rows `[start, start + length)` of one column of one batch. */
type BlockReader = (start: number, length: number) => CellBlock

/**
 * Builds the reader of one column of one batch. apache-arrow slices the value and offset
 * buffers when it slices a column, so they are indexed from the slice's first row; only the
 * bit buffers (validity, Bool values) keep the whole column and are indexed from `data.offset`.
 */
function columnReader(batch: ArrowRecordBatchShape, column: number): BlockReader {
  const data = batch.data.children[column]
  const type = data.type
  const valid = validityOf(data)
  const at = (start: number): Validity | undefined => (valid === undefined ? undefined : (i) => valid(start + i))
  switch (type.typeId) {
    case TYPE.Null:
      return () => ({ kind: 'null' })
    case TYPE.Int: {
      const values = int64Values(data)
      const kind = arrowKind(type) as 'int' | 'uint'
      return (start) => ({ kind, values, offset: start, valid: at(start) })
    }
    case TYPE.Float: {
      const values =
        type.precision === 0 ? halfFloats(data.values as Uint16Array) : (data.values as Float32Array | Float64Array)
      return (start) => ({ kind: 'float', values, offset: start, valid: at(start) })
    }
    case TYPE.Bool: {
      const bits = data.values as Uint8Array
      return (start, length) => ({
        kind: 'bool',
        values: bitsAsBooleans(bits, data.offset + start, length),
        offset: 0,
        valid: at(start),
      })
    }
    case TYPE.Utf8:
    case TYPE.LargeUtf8:
    case TYPE.Utf8View:
      return stringReader(batch, column, data, at)
    case TYPE.Timestamp:
    case TYPE.Date: {
      const values = int64Values(data)
      const unitNanos = temporalUnitNanos(type)
      // Arrow stores zoned timestamps as UTC instants; a zone-less one, and any date, is wall clock.
      const naive =
        type.typeId === TYPE.Date || type.timezone === null || type.timezone === undefined || type.timezone === ''
      return (start) => ({ kind: 'temporal', values, offset: start, valid: at(start), unitNanos, naive })
    }
    case TYPE.Dictionary: {
      const indices = data.values as ArrayLike<number | bigint>
      return (start) => ({
        kind: 'dictionary',
        indices,
        offset: start,
        valid: at(start),
        dictionary: dictionaryValues(data),
      })
    }
    default:
      return () => ({ kind: 'null' })
  }
}

/** Null bitmap → validity by row of the batch; undefined when no cell is null. */
function validityOf(data: ArrowDataShape): ((row: number) => boolean) | undefined {
  const bitmap = data.nullBitmap
  if (bitmap === null || bitmap === undefined || bitmap.length === 0 || data.nullCount === 0) return undefined
  const offset = data.offset
  return (row) => {
    const bit = offset + row
    return (bitmap[bit >> 3] & (1 << (bit & 7))) !== 0
  }
}

/**
 * The values of a 64-bit column as one bigint per row. apache-arrow before 15 keeps timestamps
 * and Date64 as pairs of 32-bit words (stride 2); those are combined here.
 */
function int64Values(data: ArrowDataShape): ArrayLike<number | bigint> {
  const values = data.values as ArrayLike<number | bigint>
  if (data.stride !== 2 || !(values instanceof Int32Array || values instanceof Uint32Array)) return values
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length)
  const combined = new BigInt64Array(values.length / 2)
  for (let i = 0; i < combined.length; i++) {
    combined[i] = BigInt.asIntN(64, (BigInt(words[2 * i + 1]) << 32n) | BigInt(words[2 * i]))
  }
  return combined
}

function temporalUnitNanos(type: ArrowTypeShape): bigint {
  if (type.typeId === TYPE.Date) return type.unit === 0 ? NANOS_PER_DAY : NANOS_PER_MS
  return TIME_UNIT_NANOS[type.unit ?? 3] ?? 1n
}

/** `length` bits of a bool buffer from bit `offset`, as booleans. */
function bitsAsBooleans(bits: Uint8Array, offset: number, length: number): boolean[] {
  const out = new Array<boolean>(length)
  for (let i = 0; i < length; i++) {
    const bit = offset + i
    out[i] = (bits[bit >> 3] & (1 << (bit & 7))) !== 0
  }
  return out
}

/** IEEE 754 half-precision words → numbers (exact: every half is a double). */
function halfFloats(words: Uint16Array): Float64Array {
  const out = new Float64Array(words.length)
  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    const sign = w & 0x8000 ? -1 : 1
    const exponent = (w >> 10) & 0x1f
    const fraction = w & 0x3ff
    out[i] =
      exponent === 0
        ? sign * fraction * 2 ** -24
        : exponent === 0x1f
          ? fraction === 0
            ? sign * Infinity
            : NaN
          : sign * (1 + fraction / 1024) * 2 ** (exponent - 15)
  }
  return out
}

const utf8 = new TextDecoder()

/** Decodes string cells block by block; Utf8View goes through the library's own `get`. */
function stringReader(
  batch: ArrowRecordBatchShape,
  column: number,
  data: ArrowDataShape,
  at: (start: number) => Validity | undefined,
): BlockReader {
  const offsets = data.valueOffsets
  const bytes = data.values
  if (
    data.type.typeId === TYPE.Utf8View ||
    offsets === null ||
    offsets === undefined ||
    !(bytes instanceof Uint8Array)
  ) {
    const vector = batch.getChildAt(column) as ArrowVectorShape
    return (start, length) => {
      const values = new Array<string | null>(length)
      for (let i = 0; i < length; i++) values[i] = vector.get(start + i) as string | null
      return { kind: 'string', values, offset: 0, valid: at(start) }
    }
  }
  return (start, length) => {
    const values = new Array<string>(length)
    const first = start
    for (let i = 0; i < length; i++) {
      values[i] = utf8.decode(bytes.subarray(Number(offsets[first + i]), Number(offsets[first + i + 1])))
    }
    return { kind: 'string', values, offset: 0, valid: at(start) }
  }
}

/** Dictionaries already read; batches that share a dictionary object share its values. */
const dictionaryCache = new WeakMap<ArrowVectorShape, readonly CellValue[]>()
const NO_VALUES: readonly CellValue[] = []

/** A batch's dictionary as JavaScript values, read once per dictionary object. */
function dictionaryValues(data: ArrowDataShape): readonly CellValue[] {
  const dictionary = data.dictionary
  if (dictionary === null || dictionary === undefined) return NO_VALUES
  let values = dictionaryCache.get(dictionary)
  if (values === undefined) {
    const read = new Array<CellValue>(dictionary.length)
    for (let i = 0; i < read.length; i++) read[i] = dictionary.get(i) as CellValue
    dictionaryCache.set(dictionary, read)
    values = read
  }
  return values
}
