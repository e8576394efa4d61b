// The embedded InfluxDB-compatible HTTP server: takes each request through the caller's
// interceptor and responder, injected faults and the generation's routes, answers, and records it.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { gunzipSync } from 'node:zlib'
import type { Reply, RequestContext } from './http-reply.js'
import { errorReply } from './http-reply.js'
import type { Journal } from './journal.js'
import { openJournal } from './journal.js'
import type { Bucket, TokenSpec } from './registry.js'
import type { RetentionRule } from './retention.js'
import { Registry } from './registry.js'
import type { PointFilter, StoredPoint } from './storage.js'
import { GENERATION_BUILD, GENERATION_VERSION, type ServerGeneration } from './generations.js'
import { ServerClock } from './clock.js'
import { HttpListener } from './listener.js'
import { RequestRecorder, type ReceivedRequest, type RecordedRequest } from './recorder.js'
import {
  FaultInjector,
  type FailureOptions,
  type RequestInterceptor,
  type Responder,
  type TestReply,
} from './fault-injector.js'
import { routeRequest, type HandlerEnvironment } from './router.js'

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /**
   * Which InfluxDB generation the server answers as; default `'v2'`.
   * - `'v2'`: InfluxDB 2.x OSS (`/api/v2/write`, `/api/v2/delete`, buckets and orgs).
   * - `'v1'`: InfluxDB 1.x (`X-Influxdb-Version: 1.7.11`): `/write?db=&rp=` and InfluxQL `DELETE`
   *   through `/query`; each bucket of the default org is a database, and a bucket named `db/rp` a
   *   retention policy. `{"error"}` bodies, partial writes that keep the good lines, `us` refused.
   *   No `/api/v2` endpoints, as before 1.8.
   * - `'v3'`: InfluxDB 3 Core (`X-Influxdb-Version: 3.10.0`): `/api/v3/write_lp` with partial
   *   writes naming each bad line, `accept_partial`, precision `auto`; databases are created on
   *   first write; `/ping` answers JSON and needs the token. No delete endpoint.
   */
  apiVersion?: ServerGeneration
  /**
   * v1 and v3: the largest request body in bytes, answered with 413 above it (InfluxDB 1.x's
   * `max-body-size` is 25,000,000 by default, InfluxDB 3's limit 10 MiB).
   */
  maxRequestBytes?: number
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  /** Interface to bind; default `127.0.0.1`. */
  host?: string
  /** The all-access token; default `test-token`. */
  token?: string
  /** More tokens, for example a read-only one to provoke 403. */
  tokens?: TokenSpec[]
  /** The organization created at start; default `test-org`. */
  org?: string
  /** Buckets created in that org at start; default `['test-bucket']`. */
  buckets?: string[]
  /** A file that journals every change; it is replayed at start, so data survives restarts. */
  persistPath?: string
  /**
   * How many requests {@link TestServer.requests} keeps (the newest); default 1000, 0 keeps none.
   * Whatever this says, older requests are also let go once the kept bodies pass 64 MiB.
   */
  maxRecordedRequests?: number
}

