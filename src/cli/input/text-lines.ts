/**
 * Text split into lines at every line feed, for the inputs whose lines are records of their own
 * (NDJSON). Line protocol is split by the quote-aware splitter of line-protocol/line-splitter.ts.
 */
import { InputError } from './source.js'

/** One line of text and its 1-based line number in its source. */
export interface TextLine {
  text: string
  line: number
}

/** A line longer than this is refused instead of being buffered without bound. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024

/**
 * Splits text chunks into lines (LF or CRLF), yielding them in batches (one per chunk) so that a
 * large file does not cost one promise per line. Only a partial last line is carried over.
 */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<TextLine[]> {
  let carry = ''
  let lineNumber = 0
  for await (const chunk of chunks) {
    const batch: TextLine[] = []
    let start = 0
    let text = carry + chunk
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl
      batch.push({ text: text.slice(start, end), line: ++lineNumber })
      start = nl + 1
    }
    carry = text.slice(start)
    // eslint-disable-next-line no-useless-assignment -- frees the chunk's text while the generator waits at the yield below
    text = ''
    if (carry.length > MAX_LINE_CHARS)
      throw new InputError(`line ${lineNumber + 1} is longer than ${MAX_LINE_CHARS} characters`)
    if (batch.length > 0) yield batch
  }
  if (carry.length > 0) {
    const end = carry.endsWith('\r') ? carry.length - 1 : carry.length
    yield [{ text: carry.slice(0, end), line: lineNumber + 1 }]
  }
}
