// The crash test: children write 300,000 points with sync: 'write' while the server answers 503
// or refuses connections, and are killed with SIGKILL at random moments; each new child resumes
// on the same spool directory from the last write() that resolved. Then the server comes back and
// a last writer drains the spool. Every point whose write() resolved must be stored, exactly as
// written, and nothing else. SPOOL_CRASH_RUNS repeats it (CI runs it twice on each Node version, each
// with its own seed); SPOOL_CRASH_SEED replays one run.
//
// After each child the spool's segments are read (without opening the spool) and every point
// resolved so far must be in them: a failure names the missing points, the child whose write()
// resolved them, the child after which they were gone, what each child reported and the seed.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import * as fs from 'node:fs'
import { join } from 'node:path'
import { InfluxDBClientAsync } from '../../src/client.js'
import { startTestServer } from '../../src/testing/index.js'
import { listSegments } from '../../src/spool/directory.js'
import { SegmentReader } from '../../src/spool/segment-reader.js'
import { readEnds } from '../../src/spool/record-format.js'
import { decodeLines } from '../../src/records/line-chunk.js'
import { tempDir } from './helpers.js'

const TOTAL = 300_000
const KILLS = 6
const RUNS = Number(process.env.SPOOL_CRASH_RUNS ?? (process.env.CI ? 2 : 1))

/** Small deterministic generator, so that a failing run can be replayed from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return `http://127.0.0.1:${address.port}`
}

/**
 * A URL where nothing listens: connections are refused. Port 1 rather than a freed ephemeral port,
 * which another process's server could take during the test and then acknowledge the children's lines.
 */
function refusingUrl(): string {
  return 'http://127.0.0.1:1'
}

/** What the children's write() calls resolved: up to which point, and which child resolved each range. */
interface Progress {
  upTo: number
  /** [from, to, child]: child `child` (1-based) resolved points [from, to). */
  ranges: [number, number, number][]
}

function readProgress(progressFile: string): Progress {
  const ranges: [number, number, number][] = []
  if (!fs.existsSync(progressFile)) return { upTo: 0, ranges }
  let upTo = 0
  for (const line of fs.readFileSync(progressFile, 'utf8').split('\n')) {
    if (line === '') continue
    const [child, mark] = line.split(' ').map(Number)
    const last = ranges.at(-1)
    if (last !== undefined && last[2] === child && last[1] === upTo) last[1] = mark
    else ranges.push([upTo, mark, child])
    upTo = Math.max(upTo, mark)
  }
  return { upTo, ranges }
}

/** The points (by index) in the spool's segment files, read as the spool reads them; and a listing of the files. */
function spooledPoints(dir: string): { present: Uint8Array; segments: string[] } {
  const present = new Uint8Array(TOTAL)
  const segments: string[] = []
  if (!fs.existsSync(dir)) return { present, segments }
  for (const { name } of listSegments(fs, dir)) {
    const fd = fs.openSync(join(dir, name), 'r')
    try {
      const size = fs.fstatSync(fd).size
      const damage: string[] = []
      const reader = new SegmentReader(fs, fd, (kind, at, bytes) => damage.push(`${kind} ${bytes} bytes at ${at}`))
      let records = 0
      let first = Infinity
      let last = -Infinity
      for (let record = reader.next(size, true); record !== undefined; record = reader.next(size, true)) {
        records++
        const body = reader.buffer.subarray(record.bodyAt, record.bodyAt + record.bodyBytes)
        for (const line of decodeLines(body, readEnds(reader.buffer, record))) {
          const i = Number(line.slice(line.lastIndexOf(' ') + 1))
          present[i] = 1
          first = Math.min(first, i)
          last = Math.max(last, i)
        }
      }
      const range = records === 0 ? 'no record' : `${records} records, points ${first}…${last}`
      segments.push(`${name} ${size} bytes: ${range}${damage.length > 0 ? `; ${damage.join(', ')}` : ''}`)
    } finally {
      fs.closeSync(fd)
    }
  }
  return { present, segments }
}

/** Resolved points not in `present`, as ranges naming the child that resolved them. */
function missingResolved(progress: Progress, present: (i: number) => boolean): string[] {
  const out: string[] = []
  for (const [from, to, child] of progress.ranges) {
    let start = -1
    for (let i = from; i <= to; i++) {
      const missing = i < to && !present(i)
      if (missing && start < 0) start = i
      if (!missing && start >= 0) {
        out.push(`points ${start}…${i - 1} (${i - start}), resolved by child ${child}`)
        start = -1
      }
    }
  }
  return out
}

interface ChildEnd {
  /** Its stdout, one line per event. */
  report: string[]
}

/**
 * When a child is killed: once its write() calls resolved up to `points`, `delayMs` later (a random
 * moment inside the write that follows: serialising, writing, syncing, or between two writes).
 * Set by progress rather than by time alone, so that the kills fall among the 300,000 points on a
 * fast machine as on a loaded one.
 */
interface KillMoment {
  points: number
  delayMs: number
}

