// A server that answers 204 after the first bytes of a body and reads the rest slowly: every byte
// it receives must be what was written. A body's buffer must not serve another batch or another
// write() until the engine has handed all of it to the socket, on both engines, including a
// fetch that reads the body lazily (it answers while still writing, as node-fetch does).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { Readable } from 'node:stream'
import { InfluxDBClientAsync, type ClientOptions } from '../../src/index.js'
import type { FetchFunction } from '../../src/http/fetch-engine.js'
import { startTestServer } from '../../src/testing/index.js'

/** A fetch over node:http that resolves on the answer's headers and writes the caller's bytes as they are, uncopied. */
const lazyFetch: FetchFunction = (url, init) =>
  new Promise<Response>((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers as Record<string, string> })
    init.signal?.addEventListener(
      'abort',
      () => {
        req.destroy()
        reject(init.signal!.reason)
      },
      { once: true },
    )
    req.on('error', reject)
    req.on('response', (res) => {
      const status = res.statusCode ?? 0
      const headers = new Headers()
      for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value)
      if (status === 204 || status === 304) {
        res.resume()
        resolve(new Response(null, { status, headers }))
      } else {
        resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers }))
      }
    })
    req.end(init.body as Uint8Array | string | undefined)
  })

interface EarlyAnswerServer {
  url: string
  /** Complete bodies, in the order they ended. */
  bodies: Buffer[]
  /** Resolves once no body is pending (bodies answered early still arrive after the answer). */
  drained(): Promise<void>
  close(): Promise<void>
}

/**
 * The test server answering 204 as soon as the first bytes of a body arrive, as some proxies and
 * load balancers do, and reading the rest only after `pauseMs`. Every body is kept byte for byte,
 * so that what arrived can be compared with what was written.
 */
async function startEarlyAnswerServer(pauseMs = 300): Promise<EarlyAnswerServer> {
  // The bodies are kept here, whole; the server's own log would let the oldest go.
  const server = await startTestServer({ maxRecordedRequests: 0 })
  const bodies: Buffer[] = []
  const timers = new Set<NodeJS.Timeout>()
  let pending = 0
  let waiters: Array<() => void> = []
  server.intercept((req, res) => {
    pending++
    const chunks: Buffer[] = []
    let answered = false
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      if (answered) return
      answered = true
      res.writeHead(204, { 'content-length': '0' })
      res.end()
      // Nothing more is read for a while: the socket's buffers fill up (the receiver's stays
      // small, as nothing was read fast yet) and the rest of the body waits in the client.
      req.pause()
      const timer = setTimeout(() => {
        timers.delete(timer)
        req.resume()
      }, pauseMs)
      timers.add(timer)
    })
    req.on('end', () => {
      if (!answered) res.writeHead(204, { 'content-length': '0' }).end()
      bodies.push(Buffer.concat(chunks))
      if (--pending === 0) {
        for (const resolve of waiters) resolve()
        waiters = []
      }
    })
    return true
  })
  return {
    url: server.url,
    bodies,
    drained: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      await server.close()
    },
  }
}

const engines: Array<[string, Partial<ClientOptions>]> = [
  ['node:http', {}],
  ['a fetch that reads the body lazily', { fetch: lazyFetch }],
  // Node's own fetch (undici) is left out: it closes the connection once a complete answer has
  // arrived, so such a server never gets the rest of the body, whatever the client does.
]

/**
 * A line per index, each one distinct and long enough that a body outgrows what the kernel's
 * socket buffers take while the server reads nothing.
 */
// 4.1 MB: more than Linux's loopback socket buffers take from a sender whose reader is paused
// (about 3.9 MB), and within the 4 MiB buffer the serialiser gives a body whole and takes back
// for the next body once the body was sent.
const LINES_PER_BODY = 17_200

function line(call: number, i: number): string {
  return `early,call=c${call},pad=${'x'.repeat(200)} value=${i}i ${1_000_000 + i}`
}

/** Every line that arrived, with how often it arrived, and bodies holding a line that was never written. */
function tally(bodies: Buffer[]): { seen: Map<string, number>; lines: number } {
  const seen = new Map<string, number>()
  let lines = 0
  for (const body of bodies) {
    for (const text of body.toString('utf8').split('\n')) {
      seen.set(text, (seen.get(text) ?? 0) + 1)
      lines++
    }
  }
  return { seen, lines }
}

