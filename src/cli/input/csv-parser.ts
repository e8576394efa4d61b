/**
 * An incremental RFC 4180 CSV parser: text goes in chunk by chunk, complete records come out.
 * Only the record being parsed is held, so input of any size is read in bounded memory.
 *
 * Accepted: `,` separators, `"`-quoted fields with `""` as an escaped quote, line breaks (LF or CRLF)
 * inside quoted fields, a last record without a line break. Blank lines are skipped.
 * Rejected with {@link CsvSyntaxError}: a quote inside an unquoted field, text after a closing
 * quote, a quoted field still open at the end of the input.
 */

/** One parsed record and the 1-based line where it starts. */
export interface CsvRecord {
  fields: string[]
  line: number
}

/** Input that is not valid CSV. `line` is 1-based. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError'
  readonly line: number
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`)
    this.line = line
  }
}

/** A field longer than this is refused instead of being buffered without bound. */
export const MAX_FIELD_CHARS = 64 * 1024 * 1024

const QUOTE = 0x22
const COMMA = 0x2c
const LF = 0x0a
const CR = 0x0d

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  AfterQuote,
}

export class CsvParser {
  #state = State.FieldStart
  #field = ''
  #fields: string[] = []
  #line = 1
  #recordLine = 1

  /** Parses the next piece of text and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = []
    const n = chunk.length
    let i = 0
    while (i < n) {
      switch (this.#state) {
        case State.Quoted: {
          const q = chunk.indexOf('"', i)
          const end = q === -1 ? n : q
          this.#line += countLineFeeds(chunk, i, end)
          this.#field += chunk.slice(i, end)
          if (this.#field.length > MAX_FIELD_CHARS) {
            throw new CsvSyntaxError(
              this.#recordLine,
              `a quoted field is longer than ${MAX_FIELD_CHARS} characters (is a quote not closed?)`,
            )
          }
          if (q === -1) return out
          i = q + 1
          this.#state = State.AfterQuote
          break
        }
        case State.AfterQuote: {
          const c = chunk.charCodeAt(i)
          if (c === QUOTE) {
            this.#field += '"'
            this.#state = State.Quoted
            i++
          } else if (c === COMMA) {
            this.#endField()
            i++
          } else if (c === LF) {
            this.#endRecord(out, false)
            i++
          } else if (c === CR && (i + 1 === n || chunk.charCodeAt(i + 1) === LF)) {
            // CR of a CRLF; a chunk may end between the two.
            i++
          } else {
            throw new CsvSyntaxError(this.#line, `unexpected ${describeChar(chunk, i)} after a closing quote`)
          }
          break
        }
        case State.FieldStart:
          if (chunk.charCodeAt(i) === QUOTE) {
            this.#state = State.Quoted
            i++
          } else {
            this.#state = State.Unquoted
          }
          break
        case State.Unquoted: {
          let j = i
          let c = 0
          while (j < n) {
            c = chunk.charCodeAt(j)
            if (c === COMMA || c === LF) break
            if (c === QUOTE)
              throw new CsvSyntaxError(
                this.#line,
                'a quote inside an unquoted field (quote the whole field and double the quote)',
              )
            j++
          }
          this.#field += chunk.slice(i, j)
          if (this.#field.length > MAX_FIELD_CHARS)
            throw new CsvSyntaxError(this.#recordLine, `a field is longer than ${MAX_FIELD_CHARS} characters`)
          if (j === n) return out
          if (c === COMMA) this.#endField()
          else this.#endRecord(out, true)
          i = j + 1
          break
        }
      }
    }
    return out
  }

  /** Ends the input: returns the last record if it had no line break, and checks nothing is left open. */
  end(): CsvRecord[] {
    if (this.#state === State.Quoted)
      throw new CsvSyntaxError(this.#recordLine, 'a quoted field is not closed at the end of the input')
    const out: CsvRecord[] = []
    if (this.#state !== State.FieldStart || this.#fields.length > 0)
      this.#endRecord(out, this.#state === State.Unquoted)
    return out
  }

  #endField(): void {
    this.#fields.push(this.#field)
    this.#field = ''
    this.#state = State.FieldStart
  }

  #endRecord(out: CsvRecord[], unquoted: boolean): void {
    if (unquoted && this.#field.endsWith('\r')) this.#field = this.#field.slice(0, -1)
    this.#fields.push(this.#field)
    const isBlankLine = this.#fields.length === 1 && this.#fields[0] === '' && unquoted
    if (!isBlankLine) out.push({ fields: this.#fields, line: this.#recordLine })
    this.#fields = []
    this.#field = ''
    this.#state = State.FieldStart
    this.#line++
    this.#recordLine = this.#line
  }
}

function countLineFeeds(text: string, from: number, to: number): number {
  let count = 0
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++
  return count
}

function describeChar(text: string, index: number): string {
  return JSON.stringify(text[index])
}

/** Parses a stream of text (for example a file read with `setEncoding('utf8')`) into batches of records. */
export async function* parseCsvStream(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser()
  for await (const chunk of chunks) {
    const records = parser.push(chunk)
    if (records.length > 0) yield records
  }
  const last = parser.end()
  if (last.length > 0) yield last
}
