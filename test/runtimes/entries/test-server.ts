// Bun and Deno: the embedded test server (influxdb-client-async/testing) started in the runtime
// itself, written to by the client (Points, text, a refused line, a delete, a BatchWriter) and
// read back. Prints what it stored, and the refusal, as JSON on stdout.
import { startTestServer } from '../../../src/testing/index.js'
import { InfluxDBClientAsync, Point } from '../../../src/index.js'

const server = await startTestServer()
const client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
try {
  const write = client.writeApi()
  await write.write('test-bucket', undefined, [
    new Point('cpu').tag('host', 'a b').floatField('usage', 1.5).time(1n),
    'mem,host=x used=3i,s="é\\"" 2',
  ])
  let refusal = ''
  try {
    await write.write('test-bucket', undefined, ['ok v=1 3', 'bad line'])
  } catch (error) {
    refusal = `${(error as Error).name}: ${(error as Error).message}`
  }
  await client.deleteApi().delete(0n, 1n, '_measurement="cpu"', 'test-bucket')
  const writer = write.batchWriter({ bucket: 'test-bucket', batchSize: 100 })
  for (let i = 0; i < 1000; i++)
    await writer.write(
      new Point('bw')
        .tag('k', `k${i % 3}`)
        .intField('i', i)
        .time(BigInt(i + 10)),
    )
  await writer.close()
  const stored = server.points('test-bucket')
  console.log(
    JSON.stringify({ stored, refusal }, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)),
  )
} finally {
  await client.close()
  await server.close()
}
