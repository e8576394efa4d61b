/**
 * Annotated CSV as `influx write` reads it (the csv2lp rules of the `influx` CLI), turned into
 * line protocol one row at a time.
 *
 * Annotation rows start with `#` in their first cell:
 * - `#datatype`: per column, `measurement`, `tag`, `field`, `ignored` (or `ignore`), `dateTime`
 *   (alias `time`) with an optional `:number`, `:RFC3339`, `:RFC3339Nano` or Go-layout format, and
 *   the field types `double`, `long`, `unsignedLong`, `boolean`, `string`, `duration`. A type may
 *   carry a format after `:` (for numbers: the fraction separator, then characters to drop; for
 *   booleans: `true,values:false,values`) and a default after `|`.
 * - `#default`: per column, the value of an empty cell.
 * - `#constant type,label,value` (or `#constant measurement,value`, `#constant dateTime,value`):
 *   a virtual column with the same value in every row.
 * - `#timezone`: `+hhmm`/`-hhmm`, an IANA name or `Local`, for dateTime text without a zone.
 * - `#group`: a `true` column is a tag (Flux query results).
 * - a row starting with `# ` is a comment.
 * The header row names the columns; a header cell `label|type` types its column without a
 * `#datatype` row. Flux results (`_measurement`, `_field`, `_value`, `_time` columns) are read as
 * the points they describe. Repeating a column annotation after data rows starts a new table.
 *
 * Where csv2lp would truncate a long with a fraction or keep an unusable value, the row is refused
 * with its reason instead, so that nothing is written that the file did not say.
 */
import { escapeFieldKey, escapeKey, escapeMeasurement, escapeStringValue } from '../../line-protocol/escape.js'
import type { WritePrecision } from '../../line-protocol/precision.js'
import { checkBigintUnits, nanosToTimestamp, parseIsoToNanos } from '../../line-protocol/time.js'
import { formatFloat } from '../../line-protocol/values.js'
import { TimeZoneOffsets } from '../../records/tables/time-zone.js'
import { compileGoLayout, parseGoTime } from './go-time-layout.js'
import { ValueError } from './values.js'

type LinePart = 'ignored' | 'measurement' | 'tag' | 'field' | 'time' | undefined

interface Column {
  label: string
  dataType: string
  dataFormat: string
  linePart: LinePart
  defaultValue: string
  /** Cell index; -1 for a `#constant` column. */
  index: number
}

/** An annotation the reader does not know; the message names it. */
export class AnnotationError extends Error {
  override name = 'AnnotationError'
}

const FIELD_TYPES = new Set(['', 'string', 'double', 'long', 'unsignedLong', 'boolean', 'duration'])
const INT64_MAX = 2n ** 63n - 1n
const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

/** Whether a CSV row is an annotation (or comment) row: its first cell starts with `#`. */
export function isAnnotationRow(cells: readonly string[]): boolean {
  return cells[0]?.startsWith('#') === true
}

/** Whether a header row types its columns itself (`m|measurement,usage|double`). */
export function isTypedHeader(cells: readonly string[]): boolean {
  return cells.some((cell) =>
    /\|(measurement|tag|field|ignored?|dateTime|time|double|long|unsignedLong|boolean|string|duration)\b/.test(cell),
  )
}

/** Which column is what in a line of one table. */
interface LineColumns {
  measurement: Column | undefined
  time: Column | undefined
  fieldName: Column | undefined
  fieldValue: Column | undefined
  tags: Column[]
  fields: Column[]
}

/** Reads one annotated CSV input, row by row. */
export class AnnotatedCsvReader {
  #columns: Column[] = []
  #extraColumns: Column[] = []
  #seenAnnotations = new Set<string>()
  #readingData = false
  #zone: TimeZoneOffsets | undefined
  #lineColumns: LineColumns | undefined

  readonly #precision: WritePrecision

  constructor(precision: WritePrecision) {
    this.#precision = precision
  }

