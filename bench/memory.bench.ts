// Peak memory while streaming 10,000,000 points through a BatchWriter into the null sink
// (bench/sink.ts, a separate process), for every way of feeding it (each in a process of its
// own): arrays of 1000 Points from an async generator, await write() per Point and per object,
// add() with drained(), writeAll() of a sync and of an async generator of single Points, and a
// Node and a WHATWG stream piped in. RSS is sampled every 50 ms, and the
// kernel's own high-water mark (bench/peak-rss.ts) is printed too, since a sampler can miss
// a short spike. Target: peak RSS under 150 MB.
//
// The TypeScript loader (tsx) alone adds about 35 MB of RSS to a process, which is not the
// library's and which a user running built JavaScript never pays. So, run as .ts, this file
// transpiles src/ and itself to plain JavaScript (with the declared `typescript` package, under
// node_modules/.cache/) and measures in a child `node` without any loader; run as .js, it measures.
//
// Env: BENCH_MEMORY_POINTS (default 10000000), BENCH_MEMORY_WAYS (comma-separated way names,
// default all).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { InfluxDBClientAsync, Point, type BatchWriter } from '../src/index.js'
import { startSink } from './sink-control.js'
import { benchRow } from './rows.js'
import { JS_DIR, transpileForBench } from './transpile.js'
import { peakRss, youngGenerationBytes } from './peak-rss.js'

const POINTS = Number(process.env.BENCH_MEMORY_POINTS ?? 10_000_000)
const PAGE = 1000
const TARGET_MB = 150
const BASE_NS = 1_700_000_000_000_000_000n
const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west'] as const

function point(i: number): Point {
  return new Point('bench')
    .tag('host', `host-${i % 1000}`)
    .tag('region', REGIONS[i & 3])
    .floatField('usage', i * 0.25)
    .intField('count', i)
    .booleanField('ok', (i & 1) === 0)
    .time(BASE_NS + BigInt(i), 'ns')
}

