/**
 * A table → line-protocol lines, lazily, block by block.
 *
 * Everything that can be checked without reading rows (measurement name, tag and timestamp
 * columns, column types, names that cannot be escaped, the time zone) is checked when
 * {@link serializeTable} is called, before any line. Row-level problems (a bad timestamp text, an
 * integer out of range) are found when their row is reached, and name the row and column.
 */
import { RecordError } from '../../errors.js'
import { escapeFieldKey, escapeKey, escapeMeasurement } from '../../line-protocol/escape.js'
import type { FieldType } from '../../write/write-options.js'
import { CellError } from './cell-error.js'
import type { TableContext } from './context.js'
import { DictionaryTextCache, formatFieldCells, type FieldColumnFormat, type FieldFormat } from './field-cells.js'
import type { ColumnInfo, ColumnKind, RowBlock, TableModel } from './model.js'
import { TagColumnFormatter } from './tag-cells.js'
import { TimeColumnFormatter } from './time-cells.js'
import { TimeZoneOffsets } from './time-zone.js'

/** Rows formatted per step: large enough to amortise the per-column work, small enough to stay in cache. */
const BLOCK_ROWS = 1024
/** Column index that stands for the model's time index. */
const TIME_INDEX = -1
const TIME_NAME = 'time'

const FIELD_KINDS: ReadonlySet<ColumnKind> = new Set(['float', 'int', 'uint', 'bool', 'string', 'null'])
const TAG_KINDS = FIELD_KINDS
const TIME_KINDS: ReadonlySet<ColumnKind> = new Set(['temporal', 'date', 'string', 'int', 'uint', 'float', 'null'])
const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set(['float', 'int', 'uint', 'null'])

interface FieldPlan extends FieldColumnFormat { column: number }
interface TagPlan { column: number; name: string; formatter: TagColumnFormatter }
/** A default tag that no column shadows: the same text on every row. */
interface ConstantTagPlan { name: string; text: string }
interface TimePlan { column: number; name: string; formatter: TimeColumnFormatter }

/** What to do with each column, worked out once per table. */
interface TablePlan {
  measurement: string
  /** Tags in key order; a constant tag is a string, a column tag a plan. */
  tags: (TagPlan | ConstantTagPlan)[]
  fields: FieldPlan[]
  time: TimePlan | undefined
}

/**
 * Validates `model` against `ctx` and returns its lines. Throws `RecordError` (with `path`)
 * right away for a table that cannot be written; row errors are thrown while iterating.
 * `onSkippedRow` is called for each row left with no field, which is not yielded.
 */
export function serializeTable(
  model: TableModel,
  ctx: TableContext,
  path: readonly number[],
  onSkippedRow: () => void,
): Iterable<string> {
  const plan = planTable(model, ctx, path)
  return new TableLines(model, plan, path, onSkippedRow)
}