  /**
   * Adds one row: an annotation, the header or data. Returns the line protocol of a data row,
   * `undefined` for the others; throws `ValueError` for a data row that cannot be written and
   * `AnnotationError` for an annotation that cannot be read.
   */
  add(cells: readonly string[]): string | undefined {
    if (isAnnotationRow(cells)) {
      this.#annotation(cells)
      return undefined
    }
    if (!this.#readingData) {
      this.#header(cells)
      return undefined
    }
    return this.#line(cells)
  }

  #annotation(cells: readonly string[]): void {
    const first = cells[0]
    const lower = first.toLowerCase()
    const name = /^#[a-z]+/.exec(lower)?.[0] ?? ''
    if (first.length > name.length && first[name.length] !== ' ') {
      if (first.startsWith('# ')) return
      throw new AnnotationError(`unsupported annotation ${JSON.stringify(first.trim())}`)
    }
    this.#lineColumns = undefined
    switch (name) {
      case '#constant':
        this.#extraColumns.push(constantColumn(cells))
        return
      case '#timezone': {
        const value = withoutAnnotationName(first) || (cells[1] ?? '')
        this.#zone = parseTimeZone(value)
        return
      }
      case '#group':
      case '#datatype':
      case '#default':
        break
      default:
        if (first === '#' || first.startsWith('# ')) return
        throw new AnnotationError(
          `unsupported annotation ${JSON.stringify(first.trim())} (supported: #datatype, #default, #constant, #timezone, #group)`,
        )
    }
    if (this.#readingData) {
      // A column annotation after data rows starts the next table (Flux results hold several).
      this.#readingData = false
      this.#columns = []
      this.#extraColumns = []
      this.#seenAnnotations.clear()
    }
    if (this.#seenAnnotations.size === 0 || this.#seenAnnotations.has(name)) {
      this.#seenAnnotations.clear()
      this.#columns = cells.map((_, index) => newColumn(index))
    }
    this.#seenAnnotations.add(name)
    for (const column of this.#columns) {
      const raw = cells[column.index]
      if (raw === undefined) continue
      const value = column.index === 0 ? withoutAnnotationName(raw) : raw
      if (name === '#group') {
        if (value.endsWith('true') && column.linePart === undefined) column.linePart = 'tag'
      } else if (name === '#datatype') {
        setupDataType(column, value)
      } else {
        column.defaultValue = value
      }
    }
  }

  #header(cells: readonly string[]): void {
    if (this.#seenAnnotations.size === 0) this.#columns = cells.map((_, index) => newColumn(index))
    for (const column of this.#columns) {
      if (column.label !== '' || column.index >= cells.length) continue
      let label = cells[column.index]
      const pipe = label.indexOf('|')
      if (column.dataType === '' && column.linePart === undefined && pipe !== -1) {
        setupDataType(column, label.slice(pipe + 1))
        label = label.slice(0, pipe)
      }
      column.label = label
    }
    this.#readingData = true
    this.#lineColumns = undefined
  }

  /** Which column is what in the line, computed once per table. */
  #layout(): LineColumns {
    if (this.#lineColumns !== undefined) return this.#lineColumns
    const all = [...this.#columns, ...this.#extraColumns]
    const fieldsByDefault = !all.some((c) => c.label === '_field')
    const result: LineColumns = {
      measurement: undefined,
      time: undefined,
      fieldName: undefined,
      fieldValue: undefined,
      tags: [],
      fields: [],
    }
    const tags = new Map<string, Column>()
    for (const column of all) {
      if (column.label === '_measurement' || column.linePart === 'measurement') result.measurement = column
      else if (column.label === '_time' || column.linePart === 'time') {
        // `_start` and `_stop` of a Flux result give way to `_time`; otherwise one time column is all a line has.
        if (
          result.time !== undefined &&
          result.time.label !== '_start' &&
          result.time.label !== '_stop' &&
          result.time.index !== column.index
        ) {
          throw new AnnotationError(
            `columns ${JSON.stringify(result.time.label)} and ${JSON.stringify(column.label)} are both dateTime; a line has one time`,
          )
        }
        result.time = column
      } else if (column.label.trim() === '' || column.linePart === 'ignored') continue
      else if (column.label === '_field') result.fieldName = column
      else if (column.label === '_value') result.fieldValue = column
      else if (column.linePart === 'tag') tags.set(column.label, column)
      else if (column.linePart === 'field' || fieldsByDefault) result.fields.push(column)
    }
    for (const column of [...result.fields, ...(result.fieldValue === undefined ? [] : [result.fieldValue])]) {
      if (!FIELD_TYPES.has(column.dataType))
        throw new AnnotationError(
          `column ${JSON.stringify(column.label)}: data type ${JSON.stringify(column.dataType)} is not supported`,
        )
    }
    result.tags = [...tags.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
    this.#lineColumns = result
    return result
  }

  #line(cells: readonly string[]): string {
    const columns = this.#layout()
    if (columns.measurement === undefined)
      throw new ValueError(
        'no measurement column (annotate one with #datatype measurement or #constant measurement,<name>)',
      )
    const measurement = valueOf(columns.measurement, cells)
    if (measurement === '') throw new ValueError(`column ${JSON.stringify(columns.measurement.label)}: no measurement`)
    let line = inColumn(columns.measurement, () => escapeMeasurement(measurement))
    for (const tag of columns.tags) {
      const value = valueOf(tag, cells)
      if (value !== '') line += `,${inColumn(tag, () => `${escapeKey(tag.label)}=${escapeKey(value)}`)}`
    }
    const fields: string[] = []
    if (columns.fieldName !== undefined && columns.fieldValue !== undefined) {
      const name = valueOf(columns.fieldName, cells)
      const value = valueOf(columns.fieldValue, cells)
      if (name !== '' && value !== '')
        fields.push(
          inColumn(
            columns.fieldValue,
            () => `${escapeFieldKey(name)}=${fieldValue(value, columns.fieldValue as Column)}`,
          ),
        )
    }
    for (const field of columns.fields) {
      const value = valueOf(field, cells)
      if (value !== '') fields.push(inColumn(field, () => `${escapeFieldKey(field.label)}=${fieldValue(value, field)}`))
    }
    if (fields.length === 0) throw new ValueError('no field value')
    line += ` ${fields.join(',')}`
    if (columns.time !== undefined) {
      const text = valueOf(columns.time, cells)
      if (text !== '') line += ` ${inColumn(columns.time, () => this.#timestamp(text, columns.time as Column))}`
    }
    return line
  }

  /**
   * A dateTime cell as a timestamp in the write precision. A number is taken in that precision's
   * units (nanoseconds by default, as csv2lp reads it), as every integer time of this command is.
   */
  #timestamp(text: string, column: Column): string {
    const integer = /^[+-]?\d+$/.test(text)
    if (column.dataFormat === 'number' || (column.dataFormat === '' && integer)) {
      if (!integer) throw new ValueError(`${JSON.stringify(text)} is not an integer timestamp`)
      const units = BigInt(text)
      checkBigintUnits(units, this.#precision)
      return String(units)
    }
    return nanosToTimestamp(this.#timeNanos(text, column), this.#precision)
  }

  /** A dateTime cell given as text, in nanoseconds since the epoch. */
  #timeNanos(text: string, column: Column): bigint {
    switch (column.dataFormat) {
      case '':
      case 'RFC3339':
      case 'RFC3339Nano':
        return rfc3339(text)
      default: {
        const layout = compileGoLayout(column.dataFormat)
        const { wallNanos, offsetMinutes } = parseGoTime(text, layout)
        if (offsetMinutes !== undefined) return wallNanos - BigInt(offsetMinutes) * 60_000_000_000n
        return this.#zone === undefined ? wallNanos : wallToUtc(wallNanos, this.#zone, text)
      }
    }
  }
}

