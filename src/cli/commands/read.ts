/**
 * `influx-async read`: prints what a bucket of the embedded server (`influx-async serve`) holds,
 * from its GET /api/v2/points endpoint, as NDJSON. InfluxDB itself is read with queries, which
 * this package does not run.
 */
import { InfluxDBError, NetworkError } from '../../errors.js'
import {
  CONNECTION_OPTIONS,
  UsageError,
  positiveInteger,
  stringValue,
  type CommandSpec,
  type ParsedCommand,
} from '../args.js'
import { bucketTarget, ID_OPTIONS } from '../connection.js'
import { EXIT_OK } from '../report.js'
import type { CommandIo } from './io.js'

export const readSpec: CommandSpec = {
  name: 'read',
  summary: 'Print the points of a bucket of the embedded server (serve) as NDJSON',
  options: {
    ...CONNECTION_OPTIONS,
    bucket: {
      type: 'string',
      short: 'b',
      value: 'name-or-id',
      help: 'Bucket to read (required)',
      env: ['INFLUX_BUCKET'],
    },
    ...ID_OPTIONS,
    measurement: { type: 'string', short: 'm', value: 'name', help: 'Only the points of this measurement' },
    limit: {
      type: 'string',
      short: 'n',
      value: 'count',
      help: 'At most this many points, the oldest first',
      default: '100',
    },
  },
  details: `Prints one JSON object a line: {"measurement","tags","fields","time"}, in time order.
Integers and the time are exact digits; a float always shows a fraction (1.0).
Works with the embedded server of 'influx-async serve' (its GET /api/v2/points);
InfluxDB itself is read with queries.

Example:
  influx-async read -b my-bucket --limit 10`,
}

export async function runRead(parsed: ParsedCommand, io: CommandIo): Promise<number> {
  const { connection, bucket } = bucketTarget(parsed, 'read', (url) => io.setUrl(url), io.stderr)
  const limit = positiveInteger(parsed.values, 'limit', 'read') as number
  if (limit > 100_000) throw new UsageError(`--limit must be at most 100000, got ${limit}`, 'read')
  const measurement = stringValue(parsed.values, 'measurement')
  const url = new URL('api/v2/points', connection.url.endsWith('/') ? connection.url : `${connection.url}/`)
  const org = connection.org as string
  url.searchParams.set(/^[0-9a-f]{16}$/.test(org) ? 'orgID' : 'org', org)
  url.searchParams.set('bucket', bucket)
  url.searchParams.set('limit', String(limit))
  if (measurement !== undefined) url.searchParams.set('measurement', measurement)
  let response: Response
  try {
    response = await fetch(url, {
      headers: connection.token === undefined ? {} : { Authorization: `Token ${connection.token}` },
      signal: AbortSignal.timeout(connection.timeout),
    })
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code
    throw new NetworkError(`GET ${url.origin}${url.pathname} failed`, {
      cause: error,
      ...(code === undefined ? {} : { errorCode: code }),
    })
  }
  const body = await response.text()
  if (!response.ok) {
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      headers[name] = value
    })
    if (response.status === 404 && !/bucket|organization/i.test(body)) {
      throw new Error(
        `${connection.url} has no GET /api/v2/points: read works with the embedded server of 'influx-async serve'`,
      )
    }
    throw new InfluxDBError({ statusCode: response.status, body, headers })
  }
  io.stdout.write(body)
  return EXIT_OK
}
