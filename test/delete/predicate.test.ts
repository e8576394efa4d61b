import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { predicate, validatePredicate } from '../../src/delete/predicate.js'
import { InvalidArgumentError } from '../../src/errors.js'

describe('predicate builder', () => {
  test('quotes values, keeps bare keys, escapes " and \\', () => {
    assert.equal(predicate({ _measurement: 'h2o', location: 'us west' }), '_measurement="h2o" AND location="us west"')
    assert.equal(predicate({ 'tag-key': 'a"b\\c' }), '"tag-key"="a\\"b\\\\c"')
    assert.equal(predicate({ select: 'x', name: 'n', 'ünï': 'Přerov' }), '"select"="x" AND name="n" AND "ünï"="Přerov"')
    assert.equal(predicate({ n: 5, b: true, big: 12n }), 'n="5" AND b="true" AND big="12"')
  })
  test('every built predicate passes the validator', () => {
    const samples: Array<Record<string, string>> = [{ _measurement: 'h2o', location: 'us west' }, { 'a b': 'c"d', or: 'and', x: '\\' }]
    for (const p of samples) validatePredicate(predicate(p))
  })
  test('refuses an empty object, _field, null values and line breaks', () => {
    assert.throws(() => predicate({}), /pass '' to delete\(\) to delete everything/)
    assert.throws(() => predicate({ _field: 'f' }), /_field is not supported/)
    assert.throws(() => predicate({ a: null as unknown as string }), /must be a string, number, bigint or boolean, got null/)
    assert.throws(() => predicate({ a: 'x\ny' }), /line break/)
  })
})

describe('validatePredicate', () => {
  const ok = [
    '',
    '   ',
    '_measurement="h2o"',
    '_measurement=h2o AND location!="us west"',
    'a <> b and (c = "d" AND (e = -1.5 And f = true))',
    'tag1="value1" and (tag2="value2" and tag3!="value3")',
    'name = x',
    'x = 10s',
    '"select" = "from"',
    '"a\\"b" = "c\\\\"',
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
  ]
  for (const [p, message] of bad) {
    test(`refuses ${JSON.stringify(p)}`, () => {
      assert.throws(() => validatePredicate(p), (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message) && e.message.includes(JSON.stringify(p)))
    })
  }
})
