// The embedded InfluxDB-2.x-compatible HTTP server: routing, fault injection, request log.
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'
import type { Reply, RequestContext } from './http-reply.js'
import { codeForStatus, errorReply } from './http-reply.js'
import type { Journal } from './journal.js'
import { openJournal } from './journal.js'
import type { Bucket, TokenSpec } from './registry.js'
import type { RetentionRule } from './retention.js'
import { Registry } from './registry.js'
import { handleBuckets, handleOrgs } from './resource-handlers.js'
import { handleDelete } from './delete-handler.js'
import type { PointFilter, StoredPoint } from './storage.js'
import { handleHealth, handlePing } from './system-handlers.js'
import { handleWrite } from './write-handler.js'
import { handlePoints } from './points-handler.js'
import { GENERATION_BUILD, GENERATION_VERSION, textReply, type ServerGeneration } from './generations.js'
import { handleV1Query, handleV1Write } from './v1-handlers.js'
import { handleV3Ping, handleV3Write } from './v3-handlers.js'

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

/** A request as the server received it. */
export interface RecordedRequest {
  /** HTTP method, upper case. */
  method: string
  /** URL path, without the query. */
  path: string
  /** Query parameters, decoded. */
  query: Record<string, string>
  /** Request headers, lower-cased names. */
  headers: IncomingHttpHeaders
  /** The body as text; a valid gzip body is shown decompressed. */
  body: string
  /** The status answered; 0 when the connection was dropped on purpose. */
  status: number
  /** When the request arrived. */
  time: Date
}

