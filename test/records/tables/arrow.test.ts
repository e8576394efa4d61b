import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import { asTable } from '../../../src/records/tables/index.js'
import { assertRecordError, contextOf, linesOf, tableOf } from './lines.js'

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

describe('Arrow: detection', () => {
  test('Table and RecordBatch are tables', () => {
    const table = arrow.tableFromArrays({ v: new Float64Array([1]) })
    assert.ok(asTable(table) !== undefined)
    assert.ok(asTable(table.batches[0]) !== undefined)
  })
})

describe('Arrow: column types', () => {
  test('integers: Int64 exact through bigint, Uint64 as u, narrower ints as i', () => {
    const table = new arrow.Table({
      i8: vector([-128], new arrow.Int8()),
      i16: vector([-32768], new arrow.Int16()),
      i32: vector([-2147483648], new arrow.Int32()),
      i64: vector([-(2n ** 63n)], new arrow.Int64()),
      u8: vector([255], new arrow.Uint8()),
      u16: vector([65535], new arrow.Uint16()),
      u32: vector([4294967295], new arrow.Uint32()),
      u64: vector([2n ** 64n - 1n], new arrow.Uint64()),
      big: vector([9007199254740993n], new arrow.Int64()),
    })
    assert.deepEqual(linesOf(table), [
      'm big=9007199254740993i,i16=-32768i,i32=-2147483648i,i64=-9223372036854775808i,i8=-128i,u16=65535i,u32=4294967295i,u64=18446744073709551615u,u8=255i',
    ])
  })

  test('floats of every width, bool, Utf8, LargeUtf8', () => {
    const table = new arrow.Table({
      f16: vector([1.5], new arrow.Float16()),
      f32: vector([1.1], new arrow.Float32()),
      f64: vector([0.1], new arrow.Float64()),
      b: vector([true], new arrow.Bool()),
      s: vector(['say "hi"\\'], new arrow.Utf8()),
      l: vector(['large ü'], new arrow.LargeUtf8()),
    })
    assert.deepEqual(linesOf(table), [
      'm b=true,f16=1.5,f32=1.100000023841858,f64=0.1,l="large ü",s="say \\"hi\\"\\\\"',
    ])
  })

  test('dictionary-encoded strings as fields and as tags', () => {
    const table = new arrow.Table({
      host: vector(['a b', 'c', 'a b', null], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
      state: vector(['on', 'off', null, 'on'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8())),
      v: vector([1, 2, 3, 4], new arrow.Float64()),
    })
    assert.deepEqual(linesOf(table, { dataFrameTagColumns: ['host'] }), [
      'm,host=a\\ b state="on",v=1',
      'm,host=c state="off",v=2',
      'm,host=a\\ b v=3',
      'm state="on",v=4',
    ])
  })

  test('nulls in every kind leave the field out; NaN and ±Infinity too; empty rows are counted', () => {
    const table = new arrow.Table({
      f: vector([1.5, null, NaN, Infinity, null], new arrow.Float64()),
      i: vector([null, 2n, null, null, null], new arrow.Int64()),
      b: vector([null, null, false, null, null], new arrow.Bool()),
      s: vector([null, null, null, 'x', null], new arrow.Utf8()),
      n: vector([null, null, null, null, null], new arrow.Null()),
    })
    const source = tableOf(table)
    assert.deepEqual([...source.lines(contextOf(), [])], ['m f=1.5', 'm i=2i', 'm b=false', 'm s="x"'])
    assert.equal(source.skippedRows, 1)
  })

  test('Bool bits across byte boundaries', () => {
    const values = Array.from({ length: 19 }, (_, i) => i % 3 === 0)
    const lines = linesOf(new arrow.Table({ b: vector(values, new arrow.Bool()) }))
    assert.deepEqual(
      lines,
      values.map((b) => `m b=${b}`),
    )
  })

  test('unsupported types are refused before any line', () => {
    const list = vector([[1.5]], new arrow.List(new arrow.Field('item', new arrow.Float64())))
    assertRecordError(
      () => tableOf(new arrow.Table({ l: list, v: vector([1], new arrow.Float64()) })).lines(contextOf(), []),
      'record: column "l" has type List<Float64>, which cannot be a field',
    )
    assertRecordError(
      () => linesOf(new arrow.Table({ t: list, v: vector([1], new arrow.Float64()) }), { dataFrameTagColumns: ['t'] }),
      'record: column "t" has type List<Float64>, which cannot be a tag',
    )
  })
})

describe('Arrow: more column shapes', () => {
  test('a plain Utf8 column as tags, with nulls and escaping', () => {
    const table = new arrow.Table({
      host: vector(['a b', null, 'x=y'], new arrow.Utf8()),
      v: vector([1, 2, 3], new arrow.Float64()),
    })
    assert.deepEqual(linesOf(table, { dataFrameTagColumns: ['host'] }), [
      'm,host=a\\ b v=1',
      'm v=2',
      'm,host=x\\=y v=3',
    ])
  })

  test('Int64 and Float64 columns as the timestamp are in the write precision', () => {
    const table = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      t: vector([1_700_000_000n], new arrow.Int64()),
      f: vector([1_700_000_001], new arrow.Float64()),
    })
    assert.deepEqual(linesOf(table.select(['v', 't']), { dataFrameTimestampColumn: 't' }, 's'), ['m v=1 1700000000'])
    assert.deepEqual(linesOf(table.select(['v', 'f']), { dataFrameTimestampColumn: 'f' }, 's'), ['m v=1 1700000001'])
  })

  test('dictionary-encoded timestamp texts (what tableFromArrays makes of strings); a bad entry names its row', () => {
    const table = arrow.tableFromArrays({ v: new Float64Array([1, 2, 3]), time: ['2020-01-01', '2020-01-01', 'soon'] })
    assert.equal(String(table.schema.fields[1]?.type), 'Dictionary<Int32, Utf8>')
    assert.deepEqual(linesOf(table.slice(0, 2), {}, 's'), ['m v=1 1577836800', 'm v=2 1577836800'])
    assert.throws(() => linesOf(table), { message: /^record: row 2, column "time": "soon" is not a timestamp/ })
  })

  test('64-bit values stored as pairs of 32-bit words (apache-arrow before 15) are combined exactly', () => {
    const words = new Int32Array([0x0000_0001, 0x0000_0000, 0xffff_fffe | 0, 0x7fff_ffff, 0x5f5e_1000, 0x1797_0000 | 0])
    const type = { typeId: 10, unit: 3, timezone: 'UTC', toString: () => 'Timestamp<NANOSECOND, UTC>' }
    const floatType = { typeId: 3, precision: 2, toString: () => 'Float64' }
    const schema = {
      fields: [
        { name: 'v', type: floatType },
        { name: 'time', type },
      ],
    }
    const columns = [
      {
        type: floatType,
        offset: 0,
        length: 3,
        nullCount: 0,
        stride: 1,
        values: new Float64Array([1, 2, 3]),
        nullBitmap: null,
        children: [],
      },
      { type, offset: 0, length: 3, nullCount: 0, stride: 2, values: words, nullBitmap: null, children: [] },
    ]
    const batch = { schema, numRows: 3, data: { children: columns }, getChildAt: () => null }
    const oldTable = { schema, numRows: 3, batches: [batch], getChildAt: () => null }
    assert.deepEqual(linesOf(oldTable), [
      'm v=1 1',
      'm v=2 9223372036854775806',
      `m v=3 ${(0x1797_0000n << 32n) | 0x5f5e_1000n}`,
    ])
  })
})

