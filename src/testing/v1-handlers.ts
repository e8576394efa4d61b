// InfluxDB 1.x's own API, as the embedded server answers it in 1.x mode: POST /write and
// InfluxQL DELETE through /query (services/httpd/handler.go on master-1.x; local_servers.md §3).
import type { IncomingHttpHeaders } from 'node:http'
import type { WritePrecision } from '../line-protocol/precision.js'
import type { Reply, RequestContext } from './http-reply.js'
import { allows, isReply } from './http-reply.js'
import { v1ErrorReply } from './generations.js'
import { parseLineProtocol } from './line-parser.js'
import type { Bucket, TokenSpec } from './registry.js'
import { parseInfluxqlDelete } from './influxql-delete.js'
import { matcherFor } from './predicate.js'

/** What the 1.x handlers need of the server. */
export interface V1Environment {
  now(): bigint
  /** The bucket named `name` in the default org, if any. */
  bucketNamed(name: string): Bucket | undefined
  /** `max-body-size`, bytes. */
  maxRequestBytes: number
}

const PRECISIONS: Readonly<Record<string, WritePrecision | 'm' | 'h'>> = {
  '': 'ns',
  n: 'ns',
  ns: 'ns',
  u: 'us',
  ms: 'ms',
  s: 's',
  m: 'm',
  h: 'h',
}
const CONSISTENCIES = new Set(['', 'any', 'one', 'quorum', 'all'])

/** POST /write?db=&rp=&precision=&consistency= */
export function handleV1Write(ctx: RequestContext, env: V1Environment): Reply {
  const token = authenticateV1(ctx)
  if (isReply(token)) return token
  if (ctx.body.length > env.maxRequestBytes) return v1ErrorReply(413, 'Request Entity Too Large')
  const db = ctx.query.get('db') ?? ''
  if (db === '') return v1ErrorReply(400, 'database is required')
  const precisionParam = ctx.query.get('precision') ?? ''
  const precision = PRECISIONS[precisionParam]
  // 1.x's master branch refuses `us` (1.6 read it as ns without a word; either way it is not microseconds).
  if (precision === undefined)
    return v1ErrorReply(400, `invalid precision ${JSON.stringify(precisionParam)} (use n, u, ms, s, m or h)`)
  if (!CONSISTENCIES.has(ctx.query.get('consistency') ?? '')) return v1ErrorReply(400, 'invalid consistency level')
  const bucket = v1Bucket(env, db, ctx.query.get('rp') ?? '')
  if (isReply(bucket)) return bucket
  if (!allows(token.permissions, 'write'))
    return v1ErrorReply(403, `user is not authorized to write to database "${db}"`)
  const text = ctx.body.toString('utf8')
  if (text.trim() === '') return { status: 204 }
  // m and h are written as their nanoseconds: the parser knows the four v2 precisions.
  const scale = precision === 'm' ? 60_000_000_000n : precision === 'h' ? 3_600_000_000_000n : 1n
  const parsed = parseLineProtocol(text, {
    precision: scale === 1n ? (precision as WritePrecision) : 'ns',
    now: env.now(),
  })
  const points = scale === 1n ? parsed.points : parsed.points.map((p) => ({ ...p, time: p.time * scale }))
  if (parsed.errors.length > 0 && points.length === 0) return v1ErrorReply(400, parsed.errors.join('\n'))
  const outcome = bucket.storage.write(points)
  // Parse errors report dropped=0 although their lines were dropped: that is what 1.x says.
  if (parsed.errors.length > 0) return v1ErrorReply(400, `partial write: ${parsed.errors.join('\n')} dropped=0`)
  if (outcome.reason !== undefined)
    return v1ErrorReply(400, `partial write: ${outcome.reason} dropped=${outcome.dropped}`)
  return { status: 204 }
}

/** POST /query?db= with `q=DELETE …` (form body or query string). Only DELETE statements are run. */
export function handleV1Query(ctx: RequestContext, env: V1Environment): Reply {
  const token = authenticateV1(ctx)
  if (isReply(token)) return token
  const form = isForm(ctx.headers) ? new URLSearchParams(ctx.body.toString('utf8')) : new URLSearchParams()
  const q = form.get('q') ?? ctx.query.get('q')
  if (q === null || q === '') return v1ErrorReply(400, 'missing required parameter "q"')
  const statement = parseInfluxqlDelete(q)
  if ('error' in statement) return v1ErrorReply(400, `error parsing query: ${statement.error}`)
  const db = ctx.query.get('db') ?? ''
  const result = (extra: Record<string, unknown>): Reply => ({
    status: 200,
    json: { results: [{ statement_id: 0, ...extra }] },
  })
  if (db === '') return result({ error: 'database name required' })
  const bucket = env.bucketNamed(db)
  if (bucket === undefined) return result({ error: `database not found: ${db}` })
  if (!allows(token.permissions, 'write'))
    return result({
      error: `error authorizing query: not authorized to execute statement 'DELETE', requires WRITE on ${db}`,
    })
  const fieldKeys = new Set(bucket.storage.points().flatMap((p) => Object.keys(p.fields)))
  const fieldRule = statement.rules.find((rule) => fieldKeys.has(rule.key))
  if (fieldRule !== undefined) return result({ error: 'fields not supported in WHERE clause during deletion' })
  const rules =
    statement.measurement === undefined
      ? statement.rules
      : [{ key: '_measurement', operator: '=' as const, value: statement.measurement }, ...statement.rules]
  bucket.storage.delete(statement.start, statement.stop, matcherFor(rules))
  return result({})
}

function v1Bucket(env: V1Environment, db: string, rp: string): Bucket | Reply {
  const database = env.bucketNamed(db)
  if (database === undefined) return v1ErrorReply(404, `database not found: ${JSON.stringify(db)}`)
  if (rp === '' || rp === 'autogen') return database
  // A retention policy is a bucket named `db/rp` (what 1.8's v2 endpoints call it).
  return env.bucketNamed(`${db}/${rp}`) ?? v1ErrorReply(500, `retention policy not found: ${rp}`)
}

/**
 * 1.x's credentials: `?u=&p=`, `Authorization: Basic` (the password is checked), `Token user:pass`
 * or `Bearer`. The test server's tokens stand for passwords; any username is taken.
 */
function authenticateV1(ctx: RequestContext): TokenSpec | Reply {
  const header = ctx.headers.authorization ?? ''
  let password: string | undefined = ctx.query.get('p') ?? undefined
  const scheme = header.slice(0, header.indexOf(' ') + 1).toLowerCase()
  const value = header.slice(scheme.length)
  if (scheme === 'basic ') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    password = decoded.slice(decoded.indexOf(':') + 1)
  } else if (scheme === 'token ') {
    password = value.includes(':') ? value.slice(value.indexOf(':') + 1) : value
  } else if (scheme === 'bearer ') {
    password = value
  }
  const spec = password === undefined ? undefined : ctx.tokens.get(password)
  if (spec !== undefined) return spec
  const reply = v1ErrorReply(
    401,
    password === undefined ? 'unable to parse authentication credentials' : 'authorization failed',
  )
  reply.headers = { 'WWW-Authenticate': 'Basic realm="InfluxDB"' }
  return reply
}

function isForm(headers: IncomingHttpHeaders): boolean {
  return (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
}
