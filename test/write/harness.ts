// Builds BatchWriters for the tests: a real Transport to a local server, and a serialiser for
// plain line-protocol strings (and iterables of them) that follows the records/ chunk contract.
import { Transport } from '../../src/http/transport.js'
import { BatchWriter } from '../../src/write/batch-writer.js'
import type { BatchWriterOptions } from '../../src/write/batch-options.js'
import type { BatchSerializer } from '../../src/write/batch-serializer.js'
import { LineChunk } from '../../src/records/line-chunk.js'
import type { SendBody } from '../../src/write/batch-delivery.js'

/** Strings, and sync or async iterables of strings, to chunks of at most `maxLines`. */
export const stringSerializer: BatchSerializer = (records, context, limits) => {
  const precision = context.precision
  if (typeof records === 'object' && records !== null && Symbol.asyncIterator in records) {
    return (async function* () {
      let lines: string[] = []
      for await (const line of records as AsyncIterable<string>) {
        lines.push(line)
        if (lines.length === limits.maxLines) {
          yield chunkOf(precision, lines)
          lines = []
        }
      }
      if (lines.length > 0) yield chunkOf(precision, lines)
    })()
  }
  const all = typeof records === 'string' ? [records] : [...(records as Iterable<string>)]
  return (function* () {
    for (let i = 0; i < all.length; i += limits.maxLines) yield chunkOf(precision, all.slice(i, i + limits.maxLines))
  })()
}

function chunkOf(precision: LineChunk['precision'], lines: string[]): LineChunk {
  return LineChunk.fromLines(precision, lines)
}

/** The header that names the client's send a request came from (see {@link ClientSend.id}). */
export const SEND_ID_HEADER = 'x-test-send-id'

/** Posts `body` to `/api/v2/write` through the package's Transport, with `headers` added. */
async function postWrite(
  transport: Transport,
  target: { bucket: string; org: string },
  body: Parameters<SendBody>[0],
  precision: Parameters<SendBody>[1],
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<void> {
  await transport.request({
    method: 'POST',
    path: '/api/v2/write',
    query: { org: target.org, bucket: target.bucket, precision },
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
    body,
    signal,
  })
}

/** A send function posting to `/api/v2/write` through the package's Transport. */
export function transportSend(transport: Transport, bucket = 'b', org = 'o'): SendBody {
  return (body, precision, signal) => postWrite(transport, { bucket, org }, body, precision, signal)
}

/** One request as the client saw it. Times are `performance.now()`. */
export interface ClientSend {
  /** Sent in the {@link SEND_ID_HEADER} header, so a server can tell which send a request it got came from. */
  id: string
  body: Uint8Array
  startedAt: number
  endedAt: number
  /** undefined when it succeeded. */
  error?: unknown
}

/** A writer on `url` with the string serialiser; close the returned transport at the end. */
export function stringWriter(
  url: string,
  options: Partial<BatchWriterOptions> & { timeout?: number; observe?: (send: ClientSend) => void } = {},
): { writer: BatchWriter; transport: Transport } {
  const { timeout, observe, ...writerOptions } = options
  const transport = new Transport({ url, token: 'test-token', timeout: timeout ?? 5000 })
  const target = { bucket: 'b', org: 'o' }
  let sends = 0
  const observed: SendBody =
    observe === undefined
      ? transportSend(transport)
      : async (body, precision, signal) => {
          const id = String(sends++)
          const startedAt = performance.now()
          try {
            await postWrite(transport, target, body, precision, signal, { [SEND_ID_HEADER]: id })
            observe({ id, body, startedAt, endedAt: performance.now() })
          } catch (error) {
            observe({ id, body, startedAt, endedAt: performance.now(), error })
            throw error
          }
        }
  const writer = BatchWriter.create(
    { bucket: 'b', org: 'o', ...writerOptions },
    { send: observed, serialize: stringSerializer },
  )
  return { writer, transport }
}

/** `count` distinct short lines: `m,t=x v=<i>i <i>`. */
export function* numberedLines(count: number, start = 0): Generator<string> {
  for (let i = start; i < start + count; i++) yield `m,t=x v=${i}i ${i}`
}

/** The number in a line made by {@link numberedLines}, or -1 if the line is not one of them. */
export function lineNumberOf(line: string): number {
  const match = /^m,t=x v=(\d+)i (\d+)$/.exec(line)
  if (match === null || match[1] !== match[2]) return -1
  return Number(match[1])
}