function planTable(model: TableModel, ctx: TableContext, path: readonly number[]): TablePlan {
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
    if (byName.has(column.name)) fail(`column ${JSON.stringify(column.name)} appears more than once in the ${model.description}`)
    byName.set(column.name, index)
  })
  const columnList = (): string => model.columns.map((c) => c.name).join(', ')
  const lookUp = (name: string, option: string): number => {
    const index = byName.get(name)
    if (index === undefined) {
      fail(`${option} names ${JSON.stringify(name)}, which is not a column of the ${model.description} (columns: ${columnList()})`)
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

  const tags: (TagPlan | ConstantTagPlan)[] = []
  for (const index of tagColumns) {
    const column = model.columns[index] as ColumnInfo
    if (!TAG_KINDS.has(column.kind)) fail(unsupportedReason(column, 'a tag'))
    const key = escapeName(() => escapeKey(column.name), `tag column ${JSON.stringify(column.name)}`, fail)
    if (key === '') fail('a tag column has an empty name')
    tags.push({ column: index, name: column.name, formatter: new TagColumnFormatter(`,${key}=`) })
  }
  for (const [name, value] of Object.entries(ctx.defaultTags)) {
    if (byName.has(name) || value === '' || name === '') continue
    const what = `default tag ${JSON.stringify(name)}`
    tags.push({ name, text: `,${escapeName(() => escapeKey(name), what, fail)}=${escapeName(() => escapeKey(value), what, fail)}` })
  }
  tags.sort((a, b) => compareCodePoints(a.name, b.name))

  const fields: FieldPlan[] = []
  model.columns.forEach((column, index) => {
    if (index === timeColumn || tagColumns.has(index)) return
    if (!FIELD_KINDS.has(column.kind)) fail(unsupportedReason(column, 'a field'))
    const key = escapeName(() => escapeFieldKey(column.name), `column ${JSON.stringify(column.name)}`, fail)
    fields.push({ column: index, name: column.name, prefix: `${key}=`, format: fieldFormat(column, ctx.fieldTypes?.[column.name], fail) })
  })
  if (fields.length === 0) fail(`the ${model.description} has no field column (every column is a tag or the timestamp)`)
  fields.sort((a, b) => compareCodePoints(a.name, b.name))
  // Each field text carries the separator before it: a space for the first field, a comma for
  // the others, so that a line is the head and the texts one after the other.
  fields.forEach((field, i) => {
    field.prefix = (i === 0 ? ' ' : ',') + field.prefix
  })
  return { measurement, tags, fields, time }
}

/** `dataFrameTimestampColumn`, else a time index, else a column named `time`, else none. */
function chooseTimeColumn(
  model: TableModel,
  ctx: TableContext,
  byName: ReadonlyMap<string, number>,
  lookUp: (name: string, option: string) => number,
): number | undefined {
  if (ctx.dataFrameTimestampColumn !== undefined) return lookUp(ctx.dataFrameTimestampColumn, 'dataFrameTimestampColumn')
  if (model.timeIndex !== undefined) return TIME_INDEX
  return byName.get(TIME_NAME)
}

function planTime(model: TableModel, ctx: TableContext, column: number, fail: (reason: string) => never): TimePlan {
  const info = column === TIME_INDEX ? (model.timeIndex as ColumnInfo) : (model.columns[column] as ColumnInfo)
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
  return { column, name: info.name, formatter: new TimeColumnFormatter(ctx.precision, zone) }
}

function fieldFormat(column: ColumnInfo, fieldType: FieldType | undefined, fail: (reason: string) => never): FieldFormat {
  if (fieldType === undefined) return column.kind === 'null' ? 'float' : (column.kind as FieldFormat)
  if (!NUMERIC_KINDS.has(column.kind)) {
    fail(`fieldTypes asks for ${fieldType} in column ${JSON.stringify(column.name)}, which holds ${column.typeName} values`)
  }
  return fieldType
}

function unsupportedReason(column: ColumnInfo, role: string): string {
  const name = JSON.stringify(column.name)
  switch (column.kind) {
    case 'mixed': return `column ${name} mixes ${column.typeName} values`
    case 'temporal':
    case 'date':
      return `column ${name} holds times (${column.typeName}), which cannot be ${role}; make it the timestamp column with dataFrameTimestampColumn`
    default: return `column ${name} has type ${column.typeName}, which cannot be ${role}`
  }
}

function escapeName(escape: () => string, what: string, fail: (reason: string) => never): string {
  try {
    return escape()
  } catch (error) {
    return fail(`${what}: ${(error as Error).message}`)
  }
}

/** Orders names by Unicode code point, as the server's byte-wise UTF-8 comparison does. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0
  const left = [...a]
  const right = [...b]
  for (let i = 0; i < left.length && i < right.length; i++) {
    const diff = (left[i] as string).codePointAt(0)! - (right[i] as string).codePointAt(0)!
    if (diff !== 0) return diff
  }
  return left.length - right.length
}

/**
 * The lines of a planned table. A hand-written iterator rather than a generator: it is resumed
 * once per line, millions of times, and a plain method call is cheaper than a generator resume.
 */
class TableLines implements IterableIterator<string> {
  private readonly tagTexts: (string | undefined)[][]
  private readonly fieldTexts: (string | undefined)[][]
  private readonly dictionaryCaches: DictionaryTextCache[]
  private readonly timeTexts = new Array<string | undefined>(BLOCK_ROWS)
  private blocks: Iterator<RowBlock> | undefined
  private blockStart = 0
  private blockLength = 0
  private row = 0

  constructor(
    private readonly model: TableModel,
    private readonly plan: TablePlan,
    private readonly path: readonly number[],
    private readonly onSkippedRow: () => void,
  ) {
    this.tagTexts = plan.tags.map(() => new Array<string | undefined>(BLOCK_ROWS))
    this.fieldTexts = plan.fields.map(() => new Array<string | undefined>(BLOCK_ROWS))
    this.dictionaryCaches = plan.fields.map(() => new DictionaryTextCache())
  }

  [Symbol.iterator](): this {
    return this
  }

  next(): IteratorResult<string> {
    const { fieldTexts, tagTexts } = this
    const fieldCount = fieldTexts.length
    const tagCount = tagTexts.length
    for (;;) {
      if (this.row >= this.blockLength && !this.nextBlock()) return { done: true, value: undefined }
      const row = this.row++
      let fieldSet: string | undefined
      for (let f = 0; f < fieldCount; f++) {
        const text = (fieldTexts[f] as (string | undefined)[])[row]
        if (text === undefined) continue
        // The first field present takes a space, whatever column it comes from.
        fieldSet = fieldSet !== undefined ? fieldSet + text : f === 0 ? text : ' ' + text.slice(1)
      }
      if (fieldSet === undefined) {
        this.onSkippedRow()
        continue
      }
      let line = this.plan.measurement
      for (let t = 0; t < tagCount; t++) {
        const text = (tagTexts[t] as (string | undefined)[])[row]
        if (text !== undefined) line += text
      }
      line += fieldSet
      const time = this.plan.time
      if (time !== undefined) {
        const timestamp = this.timeTexts[row]
        if (timestamp === undefined) {
          throw new RecordError(this.path, `row ${this.blockStart + row}, column ${JSON.stringify(time.name)}: the timestamp is missing`)
        }
        line += timestamp
      }
      return { done: false, value: line }
    }
  }

  /** Stops early: lets the table's block iterator clean up. */
  return(): IteratorResult<string> {
    this.blocks?.return?.()
    this.blockLength = 0
    this.row = 0
    return { done: true, value: undefined }
  }

  private nextBlock(): boolean {
    this.blocks ??= this.model.blocks(BLOCK_ROWS)[Symbol.iterator]()
    const next = this.blocks.next()
    if (next.done === true) {
      this.blockLength = 0
      this.row = 0
      return false
    }
    const block = next.value
    formatBlock(block, this.plan, this.path, this.tagTexts, this.fieldTexts, this.dictionaryCaches, this.timeTexts)
    this.blockStart = block.start
    this.blockLength = block.length
    this.row = 0
    return true
  }
}

/** Formats every used column of one block into its text array. */
function formatBlock(
  block: RowBlock,
  plan: TablePlan,
  path: readonly number[],
  tagTexts: (string | undefined)[][],
  fieldTexts: (string | undefined)[][],
  dictionaryCaches: DictionaryTextCache[],
  timeTexts: (string | undefined)[],
): void {
  let current = ''
  try {
    plan.tags.forEach((tag, t) => {
      current = tag.name
      const out = tagTexts[t] as (string | undefined)[]
      if ('text' in tag) out.fill(tag.text, 0, block.length)
      else tag.formatter.format(block.cells(tag.column), block.length, out)
    })
    plan.fields.forEach((field, f) => {
      current = field.name
      formatFieldCells(block.cells(field.column), block.length, field, fieldTexts[f] as (string | undefined)[], dictionaryCaches[f] as DictionaryTextCache)
    })
    if (plan.time !== undefined) {
      current = plan.time.name
      plan.time.formatter.format(block.cells(plan.time.column), block.length, timeTexts)
    }
  } catch (error) {
    if (!(error instanceof CellError)) throw error
    throw new RecordError(path, `row ${block.start + error.index}, column ${JSON.stringify(current)}: ${error.message}`, { cause: error })
  }
}
