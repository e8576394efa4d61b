// Child process of the spool crash test: writes points `from`…`total` in arrays of 1,000 through
// a BatchWriter with a spool (sync: 'write') to a server that is down, and after each write()
// resolves appends `<child> <index reached>` to the progress file (and says it on stdout, where the
// parent watches for the moment to kill it with SIGKILL).
// It reports on stdout every batch the server acknowledged or refused: during an outage there must
// be none (one would mean that something other than the test's server answered, and took lines
// out of the spool).
import { appendFileSync } from 'node:fs'
import { InfluxDBClientAsync } from '../../src/client.js'

const [directory, url, fromText, totalText, progressFile, childText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
]
const total = Number(totalText)
const client = new InfluxDBClientAsync({ url, token: 'test-token', org: 'test-org' })
const writer = client.writeApi().batchWriter({
  bucket: 'test-bucket',
  maxInFlight: 2,
  retry: { maxRetries: 1_000_000_000, maxRetryTime: 2_000_000_000, minRetryDelay: 5, maxRetryDelay: 50 },
  spool: { directory, sync: 'write' },
  onBatchWritten: (info) => {
    process.stdout.write(`acknowledged ${info.lineCount} lines\n`)
  },
  onBatchFailed: (info) => {
    process.stdout.write(`refused ${info.lines.length} lines (${info.lines[0]} …): ${info.reason.message}\n`)
  },
})
process.stdout.write(`ready ${writer.stats.spool?.recoveredLines ?? 0}\n`)
for (let from = Number(fromText); from < total; from += 1000) {
  const points: string[] = []
  for (let i = from; i < Math.min(total, from + 1000); i++) points.push(`crash,k=p${i % 7} v=${i}i,s="point ${i}" ${i}`)
  await writer.write(points)
  appendFileSync(progressFile, `${childText} ${Math.min(total, from + 1000)}\n`)
  process.stdout.write(`resolved ${Math.min(total, from + 1000)}\n`)
}
process.stdout.write('done\n')
// Stays, holding the spool, until killed.
setInterval(() => undefined, 1000)
