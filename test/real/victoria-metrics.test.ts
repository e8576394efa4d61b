// The client writes to VictoriaMetrics' own /api/v2/write (no gateway), gzip on, and the data is
// read back through /api/v1/export. VM stores float64 values at millisecond resolution, so only
// what it can represent is compared: floats, integers and booleans as floats, tags as labels,
// and each precision's instant truncated to the millisecond.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, Point } from '../../src/index.js'
import { VICTORIA_URL, needServer } from '../support/servers.js'
import { deleteSeries, exportSeries, readWhenFlushed, seriesKey, type VmSeries } from '../support/victoria.js'

// VM keeps data between runs, so every run writes under its own measurement prefix.
const PREFIX = `h3vm_${process.pid}_${Date.now()}`
const ALL = `{__name__=~"${PREFIX}_.*"}`

describe(
  'client → VictoriaMetrics /api/v2/write (gzip)',
  await needServer(`${VICTORIA_URL}/health`, 200, 'VictoriaMetrics'),
  () => {
    let client: InfluxDBClientAsync
    // VM refuses timestamps more than two days ahead and (with its retention) long ago: write near now.
    const baseMs = BigInt(Date.now() - 3_600_000)

    before(() => {
      client = new InfluxDBClientAsync({ url: VICTORIA_URL, token: 'ignored-by-vm', org: 'o', enableGzip: true })
    })
    after(async () => {
      await client?.close()
      await deleteSeries(ALL)
    })

    test('floats, integers, unsigned integers and booleans become float samples; tags become labels', async () => {
      const m = `${PREFIX}_types`
      await client.writeApi().write(
        'bucket-ignored',
        undefined,
        [
          {
            measurement: m,
            tags: { host: 'h 1,x=y', 城市: '東京' },
            fields: {
              f: -1.25,
              big: 1e10,
              i: 42n,
              neg: -7n,
              exact53: 2n ** 53n,
              yes: true,
              no: false,
              frac: 123456.789,
              u: 7n,
            },
            time: baseMs,
          },
        ],
        'ms',
        { fieldTypes: { u: 'uint' } },
      )
      const series = await readWhenFlushed(
        () => exportSeries(`{__name__=~"${m}_.*"}`),
        (found) => samplesIn(found) >= 9,
      )
      const got = Object.fromEntries(series.map((s) => [seriesKey(s), [s.values, s.timestamps]]))
      const labels = `{host="h 1,x=y",城市="東京"}`
      const t = Number(baseMs)
      assert.deepEqual(got, {
        [`${m}_big${labels}`]: [[1e10], [t]],
        [`${m}_exact53${labels}`]: [[2 ** 53], [t]],
        [`${m}_f${labels}`]: [[-1.25], [t]],
        [`${m}_frac${labels}`]: [[123456.789], [t]],
        [`${m}_i${labels}`]: [[42], [t]],
        [`${m}_neg${labels}`]: [[-7], [t]],
        [`${m}_no${labels}`]: [[0], [t]],
        [`${m}_u${labels}`]: [[7], [t]],
        [`${m}_yes${labels}`]: [[1], [t]],
      })
    })

    test('each precision lands at its instant (to the millisecond VM keeps)', async () => {
      const m = `${PREFIX}_prec`
      const sec = baseMs / 1000n + 10n
      const points = [
        new Point(m).tag('p', 's').field('v', 1).time(sec, 's'),
        new Point(m)
          .tag('p', 'ms')
          .field('v', 2)
          .time(sec * 1000n + 7n, 'ms'),
        new Point(m)
          .tag('p', 'us')
          .field('v', 3)
          .time(sec * 1_000_000n + 8_009n, 'us'),
        new Point(m)
          .tag('p', 'ns')
          .field('v', 4)
          .time(sec * 1_000_000_000n + 9_000_001n, 'ns'),
        new Point(m)
          .tag('p', 'date')
          .field('v', 5)
          .time(new Date(Number(sec * 1000n + 11n))),
      ]
      await client.writeApi().write('b', undefined, points)
      const series = await readWhenFlushed(
        () => exportSeries(`{__name__="${m}_v"}`),
        (found) => samplesIn(found) >= 5,
      )
      const got = Object.fromEntries(series.map((s) => [s.metric.p, [s.values, s.timestamps]]))
      const ms = Number(sec * 1000n)
      assert.deepEqual(got, {
        s: [[1], [ms]],
        ms: [[2], [ms + 7]],
        us: [[3], [ms + 8]],
        ns: [[4], [ms + 9]],
        date: [[5], [ms + 11]],
      })
    })

    test('many points of one series arrive in order with their values', async () => {
      const m = `${PREFIX}_many`
      const records = Array.from({ length: 5000 }, (_, i) => ({
        measurement: m,
        tags: { shard: String(i % 5) },
        fields: { v: i * 0.5 },
        time: baseMs + 20_000n + BigInt(i),
      }))
      await client.writeApi().write('b', undefined, records, 'ms')
      const series = await readWhenFlushed(
        () => exportSeries(`{__name__="${m}_v"}`),
        (found) => samplesIn(found) >= 5000,
      )
      assert.equal(series.length, 5)
      for (const s of series) {
        const shard = Number(s.metric.shard)
        const expectedIndexes = Array.from({ length: 1000 }, (_, k) => k * 5 + shard)
        assert.deepEqual(
          s.values,
          expectedIndexes.map((i) => i * 0.5),
        )
        assert.deepEqual(
          s.timestamps,
          expectedIndexes.map((i) => Number(baseMs) + 20_000 + i),
        )
      }
    })
  },
)

/** Samples in the series read back: the reads wait until all that was written is visible (see readWhenFlushed). */
function samplesIn(series: readonly VmSeries[]): number {
  return series.reduce((sum, s) => sum + s.values.length, 0)
}
