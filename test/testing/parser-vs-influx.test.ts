// Cross-check: the embedded server's line-protocol parser and real InfluxDB 1.6.7 must accept
// and reject the same lines, with the same messages. Random lines mix valid syntax with the
// mutations that parsers get wrong (escapes, quotes, numbers, booleans, integer ranges,
// timestamps, CR, newlines). The documented 1.x/2.x differences, and nothing else, are allowed:
//   1. Unsigned integers (`1u`) exist in 2.x only; 1.6 answers `invalid number` (KNOWN_DIFFERENCES).
//   2. Reserved tag keys (`time`, `_field`, `_measurement`) are a 2.x parse error; 1.x accepts them
//      or drops the point as a partial write (KNOWN_DIFFERENCES).
//   3. 1.x partial-write semantics: a 400 `partial write: … dropped=N` still wrote the good lines,
//      and a storage drop (a field named twice with two types, a field named `time`) is not a
//      parse error, so it counts as accepted; in a multi-line answer it hides the parse errors,
//      so such bodies are not compared (influxVerdict and the multi-line test).
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseLineProtocol } from '../../src/testing/line-parser.js'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'

const DB = 'h6_parser_crosscheck'
const availability = await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7')

interface Verdict {
  accepted: boolean
  detail: string
}

async function influxVerdict(line: string): Promise<Verdict> {
  const res = await fetch(`${INFLUX_V1_URL}/write?db=${DB}&precision=n`, { method: 'POST', body: line })
  const text = await res.text()
  if (res.status === 204) return { accepted: true, detail: '204' }
  assert.equal(res.status, 400, `unexpected status ${res.status} ${text} for ${JSON.stringify(line)}`)
  const error = (JSON.parse(text) as { error: string }).error
  // "partial write: …" on a single line, and a bare "field type conflict" (one line naming a field
  // twice with two types), come from the storage dropping a parsed point: the parser accepted it.
  return { accepted: error.startsWith('partial write:') || error === 'field type conflict', detail: error }
}

function ourVerdict(line: string): Verdict & { unsigned: boolean } {
  const result = parseLineProtocol(line, { precision: 'ns', now: 0n })
  const unsigned = result.points.some((p) => p.fields.some((f) => f.type === 'unsigned'))
  return { accepted: result.errors.length === 0, detail: result.errors.join('\n') || 'accepted', unsigned }
}

/** Differences 1 and 2 above: each returns true when it explains a disagreement. */
const KNOWN_DIFFERENCES: Array<(ours: ReturnType<typeof ourVerdict>, influx: Verdict) => boolean> = [
  (ours, influx) => ours.accepted && ours.unsigned && !influx.accepted && /: invalid number$/.test(influx.detail),
  (ours, influx) => !ours.accepted && influx.accepted && /cannot use reserved tag key/.test(ours.detail),
]

// ── generators: a valid line, then (half the time) one mutation ──────────────────────────────
const nameChar = fc.constantFrom(...'abcXYZ019_-.é😀', ' ', ',', '=', '"', "'", '#', '\t')
const text = (min: number, max: number) => fc.string({ unit: nameChar, minLength: min, maxLength: max })
const escapeWith = (chars: string) => (t: string) => t.replace(new RegExp(`([${chars}])`, 'g'), '\\$1')
const measurement = text(0, 6).map(escapeWith(', '))
const tagPart = text(1, 5).map(escapeWith(', ='))
const tagSet = fc
  .array(fc.tuple(tagPart, tagPart), { maxLength: 3 })
  .map((tags) => tags.map(([k, v]) => `,${k}=${v}`).join(''))
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UNSIGNED = 3
const validValues = [
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
  fc.constantFrom('.5', '1.', '-.5', '1e5', '1E+5', '1.5e-3', '-0', '00012', '1e-400', '1.7976931348623157e308'),
  fc
    .oneof(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), fc.constantFrom(INT64_MIN, INT64_MAX, 0n))
    .map((n) => `${n}i`),
  fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 2n ** 64n - 1n)).map((n) => `${n}u`),
  fc.constantFrom('t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE'),
  fc.string({ unit: fc.constantFrom(...'ab \\",=é'), maxLength: 6 }).map((t) => `"${t.replace(/([\\"])/g, '\\$1')}"`),
]
const invalidValues = [
  fc.constantFrom(
    'NaN',
    'nan',
    '+1',
    '1.2.3',
    '1e',
    '1e+',
    '1e400',
    '-',
    '.',
    '1_0',
    '0x10',
    '1e5i',
    'inf',
    '-Inf',
    '1..',
    '1-2',
  ),
  fc.constantFrom('9'.repeat(30), '9'.repeat(400), '-' + '9'.repeat(400) + '.5'),
  fc
    .oneof(fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }), fc.constantFrom(INT64_MIN - 1n, INT64_MAX + 1n))
    .map((n) => `${n}i`),
  fc.oneof(fc.bigInt({ min: -5n, max: 2n ** 65n }), fc.constantFrom(-1n, 2n ** 64n)).map((n) => `${n}u`),
  fc.constantFrom('tRUE', 'yes', 'truE', 'tt', 'FALSE_', 'F0'),
  fc.constantFrom('"unterminated', "'single'", '', 'i', '-i', '5i5', '1ii', '"a"b', '"a"b"', '1u5'),
]
// Unsigned integers (index UNSIGNED of both lists) are left out where InfluxDB 1.6's verdict cannot be compared.
const withoutUnsigned = (values: fc.Arbitrary<string>[]) => values.filter((_, i) => i !== UNSIGNED)
const fieldKey = text(1, 4).map(escapeWith(', ='))
const fieldSet = (value: fc.Arbitrary<string>) =>
  fc
    .array(fc.tuple(fieldKey, value), { minLength: 1, maxLength: 3 })
    .map((fs) => fs.map(([k, v]) => `${k}=${v}`).join(','))
