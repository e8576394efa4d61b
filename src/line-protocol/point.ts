import type { FieldType, RecordOptions } from '../write/write-options.js'
import { escapeFieldKey, escapeKey, escapeMeasurement } from './escape.js'
import { isWritePrecision, NANOS_PER_UNIT, type WritePrecision } from './precision.js'
import {
  bigintUnitsToTimestamp,
  checkTimeNumber,
  dateToNanos,
  nanosToTimestamp,
  numberUnitsToTimestamp,
  parseIsoToNanos,
} from './time.js'
import { describeType, formatFieldValue } from './values.js'
import { pointFromRecord } from '../records/objects.js'

/** What `.time()` accepts: units of the precision (bigint or safe integer), a `Date`, or an RFC 3339 string. */
export type TimeInput = bigint | number | Date | string

/** What `.tag()` accepts; numbers, bigints and booleans are written as their text. */
export type TagValue = string | number | bigint | boolean | null | undefined

// Tags and fields live in flat arrays, sorted by key, three slots per entry:
// [key, raw value, escaped `key=value`]. Serialising is then concatenation only, and a point
// costs two small arrays instead of one object per entry.
const STRIDE = 3

/**
 * One line of line protocol: a measurement, tags, fields and an optional timestamp.
 *
 * Values are checked and escaped when they are set, so a mistake throws at the setter with the
 * key and the reason, and `toLineProtocol()` is mostly string concatenation. Setting a tag or a
 * field again replaces it. Tags and fields are written sorted by key (UTF-16 code-unit order).
 *
 * Precision: `.time(value, precision)` gives the point its own precision, which wins over the
 * write call's. `.time(value)` without a precision leaves the point without one: a bigint or
 * number is then read in the write call's precision, and a `Date` or string is converted to it.
 * (The reference client switches such a point to `ns` instead, which silently reads `.time(1n)`
 * as one nanosecond in a write at precision `s`.)
 *
 * ```ts
 * new Point('h2o').tag('location', 'us-west').field('level', 1.5).intField('count', 3).time(1n, 's')
 * // h2o,location=us-west count=3i,level=1.5 1
 * ```
 */
export class Point {
  private readonly _measurement: string
  private readonly _escapedName: string
  private _tags: unknown[] = []
  private _fields: unknown[] = []
  private _timeUnits: bigint | number | undefined = undefined
  private _timeNanos: bigint | undefined = undefined
  private _precision: WritePrecision | undefined = undefined

  /** Starts a point. Throws `TypeError` for a measurement that line protocol cannot carry exactly. */
  constructor(measurement: string) {
    if (typeof measurement !== 'string') {
      throw new TypeError(`measurement: ${describeType(measurement)} is not a string`)
    }
    this._measurement = measurement
    this._escapedName = escapeMeasurement(measurement)
  }

  /** Same as `new Point(name)`. */
  static measurement(name: string): Point {
    return new Point(name)
  }

  /**
   * Reads a plain object or a class instance into a point, the way `write()` reads object
   * records: `{ measurement, tags, fields, time }` by default, or the keys named in `options`.
   * A `time` is read in `options.writePrecision` when given (the point then keeps it), else in
   * the precision of the write that sends the point. Throws `TypeError`/`RangeError` with the reason.
   */
  static fromRecord(record: object, options: RecordOptions & { writePrecision?: WritePrecision } = {}): Point {
    return pointFromRecord(record, options, options.writePrecision)
  }

  /** The measurement as given (not escaped). */
  get name(): string {
    return this._measurement
  }

  /** The point's own precision, from `.time(value, precision)`; `undefined` when it has none. */
  get writePrecision(): WritePrecision | undefined {
    return this._precision
  }

  /** The tags as given, by key. A fresh object. */
  get tags(): Record<string, string> {
    const result: Record<string, string> = {}
    for (let i = 0; i < this._tags.length; i += STRIDE) result[this._tags[i] as string] = this._tags[i + 1] as string
    return result
  }

