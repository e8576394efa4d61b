// The shared write/delete/BatchWriter/error scenarios against the embedded server in each mode
// (1.x, 2.x, 3.x), then what each mode answers on the wire that the scenarios do not show.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestServer, type ServerGeneration, type TestServer } from '../../src/testing/index.js'
import { InfluxDBClientAsync, PartialWriteError, InfluxDBError } from '../../src/index.js'
import { defineApiScenarios, type ScenarioTarget } from '../support/api-scenarios.js'

function embeddedTarget(generation: ServerGeneration, server: () => TestServer): ScenarioTarget {
  const bucket = 'test-bucket'
  return {
    clientOptions: () => ({ url: server().url, token: server().token, org: server().org }),
    bucket,
    api: generation,
    read: (measurement) =>
      Promise.resolve(
        server()
          .points(bucket, { measurement })
          .map((p) => `${p.tags.host}@${p.time}`)
          .sort(),
      ),
    badLine: generation === 'v2' ? 'whole-body-refused' : 'only-bad-line-refused',
    deletes: generation === 'v3' ? 'unsupported' : 'range',
    failNextWrite: (status) =>
      server().failNext({
        status,
        path: generation === 'v1' ? '/write' : generation === 'v3' ? '/api/v3/write_lp' : '/api/v2/write',
      }),
  }
}

for (const generation of ['v1', 'v2', 'v3'] as const) {
  describe(`embedded server as ${generation}: the shared scenarios`, () => {
    let server: TestServer | undefined
    before(async () => {
      server = await startTestServer({ apiVersion: generation })
      // 3.x creates a database on first write; the scenarios read it before that in one case.
      if (generation === 'v3') server.createBucket('test-bucket')
    })
    after(() => server?.close())
    defineApiScenarios(() => embeddedTarget(generation, () => server!), `gen_${generation}`, {
      injectsFailures: true,
      refusesOtherApis: true,
    })
  })
}

