import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { ndjsonToPoint, type NdjsonOptions } from '../../../src/cli/input/ndjson.js'
import type { FieldValueType } from '../../../src/cli/input/values.js'

function opts(partial: Partial<NdjsonOptions> = {}, types: Record<string, FieldValueType> = {}): NdjsonOptions {
  return { tagKeys: [], timeKey: 'time', fieldTypes: new Map(Object.entries(types)), ...partial }
}

/** The line the Point of an NDJSON line writes, at ns. */
function lineOf(text: string, options: NdjsonOptions): string | undefined {
  return ndjsonToPoint(text, options).toLineProtocol('ns')
}

describe('ndjsonToPoint', () => {
  test('nested shape', () => {
    assert.equal(
      lineOf('{"measurement":"h2o_feet","tags":{"location":"us-west"},"fields":{"level":125},"time":1}', opts()),
      'h2o_feet,location=us-west level=125 1',
    )
  })

  test('flat shape with tag keys, a custom time key and --measurement', () => {
    assert.equal(
      lineOf(
        '{"loc":"a","n":2,"on":true,"s":"x","ts":"2024-01-01T00:00:00Z","measurement":"ignored"}',
        opts({ tagKeys: ['loc'], timeKey: 'ts', measurement: 'm' }),
      ),
      'm,loc=a n=2,on=true,s="x" 1704067200000000000',
    )
  })

  test('int fields: safe numbers and digit strings become exact bigints', () => {
    assert.equal(
      lineOf(
        '{"measurement":"m","a":5,"b":"9007199254740993","c":"18446744073709551615"}',
        opts({}, { a: 'int', b: 'int', c: 'uint' }),
      ),
      'm a=5i,b=9007199254740993i,c=18446744073709551615u',
    )
  })

  test('integers given as JSON numbers are read exactly from their digits: int64 and uint64 fields, ns times', () => {
    assert.equal(
      lineOf(
        '{"measurement":"m","a":9007199254740993,"b":-9223372036854775808,"c":18446744073709551615,"time":1700000000000000001}',
        opts({}, { a: 'int', b: 'int', c: 'uint' }),
      ),
      'm a=9007199254740993i,b=-9223372036854775808i,c=18446744073709551615u 1700000000000000001',
    )
  })

  test('an integer beyond int64 or uint64 is refused naming the range', () => {
    assert.throws(() => ndjsonToPoint('{"measurement":"m","a":9223372036854775808}', opts({}, { a: 'int' })), {
      message: 'field "a": 9223372036854775808 is out of the int64 range',
    })
    assert.throws(() => ndjsonToPoint('{"measurement":"m","a":18446744073709551616}', opts({}, { a: 'uint' })), {
      message: 'field "a": 18446744073709551616 is out of the uint64 range',
    })
  })

  test('unpinned: an integer a float holds exactly is a float; one it cannot is refused, not rounded', () => {
    assert.equal(lineOf('{"measurement":"m","a":1152921504606846976}', opts()), 'm a=1152921504606847000')
    assert.throws(() => ndjsonToPoint('{"measurement":"m","a":9007199254740993}', opts()), {
      message:
        'field "a": 9007199254740993 is an integer that a float cannot hold exactly; pin the field with --field-types <name>=int (or uint) to write it as an integer, or <name>=float to round it',
    })
    assert.equal(lineOf('{"measurement":"m","a":9007199254740993}', opts({}, { a: 'float' })), 'm a=9007199254740992')
    assert.equal(
      lineOf('{"measurement":"m","a":9007199254740993}', opts({}, { a: 'string' })),
      'm a="9007199254740993"',
    )
  })

  test('long digit runs inside strings, escapes, nesting and "__proto__" parse as JSON.parse has them', () => {
    const line =
      '{"measurement":"m","tags":{"id":"12345678901234567890","__proto__":"p"},"fields":{"s":"a\\"\\u00e9\\n","f":1.5e3,"g":-0.5},"time":1234567890123456789}'
    assert.equal(
      lineOf(line, opts()),
      'm,__proto__=p,id=12345678901234567890 f=1500,g=-0.5,s="a\\"é\n" 1234567890123456789',
    )
  })

  test('time as a digit string is exact', () => {
    assert.equal(lineOf('{"measurement":"m","f":1,"time":"1700000000000000001"}', opts()), 'm f=1 1700000000000000001')
  })

  test('nulls are skipped; tags become strings', () => {
    assert.equal(lineOf('{"measurement":"m","tags":{"a":1,"b":null},"fields":{"f":null,"g":1}}', opts()), 'm,a=1 g=1')
  })

  test('keys named like Object.prototype members are ordinary tag and field keys', () => {
    assert.equal(
      lineOf(
        '{"measurement":"m","tags":{"__proto__":"p","constructor":"c"},"fields":{"__proto__":1,"toString":2}}',
        opts({ fieldTypes: new Map([['toString', 'int']]) }),
      ),
      'm,__proto__=p,constructor=c __proto__=1,toString=2i',
    )
    assert.equal(
      lineOf('{"measurement":"m","__proto__":"p","valueOf":1}', opts({ tagKeys: ['__proto__'] })),
      'm,__proto__=p valueOf=1',
    )
    // A tag or time key that the line does not have is not found on Object.prototype.
    assert.equal(
      lineOf('{"measurement":"m","f":1}', opts({ tagKeys: ['constructor', 'hasOwnProperty'], timeKey: 'valueOf' })),
      'm f=1',
    )
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
    [
      '{"measurement":"m","f":1234567890123456789,}',
      'invalid JSON: expected a property name in double quotes at position 43',
    ],
  ]
  for (const [line, message] of refusals) {
    test(`refuses ${line}`, () => {
      assert.throws(
        () => ndjsonToPoint(line, opts()),
        (e: unknown) => e instanceof Error && e.message.startsWith(message),
      )
    })
  }
})
