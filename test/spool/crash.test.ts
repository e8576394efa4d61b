// The crash test: children write 300,000 points with sync: 'write' while the server answers 503
// or refuses connections, and are killed with SIGKILL at random moments; each new child resumes
// on the same spool directory from the last write() that resolved. Then the server comes back and
// a last writer drains the spool. Every point whose write() resolved must be stored, exactly as
// written, and nothing else. SPOOL_CRASH_RUNS repeats it; SPOOL_CRASH_SEED replays one run.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InfluxDBClientAsync } from '../../src/client.js'
import { startTestServer } from '../../src/testing/index.js'
import { tempDir } from './helpers.js'

const TOTAL = 300_000
const KILLS = 6
const RUNS = Number(process.env.SPOOL_CRASH_RUNS ?? 1)

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

function resolvedUpTo(progressFile: string): number {
  if (!existsSync(progressFile)) return 0
  const marks = readFileSync(progressFile, 'utf8').trim().split('\n').filter(Boolean).map(Number)
  return marks.length === 0 ? 0 : Math.max(...marks)
}

/** Runs one child until the kill moment (ms after it is ready); returns how it ended. */
function runChild(dir: string, url: string, from: number, progressFile: string, killAfterMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
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
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    let output = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString()
      if (output.startsWith('ready') && !child.killed && killAfterMs >= 0) {
        setTimeout(() => child.kill('SIGKILL'), killAfterMs)
        killAfterMs = -1
      }
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(output.trim().replace(/\n/g, ' | '))
      else reject(new Error(`child exited with ${code ?? signal}: ${stderr}`))
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
      const unavailable = createServer((_req, res) => {
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"code":"unavailable","message":"down for the test"}')
      })
      const url503 = await listen(unavailable)
      const refused = refusingUrl()
      try {
        for (let kill = 0; kill < KILLS; kill++) {
          const from = resolvedUpTo(progressFile)
          const url = kill % 2 === 0 ? url503 : refused
          const killAfter = Math.floor(rand() * 3000)
          const ended = await runChild(dir, url, from, progressFile, killAfter)
          console.log(
            `child ${kill + 1} (${url === url503 ? '503' : 'refused'}) from ${from}, killed after ${killAfter} ms: ${ended}; resolved up to ${resolvedUpTo(progressFile)}`,
          )
        }
      } finally {
        unavailable.close()
      }
      const resolved = resolvedUpTo(progressFile)

      const server = await startTestServer()
      const client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
      try {
        const writer = client
          .writeApi()
          .batchWriter({ bucket: 'test-bucket', spool: { directory: dir, sync: 'write' } })
        const recovered = writer.stats.spool!
        console.log(
          `last writer found ${recovered.recoveredLines} lines, ${recovered.tornTails} torn tail(s) (${recovered.tornBytes} bytes), ${recovered.corruptRecords} corrupt`,
        )
        assert.equal(recovered.corruptRecords, 0)
        assert.ok(
          recovered.recoveredLines >= resolved,
          `${recovered.recoveredLines} lines recovered, ${resolved} resolved`,
        )
        await writer.close()
        const points = server.points('test-bucket')
        // Nothing but whole, exact points: each one's fields match its time.
        const seen = new Set<bigint>()
        for (const p of points) {
          const i = Number(p.time)
          assert.equal(p.measurement, 'crash')
          assert.deepEqual(p.tags, { k: `p${i % 7}` })
          assert.deepEqual(p.fields, { v: BigInt(i), s: `point ${i}` })
          seen.add(p.time)
        }
        for (let i = 0; i < resolved; i++)
          if (!seen.has(BigInt(i))) assert.fail(`point ${i} was resolved by write() and is not stored`)
        assert.ok(points.length >= resolved && points.length <= TOTAL)
        console.log(`stored ${points.length} points; ${resolved} had resolved`)
        assert.ok(!existsSync(join(dir, 'spool.lock')))
      } finally {
        await client.close()
        await server.close()
      }
    })
  }
})