function rfc3339(text: string): bigint {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(text))
    throw new ValueError(`${JSON.stringify(text)} is not an RFC 3339 date-time (2020-01-01T00:00:00Z)`)
  try {
    return parseIsoToNanos(text)
  } catch (error) {
    if (error instanceof RangeError) throw new ValueError(error.message)
    throw error
  }
}

function wallToUtc(wallNanos: bigint, zone: TimeZoneOffsets, text: string): bigint {
  let wallMs = wallNanos / 1_000_000n
  if (wallNanos % 1_000_000n < 0n) wallMs -= 1n
  const utcMs = zone.toUtc(Number(wallMs))
  if (utcMs === undefined)
    throw new ValueError(`${text} does not exist in ${zone.zone}: the clocks skipped it (daylight-saving change)`)
  return wallNanos - (wallMs - BigInt(utcMs)) * 1_000_000n
}

function newColumn(index: number): Column {
  return { label: '', dataType: '', dataFormat: '', linePart: undefined, defaultValue: '', index }
}

/** The cell, or the column's default when the cell is empty or missing. */
function valueOf(column: Column, cells: readonly string[]): string {
  const cell = column.index < 0 ? '' : (cells[column.index] ?? '')
  return cell === '' ? column.defaultValue : cell
}

/** Runs `build`, naming the column in any error. */
function inColumn(column: Column, build: () => string): string {
  try {
    return build()
  } catch (error) {
    if (error instanceof ValueError || error instanceof TypeError || error instanceof RangeError) {
      throw new ValueError(`column ${JSON.stringify(column.label)}: ${error.message}`)
    }
    throw error
  }
}

