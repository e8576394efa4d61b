// A strict line-protocol parser written for the embedded test server. It is deliberately
// independent of the client's serializer, so that a client bug cannot hide behind a parser
// built from the same code. It follows the scanning rules of InfluxDB's Go parser
// (models/points.go) character for character, because users compare its verdicts with a
// real server: the same inputs must be accepted and rejected, with the same messages.
import type { WritePrecision } from '../line-protocol/precision.js'
import { NANOS_PER_UNIT } from '../line-protocol/precision.js'

/** The five line-protocol field types, named as InfluxDB names them in its error messages. */
export type ParsedFieldType = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean'

/** A field value as JavaScript holds it: float → number, integer and unsigned → bigint. */
export type FieldValue = number | bigint | string | boolean

/** One parsed field. */
export interface ParsedField {
  /** Field key, unescaped. */
  readonly key: string
  /** Its line-protocol type. */
  readonly type: ParsedFieldType
  /** Its value: float as number, integer and unsigned as bigint, string, boolean. */
  readonly value: FieldValue
}

/** One parsed line. Tags are unescaped and sorted by key; `seriesKey` identifies the series. */
export interface ParsedPoint {
  /** Measurement, unescaped. */
  readonly measurement: string
  /** Tag key and value pairs, unescaped, sorted by key. */
  readonly tags: ReadonlyArray<readonly [string, string]>
  /** The fields, in line order. */
  readonly fields: readonly ParsedField[]
  /** Nanoseconds since the epoch. */
  readonly time: bigint
  /** Measurement and sorted tags: the identity of the series. */
  readonly seriesKey: string
}

/** The outcome of parsing a whole body: the good points and one message per failed line. */
export interface ParseResult {
  /** The points of every good line. */
  readonly points: ParsedPoint[]
  /** `unable to parse '<line>': <reason>`, in line order. */
  readonly errors: string[]
}

/** Options for {@link parseLineProtocol}. */
export interface ParseOptions {
  /** Unit of the timestamps in the lines. */
  readonly precision: WritePrecision
  /** Nanoseconds since the epoch given to points without a timestamp (truncated to the precision). */
  readonly now: bigint
}

/** The earliest storable timestamp, in nanoseconds (1677-09-21T00:12:43.145224194Z). */
export const MIN_NANO_TIME = -9223372036854775806n
/** The latest storable timestamp, in nanoseconds (2262-04-11T23:47:16.854775806Z). */
export const MAX_NANO_TIME = 9223372036854775806n
const MAX_KEY_LENGTH = 65535
const RESERVED_TAG_KEYS = new Set(['_field', '_measurement', 'time'])
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

const BACKSLASH = 0x5c
const SPACE = 0x20
const TAB = 0x09
const NUL = 0x00
const COMMA = 0x2c
const EQUALS = 0x3d
const QUOTE = 0x22
const NEWLINE = 0x0a
const HASH = 0x23
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e

class LineError extends Error {}

/**
 * Parses a line-protocol body. Every line is parsed, so that a caller can report all bad
 * lines at once; points of the good lines are returned even when some lines failed.
 */
export function parseLineProtocol(text: string, options: ParseOptions): ParseResult {
  const unit = NANOS_PER_UNIT[options.precision]
  const defaultTime = options.now - (((options.now % unit) + unit) % unit)
  const points: ParsedPoint[] = []
  const errors: string[] = []
  const caches: Caches = { keys: new Map(), fieldKeys: [] }
  let pos = 0
  while (pos < text.length) {
    const end = scanLine(text, pos)
    const block = text.slice(pos, end)
    pos = end + 1
    if (block.length === 0) continue
    const start = skipWhitespace(block, 0)
    if (start >= block.length || block.charCodeAt(start) === HASH) continue
    // A line that ran to the end of the body (an open quote) keeps the body's last newline; 1.x
    // drops that one newline before parsing and before quoting the line in its error.
    const lineEnd = block.charCodeAt(block.length - 1) === NEWLINE ? block.length - 1 : block.length
    const line = block.slice(start, lineEnd)
    try {
      points.push(parsePoint(line, defaultTime, unit, caches))
    } catch (error) {
      if (!(error instanceof LineError)) throw error
      errors.push(`unable to parse '${line}': ${error.message}`)
    }
  }
  return { points, errors }
}

