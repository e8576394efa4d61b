// What the embedded server claims to be in each mode: the version and build headers of every
// answer, and the plain-text and JSON error shapes of InfluxDB 1.x and 3.x (2.x's are in http-reply.ts).
import type { Reply } from './http-reply.js'
import { SERVER_VERSION } from './http-reply.js'

/** The InfluxDB generation the embedded server answers as. */
export type ServerGeneration = 'v1' | 'v2' | 'v3'

/**
 * `X-Influxdb-Version` per mode. 1.7 is the last 1.x without the v2 endpoints (1.8 added
 * `/api/v2/write`), so the 1.x mode shows what a v2 client meets there.
 */
export const GENERATION_VERSION: Readonly<Record<ServerGeneration, string>> = {
  v1: '1.7.11',
  v2: SERVER_VERSION,
  v3: '3.10.0',
}
/** `X-Influxdb-Build` per mode. */
export const GENERATION_BUILD: Readonly<Record<ServerGeneration, string>> = { v1: 'OSS', v2: 'OSS', v3: 'Core' }

/** A 1.x error: `{"error": …}` with the message in `X-Influxdb-Error` too. */
export function v1ErrorReply(status: number, message: string): Reply {
  return { status, json: { error: message }, headers: { 'X-Influxdb-Error': asHeaderValue(message.slice(0, 1024)) } }
}

// Go writes a header's UTF-8 bytes as they are and turns line breaks into spaces; Node takes
// bytes as latin1 characters and refuses line breaks.
function asHeaderValue(text: string): string {
  return Buffer.from(text.replace(/[\r\n]/g, ' '), 'utf8').toString('latin1')
}

/** A plain-text answer, as Go's router and 3.x's many plain errors send it. */
export function textReply(status: number, text: string): Reply {
  return { status, json: text, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }
}

/** A 3.x JSON error: `{"error": …, "data": …}`. */
export function v3ErrorReply(status: number, error: string, data?: unknown): Reply {
  return { status, json: data === undefined ? { error } : { error, data } }
}
