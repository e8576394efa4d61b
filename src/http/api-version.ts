/**
 * The server generations this client speaks to, how `/ping` tells them apart, and the hint added
 * to an error that a wrong choice of API causes.
 */
import { InvalidArgumentError } from '../errors.js'

/** The HTTP API a client writes and deletes through: InfluxDB 1.x, 2.x or 3.x's own. */
export type ApiVersion = 'v1' | 'v2' | 'v3'
/** The `apiVersion` client option: an API, or `'auto'` to ask the server's `/ping` once. */
export type ApiVersionOption = ApiVersion | 'auto'

/** The API in use and what the server said about itself. */
export interface ServerIdentity {
  apiVersion: ApiVersion
  /** `X-Influxdb-Version` (or the JSON `version` of 3.x), when the server sent one. */
  serverVersion: string | undefined
  /** `X-Influxdb-Build`: `OSS`, `Core`, `Enterprise`, when the server sent one. */
  build: string | undefined
}

const API_VERSIONS: readonly string[] = ['v1', 'v2', 'v3', 'auto']

/** Checks the option's value. */
export function checkApiVersionOption(value: unknown): ApiVersionOption {
  if (typeof value !== 'string' || !API_VERSIONS.includes(value)) {
    throw new InvalidArgumentError(`"apiVersion" must be one of 'v1', 'v2', 'v3', 'auto'; got ${JSON.stringify(value)}`)
  }
  return value as ApiVersionOption
}

/**
 * Reads a 2xx answer of `GET /ping`: 3.x answers 200 with JSON and a `Core`/`Enterprise` build,
 * 1.x and 2.x answer 204 with their version in `X-Influxdb-Version`. Anything else (another
 * product, a proxy) is taken as the v2 API, which most InfluxDB-compatible servers implement.
 */
export function identifyServer(
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
): ServerIdentity {
  const build = nonEmpty(headers['x-influxdb-build'])
  let version = nonEmpty(headers['x-influxdb-version'])
  if (status === 200 && body.trimStart().startsWith('{')) {
    try {
      const json = JSON.parse(body) as { version?: unknown }
      if (version === undefined && typeof json.version === 'string') version = json.version
    } catch {
      // Not JSON after all: the headers decide.
    }
  }
  const major = majorOf(version)
  const apiVersion: ApiVersion =
    major === 3 || build === 'Core' || (build === 'Enterprise' && major !== 1) ? 'v3' : major === 1 ? 'v1' : 'v2'
  return { apiVersion, serverVersion: version, build }
}

/** The major version of `1.6.7~rc0`, `v2.7.11` or `3.0.1`. */
export function majorOf(version: string | undefined): number | undefined {
  const match = /^v?(\d+)\./.exec(version ?? '')
  return match === null ? undefined : Number(match[1])
}

/**
 * What to add to a 404 or 405 answer on a path of `api`: which API the request used, and which
 * one the server's own version header points to. Undefined when the answer is not about a
 * missing route (a JSON `database not found` is about the data, not the API).
 */
export function wrongApiHint(
  api: ApiVersion,
  chosen: ApiVersionOption,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string,
): string | undefined {
  if (status !== 404 && status !== 405) return undefined
  if (status === 404 && !isMissingRoute(body)) return undefined
  const version = nonEmpty(headers['x-influxdb-version'])
  const major = majorOf(version)
  const how = chosen === 'auto' ? `apiVersion 'auto' chose '${api}'` : `sent with apiVersion: '${api}'`
  const fitting: ApiVersion | undefined = major === 1 ? 'v1' : major === 2 ? 'v2' : major === 3 ? 'v3' : undefined
  if (fitting !== undefined && fitting !== api) {
    return `${how}; this server says it is InfluxDB ${version}, which needs apiVersion: '${fitting}' or 'auto'`
  }
  if (fitting === undefined) {
    const others = (['v1', 'v2', 'v3'] as const).filter((v) => v !== api).map((v) => `'${v}'`)
    return `${how}; the server does not have this endpoint: if it is another InfluxDB generation, set apiVersion to ${others.join(' or ')}, or 'auto'`
  }
  return `${how}; the server does not have this endpoint`
}

// A router's own 404 (`404 page not found`, an empty body, 2.x's `path not found`), not a handler's answer about a database or bucket.
function isMissingRoute(body: string): boolean {
  const text = body.trim()
  return (
    text === '' ||
    text === '404 page not found' ||
    text.includes('"path not found"') ||
    text.includes('unsupported path')
  )
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