/** `#datatype` text: `type`, `type:format`, `type|default` or `type:format|default`. */
function setupDataType(column: Column, text: string): void {
  let value = withoutAnnotationName(text)
  const pipe = value.indexOf('|')
  if (pipe > 1 && column.defaultValue === '') {
    column.defaultValue = value.slice(pipe + 1)
    value = value.slice(0, pipe)
  }
  const colon = value.indexOf(':')
  if (colon > 1) {
    column.dataFormat = value.slice(colon + 1)
    value = value.slice(0, colon)
  }
  if (value === 'tag') column.linePart = 'tag'
  else if (value.startsWith('ignore')) column.linePart = 'ignored'
  else if (value === 'dateTime') column.linePart = 'time'
  else if (value === 'measurement') column.linePart = 'measurement'
  else if (value === 'field') {
    column.linePart = 'field'
    value = ''
  } else if (value === 'time') {
    column.linePart = 'time'
    value = 'dateTime'
  }
  column.dataType = value
}

/** `#constant measurement,m`, `#constant dateTime,1`, `#constant tag,name,value`, also with the type in the first cell. */
function constantColumn(cells: readonly string[]): Column {
  const column = newColumn(-1)
  const first = withoutAnnotationName(cells[0])
  let typeIndex = 0
  if (first === '') {
    typeIndex = 1
    setupDataType(column, cells[1] ?? '')
  } else {
    setupDataType(column, first)
  }
  column.label = cells[typeIndex + 1] ?? ''
  column.defaultValue = cells[typeIndex + 2] ?? column.defaultValue
  if ((column.linePart === 'measurement' || column.linePart === 'time') && cells[typeIndex + 2] === undefined) {
    column.defaultValue = column.label
    column.label = `#constant ${column.dataType}`
  }
  return column
}

/** A cell's text after `#annotation ` when the cell starts with one (`#datatype measurement` → `measurement`). */
function withoutAnnotationName(text: string): string {
  if (!text.startsWith('#')) return text
  const space = text.indexOf(' ')
  return space > 0 ? text.slice(space + 1).trimStart() : ''
}

function parseTimeZone(value: string): TimeZoneOffsets | undefined {
  if (value === '' || value.toUpperCase() === 'UTC') return undefined
  if (value.toLowerCase() === 'local') return new TimeZoneOffsets(new Intl.DateTimeFormat().resolvedOptions().timeZone)
  if (/^[+-]/.test(value)) {
    if (!/^[+-]\d{4}$/.test(value))
      throw new AnnotationError(`#timezone ${JSON.stringify(value)} is not +hhmm or -hhmm`)
    return new TimeZoneOffsets(`${value.slice(0, 3)}:${value.slice(3)}`)
  }
  try {
    return new TimeZoneOffsets(value)
  } catch {
    throw new AnnotationError(
      `#timezone ${JSON.stringify(value)} is not a time zone (+hhmm, -hhmm, an IANA name or Local)`,
    )
  }
}

