// Helpers for the embedded-server tests: raw requests and answers, nothing from the client.
import { after, before } from 'node:test'
import { startTestServer } from '../../src/testing/index.js'
import type { TestServer, TestServerOptions } from '../../src/testing/index.js'

export interface Answer {
  status: number
  headers: Headers
  text: string
  json: unknown
}

/** Starts a server before the suite and closes it after; `get()` returns it. */
export function useServer(options: TestServerOptions = {}): () => TestServer {
  let server: TestServer | undefined
  before(async () => {
    server = await startTestServer(options)
  })
  after(async () => {
    await server?.close()
  })
  return () => server!
}

/** Sends one request with `Authorization: Token <token>` unless headers say otherwise. */
export async function send(
  server: TestServer,
  method: string,
  pathAndQuery: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(server.url + pathAndQuery, {
    method,
    body: typeof body === 'string' || body === undefined ? body : new Blob([new Uint8Array(body)]),
    headers: { Authorization: `Token ${server.token}`, ...headers },
  })
  const text = await res.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

/** POST /api/v2/write to the default org and bucket (query overridable). */
export function write(
  server: TestServer,
  body: string | Uint8Array,
  query = 'org=test-org&bucket=test-bucket',
  headers?: Record<string, string>,
) {
  return send(server, 'POST', `/api/v2/write?${query}`, body, headers)
}
