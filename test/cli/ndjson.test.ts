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

  test('an int field beyond 2^53 given as a JSON number is refused, not rounded', () => {
    assert.throws(
      () => ndjsonToRecord('{"measurement":"m","a":9007199254740993}', opts({}, { a: 'int' })),
      { message: 'field "a": 9007199254740992 is beyond 2^53 and was already rounded by JSON; write it as a string of digits' },
    )
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
  ]
  for (const [line, message] of refusals) {
    test(`refuses ${line}`, () => {
      assert.throws(() => ndjsonToRecord(line, opts()), (e: unknown) => e instanceof Error && e.message.startsWith(message))
    })
  }
})
