/**
 * Plain objects and class instances as records (the Python client's dict, NamedTuple and dataclass).
 *
 * - Measurement: `recordMeasurementName` when given, else the member named by
 *   `recordMeasurementKey` (default `measurement`).
 * - Tags: the members named in `recordTagKeys` (absent or `null` ones skipped), else the
 *   `tags` member (an object or a Map), when present.
 * - Fields: the members named in `recordFieldKeys`, else the `fields` member (required).
 * - Time: the member named by `recordTimeKey` (default `time`), in the write precision.
 * - Field types: the record's own `fieldTypes` (or `field_types`) member, read only in the
 *   `{ measurement, tags, fields }` form, wins per field over the `fieldTypes` option.
 *
 * Members are the record's own properties and those of its class, so getters of class instances
 * work too; a key named like an Object.prototype member (`constructor`, `toString`) is read only
 * when the record or its class has it.
 */
import type { WritePrecision } from './precision.js'
import { describeType, type FieldType } from './values.js'
import { memberValue, ownValue } from '../own-keys.js'

type FieldTypes = Readonly<Record<string, FieldType>>

/**
 * How plain objects and class instances are read into points
 * (InfluxDB's Python client's `record_*` keyword arguments).
 */
export interface RecordOptions {
  /** Key that holds the measurement (default `measurement`). */
  recordMeasurementKey?: string
  /** A fixed measurement name for every object record. */
  recordMeasurementName?: string
  /** Key that holds the timestamp (default `time`). */
  recordTimeKey?: string
  /** Keys read as tags. Without it, the object's `tags` member is used. */
  recordTagKeys?: readonly string[]
  /** Keys read as fields. Without it, the object's `fields` member is used. */
  recordFieldKeys?: readonly string[]
  /** Per-field line-protocol type: `int` → `i`, `uint` → `u`, `float` → plain number. */
  fieldTypes?: Readonly<Record<string, FieldType>>
}

/**
 * What reading a record needs of the point it fills: `Point`'s own setters. Typed structurally so
 * that this module does not import `point.ts`, whose `Point.fromRecord` calls it.
 */
export interface RecordTarget {
  tag(key: string, value: unknown): unknown
  typedField(key: string, value: unknown, fieldType: FieldType | undefined): unknown
  time(value: never, precision?: WritePrecision): unknown
}

/**
 * Reads the tags, fields and time of one object record into `point` (made with
 * {@link recordMeasurement}). `precision`, when given, becomes the point's own precision for its
 * time. Throws `TypeError`/`RangeError` with the reason.
 */
export function readRecordInto(
  point: RecordTarget,
  record: object,
  options: RecordOptions,
  precision?: WritePrecision,
): void {
  const tagKeys = options.recordTagKeys
  // A record without a class has only its own properties as members: read by name, each site
  // keeps an inline cache of its own (memberValue's keyed reads are shared by every key).
  const plain = isPlainRecord(record)
  const named = record as DefaultMembers
  if (tagKeys !== undefined) {
    for (const key of tagKeys) point.tag(key, memberValue(record, key))
  } else {
    const tags = plain ? (Object.hasOwn(record, 'tags') ? named.tags : undefined) : memberValue(record, 'tags')
    // A plain object of tags, the common case, is read in a loop here rather than through a callback.
    if (isKeyedObject(tags)) {
      const keys = Object.keys(tags)
      for (let i = 0; i < keys.length; i++) point.tag(keys[i], tags[keys[i]])
    } else if (tags !== undefined && tags !== null) forEachEntry(tags, 'tags', (key, value) => point.tag(key, value))
  }
  const fieldKeys = options.recordFieldKeys
  const optionTypes = options.fieldTypes
  if (fieldKeys !== undefined) {
    for (const key of fieldKeys) point.typedField(key, memberValue(record, key), ownValue(optionTypes, key))
  } else {
    const fields = plain ? (Object.hasOwn(record, 'fields') ? named.fields : undefined) : memberValue(record, 'fields')
    if (fields === undefined || fields === null) {
      throw new TypeError(
        'no fields: the record has no "fields" member (or name the field members with recordFieldKeys)',
      )
    }
    const ownTypes = readOwnFieldTypes(record, plain)
    if (isKeyedObject(fields)) {
      const keys = Object.keys(fields)
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]
        point.typedField(key, fields[key], fieldTypeOf(key, ownTypes, optionTypes))
      }
    } else {
      forEachEntry(fields, 'fields', (key, value) =>
        point.typedField(key, value, fieldTypeOf(key, ownTypes, optionTypes)),
      )
    }
  }
  const timeKey = options.recordTimeKey
  const time =
    timeKey === undefined && plain
      ? Object.hasOwn(record, 'time')
        ? named.time
        : undefined
      : memberValue(record, timeKey ?? 'time')
  if (time !== undefined && time !== null) point.time(time as never, precision)
}

