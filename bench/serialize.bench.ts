// Serialisation speed, side by side (the machine is shared: compare ratios, not times).
// Run: node --expose-gc --import tsx bench/serialize.bench.ts [points]
//
// Every case runs in fresh processes of its own (bench/isolated-cases.ts), ROUNDS times, the
// cases interleaved; a case's figure is the median of its processes, each of which warms up on
// 200k points and on one untimed run over all points, then keeps the best of two timed runs.
//
// Each point: measurement, 2 tags, 3 fields (float, integer, boolean) and an ns timestamp.
// Both clients get the same data and use their typed builders (floatField/intField/booleanField,
// in that order, which is not key order: both clients sort fields);
// the timestamp is given in each client's native ns form: a bigint here, a decimal string to
// @influxdata/influxdb-client (its Point takes no bigint). Measured, best of several rounds:
//   build+serialize   points are created and serialised inside the timed loop (what an app does);
//                     also shown for this client with fields set in key order (its append-only path)
//   serialize only    points are built untimed, in slices of 100k, then toLineProtocol() is timed
//   write() path      (this client) serializeSync over an array of prebuilt points, chunks of 5000 lines
//   request body      points built in pages of 5000 and turned into what goes on the wire: this client's
//                     write() path (UTF-8 bytes), the official client's toLineProtocol() per point and the
//                     '\n'-join its WriteApi sends (node:http then encodes that string while writing)
//   template string   a hand-written template literal over the same data, no Point at all
import { fileURLToPath } from 'node:url'
import { Point as OfficialPoint } from '@influxdata/influxdb-client'
import { Point } from '../src/line-protocol/point.js'
import { serializeSync } from '../src/records/serialize.js'
import { childCase, median, printMedians, reportChild, runIsolated } from './isolated-cases.js'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const SLICE = 100_000
const ROUNDS = 3
/** Runs over all points in one child process, after its warm-up; the best counts. */
const RUNS_PER_PROCESS = 2
/** Points per write() call in the request-body cases, as the batch benchmark pages them. */
const PAGE = 5000

interface Data {
  hosts: string[]
  regions: string[]
  floats: Float64Array
  ints: Int32Array
  bools: Uint8Array
  times: bigint[]
  timeTexts: string[]
}

function makeData(count: number): Data {
  const hosts: string[] = []
  const regions: string[] = []
  const floats = new Float64Array(count)
  const ints = new Int32Array(count)
  const bools = new Uint8Array(count)
  const times: bigint[] = []
  const timeTexts: string[] = []
  const start = 1_700_000_000_000_000_000n
  for (let i = 0; i < count; i++) {
    hosts.push(`server${i % 100}`)
    regions.push(`region-${i % 7}`)
    floats[i] = Math.round(Math.random() * 1e6) / 1000
    ints[i] = (i * 7919) % 100_000
    bools[i] = i & 1
    const t = start + BigInt(i) * 1000n
    times.push(t)
    timeTexts.push(String(t))
  }
  return { hosts, regions, floats, ints, bools, times, timeTexts }
}

function buildOurs(d: Data, i: number): Point {
  return new Point('cpu')
    .tag('host', d.hosts[i])
    .tag('region', d.regions[i])
    .floatField('usage', d.floats[i])
    .intField('count', d.ints[i])
    .booleanField('ok', d.bools[i] === 1)
    .time(d.times[i])
}

// The same point with its fields set in key order: the append-only path of this client's Point.
function buildOursInKeyOrder(d: Data, i: number): Point {
  return new Point('cpu')
    .tag('host', d.hosts[i])
    .tag('region', d.regions[i])
    .intField('count', d.ints[i])
    .booleanField('ok', d.bools[i] === 1)
    .floatField('usage', d.floats[i])
    .time(d.times[i])
}

function buildOfficial(d: Data, i: number): OfficialPoint {
  return new OfficialPoint('cpu')
    .tag('host', d.hosts[i])
    .tag('region', d.regions[i])
    .floatField('usage', d.floats[i])
    .intField('count', d.ints[i])
    .booleanField('ok', d.bools[i] === 1)
    .timestamp(d.timeTexts[i])
}

type Case = { name: string; run: (d: Data) => { ms: number; bytes: number } }