for (const [name, engine] of engines) {
  describe(`a server that answers before reading the body, over ${name}`, () => {
    test('BatchWriter: every line arrives once and intact; writtenLines is what arrived', async () => {
      const server = await startEarlyAnswerServer()
      const client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o', retry: false, ...engine })
      const total = 150_000
      try {
        // Room for two batches: the third is built in the buffer the first one gives back.
        const writer = client
          .writeApi()
          .batchWriter({ bucket: 'b', batchSize: 25_000, maxInFlight: 2, maxBufferedLines: 50_000, flushInterval: 0 })
        for (let i = 0; i < total; i += 5000) {
          await writer.write(Array.from({ length: 5000 }, (_, k) => line(0, i + k)))
        }
        await writer.close()
        await server.drained()
        const { seen, lines } = tally(server.bodies)
        const expected = new Set(Array.from({ length: total }, (_, i) => line(0, i)))
        const strangers = [...seen.keys()].filter((l) => !expected.has(l))
        assert.deepEqual(strangers.slice(0, 3), [], `${strangers.length} line(s) arrived that were never written`)
        const twice = [...seen].filter(([, n]) => n > 1)
        assert.deepEqual(twice.slice(0, 3), [], `${twice.length} line(s) arrived more than once`)
        assert.equal(lines, total)
        assert.equal(writer.stats.writtenLines, lines)
      } finally {
        await client.close()
        await server.close()
      }
    })

    test('concurrent one-shot write() calls: each request holds the lines of one call, all of them', async () => {
      const server = await startEarlyAnswerServer()
      const client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o', retry: false, ...engine })
      const calls = 4
      const perCall = LINES_PER_BODY
      try {
        const api = client.writeApi()
        const results = await Promise.all(
          Array.from({ length: calls }, (_, call) =>
            api.write(
              'b',
              'o',
              Array.from({ length: perCall }, (_, i) => line(call, i)),
            ),
          ),
        )
        assert.deepEqual(results, Array(calls).fill(true))
        // A second round reuses what the first one released.
        await Promise.all(
          Array.from({ length: calls }, (_, call) =>
            api.write(
              'b',
              'o',
              Array.from({ length: perCall }, (_, i) => line(call + calls, i)),
            ),
          ),
        )
        await server.drained()
        assert.equal(server.bodies.length, 2 * calls)
        for (const body of server.bodies) {
          const lines = body.toString('utf8').split('\n')
          const call = /call=c(\d+)/.exec(lines[0])?.[1]
          const expected = Array.from({ length: perCall }, (_, i) => line(Number(call), i))
          const wrong = lines.findIndex((l, i) => l !== expected[i])
          assert.equal(
            wrong,
            -1,
            `request of call ${call}: line ${wrong} is ${JSON.stringify(lines[wrong]?.slice(0, 60))}`,
          )
          assert.equal(lines.length, perCall)
        }
      } finally {
        await client.close()
        await server.close()
      }
    })

    test('a streamed write(): each request holds its own chunk of the source, in order', async () => {
      const server = await startEarlyAnswerServer()
      const client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o', retry: false, ...engine })
      const chunk = LINES_PER_BODY
      const total = 6 * chunk
      async function* source(): AsyncGenerator<string> {
        for (let i = 0; i < total; i++) {
          if (i % 1000 === 0) await Promise.resolve()
          yield line(9, i)
        }
      }
      try {
        assert.equal(await client.writeApi().write({ bucket: 'b', record: source(), chunkSize: chunk }), true)
        await server.drained()
        assert.equal(server.bodies.length, total / chunk)
        const arrived = server.bodies.map((body) => body.toString('utf8').split('\n'))
        // The server's reads may end out of order: sort the requests by their first line.
        arrived.sort((a, b) => Number(/value=(\d+)i/.exec(a[0])![1]) - Number(/value=(\d+)i/.exec(b[0])![1]))
        const lines = arrived.flat()
        const wrong = lines.findIndex((l, i) => l !== line(9, i))
        assert.equal(wrong, -1, `line ${wrong} is ${JSON.stringify(lines[wrong]?.slice(0, 60))}`)
        assert.equal(lines.length, total)
      } finally {
        await client.close()
        await server.close()
      }
    })
  })
}
