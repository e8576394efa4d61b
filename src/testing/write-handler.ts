// POST /api/v2/write, with InfluxDB 2.x OSS's checks in its order (server_contract.md §1.2).
import { gunzipSync } from 'node:zlib'
import { isWritePrecision } from '../line-protocol/precision.js'
import type { WritePrecision } from '../line-protocol/precision.js'
import type { Reply, RequestContext } from './http-reply.js'
import { allows, authenticate, errorReply, isReply, noContent } from './http-reply.js'
import { parseLineProtocol } from './line-parser.js'
import type { Bucket } from './registry.js'
import { resolveOrg, resolveWriteBucket } from './resolve.js'
import { retentionSeconds } from './retention.js'

/** Records accepted writes so that they can be replayed after a restart. */
export interface WriteJournal {
  write(bucket: Bucket, precision: WritePrecision, now: bigint, body: string): void
}

/** Handles one write request. `now` is the server clock in nanoseconds. */
export function handleWrite(ctx: RequestContext, now: bigint, journal?: WriteJournal): Reply {
  const token = authenticate(ctx)
  if (isReply(token)) return token
  const precision = ctx.query.get('precision') || 'ns'
  if (!isWritePrecision(precision)) {
    return errorReply(400, 'invalid', 'invalid precision; valid precision units are ns, us, ms, and s')
  }
  const bucketParam = ctx.query.get('bucket') ?? ''
  if (bucketParam === '') return errorReply(404, 'not found', 'bucket not found')
  const gzipped = isGzipEncoding(ctx.headers['content-encoding'])
  // InfluxDB reads the gzip header before anything else and answers a bad one with a bare 500.
  if (gzipped && !hasGzipHeader(ctx.body)) {
    return errorReply(500, 'internal error', 'An internal error has occurred - check server logs')
  }
  const org = resolveOrg(ctx)
  if (isReply(org)) return org
  const bucket = resolveWriteBucket(ctx, org, bucketParam)
  if (isReply(bucket)) return bucket
  if (!allows(token.permissions, 'write')) return errorReply(403, 'forbidden', 'insufficient permissions for write')
  const text = decodeBody(ctx.body, gzipped)
  if (isReply(text)) return text
  if (text.length === 0) return noContent()
  return store(bucket, text, precision, now, journal)
}

/** Parses and stores a body; shared by requests and journal replay. */
export function store(
  bucket: Bucket,
  text: string,
  precision: WritePrecision,
  now: bigint,
  journal?: WriteJournal,
): Reply {
  const parsed = parseLineProtocol(text, { precision, now })
  if (parsed.errors.length > 0) return errorReply(400, 'invalid', parsed.errors.join('\n'))
  if (parsed.points.length === 0) return noContent()
  const seconds = retentionSeconds(bucket.retentionRules)
  // Judged against the request's clock, which the journal records, so a replay drops the same points.
  const outcome = bucket.storage.write(parsed.points, seconds === undefined ? undefined : { seconds, now })
  if (outcome.written > 0 || outcome.reason !== undefined) journal?.write(bucket, precision, now, text)
  // A shard's error replaces the retention error in InfluxDB's points writer, so it wins here too.
  if (outcome.reason !== undefined) {
    return errorReply(
      422,
      'unprocessable entity',
      `failure writing points to database: partial write: ${outcome.reason} dropped=${outcome.dropped}`,
    )
  }
  if (outcome.expired !== undefined) {
    const { count, reason } = outcome.expired
    return errorReply(
      422,
      'unprocessable entity',
      `failure writing points to database: partial write: ${reason} dropped=${count} for database: ${bucket.id} for retention policy: autogen`,
    )
  }
  return noContent()
}

function isGzipEncoding(header: string | undefined): boolean {
  return header === 'gzip' || header === 'x-gzip'
}

// What Go's gzip.NewReader checks before any data: magic, deflate method, no reserved flags.
function hasGzipHeader(body: Buffer): boolean {
  return body.length >= 10 && body[0] === 0x1f && body[1] === 0x8b && body[2] === 8 && (body[3] & 0xe0) === 0
}

function decodeBody(body: Buffer, gzipped: boolean): string | Reply {
  if (!gzipped) return body.toString('utf8')
  try {
    const { buffer, engine } = gunzipSync(body, { info: true }) as unknown as {
      buffer: Buffer
      engine: { bytesWritten: number }
    }
    // Go reads another member header after each member, so trailing bytes are an invalid header.
    if (engine.bytesWritten < body.length)
      return errorReply(400, 'invalid', 'unable to read data: gzip: invalid header')
    return buffer.toString('utf8')
  } catch (error) {
    return errorReply(400, 'invalid', `unable to read data: ${goGzipError(error)}`)
  }
}

// Node's zlib messages, in the words of Go's compress/gzip, which is what clients see from InfluxDB.
function goGzipError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  if (/header check/.test(message)) return 'gzip: invalid header'
  if (/check/.test(message)) return 'gzip: invalid checksum'
  if (/unexpected end/.test(message)) return 'unexpected EOF'
  return `flate: corrupt input (${message})`
}
