import { InvalidArgumentError } from '../errors.js'

/**
 * Checks a server URL and returns it without one trailing slash. A path prefix
 * (`http://proxy/influx`) is kept: every API path is appended to it.
 */
export function normalizeBaseUrl(url: unknown): string {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new InvalidArgumentError('"url" must be a non-empty string such as http://localhost:8086')
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidArgumentError(`"url" is not a valid URL: ${JSON.stringify(withoutUserinfo(url))}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(`"url" must use http or https, not ${parsed.protocol.slice(0, -1)}`)
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Credentials in the URL would end up in error messages and logs.
    throw new InvalidArgumentError('"url" must not contain credentials; use the token or username/password options')
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new InvalidArgumentError('"url" must not contain a query string or fragment')
  }
  const text = `${parsed.protocol}//${parsed.host}${parsed.pathname}`
  return text.endsWith('/') ? text.slice(0, -1) : text
}

/** `url` with anything between `//` and `@` (credentials) shown as `***`, for messages. */
export function withoutUserinfo(url: string): string {
  return url.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, '$1***@')
}

/**
 * Joins the base URL, an API path and query parameters. Parameters keep their insertion
 * order (org, bucket, precision) and are encoded by URLSearchParams; undefined values are left out.
 */
export function buildRequestUrl(
  baseUrl: string,
  path: string,
  query?: Readonly<Record<string, string | undefined>>,
): string {
  let url = baseUrl + path
  if (query !== undefined) {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, value)
    const text = params.toString()
    if (text !== '') url += `?${text}`
  }
  return url
}
