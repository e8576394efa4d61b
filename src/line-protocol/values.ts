/**
 * Field values: JavaScript value → line-protocol text (design.md §3).
 *
 * A number is always a float, so a field's type never changes with its value (`1` and `1.5`
 * are both floats). Integers are written from a bigint, or from a number with `fieldTypes`
 * `int`/`uint`. `null`, `undefined`, `NaN` and `±Infinity` skip the field.
 */
import { escapeStringValue } from './escape.js'
import { floatText } from './float-text.js'

/** How a field value is typed in line protocol, when the JS type alone does not say. */
export type FieldType = 'int' | 'uint' | 'float'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/**
 * A finite float as JavaScript prints it (`String(value)`), keeping the sign of `-0` (Go and
 * Rust store it). Uses the fast exact path of `float-text.ts`.
 */
export function formatFloat(value: number): string {
  return floatText(value)
}

/**
 * Formats a field value. Returns `undefined` when the field is to be skipped (`null`,
 * `undefined`, `NaN`, `±Infinity`). Throws `TypeError` for a value of the wrong type and
 * `RangeError` for an integer out of range; the message names the field.
 */
export function formatFieldValue(key: string, value: unknown, fieldType?: FieldType): string | undefined {
  if (fieldType === undefined) {
    switch (typeof value) {
      case 'number':
        return Number.isFinite(value) ? formatFloat(value) : undefined
      case 'bigint':
        return formatInteger(key, value)
      case 'boolean':
        return value ? 'true' : 'false'
      case 'string':
        return formatString(key, value)
      case 'undefined':
        return undefined
      default:
        if (value === null) return undefined
        throw new TypeError(
          `field ${JSON.stringify(key)}: ${describeType(value)} is not a field value (use a number, bigint, boolean or string)`,
        )
    }
  }
  return formatTypedValue(key, value, fieldType)
}

/** A quoted string value; a lone UTF-16 surrogate is a `TypeError` naming the field. */
export function formatString(key: string, value: string): string {
  try {
    return escapeStringValue(value)
  } catch (error) {
    throw new TypeError(`field ${JSON.stringify(key)}: ${(error as Error).message}`, { cause: error })
  }
}

function formatTypedValue(key: string, value: unknown, fieldType: FieldType): string | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'number' && Number.isNaN(value)) return undefined
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined
  switch (fieldType) {
    case 'int':
      // Every safe integer is in int64 range: skip the BigInt round trip.
      if (Number.isSafeInteger(value)) return `${value as number}i`
      return formatInteger(key, toExactInteger(key, value, 'int'))
    case 'uint':
      return formatUnsigned(key, toExactInteger(key, value, 'uint'))
    case 'float':
      if (typeof value === 'number') return formatFloat(value)
      // A bigint's decimal digits are a valid float literal; the server rounds them once.
      if (typeof value === 'bigint') return String(value)
      throw typedMismatch(key, value, fieldType)
    default:
      throw new TypeError(
        `field ${JSON.stringify(key)}: unknown field type ${JSON.stringify(fieldType)} (use "int", "uint" or "float")`,
      )
  }
}

function toExactInteger(key: string, value: unknown, fieldType: FieldType): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value !== 'number') throw typedMismatch(key, value, fieldType)
  if (!Number.isInteger(value)) {
    throw new RangeError(
      `field ${JSON.stringify(key)}: ${value} is not an integer, but the field is typed "${fieldType}"`,
    )
  }
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(
      `field ${JSON.stringify(key)}: ${value} is beyond 2^53 and has lost precision as a number; pass it as a bigint`,
    )
  }
  return BigInt(value)
}

function typedMismatch(key: string, value: unknown, fieldType: FieldType): TypeError {
  return new TypeError(`field ${JSON.stringify(key)}: ${describeType(value)} cannot be written as "${fieldType}"`)
}

/** `125i`, after checking the int64 range. */
export function formatInteger(key: string, value: bigint): string {
  if (value < INT64_MIN || value > INT64_MAX) {
    throw new RangeError(`field ${JSON.stringify(key)}: ${value} is out of the int64 range`)
  }
  return `${value}i`
}

/** `125u`, after checking the uint64 range. */
export function formatUnsigned(key: string, value: bigint): string {
  if (value < 0n || value > UINT64_MAX) {
    throw new RangeError(`field ${JSON.stringify(key)}: ${value} is out of the uint64 range`)
  }
  return `${value}u`
}

/** A short, readable name of a value's type for error messages: `object`, `Date`, `symbol`, `function`. */
export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name
    return typeof name === 'string' && name !== 'Object' && name !== '' ? name : 'object'
  }
  return typeof value
}
