// Writes a nodejs-polars DataFrame (npm install nodejs-polars): Int64 columns stay exact integers.
import pl from 'nodejs-polars'
import { InfluxDBClientAsync } from 'influxdb-client-async'

const bucket = process.env.INFLUX_BUCKET ?? 'my-bucket'
await using client = InfluxDBClientAsync.fromEnv()

const frame = pl.DataFrame({
  time: pl.Series('time', [new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:01:00Z')], pl.Datetime('ms')),
  station: ['north', 'south'],
  wind_speed: [4.5, 7.25],
  gusts: pl.Series('gusts', [12, 19], pl.Int64),
})
await client.writeApi().write({
  bucket,
  record: frame,
  dataFrameMeasurementName: 'weather',
  dataFrameTagColumns: ['station'],
  dataFrameTimestampColumn: 'time',
})
console.log(`wrote ${frame.height} rows from Polars`)
