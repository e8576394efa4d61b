// Common setup of the client-level tests against real InfluxDB 1.6.7: a fresh database, the
// v2→v1 gateway in front of it, and a client pointed at the gateway (so the client's v2 path runs).
import { before, after } from 'node:test'
import { InfluxDBClientAsync } from '../../src/index.js'
import { startGateway, type Gateway } from './gateway.js'
import { createDatabase, dropDatabase } from './influx.js'

export const TEST_TOKEN = 'real-server-test-token'
export const TEST_ORG = 'test-org'

export interface InfluxTarget {
  db: string
  gateway: Gateway
  client: InfluxDBClientAsync
  /** Requests the gateway received so far whose path starts with `prefix`. */
  requestsTo(prefix: string): Gateway['exchanges']
  close(): Promise<void>
}

type ClientOptions = ConstructorParameters<typeof InfluxDBClientAsync>[0]

/** Creates (after dropping) `db`, starts a gateway that requires {@link TEST_TOKEN}, and builds a client. */
export async function openInfluxTarget(db: string, clientOptions: Partial<ClientOptions> = {}): Promise<InfluxTarget> {
  await createDatabase(db)
  const gateway = await startGateway({ token: TEST_TOKEN })
  const client = new InfluxDBClientAsync({ url: gateway.url, token: TEST_TOKEN, org: TEST_ORG, timeout: 30_000, ...clientOptions })
  return {
    db,
    gateway,
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
export function useInfluxTarget(db: string): () => InfluxTarget {
  let target: InfluxTarget | undefined
  before(async () => {
    target = await openInfluxTarget(db)
  })
  after(async () => {
    await target?.close()
  })
  return () => {
    if (target === undefined) throw new Error(`the target for ${db} is not open (used outside a test?)`)
    return target
  }
}
