// Writes through the public client API into real InfluxDB 1.6.7, natively (apiVersion 'v1', the
// server's own /write) and through the v2 path (gateway), and reads every value back with
// InfluxQL, comparing exactly: types, escaping, timestamps, precisions, record kinds and default tags.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, Point, PointSettings, RecordError, type WriteRecords } from '../../src/index.js'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { INFLUX_TARGET_MODES, useInfluxTarget } from '../support/real-influx.js'
import { asBigInt, fieldTypes, quoteIdentifier, selectRows, selectSeries, type Row } from '../support/influx.js'
import { JsonNumber, type JsonValue } from '../support/lossless-json.js'

const DB_PREFIX = 'h3_roundtrip'

/** The single row of a measurement (fails unless there is exactly one). */
async function onlyRow(db: string, measurement: string): Promise<Row> {
  const rows = await selectRows(db, `SELECT * FROM ${quoteIdentifier(measurement)} GROUP BY *`)
  assert.equal(rows.length, 1, `one row expected in ${measurement}, got ${rows.length}`)
  return rows[0]
}

function assertFloat(actual: JsonValue | undefined, expected: number, what: string): void {
  assert.ok(actual instanceof JsonNumber, `${what}: ${JSON.stringify(actual)} is not a number`)
  assert.ok(Object.is(actual.toNumber(), expected), `${what}: stored ${actual.raw}, expected ${expected}`)
}

