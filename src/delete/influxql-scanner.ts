// The part of the InfluxQL scanner that InfluxDB 2.x's delete predicate parser runs on.
// Token kinds, literals and positions follow influxql's scanner, because the predicate
// error messages quote them ("invalid operator \">\" at position: 3").

/** A token kind. Keywords are their upper-case spelling. */
export type TokenKind =
  | 'ILLEGAL'
  | 'EOF'
  | 'WS'
  | 'COMMENT'
  | 'IDENT'
  | 'BOUNDPARAM'
  | 'NUMBER'
  | 'INTEGER'
  | 'DURATIONVAL'
  | 'STRING'
  | 'BADSTRING'
  | 'BADESCAPE'
  | 'TRUE'
  | 'FALSE'
  | 'ADD'
  | 'SUB'
  | 'MUL'
  | 'DIV'
  | 'MOD'
  | 'BITWISE_AND'
  | 'BITWISE_OR'
  | 'BITWISE_XOR'
  | 'AND'
  | 'OR'
  | 'IN'
  | 'EQ'
  | 'NEQ'
  | 'EQREGEX'
  | 'NEQREGEX'
  | 'LT'
  | 'LTE'
  | 'GT'
  | 'GTE'
  | 'LPAREN'
  | 'RPAREN'
  | 'COMMA'
  | 'COLON'
  | 'DOUBLECOLON'
  | 'SEMICOLON'
  | 'DOT'
  | 'PI'
  | 'KEYWORD'

/** Zero-based line and character, as influxql's `Pos`. */
export interface Position {
  line: number
  char: number
}

/** One scanned token. `keyword` is set for KEYWORD tokens (upper case). */
export interface Token {
  kind: TokenKind
  pos: Position
  lit: string
  keyword?: string
}

const KEYWORDS = new Set(
  (
    'ALL ALTER ANALYZE ANY AS ASC BEGIN BY CARDINALITY CREATE CONTINUOUS DATABASE DATABASES DEFAULT DELETE DESC ' +
    'DESTINATIONS DIAGNOSTICS DISTINCT DROP DURATION END EVERY EXACT EXPLAIN FIELD FOR FROM GRANT GRANTS GROUP ' +
    'GROUPS INF INSERT INTO KEY KEYS KILL LIMIT MEASUREMENT MEASUREMENTS NAME OFFSET ON ORDER PASSWORD POLICY ' +
    'POLICIES PRIVILEGES QUERIES QUERY READ REPLICATION RESAMPLE RETENTION REVOKE SELECT SERIES SET SHOW SHARD ' +
    'SHARDS SLIMIT SOFFSET STATS SUBSCRIPTION SUBSCRIPTIONS TAG TO USER USERS VALUES WHERE WITH WRITE'
  ).split(' '),
)

// Go's Token.String(): kinds missing from influxql's table (INTEGER, BOUNDPARAM, COMMENT, PI) print as "".
const TOKEN_STRINGS: Partial<Record<TokenKind, string>> = {
  ILLEGAL: 'ILLEGAL',
  EOF: 'EOF',
  WS: 'WS',
  IDENT: 'IDENT',
  NUMBER: 'NUMBER',
  DURATIONVAL: 'DURATIONVAL',
  STRING: 'STRING',
  BADSTRING: 'BADSTRING',
  BADESCAPE: 'BADESCAPE',
  TRUE: 'TRUE',
  FALSE: 'FALSE',
  ADD: '+',
  SUB: '-',
  MUL: '*',
  DIV: '/',
  MOD: '%',
  BITWISE_AND: '&',
  BITWISE_OR: '|',
  BITWISE_XOR: '^',
  AND: 'AND',
  OR: 'OR',
  IN: 'IN',
  EQ: '=',
  NEQ: '!=',
  EQREGEX: '=~',
  NEQREGEX: '!~',
  LT: '<',
  LTE: '<=',
  GT: '>',
  GTE: '>=',
  LPAREN: '(',
  RPAREN: ')',
  COMMA: ',',
  COLON: ':',
  DOUBLECOLON: '::',
  SEMICOLON: ';',
  DOT: '.',
}

/** What Go prints for a token with `%s`/`%q` of `tok.String()`. */
export function tokenString(token: Token): string {
  return token.kind === 'KEYWORD' ? token.keyword! : (TOKEN_STRINGS[token.kind] ?? '')
}

const EOF = ''

/** Splits `text` into InfluxQL tokens. */
export class Scanner {
  readonly #chars: string[]
  readonly #positions: Position[]
  #index = 0

  constructor(text: string) {
    // The reader turns CR and CRLF into LF and counts code points, not UTF-16 units.
    this.#chars = Array.from(text.replace(/\r\n?/g, '\n'))
    this.#positions = []
    let line = 0
    let char = 0
    for (const ch of this.#chars) {
      this.#positions.push({ line, char })
      if (ch === '\n') {
        line++
        char = 0
      } else {
        char++
      }
    }
    this.#positions.push({ line, char })
  }

