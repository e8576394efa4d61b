// Tables as records: a 1,000,000-row Arrow table against the same data as Points, side by side
// (the machine is shared: compare ratios, not times).
// Run: node --expose-gc --import tsx bench/tables.bench.ts [rows]
//
// Table: 2 tag columns (dictionary-encoded strings, as tableFromArrays makes them), 3 field
// columns (Float64, Int64, Bool) and a Timestamp<NANOSECOND> column. Every case runs in fresh
// processes of its own (bench/isolated-cases.ts), ROUNDS times, interleaved; its figure is the
// median of its processes, each of which warms up on a 100,000-row table and on one untimed
// full-size run, and keeps the best of two timed runs (CPU time), each after a full collection
// and another small warm-up run:
//   Arrow table, write() path   serializeSync(table) in chunks of 5000 lines, as write() runs it
//   Arrow table, lines()        the table's own line iterator, without chunking
//   Arrow table, rows()         the table's byte cursor into one LineWriter, cleared every 5000
//                               lines as a chunk would be (until write() runs on rows())
//   this client, Points         a Point built per row from the same columns, then serializeSync
//   @influxdata/influxdb-client a Point built per row, then toLineProtocol()
//   template literal            for scale: a bare template string per row over the same arrays
//                               (no escaping, no checks, no chunking), roughly the ceiling of any JS path
// Targets (issue 3): the table ≥ 2× this client's Points and ≥ 10× @influxdata/influxdb-client.
// Then memory: a 10,000,000-row table through serializeSync in chunks of 5000 lines, with the
// peak heap growth over the table's own size (it must stay far below the size of all its lines).
import { Point as OfficialPoint } from '@influxdata/influxdb-client'
import * as arrow from 'apache-arrow'
import { LineWriter } from '../src/line-protocol/line-writer.js'
import { Point } from '../src/line-protocol/point.js'
import { serializeSync } from '../src/records/serialize.js'
import type { SerializeContext } from '../src/records/options.js'
import { asTable } from '../src/records/tables/index.js'
import { fileURLToPath } from 'node:url'
import { childCase, median, printMedians, reportChild, runIsolated } from './isolated-cases.js'

const ROWS = Number(process.argv[2] ?? 1_000_000)
const ROUNDS = 3
/** Timed runs in one child process; the best counts. */
const RUNS_PER_PROCESS = Number(process.env.BENCH_RUNS_PER_PROCESS ?? 2)
const LIMITS = { maxLines: 5000, maxBytes: 8 << 20 }
const CONTEXT: SerializeContext = {
  precision: 'ns',
  defaultTags: {},
  dataFrameMeasurementName: 'cpu',
  dataFrameTagColumns: ['host', 'region'],
  dataFrameTimestampColumn: 'time',
}

interface Columns {
  host: string[]
  region: string[]
  usage: Float64Array
  count: BigInt64Array
  ok: boolean[]
  time: BigInt64Array
}

function makeColumns(rows: number): Columns {
  const columns: Columns = {
    host: new Array<string>(rows),
    region: new Array<string>(rows),
    usage: new Float64Array(rows),
    count: new BigInt64Array(rows),
    ok: new Array<boolean>(rows),
    time: new BigInt64Array(rows),
  }
  const start = 1_700_000_000_000_000_000n
  for (let i = 0; i < rows; i++) {
    columns.host[i] = `server${i % 100}`
    columns.region[i] = `region-${i % 7}`
    columns.usage[i] = Math.round(Math.random() * 1e6) / 1000
    columns.count[i] = BigInt((i * 7919) % 100_000)
    columns.ok[i] = (i & 1) === 1
    columns.time[i] = start + BigInt(i) * 1000n
  }
  return columns
}

