// Translates an InfluxDB 2.x delete request (RFC3339Nano start/stop and a predicate) into an
// InfluxQL DELETE that InfluxDB 1.6.7 runs. Only the 2.x subset is accepted:
//   expr = term { AND term } ; term = key ("=" | "!=" | "<>") value | "(" expr ")"
// key and value are bare identifiers or "double-quoted" (with \" \\ escapes); values may also be
// numbers or true/false. OR, regex operators, single quotes and `_field` are refused as 2.x refuses them.
// Because only AND exists, parentheses never change the meaning: the predicate is a flat conjunction.
import { quoteIdentifier, quoteString } from './influx.js'

/** Why a delete request cannot be translated, with the HTTP status and v2 code to answer. */
export class DeleteRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface TagCondition {
  key: string
  op: '=' | '!='
  value: string
}

export interface ParsedPredicate {
  /** Every `_measurement = …` value (all must hold: more than one distinct value matches nothing). */
  measurements: string[]
  conditions: TagCondition[]
}

type Token =
  | { kind: 'ident'; text: string; pos: number; quoted: boolean }
  | { kind: 'number'; text: string; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'paren'; text: '(' | ')'; pos: number }
  | { kind: 'regex'; text: string; pos: number }
  | { kind: 'eof'; text: ''; pos: number }

const invalid = (message: string): DeleteRequestError =>
  new DeleteRequestError(400, 'invalid', `error decoding json body: ${message}`)

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (/\s/.test(c)) {
      i++
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', text: c, pos: i })
      i++
    } else if (c === '"') {
      const start = i
      let value = ''
      i++
      for (;;) {
        const d = text[i]
        if (d === undefined || d === '\n') throw invalid(`bad string at position ${start}`)
        i++
        if (d === '"') break
        if (d === '\\') {
          const e = text[i++]
          if (e === '\\' || e === '"' || e === "'") value += e
          else if (e === 'n') value += '\n'
          else throw invalid(`bad escape at position ${i - 2}`)
        } else {
          value += d
        }
      }
      tokens.push({ kind: 'ident', text: value, pos: start, quoted: true })
    } else if (c === '/') {
      // Read only so that `a =~ /x/` reports the operator, as 2.x does.
      const end = text.indexOf('/', i + 1)
      if (end < 0) throw invalid(`bad logical expression, at position ${i}`)
      tokens.push({ kind: 'regex', text: text.slice(i, end + 1), pos: i })
      i = end + 1
    } else if (c === "'") {
      throw invalid(`bad tag value: "'", at position ${i}`)
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray
      tokens.push({ kind: 'ident', text: match[0], pos: i, quoted: false })
      i += match[0].length
    } else if (/[-0-9.]/.test(c)) {
      const match = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[a-zµ]+)?/.exec(text.slice(i))
      if (match === null) throw invalid(`bad tag value at position ${i}`)
      tokens.push({ kind: 'number', text: match[0], pos: i })
      i += match[0].length
    } else {
      const match = /^(?:!=|<>|=~|!~|>=|<=|=|<|>)/.exec(text.slice(i))
      if (match === null) throw invalid(`bad logical expression, at position ${i}`)
      tokens.push({ kind: 'op', text: match[0], pos: i })
      i += match[0].length
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: text.length })
  return tokens
}