// Finds the end of the line starting at `i`: the first newline outside a quoted field value.
function scanLine(buf: string, i: number): number {
  let quoted = false
  let inFields = false
  let equals = 0
  let commas = 0
  const n = buf.length
  while (i < n) {
    const c = buf.charCodeAt(i)
    if (c === BACKSLASH && i + 2 < n) {
      i += 2
      continue
    }
    if (c === SPACE) inFields = true
    if (inFields) {
      if (!quoted && c === EQUALS) {
        i++
        equals++
        continue
      } else if (!quoted && c === COMMA) {
        i++
        commas++
        continue
      } else if (c === QUOTE && equals > commas) {
        i++
        quoted = !quoted
        continue
      }
    }
    if (c === NEWLINE && !quoted) break
    i++
  }
  return i
}

function skipWhitespace(buf: string, i: number): number {
  while (i < buf.length) {
    const c = buf.charCodeAt(i)
    if (c !== SPACE && c !== TAB && c !== NUL) break
    i++
  }
  return i
}

// What earlier lines of the same body already worked out. Most lines of a batch repeat a few
// series and the same field keys, and a raw key that scanned cleanly once always scans to the
// same result.
interface Caches {
  /** Series keys by their raw text. */
  readonly keys: Map<string, ScannedKey>
  /** The last field key seen at each field position. */
  readonly fieldKeys: Array<{ raw: string; key: string; bytes: number }>
}
const KEY_CACHE_LIMIT = 10_000

function parsePoint(line: string, defaultTime: bigint, unit: bigint, { keys, fieldKeys }: Caches): ParsedPoint {
  const rawKeyEnd = firstUnescapedSpace(line)
  const rawKey = rawKeyEnd < 0 ? undefined : line.slice(0, rawKeyEnd)
  let key = rawKey === undefined ? undefined : keys.get(rawKey)
  if (key === undefined) {
    key = scanKey(line)
    if (rawKey !== undefined && key.end === rawKeyEnd && keys.size < KEY_CACHE_LIMIT) keys.set(rawKey, key)
  }
  const fieldsStart = skipWhitespace(line, key.end)
  const fieldsEnd = scanFields(line, fieldsStart)
  const fields = readFields(line, fieldsStart, fieldsEnd, key.byteLength, fieldKeys)
  const time = scanTime(line, fieldsEnd, defaultTime, unit)
  return { measurement: key.measurement, tags: key.tags, fields, time, seriesKey: key.seriesKey }
}

// Where scanKey ends when it succeeds: the first space not preceded by a backslash.
function firstUnescapedSpace(line: string): number {
  let i = line.indexOf(' ')
  while (i > 0 && line.charCodeAt(i - 1) === BACKSLASH) i = line.indexOf(' ', i + 1)
  return i
}

interface ScannedKey {
  end: number
  measurement: string
  tags: Array<readonly [string, string]>
  seriesKey: string
  byteLength: number
}

function scanKey(buf: string, start: number = 0): ScannedKey {
  let i = start
  const n = buf.length
  if (i >= n || buf.charCodeAt(i) === COMMA) throw new LineError('missing measurement')
  let hasTags = false
  for (;;) {
    i++
    if (i >= n) throw new LineError('missing fields')
    if (buf.charCodeAt(i - 1) === BACKSLASH) continue
    const c = buf.charCodeAt(i)
    if (c === COMMA) {
      hasTags = true
      break
    }
    if (c === SPACE) break
  }
  const rawMeasurement = buf.slice(start, i)
  const rawTags: Array<{ key: string; value: string }> = []
  if (hasTags) i = scanTags(buf, i + 1, rawTags)
  for (const tag of rawTags) {
    if (RESERVED_TAG_KEYS.has(tag.key)) throw new LineError(`cannot use reserved tag key "${tag.key}"`)
  }
  let sorted = true
  for (let j = 0; j + 1 < rawTags.length; j++) {
    const cmp = compareBytes(rawTags[j].key, rawTags[j + 1].key)
    if (cmp === 0) throw new LineError('duplicate tags')
    if (cmp > 0) {
      sorted = false
      break
    }
  }
  if (!sorted) {
    rawTags.sort((a, b) => compareBytes(a.key, b.key))
    for (let j = 0; j + 1 < rawTags.length; j++) {
      if (rawTags[j].key === rawTags[j + 1].key) throw new LineError('duplicate tags')
    }
  }
  const byteLength = utf8Length(buf.slice(start, i))
  if (byteLength > MAX_KEY_LENGTH) throw new LineError(`max key length exceeded: ${byteLength} > ${MAX_KEY_LENGTH}`)
  const measurement = unescape(rawMeasurement, MEASUREMENT_ESCAPES)
  const tags = rawTags.map((t) => [unescape(t.key, TAG_ESCAPES), unescape(t.value, TAG_ESCAPES)] as const)
  return { end: i, measurement, tags, seriesKey: seriesKeyOf(measurement, tags), byteLength }
}

