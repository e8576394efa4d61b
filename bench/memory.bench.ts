// Peak memory while streaming 10,000,000 points from an async generator through a BatchWriter
// into the null sink (bench/sink.ts, a separate process). RSS is sampled every 50 ms, and the
// kernel's own high-water mark (resourceUsage().maxRSS) is printed too, since a sampler can miss
// a short spike. Target: peak RSS under 150 MB.
//
// The TypeScript loader (tsx) alone adds about 35 MB of RSS to a process, which is not the
// library's and which a user running built JavaScript never pays. So, run as .ts, this file
// transpiles src/ and itself to plain JavaScript (with the declared `typescript` package, under
// node_modules/.cache/) and measures in a child `node` without any loader; run as .js, it measures.
//
// Env: BENCH_MEMORY_POINTS (default 10000000), BENCH_MEMORY_PAGE (points per yielded array,
// default 1000; 1 yields single Points).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
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

async function measure(): Promise<void> {
  const sink = await startSink()
  const client = new InfluxDBClientAsync({ url: sink.url, token: 'bench', org: 'bench' })
  const writer = client.writeApi().batchWriter({ bucket: 'bench' })
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
  // The verdict takes the higher of the two peaks: sampling every 50 ms can miss a short spike.
  const worst = Math.max(peak, maxRss)
  console.log(`  peak RSS, sampled every 50 ms: ${mb(peak)}`)
  console.log(`  peak RSS, kernel high-water mark (whole process): ${mb(maxRss)}   (target < ${TARGET_MB} MB on the higher peak: ${worst < TARGET_MB * 1024 * 1024 ? 'met' : 'NOT met'})`)
  console.log(`  at the sampled peak: V8 heap ${mb(atPeak.heapUsed)} used of ${mb(atPeak.heapTotal)}, external ${mb(atPeak.external)}, array buffers ${mb(atPeak.arrayBuffers)}`)
  console.log(`  writer: peak buffered lines ${s.peakBufferedLines}, peak requests in flight ${s.peakInFlight}, written ${s.writtenLines}, failed ${s.failedLines}`)
  if (s.writtenLines !== POINTS) {
    console.log('  ERROR: not every point was written')
    process.exitCode = 1
  }
}

/** Transpiles src/ and the benchmark files to .js under `outDir`, keeping the layout (imports already end in .js). */
async function transpile(root: string, outDir: string): Promise<void> {
  const ts = (await import('typescript')).default
  const files = [...tsFiles(join(root, 'src')), ...['memory.bench.ts', 'sink.ts', 'sink-control.ts'].map((f) => join(root, 'bench', f))]
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    })
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js')
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, outputText)
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n')
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return tsFiles(full)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : []
  })
}

if (import.meta.url.endsWith('.ts')) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const outDir = join(root, 'node_modules', '.cache', 'influxdb-client-async-bench')
  await transpile(root, outDir)
  const bare = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage().rss))'], { encoding: 'utf8' })
  console.log(`(plain JavaScript, no loader; a bare \`node\` process starts at ${mb(Number(bare.stdout))} RSS)`)
  const child = spawnSync(process.execPath, ['--expose-gc', join(outDir, 'bench', 'memory.bench.js')], { stdio: 'inherit' })
  process.exitCode = child.status ?? 1
} else {
  await measure()
}
