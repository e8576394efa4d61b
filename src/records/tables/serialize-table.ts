/**
 * A table → line protocol: the plan of its columns, then a cursor that writes its rows as
 * bytes (`row-cursor.ts`), and its lines as strings on top of that cursor (`table-lines.ts`),
 * so that both paths share one formatting rule set and produce the same bytes.
 *
 * Everything that can be checked without reading rows (measurement name, tag and timestamp
 * columns, column types, names that cannot be escaped, the time zone) is checked when
 * {@link serializeTable} is called, before any line. Row-level problems (a bad timestamp text, an
 * integer out of range) are found when their row is reached, and name the row and column.
 */
import { RecordError, thrownReason } from '../../errors.js'
import { escapeFieldKey, escapeKey, escapeMeasurement, escapeTagKey } from '../../line-protocol/escape.js'
import type { FieldType } from '../../line-protocol/values.js'
import type { SerializeContext } from '../options.js'
import { FieldCells, type FieldFormat } from './field-cells.js'
import type { ColumnInfo, ColumnKind, TableModel } from './model.js'
import { NO_COLUMN, TableRowCursor, TIME_INDEX, type RowCursor, type TablePlan } from './row-cursor.js'
import { TableLines } from './table-lines.js'
import { TagCells } from './tag-cells.js'
import { TimeCells } from './time-cells.js'
import { TimeZoneOffsets } from './time-zone.js'
import { ownValue } from '../../own-keys.js'

const TIME_NAME = 'time'

const FIELD_KINDS: ReadonlySet<ColumnKind> = new Set(['float', 'int', 'uint', 'bool', 'string', 'null'])
const TAG_KINDS = FIELD_KINDS
const TIME_KINDS: ReadonlySet<ColumnKind> = new Set(['temporal', 'date', 'string', 'int', 'uint', 'float', 'null'])
const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set(['float', 'int', 'uint', 'null'])

/**
 * Validates `model` against `ctx` and returns a cursor over its rows. Throws `RecordError`
 * (with `path`) right away for a table that cannot be written; row errors are thrown by the
 * cursor. `onSkippedRow` is called for each row left with no field, which is not written.
 */
export function tableRows(
  model: TableModel,
  ctx: SerializeContext,
  path: readonly number[],
  onSkippedRow: () => void,
): RowCursor {
  return new TableRowCursor(model, planTable(model, ctx, path), path, onSkippedRow)
}

/** Validates like {@link tableRows}, then returns the rows' lines as strings, lazily. */
export function serializeTable(
  model: TableModel,
  ctx: SerializeContext,
  path: readonly number[],
  onSkippedRow: () => void,
): Iterable<string> {
  return new TableLines(tableRows(model, ctx, path, onSkippedRow))
}

function planTable(model: TableModel, ctx: SerializeContext, path: readonly number[]): TablePlan {
  const fail = (reason: string): never => {
    throw new RecordError(path, reason)
  }
  const measurementName = ctx.dataFrameMeasurementName
  if (typeof measurementName !== 'string' || measurementName === '') {
    fail(`writing a table (${model.description}) needs dataFrameMeasurementName, the measurement of its rows`)
  }
  if (model.invalidReason !== undefined) fail(model.invalidReason)
  const measurement = escapeName(() => escapeMeasurement(measurementName as string), 'dataFrameMeasurementName', fail)

  const byName = new Map<string, number>()
  model.columns.forEach((column, index) => {
    if (byName.has(column.name))
      fail(`column ${JSON.stringify(column.name)} appears more than once in the ${model.description}`)
    byName.set(column.name, index)
  })
  const columnList = (): string => model.columns.map((c) => c.name).join(', ')
  const lookUp = (name: string, option: string): number => {
    const index = byName.get(name)
    if (index === undefined) {
      fail(
        `${option} names ${JSON.stringify(name)}, which is not a column of the ${model.description} (columns: ${columnList()})`,
      )
    }
    return index as number
  }

  const timeColumn = chooseTimeColumn(model, ctx, byName, lookUp)
  const time = timeColumn === undefined ? undefined : planTime(model, ctx, timeColumn, fail)

  const tagColumns = new Set<number>()
  for (const name of ctx.dataFrameTagColumns ?? []) {
    const index = lookUp(name, 'dataFrameTagColumns')
    if (index === timeColumn) fail(`column ${JSON.stringify(name)} is both a tag column and the timestamp column`)
    tagColumns.add(index)
  }

  const tags: { column: number; cells: TagCells }[] = []
  for (const index of tagColumns) {
    const column = model.columns[index]
    if (!TAG_KINDS.has(column.kind)) fail(unsupportedReason(column, 'a tag'))
    const key = escapeName(() => escapeTagKey(column.name), `tag column ${JSON.stringify(column.name)}`, fail)
    if (key === '') fail('a tag column has an empty name')
    tags.push({ column: index, cells: TagCells.column(column.name, `,${key}=`) })
  }
  for (const [name, value] of Object.entries(ctx.defaultTags)) {
    if (byName.has(name) || value === '' || name === '') continue
    const what = `default tag ${JSON.stringify(name)}`
    const text = `,${escapeName(() => escapeTagKey(name), what, fail)}=${escapeName(() => escapeKey(value), what, fail)}`
    tags.push({ column: NO_COLUMN, cells: TagCells.constant(name, text) })
  }
  tags.sort((a, b) => compareCodePoints(a.cells.name, b.cells.name))

  const fields: { column: number; cells: FieldCells }[] = []
  model.columns.forEach((column, index) => {
    if (index === timeColumn || tagColumns.has(index)) return
    if (!FIELD_KINDS.has(column.kind)) fail(unsupportedReason(column, 'a field'))
    const key = escapeName(() => escapeFieldKey(column.name), `column ${JSON.stringify(column.name)}`, fail)
    // Every field is written after a comma; the cursor turns the line's first one into a space.
    const cells = new FieldCells(
      column.name,
      `,${key}=`,
      fieldFormat(column, ownValue(ctx.fieldTypes, column.name), fail),
    )
    fields.push({ column: index, cells })
  })
  if (fields.length === 0) fail(`the ${model.description} has no field column (every column is a tag or the timestamp)`)
  fields.sort((a, b) => compareCodePoints(a.cells.name, b.cells.name))
  return { measurement, tags, fields, time }
}

