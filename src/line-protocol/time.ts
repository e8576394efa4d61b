/**
 * Timestamps with exact integer math.
 *
 * - A bigint, or a safe-integer number, is already in the write precision's units and is written
 *   as it is (after a range check).
 * - A `Date` or an ISO 8601 / RFC 3339 string is turned into nanoseconds since the epoch with
 *   BigInt math (a string keeps all nine fraction digits; no zone means UTC), then divided down
 *   to the precision.
 * - Dividing down truncates toward zero, as InfluxDB's Python client does and as BigInt division
 *   does: `1969-12-31T23:59:59.5Z` at precision `s` is `0`, not `-1`. The division is exact, so
 *   no value is ever off by one.
 * - Every timestamp must fit the servers' range after scaling to nanoseconds:
 *   ±9223372036854775806 ns (1677-09-21T00:12:43.145224194Z … 2262-04-11T23:47:16.854775806Z).
 */
import { NANOS_PER_UNIT, type WritePrecision } from './precision.js'

/** The largest magnitude InfluxDB accepts for a timestamp, in nanoseconds. */
export const MAX_TIMESTAMP_NS = 9223372036854775806n

const MAX_IN_UNITS: Readonly<Record<WritePrecision, bigint>> = {
  ns: MAX_TIMESTAMP_NS,
  us: MAX_TIMESTAMP_NS / NANOS_PER_UNIT.us,
  ms: MAX_TIMESTAMP_NS / NANOS_PER_UNIT.ms,
  s: MAX_TIMESTAMP_NS / NANOS_PER_UNIT.s,
}
const MIN_IN_UNITS: Readonly<Record<WritePrecision, bigint>> = {
  ns: -MAX_IN_UNITS.ns,
  us: -MAX_IN_UNITS.us,
  ms: -MAX_IN_UNITS.ms,
  s: -MAX_IN_UNITS.s,
}
// Every safe integer fits ns and us, so only ms and s need a check for numbers.
const MAX_NUMBER_IN_UNITS: Readonly<Record<WritePrecision, number>> = {
  ns: Number.MAX_SAFE_INTEGER,
  us: Number.MAX_SAFE_INTEGER,
  ms: Number(MAX_IN_UNITS.ms),
  s: Number(MAX_IN_UNITS.s),
}

const NANOS_PER_SECOND = 1_000_000_000n
const SECONDS_PER_DAY = 86_400

/**
 * Formats any supported time value in the given precision. Returns `undefined` for `null` and
 * `undefined` (the line gets no timestamp and the server stamps it). Throws `TypeError` or
 * `RangeError` with the reason otherwise.
 */
export function toTimestamp(value: unknown, precision: WritePrecision): string | undefined {
  switch (typeof value) {
    case 'bigint':
      return bigintUnitsToTimestamp(value, precision)
    case 'number':
      return numberUnitsToTimestamp(value, precision)
    case 'string':
      return nanosToTimestamp(parseIsoToNanos(value), precision)
    case 'undefined':
      return undefined
    default:
      if (value === null) return undefined
      if (value instanceof Date) return nanosToTimestamp(dateToNanos(value), precision)
      throw new TypeError(
        `time: ${describe(value)} is not a timestamp (use a bigint, a safe integer, a Date or an RFC 3339 string)`,
      )
  }
}

/** A bigint already in `precision` units, range-checked. */
export function bigintUnitsToTimestamp(value: bigint, precision: WritePrecision): string {
  checkBigintUnits(value, precision)
  return `${value}`
}

/** Throws `RangeError` unless a bigint in `precision` units is within the servers' range. */
export function checkBigintUnits(value: bigint, precision: WritePrecision): void {
  if (value > MAX_IN_UNITS[precision] || value < MIN_IN_UNITS[precision]) throw outOfRange(`${value}`, precision)
}

/** A safe-integer number already in `precision` units, range-checked. */
export function numberUnitsToTimestamp(value: number, precision: WritePrecision): string {
  checkNumberUnits(value, precision)
  return value === 0 ? '0' : String(value)
}

/** Throws unless a number in `precision` units is a safe integer within the servers' range. */
export function checkNumberUnits(value: number, precision: WritePrecision): void {
  checkTimeNumber(value)
  const max = MAX_NUMBER_IN_UNITS[precision]
  if (value > max || value < -max) throw outOfRange(String(value), precision)
}

/** Throws unless `value` is a safe integer: a time number is never rounded or truncated silently. */
export function checkTimeNumber(value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(
      Number.isInteger(value)
        ? `time: ${value} is beyond 2^53 and has lost precision as a number; pass it as a bigint`
        : `time: ${value} is not an integer number of precision units`,
    )
  }
}

