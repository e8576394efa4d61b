// The README's write, table and delete examples, run as written against the embedded server, with the exact lines
// that arrive.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, Point, predicate } from '../../src/index.js'
import { startTestServer } from '../../src/testing/index.js'

test('README examples send exactly these lines and delete them again', async () => {
  await using server = await startTestServer({ org: 'my-org', buckets: ['my-bucket'], token: 'my-token' })
  await using client = new InfluxDBClientAsync({ url: server.url, token: 'my-token', org: 'my-org' })
  const writeApi = client.writeApi()

  assert.equal(
    await writeApi.write(
      'my-bucket',
      'my-org',
      new Point('h2o_feet').tag('location', 'us-west').field('level', 125n).time(1),
    ),
    true,
  )
  assert.equal(
    await writeApi.write('my-bucket', 'my-org', {
      measurement: 'h2o_feet',
      tags: { location: 'us-west' },
      fields: { level: 125n },
      time: 1,
    }),
    true,
  )
  assert.equal(await writeApi.write('my-bucket', 'my-org', 'h2o_feet,location=us-west level=125i 1'), true)

  class Car {
    constructor(
      readonly engine: string,
      readonly type: string,
      readonly speed: number,
    ) {}
  }
  await writeApi.write({
    bucket: 'my-bucket',
    record: [new Car('12V-BT', 'sport-cars', 125.25)],
    recordMeasurementName: 'performance',
    recordTagKeys: ['engine', 'type'],
    recordFieldKeys: ['speed'],
  })
  await writeApi.write({
    bucket: 'my-bucket',
    record: { time: ['2020-04-05T00:00:00Z'], location: ['us-west'], water_temp: [12.5] },
    dataFrameMeasurementName: 'h2o_feet',
    dataFrameTagColumns: ['location'],
    dataFrameTimestampColumn: 'time',
  })

  const bodies = server.requests.filter((r) => r.path === '/api/v2/write').map((r) => r.body)
  assert.deepEqual(bodies, [
    'h2o_feet,location=us-west level=125i 1',
    'h2o_feet,location=us-west level=125i 1',
    'h2o_feet,location=us-west level=125i 1',
    'performance,engine=12V-BT,type=sport-cars speed=125.25',
    'h2o_feet,location=us-west water_temp=12.5 1586044800000000000',
  ])
  assert.equal(server.count('my-bucket', { measurement: 'h2o_feet' }), 2, 'the first three share series and time')

  assert.equal(
    await client
      .deleteApi()
      .delete(
        new Date(0),
        new Date(),
        predicate({ _measurement: 'h2o_feet', location: 'us-west' }),
        'my-bucket',
        'my-org',
      ),
    true,
  )
  assert.equal(server.count('my-bucket', { measurement: 'h2o_feet' }), 0)
})
