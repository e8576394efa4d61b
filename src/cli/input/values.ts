/**
 * Text → typed value conversions shared by the CSV and NDJSON readers. Every conversion either
 * returns the exact value or throws a `ValueError` with the reason, so a row is refused whole
 * instead of being written with a silently changed value.
 */

/** The field types a user can pin with `--field-types name=type`. */
export type FieldValueType = 'float' | 'int' | 'uint' | 'bool' | 'string'

export const FIELD_VALUE_TYPES: readonly FieldValueType[] = ['float', 'int', 'uint', 'bool', 'string']

/** A value that cannot be converted; the message is the reason, without the position. */
export class ValueError extends Error {
  override name = 'ValueError'
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INTEGER = /^[+-]?\d+$/

export function isDecimalText(text: string): boolean {
  return DECIMAL.test(text)
}

export function isIntegerText(text: string): boolean {
  return INTEGER.test(text)
}

/** `true`/`false` in any letter case; anything else is not a boolean. */
export function parseBoolText(text: string): boolean | undefined {
  const lower = text.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  return undefined
}

export function parseFloatText(text: string): number {
  if (!DECIMAL.test(text)) throw new ValueError(`${JSON.stringify(text)} is not a number`)
  const value = Number(text)
  if (!Number.isFinite(value)) throw new ValueError(`${JSON.stringify(text)} is out of the float64 range`)
  return value
}

export function parseIntText(text: string, type: 'int' | 'uint'): bigint {
  if (!INTEGER.test(text)) throw new ValueError(`${JSON.stringify(text)} is not an integer`)
  return checkIntRange(BigInt(text), type, text)
}

/** Reads a JSON number as an integer; refuses values a double cannot hold exactly. */
export function intFromNumber(value: number, type: 'int' | 'uint'): bigint {
  if (!Number.isInteger(value)) throw new ValueError(`${value} is not an integer`)
  if (!Number.isSafeInteger(value)) {
    throw new ValueError(`${value} is beyond 2^53 and was already rounded by JSON; write it as a string of digits`)
  }
  return checkIntRange(BigInt(value), type, String(value))
}

function checkIntRange(value: bigint, type: 'int' | 'uint', text: string): bigint {
  if (type === 'int' && (value < INT64_MIN || value > INT64_MAX))
    throw new ValueError(`${text} is out of the int64 range`)
  if (type === 'uint' && (value < 0n || value > UINT64_MAX)) throw new ValueError(`${text} is out of the uint64 range`)
  return value
}

/** Parses `a=int,b=string` (the `--field-types` flag). Throws `ValueError` naming the bad entry. */
export function parseFieldTypes(spec: string | undefined): Map<string, FieldValueType> {
  const types = new Map<string, FieldValueType>()
  if (spec === undefined || spec === '') return types
  for (const entry of spec.split(',')) {
    const eq = entry.lastIndexOf('=')
    const name = entry.slice(0, eq)
    const type = entry.slice(eq + 1) as FieldValueType
    if (eq <= 0 || !FIELD_VALUE_TYPES.includes(type)) {
      throw new ValueError(
        `--field-types: ${JSON.stringify(entry)} is not name=type with type one of ${FIELD_VALUE_TYPES.join(', ')}`,
      )
    }
    types.set(name, type)
  }
  return types
}

/** Splits a comma-separated list flag (`--tag-columns a,b`), dropping empty entries. */
export function parseList(spec: string | undefined): string[] {
  if (spec === undefined) return []
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}
