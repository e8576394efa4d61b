// The byte path of tables: rows() writes each row straight into a LineWriter. Its bytes must be
// exactly the expected line protocol (UTF-8), for every library and column type, and the same
// bytes as lines(); a bad row throws a RecordError naming it and leaves no half line behind.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import * as dfd from 'danfojs'
import fc from 'fast-check'
import pl from 'nodejs-polars'
import { RecordError } from '../../../src/errors.js'
import { floatText } from '../../../src/line-protocol/float-text.js'
import { LineWriter } from '../../../src/line-protocol/line-writer.js'
import type { WritePrecision } from '../../../src/line-protocol/precision.js'
import { contextOf, tableOf, type TableOptions } from './lines.js'

const utf8 = new TextEncoder()

/** Every row of `value` through rows(), into one LineWriter (grown from its smallest size). */
function rowWriter(value: unknown, options: TableOptions = {}, precision: WritePrecision = 'ns'): LineWriter {
  const cursor = tableOf(value).rows(contextOf(options, precision), [])
  const writer = new LineWriter(1)
  while (cursor.writeNext(writer));
  assert.equal(cursor.writeNext(writer), false, 'a finished cursor stays finished')
  return writer
}

/**
 * Asserts that rows() writes exactly `expected` as UTF-8, byte for byte, line ends included,
 * and that lines() gives the same lines.
 */
function assertRows(
  value: unknown,
  expected: string[],
  options: TableOptions = {},
  precision: WritePrecision = 'ns',
): void {
  const writer = rowWriter(value, options, precision)
  assert.deepEqual(writer.body(), utf8.encode(expected.join('\n')))
  assert.equal(writer.lineCount, expected.length)
  assert.deepEqual(writer.lines(), expected)
  assert.deepEqual([...tableOf(value).lines(contextOf(options, precision), [])], expected)
}

/**
 * Writes rows until one throws: asserts the RecordError's message, and that the writer holds
 * exactly the lines before it (no half line), and still takes whole lines afterwards.
 */
function assertRowError(
  value: unknown,
  linesBefore: string[],
  message: string,
  options: TableOptions = {},
  precision: WritePrecision = 'ns',
): void {
  const cursor = tableOf(value).rows(contextOf(options, precision), [3])
  const writer = new LineWriter(1)
  let written = 0
  assert.throws(
    () => {
      while (cursor.writeNext(writer)) written++
    },
    (error: unknown) => {
      assert.ok(error instanceof RecordError, `expected a RecordError, got ${String(error)}`)
      assert.equal(error.message, message)
      assert.deepEqual(error.path, [3])
      return true
    },
  )
  assert.equal(written, linesBefore.length)
  assert.equal(writer.length, writer.bodyLength, 'a half line was left in the writer')
  assert.deepEqual(writer.body(), utf8.encode(linesBefore.join('\n')))
  writer.line('after v=1')
  assert.deepEqual(writer.lines(), [...linesBefore, 'after v=1'])
}

function vector<T extends arrow.DataType>(values: unknown[], type: T): arrow.Vector<T> {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- with values typed unknown[], this assertion is what gives the vector the caller's type T
  return arrow.vectorFromArray(values, type) as arrow.Vector<T>
}

/** A vector with exact raw 64-bit values (vectorFromArray goes through JS Dates for times). */
function raw64<T extends arrow.DataType>(type: T, values: bigint[]): arrow.Vector<T> {
  return arrow.makeVector(
    arrow.makeData({ type, length: values.length, data: new BigInt64Array(values) } as never),
  ) as arrow.Vector<T>
}

const dictionary = (): arrow.Dictionary<arrow.Utf8, arrow.Int32> =>
  new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())

