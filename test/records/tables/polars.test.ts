import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import pl from 'nodejs-polars'
import { asTable } from '../../../src/records/tables/index.js'
import { assertRecordError, contextOf, linesOf, tableOf } from './lines.js'

/** An Int64 / UInt64 series built from decimal text, so that no value passes through a JS number. */
function exact(name: string, values: (string | null)[], dtype: pl.DataType): pl.Series {
  return pl.Series(name, values).cast(dtype)
}

describe('Polars: column types', () => {
  test('detected by shape', () => {
    assert.ok(asTable(pl.DataFrame({ v: [1] })) !== undefined)
  })

  test('Int64 exact through bigint, UInt64 as u, narrower ints as i, floats, bool, strings, categoricals', () => {
    const frame = pl.DataFrame([
      exact('i64', ['-9223372036854775808', '9007199254740993'], pl.Int64),
      exact('u64', ['18446744073709551615', '0'], pl.UInt64),
      pl.Series('i8', [-128, 127], pl.Int8),
      pl.Series('i32', [-2147483648, 1], pl.Int32),
      pl.Series('u32', [4294967295, 2], pl.UInt32),
      pl.Series('f32', [1.1, 2], pl.Float32),
      pl.Series('f64', [0.1, -0], pl.Float64),
      pl.Series('b', [true, false], pl.Bool),
      pl.Series('s', ['a "b"', 'c\\'], pl.Utf8),
      pl.Series('cat', ['x', 'y']).cast(pl.Categorical),
    ])
    assert.deepEqual(linesOf(frame), [
      'm b=true,cat="x",f32=1.100000023841858,f64=0.1,i32=-2147483648i,i64=-9223372036854775808i,i8=-128i,s="a \\"b\\"",u32=4294967295i,u64=18446744073709551615u',
      'm b=false,cat="y",f32=2,f64=-0,i32=1i,i64=9007199254740993i,i8=127i,s="c\\\\",u32=2i,u64=0u',
    ])
  })

  test('nulls, NaN and ±Infinity leave fields out; an empty row is skipped and counted', () => {
    const frame = pl.DataFrame([
      pl.Series('f', [1.5, null, NaN, -Infinity]),
      exact('i', [null, '7', null, null], pl.Int64),
      pl.Series('b', [null, null, true, null], pl.Bool),
    ])
    const source = tableOf(frame)
    assert.deepEqual([...source.lines(contextOf(), [])], ['m f=1.5', 'm i=7i', 'm b=true'])
    assert.equal(source.skippedRows, 1)
  })

  test('tag columns: strings and categoricals, escaped, null and empty left out', () => {
    const frame = pl.DataFrame([
      pl.Series('host', ['a b', null, '', 'c=d']),
      pl.Series('dc', ['eu', 'us', null, 'eu']).cast(pl.Categorical),
      pl.Series('v', [1, 2, 3, 4]),
    ])
    assert.deepEqual(linesOf(frame, { dataFrameTagColumns: ['host', 'dc'] }), [
      'm,dc=eu,host=a\\ b v=1',
      'm,dc=us v=2',
      'm v=3',
      'm,dc=eu,host=c\\=d v=4',
    ])
  })

  test('unsupported types are refused', () => {
    const frame = pl.DataFrame([pl.Series('l', [[1], [2]]), pl.Series('v', [1, 2])])
    assertRecordError(
      () => linesOf(frame),
      'record: column "l" has type List(DataType(Float64)), which cannot be a field',
    )
  })

  test('missing measurement name names the Polars DataFrame', () => {
    assertRecordError(
      () => linesOf(pl.DataFrame({ v: [1] }), { dataFrameMeasurementName: undefined }),
      'record: writing a table (Polars DataFrame) needs dataFrameMeasurementName, the measurement of its rows',
    )
  })
})