// CPU time of this process (user + system, GC threads included), not wall time: the machine is
// shared, and wall time mostly measures the other processes.
function cpuMs(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

function timed(work: () => number): { ms: number; bytes: number } {
  const t0 = cpuMs()
  const bytes = work()
  return { ms: cpuMs() - t0, bytes }
}

const cases: Case[] = [
  {
    name: 'this client: build+serialize',
    run: (d) =>
      timed(() => {
        let n = 0
        for (let i = 0; i < d.times.length; i++) n += (buildOurs(d, i).toLineProtocol() as string).length
        return n
      }),
  },
  {
    name: 'this client: build+serialize, fields in key order',
    run: (d) =>
      timed(() => {
        let n = 0
        for (let i = 0; i < d.times.length; i++) n += (buildOursInKeyOrder(d, i).toLineProtocol() as string).length
        return n
      }),
  },
  {
    name: '@influxdata/influxdb-client: build+serialize',
    run: (d) =>
      timed(() => {
        let n = 0
        for (let i = 0; i < d.times.length; i++) n += (buildOfficial(d, i).toLineProtocol() as string).length
        return n
      }),
  },
  {
    name: 'this client: serialize only',
    run: (d) => sliced(d, buildOurs, (p) => p.toLineProtocol() as string),
  },
  {
    name: '@influxdata/influxdb-client: serialize only',
    run: (d) => sliced(d, buildOfficial, (p) => p.toLineProtocol() as string),
  },
  {
    name: 'this client: write() path (serializeSync)',
    run: (d) => {
      let ms = 0
      let bytes = 0
      for (let from = 0; from < d.times.length; from += SLICE) {
        const points: Point[] = []
        for (let i = from; i < Math.min(from + SLICE, d.times.length); i++) points.push(buildOurs(d, i))
        const r = timed(() => {
          let n = 0
          for (const chunk of serializeSync(
            points,
            { precision: 'ns', defaultTags: {} },
            { maxLines: 5000, maxBytes: 8 << 20 },
          ))
            n += chunk.bytes
          return n
        })
        ms += r.ms
        bytes += r.bytes
      }
      return { ms, bytes }
    },
  },
  {
    name: 'this client: build + request body',
    run: (d) =>
      timed(() => {
        let n = 0
        for (let from = 0; from < d.times.length; from += PAGE) {
          const page: Point[] = []
          for (let i = from; i < Math.min(from + PAGE, d.times.length); i++) page.push(buildOurs(d, i))
          for (const chunk of serializeSync(
            page,
            { precision: 'ns', defaultTags: {} },
            { maxLines: PAGE, maxBytes: 8 << 20 },
          )) {
            n += chunk.bytes
            chunk.recycle() // as write() does once a chunk is sent
          }
        }
        return n
      }),
  },
  {
    name: '@influxdata/influxdb-client: build + request body',
    run: (d) =>
      timed(() => {
        let n = 0
        for (let from = 0; from < d.times.length; from += PAGE) {
          const lines: string[] = []
          for (let i = from; i < Math.min(from + PAGE, d.times.length); i++)
            lines.push(buildOfficial(d, i).toLineProtocol() as string)
          n += lines.join('\n').length
        }
        return n
      }),
  },
  {
    name: 'template string',
    run: (d) =>
      timed(() => {
        let n = 0
        for (let i = 0; i < d.times.length; i++) {
          n +=
            `cpu,host=${d.hosts[i]},region=${d.regions[i]} count=${d.ints[i]}i,ok=${d.bools[i] === 1},usage=${d.floats[i]} ${d.times[i]}`
              .length
        }
        return n
      }),
  },
]

function sliced<P>(
  d: Data,
  build: (d: Data, i: number) => P,
  serialize: (p: P) => string,
): { ms: number; bytes: number } {
  let ms = 0
  let bytes = 0
  for (let from = 0; from < d.times.length; from += SLICE) {
    const points: P[] = []
    for (let i = from; i < Math.min(from + SLICE, d.times.length); i++) points.push(build(d, i))
    const r = timed(() => {
      let n = 0
      for (const p of points) n += serialize(p).length
      return n
    })
    ms += r.ms
    bytes += r.bytes
  }
  return { ms, bytes }
}

function collect(): void {
  ;(globalThis as { gc?: () => void }).gc?.()
}

/** In a child: warms the case up, runs it RUNS_PER_PROCESS times over TOTAL points, prints the best CPU ms. */
function runChild(name: string): void {
  const c = cases.find((x) => x.name === name)
  if (c === undefined) throw new Error(`no case ${JSON.stringify(name)}`)
  c.run(makeData(200_000))
  const data = makeData(TOTAL)
  c.run(data) // one untimed run at full size: steady state
  let best = Infinity
  for (let run = 0; run < RUNS_PER_PROCESS; run++) {
    collect()
    best = Math.min(best, c.run(data).ms)
  }
  reportChild(best)
}

function runParent(): void {
  // Same line for both clients (the official one spells booleans T/F), or the comparison means nothing.
  const probe = makeData(3)
  for (let i = 0; i < 3; i++) {
    const ours = buildOurs(probe, i).toLineProtocol()
    const theirs = buildOfficial(probe, i).toLineProtocol()?.replace('ok=T', 'ok=true').replace('ok=F', 'ok=false')
    if (ours !== theirs) throw new Error(`lines differ:\n  ours:   ${ours}\n  theirs: ${theirs}`)
  }
  const times = runIsolated(
    fileURLToPath(import.meta.url),
    cases.map((c) => c.name),
    ROUNDS,
    [String(TOTAL)],
  )
  const rate = (name: string): number => TOTAL / (median(times.get(name) as number[]) / 1000)
  console.log(
    `${TOTAL} points, 2 tags, 3 fields, ns timestamp; median of ${ROUNDS} processes per case (each: best of ${RUNS_PER_PROCESS}); node ${process.version}`,
  )
  printMedians(times, TOTAL, 'points')
  const ratio = (a: string, b: string): string => (rate(a) / rate(b)).toFixed(2)
  console.log(
    `ratio build + request body (this / official): ${ratio('this client: build + request body', '@influxdata/influxdb-client: build + request body')}x`,
  )
  console.log(
    `ratio build+serialize (this / official): ${ratio('this client: build+serialize', '@influxdata/influxdb-client: build+serialize')}x`,
  )
  console.log(
    `ratio serialize only  (this / official): ${ratio('this client: serialize only', '@influxdata/influxdb-client: serialize only')}x`,
  )
  console.log(
    `ratio build+serialize, fields in key order (this / official): ${ratio('this client: build+serialize, fields in key order', '@influxdata/influxdb-client: build+serialize')}x`,
  )
  console.log(
    `ratio build + request body (this / template string): ${ratio('this client: build + request body', 'template string')}x`,
  )
}

if (childCase === undefined) runParent()
else runChild(childCase)
