// End-to-end write throughput into the null sink (bench/sink.ts, a separate process): 1,000,000
// points (2 tags; float, int and bool fields; ns timestamp), built inside the clock. The clock
// stops when the sink reports that it has received every line, so nothing still in flight is
// counted as done.
//
// Every way of feeding a BatchWriter (an array of 5000 Points per write(); await write() per Point
// and per plain object; add() with drained(); writeAll() of a sync and of an async generator; a
// Node stream and a WHATWG stream piped in) against @influxdata/influxdb-client used as its
// documentation shows (writePoint() per point, then close()), with the same batch size. Also: the
// ceiling (the same bodies serialised before the clock, posted with node:http keep-alive at the
// same concurrency); the CLI importing a line-protocol file, against that ceiling; one-shot
// write() of 5000-Point arrays with a fetch that answers at once, against the official client's
// body building; and two parts measured alone, building the Points and the BatchWriter with a
// send that does nothing, which show where the time goes.
//
// Every variant runs in a fresh process, after a warm-up of at most 200,000 points, three times
// with the variants interleaved; the median counts.
//
// Env: BENCH_POINTS (default 1000000), BENCH_WARMUP (default 200000), BENCH_CLI_LINES (default
// 2 x BENCH_POINTS), BENCH_RUNS (default 3), BENCH_ONLY (comma-separated substrings of variant
// names to run).
import http from 'node:http'
import { fork, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { InfluxDB, Point as OfficialPoint, setLogger } from '@influxdata/influxdb-client'
import { InfluxDBClientAsync, Point } from '../src/index.js'
import { BatchWriter } from '../src/write/batch-writer.js'
import type { BatchWriterOptions } from '../src/write/batch-options.js'
import { serializeForBatch } from '../src/write/batch-factory.js'
import { startSink, type Sink } from './sink-control.js'
import { median } from './isolated-cases.js'
import { benchPoint } from './bench-point.js'
import { benchRow } from './rows.js'
import { cliCommand, lpFile, writeLineProtocolFile } from './cli-input.js'
import { transpileForBench } from './transpile.js'

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000)
/** Points of the untimed run before the timed one, in the same process. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200_000)
/** Lines of the CLI's line-protocol file. */
const CLI_LINES = Number(process.env.BENCH_CLI_LINES ?? 2 * POINTS)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
/** GNU time, which measures the CLI's peak RSS when present. */
const GNU_TIME = '/usr/bin/time'
/** The CLI's peak RSS must stay under this. */
const CLI_RSS_TARGET_MB = 150
const BATCH_SIZE = 5000
const CONCURRENCY = 3
/** Points built per write() call: a realistic producer hands over pages, not single points. */
const PAGE = 5000
const BASE_NS = 1_700_000_000_000_000_000n
const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west'] as const

const ourPoint: (i: number) => Point = benchPoint

function officialPoint(i: number): OfficialPoint {
  return new OfficialPoint('bench')
    .tag('host', `host-${i % 100}`)
    .tag('region', REGIONS[i & 3])
    .floatField('usage', i * 0.25)
    .intField('count', i)
    .booleanField('ok', (i & 1) === 0)
    .timestamp(String(BASE_NS + BigInt(i)))
}

function page<T>(start: number, n: number, make: (i: number) => T): T[] {
  const out = new Array<T>(Math.min(PAGE, n - start))
  for (let k = 0; k < out.length; k++) out[k] = make(start + k)
  return out
}

interface Variant {
  name: string
  /** Work done before any clock starts. */
  prepare?: (n: number) => void
  run: (sink: Sink, n: number) => Promise<void>
}

/** A client and a BatchWriter on the sink, as every way of feeding it starts; closes both after `feed`. */
async function withOurWriter(
  sink: Sink,
  n: number,
  feed: (writer: BatchWriter) => Promise<void>,
  options: Partial<BatchWriterOptions> = {},
): Promise<void> {
  const client = new InfluxDBClientAsync({ url: sink.url, token: 'bench', org: 'bench' })
  const writer = client
    .writeApi()
    .batchWriter({ bucket: 'bench', batchSize: BATCH_SIZE, maxInFlight: CONCURRENCY, ...options })
  await feed(writer)
  await writer.close()
  await sink.received(n)
  await client.close()
}