  /** The field values as given, by key. A fresh object. */
  get fields(): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    for (let i = 0; i < this._fields.length; i += STRIDE) result[this._fields[i] as string] = this._fields[i + 1]
    return result
  }

  /** True when at least one field is set (a point without fields cannot be written). */
  hasFields(): boolean {
    return this._fields.length > 0
  }

  /**
   * Sets a tag. `null`, `undefined`, an empty key or an empty value removes the tag (line
   * protocol has no empty tags). Throws `TypeError` for a key or value that cannot be written exactly.
   */
  tag(key: string, value: TagValue): this {
    const text = tagText(key, value)
    if (text === undefined || key === '') {
      removeEntry(this._tags, key)
    } else {
      let pair: string
      try {
        pair = `${escapeKey(key)}=${escapeKey(text)}`
      } catch (error) {
        throw new TypeError(`tag ${JSON.stringify(key)}: ${(error as Error).message}`)
      }
      setEntry(this._tags, key, text, pair)
    }
    return this
  }

  /**
   * Sets a field, typed by its JavaScript value: number → float, bigint → integer (`i`),
   * boolean, string. `null`, `undefined`, `NaN` and `±Infinity` remove the field.
   * Throws `TypeError`/`RangeError` naming the field for any other value.
   */
  field(key: string, value: unknown): this {
    return this.setField(key, value, undefined)
  }

  /** Sets a field written with a given type: `int` → `i`, `uint` → `u`, `float`. */
  typedField(key: string, value: unknown, fieldType: FieldType | undefined): this {
    return this.setField(key, value, fieldType)
  }

  /** Sets an integer field (`125i`): a bigint in int64 range, or a safe-integer number. */
  intField(key: string, value: number | bigint): this {
    return this.setField(key, value, 'int')
  }

  /** Sets an unsigned integer field (`125u`): 0 … 2^64-1. */
  uintField(key: string, value: number | bigint): this {
    return this.setField(key, value, 'uint')
  }

  /** Sets a float field. */
  floatField(key: string, value: number): this {
    if (typeof value !== 'number') throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a number`)
    return this.setField(key, value, undefined)
  }

  /** Sets a string field. */
  stringField(key: string, value: string): this {
    if (typeof value !== 'string') throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a string`)
    return this.setField(key, value, undefined)
  }

  /** Sets a boolean field. */
  booleanField(key: string, value: boolean): this {
    if (typeof value !== 'boolean') throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a boolean`)
    return this.setField(key, value, undefined)
  }

  private setField(key: string, value: unknown, fieldType: FieldType | undefined): this {
    if (typeof key !== 'string') throw new TypeError(`field key: ${describeType(key)} is not a string`)
    const formatted = formatFieldValue(key, value, fieldType)
    if (formatted === undefined) {
      removeEntry(this._fields, key)
    } else {
      let escapedKey: string
      try {
        escapedKey = escapeFieldKey(key)
      } catch (error) {
        throw new TypeError(`field ${JSON.stringify(key)}: ${(error as Error).message}`)
      }
      setEntry(this._fields, key, value, `${escapedKey}=${formatted}`)
    }
    return this
  }

  /**
   * Sets the timestamp. A bigint or safe-integer number is in units of `precision`; a `Date` or
   * an RFC 3339 string (nanoseconds kept) is converted exactly. With `precision`, the point keeps
   * that precision; without, it is written in the write call's precision. `null`/`undefined`
   * clears the time (the server stamps the line). Throws for anything else.
   */
  time(value: TimeInput | null | undefined, precision?: WritePrecision): this {
    if (precision !== undefined && !isWritePrecision(precision)) {
      throw new TypeError(`time: precision ${JSON.stringify(precision)} is not one of ns, us, ms, s`)
    }
    this._timeUnits = undefined
    this._timeNanos = undefined
    switch (typeof value) {
      case 'bigint':
        this._timeUnits = value
        break
      case 'number':
        checkTimeNumber(value)
        this._timeUnits = value
        break
      case 'string':
        this._timeNanos = parseIsoToNanos(value)
        break
      default:
        if (value instanceof Date) this._timeNanos = dateToNanos(value)
        else if (value !== null && value !== undefined) {
          throw new TypeError(`time: ${describeType(value)} is not a timestamp (use a bigint, a safe integer, a Date or an RFC 3339 string)`)
        }
    }
    this._precision = precision
    return this
  }

  /**
   * The line, or `undefined` when the point has no field. `precision` defaults to the point's
   * own precision, then `ns`. `defaultTags` are added where the point has no tag of that key;
   * the point itself is not changed. Throws `RangeError` when the time is out of range.
   */
  toLineProtocol(precision?: WritePrecision, defaultTags?: Readonly<Record<string, string>>): string | undefined {
    const fields = this._fields
    if (fields.length === 0) return undefined
    const target = precision ?? this._precision ?? 'ns'
    // No cache of the line on purpose: keeping each young line alive from an older Point costs
    // write barriers and old-generation garbage, and measured 10x slower than rebuilding it.
    let line = this._escapedName
    const tags = this._tags
    const defaults = defaultTags === undefined ? undefined : compileDefaultTags(defaultTags)
    if (defaults === undefined || defaults.length === 0) {
      for (let i = 2; i < tags.length; i += STRIDE) line += ',' + (tags[i] as string)
    } else {
      line = appendMergedTags(line, tags, defaults)
    }
    line += ' ' + (fields[2] as string)
    for (let i = 5; i < fields.length; i += STRIDE) line += ',' + (fields[i] as string)
    const time = this.timestamp(target)
    if (time !== undefined) line += ' ' + time
    return line
  }

  private timestamp(target: WritePrecision): string | undefined {
    const units = this._timeUnits
    if (units !== undefined) {
      const own = this._precision
      if (own === undefined || own === target) {
        return typeof units === 'bigint' ? bigintUnitsToTimestamp(units, target) : numberUnitsToTimestamp(units, target)
      }
      return nanosToTimestamp(BigInt(units) * NANOS_PER_UNIT[own], target)
    }
    return this._timeNanos === undefined ? undefined : nanosToTimestamp(this._timeNanos, target)
  }

  /** The line in the point's own precision, or `''` when it has no field. */
  toString(): string {
    return this.toLineProtocol() ?? ''
  }

  /** An independent copy: changing one never changes the other. */
  copy(): Point {
    const copy = new Point(this._measurement)
    copy._tags = this._tags.slice()
    copy._fields = this._fields.slice()
    copy._timeUnits = this._timeUnits
    copy._timeNanos = this._timeNanos
    copy._precision = this._precision
    return copy
  }
}

function tagText(key: string, value: TagValue): string | undefined {
  if (typeof key !== 'string') throw new TypeError(`tag key: ${describeType(key)} is not a string`)
  switch (typeof value) {
    case 'string':
      return value === '' ? undefined : value
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value)
    case 'undefined':
      return undefined
    default:
      if (value === null) return undefined
      throw new TypeError(`tag ${JSON.stringify(key)}: ${describeType(value)} is not a tag value (use a string)`)
  }
}

/** Inserts or replaces the entry for `key`, keeping the array sorted by key. */
function setEntry(entries: unknown[], key: string, value: unknown, pair: string): void {
  const length = entries.length
  // Keys usually arrive in order or nearly so: check the end first.
  if (length === 0 || (entries[length - STRIDE] as string) < key) {
    entries.push(key, value, pair)
    return
  }
  let i = 0
  while (i < length && (entries[i] as string) < key) i += STRIDE
  if (entries[i] === key) {
    entries[i + 1] = value
    entries[i + 2] = pair
  } else {
    entries.splice(i, 0, key, value, pair)
  }
}

function removeEntry(entries: unknown[], key: string): void {
  for (let i = 0; i < entries.length; i += STRIDE) {
    if (entries[i] === key) {
      entries.splice(i, STRIDE)
      return
    }
  }
}

// Default tags are the same object for a whole write call: escape and sort them once.
const compiledDefaults = new WeakMap<object, readonly string[]>()

/** `[key, escaped pair, …]` sorted by key. Throws `TypeError` for a tag that cannot be written. */
function compileDefaultTags(defaultTags: Readonly<Record<string, string>>): readonly string[] {
  let compiled = compiledDefaults.get(defaultTags)
  if (compiled === undefined) {
    const entries: string[] = []
    for (const key of Object.keys(defaultTags).sort()) {
      const value = defaultTags[key]
      if (key === '' || typeof value !== 'string' || value === '') continue
      try {
        entries.push(key, `${escapeKey(key)}=${escapeKey(value)}`)
      } catch (error) {
        throw new TypeError(`default tag ${JSON.stringify(key)}: ${(error as Error).message}`)
      }
    }
    compiled = entries
    compiledDefaults.set(defaultTags, compiled)
  }
  return compiled
}

/** Appends the point's tags merged with the default tags; the point's own tag wins on a shared key. */
function appendMergedTags(line: string, tags: readonly unknown[], defaults: readonly string[]): string {
  let i = 0
  let j = 0
  while (i < tags.length && j < defaults.length) {
    const own = tags[i] as string
    const fallback = defaults[j] as string
    if (own <= fallback) {
      line += ',' + (tags[i + 2] as string)
      i += STRIDE
      if (own === fallback) j += 2
    } else {
      line += ',' + (defaults[j + 1] as string)
      j += 2
    }
  }
  for (; i < tags.length; i += STRIDE) line += ',' + (tags[i + 2] as string)
  for (; j < defaults.length; j += 2) line += ',' + (defaults[j + 1] as string)
  return line
}
