// 1,000,000 points through a BatchWriter into a server that fails about a third of the requests
// (503, 429 + Retry-After, connection reset, stall past the timeout). Every line must arrive,
// Retry-After must be respected per batch, and close() must resolve after the last 204.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { InfluxDBError, RequestTimeoutError } from '../../src/errors.js'
import { startFaultyTestServer } from '../support/faults.js'
import { lineNumberOf, numberedLines, stringWriter, type ClientSend } from './harness.js'

const POINTS = 1_000_000
const SEED = Number(process.env.FAULT_SEED ?? 20261126)

test(
  `fault injection: ${POINTS} points, ~1/3 of requests fail, none lost (seed ${SEED})`,
  { timeout: 120_000 },
  async () => {
    const seen = new Uint8Array(POINTS)
    let distinct = 0
    let foreign = 0
    const server = await startFaultyTestServer({
      faultRate: 1 / 3,
      retryAfterSeconds: 1,
      stallMs: 1500,
      seed: SEED,
      onAcknowledged: (lines) => {
        for (const line of lines) {
          const n = lineNumberOf(line)
          if (n < 0 || n >= POINTS) foreign++
          else if (seen[n] === 0) {
            seen[n] = 1
            distinct++
          }
        }
      },
    })
    // What the client saw, per body hash, in order.
    const sends = new Map<string, ClientSend[]>()
    const { writer, transport } = stringWriter(server.url, {
      observe: (send) => {
        const hash = createHash('sha256').update(send.body).digest('hex')
        const list = sends.get(hash) ?? []
        list.push({ ...send, body: new Uint8Array(0) })
        sends.set(hash, list)
      },
      batchSize: 4000,
      maxInFlight: 4,
      timeout: 300,
      retry: { minRetryDelay: 5, maxRetryDelay: 100, maxRetries: 40, maxRetryTime: 90_000 },
    })
    try {
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* source(): AsyncGenerator<string> {
        yield* numberedLines(POINTS)
      }
      await writer.writeAll(source())
      await writer.close()
      // Read at once, before anything else can run: close() resolved only once every line was acknowledged.
      const distinctAtClose = distinct
      const inFlightAtClose = writer.stats.inFlight
      const requestsAtClose = server.requests.length

      assert.equal(foreign, 0, 'the server received lines that were never written')
      assert.equal(
        distinctAtClose,
        POINTS,
        `distinct lines acknowledged when close() resolved (faults: ${JSON.stringify(server.faultCounts)})`,
      )
      assert.equal(inFlightAtClose, 0, 'close() resolved with requests in flight')
      // Nothing was sent after close(): no retry was left pending.
      await new Promise((resolve) => setTimeout(resolve, 500))
      assert.equal(server.requests.length, requestsAtClose, 'requests arrived after close() resolved')
      assert.equal(writer.stats.writtenLines, POINTS)
      assert.equal(writer.stats.failedLines, 0)
      assert.equal(writer.stats.bufferedLines, 0)

      // Every kind of fault really happened, about a third of the time.
      for (const kind of ['503', '429', 'reset', 'stall']) {
        assert.ok((server.faultCounts[kind] ?? 0) > 0, `no ${kind} was injected: ${JSON.stringify(server.faultCounts)}`)
      }
      const faults = Object.values(server.faultCounts).reduce((a, b) => a + b, 0)
      const share = faults / server.requests.length
      assert.ok(share > 0.2 && share < 0.45, `fault share ${share}`)

      // Client side: after it received a 429 with Retry-After: 1, the same body was not sent again
      // sooner than 1 s later.
      let seen429 = 0
      for (const list of sends.values()) {
        list.forEach((send, i) => {
          if (!(send.error instanceof InfluxDBError && send.error.statusCode === 429)) return
          seen429++
          assert.equal(send.error.retryAfter, 1)
          const next = list[i + 1]
          assert.ok(next !== undefined, 'a batch answered 429 was never sent again')
          assert.ok(
            next.startedAt - send.endedAt >= 1000,
            `re-sent ${(next.startedAt - send.endedAt).toFixed(1)} ms after a 429 with Retry-After: 1`,
          )
        })
      }
      assert.ok(seen429 > 0)
      // Server side: the same body never arrived sooner than 1 s after the 429 was sent, unless the
      // client never read that 429: the send that carried it (named by its send-id header) ended in
      // the client's own timeout. Server and client share one busy event loop, and timers run before
      // sockets are read: the client's timer can fire before the server has even parsed a request
      // whose bytes were already sent, or while the server's 429 waits unread in the socket. That
      // send saw a timeout, and a timeout is retried after the backoff alone.
      let checked = 0
      let unread = 0
      for (const r of server.requests) {
        if (r.notBefore === undefined) continue
        const next = server.requests.find((later) => later.index > r.index && later.hash === r.hash)
        assert.ok(next !== undefined, `the batch answered 429 at request ${r.index} was never retried`)
        checked++
        if (next.arrivedAt >= r.notBefore) continue
        const carrier = (sends.get(r.hash) ?? []).find((s) => s.id === r.sendId)
        assert.ok(carrier !== undefined, `request ${r.index} (send ${r.sendId}) matches no send of the client`)
        assert.ok(
          carrier.error instanceof RequestTimeoutError,
          `request ${next.index} came ${(r.notBefore - next.arrivedAt).toFixed(1)} ms before Retry-After allowed ` +
            `(the send that carried request ${r.index} ended with ${carrier.error instanceof Error ? `${carrier.error.name}: ${carrier.error.message}` : 'success'})`,
        )
        unread++
      }
      assert.equal(checked, server.faultCounts['429'])
      // A 429 the client read is never one it missed; some it may have missed and retried late anyway.
      assert.ok(seen429 + unread <= checked, `${seen429} read + ${unread} missed > ${checked} sent`)
    } finally {
      writer.abort()
      await writer.close().catch(() => undefined)
      await transport.close()
      await server.close()
    }
  },
)
