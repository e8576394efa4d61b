/**
 * Where the demo writes: the embedded server (default), or a real InfluxDB when INFLUX_URL is set.
 * Only the embedded server can be read back here, because this client has no query API.
 */
import { randomBytes } from 'node:crypto'
import { startTestServer } from '../src/testing/index.js'

export interface DemoTarget {
  url: string
  token: string
  org: string
  bucket: string
  /** A one-line description for the banner. */
  description: string
  /**
   * Point counts of `measurements` (the last one must be the only other measurement in the
   * bucket), or `undefined` when the server cannot be read back.
   */
  holdings(measurements: readonly string[]): Promise<Map<string, number> | undefined>
  /** Body of the last write request, when the server recorded it (embedded only). */
  lastWriteBody(): string | undefined
  close(): Promise<void>
}

export async function openTarget(env: NodeJS.ProcessEnv = process.env): Promise<DemoTarget> {
  const url = env.INFLUX_URL
  if (url !== undefined && url !== '') return realTarget(url, env)
  const token = randomBytes(12).toString('base64url')
  const org = 'my-org'
  const bucket = 'my-bucket'
  const server = await startTestServer({ port: 0, token, org, buckets: [bucket] })
  return {
    url: server.url,
    token,
    org,
    bucket,
    description: `the embedded InfluxDB-compatible server at ${server.url} (set INFLUX_URL to use a real InfluxDB)`,
    holdings(measurements) {
      // Counted without materialising a million points: the last measurement gets the rest of the total.
      const counts = new Map<string, number>()
      let rest = server.count(bucket)
      measurements.forEach((measurement, i) => {
        const count = i === measurements.length - 1 ? rest : server.points(bucket, { measurement }).length
        counts.set(measurement, count)
        rest -= count
      })
      return Promise.resolve(counts)
    },
    lastWriteBody() {
      const writes = server.requests.filter((r) => r.path === '/api/v2/write')
      return writes.at(-1)?.body
    },
    close: () => server.close(),
  }
}

function realTarget(url: string, env: NodeJS.ProcessEnv): DemoTarget {
  const missing = ['INFLUX_TOKEN', 'INFLUX_ORG', 'INFLUX_BUCKET'].filter((name) => (env[name] ?? '') === '')
  if (missing.length > 0) throw new Error(`INFLUX_URL is set, so the demo needs ${missing.join(', ')} too`)
  return {
    url,
    token: env.INFLUX_TOKEN as string,
    org: env.INFLUX_ORG as string,
    bucket: env.INFLUX_BUCKET as string,
    description: `the InfluxDB at ${url} (INFLUX_URL)`,
    holdings: () => Promise.resolve(undefined),
    lastWriteBody: () => undefined,
    close: () => Promise.resolve(),
  }
}
