/**
 * One HTTP request to the server: URL and query, authentication, gzip, a total timeout, abort,
 * and the mapping of every failure to this package's errors. Redirects are never followed.
 * The token, password and session cookie never appear in an error.
 */
import {
  ClosedError,
  InfluxDBError,
  InvalidArgumentError,
  NetworkError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../errors.js'
import type { ApiVersion, ApiVersionOption } from './api-version.js'
import { wrongApiHint } from './api-version.js'
import {
  cookieFromSetCookie,
  nativeAuthorization,
  resolveAuth,
  secretsOf,
  type Auth,
  type AuthOptions,
} from './auth.js'
import type { Engine, RawResponse, TlsOptions } from './engine.js'
import { createFetchEngine, type FetchFunction } from './fetch-engine.js'
import { errorFromResponse } from './errors.js'
import { gzipBody } from './gzip.js'
import { Redactor } from './redact.js'
import { createNodeEngine } from './node-engine.js'
import { abortedError } from './retry.js'
import { checkTimeout } from './timer-limits.js'
import { buildRequestUrl, normalizeBaseUrl } from './url.js'
import { USER_AGENT } from './version.js'
import { CLIENT_DEFAULTS } from '../defaults.js'

/** Settings of a {@link Transport}. */
export interface TransportOptions extends AuthOptions {
  /** Server URL, http or https; a path prefix is kept. */
  url: string
  /** Total time for one request (connect, send, read), ms. Default 10000. */
  timeout?: number
  /** Extra headers on every request. */
  headers?: Readonly<Record<string, string>>
  /** Send through this fetch instead of node:http. Without it, node:http is used where it exists, else the global fetch. */
  fetch?: FetchFunction
  /** Most sockets kept per host (node:http only). Default: unlimited. */
  maxSockets?: number
  /** TLS settings for https (node:https only). */
  tls?: TlsOptions
}

/** One request. `path` is appended to the base URL (`/api/v2/write`). */
export interface HttpRequest {
  method: 'GET' | 'POST'
  path: string
  /** Query parameters, sent in insertion order; undefined values are left out. */
  query?: Readonly<Record<string, string | undefined>>
  headers?: Readonly<Record<string, string>>
  body?: string | Uint8Array
  /** Compress the body with gzip and send `Content-Encoding: gzip`. */
  gzip?: boolean
  /** Overrides the transport's timeout, ms. */
  timeout?: number
  signal?: AbortSignal
  /** Sent without signing in first (username/password): for `/ping`, which needs no credentials. */
  withoutSession?: boolean
  /**
   * The API this request belongs to, and how it was chosen: 1.x and 3.x requests carry their own
   * credentials instead of a session, and a 404 or 405 answer names the choice.
   */
  api?: { version: ApiVersion; chosen: ApiVersionOption }
  /** Read the body of a 2xx answer (at most 256 KiB of it); by default it is discarded unread and `body` is ''. */
  readSuccessBody?: boolean
}

/** A 2xx answer. */
export interface HttpResponse {
  status: number
  /** Lower-cased names. */
  headers: Record<string, string>
  /** The body decoded as UTF-8: '' unless `readSuccessBody` was set. */
  body: string
}

const SIGNIN_PATH = '/api/v2/signin'
const SIGNOUT_PATH = '/api/v2/signout'

/**
 * Sends requests to one server. `request` resolves for 2xx answers only and otherwise throws
 * {@link InfluxDBError} (or its subclass `PartialWriteError`), {@link RequestTimeoutError},
 * {@link RequestAbortedError}, {@link NetworkError} or {@link ClosedError}.
 */
export class Transport {
  /** The normalised base URL. */
  readonly url: string
  readonly timeout: number
  readonly #auth: Auth
  readonly #authOptions: AuthOptions
  readonly #redactor: Redactor
  readonly #headers: Record<string, string>
  readonly #engine: Promise<Engine>
  #cookie: string | undefined
  #signin: Promise<void> | undefined
  #closing: Promise<void> | undefined
  readonly #closeController = new AbortController()
  readonly #inFlight = new Set<Promise<unknown>>()

  constructor(options: TransportOptions) {
    this.url = normalizeBaseUrl(options.url)
    this.timeout = checkTimeout(options.timeout ?? CLIENT_DEFAULTS.timeout, 'timeout')
    this.#auth = resolveAuth(options)
    this.#authOptions = {
      token: options.token,
      authBasic: options.authBasic,
      username: options.username,
      password: options.password,
    }
    this.#redactor = new Redactor(secretsOf(options))
    this.#headers = { 'user-agent': USER_AGENT, accept: 'application/json' }
    if (this.#auth.kind === 'header') this.#headers.authorization = this.#auth.authorization
    for (const [name, value] of Object.entries(options.headers ?? {})) this.#headers[name.toLowerCase()] = value
    checkTransportOptions(options)
    this.#engine = selectEngine(options, this.url.startsWith('https:'))
    // An engine that fails to load is reported by the first request, not as an unhandled rejection.
    this.#engine.catch(() => undefined)
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /** Sends one request; see the class description for what it throws. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    if (this.#closing !== undefined) throw new ClosedError('the client is closed')
    const pending = this.#signInAndSend(req)
    this.#inFlight.add(pending)
    try {
      return await pending
    } catch (error) {
      // The one exit of every failure: what the error says was read from the answer after decoding
      // (JSON unescaping, gunzip), so it is redacted again as a whole here.
      throw this.#redactor.scrub(error)
    } finally {
      this.#inFlight.delete(pending)
    }
  }

  /**
   * Fires when `close()` is called, with a {@link ClosedError}: callers end their retry waits on
   * it (a request on the wire is let finish instead).
   */
  get closeSignal(): AbortSignal {
    return this.#closeController.signal
  }

  async #signInAndSend(req: HttpRequest): Promise<HttpResponse> {
    const native = req.api !== undefined && req.api.version !== 'v2'
    if (this.#auth.kind === 'session' && !native && this.#cookie === undefined && req.withoutSession !== true)
      await this.#signIn(req.signal)
    return this.#send(req, this.#cookie)
  }

  /**
   * Refuses new requests, lets those on the wire finish, signs out of a session (errors ignored)
   * and drops pooled connections. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closeController.abort(new ClosedError('the client is closed'))
      this.#closing = this.#close()
    }
    return this.#closing
  }

  async #close(): Promise<void> {
    // Requests on the wire are let finish (answered, or timed out): the server may already have
    // written their points, and both engines then report the same outcome.
    await Promise.allSettled([...this.#inFlight])
    await this.#signin?.catch(() => undefined)
    if (this.#cookie !== undefined) {
      const cookie = this.#cookie
      this.#cookie = undefined
      await this.#send({ method: 'POST', path: SIGNOUT_PATH }, cookie).catch(() => undefined)
    }
    const engine = await this.#engine.catch(() => undefined)
    engine?.close()
  }

  #signIn(signal: AbortSignal | undefined): Promise<void> {
    this.#signin ??= (async () => {
      const auth = this.#auth as Extract<Auth, { kind: 'session' }>
      const response = await this.#send({
        method: 'POST',
        path: SIGNIN_PATH,
        headers: { authorization: auth.signinAuthorization, 'content-type': 'application/json' },
        ...(signal !== undefined ? { signal } : {}),
      }).catch((error: unknown) => {
        // Say that the signin failed: a 404 or 401 alone would read as the answer to the request itself.
        if (error instanceof Error) error.message = `signin (POST ${SIGNIN_PATH}) failed: ${error.message}`
        throw error
      })
      this.#cookie = cookieFromSetCookie(response.headers['set-cookie'])
      // The session is a credential too: a server that echoes it must not put it into an error.
      for (const pair of this.#cookie?.split('; ') ?? []) {
        const value = pair.slice(pair.indexOf('=') + 1)
        if (value.length >= 8) this.#redactor.add(value)
      }
      if (this.#cookie === undefined) {
        throw new InfluxDBError({
          statusCode: response.status,
          body: '',
          headers: {},
          message: 'signin answered without a session cookie',
        })
      }
    })()
    // A failed signin is retried by the next request rather than remembered forever.
    this.#signin.catch(() => {
      this.#signin = undefined
    })
    return this.#signin
  }

  async #send(req: HttpRequest, cookie?: string): Promise<HttpResponse> {
    const timeout = checkTimeout(req.timeout ?? this.timeout, 'timeout')
    const url = buildRequestUrl(this.url, req.path, req.query)
    const headers: Record<string, string> = { ...this.#headers }
    if (cookie !== undefined) headers.cookie = cookie
    const api = req.api?.version
    if (api === 'v1' || api === 'v3') {
      delete headers.cookie
      const authorization = nativeAuthorization(api, this.#authOptions, this.#auth)
      if (authorization !== undefined) headers.authorization = authorization
    }
    for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value

    const controller = new AbortController()
    // The error is made only when the timer fires: capturing a stack per request costs real time at volume.
    const timer = setTimeout(
      () => controller.abort(new RequestTimeoutError(timeout, `${req.method} ${req.path}`)),
      timeout,
    )
    const onCallerAbort = (): void => controller.abort(abortedError(req.signal!))
    if (req.signal?.aborted === true) onCallerAbort()
    else req.signal?.addEventListener('abort', onCallerAbort, { once: true })

    try {
      // A string body goes to the engine as is: node:http encodes it while writing, without a copy.
      let body = req.body
      if (body !== undefined && req.gzip === true) {
        body = await gzipBody(body)
        headers['content-encoding'] = 'gzip'
      }
      if (controller.signal.aborted) throw controller.signal.reason
      const engine = await this.#engine
      // Settles only once the engine no longer reads the body: the caller may then reuse its buffer.
      const raw = await engine.send({
        url,
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(req.readSuccessBody === true ? { readSuccessBody: true } : {}),
        signal: controller.signal,
      })
      return this.#toResponse(raw, req)
    } catch (error) {
      throw this.#toClientError(error, req, url)
    } finally {
      clearTimeout(timer)
      req.signal?.removeEventListener('abort', onCallerAbort)
    }
  }

  #toResponse(raw: RawResponse, req: HttpRequest): HttpResponse {
    const body = this.#redactor.text(new TextDecoder().decode(raw.body))
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(raw.headers)) headers[name] = this.#redactor.text(value)
    if (raw.status >= 200 && raw.status < 300) return { status: raw.status, headers, body }
    // A write's lines, to name the ones a partial write rejected (decoded only on this error path).
    const sent =
      typeof req.body === 'string' ? req.body : req.body === undefined ? undefined : new TextDecoder().decode(req.body)
    const error = errorFromResponse(
      { status: raw.status, statusText: this.#redactor.text(raw.statusText), headers, body },
      sent,
    )
    const hint =
      req.api === undefined ? undefined : wrongApiHint(req.api.version, req.api.chosen, raw.status, headers, body)
    if (hint !== undefined) error.message += ` (${hint})`
    throw error
  }

  #toClientError(error: unknown, req: HttpRequest, url: string): Error {
    if (error instanceof InfluxDBError || error instanceof RequestTimeoutError || error instanceof RequestAbortedError)
      return error
    if (error instanceof ClosedError) return error
    const { code, message } = describePlatformError(error)
    const safeMessage = this.#redactor.text(message)
    const cause = Object.assign(new Error(safeMessage), code !== undefined ? { code } : {})
    const where = `${req.method} ${this.#redactor.text(url)}`
    return new NetworkError(
      `${where} failed: ${code !== undefined && !safeMessage.includes(code) ? `${code} ` : ''}${safeMessage}`,
      {
        cause,
        ...(code !== undefined ? { errorCode: code } : {}),
      },
    )
  }
}

/**
 * The options that would otherwise fail late or never: `maxSockets: -1` (or 0, or NaN) gives an
 * agent that never opens a socket, so no request would ever leave.
 */
function checkTransportOptions(options: TransportOptions): void {
  const { maxSockets, headers, fetch, tls } = options
  if (maxSockets !== undefined && !(maxSockets === Infinity || (Number.isSafeInteger(maxSockets) && maxSockets >= 1))) {
    throw new InvalidArgumentError(
      `"maxSockets" must be an integer >= 1 (or Infinity), got ${describeValue(maxSockets)}`,
    )
  }
  if (fetch !== undefined && typeof fetch !== 'function')
    throw new InvalidArgumentError(`"fetch" must be a function, got ${describeValue(fetch)}`)
  if (tls !== undefined && (typeof tls !== 'object' || tls === null))
    throw new InvalidArgumentError(`"tls" must be an object, got ${describeValue(tls)}`)
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null)
      throw new InvalidArgumentError(`"headers" must be an object of strings, got ${describeValue(headers)}`)
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name))
        throw new InvalidArgumentError(`"headers": ${JSON.stringify(name)} is not a valid header name`)
      // The value itself is not shown: an extra header is a common place for a credential.
      if (typeof value !== 'string' || /[\r\n\0]/.test(value))
        throw new InvalidArgumentError(
          `"headers": the value of ${JSON.stringify(name)} must be a string without line breaks`,
        )
    }
  }
}

/** RFC 9110 `token`. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function describeValue(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : typeof value === 'number' || typeof value === 'boolean' || value == null
      ? String(value)
      : typeof value
}

async function selectEngine(options: TransportOptions, https: boolean): Promise<Engine> {
  if (options.fetch !== undefined) return createFetchEngine(options.fetch)
  const node = await createNodeEngine({
    https,
    ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
  })
  if (node !== undefined) return node
  if (typeof globalThis.fetch !== 'function')
    throw new NetworkError('neither node:http nor fetch is available in this runtime')
  return createFetchEngine()
}

/** Reads a platform error's code and message, looking through fetch's `cause` wrapper. */
function describePlatformError(error: unknown): { code?: string; message: string } {
  const seen = new Set<unknown>()
  let current: unknown = error
  let message = error instanceof Error ? error.message : String(error)
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current)
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return { code, message: current.message }
    current = current.cause
    if (current instanceof Error) message = `${message}: ${current.message}`
  }
  return { message }
}
