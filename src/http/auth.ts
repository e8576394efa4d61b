/**
 * How requests authenticate: a token (`Token …`), the token as HTTP Basic credentials (InfluxDB
 * 1.8 behind a proxy), or a username/password session cookie from `/api/v2/signin`.
 */
import { InvalidArgumentError } from '../errors.js'

/** Credentials, as the client options give them. */
export interface AuthOptions {
  token?: string
  /** Send `Authorization: Basic base64(token)` instead of `Token …`. */
  authBasic?: boolean
  username?: string
  password?: string
}

/** The resolved scheme. */
export type Auth =
  { kind: 'none' } | { kind: 'header'; authorization: string } | { kind: 'session'; signinAuthorization: string }

/** Picks the scheme: username and password win over a token, as in InfluxDB's Python client. */
export function resolveAuth(options: AuthOptions): Auth {
  const { token, username, password } = options
  // A number or an object here is a configuration mistake; sent as text it would only fail later as a 401.
  for (const [name, value] of [
    ['token', token],
    ['username', username],
    ['password', password],
  ] as const) {
    if (value !== undefined && typeof value !== 'string')
      throw new InvalidArgumentError(`"${name}" must be a string, got ${typeof value}`)
  }
  if (username !== undefined || password !== undefined) {
    if (username === undefined || password === undefined) {
      throw new InvalidArgumentError('"username" and "password" must be given together')
    }
    return { kind: 'session', signinAuthorization: `Basic ${base64(`${username}:${password}`)}` }
  }
  if (token === undefined || token === '') {
    if (options.authBasic === true) throw new InvalidArgumentError('"authBasic" needs a "token" to send')
    return { kind: 'none' }
  }
  return { kind: 'header', authorization: options.authBasic === true ? `Basic ${base64(token)}` : `Token ${token}` }
}

/**
 * The credentials to keep out of every error text: the token, the password, and `user:password`
 * (the redactor adds the base64 forms that the Basic headers carry).
 */
export function secretsOf(options: AuthOptions): string[] {
  const { token, username, password } = options
  return [
    token,
    password,
    username !== undefined && password !== undefined ? `${username}:${password}` : undefined,
  ].filter((s): s is string => s !== undefined)
}

/**
 * The `Authorization` header of a request to InfluxDB 1.x's or 3.x's own API, which have no
 * session: 1.x takes a username and password as HTTP Basic, and a token as it is given
 * (`Token user:pass` on 1.7 and later, or Basic with `authBasic`); 3.x takes a `Bearer` token.
 * Undefined: no credentials to send.
 */
export function nativeAuthorization(api: 'v1' | 'v3', options: AuthOptions, auth: Auth): string | undefined {
  if (auth.kind === 'session') {
    if (api === 'v3')
      throw new InvalidArgumentError('InfluxDB 3 authenticates with a token, not a username and password: set "token"')
    return auth.signinAuthorization
  }
  if (auth.kind === 'none') return undefined
  return api === 'v3' ? `Bearer ${options.token!}` : auth.authorization
}

/**
 * The `Cookie` header to send from `Set-Cookie` values (one per line): only each cookie's
 * `name=value`, never its attributes.
 */
export function cookieFromSetCookie(setCookie: string | undefined): string | undefined {
  if (setCookie === undefined || setCookie === '') return undefined
  const pairs = setCookie
    .split('\n')
    .map((entry) => entry.split(';', 1)[0].trim())
    .filter((pair) => pair.includes('='))
  return pairs.length === 0 ? undefined : pairs.join('; ')
}

/** The base64 of `text`'s UTF-8 bytes. */
export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}