// Scans `k=v[,k=v...]` up to the space before the fields; returns the index of that space.
function scanTags(buf: string, i: number, out: Array<{ key: string; value: string }>): number {
  const n = buf.length
  for (;;) {
    const keyStart = i
    let c = i < n ? buf.charCodeAt(i) : -1
    if (i >= n || c === SPACE || c === COMMA || c === EQUALS) throw new LineError('missing tag key')
    for (;;) {
      i++
      if (i >= n) throw new LineError('missing tag value')
      c = buf.charCodeAt(i)
      const escaped = buf.charCodeAt(i - 1) === BACKSLASH
      if ((c === SPACE || c === COMMA) && !escaped) throw new LineError('missing tag value')
      if (c === EQUALS && !escaped) break
    }
    const key = buf.slice(keyStart, i)
    i++
    const valueStart = i
    c = i < n ? buf.charCodeAt(i) : -1
    if (i >= n || c === COMMA || c === SPACE) throw new LineError('missing tag value')
    for (;;) {
      i++
      if (i >= n) throw new LineError('missing fields')
      c = buf.charCodeAt(i)
      const escaped = buf.charCodeAt(i - 1) === BACKSLASH
      if (escaped) continue
      if (c === EQUALS) throw new LineError('invalid tag format')
      if (c === COMMA || c === SPACE) break
    }
    out.push({ key, value: buf.slice(valueStart, i) })
    if (c === SPACE) return i
    i++
  }
}

// Validates the field section starting at `start`; returns the index just after it.
function scanFields(buf: string, start: number): number {
  let i = start
  const n = buf.length
  let quoted = false
  let equals = 0
  let commas = 0
  while (i < n) {
    const c = buf.charCodeAt(i)
    if (c === BACKSLASH && i + 1 < n) {
      i += 2
      continue
    }
    if (c === QUOTE && equals > commas) {
      quoted = !quoted
      i++
      continue
    }
    if (c === EQUALS && !quoted) {
      equals++
      const before = buf.charCodeAt(i - 1)
      const beforeEscaped = buf.charCodeAt(i - 2) === BACKSLASH
      if ((before === SPACE || before === COMMA) && !beforeEscaped) throw new LineError('missing field key')
      if (i + 1 >= n) throw new LineError('missing field value')
      const next = buf.charCodeAt(i + 1)
      if (next === COMMA || next === SPACE) throw new LineError('missing field value')
      if (isNumeric(next) || next === MINUS || next === 0x4e /* N */ || next === 0x6e /* n */) {
        i = scanNumber(buf, i + 1)
        continue
      }
      if (next !== QUOTE) {
        i = scanBoolean(buf, i + 1)
        continue
      }
    }
    if (c === COMMA && !quoted) commas++
    if (c === SPACE && !quoted) break
    i++
  }
  if (quoted) throw new LineError('unbalanced quotes')
  if (equals === 0 || commas !== equals - 1) throw new LineError('invalid field format')
  return i
}

function isNumeric(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === DOT
}

