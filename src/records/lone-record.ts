/**
 * One record on its own: a Point or an object record, written straight into a line writer.
 * This is the path of `await writer.write(point)` and `writer.add(record)` in a loop, where the
 * record walker and its chunk accumulator (serialize.ts) would cost more than the line itself.
 * The rules are the walker's: the same precision, default tags and errors as a record at the
 * top of a `write()` call (path `[]`).
 */
import { RecordError, thrownReason } from '../errors.js'
import type { LineWriter } from '../line-protocol/line-writer.js'
import { Point, resetPoint } from '../line-protocol/point.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import { readRecordInto, recordMeasurement, type RecordOptions } from '../line-protocol/point-from-record.js'
import { isTable } from './tables/index.js'
import { writePointLine } from './record-walker.js'

/** The position of a lone record in errors: the whole input. */
const LONE = { path: (): number[] => [] }

/**
 * True for a value that the walker would write as one object record or Point: not text, bytes,
 * a table, an iterable, or a value that is no record at all (those take the general path, which
 * also gives their errors).
 */
export function isLoneRecord(value: unknown): value is object {
  try {
    return isOneRecord(value)
  } catch {
    // A Proxy trap or getter that throws: the general path reports it as this record's error.
    return false
  }
}

function isOneRecord(value: unknown): value is object {
  if (value instanceof Point) return true
  if (typeof value !== 'object' || value === null) return false
  if (typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') return false
  if (typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') return false
  const proto: unknown = Object.getPrototypeOf(value)
  // Plain objects are the common case: nothing else to rule out but a columnar table.
  if (proto === Object.prototype || proto === null) return !isTable(value)
  return (
    !(value instanceof ArrayBuffer) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof Date) &&
    !(value instanceof RegExp) &&
    !(value instanceof Promise) &&
    !isTable(value)
  )
}

/** The precision a lone record is written in: a Point's own, else the write's. */
export function lonePrecision(record: object, writePrecision: WritePrecision): WritePrecision {
  return record instanceof Point ? (record.writePrecision ?? writePrecision) : writePrecision
}

/**
 * Writes `record` (see {@link isLoneRecord}) as one line in `precision` (from
 * {@link lonePrecision}), or throws a `RecordError` with path `[]`, writing nothing.
 * `defaultTags` is `undefined` when there are none.
 */
export function writeLoneRecord(
  writer: LineWriter,
  record: object,
  precision: WritePrecision,
  options: RecordOptions,
  defaultTags: Readonly<Record<string, string>> | undefined,
): void {
  if (record instanceof Point) {
    writePointLine(writer, record, precision, defaultTags, LONE)
    return
  }
  // An object is read into one reused Point and written at once: no Point per record. A getter
  // of the record that writes another record meanwhile gets a Point of its own.
  const point = scratchBusy ? new Point('m') : scratch
  const owns = !scratchBusy
  scratchBusy = true
  try {
    try {
      resetPoint(point, recordMeasurement(record, options))
      readRecordInto(point, record, options)
    } catch (error) {
      if (error instanceof RecordError) throw error
      throw new RecordError([], thrownReason(error), { cause: error })
    }
    writePointLine(writer, point, precision, defaultTags, LONE)
  } finally {
    if (owns) scratchBusy = false
  }
}

const scratch = new Point('m')
let scratchBusy = false
