/**
 * Field cells → `key=value` texts, one column slice at a time. Each kind has its own loop, so
 * no cell goes through a generic type switch. Values follow design.md §3:
 * a float is JavaScript `String(n)`, an integer is `<n>i`, an unsigned one `<n>u`, a boolean
 * `true`/`false`, a string `"…"` escaped; null, undefined, NaN and ±Infinity leave the field out.
 */
import { escapeStringValue } from '../../line-protocol/escape.js'
import { formatFieldValue } from '../../line-protocol/values.js'
import { CellError } from './cell-error.js'
import { floatText } from '../../line-protocol/float-text.js'
import type { CellBlock, CellValue, Validity } from './model.js'

/** The line-protocol type a field column is written as. */
export type FieldFormat = 'float' | 'int' | 'uint' | 'bool' | 'string'

/** How one field column is written. */
export interface FieldColumnFormat {
  /** The column name, for messages. */
  name: string
  /** The escaped field key and `=`. */
  prefix: string
  /** The column's own kind, or the type that `fieldTypes` asks for. */
  format: FieldFormat
}

/**
 * Formats the field cells of one column slice into `out[0..length)`: `prefix + value`, or
 * `undefined` where the cell is missing. Throws {@link CellError} for a value that cannot be
 * written as the column's format.
 */
export function formatFieldCells(
  block: CellBlock,
  length: number,
  field: FieldColumnFormat,
  out: (string | undefined)[],
  dictionaryCache: DictionaryTextCache,
): void {
  const { prefix, format } = field
  switch (block.kind) {
    case 'null':
      out.fill(undefined, 0, length)
      return
    case 'dictionary': {
      const texts = dictionaryCache.texts(block.dictionary, (value) => slowFieldText(value, field, 0))
      const { indices, offset, valid } = block
      for (let i = 0; i < length; i++) {
        out[i] = valid !== undefined && !valid(i) ? undefined : texts[Number(indices[offset + i])]
      }
      return
    }
    case 'float':
      if (format === 'float') return formatFloats(block, length, prefix, out)
      return formatSlowly(block, length, field, out)
    case 'int':
    case 'uint':
      if (format === block.kind) return formatIntegers(block, length, field, out)
      return formatSlowly(block, length, field, out)
    case 'bool': {
      const { values, offset, valid } = block
      const yes = `${prefix}true`
      const no = `${prefix}false`
      for (let i = 0; i < length; i++) {
        const v = values[offset + i]
        out[i] = v === null || v === undefined || (valid !== undefined && !valid(i)) ? undefined : v ? yes : no
      }
      return
    }
    case 'string': {
      const { values, offset, valid } = block
      for (let i = 0; i < length; i++) {
        const v = values[offset + i]
        out[i] = v === null || v === undefined || (valid !== undefined && !valid(i)) ? undefined : prefix + escapeStringValue(v)
      }
      return
    }
    default:
      // Validation keeps times out of fields; reaching here is a bug in a table module.
      throw new CellError(0, `a ${block.kind} value cannot be a field`)
  }
}

/** Cells of a numeric column slice. */
interface NumberCells<T extends number | bigint> {
  values: ArrayLike<T | null | undefined>
  offset: number
  valid?: Validity
}

function formatFloats({ values, offset, valid }: NumberCells<number>, length: number, prefix: string, out: (string | undefined)[]): void {
  for (let i = 0; i < length; i++) {
    const v = values[offset + i]
    // `v - v` is NaN for NaN and ±Infinity, and 0 for every finite number.
    out[i] = v === null || v === undefined || v - v !== 0 || (valid !== undefined && !valid(i)) ? undefined : prefix + floatText(v)
  }
}

function formatIntegers(cells: NumberCells<number | bigint>, length: number, field: FieldColumnFormat, out: (string | undefined)[]): void {
  const { values, offset, valid } = cells
  const { prefix, format } = field
  const suffix = format === 'int' ? 'i' : 'u'
  // 64-bit typed arrays cannot hold a value outside their range: no per-cell check.
  if (values instanceof BigInt64Array ? format === 'int' : values instanceof BigUint64Array && format === 'uint') {
    for (let i = 0; i < length; i++) {
      out[i] = valid !== undefined && !valid(i) ? undefined : prefix + values[offset + i] + suffix
    }
    return
  }
  for (let i = 0; i < length; i++) {
    const v = values[offset + i]
    if (v === null || v === undefined || (valid !== undefined && !valid(i))) out[i] = undefined
    else if (typeof v === 'number' && Number.isSafeInteger(v) && (format === 'int' || v >= 0)) out[i] = prefix + v + suffix
    else out[i] = slowFieldText(v, field, i)
  }
}

/** Values whose kind differs from the written type (`fieldTypes`), one by one. */
function formatSlowly({ values, offset, valid }: NumberCells<number | bigint>, length: number, field: FieldColumnFormat, out: (string | undefined)[]): void {
  for (let i = 0; i < length; i++) {
    out[i] = valid !== undefined && !valid(i) ? undefined : slowFieldText(values[offset + i], field, i)
  }
}

/** One value through the general field formatting of `line-protocol/values.ts`. */
function slowFieldText(value: CellValue, field: FieldColumnFormat, index: number): string | undefined {
  if (value instanceof Date) throw new CellError(index, 'a time cannot be a field value')
  const numeric = typeof value === 'number' || typeof value === 'bigint'
  try {
    const text = formatFieldValue(field.name, value, numeric && field.format !== 'bool' && field.format !== 'string' ? field.format : undefined)
    return text === undefined ? undefined : field.prefix + text
  } catch (error) {
    throw new CellError(index, (error as Error).message)
  }
}
/**
 * Formats each dictionary entry once, and again only when the dictionary object changes
 * (Arrow keeps one dictionary object for all batches that share it).
 */
export class DictionaryTextCache {
  private dictionary: readonly CellValue[] | undefined
  private cached: (string | undefined)[] = []

  texts(dictionary: readonly CellValue[], format: (value: CellValue) => string | undefined): readonly (string | undefined)[] {
    if (dictionary !== this.dictionary) {
      this.cached = dictionary.map((value) => format(value))
      this.dictionary = dictionary
    }
    return this.cached
  }
}
