/**
 * Tag cells → `,key=value` bytes. Tag columns repeat few distinct values, so each distinct
 * value (each dictionary entry, or each value met) is escaped and encoded once, and its bytes
 * are copied after that. A null, undefined, NaN, ±Infinity or empty cell leaves the tag out.
 */
import { thrownReason } from '../../errors.js'
import { escapeKey } from '../../line-protocol/escape.js'
import type { LineWriter } from '../../line-protocol/line-writer.js'
import { CellError } from './cell-error.js'
import { ColumnCells, DICTIONARY_CELLS, NO_CELLS } from './column-cells.js'
import type { CellBlock, CellValue } from './model.js'
import { EncodedText, writeEncoded } from './write-bytes.js'

/** Distinct values remembered per column; past this the memo starts again (bounded memory). */
const MAX_REMEMBERED_VALUES = 65_536

const CONSTANT = 2
const VALUES = 3

/** What a tag value turns into: its bytes, nothing (tag left out), or why it cannot be written. */
type TagBytes = EncodedText | undefined | CellError

/**
 * One tag of a line: a column (loaded block by block with {@link TagCells.load}), or a default
 * tag that no column shadows, the same bytes on every row.
 */
export class TagCells extends ColumnCells {
  #constantBytes: EncodedText | undefined
  readonly #prefix: string
  readonly #byValue = new Map<CellValue, TagBytes>()

  /**
   * @param name the key as given, for messages and ordering
   * @param prefix `,` + the escaped key + `=`
   */
  private constructor(name: string, prefix: string) {
    super(name)
    this.#prefix = prefix
  }

  /** A tag read from a column. */
  static column(name: string, prefix: string): TagCells {
    return new TagCells(name, prefix)
  }

  /** A default tag: `text` is the whole `,key=value`, already escaped. */
  static constant(name: string, text: string): TagCells {
    const tag = new TagCells(name, '')
    tag.mode = CONSTANT
    tag.#constantBytes = new EncodedText(text)
    return tag
  }

  /** The bytes of a default tag; undefined for a column. */
  get constant(): EncodedText | undefined {
    return this.#constantBytes
  }

  /** Reads the cells of the next block (a constant tag has none). */
  load(block: CellBlock): void {
    if (this.mode === CONSTANT) return
    if (this.loadCells(block, this.#formatEntry) !== undefined) this.mode = VALUES
  }

  /** Writes the tag of block row `i`, when it has one. Throws {@link CellError}. */
  write(out: LineWriter, i: number): void {
    const mode = this.mode
    if (mode === CONSTANT) {
      writeEncoded(out, this.#constantBytes as EncodedText)
      return
    }
    const valid = this.valid
    if (mode === NO_CELLS || (valid !== undefined && !valid(i))) return
    const at = this.offset + i
    if (mode === DICTIONARY_CELLS) {
      this.writeEntry(out, at, i)
      return
    }
    const value = this.values[at]
    if (value === null || value === undefined) return
    let bytes = this.#byValue.get(value)
    if (bytes === undefined && !this.#byValue.has(value)) {
      bytes = this.#bytesOf(value)
      if (this.#byValue.size >= MAX_REMEMBERED_VALUES) this.#byValue.clear()
      this.#byValue.set(value, bytes)
    }
    if (bytes === undefined) return
    if (bytes instanceof CellError) throw new CellError(i, bytes.message)
    writeEncoded(out, bytes)
  }

  readonly #formatEntry = (value: CellValue): EncodedText | undefined => {
    const bytes = this.#bytesOf(value)
    if (bytes instanceof CellError) throw bytes
    return bytes
  }

  /** A value's `,key=value` bytes; a value that cannot be a tag gives the error its rows get. */
  #bytesOf(value: CellValue): TagBytes {
    let raw: string | undefined
    try {
      raw = tagValueText(value)
    } catch (error) {
      return error as CellError
    }
    if (raw === undefined || raw === '') return undefined
    try {
      return new EncodedText(this.#prefix + escapeKey(raw))
    } catch (error) {
      return new CellError(0, `tag value: ${thrownReason(error)}`)
    }
  }
}

/** The text of a tag value; numbers as JavaScript prints them, booleans as `true`/`false`. */
function tagValueText(value: CellValue): string | undefined {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
      return value - value === 0 ? String(value) : undefined
    case 'bigint':
    case 'boolean':
      return String(value)
    default:
      if (value === null || value === undefined) return undefined
      throw new CellError(0, 'a time cannot be a tag value')
  }
}
