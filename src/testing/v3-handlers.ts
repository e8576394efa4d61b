// InfluxDB 3's own write endpoint and /ping, as the embedded server answers them in 3.x mode
// (influxdb3_server/src/http.rs, influxdb3_types/src/write.rs, write_buffer/validator.rs).
import { forEachLine } from '../line-protocol/lines.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import type { Reply, RequestContext } from './http-reply.js'
import { allows, isReply } from './http-reply.js'
import { GENERATION_VERSION, textReply, v3ErrorReply } from './generations.js'
import { parseLineProtocol, type ParsedPoint } from './line-parser.js'
import type { Bucket, TokenSpec } from './registry.js'

/** What the 3.x handlers need of the server. */
export interface V3Environment {
  now(): bigint
  /** The database (a bucket of the default org), created on first write as 3.x does. */
  database(name: string): Bucket
  /** Largest request body, bytes (3.x's `--max-http-request-size`, 10 MiB by default). */
  maxRequestBytes: number
}

const PRECISIONS: Readonly<Record<string, WritePrecision | 'auto'>> = {
  auto: 'auto',
  second: 's',
  s: 's',
  millisecond: 'ms',
  ms: 'ms',
  microsecond: 'us',
  us: 'us',
  u: 'us',
  nanosecond: 'ns',
  ns: 'ns',
  n: 'ns',
}
/** 3.x cuts `original_line` to this many bytes when it serialises a line error. */
const ORIGINAL_LINE_BYTES = 20

/** GET /ping: 200 with JSON, for an authenticated request only (3.x's default). */
export function handleV3Ping(ctx: RequestContext): Reply {
  const token = authenticateV3(ctx)
  if (isReply(token)) return token
  return {
    status: 200,
    json: {
      product_name: 'InfluxDB 3 Core',
      version: GENERATION_VERSION.v3,
      revision: 'embedded',
      process_id: 'embedded-test-server',
    },
  }
}

/** POST /api/v3/write_lp?db=&precision=&accept_partial=&no_sync= */
export function handleV3Write(ctx: RequestContext, env: V3Environment): Reply {
  if (ctx.body.length > env.maxRequestBytes)
    return textReply(413, `max request size (${env.maxRequestBytes} bytes) exceeded`)
  const token = authenticateV3(ctx)
  if (isReply(token)) return token
  const db = ctx.query.get('db') ?? ''
  if (db === '') return v3ErrorReply(400, 'missing required query parameter: db')
  if (!/^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)?$/.test(db) || db.length > 511)
    return v3ErrorReply(400, `invalid database name: ${db}`)
  const precision = PRECISIONS[ctx.query.get('precision') ?? 'auto']
  if (precision === undefined)
    return v3ErrorReply(400, `unrecognized precision unit: ${ctx.query.get('precision') ?? ''}`)
  const acceptPartial = ctx.query.get('accept_partial') !== 'false'
  if (!allows(token.permissions, 'write')) return v3ErrorReply(403, 'the request was not authorized')
  const text = ctx.body.toString('utf8')
  const lines: string[] = []
  forEachLine(text, (line) => {
    if (line.trim() !== '') lines.push(line)
  })
  if (lines.length === 0) return textReply(400, 'incoming write was empty')
  const now = env.now()
  const points: ParsedPoint[] = []
  const invalid: { error_message: string; line_number: number; original_line: string }[] = []
  for (const [index, line] of lines.entries()) {
    const parsed = parseLineProtocol(line, { precision: precision === 'auto' ? 'ns' : precision, now })
    if (parsed.errors.length === 0) {
      points.push(
        ...parsed.points.map((point) =>
          precision === 'auto' ? { ...point, time: guessNanoseconds(point.time) } : point,
        ),
      )
      continue
    }
    const error = {
      error_message: reasonOf(parsed.errors[0]),
      line_number: index + 1,
      original_line: cutUtf8(line, ORIGINAL_LINE_BYTES),
    }
    // Without accept_partial the first bad line rejects the whole body (3.10's wording).
    if (!acceptPartial) return v3ErrorReply(400, 'line protocol parsing error', error)
    invalid.push(error)
  }
  if (points.length > 0) env.database(db).storage.write(points)
  if (invalid.length > 0) return v3ErrorReply(400, 'partial write of line protocol occurred', invalid)
  return { status: 204 }
}

/** 3.x's `precision=auto`: the unit follows from the size of the value. */
function guessNanoseconds(value: bigint): bigint {
  const size = value < 0n ? -value : value
  if (size < 5_000_000_000n) return value * 1_000_000_000n
  if (size < 5_000_000_000_000n) return value * 1_000_000n
  if (size < 5_000_000_000_000_000n) return value * 1_000n
  return value
}

/** `Authorization: Bearer`, `Token`, or `Basic base64(anything:token)`. */
function authenticateV3(ctx: RequestContext): TokenSpec | Reply {
  const header = ctx.headers.authorization ?? ''
  const space = header.indexOf(' ')
  const scheme = header.slice(0, space + 1).toLowerCase()
  const value = header.slice(space + 1)
  let token: string | undefined
  if (scheme === 'bearer ' || scheme === 'token ') token = value
  else if (scheme === 'basic ') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    token = decoded.slice(decoded.indexOf(':') + 1)
  } else if (header !== '') {
    return v3ErrorReply(
      400,
      "Authorization header was malformed, the request was not in the form of 'Authorization: <auth-scheme> <token>'",
    )
  }
  const spec = token === undefined ? undefined : ctx.tokens.get(token)
  return spec ?? v3ErrorReply(401, 'the request was not authenticated')
}

// The parser's `unable to parse '<line>': <reason>` without the quoted line, which 3.x reports apart.
function reasonOf(message: string): string {
  const at = message.lastIndexOf("': ")
  return at === -1 ? message : message.slice(at + 3)
}

function cutUtf8(text: string, bytes: number): string {
  const encoded = new TextEncoder().encode(text)
  if (encoded.length <= bytes) return text
  let end = bytes
  // Back to the start of a character: continuation bytes are 10xxxxxx.
  while (end > 0 && (encoded[end] & 0xc0) === 0x80) end--
  return new TextDecoder().decode(encoded.subarray(0, end))
}
