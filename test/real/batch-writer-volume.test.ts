// Issue 4, real servers: 1,000,000 points streamed through a BatchWriter into real InfluxDB 1.6.7
// (through its own /write, apiVersion 'v1') and into VictoriaMetrics, then counted back on each server.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, Point } from '../../src/index.js'
import { INFLUX_V1_URL, VICTORIA_URL, needServer } from '../support/servers.js'
import { useInfluxTarget } from '../support/real-influx.js'
import { selectRows } from '../support/influx.js'
import { deleteSeries, instantQuery, readWhenFlushed } from '../support/victoria.js'
import type { JsonNumber } from '../support/lossless-json.js'

const POINTS = 1_000_000
const SERIES = 100
const PER_SERIES = POINTS / SERIES
// Every point gets its own millisecond within its series, so VictoriaMetrics (ms resolution)
// cannot merge two of them; one hour ago keeps it inside VM's accepted window.
const BASE_MS = BigInt(Date.now() - 3_600_000)
const BATCH = { batchSize: 5000, maxInFlight: 2, flushInterval: 1000 } as const

/** `count` records of point `i`, `count` at a time, as the async source a user would stream from. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
async function* chunks<T>(make: (i: number) => T, chunkSize = 1000): AsyncGenerator<T[]> {
  for (let start = 0; start < POINTS; start += chunkSize) {
    const chunk: T[] = []
    for (let i = start; i < Math.min(POINTS, start + chunkSize); i++) chunk.push(make(i))
    yield chunk
  }
}

const timeOf = (i: number): bigint => BASE_MS + BigInt(Math.floor(i / SERIES))

describe(
  'BatchWriter, 1,000,000 points into InfluxDB 1.6.7',
  await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'),
  () => {
    const DB = 'h3_volume'
    const target = useInfluxTarget(DB, 'native-v1')

    test('every point arrives and is counted back', { timeout: 180_000 }, async (t) => {
      const failed: string[] = []
      const writer = target()
        .client.writeApi()
        .batchWriter({
          bucket: DB,
          writePrecision: 'ms',
          ...BATCH,
          maxBufferedLines: 30_000,
          onBatchFailed: (info) => {
            failed.push(info.reason.message)
          },
        })
      const started = performance.now()
      await writer.writeAll(
        chunks((i) =>
          new Point('volume')
            .tag('host', `h${i % SERIES}`)
            .tag('region', i % 2 === 0 ? 'eu' : 'us')
            .field('v', i * 0.5)
            .intField('n', i)
            .time(timeOf(i)),
        ),
      )
      await writer.close()
      const seconds = (performance.now() - started) / 1000
      t.diagnostic(
        `InfluxDB (v1): ${POINTS} points in ${seconds.toFixed(1)} s (${Math.round(POINTS / seconds)} points/s)`,
      )

      assert.deepEqual(failed, [])
      const stats = writer.stats
      assert.equal(stats.writtenLines, POINTS)
      assert.equal(stats.failedLines, 0)
      assert.ok(stats.peakInFlight <= BATCH.maxInFlight, `peakInFlight ${stats.peakInFlight}`)
      assert.ok(stats.peakBufferedLines <= 30_000, `peakBufferedLines ${stats.peakBufferedLines}`)

      const [row] = await selectRows(DB, 'SELECT count(v), count(n), sum(n) FROM volume')
      assert.equal((row?.values.count as JsonNumber).raw, String(POINTS))
      assert.equal((row?.values.count_1 as JsonNumber).raw, String(POINTS))
      assert.equal((row?.values.sum as JsonNumber).raw, String((POINTS * (POINTS - 1)) / 2))
      const perHost = await selectRows(DB, 'SELECT count(v) FROM volume GROUP BY host')
      assert.equal(perHost.length, SERIES)
      assert.ok(perHost.every((r) => (r.values.count as JsonNumber).raw === String(PER_SERIES)))
    })
  },
)

describe(
  'BatchWriter, mixed precisions into InfluxDB 1.6.7',
  await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'),
  () => {
    const DB = 'h3_batch_precisions'
    const target = useInfluxTarget(DB, 'native-v1')

    test('each precision gets its own batches and every point its instant', async () => {
      const writer = target()
        .client.writeApi()
        .batchWriter({ bucket: DB, writePrecision: 'us', batchSize: 7, flushInterval: 0 })
      const expected = new Map<string, bigint>()
      for (let i = 0; i < 40; i++) {
        const s = BigInt(1_700_000_000 + i)
        await writer.write([
          new Point('bp').tag('i', String(i)).tag('p', 's').field('v', i).time(s, 's'),
          new Point('bp')
            .tag('i', String(i))
            .tag('p', 'ms')
            .field('v', i)
            .time(s * 1000n + 1n, 'ms'),
          { measurement: 'bp', tags: { i: String(i), p: 'us' }, fields: { v: i }, time: s * 1_000_000n + 2n },
          new Point('bp')
            .tag('i', String(i))
            .tag('p', 'ns')
            .field('v', i)
            .time(s * 1_000_000_000n + 3n, 'ns'),
        ])
        expected.set(`${i}/s`, s * 1_000_000_000n)
        expected.set(`${i}/ms`, s * 1_000_000_000n + 1_000_000n)
        expected.set(`${i}/us`, s * 1_000_000_000n + 2_000n)
        expected.set(`${i}/ns`, s * 1_000_000_000n + 3n)
      }
      await writer.close()
      const precisions = new Set(
        target()
          .requestsTo(target().writePath)
          .map((e) => new URL(e.url, 'http://x').searchParams.get('precision')),
      )
      // 1.x's own names: n and u (it refuses us, and 1.6 reads it as ns).
      assert.deepEqual([...precisions].sort(), ['ms', 'n', 's', 'u'])
      const rows = await selectRows(DB, 'SELECT * FROM bp GROUP BY *')
      const stored = new Map(rows.map((r) => [`${r.tags.i}/${r.tags.p}`, BigInt((r.values.time as JsonNumber).raw)]))
      assert.deepEqual(stored, expected)
    })
  },
)

describe(
  'BatchWriter, 1,000,000 points into VictoriaMetrics',
  await needServer(`${VICTORIA_URL}/health`, 200, 'VictoriaMetrics'),
  () => {
    const measurement = `h3vm_volume_${process.pid}_${Date.now()}`
    let client: InfluxDBClientAsync
    before(() => {
      client = new InfluxDBClientAsync({ url: VICTORIA_URL, token: 'ignored', org: 'o', enableGzip: true })
    })
    after(async () => {
      await client?.close()
      await deleteSeries(`{__name__=~"${measurement}_.*"}`)
    })

    test('every point arrives and is counted back', { timeout: 180_000 }, async (t) => {
      const writer = client.writeApi().batchWriter({ bucket: 'ignored', writePrecision: 'ms', ...BATCH })
      const started = performance.now()
      await writer.writeAll(
        chunks((i) => ({
          measurement,
          tags: { host: `h${i % SERIES}` },
          fields: { v: i * 0.5, ok: i % 3 === 0 },
          time: timeOf(i),
        })),
      )
      await writer.close()
      const seconds = (performance.now() - started) / 1000
      t.diagnostic(
        `VictoriaMetrics: ${POINTS} points in ${seconds.toFixed(1)} s (${Math.round(POINTS / seconds)} points/s)`,
      )
      assert.equal(writer.stats.writtenLines, POINTS)

      const at = Math.ceil(Date.now() / 1000) + 60
      // More than expected is as wrong as fewer: stop reading at either, and let the assertion judge.
      const [samples] = await readWhenFlushed(
        () => instantQuery(`sum(count_over_time({__name__=~"${measurement}_(v|ok)"}[1d]))`, at),
        ([count]) => Number(count) >= 2 * POINTS,
      )
      assert.equal(Number(samples), 2 * POINTS)
      const [trues] = await instantQuery(`sum(sum_over_time(${measurement}_ok[1d]))`, at)
      assert.equal(Number(trues), Math.ceil(POINTS / 3))
      const [hosts] = await instantQuery(`count(count_over_time(${measurement}_v[1d]))`, at)
      assert.equal(Number(hosts), SERIES)
    })
  },
)
