// Common setup of the client-level tests against real InfluxDB 1.6.7: a fresh database and a
// client that either speaks 1.x's own API to the server directly (apiVersion 'v1', no gateway:
// requests are recorded by the client's `fetch`), or speaks the v2 API through the v2→v1 gateway.
import { before, after } from 'node:test'
import { InfluxDBClientAsync } from '../../src/index.js'
import { startGateway, type Gateway, type GatewayExchange } from './gateway.js'
import { createDatabase, dropDatabase } from './influx.js'
import { INFLUX_V1_URL } from './servers.js'

export const TEST_TOKEN = 'real-server-test-token'
export const TEST_ORG = 'test-org'

/** How the client reaches InfluxDB 1.6.7: its own v1 API, or the v2 API through the gateway. */
export type InfluxTargetMode = 'native-v1' | 'gateway-v2'
/** Both, for suites that run against each. */
export const INFLUX_TARGET_MODES: readonly InfluxTargetMode[] = ['native-v1', 'gateway-v2']

export interface InfluxTarget {
  db: string
  mode: InfluxTargetMode
  /** The URL to give a client: the server itself, or the gateway. */
  url: string
  /** The options a client of this mode needs besides the URL. */
  clientOptions: Partial<ClientOptions>
  /** The write path of this mode's API: `/write` or `/api/v2/write`. */
  writePath: string
  /** The delete path of this mode's API: `/query` or `/api/v2/delete`. */
  deletePath: string
  client: InfluxDBClientAsync
  /** Requests sent so far whose path starts with `prefix`. */
  requestsTo(prefix: string): GatewayExchange[]
  close(): Promise<void>
}

type ClientOptions = ConstructorParameters<typeof InfluxDBClientAsync>[0]

/**
 * Creates (after dropping) `db` and builds a client: in 'gateway-v2' mode behind a gateway that
 * requires {@link TEST_TOKEN}, in 'native-v1' mode straight to the server with apiVersion 'v1'.
 */
export async function openInfluxTarget(
  db: string,
  clientOptions: Partial<ClientOptions> = {},
  mode: InfluxTargetMode = 'gateway-v2',
): Promise<InfluxTarget> {
  await createDatabase(db)
  if (mode === 'native-v1') {
    const exchanges: GatewayExchange[] = []
    const recordingFetch = async (input: string, init: RequestInit): Promise<Response> => {
      const url = new URL(input)
      const headers = new Headers(init.headers)
      const exchange: GatewayExchange = { method: init.method ?? 'GET', url: url.pathname + url.search, status: 0 }
      const encoding = headers.get('content-encoding')
      if (encoding !== null) exchange.contentEncoding = encoding
      exchanges.push(exchange)
      const response = await fetch(input, init)
      exchange.status = response.status
      return response
    }
    const native: Partial<ClientOptions> = { apiVersion: 'v1', fetch: recordingFetch }
    const client = new InfluxDBClientAsync({ url: INFLUX_V1_URL, timeout: 30_000, ...native, ...clientOptions })
    return {
      db,
      mode,
      url: INFLUX_V1_URL,
      clientOptions: native,
      writePath: '/write',
      deletePath: '/query',
      client,
      requestsTo: (prefix) => exchanges.filter((e) => e.url.startsWith(prefix)),
      close: async () => {
        await client.close()
        await dropDatabase(db)
      },
    }
  }
  const gateway: Gateway = await startGateway({ token: TEST_TOKEN })
  const client = new InfluxDBClientAsync({
    url: gateway.url,
    token: TEST_TOKEN,
    org: TEST_ORG,
    timeout: 30_000,
    ...clientOptions,
  })
  return {
    db,
    mode,
    url: gateway.url,
    clientOptions: { token: TEST_TOKEN, org: TEST_ORG },
    writePath: '/api/v2/write',
    deletePath: '/api/v2/delete',
    client,
    requestsTo: (prefix) => gateway.exchanges.filter((e) => e.url.startsWith(prefix)),
    close: async () => {
      await client.close()
      await gateway.close()
      await dropDatabase(db)
    },
  }
}

/**
 * For a `describe` body: opens a target for `db` before its tests and closes it after them.
 * Returns a getter, since the target exists only once the `before` hook ran.
 */
export function useInfluxTarget(db: string, mode: InfluxTargetMode = 'gateway-v2'): () => InfluxTarget {
  let target: InfluxTarget | undefined
  before(async () => {
    target = await openInfluxTarget(db, {}, mode)
  })
  after(async () => {
    await target?.close()
  })
  return () => {
    if (target === undefined) throw new Error(`the target for ${db} is not open (used outside a test?)`)
    return target
  }
}
