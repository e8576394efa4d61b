/**
 * Timestamp cells → the line's ` <timestamp>` bytes in the write precision, with exact integer
 * math (64-bit words or bigints, never a JavaScript `Date` for typed times).
 *
 * - Typed times (Arrow Timestamp / Date, Polars Datetime / Date) keep their unit: the raw
 *   integers are scaled, never passed through a JavaScript `Date`. Without a zone in the
 *   column type they are wall-clock times, read in `dataFrameTimestampTimezone` (else UTC).
 * - `Date` objects are instants.
 * - Text is parsed by {@link parseTimestampText}; text without a zone is wall-clock time.
 * - Plain integers (number or bigint) already count the write precision and are written as
 *   they are (they are instants, never shifted by a zone).
 * Converting to a coarser precision truncates toward zero, as everywhere in this client.
 */
import { thrownReason } from '../../errors.js'
import { NANOS_PER_UNIT, type WritePrecision } from '../../line-protocol/precision.js'
import {
  bigintUnitsToTimestamp,
  dateToNanos,
  MAX_TIMESTAMP_NS,
  nanosToTimestamp,
  numberUnitsToTimestamp,
} from '../../line-protocol/time.js'
import type { LineWriter } from '../../line-protocol/line-writer.js'
import { CellError } from './cell-error.js'
import { ColumnCells, DICTIONARY_CELLS } from './column-cells.js'
import type { CellBlock, CellValue } from './model.js'
import { parseTimestampText } from './timestamp-text.js'
import type { TimeZoneOffsets } from './time-zone.js'
import { EncodedText, NearbyInt64Writer } from './write-bytes.js'

const NANOS_PER_MS = 1_000_000n

/** A `BigInt64Array` already in the write precision: read as two 32-bit words. */
const SAME_UNIT_WORDS = 2
const TEMPORAL = 3
const VALUES = 4

const SPACE = 32
const WORD = 0x1_0000_0000n

/** The timestamp column of a table, loaded block by block, written as ` <timestamp>`. */
export class TimeCells extends ColumnCells {
  readonly #precision: WritePrecision
  readonly #precisionNanos: bigint
  /** Undefined when naive times are UTC (no zone given, or a zone that is UTC all the time). */
  readonly #zone: TimeZoneOffsets | undefined
  /** Largest magnitude in the write precision, as a bigint and as words (high word signed). */
  readonly #max: bigint
  readonly #maxHigh: number
  readonly #maxLow: number
  readonly #minHigh: number
  readonly #minLow: number
  #unitNanos = 1n
  readonly #nearby = new NearbyInt64Writer()
  #shifted = false
  #sameUnit = false