describe('rows(): Arrow, byte for byte', () => {
  test('integers: Int64 and Uint64 at their extremes, around 2^53 and 2^32, narrower ints', () => {
    const int64 = [
      -(2n ** 63n),
      -(2n ** 63n) + 1n,
      -(2n ** 53n) - 1n,
      -(2n ** 32n),
      -1n,
      0n,
      2n ** 32n - 1n,
      2n ** 53n + 1n,
      10n ** 18n,
      2n ** 63n - 1n,
    ]
    const uint64 = [
      0n,
      1n,
      2n ** 32n,
      2n ** 53n + 1n,
      10n ** 19n,
      2n ** 63n,
      2n ** 64n - 2n,
      2n ** 64n - 1n,
      999_999_999n,
      1_000_000_000n,
    ]
    const table = new arrow.Table({
      i64: vector(int64, new arrow.Int64()),
      u64: vector(uint64, new arrow.Uint64()),
      i8: vector(
        int64.map((_, i) => i - 128),
        new arrow.Int8(),
      ),
      u32: vector(
        int64.map((_, i) => 4294967295 - i),
        new arrow.Uint32(),
      ),
    })
    assertRows(
      table,
      int64.map((v, i) => `m i64=${v}i,i8=${i - 128}i,u32=${4294967295 - i}i,u64=${uint64[i]}u`),
    )
  })

  test('floats of every width, bool, Utf8 and LargeUtf8 with quotes, backslashes and Unicode', () => {
    const table = new arrow.Table({
      f16: vector([1.5, -0.5], new arrow.Float16()),
      f32: vector([1.1, 3], new arrow.Float32()),
      f64: vector([0.1, -0], new arrow.Float64()),
      b: vector([true, false], new arrow.Bool()),
      s: vector(['say "hi"\\', 'multi\nline'], new arrow.Utf8()),
      l: vector(['large ü', '東京 🚀'], new arrow.LargeUtf8()),
    })
    assertRows(table, [
      'm b=true,f16=1.5,f32=1.100000023841858,f64=0.1,l="large ü",s="say \\"hi\\"\\\\"',
      'm b=false,f16=-0.5,f32=3,f64=-0,l="東京 🚀",s="multi\nline"',
    ])
  })

  test('dictionary-encoded tags and fields, escaped, non-ASCII, with nulls', () => {
    const table = new arrow.Table({
      host: vector(['a b', 'Zürich,1', 'a b', null, '東京=🚀'], dictionary()),
      state: vector(['on', 'off "x"', null, 'on', 'ü'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8())),
      v: vector([1, 2, 3, 4, 5], new arrow.Float64()),
    })
    assertRows(
      table,
      [
        'm,host=a\\ b state="on",v=1',
        'm,host=Zürich\\,1 state="off \\"x\\"",v=2',
        'm,host=a\\ b v=3',
        'm state="on",v=4',
        'm,host=東京\\=🚀 state="ü",v=5',
      ],
      { dataFrameTagColumns: ['host'] },
    )
  })

  test('a plain Utf8 tag column; tags sorted with default tags; a null tag left out', () => {
    const table = new arrow.Table({
      zone: vector(['z 1', null, 'ß'], new arrow.Utf8()),
      v: vector([1, 2, 3], new arrow.Float64()),
    })
    assertRows(table, ['m,dc=eu\\ 1,zone=z\\ 1 v=1', 'm,dc=eu\\ 1 v=2', 'm,dc=eu\\ 1,zone=ß v=3'], {
      dataFrameTagColumns: ['zone'],
      defaultTags: { dc: 'eu 1' },
    })
  })

  test('nulls in every kind and NaN / ±Infinity leave fields out; the first field present takes the space', () => {
    const table = new arrow.Table({
      a: vector([1.5, null, NaN, Infinity, null], new arrow.Float64()),
      i: vector([null, 2n, null, null, null], new arrow.Int64()),
      b: vector([null, null, false, null, null], new arrow.Bool()),
      s: vector([null, null, null, 'x', null], new arrow.Utf8()),
      n: vector([null, null, null, null, null], new arrow.Null()),
    })
    const source = tableOf(table)
    const cursor = source.rows(contextOf(), [])
    const writer = new LineWriter()
    while (cursor.writeNext(writer));
    assert.deepEqual(writer.body(), utf8.encode('m a=1.5\nm i=2i\nm b=false\nm s="x"'))
    assert.equal(source.skippedRows, 1)
  })

  test('a sliced table and several batches read from their offsets and null bitmaps', () => {
    const sliced = new arrow.Table({
      s: vector(['a', 'b', null, 'd', 'e'], new arrow.Utf8()),
      i: vector([1n, null, 3n, 4n, 5n], new arrow.Int64()),
      b: vector([true, false, true, null, false], new arrow.Bool()),
      time: raw64(new arrow.TimestampNanosecond(), [10n, 20n, 30n, 40n, 50n]),
    }).slice(1, 4)
    assertRows(sliced, ['m b=false,s="b" 20', 'm b=true,i=3i 30', 'm i=4i,s="d" 40'])
    const batches = [
      [1n, 2n],
      [3n, 4n, 5n],
    ].map(
      (seconds) =>
        new arrow.Table({
          v: vector(seconds.map(Number), new arrow.Float64()),
          time: raw64(new arrow.TimestampSecond(), seconds),
        }).batches[0],
    )
    assertRows(new arrow.Table(batches), ['m v=1 1', 'm v=2 2', 'm v=3 3', 'm v=4 4', 'm v=5 5'], {}, 's')
  })

  test('64-bit values stored as pairs of 32-bit words (apache-arrow before 15)', () => {
    const times = [1n, 9_223_372_036_854_775_806n, (0x1797_0000n << 32n) | 0x5f5e_1000n, -(2n ** 62n) - 7n]
    const counts = [-(2n ** 63n), 2n ** 63n - 1n, 0n, -(2n ** 32n)]
    const table = new arrow.Table({
      n: vector(counts, new arrow.Int64()),
      time: raw64(new arrow.TimestampNanosecond('UTC'), times),
    })
    assertRows(
      withWordPairs(table),
      times.map((t, i) => `m n=${counts[i]}i ${t}`),
    )
  })
})