function scanNumber(buf: string, i: number): number {
  const start = i
  const n = buf.length
  let isInt = false
  let isUnsigned = false
  if (i < n && buf.charCodeAt(i) === MINUS) {
    i++
    if (i === n) throw new LineError('invalid number')
  }
  let decimal = false
  let scientific = false
  while (i < n) {
    const c = buf.charCodeAt(i)
    if (c === COMMA || c === SPACE) break
    if (c === 0x69 /* i */ && i > start && !(isInt || isUnsigned)) {
      isInt = true
      i++
      continue
    } else if (c === 0x75 /* u */ && i > start && !(isInt || isUnsigned)) {
      isUnsigned = true
      i++
      continue
    }
    if (c === DOT) {
      if (decimal) throw new LineError('invalid number')
      decimal = true
    }
    if (i > start && (c === 0x65 || c === 0x45)) {
      scientific = true
      i++
      continue
    }
    if (c === PLUS || c === MINUS) {
      const prev = buf.charCodeAt(i - 1)
      if (prev === 0x65 || prev === 0x45) {
        i++
        continue
      }
    }
    if (!isNumeric(c)) throw new LineError('invalid number')
    i++
  }
  if ((isInt || isUnsigned) && (decimal || scientific)) throw new LineError('invalid number')
  let digits = i - start
  if (isInt) digits--
  if (decimal) digits--
  if (buf.charCodeAt(start) === MINUS) digits--
  if (digits === 0) throw new LineError('invalid number')
  const text = buf.slice(start, i)
  if (isInt) {
    if (buf.charCodeAt(i - 1) !== 0x69) throw new LineError('invalid number')
    const digitsText = text.slice(0, -1)
    // Shorter integers cannot leave the int64 range; skipping them keeps ingest fast.
    if (digitsText.length >= 19 && outOfRange(BigInt(digitsText), INT64_MIN, INT64_MAX)) {
      throw new LineError(
        `unable to parse integer ${digitsText}: strconv.ParseInt: parsing "${digitsText}": value out of range`,
      )
    }
  } else if (isUnsigned) {
    if (buf.charCodeAt(i - 1) !== 0x75 || buf.charCodeAt(start) === MINUS) throw new LineError('invalid number')
    const digitsText = text.slice(0, -1)
    if (digitsText.length >= 20 && outOfRange(BigInt(digitsText), 0n, UINT64_MAX)) {
      throw new LineError(
        `unable to parse unsigned ${digitsText}: strconv.ParseUint: parsing "${digitsText}": value out of range`,
      )
    }
  } else if ((scientific || text.length >= 25) && (!FLOAT_SYNTAX.test(text) || !Number.isFinite(Number(text)))) {
    throw new LineError('invalid float')
  }
  return i
}

function outOfRange(value: bigint, min: bigint, max: bigint): boolean {
  return value < min || value > max
}

// The floats Go's strconv.ParseFloat accepts among what scanNumber lets through.
const FLOAT_SYNTAX = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function scanBoolean(buf: string, i: number): number {
  const start = i
  const n = buf.length
  const first = buf.charCodeAt(i)
  if (first !== 0x74 && first !== 0x66 && first !== 0x54 && first !== 0x46) throw new LineError('invalid boolean')
  i++
  while (i < n) {
    const c = buf.charCodeAt(i)
    if (c === COMMA || c === SPACE) break
    i++
  }
  if (i - start === 1) return i
  if (!BOOLEAN_WORDS.has(buf.slice(start, i))) throw new LineError('invalid boolean')
  return i
}

const BOOLEAN_WORDS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'])
const TRUE_WORDS = new Set(['t', 'T', 'true', 'True', 'TRUE'])

// Splits the validated field section into typed fields, as Go's field iterator does.
function readFields(
  buf: string,
  start: number,
  end: number,
  keyByteLength: number,
  known: Caches['fieldKeys'],
): ParsedField[] {
  const fields: ParsedField[] = []
  let i = start
  while (i < end) {
    // The same key as at this position in an earlier line needs no slicing and unescaping:
    // a raw key ends at its first unescaped `=`, so matching text followed by `=` ends there too.
    let fieldKey = known[fields.length]
    const length = fieldKey?.raw.length ?? 0
    if (
      length > 0 &&
      i + length < end - 1 &&
      buf.charCodeAt(i + length) === EQUALS &&
      buf.startsWith(fieldKey.raw, i)
    ) {
      i += length
    } else {
      const keyStart = i
      while (i < end && !(buf.charCodeAt(i) === EQUALS && (i === 0 || buf.charCodeAt(i - 1) !== BACKSLASH))) i++
      const raw = buf.slice(keyStart, i)
      // Go's walkFields: a key with no `=` after it, or with nothing after its `=`, ends the line
      // (reached when a `\,` after a string value makes the value scanner end one field early).
      if (i >= end - 1) throw new LineError(`invalid value: field-key=${raw}`)
      fieldKey = { raw, key: unescape(raw, FIELD_KEY_ESCAPES), bytes: utf8Length(raw) }
      known[fields.length] = fieldKey
    }
    i++
    const valueStart = i
    let quoted = false
    while (i < end) {
      const c = buf.charCodeAt(i)
      if (c === BACKSLASH && i + 1 < end) {
        const next = buf.charCodeAt(i + 1)
        if (next === QUOTE || next === BACKSLASH) {
          i += 2
          continue
        }
      }
      if (c === QUOTE) {
        quoted = !quoted
        i++
        continue
      }
      if (c === COMMA && !quoted) break
      i++
    }
    const raw = buf.slice(valueStart, i)
    i++
    // Go's field iterator skips a value-less field (only reachable through escapes); an empty
    // key is accepted (for example after a tab: `m \t=1`), so it is kept.
    if (raw.length === 0) continue
    const size = keyByteLength + 4 + fieldKey.bytes
    if (size > MAX_KEY_LENGTH) throw new LineError(`max key length exceeded: ${size} > ${MAX_KEY_LENGTH}`)
    fields.push(typedField(fieldKey.key, raw))
  }
  return fields
}

