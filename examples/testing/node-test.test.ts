// Testing your own code against the embedded server with node:test.
// Run: node --import tsx --test examples/testing/node-test.test.ts
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, InfluxDBError, Point } from 'influxdb-client-async'
import { startTestServer, type TestServer } from 'influxdb-client-async/testing'

// The code under test: records a login.
async function recordLogin(client: InfluxDBClientAsync, user: string, ms: number): Promise<void> {
  await client
    .writeApi()
    .write('test-bucket', undefined, new Point('login').tag('user', user).field('duration_ms', ms).time(1n))
}

let server: TestServer
let client: InfluxDBClientAsync
before(async () => {
  server = await startTestServer()
  client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
})
after(async () => {
  await client.close()
  await server.close()
})
beforeEach(() => server.reset())

test('a login is stored with its user and duration', async () => {
  await recordLogin(client, 'ada', 42)
  assert.deepEqual(server.points('test-bucket'), [
    {
      measurement: 'login',
      tags: { user: 'ada' },
      fields: { duration_ms: 42 },
      fieldTypes: { duration_ms: 'float' },
      time: 1n,
    },
  ])
})

test('a server outage surfaces as an error', async () => {
  server.failNext({ status: 500 })
  await assert.rejects(
    recordLogin(client, 'bob', 7),
    (error) => error instanceof InfluxDBError && error.statusCode === 500,
  )
  assert.equal(server.count('test-bucket'), 0)
})
