// Testing your own code against the embedded server with Vitest.
// Run: npx vitest run --config examples/testing/vitest.config.ts
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest'
import { InfluxDBClientAsync } from 'influxdb-client-async'
import { startTestServer, type TestServer } from 'influxdb-client-async/testing'

// The code under test: stores a batch of sensor readings through a BatchWriter.
async function storeReadings(client: InfluxDBClientAsync, values: number[]): Promise<void> {
  await using writer = client.writeApi().batchWriter({ bucket: 'test-bucket', batchSize: 100 })
  await writer.write(
    values.map((value, i) => ({ measurement: 'sensor', tags: { id: 's1' }, fields: { value }, time: BigInt(i + 1) })),
  )
}

let server: TestServer
let client: InfluxDBClientAsync
beforeAll(async () => {
  server = await startTestServer()
  client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
})
afterAll(async () => {
  await client.close()
  await server.close()
})
beforeEach(() => server.reset())

test('every reading is stored, in batches of 100', async () => {
  await storeReadings(
    client,
    Array.from({ length: 250 }, (_, i) => i / 10),
  )
  expect(server.count('test-bucket')).toBe(250)
  expect(server.requests.filter((r) => r.path === '/api/v2/write')).toHaveLength(3)
  expect(server.points('test-bucket').at(-1)?.fields.value).toBe(24.9)
})
