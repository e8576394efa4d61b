// What each failure looks like, and how to tell them apart.
import {
  InfluxDBClientAsync,
  InfluxDBError,
  PartialWriteError,
  RecordError,
  UndeliveredLinesError,
} from 'influxdb-client-async'

const bucket = process.env.INFLUX_BUCKET ?? 'my-bucket'
await using client = InfluxDBClientAsync.fromEnv()
const writeApi = client.writeApi()

// A bad record is refused before anything is sent, naming its position and the reason.
try {
  await writeApi.write(bucket, undefined, [
    { measurement: 'cpu', fields: { usage: 1 } },
    { measurement: 'cpu', fields: {} },
  ])
} catch (error) {
  if (!(error instanceof RecordError)) throw error
  console.log(`RecordError: ${error.message}`)
}

// A body the server refuses: an InfluxDBError with the status and the server's message
// (a PartialWriteError, its subclass, when the server kept the other lines).
try {
  await writeApi.write(bucket, undefined, 'cpu usage=1 1\ncpu usage=oops 2')
} catch (error) {
  if (!(error instanceof InfluxDBError)) throw error
  const kind = error instanceof PartialWriteError ? 'PartialWriteError' : 'InfluxDBError'
  console.log(`${kind} ${error.statusCode}: ${error.message}`)
}

// A BatchWriter reports every line it could not deliver, once, with its reason.
const writer = client.writeApi().batchWriter({ bucket, retry: false })
await writer.write(['cpu usage=3 4', 'cpu usage=oops 5'])
try {
  await writer.close()
} catch (error) {
  if (!(error instanceof UndeliveredLinesError)) throw error
  for (const batch of error.batches) console.log(`undelivered: ${batch.lines.length} lines: ${String(batch.reason)}`)
}
