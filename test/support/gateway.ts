// A small InfluxDB 2.x → 1.x gateway for tests. InfluxDB 1.6.7 has no /api/v2 endpoints, so the
// client's real v2 code path talks to this gateway, which rewrites each request for the real
// 1.6.7 server behind it and answers in the 2.x shape:
//   POST /api/v2/write?org=&bucket=db[/rp]&precision=ns|us|ms|s → POST /write?db=&rp=&precision=n|u|ms|s
//        (body and Content-Encoding passed through unchanged; 1.6.7 silently reads `us` as ns, hence the map)
//   POST /api/v2/delete?org=&bucket=  {start, stop, predicate}  → POST /query  DELETE … (see delete-predicate.ts)
//   GET  /ping, /health                                           → GET /ping
// Errors keep the 1.x status and text (so partial-write text reaches the client's parser) in the
// 2.x body `{"code":…,"message":…}`.
// Limit: InfluxQL cannot quote a name holding a carriage return (its scanner reads CR as a line
// feed), so a delete whose predicate names one fails with 400 from InfluxDB; writes are unaffected.
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { INFLUX_V1_URL } from './servers.js'
import { firstStatementError, postQuery } from './influx.js'
import { DeleteRequestError, parsePredicate, parseRfc3339Nano, toInfluxQLDelete } from './delete-predicate.js'

export interface GatewayOptions {
  /** The InfluxDB 1.x behind the gateway (default: the one scripts/servers.sh starts). */
  influxUrl?: string
  /** When set, requests must carry `Authorization: Token <token>` (or `Bearer`); otherwise 401. */
  token?: string
}

/** What the gateway saw and did, one entry per request, for assertions. */
export interface GatewayExchange {
  method: string
  /** Path and query as the client sent them. */
  url: string
  /** The 1.x request it became (path and query, or the InfluxQL statement for deletes). */
  upstream?: string
  contentEncoding?: string
  status: number
}

export interface Gateway {
  /** Base URL to give the client, e.g. `http://127.0.0.1:40123`. */
  url: string
  exchanges: GatewayExchange[]
  close(): Promise<void>
}

const PRECISION_V2_TO_V1: Record<string, string> = { ns: 'n', us: 'u', ms: 'ms', s: 's' }

const V2_CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  413: 'request too large',
  501: 'not implemented',
}

