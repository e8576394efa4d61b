/**
 * Turns CSV records into columnar tables (`{ column: values[] }`), the table record kind that
 * `write()` reads with the `dataFrame*` options.
 *
 * Typing rules (documented in the CLI help):
 * - tag columns are strings; an empty cell leaves the tag out;
 * - the timestamp column holds integers in the write precision, or date-time text that is passed
 *   on as is (naive text is read in `--timezone`); the first non-empty cell decides which;
 * - a column pinned with `--field-types` is converted to that type;
 * - any other column takes its type from its first non-empty cell (`true`/`false` → boolean, a decimal
 *   number → float, anything else → string) and keeps it for the whole input. A later cell that does
 *   not fit refuses its row, so a column never changes type half-way (which a server would refuse as
 *   a field type conflict);
 * - an empty cell is a missing value: the field is left out of that row.
 *
 * A refused row is reported with its line and reason and never reaches the table, so the table
 * itself cannot fail to serialise.
 */
import {
  ValueError, isIntegerText, parseBoolText, parseFloatText, parseIntText, isDecimalText, type FieldValueType,
} from './values.js'
import type { CsvRecord } from './csv-parser.js'

/** How the CSV columns map to a point. */
export interface CsvTableOptions {
  tagColumns: readonly string[]
  timestampColumn?: string
  fieldTypes: ReadonlyMap<string, FieldValueType>
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
  private readonly options: CsvTableOptions
  private readonly fieldColumns: readonly number[]
  /** `isField[i]`: column i is a field (not a tag, not the timestamp). */
  private readonly isField: readonly boolean[]
  private readonly unpinnedFieldCount: number
  private readonly tagIndexes: ReadonlySet<number>
  private readonly timeIndex: number
  /** Types of the unpinned field columns, settled by their first non-empty cell. */
  private readonly inferred = new Map<number, FieldValueType>()
  private timeKind: TimeKind | undefined
  private columns: Cell[][]
  private rowCount = 0

  constructor(header: readonly string[], options: CsvTableOptions) {
    checkHeader(header, options)
    this.header = header
    this.options = options
    this.tagIndexes = new Set(options.tagColumns.map((name) => header.indexOf(name)))
    this.timeIndex = options.timestampColumn === undefined ? -1 : header.indexOf(options.timestampColumn)
    this.fieldColumns = header.map((_, i) => i).filter((i) => !this.tagIndexes.has(i) && i !== this.timeIndex)
    this.isField = header.map((_, i) => this.fieldColumns.includes(i))
    this.unpinnedFieldCount = this.fieldColumns.filter((i) => !options.fieldTypes.has(header[i] as string)).length
    this.columns = header.map(() => [])
  }

  /** Rows held in the table being built. */
  get rows(): number {
    return this.rowCount
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
    for (let i = 0; i < fields.length; i++) {
      let cell: Cell
      try {
        cell = this.convert(i, fields[i] as string)
      } catch (error) {
        this.dropPartialRow(i)
        if (error instanceof ValueError) return rejectRow(record, `column ${JSON.stringify(this.header[i])}: ${error.message}`)
        throw error
      }
      ;(this.columns[i] as Cell[]).push(cell)
      if (cell !== null && this.isField[i] === true) fieldCount++
    }
    if (fieldCount === 0) {
      this.dropPartialRow(fields.length)
      return rejectRow(record, 'has no field value (every field cell is empty)')
    }
    if (this.inferred.size < this.unpinnedFieldCount) this.settleInferredTypes()
    this.rowCount++
    return undefined
  }

  private dropPartialRow(cellsPushed: number): void {
    for (let i = 0; i < cellsPushed; i++) (this.columns[i] as Cell[]).pop()
  }

  /** Hands over the rows built so far as a columnar table and starts a new one. */
  take(): Record<string, Cell[]> {
    const table: Record<string, Cell[]> = {}
    this.header.forEach((name, i) => {
      table[name] = this.columns[i] as Cell[]
    })
    this.columns = this.header.map(() => [])
    this.rowCount = 0
    return table
  }

  private convert(index: number, text: string): Cell {
    if (text === '') return null
    if (this.tagIndexes.has(index)) return text
    if (index === this.timeIndex) return this.convertTime(text)
    const name = this.header[index] as string
    const pinned = this.options.fieldTypes.get(name)
    if (pinned !== undefined) return convertTo(pinned, text)
    const settled = this.inferred.get(index)
    if (settled === undefined) return convertTo(inferType(text), text)
    try {
      return convertTo(settled, text)
    } catch (error) {
      if (error instanceof ValueError) {
        throw new ValueError(`${error.message}; the column's first value made it ${settled} (pin it with --field-types ${name}=string)`)
      }
      throw error
    }
  }

  private convertTime(text: string): bigint | string {
    const kind: TimeKind = isIntegerText(text) ? 'integer' : 'text'
    if (this.timeKind !== undefined && kind !== this.timeKind) {
      throw new ValueError(`${JSON.stringify(text)} is ${kind === 'integer' ? 'an integer' : 'text'}, but earlier timestamps were ${this.timeKind === 'integer' ? 'integers' : 'date-time text'}`)
    }
    this.timeKind = kind
    return kind === 'integer' ? BigInt(text) : text
  }

  /** Fixes the type of each unpinned field column from its first non-empty cell (the row just added). */
  private settleInferredTypes(): void {
    for (const i of this.fieldColumns) {
      const cell = (this.columns[i] as Cell[]).at(-1)
      if (cell === null || cell === undefined || this.inferred.has(i) || this.options.fieldTypes.has(this.header[i] as string)) continue
      this.inferred.set(i, typeof cell === 'boolean' ? 'bool' : typeof cell === 'number' ? 'float' : 'string')
    }
  }
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
    if (!seen.has(name)) throw new CsvHeaderError(`${flag} names ${JSON.stringify(name)}, which is not a column of the header (${header.join(', ')})`)
  }
  for (const tag of options.tagColumns) need(tag, '--tag-columns')
  if (options.timestampColumn !== undefined) need(options.timestampColumn, '--timestamp-column')
  for (const name of options.fieldTypes.keys()) need(name, '--field-types')
  for (const name of header) {
    if (name === options.timestampColumn || !RESERVED_KEYS.has(name)) continue
    throw new CsvHeaderError(`column ${JSON.stringify(name)} is a reserved key name; use it as --timestamp-column or rename it`)
  }
  const fields = header.filter((name) => name !== options.timestampColumn && !options.tagColumns.includes(name))
  if (fields.length === 0) throw new CsvHeaderError('the header has no field column (every column is a tag or the timestamp)')
}

/** Renders cells back to one CSV line, quoting where RFC 4180 requires it. */
export function formatCsvRow(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')
}
