/**
 * Tag cells → `,key=value` texts, one column slice at a time. Tag columns repeat few distinct
 * values, so each distinct value is escaped once and looked up after that.
 * A null, undefined, NaN, ±Infinity or empty cell leaves the tag out.
 */
import { escapeKey } from '../../line-protocol/escape.js'
import { CellError } from './cell-error.js'
import type { CellBlock, CellValue } from './model.js'

/** Distinct values remembered per column; past this the memo starts again (bounded memory). */
const MAX_REMEMBERED_VALUES = 65_536

/** Formats the tag cells of one column, remembering the text of each distinct value. */
export class TagColumnFormatter {
  private readonly byValue = new Map<CellValue, string | undefined>()
  private dictionary: readonly CellValue[] | undefined
  private dictionaryTexts: (string | undefined)[] = []

  /** @param prefix `,` + the escaped tag key + `=` */
  constructor(private readonly prefix: string) {}

  /** Fills `out[0..length)` with `,key=value` or `undefined`. Throws {@link CellError}. */
  format(block: CellBlock, length: number, out: (string | undefined)[]): void {
    if (block.kind === 'null') {
      out.fill(undefined, 0, length)
      return
    }
    if (block.kind === 'dictionary') {
      if (block.dictionary !== this.dictionary) {
        this.dictionaryTexts = block.dictionary.map((value) => this.textOf(value, 0))
        this.dictionary = block.dictionary
      }
      const texts = this.dictionaryTexts
      const { indices, offset, valid } = block
      for (let i = 0; i < length; i++) {
        out[i] = valid !== undefined && !valid(i) ? undefined : texts[Number(indices[offset + i])]
      }
      return
    }
    const { values, offset, valid } = block as { values: ArrayLike<CellValue>; offset: number; valid?: (i: number) => boolean }
    const byValue = this.byValue
    for (let i = 0; i < length; i++) {
      const v = values[offset + i]
      if (v === null || v === undefined || (valid !== undefined && !valid(i))) {
        out[i] = undefined
        continue
      }
      let text = byValue.get(v)
      if (text === undefined && !byValue.has(v)) {
        text = this.textOf(v, i)
        if (byValue.size >= MAX_REMEMBERED_VALUES) byValue.clear()
        byValue.set(v, text)
      }
      out[i] = text
    }
  }

  private textOf(value: CellValue, index: number): string | undefined {
    const raw = tagValueText(value, index)
    if (raw === undefined || raw === '') return undefined
    try {
      return this.prefix + escapeKey(raw)
    } catch (error) {
      throw new CellError(index, `tag value: ${(error as Error).message}`)
    }
  }
}

/** The text of a tag value; numbers as JavaScript prints them, booleans as `true`/`false`. */
function tagValueText(value: CellValue, index: number): string | undefined {
  switch (typeof value) {
    case 'string': return value
    case 'number': return value - value === 0 ? String(value) : undefined
    case 'bigint':
    case 'boolean': return String(value)
    default:
      if (value === null || value === undefined) return undefined
      throw new CellError(index, 'a time cannot be a tag value')
  }
}
