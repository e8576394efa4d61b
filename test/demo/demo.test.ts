// `npm run demo` as a child process: what it prints, with exact counts. Against the embedded
// server (the default), and against real InfluxDB 1.6.7 through the gateway (INFLUX_URL set).
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { startGateway, type Gateway } from '../support/gateway.js'
import { createDatabase, dropDatabase, selectRows } from '../support/influx.js'
import { asBigInt } from '../support/influx.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

interface DemoRun {
  code: number | null
  stdout: string
  stderr: string
}

function runDemo(env: Record<string, string>): Promise<DemoRun> {
  const clean: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env))
    if (!/^(INFLUX|INFLUXDB_V2|DEMO)_/.test(key)) clean[key] = value
  // Exactly what `npm run demo` runs.
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/demo.ts'], {
    cwd: ROOT,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t
  })
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr += t
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Replaces what changes from run to run: the server's port, token-free timings and rates. */
function normalise(stdout: string): string {
  return stdout
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, '<url>')
    .replace(/in \d+\.\d\d s \([\d,]+ points\/s\)/g, 'in <s> (<rate> points/s)')
    .replace(/done in \d+\.\d s/, 'done in <s>')
}

const SEED_STEP = `1) Writing the seed's records
   line protocol: 'h2o_feet,location=us-west level=125i 1'
   object: { measurement: 'h2o_feet', tags: { location: 'us-west' }, fields: { level: 125n }, time: 1 }
   Point: new Point('h2o_feet').tag('location', 'us-west').field('level', 125n).time(1)
   class instance: new H2OFeet('us-west', 125n, 1) with recordMeasurementName, recordTagKeys, recordFieldKeys
   table: { location: ['us-west', 'us-east', 'us-east'], level: [125n, 130n, 131n], time: [1n, 1n, 2n] }
   (the first four records, and the table's first row, are the same point: writing it again overwrites it)
`

describe('npm run demo', () => {
  test('against the embedded server: every step and the exact counts it holds after each', async () => {
    const run = await runDemo({})
    assert.equal(run.stderr, '', 'no progress bar and no error when stderr is not a terminal')
    assert.equal(run.code, 0)
    assert.equal(
      normalise(run.stdout),
      `influxdb-client-async demo, using the embedded InfluxDB-compatible server at <url> (set INFLUX_URL to use a real InfluxDB)
bucket my-bucket, org my-org

${SEED_STEP.replace("level=125i 1'\n", "level=125i 1'\n      sent: h2o_feet,location=us-west level=125i 1\n")
  .replace('time: 1 }\n', 'time: 1 }\n      sent: h2o_feet,location=us-west level=125i 1\n')
  .replace('.time(1)\n', '.time(1)\n      sent: h2o_feet,location=us-west level=125i 1\n')
  .replace('recordFieldKeys\n', 'recordFieldKeys\n      sent: h2o_feet,location=us-west level=125i 1\n')
  .replace(
    '[1n, 1n, 2n] }\n',
    '[1n, 1n, 2n] }\n      sent: h2o_feet,location=us-west level=125i 1\n            h2o_feet,location=us-east level=130i 1\n            h2o_feet,location=us-east level=131i 2\n',
  )}   after step 1, the server holds 3 point(s): h2o_feet: 3, cpu: 0

2) Streaming 1,000,000 generated points through a BatchWriter
   streamed 1,000,000 points in <s> (<rate> points/s)
   after step 2, the server holds 1,000,003 point(s): h2o_feet: 3, cpu: 1,000,000

3) Deleting a range with a predicate (10 hosts, so one point in 10 of the range)
   deleted _measurement="cpu" AND host="host-3" from 2024-01-01T00:00:00Z to 2024-01-02T03:46:39Z (both inclusive)
   after step 3, the server holds 990,003 point(s): h2o_feet: 3, cpu: 990,000 (10,000 deleted)

done in <s>
`,
    )
  })
})

describe(
  'npm run demo with INFLUX_URL → gateway → InfluxDB 1.6.7',
  await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'),
  () => {
    const DB = 'h7_demo'
    const TOKEN = 'demo-token'
    let gateway: Gateway
    before(async () => {
      await dropDatabase(DB)
      await createDatabase(DB)
      gateway = await startGateway({ token: TOKEN })
    })
    after(async () => {
      await gateway?.close()
      await dropDatabase(DB)
    })

    test('the same steps run against the real server; InfluxQL counts what it holds', async () => {
      const run = await runDemo({
        INFLUX_URL: gateway.url,
        INFLUX_TOKEN: TOKEN,
        INFLUX_ORG: 'demo-org',
        INFLUX_BUCKET: DB,
        DEMO_POINTS: '200000',
      })
      assert.equal(run.stderr, '')
      assert.equal(run.code, 0)
      const notReadBack = (step: string): string =>
        `   after ${step}: not read back (that needs the query API, which this client does not have; query the bucket with Flux or InfluxQL)\n`
      assert.equal(
        normalise(run.stdout),
        `influxdb-client-async demo, using the InfluxDB at <url> (INFLUX_URL)
bucket ${DB}, org demo-org

${SEED_STEP}${notReadBack('step 1')}
2) Streaming 200,000 generated points through a BatchWriter
   streamed 200,000 points in <s> (<rate> points/s)
${notReadBack('step 2')}
3) Deleting a range with a predicate (10 hosts, so one point in 10 of the range)
   deleted _measurement="cpu" AND host="host-3" from 2024-01-01T00:00:00Z to 2024-01-02T03:46:39Z (both inclusive)
${notReadBack('step 3')}
done in <s>
`,
      )
      const count = async (influxql: string): Promise<bigint> =>
        asBigInt((await selectRows(DB, influxql))[0]?.values.count)
      assert.equal(await count('SELECT count(level) FROM h2o_feet'), 3n)
      assert.equal(await count('SELECT count(usage) FROM cpu'), 190_000n)
      assert.equal(await count(`SELECT count(usage) FROM cpu WHERE host = 'host-3'`), 10_000n)
      const [first] = await selectRows(DB, "SELECT * FROM h2o_feet WHERE location = 'us-west' AND time = 1")
      assert.equal(asBigInt(first?.values.level), 125n)
    })
  },
)
