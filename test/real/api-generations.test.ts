// The shared write/delete/BatchWriter/error scenarios (test/support/api-scenarios.ts) against the
// real servers: InfluxDB 1.6.7 through its own API (apiVersion 'v1', no gateway), and
// VictoriaMetrics, which 'auto' must take as a v2 server. What was stored is read back from each.
import { after, before, describe } from 'node:test'
import { defineApiScenarios } from '../support/api-scenarios.js'
import { createDatabase, dropDatabase, quoteIdentifier, selectRows, asBigInt } from '../support/influx.js'
import { INFLUX_V1_URL, VICTORIA_URL, needServer } from '../support/servers.js'
import { deleteSeries, exportSeries, readWhenFlushed } from '../support/victoria.js'

const DB = 'h3_generations'

describe(
  'InfluxDB 1.6.7, natively (v1): the shared scenarios',
  await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'),
  () => {
    before(() => createDatabase(DB))
    after(() => dropDatabase(DB))
    defineApiScenarios(
      () => ({
        clientOptions: () => ({ url: INFLUX_V1_URL }),
        bucket: DB,
        api: 'v1',
        read: async (measurement) => {
          const rows = await selectRows(DB, `SELECT * FROM ${quoteIdentifier(measurement)} GROUP BY host`)
          return rows.map((r) => `${r.tags.host}@${asBigInt(r.values.time)}`).sort()
        },
        badLine: 'only-bad-line-refused',
        deletes: 'range',
      }),
      'gen_influx',
      { injectsFailures: false, refusesOtherApis: true },
    )
  },
)

// VictoriaMetrics keeps data between runs: every run writes under its own prefix.
const VM_PREFIX = `gen_vm_${process.pid}_${Date.now()}`

describe(
  "VictoriaMetrics through 'auto' (v2): the shared scenarios",
  await needServer(`${VICTORIA_URL}/health`, 200, 'VictoriaMetrics'),
  () => {
    after(() => deleteSeries(`{__name__=~"${VM_PREFIX}_.*"}`))
    defineApiScenarios(
      () => ({
        clientOptions: () => ({ url: VICTORIA_URL, org: 'ignored-by-vm' }),
        bucket: 'ignored-by-vm',
        api: 'v2',
        // Each point has one field v: VictoriaMetrics stores it as the series <measurement>_v, in milliseconds.
        read: async (measurement, count) => {
          const series = await readWhenFlushed(
            () => exportSeries(`{__name__="${measurement}_v"}`),
            (found) => found.reduce((n, s) => n + s.timestamps.length, 0) >= count,
          )
          return series.flatMap((s) => s.timestamps.map((ms) => `${s.metric.host}@${BigInt(ms) * 1_000_000n}`)).sort()
        },
        badLine: 'accepted-silently',
        deletes: 'server-error',
      }),
      VM_PREFIX,
      { injectsFailures: false, refusesOtherApis: false },
    )
  },
)