  #read(): string {
    const ch = this.#index < this.#chars.length ? this.#chars[this.#index] : EOF
    this.#index++
    return ch
  }

  #unread(): void {
    this.#index--
  }

  #posAt(index: number): Position {
    return this.#positions[Math.min(index, this.#chars.length)]
  }

  #peek(): string {
    const ch = this.#read()
    this.#unread()
    return ch
  }

  scan(): Token {
    const start = this.#index
    const pos = this.#posAt(start)
    const ch0 = this.#read()
    const token = (kind: TokenKind, lit = ''): Token => ({ kind, pos, lit })
    if (isWhitespace(ch0)) {
      while (isWhitespace(this.#peek())) this.#read()
      return token('WS', this.#chars.slice(start, this.#index).join(''))
    }
    if (isLetter(ch0) || ch0 === '_' || ch0 === '"') {
      this.#unread()
      return this.#scanIdent(true)
    }
    if (isDigit(ch0)) return this.#scanNumber(start)
    switch (ch0) {
      case EOF:
        return token('EOF')
      case "'":
        this.#unread()
        return this.#scanString()
      case '.':
        return isDigit(this.#peek()) ? this.#scanNumber(start) : token('DOT')
      case '$': {
        const ident = this.#scanIdent(false)
        return ident.kind === 'IDENT' ? token('BOUNDPARAM', '$' + ident.lit) : { ...ident, pos, lit: '$' + ident.lit }
      }
      case '+':
        return token('ADD')
      case '-':
        if (this.#peek() === '-') {
          while (this.#read() !== '\n' && this.#index <= this.#chars.length);
          return token('COMMENT')
        }
        return token('SUB')
      case '*':
        return token('MUL')
      case '/':
        if (this.#peek() === '*') {
          this.#read()
          return this.#skipBlockComment() ? token('COMMENT') : token('ILLEGAL')
        }
        return token('DIV')
      case '%':
        return token('MOD')
      case '&':
        return token('BITWISE_AND')
      case '|':
        return token('BITWISE_OR')
      case '^':
        return token('BITWISE_XOR')
      case '=':
        return this.#follows('~') ? token('EQREGEX') : token('EQ')
      case '!':
        if (this.#follows('=')) return token('NEQ')
        if (this.#follows('~')) return token('NEQREGEX')
        break
      case '>':
        return this.#follows('=') ? token('GTE') : token('GT')
      case '<':
        if (this.#follows('=')) return token('LTE')
        return this.#follows('>') ? token('NEQ') : token('LT')
      case '(':
        return token('LPAREN')
      case ')':
        return token('RPAREN')
      case ',':
        return token('COMMA')
      case ';':
        return token('SEMICOLON')
      case ':':
        return this.#follows(':') ? token('DOUBLECOLON') : token('COLON')
      case 'π':
        return token('PI')
    }
    return token('ILLEGAL', ch0)
  }

  #follows(ch: string): boolean {
    if (this.#peek() !== ch) return false
    this.#read()
    return true
  }

  #skipBlockComment(): boolean {
    for (;;) {
      const ch = this.#read()
      if (ch === EOF) return false
      if (ch === '*' && this.#peek() === '/') {
        this.#read()
        return true
      }
    }
  }

  #scanIdent(lookup: boolean): Token {
    const pos = this.#posAt(this.#index)
    let lit = ''
    for (;;) {
      const ch = this.#read()
      if (ch === EOF) break
      if (ch === '"') {
        this.#unread()
        const quoted = this.#scanString()
        if (quoted.kind === 'BADSTRING' || quoted.kind === 'BADESCAPE') return quoted
        return { kind: 'IDENT', pos, lit: quoted.lit }
      }
      if (!isIdentChar(ch)) {
        this.#unread()
        break
      }
      lit += ch
    }
    if (lookup) {
      const upper = lit.toUpperCase()
      if (upper === 'AND' || upper === 'OR' || upper === 'IN' || upper === 'TRUE' || upper === 'FALSE') {
        return { kind: upper, pos, lit: '' }
      }
      if (KEYWORDS.has(upper)) return { kind: 'KEYWORD', pos, lit: '', keyword: upper }
    }
    return { kind: 'IDENT', pos, lit }
  }

  // A quoted string starting at the current character (either quote); escapes \n \\ \" \'.
  #scanString(): Token {
    const pos = this.#posAt(this.#index)
    const ending = this.#read()
    let lit = ''
    for (;;) {
      const ch = this.#read()
      if (ch === ending) return { kind: 'STRING', pos, lit }
      if (ch === EOF || ch === '\n') return { kind: 'BADSTRING', pos, lit }
      if (ch === '\\') {
        const next = this.#read()
        const escaped = STRING_ESCAPES[next]
        if (escaped === undefined) return { kind: 'BADESCAPE', pos: this.#posAt(this.#index - 1), lit: '\\' + next }
        lit += escaped
      } else {
        lit += ch
      }
    }
  }

  #scanNumber(start: number): Token {
    const pos = this.#posAt(start)
    this.#index = start
    let lit = this.#scanDigits()
    let decimal = false
    if (this.#peek() === '.') {
      this.#read()
      decimal = true
      if (isDigit(this.#peek())) lit += '.' + this.#scanDigits()
    }
    if (!decimal && (isLetter(this.#peek()) || this.#peek() === 'µ')) {
      while (isLetter(this.#peek()) || this.#peek() === 'µ') lit += this.#read()
      while (isLetter(this.#peek()) || this.#peek() === 'µ' || isDigit(this.#peek())) lit += this.#read()
      return { kind: 'DURATIONVAL', pos, lit }
    }
    return { kind: decimal ? 'NUMBER' : 'INTEGER', pos, lit }
  }

  #scanDigits(): string {
    let digits = ''
    while (isDigit(this.#peek())) digits += this.#read()
    return digits
  }
}

const STRING_ESCAPES: Record<string, string> = { n: '\n', '\\': '\\', '"': '"', "'": "'" }

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n'
}
function isLetter(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
}
function isDigit(ch: string): boolean {
  return ch.length === 1 && ch >= '0' && ch <= '9'
}
function isIdentChar(ch: string): boolean {
  return isLetter(ch) || isDigit(ch) || ch === '_'
}