/** The members of the `{ measurement, tags, fields, time }` form, read by name from a plain record. */
interface DefaultMembers {
  measurement?: unknown
  tags?: unknown
  fields?: unknown
  time?: unknown
  fieldTypes?: unknown
  field_types?: unknown
}

/** A record without a class (an object literal, or `Object.create(null)`). */
function isPlainRecord(record: object): boolean {
  const proto: unknown = Object.getPrototypeOf(record)
  return proto === Object.prototype || proto === null
}

/** A field's type: the record's own `fieldTypes` first, then the option's. */
function fieldTypeOf(
  key: string,
  ownTypes: FieldTypes | undefined,
  optionTypes: FieldTypes | undefined,
): FieldType | undefined {
  return (ownTypes === undefined ? undefined : ownValue(ownTypes, key)) ?? ownValue(optionTypes, key)
}

/** An object read by its own keys (see {@link forEachEntry}): not a Map, not an array. */
function isKeyedObject(container: unknown): container is Record<string, unknown> {
  return typeof container === 'object' && container !== null && !(container instanceof Map) && !Array.isArray(container)
}

/** The measurement of one object record. Throws `TypeError` with the reason. */
export function recordMeasurement(record: object, options: RecordOptions): string {
  if (options.recordMeasurementName !== undefined) return options.recordMeasurementName
  const key = options.recordMeasurementKey ?? 'measurement'
  const measurement =
    key === 'measurement' && isPlainRecord(record)
      ? Object.hasOwn(record, 'measurement')
        ? (record as DefaultMembers).measurement
        : undefined
      : memberValue(record, key)
  if (typeof measurement === 'string' && measurement !== '') return measurement
  if (measurement === undefined || measurement === null || measurement === '') {
    throw new TypeError(
      `missing measurement: the record has no ${JSON.stringify(key)} member (or pass recordMeasurementName)`,
    )
  }
  throw new TypeError(`measurement: ${describeType(measurement)} in ${JSON.stringify(key)} is not a string`)
}

function readOwnFieldTypes(record: object, plain: boolean): FieldTypes | undefined {
  const named = record as DefaultMembers
  const own = plain
    ? ((Object.hasOwn(record, 'fieldTypes') ? named.fieldTypes : undefined) ??
      (Object.hasOwn(record, 'field_types') ? named.field_types : undefined))
    : (memberValue(record, 'fieldTypes') ?? memberValue(record, 'field_types'))
  if (own === undefined || own === null) return undefined
  if (typeof own !== 'object') throw new TypeError(`fieldTypes: ${describeType(own)} is not an object`)
  return own as FieldTypes
}

function forEachEntry(container: unknown, what: string, visit: (key: string, value: unknown) => void): void {
  if (container instanceof Map) {
    for (const [key, value] of container) {
      if (typeof key !== 'string') throw new TypeError(`${what}: a ${describeType(key)} key is not a string`)
      visit(key, value)
    }
    return
  }
  if (typeof container !== 'object' || container === null || Array.isArray(container)) {
    throw new TypeError(`${what}: ${describeType(container)} is not an object of key → value`)
  }
  const values = container as Record<string, unknown>
  for (const key of Object.keys(values)) visit(key, values[key])
}
