/**
 * Escaping of names and string values in line protocol.
 *
 * The rule: every name is written so that InfluxDB 1.x/2.x (the Go parser) stores exactly the
 * characters the user gave, and a name that no escaping can carry is refused with the reason,
 * instead of being stored as something else.
 *
 * Names (measurement, tag key, tag value, field key):
 * - `,` and space become `\,` and `\ `; in tag keys, tag values and field keys `=` becomes `\=`
 *   (the measurement keeps `=` as it is: Go and Rust both store it literally there).
 * - A backslash is written as it is. Go keeps a backslash before any other character literally
 *   (`a\b` is stored as `a\b`, `a\\b` as `a\\b`). Rust (InfluxDB 3) and VictoriaMetrics turn `\\`
 *   into one backslash, so a name holding two backslashes in a row is stored differently there.
 * - Refused, because no escaping round-trips on every parser:
 *   a backslash at the end of a name (it would escape the delimiter that follows),
 *   a backslash followed by `,`, space, `=` or `"` (the server unescapes the pair),
 *   a raw line feed (line protocol has no escape for it; InfluxDB's Python client's two-character `\n`
 *   would be stored as a backslash and an `n`), an empty measurement or field key,
 *   a measurement starting with `#` (the line would be a comment), and a measurement or field
 *   key starting with a tab or NUL (Go skips them as leading whitespace).
 * - Tab, carriage return and every other character, including any Unicode, pass through raw:
 *   Go stores them as given. A lone UTF-16 surrogate is refused (here and in string values):
 *   UTF-8 cannot encode it, and the server would store U+FFFD instead.
 *
 * String field values: `\` becomes `\\` and `"` becomes `\"`, inside double quotes. A raw line
 * feed is kept: InfluxDB 1.x, 2.x and 3 store it (their line splitters track quotes), but
 * VictoriaMetrics splits the line there and drops both halves.
 */

const MEASUREMENT_ESCAPES = /[, ]/g
const KEY_ESCAPES = /[,= ]/g
/** A UTF-16 surrogate without its partner: UTF-8 cannot encode it (it would become U+FFFD). */
export const LONE_SURROGATE = /\p{Cs}/u
/** A backslash that the server would read as an escape, or a trailing one. */
const UNREPRESENTABLE_BACKSLASH = /\\(?:[,= "]|$)/
const STRING_SPECIAL = /["\\]/
const STRING_ESCAPES = /["\\]/g

const TAB = 9
const NUL = 0

/** Thrown when a name cannot be written so that the server stores it unchanged. */
export class UnrepresentableNameError extends TypeError {
  override name = 'UnrepresentableNameError'
}

/**
 * Escapes a measurement name. Throws {@link UnrepresentableNameError} for a name that the server
 * could not store exactly (see the rule at the top of this file).
 */
export function escapeMeasurement(name: string): string {
  const first = name.charCodeAt(0)
  if (first === 35 /* # */ || first === TAB || first === NUL || name.length === 0) {
    throw new UnrepresentableNameError(measurementStartReason(name))
  }
  if (!needsKeyWork(name)) return name
  checkRepresentable(name)
  return name.replace(MEASUREMENT_ESCAPES, '\\$&')
}

function measurementStartReason(name: string): string {
  if (name.length === 0) return 'it is empty'
  if (name[0] === '#') return `${JSON.stringify(name)} starts with "#", which makes the line a comment`
  return `${JSON.stringify(name)} starts with a tab or NUL, which the server strips as whitespace`
}

/**
 * Escapes a tag key, a tag value or a field key. An empty string is returned as it is (the
 * caller decides: an empty tag is skipped, an empty field key is an error). Throws
 * {@link UnrepresentableNameError} for a name that the server could not store exactly.
 */
export function escapeKey(key: string): string {
  if (!needsKeyWork(key)) return key
  checkRepresentable(key)
  return key.replace(KEY_ESCAPES, '\\$&')
}

/** The key no server takes for a tag or a field (server_contract.md §3.5): it names the timestamp. */
const RESERVED_KEY = 'time'

/**
 * Escapes a tag key: {@link escapeKey}, and also refuses `time`, which every server refuses
 * (1.x drops the point, 2.x fails the whole request, 3.x rejects the line).
 */
export function escapeTagKey(key: string): string {
  if (key === RESERVED_KEY)
    throw new UnrepresentableNameError(
      '"time" cannot be a tag key: every InfluxDB refuses it (2.x fails the whole request)',
    )
  return escapeKey(key)
}

/**
 * Escapes a field key: {@link escapeKey}, and also refuses an empty key, a key starting with
 * a tab or NUL, which Go strips as leading whitespace when the field comes first, and `time`,
 * which 1.x and 2.x strip from the point and 3.x rejects.
 */
export function escapeFieldKey(key: string): string {
  if (key === RESERVED_KEY)
    throw new UnrepresentableNameError(
      '"time" cannot be a field key: InfluxDB 1.x and 2.x drop it, 3.x rejects the line',
    )
  const first = key.charCodeAt(0)
  if (first === TAB || first === NUL || key.length === 0) {
    throw new UnrepresentableNameError(
      key.length === 0
        ? 'the field key is empty'
        : `${JSON.stringify(key)} starts with a tab or NUL, which the server strips as whitespace`,
    )
  }
  return escapeKey(key)
}

const COMMA = 44
const EQUALS = 61
const SPACE = 32
const BACKSLASH = 92
const LF = 10

/**
 * True when a name holds `,`, `=`, space, backslash or line feed. A plain loop: names are short,
 * and for short strings it measured about twice as fast as a regex test. (`=` is checked for
 * measurements too: the regex replace after it then simply finds nothing to escape.)
 */
function needsKeyWork(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c <= EQUALS) {
      if (c === COMMA || c === SPACE || c === EQUALS || c === LF) return true
    } else if (c === BACKSLASH || (c >= 0xd800 && c <= 0xdfff)) return true
  }
  return false
}

function checkRepresentable(name: string): void {
  if (LONE_SURROGATE.test(name)) throw loneSurrogate(name)
  if (name.includes('\n')) {
    throw new UnrepresentableNameError(
      `${JSON.stringify(name)} contains a line feed, which line protocol cannot carry in a name`,
    )
  }
  const bad = UNREPRESENTABLE_BACKSLASH.exec(name)
  if (bad !== null) {
    throw new UnrepresentableNameError(
      bad[0] === '\\'
        ? `${JSON.stringify(name)} ends with a backslash, which would escape the delimiter after it`
        : `${JSON.stringify(name)} has a backslash before ${JSON.stringify(bad[0][1])}, which the server would read as an escape`,
    )
  }
}

function loneSurrogate(text: string): UnrepresentableNameError {
  return new UnrepresentableNameError(
    `${JSON.stringify(text)} contains a lone UTF-16 surrogate, which UTF-8 cannot carry (it would be stored as U+FFFD)`,
  )
}

/**
 * Quotes a string field value: `"` and `\` are escaped, everything else is kept raw.
 * Throws {@link UnrepresentableNameError} for a lone UTF-16 surrogate.
 */
export function escapeStringValue(value: string): string {
  if (LONE_SURROGATE.test(value)) throw loneSurrogate(value)
  if (!STRING_SPECIAL.test(value)) return `"${value}"`
  return `"${value.replace(STRING_ESCAPES, '\\$&')}"`
}

/** Undoes {@link escapeKey}: in an escaped name every `\,`, `\=` and `\ ` is an escape (see the rule above). */
export function unescapeKey(escaped: string): string {
  return escaped.includes('\\') ? escaped.replace(/\\([,= ])/g, '$1') : escaped
}
