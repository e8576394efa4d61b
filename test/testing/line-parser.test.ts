import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { parseLineProtocol } from '../../src/testing/line-parser.js'
import type { WritePrecision } from '../../src/line-protocol/precision.js'

const parse = (text: string, precision: WritePrecision = 'ns', now = 0n) => parseLineProtocol(text, { precision, now })

function only(text: string) {
  const result = parse(text)
  assert.deepEqual(result.errors, [])
  assert.equal(result.points.length, 1)
  const p = result.points[0]
  return {
    measurement: p.measurement,
    tags: Object.fromEntries(p.tags),
    fields: p.fields.map((f) => [f.key, f.type, f.value]),
    time: p.time,
  }
}

function reason(text: string): string {
  const result = parse(text)
  assert.equal(
    result.errors.length,
    1,
    `expected one error for ${JSON.stringify(text)}, got ${JSON.stringify(result.errors)}`,
  )
  const prefix = `unable to parse '${text.trimStart()}': `
  assert.ok(result.errors[0].startsWith(prefix), result.errors[0])
  return result.errors[0].slice(prefix.length)
}

describe('escapes (server_contract.md §3.1)', () => {
  test('measurement, tag key, tag value and field key', () => {
    assert.deepEqual(only('my\\ m,t\\=k=v\\,w f\\ k=1'), {
      measurement: 'my m',
      tags: { 't=k': 'v,w' },
      fields: [['f k', 'float', 1]],
      time: 0n,
    })
    assert.deepEqual(only('my\\,meas\\ ure,t=a f=1 1000').measurement, 'my,meas ure')
    assert.equal(only('m=eq,t=a f=1').measurement, 'm=eq')
    assert.equal(only('m\\=esc f=1').measurement, 'm=esc')
    assert.equal(only('m\\"q f=1').measurement, 'm"q')
    assert.deepEqual(only('tagesc,t\\ k\\,e\\=y=v\\ a\\,l\\=ue f=1').tags, { 't k,e=y': 'v a,l=ue' })
    assert.deepEqual(only('fkesc f\\ k\\,e\\=y\\"=1').fields, [['f k,e=y"', 'float', 1]])
  })

  test('a backslash before any other character is kept, and \\\\ stays two characters in names', () => {
    assert.deepEqual(only('tagbs,t=a\\b f=1').tags, { t: 'a\\b' })
    assert.deepEqual(only('tagbs2,t=a\\\\b f=1').tags, { t: 'a\\\\b' })
    assert.equal(only('m\\x f=1').measurement, 'm\\x')
    assert.deepEqual(only('m,t=a\\"b f=1').tags, { t: 'a\\"b' })
  })

  test('a trailing backslash escapes the delimiter after it', () => {
    assert.equal(reason('tagbs3,t=ab\\ f=1 1000'), 'invalid tag format')
  })

  test('string fields unescape only \\" and \\\\', () => {
    assert.deepEqual(only('m s="he said \\"hi\\" and \\\\ back\\\\slash"').fields, [
      ['s', 'string', 'he said "hi" and \\ back\\slash'],
    ])
    assert.deepEqual(only('m s="a\\nb\\tc"').fields, [['s', 'string', 'a\\nb\\tc']])
    assert.deepEqual(only('m s="C:\\temp\\x"').fields, [['s', 'string', 'C:\\temp\\x']])
    assert.deepEqual(only('m s="a,b c=d",e=""').fields, [
      ['s', 'string', 'a,b c=d'],
      ['e', 'string', ''],
    ])
    assert.deepEqual(only('m s="ends with \\\\"').fields, [['s', 'string', 'ends with \\']])
  })

  test('a raw newline inside a quoted string stays in the value', () => {
    const result = parse('m s="line1\nline2" 5\nm v=2 6')
    assert.deepEqual(result.errors, [])
    assert.deepEqual(
      result.points.map((p) => p.fields[0].value),
      ['line1\nline2', 2],
    )
  })
})

