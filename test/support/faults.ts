// Seeded faults on the public test server: a share of the requests is answered 503, 429 with
// Retry-After, reset (before the body is read, so mid-upload as in real life) or stalled past the
// client's timeout, and everything a test needs to prove that no line was lost and that the
// client waited as long as the server asked is kept. Only 204-acknowledged bodies count as received.
import type { ServerResponse } from 'node:http'
import { createHash } from 'node:crypto'
import { startTestServer, type TestReply, type TestServer } from '../../src/testing/index.js'

export type Fault = '503' | '429' | 'reset' | 'stall'

/** What the server does with one request. `ok` = 204 after `delayMs`. */
export type Answer = Fault | 'ok' | { status: number; body?: string; headers?: Record<string, string> }

export interface FaultOptions {
  /** Share of requests that get a fault (0..1). Default 0. */
  faultRate?: number
  /** Faults drawn from, evenly. Default all four. */
  faults?: readonly Fault[]
  /** Retry-After sent with 429, seconds. Default 1. */
  retryAfterSeconds?: number
  /** How long a stalled request is held before its connection is dropped, ms. Default 2000. */
  stallMs?: number
  /** Latency of every answered request, ms. Default 0. */
  delayMs?: number
  /** Seed of the fault dice, for reproducible runs. */
  seed?: number
  /** Decides the answer instead of the dice (`undefined` = use the dice). */
  decide?: (request: { body: string; lines: string[]; index: number }) => Answer | undefined
  /** Called with the lines of every 204-acknowledged body, before the 204 is sent. */
  onAcknowledged?: (lines: string[], request: FaultRecord) => void
}

/** One request and what it got. Times are `performance.now()` in this process. */
export interface FaultRecord {
  /** The test server's request index. */
  index: number
  url: string
  /** sha256 of the body: the identity of a batch across its retries. */
  hash: string
  lineCount: number
  arrivedAt: number
  answer: string
  /** When the answer was handed to the server to send (undefined for resets and stalls). */
  answeredAt?: number
  /** For a 429: the earliest time a retry of this body may arrive. */
  notBefore?: number
  /** The client's own name for the send this request came from (its `x-test-send-id` header), when it gave one. */
  sendId?: string
}

export interface FaultyTestServer {
  url: string
  /** The test server itself. */
  server: TestServer
  requests: FaultRecord[]
  /** Lines in 204-acknowledged requests (duplicates included). */
  acknowledgedLines: number
  /** Requests being handled right now, and the most ever at once. */
  concurrent: number
  peakConcurrent: number
  faultCounts: Record<string, number>
  close(): Promise<void>
}

interface Arrival {
  arrivedAt: number
  dice: Answer | undefined
  response: ServerResponse
  sendId: { sendId?: string }
}

/** Starts the public test server on 127.0.0.1 with these faults. */
export async function startFaultyTestServer(options: FaultOptions = {}): Promise<FaultyTestServer> {
  const random = mulberry32(options.seed ?? 1)
  const faults = options.faults ?? ['503', '429', 'reset', 'stall']
  // The fault log below is what the tests read; the server's own would hold every body twice.
  const server = await startTestServer({ maxRecordedRequests: 0 })
  const arrivals = new Map<number, Arrival>()
  const state: FaultyTestServer = {
    url: server.url,
    server,
    requests: [],
    acknowledgedLines: 0,
    concurrent: 0,
    peakConcurrent: 0,
    faultCounts: {},
    close: () => server.close(),
  }
  const count = (kind: string): void => {
    state.faultCounts[kind] = (state.faultCounts[kind] ?? 0) + 1
  }

  server.intercept((req, res, { index }) => {
    const arrivedAt = performance.now()
    state.concurrent++
    if (state.concurrent > state.peakConcurrent) state.peakConcurrent = state.concurrent
    let finished = false
    const done = (): void => {
      if (finished) return
      finished = true
      state.concurrent--
    }
    res.on('finish', done)
    res.on('close', done)
    // Decided before the body is read so that a reset can hit mid-upload.
    const dice: Answer | undefined =
      options.decide === undefined && random() < (options.faultRate ?? 0)
        ? faults[Math.floor(random() * faults.length)]
        : undefined
    const sendIdHeader = req.headers['x-test-send-id']
    const sendId = typeof sendIdHeader === 'string' ? { sendId: sendIdHeader } : {}
    if (dice === 'reset') {
      state.requests.push({ index, url: req.url ?? '', hash: '', lineCount: 0, arrivedAt, answer: 'reset', ...sendId })
      count('reset')
      req.socket.destroy()
      done()
      return true
    }
    arrivals.set(index, { arrivedAt, dice, response: res, sendId })
    return false
  })

  server.respondWith(async (request): Promise<TestReply> => {
    const arrival = arrivals.get(request.index)!
    arrivals.delete(request.index)
    const { body, index } = request
    const lines = body === '' ? [] : body.split('\n')
    const answer = arrival.dice ?? options.decide?.({ body, lines, index }) ?? 'ok'
    const record: FaultRecord = {
      index,
      url: request.path + (request.rawQuery === '' ? '' : `?${request.rawQuery}`),
      hash: createHash('sha256').update(body).digest('hex'),
      lineCount: lines.length,
      arrivedAt: arrival.arrivedAt,
      answer: typeof answer === 'string' ? answer : String(answer.status),
      ...arrival.sendId,
    }
    state.requests.push(record)
    // The server sends a reply in the microtask after this one, unless the client has gone.
    const reply = (status: number, text = '', headers: Record<string, string> = {}): TestReply => {
      if (!arrival.response.destroyed) record.answeredAt = performance.now()
      return {
        status,
        headers: text === '' ? headers : { 'content-type': 'application/json', ...headers },
        body: text,
      }
    }
    if (answer === 'reset') {
      count('reset')
      return { drop: true }
    }
    if (answer === 'stall') {
      count('stall')
      return { drop: true, delayMs: options.stallMs ?? 2000 }
    }
    if (answer === '503') {
      count('503')
      return reply(503, JSON.stringify({ code: 'unavailable', message: 'injected 503' }))
    }
    if (answer === '429') {
      count('429')
      const seconds = options.retryAfterSeconds ?? 1
      const sent = reply(429, JSON.stringify({ code: 'too many requests', message: 'injected 429' }), {
        'retry-after': String(seconds),
      })
      record.notBefore = record.answeredAt! + seconds * 1000
      return sent
    }
    if (answer === 'ok') {
      const delayMs = options.delayMs ?? 0
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
      if (arrival.response.destroyed) return { drop: true }
      options.onAcknowledged?.(lines, record)
      state.acknowledgedLines += lines.length
      return reply(204)
    }
    count(String(answer.status))
    return reply(answer.status, answer.body ?? '', answer.headers ?? {})
  })
  return state
}

/** A small seeded PRNG, so a failing run can be replayed with the same faults. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
