// The points of one bucket: series by key, and the type of every field per measurement
// (fixed by the first write, as in InfluxDB's shards).
import type { ParsedFieldType, FieldValue, ParsedPoint } from './line-parser.js'
import { RetentionFilter } from './retention.js'
import { Series } from './series.js'
import { ownValue, setOwn } from '../own-keys.js'

/** A stored point as {@link TestServer.points} returns it. */
export interface StoredPoint {
  /** The measurement. */
  measurement: string
  /** Tags sorted by key. */
  tags: Record<string, string>
  /** float → number, integer and unsigned → bigint, string, boolean. */
  fields: Record<string, FieldValue>
  /** The line-protocol type of each field, which tells integer from unsigned. */
  fieldTypes: Record<string, ParsedFieldType>
  /** Nanoseconds since the epoch. */
  time: bigint
}

/** Narrows {@link TestServer.points}. Every given criterion must hold. */
export interface PointFilter {
  /** Only points of this measurement. */
  measurement?: string
  /** Each listed tag must have exactly this value. */
  tags?: Record<string, string>
  /** Inclusive lower bound, nanoseconds. */
  start?: bigint
  /** Inclusive upper bound, nanoseconds. */
  stop?: bigint
}

/** What a write did: the points the storage dropped and the first reason. */
export interface StoreOutcome {
  written: number
  /** Points dropped for what they hold; points outside the retention period are counted in `expired`. */
  dropped: number
  /** The first reason for a partial write; undefined when nothing needs reporting. */
  reason?: string
  /** Points older than the retention period allows; absent when there were none. */
  expired?: { count: number; reason: string }
}

/** The bucket's retention period and the time of the write, both needed to judge a point's age. */
export interface RetentionCheck {
  seconds: number
  /** Nanoseconds since the epoch. */
  now: bigint
}

/** Decides what a delete removes: whole series, or single fields of a series. */
export interface DeleteMatcher {
  /** True when the predicate names `_field`, so the decision is per field. */
  readonly perField: boolean
  matches(measurement: string, tags: ReadonlyMap<string, string>, field: string): boolean
}

const TIME_FIELD = 'time'
/** tsdb.MaxFieldValueLength: the longest string field value InfluxDB stores, in bytes. */
export const MAX_FIELD_VALUE_LENGTH = 1048576

/** The points of one bucket. */
export class BucketStorage {
  readonly #series = new Map<string, Series>()
  readonly #fieldTypes = new Map<string, Map<string, ParsedFieldType>>()

  /** Stores the points that agree with the known field types; reports the rest as InfluxDB does. */
  write(points: readonly ParsedPoint[], retention?: RetentionCheck): StoreOutcome {
    let written = 0
    let dropped = 0
    let reason: string | undefined
    const expiry = retention === undefined ? undefined : new RetentionFilter(retention.seconds, retention.now)
    for (const point of points) {
      // InfluxDB drops these while mapping points to shards, before any field is looked at.
      if (expiry?.expires(point)) continue
      let fields = point.fields
      // Only escapes can produce a line whose fields all lack a value; InfluxDB stores nothing for it.
      if (fields.length === 0) continue
      if (fields.some((f) => f.key === TIME_FIELD)) {
        fields = fields.filter((f) => f.key !== TIME_FIELD)
        const invalid = `invalid field name: input field "${TIME_FIELD}" on measurement "${point.measurement}" is invalid`
        if (fields.length === 0) {
          dropped++
          reason ??= invalid
          continue
        }
        reason ??= `${invalid}. Field "${TIME_FIELD}" has been stripped from point.`
      }
      let types = this.#fieldTypes.get(point.measurement)
      const rejection = findRejection(types, fields, point.measurement)
      if (rejection !== undefined) {
        dropped++
        reason ??= rejection
        continue
      }
      if (types === undefined) {
        types = new Map()
        this.#fieldTypes.set(point.measurement, types)
      }
      for (const field of fields) if (!types.has(field.key)) types.set(field.key, field.type)
      let series = this.#series.get(point.seriesKey)
      if (series === undefined) {
        series = new Series(point.measurement, point.tags, point.seriesKey)
        this.#series.set(point.seriesKey, series)
      }
      series.append(point.time, fields)
      written++
    }
    const outcome: StoreOutcome = reason === undefined ? { written, dropped } : { written, dropped, reason }
    if (expiry !== undefined && expiry.count > 0) outcome.expired = { count: expiry.count, reason: expiry.reason() }
    return outcome
  }

