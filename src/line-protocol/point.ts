/**
 * The Point class: one line of line protocol built with setters that check and escape as they go.
 * Its storage is point-entries.ts, its line is written by point-line.ts.
 */
import { escapeKey, unescapeKey } from './escape.js'
import type { LineWriter } from './line-writer.js'
import { isWritePrecision, NANOS_PER_UNIT, type WritePrecision } from './precision.js'
import {
  checkBigintUnits,
  checkNumberUnits,
  checkTimeNumber,
  dateToNanos,
  nanosToTimestamp,
  parseIsoToNanos,
} from './time.js'
import { describeType, formatFieldValue, formatInteger, formatString, type FieldType } from './values.js'
import { readRecordInto, recordMeasurement, type RecordOptions } from './point-from-record.js'
import { fieldPrefixAt, tagPrefixAt, type KeyPrefix } from './key-prefix.js'
import { escapedMeasurement } from './measurement-name.js'
import { compileDefaultTags } from './default-tag-merge.js'
import {
  BOOLEAN,
  FIELD_SLOTS,
  FLOAT,
  INTEGER,
  newEntries,
  sortedSlot,
  TAG_SLOTS,
  TEXT,
  fieldValueText,
  type FieldKind,
} from './point-entries.js'
import { pointEntriesText, writePointEntries } from './point-line.js'
import { keepMapAlive } from '../map-anchors.js'
import { setOwn } from '../own-keys.js'

/** What `.time()` accepts: units of the precision (bigint or safe integer), a `Date`, or an RFC 3339 string. */
export type TimeInput = bigint | number | Date | string

/** What `.tag()` accepts; numbers, bigints and booleans are written as their text. */
export type TagValue = string | number | bigint | boolean | null | undefined

// Set in Point's static block: it needs the private fields, and resetPoint is not a method users should see.
let resetState: (point: Point, measurement: string) => Point

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
 * (InfluxDB's Python client switches such a point to `ns` instead, which silently reads `.time(1n)`
 * as one nanosecond in a write at precision `s`.)
 *
 * ```ts
 * new Point('h2o').tag('location', 'us-west').field('level', 1.5).intField('count', 3).time(1n, 's')
 * // h2o,location=us-west count=3i,level=1.5 1
 * ```
 */
export class Point {
  #measurement: string
  #escapedName: string
  // The tags (up to #tagEnd), then the fields, sorted and escaped: see point-entries.ts.
  #entries: unknown[] = newEntries()
  #tagEnd = 0
  #timeUnits: bigint | number | undefined = undefined
  #timeNanos: bigint | undefined = undefined
  #precision: WritePrecision | undefined = undefined

  static {
    resetState = (point, measurement) => {
      point.#escapedName = escapedMeasurement(measurement)
      point.#measurement = measurement
      point.#entries = newEntries()
      point.#tagEnd = 0
      point.#timeUnits = undefined
      point.#timeNanos = undefined
      point.#precision = undefined
      return point
    }
  }

  /** Starts a point. Throws `TypeError` for a measurement that line protocol cannot carry exactly. */
  constructor(measurement: string) {
    this.#measurement = measurement
    this.#escapedName = escapedMeasurement(measurement)
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
    const point = new Point(recordMeasurement(record, options))
    readRecordInto(point, record, options, options.writePrecision)
    return point
  }

  /** The measurement as given (not escaped). */
  get name(): string {
    return this.#measurement
  }

  /** The point's own precision, from `.time(value, precision)`; `undefined` when it has none. */
  get writePrecision(): WritePrecision | undefined {
    return this.#precision
  }

