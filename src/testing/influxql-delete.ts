// The InfluxQL DELETE statements the embedded server runs in 1.x mode:
//   DELETE [FROM [rp.]m] [WHERE cond [AND cond]…]
// where a condition compares a tag with a string (`=` or `!=`) or `time` with an RFC 3339 string
// or integer nanoseconds (`>=` and `<=` inclusive, `>` and `<` exclusive: influxql's getTimeRange).
// Anything else (regex, OR, parentheses, other statements) is answered as a parse error.
import { Scanner, type Token } from '../delete/influxql-scanner.js'
import { MAX_NANO_TIME, MIN_NANO_TIME } from './line-parser.js'
import type { TagRule } from './predicate.js'
import { parseRfc3339Nano } from './rfc3339.js'

/** A parsed DELETE: its measurement, tag rules and inclusive time bounds in nanoseconds. */
export interface InfluxqlDelete {
  measurement: string | undefined
  rules: TagRule[]
  start: bigint
  stop: bigint
}

const COMPARISONS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE'])

/** Parses one DELETE statement, or says why it is not one this server runs. */
export function parseInfluxqlDelete(text: string): InfluxqlDelete | { error: string } {
  const tokens = scanAll(text)
  let at = 0
  const peek = (): Token => tokens[at]
  const next = (): Token => tokens[at++]
  const found = (token: Token): string =>
    token.kind === 'EOF' ? 'EOF' : JSON.stringify(token.lit || token.keyword || token.kind)
  const isKeyword = (token: Token, keyword: string): boolean => token.kind === 'KEYWORD' && token.keyword === keyword
  if (!isKeyword(next(), 'DELETE'))
    return { error: `found ${found(tokens[0])}, expected DELETE (this server runs DELETE statements only)` }
  const result: InfluxqlDelete = { measurement: undefined, rules: [], start: MIN_NANO_TIME, stop: MAX_NANO_TIME }
  if (isKeyword(peek(), 'FROM')) {
    next()
    let name = next()
    if (name.kind !== 'IDENT') return { error: `found ${found(name)}, expected identifier` }
    if (peek().kind === 'DOT') {
      next()
      name = next()
      if (name.kind !== 'IDENT') return { error: `found ${found(name)}, expected identifier` }
    }
    result.measurement = name.lit
  }
  if (isKeyword(peek(), 'WHERE')) {
    next()
    for (;;) {
      const key = next()
      const operator = next()
      const value = next()
      if (key.kind !== 'IDENT') return { error: `found ${found(key)}, expected identifier` }
      if (!COMPARISONS.has(operator.kind))
        return { error: `found ${found(operator)}, expected a comparison (regex and OR are not run by this server)` }
      if (key.lit.toLowerCase() === 'time') {
        const bound = timeValue(value)
        if (bound === undefined) return { error: `invalid time ${found(value)}` }
        if (operator.kind === 'GTE' || operator.kind === 'GT')
          result.start = maxOf(result.start, operator.kind === 'GT' ? bound + 1n : bound)
        else if (operator.kind === 'LTE' || operator.kind === 'LT')
          result.stop = minOf(result.stop, operator.kind === 'LT' ? bound - 1n : bound)
        else return { error: 'time = and time != are not run by this server' }
      } else {
        if (value.kind !== 'STRING')
          return { error: `found ${found(value)}, expected a string for tag ${JSON.stringify(key.lit)}` }
        if (operator.kind !== 'EQ' && operator.kind !== 'NEQ')
          return { error: `${found(operator)} on a tag is not run by this server` }
        result.rules.push({ key: key.lit, operator: operator.kind === 'EQ' ? '=' : '!=', value: value.lit })
      }
      if (peek().kind === 'AND') {
        next()
        continue
      }
      break
    }
  } else if (result.measurement === undefined) {
    return { error: 'found EOF, expected FROM, WHERE' }
  }
  if (peek().kind === 'SEMICOLON') next()
  if (peek().kind !== 'EOF') return { error: `found ${found(peek())}, expected EOF` }
  return result
}

function scanAll(text: string): Token[] {
  const scanner = new Scanner(text)
  const tokens: Token[] = []
  for (;;) {
    const token = scanner.scan()
    if (token.kind === 'WS' || token.kind === 'COMMENT') continue
    tokens.push(token)
    if (token.kind === 'EOF') return tokens
  }
}

function timeValue(token: Token): bigint | undefined {
  if (token.kind === 'STRING') return parseRfc3339Nano(token.lit)
  if (token.kind === 'INTEGER') return BigInt(token.lit)
  return undefined
}

const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b)
const minOf = (a: bigint, b: bigint): bigint => (a < b ? a : b)