const MAX_TIME = 9223372036854775806n
const validTimestamp = fc.oneof(
  fc.constant(''),
  fc.bigInt({ min: -MAX_TIME, max: MAX_TIME }).map(String),
  fc.constantFrom(String(MAX_TIME), String(-MAX_TIME), '0', '-1'),
)
const invalidTimestamp = fc.oneof(
  fc.constantFrom(
    '9223372036854775807',
    '-9223372036854775807',
    '-9223372036854775808',
    '9223372036854775808',
    '99999999999999999999',
  ),
  fc.constantFrom('12a', '1.5', '-', '--1', '1 2', '+5', '1\r', '0x1', '1e9'),
)
const separator = fc.constantFrom(' ', ' ', ' ', '  ', ' \t')

// One change to a valid line: what parsers get wrong lives here.
const mutation = (insertable: string[]) =>
  fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), ch: fc.constantFrom(...insertable) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('append' as const), tail: fc.constantFrom(' ', '\r', ' x', '  ', '\\', ',', '=') }),
  )

const INSERTABLE = ['\\', '"', ',', '=', ' ', '\r', '\t', "'", '#']
let caseNumber = 0
const anyLine = (valid: fc.Arbitrary<string>[], invalid: fc.Arbitrary<string>[], insertable: string[]) =>
  fc
    .tuple(
      fc.boolean(),
      measurement,
      tagSet,
      separator,
      fc.oneof(
        { weight: 5, arbitrary: fieldSet(fc.oneof(...valid)) },
        { weight: 1, arbitrary: fieldSet(fc.oneof(...invalid)) },
      ),
      separator,
      fc.oneof({ weight: 5, arbitrary: validTimestamp }, { weight: 1, arbitrary: invalidTimestamp }),
      mutation(insertable),
    )
    .map(([mutate, m, tags, sep1, fields, sep2, ts, change]) => {
      // A fresh measurement per case, so that field types never clash across cases.
      const prefix = `c${caseNumber++}x`
      const body = `${m}${tags}${sep1}${fields}${ts === '' ? '' : sep2 + ts}`
      if (!mutate) return prefix + body
      if (change.kind === 'append') return prefix + body + change.tail
      const at = change.at % (body.length + 1)
      return (
        prefix +
        body.slice(0, at) +
        (change.kind === 'insert' ? change.ch : '') +
        body.slice(change.kind === 'delete' ? at + 1 : at)
      )
    })

// No split surrogate pair, which no UTF-8 body can carry.
const wellFormed = (t: string): boolean => Buffer.from(t).toString() === t
const line = anyLine(validValues, invalidValues, INSERTABLE).filter((l) => !l.includes('\n') && wellFormed(l))
// Bodies of several lines, where a mutation may also add a newline (inside a string it stays in the value).
const body = fc
  .array(anyLine(withoutUnsigned(validValues), withoutUnsigned(invalidValues), [...INSERTABLE, '\n', '\n']), {
    minLength: 2,
    maxLength: 4,
  })
  .map((lines) => lines.join('\n'))
  .filter(wellFormed)

