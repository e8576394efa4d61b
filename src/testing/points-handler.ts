// GET /api/v2/points: the points of a bucket as NDJSON, so that a user of `influx-async serve`
// can see what a running server holds (`influx-async read`). Not an InfluxDB endpoint: InfluxDB
// is read with queries, which this server does not run.
import type { Reply, RequestContext } from './http-reply.js'
import { allows, authenticate, errorReply, isReply } from './http-reply.js'
import { resolveOrg, resolveWriteBucket } from './resolve.js'
import type { StoredPoint } from './storage.js'

/** How many points one answer holds unless `limit` says otherwise, and at most. */
export const DEFAULT_POINTS_LIMIT = 100
export const MAX_POINTS_LIMIT = 100_000

/**
 * `?org=<name>|orgID=<id>&bucket=<name or id>[&measurement=<name>][&limit=<n>]`: the bucket's
 * points in time order (the first `limit`), one JSON object a line:
 * `{"measurement":"m","tags":{"t":"a"},"fields":{"f":1.0,"i":5,"s":"x","b":true},"time":1700000000000000000}`.
 * Integers (and the time) are written as their exact digits; a float always has a fraction or an
 * exponent (`1.0`), so the two stay apart.
 */
export function handlePoints(ctx: RequestContext): Reply {
  const token = authenticate(ctx)
  if (isReply(token)) return token
  if (!allows(token.permissions, 'read')) return errorReply(403, 'forbidden', 'insufficient permissions to read')
  const org = resolveOrg(ctx)
  if (isReply(org)) return org
  const bucketName = ctx.query.get('bucket') ?? ''
  if (bucketName === '') return errorReply(400, 'invalid', 'bucket is required')
  const bucket = resolveWriteBucket(ctx, org, bucketName)
  if (isReply(bucket)) return bucket
  const limitText = ctx.query.get('limit')
  const limit = limitText === null ? DEFAULT_POINTS_LIMIT : Number(limitText)
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_POINTS_LIMIT) {
    return errorReply(
      400,
      'invalid',
      `limit must be an integer from 1 to ${MAX_POINTS_LIMIT}, got ${JSON.stringify(limitText)}`,
    )
  }
  const measurement = ctx.query.get('measurement')
  const points = bucket.storage.points(measurement === null ? undefined : { measurement })
  points.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
  const text = points
    .slice(0, limit)
    .map((point) => `${pointJson(point)}\n`)
    .join('')
  return { status: 200, json: text, headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8' } }
}

function pointJson(point: StoredPoint): string {
  const fields = Object.entries(point.fields).map(([key, value]) => `${JSON.stringify(key)}:${valueJson(value)}`)
  return `{"measurement":${JSON.stringify(point.measurement)},"tags":${JSON.stringify(point.tags)},"fields":{${fields.join(',')}},"time":${point.time}}`
}

function valueJson(value: StoredPoint['fields'][string]): string {
  if (typeof value === 'bigint') return String(value)
  if (typeof value === 'number') {
    const text = JSON.stringify(value)
    return /[.eE]/.test(text) ? text : `${text}.0`
  }
  return JSON.stringify(value)
}