/** `dataFrameTimestampColumn`, else a time index, else a column named `time`, else none. */
function chooseTimeColumn(
  model: TableModel,
  ctx: SerializeContext,
  byName: ReadonlyMap<string, number>,
  lookUp: (name: string, option: string) => number,
): number | undefined {
  if (ctx.dataFrameTimestampColumn !== undefined)
    return lookUp(ctx.dataFrameTimestampColumn, 'dataFrameTimestampColumn')
  if (model.timeIndex !== undefined) return TIME_INDEX
  return byName.get(TIME_NAME)
}

function planTime(
  model: TableModel,
  ctx: SerializeContext,
  column: number,
  fail: (reason: string) => never,
): TablePlan['time'] {
  const info = column === TIME_INDEX ? (model.timeIndex as ColumnInfo) : model.columns[column]
  if (!TIME_KINDS.has(info.kind)) {
    fail(`timestamp column ${JSON.stringify(info.name)} has type ${info.typeName}, which is not a time`)
  }
  let zone: TimeZoneOffsets | undefined
  const zoneName = ctx.dataFrameTimestampTimezone
  if (zoneName !== undefined && zoneName !== '') {
    try {
      zone = new TimeZoneOffsets(zoneName)
    } catch {
      fail(`dataFrameTimestampTimezone ${JSON.stringify(zoneName)} is not a known IANA time zone or ±HH:MM offset`)
    }
  }
  return { column, cells: new TimeCells(info.name, ctx.precision, zone) }
}

function fieldFormat(
  column: ColumnInfo,
  fieldType: FieldType | undefined,
  fail: (reason: string) => never,
): FieldFormat {
  if (fieldType === undefined) return column.kind === 'null' ? 'float' : (column.kind as FieldFormat)
  if (!NUMERIC_KINDS.has(column.kind)) {
    fail(
      `fieldTypes asks for ${fieldType} in column ${JSON.stringify(column.name)}, which holds ${column.typeName} values`,
    )
  }
  return fieldType
}

function unsupportedReason(column: ColumnInfo, role: string): string {
  const name = JSON.stringify(column.name)
  switch (column.kind) {
    case 'mixed':
      return `column ${name} mixes ${column.typeName} values`
    case 'temporal':
    case 'date':
      return `column ${name} holds times (${column.typeName}), which cannot be ${role}; make it the timestamp column with dataFrameTimestampColumn`
    default:
      return `column ${name} has type ${column.typeName}, which cannot be ${role}`
  }
}

function escapeName(escape: () => string, what: string, fail: (reason: string) => never): string {
  try {
    return escape()
  } catch (error) {
    return fail(`${what}: ${thrownReason(error)}`)
  }
}

/** Orders names by Unicode code point, as the server's byte-wise UTF-8 comparison does. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0
  const left = [...a]
  const right = [...b]
  for (let i = 0; i < left.length && i < right.length; i++) {
    const diff = left[i].codePointAt(0)! - right[i].codePointAt(0)!
    if (diff !== 0) return diff
  }
  return left.length - right.length
}