/** The same points as plain objects; `count` is an integer field through the writer's fieldTypes option. */
function ourObject(i: number): {
  measurement: string
  tags: Record<string, string>
  fields: Record<string, number | boolean>
  time: bigint
} {
  return {
    measurement: 'bench',
    tags: { host: `host-${i % 100}`, region: REGIONS[i & 3] },
    fields: { usage: i * 0.25, count: i, ok: (i & 1) === 0 },
    time: BASE_NS + BigInt(i),
  }
}
const OBJECT_OPTIONS: Partial<BatchWriterOptions> = { fieldTypes: { count: 'int' } }

function* pointsFrom(n: number): Generator<Point> {
  for (let i = 0; i < n; i++) yield ourPoint(i)
}

// eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
async function* pointsFromAsync(n: number): AsyncGenerator<Point> {
  for (let i = 0; i < n; i++) yield ourPoint(i)
}

/** The reference way: arrays of 5000 Points. */
const ours: Variant = {
  name: 'BatchWriter: await write(array of 5000 Points)',
  run: (sink, n) =>
    withOurWriter(sink, n, async (writer) => {
      for (let start = 0; start < n; start += PAGE) await writer.write(page(start, n, ourPoint))
    }),
}

/** Every other way of feeding a BatchWriter, with the same points. */
const OUR_WAYS: Variant[] = [
  {
    name: 'BatchWriter: await write(point) per Point',
    run: (sink, n) =>
      withOurWriter(sink, n, async (writer) => {
        for (let i = 0; i < n; i++) await writer.write(ourPoint(i))
      }),
  },
  {
    name: 'BatchWriter: await write(object) per {measurement,tags,fields,time}',
    run: (sink, n) =>
      withOurWriter(
        sink,
        n,
        async (writer) => {
          for (let i = 0; i < n; i++) await writer.write(ourObject(i))
        },
        OBJECT_OPTIONS,
      ),
  },
  {
    name: 'BatchWriter: add(point) per Point, await drained() on false',
    run: (sink, n) =>
      withOurWriter(sink, n, async (writer) => {
        for (let i = 0; i < n; i++) if (!writer.add(ourPoint(i))) await writer.drained()
      }),
  },
  {
    name: 'BatchWriter: writeAll(sync generator of Points)',
    run: (sink, n) => withOurWriter(sink, n, (writer) => writer.writeAll(pointsFrom(n))),
  },
  {
    name: 'BatchWriter: writeAll(async generator of Points)',
    run: (sink, n) => withOurWriter(sink, n, (writer) => writer.writeAll(pointsFromAsync(n))),
  },
  {
    name: 'BatchWriter: pipeline(Readable.from(generator), nodeWritable())',
    run: (sink, n) => withOurWriter(sink, n, (writer) => pipeline(Readable.from(pointsFrom(n)), writer.nodeWritable())),
  },
  {
    name: 'BatchWriter: ReadableStream.pipeTo(writableStream())',
    run: (sink, n) =>
      withOurWriter(sink, n, (writer) => {
        const source = pointsFrom(n)
        const readable = new ReadableStream<Point>({
          pull(controller) {
            const next = source.next()
            if (next.done === true) controller.close()
            else controller.enqueue(next.value)
          },
        })
        return readable.pipeTo(writer.writableStream())
      }),
  },
]

/** Pages of Points built before the clock starts: what the client itself adds, without building them. */
function prebuilt<T>(make: (i: number) => T): { pages: T[][]; prepare: (n: number) => void } {
  const state: { pages: T[][]; prepare: (n: number) => void } = {
    pages: [],
    prepare: (n) => {
      state.pages = []
      for (let start = 0; start < n; start += PAGE) state.pages.push(page(start, n, make))
    },
  }
  return state
}

const ourPages = prebuilt(ourPoint)

