/**
 * The `Point` of `@influxdata/influxdb-client`: the same builder methods, the same line
 * protocol, except where the official one writes something other than what it was given. Those
 * calls throw {@link IllegalArgumentError} here instead (listed in docs/migrating.md).
 */
import {
  escapeFieldKey,
  escapeMeasurement,
  escapeStringValue,
  escapeTagKey,
  escapeKey,
} from '../line-protocol/escape.js'
import { IllegalArgumentError } from './errors.js'

/** A point's time as the official client takes it: a `Date`, a number or digit string in the write precision's units, or `undefined` for "now". */
export type PointTime = Date | number | string | bigint | undefined

/** How {@link Point.toLineProtocol} adds default tags and converts the time; a `WriteApi` is one. */
export interface PointSettings {
  /** Tags added to every point that does not set the same key itself. */
  defaultTags?: Record<string, string>
  /** Converts a point's time into its line-protocol text; `undefined` writes no timestamp. */
  convertTime?: (value: PointTime) => string | undefined
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n
const INTEGER_TEXT = /^[+-]?\d+$/
const UNSIGNED_TEXT = /^\d+$/

/** One measurement's tags, fields and time, built with chained calls. */
export class Point {
  #name: string | undefined
  readonly #tags: Record<string, string> = Object.create(null) as Record<string, string>
  #time: PointTime
  /** Field values, already in line-protocol form (`1.5`, `3i`, `"text"`, `T`), by field name. */
  fields: Record<string, string> = Object.create(null) as Record<string, string>

  /** @param measurementName - the measurement; can also be set with {@link Point.measurement}. */
  constructor(measurementName?: string) {
    if (measurementName) this.#name = measurementName
  }

  /** Sets the measurement. */
  measurement(name: string): this {
    this.#name = name
    return this
  }

  /** Adds a tag. A tag with an empty value is left out of the line, as InfluxDB cannot store it. */
  tag(name: string, value: string): this {
    this.#tags[name] = String(value)
    return this
  }

  /** Adds a boolean field. Only `true` and `false` are taken: the official client writes any other value's truthiness (`'false'` as true). */
  booleanField(name: string, value: boolean): this {
    if (typeof value !== 'boolean') throw refused(name, value, 'booleanField takes true or false')
    this.fields[name] = value ? 'T' : 'F'
    return this
  }

  /**
   * Adds a signed 64-bit integer field from a number, a bigint or a string of digits. A value with a
   * fraction is refused: the official client truncates `3.7` to `3i`.
   */
  intField(name: string, value: number | bigint | string): this {
    const n = exactInteger(name, value, INTEGER_TEXT)
    if (n < INT64_MIN || n > INT64_MAX) throw refused(name, value, 'it is outside the signed 64-bit range')
    this.fields[name] = `${n}i`
    return this
  }

  /** Adds an unsigned 64-bit integer field from a number, a bigint or a string of digits. */
  uintField(name: string, value: number | bigint | string): this {
    const n = exactInteger(name, value, UNSIGNED_TEXT)
    if (n < 0n || n > UINT64_MAX) throw refused(name, value, 'it is outside the unsigned 64-bit range')
    this.fields[name] = `${n}u`
    return this
  }

  /** Adds a float field from a finite number or a numeric string. Text that is not wholly a number is refused: the official client reads `'12abc'` as 12. */
  floatField(name: string, value: number | string): this {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
    if (!Number.isFinite(n)) throw refused(name, value, 'floatField takes a finite number')
    this.fields[name] = String(n)
    return this
  }

  /** Adds a string field. `null` and `undefined` add nothing, as in the official client; other values are converted with `String()`. */
  stringField(name: string, value: unknown): this {
    if (value === null || value === undefined) return this
    // The official client stores any value's String() form, objects included.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    const text = typeof value === 'string' ? value : String(value)
    try {
      this.fields[name] = escapeStringValue(text)
    } catch (error) {
      throw new IllegalArgumentError(`invalid string value for field '${name}': ${(error as Error).message}`, {
        cause: error,
      })
    }
    return this
  }

  /**
   * Sets the time: a `Date`, a number or digit string in the write API's precision, a bigint, an
   * empty string for "let the server stamp it", or `undefined` for the current time when written.
   */
  timestamp(value: PointTime): this {
    this.#time = value
    return this
  }

  /**
   * The point as one line of line protocol, or `undefined` when it has no measurement or no field
   * (a `WriteApi` refuses such a point instead of skipping it). Tags and fields are sorted by key.
   * @param settings - default tags and time conversion; a `WriteApi` can be passed.
   */
  toLineProtocol(settings?: PointSettings): string | undefined {
    if (!this.#name) return undefined
    const fieldKeys = Object.keys(this.fields)
      .filter((key) => key !== '')
      .sort()
    if (fieldKeys.length === 0) return undefined
    try {
      let line = escapeMeasurement(this.#name)
      const tags: Record<string, string> = Object.assign(
        Object.create(null) as Record<string, string>,
        settings?.defaultTags,
        this.#tags,
      )
      for (const key of Object.keys(tags).sort()) {
        const value = tags[key]
        if (key !== '' && value) line += `,${escapeTagKey(key)}=${escapeKey(value)}`
      }
      line += ' '
      fieldKeys.forEach((key, i) => {
        line += `${i === 0 ? '' : ','}${escapeFieldKey(key)}=${this.fields[key]}`
      })
      const time = settings?.convertTime ? settings.convertTime(this.#time) : nanosecondTime(this.#time)
      return time === undefined ? line : `${line} ${time}`
    } catch (error) {
      if (error instanceof IllegalArgumentError) throw error
      throw new IllegalArgumentError(`point ${JSON.stringify(this.#name)}: ${(error as Error).message}`, {
        cause: error,
      })
    }
  }

  /** The line protocol, or `invalid point: …` when there is none. */
  toString(): string {
    return (
      this.toLineProtocol() ??
      `invalid point: measurement ${JSON.stringify(this.#name ?? '')}, ${Object.keys(this.fields).length} fields`
    )
  }
}

function refused(name: string, value: unknown, reason: string): IllegalArgumentError {
  return new IllegalArgumentError(`invalid value for field '${name}': ${describe(value)}: ${reason}`)
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return JSON.stringify(value)
  return String(value)
}

function exactInteger(name: string, value: unknown, text: RegExp): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw refused(name, value, 'it is not an integer (the official client would truncate it)')
    return BigInt(value)
  }
  if (typeof value === 'string' && text.test(value)) return BigInt(value)
  throw refused(name, value, 'expected an integer number, a bigint or a string of digits')
}

/** The time without a write API: nanoseconds, as the official client writes it. */
export function nanosecondTime(value: PointTime): string | undefined {
  if (value === undefined) return String(currentNanos())
  if (typeof value === 'string') return value.length > 0 ? value : undefined
  if (value instanceof Date) return `${BigInt(value.getTime()) * 1_000_000n}`
  if (typeof value === 'bigint') return String(value)
  return String(Math.floor(value))
}

/**
 * Now in nanoseconds, finer than a millisecond: two points of one series stamped in the same
 * millisecond would otherwise get the same time, and the second would overwrite the first.
 */
export function currentNanos(): bigint {
  const origin = performance.timeOrigin
  const wholeMs = Math.trunc(origin)
  return BigInt(wholeMs) * 1_000_000n + BigInt(Math.round((origin - wholeMs + performance.now()) * 1e6))
}