/** Runs one child until the kill moment; returns what it reported. */
function runChild(
  dir: string,
  url: string,
  from: number,
  progressFile: string,
  child: number,
  kill: KillMoment,
): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('./crash-child.ts', import.meta.url).pathname,
        dir,
        url,
        String(from),
        String(TOTAL),
        progressFile,
        String(child),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    let output = ''
    let scheduled = false
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    proc.stdout.on('data', (d: Buffer) => {
      output += d.toString()
      if (scheduled || !output.startsWith('ready')) return
      const last = /(?:resolved (\d+)|(done))\n$/.exec(output)
      const reached = last === null ? from : last[2] !== undefined ? Infinity : Number(last[1])
      if (reached < kill.points) return
      scheduled = true
      setTimeout(() => proc.kill('SIGKILL'), kill.delayMs)
    })
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ report: output.trim().split('\n') })
      else reject(new Error(`child ${child} exited with ${code ?? signal}: ${stderr}`))
    })
  })
}

describe('spool crash test', () => {
  for (let run = 0; run < RUNS; run++) {
    const seed = Number(process.env.SPOOL_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
    test(`${TOTAL} points, ${KILLS} SIGKILLs during an outage, then a drain: every resolved point stored (seed ${seed})`, async () => {
      using tmp = tempDir('spool-crash-')
      const dir = join(tmp.dir, 'spool')
      const progressFile = join(tmp.dir, 'progress')
      const rand = random(seed)
      const log: string[] = [
        `seed ${seed} (replay: SPOOL_CRASH_SEED=${seed} node scripts/run-tests.mjs test/spool/crash)`,
      ]
      const fail = (what: string[]): never => assert.fail([...what, '', ...log].join('\n'))
      const unavailable = createServer((_req, res) => {
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"code":"unavailable","message":"down for the test"}')
      })
      const url503 = await listen(unavailable)
      const refused = refusingUrl()
      try {
        for (let kill = 0; kill < KILLS; kill++) {
          const child = kill + 1
          const from = readProgress(progressFile).upTo
          const url = kill % 2 === 0 ? url503 : refused
          // Killed within an even share of what is left, so that every child writes something
          // (or is killed before its first write resolved).
          const share = (TOTAL - from) / (KILLS - kill)
          const moment = { points: from + Math.floor(rand() * share), delayMs: Math.floor(rand() * 30) }
          const { report } = await runChild(dir, url, from, progressFile, child, moment)
          const progress = readProgress(progressFile)
          const { present, segments } = spooledPoints(dir)
          const resolvedLines = report.filter((line) => line.startsWith('resolved'))
          const said = report.filter((line) => !line.startsWith('resolved'))
          log.push(
            `child ${child} (${url === url503 ? '503' : 'refused'}) from ${from}, killed ${moment.delayMs} ms after resolving ${moment.points}; ` +
              `resolved up to ${progress.upTo} (${resolvedLines.length} writes); it reported: ${said.join(' | ')}`,
            ...segments.map((s) => `  ${s}`),
          )
          console.log(log.slice(-1 - segments.length).join('\n'))
          const answered = report.filter((line) => /^(acknowledged|refused)/.test(line))
          if (answered.length > 0) {
            fail([`child ${child} got answers during the outage: the server it wrote to was not down`, ...answered])
          }
          const missing = missingResolved(progress, (i) => present[i] === 1)
          if (missing.length > 0) {
            fail([`after child ${child} was killed, the spool lacks resolved points:`, ...missing])
          }
        }
      } finally {
        unavailable.close()
      }
      const progress = readProgress(progressFile)
      const resolved = progress.upTo

      const server = await startTestServer()
      const client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
      try {
        const writer = client
          .writeApi()
          .batchWriter({ bucket: 'test-bucket', spool: { directory: dir, sync: 'write' } })
        const recovered = writer.stats.spool!
        log.push(
          `last writer found ${recovered.recoveredLines} lines, ${recovered.tornTails} torn tail(s) (${recovered.tornBytes} bytes), ${recovered.corruptRecords} corrupt`,
        )
        console.log(log.at(-1))
        if (recovered.corruptRecords !== 0) fail([`${recovered.corruptRecords} corrupt records`])
        await writer.close()
        const points = server.points('test-bucket')
        // Nothing but whole, exact points: each one's fields match its time.
        const seen = new Set<number>()
        for (const p of points) {
          const i = Number(p.time)
          assert.equal(p.measurement, 'crash')
          assert.deepEqual(p.tags, { k: `p${i % 7}` })
          assert.deepEqual(p.fields, { v: BigInt(i), s: `point ${i}` })
          seen.add(i)
        }
        const missing = missingResolved(progress, (i) => seen.has(i))
        if (missing.length > 0) fail(['resolved points not stored after the drain:', ...missing])
        assert.ok(points.length >= resolved && points.length <= TOTAL)
        console.log(`stored ${points.length} points; ${resolved} had resolved`)
        assert.ok(!fs.existsSync(join(dir, 'spool.lock')))
      } finally {
        await client.close()
        await server.close()
      }
    })
  }
})
