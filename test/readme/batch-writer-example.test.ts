// The README's BatchWriter example, against the embedded server: everything written arrives by the end of the block.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, Point } from '../../src/index.js'
import { startTestServer } from '../../src/testing/index.js'

// eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
async function* sensorStream(): AsyncGenerator<{ host: string; usage: number; ns: bigint }> {
  for (let i = 0; i < 12_345; i++)
    yield { host: `h${i % 10}`, usage: i / 4, ns: 1_700_000_000_000_000_000n + BigInt(i) }
}

test('README BatchWriter example: every point is acknowledged when the block ends', async () => {
  await using server = await startTestServer({ org: 'my-org', buckets: ['my-bucket'] })
  await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: 'my-org' })
  {
    await using writer = client.writeApi().batchWriter({ bucket: 'my-bucket', batchSize: 5000, maxInFlight: 3 })
    for await (const reading of sensorStream()) {
      await writer.write(new Point('cpu').tag('host', reading.host).field('usage', reading.usage).time(reading.ns))
    }
  }
  assert.equal(server.count('my-bucket', { measurement: 'cpu' }), 12_345)
  const writes = server.requests.filter((r) => r.path === '/api/v2/write')
  assert.deepEqual(
    writes.map((r) => r.body.split('\n').length),
    [5000, 5000, 2345],
  )
})
