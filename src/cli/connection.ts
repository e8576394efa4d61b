/** The server connection a command talks to, from flags, environment and config profile. */
import { subscribe } from 'node:diagnostics_channel'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { InfluxDBClientAsync } from '../client.js'
import type { ApiVersionOption } from '../http/api-version.js'
import {
  UsageError,
  positiveInteger,
  stringValue,
  type OptionSpec,
  type ParsedCommand,
  type ValueSource,
} from './args.js'

export interface Connection {
  url: string
  token: string | undefined
  org: string | undefined
  /** `--api`: the server API to write and delete through. */
  apiVersion: ApiVersionOption
  timeout: number
  /** Do not verify the server's TLS certificate. */
  skipVerify: boolean
  /** Print each request and answer on this stream. */
  httpDebug: { write(text: string): unknown } | undefined
}

export function connectionFrom(
  parsed: Pick<ParsedCommand, 'values' | 'sources'>,
  command: string,
  stderr?: { write(text: string): unknown },
): Connection {
  const { values } = parsed
  const url = stringValue(values, 'host') as string
  let checked: URL
  try {
    checked = new URL(url)
  } catch {
    throw new UsageError(`--host ${JSON.stringify(url)} is not a URL (for example http://localhost:8086)`, command)
  }
  if (checked.protocol !== 'http:' && checked.protocol !== 'https:') {
    throw new UsageError(`--host must be an http:// or https:// URL, got ${JSON.stringify(url)}`, command)
  }
  const apiVersion = stringValue(values, 'api') ?? 'v2'
  if (!['v1', 'v2', 'v3', 'auto'].includes(apiVersion))
    throw new UsageError(`--api must be v1, v2, v3 or auto, got ${JSON.stringify(apiVersion)}`, command)
  return {
    url,
    apiVersion: apiVersion as ApiVersionOption,
    token: stringValue(values, 'token'),
    org: chooseOne(parsed, 'org', 'org-id', command),
    timeout: positiveInteger(values, 'timeout', command) ?? 10_000,
    skipVerify: values['skip-verify'] === true,
    httpDebug: values['http-debug'] === true ? (stderr ?? process.stderr) : undefined,
  }
}

export function createClient(connection: Connection, options: { enableGzip?: boolean } = {}): InfluxDBClientAsync {
  const client = new InfluxDBClientAsync({
    url: connection.url,
    ...(connection.token === undefined ? {} : { token: connection.token }),
    ...(connection.org === undefined ? {} : { org: connection.org }),
    timeout: connection.timeout,
    apiVersion: connection.apiVersion,
    enableGzip: options.enableGzip ?? false,
    ...(connection.skipVerify ? { tls: { rejectUnauthorized: false } } : {}),
  })
  if (connection.httpDebug !== undefined) traceHttp(client.url, connection.httpDebug)
  return client
}

/** `--bucket-id` and `--org-id`: the same flags of the `influx` CLI, for IDs (16 hex digits). */
export const ID_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'bucket-id': { type: 'string', value: 'id', help: 'Bucket ID, instead of --bucket' },
  'org-id': { type: 'string', value: 'id', help: 'Organization ID, instead of --org', env: ['INFLUX_ORG_ID'] },
}

/**
 * The connection and bucket of a command that writes or deletes: a bucket (`--bucket` or
 * `--bucket-id`) is required, and an org (`--org` or `--org-id`) with `--api v2` (1.x and 3.x have
 * none; with `--api auto` the client asks for it if the server turns out to take v2).
 */
export function bucketTarget(
  parsed: ParsedCommand,
  command: string,
  setUrl: (url: string) => void,
  stderr?: { write(text: string): unknown },
): { connection: Connection; bucket: string } {
  const connection = connectionFrom(parsed, command, stderr)
  setUrl(connection.url)
  const bucket = chooseOne(parsed, 'bucket', 'bucket-id', command)
  if (bucket === undefined) throw new UsageError('--bucket or --bucket-id is required (or set INFLUX_BUCKET)', command)
  if (connection.org === undefined && connection.apiVersion === 'v2') {
    throw new UsageError(
      '--org or --org-id is required (or set INFLUX_ORG, or use a config profile); --api v1 and v3 need none',
      command,
    )
  }
  return { connection, bucket }
}

const RANK: Record<ValueSource, number> = { flag: 0, env: 1, config: 2, default: 3 }

/**
 * The value of a name flag or its ID flag, whichever has the higher precedence (flag, then
 * environment, then profile). Both on the command line is a usage error; an ID must be one.
 */
function chooseOne(
  { values, sources }: Pick<ParsedCommand, 'values' | 'sources'>,
  nameFlag: string,
  idFlag: string,
  command: string,
): string | undefined {
  const name = stringValue(values, nameFlag)
  const id = stringValue(values, idFlag)
  if (id !== undefined && !/^[0-9a-f]{16}$/.test(id))
    throw new UsageError(`--${idFlag} must be 16 hexadecimal digits, got ${JSON.stringify(id)}`, command)
  if (name === undefined || id === undefined) return id ?? name
  const nameRank = RANK[sources[nameFlag] ?? 'default']
  const idRank = RANK[sources[idFlag] ?? 'default']
  if (nameRank === RANK.flag && idRank === RANK.flag)
    throw new UsageError(`give --${nameFlag} or --${idFlag}, not both`, command)
  return idRank <= nameRank ? id : name
}

/**
 * `--http-debug`: each request (method, URL, headers) and each answer (status, headers) of this
 * process to the server, from node:http's diagnostics channels. The Authorization header is shown as its scheme
 * only; bodies are shown as their size.
 */
function traceHttp(url: string, out: { write(text: string): unknown }): void {
  const origin = new URL(url).host
  const ours = (request: ClientRequest): boolean => request.getHeader('host') === origin
  const onRequest = (message: unknown): void => {
    const { request } = message as { request: ClientRequest }
    if (!ours(request)) return
    const lines = [`> ${request.method} ${request.protocol}//${origin}${request.path}`]
    for (const [name, value] of Object.entries(request.getHeaders()))
      lines.push(`> ${name}: ${redact(name, String(value))}`)
    out.write(`${lines.join('\n')}\n`)
  }
  const onResponse = (message: unknown): void => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage }
    if (!ours(request)) return
    const lines = [`< ${response.statusCode ?? ''} ${response.statusMessage ?? ''} (${request.method} ${request.path})`]
    for (const [name, value] of Object.entries(response.headers)) lines.push(`< ${name}: ${String(value)}`)
    out.write(`${lines.join('\n')}\n`)
  }
  // For the rest of the process: a command makes its clients once and exits when done.
  subscribe('http.client.request.start', onRequest)
  subscribe('http.client.response.finish', onResponse)
}

function redact(name: string, value: string): string {
  if (name.toLowerCase() !== 'authorization') return value
  const scheme = value.split(' ')[0] ?? ''
  return `${scheme} <redacted>`
}
