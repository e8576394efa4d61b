/** The server connection a command talks to, from flags and environment. */
import { InfluxDBClientAsync } from '../client.js'
import { withoutUserinfo } from '../http/url.js'
import { UsageError, positiveInteger, requiredString, stringValue, type ParsedCommand } from './args.js'

export interface Connection {
  url: string
  token: string | undefined
  org: string | undefined
  timeout: number
}

export function connectionFrom(values: ParsedCommand['values'], command: string): Connection {
  const url = stringValue(values, 'host') as string
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError(`--host ${JSON.stringify(withoutUserinfo(url))} is not a URL (for example http://localhost:8086)`, command)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--host must be an http:// or https:// URL, got ${JSON.stringify(withoutUserinfo(url))}`, command)
  }
  return {
    url,
    token: stringValue(values, 'token'),
    org: stringValue(values, 'org'),
    timeout: positiveInteger(values, 'timeout', command) ?? 10_000,
  }
}

export function createClient(connection: Connection, options: { enableGzip?: boolean } = {}): InfluxDBClientAsync {
  return new InfluxDBClientAsync({
    url: connection.url,
    ...(connection.token === undefined ? {} : { token: connection.token }),
    ...(connection.org === undefined ? {} : { org: connection.org }),
    timeout: connection.timeout,
    enableGzip: options.enableGzip ?? false,
  })
}

/** The connection and bucket of a command that writes or deletes: both `--bucket` and `--org` are required. */
export function bucketTarget(values: ParsedCommand['values'], command: string, setUrl: (url: string) => void): { connection: Connection; bucket: string } {
  const connection = connectionFrom(values, command)
  setUrl(connection.url)
  const bucket = requiredString(values, 'bucket', command, 'INFLUX_BUCKET')
  requiredString(values, 'org', command, 'INFLUX_ORG')
  return { connection, bucket }
}
