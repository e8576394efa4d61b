/**
 * Line-protocol text records (strings and UTF-8 bytes): split into lines, not validated.
 *
 * Lines are split where the server splits them. A line feed inside a double-quoted string field
 * belongs to the value (Go and Rust both track quotes), and Go's `scanLine` lets a backslash
 * skip the next byte; so text that contains a `"` or a `\` is split with the same scan as Go's
 * `scanLine`, and other text is split at every line feed.
 * Empty and whitespace-only lines are dropped, and so are comments (a line whose first non-blank
 * character is `#`): every server ignores them, and sent they would count as written lines and
 * make a request of input with nothing to write. A carriage return before a line feed is removed
 * (every server except VictoriaMetrics rejects `\r` at the end of a line).
 * Everything else is kept verbatim.
 */

import { LONE_SURROGATE } from './escape.js'

const LF = 10
const CR = 13
const SPACE = 32
const QUOTE = 34
const HASH = 35
const COMMA = 44
const EQUALS = 61
const BACKSLASH = 92

const NON_BLANK = /\S/

/**
 * Calls `emit` for each line of `text` worth sending, in order. Throws `TypeError` when the text
 * holds a lone UTF-16 surrogate: UTF-8 cannot carry it, and the server would store U+FFFD.
 */
export function forEachLine(text: string, emit: (line: string) => void): void {
  if (LONE_SURROGATE.test(text)) {
    throw new TypeError(
      'the text contains a lone UTF-16 surrogate, which UTF-8 cannot carry (it would be stored as U+FFFD)',
    )
  }
  if (!text.includes('\n')) {
    emitLine(text, emit)
    return
  }
  if (!text.includes('"') && !text.includes('\\')) {
    for (const line of text.split('\n')) emitLine(line, emit)
    return
  }
  splitQuoteAware(text, emit)
}

/** The lines of `text` worth sending, in order. */
export function sendableLines(text: string): string[] {
  const lines: string[] = []
  forEachLine(text, (line) => lines.push(line))
  return lines
}

function emitLine(line: string, emit: (line: string) => void): void {
  const end = line.length - 1
  const trimmed = end >= 0 && line.charCodeAt(end) === CR ? line.slice(0, end) : line
  if (trimmed.length === 0) return
  const first = trimmed.charCodeAt(0)
  if (first === HASH) return
  // Only a line starting with whitespace can be blank or an indented comment: skip the regex for the others.
  if (first <= SPACE || first === 0xa0 || first >= 0x1680) {
    const firstVisible = NON_BLANK.exec(trimmed)
    if (firstVisible === null || firstVisible[0] === '#') return
  }
  emit(trimmed)
}

/** Go's `scanLine`: a backslash skips the next byte, and quotes count only in a field value. */
function splitQuoteAware(text: string, emit: (line: string) => void): void {
  const length = text.length
  let start = 0
  while (start < length) {
    let i = start
    let quoted = false
    let inFields = false
    let equals = 0
    let commas = 0
    while (i < length) {
      const c = text.charCodeAt(i)
      if (c === BACKSLASH && i + 2 < length) {
        i += 2
        continue
      }
      if (c === SPACE) inFields = true
      if (inFields) {
        if (!quoted && c === EQUALS) {
          equals++
          i++
          continue
        }
        if (!quoted && c === COMMA) {
          commas++
          i++
          continue
        }
        if (c === QUOTE && equals > commas) {
          quoted = !quoted
          i++
          continue
        }
      }
      if (c === LF && !quoted) break
      i++
    }
    emitLine(text.slice(start, i), emit)
    start = i + 1
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes UTF-8 bytes (a leading byte-order mark is dropped). Throws `TypeError` for invalid
 * UTF-8: a body that is not text would be stored as replacement characters.
 */
export function decodeUtf8(bytes: Uint8Array | ArrayBuffer): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new TypeError('the bytes are not valid UTF-8')
  }
}
