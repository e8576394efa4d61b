/**
 * NDJSON lines → Points.
 *
 * A line is one JSON object, in either of two shapes:
 * - nested: `{"measurement":"m","tags":{"t":"a"},"fields":{"f":1.5},"time":1}`;
 * - flat: `{"measurement":"m","t":"a","f":1.5,"time":1}`, where `--tag-columns` names the tags,
 *   `--timestamp-column` the time key (default `time`) and every other key except `measurement` is a field.
 * `--measurement` gives (or overrides) the measurement of every line.
 *
 * JSON numbers are floats unless pinned: `--field-types f=int` (or `uint`) writes integers. Integers
 * are read exactly from their digits (exact-json.ts), so a nanosecond time or an int64/uint64 field
 * written as a JSON number keeps every digit; so does a string of digits (`"f":"9007199254740993"`).
 * An unpinned integer that a float cannot hold exactly is refused rather than rounded. Every line is
 * built into its `Point` here, once, so a bad line is refused alone, with its reason, before anything
 * is sent: a record that failed inside the write would stop the whole write instead.
 *
 * Keys are read as the object's own: a key named `constructor`, `toString` or `__proto__` is an
 * ordinary tag or field key, and `--tag-columns constructor` finds nothing on a line without it.
 *
 * A nested record holds only `measurement`, `tags`, `fields` and the time key: any other key is
 * refused, since it would otherwise vanish without a word (`--tag-columns` names tags of flat
 * records only).
 */
import { Point } from '../../line-protocol/point.js'
import { ownValue } from '../../own-keys.js'
import type { WritePrecision } from '../../line-protocol/precision.js'
import { checkBigintUnits, nanosToTimestamp, parseIsoToNanos } from '../../line-protocol/time.js'
import { JsonSyntaxError, parseJsonExact } from './exact-json.js'
import {
  ValueError,
  intFromNumber,
  parseBoolText,
  parseFloatText,
  parseIntText,
  isIntegerText,
  type FieldValueType,
} from './values.js'

const RESERVED_KEYS = new Set(['time', '_field', '_measurement'])

export interface NdjsonOptions {
  measurement?: string
  tagKeys: readonly string[]
  timeKey: string
  fieldTypes: ReadonlyMap<string, FieldValueType>
  /**
   * Unit of integer times, for their range check. Without it only what no precision accepts is
   * refused here; the rest is left to the write.
   */
  precision?: WritePrecision
}

