// POST /api/v2/delete as InfluxDB 2.x OSS answers it (server_contract.md §2).
import type { Reply, RequestContext } from './http-reply.js'
import { allows, authenticate, errorReply, isReply, noContent } from './http-reply.js'
import { MAX_NANO_TIME, MIN_NANO_TIME } from './line-parser.js'
import type { TagRule } from './predicate.js'
import { matcherFor, parsePredicate, PredicateError } from './predicate.js'
import type { Bucket } from './registry.js'
import { isValidId } from './registry.js'
import { invalidIdReply, resolveOrg } from './resolve.js'
import { parseRfc3339Nano } from './rfc3339.js'

/** Records deletes for replay. */
export interface DeleteJournal {
  delete(bucket: Bucket, start: bigint, stop: bigint, predicate: string): void
}

interface DeleteRequest {
  start: bigint
  stop: bigint
  predicate: string
  rules: TagRule[]
}

const BODY_PREFIX = 'error decoding json body: '

/** Handles one delete request. */
export function handleDelete(ctx: RequestContext, journal?: DeleteJournal): Reply {
  const token = authenticate(ctx)
  if (isReply(token)) return token
  const request = decodeBody(ctx.body.toString('utf8'))
  if (isReply(request)) return request
  if (request.rules.some((rule) => rule.key === '_field' && rule.operator === '=')) {
    return errorReply(501, 'not implemented', 'delete by field is not supported')
  }
  const org = resolveOrg(ctx)
  if (isReply(org)) return org
  const bucket = resolveDeleteBucket(ctx, org.id)
  if (isReply(bucket)) return bucket
  if (!allows(token.permissions, 'write')) return errorReply(403, 'forbidden', 'insufficient permissions to delete')
  bucket.storage.delete(request.start, request.stop, matcherFor(request.rules))
  journal?.delete(bucket, request.start, request.stop, request.predicate)
  return noContent()
}

/** Applies a journaled delete. */
export function applyDelete(bucket: Bucket, start: bigint, stop: bigint, predicate: string): void {
  bucket.storage.delete(start, stop, matcherFor(parsePredicate(predicate)))
}

// `bucketID` wins; `bucket` is an ID when it looks like one (no name fallback on deletes).
function resolveDeleteBucket(ctx: RequestContext, orgID: string): Bucket | Reply {
  const bucketID = ctx.query.get('bucketID') ?? ''
  const name = ctx.query.get('bucket') ?? ''
  if (bucketID === '' && name === '') return errorReply(400, 'invalid', 'Please provide either bucketID or bucket')
  if (bucketID !== '') {
    const invalid = invalidIdReply(bucketID)
    if (invalid !== undefined) return invalid
    return byId(ctx, bucketID, orgID)
  }
  if (isValidId(name)) return byId(ctx, name, orgID)
  return ctx.registry.bucketByName(orgID, name) ?? errorReply(404, 'not found', `bucket "${name}" not found`)
}

function byId(ctx: RequestContext, id: string, orgID: string): Bucket | Reply {
  const bucket = ctx.registry.bucketById(id)
  return bucket !== undefined && bucket.orgID === orgID ? bucket : errorReply(404, 'not found', 'bucket not found')
}

function decodeBody(text: string): DeleteRequest | Reply {
  const invalid = (message: string): Reply => errorReply(400, 'invalid', BODY_PREFIX + message)
  let body: unknown
  try {
    body = text.trim() === '' ? undefined : JSON.parse(text)
  } catch (error) {
    return invalid((error as Error).message)
  }
  if (body === undefined) return invalid('EOF')
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid(`json: cannot unmarshal ${jsonKind(body)} into Go value of type http.deleteRequestDecode`)
  }
  const fields = body as Record<string, unknown>
  for (const name of ['start', 'stop', 'predicate']) {
    const value = fields[name]
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return invalid(`json: cannot unmarshal ${jsonKind(value)} into Go struct field .${name} of type string`)
    }
  }
  const start = parseRfc3339Nano(typeof fields.start === 'string' ? fields.start : '')
  if (start === undefined) {
    return invalid(
      'invalid RFC3339Nano for field start, please format your time with RFC3339Nano format, example: 2009-01-02T23:00:00Z',
    )
  }
  if (start < MIN_NANO_TIME || start > MAX_NANO_TIME) {
    return invalid('invalid start time, start time must not be before 1677-09-21T00:12:43.145224194Z')
  }
  const stop = parseRfc3339Nano(typeof fields.stop === 'string' ? fields.stop : '')
  if (stop === undefined) {
    return invalid(
      'invalid RFC3339Nano for field stop, please format your time with RFC3339Nano format, example: 2009-01-01T23:00:00Z',
    )
  }
  if (stop < MIN_NANO_TIME || stop > MAX_NANO_TIME) {
    return invalid('invalid stop time, stop time must not be after 2262-04-11T23:47:16.854775806Z')
  }
  const predicate = typeof fields.predicate === 'string' ? fields.predicate : ''
  try {
    return { start, stop, predicate, rules: parsePredicate(predicate) }
  } catch (error) {
    if (!(error instanceof PredicateError)) throw error
    return error.secondPass ? errorReply(400, 'invalid', error.message) : invalid(error.message)
  }
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'boolean') return 'bool'
  return typeof value
}