/** A running embedded server. */
export interface TestServer {
  /** `http://host:port`. */
  readonly url: string
  /** The all-access token. */
  readonly token: string
  /** The default org name. */
  readonly org: string
  /** The default org's ID (16 hex digits, the same on every start). */
  readonly orgID: string
  /** The requests received so far, oldest first (see `maxRecordedRequests`). */
  readonly requests: RecordedRequest[]
  /** The TCP connections accepted so far, counting those already closed. */
  readonly connections: number
  /** The points of a bucket (name in the default org, or ID). */
  points(bucket: string, filter?: PointFilter): StoredPoint[]
  /** The number of points in a bucket that `filter` selects, counted without building them. */
  count(bucket: string, filter?: PointFilter): number
  /** Creates a bucket (idempotent) and returns its ID. A retention rule drops points older than it when they are written. */
  createBucket(name: string, options?: { org?: string; retentionRules?: RetentionRule[] }): string
  /** The next `times` requests to `path` answer `status`, without being processed. */
  failNext(options: FailureOptions): void
  /** Every response waits `ms` milliseconds before the request is processed; 0 turns it off. */
  delay(ms: number): void
  /** The next `times` requests to `path` (default `/api/v2/write`) have their connection destroyed unanswered. */
  dropConnections(times?: number, path?: string): void
  /**
   * From now on `responder` sees every request once its body has arrived (after {@link delay}) and
   * may answer it with a {@link TestReply} of its own; `undefined` turns it off.
   *
   * @example
   * // 503 on every write whose body mentions "busy"; everything else is answered as InfluxDB would.
   * server.respondWith((request) => (request.body.includes('busy') ? { status: 503 } : undefined))
   */
  respondWith(responder: Responder | undefined): void
  /**
   * From now on `interceptor` sees every request before the server reads any of it, and may take
   * it over (see {@link RequestInterceptor}); `undefined` turns it off.
   *
   * @example
   * // 204 as soon as the first bytes of a body arrive; the rest is read a second later.
   * server.intercept((request, response) => {
   *   request.once('data', () => {
   *     response.writeHead(204).end()
   *     request.pause()
   *     setTimeout(() => request.resume(), 1000)
   *   })
   *   return true
   * })
   */
  intercept(interceptor: RequestInterceptor | undefined): void
  /** Forgets every point, recorded request, injected fault, responder and interceptor; orgs and buckets stay. */
  reset(): void
  /** Stops listening and closes every connection. Idempotent. */
  close(): Promise<void>
  /** `await using server = await startTestServer()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>
}

const DEFAULTS = {
  host: '127.0.0.1',
  token: 'test-token',
  org: 'test-org',
  buckets: ['test-bucket'],
  maxRecordedRequests: 1000,
}

/**
 * Starts an InfluxDB-2.x-compatible server on loopback for tests and demos.
 *
 * @example
 * const server = await startTestServer()
 * // … point the client at server.url with server.token and server.org, write to 'test-bucket' …
 * assert.equal(server.points('test-bucket').length, 1)
 * await server.close()
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const state = new ServerState(options)
  try {
    await state.listen(options.port ?? 0, options.host ?? DEFAULTS.host)
  } catch (error) {
    // For example EADDRINUSE: release the journal so that a retry on another port can open it.
    state.journalOrUndefined()?.close()
    throw error
  }
  return state.api()
}

/** The head of a request, taken when it arrives. */
interface RequestHead {
  readonly url: URL
  readonly index: number
  readonly connection: number
  readonly time: Date
}

class ServerState implements HandlerEnvironment {
  readonly #registry = new Registry()
  readonly #tokens = new Map<string, TokenSpec>()
  readonly #clock = new ServerClock()
  readonly #faults = new FaultInjector()
  readonly #recorder: RequestRecorder
  readonly #listener: HttpListener
  readonly #journal: Journal | undefined
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()
  #closed: Promise<void> | undefined
  #received = 0
  readonly #orgName: string
  readonly #orgID: string
  readonly #token: string
  readonly #generation: ServerGeneration
  readonly maxRequestBytes: number