  /** The tags as given, by key. A fresh object. */
  get tags(): Record<string, string> {
    const result: Record<string, string> = {}
    const entries = this.#entries
    for (let i = 0; i < this.#tagEnd; i += TAG_SLOTS)
      setOwn(result, (entries[i] as KeyPrefix).key, unescapeKey(entries[i + 1] as string))
    return result
  }

  /** The fields as written in line protocol (`1.5`, `3i`, `"text"`), by key. A fresh object. */
  get fieldTexts(): Record<string, string> {
    const result: Record<string, string> = {}
    const entries = this.#entries
    for (let i = this.#tagEnd; i < entries.length; i += FIELD_SLOTS) {
      setOwn(result, (entries[i] as KeyPrefix).key, fieldValueText(entries[i + 1] as FieldKind, entries[i + 2]))
    }
    return result
  }

  /** True when at least one field is set (a point without fields cannot be written). */
  hasFields(): boolean {
    return this.#entries.length > this.#tagEnd
  }

  /**
   * Sets a tag. `null`, `undefined`, an empty key or an empty value removes the tag (line
   * protocol has no empty tags). Throws `TypeError` for a key or value that cannot be written exactly.
   */
  tag(key: string, value: TagValue): this {
    const text = tagText(key, value)
    if (text === undefined || key === '') {
      this.#removeTag(key)
      return this
    }
    const prefix = tagPrefixAt(this.#tagEnd / TAG_SLOTS, key)
    const escaped = escapedTagValue(key, text)
    const entries = this.#entries
    const end = this.#tagEnd
    const at = sortedSlot(entries, TAG_SLOTS, key, 0, end)
    if (at < end && (entries[at] as KeyPrefix).key === key) {
      entries[at + 1] = escaped
      return this
    }
    entries.push(prefix, escaped)
    if (at < entries.length - TAG_SLOTS) {
      for (let i = entries.length - 1; i >= at + TAG_SLOTS; i--) entries[i] = entries[i - TAG_SLOTS]
      entries[at] = prefix
      entries[at + 1] = escaped
    }
    this.#tagEnd = end + TAG_SLOTS
    return this
  }

  #removeTag(key: string): void {
    const entries = this.#entries
    const at = sortedSlot(entries, TAG_SLOTS, key, 0, this.#tagEnd)
    if (at < this.#tagEnd && (entries[at] as KeyPrefix).key === key) {
      entries.splice(at, TAG_SLOTS)
      this.#tagEnd -= TAG_SLOTS
    }
  }

  /**
   * Sets a field, typed by its JavaScript value: number → float, bigint → integer (`i`),
   * boolean, string. `null`, `undefined`, `NaN` and `±Infinity` remove the field.
   * Throws `TypeError`/`RangeError` naming the field for any other value.
   */
  field(key: string, value: unknown): this {
    switch (typeof value) {
      case 'number':
        return Number.isFinite(value) ? this.#setField(key, FLOAT, value) : this.#removeField(key)
      case 'boolean':
        return this.#setField(key, BOOLEAN, value)
      case 'bigint':
        formatInteger(key, value)
        return this.#setField(key, INTEGER, value)
      default:
        return this.#setFormatted(key, formatFieldValue(key, value, undefined))
    }
  }

  /** Sets a field written with a given type: `int` → `i`, `uint` → `u`, `float`. */
  typedField(key: string, value: unknown, fieldType: FieldType | undefined): this {
    if (fieldType === undefined) return this.field(key, value)
    if (fieldType === 'int') return this.intField(key, value as number | bigint)
    if (fieldType === 'float' && typeof value === 'number') return this.floatField(key, value)
    return this.#setFormatted(key, formatFieldValue(key, value, fieldType))
  }

  /** Sets an integer field (`125i`): a bigint in int64 range, or a safe-integer number. */
  intField(key: string, value: number | bigint): this {
    if (Number.isSafeInteger(value)) return this.#setField(key, INTEGER, value)
    if (typeof value === 'bigint') {
      formatInteger(key, value)
      return this.#setField(key, INTEGER, value)
    }
    return this.#setFormatted(key, formatFieldValue(key, value, 'int'))
  }

  /** Sets an unsigned integer field (`125u`): 0 … 2^64-1. */
  uintField(key: string, value: number | bigint): this {
    return this.#setFormatted(key, formatFieldValue(key, value, 'uint'))
  }

  /** Sets a float field. */
  floatField(key: string, value: number): this {
    if (typeof value !== 'number')
      throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a number`)
    return Number.isFinite(value) ? this.#setField(key, FLOAT, value) : this.#removeField(key)
  }

  /** Sets a string field. */
  stringField(key: string, value: string): this {
    if (typeof value !== 'string')
      throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a string`)
    return this.#setField(key, TEXT, formatString(key, value))
  }

  /** Sets a boolean field. */
  booleanField(key: string, value: boolean): this {
    if (typeof value !== 'boolean')
      throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a boolean`)
    return this.#setField(key, BOOLEAN, value)
  }

  /** A value formatted by values.ts (`undefined`: remove the field). */
  #setFormatted(key: string, formatted: string | undefined): this {
    return formatted === undefined ? this.#removeField(key) : this.#setField(key, TEXT, formatted)
  }

  #setField(key: string, kind: FieldKind, value: unknown): this {
    if (typeof key !== 'string') throw new TypeError(`field key: ${describeType(key)} is not a string`)
    const prefix = fieldPrefixAt((this.#entries.length - this.#tagEnd) / FIELD_SLOTS, key)
    const entries = this.#entries
    const at = sortedSlot(entries, FIELD_SLOTS, key, this.#tagEnd, entries.length)
    if (at < entries.length && (entries[at] as KeyPrefix).key === key) {
      entries[at + 1] = kind
      entries[at + 2] = value
      return this
    }
    entries.push(prefix, kind, value)
    if (at < entries.length - FIELD_SLOTS) {
      for (let i = entries.length - 1; i >= at + FIELD_SLOTS; i--) entries[i] = entries[i - FIELD_SLOTS]
      entries[at] = prefix
      entries[at + 1] = kind
      entries[at + 2] = value
    }
    return this
  }

  #removeField(key: string): this {
    const entries = this.#entries
    const at = sortedSlot(entries, FIELD_SLOTS, key, this.#tagEnd, entries.length)
    if (at < entries.length && (entries[at] as KeyPrefix).key === key) entries.splice(at, FIELD_SLOTS)
    return this
  }

  /**
   * Sets the timestamp. A bigint or safe-integer number is in units of `precision`; a `Date` or
   * an RFC 3339 string (nanoseconds kept) is converted exactly. With `precision`, the point keeps
   * that precision; without, it is written in the write call's precision. `null`/`undefined`
   * clears the time (the server stamps the line). Throws for anything else.
   */
  time(value: TimeInput | null | undefined, precision?: WritePrecision): this {
    if (typeof value === 'bigint' && precision === undefined) {
      this.#timeUnits = value
      this.#timeNanos = undefined
      this.#precision = undefined
      return this
    }
    if (precision !== undefined && !isWritePrecision(precision)) {
      throw new TypeError(`time: precision ${JSON.stringify(precision)} is not one of ns, us, ms, s`)
    }
    this.#timeUnits = undefined
    this.#timeNanos = undefined
    switch (typeof value) {
      case 'bigint':
        this.#timeUnits = value
        break
      case 'number':
        checkTimeNumber(value)
        this.#timeUnits = value
        break
      case 'string':
        this.#timeNanos = parseIsoToNanos(value)
        break
      default:
        if (value instanceof Date) this.#timeNanos = dateToNanos(value)
        else if (value !== null && value !== undefined) {
          throw new TypeError(
            `time: ${describeType(value)} is not a timestamp (use a bigint, a safe integer, a Date or an RFC 3339 string)`,
          )
        }
    }
    this.#precision = precision
    return this
  }

  /**
   * The line, or `undefined` when the point has no field. `precision` defaults to the point's
   * own precision, then `ns`. `defaultTags` are added where the point has no tag of that key;
   * the point itself is not changed. Throws `RangeError` when the time is out of range.
   */
  toLineProtocol(precision?: WritePrecision, defaultTags?: Readonly<Record<string, string>>): string | undefined {
    const entries = this.#entries
    if (entries.length === this.#tagEnd) return undefined
    const time = this.#timestampText(precision ?? this.#precision ?? 'ns')
    const defaults = defaultTags === undefined ? undefined : compileDefaultTags(defaultTags)
    return pointEntriesText(this.#escapedName, entries, this.#tagEnd, defaults, time)
  }

  #timestampText(target: WritePrecision): string | undefined {
    const time = this.#timeIn(target)
    return time === undefined || typeof time === 'string' ? time : `${time}`
  }

  /**
   * The timestamp in `target` units, range-checked (throws `RangeError`): the units themselves
   * when they are already in `target`, else the converted text; `undefined` when there is none.
   */
  #timeIn(target: WritePrecision): bigint | number | string | undefined {
    const units = this.#timeUnits
    if (units !== undefined) {
      const own = this.#precision
      if (own === undefined || own === target) {
        if (typeof units === 'bigint') checkBigintUnits(units, target)
        else checkNumberUnits(units, target)
        return units
      }
      return nanosToTimestamp(BigInt(units) * NANOS_PER_UNIT[own], target)
    }
    return this.#timeNanos === undefined ? undefined : nanosToTimestamp(this.#timeNanos, target)
  }

  /**
   * Writes the line into `writer` (from `beginLine` to `endLine`) in `precision`, adding
   * `defaultTags` where the point has no tag of that key. Returns false, writing nothing, when
   * the point has no field. Throws `RangeError` before writing anything when the time is out of
   * range, and `TypeError` for a default tag that cannot be written.
   * @internal
   */
  writeLine(writer: LineWriter, precision: WritePrecision, defaultTags?: Readonly<Record<string, string>>): boolean {
    const entries = this.#entries
    if (entries.length === this.#tagEnd) return false
    // Everything that can throw comes before the first byte.
    const defaults = defaultTags === undefined ? undefined : compileDefaultTags(defaultTags)
    const time = this.#timeIn(precision)
    writePointEntries(writer, this.#escapedName, entries, this.#tagEnd, defaults, time)
    return true
  }

  /** The line in the point's own precision, or `''` when it has no field. */
  toString(): string {
    return this.toLineProtocol() ?? ''
  }

  /** An independent copy: changing one never changes the other. */
  copy(): Point {
    const copy = new Point(this.#measurement)
    copy.#entries = this.#entries.slice()
    copy.#tagEnd = this.#tagEnd
    copy.#timeUnits = this.#timeUnits
    copy.#timeNanos = this.#timeNanos
    copy.#precision = this.#precision
    return copy
  }
}

/**
 * Makes `point` a new, empty point of `measurement` (the same checks as the constructor), keeping
 * its storage. Not part of the public API: the object-record fast path of a BatchWriter fills one
 * Point per record this way instead of allocating one, and writes it before it is reused.
 */
export function resetPoint(point: Point, measurement: string): Point {
  return resetState(point, measurement)
}

/** A tag value as text; `undefined` when it removes the tag. Throws `TypeError` naming the tag. */
function tagText(key: string, value: TagValue): string | undefined {
  if (typeof key !== 'string') throw new TypeError(`tag key: ${describeType(key)} is not a string`)
  switch (typeof value) {
    case 'string':
      return value === '' ? undefined : value
    case 'number':
      // NaN and ±Infinity mark a missing value, as in a field and in a table's tag column.
      return value - value === 0 ? String(value) : undefined
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

/**
 * Keeps a point with every kind of entry and a time, and so the maps that writeLine and the
 * setters are optimised for (see map-anchors.ts). Called once, by the first serialisation.
 */
export function keepPointMapsAlive(): void {
  keepMapAlive(
    new Point('m')
      .tag('t', 'v')
      .floatField('f', 1.5)
      .intField('i', 1)
      .booleanField('b', true)
      .stringField('s', 'x')
      .time(1n),
  )
}

/** A tag value escaped for line protocol. Throws `TypeError` naming the tag. */
function escapedTagValue(key: string, text: string): string {
  try {
    return escapeKey(text)
  } catch (error) {
    throw new TypeError(`tag ${JSON.stringify(key)}: ${(error as Error).message}`, { cause: error })
  }
}
