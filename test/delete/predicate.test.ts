import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { predicate, validatePredicate } from '../../src/delete/predicate.js'
import fc from 'fast-check'
import { InvalidArgumentError } from '../../src/errors.js'
import { parsePredicate } from '../../src/delete/predicate-parser.js'

describe('predicate builder', () => {
  test('quotes values, keeps bare keys, escapes " and \\', () => {
    assert.equal(predicate({ _measurement: 'h2o', location: 'us west' }), '_measurement="h2o" AND location="us west"')
    assert.equal(predicate({ 'tag-key': 'a"b\\c' }), '"tag-key"="a\\"b\\\\c"')
    assert.equal(predicate({ select: 'x', name: 'n', ünï: 'Přerov' }), '"select"="x" AND name="n" AND "ünï"="Přerov"')
    assert.equal(predicate({ n: 5, b: true, big: 12n }), 'n="5" AND b="true" AND big="12"')
  })
  test('every built predicate passes the validator', () => {
    const samples: Array<Record<string, string>> = [
      { _measurement: 'h2o', location: 'us west' },
      { 'a b': 'c"d', or: 'and', x: '\\' },
    ]
    for (const p of samples) validatePredicate(predicate(p))
  })
  test('refuses an empty object, _field, null values and line breaks', () => {
    assert.throws(() => predicate({}), /pass '' to delete\(\) to delete everything/)
    assert.throws(() => predicate({ _field: 'f' }), /_field is not supported/)
    assert.throws(
      () => predicate({ a: null as unknown as string }),
      /must be a string, number, bigint or boolean, got null/,
    )
    assert.throws(() => predicate({ a: 'x\ny' }), /line break/)
  })
})

describe('validatePredicate', () => {
  const ok = [
    '',
    '_measurement="h2o"',
    '_measurement=h2o AND location!="us west"',
    'a <> b and (c = "d" AND (e = -1.5 And f = true))',
    'tag1="value1" and (tag2="value2" and tag3!="value3")',
    'name = x',
    'x = 10s',
    '"select" = "from"',
    '"a\\"b" = "c\\\\"',
    // InfluxQL's other escapes in a quoted name, and a duration of several units.
    '"a\\nb" = "c\\\'d"',
    'x = 1h30m',
    'x = -15m',
  ]
  for (const p of ok) test(`accepts ${JSON.stringify(p)}`, () => validatePredicate(p))

  const bad: Array<[string, RegExp]> = [
    ['a="1" OR b="2"', /OR is not supported .* at position 6 /],
    ['a=~/x/', /regex operator =~ is not supported at position 1/],
    ['a !~ /x/', /regex operator !~/],
    ["a='x'", /single-quoted strings are not allowed; .* at position 2 /],
    ['_field="f"', /_field is not supported/],
    ['"_field"="f"', /_field is not supported/],
    ['a>1', /operator > is not supported/],
    ['a >= 1', /operator >= is not supported/],
    ['(a=b', /missing \)/],
    ['a=b)', /extra \) at position 3/],
    ['a=b c=d', /expected AND, got "c" at position 4/],
    ['a=b AND', /expected a tag key or \(, got the end at position 7/],
    ['a b', /expected = or != after the key/],
    ['a=', /expected a value, got the end/],
    ['location=us-west', /unexpected "-"|expected AND/],
    ['a=1abc', /starts with a digit and has letters must be double-quoted/],
    ['select="x"', /the key select is a keyword and must be double-quoted/],
    ['a=where', /the value where is a keyword/],
    ['a="unterminated', /unterminated double-quoted name at position 2/],
    ['a=b;', /unexpected ";"/],
    // A dot with no digit is no number (it threw a TypeError).
    ['a=.', /malformed number at position 2/],
    ['a=-.', /malformed number at position 2/],
    ['.=a', /malformed number at position 0/],
    ['a=b AND c=.', /malformed number at position 10/],
    // The server reads blanks as an empty expression and refuses them; '' is how to delete everything.
    ['   ', /only blanks .*pass '' to delete everything/],
    ['a="x\\qy"', /bad escape "\\\\q" .* at position 4 /],
    // InfluxQL numbers have no exponent, and every number of a duration has a unit.
    ['a=1.5e3', /starts with a digit and has letters must be double-quoted at position 2 /],
    ['a=1h30', /starts with a digit and has letters/],
  ]
  for (const [p, message] of bad) {
    test(`refuses ${JSON.stringify(p)}`, () => {
      assert.throws(
        () => validatePredicate(p),
        (e: unknown) =>
          e instanceof InvalidArgumentError && message.test(e.message) && e.message.includes(JSON.stringify(p)),
      )
    })
  }
})

// The client's own grammar explains mistakes; the port of the server's parser (the embedded test
// server's) must never refuse what the client lets through, or a delete would fail after a round trip.
describe('validatePredicate is never more lenient than the server', () => {
  test('random predicates: every one the client accepts, the server parser accepts too', () => {
    const atom = fc.oneof(
      fc.constantFrom(
        'host',
        'name',
        '_measurement',
        'region',
        'and',
        'AND',
        'or',
        'select',
        'true',
        'false',
        'x1',
        '_x',
        'key',
      ),
      fc.constantFrom('"a b"', '"x\\"y"', '"x\\\\y"', '"x\\ny"', '"x\\qy"', "'s'", '"a\\\'b"', '"é"', '""', '"x'),
      fc.constantFrom(
        '1',
        '-1',
        '1.5',
        '-.5',
        '10s',
        '1h30m',
        '1d',
        '2w',
        '5ms',
        '3us',
        '7ns',
        '1e3',
        '0x1',
        '1a',
        '.5',
        '-',
        '1.',
        '1h30',
      ),
      fc.constantFrom('=', '!=', '<>', '==', '=~', '!~', '<', '>', '>=', '(', ')', ',', ';', '.', '@', '\t', ' '),
    )
    const comparison = fc
      .tuple(
        fc.constantFrom('host', '"a b"', 'name', '_measurement', '"x\\"k"'),
        fc.constantFrom('=', '!=', '<>'),
        fc.constantFrom('a', '"a b"', '"x\\\\y"', '"q\\ny"', '"x\\qy"', '1', '-2.5', '10s', 'true', '1h30m', '1.5e3'),
      )
      .map(([key, operator, value]) => `${key}${operator}${value}`)
    const predicateText = fc.oneof(
      fc.array(atom, { minLength: 1, maxLength: 9 }).map((atoms) => atoms.join(' ')),
      fc.array(comparison, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(' AND ')),
    )
    let accepted = 0
    let refused = 0
    fc.assert(
      fc.property(predicateText, (text) => {
        try {
          validatePredicate(text)
        } catch {
          refused++
          return
        }
        accepted++
        assert.doesNotThrow(() => parsePredicate(text), `the client accepted ${JSON.stringify(text)}`)
      }),
      { numRuns: 5000 },
    )
    // Both sides must be reached, or agreement would prove nothing.
    assert.ok(accepted > 500 && refused > 500, `accepted ${accepted}, refused ${refused}`)
  })
})