/** Reads one NDJSON line into the Point to write; throws `ValueError` with the reason when it cannot be written. */
export function ndjsonToPoint(text: string, options: NdjsonOptions): Point {
  let parsed: unknown
  try {
    parsed = parseJsonExact(text)
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    throw new ValueError(`invalid JSON: ${error.message}`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ValueError('is not a JSON object')
  const object = parsed as Record<string, unknown>
  const nested = Object.hasOwn(object, 'fields')
  if (nested) checkNestedKeys(object, options)
  const measurement = options.measurement ?? ownValue(object, 'measurement')
  if (typeof measurement !== 'string' || measurement === '') {
    throw new ValueError('has no measurement (a non-empty "measurement" string, or give --measurement)')
  }
  const timeValue = ownValue(object, options.timeKey)
  const time = timeValue === undefined || timeValue === null ? undefined : convertTime(timeValue, options.precision)
  try {
    const point = new Point(measurement)
    const tagSource = nested
      ? Object.entries(asObject(ownValue(object, 'tags') ?? {}, 'tags'))
      : pick(object, options.tagKeys)
    for (const [key, value] of tagSource) {
      if (value === null || value === undefined || value === '') continue
      if (typeof value === 'object') throw new ValueError(`tag ${JSON.stringify(key)} is not a string`)
      if (RESERVED_KEYS.has(key)) throw new ValueError(`tag key ${JSON.stringify(key)} is reserved`)
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are refused above: a JSON value here is a string, number, boolean or bigint
      point.tag(key, String(value))
    }
    const fieldSource = nested
      ? Object.entries(asObject(object.fields, 'fields'))
      : omit(object, ['measurement', options.timeKey, ...options.tagKeys])
    for (const [key, value] of fieldSource) {
      if (value === null || value === undefined) continue
      if (RESERVED_KEYS.has(key)) throw new ValueError(`field key ${JSON.stringify(key)} is reserved`)
      const type = options.fieldTypes.get(key)
      point.typedField(key, convertFieldOf(key, value, type), type === 'int' || type === 'uint' ? type : undefined)
    }
    if (!point.hasFields()) throw new ValueError('has no field value')
    // The time was checked above, with the write's precision when it is known; the Point keeps none of its own.
    if (time !== undefined) point.time(time)
    return point
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new ValueError(error.message)
    throw error
  }
}

function convertFieldOf(
  key: string,
  value: unknown,
  type: FieldValueType | undefined,
): number | bigint | boolean | string {
  try {
    return convertField(value, type)
  } catch (error) {
    if (error instanceof ValueError) throw new ValueError(`field ${JSON.stringify(key)}: ${error.message}`)
    throw error
  }
}

const NESTED_KEYS = ['measurement', 'tags', 'fields']

function checkNestedKeys(object: Record<string, unknown>, options: NdjsonOptions): void {
  const unknown = Object.keys(object).filter((key) => !NESTED_KEYS.includes(key) && key !== options.timeKey)
  if (unknown.length === 0) return
  const asTags = unknown.filter((key) => options.tagKeys.includes(key))
  throw new ValueError(
    `has key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')} beside "fields": a nested record holds only "measurement", "tags", "fields" and ${JSON.stringify(options.timeKey)}` +
      (asTags.length === 0
        ? ''
        : ` (--tag-columns names tags of flat records; put ${asTags.map((k) => JSON.stringify(k)).join(', ')} under "tags")`),
  )
}

function convertTime(value: unknown, precision: WritePrecision | undefined): bigint | string {
  let units: bigint
  if (typeof value === 'bigint') {
    units = value
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new ValueError(`time ${value} is not a safe integer; write it as a string of digits`)
    units = BigInt(value)
  } else if (typeof value === 'string') {
    if (!isIntegerText(value)) {
      try {
        nanosToTimestamp(parseIsoToNanos(value), 'ns')
      } catch (error) {
        if (error instanceof RangeError) throw new ValueError(error.message)
        throw error
      }
      return value
    }
    units = BigInt(value)
  } else {
    throw new ValueError('time is neither a number nor a string')
  }
  checkTimeUnits(units, precision)
  return units
}

/**
 * Throws `ValueError` unless an integer time in `precision` units is in the servers' range. With
 * no precision known, only a time that no precision accepts (beyond the range in nanoseconds, the largest count) is refused.
 */
export function checkTimeUnits(units: bigint, precision: WritePrecision | undefined): void {
  try {
    checkBigintUnits(units, precision ?? 'ns')
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    if (precision !== undefined) throw new ValueError(error.message)
    throw new ValueError(`time: ${units} is outside the range InfluxDB accepts at any precision (years 1677 to 2262)`)
  }
}

function convertField(value: unknown, type: FieldValueType | undefined): number | bigint | boolean | string {
  if (typeof value === 'object') throw new ValueError('nested objects and arrays cannot be field values')
  // JSON.parse turns a number beyond the float64 range into Infinity, which a Point would drop
  // without a word: the value the line gave is lost, so the line is refused.
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new ValueError('the number is beyond the float64 range')
  if (type === undefined) {
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value
    if (typeof value === 'bigint') return unpinnedInteger(value)
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are refused above: only a primitive gets here
    throw new ValueError(`unsupported value ${String(value)}`)
  }
  switch (type) {
    case 'int':
    case 'uint':
      if (typeof value === 'number') return intFromNumber(value, type)
      if (typeof value === 'bigint' || typeof value === 'string') return parseIntText(String(value), type)
      break
    case 'float':
      if (typeof value === 'number') return value
      if (typeof value === 'bigint') return Number(value)
      if (typeof value === 'string') return parseFloatText(value)
      break
    case 'bool':
      if (typeof value === 'boolean') return value
      if (typeof value === 'string' && parseBoolText(value) !== undefined) return parseBoolText(value) as boolean
      break
    case 'string':
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are refused above: a JSON value here is a string, number, boolean or bigint
      return String(value)
  }
  throw new ValueError(`${JSON.stringify(value)} cannot be read as ${type}`)
}

/**
 * An integer beyond 2^53 in a field without a pinned type: a float, as every unpinned number, when
 * a float holds it exactly (2^60, 10^20); otherwise refused, since rounding would change it.
 */
function unpinnedInteger(value: bigint): number {
  const float = Number(value)
  if (Number.isFinite(float) && BigInt(float) === value) return float
  throw new ValueError(
    `${value} is an integer that a float cannot hold exactly; pin the field with --field-types <name>=int (or uint) to write it as an integer, or <name>=float to round it`,
  )
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ValueError(`"${what}" is not an object`)
  return value as Record<string, unknown>
}

/** The entries of `keys` that the object has as its own. */
function pick(object: Record<string, unknown>, keys: readonly string[]): Array<[string, unknown]> {
  return keys.filter((key) => Object.hasOwn(object, key)).map((key) => [key, object[key]])
}

/** The object's own entries except `keys`. */
function omit(object: Record<string, unknown>, keys: readonly string[]): Array<[string, unknown]> {
  return Object.entries(object).filter(([key]) => !keys.includes(key))
}
