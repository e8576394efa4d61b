import { beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { startTestServer } from '../../src/testing/index.js'
import { send, useServer, write } from './http.js'
import { gzipSync } from 'node:zlib'
import { waitFor } from '../support/wait.js'

const server = useServer({ tokens: [{ token: 'reader', permissions: 'read' }] })
beforeEach(() => server().reset())
const error = (code: string, message: string) => ({ code, message })

describe('system endpoints', () => {
  test('GET and HEAD /ping answer 204 with the version headers, without a token', async () => {
    for (const method of ['GET', 'HEAD']) {
      const answer = await send(server(), method, '/ping', undefined, { Authorization: '' })
      assert.equal(answer.status, 204)
      assert.equal(answer.headers.get('x-influxdb-build'), 'OSS')
      assert.equal(answer.headers.get('x-influxdb-version'), 'v2.7.11')
    }
  })

  test('GET /health', async () => {
    const answer = await send(server(), 'GET', '/health', undefined, { Authorization: '' })
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.deepEqual(answer.json, {
      name: 'influxdb',
      message: 'ready for queries and writes',
      status: 'pass',
      checks: [],
      version: 'v2.7.11',
      commit: 'embedded',
    })
  })

  test('unknown paths answer 404 JSON; wrong methods 405', async () => {
    const missing = await send(server(), 'GET', '/api/v2/nothing')
    assert.equal(missing.status, 404)
    assert.deepEqual(missing.json, error('not found', 'path not found'))
    const wrong = await send(server(), 'DELETE', '/api/v2/buckets')
    assert.equal(wrong.status, 405)
    assert.deepEqual(wrong.json, error('method not allowed', 'allow: GET, POST'))
  })
})

describe('buckets and orgs', () => {
  test('the defaults: org test-org with bucket test-bucket, IDs stable across servers', async () => {
    const orgs = await send(server(), 'GET', '/api/v2/orgs')
    assert.equal(orgs.status, 200)
    const list = (orgs.json as { orgs: Array<{ id: string; name: string }> }).orgs
    assert.deepEqual(
      list.map((o) => [o.id, o.name]),
      [[server().orgID, 'test-org']],
    )
    assert.match(server().orgID, /^[0-9a-f]{16}$/)
    const other = await startTestServer()
    try {
      assert.equal(other.orgID, server().orgID)
    } finally {
      await other.close()
    }
  })

  test('create and list buckets, with filters', async () => {
    const created = await send(
      server(),
      'POST',
      '/api/v2/buckets',
      JSON.stringify({
        orgID: server().orgID,
        name: 'fresh',
        retentionRules: [{ type: 'expire', everySeconds: 3600 }],
      }),
    )
    assert.equal(created.status, 201)
    const bucket = created.json as { id: string; name: string; orgID: string; retentionRules: unknown }
    assert.equal(bucket.name, 'fresh')
    assert.equal(bucket.orgID, server().orgID)
    assert.deepEqual(bucket.retentionRules, [{ type: 'expire', everySeconds: 3600 }])
    // No timestamp: the server's time is inside the bucket's one-hour retention, where 1 ns after 1970 is not.
    assert.equal((await write(server(), 'm v=1', 'org=test-org&bucket=fresh')).status, 204)
    assert.equal(server().count('fresh'), 1)
    assert.equal(server().count(bucket.id), 1)

    const byName = await send(server(), 'GET', '/api/v2/buckets?org=test-org&name=fresh')
    assert.deepEqual(
      (byName.json as { buckets: Array<{ id: string }> }).buckets.map((b) => b.id),
      [bucket.id],
    )
    const all = await send(server(), 'GET', `/api/v2/buckets?orgID=${server().orgID}`)
    assert.ok((all.json as { buckets: Array<{ name: string }> }).buckets.some((b) => b.name === 'test-bucket'))
    const unknownOrg = await send(server(), 'GET', '/api/v2/buckets?org=nope')
    assert.equal(unknownOrg.status, 404)
    assert.deepEqual(unknownOrg.json, error('not found', 'organization name "nope" not found'))

    const duplicate = await send(
      server(),
      'POST',
      '/api/v2/buckets',
      JSON.stringify({ orgID: server().orgID, name: 'fresh' }),
    )
    assert.equal(duplicate.status, 422)
    assert.deepEqual(duplicate.json, error('conflict', 'bucket with name fresh already exists'))
  })

  test('create an org', async () => {
    const created = await send(server(), 'POST', '/api/v2/orgs', JSON.stringify({ name: 'other-org' }))
    assert.equal(created.status, 201)
    const org = created.json as { id: string; name: string }
    assert.equal(org.name, 'other-org')
    const found = await send(server(), 'GET', '/api/v2/orgs?org=other-org')
    assert.deepEqual(
      (found.json as { orgs: Array<{ id: string }> }).orgs.map((o) => o.id),
      [org.id],
    )
    const again = await send(server(), 'POST', '/api/v2/orgs', JSON.stringify({ name: 'other-org' }))
    assert.equal(again.status, 422)
  })

  test('a read token may list but not create; no token is 401', async () => {
    assert.equal(
      (await send(server(), 'GET', '/api/v2/buckets', undefined, { Authorization: 'Token reader' })).status,
      200,
    )
    const denied = await send(server(), 'POST', '/api/v2/orgs', JSON.stringify({ name: 'x' }), {
      Authorization: 'Token reader',
    })
    assert.equal(denied.status, 403)
    assert.equal((await send(server(), 'GET', '/api/v2/orgs', undefined, { Authorization: '' })).status, 401)
  })
})

describe('inspection and fault injection', () => {
  test('requests records method, path, query, headers, decoded body and status', async () => {
    await write(server(), 'm v=1 1', 'org=test-org&bucket=test-bucket&precision=ns', { 'User-Agent': 'probe' })
    await write(server(), 'bad')
    assert.deepEqual(
      server().requests.map((r) => [r.method, r.path, r.query, r.body, r.status, r.headers['user-agent']]),
      [
        ['POST', '/api/v2/write', { org: 'test-org', bucket: 'test-bucket', precision: 'ns' }, 'm v=1 1', 204, 'probe'],
        ['POST', '/api/v2/write', { org: 'test-org', bucket: 'test-bucket' }, 'bad', 400, 'node'],
      ],
    )
    assert.ok(server().requests[0].time instanceof Date)
  })

  test('failNext answers the next writes with the given status and Retry-After, then recovers', async () => {
    server().failNext({ status: 429, retryAfter: 7, times: 2 })
    for (let i = 0; i < 2; i++) {
      const answer = await write(server(), 'm v=1 1')
      assert.equal(answer.status, 429)
      assert.equal(answer.headers.get('retry-after'), '7')
      assert.deepEqual(answer.json, error('too many requests', 'injected failure'))
    }
    assert.equal(server().count('test-bucket'), 0)
    assert.equal((await write(server(), 'm v=1 1')).status, 204)
    server().failNext({ status: 503, body: { code: 'unavailable', message: 'busy' } })
    const custom = await write(server(), 'm v=1 1')
    assert.equal(custom.status, 503)
    assert.deepEqual(custom.json, error('unavailable', 'busy'))
    assert.equal(custom.headers.get('retry-after'), null)
    server().failNext({
      status: 413,
      body: '<html>413 Request Entity Too Large</html>',
      headers: { 'Content-Type': 'text/html' },
    })
    const html = await write(server(), 'm v=1 1')
    assert.equal(html.status, 413)
    assert.equal(html.text, '<html>413 Request Entity Too Large</html>')
    assert.equal(html.headers.get('content-type'), 'text/html')
  })

  test('failNext for another path leaves writes alone', async () => {
    server().failNext({ status: 500, path: '/api/v2/delete' })
    assert.equal((await write(server(), 'm v=1 1')).status, 204)
    const answer = await send(server(), 'POST', '/api/v2/delete?org=test-org&bucket=test-bucket', '{}')
    assert.equal(answer.status, 500)
  })

  test('dropConnections destroys the socket unanswered and stores nothing', async () => {
    server().dropConnections(1)
    await assert.rejects(write(server(), 'm v=1 1'))
    assert.equal(server().count('test-bucket'), 0)
    assert.equal(server().requests.at(-1)!.status, 0)
    assert.equal((await write(server(), 'm v=1 1')).status, 204)
  })

  test('delay holds every response', async () => {
    server().delay(150)
    const started = performance.now()
    assert.equal((await write(server(), 'm v=1 1')).status, 204)
    assert.ok(performance.now() - started >= 140)
    server().delay(0)
  })

  test('reset forgets points, requests and faults, and keeps buckets', async () => {
    server().createBucket('kept')
    await write(server(), 'm v=1 1', 'org=test-org&bucket=kept')
    server().failNext({ status: 500 })
    server().reset()
    assert.equal(server().requests.length, 0)
    assert.equal(server().count('kept'), 0)
    assert.equal((await write(server(), 'm v=1 1', 'org=test-org&bucket=kept')).status, 204)
  })

  test('requests keep the raw query and bytes, the connection and the index; connections counts TCP connections', async () => {
    const gz = gzipSync('m v=1 1')
    await write(server(), gz, 'org=test-org&bucket=test-bucket&x=a%2Fb+c', { 'Content-Encoding': 'gzip' })
    await write(server(), 'm v=2 2')
    const [first, second] = server().requests
    assert.equal(first.rawQuery, 'org=test-org&bucket=test-bucket&x=a%2Fb+c')
    assert.equal(first.query.x, 'a/b c')
    assert.deepEqual(Buffer.from(first.rawBody), gz)
    assert.equal(first.body, 'm v=1 1')
    assert.deepEqual(Buffer.from(second.rawBody), Buffer.from('m v=2 2'))
    assert.deepEqual([first.index, second.index], [0, 1])
    assert.ok(first.connection >= 1 && first.connection <= server().connections)
  })

  test('respondWith answers with exactly the given status, headers and body; undefined falls through', async () => {
    const seen: Array<[number, string]> = []
    server().respondWith((request) => {
      seen.push([request.index, request.body])
      if (request.body === 'as influx') return undefined
      return { status: 418, headers: { 'x-one': 'a', 'set-cookie': ['b=1', 'c=2'] }, body: 'teapot' }
    })
    const own = await write(server(), 'anything')
    assert.equal(own.status, 418)
    assert.equal(own.text, 'teapot')
    assert.equal(own.headers.get('x-one'), 'a')
    assert.deepEqual(own.headers.getSetCookie(), ['b=1', 'c=2'])
    assert.equal(own.headers.get('x-influxdb-version'), null, 'no header of the server is added')
    const influx = await write(server(), 'as influx')
    assert.equal(influx.status, 400)
    assert.equal(influx.headers.get('x-influxdb-version'), 'v2.7.11')
    assert.deepEqual(seen, [
      [0, 'anything'],
      [1, 'as influx'],
    ])
    assert.deepEqual(
      server().requests.map((r) => r.status),
      [418, 400],
    )
    server().respondWith(undefined)
    assert.equal((await write(server(), 'm v=1 1')).status, 204)
  })

  test('respondWith: a reply waits delayMs, drop destroys the connection, a throwing responder is a 500', async () => {
    server().respondWith(() => ({ delayMs: 150 }))
    const started = performance.now()
    assert.equal((await write(server(), 'm v=1 1')).status, 204)
    assert.ok(performance.now() - started >= 140)
    server().respondWith(() => ({ drop: true }))
    await assert.rejects(write(server(), 'm v=1 1'))
    assert.equal(server().requests.at(-1)!.status, 0)
    server().respondWith(() => {
      throw new Error('no answer for this')
    })
    const failed = await write(server(), 'm v=1 1')
    assert.equal(failed.status, 500)
    assert.equal(failed.text, 'Error: no answer for this')
    assert.equal(server().count('test-bucket'), 0)
    server().reset()
    assert.equal((await write(server(), 'm v=1 1')).status, 204, 'reset removes the responder')
  })

  test('intercept takes a request over before its body is read; the server still records it', async () => {
    const body = 'm v=1 1\n'.repeat(50_000)
    let resumedAfterAnswer = false
    server().intercept((request, response, { index }) => {
      assert.equal(index, 0)
      request.once('data', () => {
        response.writeHead(202, { 'content-length': '0' }).end()
        request.pause()
        setTimeout(() => {
          resumedAfterAnswer = true
          request.resume()
        }, 100)
      })
      return true
    })
    // node:http goes on sending the body after the answer (Node's fetch would stop).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server().url}/api/v2/write?org=test-org&bucket=test-bucket`, { method: 'POST' }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end(body)
    })
    assert.equal(status, 202)
    await waitFor(() => server().requests.length === 1, 'the intercepted request in the log')
    assert.ok(resumedAfterAnswer)
    assert.equal(server().requests[0].status, 202)
    assert.equal(server().requests[0].body, body)
    assert.equal(server().count('test-bucket'), 0, 'the server did not process it')
    server().intercept(() => false)
    assert.equal((await write(server(), 'm v=1 1')).status, 204, 'false lets the server go on')
    assert.equal(server().count('test-bucket'), 1)
  })

  test('points() filters by measurement, tags and an inclusive time range; unknown buckets throw', async () => {
    await write(server(), 'a,t=1 v=1 1\na,t=2 v=2 2\nb,t=1 v=3 3\na,t=1 v=4 4')
    const times = (filter: Parameters<ReturnType<typeof server>['points']>[1]) =>
      server()
        .points('test-bucket', filter)
        .map((p) => p.time)
    assert.deepEqual(times({ measurement: 'a' }), [1n, 4n, 2n])
    assert.deepEqual(times({ tags: { t: '1' } }), [1n, 4n, 3n])
    assert.deepEqual(times({ start: 2n, stop: 3n }), [2n, 3n])
    assert.throws(() => server().points('nope'), /bucket "nope" not found/)
    assert.equal(server().count('test-bucket', { measurement: 'a' }), 3)
    assert.equal(server().count('test-bucket', { tags: { t: '1' }, start: 2n }), 2)
    assert.equal(server().count('test-bucket', { stop: 1n }), 1)
  })
})

