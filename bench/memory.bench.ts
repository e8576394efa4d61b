// Peak memory while streaming 10,000,000 points from an async generator through a BatchWriter
// into the null sink (bench/sink.ts, a separate process). RSS is sampled every 50 ms, and the
// kernel's own high-water mark (resourceUsage().maxRSS) is printed too, since a sampler can miss
// a short spike. Target: peak RSS under 150 MB.
//
// Env: BENCH_MEMORY_POINTS (default 10000000), BENCH_MEMORY_PAGE (points per yielded array,
// default 1000; 1 yields single Points).
import { InfluxDBClientAsync, Point } from '../src/index.js'
import { startSink } from './sink-control.js'

const POINTS = Number(process.env.BENCH_MEMORY_POINTS ?? 10_000_000)
const PAGE = Number(process.env.BENCH_MEMORY_PAGE ?? 1000)
const TARGET_MB = 150
const BASE_NS = 1_700_000_000_000_000_000n
const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west'] as const

function point(i: number): Point {
  return new Point('bench')
    .tag('host', `host-${i % 1000}`)
    .tag('region', REGIONS[i & 3]!)
    .floatField('usage', i * 0.25)
    .intField('count', i)
    .booleanField('ok', (i & 1) === 0)
    .time(BASE_NS + BigInt(i), 'ns')
}

/** The source a user would stream from: points made on demand, never all in memory. */
async function* source(): AsyncGenerator<Point | Point[]> {
  for (let start = 0; start < POINTS; start += PAGE) {
    if (PAGE === 1) {
      yield point(start)
      continue
    }
    const page: Point[] = []
    for (let i = start; i < Math.min(POINTS, start + PAGE); i++) page.push(point(i))
    yield page
  }
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

async function main(): Promise<void> {
  const sink = await startSink()
  const client = new InfluxDBClientAsync({ url: sink.url, token: 'bench', org: 'bench' })
  const writer = client.writeApi().batchWriter({ bucket: 'bench', ...(process.env.MB_MAXBUF ? { maxBufferedLines: Number(process.env.MB_MAXBUF) } : {}) })
  ;(globalThis as { gc?: () => void }).gc?.()
  const before = process.memoryUsage()
  const baseline = before.rss
  let peak = baseline
  let atPeak = process.memoryUsage()
  const sampler = setInterval(() => {
    const usage = process.memoryUsage()
    if (usage.rss > peak) {
      peak = usage.rss
      atPeak = usage
    }
  }, 50)
  const started = performance.now()
  try {
    await writer.writeAll(source())
    await writer.close()
    await sink.received(POINTS)
  } finally {
    clearInterval(sampler)
    await client.close()
    await sink.stop()
  }
  peak = Math.max(peak, process.memoryUsage().rss)
  const seconds = (performance.now() - started) / 1000
  const maxRss = process.resourceUsage().maxRSS * 1024
  const s = writer.stats
  console.log(`${POINTS} points streamed (${PAGE === 1 ? 'single Points' : `arrays of ${PAGE} Points`}) in ${seconds.toFixed(1)} s (${Math.round(POINTS / seconds)} points/s)`)
  console.log(`  before streaming: RSS ${mb(baseline)}, V8 heap ${mb(before.heapUsed)} used of ${mb(before.heapTotal)}`)
  console.log(`  peak RSS, sampled every 50 ms: ${mb(peak)}   (target < ${TARGET_MB} MB: ${peak < TARGET_MB * 1024 * 1024 ? 'met' : 'NOT met'})`)
  console.log(`  peak RSS, kernel high-water mark (whole process): ${mb(maxRss)}`)
  console.log(`  at the sampled peak: V8 heap ${mb(atPeak.heapUsed)} used of ${mb(atPeak.heapTotal)}, external ${mb(atPeak.external)}, array buffers ${mb(atPeak.arrayBuffers)}`)
  console.log(`  writer: peak buffered lines ${s.peakBufferedLines}, peak requests in flight ${s.peakInFlight}, written ${s.writtenLines}, failed ${s.failedLines}`)
  if (s.writtenLines !== POINTS) {
    console.log('  ERROR: not every point was written')
    process.exitCode = 1
  }
}

await main()