/** `table` as apache-arrow before 15 lays it out: every 64-bit column as pairs of 32-bit words (stride 2). */
function withWordPairs(table: arrow.Table): unknown {
  const batches = table.batches.map((batch) => {
    const children = batch.data.children.map((data) => {
      const values: unknown = data.values
      if (!(values instanceof BigInt64Array)) return data
      const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2)
      return Object.assign(Object.create(Object.getPrototypeOf(data) as object) as object, data, {
        stride: 2,
        values: words,
      })
    })
    return { schema: batch.schema, numRows: batch.numRows, data: { children }, getChildAt: () => null }
  })
  return { schema: table.schema, numRows: table.numRows, batches, getChildAt: () => null }
}

describe('rows(): Arrow timestamps, byte for byte', () => {
  const instant = 1_590_307_200_123_456_789n // 2020-05-24T08:00:00.123456789Z

  test('Timestamp s/ms/us/ns into every precision, truncating toward zero before 1970', () => {
    const units = {
      s: raw64(new arrow.TimestampSecond('UTC'), [instant / 1_000_000_000n, -1n]),
      ms: raw64(new arrow.TimestampMillisecond('UTC'), [instant / 1_000_000n, -1n]),
      us: raw64(new arrow.TimestampMicrosecond('UTC'), [instant / 1_000n, -1n]),
      ns: raw64(new arrow.TimestampNanosecond('UTC'), [instant, -1n]),
    }
    const unitNanos = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n }
    for (const unit of ['s', 'ms', 'us', 'ns'] as const) {
      const table = new arrow.Table({ v: vector([1, 2], new arrow.Float64()), time: units[unit] })
      for (const precision of ['s', 'ms', 'us', 'ns'] as const) {
        const raw = [instant / unitNanos[unit], -1n]
        const expected = raw.map((r, i) => `m v=${i + 1} ${(r * unitNanos[unit]) / unitNanos[precision]}`)
        assertRows(table, expected, {}, precision)
      }
    }
  })

  test('the range limits of each precision, and the first value past them', () => {
    const max = 9_223_372_036_854_775_806n
    const table = new arrow.Table({
      v: vector([1, 2], new arrow.Float64()),
      time: raw64(new arrow.TimestampNanosecond(), [max, -max]),
    })
    assertRows(table, [`m v=1 ${max}`, `m v=2 ${-max}`])
    const over = new arrow.Table({
      v: vector([1, 2], new arrow.Float64()),
      time: raw64(new arrow.TimestampNanosecond(), [max, max + 1n]),
    })
    assertRowError(
      over,
      [`m v=1 ${max}`],
      'record [3]: row 1, column "time": time: 9223372036854775807 (ns) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)',
    )
    const maxUs = max / 1000n
    const micro = new arrow.Table({
      v: vector([1, 2], new arrow.Float64()),
      time: raw64(new arrow.TimestampMicrosecond(), [-maxUs, -maxUs - 1n]),
    })
    assertRowError(
      micro,
      [`m v=1 ${-maxUs}`],
      `record [3]: row 1, column "time": time: ${-maxUs - 1n} (us) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)`,
      {},
      'us',
    )
  })

  test('a zoned Timestamp is an instant; a zone-less one is wall clock in dataFrameTimestampTimezone', () => {
    const wallClock = 1_590_314_400_000_000_001n // 2020-05-24 10:00:00.000000001 as wall clock
    const tokyo = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      time: raw64(new arrow.TimestampNanosecond('Asia/Tokyo'), [wallClock]),
    })
    const naive = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      time: raw64(new arrow.TimestampNanosecond(), [wallClock]),
    })
    const berlin = { dataFrameTimestampTimezone: 'Europe/Berlin' }
    assertRows(tokyo, ['m v=1 1590314400000000001'], berlin)
    assertRows(naive, ['m v=1 1590307200000000001'], berlin)
    assertRows(naive, ['m v=1 1590314400000000001'], { dataFrameTimestampTimezone: '+00:00' })
  })

  test('Date32 and Date64 are midnight, in the zone when one is given', () => {
    const day = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      time: arrow.makeVector(arrow.makeData({ type: new arrow.DateDay(), length: 1, data: new Int32Array([18262]) })),
    })
    const ms = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      time: vector([new Date('2020-01-01T00:00:00Z')], new arrow.DateMillisecond()),
    })
    assertRows(day, ['m v=1 1577836800'], {}, 's')
    assertRows(day, ['m v=1 1577833200'], { dataFrameTimestampTimezone: 'Europe/Berlin' }, 's')
    assertRows(ms, ['m v=1 1577836800000'], {}, 'ms')
  })

  test('dictionary-encoded timestamp texts; a bad entry fails only the rows that use it', () => {
    const table = arrow.tableFromArrays({ v: new Float64Array([1, 2, 3]), time: ['2020-01-01', '2020-01-01', 'soon'] })
    assertRowError(
      table,
      ['m v=1 1577836800', 'm v=2 1577836800'],
      'record [3]: row 2, column "time": "soon" is not a timestamp (expected e.g. 2018-10-26, 2018-10-26 12:00, 2018-10-26T12:00:00.5Z or 2018-10-26 12:00:00-05:00)',
      {},
      's',
    )
  })
})