/** Parses a 2.x delete predicate; an empty one matches everything. */
export function parsePredicate(text: string): ParsedPredicate {
  const result: ParsedPredicate = { measurements: [], conditions: [] }
  if (text.trim() === '') return result
  const tokens = tokenize(text)
  let at = 0
  const peek = (): Token => tokens[at]
  const isKeyword = (t: Token, word: string): boolean =>
    t.kind === 'ident' && !t.quoted && t.text.toUpperCase() === word

  const comparison = (): void => {
    const key = tokens[at++]
    if (key.kind !== 'ident' || isKeyword(key, 'AND') || isKeyword(key, 'OR'))
      throw invalid(`bad tag key, at position ${key.pos}`)
    const op = tokens[at++]
    if (op.kind !== 'op') throw invalid(`bad logical expression, at position ${op.pos}`)
    if (op.text === '=~' || op.text === '!~')
      throw invalid(`operator: "${op.text}" at position: ${op.pos} is not supported yet`)
    if (op.text !== '=' && op.text !== '!=' && op.text !== '<>')
      throw invalid(`invalid operator "${op.text}" at position: ${op.pos}`)
    const value = tokens[at++]
    const keywordValue = isKeyword(value, 'AND') || isKeyword(value, 'OR')
    if ((value.kind !== 'ident' && value.kind !== 'number') || keywordValue)
      throw invalid(`bad tag value: "${value.text}", at position ${value.pos}`)
    const normalOp = op.text === '=' ? '=' : '!='
    if (key.text === '_field' && normalOp === '=')
      throw new DeleteRequestError(501, 'not implemented', 'delete by field is not supported')
    if (key.text === '_measurement') {
      // InfluxQL's DELETE FROM takes a name or a regex, not a negation.
      if (normalOp !== '=')
        throw new DeleteRequestError(501, 'not implemented', 'gateway: _measurement != is not translated')
      result.measurements.push(value.text)
    } else {
      result.conditions.push({ key: key.text, op: normalOp, value: value.text })
    }
  }

  const expr = (depth: number): void => {
    for (;;) {
      const t = peek()
      if (t.kind === 'paren' && t.text === '(') {
        at++
        expr(depth + 1)
        const close = tokens[at++]
        if (close.kind !== 'paren' || close.text !== ')') throw invalid('extra ( seen')
      } else {
        comparison()
      }
      const next = peek()
      if (isKeyword(next, 'AND')) {
        at++
        continue
      }
      if (isKeyword(next, 'OR')) throw invalid(`the logical operator OR is not supported yet at position ${next.pos}`)
      if (next.kind === 'eof') return
      if (next.kind === 'paren' && next.text === ')') {
        if (depth === 0) throw invalid('extra ) seen')
        return
      }
      throw invalid(`bad logical expression, at position ${next.pos}`)
    }
  }

  expr(0)
  if (peek().kind !== 'eof') throw invalid(`bad logical expression, at position ${peek().pos}`)
  return result
}

const RFC3339_NANO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/
const MIN_NS = -9223372036854775806n
const MAX_NS = 9223372036854775806n

/** Go's `time.Parse(time.RFC3339Nano, …)` subset that 2.x accepts, to exact nanoseconds. */
export function parseRfc3339Nano(text: unknown, field: 'start' | 'stop'): bigint {
  const example = field === 'start' ? '2009-01-02T23:00:00Z' : '2009-01-01T23:00:00Z'
  const bad = invalid(
    `invalid RFC3339Nano for field ${field}, please format your time with RFC3339Nano format, example: ${example}`,
  )
  if (typeof text !== 'string') throw bad
  const m = RFC3339_NANO.exec(text)
  if (m === null) throw bad
  const [, y, mo, d, h, mi, s, fraction = '', zone] = m as unknown as string[]
  // setUTCFullYear, unlike Date.UTC, does not move years 0-99 into the 1900s.
  const date = new Date(0)
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d))
  const day = date.getTime()
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) throw bad
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw bad
  let seconds = BigInt(day / 1000) + BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(s))
  if (zone !== 'Z') {
    const sign = zone?.startsWith('-') ? -1n : 1n
    const [zh, zm] = zone.slice(1).split(':').map(Number) as [number, number]
    seconds -= sign * BigInt(zh * 3600 + zm * 60)
  }
  const ns = seconds * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'))
  if (field === 'start' && ns < MIN_NS)
    throw invalid('invalid start time, start time must not be before 1677-09-21T00:12:43.145224194Z')
  if (field === 'stop' && ns > MAX_NS)
    throw invalid('invalid stop time, stop time must not be after 2262-04-11T23:47:16.854775806Z')
  return ns
}

/**
 * The InfluxQL statement for a 2.x delete, or undefined when the predicate can match nothing.
 * 2.x includes both ends of the range, hence `>=` and `<=`; integer time literals are nanoseconds.
 */
export function toInfluxQLDelete(predicate: ParsedPredicate, startNs: bigint, stopNs: bigint): string | undefined {
  const distinct = [...new Set(predicate.measurements)]
  if (distinct.length > 1) return undefined
  const where = predicate.conditions.map((c) => `${quoteIdentifier(c.key)} ${c.op} ${quoteString(c.value)}`)
  where.push(`time >= ${startNs}`, `time <= ${stopNs}`)
  const from = distinct[0] === undefined ? '' : ` FROM ${quoteIdentifier(distinct[0])}`
  return `DELETE${from} WHERE ${where.join(' AND ')}`
}