/** The official client as its documentation shows it: writePoint() per point, then close(). */
const officialDocumented: Variant = {
  name: '@influxdata/influxdb-client: writePoint(point) per point, then close()',
  run: async (sink, n) => {
    const influx = new InfluxDB({ url: sink.url, token: 'bench' })
    const writeApi = influx.getWriteApi('bench', 'bench', 'ns', { batchSize: BATCH_SIZE })
    const logged = countOfficialLogs()
    for (let i = 0; i < n; i++) writeApi.writePoint(officialPoint(i))
    await writeApi.close()
    await sink.received(n)
    printOfficialLogs(logged)
  },
}

// Its logger prints a stack per failed request; count them instead (with no limit on requests
// in flight, some time out under load and are retried).
function countOfficialLogs(): Map<string, number> {
  const logged = new Map<string, number>()
  const count = (message: string, error?: unknown): void => {
    const key = `${message} ${error instanceof Error ? error.message : ''}`.trim()
    logged.set(key, (logged.get(key) ?? 0) + 1)
  }
  setLogger({ error: count, warn: count })
  return logged
}

function printOfficialLogs(logged: Map<string, number>): void {
  for (const [message, times] of logged) console.log(`    (official client logged ${times}x: ${message})`)
}

function officialVariant(name: string, tuned: boolean): Variant {
  return {
    name,
    run: async (sink, n) => {
      const agent = tuned ? new http.Agent({ keepAlive: true }) : undefined
      const influx = new InfluxDB({ url: sink.url, token: 'bench', ...(agent ? { transportOptions: { agent } } : {}) })
      const writeApi = influx.getWriteApi('bench', 'bench', 'ns', {
        batchSize: BATCH_SIZE,
        ...(tuned ? { gzipThreshold: Number.MAX_SAFE_INTEGER } : {}),
      })
      const logged = countOfficialLogs()
      for (let start = 0; start < n; start += PAGE) writeApi.writePoints(page(start, n, officialPoint))
      await writeApi.close()
      await sink.received(n)
      agent?.destroy()
      printOfficialLogs(logged)
    },
  }
}

// Two parts of the end-to-end path measured alone, so that the run itself shows how much of the
// ceiling target's per-point budget each takes (printed with the ratios). Neither talks to the sink.

/** The application's share: building the Points in pages, nothing written. */
const buildOnly: Variant = {
  name: 'part: building the Points in pages, nothing written',
  run: (_sink, n) => {
    let built = 0
    for (let start = 0; start < n; start += PAGE) built += page(start, n, ourPoint).length
    return built === n ? Promise.resolve() : Promise.reject(new Error(`built ${built} of ${n} Points`))
  },
}

/** Serialising and batching alone: the BatchWriter with a send that does nothing, prebuilt Points. */
const serializeOnly: Variant = {
  name: 'part: BatchWriter with a no-op send (no HTTP), Points built before the clock',
  prepare: ourPages.prepare,
  run: async (_sink, n) => {
    let sent = 0
    const send = (body: Uint8Array): Promise<void> => {
      sent += body.length
      return Promise.resolve()
    }
    const writer = BatchWriter.create(
      { bucket: 'bench', batchSize: BATCH_SIZE, maxInFlight: CONCURRENCY },
      { send, serialize: serializeForBatch },
    )
    for (const points of ourPages.pages.slice(0, Math.ceil(n / PAGE))) await writer.write(points)
    await writer.close()
    if (writer.stats.writtenLines !== n || sent === 0)
      throw new Error(`wrote ${writer.stats.writtenLines} of ${n} lines`)
  },
}

/** Bodies built before the clock starts: what the wire alone allows. */
function ceilingVariant(): Variant {
  let bodies: Buffer[] = []
  return {
    name: 'ceiling: pre-serialised bodies, node:http keep-alive',
    prepare: (n) => {
      bodies = buildBodies(n)
    },
    run: async (sink, n) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
      const url = new URL('/api/v2/write?org=bench&bucket=bench&precision=ns', sink.url)
      const post = (body: Buffer): Promise<void> =>
        new Promise((resolve, reject) => {
          const req = http.request(
            url,
            {
              method: 'POST',
              agent,
              headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length },
            },
            (res) => {
              res.resume()
              res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))))
            },
          )
          req.on('error', reject)
          req.end(body)
        })
      let next = 0
      const count = Math.ceil(n / BATCH_SIZE)
      const worker = async (): Promise<void> => {
        while (next < count) await post(bodies[next++])
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, worker))
      await sink.received(n)
      agent.destroy()
    },
  }
}

