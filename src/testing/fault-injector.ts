// Answers the test server gives instead of InfluxDB's: injected failures, dropped connections,
// latency, and the caller's own responder and interceptor.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Reply } from './http-reply.js'
import { codeForStatus, errorReply } from './http-reply.js'
import type { ReceivedRequest } from './recorder.js'

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

/**
 * An answer chosen by a {@link Responder}, sent as it is: the server adds no header of its own
 * (node:http still adds `Date`, `Connection` and the body's length).
 */
export interface TestReply {
  /** Default 204. */
  status?: number
  /** Response headers. */
  headers?: Record<string, string | string[]>
  /** Response body; default none. */
  body?: string | Uint8Array
  /** Milliseconds to wait before answering (or dropping); default 0. */
  delayMs?: number
  /** Destroys the connection instead of answering, which the client sees as a network error. */
  drop?: boolean
}

/**
 * Answers a request once its whole body has arrived, before the server processes it: a
 * {@link TestReply} is sent instead, `undefined` lets the server go on as InfluxDB would (injected
 * failures included). A rejected promise or a thrown error is answered 500 with its message.
 */
export type Responder = (request: ReceivedRequest) => TestReply | undefined | Promise<TestReply | undefined>

/**
 * Sees a request as node:http hands it over, before the server has read any of it. Returning
 * `true` takes the request over: the interceptor answers it (or drops it) through `response`,
 * reads or leaves the body as it likes, and the server only records it once both the body and the
 * answer are done (status 0 when no answer was sent). Any other return lets the server go on.
 * For what no {@link TestReply} can describe: answering before the body is read, reading it
 * slowly, resetting the connection mid-upload.
 */
export type RequestInterceptor = (
  request: IncomingMessage,
  response: ServerResponse,
  received: { index: number; connection: number },
) => boolean | undefined

interface Failure {
  reply: Reply
  remaining: number
  path: string
}

/** What the caller told the server to do instead of answering as InfluxDB. */
export class FaultInjector {
  readonly #failures: Failure[] = []
  readonly #drops: Array<{ remaining: number; path: string }> = []
  #delayMs = 0
  #responder: Responder | undefined
  #interceptor: RequestInterceptor | undefined

  /** Milliseconds every request waits before it is processed. */
  get delayMs(): number {
    return this.#delayMs
  }

  get responder(): Responder | undefined {
    return this.#responder
  }

  get interceptor(): RequestInterceptor | undefined {
    return this.#interceptor
  }

  failNext({ status, retryAfter, body, times = 1, path = '/api/v2/write', headers = {} }: FailureOptions): void {
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
    this.#failures.push({ reply, remaining: times, path })
  }

  dropConnections(times: number, path: string): void {
    this.#drops.push({ remaining: times, path })
  }

  delay(ms: number): void {
    this.#delayMs = ms
  }

  respondWith(responder: Responder | undefined): void {
    this.#responder = responder
  }

  intercept(interceptor: RequestInterceptor | undefined): void {
    this.#interceptor = interceptor
  }

  /** True, and counted, when this request to `path` is to have its connection dropped unanswered. */
  takeDrop(path: string): boolean {
    const drop = this.#drops.find((d) => d.path === path && d.remaining > 0)
    if (drop === undefined) return false
    drop.remaining--
    return true
  }

  /** The injected failure this request to `path` gets, counted, if any. */
  takeFailure(path: string): Reply | undefined {
    const failure = this.#failures.find((f) => f.path === path && f.remaining > 0)
    if (failure === undefined) return undefined
    failure.remaining--
    return failure.reply
  }

  reset(): void {
    this.#failures.length = 0
    this.#drops.length = 0
    this.#delayMs = 0
    this.#responder = undefined
    this.#interceptor = undefined
  }
}
