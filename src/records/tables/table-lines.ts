/**
 * A table's lines as strings, cut from the bytes its {@link RowCursor} writes, so that the
 * string path and the byte path are one formatting rule set.
 *
 * Rows are written {@link LINES_PER_BATCH} at a time into a scratch {@link LineWriter} and
 * decoded with one call: when the batch is all ASCII (the decoded text is as long as the
 * bytes), each line is a slice of that text; otherwise each line is decoded on its own.
 */
import { decodeUtf8Range, LineWriter } from '../../line-protocol/line-writer.js'
import type { RowCursor } from './row-cursor.js'

const LINES_PER_BATCH = 1024

/**
 * A hand-written iterator rather than a generator: it is resumed once per line, millions of
 * times, and a plain method call is cheaper than a generator resume.
 */
export class TableLines implements IterableIterator<string> {
  readonly #scratch = new LineWriter()
  #batch: string[] = []
  #position = 0
  /** The error of the row after the batch: thrown once the lines before it are consumed. */
  #failure: { error: unknown } | undefined
  #done = false

  readonly #cursor: RowCursor

  constructor(cursor: RowCursor) {
    this.#cursor = cursor
  }

  [Symbol.iterator](): this {
    return this
  }

  next(): IteratorResult<string> {
    if (this.#position < this.#batch.length) return { done: false, value: this.#batch[this.#position++] }
    if (this.#failure !== undefined) {
      const { error } = this.#failure
      this.#failure = undefined
      this.#done = true
      throw error
    }
    if (this.#done || !this.#fill()) {
      this.#done = true
      return { done: true, value: undefined }
    }
    return { done: false, value: this.#batch[this.#position++] }
  }

  /** Stops early: lets the table's block iterator clean up. */
  return(): IteratorResult<string> {
    this.#cursor.close()
    this.#batch = []
    this.#position = 0
    this.#failure = undefined
    this.#done = true
    return { done: true, value: undefined }
  }

  /** Writes and decodes the next batch; false when the table has no row left. */
  #fill(): boolean {
    const scratch = this.#scratch
    scratch.clear()
    try {
      while (scratch.lineCount < LINES_PER_BATCH && this.#cursor.writeNext(scratch));
    } catch (error) {
      this.#failure = { error }
    }
    const count = scratch.lineCount
    this.#batch = count === this.#batch.length ? this.#batch : new Array<string>(count)
    this.#position = 0
    if (count === 0) {
      if (this.#failure === undefined) return false
      const { error } = this.#failure
      this.#failure = undefined
      this.#done = true
      throw error
    }
    const bodyLength = scratch.bodyLength
    const text = decodeUtf8Range(scratch.bytes, 0, bodyLength)
    const batch = this.#batch
    if (text.length === bodyLength) {
      const ends = scratch.lineEnds()
      let start = 0
      for (let k = 0; k < count; k++) {
        const end = ends[k]
        batch[k] = text.slice(start, end)
        start = end + 1
      }
    } else {
      for (let k = 0; k < count; k++) batch[k] = scratch.lineText(k)
    }
    return true
  }
}
