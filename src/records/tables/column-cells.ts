/**
 * What the tag, field and timestamp writers of a column share: the cells of the block loaded
 * last, dictionary entries formatted once, and the 32-bit words of a 64-bit array.
 */
import type { LineWriter } from '../../line-protocol/line-writer.js'
import { DictionaryTexts } from './dictionary-texts.js'
import type { CellBlock, CellValue, Validity } from './model.js'
import { type EncodedText, writeEncoded, wordsOf } from './write-bytes.js'

/** The block has no cell (a null column): nothing is written. */
export const NO_CELLS = 0
/** The block's cells are dictionary indices: entries are copied as formatted bytes. */
export const DICTIONARY_CELLS = 1

/** Blocks whose cells are values (neither null nor dictionary-encoded). */
export type ValueBlock = Exclude<CellBlock, { kind: 'null' } | { kind: 'dictionary' }>

/** The state of one column for the block loaded last. Subclasses add their own modes (from 2). */
export abstract class ColumnCells {
  /** How cells are read and written: {@link NO_CELLS}, {@link DICTIONARY_CELLS} or a subclass's mode. */
  protected mode = NO_CELLS
  protected values: ArrayLike<CellValue> = []
  protected offset = 0
  protected valid: Validity | undefined
  /** The words of {@link ColumnCells.values} when it is a 64-bit array and words can be read. */
  protected words: Uint32Array | undefined
  #indices: ArrayLike<number | bigint> = []
  readonly #dictionary = new DictionaryTexts()
  #wordsOfValues: unknown

  /** @param name the column's name, for messages */
  constructor(readonly name: string) {}

  /**
   * The block's cells as dictionary indices, for readers that look entries up themselves
   * (see line-heads.ts); undefined when the block is not dictionary-encoded.
   */
  dictionaryCells():
    | { indices: ArrayLike<number | bigint>; offset: number; valid: Validity | undefined; entries: DictionaryTexts }
    | undefined {
    if (this.mode !== DICTIONARY_CELLS) return undefined
    return { indices: this.#indices, offset: this.offset, valid: this.valid, entries: this.#dictionary }
  }

  /** True when the block has no cell at all (a null column). */
  get empty(): boolean {
    return this.mode === NO_CELLS
  }

  /**
   * Loads what null and dictionary blocks need and returns undefined, or returns a block of
   * values (with `values`, `offset` and `valid` taken) for the subclass to pick its mode.
   * `formatEntry` makes a dictionary entry's bytes; it throws `CellError` for a bad entry.
   */
  protected loadCells(
    block: CellBlock,
    formatEntry: (value: CellValue) => EncodedText | undefined,
  ): ValueBlock | undefined {
    if (block.kind === 'null') {
      this.mode = NO_CELLS
      this.valid = undefined
      return undefined
    }
    this.offset = block.offset
    this.valid = block.valid
    if (block.kind === 'dictionary') {
      this.#dictionary.load(block.dictionary, formatEntry)
      this.#indices = block.indices
      this.mode = DICTIONARY_CELLS
      return undefined
    }
    this.values = block.values
    return block
  }

  /** Reads `values` as words (kept while the same array comes back block after block); false where words cannot be read. */
  protected loadWords(values: BigInt64Array | BigUint64Array): boolean {
    if (values !== this.#wordsOfValues) {
      this.words = wordsOf(values)
      this.#wordsOfValues = values
    }
    return this.words !== undefined
  }

  /** In {@link DICTIONARY_CELLS} mode: writes the entry of block row `i` (cell `at`), or returns false when it has none. */
  protected writeEntry(out: LineWriter, at: number, i: number): boolean {
    const entry = Number(this.#indices[at])
    const text = this.#dictionary.texts[entry]
    if (text !== undefined) {
      writeEncoded(out, text)
      return true
    }
    this.#dictionary.throwFailure(entry, i)
    return false
  }
}