  /** @param name the column name, for messages */
  constructor(name: string, precision: WritePrecision, zone: TimeZoneOffsets | undefined) {
    super(name)
    this.#precision = precision
    this.#precisionNanos = NANOS_PER_UNIT[precision]
    this.#zone = zone?.isUtc === true ? undefined : zone
    this.#max = MAX_TIMESTAMP_NS / this.#precisionNanos
    this.#maxHigh = Number(this.#max / WORD)
    this.#maxLow = Number(this.#max % WORD)
    const min = BigInt.asUintN(64, -this.#max)
    this.#minHigh = Number(min / WORD) | 0
    this.#minLow = Number(min % WORD)
  }

  /** Reads the cells of the next block. */
  load(block: CellBlock): void {
    const cells = this.loadCells(block, this.#formatEntry)
    if (cells === undefined) return
    if (cells.kind !== 'temporal') {
      // A BigInt64Array of plain integers already counts the write precision: written as it is.
      const values = cells.values
      this.#sameUnit = true
      this.mode =
        cells.kind === 'int' && values instanceof BigInt64Array && this.loadWords(values) ? SAME_UNIT_WORDS : VALUES
      return
    }
    this.#unitNanos = cells.unitNanos
    this.#shifted = cells.naive && this.#zone !== undefined
    this.#sameUnit = !this.#shifted && cells.unitNanos === this.#precisionNanos
    const values = cells.values
    this.mode = this.#sameUnit && values instanceof BigInt64Array && this.loadWords(values) ? SAME_UNIT_WORDS : TEMPORAL
  }

  /**
   * Writes ` <timestamp>` for block row `i` and returns true, or returns false for a missing
   * time (the caller decides: a row that has fields needs one). Throws {@link CellError}.
   */
  write(out: LineWriter, i: number): boolean {
    const valid = this.valid
    if (valid !== undefined && !valid(i)) return false
    const at = this.offset + i
    switch (this.mode) {
      case SAME_UNIT_WORDS: {
        const words = this.words as Uint32Array
        const low = words[2 * at]
        const high = words[2 * at + 1] | 0
        if (
          high > this.#maxHigh ||
          (high === this.#maxHigh && low > this.#maxLow) ||
          high < this.#minHigh ||
          (high === this.#minHigh && low < this.#minLow)
        ) {
          return this.#writeText(out, this.#temporalText(this.values[at] as bigint, i))
        }
        out.byte(SPACE)
        this.#nearby.write(out, low, high)
        return true
      }
      case TEMPORAL: {
        const v = this.values[at]
        if (v === null || v === undefined || v !== v) return false
        return this.#writeText(out, this.#temporalText(v as number | bigint, i))
      }
      case VALUES: {
        const v = this.values[at]
        // NaN (v !== v) is a missing cell in a column of another type: see inspectArray.
        if (v === null || v === undefined || v !== v) return false
        return this.#writeText(out, this.#textOf(v, i))
      }
      case DICTIONARY_CELLS:
        return this.writeEntry(out, at, i)
      default:
        return false
    }
  }

  #writeText(out: LineWriter, text: string): true {
    out.byte(SPACE)
    out.text(text)
    return true
  }

  /** A typed time (a count of `unitNanos` since the epoch) in the write precision. */
  #temporalText(v: number | bigint, index: number): string {
    try {
      if (this.#sameUnit) {
        return typeof v === 'bigint' && v <= this.#max && v >= -this.#max
          ? `${v}`
          : typeof v === 'bigint'
            ? bigintUnitsToTimestamp(v, this.#precision)
            : numberUnitsToTimestamp(v, this.#precision)
      }
      let nanos = BigInt(v) * this.#unitNanos
      if (this.#shifted) nanos = this.#wallClockToUtc(nanos, index)
      return nanosToTimestamp(nanos, this.#precision)
    } catch (error) {
      throw asCellError(error, index)
    }
  }

  /** A dictionary entry's ` <timestamp>` bytes. Throws {@link CellError}. */
  readonly #formatEntry = (value: CellValue): EncodedText | undefined => {
    return value === null || value === undefined ? undefined : new EncodedText(` ${this.#textOf(value, 0)}`)
  }

  /** One timestamp value → its text in the write precision. */
  #textOf(value: CellValue, index: number): string {
    try {
      switch (typeof value) {
        case 'bigint':
          return bigintUnitsToTimestamp(value, this.#precision)
        case 'number':
          return numberUnitsToTimestamp(value, this.#precision)
        case 'string': {
          const parsed = parseTimestampText(value)
          const nanos =
            parsed.naive && this.#zone !== undefined ? this.#wallClockToUtc(parsed.nanos, index, value) : parsed.nanos
          return nanosToTimestamp(nanos, this.#precision)
        }
        default:
          if (value instanceof Date) return nanosToTimestamp(dateToNanos(value), this.#precision)
          throw new CellError(index, `a ${typeof value} is not a timestamp`)
      }
    } catch (error) {
      throw asCellError(error, index)
    }
  }

  #wallClockToUtc(wallNanos: bigint, index: number, text?: string): bigint {
    const zone = this.#zone as TimeZoneOffsets
    let wallMs = wallNanos / NANOS_PER_MS
    if (wallNanos % NANOS_PER_MS < 0n) wallMs -= 1n
    const utcMs = zone.toUtc(Number(wallMs))
    if (utcMs === undefined) {
      const shown = text ?? new Date(Number(wallMs)).toISOString().replace('T', ' ').replace('Z', '')
      throw new CellError(
        index,
        `${shown} does not exist in ${zone.zone}: the clocks skipped it (daylight-saving change)`,
      )
    }
    return wallNanos - (wallMs - BigInt(utcMs)) * NANOS_PER_MS
  }
}

function asCellError(error: unknown, index: number): CellError {
  return error instanceof CellError ? error : new CellError(index, thrownReason(error))
}
