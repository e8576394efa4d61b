/**
 * Timestamps written as text in a table cell: `2018-10-26`, `2018-10-26 12:00`,
 * `2018-10-26T12:00:00.123456789Z`, `2018-10-26 12:00:00-05:00`, … (a date, then optionally
 * `T` or a space and `HH:MM`, `:SS`, a fraction of 1 to 9 digits, and a zone `Z`, `±HH:MM`,
 * `±HHMM` or `±HH`). Read with exact integer math, so every fraction digit is kept.
 */
import { daysFromCivil, daysInMonth } from '../../line-protocol/time.js'

const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/

const NANOS_PER_SECOND = 1_000_000_000n

/** A timestamp read from text: nanoseconds since the epoch, as wall clock if `naive`. */
export interface ParsedTimestamp {
  /** Nanoseconds since 1970-01-01T00:00:00 (UTC, or wall clock when naive). */
  nanos: bigint
  /** True when the text had no zone, so that `nanos` counts wall-clock time. */
  naive: boolean
}

/** Parses a timestamp text; throws `RangeError` with the reason when it is not one. */
export function parseTimestampText(text: string): ParsedTimestamp {
  const match = TIMESTAMP_TEXT.exec(text)
  if (match === null) {
    throw new RangeError(
      `${JSON.stringify(text)} is not a timestamp (expected e.g. 2018-10-26, 2018-10-26 12:00, 2018-10-26T12:00:00.5Z or 2018-10-26 12:00:00-05:00)`,
    )
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new RangeError(`${JSON.stringify(text)} is not a valid date and time`)
  }
  const seconds = daysFromCivil(year, month, day) * 86_400 + (hour * 60 + minute) * 60 + second
  let nanos = BigInt(seconds) * NANOS_PER_SECOND + (fraction === '' ? 0n : BigInt(fraction.padEnd(9, '0')))
  if (zone === undefined) return { nanos, naive: true }
  nanos -= BigInt(zoneOffsetSeconds(zone, text)) * NANOS_PER_SECOND
  return { nanos, naive: false }
}

function zoneOffsetSeconds(zone: string, text: string): number {
  if (zone === 'Z' || zone === 'z') return 0
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hours > 23 || minutes > 59) throw new RangeError(`${JSON.stringify(text)} has an invalid UTC offset`)
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60
}