// Lines from server_contract.md §3 and local_servers.md §3.2, checked on every run.
const CORPUS = [
  // A `\,` right after a string value: Go's field walker ends that value at the comma, and the key after it has no `=`.
  'w a="x"\\,a a=t 9223372036854775806',
  'w a="x\ny"\\,a 5',
  'w a="x"\\,a=',
  // An open quote runs the line to the end of the body; Go drops the body's last newline from it (one, not two).
  'q a="\nq2 a=t 9223372036854775806\nq3 a=-.5 1\n',
  'q a="x\n\n',
  '  q a="x\n',
  'q a="\\\n',
  'my\\,meas\\ ure,t=a f=1 1000',
  'm=eq,t=a f=1 1000',
  'm\\=esc,t=a f=1 1000',
  'tagesc,t\\ k\\,e\\=y=v\\ a\\,l\\=ue f=1 1000',
  'fkesc f\\ k\\,e\\=y=1 1000',
  'tagbs,t=a\\b f=1',
  'tagbs2,t=a\\\\b f=1',
  'tagbs3,t=ab\\ f=1 1000',
  's s="he said \\"hi\\" and \\\\ back\\\\slash"',
  'v v=9223372036854775807i',
  'v v=-9223372036854775808i',
  'v v=9223372036854775808i',
  'v v=-9223372036854775809i',
  'b a=t,b=T,c=true,d=True,e=TRUE',
  'b a=tRUE',
  'f v=1.7976931348623157e309',
  'f v=NaN',
  'f v=+Inf',
  'f v=+1.5',
  'f v=hello',
  'ts v=1 9223372036854775807',
  'ts v=1 -9223372036854775808',
  'ts v=1 9223372036854775808',
  'ts v=1 1.5',
  'crlf,c=1 v=1 1000\r',
  'nofields,c=1 1000',
  'nofields2 1000',
  'novalue,c=1 f= 1000',
  'notagval,t= f=1 1000',
  'm =1 1000',
  ',t=1 f=1 1000',
  'unterm s="abc 1000',
  'm s="a"b" 1000',
  'tagdup,a=1,a=2 v=1 1000',
  'm v=1 1 2',
  'm',
  'm x',
  'm v=1,',
  'm v=1,,w=2',
  'm,t==a v=1',
  'm v="a"b',
  'm v=1i,v2=1.5',
  'm\\ v=1',
  '  m v=1',
  'm\tv=1',
  'm v=1\t5',
  // The documented differences, so that each allowance is exercised on every run.
  'm v=1u',
  'm v=18446744073709551615u',
  'm,time=x v=1',
  'm,_field=x v=1',
  'm,_measurement=x v=1',
  'm time=1,v=2',
  'm time=1',
]

describe('line-protocol parser versus InfluxDB 1.6.7', availability, () => {
  before(async () => {
    // A fresh database, so that measurements of an earlier run cannot cause field type conflicts.
    for (const q of [`DROP DATABASE ${DB}`, `CREATE DATABASE ${DB}`]) {
      const res = await fetch(`${INFLUX_V1_URL}/query`, { method: 'POST', body: new URLSearchParams({ q }) })
      assert.equal(res.status, 200)
      await res.arrayBuffer()
    }
  })

  const tally = { accepted: 0, rejected: 0, reasons: new Map<string, number>() }
  async function compare(lineText: string): Promise<void> {
    const ours = ourVerdict(lineText)
    const influx = await influxVerdict(lineText)
    tally[influx.accepted ? 'accepted' : 'rejected']++
    const reason = influx.detail.replace(/^.*': /s, '').replace(/[0-9]+/g, 'N')
    tally.reasons.set(reason, (tally.reasons.get(reason) ?? 0) + 1)
    if (ours.accepted === influx.accepted) {
      // Both rejected: the reason must be the same text too (uint lines aside, see KNOWN_DIFFERENCES).
      if (!ours.accepted && !/\du/.test(lineText))
        assert.equal(ours.detail, influx.detail, `reason for ${JSON.stringify(lineText)}`)
      return
    }
    if (KNOWN_DIFFERENCES.some((explains) => explains(ours, influx))) return
    assert.fail(`disagreement on ${JSON.stringify(lineText)}:\n  ours:   ${ours.detail}\n  influx: ${influx.detail}`)
  }

  test('the corpus of tricky lines', async () => {
    for (const [i, text] of CORPUS.entries()) await compare(text.replace(/^([a-z])/i, `k${i}x$1`))
  })

  test('random lines', async () => {
    tally.accepted = tally.rejected = 0
    tally.reasons.clear()
    await fc.assert(fc.asyncProperty(line, compare), { numRuns: 400 })
    // The generator must exercise both sides, or agreement would prove nothing.
    assert.ok(tally.accepted >= 40 && tally.rejected >= 40, `accepted ${tally.accepted}, rejected ${tally.rejected}`)
    // …and reach many different rules of the parser.
    assert.ok(
      tally.reasons.size >= 10,
      `only ${tally.reasons.size} distinct verdicts: ${[...tally.reasons.keys()].join(' | ')}`,
    )
  })

  test('random multi-line bodies: the same lines fail, with the same messages', async () => {
    let failedBodies = 0
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        // A mutation can still make an unsigned value (`1u5` → `1u`); 1.6 cannot judge those lines.
        if (/\du/.test(text)) return
        const ours = parseLineProtocol(text, { precision: 'ns', now: 0n }).errors.join('\n')
        const res = await fetch(`${INFLUX_V1_URL}/write?db=${DB}&precision=n`, { method: 'POST', body: text })
        const raw = res.status === 204 ? '' : (JSON.parse(await res.text()) as { error: string }).error
        // 1.x writes the good lines and wraps the parse errors as a partial write.
        const influx = raw.replace(/^partial write: /, '').replace(/ dropped=\d+$/, '')
        // A storage drop (a line naming a field twice with two types) replaces 1.x's parse errors in its answer.
        if (influx !== '' && !influx.startsWith('unable to parse')) return
        if (influx !== '') failedBodies++
        assert.equal(ours, influx, `body ${JSON.stringify(text)}`)
      }),
      { numRuns: 150 },
    )
    assert.ok(failedBodies >= 20, `only ${failedBodies} bodies had a bad line`)
  })
})