describe('Polars: Datetime and Date keep their unit and zone', () => {
  const wallClockNs = '1590314400123456789' // 2020-05-24 10:00:00.123456789 read as UTC

  function frameWith(time: pl.Series): pl.DataFrame {
    return pl.DataFrame([pl.Series('v', [1]), time.alias('time')])
  }
  const datetime = (unit: 'ms' | 'us' | 'ns', raw: string, zone?: string): pl.Series =>
    exact('time', [raw], pl.Int64).cast(pl.Datetime(unit, zone))

  test('ns, us and ms units read from their raw integers, in every precision', () => {
    const ns = frameWith(datetime('ns', wallClockNs, 'UTC'))
    assert.deepEqual(linesOf(ns, {}, 'ns'), ['m v=1 1590314400123456789'])
    assert.deepEqual(linesOf(ns, {}, 'us'), ['m v=1 1590314400123456'])
    assert.deepEqual(linesOf(ns, {}, 'ms'), ['m v=1 1590314400123'])
    assert.deepEqual(linesOf(ns, {}, 's'), ['m v=1 1590314400'])
    assert.deepEqual(linesOf(frameWith(datetime('us', '1590314400123456', 'UTC')), {}, 'ns'), [
      'm v=1 1590314400123456000',
    ])
    assert.deepEqual(linesOf(frameWith(datetime('ms', '1590314400123', 'UTC')), {}, 'us'), ['m v=1 1590314400123000'])
  })

  test('a zoned Datetime is an instant; a zone-less one is wall clock in dataFrameTimestampTimezone', () => {
    const berlin = { dataFrameTimestampTimezone: 'Europe/Berlin' }
    assert.deepEqual(linesOf(frameWith(datetime('ns', wallClockNs, 'Asia/Tokyo')), berlin), [
      'm v=1 1590314400123456789',
    ])
    assert.deepEqual(linesOf(frameWith(datetime('ns', wallClockNs)), berlin), ['m v=1 1590307200123456789'])
    assert.deepEqual(linesOf(frameWith(datetime('ns', wallClockNs))), ['m v=1 1590314400123456789'])
  })

  test('Date is midnight, in the zone when one is given', () => {
    const frame = frameWith(pl.Series('time', [new Date(Date.UTC(2020, 0, 1))]).cast(pl.Date))
    assert.deepEqual(linesOf(frame, {}, 's'), ['m v=1 1577836800'])
    assert.deepEqual(linesOf(frame, { dataFrameTimestampTimezone: 'Europe/Berlin' }, 's'), ['m v=1 1577833200'])
  })

  test('a null Datetime in a row with fields is an error', () => {
    const frame = pl.DataFrame([pl.Series('v', [1, 2]), exact('time', ['5', null], pl.Int64).cast(pl.Datetime('ns'))])
    assertRecordError(() => linesOf(frame), 'record: row 1, column "time": the timestamp is missing')
  })

  test('a string column as the timestamp', () => {
    const frame = pl.DataFrame({ v: [1], ts: ['2020-05-24 10:00'] })
    assert.deepEqual(
      linesOf(frame, { dataFrameTimestampColumn: 'ts', dataFrameTimestampTimezone: 'Europe/Berlin' }, 's'),
      ['m v=1 1590307200'],
    )
  })
})

describe('Polars: blocks', () => {
  test('rows are fetched in windows of 65536: nulls and values line up across window and block edges', () => {
    const count = 70_000
    const nullAt = new Set([1023, 1024, 65_535, 65_536, 66_560, 69_999])
    const ints = Array.from({ length: count }, (_, i) => (nullAt.has(i) ? null : String(i)))
    const frame = pl.DataFrame([
      exact('i', ints, pl.Int64),
      pl.Series(
        'f',
        Array.from({ length: count }, (_, i) => (nullAt.has(i) ? null : i / 2)),
      ),
    ])
    const lines = linesOf(frame)
    assert.equal(lines.length, count - nullAt.size)
    const byValue = new Set(lines)
    for (const row of [0, 1022, 1025, 65_534, 65_537, 66_559, 66_561, 69_998])
      assert.ok(byValue.has(`m f=${row / 2},i=${row}i`), `row ${row}`)
    assert.equal(lines[lines.length - 1], 'm f=34999,i=69998i')
  })

  test('a frame longer than one block keeps every row in order', () => {
    const count = 10_000
    const frame = pl.DataFrame([
      pl.Series(
        'v',
        Array.from({ length: count }, (_, i) => i),
      ),
      exact(
        'time',
        Array.from({ length: count }, (_, i) => String(i)),
        pl.Int64,
      ),
    ])
    const lines = linesOf(frame)
    assert.equal(lines.length, count)
    assert.equal(lines[0], 'm v=0 0')
    assert.equal(lines[4096], 'm v=4096 4096')
    assert.equal(lines[count - 1], `m v=${count - 1} ${count - 1}`)
  })
})
