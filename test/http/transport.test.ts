import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { gzipSync } from 'node:zlib'
import { createServer } from 'node:net'
import { Transport, type TransportOptions } from '../../src/http/transport.js'
import {
  ClosedError,
  InfluxDBError,
  InvalidArgumentError,
  NetworkError,
  RequestAbortedError,
  RequestTimeoutError,
} from '../../src/errors.js'
import { startAnsweringServer } from '../support/replies.js'
import { waitFor } from '../support/wait.js'
import { USER_AGENT } from '../../src/http/version.js'

const TOKEN = 'SECRET-TOKEN-123'

function assertNoSecret(error: unknown, secret = TOKEN): void {
  const texts = [JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), String(error)]
  if (error instanceof Error && error.cause !== undefined)
    texts.push(inspect(error.cause, { depth: 10, showHidden: true }))
  for (const text of texts) assert.ok(!text.includes(secret), `secret leaked in: ${text}`)
}

async function closedPortUrl(): Promise<string> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as { port: number }).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

for (const engine of ['node', 'fetch'] as const) {
  const extra: Partial<TransportOptions> = engine === 'fetch' ? { fetch: globalThis.fetch.bind(globalThis) } : {}

  describe(`Transport over ${engine}`, () => {
    test('sends the request line, query in order, headers and body exactly', async () => {
      const server = await startAnsweringServer()
      const transport = new Transport({ url: `${server.url}/`, token: TOKEN, headers: { 'X-Extra': 'yes' }, ...extra })
      try {
        const response = await transport.request({
          method: 'POST',
          path: '/api/v2/write',
          query: { org: 'my org/ü', bucket: 'my bucket&x', precision: 's' },
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
          body: 'h2o,location=us-west level=125i 1',
        })
        assert.equal(response.status, 204)
        const [req] = server.requests
        assert.equal(req.method, 'POST')
        assert.equal(req.path, '/api/v2/write')
        assert.equal(req.rawQuery, 'org=my+org%2F%C3%BC&bucket=my+bucket%26x&precision=s')
        assert.equal(req.headers.authorization, `Token ${TOKEN}`)
        assert.equal(req.headers['user-agent'], USER_AGENT)
        assert.equal(req.headers['content-type'], 'text/plain; charset=utf-8')
        assert.equal(req.headers.accept, 'application/json')
        assert.equal(req.headers['x-extra'], 'yes')
        assert.equal(req.headers['content-length'], '33')
        assert.equal(req.headers['content-encoding'], undefined)
        assert.equal(req.body, 'h2o,location=us-west level=125i 1')
      } finally {
        await transport.close()
        await server.close()
      }
    })

    test('gzips the body when asked and decodes a gzipped answer', async () => {
      const server = await startAnsweringServer([
        {
          status: 200,
          headers: { 'content-encoding': 'gzip', 'content-type': 'text/plain' },
          body: gzipSync('ünïcode ok'),
        },
      ])
      const transport = new Transport({ url: server.url, ...extra })
      try {
        const response = await transport.request({
          method: 'POST',
          path: '/api/v2/write',
          body: 'm f=1 1\nm f=2 2',
          gzip: true,
          readSuccessBody: true,
        })
        assert.equal(response.body, 'ünïcode ok')
        const [req] = server.requests
        assert.equal(req.headers['content-encoding'], 'gzip')
        assert.deepEqual(req.rawBody.subarray(0, 2), Buffer.from([0x1f, 0x8b]))
        assert.equal(req.body, 'm f=1 1\nm f=2 2')
        assert.equal(req.headers.authorization, undefined, 'no token, no Authorization header')
      } finally {
        await transport.close()
        await server.close()
      }
    })

    // Connection pooling under fetch belongs to the fetch implementation, so only node:http is checked.
    if (engine === 'node')
      test('reuses one connection for sequential requests (keep-alive)', async () => {
        const server = await startAnsweringServer()
        const transport = new Transport({ url: server.url, token: TOKEN, ...extra })
        try {
          for (let i = 0; i < 5; i++)
            await transport.request({ method: 'POST', path: '/api/v2/write', body: `m f=${i}` })
          assert.equal(server.requests.length, 5)
          assert.equal(server.connections, 1)
          assert.deepEqual(new Set(server.requests.map((r) => r.connection)), new Set([1]))
        } finally {
          await transport.close()
          await server.close()
        }
      })

    test('a slow answer fails with RequestTimeoutError after the total timeout', async () => {
      const server = await startAnsweringServer([{ status: 204, delayMs: 5000 }])
      const transport = new Transport({ url: server.url, token: TOKEN, timeout: 150, ...extra })
      try {
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof RequestTimeoutError, String(error))
        assert.equal(error.timeoutMs, 150)
        assert.equal(error.message, 'POST /api/v2/write timed out after 150 ms')
        assertNoSecret(error)
      } finally {
        await transport.close()
        await server.close()
      }
    })

    test("the caller's AbortSignal aborts a request in flight, and a pre-aborted signal sends nothing", async () => {
      const server = await startAnsweringServer([{ status: 204, delayMs: 5000 }])
      const transport = new Transport({ url: server.url, token: TOKEN, ...extra })
      try {
        const controller = new AbortController()
        const pending = transport.request({
          method: 'POST',
          path: '/api/v2/write',
          body: 'm f=1',
          signal: controller.signal,
        })
        await waitFor(() => server.requests.length === 1, 'the request at the server')
        controller.abort(new Error('stop'))
        const error = await pending.catch((e: unknown) => e)
        assert.ok(error instanceof RequestAbortedError, String(error))
        assertNoSecret(error)
        const before = server.requests.length
        const again = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1', signal: AbortSignal.abort() })
          .catch((e: unknown) => e)
        assert.ok(again instanceof RequestAbortedError)
        assert.equal(server.requests.length, before)
      } finally {
        await transport.close()
        await server.close()
      }
    })

    test('a refused connection is a NetworkError with errorCode, without the token', async () => {
      const transport = new Transport({ url: await closedPortUrl(), token: TOKEN, ...extra })
      try {
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof NetworkError, String(error))
        assert.equal(error.errorCode, 'ECONNREFUSED')
        assert.match(error.message, /^POST http:\/\/127\.0\.0\.1:\d+\/api\/v2\/write failed: .*ECONNREFUSED/)
        assertNoSecret(error)
      } finally {
        await transport.close()
      }
    })

    test('a reset connection is a NetworkError', async () => {
      const server = await startAnsweringServer([{ drop: true }])
      const transport = new Transport({ url: server.url, token: TOKEN, ...extra })
      try {
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof NetworkError, String(error))
        assert.ok(error.errorCode !== undefined)
        assertNoSecret(error)
      } finally {
        await transport.close()
        await server.close()
      }
    })

    for (const status of [301, 302, 307, 308]) {
      test(`a ${status} redirect is not followed and is an InfluxDBError`, async () => {
        const target = await startAnsweringServer()
        const server = await startAnsweringServer([{ status, headers: { location: `${target.url}/api/v2/write` } }])
        const transport = new Transport({ url: server.url, token: TOKEN, ...extra })
        try {
          const error = await transport
            .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
            .catch((e: unknown) => e)
          assert.ok(error instanceof InfluxDBError, String(error))
          assert.equal(error.statusCode, status)
          assert.match(
            error.message,
            new RegExp(
              `^the server answered HTTP ${status} \\(redirect to ${target.url}/api/v2/write\\); redirects are not followed`,
            ),
          )
          assert.equal(server.requests.length, 1)
          assert.equal(target.requests.length, 0, 'nothing reached the redirect target')
          assertNoSecret(error)
        } finally {
          await transport.close()
          await server.close()
          await target.close()
        }
      })
    }

    test('the token never appears in an error even when the server echoes it', async () => {
      const server = await startAnsweringServer((req) => ({
        status: 400,
        headers: { 'x-influx-error': String(req.headers.authorization), 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'invalid', message: `bad ${String(req.headers.authorization)}` }),
      }))
      const transport = new Transport({ url: server.url, token: TOKEN, ...extra })
      try {
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assert.equal(error.message, 'bad Token ***')
        assertNoSecret(error)
      } finally {
        await transport.close()
        await server.close()
      }
    })

    test('keeps a URL path prefix', async () => {
      const server = await startAnsweringServer()
      const transport = new Transport({ url: `${server.url}/influx/`, ...extra })
      try {
        await transport.request({ method: 'GET', path: '/ping' })
        assert.equal(server.requests[0].path, '/influx/ping')
      } finally {
        await transport.close()
        await server.close()
      }
    })

    test('username/password: signs in once, sends only the cookie pair, signs out on close', async () => {
      const server = await startAnsweringServer((req) =>
        req.path === '/api/v2/signin'
          ? {
              status: 204,
              headers: { 'set-cookie': ['influxdb-oss-session=abc123; Path=/api/; HttpOnly', 'other=x; Secure'] },
            }
          : { status: 204 },
      )
      const transport = new Transport({
        url: server.url,
        username: 'me',
        password: 'SECRET-PASS',
        token: TOKEN,
        ...extra,
      })
      await transport.request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
      await transport.request({ method: 'POST', path: '/api/v2/write', body: 'm f=2' })
      await transport.close()
      await transport.close()
      await server.close()
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.path}`),
        ['POST /api/v2/signin', 'POST /api/v2/write', 'POST /api/v2/write', 'POST /api/v2/signout'],
      )
      assert.equal(
        server.requests[0].headers.authorization,
        `Basic ${Buffer.from('me:SECRET-PASS').toString('base64')}`,
      )
      for (const r of server.requests.slice(1)) {
        assert.equal(r.headers.cookie, 'influxdb-oss-session=abc123; other=x')
        assert.equal(r.headers.authorization, undefined)
      }
    })

    test('/ping goes out without signing in (it needs no credentials)', async () => {
      const server = await startAnsweringServer([{ status: 204, headers: { 'x-influxdb-version': '1.6.7' } }])
      const transport = new Transport({ url: server.url, username: 'me', password: 'SECRET-PASS', ...extra })
      try {
        await transport.request({ method: 'GET', path: '/ping', withoutSession: true })
        assert.deepEqual(
          server.requests.map((r) => `${r.method} ${r.path}`),
          ['GET /ping'],
        )
      } finally {
        await transport.close()
        await server.close()
      }
    })

    test('a session cookie echoed by the server is redacted from errors', async () => {
      const server = await startAnsweringServer((req) =>
        req.path === '/api/v2/signin'
          ? {
              status: 204,
              headers: { 'set-cookie': 'influxdb-oss-session=SESSIONCOOKIEVALUE123; Path=/api/; HttpOnly' },
            }
          : {
              status: 400,
              body: '{"code":"invalid","message":"cookie was influxdb-oss-session=SESSIONCOOKIEVALUE123"}',
            },
      )
      const transport = new Transport({ url: server.url, username: 'me', password: 'SECRET-PASS', ...extra })
      try {
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assertNoSecret(error, 'SESSIONCOOKIEVALUE123')
      } finally {
        await transport.close()
        await server.close()
      }
    })

    test('an empty answer that says Content-Encoding: gzip keeps its status (a 204 is a success, not a network error)', async () => {
      const server = await startAnsweringServer([
        { status: 204, headers: { 'content-encoding': 'gzip' } },
        { status: 400, headers: { 'content-encoding': 'gzip' }, body: 'not gzip' },
      ])
      const transport = new Transport({ url: server.url, token: TOKEN, ...extra })
      try {
        assert.equal((await transport.request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })).status, 204)
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError, String(error))
        assert.equal(error.statusCode, 400)
      } finally {
        await transport.close()
        await server.close()
      }
    })

    test('a failed signin is an InfluxDBError without the password, saying it was the signin', async () => {
      const server = await startAnsweringServer([
        { status: 401, body: '{"code":"unauthorized","message":"unauthorized access"}' },
      ])
      const transport = new Transport({ url: server.url, username: 'me', password: 'SECRET-PASS', ...extra })
      try {
        const error = await transport
          .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
          .catch((e: unknown) => e)
        assert.ok(error instanceof InfluxDBError)
        assert.equal(error.statusCode, 401)
        assert.equal(error.message, 'signin (POST /api/v2/signin) failed: unauthorized access')
        assertNoSecret(error, 'SECRET-PASS')
        assertNoSecret(error, Buffer.from('me:SECRET-PASS').toString('base64'))
      } finally {
        await transport.close()
        await server.close()
      }
    })
  })
}

describe('Transport options', () => {
  test('a credential that is not a string is refused when the transport is made', () => {
    assert.throws(() => new Transport({ url: 'http://localhost:1', token: 5 as unknown as string }), {
      name: 'InvalidArgumentError',
      message: '"token" must be a string, got number',
    })
    assert.throws(
      () => new Transport({ url: 'http://localhost:1', username: 'u', password: {} as unknown as string }),
      { name: 'InvalidArgumentError', message: '"password" must be a string, got object' },
    )
  })
  test('authBasic sends the whole token as Basic credentials', async () => {
    const server = await startAnsweringServer()
    const transport = new Transport({ url: server.url, token: 'my-token', authBasic: true })
    try {
      await transport.request({ method: 'GET', path: '/ping' })
      assert.equal(server.requests[0].headers.authorization, 'Basic bXktdG9rZW4=')
    } finally {
      await transport.close()
      await server.close()
    }
  })

  test('rejects bad URLs and timeouts', () => {
    assert.throws(() => new Transport({ url: 'ftp://h' }), InvalidArgumentError)
    assert.throws(() => new Transport({ url: 'localhost:8086' }), InvalidArgumentError)
    assert.throws(() => new Transport({ url: 'http://u:p@h:8086' }), /must not contain credentials/)
    assert.throws(() => new Transport({ url: 'http://h', timeout: 0 }), InvalidArgumentError)
  })

  test('requests after close() fail with ClosedError and send nothing', async () => {
    const server = await startAnsweringServer()
    const transport = new Transport({ url: server.url })
    await transport.close()
    await assert.rejects(transport.request({ method: 'GET', path: '/ping' }), ClosedError)
    assert.equal(server.requests.length, 0)
    await server.close()
  })
})

describe('Transport over a caller-supplied fetch', () => {
  test('never follows redirects and sets no credentials field', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = []
    const fakeFetch = (url: string, init: RequestInit): Promise<Response> => {
      calls.push({ url, init })
      return Promise.resolve(new Response(null, { status: 204 }))
    }
    const transport = new Transport({ url: 'http://influx.example:8086', token: TOKEN, fetch: fakeFetch })
    await transport.request({ method: 'POST', path: '/api/v2/write', query: { org: 'o', bucket: 'b' }, body: 'm f=1' })
    await transport.close()
    assert.equal(calls.length, 1)
    assert.equal(calls[0].url, 'http://influx.example:8086/api/v2/write?org=o&bucket=b')
    assert.equal(calls[0].init.redirect, 'manual')
    assert.equal(calls[0].init.method, 'POST')
    assert.ok(!('credentials' in calls[0].init))
    assert.equal((calls[0].init.headers as Record<string, string>).authorization, `Token ${TOKEN}`)
    assert.equal(calls[0].init.body, 'm f=1')
  })

  test('a fetch that ignores the abort signal still ends at the timeout and on abort', async () => {
    let calls = 0
    const never = (): Promise<Response> => {
      calls++
      return new Promise<Response>(() => undefined)
    }
    const transport = new Transport({ url: 'http://influx.example:8086', fetch: never, timeout: 150 })
    try {
      const started = performance.now()
      await assert.rejects(
        transport.request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' }),
        RequestTimeoutError,
      )
      assert.ok(performance.now() - started < 2000)
      const controller = new AbortController()
      const aborted = transport.request({
        method: 'POST',
        path: '/api/v2/write',
        body: 'm f=1',
        timeout: 60_000,
        signal: controller.signal,
      })
      await waitFor(() => calls === 2, 'the second call of fetch')
      controller.abort()
      await assert.rejects(aborted, RequestAbortedError)
    } finally {
      await transport.close()
    }
  })

  test('a reason phrase that carries the token is redacted', async () => {
    const transport = new Transport({
      url: 'http://influx.example:8086',
      token: TOKEN,
      fetch: () => Promise.resolve(new Response(null, { status: 400, statusText: `Bad Token ${TOKEN}` })),
    })
    const error = await transport
      .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
      .catch((e: unknown) => e)
    await transport.close()
    assert.ok(error instanceof InfluxDBError)
    assert.equal(error.statusCode, 400)
    assertNoSecret(error, TOKEN)
  })

  test('an opaque redirect (browsers) is an InfluxDBError', async () => {
    const opaque = Object.assign(new Response(null, { status: 200 }), {})
    Object.defineProperty(opaque, 'type', { value: 'opaqueredirect' })
    const transport = new Transport({ url: 'http://influx.example:8086', fetch: () => Promise.resolve(opaque) })
    const error = await transport
      .request({ method: 'POST', path: '/api/v2/write', body: 'm f=1' })
      .catch((e: unknown) => e)
    await transport.close()
    assert.ok(error instanceof InfluxDBError)
    assert.equal(error.statusCode, 302)
  })
})

test('User-Agent carries the package version', async () => {
  const { readFile } = await import('node:fs/promises')
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  assert.equal(USER_AGENT, `influxdb-client-async/${pkg.version}`)
})
