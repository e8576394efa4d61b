import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync } from '../../src/client.js'
import type { ClientOptions } from '../../src/options.js'
import { PointSettings } from '../../src/write/point-settings.js'
import { Point } from '../../src/line-protocol/point.js'
import {
  ClosedError,
  InfluxDBError,
  InvalidArgumentError,
  NetworkError,
  PartialWriteError,
  RecordError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../../src/errors.js'
import type { Responder, TestReply as Reply, TestServer } from '../../src/testing/index.js'
import { startAnsweringServer } from '../support/replies.js'
import { settle, waitFor } from '../support/wait.js'

async function withServer(
  replies: Reply[] | Responder,
  options: Partial<ClientOptions>,
  run: (client: InfluxDBClientAsync, server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await startAnsweringServer(replies)
  const client = new InfluxDBClientAsync({
    url: server.url,
    token: 'SECRET-TOKEN-123',
    org: 'my-org',
    retry: false,
    ...options,
  })
  try {
    await run(client, server)
  } finally {
    await client.close()
    await server.close()
  }
}

const noRetryDelay = { minRetryDelay: 1, maxRetryDelay: 5 }

describe('WriteApiAsync.write: the request', () => {
  test('positional form: exact request line, query, headers and body', async () => {
    await withServer([], {}, async (client, server) => {
      const result = await client.writeApi().write('my-bucket', 'my-org', 'h2o_feet,location=us-west level=125i 1')
      assert.equal(result, true)
      assert.equal(server.requests.length, 1)
      const [req] = server.requests
      assert.equal(
        `${req.method} ${req.path}?${req.rawQuery}`,
        'POST /api/v2/write?org=my-org&bucket=my-bucket&precision=ns',
      )
      assert.equal(req.headers.authorization, 'Token SECRET-TOKEN-123')
      assert.equal(req.headers['content-type'], 'text/plain; charset=utf-8')
      assert.equal(req.headers.accept, 'application/json')
      assert.match(String(req.headers['user-agent']), /^influxdb-client-async\/\d+\.\d+\.\d+/)
      assert.equal(req.body, 'h2o_feet,location=us-west level=125i 1')
    })
  })

  test('object form, org fallback to the client, {id} org, precision', async () => {
    await withServer([], {}, async (client, server) => {
      const api = client.writeApi()
      await api.write({ bucket: 'b', record: 'm f=1 1', writePrecision: 's' })
      await api.write({ bucket: 'b', org: { id: '0123456789abcdef' }, record: ['m f=2 2'] })
      assert.deepEqual(
        server.requests.map((r) => r.rawQuery),
        ['org=my-org&bucket=b&precision=s', 'org=0123456789abcdef&bucket=b&precision=ns'],
      )
    })
  })

  test('one request per precision, in first-seen order, with Points keeping their own precision', async () => {
    await withServer([], {}, async (client, server) => {
      await client
        .writeApi()
        .write(
          'b',
          undefined,
          [
            new Point('m').field('f', 1).time(1577836800n, 's'),
            'raw f=5 1',
            new Point('m').field('f', 2).time(1577836800000n, 'ms'),
            new Point('m').field('f', 3).time(7n, 's'),
          ],
          'us',
        )
      assert.deepEqual(
        server.requests.map((r) => [new URLSearchParams(r.rawQuery).get('precision'), r.body]),
        [
          ['s', 'm f=1 1577836800\nm f=3 7'],
          ['us', 'raw f=5 1'],
          ['ms', 'm f=2 1577836800000'],
        ],
      )
    })
  })

  test('gzip when enabled', async () => {
    await withServer([], { enableGzip: true }, async (client, server) => {
      await client.writeApi().write('b', 'o', 'm f=1 1')
      assert.equal(server.requests[0].headers['content-encoding'], 'gzip')
      assert.equal(server.requests[0].body, 'm f=1 1')
    })
  })

  test('nothing to write resolves true with no request', async () => {
    await withServer([], {}, async (client, server) => {
      const api = client.writeApi()
      assert.equal(await api.write('b', 'o', []), true)
      assert.equal(await api.write('b', 'o', undefined), true)
      assert.equal(await api.write('b', 'o', ''), true)
      assert.equal(await api.write('b', 'o', (function* () {})()), true)
      assert.equal(server.requests.length, 0)
    })
  })

  test('missing org or bucket fails before any request', async () => {
    await withServer([], { org: undefined }, async (client, server) => {
      const api = client.writeApi()
      await assert.rejects(
        api.write('b', undefined, 'm f=1'),
        (e: unknown) => e instanceof InvalidArgumentError && /no organization given/.test(e.message),
      )
      await assert.rejects(
        api.write('', 'o', 'm f=1'),
        (e: unknown) => e instanceof InvalidArgumentError && /"bucket"/.test(e.message),
      )
      await assert.rejects(
        api.write({ bucket: 'b', org: 'o', record: 'm f=1', writePrecision: 'n' as 'ns' }),
        /writePrecision/,
      )
      assert.equal(server.requests.length, 0)
    })
  })

  test('an invalid record anywhere means nothing is sent', async () => {
    await withServer([], {}, async (client, server) => {
      const records = ['m f=1 1', { measurement: 'm', fields: { f: 1 } }, { measurement: 'm', fields: {} }]
      await assert.rejects(
        client.writeApi().write('b', 'o', records),
        (e: unknown) => e instanceof RecordError && e.path.join() === '2',
      )
      assert.equal(server.requests.length, 0)
    })
  })

  test("default tags: client then PointSettings, a record's own tag wins, nothing mutated, ${env.X} resolved", async () => {
    process.env.H2_TEST_DC = 'LA'
    const clientTags = { host: 'client-host', dc: 'client-dc' }
    await withServer([], { defaultTags: clientTags }, async (client, server) => {
      const settings = new PointSettings({
        dc: '${env.H2_TEST_DC}',
        missing: '${env.H2_TEST_UNSET_VAR}',
      }).addDefaultTag('id', '132')
      const point = new Point('m').tag('host', 'own').field('f', 1)
      await client.writeApi(settings).write('b', 'o', point)
      await client.writeApi({ defaultTags: { rack: 'r1' } }).write('b', 'o', 'raw f=1')
      await client.writeApi().write('b', 'o', new Point('m').field('f', 2))
      assert.deepEqual(
        server.requests.map((r) => r.body),
        ['m,dc=LA,host=own,id=132 f=1', 'raw f=1', 'm,dc=client-dc,host=client-host f=2'],
      )
      assert.deepEqual(point.tags, { host: 'own' })
      assert.deepEqual(clientTags, { host: 'client-host', dc: 'client-dc' })
    })
    delete process.env.H2_TEST_DC
  })

  test('two clients never share default tags', async () => {
    await withServer([], { defaultTags: { a: '1' } }, async (first, server) => {
      const second = new InfluxDBClientAsync({ url: server.url, org: 'o', retry: false })
      await second.writeApi().write('b', 'o', new Point('m').field('f', 1))
      await first.writeApi().write('b', 'o', new Point('m').field('f', 1))
      await second.close()
      assert.deepEqual(
        server.requests.map((r) => r.body),
        ['m f=1', 'm,a=1 f=1'],
      )
    })
  })

  test('async iterables are streamed in chunks of 5000 lines', async () => {
    await withServer([], {}, async (client, server) => {
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* source() {
        for (let i = 0; i < 12_000; i++) yield `m f=${i} ${i}`
      }
      assert.equal(await client.writeApi().write('b', 'o', source()), true)
      assert.deepEqual(
        server.requests.map((r) => r.body.split('\n').length),
        [5000, 5000, 2000],
      )
      assert.equal(server.requests[2].body.split('\n').at(-1), 'm f=11999 11999')
    })
  })

  test('async iterable nested in an array goes through the streaming path', async () => {
    await withServer([], {}, async (client, server) => {
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* more() {
        yield 'b f=2 2'
      }
      await client.writeApi().write('b', 'o', ['a f=1 1', more()])
      assert.deepEqual(
        server.requests.map((r) => r.body),
        ['a f=1 1\nb f=2 2'],
      )
      // Also when a nested array comes first.
      await client.writeApi().write('b', 'o', [['c f=3 3'], more()])
      assert.deepEqual(
        server.requests.map((r) => r.body),
        ['a f=1 1\nb f=2 2', 'c f=3 3\nb f=2 2'],
      )
    })
  })

  test('a bad record late in an async stream fails after earlier chunks and says how many lines were written', async () => {
    await withServer([], {}, async (client, server) => {
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* source() {
        for (let i = 0; i < 6000; i++) yield `m f=${i} ${i}`
        yield { measurement: 'm', fields: {} }
      }
      const error = await client
        .writeApi()
        .write('b', 'o', source())
        .catch((e: unknown) => e)
      assert.ok(error instanceof RecordError, String(error))
      assert.match(error.message, /\(5000 line\(s\) of this streamed write were written before this error\)$/)
      assert.equal(server.requests.length, 1)
    })
  })
})

describe('WriteApiAsync.write: errors and retries', () => {
  test('all precision groups are sent, then the first error in group order is thrown', async () => {
    await withServer(
      (req) =>
        req.rawQuery.includes('precision=ns')
          ? { status: 400, body: '{"code":"invalid","message":"bad ns"}' }
          : { status: 204 },
      {},
      async (client, server) => {
        const error = await client
          .writeApi()
          .write('b', 'o', [
            new Point('m').field('f', 1).time(1n, 's'),
            'raw f=1 1',
            new Point('m').field('f', 1).time(1n, 'ms'),
          ])
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assert.equal(error.message, 'bad ns')
        assert.equal(server.requests.length, 3)
      },
    )
  })

  test('partial write from 1.x names the rejected lines', async () => {
    const message = "partial write: unable to parse 'bad line': invalid field format dropped=0"
    await withServer([{ status: 400, body: JSON.stringify({ error: message }) }], {}, async (client) => {
      const error = await client
        .writeApi()
        .write('b', 'o', 'm f=1 1\nbad line\nm f=2 2')
        .catch((e: unknown) => e)
      assert.ok(error instanceof PartialWriteError)
      assert.deepEqual(error.rejectedLines, [{ lineNumber: 2, line: 'bad line', reason: 'invalid field format' }])
    })
  })

  for (const status of [503, 429]) {
    test(`retries ${status} after Retry-After (1 s) and then succeeds`, async (t) => {
      // The client's wait runs on the mocked clock, so it is checked to the millisecond.
      t.mock.timers.enable({ apis: ['setTimeout'] })
      const responder: Responder = ({ index: i }) =>
        i === 0 ? { status, headers: { 'retry-after': '1' } } : { status: 204 }
      await withServer(responder, { retry: noRetryDelay }, async (client, server) => {
        const writing = client.writeApi().write('b', 'o', 'm f=1 1')
        await waitFor(() => server.requests.length === 1, 'the first attempt')
        // From the moment the answer is read: nothing for 999 ms, the retry at 1000.
        await settle()
        t.mock.timers.tick(999)
        await settle()
        assert.equal(server.requests.length, 1, 'retried before Retry-After')
        t.mock.timers.tick(1)
        await waitFor(() => server.requests.length === 2, 'the retry at 1000 ms')
        assert.equal(await writing, true)
        assert.equal(server.requests[1].body, 'm f=1 1')
      })
    })
  }

  test('Retry-After as an HTTP date is honoured', async (t) => {
    // Both the wall clock and the client's timers are mocked: the date names a moment on the same clock.
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-01-01T00:00:00.250Z') })
    const askedFor = new Date(Date.now() + 2000).toUTCString()
    const arrivals: number[] = []
    const responder: Responder = ({ index: i }) => {
      arrivals.push(Date.now())
      return i === 0 ? { status: 503, headers: { 'retry-after': askedFor } } : { status: 204 }
    }
    await withServer(responder, { retry: noRetryDelay }, async (client, server) => {
      const writing = client.writeApi().write('b', 'o', 'm f=1 1')
      await waitFor(() => server.requests.length === 1, 'the first attempt')
      await settle()
      // The date has whole seconds: 1750 ms after the answer, one before it, nothing has come.
      t.mock.timers.tick(Date.parse(askedFor) - Date.now() - 1)
      await settle()
      assert.equal(server.requests.length, 1, `retried before ${askedFor}`)
      t.mock.timers.tick(1)
      await waitFor(() => server.requests.length === 2, `the retry at ${askedFor}`)
      assert.equal(await writing, true)
      // Not one millisecond before the moment the header named (by the same clock).
      assert.ok(
        arrivals[1] >= Date.parse(askedFor),
        `retried ${Date.parse(askedFor) - arrivals[1]} ms before ${askedFor}`,
      )
    })
  })

  test('a request timeout is retried, and the last RequestTimeoutError is thrown', async () => {
    await withServer(
      [{ status: 204, delayMs: 3000 }],
      { timeout: 100, retry: { ...noRetryDelay, maxRetries: 1 } },
      async (client, server) => {
        await assert.rejects(client.writeApi().write('b', 'o', 'm f=1 1'), RequestTimeoutError)
        assert.equal(server.requests.length, 2)
      },
    )
  })

  for (const status of [400, 401, 403, 404, 422]) {
    test(`no retry on ${status}`, async () => {
      await withServer(
        [{ status, body: '{"code":"x","message":"no"}' }, { status: 204 }],
        { retry: noRetryDelay },
        async (client, server) => {
          await assert.rejects(
            client.writeApi().write('b', 'o', 'm f=1 1'),
            (e: unknown) => e instanceof InfluxDBError && e.statusCode === status,
          )
          assert.equal(server.requests.length, 1)
        },
      )
    })
  }

  test('network errors are retried', async () => {
    await withServer([{ drop: true }, { status: 204 }], { retry: noRetryDelay }, async (client, server) => {
      assert.equal(await client.writeApi().write('b', 'o', 'm f=1 1'), true)
      assert.equal(server.requests.length, 2)
    })
  })

  test('gives up when retries run out and throws the last error', async () => {
    await withServer(
      [{ status: 503, body: 'busy' }],
      { retry: { ...noRetryDelay, maxRetries: 2 } },
      async (client, server) => {
        await assert.rejects(
          client.writeApi().write('b', 'o', 'm f=1 1'),
          (e: unknown) => e instanceof InfluxDBError && e.statusCode === 503,
        )
        assert.equal(server.requests.length, 3)
      },
    )
  })

  test('gives up when Retry-After exceeds the maxRetryTime budget', async () => {
    await withServer(
      [{ status: 429, headers: { 'retry-after': '5' } }],
      { retry: { ...noRetryDelay, maxRetryTime: 2000 } },
      async (client, server) => {
        await assert.rejects(
          client.writeApi().write('b', 'o', 'm f=1 1'),
          (e: unknown) => e instanceof InfluxDBError && e.retryAfter === 5,
        )
        assert.equal(server.requests.length, 1)
      },
    )
  })

  test('retry: false sends once', async () => {
    await withServer([{ status: 503 }], { retry: false }, async (client, server) => {
      await assert.rejects(client.writeApi().write('b', 'o', 'm f=1 1'), InfluxDBError)
      assert.equal(server.requests.length, 1)
    })
  })

  test('413 splits the body in halves until it fits; a single line still too large fails', async () => {
    const tooLarge: Responder = (req) =>
      req.body.split('\n').length > 2 || req.body.includes('huge')
        ? { status: 413, body: '{"code":"request too large","message":"too large"}' }
        : { status: 204 }
    await withServer(tooLarge, { retry: noRetryDelay }, async (client, server) => {
      const lines = ['m f=1 1', 'm f=2 2', 'm f=3 3', 'm f=4 4', 'm f=5 5']
      assert.equal(await client.writeApi().write('b', 'o', lines), true)
      // The halves go one after the other, depth first, in line order.
      assert.deepEqual(
        server.requests.map((r) => r.body),
        [lines.join('\n'), 'm f=1 1\nm f=2 2\nm f=3 3', 'm f=1 1\nm f=2 2', 'm f=3 3', 'm f=4 4\nm f=5 5'],
      )
      server.requests.length = 0
      await assert.rejects(
        client.writeApi().write('b', 'o', ['ok f=1 1', 'huge f=1 1']),
        (e: unknown) => e instanceof InfluxDBError && e.statusCode === 413,
      )
      assert.deepEqual(
        server.requests.map((r) => r.body),
        ['ok f=1 1\nhuge f=1 1', 'ok f=1 1', 'huge f=1 1'],
      )
    })
  })

  for (const engine of ['node', 'fetch'] as const) {
    const extra: Partial<ClientOptions> = engine === 'fetch' ? { fetch: globalThis.fetch.bind(globalThis) } : {}
    test(`close() (${engine} engine) lets writes and deletes on the wire finish, and cuts retry waits short with ClosedError`, async () => {
      await withServer(
        (req) => (req.body.includes('busy') ? { status: 503 } : { status: 204, delayMs: 150 }),
        { ...extra, retry: { minRetryDelay: 30_000, maxRetryDelay: 30_000 } },
        async (client, server) => {
          const writing = client.writeApi().write('b', 'o', 'm f=1 1')
          const deleting = client.deleteApi().delete(new Date(0), new Date(1), '', 'b', 'o')
          const waiting = client
            .writeApi()
            .write('b', 'o', 'busy f=1 1')
            .catch((e: unknown) => e)
          await waitFor(() => server.requests.length >= 3, 'three requests at the server')
          const started = performance.now()
          await client.close()
          // The answered requests count; the 503 is not waited out for 30 s.
          assert.equal(await writing, true)
          assert.equal(await deleting, true)
          const closed = await waiting
          assert.ok(closed instanceof ClosedError, String(closed))
          // Its own error, saying why, with the answer that was going to be retried as the cause.
          assert.equal(closed.message, 'the client was closed while this request waited for a retry')
          assert.ok(closed.cause instanceof InfluxDBError && closed.cause.statusCode === 503)
          assert.ok(performance.now() - started < 5000)
          assert.equal(server.requests.filter((r) => r.body.includes('busy')).length, 1)
        },
      )
    })
  }

  test('retry is on by default for write(), delete() and a client-built BatchWriter; retry: false turns each off', async () => {
    const fast = { minRetryDelay: 1, maxRetryDelay: 2 }
    for (const retry of [undefined, false] as const) {
      // Each request is answered 503 the first time it arrives, 204 when it comes again.
      const seen = new Set<string>()
      const busyOnce: Responder = (req) => {
        const key = `${req.path} ${req.body}`
        if (seen.has(key)) return { status: 204 }
        seen.add(key)
        return { status: 503 }
      }
      const server = await startAnsweringServer(busyOnce)
      const client = new InfluxDBClientAsync({
        url: server.url,
        token: 't',
        org: 'o',
        ...(retry === false ? { retry } : {}),
      })
      try {
        // One-shot calls run the client's default policy here, so each waits its 1 s minimum delay.
        const wrote = await client
          .writeApi()
          .write('b', 'o', 'm f=1 1')
          .then(
            () => 'ok',
            (e: unknown) => e,
          )
        const deleted = await client
          .deleteApi()
          .delete(0n, 1n, '', 'b')
          .then(
            () => 'ok',
            (e: unknown) => e,
          )
        const writer = client.writeApi().batchWriter({ bucket: 'b', ...(retry === false ? {} : { retry: fast }) })
        await writer.write('m f=2 2')
        const closed = await writer.close().then(
          () => 'ok',
          (e: unknown) => e,
        )
        if (retry === undefined) {
          assert.deepEqual([wrote, deleted, closed], ['ok', 'ok', 'ok'])
          assert.equal(server.requests.length, 6)
        } else {
          assert.ok(wrote instanceof InfluxDBError && wrote.statusCode === 503, String(wrote))
          assert.ok(deleted instanceof InfluxDBError && deleted.statusCode === 503)
          assert.ok(closed instanceof Error && closed.name === 'UndeliveredLinesError', String(closed))
          assert.equal(server.requests.length, 3)
        }
      } finally {
        await client.close()
        await server.close()
      }
    }
  })

  test('an aborted signal rejects with RequestAbortedError and stops retrying', async () => {
    await withServer(
      [{ status: 503 }],
      { retry: { minRetryDelay: 10_000, maxRetryDelay: 10_000 } },
      async (client, server) => {
        const controller = new AbortController()
        const writing = client.writeApi().write('b', 'o', 'm f=1 1', 'ns', { signal: controller.signal })
        // Aborted while the 503 waits out its 10 s retry delay.
        await waitFor(() => server.requests.length === 1, 'the first attempt at the server')
        controller.abort()
        await assert.rejects(writing, RequestAbortedError)
        assert.equal(server.requests.length, 1)
        await assert.rejects(
          client.writeApi().write('b', 'o', 'm f=1 1', 'ns', { signal: AbortSignal.abort() }),
          RequestAbortedError,
        )
        assert.equal(server.requests.length, 1)
      },
    )
  })

  test('errors never carry the token', async () => {
    await withServer(
      [{ status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' }],
      {},
      async (client) => {
        const error = await client
          .writeApi()
          .write('b', 'o', 'm f=1')
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assert.equal(error.message, 'unauthorized access')
        assert.ok(!JSON.stringify(error).includes('SECRET-TOKEN-123'))
      },
    )
    // A server that echoes the token's base64 form (not what a Token header carries) is redacted too.
    const base64Token = Buffer.from('SECRET-TOKEN-123').toString('base64')
    await withServer(
      [{ status: 400, body: `{"code":"invalid","message":"bad credentials ${base64Token}"}` }],
      {},
      async (client) => {
        const error = await client
          .writeApi()
          .write('b', 'o', 'm f=1')
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assert.ok(!error.message.includes(base64Token) && !JSON.stringify(error).includes(base64Token), error.message)
      },
    )
    const client = new InfluxDBClientAsync({
      url: 'http://127.0.0.1:1',
      token: 'SECRET-TOKEN-123',
      org: 'o',
      retry: false,
    })
    const error = await client
      .writeApi()
      .write('b', 'o', 'm f=1')
      .catch((e: unknown) => e)
    await client.close()
    assert.ok(error instanceof NetworkError)
    assert.ok(!JSON.stringify(error).includes('SECRET-TOKEN-123') && !String(error.stack).includes('SECRET-TOKEN-123'))
  })
})