/** Options of {@link TestServer.failNext}. */
export interface FailureOptions {
  /** HTTP status to answer, for example 429, 500 or 503. */
  status: number
  /** Seconds for the `Retry-After` header. */
  retryAfter?: number
  /** The body: an object is sent as JSON; default `{code, message: "injected failure"}`. */
  body?: string | object
  /** How many requests fail; default 1. */
  times?: number
  /** Which path fails; default `/api/v2/write`. */
  path?: string
  /** Extra response headers, for example `{ 'Content-Type': 'text/html' }` for a proxy's error page. */
  headers?: Record<string, string>
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
  /** Forgets every point, recorded request and injected fault; orgs and buckets stay. */
  reset(): void
  /** Stops listening and closes every connection. Idempotent. */
  close(): Promise<void>
  /** `await using server = await startTestServer()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>
}

interface Failure {
  reply: Reply
  remaining: number
  path: string
}

// Bounds the memory that recorded bodies take when a long-running `serve` ingests millions of points.
const MAX_RECORDED_BODY_CHARS = 64 * 1024 * 1024
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

class ServerState {
  readonly registry = new Registry()
  readonly tokens = new Map<string, TokenSpec>()
  readonly requests: RecordedRequest[] = []
  private readonly failures: Failure[] = []
  private readonly drops: Array<{ remaining: number; path: string }> = []
  private delayMs = 0
  private readonly server: Server
  private readonly journal: Journal | undefined
  private readonly maxRecorded: number
  private readonly clockOrigin = { wall: BigInt(Date.now()) * 1_000_000n, mono: process.hrtime.bigint() }
  private closed: Promise<void> | undefined
  private recordedBytes = 0
  private url = ''
  readonly orgName: string
  readonly orgID: string
  readonly token: string
  readonly generation: ServerGeneration
  readonly maxRequestBytes: number

  constructor(options: TestServerOptions) {
    this.generation = options.apiVersion ?? 'v2'
    if (!['v1', 'v2', 'v3'].includes(this.generation))
      throw new TypeError(
        `startTestServer: "apiVersion" must be 'v1', 'v2' or 'v3', got ${JSON.stringify(options.apiVersion)}`,
      )
    this.maxRequestBytes = options.maxRequestBytes ?? (this.generation === 'v1' ? 25_000_000 : 10 * 1024 * 1024)
    this.token = options.token ?? DEFAULTS.token
    this.tokens.set(this.token, { token: this.token, permissions: 'all' })
    for (const spec of options.tokens ?? []) this.tokens.set(spec.token, spec)
    this.maxRecorded = options.maxRecordedRequests ?? DEFAULTS.maxRecordedRequests
    this.orgName = options.org ?? DEFAULTS.org
    const org = this.registry.createOrg(this.orgName)
    this.orgID = org.id
    for (const name of options.buckets ?? DEFAULTS.buckets) this.registry.createBucket(org.id, name)
    this.journal = options.persistPath === undefined ? undefined : openJournal(options.persistPath, this.registry)
    this.server = createServer({ keepAlive: true }, (req, res) => this.onRequest(req, res))
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        const address = this.server.address() as AddressInfo
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
        this.url = `http://${shownHost}:${address.port}`
        resolve()
      })
    })
  }

  now(): bigint {
    return this.clockOrigin.wall + (process.hrtime.bigint() - this.clockOrigin.mono)
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const drop = this.drops.find((d) => d.path === url.pathname && d.remaining > 0)
    if (drop !== undefined) {
      drop.remaining--
      this.record(req, url, '', 0)
      req.socket.destroy()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', () => req.socket.destroy())
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const respond = (): void => this.respond(req, res, url, body)
      if (this.delayMs > 0) setTimeout(respond, this.delayMs)
      else respond()
    })
  }

  private respond(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    const ctx: RequestContext = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      registry: this.registry,
      tokens: this.tokens,
    }
    let reply: Reply
    try {
      reply = this.injectedFailure(url.pathname) ?? this.route(ctx)
    } catch (error) {
      // A bug in the server must still answer like InfluxDB would, and be visible.
      console.error('influxdb-client-async test server:', error)
      reply = errorReply(500, 'internal error', 'An internal error has occurred - check server logs')
    }
    if (this.maxRecorded > 0) this.record(req, url, bodyText(body, req.headers['content-encoding']), reply.status)
    if (res.destroyed) return
    // InfluxDB 3's 401 carries no version headers; every other answer of every generation does.
    const versionHeaders: Record<string, string> =
      this.generation === 'v3' && reply.status === 401
        ? {}
        : {
            'X-Influxdb-Build': GENERATION_BUILD[this.generation],
            'X-Influxdb-Version': GENERATION_VERSION[this.generation],
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

  private route(ctx: RequestContext): Reply {
    const route = (this.generation === 'v2' ? ROUTES : this.generation === 'v1' ? V1_ROUTES : V3_ROUTES)[ctx.path]
    // 1.x answers with Go's router text, 3.x with an empty 404.
    if (route === undefined && this.generation === 'v1') return textReply(404, '404 page not found\n')
    if (route === undefined && this.generation === 'v3') return { status: 404 }
    if (route === undefined) return errorReply(404, 'not found', 'path not found')
    const handler = route[ctx.method]
    if (handler === undefined) {
      return errorReply(405, 'method not allowed', `allow: ${Object.keys(route).join(', ')}`)
    }
    return handler(ctx, this)
  }

  private injectedFailure(path: string): Reply | undefined {
    const failure = this.failures.find((f) => f.path === path && f.remaining > 0)
    if (failure === undefined) return undefined
    failure.remaining--
    return failure.reply
  }

  private record(req: IncomingMessage, url: URL, body: string, status: number): void {
    if (this.maxRecorded <= 0) return
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      status,
      time: new Date(),
    })
    this.recordedBytes += body.length
    let drop = 0
    while (
      drop < this.requests.length - 1 &&
      (this.requests.length - drop > this.maxRecorded || this.recordedBytes > MAX_RECORDED_BODY_CHARS)
    ) {
      this.recordedBytes -= this.requests[drop].body.length
      drop++
    }
    if (drop > 0) this.requests.splice(0, drop)
  }

  bucketNamed(name: string): Bucket | undefined {
    return this.registry.bucketByName(this.orgID, name)
  }

  database(name: string): Bucket {
    const existing = this.bucketNamed(name)
    if (existing !== undefined) return existing
    const bucket = this.registry.createBucket(this.orgID, name)
    this.journal?.createBucket(bucket)
    return bucket
  }

  bucketFor(nameOrId: string, orgName?: string): Bucket {
    const org = orgName === undefined ? this.registry.orgById(this.orgID) : this.registry.orgByName(orgName)
    if (org === undefined) throw new Error(`organization "${orgName}" not found`)
    const bucket = this.registry.bucketByName(org.id, nameOrId) ?? this.registry.bucketById(nameOrId)
    if (bucket === undefined) throw new Error(`bucket "${nameOrId}" not found`)
    return bucket
  }

  journalOrUndefined(): Journal | undefined {
    return this.journal
  }

  api(): TestServer {
    return {
      url: this.url,
      token: this.token,
      org: this.orgName,
      orgID: this.orgID,
      requests: this.requests,
      points: (bucket, filter) => this.bucketFor(bucket).storage.points(filter),
      count: (bucket, filter) => this.bucketFor(bucket).storage.count(filter),
      createBucket: (name, options = {}) => {
        const org = options.org === undefined ? this.registry.orgById(this.orgID) : this.registry.orgByName(options.org)
        if (org === undefined) throw new Error(`organization "${options.org}" not found`)
        const existing = this.registry.bucketByName(org.id, name)
        if (existing !== undefined) return existing.id
        const bucket = this.registry.createBucket(org.id, name, options.retentionRules ?? [])
        this.journal?.createBucket(bucket)
        return bucket.id
      },
      failNext: ({ status, retryAfter, body, times = 1, path = '/api/v2/write', headers = {} }) => {
        const code = codeForStatus(status)
        const reply: Reply =
          body === undefined
            ? errorReply(status, code, 'injected failure')
            : { status, json: body, headers: { 'X-Platform-Error-Code': code } }
        reply.headers = {
          ...reply.headers,
          ...(retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) }),
          ...headers,
        }
        this.failures.push({ reply, remaining: times, path })
      },
      delay: (ms) => {
        this.delayMs = ms
      },
      dropConnections: (times = 1, path = '/api/v2/write') => {
        this.drops.push({ remaining: times, path })
      },
      reset: () => {
        for (const bucket of this.registry.buckets.values()) bucket.storage.clear()
        this.requests.length = 0
        this.recordedBytes = 0
        this.failures.length = 0
        this.drops.length = 0
        this.delayMs = 0
        this.journal?.reset()
      },
      close: () => this.close(),
      [Symbol.asyncDispose]: () => this.close(),
    }
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    }).then(() => this.journal?.close())
    return this.closed
  }
}

/** The server state handlers may use beyond the request. */
export interface HandlerEnvironment {
  now(): bigint
  journalOrUndefined(): Journal | undefined
  bucketNamed(name: string): Bucket | undefined
  database(name: string): Bucket
  readonly maxRequestBytes: number
}

type Handler = (ctx: RequestContext, env: HandlerEnvironment) => Reply
const ROUTES: Record<string, Record<string, Handler>> = {
  '/ping': { GET: handlePing, HEAD: handlePing },
  '/health': { GET: handleHealth },
  '/api/v2/write': { POST: (ctx, env) => handleWrite(ctx, env.now(), env.journalOrUndefined()) },
  '/api/v2/delete': { POST: (ctx, env) => handleDelete(ctx, env.journalOrUndefined()) },
  '/api/v2/points': { GET: (ctx) => handlePoints(ctx) },
  '/api/v2/buckets': {
    GET: (ctx) => handleBuckets(ctx),
    POST: (ctx, env) => handleBuckets(ctx, env.journalOrUndefined()),
  },
  '/api/v2/orgs': { GET: (ctx) => handleOrgs(ctx), POST: (ctx, env) => handleOrgs(ctx, env.journalOrUndefined()) },
}

const V1_ROUTES: Record<string, Record<string, Handler>> = {
  '/ping': { GET: handlePing, HEAD: handlePing },
  '/write': { POST: (ctx, env) => handleV1Write(gunzipped(ctx), env) },
  '/query': { POST: (ctx, env) => handleV1Query(ctx, env), GET: (ctx, env) => handleV1Query(ctx, env) },
}

const V3_ROUTES: Record<string, Record<string, Handler>> = {
  '/ping': { GET: (ctx) => handleV3Ping(ctx), POST: (ctx) => handleV3Ping(ctx) },
  '/health': { GET: () => textReply(200, 'OK') },
  '/api/v3/write_lp': { POST: (ctx, env) => handleV3Write(gunzipped(ctx), env) },
}

/** The request with a gzip body decompressed (1.x and 3.x take `Content-Encoding: gzip`). */
function gunzipped(ctx: RequestContext): RequestContext {
  const encoding = ctx.headers['content-encoding']
  if (encoding !== 'gzip' && encoding !== 'x-gzip') return ctx
  return { ...ctx, body: gunzipSync(ctx.body) }
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
