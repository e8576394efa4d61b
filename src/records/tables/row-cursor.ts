/**
 * A planned table's rows written one line at a time straight into a {@link LineWriter}.
 *
 * Rows are read in blocks of {@link BLOCK_ROWS}: each column is loaded once per block (its
 * typed array, dictionary bytes, validity), then each row is the measurement's bytes and each
 * column's cell written in key order. A row's fields are all written after a comma, and the
 * first one's comma is turned into the space that ends the tags, so that a missing field
 * costs nothing; a row with no field left is rolled back and counted.
 */
import { RecordError } from '../../errors.js'
import type { LineWriter } from '../../line-protocol/line-writer.js'
import { CellError } from './cell-error.js'
import type { FieldCells } from './field-cells.js'
import { LineHeads } from './line-heads.js'
import { keepMapAlive } from '../../map-anchors.js'
import type { RowBlock, TableModel } from './model.js'
import type { TagCells } from './tag-cells.js'
import type { TimeCells } from './time-cells.js'
import { EncodedText, writeEncoded } from './write-bytes.js'

/** Rows loaded per step: large enough to amortise the per-column work, small enough to stay in cache. */
const BLOCK_ROWS = 1024
/** Column index that stands for the model's time index. */
export const TIME_INDEX = -1
/** Column index of a default tag, which reads no column. */
export const NO_COLUMN = -2

const SPACE = 32

/** What to do with each column, worked out once per table (see serialize-table.ts). */
export interface TablePlan {
  /** The escaped measurement. */
  measurement: string
  /** Tags in key order: columns, and default tags that no column shadows ({@link NO_COLUMN}). */
  tags: { column: number; cells: TagCells }[]
  /** Fields in key order. */
  fields: { column: number; cells: FieldCells }[]
  time: { column: number; cells: TimeCells } | undefined
}

/** Writes a table's rows one by one. */
export interface RowCursor {
  /**
   * Writes the next row that has a field left as one line (`beginLine` … `endLine`) into
   * `writer` and returns true; returns false when no rows are left. Rows with no field are
   * skipped and counted. Throws `RecordError` naming the row and column, leaving no half line.
   */
  writeNext(writer: LineWriter): boolean
  /** Stops early: lets the table's block iterator clean up. Later calls of `writeNext` return false. */
  close(): void
}

/** The cursor over a planned table. */
export class TableRowCursor implements RowCursor {
  readonly #measurement: EncodedText
  readonly #tags: TagCells[]
  readonly #tagColumns: number[]
  readonly #fields: FieldCells[]
  readonly #fieldColumns: number[]
  readonly #time: TimeCells | undefined
  readonly #timeColumn: number
  readonly #heads: LineHeads
  /** True when the block's line heads come from {@link TableRowCursor.#heads}. */
  #headsLoaded = false
  #blocks: Iterator<RowBlock> | undefined
  #finished = false
  #blockStart = 0
  #blockLength = 0
  #row = 0

  readonly #model: TableModel
  readonly #path: readonly number[]
  readonly #onSkippedRow: () => void

  constructor(model: TableModel, plan: TablePlan, path: readonly number[], onSkippedRow: () => void) {
    this.#model = model
    this.#path = path
    this.#onSkippedRow = onSkippedRow
    this.#measurement = new EncodedText(plan.measurement)
    this.#tags = plan.tags.map((tag) => tag.cells)
    this.#tagColumns = plan.tags.map((tag) => tag.column)
    this.#fields = plan.fields.map((field) => field.cells)
    this.#fieldColumns = plan.fields.map((field) => field.column)
    this.#time = plan.time?.cells
    this.#timeColumn = plan.time?.column ?? TIME_INDEX
    this.#heads = new LineHeads(this.#measurement, this.#tags)
  }

  writeNext(out: LineWriter): boolean {
    const tags = this.#tags
    const fields = this.#fields
    const time = this.#time
    const tagCount = tags.length
    const fieldCount = fields.length
    for (;;) {
      if (this.#row >= this.#blockLength && !this.#nextBlock()) return false
      const i = this.#row++
      out.beginLine()
      let current: { readonly name: string } | undefined
      try {
        if (!this.#headsLoaded || !this.#heads.write(out, i)) {
          writeEncoded(out, this.#measurement)
          for (let t = 0; t < tagCount; t++) {
            current = tags[t]
            ;(current as TagCells).write(out, i)
          }
        }
        const fieldsStart = out.length
        for (let f = 0; f < fieldCount; f++) {
          current = fields[f]
          ;(current as FieldCells).write(out, i)
        }
        if (out.length === fieldsStart) {
          out.abandonLine()
          this.#onSkippedRow()
          continue
        }
        out.bytes[fieldsStart] = SPACE
        if (time !== undefined) {
          current = time
          if (!time.write(out, i)) throw new CellError(i, 'the timestamp is missing')
        }
      } catch (error) {
        out.abandonLine()
        throw this.#rowError(error, current)
      }
      out.endLine()
      return true
    }
  }

  close(): void {
    if (!this.#finished) this.#blocks?.return?.()
    this.#finished = true
    this.#blockLength = 0
    this.#row = 0
  }

  #nextBlock(): boolean {
    if (this.#finished) return false
    this.#blocks ??= this.#model.blocks(BLOCK_ROWS)[Symbol.iterator]()
    const next = this.#blocks.next()
    if (next.done === true) {
      this.#finished = true
      this.#blockLength = 0
      this.#row = 0
      return false
    }
    const block = next.value
    this.#blockStart = block.start
    this.#blockLength = 0
    this.#row = 0
    let current: { readonly name: string } | undefined
    try {
      this.#tags.forEach((tag, t) => {
        current = tag
        const column = this.#tagColumns[t]
        if (column !== NO_COLUMN) tag.load(block.cells(column))
      })
      this.#fields.forEach((field, f) => {
        current = field
        field.load(block.cells(this.#fieldColumns[f]))
      })
      if (this.#time !== undefined) {
        current = this.#time
        this.#time.load(block.cells(this.#timeColumn))
      }
    } catch (error) {
      throw this.#rowError(error, current)
    }
    this.#headsLoaded = this.#heads.load(block.length)
    this.#blockLength = block.length
    return true
  }

  /** A cell's error as a `RecordError` naming the table's row and the column. */
  #rowError(error: unknown, column: { readonly name: string } | undefined): unknown {
    if (!(error instanceof CellError) || column === undefined) return error
    return new RecordError(
      this.#path,
      `row ${this.#blockStart + error.index}, column ${JSON.stringify(column.name)}: ${error.message}`,
      {
        cause: error,
      },
    )
  }
}

/** Keeps a row cursor alive with its map (see map-anchors.ts). Called once, by keepTableMapsAlive. */
export function keepRowCursorMapsAlive(): void {
  keepMapAlive(
    new TableRowCursor(
      { description: '', rowCount: 0, columns: [], blocks: () => [] },
      { measurement: 'm', tags: [], fields: [], time: undefined },
      [],
      () => undefined,
    ),
  )
}
