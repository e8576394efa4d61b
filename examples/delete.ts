// Deletes one series' points in a time range. predicate() quotes names and values safely.
import { InfluxDBClientAsync, predicate } from 'influxdb-client-async'

const bucket = process.env.INFLUX_BUCKET ?? 'my-bucket'
await using client = InfluxDBClientAsync.fromEnv()

await client
  .writeApi()
  .write(bucket, undefined, ['cpu,host=a usage=1 1767225600', 'cpu,host=b usage=2 1767225600'], 's')
await client
  .deleteApi()
  .delete(
    new Date('2026-01-01T00:00:00Z'),
    new Date('2026-01-02T00:00:00Z'),
    predicate({ _measurement: 'cpu', host: 'a' }),
    bucket,
  )
console.log('deleted host=a')
