/**
 * A write endpoint that answers before it has read the body, as some proxies and load balancers
 * do: 204 as soon as the first bytes of a request arrive, then the rest of the body is read
 * later. Every body is kept byte for byte, so a test can compare
 * what arrived with what was written: a client that reuses a body's buffer once the
 * answer arrived, while the socket still sends it, corrupts the bytes that follow.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface EarlyAnswerServer {
  url: string
  /** Complete bodies, in the order they ended. */
  bodies: Buffer[]
  /** Requests whose body has not ended yet. */
  readonly pending: number
  /** Resolves once no body is pending (bodies answered early still arrive after the answer). */
  drained(): Promise<void>
  close(): Promise<void>
}

export interface EarlyAnswerOptions {
  /** Status of the early answer. Default 204. */
  status?: number
  /** How long the body is left unread after the answer, ms. Default 300. */
  pauseMs?: number
}

export async function startEarlyAnswerServer(options: EarlyAnswerOptions = {}): Promise<EarlyAnswerServer> {
  const status = options.status ?? 204
  const pauseMs = options.pauseMs ?? 300
  const bodies: Buffer[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let pending = 0
  let waiters: Array<() => void> = []

  const later = (fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      fn()
    }, pauseMs)
    timers.add(timer)
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    pending++
    const chunks: Buffer[] = []
    let answered = false
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      if (answered) return
      answered = true
      res.writeHead(status, { 'content-length': '0' })
      res.end()
      // Nothing more is read for a while: the socket's buffers fill up (the receiver's stays
      // small, as nothing was read fast yet) and the rest of the body waits in the client.
      req.pause()
      later(() => req.resume())
    })
    const done = (): void => {
      pending--
      if (pending === 0) {
        for (const resolve of waiters) resolve()
        waiters = []
      }
    }
    req.on('end', () => {
      if (!answered) res.writeHead(status, { 'content-length': '0' }).end()
      bodies.push(Buffer.concat(chunks))
      done()
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    get pending() {
      return pending
    },
    drained: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
