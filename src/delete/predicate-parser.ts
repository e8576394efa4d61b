// The delete predicate of InfluxDB 2.x (predicate/parser.go on the InfluxQL scanner), with its
// error messages. The client's validatePredicate runs it last, so that nothing the server would
// refuse is sent; the embedded test server answers with it.
import type { Token } from './influxql-scanner.js'
import { Scanner, tokenString } from './influxql-scanner.js'

/** One `key = value` or `key != value` comparison. */
export interface TagRule {
  key: string
  operator: '=' | '!='
  value: string
}

/** The parser's failure; `message` is InfluxDB's text. */
/**
 * The deepest nesting of parentheses read. InfluxDB's Go parser has no such limit, but reading
 * deeper here would overflow the JavaScript call stack; no real predicate comes close.
 */
export const MAX_PREDICATE_DEPTH = 1000

/** The message for a predicate nested deeper than {@link MAX_PREDICATE_DEPTH}. */
export function tooDeepMessage(position: number): string {
  return `parentheses nested deeper than ${MAX_PREDICATE_DEPTH} levels at position ${position} (this client's limit)`
}

export class PredicateError extends Error {
  /** True for failures of the second (InfluxQL expression) pass, which InfluxDB reports without the JSON-body prefix. */
  constructor(
    message: string,
    readonly secondPass = false,
  ) {
    super(message)
  }
}

class TokenReader {
  readonly #scanner: Scanner
  readonly #buffer: Token[] = []
  #unscanned = 0
  openParens = 0

  constructor(text: string) {
    this.#scanner = new Scanner(text)
  }

  scan(): Token {
    if (this.#unscanned > 0) return this.#buffer[this.#buffer.length - this.#unscanned--]
    const token = this.#scanner.scan()
    this.#buffer.push(token)
    return token
  }

  // Like the Go parser, skips one whitespace token (the scanner already merges runs of it).
  scanIgnoreWhitespace(): Token {
    const token = this.scan()
    return token.kind === 'WS' ? this.scan() : token
  }

  unscan(): void {
    this.#unscanned++
  }
}

/**
 * Parses a delete predicate into its comparisons (all joined by AND). The empty string is no
 * predicate. Throws {@link PredicateError} with InfluxDB 2.x's message.
 */
export function parsePredicate(text: string): TagRule[] {
  if (text === '') return []
  const reader = new TokenReader(text)
  const rules: TagRule[] = []
  parseLogical(reader, rules)
  checkExpressionSyntax(text)
  return rules
}

function parseLogical(reader: TokenReader, rules: TagRule[]): void {
  for (;;) {
    const token = reader.scanIgnoreWhitespace()
    switch (token.kind) {
      case 'NUMBER':
      case 'INTEGER':
      case 'IDENT':
        reader.unscan()
        rules.push(parseTagRule(reader))
        break
      case 'KEYWORD':
        if (token.keyword !== 'NAME') throw new PredicateError(`bad logical expression, at position ${token.pos.char}`)
        reader.unscan()
        rules.push(parseTagRule(reader))
        break
      case 'AND':
        break
      case 'OR':
        throw new PredicateError(`the logical operator OR is not supported yet at position ${token.pos.char}`)
      case 'LPAREN': {
        if (reader.openParens >= MAX_PREDICATE_DEPTH) throw new PredicateError(tooDeepMessage(token.pos.char))
        reader.openParens++
        const current = reader.openParens
        parseLogical(reader, rules)
        if (reader.openParens !== current - 1) throw new PredicateError('extra ( seen')
        break
      }
      case 'RPAREN':
      case 'EOF':
        if (token.kind === 'RPAREN') reader.openParens--
        if (reader.openParens < 0) throw new PredicateError('extra ) seen')
        return
      default:
        throw new PredicateError(`bad logical expression, at position ${token.pos.char}`)
    }
  }
}

function parseTagRule(reader: TokenReader): TagRule {
  const keyToken = reader.scanIgnoreWhitespace()
  let key: string
  if (keyToken.kind === 'IDENT') key = keyToken.lit
  else if (keyToken.kind === 'KEYWORD' && keyToken.keyword === 'NAME') key = 'name'
  else throw new PredicateError(`bad tag key, at position ${keyToken.pos.char}`)
  const op = reader.scanIgnoreWhitespace()
  let operator: TagRule['operator']
  if (op.kind === 'EQ') operator = '='
  else if (op.kind === 'NEQ') operator = '!='
  else if (op.kind === 'EQREGEX' || op.kind === 'NEQREGEX') {
    throw new PredicateError(`operator: ${goQuote(tokenString(op))} at position: ${op.pos.char} is not supported yet`)
  } else throw new PredicateError(`invalid operator ${goQuote(tokenString(op))} at position: ${op.pos.char}`)
  let value = ''
  for (;;) {
    const token = reader.scanIgnoreWhitespace()
    switch (token.kind) {
      case 'SUB':
        value = '-'
        continue
      case 'IDENT':
      case 'DURATIONVAL':
      case 'NUMBER':
      case 'INTEGER':
        return { key, operator, value: value + token.lit }
      case 'TRUE':
        return { key, operator, value: 'true' }
      case 'FALSE':
        return { key, operator, value: 'false' }
      default:
        throw new PredicateError(`bad tag value: ${goQuote(token.lit)}, at position ${token.pos.char}`)
    }
  }
}

/** Go's `%q` for the strings these messages quote. */
export function goQuote(text: string): string {
  let out = '"'
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (ch === '"' || ch === '\\') out += '\\' + ch
    else if (ch === '\n') out += '\\n'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\r') out += '\\r'
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0')
    else out += ch
  }
  return out + '"'
}