describe('rows(): line heads of dictionary-encoded tags', () => {
  const hosts = ['h 1', 'Zürich', '', 'h=4']
  const regions = ['eu', 'us,w', '東京']

  test('every combination of entries, nulls and a default tag between the columns', () => {
    const count = 3000
    const host = Array.from({ length: count }, (_, i) => (i % 11 === 0 ? null : hosts[i % hosts.length]))
    const region = Array.from({ length: count }, (_, i) => (i % 13 === 0 ? null : regions[i % regions.length]))
    const table = new arrow.Table({
      host: vector(host, dictionary()),
      region: vector(region, dictionary()),
      v: vector(
        host.map((_, i) => i),
        new arrow.Float64(),
      ),
    })
    const escape = (text: string): string => text.replace(/[,= ]/g, '\\$&')
    const expected = host.map((h, i) => {
      const r = region[i]
      const tags = [
        h === null || h === '' ? '' : `,host=${escape(h)}`,
        ',mid=x',
        r === null ? '' : `,region=${escape(r)}`,
      ]
      return `m${tags.join('')} v=${i}`
    })
    assertRows(table, expected, { dataFrameTagColumns: ['host', 'region'], defaultTags: { mid: 'x' } })
  })

  test('a dictionary tag next to a plain string tag is written tag by tag, the same bytes', () => {
    const table = new arrow.Table({
      a: vector(['x', 'y', null], dictionary()),
      b: vector(['p q', null, 'r'], new arrow.Utf8()),
      v: vector([1, 2, 3], new arrow.Float64()),
    })
    assertRows(table, ['m,a=x,b=p\\ q v=1', 'm,a=y v=2', 'm,b=r v=3'], { dataFrameTagColumns: ['a', 'b'] })
  })

  test('more combinations than the memo holds are written tag by tag', () => {
    const count = 2000
    const a = Array.from({ length: count }, (_, i) => `a${i % 300}`)
    const b = Array.from({ length: count }, (_, i) => `b${(i * 7) % 301}`)
    const table = new arrow.Table({
      a: vector(a, dictionary()),
      b: vector(b, dictionary()),
      v: vector(
        a.map((_, i) => i),
        new arrow.Float64(),
      ),
    })
    assertRows(
      table,
      a.map((x, i) => `m,a=${x},b=${b[i]} v=${i}`),
      { dataFrameTagColumns: ['a', 'b'] },
    )
  })

  test('batches with different dictionaries each get their own heads', () => {
    const first = new arrow.Table({ t: vector(['x', 'y'], dictionary()), v: vector([1, 2], new arrow.Float64()) })
    const second = new arrow.Table({
      t: vector(['y', 'z', 'x'], dictionary()),
      v: vector([3, 4, 5], new arrow.Float64()),
    })
    assertRows(first.concat(second), ['m,t=x v=1', 'm,t=y v=2', 'm,t=y v=3', 'm,t=z v=4', 'm,t=x v=5'], {
      dataFrameTagColumns: ['t'],
    })
  })

  test('an entry that cannot be a tag fails only the rows that use it, naming the row', () => {
    const table = new arrow.Table({
      t: vector(['ok', 'ok', 'bad\\', 'ok'], dictionary()),
      v: vector([1, 2, 3, 4], new arrow.Float64()),
    })
    assertRowError(
      table,
      ['m,t=ok v=1', 'm,t=ok v=2'],
      'record [3]: row 2, column "t": tag value: "bad\\\\" ends with a backslash, which would escape the delimiter after it',
      { dataFrameTagColumns: ['t'] },
    )
  })
})

