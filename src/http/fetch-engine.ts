/**
 * Engine over a WHATWG `fetch`, for runtimes without node:http (browsers, workers) or when
 * the caller supplies a fetch. Redirects are never followed, and no `credentials` field is
 * set (Cloudflare Workers rejects it). fetch decompresses gzip answers itself; a body is read
 * only up to the cap, which stops the decompression there too.
 */
import { MAX_RESPONSE_BODY_BYTES, type Engine, type RawRequest, type RawResponse } from './engine.js'
import { readPrefix } from './gzip.js'

/** The subset of `fetch` this engine calls. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>

/** An engine over `fetchFunction` (default: the global fetch). */
export function createFetchEngine(fetchFunction: FetchFunction = globalThis.fetch.bind(globalThis)): Engine {
  return {
    send: (request) => untilAborted(sendOnce(fetchFunction, request), request.signal),
    close() {},
  }
}

async function sendOnce(fetchFunction: FetchFunction, request: RawRequest): Promise<RawResponse> {
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    redirect: 'manual',
    signal: request.signal,
  }
  // fetch gets bytes of its own: a fetch may still be reading its body after it resolved with
  // the answer (one built on node:http does), and nobody can tell when it is done. The caller
  // reuses its buffer as soon as this call settles.
  if (request.body !== undefined) init.body = typeof request.body === 'string' ? request.body : request.body.slice()
  let response: Response
  try {
    response = await fetchFunction(request.url, init)
  } catch (error) {
    throw request.signal.aborted ? request.signal.reason : error
  }
  const status = response.type === 'opaqueredirect' ? 302 : response.status
  const head: RawResponse =
    response.type === 'opaqueredirect'
      ? // Browsers hide a redirect's status and Location: report it as a generic 302.
        { status: 302, statusText: 'Found', headers: {}, body: new Uint8Array(0) }
      : { status, statusText: response.statusText, headers: readHeaders(response.headers), body: new Uint8Array(0) }
  if (status >= 200 && status < 300 && request.readSuccessBody !== true) {
    // A 2xx is a success whatever its body holds: not read (fetch then drops the connection
    // only if the body had not all arrived).
    response.body?.cancel().catch(() => undefined)
    return head
  }
  let body: Uint8Array
  try {
    body = response.body === null ? new Uint8Array(0) : await readPrefix(response.body, MAX_RESPONSE_BODY_BYTES)
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason
    // A body that does not decode (an empty 204 that says gzip) keeps its status, as on the
    // node engine: a write the server accepted must not become a network error, and be retried.
    if (!response.headers.has('content-encoding')) throw error
    body = new Uint8Array(0)
  }
  return { ...head, body }
}

/** `promise`, or the signal's reason as soon as it fires: a caller's own fetch may ignore the signal, and must not hang the call past its timeout. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Nobody awaits the fetch's own rejection then: it must not become an unhandled one.
    promise.catch(() => undefined)
    return Promise.reject(signal.reason)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

function readHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value
  })
  const cookies = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : []
  if (cookies.length > 0) out['set-cookie'] = cookies.join('\n')
  return out
}
