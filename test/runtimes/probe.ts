// The scenarios that every runtime plays against the harness's server (harness.ts), in the same
// order: writes of every record kind, gzip, the server's error answers, retries, timeouts,
// aborts, a closed client, a delete and a BatchWriter. The report holds what each call resolved
// to or threw; the bytes that arrived are recorded by the server. Runs un-transpiled nowhere:
// esbuild bundles it with the library for each runtime (Node, Bun, Deno, workerd, Chromium).
import { InfluxDBClientAsync, Point, type ClientOptions } from '../../src/index.js'

/** What one scenario came to. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorFacts }

/** What a thrown error says, in a form that can be compared across runtimes. */
export interface ErrorFacts {
  name: string
  /** The class chain, most derived first: `PartialWriteError>InfluxDBError>InfluxDBClientError>Error`. */
  classes: string
  message: string
  statusCode?: number
  code?: string
  errorCode?: string
  dropped?: number
  timeoutMs?: number
  rejectedLines?: unknown
}

export interface ProbeReport {
  runtime: string
  /** True when the client was given the runtime's `fetch` (the fetch engine), false for its default engine. */
  useFetch: boolean
  results: Record<string, Outcome>
}

/** The lines every write scenario sends (a string with a raw line feed, escapes, non-ASCII, a uint). */
export const PROBE_LINES = [
  'cpu,host=a usage=1.5,count=3i 1700000000000000000',
  'weather,loc=Zürich\\,CH temp=-1.25,desc="snow \\"heavy\\" ❄️" 1700000000000000001',
  'm,t=x s="two\nlines",b=true,u=42u 1700000000000000002',
]

function probePoints(): Point[] {
  return [
    new Point('p')
      .tag('h', 'ä b')
      .floatField('f', 0.1 + 0.2)
      .intField('i', 9007199254740993n)
      .stringField('s', 'x"y\\z')
      .time(1700000000123456789n),
    new Point('p2').floatField('f', 1e21).booleanField('b', false).uintField('u', 18446744073709551615n).time(5n, 's'),
  ]
}

/** Lines the BatchWriter scenario writes: three batches of 1000. */
export const BATCH_POINTS = 3000

/** Runs every scenario against `base` (the harness server) and reports what each came to. */
export async function runProbe(base: string, useFetch: boolean): Promise<ProbeReport> {
  const results: Record<string, Outcome> = {}
  const run = async (name: string, scenario: () => Promise<unknown>): Promise<void> => {
    try {
      results[name] = { ok: true, value: await scenario() }
    } catch (error) {
      results[name] = { ok: false, error: errorFacts(error) }
    }
  }
  const fetchOption: Partial<ClientOptions> = useFetch ? { fetch: (input, init) => globalThis.fetch(input, init) } : {}
  const client = (extra: Partial<ClientOptions> = {}): InfluxDBClientAsync =>
    new InfluxDBClientAsync({
      url: base,
      token: 'probe-token',
      org: 'probe-org',
      retry: false,
      ...fetchOption,
      ...extra,
    })

  const plain = client()
  const write = plain.writeApi()
  await run('ping', () => plain.ping())
  await run('write text', () => write.write('ok', undefined, PROBE_LINES))
  await run('write Points', () => write.write('ok', undefined, probePoints()))
  await run('write bytes', () => write.write('ok', undefined, new TextEncoder().encode(PROBE_LINES.join('\n'))))
  await run('write objects, ms', () =>
    write.write(
      'ok',
      undefined,
      [{ measurement: 'o', tags: { t: 'v' }, fields: { f: 2.5, n: 7n }, time: 1700000000123n }],
      'ms',
    ),
  )
  await run('partial write (422)', () => write.write('partial', undefined, PROBE_LINES))
  await run('lines refused (400)', () => write.write('badlines', undefined, PROBE_LINES))
  await run('gzip error body', () => write.write('gzerr', undefined, PROBE_LINES))
  await run('redirect', () => write.write('redirect', undefined, PROBE_LINES))
  await run('dropped connection', () => write.write('drop', undefined, PROBE_LINES))
  await run('timeout', () => write.write('slow', undefined, PROBE_LINES, undefined, { timeout: 300 }))
  await run('abort', () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 200)
    return write.write('slow', undefined, PROBE_LINES, undefined, { signal: controller.signal })
  })
  await run('delete', () =>
    plain
      .deleteApi()
      .delete('2026-01-01T00:00:00Z', '2026-01-02T00:00:00.123456789Z', 'host="a b" AND _measurement="cpu"', 'ok'),
  )
  await plain.close()
  await run('write after close', () => write.write('ok', undefined, PROBE_LINES))

  const gzip = client({ enableGzip: true })
  await run('gzip text', () => gzip.writeApi().write('ok', undefined, PROBE_LINES))
  await run('gzip Points', () => gzip.writeApi().write('ok', undefined, probePoints()))
  await gzip.close()

  // Retries on: a 503 with Retry-After: 1, then 204.
  const retrying = client({ retry: { minRetryDelay: 50, maxRetryDelay: 200, maxRetryTime: 20_000 } })
  await run('503 then 204 (retry)', async () => {
    const started = Date.now()
    const written = await retrying.writeApi().write('retry', undefined, PROBE_LINES)
    return { written, waitedForRetryAfter: Date.now() - started >= 1000 }
  })
  await run('BatchWriter, one batch retried', async () => {
    const writer = retrying.writeApi().batchWriter({ bucket: 'batch', batchSize: 1000, maxInFlight: 1 })
    for (let i = 0; i < BATCH_POINTS; i++)
      await writer.write(
        new Point('bw')
          .tag('k', `k${i % 7}`)
          .intField('i', i)
          .time(BigInt(i), 's'),
      )
    await writer.close()
    const { writtenLines, failedLines, requests } = writer.stats
    return { writtenLines, failedLines, requests }
  })
  await retrying.close()

  const refused = client({ url: 'http://127.0.0.1:1' })
  await run('connection refused', () => refused.writeApi().write('ok', undefined, PROBE_LINES))
  await refused.close()
  return { runtime: runtimeName(), useFetch, results }
}

function runtimeName(): string {
  const g = globalThis as {
    Bun?: { version: string }
    Deno?: { version: { deno: string } }
    process?: { versions?: { node?: string } }
    navigator?: { userAgent?: string }
  }
  if (g.Bun !== undefined) return `bun ${g.Bun.version}`
  if (g.Deno !== undefined) return `deno ${g.Deno.version.deno}`
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd'
  if (g.process?.versions?.node !== undefined) return `node ${g.process.versions.node}`
  return g.navigator?.userAgent ?? 'unknown'
}

function errorFacts(error: unknown): ErrorFacts {
  const e = error as Partial<ErrorFacts> & { message?: unknown; name?: unknown }
  const classes: string[] = []
  for (
    let proto = Object.getPrototypeOf(error) as object | null;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    classes.push((proto as { constructor: { name: string } }).constructor.name)
  }
  const facts: ErrorFacts = { name: String(e.name), classes: classes.join('>'), message: String(e.message) }
  if (typeof e.statusCode === 'number') facts.statusCode = e.statusCode
  if (typeof e.code === 'string') facts.code = e.code
  if (typeof e.errorCode === 'string') facts.errorCode = e.errorCode
  if (typeof e.dropped === 'number') facts.dropped = e.dropped
  if (typeof e.timeoutMs === 'number') facts.timeoutMs = e.timeoutMs
  if (e.rejectedLines !== undefined) facts.rejectedLines = e.rejectedLines
  return facts
}
