/**
 * The head of a line (measurement and tags, up to the space before the fields) as one
 * pre-encoded text, when every tag column of the block is dictionary-encoded: a row's head is
 * then fixed by its tag columns' entry numbers, so each combination of entries met is joined
 * once and copied with one call after that, instead of one copy per tag. This is the usual
 * shape of an Arrow table (`tableFromArrays` and pandas categoricals dictionary-encode strings).
 *
 * The same bytes as writing the measurement and then each tag (tag-cells.ts): the head is
 * joined from those very texts. A combination with an entry that fails is never joined: the
 * row goes the tag-by-tag way, which throws the entry's error.
 */
import type { DictionaryTexts } from './dictionary-texts.js'
import type { Validity } from './model.js'
import type { TagCells } from './tag-cells.js'
import { EncodedText, writeEncoded } from './write-bytes.js'
import type { LineWriter } from '../../line-protocol/line-writer.js'

/** Most combinations of entries a table may have to use heads: bounds the memo's memory. */
const MAX_HEADS = 1 << 16

/** The heads of the rows of a table. */
export class LineHeads {
  readonly #measurement: EncodedText
  readonly #tags: readonly TagCells[]
  /** Per dictionary-encoded tag of the block: its cells, and its weight in a combination's number. */
  #columns = 0
  #indices: ArrayLike<number | bigint>[] = []
  #offsets: number[] = []
  #valids: (Validity | undefined)[] = []
  #weights: number[] = []
  #entries: DictionaryTexts[] = []
  /** Joined heads by combination number, for the entry texts they were joined from. */
  #heads: (EncodedText | undefined)[] = []
  #joinedFrom: (readonly (EncodedText | undefined)[])[] = []

  constructor(measurement: EncodedText, tags: readonly TagCells[]) {
    this.#measurement = measurement
    this.#tags = tags
  }

  /** The combination number of each row of the block, worked out column by column on load. */
  #rowCombinations = new Int32Array(0)

  /** After the tags loaded a block of `length` rows: true when this block's heads can be looked up. */
  load(length: number): boolean {
    this.#columns = 0
    let combinations = 1
    const joinedFrom: (readonly (EncodedText | undefined)[])[] = []
    for (const tag of this.#tags) {
      if (tag.constant !== undefined || tag.empty) continue
      const cells = tag.dictionaryCells()
      if (cells === undefined) return false
      const c = this.#columns++
      this.#indices[c] = cells.indices
      this.#offsets[c] = cells.offset
      this.#valids[c] = cells.valid
      this.#entries[c] = cells.entries
      this.#weights[c] = combinations
      // Entry number + 1, and 0 for a row without the tag.
      combinations *= cells.entries.texts.length + 1
      if (combinations > MAX_HEADS) return false
      joinedFrom.push(cells.entries.texts)
    }
    if (joinedFrom.length !== this.#joinedFrom.length || joinedFrom.some((texts, c) => texts !== this.#joinedFrom[c])) {
      this.#heads = new Array<EncodedText | undefined>(combinations)
      this.#joinedFrom = joinedFrom
    }
    this.#combine(length)
    return true
  }

  /** Fills {@link LineHeads.#rowCombinations}: one tight loop per column, none per row. */
  #combine(length: number): void {
    if (this.#rowCombinations.length < length) this.#rowCombinations = new Int32Array(length)
    const rows = this.#rowCombinations
    rows.fill(0, 0, length)
    for (let c = 0; c < this.#columns; c++) {
      const indices = this.#indices[c]
      const offset = this.#offsets[c]
      const weight = this.#weights[c]
      const valid = this.#valids[c]
      for (let i = 0; i < length; i++) {
        if (valid === undefined || valid(i)) rows[i] += (Number(indices[offset + i]) + 1) * weight
      }
    }
  }

  /** Writes the head of block row `i` and returns true, or returns false when the row must be written tag by tag. */
  write(out: LineWriter, i: number): boolean {
    const combination = this.#rowCombinations[i]
    const head = this.#heads[combination] ?? this.#join(combination)
    if (head === undefined) return false
    writeEncoded(out, head)
    return true
  }

  /** Joins the head of a combination of entries, unless one of them fails. */
  #join(combination: number): EncodedText | undefined {
    const parts = [this.#measurement]
    let c = 0
    for (const tag of this.#tags) {
      const constant = tag.constant
      if (constant !== undefined) {
        parts.push(constant)
        continue
      }
      if (tag.empty) continue
      const weight = this.#weights[c]
      const next = c + 1 < this.#columns ? this.#weights[c + 1] : Infinity
      const entry = Math.floor((combination % next) / weight) - 1
      const entries = this.#entries[c++]
      if (entry < 0) continue
      if (entries.failed(entry)) return undefined
      const text = entries.texts[entry]
      if (text !== undefined) parts.push(text)
    }
    const head = EncodedText.concat(parts)
    this.#heads[combination] = head
    return head
  }
}