  /** The stored points, sorted by measurement, then tag set, then time. */
  points(filter: PointFilter = {}): StoredPoint[] {
    const out: StoredPoint[] = []
    for (const series of this.#sortedSeries()) {
      if (!seriesMatches(series, filter)) continue
      const tags = Object.fromEntries(series.tags)
      const types = Object.fromEntries(series.fieldTypes())
      for (const row of series.orderedRows()) {
        if (filter.start !== undefined && row.time < filter.start) continue
        if (filter.stop !== undefined && row.time > filter.stop) continue
        const fieldTypes: Record<string, ParsedFieldType> = {}
        for (const key of row.fields.keys()) setOwn(fieldTypes, key, ownValue(types, key)!)
        out.push({
          measurement: series.measurement,
          tags: { ...tags },
          fields: Object.fromEntries(row.fields),
          fieldTypes,
          time: row.time,
        })
      }
    }
    return out
  }

  /** The number of stored points that `filter` selects (duplicates merged), without building them. */
  count(filter: PointFilter = {}): number {
    let total = 0
    for (const series of this.#series.values()) {
      if (!seriesMatches(series, filter)) continue
      series.normalize()
      total +=
        filter.start === undefined && filter.stop === undefined
          ? series.rowCount
          : series.countBetween(filter.start, filter.stop)
    }
    return total
  }

  /** Removes the points with `start <= time <= stop` that `matcher` selects. */
  delete(start: bigint, stop: bigint, matcher: DeleteMatcher): void {
    for (const [key, series] of this.#series) {
      const tags = new Map(series.tags)
      const doomed = [...series.fieldTypes().keys()].filter((field) => matcher.matches(series.measurement, tags, field))
      if (doomed.length > 0 && !series.deleteFields(start, stop, new Set(doomed))) this.#series.delete(key)
    }
  }

  /** Forgets every point and field type. */
  clear(): void {
    this.#series.clear()
    this.#fieldTypes.clear()
  }

  #sortedSeries(): Series[] {
    return [...this.#series.values()].sort((a, b) =>
      a.measurement < b.measurement
        ? -1
        : a.measurement > b.measurement
          ? 1
          : a.key < b.key
            ? -1
            : a.key > b.key
              ? 1
              : 0,
    )
  }
}

function seriesMatches(series: Series, filter: PointFilter): boolean {
  if (filter.measurement !== undefined && series.measurement !== filter.measurement) return false
  if (filter.tags === undefined) return true
  return Object.entries(filter.tags).every(([k, v]) => series.tags.some(([key, value]) => key === k && value === v))
}

// tsdb.ValidateFields: field by field, the length of a string before the type, and the first
// problem decides the point's fate and its message.
function findRejection(
  types: ReadonlyMap<string, ParsedFieldType> | undefined,
  fields: ParsedPoint['fields'],
  measurement: string,
): string | undefined {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]
    if (field.type === 'string') {
      const length = utf8LengthIfTooLong(field.value as string)
      if (length !== undefined) {
        return `input field "${field.key}" on measurement "${measurement}" is too long, ${length} > ${MAX_FIELD_VALUE_LENGTH}`
      }
    }
    let existing = types?.get(field.key)
    // A new field named twice in one line must not change type within the line either.
    for (let j = 0; existing === undefined && j < i; j++) if (fields[j].key === field.key) existing = fields[j].type
    if (existing !== undefined && existing !== field.type) {
      return `field type conflict: input field "${field.key}" on measurement "${measurement}" is type ${field.type}, already exists as type ${existing}`
    }
  }
  return undefined
}

// A UTF-16 code unit takes one to three UTF-8 bytes, so short strings need no byte count.
function utf8LengthIfTooLong(value: string): number | undefined {
  if (value.length * 3 <= MAX_FIELD_VALUE_LENGTH) return undefined
  const length = Buffer.byteLength(value, 'utf8')
  return length > MAX_FIELD_VALUE_LENGTH ? length : undefined
}
