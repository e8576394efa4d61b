// The public test server answering every request with the test's own replies instead of as
// InfluxDB, for tests of the client's HTTP behaviour (statuses, headers, latency, dropped
// connections) where what the server stores does not matter.
import { startTestServer, type Responder, type TestReply, type TestServer } from '../../src/testing/index.js'

/**
 * A responder that gives request i (counted from the server's start or reset) `replies[i]`,
 * the last reply repeating; with no replies, 204 to everything.
 */
export function inTurn(replies: readonly TestReply[]): Responder {
  return (request) => replies[Math.min(request.index, replies.length - 1)] ?? {}
}

/** `startTestServer()` with every request answered by `replies` (a responder, or a list given {@link inTurn}). */
export async function startAnsweringServer(replies: Responder | readonly TestReply[] = []): Promise<TestServer> {
  const server = await startTestServer()
  server.respondWith(typeof replies === 'function' ? replies : inTurn(replies))
  return server
}
