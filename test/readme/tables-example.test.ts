// docs/tables.md's Arrow example, run as written: the line the comment promises is the line that arrives.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tableFromArrays } from 'apache-arrow'
import { InfluxDBClientAsync } from '../../src/index.js'
import { startTestServer } from '../../src/testing/index.js'

test('docs/tables.md Arrow example writes the line its comment shows', async () => {
  await using server = await startTestServer({ org: 'my-org', buckets: ['my-bucket'] })
  await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: 'my-org' })

  const table = tableFromArrays({ time: [1700000000000000000n], location: ['us-west'], water_temp: [12.5] })
  await client.writeApi().write({
    bucket: 'my-bucket',
    record: table,
    dataFrameMeasurementName: 'h2o_feet',
    dataFrameTagColumns: ['location'],
    dataFrameTimestampColumn: 'time',
  })
  const bodies = server.requests.filter((r) => r.path === '/api/v2/write').map((r) => r.body)
  assert.deepEqual(bodies, ['h2o_feet,location=us-west water_temp=12.5 1700000000000000000'])
})