describe('rows(): Polars, danfo and columnar objects, byte for byte', () => {
  const exact = (name: string, values: (string | null)[], dtype: pl.DataType): pl.Series =>
    pl.Series(name, values).cast(dtype)

  test('Polars: Int64 and UInt64 extremes, floats, bool, strings, categorical tags', () => {
    const frame = pl.DataFrame([
      exact('i64', ['-9223372036854775808', '9223372036854775807', null], pl.Int64),
      exact('u64', ['18446744073709551615', '0', '9007199254740993'], pl.UInt64),
      pl.Series('f64', [0.1, -0, NaN], pl.Float64),
      pl.Series('b', [true, false, null], pl.Bool),
      pl.Series('s', ['a "b"', 'ü', null], pl.Utf8),
      pl.Series('dc', ['eu 1', null, '東京'], pl.Utf8).cast(pl.Categorical),
    ])
    assertRows(
      frame,
      [
        'm,dc=eu\\ 1 b=true,f64=0.1,i64=-9223372036854775808i,s="a \\"b\\"",u64=18446744073709551615u',
        'm b=false,f64=-0,i64=9223372036854775807i,s="ü",u64=0u',
        'm,dc=東京 u64=9007199254740993u',
      ],
      { dataFrameTagColumns: ['dc'] },
    )
  })

  test('Polars: Datetime units and zones', () => {
    const datetime = (unit: 'ms' | 'us' | 'ns', raw: string, zone?: string): pl.DataFrame =>
      pl.DataFrame([pl.Series('v', [1]), exact('time', [raw], pl.Int64).cast(pl.Datetime(unit, zone))])
    assertRows(datetime('ns', '1590314400123456789', 'UTC'), ['m v=1 1590314400123456789'])
    assertRows(datetime('ns', '1590314400123456789', 'UTC'), ['m v=1 1590314400123'], {}, 'ms')
    assertRows(datetime('us', '1590314400123456', 'UTC'), ['m v=1 1590314400123456000'])
    assertRows(datetime('ns', '1590314400123456789'), ['m v=1 1590307200123456789'], {
      dataFrameTimestampTimezone: 'Europe/Berlin',
    })
  })

  test('Polars: values line up across window and block edges', () => {
    const count = 66_000
    const nullAt = new Set([1023, 1024, 65_535, 65_536])
    const ints = Array.from({ length: count }, (_, i) => (nullAt.has(i) ? null : String(i * 1_000_003)))
    const frame = pl.DataFrame([
      exact('i', ints, pl.Int64),
      exact(
        'time',
        Array.from({ length: count }, (_, i) => String(1_700_000_000_000_000_000n + BigInt(i))),
        pl.Int64,
      ),
    ])
    const expected: string[] = []
    for (let i = 0; i < count; i++)
      if (!nullAt.has(i)) expected.push(`m i=${i * 1_000_003}i ${1_700_000_000_000_000_000n + BigInt(i)}`)
    assertRows(frame, expected)
  })

  test('danfo: numbers as floats, strings, tags, a Date index', () => {
    const index = [new Date('2020-04-05T00:00:00Z'), new Date('2020-04-05T00:00:01Z')] as unknown as string[]
    const frame = new dfd.DataFrame({ host: ['a b', 'ö'], n: [1, 2.5], s: ['x "y"', null] }, { index })
    assertRows(
      frame,
      ['m,host=a\\ b n=1,s="x \\"y\\"" 1586044800', 'm,host=ö n=2.5 1586044801'],
      { dataFrameTagColumns: ['host'] },
      's',
    )
  })

  test('columnar: every typed array, JS arrays, bigint and boolean tags, fieldTypes', () => {
    const table = {
      f32: new Float32Array([1.1, 0]),
      i8: new Int8Array([-8, 0]),
      u16: new Uint16Array([65535, 0]),
      i32: new Int32Array([-2147483648, 0]),
      i64: new BigInt64Array([-9223372036854775808n, 9223372036854775807n]),
      u64: new BigUint64Array([18446744073709551615n, 4294967296n]),
      n: [1.5, null],
      asInt: [3, -4],
      asUint: [5, 6],
      big: [10n ** 18n, -(10n ** 18n)],
      t: [7n, true],
      time: [1n, 2n],
    }
    assertRows(
      { ...table, t: ['7', 'true'] },
      [
        'm,t=7 asInt=3i,asUint=5u,big=1000000000000000000i,f32=1.100000023841858,i32=-2147483648i,i64=-9223372036854775808i,i8=-8i,n=1.5,u16=65535i,u64=18446744073709551615u 1',
        'm,t=true asInt=-4i,asUint=6u,big=-1000000000000000000i,f32=0,i32=0i,i64=9223372036854775807i,i8=0i,u16=0i,u64=4294967296u 2',
      ],
      { dataFrameTagColumns: ['t'], fieldTypes: { asInt: 'int', asUint: 'uint' } },
    )
  })

  test('columnar: a BigInt64Array timestamp column is in the write precision, range-checked', () => {
    const max = 9_223_372_036_854_775_806n
    const time = new BigInt64Array([
      1_700_000_000_000_000_000n,
      1_700_000_000_999_999_999n,
      1_700_000_001_000_000_000n,
      -max,
      5n,
      max,
    ])
    assertRows(
      { v: new Float64Array(6), time },
      [...time].map((t) => `m v=0 ${t}`),
    )
    assertRows(
      { v: new Float64Array(2), time: new BigInt64Array([9_223_372_036_854n, -9_223_372_036_854n]) },
      ['m v=0 9223372036854', 'm v=0 -9223372036854'],
      {},
      'ms',
    )
    assertRowError(
      { v: new Float64Array(2), time: new BigInt64Array([1n, -9_223_372_036_855n]) },
      ['m v=0 1'],
      'record [3]: row 1, column "time": time: -9223372036855 (ms) is outside the range InfluxDB accepts, ±9223372036854775806 ns (years 1677 to 2262)',
      {},
      'ms',
    )
  })

  test('columnar: escaped measurement, keys and Unicode tag values; timestamp texts in a zone', () => {
    const table = { 'tag key': ['v 1', '🚀,x'], 'a b=c,d': [1, 2], time: ['2020-05-24 10:00', '2020-05-24T10:00:00Z'] }
    assertRows(
      table,
      [
        'my\\ m\\,x=y,tag\\ key=v\\ 1 a\\ b\\=c\\,d=1 1590307200',
        'my\\ m\\,x=y,tag\\ key=🚀\\,x a\\ b\\=c\\,d=2 1590314400',
      ],
      {
        dataFrameMeasurementName: 'my m,x=y',
        dataFrameTagColumns: ['tag key'],
        dataFrameTimestampTimezone: 'Europe/Berlin',
      },
      's',
    )
  })
})

