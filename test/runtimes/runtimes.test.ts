// The client in Bun, Deno, workerd (Cloudflare Workers) and Chromium, against Node: the same
// scenarios (probe.ts) must send the same bytes and come to the same results and error classes.
// Where a runtime cannot behave as Node does, the difference is listed below with its reason,
// and anything else fails the test.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { runProbe, type Outcome, type ProbeReport } from './probe.js'
import { USER_AGENT } from '../../src/http/version.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import {
  BUN,
  CHROMIUM,
  DENO,
  WORKERD,
  bundle,
  needRuntime,
  parseReport,
  probeResponder,
  runInChromium,
  runInWorkerd,
  runToEnd,
  tempDir,
  wireRequests,
  type WireRequest,
} from './harness.js'

interface Run {
  report: ProbeReport
  requests: WireRequest[]
}

let server: TestServer
let dir: { dir: string; remove: () => Promise<void> }
const bundles = new Map<string, Promise<string>>()
let nodeRun: Promise<Run> | undefined

before(async () => {
  server = await startTestServer({ maxRecordedRequests: 1_000_000 })
  dir = await tempDir()
})
after(async () => {
  await server?.close()
  await dir?.remove()
})

function bundled(entry: 'cli' | 'worker' | 'browser' | 'test-server'): Promise<string> {
  let path = bundles.get(entry)
  if (path === undefined) {
    path = bundle(entry, dir.dir)
    bundles.set(entry, path)
  }
  return path
}

/** Runs the probe once with a fresh responder and returns what it reported and what arrived. */
async function recorded(
  play: () => Promise<ProbeReport>,
  responder = probeResponder(),
  assets: string[] = [],
): Promise<Run> {
  server.respondWith(responder)
  const first = server.requests.length
  const report = await play()
  return { report, requests: wireRequests(server.requests.slice(first), assets) }
}

/** Node's run with its default engine: the reference. */
function reference(): Promise<Run> {
  nodeRun ??= recorded(() => runProbe(server.url, false))
  return nodeRun
}

/** Scenarios whose error arises below HTTP: their messages and codes come from each runtime's network stack. */
const NETWORK_SCENARIOS = new Set(['dropped connection', 'connection refused'])

/** One outcome as compared: the message and codes of a network-level error are the runtime's own. */
function comparable(name: string, outcome: Outcome | undefined): unknown {
  if (outcome === undefined || outcome.ok || !NETWORK_SCENARIOS.has(name)) return outcome
  return { ok: false, name: outcome.error.name, classes: outcome.error.classes }
}

function assertSameResults(
  run: Run,
  ref: Run,
  differences: Record<string, (outcome: Outcome | undefined) => unknown> = {},
): void {
  assert.deepEqual(
    Object.keys(run.report.results),
    Object.keys(ref.report.results),
    `${run.report.runtime}: the scenarios that ran`,
  )
  for (const [name, outcome] of Object.entries(ref.report.results)) {
    const expected = differences[name]?.(outcome) ?? comparable(name, outcome)
    assert.deepEqual(
      comparable(name, run.report.results[name]),
      expected,
      `${run.report.runtime} (fetch engine: ${run.report.useFetch}): ${name}`,
    )
  }
}

/**
 * The same requests, each with the same bytes. Compared as sorted lists: one write of Points in
 * two precisions sends its two requests at once, and they may arrive in either order.
 */
function assertSameRequests(run: Run, ref: Run, adjust: (requests: WireRequest[]) => WireRequest[] = (r) => r): void {
  const sorted = (requests: WireRequest[]): WireRequest[] =>
    [...requests].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
  const got = sorted(adjust(run.requests))
  const expected = sorted(ref.requests)
  assert.equal(
    got.length,
    expected.length,
    `${run.report.runtime}: number of requests\n${got.map((r) => `${r.method} ${r.path}?${r.query}`).join('\n')}`,
  )
  got.forEach((request, i) =>
    assert.deepEqual(
      request,
      expected[i],
      `${run.report.runtime}: request ${request.method} ${request.path}?${request.query}`,
    ),
  )
}

/**
 * Deno's fetch (under its node:http too) and Chromium's network stack send a POST again by
 * themselves when the server closes the connection without answering: Deno once more, Chromium
 * once per kept-alive connection it tries (it keeps up to 6 per host; 2 to 3 more seen). Out of
 * the client's hands, and harmless for a write, which overwrites the same points: every copy must
 * be the same request, and the copies then count as one.
 */
function withoutResends(copies: number): (requests: WireRequest[]) => WireRequest[] {
  return (requests) => {
    const drops = requests.filter((r) => r.query.includes('bucket=drop'))
    assert.ok(
      drops.length >= 1 && drops.length <= copies,
      `the dropped POST was sent ${drops.length} times (at most ${copies} expected)`,
    )
    for (const copy of drops) assert.deepEqual(copy, drops[0], 'a re-sent POST is the same request')
    return requests.filter((r) => !drops.includes(r) || r === drops[0])
  }
}

/** Chromium sends its own User-Agent: a page's fetch cannot set that header. Every other header is the client's. */
function withBrowserUserAgent(requests: WireRequest[]): WireRequest[] {
  return requests.map((r) => {
    assert.match(r.userAgent ?? '', /HeadlessChrome/)
    return { ...r, userAgent: USER_AGENT }
  })
}

