// The TCP side of the test server: binds, numbers the connections it accepts, and closes them all.
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A node:http server on one address that knows which connection carried each request. */
export class HttpListener {
  readonly #server: Server
  readonly #connectionNumbers = new WeakMap<Socket, number>()
  #connections = 0
  #closed: Promise<void> | undefined
  #url = ''

  constructor(onRequest: (request: IncomingMessage, response: ServerResponse) => void) {
    this.#server = createServer({ keepAlive: true }, onRequest)
    this.#server.on('connection', (socket: Socket) => {
      this.#connectionNumbers.set(socket, ++this.#connections)
    })
  }

  /** `http://host:port` once listening. */
  get url(): string {
    return this.#url
  }

  /** TCP connections accepted so far. */
  get connections(): number {
    return this.#connections
  }

  /** Which connection (1, 2, … in accept order) carries `request`. */
  connectionOf(request: IncomingMessage): number {
    return this.#connectionNumbers.get(request.socket) ?? 0
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject)
        const address = this.#server.address() as AddressInfo
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
        this.#url = `http://${shownHost}:${address.port}`
        resolve()
      })
    })
  }

  /** Stops listening and drops every connection. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve())
      this.#server.closeAllConnections()
    })
    return this.#closed
  }
}