const server = await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7')
for (const mode of INFLUX_TARGET_MODES) {
  describe(`client (${mode}) → InfluxDB 1.6.7: exact round trip`, server, () => {
    const DB = `${DB_PREFIX}_${mode.replace('-', '_')}`
    const target = useInfluxTarget(DB, mode)

    test('floats keep every bit: 1e-300, 5e-324, 0.30000000000000004, -0, ±max', async () => {
      const floats: Record<string, number> = {
        tiny: 1e-300,
        denormal: 5e-324,
        sum: 0.30000000000000004,
        negzero: -0,
        max: 1.7976931348623157e308,
        min: -1.7976931348623157e308,
        whole: 125,
        huge: 1e21,
        third: 1 / 3,
        negative: -1.5,
      }
      assert.equal(
        await target().client.writeApi().write(DB, undefined, { measurement: 'floats', fields: floats, time: 1n }),
        true,
      )
      const row = await onlyRow(DB, 'floats')
      for (const [key, value] of Object.entries(floats)) assertFloat(row.values[key], value, key)
      assert.deepEqual(await fieldTypes(DB, 'floats'), Object.fromEntries(Object.keys(floats).map((k) => [k, 'float'])))
    })

    test('int64 extremes via bigint and fieldTypes, compared as text', async () => {
      const record = {
        measurement: 'ints',
        fields: {
          min: -9223372036854775808n,
          max: 9223372036854775807n,
          zero: 0n,
          minusOne: -1n,
          typed: 42,
          typedBig: 2n ** 62n,
        },
        time: 1n,
      }
      await target()
        .client.writeApi()
        .write({ bucket: DB, record, fieldTypes: { typed: 'int', typedBig: 'int' } })
      const row = await onlyRow(DB, 'ints')
      const asText = (key: string): string => (row.values[key] as JsonNumber).raw
      assert.equal(asText('min'), '-9223372036854775808')
      assert.equal(asText('max'), '9223372036854775807')
      assert.equal(asText('zero'), '0')
      assert.equal(asText('minusOne'), '-1')
      assert.equal(asText('typed'), '42')
      assert.equal(asText('typedBig'), '4611686018427387904')
      const types = await fieldTypes(DB, 'ints')
      assert.deepEqual(Object.values(types), Array(6).fill('integer'))
    })

    test('strings with quotes, backslashes, newline, tab, CR, unicode and emoji; booleans', async () => {
      const strings: Record<string, string> = {
        quote: 'he said "hi"',
        backslash: 'C:\\temp\\x',
        trailingBackslash: 'ends with \\',
        escapedQuote: '\\"',
        looksEscaped: 'a\\nb\\tc',
        newline: 'line1\nline2',
        tab: 'a\tb',
        cr: 'a\rb',
        unicode: 'ünïcødé 東京 ключ',
        emoji: '😀 naïve — ✓ 👩‍👩‍👧',
        lineProtocolish: 'a,b c=d e="f"',
        empty: '',
      }
      const point = new Point('strings').time(1n)
      for (const [key, value] of Object.entries(strings)) point.field(key, value)
      point.field('yes', true).field('no', false)
      await target().client.writeApi().write(DB, undefined, point)
      const row = await onlyRow(DB, 'strings')
      for (const [key, value] of Object.entries(strings)) assert.equal(row.values[key], value, key)
      assert.equal(row.values.yes, true)
      assert.equal(row.values.no, false)
      const types = await fieldTypes(DB, 'strings')
      assert.equal(types.yes, 'boolean')
      assert.equal(types.quote, 'string')
    })

    test('escaping in measurement, tag keys, tag values and field keys', async () => {
      const measurement = 'my,meas ure=x "q" ünï😀'
      const tags: Record<string, string> = {
        't k,e=y': 'v a,l=ue',
        'quote"key': 'say "hi"',
        'back\\slash': 'C:\\temp\\x',
        東京: '日本 語',
        tab: 'a\tb',
        eq: 'a=b',
        _underscore: '#hash',
      }
      const fields = { 'f k,e=y': 1.5, 'f"q': 'x', 'ü 😀': true, 'C:\\f': 2n }
      await target().client.writeApi().write(DB, undefined, { measurement, tags, fields, time: 1_000n })
      const [series, ...others] = await selectSeries(DB, `SELECT * FROM ${quoteIdentifier(measurement)} GROUP BY *`)
      assert.equal(others.length, 0)
      assert.ok(series)
      assert.equal(series.name, measurement)
      assert.deepEqual(series.tags, tags)
      assert.deepEqual(series.columns, ['time', ...Object.keys(fields).sort()])
      const names = await selectSeries(DB, 'SHOW MEASUREMENTS')
      assert.ok(names[0]?.values.some(([name]) => name === measurement))
    })

    test('a name no escaping can carry is refused before any request', async () => {
      const before = target().requestsTo(target().writePath).length
      for (const record of [
        { measurement: 'ok', tags: { t: 'ends with \\' }, fields: { v: 1 } },
        { measurement: 'ok', tags: { t: 'a\\,b' }, fields: { v: 1 } },
        { measurement: 'ok', tags: { 'line\nfeed': 'v' }, fields: { v: 1 } },
        { measurement: '#comment', fields: { v: 1 } },
        { measurement: 'ok', fields: {} },
      ]) {
        await assert.rejects(
          target()
            .client.writeApi()
            .write(DB, undefined, [{ measurement: 'fine', fields: { v: 1 } }, record]),
          (e: unknown) => {
            assert.ok(e instanceof RecordError, String(e))
            assert.deepEqual(e.path, [1])
            return true
          },
        )
      }
      assert.equal(target().requestsTo(target().writePath).length, before, 'nothing may be sent')
      assert.deepEqual(await selectRows(DB, 'SELECT * FROM fine'), [])
    })

    test('lone UTF-16 surrogates are refused before sending, not stored as U+FFFD', async () => {
      const before = target().requestsTo(target().writePath).length
      for (const record of [
        { measurement: 'm\uD800', fields: { v: 1 } },
        { measurement: 'm', tags: { k: 'a\uDC00' }, fields: { v: 1 } },
        { measurement: 'm', tags: { ['k\uDFFF']: 'v' }, fields: { v: 1 } },
        { measurement: 'm', fields: { 'f\uD83D': 1 } },
        { measurement: 'm', fields: { s: 'x\uD83Dy' } },
      ]) {
        await assert.rejects(
          target().client.writeApi().write(DB, undefined, record),
          RecordError,
          JSON.stringify(record),
        )
      }
      assert.equal(target().requestsTo(target().writePath).length, before)
      // A well-formed pair is fine and stored exactly.
      await target()
        .client.writeApi()
        .write(DB, undefined, {
          measurement: 'pair',
          tags: { k: '\uD83D\uDE00' },
          fields: { s: '\uD83D\uDE00' },
          time: 1n,
        })
      const row = await onlyRow(DB, 'pair')
      assert.deepEqual([row.tags.k, row.values.s], ['😀', '😀'])
    })

    test('ns timestamps: exact, near the int64 bounds, before the epoch, from Date and RFC 3339', async () => {
      const cases: [string, bigint | Date | string, bigint][] = [
        ['exact', 1_700_000_000_123_456_789n, 1_700_000_000_123_456_789n],
        ['max', 9_223_372_036_854_775_806n, 9_223_372_036_854_775_806n],
        ['min', -9_223_372_036_854_775_806n, -9_223_372_036_854_775_806n],
        ['minus1', -1n, -1n],
        ['zero', 0n, 0n],
        ['preEpoch', -1_234_567_890_123_456_789n, -1_234_567_890_123_456_789n],
        ['datePreEpoch', new Date('1969-07-20T20:17:40.123Z'), -14_182_939_877_000_000n],
        ['isoMax', '2262-04-11T23:47:16.854775806Z', 9_223_372_036_854_775_806n],
        ['isoMin', '1677-09-21T00:12:43.145224194Z', -9_223_372_036_854_775_806n],
        ['isoOffset', '2020-01-01T01:00:00.000000001+01:00', 1_577_836_800_000_000_001n],
        ['isoNoZoneIsUtc', '2020-01-01T00:00:00.5', 1_577_836_800_500_000_000n],
        ['isoPreEpoch', '1969-12-31T23:59:59.999999999Z', -1n],
      ]
      const records = cases.map(([name, time]) => ({ measurement: 'ts', tags: { case: name }, fields: { v: 1 }, time }))
      await target().client.writeApi().write(DB, undefined, records)
      const rows = await selectRows(DB, 'SELECT * FROM ts GROUP BY "case"')
      const stored = Object.fromEntries(rows.map((r) => [r.tags.case, asBigInt(r.values.time)]))
      assert.deepEqual(stored, Object.fromEntries(cases.map(([name, , ns]) => [name, ns])))
    })

    test('a timestamp outside the int64 range the server accepts is refused before sending', async () => {
      const before = target().requestsTo(target().writePath).length
      for (const time of [9_223_372_036_854_775_807n, -9_223_372_036_854_775_807n, '2262-04-11T23:47:16.854775807Z']) {
        await assert.rejects(
          target()
            .client.writeApi()
            .write(DB, undefined, { measurement: 'ts_out', fields: { v: 1 }, time }),
          RecordError,
        )
      }
      assert.equal(target().requestsTo(target().writePath).length, before)
    })

    test('all four precisions in one call: one request each, in first-seen order, each at its instant', async () => {
      const before = target().requestsTo(target().writePath).length
      const records = [
        new Point('prec').tag('p', 's').field('v', 1).time(1_700_000_001n, 's'),
        new Point('prec').tag('p', 'ms').field('v', 1).time(1_700_000_001_002n, 'ms'),
        'prec,p=call v=1 1700000006007',
        new Point('prec').tag('p', 'us').field('v', 1).time(1_700_000_001_002_003n, 'us'),
        new Point('prec').tag('p', 'ns').field('v', 1).time(1_700_000_001_002_003_004n, 'ns'),
        new Point('prec').tag('p', 's2').field('v', 1).time(1_700_000_005n, 's'),
        new Point('prec').tag('p', 'dateUs').field('v', 1).time(new Date('2023-11-14T22:13:20.123Z'), 'us'),
      ]
      await target().client.writeApi().write(DB, undefined, records, 'ms')
      const sent = target().requestsTo(target().writePath).slice(before)
      assert.deepEqual(
        sent.map((e) => new URL(e.url, 'http://x').searchParams.get('precision')),
        // 1.x refuses `us` on /write (1.6 even reads it as ns): the v1 API sends u and n.
        mode === 'native-v1' ? ['s', 'ms', 'u', 'n'] : ['s', 'ms', 'us', 'ns'],
      )
      const rows = await selectRows(DB, 'SELECT * FROM prec GROUP BY p')
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.tags.p, asBigInt(r.values.time)])), {
        s: 1_700_000_001_000_000_000n,
        ms: 1_700_000_001_002_000_000n,
        call: 1_700_000_006_007_000_000n,
        us: 1_700_000_001_002_003_000n,
        ns: 1_700_000_001_002_003_004n,
        s2: 1_700_000_005_000_000_000n,
        dateUs: 1_700_000_000_123_000_000n,
      })
    })

    test('a plain string record in precision us lands in microseconds', async () => {
      await target().client.writeApi().write(DB, undefined, 'us_text v=1 1700000000000001', 'us')
      const rows = await selectRows(DB, 'SELECT * FROM us_text')
      assert.deepEqual(
        rows.map((r) => asBigInt(r.values.time)),
        [1_700_000_000_000_001_000n],
      )
    })

    test('object records, class instances, iterables and async iterables', async () => {
      class Car {
        constructor(
          readonly brand: string,
          readonly model: string,
          readonly speed: number,
          readonly gears: bigint,
          readonly at: Date,
        ) {}
      }
      const cars = [
        new Car('Ford', 'Model T', 72.5, 2n, new Date(1_000)),
        new Car('Tesla', 'S 90', 250.1, 1n, new Date(2_000)),
      ]
      await target()
        .client.writeApi()
        .write({
          bucket: DB,
          record: cars,
          recordMeasurementName: 'car',
          recordTagKeys: ['brand', 'model'],
          recordFieldKeys: ['speed', 'gears'],
          recordTimeKey: 'at',
        })
      const carRows = await selectRows(DB, 'SELECT * FROM car GROUP BY *')
      assert.deepEqual(
        carRows.map((r) => [
          r.tags.brand,
          r.tags.model,
          (r.values.speed as JsonNumber).raw,
          (r.values.gears as JsonNumber).raw,
          asBigInt(r.values.time),
        ]),
        [
          ['Ford', 'Model T', '72.5', '2', 1_000_000_000n],
          ['Tesla', 'S 90', '250.1', '1', 2_000_000_000n],
        ],
      )
      assert.deepEqual(await fieldTypes(DB, 'car'), { gears: 'integer', speed: 'float' })

      function* generated(): Generator<WriteRecords> {
        yield { measurement: 'kinds', tags: { kind: 'generator' }, fields: { count: 3 }, time: 3n }
        yield new Set([`kinds,kind=set count=4i 4`])
      }
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* streamed(): AsyncGenerator<WriteRecords> {
        for (let i = 0; i < 3; i++)
          yield { measurement: 'kinds', tags: { kind: `async${i}` }, fields: { count: i }, time: 10n + BigInt(i) }
      }
      await target()
        .client.writeApi()
        .write({
          bucket: DB,
          record: [generated(), [[Buffer.from('kinds,kind=bytes count=5i 5')]]],
          fieldTypes: { count: 'int' },
        })
      await target()
        .client.writeApi()
        .write({ bucket: DB, record: streamed(), fieldTypes: { count: 'int' } })
      const kindRows = await selectRows(DB, 'SELECT * FROM kinds GROUP BY kind')
      assert.deepEqual(
        kindRows.map((r) => `${r.tags.kind}=${(r.values.count as JsonNumber).raw}@${asBigInt(r.values.time)}`),
        ['async0=0@10', 'async1=1@11', 'async2=2@12', 'bytes=5@5', 'generator=3@3', 'set=4@4'],
      )
      assert.deepEqual(await fieldTypes(DB, 'kinds'), { count: 'integer' })
    })

    test('a body above the 8 MiB request limit is split at line boundaries; every line arrives', async () => {
      const filler = 'x'.repeat(60)
      const lines = Array.from({ length: 150_000 }, (_, i) => `big,h=${i % 10} i=${i}i,s="${filler}" ${i}`)
      const bytes = lines.reduce((n, l) => n + l.length + 1, 0)
      assert.ok(bytes > 10 * 1024 * 1024, `body is ${bytes} bytes`)
      const before = target().requestsTo(target().writePath).length
      await target().client.writeApi().write(DB, undefined, lines)
      assert.ok(target().requestsTo(target().writePath).length - before >= 2, 'expected more than one request')
      const [row] = await selectRows(DB, 'SELECT count(i), sum(i) FROM big')
      assert.equal((row?.values.count as JsonNumber).raw, '150000')
      assert.equal((row?.values.sum as JsonNumber).raw, String((149_999 * 150_000) / 2))
    })

    test('an async source longer than one chunk is streamed completely', async () => {
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* source(): AsyncGenerator<{
        measurement: string
        tags: Record<string, string>
        fields: Record<string, bigint>
        time: bigint
      }> {
        for (let i = 0; i < 12_345; i++)
          yield { measurement: 'streamed', tags: { h: String(i % 3) }, fields: { i: BigInt(i) }, time: BigInt(i) }
      }
      const before = target().requestsTo(target().writePath).length
      await target().client.writeApi().write(DB, undefined, source())
      assert.ok(target().requestsTo(target().writePath).length - before >= 3)
      const [row] = await selectRows(DB, 'SELECT count(i), sum(i) FROM streamed')
      assert.equal((row?.values.count as JsonNumber).raw, '12345')
      assert.equal((row?.values.sum as JsonNumber).raw, String((12_344 * 12_345) / 2))
    })

    test('default tags: client, env, PointSettings; the record wins; nothing mutated', async () => {
      process.env.H3_REAL_SERVER_HOST = 'node-7'
      const client = new InfluxDBClientAsync({
        url: target().url,
        ...target().clientOptions,
        defaultTags: { dc: 'eu-1', host: '${env.H3_REAL_SERVER_HOST}', gone: '${env.H3_SURELY_UNSET_VARIABLE}' },
      })
      try {
        const record = { measurement: 'dflt', tags: { dc: 'us-2', own: 'x' }, fields: { v: 1 }, time: 1n }
        const snapshot = structuredClone(record)
        const point = new Point('dflt').tag('own', 'y').field('v', 2).time(2n)
        const pointLine = point.toLineProtocol()
        await client.writeApi(new PointSettings({ rack: 'r7' })).write(DB, undefined, [record, point])
        assert.deepEqual(record, snapshot)
        assert.equal(point.toLineProtocol(), pointLine)
        const rows = await selectRows(DB, 'SELECT * FROM dflt GROUP BY *')
        assert.deepEqual(
          rows.map((r) => r.tags),
          [
            { dc: 'eu-1', host: 'node-7', own: 'y', rack: 'r7' },
            { dc: 'us-2', host: 'node-7', own: 'x', rack: 'r7' },
          ],
        )
      } finally {
        await client.close()
        delete process.env.H3_REAL_SERVER_HOST
      }
    })

    test('gzip: the body is compressed on the wire and stored exactly', async () => {
      const client = new InfluxDBClientAsync({ url: target().url, ...target().clientOptions, enableGzip: true })
      try {
        const lines = Array.from({ length: 2000 }, (_, i) => `gz,i=${i % 7} v=${i}i,s="${'x'.repeat(i % 50)}" ${i}`)
        const before = target().requestsTo(target().writePath).length
        await client.writeApi().write(DB, undefined, lines)
        const sent = target().requestsTo(target().writePath).slice(before)
        assert.ok(sent.length >= 1)
        assert.ok(sent.every((e) => e.contentEncoding === 'gzip'))
        const [count] = await selectRows(DB, 'SELECT count(v), sum(v) FROM gz')
        assert.equal((count?.values.count as JsonNumber).raw, '2000')
        assert.equal((count?.values.sum as JsonNumber).raw, String((1999 * 2000) / 2))
      } finally {
        await client.close()
      }
    })
  })
}