describe('embedded server as v1: the wire', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ apiVersion: 'v1', buckets: ['db', 'db/short'] })
  })
  after(() => server.close())

  test('/ping is 204 with a 1.x version; /api/v2/write is the router 404 text', async () => {
    const ping = await fetch(`${server.url}/ping`)
    assert.equal(ping.status, 204)
    assert.equal(ping.headers.get('x-influxdb-version'), '1.7.11')
    const v2 = await fetch(`${server.url}/api/v2/write?bucket=db&org=o`, {
      method: 'POST',
      body: 'm v=1',
      headers: { authorization: `Token ${server.token}` },
    })
    assert.equal(v2.status, 404)
    assert.equal(await v2.text(), '404 page not found\n')
  })

  test('query parameters: db and rp from the bucket, precision u for us, consistency; Basic credentials', async () => {
    await using client = new InfluxDBClientAsync({
      url: server.url,
      apiVersion: 'v1',
      username: 'me',
      password: server.token,
    })
    await client
      .writeApi()
      .write({ bucket: 'db/short', record: 'm v=1 5', writePrecision: 'us', consistency: 'quorum' })
    const sent = server.requests.at(-1)!
    assert.equal(sent.path, '/write')
    assert.deepEqual(sent.query, { db: 'db', rp: 'short', precision: 'u', consistency: 'quorum' })
    assert.equal(sent.headers.authorization, `Basic ${Buffer.from(`me:${server.token}`).toString('base64')}`)
    assert.equal(server.points('db/short')[0]?.time, 5000n)
  })

  test('413 over max-body-size: the client splits the body until each half fits, and every line arrives', async () => {
    await using small = await startTestServer({ apiVersion: 'v1', buckets: ['db'], maxRequestBytes: 1000 })
    await using client = new InfluxDBClientAsync({ url: small.url, apiVersion: 'v1', token: small.token })
    const lines = Array.from({ length: 100 }, (_, i) => `big,host=h${i} v=${i} ${i}`)
    await client.writeApi().write('db', undefined, lines)
    assert.equal(small.count('db'), 100)
    const statuses = small.requests.map((r) => r.status)
    assert.ok(statuses.includes(413) && statuses.filter((s) => s === 204).length >= 2, statuses.join(' '))
    const refused = small.requests.find((r) => r.status === 413)
    assert.ok(refused !== undefined && Buffer.byteLength(refused.body) > 1000)
  })

  test('a token written user:password is sent as Token user:password, which 1.x reads as credentials', async () => {
    await using client = new InfluxDBClientAsync({ url: server.url, apiVersion: 'v1', token: `me:${server.token}` })
    await client.writeApi().write('db', undefined, 'tok v=1 1')
    assert.equal(server.requests.at(-1)?.headers.authorization, `Token me:${server.token}`)
    assert.equal(server.count('db', { measurement: 'tok' }), 1)
    await using wrong = new InfluxDBClientAsync({ url: server.url, apiVersion: 'v1', token: 'me:wrong', retry: false })
    await assert.rejects(
      wrong.writeApi().write('db', undefined, 'tok v=1 2'),
      (e: unknown) => e instanceof InfluxDBError && e.statusCode === 401 && !e.message.includes('me:wrong'),
    )
  })

  test('answers: database not found, us refused, a wrong password, a statement error in a 200', async () => {
    const post = (query: string, body: string, auth = `Token ${server.token}`) =>
      fetch(`${server.url}${query}`, {
        method: 'POST',
        body,
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      })
    let answer = await post('/write?db=nope', 'm v=1')
    assert.equal(answer.status, 404)
    assert.equal(answer.headers.get('x-influxdb-error'), 'database not found: "nope"')
    assert.deepEqual(await answer.json(), { error: 'database not found: "nope"' })
    answer = await post('/write?db=db&precision=us', 'm v=1')
    assert.deepEqual(
      [answer.status, await answer.json()],
      [400, { error: 'invalid precision "us" (use n, u, ms, s, m or h)' }],
    )
    answer = await post('/write?db=db', 'm v=1', 'Token me:wrong')
    assert.equal(answer.status, 401)
    answer = await post('/query?db=nope', `q=${encodeURIComponent('DELETE FROM "m"')}`)
    assert.deepEqual(
      [answer.status, await answer.json()],
      [200, { results: [{ statement_id: 0, error: 'database not found: nope' }] }],
    )
    // v is a field of m: 1.x refuses fields in a DELETE's WHERE.
    await post('/write?db=db', 'm v=1 1')
    answer = await post('/query?db=db', `q=${encodeURIComponent('DELETE FROM "m" WHERE "v" = \'1\'')}`)
    assert.deepEqual(await answer.json(), {
      results: [{ statement_id: 0, error: 'fields not supported in WHERE clause during deletion' }],
    })
  })

  test('the client reads a statement error and a partial write of several lines', async () => {
    await using client = new InfluxDBClientAsync({ url: server.url, apiVersion: 'v1', token: server.token })
    await assert.rejects(
      client.deleteApi().delete(0n, 1n, '', 'nope'),
      (e: unknown) =>
        e instanceof InfluxDBError && e.statusCode === 200 && e.message.startsWith('database not found: nope'),
    )
    const error = await client
      .writeApi()
      .write('db', undefined, ['p v=1 1', 'p v= 2', 'p v=3 3', 'p,t= v=1 4'])
      .catch((e: unknown) => e)
    assert.ok(error instanceof PartialWriteError, String(error))
    assert.deepEqual(
      error.rejectedLines.map((r) => [r.lineNumber, r.line, r.reason]),
      [
        [2, 'p v= 2', 'missing field value'],
        [4, 'p,t= v=1 4', 'missing tag value'],
      ],
    )
    assert.deepEqual(
      server.points('db', { measurement: 'p' }).map((p) => p.time),
      [1n, 3n],
    )
  })
})

