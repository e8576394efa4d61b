/**
 * Turns CSV records into columnar tables (`{ column: values[] }`), the table record kind that
 * `write()` reads with the `dataFrame*` options.
 *
 * Typing rules (documented in the CLI help):
 * - tag columns are strings; an empty cell leaves the tag out;
 * - the timestamp column holds integers in the write precision, or date-time text that is passed
 *   on as is (naive text is read in `--timezone`); the first non-empty cell decides which. Every
 *   row needs one when the column is given (the table writer refuses a row without);
 * - a column pinned with `--field-types` is converted to that type;
 * - any other column takes its type from its first non-empty cell (`true`/`false` → boolean, a decimal
 *   number → float, anything else → string) and keeps it for the whole input. A later cell that does
 *   not fit refuses its row, so a column never changes type half-way (which a server would refuse as
 *   a field type conflict);
 * - an empty cell is a missing value: the field is left out of that row.
 *
 * A refused row is reported with its line and reason and never reaches the table, so the table
 * itself cannot fail to serialise: each cell is checked here with the same functions the table
 * writer uses (timestamp text and range, the time zone's skipped hours, tag escaping), because a
 * cell that failed there would stop the whole write instead of its row.
 */
import { escapeFieldKey, escapeKey } from '../../line-protocol/escape.js'
import type { WritePrecision } from '../../line-protocol/precision.js'
import { nanosToTimestamp } from '../../line-protocol/time.js'
import { parseTimestampText } from '../../records/tables/timestamp-text.js'
import { TimeZoneOffsets } from '../../records/tables/time-zone.js'
import { setOwn } from '../../own-keys.js'
import {
  ValueError,
  isIntegerText,
  parseBoolText,
  parseFloatText,
  parseIntText,
  isDecimalText,
  type FieldValueType,
} from './values.js'
import type { CsvRecord } from './csv-parser.js'
import { checkTimeUnits } from './ndjson.js'

/** How the CSV columns map to a point. */
export interface CsvTableOptions {
  tagColumns: readonly string[]
  timestampColumn?: string
  fieldTypes: ReadonlyMap<string, FieldValueType>
  /** IANA zone of naive timestamp text (default UTC). */
  timezone?: string
  /**
   * Unit of integer timestamps, for their range check. Without it only what no precision
   * accepts is refused here; the rest is left to the write.
   */
  precision?: WritePrecision
}

/** A row that was refused, with the CSV text it came from. */
export interface RejectedRow {
  line: number
  text: string
  reason: string
}

type Cell = string | number | bigint | boolean | null
type TimeKind = 'integer' | 'text'

/** Names that line protocol or the server reserve for a tag or field key. */
const RESERVED_KEYS = new Set(['time', '_field', '_measurement'])

/** A CSV header that cannot be used; the message says why. */
export class CsvHeaderError extends Error {
  override name = 'CsvHeaderError'
}

export class CsvTableBuilder {
  readonly header: readonly string[]
  readonly #options: CsvTableOptions
  readonly #fieldColumns: readonly number[]
  /** `isField[i]`: column i is a field (not a tag, not the timestamp). */
  readonly #isField: readonly boolean[]
  readonly #unpinnedFieldCount: number
  readonly #tagIndexes: ReadonlySet<number>
  readonly #timeIndex: number
  /** Types of the unpinned field columns, settled by their first non-empty cell. */
  readonly #inferred = new Map<number, FieldValueType>()
  #timeKind: TimeKind | undefined
  /** The kind of the time cell of the row being added; it settles `timeKind` once the row is kept. */
  #rowTimeKind: TimeKind | undefined
  readonly #zone: TimeZoneOffsets | undefined
  #columns: Cell[][]
  /** The CSV line of each row in `columns`, to name it if the write refuses it after all. */
  #lines: number[] = []
  #rowCount = 0

  constructor(header: readonly string[], options: CsvTableOptions) {
    checkHeader(header, options)
    this.header = header
    this.#options = options
    this.#tagIndexes = new Set(options.tagColumns.map((name) => header.indexOf(name)))
    this.#timeIndex = options.timestampColumn === undefined ? -1 : header.indexOf(options.timestampColumn)
    this.#fieldColumns = header.map((_, i) => i).filter((i) => !this.#tagIndexes.has(i) && i !== this.#timeIndex)
    this.#isField = header.map((_, i) => this.#fieldColumns.includes(i))
    this.#unpinnedFieldCount = this.#fieldColumns.filter((i) => !options.fieldTypes.has(header[i])).length
    this.#columns = header.map(() => [])
    const zone = options.timezone === undefined ? undefined : new TimeZoneOffsets(options.timezone)
    this.#zone = zone?.isUtc === true ? undefined : zone
  }

