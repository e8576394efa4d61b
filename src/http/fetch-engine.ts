/**
 * Engine over a WHATWG `fetch`, for runtimes without node:http (browsers, workers) or when
 * the caller supplies a fetch. Redirects are never followed, and no `credentials` field is
 * set (Cloudflare Workers rejects it). fetch decompresses gzip answers itself.
 */
import type { Engine, RawRequest, RawResponse } from './engine.js'

/** The subset of `fetch` this engine calls. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>

/** An engine over `fetchFunction` (default: the global fetch). */
export function createFetchEngine(fetchFunction: FetchFunction = globalThis.fetch.bind(globalThis)): Engine {
  return {
    async send(request: RawRequest): Promise<RawResponse> {
      const init: RequestInit = {
        method: request.method,
        headers: request.headers,
        redirect: 'manual',
        signal: request.signal,
      }
      if (request.body !== undefined) init.body = request.body as string | Uint8Array<ArrayBuffer>
      let response: Response
      let body: Uint8Array
      try {
        response = await fetchFunction(request.url, init)
      } catch (error) {
        throw request.signal.aborted ? request.signal.reason : error
      }
      try {
        body = new Uint8Array(await response.arrayBuffer())
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason
        // A body that does not decode (an empty 204 that says gzip) keeps its status, as on the
        // node engine: a write the server accepted must not become a network error, and be retried.
        if (!response.headers.has('content-encoding')) throw error
        body = new Uint8Array(0)
      }
      if (response.type === 'opaqueredirect') {
        // Browsers hide a redirect's status and Location: report it as a generic 302.
        return { status: 302, statusText: 'Found', headers: {}, body }
      }
      return { status: response.status, statusText: response.statusText, headers: readHeaders(response.headers), body }
    },
    close() {},
  }
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
