/**
 * node:http / node:https engine with a keep-alive agent, so connections are reused between
 * requests. Responses sent with `Content-Encoding: gzip` are decompressed here.
 */
import type { Agent as HttpAgent, IncomingMessage } from 'node:http'
import type { Engine, RawRequest, RawResponse, TlsOptions } from './engine.js'
import { gunzipBody } from './gzip.js'

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
    const module: HttpModule | HttpsModule = options.https ? await import('node:https') : await import('node:http')
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
      const onAbort = (): void => {
        req.destroy()
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      const settle = (): void => signal.removeEventListener('abort', onAbort)
      req.on('error', (error) => {
        settle()
        reject(signal.aborted ? signal.reason : error)
      })
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', (error) => {
          settle()
          reject(signal.aborted ? signal.reason : error)
        })
        res.on('end', () => {
          settle()
          const raw = Buffer.concat(chunks)
          const encoding = (res.headers['content-encoding'] ?? '').toLowerCase()
          // An empty body (a 204 that says gzip) or one that does not gunzip keeps its status: a
          // write the server accepted must not turn into a network error, and be retried.
          const body =
            raw.length > 0 && (encoding === 'gzip' || encoding === 'x-gzip') ? gunzipBody(raw).catch(() => raw) : Promise.resolve(raw)
          body.then(
            (bytes) => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: flattenHeaders(res), body: bytes }),
            reject,
          )
        })
      })
      req.end(request.body)
    })
  }

  close(): void {
    this.#agent.destroy()
  }
}

function flattenHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue
    out[name] = Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : value
  }
  return out
}