describe('Arrow: layout', () => {
  test('a sliced table reads from its offsets, null bitmaps included', () => {
    const table = new arrow.Table({
      s: vector(['a', 'b', null, 'd', 'e'], new arrow.Utf8()),
      i: vector([1n, null, 3n, 4n, 5n], new arrow.Int64()),
      b: vector([true, false, true, null, false], new arrow.Bool()),
      time: raw64(new arrow.TimestampNanosecond(), [10n, 20n, 30n, 40n, 50n]),
    }).slice(1, 4)
    assert.deepEqual(linesOf(table), ['m b=false,s="b" 20', 'm b=true,i=3i 30', 'm i=4i,s="d" 40'])
  })

  test('several batches, with rows numbered across them in errors', () => {
    const first = new arrow.Table({
      v: vector([1, 2], new arrow.Float64()),
      time: vector(['2020-01-01', '2020-01-02'], new arrow.Utf8()),
    })
    const second = new arrow.Table({
      v: vector([3, 4], new arrow.Float64()),
      time: vector(['2020-01-03', 'bad'], new arrow.Utf8()),
    })
    const table = first.concat(second)
    assert.equal(table.batches.length, 2)
    assert.deepEqual(linesOf(table.slice(0, 3), {}, 's'), ['m v=1 1577836800', 'm v=2 1577923200', 'm v=3 1578009600'])
    assert.throws(() => linesOf(table), /^RecordError: record: row 3, column "time": "bad" is not a timestamp/)
  })

  test('a RecordBatch alone', () => {
    const table = arrow.tableFromArrays({ v: new Float64Array([1, 2]), time: new BigInt64Array([5n, 6n]) })
    assert.deepEqual(linesOf(table.batches[0]), ['m v=1 5', 'm v=2 6'])
  })

  test('duplicate column names are refused', () => {
    const v = arrow.makeData({ type: new arrow.Float64(), length: 1, data: new Float64Array([1]) })
    const schema = new arrow.Schema([
      new arrow.Field('v', new arrow.Float64()),
      new arrow.Field('v', new arrow.Float64()),
    ])
    const batch = new arrow.RecordBatch(
      schema,
      arrow.makeData({ type: new arrow.Struct(schema.fields), length: 1, children: [v, v] }),
    )
    assertRecordError(
      () => linesOf(new arrow.Table([batch])),
      'record: column "v" appears more than once in the Arrow Table',
    )
  })
})