function typedField(key: string, raw: string): ParsedField {
  const first = raw.charCodeAt(0)
  if (first === QUOTE) return { key, type: 'string', value: unescapeString(raw.slice(1, -1)) }
  const last = raw.charCodeAt(raw.length - 1)
  if (last === 0x69) return { key, type: 'integer', value: BigInt(raw.slice(0, -1)) }
  if (last === 0x75) return { key, type: 'unsigned', value: BigInt(raw.slice(0, -1)) }
  if (isNumeric(first) || first === MINUS) return { key, type: 'float', value: Number(raw) }
  return { key, type: 'boolean', value: TRUE_WORDS.has(raw) }
}

function unescapeString(text: string): string {
  if (text.indexOf('\\') === -1) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === BACKSLASH && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next === QUOTE || next === BACKSLASH) {
        out += text[i + 1]
        i++
        continue
      }
    }
    out += text[i]
  }
  return out
}

function scanTime(buf: string, i: number, defaultTime: bigint, unit: bigint): bigint {
  const start = skipWhitespace(buf, i)
  const n = buf.length
  i = start
  while (i < n) {
    const c = buf.charCodeAt(i)
    if (c === NEWLINE || c === SPACE) break
    if (i === start && c === MINUS) {
      i++
      continue
    }
    if (c < 0x30 || c > 0x39) throw new LineError('bad timestamp')
    i++
  }
  if (i === start) return defaultTime
  const text = buf.slice(start, i)
  if (text === '-') throw new LineError('strconv.ParseInt: parsing "-": invalid syntax')
  const value = BigInt(text)
  if (value < INT64_MIN || value > INT64_MAX)
    throw new LineError(`strconv.ParseInt: parsing "${text}": value out of range`)
  const nanos = value * unit
  if (nanos < MIN_NANO_TIME || nanos > MAX_NANO_TIME) {
    throw new LineError(`time outside range ${MIN_NANO_TIME} - ${MAX_NANO_TIME}`)
  }
  for (; i < n; i++) if (buf.charCodeAt(i) !== SPACE) throw new LineError('point is invalid')
  return nanos
}

const MEASUREMENT_ESCAPES = new Set([COMMA, QUOTE, SPACE, EQUALS])
const TAG_ESCAPES = new Set([COMMA, SPACE, EQUALS])
const FIELD_KEY_ESCAPES = MEASUREMENT_ESCAPES

// A backslash before one of `escapable` is dropped; any other backslash is kept literally.
function unescape(raw: string, escapable: ReadonlySet<number>): string {
  if (raw.indexOf('\\') === -1) return raw
  let out = ''
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) === BACKSLASH && i + 1 < raw.length && escapable.has(raw.charCodeAt(i + 1))) {
      out += raw[i + 1]
      i++
    } else {
      out += raw[i]
    }
  }
  return out
}

// Go compares tag keys as bytes. UTF-16 order equals UTF-8 byte order except around
// surrogate pairs, so only keys holding those pay for a byte comparison.
function compareBytes(a: string, b: string): number {
  if (a === b) return 0
  if (!HIGH_CODE_UNIT.test(a) && !HIGH_CODE_UNIT.test(b)) return a < b ? -1 : 1
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}
const HIGH_CODE_UNIT = /[\uD800-\uFFFF]/

function utf8Length(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return Buffer.byteLength(text)
  return text.length
}

/** A key that is equal for two points exactly when their measurement and tag set are equal. */
export function seriesKeyOf(measurement: string, tags: ReadonlyArray<readonly [string, string]>): string {
  let key = keyPart(measurement)
  for (const [k, v] of tags) key += '\u0000' + keyPart(k) + '\u0000' + keyPart(v)
  return key
}

function keyPart(text: string): string {
  if (text.indexOf('\u0000') === -1 && text.indexOf('\\') === -1) return text
  return text.replaceAll('\\', '\\\\').replaceAll('\u0000', '\\0')
}