function buildBodies(n: number): Buffer[] {
  const bodies: Buffer[] = []
  for (let start = 0; start < n; start += BATCH_SIZE) {
    const lines: string[] = []
    for (let i = start; i < Math.min(n, start + BATCH_SIZE); i++) lines.push(ourPoint(i).toLineProtocol()!)
    bodies.push(Buffer.from(lines.join('\n')))
  }
  return bodies
}

interface Measurement {
  pointsPerSecond: number
  /** CPU time of this process (all threads, so gzip in the zlib pool counts) per point, µs. */
  cpuMicrosPerPoint: number
  /** The CLI's peak RSS, when measured. */
  peakRssBytes?: number
}

async function measure(sink: Sink, variant: Variant, n: number): Promise<Measurement> {
  await sink.reset()
  ;(globalThis as { gc?: () => void }).gc?.()
  const cpu = process.cpuUsage()
  const started = performance.now()
  await variant.run(sink, n)
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return {
    pointsPerSecond: n / seconds,
    cpuMicrosPerPoint: (used.user + used.system) / n,
    ...(variant === cliImport && cliPeakRssBytes !== undefined ? { peakRssBytes: cliPeakRssBytes } : {}),
  }
}

const fmt = (pps: number): string => `${(pps / 1e6).toFixed(3)} M points/s`
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

const officialTuned = officialVariant(
  '@influxdata/influxdb-client WriteApi.writePoints(pages), tuned (keep-alive agent, no gzip)',
  true,
)
const ceiling = ceilingVariant()

/**
 * One-shot write() of 5000-Point arrays through the public API, with a fetch that answers 204 at
 * once: what write() adds around serialising, against the official client's body building.
 */
const oneShot: Variant = {
  name: 'one-shot writeApi.write(array of 5000 Points), a fetch answering 204',
  prepare: ourPages.prepare,
  run: async (_sink, n) => {
    let bytes = 0
    const answer204: typeof fetch = (_url, init) => {
      bytes += (init?.body as Uint8Array | undefined)?.length ?? 0
      return Promise.resolve(new Response(null, { status: 204 }))
    }
    const client = new InfluxDBClientAsync({
      url: 'http://127.0.0.1:9',
      token: 'bench',
      org: 'bench',
      fetch: answer204,
    })
    const writeApi = client.writeApi()
    const pages = ourPages.pages.slice(0, Math.ceil(n / PAGE))
    for (const points of pages) await writeApi.write('bench', 'bench', points)
    await client.close()
    if (bytes === 0) throw new Error('nothing written')
  },
}

const officialPages = prebuilt(officialPoint)
const officialBodies: Variant = {
  name: '@influxdata/influxdb-client body building: toLineProtocol() joined by \\n, per 5000 Points',
  prepare: officialPages.prepare,
  run: (_sink, n) => {
    let bytes = 0
    for (const points of officialPages.pages.slice(0, Math.ceil(n / PAGE)))
      bytes += points.map((p) => p.toLineProtocol()).join('\n').length
    return bytes === 0 ? Promise.reject(new Error('nothing built')) : Promise.resolve()
  },
}

/** The kernel's peak-RSS figure of the last CLI run, through GNU time when the system has it. */
let cliPeakRssBytes: number | undefined