describe('rows(): skipped rows and errors', () => {
  test('skippedRows counts the rows rows() passes over, and restarts with each call', () => {
    const source = tableOf({ v: [1, null, NaN, 2, null] })
    const cursor = source.rows(contextOf(), [])
    const writer = new LineWriter()
    assert.equal(cursor.writeNext(writer), true)
    assert.equal(source.skippedRows, 0)
    assert.equal(cursor.writeNext(writer), true)
    assert.equal(source.skippedRows, 2)
    assert.equal(cursor.writeNext(writer), false)
    assert.equal(source.skippedRows, 3)
    assert.deepEqual(writer.lines(), ['m v=1', 'm v=2'])
    source.rows(contextOf(), [])
    assert.equal(source.skippedRows, 0)
  })

  test('validation happens when rows() is called, before any row', () => {
    assert.throws(() => tableOf({ v: [1] }).rows(contextOf({ dataFrameTagColumns: ['host'] }), [2]), {
      message:
        'record [2]: dataFrameTagColumns names "host", which is not a column of the columnar object (columns: v)',
    })
  })

  test('an integer out of range names its row; the lines before it are whole', () => {
    assertRowError(
      { v: [1n, 2n, 2n ** 63n] },
      ['m v=1i', 'm v=2i'],
      'record [3]: row 2, column "v": field "v": 9223372036854775808 is out of the int64 range',
    )
  })

  test('a failing cell after the tags and some fields of its row leaves nothing of that row', () => {
    const table = { host: ['h', 'h'], a: [1, 2], b: [3, 2.5], time: [1n, 2n] }
    assertRowError(
      table,
      ['m,host=h a=1,b=3i 1'],
      'record [3]: row 1, column "b": field "b": 2.5 is not an integer, but the field is typed "int"',
      { dataFrameTagColumns: ['host'], fieldTypes: { b: 'int' } },
    )
  })

  test('a missing timestamp names its row and leaves nothing of it', () => {
    assertRowError(
      { time: [1n, null], v: [1, 2] },
      ['m v=1 1'],
      'record [3]: row 1, column "time": the timestamp is missing',
    )
  })

  test('a tag value that cannot be escaped names its row', () => {
    assertRowError(
      { t: ['ok', 'x\\'], v: [1, 2] },
      ['m,t=ok v=1'],
      'record [3]: row 1, column "t": tag value: "x\\\\" ends with a backslash, which would escape the delimiter after it',
      { dataFrameTagColumns: ['t'] },
    )
  })

  test('rows are numbered across blocks and batches', () => {
    const values = Array.from({ length: 3000 }, (_, i) => `2020-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`)
    values[2500] = 'bad'
    const v = Array.from({ length: 3000 }, (_, i) => i)
    const before = v.slice(0, 2500).map((i) => `m v=${i} ${1577836800 + (i % 60)}`)
    assertRowError(
      { v, time: values },
      before,
      'record [3]: row 2500, column "time": "bad" is not a timestamp (expected e.g. 2018-10-26, 2018-10-26 12:00, 2018-10-26T12:00:00.5Z or 2018-10-26 12:00:00-05:00)',
      {},
      's',
    )
    const days = [
      ['2020-01-01', '2020-01-02'],
      ['2020-01-03', 'bad'],
    ]
    const dayBatches = days.map(
      (time, k) =>
        new arrow.Table({
          v: vector([2 * k + 1, 2 * k + 2], new arrow.Float64()),
          time: vector(time, new arrow.Utf8()),
        }).batches[0],
    )
    assertRowError(
      new arrow.Table(dayBatches),
      ['m v=1 1577836800', 'm v=2 1577923200', 'm v=3 1578009600'],
      'record [3]: row 3, column "time": "bad" is not a timestamp (expected e.g. 2018-10-26, 2018-10-26 12:00, 2018-10-26T12:00:00.5Z or 2018-10-26 12:00:00-05:00)',
      {},
      's',
    )
  })

  test('lines() gives the lines before a bad row, then throws', () => {
    const lines = tableOf({ v: [1n, 2n, 2n ** 63n] }).lines(contextOf(), [])
    const iterator = lines[Symbol.iterator]()
    assert.deepEqual([iterator.next().value, iterator.next().value], ['m v=1i', 'm v=2i'])
    assert.throws(() => iterator.next(), {
      message: 'record: row 2, column "v": field "v": 9223372036854775808 is out of the int64 range',
    })
    assert.equal(iterator.next().done, true)
  })
})