/** Nanoseconds since the epoch → `precision` units, truncated toward zero, range-checked. */
export function nanosToTimestamp(ns: bigint, precision: WritePrecision): string {
  if (ns > MAX_TIMESTAMP_NS || ns < -MAX_TIMESTAMP_NS) throw outOfRange(`${ns}`, 'ns')
  return precision === 'ns' ? `${ns}` : `${ns / NANOS_PER_UNIT[precision]}`
}

/** A `Date` as nanoseconds since the epoch. Throws `RangeError` for an invalid Date. */
export function dateToNanos(date: Date): bigint {
  const ms = date.getTime()
  if (Number.isNaN(ms)) throw new RangeError('time: the Date is invalid')
  return BigInt(ms) * NANOS_PER_UNIT.ms
}

function outOfRange(text: string, precision: WritePrecision): RangeError {
  return new RangeError(
    `time: ${text} (${precision}) is outside the range InfluxDB accepts, ±${MAX_TIMESTAMP_NS} ns (years 1677 to 2262)`,
  )
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object'
  return typeof value
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/

/**
 * Parses an ISO 8601 / RFC 3339 date-time into nanoseconds since the epoch, exactly: all nine
 * fraction digits are kept. Accepts `2018-10-26`, `2018-10-26T10:00:00Z`,
 * `2018-10-26T10:00:00.123456789+02:00`, a space instead of `T`, and no zone (UTC).
 * Throws `RangeError` naming the string for anything else, including more than nine fraction
 * digits, a day that does not exist, or a leap second.
 */
export function parseIsoToNanos(text: string): bigint {
  const m = ISO_PATTERN.exec(text)
  if (m === null)
    throw invalidIso(text, 'expected an ISO 8601 / RFC 3339 date-time such as 2018-10-26T10:00:00.123456789Z')
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  const hour = m[4] === undefined ? 0 : Number(m[4])
  const minute = m[5] === undefined ? 0 : Number(m[5])
  const second = m[6] === undefined ? 0 : Number(m[6])
  const fraction = m[7] ?? ''
  if (month < 1 || month > 12) throw invalidIso(text, `month ${m[2]} does not exist`)
  if (day < 1 || day > daysInMonth(year, month)) throw invalidIso(text, `day ${m[3]} does not exist in that month`)
  if (hour > 23 || minute > 59 || second > 59)
    throw invalidIso(text, 'the time of day is out of range (leap seconds are not supported)')
  if (fraction.length > 9) throw invalidIso(text, 'more than nine fraction digits (nanoseconds are the finest unit)')
  let offsetSeconds = 0
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10])
    const offsetMinutes = m[11] === undefined ? 0 : Number(m[11])
    if (offsetHours > 23 || offsetMinutes > 59) throw invalidIso(text, 'the zone offset is out of range')
    offsetSeconds = (m[9] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60)
  }
  const seconds = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offsetSeconds
  const nanos = fraction === '' ? 0n : BigInt(fraction.padEnd(9, '0'))
  return BigInt(seconds) * NANOS_PER_SECOND + nanos
}

function invalidIso(text: string, reason: string): RangeError {
  return new RangeError(`time: ${JSON.stringify(text)} is not a valid date-time: ${reason}`)
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/** Days in a month (1-12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm, integer only). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

/** The inverse of {@link daysFromCivil}. */
function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const dayOfEra = z - era * 146097
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const mp = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day]
}

/**
 * Formats nanoseconds since the epoch as RFC3339Nano, as Go prints it: UTC, `Z`, and the
 * fraction without trailing zeros (no fraction at all on a whole second).
 * `1257894000123456789n` → `2009-11-10T23:00:00.123456789Z`.
 */
export function formatRfc3339Nano(ns: bigint): string {
  let seconds = ns / NANOS_PER_SECOND
  let fraction = ns % NANOS_PER_SECOND
  if (fraction < 0n) {
    // BigInt division truncates; a calendar needs the floor.
    seconds -= 1n
    fraction += NANOS_PER_SECOND
  }
  const totalSeconds = Number(seconds)
  const days = Math.floor(totalSeconds / SECONDS_PER_DAY)
  const secondOfDay = totalSeconds - days * SECONDS_PER_DAY
  const [year, month, day] = civilFromDays(days)
  if (year < 0 || year > 9999)
    throw new RangeError(`time: ${ns} ns is outside the years RFC 3339 can write (0000-9999)`)
  const hh = Math.floor(secondOfDay / 3600)
  const mm = Math.floor((secondOfDay % 3600) / 60)
  const ss = secondOfDay % 60
  const fractionText = fraction === 0n ? '' : `.${fraction.toString().padStart(9, '0').replace(/0+$/, '')}`
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}${fractionText}Z`
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}