  /** Rows held in the table being built. */
  get rows(): number {
    return this.#rowCount
  }

  /** Adds one record; returns the reason when the row is refused (the table is left unchanged). */
  add(record: CsvRecord): RejectedRow | undefined {
    const { fields } = record
    if (fields.length !== this.header.length) {
      return rejectRow(record, `has ${fields.length} cell(s), the header has ${this.header.length}`)
    }
    // Cells go straight into the columns (no per-row array: this runs once per row of a large
    // file) and are taken back out if a later cell refuses the row.
    let fieldCount = 0
    this.#rowTimeKind = undefined
    for (let i = 0; i < fields.length; i++) {
      let cell: Cell
      try {
        cell = this.#convert(i, fields[i])
      } catch (error) {
        this.#dropPartialRow(i)
        if (error instanceof ValueError)
          return rejectRow(record, `column ${JSON.stringify(this.header[i])}: ${error.message}`)
        throw error
      }
      this.#columns[i].push(cell)
      if (cell !== null && this.#isField[i] === true) fieldCount++
    }
    if (fieldCount === 0) {
      this.#dropPartialRow(fields.length)
      return rejectRow(record, 'has no field value (every field cell is empty)')
    }
    if (this.#inferred.size < this.#unpinnedFieldCount) this.#settleInferredTypes()
    this.#timeKind ??= this.#rowTimeKind
    this.#lines.push(record.line)
    this.#rowCount++
    return undefined
  }

  #dropPartialRow(cellsPushed: number): void {
    for (let i = 0; i < cellsPushed; i++) this.#columns[i].pop()
  }

  /** Hands over the rows built so far as a columnar table and starts a new one. */
  take(): Record<string, Cell[]> {
    const table: Record<string, Cell[]> = {}
    this.header.forEach((name, i) => {
      setOwn(table, name, this.#columns[i])
    })
    tableLines.set(table, this.#lines)
    this.#columns = this.header.map(() => [])
    this.#lines = []
    this.#rowCount = 0
    return table
  }

  #convert(index: number, text: string): Cell {
    if (index === this.#timeIndex) {
      if (text === '')
        throw new ValueError('the timestamp is missing (every row needs one when --timestamp-column is given)')
      return this.#convertTime(text)
    }
    if (text === '') return null
    if (this.#tagIndexes.has(index)) return convertTag(text)
    const name = this.header[index]
    const pinned = this.#options.fieldTypes.get(name)
    if (pinned !== undefined) return convertTo(pinned, text)
    const settled = this.#inferred.get(index)
    if (settled === undefined) return convertTo(inferType(text), text)
    try {
      return convertTo(settled, text)
    } catch (error) {
      if (error instanceof ValueError) {
        throw new ValueError(
          `${error.message}; the column's first value made it ${settled} (pin it with --field-types ${name}=string)`,
        )
      }
      throw error
    }
  }

  #convertTime(text: string): bigint | string {
    const kind: TimeKind = isIntegerText(text) ? 'integer' : 'text'
    if (this.#timeKind !== undefined && kind !== this.#timeKind) {
      throw new ValueError(
        `${JSON.stringify(text)} is ${kind === 'integer' ? 'an integer' : 'text'}, but earlier timestamps were ${this.#timeKind === 'integer' ? 'integers' : 'date-time text'}`,
      )
    }
    try {
      if (kind === 'integer') {
        const units = BigInt(text)
        checkTimeUnits(units, this.#options.precision)
        this.#rowTimeKind = kind
        return units
      }
      // Text is passed on as it is and read again by the table writer: these are its own checks.
      const parsed = parseTimestampText(text)
      const nanos = parsed.naive && this.#zone !== undefined ? this.#wallClockToUtc(parsed.nanos, text) : parsed.nanos
      nanosToTimestamp(nanos, 'ns')
    } catch (error) {
      if (error instanceof RangeError || error instanceof ValueError)
        throw new ValueError(error.message.replace(/^time: /, ''))
      throw error
    }
    this.#rowTimeKind = kind
    return text
  }

  #wallClockToUtc(wallNanos: bigint, text: string): bigint {
    const zone = this.#zone as TimeZoneOffsets
    let wallMs = wallNanos / NANOS_PER_MS
    if (wallNanos % NANOS_PER_MS < 0n) wallMs -= 1n
    const utcMs = zone.toUtc(Number(wallMs))
    if (utcMs === undefined)
      throw new ValueError(`${text} does not exist in ${zone.zone}: the clocks skipped it (daylight-saving change)`)
    return wallNanos - (wallMs - BigInt(utcMs)) * NANOS_PER_MS
  }

  /** Fixes the type of each unpinned field column from its first non-empty cell (the row just added). */
  #settleInferredTypes(): void {
    for (const i of this.#fieldColumns) {
      const cell = this.#columns[i].at(-1)
      if (cell === null || cell === undefined || this.#inferred.has(i) || this.#options.fieldTypes.has(this.header[i]))
        continue
      this.#inferred.set(i, typeof cell === 'boolean' ? 'bool' : typeof cell === 'number' ? 'float' : 'string')
    }
  }
}

const NANOS_PER_MS = 1_000_000n

/** CSV line of each row of the tables handed out by `take()`; weak, so a written table is not kept. */
const tableLines = new WeakMap<object, readonly number[]>()

/**
 * Where row `row` of a table from {@link CsvTableBuilder.take} came from: its CSV line, and the
 * row rendered back to CSV (from the converted cells, so `1.50` comes back as `1.5`).
 * `undefined` for any other object.
 */
export function csvTableRow(table: object, row: number): { line: number; text: string } | undefined {
  const line = tableLines.get(table)?.[row]
  if (line === undefined) return undefined
  const cells = Object.values(table as Record<string, Cell[]>).map((column) => {
    const cell = column[row]
    return cell === null || cell === undefined ? '' : String(cell)
  })
  return { line, text: formatCsvRow(cells) }
}

/** The rows of a table from {@link CsvTableBuilder.take} after row `row`; `undefined` for any other object. */
export function csvTableRowsAfter(table: object, row: number): Record<string, Cell[]> | undefined {
  const lines = tableLines.get(table)
  if (lines === undefined) return undefined
  const rest: Record<string, Cell[]> = {}
  for (const [name, column] of Object.entries(table as Record<string, Cell[]>))
    setOwn(rest, name, column.slice(row + 1))
  tableLines.set(rest, lines.slice(row + 1))
  return rest
}

function convertTag(text: string): string {
  try {
    escapeKey(text)
  } catch (error) {
    throw new ValueError((error as Error).message)
  }
  return text
}

function rejectRow(record: CsvRecord, reason: string): RejectedRow {
  return { line: record.line, text: formatCsvRow(record.fields), reason }
}

function inferType(text: string): FieldValueType {
  if (parseBoolText(text) !== undefined) return 'bool'
  if (isDecimalText(text)) return 'float'
  return 'string'
}

function convertTo(type: FieldValueType, text: string): Cell {
  switch (type) {
    case 'float':
      return parseFloatText(text)
    case 'int':
    case 'uint':
      return parseIntText(text, type)
    case 'bool': {
      const value = parseBoolText(text)
      if (value === undefined) throw new ValueError(`${JSON.stringify(text)} is not true or false`)
      return value
    }
    case 'string':
      return text
  }
}

function checkHeader(header: readonly string[], options: CsvTableOptions): void {
  const seen = new Set<string>()
  header.forEach((name, i) => {
    if (name === '') throw new CsvHeaderError(`header column ${i + 1} has no name`)
    if (seen.has(name)) throw new CsvHeaderError(`header names column ${JSON.stringify(name)} twice`)
    seen.add(name)
  })
  const need = (name: string, flag: string): void => {
    if (!seen.has(name))
      throw new CsvHeaderError(
        `${flag} names ${JSON.stringify(name)}, which is not a column of the header (${header.join(', ')})`,
      )
  }
  for (const tag of options.tagColumns) need(tag, '--tag-columns')
  if (options.timestampColumn !== undefined) need(options.timestampColumn, '--timestamp-column')
  for (const name of options.fieldTypes.keys()) need(name, '--field-types')
  for (const name of header) {
    if (name === options.timestampColumn) continue
    if (RESERVED_KEYS.has(name))
      throw new CsvHeaderError(
        `column ${JSON.stringify(name)} is a reserved key name; use it as --timestamp-column or rename it`,
      )
    try {
      if (options.tagColumns.includes(name)) escapeKey(name)
      else escapeFieldKey(name)
    } catch (error) {
      throw new CsvHeaderError(
        `column ${JSON.stringify(name)} cannot be a ${options.tagColumns.includes(name) ? 'tag' : 'field'} key: ${(error as Error).message}`,
      )
    }
  }
  const fields = header.filter((name) => name !== options.timestampColumn && !options.tagColumns.includes(name))
  if (fields.length === 0)
    throw new CsvHeaderError('the header has no field column (every column is a tag or the timestamp)')
}

/** Renders cells back to one CSV line, quoting where RFC 4180 requires it. */
export function formatCsvRow(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')
}