describe('Arrow: timestamps keep their unit and zone', () => {
  const instant = 1_590_307_200_123_456_789n // 2020-05-24T08:00:00.123456789Z

  test('Timestamp s/ms/us/ns in every precision', () => {
    const table = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      s: raw64(new arrow.TimestampSecond('UTC'), [instant / 1_000_000_000n]),
      ms: raw64(new arrow.TimestampMillisecond('UTC'), [instant / 1_000_000n]),
      us: raw64(new arrow.TimestampMicrosecond('UTC'), [instant / 1_000n]),
      ns: raw64(new arrow.TimestampNanosecond('UTC'), [instant]),
    })
    const at = (column: 's' | 'ms' | 'us' | 'ns', precision: 'ns' | 'us' | 'ms' | 's'): string => {
      return linesOf(table.select(['v', column]), { dataFrameTimestampColumn: column }, precision)[0]
    }
    assert.equal(at('ns', 'ns'), 'm v=1 1590307200123456789')
    assert.equal(at('ns', 'us'), 'm v=1 1590307200123456')
    assert.equal(at('ns', 'ms'), 'm v=1 1590307200123')
    assert.equal(at('ns', 's'), 'm v=1 1590307200')
    assert.equal(at('us', 'ns'), 'm v=1 1590307200123456000')
    assert.equal(at('ms', 'us'), 'm v=1 1590307200123000')
    assert.equal(at('s', 'ms'), 'm v=1 1590307200000')
    assert.equal(at('s', 's'), 'm v=1 1590307200')
  })

  test('a zoned Timestamp is an instant; a zone-less one is wall clock in dataFrameTimestampTimezone', () => {
    const wallClock = 1_590_314_400_000_000_001n // 2020-05-24 10:00:00.000000001 as wall clock
    const table = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      tokyo: raw64(new arrow.TimestampNanosecond('Asia/Tokyo'), [wallClock]),
      naive: raw64(new arrow.TimestampNanosecond(), [wallClock]),
    })
    const berlin = { dataFrameTimestampTimezone: 'Europe/Berlin' }
    assert.deepEqual(linesOf(table.select(['v', 'tokyo']), { ...berlin, dataFrameTimestampColumn: 'tokyo' }), [
      'm v=1 1590314400000000001',
    ])
    assert.deepEqual(linesOf(table.select(['v', 'naive']), { ...berlin, dataFrameTimestampColumn: 'naive' }), [
      'm v=1 1590307200000000001',
    ])
    assert.deepEqual(linesOf(table.select(['v', 'naive']), { dataFrameTimestampColumn: 'naive' }), [
      'm v=1 1590314400000000001',
    ])
  })

  test('Date32 (days) and Date64 (ms) are dates at midnight, in the zone when one is given', () => {
    const table = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      day: arrow.makeVector(arrow.makeData({ type: new arrow.DateDay(), length: 1, data: new Int32Array([18262]) })),
      ms: vector([new Date('2020-01-01T00:00:00Z')], new arrow.DateMillisecond()),
    })
    assert.deepEqual(linesOf(table.select(['v', 'day']), { dataFrameTimestampColumn: 'day' }, 's'), [
      'm v=1 1577836800',
    ])
    assert.deepEqual(linesOf(table.select(['v', 'ms']), { dataFrameTimestampColumn: 'ms' }, 'ms'), [
      'm v=1 1577836800000',
    ])
    assert.deepEqual(
      linesOf(
        table.select(['v', 'day']),
        { dataFrameTimestampColumn: 'day', dataFrameTimestampTimezone: 'Europe/Berlin' },
        's',
      ),
      ['m v=1 1577833200'],
    )
  })

  test('a Timestamp column that is not the timestamp is refused', () => {
    const table = new arrow.Table({
      v: vector([1], new arrow.Float64()),
      at: raw64(new arrow.TimestampNanosecond(), [1n]),
    })
    assertRecordError(
      () => linesOf(table),
      'record: column "at" holds times (Timestamp<NANOSECOND>), which cannot be a field; make it the timestamp column with dataFrameTimestampColumn',
    )
  })

  test('a null timestamp in a row with fields is an error naming the row', () => {
    const table = new arrow.Table({
      v: vector([1, 2], new arrow.Float64()),
      time: vector([new Date(0), null], new arrow.TimestampMillisecond()),
    })
    assertRecordError(() => linesOf(table), 'record: row 1, column "time": the timestamp is missing')
  })
})