describe('embedded server as v3: the wire', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ apiVersion: 'v3', maxRequestBytes: 1000 })
  })
  after(() => server.close())

  test('/ping: 200 JSON with the token, 401 without version headers without it; the client shows the version', async () => {
    const bare = await fetch(`${server.url}/ping`)
    assert.equal(bare.status, 401)
    assert.equal(bare.headers.get('x-influxdb-version'), null)
    await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, apiVersion: 'auto' })
    assert.equal(await client.resolveApiVersion(), 'v3')
    assert.equal(client.serverVersion, '3.10.0')
    assert.equal(client.serverBuild, 'Core')
    await using anonymous = new InfluxDBClientAsync({ url: server.url, apiVersion: 'auto' })
    await assert.rejects(anonymous.resolveApiVersion(), /apiVersion 'auto' could not ask GET \/ping.*needs a token/)
  })

  test('query parameters and auth: db, long precision names, auto, accept_partial=false, no_sync; Bearer', async () => {
    await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, apiVersion: 'v3' })
    await client.writeApi().write({
      bucket: 'fresh',
      record: 'm v=1 1700000000',
      writePrecision: 'auto',
      noSync: true,
      acceptPartial: false,
    })
    let sent = server.requests.at(-1)!
    assert.deepEqual(
      [sent.path, sent.query],
      ['/api/v3/write_lp', { db: 'fresh', precision: 'auto', accept_partial: 'false', no_sync: 'true' }],
    )
    assert.equal(sent.headers.authorization, `Bearer ${server.token}`)
    assert.equal(server.points('fresh')[0]?.time, 1_700_000_000_000_000_000n, 'auto read the value as seconds')
    await client.writeApi().write('fresh', undefined, 'm v=2 1', 'us')
    sent = server.requests.at(-1)!
    assert.deepEqual(sent.query, { db: 'fresh', precision: 'microsecond' })
    await assert.rejects(
      client.writeApi().write({ bucket: 'fresh', record: 'm v=1', consistency: 'all' }),
      /"consistency" is InfluxDB 1.x's/,
    )
  })

  test('a partial write names each bad line in full (3.x cuts original_line to 20 bytes); an empty write sends nothing', async () => {
    await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, apiVersion: 'v3' })
    const longBad = `cpu,host=a-very-long-host-name-indeed value= 1`
    const before = server.requests.length
    const error = await client
      .writeApi()
      .write('db3', undefined, ['cpu v=1 1', longBad, 'cpu v=2 2'], 's')
      .catch((e: unknown) => e)
    assert.ok(error instanceof PartialWriteError, String(error))
    const body = JSON.parse(error.body) as { error: string; data: { original_line: string }[] }
    assert.equal(body.error, 'partial write of line protocol occurred')
    assert.equal(body.data[0].original_line, longBad.slice(0, 20))
    assert.deepEqual(
      error.rejectedLines.map((r) => [r.lineNumber, r.line]),
      [[2, longBad]],
    )
    assert.equal(server.points('db3').length, 2)
    assert.equal(await client.writeApi().write('db3', undefined, ['', '   ']), true)
    assert.equal(server.requests.length, before + 1)
  })

  test('accept_partial=false: one object in data, nothing stored, not a PartialWriteError; 413 over the size limit', async () => {
    await using client = new InfluxDBClientAsync({
      url: server.url,
      token: server.token,
      apiVersion: 'v3',
      retry: false,
    })
    const error = await client
      .writeApi()
      .write({ bucket: 'db4', record: ['cpu v=1 1', 'cpu v= 2'], acceptPartial: false })
      .catch((e: unknown) => e)
    assert.ok(error instanceof InfluxDBError && !(error instanceof PartialWriteError), String(error))
    assert.match(error.message, /^line protocol parsing error at line 2 \("cpu v= 2"\)/)
    assert.throws(() => server.count('db4'), /not found/, 'nothing was stored, so the database was not even created')
    const big = await fetch(`${server.url}/api/v3/write_lp?db=db4`, {
      method: 'POST',
      body: 'x'.repeat(2000),
      headers: { authorization: `Bearer ${server.token}` },
    })
    assert.deepEqual([big.status, await big.text()], [413, 'max request size (1000 bytes) exceeded'])
  })

  test('delete() throws before sending anything', async () => {
    await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, apiVersion: 'v3' })
    const before = server.requests.length
    await assert.rejects(
      client.deleteApi().delete(0n, 1n, '', 'db3'),
      /InfluxDB 3 cannot delete points by time range and predicate.*influxdb3 delete rows/,
    )
    assert.equal(server.requests.length, before)
  })
})
