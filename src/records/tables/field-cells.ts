/**
 * Field cells → `key=value` texts, one column slice at a time. Each kind has its own loop, so
 * no cell goes through a generic type switch. Values follow design.md §3:
 * a float is JavaScript `String(n)`, an integer is `<n>i`, an unsigned one `<n>u`, a boolean
 * `true`/`false`, a string `"…"` escaped; null, undefined, NaN and ±Infinity leave the field out.
 */
import { escapeStringValue } from '../../line-protocol/escape.js'
import type { FieldType } from '../../write/write-options.js'
import { CellError } from './cell-error.js'
import type { CellBlock, CellValue } from './model.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** The line-protocol type a field column is written as. */
export type FieldFormat = 'float' | 'int' | 'uint' | 'bool' | 'string'

/**
 * Formats the field cells of one column slice into `out[0..length)`: `prefix + value`, or
 * `undefined` where the cell is missing. `format` is the column's own kind, or the kind that
 * `fieldTypes` asks for. Throws {@link CellError} for a value that cannot be written as `format`.
 */
export function formatFieldCells(
  block: CellBlock,
  length: number,
  prefix: string,
  format: FieldFormat,
  out: (string | undefined)[],
  dictionaryCache: DictionaryTextCache,
): void {
  switch (block.kind) {
    case 'null':
      out.fill(undefined, 0, length)
      return
    case 'dictionary': {
      const texts = dictionaryCache.texts(block.dictionary, (value) => formatFieldValue(value, prefix, format))
      const { indices, offset, valid } = block
      for (let i = 0; i < length; i++) {
        out[i] = valid !== undefined && !valid(i) ? undefined : texts[Number(indices[offset + i])]
      }
      return
    }
    case 'float':
      if (format === 'float') return formatFloats(block.values, block.offset, block.valid, length, prefix, out)
      return formatNumbersAs(block.values, block.offset, block.valid, length, prefix, format, out)
    case 'int':
    case 'uint':
      if (format === block.kind) return formatIntegers(block.values, block.offset, block.valid, length, prefix, format, out)
      return formatNumbersAs(block.values, block.offset, block.valid, length, prefix, format, out)
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

function formatFloats(
  values: ArrayLike<number | null | undefined>,
  offset: number,
  valid: ((i: number) => boolean) | undefined,
  length: number,
  prefix: string,
  out: (string | undefined)[],
): void {
  for (let i = 0; i < length; i++) {
    const v = values[offset + i]
    // `v - v` is NaN for NaN and ±Infinity, and 0 for every finite number.
    out[i] = v === null || v === undefined || v - v !== 0 || (valid !== undefined && !valid(i)) ? undefined : prefix + v
  }
}

function formatIntegers(
  values: ArrayLike<number | bigint | null | undefined>,
  offset: number,
  valid: ((i: number) => boolean) | undefined,
  length: number,
  prefix: string,
  format: 'int' | 'uint',
  out: (string | undefined)[],
): void {
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
    if (v === null || v === undefined || (valid !== undefined && !valid(i))) {
      out[i] = undefined
    } else if (typeof v === 'number' && Number.isSafeInteger(v) && (format === 'int' || v >= 0)) {
      out[i] = prefix + v + suffix
    } else {
      out[i] = missingOr(integerText(v, format, i), prefix)
    }
  }
}

function formatNumbersAs(
  values: ArrayLike<number | bigint | null | undefined>,
  offset: number,
  valid: ((i: number) => boolean) | undefined,
  length: number,
  prefix: string,
  format: FieldFormat,
  out: (string | undefined)[],
): void {
  for (let i = 0; i < length; i++) {
    const v = values[offset + i]
    if (v === null || v === undefined || (valid !== undefined && !valid(i))) out[i] = undefined
    else if (format === 'float') out[i] = missingOr(floatText(Number(v)), prefix)
    else if (format === 'int' || format === 'uint') out[i] = missingOr(integerText(v, format, i), prefix)
    else throw new CellError(i, `a number cannot be written as ${format}`)
  }
}

function missingOr(text: string | undefined, prefix: string): string | undefined {
  return text === undefined ? undefined : prefix + text
}

function floatText(v: number): string | undefined {
  return v - v !== 0 ? undefined : String(v)
}

/** `<n>i` / `<n>u` for an integral number or bigint in range; NaN and ±Infinity are missing. */
function integerText(v: number | bigint, format: 'int' | 'uint', index: number): string | undefined {
  if (typeof v === 'number') {
    if (v - v !== 0) return undefined
    if (!Number.isInteger(v)) throw new CellError(index, `${v} is not an integer, so it cannot be written as ${format}`)
  }
  const big = BigInt(v)
  if (format === 'int' ? big < INT64_MIN || big > INT64_MAX : big < 0n || big > UINT64_MAX) {
    throw new CellError(index, `${big} is out of the ${format === 'int' ? 'int64' : 'uint64'} range`)
  }
  return format === 'int' ? `${big}i` : `${big}u`
}

/** One dictionary value (already a JavaScript value) → field text, or undefined when missing. */
function formatFieldValue(value: CellValue, prefix: string, format: FieldFormat): string | undefined {
  if (value === null || value === undefined) return undefined
  switch (typeof value) {
    case 'string': return prefix + escapeStringValue(value)
    case 'boolean': return prefix + String(value)
    case 'number':
    case 'bigint':
      if (format === 'float') return missingOr(floatText(Number(value)), prefix)
      return missingOr(integerText(value, format === 'uint' ? 'uint' : 'int', 0), prefix)
    default: throw new CellError(0, 'a dictionary of times cannot be a field')
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
