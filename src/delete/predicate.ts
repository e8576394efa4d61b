/**
 * Delete predicates (InfluxDB 2.x): a builder that quotes and escapes, and a validator that
 * checks a string against the server's grammar before anything is sent. The server's own parser
 * has let malformed predicates delete whole ranges in the past, so the client refuses what the
 * grammar does not allow:
 *
 *   predicate  = [ expr ]
 *   expr       = term { AND term }
 *   term       = comparison | "(" expr ")"
 *   comparison = key ( "=" | "!=" | "<>" ) value
 *   key        = identifier | "double-quoted"
 *   value      = identifier | "double-quoted" | [-]number | duration | true | false
 *
 * OR, regex operators (`=~`, `!~`), `<`/`>`, single-quoted strings, `_field`, `_time` and
 * `_value` are refused. A double-quoted name takes InfluxQL's escapes (`\"`, `\\`, `\'`, `\n`);
 * numbers have no exponent; a duration is one or more whole numbers with units (`1h30m`). Last,
 * the string goes through a port of the server's own parser (predicate-parser.ts, which the
 * embedded test server answers with), so that nothing it would refuse is sent.
 */
import { InvalidArgumentError } from '../errors.js'
import { MAX_PREDICATE_DEPTH, parsePredicate, PredicateError, tooDeepMessage } from './predicate-parser.js'

const BARE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** InfluxQL keywords: as a key or value they must be double-quoted (a bare `name` key is the one exception). */
const KEYWORDS = new Set(
  (
    'ALL ALTER ANALYZE AND ANY AS ASC BEGIN BY CARDINALITY CREATE CONTINUOUS DATABASE DATABASES DEFAULT DELETE DESC ' +
    'DESTINATIONS DIAGNOSTICS DISTINCT DROP DURATION END EVERY EXACT EXPLAIN FALSE FIELD FOR FROM GRANT GRANTS GROUP GROUPS ' +
    'IN INF INSERT INTO KEY KEYS KILL LIMIT MEASUREMENT MEASUREMENTS NAME OFFSET ON OR ORDER PASSWORD POLICY POLICIES ' +
    'PRIVILEGES QUERIES QUERY READ REPLICATION RESAMPLE RETENTION REVOKE SELECT SERIES SET SHARD SHARDS SLIMIT SOFFSET STATS ' +
    'SUBSCRIPTION SUBSCRIPTIONS TAG TO TRUE USER USERS VALUES WHERE WITH WRITE'
  ).split(' '),
)

// A Map: a key named `constructor` or `toString` is an ordinary tag key, not a member of this table.
const UNSUPPORTED_KEYS: ReadonlyMap<string, string> = new Map([
  ['_field', 'deleting by _field is not supported by the server'],
  ['_time', 'deleting by _time is not supported; use start and stop'],
  ['_value', 'deleting by _value is not supported by the server'],
])

/** A value the builder accepts for a tag or the measurement. */
export type PredicateValue = string | number | bigint | boolean

/**
 * Builds `key="value" AND …` from an object, in its key order:
 * `predicate({ _measurement: 'h2o', location: 'us west' })` → `_measurement="h2o" AND location="us west"`.
 * Values are always double-quoted with `"` and `\` escaped; keys are quoted when they are not
 * bare identifiers or are keywords. An empty object is refused: pass `''` to `delete()` to
 * delete everything in the range on purpose.
 */
export function predicate(match: Readonly<Record<string, PredicateValue>>): string {
  const entries = Object.entries(match ?? {})
  if (entries.length === 0) {
    throw new InvalidArgumentError(
      "predicate: no tags given; pass '' to delete() to delete everything in the time range",
    )
  }
  return entries
    .map(([key, value]) => {
      const unsupported = UNSUPPORTED_KEYS.get(key)
      if (unsupported !== undefined) throw new InvalidArgumentError(`predicate: ${unsupported}`)
      if (!['string', 'number', 'bigint', 'boolean'].includes(typeof value)) {
        throw new InvalidArgumentError(
          `predicate: the value of ${JSON.stringify(key)} must be a string, number, bigint or boolean, got ${value === null ? 'null' : typeof value}`,
        )
      }
      return `${formatPredicateKey(key)}=${quoteIdentifier(String(value), key)}`
    })
    .join(' AND ')
}

