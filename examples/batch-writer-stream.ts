// Streams 100,000 readings from a Node stream through a BatchWriter: batches, backpressure and
// retries are the writer's job; close() resolves once every line is acknowledged.
import { Readable } from 'node:stream'
import { InfluxDBClientAsync } from 'influxdb-client-async'

const bucket = process.env.INFLUX_BUCKET ?? 'my-bucket'
await using client = InfluxDBClientAsync.fromEnv()

function* readings(): Generator<{ measurement: string; tags: { sensor: string }; fields: { value: number }; time: bigint }> {
  const start = 1767225600000000000n
  for (let i = 0; i < 100_000; i++) {
    yield { measurement: 'vibration', tags: { sensor: `s${i % 10}` }, fields: { value: Math.sin(i / 100) }, time: start + BigInt(i) * 1_000_000n }
  }
}

const writer = client.writeApi().batchWriter({ bucket, batchSize: 5000 })
try {
  // A Readable in object mode is an async iterable: writeAll() reads it only as fast as the writer can send.
  await writer.writeAll(Readable.from(readings()))
} finally {
  await writer.close()
}
console.log(`wrote ${writer.stats.writtenLines} lines`)
