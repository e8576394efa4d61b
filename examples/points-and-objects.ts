// Writes Points, plain objects, class instances and line protocol in one awaited call each.
// Run: INFLUXDB_V2_URL=http://localhost:8086 INFLUXDB_V2_TOKEN=… INFLUXDB_V2_ORG=… npx tsx examples/points-and-objects.ts
import { InfluxDBClientAsync, Point } from 'influxdb-client-async'

const bucket = process.env.INFLUX_BUCKET ?? 'my-bucket'
await using client = InfluxDBClientAsync.fromEnv()
const writeApi = client.writeApi()

// A Point: the value's JavaScript type picks the field type (a bigint is an integer).
await writeApi.write(
  bucket,
  undefined,
  new Point('cpu').tag('host', 'a').field('usage', 12.5).field('cores', 8n).time(new Date('2026-01-01T00:00:00Z')),
)

// Plain objects, typed with fieldTypes where a number must be an integer.
await writeApi.write(
  bucket,
  undefined,
  [
    { measurement: 'cpu', tags: { host: 'b' }, fields: { usage: 40.25, cores: 4 }, time: 1767225600000000000n },
    { measurement: 'cpu', tags: { host: 'c' }, fields: { usage: 3, cores: 2 }, time: 1767225600000000000n },
  ],
  'ns',
  { fieldTypes: { cores: 'int' } },
)

// Instances of your own class, read through record options.
class Reading {
  constructor(
    readonly room: string,
    readonly celsius: number,
    readonly at: Date,
  ) {}
}
await writeApi.write({
  bucket,
  record: [new Reading('kitchen', 21.5, new Date('2026-01-01T00:00:00Z'))],
  recordMeasurementName: 'temperature',
  recordTagKeys: ['room'],
  recordFieldKeys: ['celsius'],
  recordTimeKey: 'at',
})

// Line protocol as it is.
await writeApi.write(bucket, undefined, 'cpu,host=d usage=99.5,cores=16i 1767225600000000000')
console.log('wrote 5 points')
