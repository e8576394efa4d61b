// A JSON reader that keeps every number as its source text. InfluxDB answers queries with
// int64 values and ns timestamps that JSON.parse would round (9223372036854775807 → …6000),
// and with floats whose exact spelling matters (-0, 5e-324); tests compare those exactly.

/** A JSON number, kept as written by the server. */
export class JsonNumber {
  constructor(readonly raw: string) {}
  /** As a bigint; throws when the number is not an integer. */
  toBigInt(): bigint {
    return BigInt(this.raw)
  }
  /** As a float64, the way JSON.parse would read it (keeps the sign of -0). */
  toNumber(): number {
    return Number(this.raw)
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue }

/** Parses JSON text; numbers become {@link JsonNumber}. Throws SyntaxError with the offset on bad input. */
export function parseLosslessJson(text: string): JsonValue {
  const reader = new Reader(text)
  reader.skipSpace()
  const value = reader.value()
  reader.skipSpace()
  if (reader.pos !== text.length) reader.fail('trailing characters')
  return value
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

class Reader {
  pos = 0
  readonly #text: string

  constructor(text: string) {
    this.#text = text
  }

  fail(what: string): never {
    throw new SyntaxError(`lossless JSON: ${what} at offset ${this.pos}`)
  }

  skipSpace(): void {
    while (this.pos < this.#text.length && ' \t\n\r'.includes(this.#text[this.pos])) this.pos++
  }

  value(): JsonValue {
    const c = this.#text[this.pos]
    if (c === '{') return this.#object()
    if (c === '[') return this.#array()
    if (c === '"') return this.#string()
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.#text.startsWith(word, this.pos)) {
        this.pos += word.length
        return value
      }
    }
    NUMBER.lastIndex = this.pos
    const match = NUMBER.exec(this.#text)
    if (match === null) this.fail('unexpected character')
    this.pos += match[0].length
    return new JsonNumber(match[0])
  }

  #expect(char: string): void {
    if (this.#text[this.pos] !== char) this.fail(`expected '${char}'`)
    this.pos++
  }

  #object(): { [key: string]: JsonValue } {
    const result: { [key: string]: JsonValue } = {}
    this.#expect('{')
    this.skipSpace()
    if (this.#text[this.pos] === '}') {
      this.pos++
      return result
    }
    for (;;) {
      this.skipSpace()
      const key = this.#string()
      this.skipSpace()
      this.#expect(':')
      this.skipSpace()
      result[key] = this.value()
      this.skipSpace()
      if (this.#text[this.pos] === '}') {
        this.pos++
        return result
      }
      this.#expect(',')
    }
  }

  #array(): JsonValue[] {
    const result: JsonValue[] = []
    this.#expect('[')
    this.skipSpace()
    if (this.#text[this.pos] === ']') {
      this.pos++
      return result
    }
    for (;;) {
      this.skipSpace()
      result.push(this.value())
      this.skipSpace()
      if (this.#text[this.pos] === ']') {
        this.pos++
        return result
      }
      this.#expect(',')
    }
  }

  #string(): string {
    this.#expect('"')
    let out = ''
    for (;;) {
      const c = this.#text[this.pos]
      if (c === undefined) this.fail('unterminated string')
      this.pos++
      if (c === '"') return out
      if (c !== '\\') {
        out += c
        continue
      }
      const e = this.#text[this.pos++]
      if (e === 'u') {
        const hex = this.#text.slice(this.pos, this.pos + 4)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape')
        out += String.fromCharCode(parseInt(hex, 16))
        this.pos += 4
      } else if (e !== undefined && SIMPLE_ESCAPES[e] !== undefined) {
        out += SIMPLE_ESCAPES[e]
      } else {
        this.fail('bad escape')
      }
    }
  }
}
