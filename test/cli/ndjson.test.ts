import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { ndjsonToRecord, type NdjsonOptions } from '../../src/cli/input/ndjson.js'
import type { FieldValueType } from '../../src/cli/input/values.js'

function opts(partial: Partial<NdjsonOptions> = {}, types: Record<string, FieldValueType> = {}): NdjsonOptions {
  return { tagKeys: [], timeKey: 'time', fieldTypes: new Map(Object.entries(types)), ...partial }
}

describe('ndjsonToRecord', () => {
  test('nested shape', () => {
    assert.deepEqual(
      ndjsonToRecord('{"measurement":"h2o_feet","tags":{"location":"us-west"},"fields":{"level":125},"time":1}', opts()),
      { measurement: 'h2o_feet', tags: { location: 'us-west' }, fields: { level: 125 }, time: 1n },
    )
  })

  test('flat shape with tag keys, a custom time key and --measurement', () => {
    assert.deepEqual(
      ndjsonToRecord('{"loc":"a","n":2,"on":true,"s":"x","ts":"2024-01-01T00:00:00Z","measurement":"ignored"}', opts({ tagKeys: ['loc'], timeKey: 'ts', measurement: 'm' })),
      { measurement: 'm', tags: { loc: 'a' }, fields: { n: 2, on: true, s: 'x' }, time: '2024-01-01T00:00:00Z' },
    )
  })

  test('int fields: safe numbers and digit strings become exact bigints', () => {
    assert.deepEqual(
      ndjsonToRecord('{"measurement":"m","a":5,"b":"9007199254740993","c":"18446744073709551615"}', opts({}, { a: 'int', b: 'int', c: 'uint' })).fields,
      { a: 5n, b: 9007199254740993n, c: 18446744073709551615n },
    )
  })

  test('integers given as JSON numbers are read exactly from their digits: int64 and uint64 fields, ns times', () => {
    const record = ndjsonToRecord(
      '{"measurement":"m","a":9007199254740993,"b":-9223372036854775808,"c":18446744073709551615,"time":1700000000000000001}',
      opts({}, { a: 'int', b: 'int', c: 'uint' }),
    )
    assert.deepEqual(record.fields, { a: 9007199254740993n, b: -9223372036854775808n, c: 18446744073709551615n })
    assert.equal(record.time, 1700000000000000001n)
  })

  test('an integer beyond int64 or uint64 is refused naming the range', () => {
    assert.throws(() => ndjsonToRecord('{"measurement":"m","a":9223372036854775808}', opts({}, { a: 'int' })), { message: 'field "a": 9223372036854775808 is out of the int64 range' })
    assert.throws(() => ndjsonToRecord('{"measurement":"m","a":18446744073709551616}', opts({}, { a: 'uint' })), { message: 'field "a": 18446744073709551616 is out of the uint64 range' })
  })

  test('unpinned: an integer a float holds exactly is a float; one it cannot is refused, not rounded', () => {
    assert.deepEqual(ndjsonToRecord('{"measurement":"m","a":1152921504606846976}', opts()).fields, { a: 2 ** 60 })
    assert.throws(() => ndjsonToRecord('{"measurement":"m","a":9007199254740993}', opts()), {
      message: 'field "a": 9007199254740993 is an integer that a float cannot hold exactly; pin the field with --field-types <name>=int (or uint) to write it as an integer, or <name>=float to round it',
    })
    assert.deepEqual(ndjsonToRecord('{"measurement":"m","a":9007199254740993}', opts({}, { a: 'float' })).fields, { a: 9007199254740992 })
    assert.deepEqual(ndjsonToRecord('{"measurement":"m","a":9007199254740993}', opts({}, { a: 'string' })).fields, { a: '9007199254740993' })
  })

  test('long digit runs inside strings, escapes, nesting and "__proto__" parse as JSON.parse has them', () => {
    const line = '{"measurement":"m","tags":{"id":"12345678901234567890","__proto__":"p"},"fields":{"s":"a\\"\\u00e9\\n","f":1.5e3,"g":-0.5},"time":1234567890123456789}'
    const record = ndjsonToRecord(line, opts())
    assert.deepEqual(record.tags, { id: '12345678901234567890', __proto__: 'p' })
    assert.deepEqual(record.fields, { s: 'a"é\n', f: 1500, g: -0.5 })
    assert.equal(record.time, 1234567890123456789n)
  })

  test('time as a digit string is exact', () => {
    assert.equal(ndjsonToRecord('{"measurement":"m","f":1,"time":"1700000000000000001"}', opts()).time, 1700000000000000001n)
  })

  test('nulls are skipped; tags become strings', () => {
    assert.deepEqual(ndjsonToRecord('{"measurement":"m","tags":{"a":1,"b":null},"fields":{"f":null,"g":1}}', opts()), {
      measurement: 'm', tags: { a: '1' }, fields: { g: 1 },
    })
  })

  const refusals: Array<[string, string, Partial<NdjsonOptions>?]> = [
    ['{"measurement":"m",', 'invalid JSON: '],
    ['[1,2]', 'is not a JSON object'],
    ['{"f":1}', 'has no measurement (a non-empty "measurement" string, or give --measurement)'],
    ['{"measurement":"m","f":null}', 'has no field value'],
    ['{"measurement":"m","f":{"x":1}}', 'field "f": nested objects and arrays cannot be field values'],
    ['{"measurement":"m","fields":[1]}', '"fields" is not an object'],
    ['{"measurement":"m","tags":{"time":"x"},"fields":{"f":1}}', 'tag key "time" is reserved'],
    ['{"measurement":"m","time":1.5,"f":1}', 'time 1.5 is not a safe integer; write it as a string of digits'],
    ['{"measurement":"m","f":1,"time":12345678901234567890', 'invalid JSON: expected "}" at position 52'],
    ['{"measurement":"m","f":01234567890123456789}', 'invalid JSON: expected "}" at position 24'],
    ['{"measurement":"m","f":1234567890123456789,}', 'invalid JSON: expected a property name in double quotes at position 43'],
  ]
  for (const [line, message] of refusals) {
    test(`refuses ${line}`, () => {
      assert.throws(() => ndjsonToRecord(line, opts()), (e: unknown) => e instanceof Error && e.message.startsWith(message))
    })
  }
})
