/**
 * node:http / node:https engine with a keep-alive agent, so connections are reused between
 * requests. Responses sent with `Content-Encoding: gzip` are decompressed here.
 */
import type { Agent as HttpAgent, IncomingMessage } from 'node:http'
import { MAX_RESPONSE_BODY_BYTES, type Engine, type RawRequest, type RawResponse, type TlsOptions } from './engine.js'
import { gunzipPrefix } from './gzip.js'
import { loadBuiltinModule } from '../builtin-module.js'

type HttpModule = typeof import('node:http')
type HttpsModule = typeof import('node:https')

const FREE_SOCKET_TIMEOUT = 4000

/** Options of the node engine. */
export interface NodeEngineOptions {
  https: boolean
  maxSockets?: number
  tls?: TlsOptions
}

/** Loads node:http (and node:https); undefined where the runtime has no such module. */
export async function createNodeEngine(options: NodeEngineOptions): Promise<Engine | undefined> {
  try {
    const module: HttpModule | HttpsModule = options.https
      ? await loadBuiltinModule('node:https', () => import('node:https'))
      : await loadBuiltinModule('node:http', () => import('node:http'))
    if (typeof module.request !== 'function' || typeof module.Agent !== 'function') return undefined
    return new NodeEngine(module, options)
  } catch {
    return undefined
  }
}

class NodeEngine implements Engine {
  readonly #module: HttpModule | HttpsModule
  readonly #agent: HttpAgent

  constructor(module: HttpModule | HttpsModule, options: NodeEngineOptions) {
    this.#module = module
    this.#agent = new module.Agent({
      keepAlive: true,
      // Idle pooled sockets are dropped before common server idle timeouts (Node's 5 s) close them
      // under a new request. Only free sockets are affected: the agent ignores it for active ones.
      timeout: FREE_SOCKET_TIMEOUT,
      ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
      // Node takes any typed array where its types say Buffer (tls.createSecureContext checks for an ArrayBufferView).
      ...(options.https ? (options.tls as import('node:https').AgentOptions) : {}),
    })
  }

  /**
   * Settles once both are done: the answer (its body read up to the cap) and the request body
   * (handed to the socket in full, or the request destroyed). A server may answer after the
   * first bytes of a body and read the rest much later; node:http writes the caller's bytes
   * without copying them, so resolving on the answer alone would let the caller refill a buffer
   * that is still being sent.
   */
  send(request: RawRequest): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      const { signal } = request
      if (signal.aborted) {
        reject(signal.reason)
        return
      }
      const headers: Record<string, string> = { 'accept-encoding': 'gzip', ...request.headers }
      if (request.body !== undefined) {
        const length = typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body.byteLength
        headers['content-length'] = String(length)
      }
      const req = this.#module.request(request.url, { method: request.method, headers, agent: this.#agent })
      let answer: RawResponse | undefined
      /** A 2xx whose body is not wanted is known from its head alone. */
      let headAnswer: RawResponse | undefined
      let response: IncomingMessage | undefined
      let bodySent = false
      let settled = false
      const finish = (outcome: { answer: RawResponse } | { error: unknown }): void => {
        if (settled) return
        settled = true
        signal.removeEventListener('abort', onAbort)
        if ('answer' in outcome) resolve(outcome.answer)
        else reject(outcome.error)
      }
      const fail = (error: unknown): void => {
        // Destroyed: the socket writes nothing more, so the body is no longer read.
        req.destroy()
        finish({ error: signal.aborted ? signal.reason : error })
      }
      const settleWhenDone = (): void => {
        if (answer === undefined || !bodySent) return
        // A body longer than the cap was left unread: the connection cannot be reused.
        if (response?.complete === false) response.destroy()
        finish({ answer })
      }
      const onAbort = (): void => {
        req.destroy()
        // The server answered while the body was still being sent (or its 2xx body trickles
        // in): its answer stands.
        const known = answer ?? headAnswer
        if (known !== undefined) finish({ answer: known })
        else finish({ error: signal.reason })
      }
      signal.addEventListener('abort', onAbort, { once: true })
      req.on('finish', () => {
        bodySent = true
        settleWhenDone()
      })
      req.on('close', () => {
        bodySent = true
        // With an answer on its way (being read or gunzipped), that answer settles the call.
        if (response === undefined) fail(new Error('the connection closed before an answer arrived'))
        else settleWhenDone()
      })
      req.on('error', (error) => {
        // Once an answer arrived, its own stream reports what follows.
        if (response === undefined) fail(error)
      })
      req.on('response', (res: IncomingMessage) => {
        response = res
        const status = res.statusCode ?? 0
        const keep = request.readSuccessBody === true || status < 200 || status >= 300
        if (!keep)
          headAnswer = {
            status,
            statusText: res.statusMessage ?? '',
            headers: flattenHeaders(res),
            body: new Uint8Array(0),
          }
        const chunks: Buffer[] = []
        let length = 0
        let read = false
        const onRead = (): void => {
          if (read) return
          read = true
          res.pause()
          decodeBody(Buffer.concat(chunks, length), res.headers['content-encoding']).then((body) => {
            answer = { status, statusText: res.statusMessage ?? '', headers: flattenHeaders(res), body }
            settleWhenDone()
          }, fail)
        }
        res.on('data', (chunk: Buffer) => {
          if (read) return
          if (keep) {
            const kept =
              chunk.length > MAX_RESPONSE_BODY_BYTES - length
                ? chunk.subarray(0, MAX_RESPONSE_BODY_BYTES - length)
                : chunk
            chunks.push(kept)
            length += kept.length
          } else {
            length += chunk.length
          }
          if (length >= MAX_RESPONSE_BODY_BYTES) onRead()
        })
        res.on('end', onRead)
        res.on('error', (error) => {
          if (headAnswer !== undefined) {
            // A 2xx is a success, whatever happens to the body nobody reads.
            answer ??= headAnswer
            settleWhenDone()
          } else if (!read) {
            fail(error)
          }
        })
      })
      req.end(request.body)
    })
  }

  close(): void {
    this.#agent.destroy()
  }
}

/**
 * The kept bytes of a body as the server meant them, gunzipped up to the cap. An empty body (a
 * 204 that says gzip) or one that does not gunzip is kept as it is: an answer the server gave
 * must not turn into a network error, and a write it accepted be sent again.
 */
function decodeBody(raw: Buffer, contentEncoding: string | undefined): Promise<Uint8Array> {
  const encoding = (contentEncoding ?? '').toLowerCase()
  if (raw.length === 0 || (encoding !== 'gzip' && encoding !== 'x-gzip')) return Promise.resolve(raw)
  return gunzipPrefix(raw, MAX_RESPONSE_BODY_BYTES).catch(() => raw)
}

function flattenHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : value
  }
  return out
}
