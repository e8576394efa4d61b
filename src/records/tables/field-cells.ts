/**
 * Field cells → `,key=value` bytes. A column is loaded block by block; {@link FieldCells.load}
 * picks, once per block, how its cells are read and written, so that writing a cell is one
 * switch on a small integer and then straight bytes. Values follow design.md §3:
 * a float is JavaScript `String(n)`, an integer is `<n>i`, an unsigned one `<n>u`, a boolean
 * `true`/`false`, a string `"…"` escaped; null, undefined, NaN and ±Infinity leave the field out.
 */
import { thrownReason } from '../../errors.js'
import type { LineWriter } from '../../line-protocol/line-writer.js'
import { formatFieldValue } from '../../line-protocol/values.js'
import { CellError } from './cell-error.js'
import { ColumnCells, DICTIONARY_CELLS } from './column-cells.js'
import type { CellBlock, CellValue } from './model.js'
import { EncodedText, writeDigits, writeEncoded, writeFloat, writeInt64Words, writeUint64Words } from './write-bytes.js'

/** The line-protocol type a field column is written as. */
export type FieldFormat = 'float' | 'int' | 'uint' | 'bool' | 'string'

const FLOAT = 2
/** A `BigInt64Array` written as `i` or a `BigUint64Array` as `u`: read as 32-bit words, no range check needed. */
const WORDS = 3
/** Integers of any other container (numbers, bigints) written as their own kind. */
const INTEGER = 4
const BOOL = 5
/** Strings, and values written as another type than their own (`fieldTypes`), one by one. */
const ONE_BY_ONE = 6

const LOWER_I = 105
const LOWER_U = 117

/** One field column of a table. */
export class FieldCells extends ColumnCells {
  readonly #prefix: string
  readonly #prefixBytes: EncodedText
  readonly #trueBytes: EncodedText
  readonly #falseBytes: EncodedText
  readonly #signed: boolean
  readonly #suffix: number

  /**
   * @param name the column name, for messages and ordering
   * @param prefix `,` + the escaped field key + `=` (the line's first field gets a space instead)
   * @param format the column's own kind, or the type that `fieldTypes` asks for
   */
  constructor(
    name: string,
    prefix: string,
    readonly format: FieldFormat,
  ) {
    super(name)
    this.#prefix = prefix
    this.#prefixBytes = new EncodedText(prefix)
    this.#trueBytes = new EncodedText(`${prefix}true`)
    this.#falseBytes = new EncodedText(`${prefix}false`)
    this.#signed = format === 'int'
    this.#suffix = this.#signed ? LOWER_I : LOWER_U
  }

  /** Reads the cells of the next block. */
  load(block: CellBlock): void {
    const cells = this.loadCells(block, this.#formatEntry)
    if (cells === undefined) return
    const format = this.format
    switch (cells.kind) {
      case 'float':
        this.mode = format === 'float' ? FLOAT : ONE_BY_ONE
        return
      case 'int':
      case 'uint': {
        const values = cells.values
        if (format !== cells.kind) this.mode = ONE_BY_ONE
        else if (format === 'int' ? values instanceof BigInt64Array : values instanceof BigUint64Array) {
          this.mode = this.loadWords(values as BigInt64Array | BigUint64Array) ? WORDS : INTEGER
        } else this.mode = INTEGER
        return
      }
      case 'bool':
        this.mode = BOOL
        return
      case 'string':
        this.mode = ONE_BY_ONE
        return
      default:
        // Validation keeps times out of fields; reaching here is a bug in a table module.
        throw new CellError(0, `a ${cells.kind} value cannot be a field`)
    }
  }

  /**
   * Writes `,key=value` for block row `i` and returns true, or returns false when the cell is
   * missing. Throws {@link CellError} for a value that cannot be written as the column's format.
   */
  write(out: LineWriter, i: number): boolean {
    const valid = this.valid
    if (valid !== undefined && !valid(i)) return false
    const at = this.offset + i
    switch (this.mode) {
      case FLOAT: {
        const v = this.values[at] as number | null | undefined
        // `v - v` is NaN for NaN and ±Infinity, and 0 for every finite number.
        if (v === null || v === undefined || v - v !== 0) return false
        writeEncoded(out, this.#prefixBytes)
        writeFloat(out, v)
        return true
      }
      case WORDS: {
        const words = this.words as Uint32Array
        writeEncoded(out, this.#prefixBytes)
        const low = words[2 * at]
        const high = words[2 * at + 1]
        // Most integers fit the low word: straight to its digits.
        if (high === 0) writeDigits(out, low)
        else if (this.#signed) writeInt64Words(out, low, high)
        else writeUint64Words(out, low, high)
        out.byte(this.#suffix)
        return true
      }
      case INTEGER: {
        const v = this.values[at]
        // NaN (v !== v) is a missing cell in a column of another type: see inspectArray.
        if (v === null || v === undefined || v !== v) return false
        if (typeof v === 'number' && Number.isSafeInteger(v) && (v >= 0 || this.#signed)) {
          writeEncoded(out, this.#prefixBytes)
          out.integer(v)
          out.byte(this.#suffix)
          return true
        }
        return this.#writeOneByOne(out, v, i)
      }
      case BOOL: {
        const v = this.values[at]
        if (v === null || v === undefined || v !== v) return false
        writeEncoded(out, v ? this.#trueBytes : this.#falseBytes)
        return true
      }
      case ONE_BY_ONE: {
        const v = this.values[at]
        return v === null || v === undefined || v !== v ? false : this.#writeOneByOne(out, v, i)
      }
      case DICTIONARY_CELLS:
        return this.writeEntry(out, at, i)
      default:
        return false
    }
  }

  /** One value through the general field formatting of `line-protocol/values.ts`. */
  #writeOneByOne(out: LineWriter, value: CellValue, index: number): boolean {
    const text = this.#valueText(value, index)
    if (text === undefined) return false
    writeEncoded(out, this.#prefixBytes)
    out.text(text)
    return true
  }

  #valueText(value: CellValue, index: number): string | undefined {
    if (value instanceof Date) throw new CellError(index, 'a time cannot be a field value')
    const numeric = typeof value === 'number' || typeof value === 'bigint'
    const format = this.format
    try {
      return formatFieldValue(
        this.name,
        value,
        numeric && format !== 'bool' && format !== 'string' ? format : undefined,
      )
    } catch (error) {
      throw new CellError(index, thrownReason(error))
    }
  }

  /** A dictionary entry's `,key=value` bytes. Throws {@link CellError}. */
  readonly #formatEntry = (value: CellValue): EncodedText | undefined => {
    const text = this.#valueText(value, 0)
    return text === undefined ? undefined : new EncodedText(this.#prefix + text)
  }
}
