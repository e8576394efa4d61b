/**
 * A real node:http server on 127.0.0.1 (random port) that records every request byte for byte
 * and answers as told. Shared by the HTTP-level tests.
 *
 *   const server = await startRecordingServer()            // answers 204 to everything
 *   const server = await startRecordingServer([{ status: 503, headers: { 'retry-after': '1' } }, { status: 204 }])
 *   const server = await startRecordingServer((req, i) => ({ status: req.path === '/ping' ? 204 : 400, body: '…' }))
 *   … server.url, server.requests[0].body, server.connections …
 *   await server.close()
 *
 * With a list of replies, request i gets reply i, and the last reply repeats.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** One recorded request. */
export interface RecordedRequest {
  method: string
  /** The path without the query string. */
  path: string
  /** The raw query string without `?` (`org=my+org&bucket=b`), '' when none. */
  rawQuery: string
  /** The query parameters, decoded, in wire order. */
  query: Array<[string, string]>
  /** Lower-cased header names, as node parses them. */
  headers: IncomingHttpHeaders
  /** The body as sent (possibly gzip). */
  rawBody: Buffer
  /** The body as UTF-8 text, gunzipped when `Content-Encoding: gzip`. */
  body: string
  /** Which TCP connection carried it (1, 2, … in accept order). */
  connection: number
  /** `Date.now()` when the request arrived. */
  receivedAt: number
}

/** How to answer one request. */
export interface Reply {
  /** Default 204. */
  status?: number
  headers?: Record<string, string | string[]>
  body?: string | Buffer
  /** Wait this long before answering, ms. */
  delayMs?: number
  /** Destroy the connection instead of answering (a network error for the client). */
  destroy?: boolean
}

/** Computes the reply for request `index` (0-based). */
export type Responder = (request: RecordedRequest, index: number) => Reply | Promise<Reply>

/** A running recording server. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** Every request so far, in arrival order. */
  requests: RecordedRequest[]
  /** TCP connections accepted so far. */
  readonly connections: number
  /** Changes how later requests are answered. */
  respond(responder: Responder | Reply[]): void
  /** Drops every connection and stops listening. */
  close(): Promise<void>
}

/** Starts a recording server; see the module description. */
export async function startRecordingServer(responder: Responder | Reply[] = []): Promise<RecordingServer> {
  let current = toResponder(responder)
  const requests: RecordedRequest[] = []
  const sockets = new Map<Socket, number>()
  const timers = new Set<NodeJS.Timeout>()
  let connections = 0

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks)
      const url = new URL(req.url ?? '/', 'http://recorder')
      const gzip = (req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip'
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        rawQuery: url.search.slice(1),
        query: [...url.searchParams.entries()],
        headers: req.headers,
        rawBody,
        body: (gzip && rawBody.length > 0 ? gunzipSync(rawBody) : rawBody).toString('utf8'),
        connection: sockets.get(req.socket) ?? 0,
        receivedAt: Date.now(),
      }
      const index = requests.push(recorded) - 1
      Promise.resolve(current(recorded, index)).then(
        (reply) => answer(res, reply),
        (error: unknown) => answer(res, { status: 500, body: String(error) }),
      )
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, ++connections)
    socket.on('close', () => sockets.delete(socket))
  })

  function answer(res: ServerResponse, reply: Reply): void {
    const send = (): void => {
      if (reply.destroy === true) {
        res.socket?.destroy()
        return
      }
      res.writeHead(reply.status ?? 204, reply.headers)
      res.end(reply.body)
    }
    if (reply.delayMs === undefined) {
      send()
      return
    }
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!res.destroyed) send()
    }, reply.delayMs)
    timers.add(timer)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections
    },
    respond(next) {
      current = toResponder(next)
    },
    close() {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets.keys()) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function toResponder(responder: Responder | Reply[]): Responder {
  if (typeof responder === 'function') return responder
  return (_request, index) => responder[Math.min(index, responder.length - 1)] ?? {}
}
