// Bun, Deno and Node: a BatchWriter spool in the runtime itself. Lines spooled while the server
// refuses connections, a second writer on the same directory refused with the holder's pid, a
// torn tail cut off, and a new writer draining everything into the embedded test server. Prints
// what it saw as JSON on stdout; the directory is the last argument.
import { readdirSync, statSync, truncateSync } from 'node:fs'
import { createServer } from 'node:net'
import { startTestServer } from '../../../src/testing/index.js'
import { InfluxDBClientAsync, SpoolLockedError } from '../../../src/index.js'

const directory = process.argv.at(-1) as string
const lines = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `sp,k=v${(from + i) % 3} n=${from + i}i ${from + i}`)

// A port nothing listens on.
const probe = createServer()
await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()))
const deadPort = (probe.address() as { port: number }).port
await new Promise<void>((resolve) => probe.close(() => resolve()))

const down = new InfluxDBClientAsync({ url: `http://127.0.0.1:${deadPort}`, token: 't', org: 'test-org' })
const outage = down.writeApi().batchWriter({
  bucket: 'test-bucket',
  retry: { maxRetries: 1_000_000, maxRetryTime: 600_000, minRetryDelay: 5, maxRetryDelay: 20 },
  spool: { directory, sync: 'write' },
})
for (let i = 0; i < 3000; i += 500) await outage.write(lines(i, i + 500))
const spooled = outage.stats.spool?.lines
let lock = ''
try {
  down.writeApi().batchWriter({ bucket: 'test-bucket', spool: { directory } })
} catch (error) {
  lock =
    error instanceof SpoolLockedError && error.pid === process.pid ? 'SpoolLockedError naming this pid' : String(error)
}
outage.abort()
await outage.close()
await down.close()

// A crash in the middle of an append leaves a torn tail: 5 bytes short.
const last = readdirSync(directory)
  .filter((name) => name.startsWith('segment-'))
  .sort()
  .at(-1) as string
truncateSync(`${directory}/${last}`, statSync(`${directory}/${last}`).size - 5)

const server = await startTestServer()
const client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
const writer = client.writeApi().batchWriter({ bucket: 'test-bucket', spool: { directory } })
const recovered = writer.stats.spool
await writer.write(lines(3000, 3010))
await writer.close()
const stored = server
  .points('test-bucket')
  .map((p) => Number(p.fields.n))
  .sort((a, b) => a - b)
await client.close()
await server.close()
console.log(
  JSON.stringify({
    spooled,
    lock,
    recoveredLines: recovered?.recoveredLines,
    tornTails: recovered?.tornTails,
    stored: stored.length,
    exact: stored.every((n, i) => n === i || n === i + 500),
    left: readdirSync(directory),
  }),
)
