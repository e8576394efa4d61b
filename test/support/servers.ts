// Where the real servers started by scripts/servers.sh listen, and whether a test must insist on them.
export const INFLUX_V1_URL = process.env.TEST_INFLUX_V1_URL ?? 'http://127.0.0.1:8086'
export const VICTORIA_URL = process.env.TEST_VICTORIA_URL ?? 'http://127.0.0.1:8428'
/** In CI a missing real server is a failure, never a skip. */
export const REQUIRE_REAL_SERVERS = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false'

/** Resolves true when GET url answers with the expected status within 1 s. */
export async function reachable(url: string, expectStatus: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
    await res.arrayBuffer()
    return res.status === expectStatus
  } catch {
    return false
  }
}

/**
 * Options for `describe`/`test` that need a real server: skip locally when it is absent,
 * but in CI run the test so that it fails loudly.
 */
export async function needServer(url: string, expectStatus: number, name: string): Promise<{ skip: string | false }> {
  if (await reachable(url, expectStatus)) return { skip: false }
  if (REQUIRE_REAL_SERVERS)
    throw new Error(`${name} is not running at ${url}; CI requires it (start it with scripts/servers.sh start)`)
  return { skip: `${name} not running at ${url} (scripts/servers.sh start)` }
}
