/**
 * Timestamp cells → the line's timestamp in the write precision, with exact bigint math.
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
import { NANOS_PER_UNIT, type WritePrecision } from '../../line-protocol/precision.js'
import {
  bigintUnitsToTimestamp,
  dateToNanos,
  MAX_TIMESTAMP_NS,
  nanosToTimestamp,
  numberUnitsToTimestamp,
} from '../../line-protocol/time.js'
import { CellError } from './cell-error.js'
import type { CellBlock, CellValue } from './model.js'
import { parseTimestampText } from './timestamp-text.js'
import type { TimeZoneOffsets } from './time-zone.js'

const NANOS_PER_MS = 1_000_000n

/** Converts the timestamp cells of one column into ` <timestamp>` texts. */
export class TimeColumnFormatter {
  private readonly precision: WritePrecision
  private readonly precisionNanos: bigint
  /** Undefined when naive times are UTC (no zone given, or a zone that is UTC all the time). */
  private readonly zone: TimeZoneOffsets | undefined
  private dictionary: readonly CellValue[] | undefined
  private dictionaryTexts: (string | CellError | undefined)[] = []

  constructor(precision: WritePrecision, zone: TimeZoneOffsets | undefined) {
    this.precision = precision
    this.precisionNanos = NANOS_PER_UNIT[precision]
    this.zone = zone?.isUtc === true ? undefined : zone
  }

  /**
   * Fills `out[0..length)` with ` <timestamp>`, or `undefined` for a missing time (the caller
   * decides: a row that has fields needs one). Throws {@link CellError} for a bad time.
   */
  format(block: CellBlock, length: number, out: (string | undefined)[]): void {
    switch (block.kind) {
      case 'temporal': return this.formatTemporal(block, length, out)
      case 'dictionary': return this.formatDictionary(block, length, out)
      case 'null':
        out.fill(undefined, 0, length)
        return
      default: {
        const { values, offset, valid } = block as { values: ArrayLike<CellValue>; offset: number; valid?: (i: number) => boolean }
        for (let i = 0; i < length; i++) {
          const v = values[offset + i]
          out[i] = v === null || v === undefined || (valid !== undefined && !valid(i)) ? undefined : ' ' + this.textOf(v, i)
        }
      }
    }
  }

  private formatTemporal(block: Extract<CellBlock, { kind: 'temporal' }>, length: number, out: (string | undefined)[]): void {
    const { values, offset, valid, unitNanos } = block
    const shifted = block.naive && this.zone !== undefined
    const sameUnit = !shifted && unitNanos === this.precisionNanos
    const precision = this.precision
    // In range when |v| ≤ max; checked inline on the hot path, `time.ts` words the error.
    const max = MAX_TIMESTAMP_NS / this.precisionNanos
    for (let i = 0; i < length; i++) {
      const v = values[offset + i]
      if (v === null || v === undefined || (valid !== undefined && !valid(i))) {
        out[i] = undefined
        continue
      }
      try {
        if (sameUnit) {
          out[i] = typeof v === 'bigint' && v <= max && v >= -max ? ' ' + v
            : ' ' + (typeof v === 'bigint' ? bigintUnitsToTimestamp(v, precision) : numberUnitsToTimestamp(v, precision))
        } else {
          let nanos = BigInt(v) * unitNanos
          if (shifted) nanos = this.wallClockToUtc(nanos, i)
          out[i] = ' ' + nanosToTimestamp(nanos, precision)
        }
      } catch (error) {
        throw asCellError(error, i)
      }
    }
  }

  private formatDictionary(block: Extract<CellBlock, { kind: 'dictionary' }>, length: number, out: (string | undefined)[]): void {
    if (block.dictionary !== this.dictionary) {
      // A bad entry only fails the rows that use it.
      this.dictionaryTexts = block.dictionary.map((value) => {
        if (value === null || value === undefined) return undefined
        try {
          return this.textOf(value, 0)
        } catch (error) {
          return error as CellError
        }
      })
      this.dictionary = block.dictionary
    }
    const { indices, offset, valid } = block
    for (let i = 0; i < length; i++) {
      if (valid !== undefined && !valid(i)) {
        out[i] = undefined
        continue
      }
      const text = this.dictionaryTexts[Number(indices[offset + i])]
      if (text instanceof CellError) throw new CellError(i, text.message)
      out[i] = text === undefined ? undefined : ' ' + text
    }
  }

  /** One timestamp value → its text in the write precision. */
  private textOf(value: CellValue, index: number): string {
    try {
      switch (typeof value) {
        case 'bigint':
          return bigintUnitsToTimestamp(value, this.precision)
        case 'number':
          return numberUnitsToTimestamp(value, this.precision)
        case 'string': {
          const parsed = parseTimestampText(value)
          const nanos = parsed.naive && this.zone !== undefined ? this.wallClockToUtc(parsed.nanos, index, value) : parsed.nanos
          return nanosToTimestamp(nanos, this.precision)
        }
        default:
          if (value instanceof Date) return nanosToTimestamp(dateToNanos(value), this.precision)
          throw new CellError(index, `a ${typeof value} is not a timestamp`)
      }
    } catch (error) {
      throw asCellError(error, index)
    }
  }

  private wallClockToUtc(wallNanos: bigint, index: number, text?: string): bigint {
    const zone = this.zone as TimeZoneOffsets
    let wallMs = wallNanos / NANOS_PER_MS
    if (wallNanos % NANOS_PER_MS < 0n) wallMs -= 1n
    const utcMs = zone.toUtc(Number(wallMs))
    if (utcMs === undefined) {
      const shown = text ?? new Date(Number(wallMs)).toISOString().replace('T', ' ').replace('Z', '')
      throw new CellError(index, `${shown} does not exist in ${zone.zone}: the clocks skipped it (daylight-saving change)`)
    }
    return wallNanos - (wallMs - BigInt(utcMs)) * NANOS_PER_MS
  }
}

function asCellError(error: unknown, index: number): CellError {
  return error instanceof CellError ? error : new CellError(index, (error as Error).message)
}
