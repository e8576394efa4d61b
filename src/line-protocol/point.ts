import { escapeFieldKey, escapeKey, escapeMeasurement, escapeTagKey, unescapeKey } from './escape.js'
import { EncodedText, writeEncoded } from './encoded-text.js'
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
import { describeType, formatFieldValue, formatFloat, formatInteger, formatString, type FieldType } from './values.js'
import { readRecordInto, recordMeasurement, type RecordOptions } from './point-from-record.js'
import { keepMapAlive } from '../map-anchors.js'
import { ownValue, setOwn } from '../own-keys.js'

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
  private _measurement: string
  private _escapedName: string
  // Both sets are kept sorted by key (UTF-16 code-unit order), with every name already checked
  // and escaped, and every value in the form that is cheapest to write: serialising is then one
  // pass of copying into bytes (line-writer.ts), with no string built per line.
  // One array for both sets (one allocation less per point): first the tags, two slots each
  // (KeyPrefix `,escaped-key=`, escaped value), from 0 to _tagEnd; then the fields, three slots
  // each (KeyPrefix `escaped-key=`, kind, value; see FieldKind), from _tagEnd to the end. The key
  // as given is the prefix's `key`. Few slots matter: 2 tags and 3 fields (13 slots) fit in the
  // room V8 gives the array on its first push (16 slots or more), so its storage is allocated once.
  private _entries: unknown[] = newEntries()
  private _tagEnd = 0
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
    const point = new Point(recordMeasurement(record, options))
    readRecordInto(point, record, options, options.writePrecision)
    return point
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
    const entries = this._entries
    for (let i = 0; i < this._tagEnd; i += TAG_SLOTS)
      setOwn(result, (entries[i] as KeyPrefix).key, unescapeKey(entries[i + 1] as string))
    return result
  }

  /** The fields as written in line protocol (`1.5`, `3i`, `"text"`), by key. A fresh object. */
  get fieldTexts(): Record<string, string> {
    const result: Record<string, string> = {}
    const entries = this._entries
    for (let i = this._tagEnd; i < entries.length; i += FIELD_SLOTS) {
      setOwn(result, (entries[i] as KeyPrefix).key, fieldValueText(entries[i + 1] as FieldKind, entries[i + 2]))
    }
    return result
  }

  /** True when at least one field is set (a point without fields cannot be written). */
  hasFields(): boolean {
    return this._entries.length > this._tagEnd
  }

  /**
   * Sets a tag. `null`, `undefined`, an empty key or an empty value removes the tag (line
   * protocol has no empty tags). Throws `TypeError` for a key or value that cannot be written exactly.
   */
  tag(key: string, value: TagValue): this {
    const text = tagText(key, value)
    if (text === undefined || key === '') {
      this.removeTag(key)
      return this
    }
    let prefix: KeyPrefix
    let escaped: string
    try {
      prefix = tagPrefixAt(this._tagEnd / TAG_SLOTS, key)
      escaped = escapeKey(text)
    } catch (error) {
      throw new TypeError(`tag ${JSON.stringify(key)}: ${(error as Error).message}`, { cause: error })
    }
    const entries = this._entries
    const end = this._tagEnd
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
    this._tagEnd = end + TAG_SLOTS
    return this
  }

  private removeTag(key: string): void {
    const entries = this._entries
    const at = sortedSlot(entries, TAG_SLOTS, key, 0, this._tagEnd)
    if (at < this._tagEnd && (entries[at] as KeyPrefix).key === key) {
      entries.splice(at, TAG_SLOTS)
      this._tagEnd -= TAG_SLOTS
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
        return Number.isFinite(value) ? this.setField(key, FLOAT, value) : this.removeField(key)
      case 'boolean':
        return this.setField(key, BOOLEAN, value)
      case 'bigint':
        formatInteger(key, value)
        return this.setField(key, INTEGER, value)
      default:
        return this.setFormatted(key, formatFieldValue(key, value, undefined))
    }
  }

  /** Sets a field written with a given type: `int` → `i`, `uint` → `u`, `float`. */
  typedField(key: string, value: unknown, fieldType: FieldType | undefined): this {
    if (fieldType === undefined) return this.field(key, value)
    if (fieldType === 'int') return this.intField(key, value as number | bigint)
    if (fieldType === 'float' && typeof value === 'number') return this.floatField(key, value)
    return this.setFormatted(key, formatFieldValue(key, value, fieldType))
  }

  /** Sets an integer field (`125i`): a bigint in int64 range, or a safe-integer number. */
  intField(key: string, value: number | bigint): this {
    if (Number.isSafeInteger(value)) return this.setField(key, INTEGER, value)
    if (typeof value === 'bigint') {
      formatInteger(key, value)
      return this.setField(key, INTEGER, value)
    }
    return this.setFormatted(key, formatFieldValue(key, value, 'int'))
  }

  /** Sets an unsigned integer field (`125u`): 0 … 2^64-1. */
  uintField(key: string, value: number | bigint): this {
    return this.setFormatted(key, formatFieldValue(key, value, 'uint'))
  }

  /** Sets a float field. */
  floatField(key: string, value: number): this {
    if (typeof value !== 'number')
      throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a number`)
    return Number.isFinite(value) ? this.setField(key, FLOAT, value) : this.removeField(key)
  }

  /** Sets a string field. */
  stringField(key: string, value: string): this {
    if (typeof value !== 'string')
      throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a string`)
    return this.setField(key, TEXT, formatString(key, value))
  }

  /** Sets a boolean field. */
  booleanField(key: string, value: boolean): this {
    if (typeof value !== 'boolean')
      throw new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} is not a boolean`)
    return this.setField(key, BOOLEAN, value)
  }

  /** A value formatted by values.ts (`undefined`: remove the field). */
  private setFormatted(key: string, formatted: string | undefined): this {
    return formatted === undefined ? this.removeField(key) : this.setField(key, TEXT, formatted)
  }

  private setField(key: string, kind: FieldKind, value: unknown): this {
    if (typeof key !== 'string') throw new TypeError(`field key: ${describeType(key)} is not a string`)
    let prefix: KeyPrefix
    try {
      prefix = fieldPrefixAt((this._entries.length - this._tagEnd) / FIELD_SLOTS, key)
    } catch (error) {
      throw new TypeError(`field ${JSON.stringify(key)}: ${(error as Error).message}`, { cause: error })
    }
    const entries = this._entries
    const at = sortedSlot(entries, FIELD_SLOTS, key, this._tagEnd, entries.length)
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

  private removeField(key: string): this {
    const entries = this._entries
    const at = sortedSlot(entries, FIELD_SLOTS, key, this._tagEnd, entries.length)
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
          throw new TypeError(
            `time: ${describeType(value)} is not a timestamp (use a bigint, a safe integer, a Date or an RFC 3339 string)`,
          )
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
    const entries = this._entries
    const tagEnd = this._tagEnd
    if (entries.length === tagEnd) return undefined
    const target = precision ?? this._precision ?? 'ns'
    // Built by concatenation, not through bytes: V8 joins short strings faster than a
    // decode of the written bytes would cost (measured); writeLine() is the path to the wire.
    const time = this.timestampText(target)
    let line = this._escapedName
    const defaults = defaultTags === undefined ? undefined : compileDefaultTags(defaultTags)
    if (defaults !== undefined && defaults.length > 0) line += mergedTagText(entries, tagEnd, defaults)
    else for (let i = 0; i < tagEnd; i += TAG_SLOTS) line += (entries[i] as KeyPrefix).text + (entries[i + 1] as string)
    line += ' '
    for (let i = tagEnd; i < entries.length; i += FIELD_SLOTS) {
      if (i > tagEnd) line += ','
      line += (entries[i] as KeyPrefix).text + fieldValueText(entries[i + 1] as FieldKind, entries[i + 2])
    }
    return time === undefined ? line : line + ' ' + time
  }

  private timestampText(target: WritePrecision): string | undefined {
    const time = this.timeIn(target)
    return time === undefined || typeof time === 'string' ? time : `${time}`
  }

  /**
   * The timestamp in `target` units, range-checked (throws `RangeError`): the units themselves
   * when they are already in `target`, else the converted text; `undefined` when there is none.
   */
  private timeIn(target: WritePrecision): bigint | number | string | undefined {
    const units = this._timeUnits
    if (units !== undefined) {
      const own = this._precision
      if (own === undefined || own === target) {
        if (typeof units === 'bigint') checkBigintUnits(units, target)
        else checkNumberUnits(units, target)
        return units
      }
      return nanosToTimestamp(BigInt(units) * NANOS_PER_UNIT[own], target)
    }
    return this._timeNanos === undefined ? undefined : nanosToTimestamp(this._timeNanos, target)
  }

  /**
   * Writes the line into `writer` (from `beginLine` to `endLine`) in `precision`, adding
   * `defaultTags` where the point has no tag of that key. Returns false, writing nothing, when
   * the point has no field. Throws `RangeError` before writing anything when the time is out of
   * range, and `TypeError` for a default tag that cannot be written.
   * @internal
   */
  writeLine(writer: LineWriter, precision: WritePrecision, defaultTags?: Readonly<Record<string, string>>): boolean {
    const entries = this._entries
    const tagEnd = this._tagEnd
    if (entries.length === tagEnd) return false
    const defaults = defaultTags === undefined ? undefined : compileDefaultTags(defaultTags)
    // Everything that can throw comes before the first byte.
    const time = this.timeIn(precision)

    writer.beginLine()
    writeEncoded(writer, encodedName(this._escapedName))
    if (defaults !== undefined && defaults.length > 0) writeMergedTags(writer, entries, tagEnd, defaults)
    else {
      for (let i = 0; i < tagEnd; i += TAG_SLOTS) {
        writeEncoded(writer, entries[i] as KeyPrefix)
        writer.text(entries[i + 1] as string)
      }
    }
    // Every field is written after a comma (its prefix's bytes start with one); the first comma
    // then becomes the space that ends the tags: no separator to decide per field.
    const fieldsStart = writer.length
    for (let i = tagEnd; i < entries.length; i += FIELD_SLOTS) {
      const prefix = entries[i] as KeyPrefix
      const value = entries[i + 2]
      switch (entries[i + 1] as FieldKind) {
        case FLOAT:
          writeEncoded(writer, prefix)
          writer.float(value as number)
          break
        case INTEGER:
          writeEncoded(writer, prefix)
          if (typeof value === 'number') writer.integer(value, LETTER_I)
          else {
            writer.bigint(value as bigint)
            writer.byte(LETTER_I)
          }
          break
        case BOOLEAN:
          writeEncoded(writer, prefix.withBoolean(value as boolean))
          break
        default:
          writeEncoded(writer, prefix)
          writer.text(value as string)
      }
    }
    writer.bytes[fieldsStart] = SPACE
    if (time !== undefined) {
      writer.byte(SPACE)
      if (typeof time === 'bigint') writer.timestamp(time)
      else if (typeof time === 'number') writer.integer(time)
      else writer.text(time)
    }
    writer.endLine()
    return true
  }

  /** The line in the point's own precision, or `''` when it has no field. */
  toString(): string {
    return this.toLineProtocol() ?? ''
  }

  /** An independent copy: changing one never changes the other. */
  copy(): Point {
    const copy = new Point(this._measurement)
    copy._entries = this._entries.slice()
    copy._tagEnd = this._tagEnd
    copy._timeUnits = this._timeUnits
    copy._timeNanos = this._timeNanos
    copy._precision = this._precision
    return copy
  }
}

/** A Point's fields, for {@link resetPoint}. */
interface PointState {
  _measurement: string
  _escapedName: string
  _entries: unknown[]
  _tagEnd: number
  _timeUnits: bigint | number | undefined
  _timeNanos: bigint | undefined
  _precision: WritePrecision | undefined
}

/**
 * Makes `point` a new, empty point of `measurement` (the same checks as the constructor), keeping
 * its storage. Not part of the public API: the object-record fast path of a BatchWriter fills one
 * Point per record this way instead of allocating one, and writes it before it is reused.
 */
export function resetPoint(point: Point, measurement: string): Point {
  if (typeof measurement !== 'string') throw new TypeError(`measurement: ${describeType(measurement)} is not a string`)
  const state = point as unknown as PointState
  state._escapedName = measurement === lastMeasurement ? lastEscapedMeasurement : escapedMeasurement(measurement)
  state._measurement = measurement
  state._entries.length = 0
  state._tagEnd = 0
  state._timeUnits = undefined
  state._timeNanos = undefined
  state._precision = undefined
  return point
}

// A copy of an empty array, not an `[]` literal. V8 may decide to allocate a literal's arrays
// straight in the old generation ("pretenuring"); a dead old array still points at its young
// values, so every young collection keeps them all, and they are promoted in turn. Measured on
// the serialize benchmark: 2.1-2.3 s per million points in some processes against 0.5 s
// (--trace-gc-nvp: 840 MB promoted against 254). Its one string makes copies start with the
// elements kind that every entries array ends up with, so no transition on the first push.
const NO_ENTRIES: unknown[] = ['']
NO_ENTRIES.pop()

function newEntries(): unknown[] {
  return NO_ENTRIES.slice()
}

/** Slots per tag and per field in a Point's entries. */
const TAG_SLOTS = 2
const FIELD_SLOTS = 3

/** How a field value is held: a float or an integer is written from the number itself. */
type FieldKind = typeof FLOAT | typeof INTEGER | typeof BOOLEAN | typeof TEXT
const FLOAT = 0
const INTEGER = 1
const BOOLEAN = 2
/** Finished line-protocol text: quoted strings, `u` integers, typed values. */
const TEXT = 3

const SPACE = 32
const COMMA = 44
const LETTER_I = 105

function fieldValueText(kind: FieldKind, value: unknown): string {
  switch (kind) {
    case FLOAT:
      return formatFloat(value as number)
    case INTEGER:
      return `${value as number | bigint}i`
    case BOOLEAN:
      return value ? 'true' : 'false'
    default:
      return value as string
  }
}

/**
 * Where `key` goes in the sorted run of entries of `width` slots in `[from, end)`: the index of
 * its entry, or of the first entry with a larger key, or `end`. Keys set in ascending order hit
 * the first test.
 */
function sortedSlot(entries: readonly unknown[], width: number, key: string, from: number, end: number): number {
  if (end === from) return end
  // Keys mostly differ in their first code unit: comparing those numbers first skips the call
  // into the string comparison.
  const first = firstUnit(key)
  const last = entries[end - width] as KeyPrefix
  if (first !== last.first ? first > last.first : key > last.key) return end
  for (let i = from; i < end; i += width) {
    const prefix = entries[i] as KeyPrefix
    if (first !== prefix.first ? prefix.first > first : prefix.key >= key) return i
  }
  return end
}

/** The first UTF-16 code unit, or -1 for the empty string (which sorts first). */
function firstUnit(key: string): number {
  return key.length === 0 ? -1 : key.charCodeAt(0)
}

/** `,k=v` of the point's tags merged with default tags, as {@link writeMergedTags} writes them. */
function mergedTagText(tags: readonly unknown[], tagEnd: number, defaults: readonly string[]): string {
  let text = ''
  let j = 0
  for (let i = 0; i < tagEnd; i += TAG_SLOTS) {
    const prefix = tags[i] as KeyPrefix
    const key = prefix.key
    for (; j < defaults.length && defaults[j] < key; j += 2) text += ',' + defaults[j + 1]
    if (j < defaults.length && defaults[j] === key) j += 2
    text += prefix.text + (tags[i + 1] as string)
  }
  for (; j < defaults.length; j += 2) text += ',' + defaults[j + 1]
  return text
}

/** The point's tags merged with default tags (`[key, escaped pair, …]`, sorted); its own tag wins. */
function writeMergedTags(
  writer: LineWriter,
  tags: readonly unknown[],
  tagEnd: number,
  defaults: readonly string[],
): void {
  let j = 0
  for (let i = 0; i < tagEnd; i += TAG_SLOTS) {
    const prefix = tags[i] as KeyPrefix
    const key = prefix.key
    while (j < defaults.length && defaults[j] < key) {
      writer.byte(COMMA)
      writer.text(defaults[j + 1])
      j += 2
    }
    if (j < defaults.length && defaults[j] === key) j += 2
    writeEncoded(writer, prefix)
    writer.text(tags[i + 1] as string)
  }
  for (; j < defaults.length; j += 2) {
    writer.byte(COMMA)
    writer.text(defaults[j + 1])
  }
}

// Escaped keys with their '=', by key as given. Keys repeat from point to point, and a hit skips
// the escaping scan and an allocation (measured ~20% off building a 2-tag, 3-field point).
// Bounded: short keys only, and a full cache is cleared. A key that throws is never stored.
const MAX_CACHED_KEYS = 1000
const MAX_CACHED_KEY_LENGTH = 64
const fieldPrefixes = new Map<string, KeyPrefix>()
const tagPrefixes = new Map<string, KeyPrefix>()

/**
 * A key as given, and its text before its value: as a string (`,key=` for a tag, `key=` for a
 * field), and pre-encoded for copying into bytes, always with the leading comma (see writeLine).
 */
class KeyPrefix extends EncodedText {
  /** The key's first code unit, for {@link sortedSlot}. */
  readonly first: number
  private readonly encoded: string
  private whenTrue: EncodedText | undefined = undefined
  private whenFalse: EncodedText | undefined = undefined

  constructor(
    readonly key: string,
    readonly text: string,
    field: boolean,
  ) {
    const encoded = field ? ',' + text : text
    super(encoded)
    this.encoded = encoded
    this.first = firstUnit(key)
  }

  /** `,key=true` or `,key=false`, joined on first use: one copy writes a boolean field. */
  withBoolean(value: boolean): EncodedText {
    if (value) return (this.whenTrue ??= new EncodedText(this.encoded + 'true'))
    return (this.whenFalse ??= new EncodedText(this.encoded + 'false'))
  }
}

/** `escapeFieldKey(key) + '='`, memoised. */
function fieldPrefix(key: string): KeyPrefix {
  return fieldPrefixes.get(key) ?? remember(fieldPrefixes, key, new KeyPrefix(key, escapeFieldKey(key) + '=', true))
}

/** `',' + escapeTagKey(key) + '='`, memoised. */
function tagPrefix(key: string): KeyPrefix {
  return tagPrefixes.get(key) ?? remember(tagPrefixes, key, new KeyPrefix(key, ',' + escapeTagKey(key) + '=', false))
}

// The keys set at each position of the last points, compared by identity: the same literal keys
// in the same order is the usual case, and a hit skips the Map lookup of every key.
const SEEN_SLOTS = 16
const seenTagKeys: (string | undefined)[] = new Array<string | undefined>(SEEN_SLOTS).fill(undefined)
const seenTagPrefixes: KeyPrefix[] = []
const seenFieldKeys: (string | undefined)[] = new Array<string | undefined>(SEEN_SLOTS).fill(undefined)
const seenFieldPrefixes: KeyPrefix[] = []

/** {@link tagPrefix} of the key set as the point's tag number `slot`. */
function tagPrefixAt(slot: number, key: string): KeyPrefix {
  return prefixAt(seenTagKeys, seenTagPrefixes, slot, key, tagPrefix)
}

/** {@link fieldPrefix} of the key set as the point's field number `slot`. */
function fieldPrefixAt(slot: number, key: string): KeyPrefix {
  return prefixAt(seenFieldKeys, seenFieldPrefixes, slot, key, fieldPrefix)
}

function prefixAt(
  seenKeys: (string | undefined)[],
  seenPrefixes: KeyPrefix[],
  slot: number,
  key: string,
  make: (key: string) => KeyPrefix,
): KeyPrefix {
  if (slot >= SEEN_SLOTS) return make(key)
  if (seenKeys[slot] === key) return seenPrefixes[slot]
  const prefix = make(key)
  seenKeys[slot] = key
  seenPrefixes[slot] = prefix
  return prefix
}

function remember(cache: Map<string, KeyPrefix>, key: string, prefix: KeyPrefix): KeyPrefix {
  if (key.length <= MAX_CACHED_KEY_LENGTH) {
    if (cache.size >= MAX_CACHED_KEYS) cache.clear()
    cache.set(key, prefix)
  }
  return prefix
}

// The last measurement written, encoded: the points of a write are mostly of one measurement.
let lastWrittenName = ''
let lastEncodedName = new EncodedText('')

function encodedName(escaped: string): EncodedText {
  if (escaped !== lastWrittenName) {
    lastEncodedName = new EncodedText(escaped)
    lastWrittenName = escaped
  }
  return lastEncodedName
}

// The last measurement escaped: points of one series are usually built one after another.
let lastMeasurement: string | undefined
let lastEscapedMeasurement = ''

function escapedMeasurement(measurement: string): string {
  let escaped: string
  try {
    escaped = escapeMeasurement(measurement)
  } catch (error) {
    throw new TypeError(`measurement: ${(error as Error).message}`, { cause: error })
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

// The write paths pass one frozen object for a whole call: escape and sort it once. Only a frozen
// object can be remembered by identity; a caller's own object may change between two calls.
const compiledDefaults = new WeakMap<object, readonly string[]>()
let lastDefaultTags: object | undefined
let lastCompiledDefaults: readonly string[] = []

/** `[key, escaped pair, …]` sorted by key. Throws `TypeError` for a tag that cannot be written. */
function compileDefaultTags(defaultTags: Readonly<Record<string, string>>): readonly string[] {
  // Every point of a write call passes the same object: a pointer compare skips the WeakMap.
  if (defaultTags === lastDefaultTags) return lastCompiledDefaults
  if (!Object.isFrozen(defaultTags)) return escapeDefaultTags(defaultTags)
  let compiled = compiledDefaults.get(defaultTags)
  if (compiled === undefined) {
    compiled = escapeDefaultTags(defaultTags)
    compiledDefaults.set(defaultTags, compiled)
  }
  lastDefaultTags = defaultTags
  lastCompiledDefaults = compiled
  return compiled
}

function escapeDefaultTags(defaultTags: Readonly<Record<string, string>>): string[] {
  const entries: string[] = []
  for (const key of Object.keys(defaultTags).sort()) {
    const value = ownValue(defaultTags, key)
    if (key === '' || typeof value !== 'string' || value === '') continue
    try {
      entries.push(key, `${escapeTagKey(key)}=${escapeKey(value)}`)
    } catch (error) {
      throw new TypeError(`default tag ${JSON.stringify(key)}: ${(error as Error).message}`, { cause: error })
    }
  }
  return entries
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
