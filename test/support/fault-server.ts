// A local write endpoint that misbehaves on purpose: it answers 503, answers 429 with
// Retry-After, resets connections or stalls past the client's timeout, on a chosen share of the
// requests, and records everything a test needs to prove that no line was lost and that the
// client waited as long as the server asked. Only 204-acknowledged bodies count as received.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createHash } from 'node:crypto'

export type Fault = '503' | '429' | 'reset' | 'stall'

/** What the server does with one request. `ok` = 204 after `delayMs`. */
export type Answer = Fault | 'ok' | { status: number; body?: string; headers?: Record<string, string> }

export interface FaultServerOptions {
  /** Share of requests that get a fault (0..1). Default 0. */
  faultRate?: number
  /** Faults drawn from, evenly. Default all four. */
  faults?: readonly Fault[]
  /** Retry-After sent with 429, seconds. Default 1. */
  retryAfterSeconds?: number
  /** How long a stalled request is held before its socket is destroyed, ms. Default 2000. */
  stallMs?: number
  /** Latency of every answered request, ms. Default 0. */
  delayMs?: number
  /** Seed of the fault dice, for reproducible runs. */
  seed?: number
  /** Decides the answer instead of the dice (`undefined` = use the dice). */
  decide?: (request: { body: string; lines: string[]; index: number }) => Answer | undefined
  /** Called with the lines of every 204-acknowledged body, before the 204 is sent. */
  onAcknowledged?: (lines: string[], request: RecordedRequest) => void
}

/** One request as the server saw it. Times are `performance.now()` in this process. */
export interface RecordedRequest {
  index: number
  url: string
  /** sha256 of the body: the identity of a batch across its retries. */
  hash: string
  lineCount: number
  arrivedAt: number
  answer: string
  /** When the answer was handed to the socket (undefined for resets and stalls). */
  answeredAt?: number
  /** For a 429: the earliest time a retry of this body may arrive. */
  notBefore?: number
  /** The client's own name for the send this request came from (its `x-test-send-id` header), when it gave one. */
  sendId?: string
}

export interface FaultServer {
  url: string
  requests: RecordedRequest[]
  /** Lines in 204-acknowledged requests (duplicates included). */
  acknowledgedLines: number
  /** Requests being handled right now, and the most ever at once. */
  concurrent: number
  peakConcurrent: number
  faultCounts: Record<string, number>
  close(): Promise<void>
}

/** Starts the server on 127.0.0.1, port 0. */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const random = mulberry32(options.seed ?? 1)
  const faults = options.faults ?? ['503', '429', 'reset', 'stall']
  const sockets = new Set<Socket>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const state: FaultServer = {
    url: '',
    requests: [],
    acknowledgedLines: 0,
    concurrent: 0,
    peakConcurrent: 0,
    faultCounts: {},
    close: async () => {
      for (const t of timers) clearTimeout(t)
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }

  const handle = (req: IncomingMessage, res: ServerResponse, index: number, arrivedAt: number): void => {
    let finished = false
    const done = (): void => {
      if (finished) return
      finished = true
      state.concurrent--
    }
    res.on('finish', done)
    res.on('close', done)
    req.on('error', () => undefined)
    res.on('error', () => undefined)

    // Decided before the body is read so that a reset can hit mid-upload, as in real life.
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
      return
    }
    const parts: Buffer[] = []
    req.on('data', (part: Buffer) => parts.push(part))
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8')
      const lines = body === '' ? [] : body.split('\n')
      const answer = dice ?? options.decide?.({ body, lines, index }) ?? 'ok'
      const record: RecordedRequest = {
        index,
        url: req.url ?? '',
        hash: createHash('sha256').update(body).digest('hex'),
        lineCount: lines.length,
        arrivedAt,
        answer: typeof answer === 'string' ? answer : String(answer.status),
        ...sendId,
      }
      state.requests.push(record)
      const send = (status: number, text = '', headers: Record<string, string> = {}): void => {
        if (res.destroyed) return
        record.answeredAt = performance.now()
        res.writeHead(status, text === '' ? headers : { 'content-type': 'application/json', ...headers })
        res.end(text)
      }
      if (answer === 'reset') {
        count('reset')
        req.socket.destroy()
      } else if (answer === 'stall') {
        count('stall')
        later(options.stallMs ?? 2000, () => req.socket.destroy())
      } else if (answer === '503') {
        count('503')
        send(503, JSON.stringify({ code: 'unavailable', message: 'injected 503' }))
      } else if (answer === '429') {
        count('429')
        const seconds = options.retryAfterSeconds ?? 1
        send(429, JSON.stringify({ code: 'too many requests', message: 'injected 429' }), {
          'retry-after': String(seconds),
        })
        record.notBefore = record.answeredAt! + seconds * 1000
      } else if (answer === 'ok') {
        later(options.delayMs ?? 0, () => {
          if (res.destroyed) return
          options.onAcknowledged?.(lines, record)
          state.acknowledgedLines += lines.length
          send(204)
        })
      } else {
        count(String(answer.status))
        send(answer.status, answer.body ?? '', answer.headers ?? {})
      }
    })
  }

  const count = (kind: string): void => {
    state.faultCounts[kind] = (state.faultCounts[kind] ?? 0) + 1
  }

  let nextIndex = 0
  const server = createServer((req, res) => {
    const arrivedAt = performance.now()
    state.concurrent++
    if (state.concurrent > state.peakConcurrent) state.peakConcurrent = state.concurrent
    handle(req, res, nextIndex++, arrivedAt)
  })
  server.keepAliveTimeout = 60_000
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
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
