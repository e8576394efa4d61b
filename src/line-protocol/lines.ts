/**
 * Line-protocol text (strings and UTF-8 bytes): split into lines, not validated.
 *
 * A single line is looked at here; text of several lines is split by the one quote-aware
 * splitter, line-splitter.ts, which says where lines end and which are dropped (blank lines,
 * comments). A carriage return at the end of a line is removed. Everything else is kept verbatim.
 */

import { LONE_SURROGATE } from './escape.js'
import { splitLineBytes } from './line-splitter.js'

const CR = 13
const SPACE = 32
const HASH = 35

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
  for (const line of splitLineBytes(encoder.encode(text), TEXT_SPLIT)) emit(line)
}

const encoder = new TextEncoder()
/** Text was not read from a file: a U+FEFF at its start is a character of the line, not a byte-order mark. */
const TEXT_SPLIT = { keepByteOrderMark: true }

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
