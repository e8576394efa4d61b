// The embedded test server under load: ingest rate for 1,000,000 points of the benchmark shape
// (2 tags, 3 fields, ns timestamps) posted in 5000-line batches over keep-alive, next to a
// null sink that only reads the body (same process layout, same run); then the RSS of the
// server's storage holding 10,000,000 points, filled through the same parse-and-store path
// without HTTP so that this step stays short. Servers run in child processes, so that the
// client's work and the server's do not share one event loop and RSS is the server's own.
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import { Agent, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { startTestServer } from '../src/testing/index.js'
import { parseLineProtocol } from '../src/testing/line-parser.js'
import { BucketStorage } from '../src/testing/storage.js'

const BATCH_LINES = 5000
const INGEST_POINTS = 1_000_000
const STORED_POINTS = 10_000_000
const CONCURRENCY = 2
const SERIES = 100
const REGIONS = ['eu-west', 'eu-east', 'us-west', 'us-east']
const START_NS = 1_700_000_000_000_000_000n

interface ChildReport {
  url?: string
  rss?: number
  heapUsed?: number
  count?: number
}

type ChildRole = 'sink' | 'server' | 'storage'
const role = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length) as ChildRole | undefined
if (role !== undefined) await runChild(role)
else await runParent()

async function runChild(role: ChildRole): Promise<void> {
  const report = (message: ChildReport): void => void process.send!(message)
  let count = (): number => 0
  if (role === 'storage') {
    const storage = new BucketStorage()
    count = () => storage.count()
    report({ url: '' })
    process.on('message', (message) => {
      if (message !== 'fill') return
      const now = BigInt(Date.now()) * 1_000_000n
      for (let i = 0; i < STORED_POINTS / BATCH_LINES; i++)
        storage.write(parseLineProtocol(batch(i), { precision: 'ns', now }).points)
      report({})
    })
  } else if (role === 'sink') {
    const server = createServer({ keepAlive: true }, (req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(204).end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    report({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
  } else {
    const server = await startTestServer({ maxRecordedRequests: 0 })
    count = () => server.count('test-bucket')
    report({ url: server.url })
  }
  process.on('message', (message) => {
    if (message !== 'report') return
    globalThis.gc?.()
    const memory = process.memoryUsage()
    report({ rss: memory.rss, heapUsed: memory.heapUsed, count: count() })
  })
  process.on('disconnect', () => process.exit(0))
}

interface Child {
  child: ChildProcess
  url: string
  ask: (command?: string) => Promise<ChildReport>
}

function startChild(role: ChildRole): Promise<Child> {
  const child = fork(fileURLToPath(import.meta.url), [`--child=${role}`], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('message', (first: ChildReport) => {
      const ask = (command = 'report') =>
        new Promise<ChildReport>((done) => {
          child.once('message', (answer: ChildReport) => done(answer))
          child.send(command)
        })
      resolve({ child, url: first.url!, ask })
    })
  })
}

// Batch `index` of the benchmark data: 5000 lines, series round-robin, ns timestamps rising.
function batch(index: number): string {
  const lines = new Array<string>(BATCH_LINES)
  for (let i = 0; i < BATCH_LINES; i++) {
    const n = index * BATCH_LINES + i
    const host = n % SERIES
    const ts = START_NS + BigInt(n) * 1000n
    lines[i] =
      `cpu,host=host-${host},region=${REGIONS[host % REGIONS.length]} usage=${(n % 1000) / 10},temp=${20 + (n % 17) * 0.25},count=${n}i ${ts}`
  }
  return lines.join('\n')
}

function post(agent: Agent, url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/v2/write?org=test-org&bucket=test-bucket&precision=ns`,
      {
        method: 'POST',
        agent,
        headers: { Authorization: 'Token test-token', 'Content-Type': 'text/plain; charset=utf-8' },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          res.statusCode === 204
            ? resolve()
            : reject(new Error(`${res.statusCode} ${Buffer.concat(chunks).toString()}`)),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

// Posts batches [from, to) with CONCURRENCY requests in flight; returns the seconds taken.
async function ingest(url: string, bodies: (index: number) => string, from: number, to: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  let next = from
  const started = performance.now()
  const worker = async (): Promise<void> => {
    while (next < to) await post(agent, url, bodies(next++))
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  agent.destroy()
  return (performance.now() - started) / 1000
}

async function runParent(): Promise<void> {
  const ingestBatches = INGEST_POINTS / BATCH_LINES
  const prepared = Array.from({ length: ingestBatches }, (_, i) => batch(i))
  const fromPrepared = (i: number): string => prepared[i]

  const sink = await startChild('sink')
  const sinkSeconds = await ingest(sink.url, fromPrepared, 0, ingestBatches)
  sink.child.disconnect()

  const server = await startChild('server')
  const serverSeconds = await ingest(server.url, fromPrepared, 0, ingestBatches)
  const afterIngest = await server.ask()
  server.child.disconnect()

  const storage = await startChild('storage')
  const empty = await storage.ask()
  const fillStarted = performance.now()
  await storage.ask('fill')
  const fillSeconds = (performance.now() - fillStarted) / 1000
  const full = await storage.ask()
  storage.child.disconnect()

  if (afterIngest.count !== INGEST_POINTS || full.count !== STORED_POINTS) {
    throw new Error(`stored ${afterIngest.count} / ${full.count} points, expected ${INGEST_POINTS} / ${STORED_POINTS}`)
  }
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0)
  const rate = (points: number, seconds: number): string => Math.round(points / seconds).toLocaleString('en-US')
  console.log(
    `embedded test server: ${SERIES} series, 2 tags, 3 fields (float, float, int), ns timestamps, ${BATCH_LINES}-line batches, ${CONCURRENCY} keep-alive connections`,
  )
  console.table([
    {
      step: `HTTP to a null sink, ${INGEST_POINTS.toLocaleString('en-US')} points`,
      seconds: sinkSeconds.toFixed(2),
      'points/s': rate(INGEST_POINTS, sinkSeconds),
    },
    {
      step: `HTTP to the embedded server, ${INGEST_POINTS.toLocaleString('en-US')} points`,
      seconds: serverSeconds.toFixed(2),
      'points/s': rate(INGEST_POINTS, serverSeconds),
    },
    {
      step: `parse + store in process, ${STORED_POINTS.toLocaleString('en-US')} points`,
      seconds: fillSeconds.toFixed(2),
      'points/s': rate(STORED_POINTS, fillSeconds),
    },
  ])
  console.log(`embedded server rate / null sink rate (same run): ${(sinkSeconds / serverSeconds).toFixed(2)}`)
  console.log(`server RSS with 1M points (after HTTP ingest): ${mb(afterIngest.rss!)} MB`)
  console.log(
    `storage RSS: empty ${mb(empty.rss!)} MB, with 10M points ${mb(full.rss!)} MB (JS heap ${mb(full.heapUsed!)} MB)`,
  )
  console.log(`storage cost: ${((full.rss! - empty.rss!) / STORED_POINTS).toFixed(1)} bytes of RSS per point`)
}