/** The CLI importing a line-protocol file of `n` lines, started as users start it (node + the built CLI when present). */
const cliImport: Variant = {
  name: 'CLI: influx-async write of a line-protocol file of n lines',
  prepare: (n) => writeLineProtocolFile(n),
  run: async (sink, n) => {
    const { command, args } = cliCommand()
    const cliArgs = [
      ...args,
      'write',
      '--host',
      sink.url,
      '-t',
      'bench',
      '-o',
      'bench',
      '-b',
      'bench',
      '--batch-size',
      String(BATCH_SIZE),
      lpFile(n),
    ]
    // GNU time reports the child's peak RSS (in kB) into a file, leaving stderr to the CLI.
    const rssFile = join(tmpdir(), `influxdb-client-async-bench-cli-rss-${process.pid}`)
    const timed = existsSync(GNU_TIME)
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        timed ? GNU_TIME : command,
        timed ? ['-f', '%M', '-o', rssFile, command, ...cliArgs] : cliArgs,
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      )
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`influx-async write exited with ${code}`))))
    })
    if (timed) {
      cliPeakRssBytes = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) * 1024
      rmSync(rssFile, { force: true })
    }
    await sink.received(n)
  },
}

const VARIANTS = [
  ours,
  ...OUR_WAYS,
  officialDocumented,
  ceiling,
  buildOnly,
  serializeOnly,
  oneShot,
  officialBodies,
  cliImport,
  officialTuned,
]
/** Messages between the parent (which owns the sink) and a child measuring one variant. */
type ChildMessage = { type: 'expect'; lines: number } | { type: 'reset' } | { type: 'result'; result: Measurement }
type ParentMessage = { type: 'reached' } | { type: 'reset' }

/**
 * Runs one measurement in a fresh process, so that no variant pays for the heap another one
 * left behind (the official client's unbounded batches leave a lot). The child first warms up
 * on as many points as it then measures. The parent relays its sink requests.
 */
function runInChild(sink: Sink, index: number): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      env: { ...process.env, BENCH_CHILD_VARIANT: String(index), BENCH_SINK_URL: sink.url },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let result: Measurement | undefined
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'result') result = message.result
      else if (message.type === 'reset')
        void sink.reset().then(() => child.send({ type: 'reset' } satisfies ParentMessage))
      else void sink.received(message.lines).then(() => child.send({ type: 'reached' } satisfies ParentMessage))
    })
    child.on('exit', (code) =>
      result !== undefined ? resolve(result) : reject(new Error(`variant ${index} exited with ${code}`)),
    )
  })
}

/** The sink as seen from a child: requests go through the parent. */
function sinkThroughParent(url: string): Sink {
  const ask = (message: ChildMessage, answer: ParentMessage['type']): Promise<void> =>
    new Promise((resolve) => {
      const onMessage = (reply: ParentMessage): void => {
        if (reply.type !== answer) return
        process.off('message', onMessage)
        resolve()
      }
      process.on('message', onMessage)
      process.send!(message)
    })
  return {
    url,
    received: (lines) => ask({ type: 'expect', lines }, 'reached'),
    reset: () => ask({ type: 'reset' }, 'reset'),
    stop: () => Promise.resolve(),
  }
}

async function child(index: number, url: string): Promise<void> {
  const variant = VARIANTS[index]
  const sink = sinkThroughParent(url)
  const n = variant === cliImport ? CLI_LINES : POINTS
  variant.prepare?.(n)
  // A short warm-up, as a CLI run or a service soon after its start gets: not the steady state
  // of a writer that ran for millions of points. A CLI run is its own process: nothing to warm.
  if (variant !== cliImport) await measure(sink, variant, Math.min(WARMUP, n))
  const result = await measure(sink, variant, n)
  process.send!({ type: 'result', result } satisfies ChildMessage)
  process.disconnect()
}

