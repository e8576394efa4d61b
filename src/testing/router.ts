// Which handler answers a request: the routes of each InfluxDB generation, and the 404 and 405
// answers each generation gives for a path or method it does not know.
import { gunzipSync } from 'node:zlib'
import type { Reply, RequestContext } from './http-reply.js'
import { errorReply } from './http-reply.js'
import type { Journal } from './journal.js'
import type { Bucket } from './registry.js'
import { handleBuckets, handleOrgs } from './resource-handlers.js'
import { handleDelete } from './delete-handler.js'
import { handleHealth, handlePing } from './system-handlers.js'
import { handleWrite } from './write-handler.js'
import { handlePoints } from './points-handler.js'
import { textReply, type ServerGeneration } from './generations.js'
import { handleV1Query, handleV1Write } from './v1-handlers.js'
import { handleV3Ping, handleV3Write } from './v3-handlers.js'

/** The server state handlers may use beyond the request. */
export interface HandlerEnvironment {
  now(): bigint
  journalOrUndefined(): Journal | undefined
  bucketNamed(name: string): Bucket | undefined
  database(name: string): Bucket
  readonly maxRequestBytes: number
}

/** The reply of the handler that `generation` has for the request's path and method. */
export function routeRequest(generation: ServerGeneration, ctx: RequestContext, env: HandlerEnvironment): Reply {
  const route = ROUTES[generation][ctx.path]
  // 1.x answers with Go's router text, 3.x with an empty 404.
  if (route === undefined && generation === 'v1') return textReply(404, '404 page not found\n')
  if (route === undefined && generation === 'v3') return { status: 404 }
  if (route === undefined) return errorReply(404, 'not found', 'path not found')
  const handler = route[ctx.method]
  if (handler === undefined) {
    return errorReply(405, 'method not allowed', `allow: ${Object.keys(route).join(', ')}`)
  }
  return handler(ctx, env)
}

type Handler = (ctx: RequestContext, env: HandlerEnvironment) => Reply
type Routes = Record<string, Record<string, Handler>>

const V2_ROUTES: Routes = {
  '/ping': { GET: handlePing, HEAD: handlePing },
  '/health': { GET: handleHealth },
  '/api/v2/write': { POST: (ctx, env) => handleWrite(ctx, env.now(), env.journalOrUndefined()) },
  '/api/v2/delete': { POST: (ctx, env) => handleDelete(ctx, env.journalOrUndefined()) },
  '/api/v2/points': { GET: (ctx) => handlePoints(ctx) },
  '/api/v2/buckets': {
    GET: (ctx) => handleBuckets(ctx),
    POST: (ctx, env) => handleBuckets(ctx, env.journalOrUndefined()),
  },
  '/api/v2/orgs': { GET: (ctx) => handleOrgs(ctx), POST: (ctx, env) => handleOrgs(ctx, env.journalOrUndefined()) },
}

const V1_ROUTES: Routes = {
  '/ping': { GET: handlePing, HEAD: handlePing },
  '/write': { POST: (ctx, env) => handleV1Write(gunzipped(ctx), env) },
  '/query': { POST: (ctx, env) => handleV1Query(ctx, env), GET: (ctx, env) => handleV1Query(ctx, env) },
}

const V3_ROUTES: Routes = {
  '/ping': { GET: (ctx) => handleV3Ping(ctx), POST: (ctx) => handleV3Ping(ctx) },
  '/health': { GET: () => textReply(200, 'OK') },
  '/api/v3/write_lp': { POST: (ctx, env) => handleV3Write(gunzipped(ctx), env) },
}

const ROUTES: Record<ServerGeneration, Routes> = { v1: V1_ROUTES, v2: V2_ROUTES, v3: V3_ROUTES }

/** The request with a gzip body decompressed (1.x and 3.x take `Content-Encoding: gzip`). */
function gunzipped(ctx: RequestContext): RequestContext {
  const encoding = ctx.headers['content-encoding']
  if (encoding !== 'gzip' && encoding !== 'x-gzip') return ctx
  return { ...ctx, body: gunzipSync(ctx.body) }
}