describe('startTestServer options', () => {
  test('custom token, org, buckets; port 0 picks a free port; close is idempotent', async () => {
    const custom = await startTestServer({ token: 't0k', org: 'acme', buckets: ['one', 'two'] })
    try {
      assert.match(custom.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.equal(custom.token, 't0k')
      assert.equal(custom.org, 'acme')
      const answer = await write(custom, 'm v=1 1', 'org=acme&bucket=two')
      assert.equal(answer.status, 204)
      assert.equal(custom.count('two'), 1)
      assert.equal((await write(custom, 'm v=1 1', 'org=acme&bucket=test-bucket')).status, 404)
    } finally {
      await custom.close()
      await custom.close()
    }
  })

  test('Symbol.asyncDispose closes the server', async () => {
    const s = await startTestServer()
    await s[Symbol.asyncDispose]()
    await assert.rejects(fetch(`${s.url}/ping`))
  })

  test('a busy port rejects with EADDRINUSE', async () => {
    const port = Number(new URL(server().url).port)
    await assert.rejects(startTestServer({ port }), { code: 'EADDRINUSE' })
  })

  test('maxRecordedRequests keeps the newest requests only', async () => {
    const s = await startTestServer({ maxRecordedRequests: 2 })
    try {
      for (const v of [1, 2, 3]) await write(s, `m v=${v} ${v}`)
      assert.deepEqual(
        s.requests.map((r) => r.body),
        ['m v=2 2', 'm v=3 3'],
      )
    } finally {
      await s.close()
    }
  })

  test('close ends idle keep-alive connections', async () => {
    const s = await startTestServer()
    const agentRequest = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${s.url}/ping`, { method: 'GET' }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
        req.on('error', reject)
        req.end()
      })
    assert.equal(await agentRequest(), 204)
    await s.close()
    await assert.rejects(agentRequest())
  })
})
