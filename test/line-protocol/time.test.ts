import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { formatRfc3339Nano, parseIsoToNanos, toTimestamp } from '../../src/line-protocol/time.js'

describe('parseIsoToNanos', () => {
  const cases: [string, bigint][] = [
    ['1970-01-01T00:00:00Z', 0n],
    ['2009-11-10T23:00:00.123456789Z', 1257894000123456789n],
    ['1970-01-01T00:00:45.808680869Z', 45808680869n],
    ['2018-10-26', 1540512000000000000n],
    ['2018-10-26T10:00:00', 1540548000000000000n],
    ['2018-10-26 10:00:00Z', 1540548000000000000n],
    ['2018-10-26T10:00Z', 1540548000000000000n],
    ['2009-11-10T23:00:00.123456+01:00', 1257890400123456000n],
    ['2009-11-10T23:00:00-05:30', 1257913800000000000n],
    ['2009-11-10T23:00:00.5+0100', 1257890400500000000n],
    ['2020-02-29T00:00:00Z', 1582934400000000000n],
    ['1969-12-31T23:59:59.5Z', -500000000n],
    ['1677-09-21T00:12:43.145224194Z', -9223372036854775806n],
    ['2262-04-11T23:47:16.854775806Z', 9223372036854775806n],
    ['2000-01-01T00:00:00,25Z', 946684800250000000n],
  ]
  for (const [text, expected] of cases) {
    test(`${text} → ${expected}`, () => {
      assert.equal(parseIsoToNanos(text), expected)
    })
  }
  const invalid: [string, RegExp][] = [
    ['yesterday', /expected an ISO 8601/],
    ['2021-02-29T00:00:00Z', /day 29 does not exist/],
    ['2021-13-01', /month 13 does not exist/],
    ['2021-01-01T24:00:00Z', /out of range/],
    ['2016-12-31T23:59:60Z', /leap seconds/],
    ['2021-01-01T00:00:00.1234567891Z', /more than nine fraction digits/],
    ['2021-01-01T00:00:00+25:00', /zone offset/],
    ['2021-01-01T00:00:00Zjunk', /expected an ISO 8601/],
  ]
  for (const [text, reason] of invalid) {
    test(`refuses ${text}, naming the string`, () => {
      assert.throws(
        () => parseIsoToNanos(text),
        (e: unknown) => e instanceof RangeError && e.message.includes(JSON.stringify(text)) && reason.test(e.message),
      )
    })
  }
  test('agrees with Date.parse to the millisecond for random instants', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1678-01-01T00:00:00Z'), max: new Date('2261-12-31T00:00:00Z'), noInvalidDate: true }),
        (date) => {
          assert.equal(parseIsoToNanos(date.toISOString()), BigInt(date.getTime()) * 1_000_000n)
        },
      ),
    )
  })
})

describe('formatRfc3339Nano', () => {
  const cases: [bigint, string][] = [
    [0n, '1970-01-01T00:00:00Z'],
    [1257894000123456789n, '2009-11-10T23:00:00.123456789Z'],
    [1257894000120000000n, '2009-11-10T23:00:00.12Z'],
    [-1n, '1969-12-31T23:59:59.999999999Z'],
    [-500000000n, '1969-12-31T23:59:59.5Z'],
    [-9223372036854775806n, '1677-09-21T00:12:43.145224194Z'],
    [9223372036854775806n, '2262-04-11T23:47:16.854775806Z'],
  ]
  for (const [ns, expected] of cases) {
    test(`${ns} → ${expected}`, () => {
      assert.equal(formatRfc3339Nano(ns), expected)
    })
  }
  test('parseIsoToNanos(formatRfc3339Nano(ns)) === ns over the whole int64 range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -9223372036854775806n, max: 9223372036854775806n }), (ns) => {
        assert.equal(parseIsoToNanos(formatRfc3339Nano(ns)), ns)
      }),
    )
  })
})

describe('toTimestamp', () => {
  test('bigint and safe integers are already in the precision units', () => {
    assert.equal(toTimestamp(1n, 's'), '1')
    assert.equal(toTimestamp(123, 's'), '123')
    assert.equal(toTimestamp(-0, 'ns'), '0')
    assert.equal(toTimestamp(1624989000000000000n, 'ns'), '1624989000000000000')
  })
  test('a fraction or an unsafe integer is refused, never rounded', () => {
    assert.throws(() => toTimestamp(1.5, 'ms'), /1.5 is not an integer/)
    assert.throws(() => toTimestamp(2 ** 60, 'ns'), /beyond 2\^53/)
  })
  test('Date: exact, truncated toward zero for seconds', () => {
    const date = new Date(Date.UTC(2015, 9, 15, 8, 20, 15, 750))
    assert.equal(toTimestamp(date, 's'), '1444897215')
    assert.equal(toTimestamp(date, 'ms'), '1444897215750')
    assert.equal(toTimestamp(date, 'us'), '1444897215750000')
    assert.equal(toTimestamp(date, 'ns'), '1444897215750000000')
    assert.equal(toTimestamp(new Date(-1500), 's'), '-1')
    assert.equal(toTimestamp(new Date(-1500), 'ms'), '-1500')
    assert.throws(() => toTimestamp(new Date(NaN), 'ns'), /Date is invalid/)
  })
  test('strings keep nanoseconds, and pre-epoch values truncate toward zero', () => {
    assert.equal(toTimestamp('2009-11-10T23:00:00.123456789Z', 'ns'), '1257894000123456789')
    assert.equal(toTimestamp('2009-11-10T23:00:00.123456789Z', 'us'), '1257894000123456')
    assert.equal(toTimestamp('1970-01-01T00:00:45.808680869Z', 's'), '45')
    assert.equal(toTimestamp('1969-12-31T23:59:59.5Z', 's'), '0')
    assert.equal(toTimestamp('1969-12-31T23:59:58.5Z', 's'), '-1')
  })
  test("the reference client's float off-by-one does not happen", () => {
    // The reference gives 582087507954407 (float division).
    assert.equal(toTimestamp('1988-06-12T02:58:27.954408Z', 'us'), '582087507954408')
  })
  test('range: ±9223372036854775806 ns after scaling', () => {
    assert.equal(toTimestamp(9223372036854775806n, 'ns'), '9223372036854775806')
    assert.throws(() => toTimestamp(9223372036854775807n, 'ns'), /outside the range InfluxDB accepts/)
    assert.equal(toTimestamp(9223372036n, 's'), '9223372036')
    assert.throws(() => toTimestamp(9223372037n, 's'), /outside the range/)
    assert.throws(() => toTimestamp(9223372037, 's'), /outside the range/)
    assert.throws(() => toTimestamp(new Date(8.64e15), 'ns'), /outside the range/)
  })
  test('null and undefined mean no timestamp; other types are refused', () => {
    assert.equal(toTimestamp(undefined, 'ns'), undefined)
    assert.equal(toTimestamp(null, 'ns'), undefined)
    assert.throws(() => toTimestamp({}, 'ns'), TypeError)
    assert.throws(() => toTimestamp(true, 'ns'), TypeError)
  })
})