/** A key as the predicate needs it: bare when that is unambiguous, else double-quoted. */
export function formatPredicateKey(key: string): string {
  if (key === '') throw new InvalidArgumentError('predicate: a tag key must not be empty')
  return BARE_IDENTIFIER.test(key) && (!KEYWORDS.has(key.toUpperCase()) || key === 'name')
    ? key
    : quoteIdentifier(key, key)
}

function quoteIdentifier(text: string, key: string): string {
  if (/[\n\r]/.test(text))
    throw new InvalidArgumentError(`predicate: ${JSON.stringify(key)} contains a line break, which no tag can hold`)
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** What follows the first number of a duration: its unit, then more numbers with units (`h30m`), then no name character. */
const DURATION_UNITS = /^(?:ns|us|µs|ms|u|µ|s|m|h|d|w)(?:\d+(?:ns|us|µs|ms|u|µ|s|m|h|d|w))*(?![A-Za-z0-9_µ])/

/** The escapes of a double-quoted name in InfluxQL, and what they stand for. */
const QUOTED_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', "'": "'", n: '\n' }

type TokenKind = 'ident' | 'quoted' | 'number' | 'duration' | 'op' | 'and' | 'lparen' | 'rparen' | 'end'

interface Token {
  kind: TokenKind
  text: string
  position: number
}

/**
 * Checks a predicate string against the 2.x delete grammar (module description), then with a
 * port of the server's own parser (predicate-parser.ts). Throws {@link InvalidArgumentError}
 * naming the first problem and its 0-based position. `''` passes: it means every series in the
 * range; a predicate of only blanks is refused, as the server refuses it.
 */
export function validatePredicate(text: string): void {
  if (typeof text !== 'string') {
    throw new InvalidArgumentError(
      'delete: "predicate" must be a string; pass \'\' to delete everything in the time range',
    )
  }
  const tokens = tokenize(text)
  if (tokens[0].kind === 'end') {
    if (text === '') return
    // The server reads blanks as a predicate with nothing in it and refuses it; deleting every
    // series is only ever asked for with ''.
    throw new InvalidArgumentError(
      `predicate: only blanks (${JSON.stringify(text)}), which InfluxDB 2.x refuses; pass '' to delete everything in the time range`,
    )
  }
  let index = 0
  const peek = (): Token => tokens[index]
  const fail = (token: Token, reason: string): never => {
    throw new InvalidArgumentError(`predicate: ${reason} at position ${token.position} in ${JSON.stringify(text)}`)
  }
  const expect = (kind: TokenKind, reason: string): Token =>
    peek().kind === kind ? tokens[index++] : fail(peek(), reason)

  const parseExpression = (depth: number): void => {
    parseTerm(depth)
    while (peek().kind === 'and') {
      index++
      parseTerm(depth)
    }
  }
  const parseTerm = (depth: number): void => {
    if (peek().kind === 'lparen') {
      if (depth >= MAX_PREDICATE_DEPTH)
        throw new InvalidArgumentError(
          `predicate: ${tooDeepMessage(peek().position)} in a predicate of ${text.length} characters`,
        )
      index++
      parseExpression(depth + 1)
      expect('rparen', peek().kind === 'end' ? 'missing )' : `expected AND or ), got ${describe(peek())}`)
      return
    }
    const key = peek()
    if (key.kind !== 'ident' && key.kind !== 'quoted') fail(key, `expected a tag key or (, got ${describe(key)}`)
    if (key.kind === 'ident' && KEYWORDS.has(key.text.toUpperCase()) && key.text !== 'name') {
      fail(key, `the key ${key.text} is a keyword and must be double-quoted`)
    }
    const reason = UNSUPPORTED_KEYS.get(key.text)
    if (reason !== undefined) fail(key, reason)
    index++
    expect('op', `expected = or != after the key, got ${describe(peek())}`)
    const value = peek()
    const isLiteral = value.kind === 'ident' && /^(true|false)$/i.test(value.text)
    if (value.kind === 'ident' && !isLiteral && KEYWORDS.has(value.text.toUpperCase())) {
      fail(value, `the value ${value.text} is a keyword and must be double-quoted`)
    }
    if (!['ident', 'quoted', 'number', 'duration'].includes(value.kind))
      fail(value, `expected a value, got ${describe(value)}`)
    index++
  }

  parseExpression(0)
  const rest = peek()
  if (rest.kind === 'rparen') fail(rest, 'extra )')
  if (rest.kind !== 'end') fail(rest, `expected AND, got ${describe(rest)}`)
  // The checks above explain the common mistakes; the server's own parser has the last word, so
  // that nothing it would refuse is sent (its 400 would delete nothing, after a round trip).
  try {
    parsePredicate(text)
  } catch (error) {
    if (!(error instanceof PredicateError)) throw error
    throw new InvalidArgumentError(`predicate: InfluxDB 2.x would refuse ${JSON.stringify(text)}: ${error.message}`)
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end' : JSON.stringify(token.text)
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  const fail = (position: number, reason: string): never => {
    throw new InvalidArgumentError(`predicate: ${reason} at position ${position} in ${JSON.stringify(text)}`)
  }
  let i = 0
  while (i < text.length) {
    const c = text[i]
    const start = i
    if (/\s/.test(c)) {
      i++
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, position: i++ })
    } else if (c === '"') {
      let value = ''
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\n' || text[i] === '\r') fail(i, 'line break inside a quoted name')
        if (text[i] === '\\') {
          // InfluxQL's escapes in a quoted name; any other is the server's "bad escape".
          const escaped = QUOTED_ESCAPES[text[i + 1] ?? '']
          if (escaped === undefined)
            fail(i, `bad escape ${JSON.stringify(text.slice(i, i + 2))} (a quoted name takes \\", \\\\, \\' and \\n)`)
          value += escaped
          i++
          continue
        }
        value += text[i]
      }
      if (i >= text.length) fail(start, 'unterminated double-quoted name')
      i++
      tokens.push({ kind: 'quoted', text: value, position: start })
    } else if (c === "'") {
      fail(i, 'single-quoted strings are not allowed; double-quote tag keys and values')
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = text.slice(i, i + 2)
      if (two === '=~' || two === '!~') fail(i, `the regex operator ${two} is not supported`)
      if (two === '!=' || two === '<>') {
        tokens.push({ kind: 'op', text: two, position: i })
        i += 2
      } else if (c === '=') {
        tokens.push({ kind: 'op', text: '=', position: i++ })
      } else {
        fail(i, `the operator ${two === '<=' || two === '>=' ? two : c} is not supported; use = or !=`)
      }
    } else if (/[0-9.]/.test(c) || (c === '-' && /[0-9.]/.test(text[i + 1] ?? ''))) {
      const match = /^-?(?:\d+(?:\.\d*)?|\.\d+)/.exec(text.slice(i)) ?? fail(i, 'malformed number')
      i += match[0].length
      // A duration is whole numbers with units, one or more (`10s`, `1h30m`); InfluxQL has no exponents.
      const units = /^-?\d+$/.test(match[0]) ? DURATION_UNITS.exec(text.slice(i)) : null
      if (units !== null) {
        i += units[0].length
        tokens.push({ kind: 'duration', text: text.slice(start, i), position: start })
      } else {
        if (/[A-Za-z_]/.test(text[i] ?? ''))
          fail(start, 'a value that starts with a digit and has letters must be double-quoted')
        tokens.push({ kind: 'number', text: match[0], position: start })
      }
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++
      const word = text.slice(start, i)
      const upper = word.toUpperCase()
      if (upper === 'OR') fail(start, 'OR is not supported by the server; run one delete per alternative')
      tokens.push({ kind: upper === 'AND' ? 'and' : 'ident', text: word, position: start })
    } else {
      fail(i, `unexpected ${JSON.stringify(c)}; values with such characters must be double-quoted`)
    }
  }
  tokens.push({ kind: 'end', text: '', position: text.length })
  return tokens
}