/**
 * InfluxDB also parses the predicate as an InfluxQL expression and rejects what that parser
 * cannot read, such as a dangling AND. This checks the same shape on the token stream.
 */
function checkExpressionSyntax(text: string): void {
  const scanner = new Scanner(text)
  const next = (): Token => {
    let token = scanner.scan()
    while (token.kind === 'WS') token = scanner.scan()
    return token
  }
  const fail = (token: Token): never => {
    const found = token.kind === 'EOF' ? 'EOF' : token.lit !== '' ? token.lit : tokenString(token)
    throw new PredicateError(
      `invalid request; error parsing predicate: found ${found}, expected identifier, string, number, bool at line ${token.pos.line + 1}, char ${token.pos.char + 1}`,
      true,
    )
  }
  const operand = (token: Token, depth: number): Token => {
    if (token.kind === 'SUB') token = next()
    if (token.kind === 'LPAREN') {
      if (depth >= MAX_PREDICATE_DEPTH) throw new PredicateError(tooDeepMessage(token.pos.char), true)
      let inner = binaryChain(next(), depth + 1)
      if (inner.kind !== 'RPAREN') fail(inner)
      inner = next()
      return inner
    }
    if (!OPERANDS.has(token.kind) && !(token.kind === 'KEYWORD' && token.keyword === 'NAME')) fail(token)
    return next()
  }
  const binaryChain = (token: Token, depth: number): Token => {
    let after = operand(token, depth)
    while (BINARY_OPERATORS.has(after.kind)) after = operand(next(), depth)
    return after
  }
  binaryChain(next(), 0)
}

const OPERANDS = new Set(['IDENT', 'STRING', 'NUMBER', 'INTEGER', 'DURATIONVAL', 'TRUE', 'FALSE', 'BOUNDPARAM'])
const BINARY_OPERATORS = new Set([
  'AND',
  'OR',
  'EQ',
  'NEQ',
  'EQREGEX',
  'NEQREGEX',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'ADD',
  'SUB',
  'MUL',
  'DIV',
  'MOD',
])