describe('field values (§3.2)', () => {
  test('floats', () => {
    const cases: Array<[string, number]> = [
      ['1', 1],
      ['-1.5', -1.5],
      ['1e9', 1e9],
      ['1.5E-3', 1.5e-3],
      ['.5', 0.5],
      ['1.', 1],
      ['-0', -0],
      ['00012', 12],
      ['1e-300', 1e-300],
      ['1.7976931348623157e308', 1.7976931348623157e308],
      ['5e-324', 5e-324],
      ['1E+5', 1e5],
    ]
    for (const [text, value] of cases) assert.deepEqual(only(`m v=${text}`).fields, [['v', 'float', value]], text)
    assert.ok(Object.is(only('m v=-0').fields[0][2], -0))
  })

  test('bad numbers', () => {
    const cases: Array<[string, string]> = [
      ['NaN', 'invalid number'],
      ['nan', 'invalid number'],
      ['-NaN', 'invalid number'],
      ['inf', 'invalid boolean'],
      ['-Inf', 'invalid number'],
      ['+1', 'invalid boolean'],
      ['+Inf', 'invalid boolean'],
      ['1.2.3', 'invalid number'],
      ['-', 'invalid number'],
      ['.', 'invalid number'],
      ['1e', 'invalid float'],
      ['1e+', 'invalid float'],
      ['1.7976931348623157e309', 'invalid float'],
      ['9'.repeat(400), 'invalid float'],
      ['1_0', 'invalid number'],
      ['0x10', 'invalid number'],
      ['1e5i', 'invalid number'],
      ['1.5i', 'invalid number'],
      ['5i5', 'invalid number'],
      ['1-2', 'invalid number'],
      ['hello', 'invalid boolean'],
    ]
    for (const [text, expected] of cases) assert.equal(reason(`m v=${text}`), expected, text)
  })

  test('int64 range', () => {
    assert.deepEqual(only('m v=9223372036854775807i').fields, [['v', 'integer', 9223372036854775807n]])
    assert.deepEqual(only('m v=-9223372036854775808i').fields, [['v', 'integer', -9223372036854775808n]])
    assert.equal(
      reason('m v=9223372036854775808i'),
      'unable to parse integer 9223372036854775808: strconv.ParseInt: parsing "9223372036854775808": value out of range',
    )
    assert.equal(
      reason('m v=-9223372036854775809i'),
      'unable to parse integer -9223372036854775809: strconv.ParseInt: parsing "-9223372036854775809": value out of range',
    )
  })

  test('uint64 range', () => {
    assert.deepEqual(only('m v=0u,w=18446744073709551615u').fields, [
      ['v', 'unsigned', 0n],
      ['w', 'unsigned', 18446744073709551615n],
    ])
    assert.equal(
      reason('m v=18446744073709551616u'),
      'unable to parse unsigned 18446744073709551616: strconv.ParseUint: parsing "18446744073709551616": value out of range',
    )
    assert.equal(reason('m v=-1u'), 'invalid number')
  })

  test('booleans', () => {
    const truthy = only('m a=t,b=T,c=true,d=True,e=TRUE').fields.map((f) => f[2])
    const falsy = only('m a=f,b=F,c=false,d=False,e=FALSE').fields.map((f) => f[2])
    assert.deepEqual(truthy, [true, true, true, true, true])
    assert.deepEqual(falsy, [false, false, false, false, false])
    for (const bad of ['tRUE', 'yes', 'truE', 'tt', 'FALSE_'])
      assert.equal(reason(`m v=${bad}`), 'invalid boolean', bad)
  })

  test('quotes', () => {
    assert.equal(reason('unterm s="abc 1000'), 'unbalanced quotes')
    assert.equal(reason('m s="a"b" 1000'), 'unbalanced quotes')
    assert.equal(reason("m s='x'"), 'invalid boolean')
  })
})

describe('timestamps (§3.3)', () => {
  test('scaled by the precision', () => {
    const times = (['ns', 'us', 'ms', 's'] as const).map((p) => parse('m v=1 7', p).points[0].time)
    assert.deepEqual(times, [7n, 7000n, 7000000n, 7000000000n])
  })

  test('the range is ±9223372036854775806 ns after scaling', () => {
    assert.equal(only('m v=1 9223372036854775806').time, 9223372036854775806n)
    assert.equal(only('m v=1 -9223372036854775806').time, -9223372036854775806n)
    assert.equal(reason('m v=1 9223372036854775807'), 'time outside range -9223372036854775806 - 9223372036854775806')
    assert.equal(reason('m v=1 -9223372036854775808'), 'time outside range -9223372036854775806 - 9223372036854775806')
    assert.equal(
      reason('m v=1 9223372036854775808'),
      'strconv.ParseInt: parsing "9223372036854775808": value out of range',
    )
    assert.deepEqual(parse('m v=1 9223372037', 's').errors, [
      "unable to parse 'm v=1 9223372037': time outside range -9223372036854775806 - 9223372036854775806",
    ])
  })

  test('malformed timestamps', () => {
    assert.equal(reason('m v=1 1.5'), 'bad timestamp')
    assert.equal(reason('m v=1 12a'), 'bad timestamp')
    assert.equal(reason('m v=1 --1'), 'bad timestamp')
    assert.equal(reason('m v=1 -'), 'strconv.ParseInt: parsing "-": invalid syntax')
    assert.equal(reason('m v=1 1 2'), 'point is invalid')
    assert.equal(only('m v=1 5   ').time, 5n)
  })

  test('a point without a timestamp gets the server time truncated to the precision', () => {
    const now = 1_700_000_000_123_456_789n
    assert.equal(parse('m v=1', 'ns', now).points[0].time, now)
    assert.equal(parse('m v=1', 'us', now).points[0].time, 1_700_000_000_123_456_000n)
    assert.equal(parse('m v=1', 'ms', now).points[0].time, 1_700_000_000_123_000_000n)
    assert.equal(
      parse('m v=1\nm w=2', 's', now)
        .points.map((p) => p.time)
        .join(),
      '1700000000000000000,1700000000000000000',
    )
  })

  test('CR is not whitespace', () => {
    assert.deepEqual(parse('crlf,c=1 v=1 1000\r\ncrlf,c=2 v=2 1000\r\n').errors, [
      "unable to parse 'crlf,c=1 v=1 1000\r': bad timestamp",
      "unable to parse 'crlf,c=2 v=2 1000\r': bad timestamp",
    ])
    assert.equal(reason('m v=1\r'), 'invalid number')
  })
})