/** Starts the gateway on 127.0.0.1, port 0. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const influx = new URL(options.influxUrl ?? INFLUX_V1_URL)
  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  const exchanges: GatewayExchange[] = []

  const server = createServer((req, res) => {
    const exchange: GatewayExchange = { method: req.method ?? '', url: req.url ?? '', status: 0 }
    const encoding = req.headers['content-encoding']
    if (encoding !== undefined) exchange.contentEncoding = encoding
    exchanges.push(exchange)
    route(req, res, exchange).catch((error: unknown) => {
      sendV2Error(
        res,
        exchange,
        500,
        'internal error',
        `gateway: ${error instanceof Error ? error.message : String(error)}`,
      )
    })
  })

  async function route(req: IncomingMessage, res: ServerResponse, exchange: GatewayExchange): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway')
    if (url.pathname === '/ping' || url.pathname === '/health') return ping(req, res, exchange, url.pathname)
    if (!authorized(req.headers.authorization, options.token)) {
      req.resume()
      return sendV2Error(res, exchange, 401, 'unauthorized', 'unauthorized access')
    }
    if (url.pathname === '/api/v2/write' || url.pathname === '/api/v2/delete') {
      if (req.method !== 'POST') {
        req.resume()
        return sendV2Error(res, exchange, 405, 'method not allowed', 'allow: POST')
      }
      return url.pathname === '/api/v2/write' ? write(req, res, exchange, url) : remove(req, res, exchange, url)
    }
    req.resume()
    return sendV2Error(res, exchange, 404, 'not found', 'path not found')
  }

  async function ping(
    req: IncomingMessage,
    res: ServerResponse,
    exchange: GatewayExchange,
    path: string,
  ): Promise<void> {
    req.resume()
    const answer = await forward('GET', '/ping', {}, undefined)
    exchange.upstream = '/ping'
    if (path === '/health' && answer.status === 204) {
      exchange.status = 200
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      res.end(
        JSON.stringify({
          name: 'influxdb',
          message: 'ready for queries and writes',
          status: 'pass',
          version: answer.version,
        }),
      )
      return
    }
    exchange.status = answer.status
    res.writeHead(answer.status, { 'x-influxdb-version': answer.version })
    res.end()
  }

  async function write(req: IncomingMessage, res: ServerResponse, exchange: GatewayExchange, url: URL): Promise<void> {
    const q = url.searchParams
    const precision = q.get('precision') ?? 'ns'
    const v1Precision = PRECISION_V2_TO_V1[precision === '' ? 'ns' : precision]
    if (v1Precision === undefined) {
      req.resume()
      return sendV2Error(
        res,
        exchange,
        400,
        'invalid',
        'invalid precision; valid precision units are ns, us, ms, and s',
      )
    }
    const bucket = q.get('bucket') ?? ''
    if (bucket === '') {
      req.resume()
      return sendV2Error(res, exchange, 404, 'not found', 'bucket not found')
    }
    if ((q.get('org') ?? '') === '' && (q.get('orgID') ?? '') === '') {
      req.resume()
      return sendV2Error(res, exchange, 400, 'invalid', 'Please provide either orgID or org')
    }
    const { db, rp } = splitBucket(bucket)
    const params: Record<string, string> = { db, precision: v1Precision }
    if (rp !== '') params.rp = rp
    const headers: Record<string, string> = {}
    for (const name of ['content-type', 'content-encoding', 'content-length']) {
      const value = req.headers[name]
      if (typeof value === 'string') headers[name] = value
    }
    const answer = await forward('POST', '/write', params, req, headers)
    exchange.upstream = `/write?${new URLSearchParams(params).toString()}`
    if (answer.status === 204) {
      exchange.status = 204
      res.writeHead(204)
      res.end()
      return
    }
    sendV2Error(
      res,
      exchange,
      answer.status,
      V2_CODE_BY_STATUS[answer.status] ?? 'internal error',
      v1ErrorText(answer.body),
    )
  }

  async function remove(req: IncomingMessage, res: ServerResponse, exchange: GatewayExchange, url: URL): Promise<void> {
    const body = await readBody(req)
    const q = url.searchParams
    try {
      let request: { start?: unknown; stop?: unknown; predicate?: unknown }
      try {
        request = JSON.parse(body.toString('utf8')) as typeof request
      } catch (error) {
        throw new DeleteRequestError(400, 'invalid', `error decoding json body: ${(error as Error).message}`)
      }
      const startNs = parseRfc3339Nano(request.start, 'start')
      const stopNs = parseRfc3339Nano(request.stop, 'stop')
      const predicateText = request.predicate ?? ''
      if (typeof predicateText !== 'string')
        throw new DeleteRequestError(400, 'invalid', 'error decoding json body: predicate must be a string')
      const statement = toInfluxQLDelete(parsePredicate(predicateText), startNs, stopNs)
      if ((q.get('org') ?? '') === '' && (q.get('orgID') ?? '') === '') {
        throw new DeleteRequestError(400, 'invalid', 'Please provide either orgID or org')
      }
      const bucket = q.get('bucket') ?? ''
      if (bucket === '') throw new DeleteRequestError(400, 'invalid', 'Please provide either bucketID or bucket')
      const { db } = splitBucket(bucket)
      exchange.upstream = statement ?? '(matches nothing)'
      if (statement !== undefined) {
        const answer = await postQuery(db, statement, { influxUrl: influx.href })
        const error = answer.status === 200 ? firstStatementError(answer.text) : v1ErrorText(answer.text)
        if (error !== undefined) {
          const status = answer.status !== 200 ? answer.status : /database not found/.test(error) ? 404 : 400
          throw new DeleteRequestError(status, V2_CODE_BY_STATUS[status] ?? 'internal error', error)
        }
      }
      exchange.status = 204
      res.writeHead(204)
      res.end()
    } catch (error) {
      if (!(error instanceof DeleteRequestError)) throw error
      sendV2Error(res, exchange, error.status, error.code, error.message)
    }
  }

  interface ForwardAnswer {
    status: number
    body: string
    version: string
  }

  function forward(
    method: string,
    path: string,
    params: Record<string, string>,
    body: IncomingMessage | undefined,
    headers: Record<string, string> = {},
  ): Promise<ForwardAnswer> {
    const target = new URL(path, influx)
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v)
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(target, { method, headers, agent }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (c: Buffer) => chunks.push(c))
        response.on('error', reject)
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            version: String(response.headers['x-influxdb-version'] ?? ''),
          }),
        )
      })
      upstream.on('error', reject)
      if (body === undefined) upstream.end()
      else body.pipe(upstream)
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: async () => {
      agent.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function authorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true
  // 2.x matches the scheme case-insensitively, with exactly one space.
  const match = /^(?:token|bearer) (.*)$/is.exec(header ?? '')
  return match !== null && match[1] === token
}

/** `db/rp` → db and rp; `db` or `db/` → the default retention policy. */
function splitBucket(bucket: string): { db: string; rp: string } {
  const slash = bucket.indexOf('/')
  return slash < 0 ? { db: bucket, rp: '' } : { db: bucket.slice(0, slash), rp: bucket.slice(slash + 1) }
}

/** The message of a 1.x error body `{"error":"…"}`, or the body itself. */
function v1ErrorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown }
    if (typeof parsed.error === 'string') return parsed.error
  } catch {
    // not JSON: the text itself is the message
  }
  return body
}

function sendV2Error(
  res: ServerResponse,
  exchange: GatewayExchange,
  status: number,
  code: string,
  message: string,
): void {
  exchange.status = status
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-platform-error-code': code })
  res.end(JSON.stringify({ code, message }))
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
