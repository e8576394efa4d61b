/**
 * `npm run demo`: the client end to end, with no database to install.
 *
 * 1. writes the seed's records (line protocol, an object, a Point, a class instance, a table);
 * 2. streams 1,000,000 generated points through a BatchWriter, with a progress bar;
 * 3. deletes a range with a predicate;
 * 4. after each step, prints what the server holds.
 *
 * It starts the embedded server unless INFLUX_URL (with INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET)
 * names a real InfluxDB. DEMO_POINTS changes how many points step 2 streams.
 */
import { InfluxDBClientAsync, Point } from '../src/index.js'
import { ProgressBar, formatCount } from '../src/cli/progress.js'
import { generateCpuLines, HOSTS, timeOfPoint } from './generate.js'
import { openTarget, type DemoTarget } from './target.js'

const STREAMED_POINTS = Number(process.env.DEMO_POINTS ?? 1_000_000)

/** The seed's dataclass example, as a TypeScript class. */
class H2OFeet {
  constructor(
    readonly location: string,
    readonly level: bigint,
    readonly time: number,
  ) {}
}

const say = (text = ''): void => {
  process.stdout.write(`${text}\n`)
}

type Holdings = Map<string, number>

/** Prints the server's point counts per measurement; returns them for the next comparison. */
async function printHoldings(target: DemoTarget, step: string, before?: Holdings): Promise<Holdings | undefined> {
  const holdings = await target.holdings(['h2o_feet', 'cpu'])
  if (holdings === undefined) {
    say(
      `   after ${step}: not read back (that needs the query API, which this client does not have; query the bucket with Flux or InfluxQL)`,
    )
    return undefined
  }
  const parts = [...holdings].map(([measurement, count]) => {
    const change = before === undefined ? 0 : count - (before.get(measurement) ?? 0)
    return `${measurement}: ${formatCount(count)}${change < 0 ? ` (${formatCount(-change)} deleted)` : ''}`
  })
  const total = [...holdings.values()].reduce((a, b) => a + b, 0)
  say(
    `   after ${step}, the server holds ${formatCount(total)} point(s)${parts.length === 0 ? '' : `: ${parts.join(', ')}`}`,
  )
  return holdings
}

async function writeSeedRecords(client: InfluxDBClientAsync, target: DemoTarget): Promise<void> {
  const writeApi = client.writeApi()
  const { bucket, org } = target
  const show = async (label: string, code: string): Promise<void> => {
    say(`   ${label}: ${code}`)
    await target.refreshLastWriteBody()
    const body = target.lastWriteBody()
    if (body !== undefined) say(`      sent: ${body.replaceAll('\n', '\n            ')}`)
  }

  await writeApi.write(bucket, org, 'h2o_feet,location=us-west level=125i 1')
  await show('line protocol', `'h2o_feet,location=us-west level=125i 1'`)

  await writeApi.write(bucket, org, {
    measurement: 'h2o_feet',
    tags: { location: 'us-west' },
    fields: { level: 125n },
    time: 1,
  })
  await show('object', `{ measurement: 'h2o_feet', tags: { location: 'us-west' }, fields: { level: 125n }, time: 1 }`)

  await writeApi.write(bucket, org, new Point('h2o_feet').tag('location', 'us-west').field('level', 125n).time(1))
  await show('Point', `new Point('h2o_feet').tag('location', 'us-west').field('level', 125n).time(1)`)

  await writeApi.write({
    bucket,
    org,
    record: new H2OFeet('us-west', 125n, 1),
    recordMeasurementName: 'h2o_feet',
    recordTagKeys: ['location'],
    recordFieldKeys: ['level'],
    recordTimeKey: 'time',
  })
  await show(
    'class instance',
    `new H2OFeet('us-west', 125n, 1) with recordMeasurementName, recordTagKeys, recordFieldKeys`,
  )

  await writeApi.write({
    bucket,
    org,
    record: { location: ['us-west', 'us-east', 'us-east'], level: [125n, 130n, 131n], time: [1n, 1n, 2n] },
    dataFrameMeasurementName: 'h2o_feet',
    dataFrameTagColumns: ['location'],
    dataFrameTimestampColumn: 'time',
  })
  await show('table', `{ location: ['us-west', 'us-east', 'us-east'], level: [125n, 130n, 131n], time: [1n, 1n, 2n] }`)
  say("   (the first four records, and the table's first row, are the same point: writing it again overwrites it)")
}

async function streamPoints(client: InfluxDBClientAsync, target: DemoTarget): Promise<void> {
  let written = 0
  const writer = client.writeApi().batchWriter({
    bucket: target.bucket,
    org: target.org,
    writePrecision: 's',
    batchSize: 10_000,
    onBatchWritten: (info) => {
      written += info.lineCount
    },
  })
  const progress = new ProgressBar(process.stderr, () => ({ written, rejected: 0, totalPoints: STREAMED_POINTS }))
  const started = performance.now()
  try {
    await writer.writeAll(generateCpuLines(STREAMED_POINTS))
    await writer.close()
  } finally {
    progress.stop()
  }
  const seconds = (performance.now() - started) / 1000
  say(
    `   streamed ${formatCount(written)} points in ${seconds.toFixed(2)} s (${formatCount(written / seconds)} points/s)`,
  )
}

async function deleteRange(client: InfluxDBClientAsync, target: DemoTarget): Promise<void> {
  // The first 100,000 seconds of the stream, one host of ten: 10,000 points.
  const start = timeOfPoint(0)
  const stop = timeOfPoint(99_999)
  const predicate = '_measurement="cpu" AND host="host-3"'
  await client.deleteApi().delete(start, stop, predicate, target.bucket, target.org)
  say(`   deleted ${predicate} from ${start} to ${stop} (both inclusive)`)
}

async function main(): Promise<void> {
  const started = performance.now()
  const target = await openTarget()
  say(`influxdb-client-async demo, using ${target.description}`)
  say(`bucket ${target.bucket}, org ${target.org}`)
  say()
  const client = new InfluxDBClientAsync({ url: target.url, token: target.token, org: target.org })
  try {
    say("1) Writing the seed's records")
    await writeSeedRecords(client, target)
    await printHoldings(target, 'step 1')
    say()
    say(`2) Streaming ${formatCount(STREAMED_POINTS)} generated points through a BatchWriter`)
    await streamPoints(client, target)
    const beforeDelete = await printHoldings(target, 'step 2')
    say()
    say(`3) Deleting a range with a predicate (${HOSTS} hosts, so one point in ${HOSTS} of the range)`)
    await deleteRange(client, target)
    await printHoldings(target, 'step 3', beforeDelete)
  } finally {
    await client.close()
    await target.close()
  }
  say()
  say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
  if (process.env.DEMO_DEBUG !== undefined && error instanceof Error) process.stderr.write(`${error.stack}\n`)
  process.exitCode = 1
})