async function main(): Promise<void> {
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter((x) => x !== '')
  const variants = VARIANTS.filter((v) => only.length === 0 || only.some((o) => v.name.includes(o)))
  if (variants.includes(cliImport)) await transpileForBench([])
  const sink = await startSink()
  const results = new Map<Variant, Measurement[]>(variants.map((v) => [v, []]))
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const v of variants) {
        const result = await runInChild(sink, VARIANTS.indexOf(v)).catch((error: unknown) => {
          // A child that could not even load (a source file caught mid-save) gets one more try.
          console.log(`  (${String(error)}; trying again)`)
          return runInChild(sink, VARIANTS.indexOf(v))
        })
        results.get(v)!.push(result)
        console.log(
          `  run ${run + 1}: ${v.name}: ${fmt(result.pointsPerSecond)}, ${result.cpuMicrosPerPoint.toFixed(2)} µs CPU/point${result.peakRssBytes === undefined ? '' : `, peak RSS ${mb(result.peakRssBytes)}`}`,
        )
      }
    }
  } finally {
    await sink.stop()
  }
  const m = (v: Variant): number => median((results.get(v) ?? []).map((r) => r.pointsPerSecond))
  const c = (v: Variant): number => median((results.get(v) ?? []).map((r) => r.cpuMicrosPerPoint))
  console.log(
    `\n${POINTS} points (the CLI: ${CLI_LINES} lines), batches of ${BATCH_SIZE}, ${CONCURRENCY} requests at once, warm-up ${WARMUP}; median of ${RUNS} runs, each in a fresh process`,
  )
  console.log(`  ${'throughput'.padStart(18)}  ${'client CPU'.padStart(14)}`)
  for (const v of variants)
    console.log(`  ${fmt(m(v)).padStart(18)}  ${`${c(v).toFixed(2)} µs/pt`.padStart(14)}  ${v.name}`)
  const has = (v: Variant): boolean => results.has(v)
  const x = (ratio: number): string => `${ratio.toFixed(2)}x`
  // The rows of npm run bench's one table (bench/run.ts prints them).
  if (has(officialDocumented)) {
    for (const way of [ours, ...OUR_WAYS].filter(has)) {
      const ratio = m(way) / m(officialDocumented)
      const perPoint = way !== ours && has(ours)
      // Time per point against the array way's: the per-call overhead next to the work itself.
      const slower = perPoint ? m(ours) / m(way) : 1
      const target = perPoint ? `>= 5x official; time <= 1.3x the array way's (${x(slower)})` : '>= 5x official'
      benchRow({ way: way.name, pointsPerSecond: m(way), ratio, target, met: ratio >= 5 && slower <= 1.3 })
    }
    benchRow({ way: officialDocumented.name, pointsPerSecond: m(officialDocumented), ratio: 1, target: '' })
  }
  if (has(oneShot) && has(officialBodies)) {
    const ratio = m(oneShot) / m(officialBodies)
    benchRow({
      way: oneShot.name,
      pointsPerSecond: m(oneShot),
      ratio,
      target: `>= 5x the official body building (${fmt(m(officialBodies))})`,
      met: ratio >= 5,
    })
  }
  if (has(ceiling)) {
    benchRow({
      way: ceiling.name,
      pointsPerSecond: m(ceiling),
      ratio: has(officialDocumented) ? m(ceiling) / m(officialDocumented) : undefined,
      target: '',
    })
    if (has(cliImport)) {
      const share = m(cliImport) / m(ceiling)
      const rss = (results.get(cliImport) ?? []).map((r) => r.peakRssBytes).filter((b) => b !== undefined)
      const peak = rss.length === 0 ? undefined : Math.max(...rss)
      benchRow({
        way: `${cliImport.name.replace('of n lines', `of ${CLI_LINES} lines`)} (process start included)`,
        pointsPerSecond: m(cliImport),
        ratio: has(officialDocumented) ? m(cliImport) / m(officialDocumented) : undefined,
        target: `>= 0.5x the ceiling (${x(share)}), peak RSS < ${CLI_RSS_TARGET_MB} MB (${peak === undefined ? 'not measured: no GNU time' : mb(peak)})`,
        met: share >= 0.5 && peak !== undefined && peak < CLI_RSS_TARGET_MB * 1024 * 1024,
      })
    }
  }
  for (const part of [buildOnly, serializeOnly].filter(has)) {
    benchRow({ way: part.name, pointsPerSecond: m(part), target: `${(1e6 / m(part)).toFixed(3)} µs per point` })
  }
}

const childIndex = process.env.BENCH_CHILD_VARIANT
if (childIndex !== undefined) await child(Number(childIndex), process.env.BENCH_SINK_URL!)
else await main()