describe('rows(): exact numbers, generated', () => {
  const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
  const timestamp = fc.bigInt({ min: -9_223_372_036_854_775_806n, max: 9_223_372_036_854_775_806n })

  test('Int64, Uint64 and ns timestamps print as their bigint decimals', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(int64, uint64, timestamp), { minLength: 1, maxLength: 40 }), (rows) => {
        const table = new arrow.Table({
          i: vector(
            rows.map((r) => r[0]),
            new arrow.Int64(),
          ),
          u: vector(
            rows.map((r) => r[1]),
            new arrow.Uint64(),
          ),
          time: raw64(
            new arrow.TimestampNanosecond(),
            rows.map((r) => r[2]),
          ),
        })
        assertRows(
          table,
          rows.map(([i, u, t]) => `m i=${i}i,u=${u}u ${t}`),
        )
      }),
      { numRuns: 200 },
    )
  })

  test('Float64 values print as String(v) (-0 as -0)', () => {
    const decimal = fc
      .tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.integer({ min: 0, max: 9 }))
      .map(([m, k]) => m / 10 ** k)
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), decimal), {
          minLength: 1,
          maxLength: 40,
        }),
        (values) => {
          const table = { v: new Float64Array(values) }
          assertRows(
            table,
            values.map((v) => `m v=${floatText(v)}`),
          )
          for (const v of values) if (!Object.is(v, -0)) assert.equal(floatText(v), String(v))
        },
      ),
      { numRuns: 300 },
    )
  })

  test('tag and string values of any Unicode text are written as their UTF-8', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\\') && !s.includes('\n'))
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 20 }), (rows) => {
        const table = { t: rows.map((r) => r[0]), s: rows.map((r) => r[1]) }
        const escapeKey = (s: string): string => s.replace(/[,= ]/g, '\\$&')
        const expected = rows.map(([t, s]) => `m${t === '' ? '' : `,t=${escapeKey(t)}`} s="${s.replace(/"/g, '\\"')}"`)
        assertRows(table, expected, { dataFrameTagColumns: ['t'] })
      }),
      { numRuns: 200 },
    )
  })
})
