import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  escapeFieldKey,
  escapeKey,
  escapeMeasurement,
  escapeStringValue,
  UnrepresentableNameError,
} from '../../src/line-protocol/escape.js'
import { Point } from '../../src/line-protocol/point.js'
import { parseGoLine } from './go-parser.js'

describe('escapeMeasurement', () => {
  const cases: [string, string][] = [
    ['h2o', 'h2o'],
    ['h2 o', 'h2\\ o'],
    ['h2,o', 'h2\\,o'],
    ['h=2o', 'h=2o'],
    ['a"b', 'a"b'],
    ['温度', '温度'],
    ['tab\there', 'tab\there'],
    ['cr\rhere', 'cr\rhere'],
    ['back\\slash', 'back\\slash'],
    ['two\\\\back', 'two\\\\back'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    ['a#b', 'a#b'],
  ]
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(escapeMeasurement(input), expected)
    })
  }
  const refused: [string, RegExp][] = [
    ['', /empty/],
    ['#comment', /starts with "#"/],
    ['\tlead', /tab or NUL/],
    ['\0lead', /tab or NUL/],
    ['new\nline', /line feed/],
    ['ends\\', /ends with a backslash/],
    ['a\\,b', /backslash before ","/],
    ['a\\ b', /backslash before " "/],
    ['a\\=b', /backslash before "="/],
    ['a\\"b', /backslash before "\\""/],
  ]
  for (const [input, reason] of refused) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => escapeMeasurement(input),
        (e: unknown) => e instanceof UnrepresentableNameError && reason.test(e.message),
      )
    })
  }
})

describe('escapeKey (tag keys, tag values, field keys)', () => {
  const cases: [string, string][] = [
    ['location', 'location'],
    ['l=ocation', 'l\\=ocation'],
    ['us west', 'us\\ west'],
    ['a,b', 'a\\,b'],
    ['a,b c=d', 'a\\,b\\ c\\=d'],
    ['C:\\temp', 'C:\\temp'],
    ['value\\\\5', 'value\\\\5'],
    ['Přerov', 'Přerov'],
    ['😀', '😀'],
    ['t\tab', 't\tab'],
    ['', ''],
  ]
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(escapeKey(input), expected)
    })
  }
  test('refuses a trailing backslash (the reference appends a space, which changes the value)', () => {
    assert.throws(() => escapeKey('C:\\'), /ends with a backslash/)
  })
  test('refuses a raw line feed (the reference writes the two characters \\n, which is stored as such)', () => {
    assert.throws(() => escapeKey('new\nline'), /line feed/)
  })
  test('lone UTF-16 surrogates are refused; a well-formed pair passes', () => {
    for (const bad of ['a\ud800', '\udc00b', 'x\ud83dy']) {
      assert.throws(() => escapeKey(bad), /lone UTF-16 surrogate/)
      assert.throws(() => escapeMeasurement(bad), /lone UTF-16 surrogate/)
      assert.throws(() => escapeStringValue(bad), /lone UTF-16 surrogate/)
    }
    assert.equal(escapeKey('\ud83d\ude00'), '😀')
    assert.equal(escapeStringValue('\ud83d\ude00'), '"😀"')
  })
  test('field keys: empty and leading tab are refused, other keys as escapeKey', () => {
    assert.throws(() => escapeFieldKey(''), /empty/)
    assert.throws(() => escapeFieldKey('\tx'), /tab or NUL/)
    assert.equal(escapeFieldKey('l=evel'), 'l\\=evel')
  })
})

describe('escapeStringValue', () => {
  const cases: [string, string][] = [
    ['hello', '"hello"'],
    ['', '""'],
    ['string esc\\ape value', '"string esc\\\\ape value"'],
    ['string esc"ape value', '"string esc\\"ape value"'],
    ['ends with \\', '"ends with \\\\"'],
    ['line1\nline2', '"line1\nline2"'],
    ['a,b c=d', '"a,b c=d"'],
    ['😀 naïve — ✓', '"😀 naïve — ✓"'],
  ]
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(escapeStringValue(input), expected)
    })
  }
})

// Characters that matter to the escaping, plus ordinary and non-ASCII ones.
const nameChar = fc.constantFrom(
  ',',
  '=',
  ' ',
  '\\',
  '"',
  '\t',
  '\r',
  '\n',
  '#',
  'a',
  'b',
  'é',
  '😀',
  'x',
  '\ud83d',
  '\ude00',
)
const name = fc.array(nameChar, { minLength: 1, maxLength: 8 }).map((chars) => chars.join(''))

/** The rule of escape.ts, restated: which names cannot be written exactly. */
function representable(text: string, role: 'measurement' | 'tag' | 'field' | 'string'): boolean {
  if (/\p{Cs}/u.test(text)) return false
  if (role === 'string') return true
  if (text.includes('\n') || /\\(?:[,= "]|$)/.test(text)) return false
  if (role === 'measurement' && /^[#\t\0]/.test(text)) return false
  if (role === 'field' && /^[\t\0]/.test(text)) return false
  return true
}

describe('round trip through a model of the Go parser', () => {
  test('every representable name and string value comes back exactly; the rest is refused', () => {
    fc.assert(
      fc.property(name, name, name, name, fc.string({ unit: 'binary', maxLength: 12 }), (m, tk, tv, fk, sv) => {
        const ok =
          representable(m, 'measurement') &&
          representable(tk, 'tag') &&
          representable(tv, 'tag') &&
          representable(fk, 'field') &&
          representable(sv, 'string')
        let point: Point
        try {
          point = new Point(m).tag(tk, tv).field(fk, sv).time(1n)
        } catch (error) {
          assert.equal(ok, false, `refused a representable name: ${(error as Error).message}`)
          return
        }
        assert.equal(ok, true, `accepted ${JSON.stringify([m, tk, tv, fk])}`)
        const parsed = parseGoLine(point.toLineProtocol() as string)
        assert.deepEqual(parsed, { measurement: m, tags: [[tk, tv]], fields: [[fk, sv]], timestamp: '1' })
      }),
      { numRuns: 3000 },
    )
  })
})