  constructor(options: TestServerOptions) {
    this.#generation = options.apiVersion ?? 'v2'
    if (!['v1', 'v2', 'v3'].includes(this.#generation))
      throw new TypeError(
        `startTestServer: "apiVersion" must be 'v1', 'v2' or 'v3', got ${JSON.stringify(options.apiVersion)}`,
      )
    this.maxRequestBytes = options.maxRequestBytes ?? (this.#generation === 'v1' ? 25_000_000 : 10 * 1024 * 1024)
    this.#token = options.token ?? DEFAULTS.token
    this.#tokens.set(this.#token, { token: this.#token, permissions: 'all' })
    for (const spec of options.tokens ?? []) this.#tokens.set(spec.token, spec)
    this.#recorder = new RequestRecorder(options.maxRecordedRequests ?? DEFAULTS.maxRecordedRequests)
    this.#orgName = options.org ?? DEFAULTS.org
    const org = this.#registry.createOrg(this.#orgName)
    this.#orgID = org.id
    for (const name of options.buckets ?? DEFAULTS.buckets) this.#registry.createBucket(org.id, name)
    this.#journal = options.persistPath === undefined ? undefined : openJournal(options.persistPath, this.#registry)
    this.#listener = new HttpListener((req, res) => this.#onRequest(req, res))
  }

  listen(port: number, host: string): Promise<void> {
    return this.#listener.listen(port, host)
  }

  now(): bigint {
    return this.#clock.now()
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const head: RequestHead = {
      url: new URL(req.url ?? '/', 'http://localhost'),
      index: this.#received++,
      connection: this.#listener.connectionOf(req),
      time: new Date(),
    }
    if (this.#faults.interceptor?.(req, res, { index: head.index, connection: head.connection }) === true) {
      this.#recordTakenOver(req, res, head)
      return
    }
    if (this.#faults.takeDrop(head.url.pathname)) {
      this.#recorder.record(received(req, head, Buffer.alloc(0)), 0)
      req.socket.destroy()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', () => req.socket.destroy())
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const answer = (): void => this.#answer(req, res, head, body)
      if (this.#faults.delayMs > 0) this.#later(this.#faults.delayMs, answer)
      else answer()
    })
  }

  #answer(req: IncomingMessage, res: ServerResponse, head: RequestHead, body: Buffer): void {
    const responder = this.#faults.responder
    if (responder === undefined) {
      this.#respond(req, res, head, body)
      return
    }
    const request = received(req, head, body)
    Promise.resolve()
      .then(() => responder(request))
      .then(
        (reply) =>
          reply === undefined ? this.#respond(req, res, head, body, request) : this.#sendOwn(res, reply, request),
        (error: unknown) => this.#sendOwn(res, { status: 500, body: String(error) }, request),
      )
  }

  /** Sends a responder's reply exactly as given. */
  #sendOwn(res: ServerResponse, reply: TestReply, request: ReceivedRequest): void {
    const status = reply.drop === true ? 0 : (reply.status ?? 204)
    // Recorded once the answer is known, so that a delayed answer is already listed while it waits.
    this.#recorder.record(request, status)
    const send = (): void => {
      if (reply.drop === true) {
        res.socket?.destroy()
        return
      }
      if (res.destroyed) return
      res.writeHead(status, reply.headers)
      res.end(reply.body)
    }
    if (reply.delayMs !== undefined && reply.delayMs > 0) this.#later(reply.delayMs, send)
    else send()
  }

  /** Answers as InfluxDB of the server's generation would, unless a failure was injected. */
  #respond(
    req: IncomingMessage,
    res: ServerResponse,
    head: RequestHead,
    body: Buffer,
    request?: ReceivedRequest,
  ): void {
    const ctx: RequestContext = {
      method: req.method ?? 'GET',
      path: head.url.pathname,
      query: head.url.searchParams,
      headers: req.headers,
      body,
      registry: this.#registry,
      tokens: this.#tokens,
    }
    let reply: Reply
    try {
      reply = this.#faults.takeFailure(ctx.path) ?? routeRequest(this.#generation, ctx, this)
    } catch (error) {
      // A bug in the server must still answer like InfluxDB would, and be visible.
      console.error('influxdb-client-async test server:', error)
      reply = errorReply(500, 'internal error', 'An internal error has occurred - check server logs')
    }
    if (this.#recorder.enabled) this.#recorder.record(request ?? received(req, head, body), reply.status)
    if (res.destroyed) return
    // InfluxDB 3's 401 carries no version headers; every other answer of every generation does.
    const versionHeaders: Record<string, string> =
      this.#generation === 'v3' && reply.status === 401
        ? {}
        : {
            'X-Influxdb-Build': GENERATION_BUILD[this.#generation],
            'X-Influxdb-Version': GENERATION_VERSION[this.#generation],
          }
    const headers: Record<string, string> = { ...versionHeaders, ...reply.headers }
    if (reply.json === undefined) {
      res.writeHead(reply.status, headers)
      res.end()
      return
    }
    const text = typeof reply.json === 'string' ? reply.json : goJson(reply.json)
    headers['Content-Type'] ??= 'application/json; charset=utf-8'
    res.writeHead(reply.status, headers)
    res.end(text)
  }

  /** Records a request an interceptor took over, once both its body and its answer are done. */
  #recordTakenOver(req: IncomingMessage, res: ServerResponse, head: RequestHead): void {
    const chunks: Buffer[] = []
    let pending = 2
    const done = (): void => {
      if (--pending > 0) return
      this.#recorder.record(received(req, head, Buffer.concat(chunks)), res.headersSent ? res.statusCode : 0)
    }
    if (this.#recorder.enabled) req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', () => undefined)
    req.once('close', done)
    res.once('close', done)
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      fn()
    }, ms)
    this.#timers.add(timer)
  }

  bucketNamed(name: string): Bucket | undefined {
    return this.#registry.bucketByName(this.#orgID, name)
  }

  database(name: string): Bucket {
    const existing = this.bucketNamed(name)
    if (existing !== undefined) return existing
    const bucket = this.#registry.createBucket(this.#orgID, name)
    this.#journal?.createBucket(bucket)
    return bucket
  }

  #bucketFor(nameOrId: string, orgName?: string): Bucket {
    const org = orgName === undefined ? this.#registry.orgById(this.#orgID) : this.#registry.orgByName(orgName)
    if (org === undefined) throw new Error(`organization "${orgName}" not found`)
    const bucket = this.#registry.bucketByName(org.id, nameOrId) ?? this.#registry.bucketById(nameOrId)
    if (bucket === undefined) throw new Error(`bucket "${nameOrId}" not found`)
    return bucket
  }

