// Tables through the public client into real InfluxDB 1.6.7 (its own /write, apiVersion 'v1'), read back
// with InfluxQL and compared exactly: Arrow, Polars, danfo and plain columnar objects, with
// int64 extremes, floats, booleans, strings, escaped tags, nulls and zoned timestamps.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import * as dfd from 'danfojs'
import pl from 'nodejs-polars'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { useInfluxTarget } from '../support/real-influx.js'
import { asBigInt, fieldTypes, quoteIdentifier, selectRows, type Row } from '../support/influx.js'
import { JsonNumber } from '../support/lossless-json.js'

const DB = 'h4_tables_roundtrip'

async function rowsOf(measurement: string): Promise<Row[]> {
  const rows = await selectRows(DB, `SELECT * FROM ${quoteIdentifier(measurement)} GROUP BY *`)
  return rows.sort((a, b) => (asBigInt(a.values.time) < asBigInt(b.values.time) ? -1 : 1))
}

/** A stored number as its exact text (JSON numbers are kept lossless by the support code). */
function text(row: Row, key: string): string | null {
  const value = row.values[key]
  if (value === null || value === undefined) return null
  return value instanceof JsonNumber ? value.raw : JSON.stringify(value)
}

describe(
  'tables → InfluxDB 1.6.7 (v1): exact round trip',
  await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'),
  () => {
    const target = useInfluxTarget(DB, 'native-v1')

    test('Arrow: int64 extremes, uint64, floats, booleans, strings, dictionary tags with spaces, nulls, ns timestamps', async () => {
      const time = arrow.makeVector(
        arrow.makeData({
          type: new arrow.TimestampNanosecond('UTC'),
          length: 3,
          data: new BigInt64Array([1n, 1_590_307_200_123_456_789n, -1_000_000_001n]),
        }),
      )
      const table = new arrow.Table({
        host: arrow.vectorFromArray(['a b', 'c,d', null], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
        i: arrow.vectorFromArray([-(2n ** 63n), 2n ** 63n - 1n, null], new arrow.Int64()),
        f: arrow.vectorFromArray([0.30000000000000004, -0, 1e-300], new arrow.Float64()),
        b: arrow.vectorFromArray([true, null, false], new arrow.Bool()),
        s: arrow.vectorFromArray(['say "hi" \\', null, 'ü'], new arrow.Utf8()),
        time,
      })
      const written = await target()
        .client.writeApi()
        .write({
          bucket: DB,
          record: table,
          dataFrameMeasurementName: 'arrow m',
          dataFrameTagColumns: ['host'],
        })
      assert.equal(written, true)
      const rows = await rowsOf('arrow m')
      assert.deepEqual(
        rows.map((r) => asBigInt(r.values.time)),
        [-1_000_000_001n, 1n, 1_590_307_200_123_456_789n],
      )
      const [pre, first, second] = rows as [Row, Row, Row]
      assert.deepEqual([first.tags.host, second.tags.host, pre.tags.host], ['a b', 'c,d', ''])
      assert.deepEqual(
        [text(first, 'i'), text(second, 'i'), text(pre, 'i')],
        ['-9223372036854775808', '9223372036854775807', null],
      )
      assert.ok(Object.is((first.values.f as JsonNumber).toNumber(), 0.30000000000000004))
      assert.ok(Object.is((second.values.f as JsonNumber).toNumber(), -0))
      assert.equal((pre.values.f as JsonNumber).toNumber(), 1e-300)
      assert.deepEqual([first.values.b, second.values.b, pre.values.b], [true, null, false])
      assert.deepEqual([first.values.s, second.values.s, pre.values.s], ['say "hi" \\', null, 'ü'])
      assert.deepEqual(await fieldTypes(DB, 'arrow m'), { b: 'boolean', f: 'float', i: 'integer', s: 'string' })
    })

    test('Polars: Int64 exact, Datetime(us) without a zone read in Europe/Berlin, precision us', async () => {
      const frame = pl.DataFrame([
        pl.Series('sensor', ['s1', 's2']),
        pl.Series('count', ['9007199254740993', '-42']).cast(pl.Int64),
        pl.Series('temp', [21.5, null]),
        pl.Series('at', ['1590314400123456', '1577836800000000']).cast(pl.Int64).cast(pl.Datetime('us')),
      ])
      await target()
        .client.writeApi()
        .write({
          bucket: DB,
          record: frame,
          writePrecision: 'us',
          dataFrameMeasurementName: 'polars',
          dataFrameTagColumns: ['sensor'],
          dataFrameTimestampColumn: 'at',
          dataFrameTimestampTimezone: 'Europe/Berlin',
        })
      const rows = await rowsOf('polars')
      // 2020-01-01 00:00 Berlin (CET) = 2019-12-31T23:00Z; 2020-05-24 10:00:00.123456 Berlin (CEST) = 08:00:00.123456Z.
      assert.deepEqual(
        rows.map((r) => asBigInt(r.values.time)),
        [1_577_833_200_000_000_000n, 1_590_307_200_123_456_000n],
      )
      assert.deepEqual(
        rows.map((r) => [r.tags.sensor, text(r, 'count'), r.values.temp === null ? null : text(r, 'temp')]),
        [
          ['s2', '-42', null],
          ['s1', '9007199254740993', '21.5'],
        ],
      )
    })

    test('danfo with a time index, and a columnar object with a row skipped for having no field', async () => {
      const frame = new dfd.DataFrame({ v: [1.5, 2.5] }, { index: ['2021-10-31 02:30', '2021-10-31 03:00'] })
      await target()
        .client.writeApi()
        .write({
          bucket: DB,
          record: [frame, { time: [10n, 20n, 30n, 40n], w: [1, null, 3, NaN], t: ['x', 'y', '', null] }],
          writePrecision: 's',
          dataFrameMeasurementName: 'mixed',
          dataFrameTagColumns: [],
          dataFrameTimestampTimezone: 'Europe/Berlin',
        })
      const rows = await rowsOf('mixed')
      assert.deepEqual(
        rows.map((r) => [
          asBigInt(r.values.time),
          r.values.v === null ? null : text(r, 'v'),
          r.values.w === null ? null : text(r, 'w'),
          r.values.t,
        ]),
        [
          [10_000_000_000n, null, '1', 'x'],
          [20_000_000_000n, null, null, 'y'],
          [30_000_000_000n, null, '3', ''],
          // the row at 40 s had no field left (NaN and null) and was not sent
          // 02:30 on the fall-back night is the earlier (CEST) instant; 03:00 is CET.
          [1_635_640_200_000_000_000n, '1.5', null, null],
          [1_635_645_600_000_000_000n, '2.5', null, null],
        ],
      )
    })
  },
)
