// The BatchWriter's disk spool (docs/spool.md), two targets:
//
// 1. Throughput. 1,000,000 points in arrays of 1,000 into the null sink (bench/sink.ts), by one
//    producer awaiting each write() and by 8 producers at once, without a spool and with one
//    (sync: 'write'). Target: the spool reaches at least half the throughput of the writer without
//    it (at its best, whichever the producer shape), judged for each shape in a row of its own. A
//    single producer waits for one fsync per write(), so the disk's fsync latency (printed beside)
//    bounds it; concurrent writes share one fsync.
// 2. Memory. 10,000,000 points written (8 producers, arrays of 1,000, sync: 'write') while the
//    server refuses every connection: they all sit in the spool. Target: peak RSS under 150 MB.
//    Measured in a plain `node` child without the tsx loader (see bench/transpile.ts).
//
// Env: BENCH_SPOOL_POINTS (throughput, default 1000000), BENCH_SPOOL_OUTAGE_POINTS (default 10000000).
import { spawnSync } from 'node:child_process'
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InfluxDBClientAsync, type BatchWriter, type BatchWriterOptions } from '../src/index.js'
import { benchPoint } from './bench-point.js'
import { startSink, type Sink } from './sink-control.js'
import { JS_DIR, transpileForBench } from './transpile.js'
import { peakRss, youngGenerationBytes } from './peak-rss.js'
import { benchRow } from './rows.js'

const POINTS = Number(process.env.BENCH_SPOOL_POINTS ?? 1_000_000)
const OUTAGE_POINTS = Number(process.env.BENCH_SPOOL_OUTAGE_POINTS ?? 10_000_000)
const PAGE = 1000
const PRODUCERS = 8
const RSS_TARGET_MB = 150
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const verdict = (met: boolean): string => (met ? 'met' : 'NOT met')

/** Points [0, total) in arrays of PAGE, written by `producers` loops that each await their write(). */
async function produce(writer: BatchWriter, total: number, producers: number): Promise<void> {
  let next = 0
  const loop = async (): Promise<void> => {
    while (next < total) {
      const from = next
      next += PAGE
      const page = []
      for (let i = from; i < Math.min(total, from + PAGE); i++) page.push(benchPoint(i))
      await writer.write(page)
    }
  }
  await Promise.all(Array.from({ length: producers }, loop))
}

async function throughput(sink: Sink, producers: number, spool: BatchWriterOptions['spool']): Promise<number> {
  const client = new InfluxDBClientAsync({ url: sink.url, token: 'bench', org: 'bench' })
  const writer = client.writeApi().batchWriter({ bucket: 'bench', ...(spool !== undefined ? { spool } : {}) })
  await sink.reset()
  const started = performance.now()
  await produce(writer, POINTS, producers)
  await writer.close()
  await sink.received(POINTS)
  const seconds = (performance.now() - started) / 1000
  await client.close()
  return POINTS / seconds
}

function fsyncLatencyMs(dir: string): number {
  const path = join(dir, 'fsync-probe')
  const fd = openSync(path, 'w')
  const block = new Uint8Array(100_000)
  const started = performance.now()
  for (let i = 0; i < 50; i++) {
    writeSync(fd, block, 0, block.length, i * block.length)
    fdatasyncSync(fd)
  }
  closeSync(fd)
  rmSync(path)
  return (performance.now() - started) / 50
}

