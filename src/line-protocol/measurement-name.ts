/**
 * Measurement names escaped and encoded, remembering the last one: the points of a write are
 * mostly of one measurement, built one after another.
 */
import { EncodedText } from './encoded-text.js'
import { escapeMeasurement } from './escape.js'
import { describeType } from './values.js'

let lastMeasurement: string | undefined
let lastEscapedMeasurement = ''

/** The measurement escaped for line protocol. Throws `TypeError` for one it cannot carry exactly. */
export function escapedMeasurement(measurement: string): string {
  if (typeof measurement !== 'string') throw new TypeError(`measurement: ${describeType(measurement)} is not a string`)
  if (measurement === lastMeasurement) return lastEscapedMeasurement
  let escaped: string
  try {
    escaped = escapeMeasurement(measurement)
  } catch (error) {
    throw new TypeError(`measurement: ${(error as Error).message}`, { cause: error })
  }
  lastMeasurement = measurement
  lastEscapedMeasurement = escaped
  return escaped
}

let lastWrittenName = ''
let lastEncodedName = new EncodedText('')

/** An escaped measurement encoded for copying into bytes. */
export function encodedName(escaped: string): EncodedText {
  if (escaped !== lastWrittenName) {
    lastEncodedName = new EncodedText(escaped)
    lastWrittenName = escaped
  }
  return lastEncodedName
}
