import type { FieldType, RecordOptions } from '../write/write-options.js'
import { edgeEntries, entriesOf, keyRange, lastUpsertReplaced, mergeTags, removeEntry, upsertEntry } from './entries.js'
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
import { describeType, formatFieldValue, formatFloat, formatString } from './values.js'
import { pointFromRecord } from '../records/objects.js'

/** What `.time()` accepts: units of the precision (bigint or safe integer), a `Date`, or an RFC 3339 string. */
export type TimeInput = bigint | number | Date | string

/** What `.tag()` accepts; numbers, bigints and booleans are written as their text. */
export type TagValue = string | number | bigint | boolean | null | undefined

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
  // Both sets are finished line-protocol text, sorted by key (entries.ts). A key above the
  // largest is appended and one below the smallest is prepended, without looking at the text;
  // any other key is placed by a scan of it.
  /** `,k=v,k=v` */
  private _tagText = ''
  private _firstTagKey = ''
  private _lastTagKey = ''
  /** `k=v,k=v` */
  private _fieldText = ''
  private _firstFieldKey = ''
  private _lastFieldKey = ''
  // With exactly two fields the text is first pair + ',' + last pair, so a key between them
  // (three fields set out of key order, the usual case) is placed without scanning the text.
  private _fieldCount = 0
  private _firstFieldPair = ''
  private _lastFieldPair = ''
  private _timeUnits: bigint | number | undefined = undefined
  private _timeNanos: bigint | undefined = undefined
  private _precision: WritePrecision | undefined = undefined

  /** Starts a point. Throws `TypeError` for a measurement that line protocol cannot carry exactly. */
  constructor(measurement: string) {
    if (typeof measurement !== 'string') {
      throw new TypeError(`measurement: ${describeType(measurement)} is not a string`)
    }
    this._measurement = measurement
    this._escapedName = measurement === lastMeasurement ? lastEscapedMeasurement : escapedMeasurement(measurement)
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
    for (const [key, value] of entriesOf(this._tagText, 'tags')) result[key] = value
    return result
  }

  /** The fields as written in line protocol (`1.5`, `3i`, `"text"`), by key. A fresh object. */
  get fieldTexts(): Record<string, string> {
    const result: Record<string, string> = {}
    for (const [key, value] of entriesOf(this._fieldText, 'fields')) result[key] = value
    return result
  }

  /** True when at least one field is set (a point without fields cannot be written). */
  hasFields(): boolean {
    return this._fieldText !== ''
  }

  /**
   * Sets a tag. `null`, `undefined`, an empty key or an empty value removes the tag (line
   * protocol has no empty tags). Throws `TypeError` for a key or value that cannot be written exactly.
   */
  tag(key: string, value: TagValue): this {
    const text = tagText(key, value)
    if (text === undefined || key === '') {
      if (this._tagText === '') return this
      this._tagText = removeEntry(this._tagText, 'tags', key)
      ;[this._firstTagKey, this._lastTagKey] = keyRange(this._tagText, 'tags')
      return this
    }
    // With its leading comma, as the tag text holds it.
    let entry: string
    try {
      entry = tagPrefix(key) + escapeKey(text)
    } catch (error) {
      throw new TypeError(`tag ${JSON.stringify(key)}: ${(error as Error).message}`)
    }
    if (key > this._lastTagKey) {
      if (this._tagText === '') this._firstTagKey = key
      this._tagText += entry
      this._lastTagKey = key
    } else if (key < this._firstTagKey) {
      this._tagText = entry + this._tagText
      this._firstTagKey = key
    } else {
      this._tagText = upsertEntry(this._tagText, 'tags', key, entry.slice(1))
    }
    return this
  }

  /**
   * Sets a field, typed by its JavaScript value: number → float, bigint → integer (`i`),
   * boolean, string. `null`, `undefined`, `NaN` and `±Infinity` remove the field.
   * Throws `TypeError`/`RangeError` naming the field for any other value.
   */
  field(key: string, value: unknown): this {
    return this.setField(key, formatFieldValue(key, value, undefined))
  }

  /** Sets a field written with a given type: `int` → `i`, `uint` → `u`, `float`. */
  typedField(key: string, value: unknown, fieldType: FieldType | undefined): this {
    return this.setField(key, formatFieldValue(key, value, fieldType))
  }

  /** Sets an integer field (`125i`): a bigint in int64 range, or a safe-integer number. */
  intField(key: string, value: number | bigint): this {
    return this.setField(key, formatFieldValue(key, value, 'int'))
  }

  /** Sets an unsigned integer field (`125u`): 0 … 2^64-1. */
  uintField(key: string, value: number | bigint): this {
    return this.setField(key, formatFieldValue(key, value, 'uint'))
  }

  /** Sets a float field. */
  floatField(key: string, value: number): this {
    if (typeof value !== 'number') throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a number`)
    return this.setField(key, Number.isFinite(value) ? formatFloat(value) : undefined)
  }

  /** Sets a string field. */
  stringField(key: string, value: string): this {
    if (typeof value !== 'string') throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a string`)
    return this.setField(key, formatString(key, value))
  }

  /** Sets a boolean field. */
  booleanField(key: string, value: boolean): this {
    if (typeof value !== 'boolean') throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a boolean`)
    return this.setField(key, value ? 'true' : 'false')
  }

  private setField(key: string, formatted: string | undefined): this {
    if (typeof key !== 'string') throw new TypeError(`field key: ${describeType(key)} is not a string`)
    if (formatted === undefined) {
      if (this._fieldText !== '') this.removeField(key)
      return this
    }
    let pair: string
    try {
      pair = fieldPrefix(key) + formatted
    } catch (error) {
      throw new TypeError(`field ${JSON.stringify(key)}: ${(error as Error).message}`)
    }
    if (key > this._lastFieldKey) {
      if (this._fieldText === '') {
        this._fieldText = pair
        this._firstFieldKey = key
        this._firstFieldPair = pair
      } else this._fieldText += ',' + pair
      this._lastFieldKey = key
      this._lastFieldPair = pair
      this._fieldCount++
    } else if (key < this._firstFieldKey) {
      this._fieldText = pair + ',' + this._fieldText
      this._firstFieldKey = key
      this._firstFieldPair = pair
      this._fieldCount++
    } else if (this._fieldCount === 2 && key !== this._firstFieldKey && key !== this._lastFieldKey) {
      this._fieldText = this._firstFieldPair + ',' + pair + ',' + this._lastFieldPair
      this._fieldCount = 3
    } else {
      this._fieldText = upsertEntry(this._fieldText, 'fields', key, pair)
      if (!lastUpsertReplaced()) this._fieldCount++
      if (key === this._firstFieldKey) this._firstFieldPair = pair
      if (key === this._lastFieldKey) this._lastFieldPair = pair
    }
    return this
  }

  private removeField(key: string): void {
    const text = removeEntry(this._fieldText, 'fields', key)
    if (text === this._fieldText) return
    this._fieldText = text
    this._fieldCount--
    ;[this._firstFieldKey, this._lastFieldKey] = keyRange(text, 'fields')
    ;[this._firstFieldPair, this._lastFieldPair] = edgeEntries(text, 'fields')
  }

  /**
   * Sets the timestamp. A bigint or safe-integer number is in units of `precision`; a `Date` or
   * an RFC 3339 string (nanoseconds kept) is converted exactly. With `precision`, the point keeps
   * that precision; without, it is written in the write call's precision. `null`/`undefined`
   * clears the time (the server stamps the line). Throws for anything else.
   */
  time(value: TimeInput | null | undefined, precision?: WritePrecision): this {
    if (typeof value === 'bigint' && precision === undefined) {
      this._timeUnits = value
      this._timeNanos = undefined
      this._precision = undefined
      return this
    }
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
    if (this._fieldText === '') return undefined
    const target = precision ?? this._precision ?? 'ns'
    // The line is not cached on purpose: keeping each young line alive from an older Point costs
    // write barriers and old-generation garbage, and measured several times slower than rebuilding.
    const defaults = defaultTags === undefined ? undefined : compileDefaultTags(defaultTags)
    const tags = defaults === undefined || defaults.length === 0 ? this._tagText : mergeTags(this._tagText, defaults)
    let line = this._escapedName + tags + ' ' + this._fieldText
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
    copy._tagText = this._tagText
    copy._firstTagKey = this._firstTagKey
    copy._lastTagKey = this._lastTagKey
    copy._fieldText = this._fieldText
    copy._firstFieldKey = this._firstFieldKey
    copy._lastFieldKey = this._lastFieldKey
    copy._fieldCount = this._fieldCount
    copy._firstFieldPair = this._firstFieldPair
    copy._lastFieldPair = this._lastFieldPair
    copy._timeUnits = this._timeUnits
    copy._timeNanos = this._timeNanos
    copy._precision = this._precision
    return copy
  }
}

// Escaped keys with their '=', by key as given. Keys repeat from point to point, and a hit skips
// the escaping scan and an allocation (measured ~20% off building a 2-tag, 3-field point).
// Bounded: short keys only, and a full cache is cleared. A key that throws is never stored.
const MAX_CACHED_KEYS = 1000
const MAX_CACHED_KEY_LENGTH = 64
const fieldPrefixes = new Map<string, string>()
const tagPrefixes = new Map<string, string>()

/** `escapeFieldKey(key) + '='`, memoised. */
function fieldPrefix(key: string): string {
  return fieldPrefixes.get(key) ?? remember(fieldPrefixes, key, escapeFieldKey(key) + '=')
}

/** `',' + escapeKey(key) + '='`, memoised. */
function tagPrefix(key: string): string {
  return tagPrefixes.get(key) ?? remember(tagPrefixes, key, ',' + escapeKey(key) + '=')
}

function remember(cache: Map<string, string>, key: string, prefix: string): string {
  if (key.length <= MAX_CACHED_KEY_LENGTH) {
    if (cache.size >= MAX_CACHED_KEYS) cache.clear()
    cache.set(key, prefix)
  }
  return prefix
}

// The last measurement escaped: points of one series are usually built one after another.
let lastMeasurement: string | undefined
let lastEscapedMeasurement = ''

function escapedMeasurement(measurement: string): string {
  let escaped: string
  try {
    escaped = escapeMeasurement(measurement)
  } catch (error) {
    throw new TypeError(`measurement: ${(error as Error).message}`)
  }
  lastMeasurement = measurement
  lastEscapedMeasurement = escaped
  return escaped
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

// Default tags are the same object for a whole write call: escape and sort them once.
const compiledDefaults = new WeakMap<object, readonly string[]>()
let lastDefaultTags: object | undefined
let lastCompiledDefaults: readonly string[] = []

/** `[key, escaped pair, …]` sorted by key. Throws `TypeError` for a tag that cannot be written. */
function compileDefaultTags(defaultTags: Readonly<Record<string, string>>): readonly string[] {
  // Every point of a write call passes the same object: a pointer compare skips the WeakMap.
  if (defaultTags === lastDefaultTags) return lastCompiledDefaults
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
  lastDefaultTags = defaultTags
  lastCompiledDefaults = compiled
  return compiled
}
