/**
 * JSON text → values, with integers read exactly from their digits.
 *
 * `JSON.parse` reads every number as a float, so an integer beyond 2^53 (a nanosecond timestamp,
 * an int64 or uint64 counter) is rounded before anyone sees it. Here an integer literal (no
 * fraction, no exponent) beyond the safe-integer range becomes a `bigint` of its digits; every
 * other value is what `JSON.parse` gives. A safe integer has at most 16 digits and a larger one
 * at least 16, so a text without a run of 16 digits parses through `JSON.parse` alone.
 */

/** JSON text that is not valid; the message says where. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError'
}

const LONG_DIGIT_RUN = /\d{16}/

/** Parses one JSON text like `JSON.parse`, except that integers a float cannot hold are bigints. */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) {
    try {
      return JSON.parse(text)
    } catch (error) {
      throw new JsonSyntaxError((error as Error).message)
    }
  }
  const parser = new ExactJsonParser(text)
  const value = parser.value()
  parser.end()
  return value
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
// JSON forbids raw control characters inside a string: they must be escaped.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y
const WHITESPACE = /[ \t\n\r]*/y

class ExactJsonParser {
  #at = 0

  readonly #text: string

  constructor(text: string) {
    this.#text = text
  }

  value(): unknown {
    this.#skipWhitespace()
    const c = this.#text[this.#at]
    switch (c) {
      case '{':
        return this.#object()
      case '[':
        return this.#array()
      case '"':
        return this.#string()
      case 't':
        return this.#literal('true', true)
      case 'f':
        return this.#literal('false', false)
      case 'n':
        return this.#literal('null', null)
      default:
        return this.#number()
    }
  }

  /** Only whitespace may follow the value. */
  end(): void {
    this.#skipWhitespace()
    if (this.#at < this.#text.length) this.#fail('unexpected text after the JSON value')
  }

  #object(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    this.#at++
    this.#skipWhitespace()
    if (this.#text[this.#at] === '}') {
      this.#at++
      return out
    }
    for (;;) {
      this.#skipWhitespace()
      if (this.#text[this.#at] !== '"') this.#fail('expected a property name in double quotes')
      const key = this.#string()
      this.#skipWhitespace()
      this.#expect(':')
      const value = this.value()
      // As JSON.parse does: "__proto__" is an own property, never the prototype.
      if (key === '__proto__')
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
      else out[key] = value
      this.#skipWhitespace()
      if (this.#text[this.#at] === ',') {
        this.#at++
        continue
      }
      this.#expect('}')
      return out
    }
  }

  #array(): unknown[] {
    const out: unknown[] = []
    this.#at++
    this.#skipWhitespace()
    if (this.#text[this.#at] === ']') {
      this.#at++
      return out
    }
    for (;;) {
      out.push(this.value())
      this.#skipWhitespace()
      if (this.#text[this.#at] === ',') {
        this.#at++
        continue
      }
      this.#expect(']')
      return out
    }
  }

  #string(): string {
    STRING.lastIndex = this.#at
    const match = STRING.exec(this.#text)
    if (match === null) this.#fail('invalid string')
    this.#at = STRING.lastIndex
    // The token is valid JSON: JSON.parse decodes its escapes exactly.
    return JSON.parse(match[0]) as string
  }

  #number(): number | bigint {
    NUMBER.lastIndex = this.#at
    const match = NUMBER.exec(this.#text)
    if (match === null)
      this.#fail(
        `unexpected ${this.#text[this.#at] === undefined ? 'end of JSON input' : `character ${JSON.stringify(this.#text[this.#at])}`}`,
      )
    this.#at = NUMBER.lastIndex
    const literal = match[0]
    const value = Number(literal)
    if (match[1] !== undefined || match[2] !== undefined || Number.isSafeInteger(value)) return value
    return BigInt(literal)
  }

  #literal<T>(word: string, value: T): T {
    if (!this.#text.startsWith(word, this.#at))
      this.#fail(`unexpected character ${JSON.stringify(this.#text[this.#at])}`)
    this.#at += word.length
    return value
  }

  #expect(c: string): void {
    if (this.#text[this.#at] !== c) this.#fail(`expected ${JSON.stringify(c)}`)
    this.#at++
  }

  #skipWhitespace(): void {
    WHITESPACE.lastIndex = this.#at
    WHITESPACE.exec(this.#text)
    this.#at = WHITESPACE.lastIndex
  }

  #fail(reason: string): never {
    throw new JsonSyntaxError(`${reason} at position ${this.#at}`)
  }
}
