// What a handler answers, kept apart from node:http so that handlers stay plain functions.
import type { IncomingHttpHeaders } from 'node:http'
import type { Permission, Registry, TokenSpec } from './registry.js'

/** The version the server claims in `X-Influxdb-Version` and `/health`. */
export const SERVER_VERSION = 'v2.7.11'

/** A reply: status, optional JSON body, extra headers. */
export interface Reply {
  status: number
  json?: unknown
  headers?: Record<string, string>
}

/** What a handler sees of a request. */
export interface RequestContext {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  readonly registry: Registry
  readonly tokens: ReadonlyMap<string, TokenSpec>
}

/** A 2.x error body `{code, message}` with `X-Platform-Error-Code`. */
export function errorReply(status: number, code: string, message: string): Reply {
  return { status, json: { code, message }, headers: { 'X-Platform-Error-Code': code } }
}

export const noContent = (): Reply => ({ status: 204 })

/** The `code` InfluxDB 2.x pairs with each status. */
export function codeForStatus(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'internal error' : 'invalid')
}
const STATUS_CODES: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  409: 'conflict',
  413: 'request too large',
  422: 'unprocessable entity',
  429: 'too many requests',
  500: 'internal error',
  501: 'not implemented',
  503: 'unavailable',
}

/**
 * The token's permission, or the 401 reply. The scheme is `Token ` or `Bearer `,
 * matched without regard to case and with exactly one space, as InfluxDB 2.x does.
 */
export function authenticate(ctx: RequestContext): TokenSpec | Reply {
  const header = ctx.headers.authorization ?? ''
  let token: string | undefined
  if (header.length >= 6 && header.slice(0, 6).toLowerCase() === 'token ') token = header.slice(6)
  else if (header.length >= 7 && header.slice(0, 7).toLowerCase() === 'bearer ') token = header.slice(7)
  const spec = token === undefined ? undefined : ctx.tokens.get(token)
  return spec ?? errorReply(401, 'unauthorized', 'unauthorized access')
}

/** True when a token with `have` may do what `need` names. */
export function allows(have: Permission, need: Permission): boolean {
  return have === 'all' || have === need || (have === 'write' && need === 'read')
}

/** True when `value` is a reply rather than a result. */
export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && typeof value.status === 'number'
}