describe('structure (§3.4) and reserved names (§3.5)', () => {
  test('comments, blank lines and leading whitespace', () => {
    const result = parse('# c\n\n   \n  m v=1 1\n\t# indented comment\nm v=2 2\n')
    assert.deepEqual(result.errors, [])
    assert.equal(result.points.length, 2)
  })

  test('missing parts', () => {
    const cases: Array<[string, string]> = [
      ['m', 'missing fields'],
      ['m,t=a', 'missing fields'],
      ['nofields,c=1 1000', 'invalid field format'],
      ['nofields2 1000', 'invalid field format'],
      ['m ', 'invalid field format'],
      ['novalue,c=1 f= 1000', 'missing field value'],
      ['m v=', 'missing field value'],
      ['m v=,w=1', 'missing field value'],
      ['notagval,t= f=1 1000', 'missing tag value'],
      ['m,t f=1', 'missing tag value'],
      ['m,=a f=1', 'missing tag key'],
      ['m, f=1', 'missing tag key'],
      ['m =1 1000', 'missing field key'],
      ['m v=1,=2', 'missing field key'],
      [',t=1 f=1 1000', 'missing measurement'],
      ['m,t=a=b f=1', 'invalid tag format'],
      ['m v=1,', 'invalid field format'],
      ['m v=1,w', 'invalid field format'],
    ]
    for (const [text, expected] of cases) assert.equal(reason(text), expected, text)
  })

  test('series keys are limited to 65535 bytes', () => {
    assert.equal(reason('k'.repeat(65536) + ' v=1'), 'max key length exceeded: 65536 > 65535')
    assert.equal(reason('k'.repeat(65530) + ' vvvvvv=1'), 'max key length exceeded: 65540 > 65535')
    assert.equal(parse('k'.repeat(65525) + ' vvvvvv=1').errors.length, 0)
  })

  test('tags are sorted by key; duplicates are rejected', () => {
    assert.deepEqual(Object.keys(only('m,b=2,a=1,c=3 v=1').tags), ['a', 'b', 'c'])
    assert.equal(reason('tagdup,a=1,a=2 v=1 1000'), 'duplicate tags')
    assert.equal(reason('tagdup,b=1,a=0,b=2 v=1'), 'duplicate tags')
  })

  test('reserved tag keys are a parse error; a field named time is left to the storage', () => {
    for (const key of ['time', '_field', '_measurement'])
      assert.equal(reason(`m,${key}=x v=1`), `cannot use reserved tag key "${key}"`)
    assert.deepEqual(only('m time=1,v=2').fields, [
      ['time', 'float', 1],
      ['v', 'float', 2],
    ])
  })

  test('every failed line is reported, in order, and the good lines are still parsed', () => {
    const result = parse('good v=1 1\nbad\ngood v=2 2\nm v=NaN')
    assert.deepEqual(result.errors, [
      "unable to parse 'bad': missing fields",
      "unable to parse 'm v=NaN': invalid number",
    ])
    assert.equal(result.points.length, 2)
  })

  test('series keys identify measurement and tag set, whatever the escaping', () => {
    const [a, b, c] = parse('m\\"x,t=v f=1\nm"x,t=v g=1\nm"x,t=w f=1').points
    assert.equal(a.seriesKey, b.seriesKey)
    assert.notEqual(a.seriesKey, c.seriesKey)
  })
})