  journalOrUndefined(): Journal | undefined {
    return this.#journal
  }

  api(): TestServer {
    const listener = this.#listener
    return {
      url: listener.url,
      token: this.#token,
      org: this.#orgName,
      orgID: this.#orgID,
      requests: this.#recorder.requests,
      get connections() {
        return listener.connections
      },
      points: (bucket, filter) => this.#bucketFor(bucket).storage.points(filter),
      count: (bucket, filter) => this.#bucketFor(bucket).storage.count(filter),
      createBucket: (name, options = {}) => {
        const org =
          options.org === undefined ? this.#registry.orgById(this.#orgID) : this.#registry.orgByName(options.org)
        if (org === undefined) throw new Error(`organization "${options.org}" not found`)
        const existing = this.#registry.bucketByName(org.id, name)
        if (existing !== undefined) return existing.id
        const bucket = this.#registry.createBucket(org.id, name, options.retentionRules ?? [])
        this.#journal?.createBucket(bucket)
        return bucket.id
      },
      failNext: (failure) => this.#faults.failNext(failure),
      delay: (ms) => this.#faults.delay(ms),
      dropConnections: (times = 1, path = '/api/v2/write') => this.#faults.dropConnections(times, path),
      respondWith: (responder) => this.#faults.respondWith(responder),
      intercept: (interceptor) => this.#faults.intercept(interceptor),
      reset: () => {
        for (const bucket of this.#registry.buckets.values()) bucket.storage.clear()
        this.#recorder.reset()
        this.#faults.reset()
        this.#received = 0
        this.#journal?.reset()
      },
      close: () => this.#close(),
      [Symbol.asyncDispose]: () => this.#close(),
    }
  }

  #close(): Promise<void> {
    this.#closed ??= this.#listener.close().then(() => {
      for (const timer of this.#timers) clearTimeout(timer)
      this.#timers.clear()
      this.#journal?.close()
    })
    return this.#closed
  }
}

/** The request as a responder sees it and the log keeps it. */
function received(req: IncomingMessage, head: RequestHead, body: Buffer): ReceivedRequest {
  return {
    method: req.method ?? 'GET',
    path: head.url.pathname,
    query: Object.fromEntries(head.url.searchParams),
    rawQuery: head.url.search.slice(1),
    headers: req.headers,
    body: bodyText(body, req.headers['content-encoding']),
    rawBody: body,
    connection: head.connection,
    index: head.index,
    time: head.time,
  }
}

// JSON as Go's encoding/json writes it (what InfluxDB sends): <, >, &, U+2028 and U+2029 escaped.
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

function bodyText(body: Buffer, encoding: string | undefined): string {
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    try {
      return gunzipSync(body).toString('utf8')
    } catch {
      return body.toString('latin1')
    }
  }
  return body.toString('utf8')
}
