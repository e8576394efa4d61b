// The null sink of the write benchmarks: a separate process (so its work does not share the
// benchmark's event loop) on 127.0.0.1, port 0. It answers 204 to every POST whose path ends in
// /write or /write_lp (and 204 to GET /ping), counts the lines it received (gunzipping gzip bodies), and tells the
// parent over IPC. Messages from the parent:
//   { type: 'expect', lines }  → answers { type: 'reached', lines } once that many lines arrived
//   { type: 'reset' }          → zeroes the count, answers { type: 'reset' }
// At start it sends { type: 'listening', port }.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGunzip } from 'node:zlib'
import type { Readable } from 'node:stream'

export type SinkRequest = { type: 'expect'; lines: number } | { type: 'reset' }
export type SinkReply =
  | { type: 'listening'; port: number }
  | { type: 'reached'; lines: number }
  | { type: 'reset' }
  | { type: 'bad'; detail: string }

const NEWLINE = 0x0a

let received = 0
let expected: number | undefined

function reply(message: SinkReply): void {
  process.send?.(message)
}

function checkReached(): void {
  if (expected !== undefined && received >= expected) {
    expected = undefined
    reply({ type: 'reached', lines: received })
  }
}

/** Lines in a body: its newlines, plus one for a last line without a newline. */
async function countLines(stream: Readable): Promise<number> {
  let newlines = 0
  let last = NEWLINE
  let bytes = 0
  for await (const part of stream as AsyncIterable<Buffer>) {
    for (let at = part.indexOf(NEWLINE); at !== -1; at = part.indexOf(NEWLINE, at + 1)) newlines++
    if (part.length > 0) last = part[part.length - 1]!
    bytes += part.length
  }
  return bytes === 0 ? 0 : newlines + (last === NEWLINE ? 0 : 1)
}

async function handle(req: IncomingMessage): Promise<number> {
  const gzip = req.headers['content-encoding'] === 'gzip'
  return countLines(gzip ? req.pipe(createGunzip()) : req)
}

const server = createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0] ?? ''
  // The CLI checks that the server answers before it reads its input.
  if ((req.method === 'GET' || req.method === 'HEAD') && path === '/ping') {
    res.writeHead(204, { 'X-Influxdb-Version': 'v2.7.11', 'X-Influxdb-Build': 'OSS' }).end()
    return
  }
  if (req.method !== 'POST' || !(path.endsWith('/write') || path.endsWith('/write_lp'))) {
    reply({ type: 'bad', detail: `${req.method} ${req.url}` })
    res.writeHead(404).end()
    return
  }
  handle(req).then(
    (lines) => {
      received += lines
      res.writeHead(204).end()
      checkReached()
    },
    (error: unknown) => {
      reply({ type: 'bad', detail: String(error) })
      res.writeHead(400).end()
    },
  )
})
server.keepAliveTimeout = 60_000

process.on('message', (message: SinkRequest) => {
  if (message.type === 'reset') {
    received = 0
    expected = undefined
    reply({ type: 'reset' })
  } else if (message.type === 'expect') {
    expected = message.lines
    checkReached()
  }
})
// The parent going away ends the sink.
process.on('disconnect', () => process.exit(0))

server.listen(0, '127.0.0.1', () => reply({ type: 'listening', port: (server.address() as AddressInfo).port }))