function makeTable(c: Columns): arrow.Table {
  const time = arrow.makeVector(
    arrow.makeData({ type: new arrow.TimestampNanosecond(), length: c.time.length, data: c.time }),
  )
  return new arrow.Table({
    host: arrow.vectorFromArray(c.host, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
    region: arrow.vectorFromArray(c.region, new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
    usage: arrow.makeVector(c.usage),
    count: arrow.makeVector(c.count),
    ok: arrow.vectorFromArray(c.ok, new arrow.Bool()),
    time,
  })
}

function* ourPoints(c: Columns): Generator<Point> {
  for (let i = 0; i < c.time.length; i++) {
    yield new Point('cpu')
      .tag('host', c.host[i])
      .tag('region', c.region[i])
      .floatField('usage', c.usage[i])
      .intField('count', c.count[i])
      .booleanField('ok', c.ok[i])
      .time(c.time[i])
  }
}

function officialPoint(c: Columns, i: number): OfficialPoint {
  return new OfficialPoint('cpu')
    .tag('host', c.host[i])
    .tag('region', c.region[i])
    .floatField('usage', c.usage[i])
    .intField('count', Number(c.count[i]))
    .booleanField('ok', c.ok[i])
    .timestamp(String(c.time[i]))
}

// CPU time of this process (user + system), not wall time: the machine is shared.
function cpuMs(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

function chunkBytes(record: unknown): number {
  let bytes = 0
  // Recycled once counted, as write() recycles a chunk once it is sent.
  for (const chunk of serializeSync(record, CONTEXT, LIMITS)) {
    bytes += chunk.bytes
    chunk.recycle()
  }
  return bytes
}

interface Case {
  name: string
  run: (c: Columns, table: arrow.Table) => number
}

const TABLE_WRITE = 'Arrow table, write() path (serializeSync)'
const TABLE_LINES = 'Arrow table, lines() only'
const TABLE_ROWS = 'Arrow table, rows() into a LineWriter'
const OUR_POINTS = 'this client, Points: build + serializeSync'
const OFFICIAL = '@influxdata/influxdb-client: build + toLineProtocol'
const TEMPLATE = 'template literal (no escaping, no checks)'

const cases: Case[] = [
  { name: TABLE_WRITE, run: (_c, table) => chunkBytes(table) },
  {
    name: TABLE_LINES,
    run: (_c, table) => {
      let n = 0
      for (const line of (asTable(table) as NonNullable<ReturnType<typeof asTable>>).lines(CONTEXT, []))
        n += line.length + 1
      return n
    },
  },
  {
    name: TABLE_ROWS,
    run: (_c, table) => {
      const cursor = (asTable(table) as NonNullable<ReturnType<typeof asTable>>).rows(CONTEXT, [])
      const writer = new LineWriter()
      let n = 0
      while (cursor.writeNext(writer)) {
        if (writer.lineCount === LIMITS.maxLines) {
          n += writer.bodyLength + 1
          writer.clear()
        }
      }
      return n + writer.bodyLength
    },
  },
  { name: OUR_POINTS, run: (c) => chunkBytes(ourPoints(c)) },
  {
    name: OFFICIAL,
    run: (c) => {
      let n = 0
      for (let i = 0; i < c.time.length; i++) n += (officialPoint(c, i).toLineProtocol() as string).length + 1
      return n
    },
  },
  {
    name: TEMPLATE,
    run: (c) => {
      let n = 0
      for (let i = 0; i < c.time.length; i++) {
        n +=
          `cpu,host=${c.host[i]},region=${c.region[i]} count=${c.count[i]}i,ok=${c.ok[i]},usage=${c.usage[i]} ${c.time[i]}`
            .length + 1
      }
      return n
    },
  },
]

function firstLines(record: unknown, count: number): string[] {
  const lines: string[] = []
  for (const chunk of serializeSync(record, CONTEXT, { maxLines: count, maxBytes: 1 << 20 })) {
    lines.push(...chunk.lines)
    if (lines.length >= count) break
  }
  return lines.slice(0, count)
}

/** In a child: warms the case up on the small table, then keeps the best of RUNS_PER_PROCESS timed runs. */
function runChild(name: string): void {
  const c = cases.find((x) => x.name === name)
  if (c === undefined) throw new Error(`no case ${JSON.stringify(name)}`)
  const warmColumns = makeColumns(100_000)
  const warmTable = makeTable(warmColumns)
  c.run(warmColumns, warmTable)
  const columns = makeColumns(ROWS)
  const table = makeTable(columns)
  // One untimed run at full size first: steady state. After the small warm-up alone, the table
  // cases still ran 20-80% slower in some processes (the JIT had not settled).
  c.run(columns, table)
  let best = Infinity
  for (let run = 0; run < RUNS_PER_PROCESS; run++) {
    ;(globalThis as { gc?: () => void }).gc?.()
    // A full collection deoptimises code that embeds objects it freed (node --trace-deopt:
    // "marking dependent code … for deoptimization, reason: weak objects"), so the run right
    // after gc() would time re-optimisation too. Every run re-warms on the small table first.
    c.run(warmColumns, warmTable)
    const t0 = cpuMs()
    const bytes = c.run(columns, table)
    const ms = cpuMs() - t0
    if (bytes <= 0) throw new Error(`${c.name} produced nothing`)
    best = Math.min(best, ms)
  }
  reportChild(best)
}

function runCases(): void {
  // All three produce the same lines (the official client spells booleans T/F), or the comparison means nothing.
  const probe = makeColumns(3)
  const fromTable = firstLines(makeTable(probe), 3)
  const fromPoints = firstLines([...ourPoints(probe)], 3)
  const fromOfficial = [0, 1, 2].map((i) =>
    officialPoint(probe, i)
      .toLineProtocol()
      ?.replace(/ok=T\b/, 'ok=true')
      .replace(/ok=F\b/, 'ok=false'),
  )
  for (let i = 0; i < 3; i++) {
    if (fromTable[i] !== fromPoints[i] || fromTable[i] !== fromOfficial[i]) {
      throw new Error(
        `lines differ:\n  table:    ${fromTable[i]}\n  points:   ${fromPoints[i]}\n  official: ${fromOfficial[i]}`,
      )
    }
  }

  const times = runIsolated(
    fileURLToPath(import.meta.url),
    cases.map((c) => c.name),
    ROUNDS,
    [String(ROWS)],
  )
  const rate = (name: string): number => ROWS / (median(times.get(name) as number[]) / 1000)
  console.log(
    `${ROWS} rows, 2 tag columns, 3 field columns (float, int64, bool), ns timestamp; median of ${ROUNDS} processes per case (each: best of ${RUNS_PER_PROCESS}), CPU time; node ${process.version}`,
  )
  printMedians(times, ROWS, 'rows')
  const ratio = (a: string, b: string): number => rate(a) / rate(b)
  const vsPoints = ratio(TABLE_WRITE, OUR_POINTS)
  const vsOfficial = ratio(TABLE_WRITE, OFFICIAL)
  console.log(`ratio table write() path / this client's Points:        ${vsPoints.toFixed(2)}x (target ≥ 2x)`)
  console.log(`ratio table write() path / @influxdata/influxdb-client: ${vsOfficial.toFixed(2)}x (target ≥ 10x)`)
  console.log(`ratio table rows() / this client's Points:              ${ratio(TABLE_ROWS, OUR_POINTS).toFixed(2)}x`)
  console.log(`ratio table rows() / @influxdata/influxdb-client:       ${ratio(TABLE_ROWS, OFFICIAL).toFixed(2)}x`)
  console.log(`for scale, template literal / @influxdata/influxdb-client: ${ratio(TEMPLATE, OFFICIAL).toFixed(2)}x`)
  if (vsPoints < 2 || vsOfficial < 10) console.log('!!! below target')
}

if (childCase !== undefined) {
  runChild(childCase)
  process.exit(0)
}
runCases()

// --- memory: 10M rows, chunk by chunk ----------------------------------------------------------
const BIG_ROWS = Number(process.env.TABLES_BENCH_BIG_ROWS ?? 10_000_000)

/** A big table built straight from typed arrays (dictionary indices, no 10M JS strings). */
function bigTable(rows: number): arrow.Table {
  const hostIndices = new Int32Array(rows)
  const usage = new Float64Array(rows)
  const time = new BigInt64Array(rows)
  for (let i = 0; i < rows; i++) {
    hostIndices[i] = i % 100
    usage[i] = (i % 100_000) / 1000
    time[i] = 1_700_000_000_000_000_000n + BigInt(i)
  }
  const hostType = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())
  const dictionary = arrow.vectorFromArray(
    Array.from({ length: 100 }, (_, i) => `server${i}`),
    new arrow.Utf8(),
  )
  return new arrow.Table({
    host: arrow.makeVector(arrow.makeData({ type: hostType, length: rows, data: hostIndices, dictionary })),
    usage: arrow.makeVector(usage),
    time: arrow.makeVector(arrow.makeData({ type: new arrow.TimestampNanosecond(), length: rows, data: time })),
  })
}

const collect = (): void => (globalThis as { gc?: () => void }).gc?.()
const big = bigTable(BIG_ROWS)
collect()
const baseHeap = process.memoryUsage().heapUsed
const baseRss = process.memoryUsage().rss
let peakHeap = baseHeap
let peakRss = baseRss
let lineCount = 0
let totalBytes = 0
let chunkCount = 0
const bigStart = cpuMs()
for (const chunk of serializeSync(big, { ...CONTEXT, dataFrameTagColumns: ['host'] }, LIMITS)) {
  lineCount += chunk.lines.length
  totalBytes += chunk.bytes
  if (++chunkCount % 250 === 0) {
    // After a full collection, so that the heap figure is what is still referenced, not garbage.
    collect()
    const usage = process.memoryUsage()
    peakHeap = Math.max(peakHeap, usage.heapUsed)
    peakRss = Math.max(peakRss, usage.rss)
  }
}
const bigMs = cpuMs() - bigStart
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`
console.log(
  `${BIG_ROWS} rows (1 tag, 1 float, ns time) in ${chunkCount} chunks: ${lineCount} lines, ${mib(totalBytes)} of line protocol, ` +
    `${(bigMs / 1000).toFixed(1)} s CPU (8 full GCs included); live heap growth ≤ ${mib(peakHeap - baseHeap)}, peak RSS growth ${mib(peakRss - baseRss)}`,
)
if (lineCount !== BIG_ROWS) throw new Error(`expected ${BIG_ROWS} lines, got ${lineCount}`)
if (peakHeap - baseHeap > totalBytes / 4) console.log('!!! heap grew with the table: lines are being kept')
