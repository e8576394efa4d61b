// Answers are read only as far as an error message needs: a 2xx body is not read at all, an
// error body up to 256 KiB, and a gzip body is inflated only that far. A gzip bomb streamed
// with a 200 is a success, sent once, in bounded memory; with a 400 it is the InfluxDBError.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createGzip } from 'node:zlib'
import { InfluxDBClientAsync, InfluxDBError } from '../../src/index.js'
import { startTestServer } from '../../src/testing/index.js'

/** Decompressed size the bomb streams at most: far more than a JS string holds. */
const BOMB_BYTES = 1 << 30

interface BombServer {
  url: string
  requests: number
  /** Decompressed bytes the server produced before the client stopped reading. */
  produced: number
  close(): Promise<void>
}

/** The test server answering every request with `status` and a gzip body of zeros, produced as fast as it is read. */
async function startBombServer(status: number, prefix = ''): Promise<BombServer> {
  // Nothing to keep: the requests carry no body that matters, and are counted here.
  const server = await startTestServer({ maxRecordedRequests: 0 })
  const state = { requests: 0, produced: 0 }
  server.intercept((req, res) => {
    state.requests++
    req.resume()
    res.writeHead(status, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
    const gzip = createGzip()
    gzip.pipe(res)
    const zeros = Buffer.alloc(1 << 20, 0x30)
    let stopped = false
    res.on('close', () => {
      stopped = true
      gzip.destroy()
    })
    if (prefix !== '') gzip.write(prefix)
    const pump = (): void => {
      while (!stopped && state.produced < BOMB_BYTES) {
        state.produced += zeros.length
        if (!gzip.write(zeros)) {
          gzip.once('drain', pump)
          return
        }
      }
      if (!stopped) gzip.end()
    }
    pump()
    return true
  })
  return {
    url: server.url,
    get requests() {
      return state.requests
    },
    get produced() {
      return state.produced
    },
    close: () => server.close(),
  }
}

/** Runs `task` and reports the highest growth of this process's memory (RSS) while it ran. */
async function peakGrowth<T>(task: () => Promise<T>): Promise<{ result: T; growth: number }> {
  globalThis.gc?.()
  const base = process.memoryUsage.rss()
  let peak = base
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 5)
  try {
    const result = await task()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { result, growth: peak - base }
  } finally {
    clearInterval(timer)
  }
}

const MiB = 1 << 20
/** What an error body keeps at most (documented in docs/errors.md). */
const MAX_RESPONSE_BODY_BYTES = 256 * 1024

for (const engine of ['node:http', 'fetch'] as const) {
  const extra = engine === 'fetch' ? { fetch: globalThis.fetch.bind(globalThis) } : {}

  describe(`answer bodies are read only as far as needed, over ${engine}`, () => {
    test('a 200 streaming a gzip bomb: the write succeeds, is sent once, in bounded memory', async () => {
      const server = await startBombServer(200)
      // Retries on: a write that failed would be sent again.
      const client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o', ...extra })
      try {
        const { result, growth } = await peakGrowth(() => client.writeApi().write('b', 'o', 'm f=1 1'))
        assert.equal(result, true)
        assert.equal(server.requests, 1)
        assert.ok(growth < 64 * MiB, `memory grew by ${(growth / MiB).toFixed(0)} MiB`)
        assert.ok(server.produced < BOMB_BYTES, 'the client stopped reading the answer')
      } finally {
        await client.close()
        await server.close()
      }
    })

    test('a BatchWriter against the same 200: every line written, none sent twice', async () => {
      const server = await startBombServer(200)
      const client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o', ...extra })
      try {
        const writer = client.writeApi().batchWriter({ bucket: 'b', batchSize: 2 })
        await writer.write(['m f=1 1', 'm f=2 2', 'm f=3 3'])
        await writer.close()
        assert.equal(writer.stats.writtenLines, 3)
        assert.equal(server.requests, 2)
      } finally {
        await client.close()
        await server.close()
      }
    })

    test('a 400 streaming a gzip bomb: the InfluxDBError, its body cut at the cap, in bounded memory', async () => {
      const server = await startBombServer(400, 'unable to parse: ')
      const client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o', ...extra })
      try {
        const { result: error, growth } = await peakGrowth(() =>
          client
            .writeApi()
            .write('b', 'o', 'm f=1 1')
            .catch((e: unknown) => e),
        )
        assert.ok(error instanceof InfluxDBError, String(error))
        assert.equal(error.statusCode, 400)
        assert.ok(error.body.startsWith('unable to parse: 000'), error.body.slice(0, 40))
        assert.equal(Buffer.byteLength(error.body), MAX_RESPONSE_BODY_BYTES)
        assert.equal(server.requests, 1)
        assert.ok(growth < 64 * MiB, `memory grew by ${(growth / MiB).toFixed(0)} MiB`)
      } finally {
        await client.close()
        await server.close()
      }
    })
  })
}