/**
 * A browser's fetch hides a redirect (`redirect: 'manual'` gives an opaque response with no
 * status and no Location): the client reports it as a generic 302 with the same class.
 */
function asBrowserSeesRedirect(outcome: Outcome | undefined): unknown {
  assert.ok(outcome !== undefined && !outcome.ok && outcome.error.statusCode === 307)
  const message = outcome.error.message.replace(
    'HTTP 307 (redirect to http://127.0.0.1:1/elsewhere)',
    'HTTP 302 (redirect)',
  )
  assert.notEqual(message, outcome.error.message)
  return { ok: false, error: { ...outcome.error, statusCode: 302, message } }
}

describe('Node: its fetch engine matches its default engine', () => {
  test('same bytes, same results', async () => {
    const ref = await reference()
    const run = await recorded(() => runProbe(server.url, true))
    // The probe itself must have done what it claims before anything is compared.
    assert.equal(ref.report.results['write text']?.ok, true)
    assert.deepEqual(ref.report.results['503 then 204 (retry)'], {
      ok: true,
      value: { written: true, waitedForRetryAfter: true },
    })
    assert.deepEqual(ref.report.results['BatchWriter, one batch retried'], {
      ok: true,
      value: { writtenLines: 3000, failedLines: 0, requests: 4 },
    })
    assertSameResults(run, ref)
    assertSameRequests(run, ref)
  })
})

for (const useFetch of [false, true]) {
  describe(`Bun (${useFetch ? 'fetch engine' : 'default engine'})`, needRuntime(BUN), () => {
    test('same bytes, same results as Node', async () => {
      const ref = await reference()
      const script = await bundled('cli')
      const run = await recorded(async () =>
        parseReport(await runToEnd(BUN.binary, ['run', script, server.url, ...(useFetch ? ['fetch'] : [])])),
      )
      assert.match(run.report.runtime, /^bun /)
      assertSameResults(run, ref)
      assertSameRequests(run, ref)
    })
  })

  describe(`Deno (${useFetch ? 'fetch engine' : 'default engine'})`, needRuntime(DENO), () => {
    test('same bytes, same results as Node', async () => {
      const ref = await reference()
      const script = await bundled('cli')
      const run = await recorded(async () =>
        parseReport(
          await runToEnd(DENO.binary, [
            'run',
            '--allow-net=127.0.0.1',
            '--no-prompt',
            script,
            server.url,
            ...(useFetch ? ['fetch'] : []),
          ]),
        ),
      )
      assert.match(run.report.runtime, /^deno /)
      assertSameResults(run, ref)
      assertSameRequests(run, ref, withoutResends(2))
    })
  })
}

// The embedded test server is for users' own tests, which may run on Bun or Deno: it must store and
// refuse exactly what it does on Node.
describe('the embedded test server in Bun and Deno', () => {
  let onNode: Promise<string> | undefined
  const storedOnNode = async (): Promise<string> =>
    (onNode ??= bundled('test-server').then((script) => runToEnd(process.execPath, [script])))

  test('on Node: the scenario stores and refuses what it should', async () => {
    const report = JSON.parse(await storedOnNode()) as { stored: unknown[]; refusal: string }
    // mem, and the BatchWriter's 1000 points; cpu was deleted, and nothing of the refused body was kept.
    assert.equal(report.stored.length, 1001)
    assert.equal(report.refusal, "InfluxDBError: unable to parse 'bad line': invalid field format")
  })
  for (const [runtime, args] of [
    [BUN, ['run']],
    [DENO, ['run', '--allow-net=127.0.0.1', '--no-prompt']],
  ] as const) {
    test(`${runtime.name}: the same points and the same refusal as on Node`, needRuntime(runtime), async () => {
      const script = await bundled('test-server')
      assert.equal(await runToEnd(runtime.binary, [...args, script]), await storedOnNode())
    })
  }
})

describe('workerd (Cloudflare Workers)', needRuntime(WORKERD), () => {
  test('same bytes, same results as Node', async () => {
    const ref = await reference()
    const script = await bundled('worker')
    const run = await recorded(() => runInWorkerd(script, dir.dir, server.url))
    assert.equal(run.report.runtime, 'workerd')
    assertSameResults(run, ref)
    assertSameRequests(run, ref)
  })
})

describe('Chromium (headless)', needRuntime(CHROMIUM), () => {
  test('same bytes, same results as Node', async () => {
    const ref = await reference()
    const script = await readFile(await bundled('browser'))
    let deliver: (body: string) => void = () => undefined
    const report = new Promise<string>((resolve) => (deliver = resolve))
    const assets = {
      '/probe.html': {
        type: 'text/html; charset=utf-8',
        body: '<!doctype html><meta charset="utf-8"><script type="module" src="/probe.js"></script>',
      },
      '/probe.js': { type: 'text/javascript; charset=utf-8', body: script },
      '/favicon.ico': { type: 'image/x-icon', body: '' },
    }
    const run = await recorded(
      () => runInChromium(`${server.url}/probe.html`, report, dir.dir),
      probeResponder(assets, deliver),
      Object.keys(assets),
    )
    assert.match(run.report.runtime, /Chrome/)
    assertSameResults(run, ref, { redirect: asBrowserSeesRedirect })
    assertSameRequests(run, ref, (requests) => withBrowserUserAgent(withoutResends(8)(requests)))
  })
})