function* points(): Generator<Point> {
  for (let i = 0; i < POINTS; i++) yield point(i)
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
async function* asyncPoints(): AsyncGenerator<Point> {
  for (let i = 0; i < POINTS; i++) yield point(i)
}

/** Pages of 1000 Points made on demand, never all in memory. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
async function* pages(): AsyncGenerator<Point[]> {
  for (let start = 0; start < POINTS; start += PAGE) {
    const page: Point[] = []
    for (let i = start; i < Math.min(POINTS, start + PAGE); i++) page.push(point(i))
    yield page
  }
}

/** Each way of feeding the writer, by name. */
const WAYS: Record<string, (writer: BatchWriter) => Promise<void>> = {
  'writeAll(async generator of 1000-Point arrays)': (writer) => writer.writeAll(pages()),
  'await write(point) per Point': async (writer) => {
    for (let i = 0; i < POINTS; i++) await writer.write(point(i))
  },
  'await write(object) per object': async (writer) => {
    for (let i = 0; i < POINTS; i++) {
      await writer.write({
        measurement: 'bench',
        tags: { host: `host-${i % 1000}`, region: REGIONS[i & 3] },
        fields: { usage: i * 0.25, count: i, ok: (i & 1) === 0 },
        time: BASE_NS + BigInt(i),
      })
    }
  },
  'add(point), await drained() on false': async (writer) => {
    for (let i = 0; i < POINTS; i++) if (!writer.add(point(i))) await writer.drained()
  },
  'writeAll(sync generator of Points)': (writer) => writer.writeAll(points()),
  'writeAll(async generator of Points)': (writer) => writer.writeAll(asyncPoints()),
  'pipeline(Readable.from(generator), nodeWritable())': (writer) =>
    pipeline(Readable.from(points()), writer.nodeWritable()),
  'ReadableStream.pipeTo(writableStream())': (writer) => {
    const source = points()
    const readable = new ReadableStream<Point>({
      pull(controller) {
        const next = source.next()
        if (next.done === true) controller.close()
        else controller.enqueue(next.value)
      },
    })
    return readable.pipeTo(writer.writableStream())
  },
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

async function measure(way: string): Promise<void> {
  const feed = WAYS[way]
  if (feed === undefined) throw new Error(`no way named ${way}`)
  const sink = await startSink()
  const client = new InfluxDBClientAsync({ url: sink.url, token: 'bench', org: 'bench' })
  const writer = client.writeApi().batchWriter({ bucket: 'bench', fieldTypes: { count: 'int' } })
  ;(globalThis as { gc?: () => void }).gc?.()
  const before = process.memoryUsage()
  const baseline = before.rss
  let peak = baseline
  let atPeak = process.memoryUsage()
  let peakYoung = youngGenerationBytes()
  const sampler = setInterval(() => {
    const usage = process.memoryUsage()
    peakYoung = Math.max(peakYoung, youngGenerationBytes())
    if (usage.rss > peak) {
      peak = usage.rss
      atPeak = usage
    }
  }, 50)
  const started = performance.now()
  try {
    await feed(writer)
    await writer.close()
    await sink.received(POINTS)
  } finally {
    clearInterval(sampler)
    await client.close()
    await sink.stop()
  }
  peak = Math.max(peak, process.memoryUsage().rss)
  const seconds = (performance.now() - started) / 1000
  const maxRss = peakRss()
  const s = writer.stats
  console.log(
    `${POINTS} points streamed, ${way}, in ${seconds.toFixed(1)} s (${Math.round(POINTS / seconds)} points/s)`,
  )
  console.log(`  before streaming: RSS ${mb(baseline)}, V8 heap ${mb(before.heapUsed)} used of ${mb(before.heapTotal)}`)
  // The verdict takes the higher of the two peaks: sampling every 50 ms can miss a short spike.
  const worst = Math.max(peak, maxRss)
  console.log(`  peak RSS, sampled every 50 ms: ${mb(peak)}`)
  console.log(
    `  peak RSS, kernel high-water mark (whole process): ${mb(maxRss)}   (target < ${TARGET_MB} MB on the higher peak: ${worst < TARGET_MB * 1024 * 1024 ? 'met' : 'NOT met'})`,
  )
  console.log(
    `  at the sampled peak: V8 heap ${mb(atPeak.heapUsed)} used of ${mb(atPeak.heapTotal)}, external ${mb(atPeak.external)}, array buffers ${mb(atPeak.arrayBuffers)}`,
  )
  console.log(`  V8's young generation at its largest: ${mb(peakYoung)} (its cap depends on the Node version)`)
  console.log(
    `  writer: peak buffered lines ${s.peakBufferedLines}, peak requests in flight ${s.peakInFlight}, written ${s.writtenLines}, failed ${s.failedLines}`,
  )
  benchRow({
    way: `peak RSS streaming ${POINTS} points: ${way}`,
    target: `< ${TARGET_MB} MB (${mb(worst)}; V8 young generation ${mb(peakYoung)})`,
    met: worst < TARGET_MB * 1024 * 1024 && s.writtenLines === POINTS,
  })
  if (s.writtenLines !== POINTS) {
    console.log('  ERROR: not every point was written')
    process.exitCode = 1
  }
}

if (import.meta.url.endsWith('.ts')) {
  await transpileForBench(['memory.bench.ts', 'sink.ts', 'sink-control.ts', 'rows.ts', 'transpile.ts', 'peak-rss.ts'])
  const bare = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage().rss))'], {
    encoding: 'utf8',
  })
  console.log(`(plain JavaScript, no loader; a bare \`node\` process starts at ${mb(Number(bare.stdout))} RSS)`)
  const only = (process.env.BENCH_MEMORY_WAYS ?? '').split(',').filter((x) => x !== '')
  for (const way of Object.keys(WAYS).filter((w) => only.length === 0 || only.some((o) => w.includes(o)))) {
    const child = spawnSync(process.execPath, ['--expose-gc', join(JS_DIR, 'bench', 'memory.bench.js'), way], {
      stdio: 'inherit',
    })
    if (child.status !== 0) process.exitCode = child.status ?? 1
  }
} else {
  await measure(process.argv[2] ?? '')
}