async function throughputPart(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spool-bench-'))
  const sink = await startSink()
  try {
    console.log(
      `throughput: ${POINTS} points in arrays of ${PAGE} into the null sink; fsync of 100 kB on this disk: ${fsyncLatencyMs(dir).toFixed(2)} ms`,
    )
    // Warm-up, so that neither variant pays for the first compilation.
    await throughput(sink, PRODUCERS, undefined)
    const results: { producers: number; plain: number; spooled: number }[] = []
    for (const producers of [1, PRODUCERS]) {
      const plain = await throughput(sink, producers, undefined)
      const spooled = await throughput(sink, producers, { directory: join(dir, `p${producers}`), sync: 'write' })
      results.push({ producers, plain, spooled })
      console.log(
        `  ${producers} producer(s): without spool ${Math.round(plain)} points/s, spool sync:'write' ${Math.round(spooled)} points/s`,
      )
    }
    // Against the writer without a spool at its best, whichever number of producers that was.
    const best = Math.max(...results.map((r) => r.plain))
    for (const { producers, plain, spooled } of results) {
      const shape = producers === 1 ? 'one producer awaiting each write()' : `${producers} producers at once`
      benchRow({
        way: `BatchWriter with spool (sync: 'write', ${shape}, arrays of ${PAGE})`,
        pointsPerSecond: spooled,
        target: `>= 0.5 x without spool at its best (${(spooled / best).toFixed(2)})`,
        met: spooled / best >= 0.5,
      })
      console.log(
        `  ${shape}: spool / best without spool ${(spooled / best).toFixed(2)} (target >= 0.5: ${verdict(spooled / best >= 0.5)}); ` +
          `spool / without spool with the same producers ${(spooled / plain).toFixed(2)}`,
      )
    }
  } finally {
    await sink.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs in the plain-JavaScript child: the outage, with RSS sampled. */
async function outage(): Promise<void> {
  // Port 1, where nothing listens: every connection is refused. Not a freed ephemeral port, which
  // another process's server could take and then acknowledge the lines, emptying the spool.
  const dir = mkdtempSync(join(tmpdir(), 'spool-outage-'))
  const client = new InfluxDBClientAsync({ url: 'http://127.0.0.1:1', token: 'bench', org: 'bench' })
  const writer = client.writeApi().batchWriter({
    bucket: 'bench',
    retry: { maxRetries: 1_000_000_000, maxRetryTime: 2_000_000_000, minRetryDelay: 100, maxRetryDelay: 1000 },
    spool: { directory: dir, sync: 'write', maxBytes: 8 * 1024 ** 3 },
  })
  let peak = process.memoryUsage().rss
  let peakYoung = youngGenerationBytes()
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
    peakYoung = Math.max(peakYoung, youngGenerationBytes())
  }, 50)
  const started = performance.now()
  try {
    await produce(writer, OUTAGE_POINTS, PRODUCERS)
    peak = Math.max(peak, process.memoryUsage().rss)
    const seconds = (performance.now() - started) / 1000
    const spool = writer.stats.spool!
    const maxRss = peakRss()
    const worst = Math.max(peak, maxRss)
    console.log(
      `memory: ${OUTAGE_POINTS} points written during an outage in ${seconds.toFixed(1)} s (${Math.round(OUTAGE_POINTS / seconds)} points/s); the spool holds ${spool.lines} lines, ${mb(spool.bytes)}`,
    )
    console.log(
      `  peak RSS sampled every 50 ms ${mb(peak)}, kernel high-water mark ${mb(maxRss)}   (target < ${RSS_TARGET_MB} MB on the higher: ${verdict(worst < RSS_TARGET_MB * 1024 * 1024)})`,
    )
    console.log(`  V8's young generation at its largest: ${mb(peakYoung)} (its cap depends on the Node version)`)
    benchRow({
      way: `BatchWriter with spool: ${OUTAGE_POINTS} points spooled during an outage`,
      target: `peak RSS < ${RSS_TARGET_MB} MB (${mb(worst)}; V8 young generation ${mb(peakYoung)})`,
      met: worst < RSS_TARGET_MB * 1024 * 1024,
    })
    if (spool.lines !== OUTAGE_POINTS) {
      console.log('  ERROR: the spool does not hold every point')
      process.exitCode = 1
    }
  } finally {
    clearInterval(sampler)
    writer.abort()
    await writer.close().catch(() => undefined)
    await client.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url.endsWith('.ts')) {
  await throughputPart()
  await transpileForBench([
    'spool.bench.ts',
    'bench-point.ts',
    'sink.ts',
    'sink-control.ts',
    'transpile.ts',
    'rows.ts',
    'peak-rss.ts',
  ])
  const child = spawnSync(process.execPath, [join(JS_DIR, 'bench', 'spool.bench.js')], { stdio: 'inherit' })
  process.exitCode = child.status ?? 1
} else {
  await outage()
}