/** A field cell in line protocol, by the column's data type. */
function fieldValue(text: string, column: Column): string {
  switch (column.dataType) {
    case '':
      // An untyped field is passed on as written, as csv2lp does: the server reads it.
      return text
    case 'string':
      return escapeStringValue(text)
    case 'double': {
      const normalized = normalizeNumber(text, column.dataFormat)
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(normalized))
        throw new ValueError(`${JSON.stringify(text)} is not a double`)
      const value = Number(normalized)
      if (!Number.isFinite(value)) throw new ValueError(`${JSON.stringify(text)} is out of the float64 range`)
      return formatFloat(value)
    }
    case 'long':
    case 'unsignedLong': {
      const normalized = normalizeNumber(text, column.dataFormat)
      if (normalized.includes('.'))
        throw new ValueError(`${JSON.stringify(text)} has a fraction; ${column.dataType} is an integer type`)
      if (!/^[+-]?\d+$/.test(normalized)) throw new ValueError(`${JSON.stringify(text)} is not an integer`)
      const value = BigInt(normalized)
      if (column.dataType === 'long' && (value < INT64_MIN || value > INT64_MAX))
        throw new ValueError(`${text} is out of the int64 range`)
      if (column.dataType === 'unsignedLong' && (value < 0n || value > UINT64_MAX))
        throw new ValueError(`${text} is out of the uint64 range`)
      return `${value}${column.dataType === 'long' ? 'i' : 'u'}`
    }
    case 'boolean':
      return String(parseBoolean(text, column.dataFormat))
    case 'duration':
      return `${parseDuration(text)}i`
    default:
      throw new ValueError(`data type ${JSON.stringify(column.dataType)} is not supported`)
  }
}

/**
 * A number in a locale's notation: the format's first character is the fraction separator and
 * the others are dropped (grouping); an empty format drops spaces and underscores, `.` separating
 * the fraction.
 */
function normalizeNumber(text: string, format: string): string {
  const [fraction, ...ignored] = [...(format === '' ? '. \n\t\r_' : format)]
  let out = ''
  for (const c of text) {
    if (ignored.includes(c)) continue
    out += c === fraction ? '.' : c
  }
  return out
}

/** A boolean: by default the first letter (t, y, 1 / f, n, 0); with a `true,…:false,…` format, those values. */
function parseBoolean(text: string, format: string): boolean {
  if (format === '') {
    const first = text[0] ?? ''
    if ('tTyY1'.includes(first) && first !== '') return true
    if ('fFnN0'.includes(first) && first !== '') return false
    throw new ValueError(`${JSON.stringify(text)} is not a boolean (the first character must be t, f, y, n, 1 or 0)`)
  }
  const colon = format.indexOf(':')
  if (colon === -1) throw new ValueError(`boolean format ${JSON.stringify(format)} is not true,values:false,values`)
  const truthy = format.slice(0, colon) === '' ? [] : format.slice(0, colon).split(',')
  const falsy = format.slice(colon + 1) === '' ? [] : format.slice(colon + 1).split(',')
  if (falsy.includes(text)) return false
  if (truthy.includes(text)) return true
  if (falsy.length === 0) return false
  if (truthy.length === 0) return true
  throw new ValueError(`${JSON.stringify(text)} is none of ${truthy.join(', ')} (true) or ${falsy.join(', ')} (false)`)
}

const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}

/** A Go duration (`1h30m`, `1.5s`, `2us`) in nanoseconds. */
function parseDuration(text: string): bigint {
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text)
  if (match === null && text !== '0')
    throw new ValueError(`${JSON.stringify(text)} is not a duration (e.g. 1h30m, 1.5s, 250ms)`)
  let total = 0n
  for (const [, whole, part = '', unit] of text.matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g)) {
    const scale = DURATION_UNITS[unit]
    total += BigInt(whole || '0') * scale
    if (part !== '') total += (BigInt(part) * scale) / 10n ** BigInt(part.length)
  }
  return match?.[1] === '-' ? -total : total
}
