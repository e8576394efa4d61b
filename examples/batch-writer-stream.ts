// Pipes 100,000 readings from a Node stream into a BatchWriter: batches, backpressure and retries
// are the writer's job, and the pipeline finishes once every line is acknowledged.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { InfluxDBClientAsync } from 'influxdb-client-async'

const bucket = process.env.INFLUX_BUCKET ?? 'my-bucket'
await using client = InfluxDBClientAsync.fromEnv()

function* readings(): Generator<{
  measurement: string
  tags: { sensor: string }
  fields: { value: number }
  time: bigint
}> {
  const start = 1767225600000000000n
  for (let i = 0; i < 100_000; i++) {
    yield {
      measurement: 'vibration',
      tags: { sensor: `s${i % 10}` },
      fields: { value: Math.sin(i / 100) },
      time: start + BigInt(i) * 1_000_000n,
    }
  }
}

await using writer = client.writeApi().batchWriter({ bucket, batchSize: 5000 })
// The source is read only as fast as the writer can send; a line that cannot be delivered fails the
// pipeline with an UndeliveredLinesError naming it. In Bun, Deno or a browser, pipe a ReadableStream
// into writer.writableStream() instead.
await pipeline(Readable.from(readings()), writer.nodeWritable())
console.log(`wrote ${writer.stats.writtenLines} lines`)
