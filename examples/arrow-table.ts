// Writes an Apache Arrow table: every row is a point (npm install apache-arrow).
import { tableFromArrays } from 'apache-arrow'
import { InfluxDBClientAsync } from 'influxdb-client-async'

const bucket = process.env.INFLUX_BUCKET ?? 'my-bucket'
await using client = InfluxDBClientAsync.fromEnv()

const table = tableFromArrays({
  time: new BigInt64Array([1767225600000000000n, 1767225660000000000n]),
  location: ['us-west', 'us-east'],
  water_level: new Float64Array([1.5, 2.25]),
  readings: new BigInt64Array([10n, 11n]),
})
await client.writeApi().write({
  bucket,
  record: table,
  dataFrameMeasurementName: 'h2o',
  dataFrameTagColumns: ['location'],
  dataFrameTimestampColumn: 'time',
})
console.log(`wrote ${table.numRows} rows from Arrow`)
