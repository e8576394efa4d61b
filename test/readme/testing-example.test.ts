// The test-server examples of the README and docs/testing.md, run as written, so the docs cannot drift from the code.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, InfluxDBError } from '../../src/index.js'
import { startTestServer } from '../../src/testing/index.js'

test('my exporter writes what I expect, and survives a 503', async () => {
  await using server = await startTestServer()
  await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })

  server.failNext({ status: 503, retryAfter: 1 })
  await client.writeApi().write('test-bucket', undefined, 'cpu,host=a usage=1.5,count=3i 1700000000000000000')

  assert.deepEqual(server.points('test-bucket'), [
    {
      measurement: 'cpu',
      tags: { host: 'a' },
      fields: { count: 3n, usage: 1.5 },
      fieldTypes: { count: 'integer', usage: 'float' },
      time: 1700000000000000000n,
    },
  ])
  assert.equal(server.requests.length, 2)

  await assert.rejects(
    client.writeApi().write('test-bucket', undefined, 'cpu usage="text"'),
    (e: InfluxDBError) => e.statusCode === 422,
  )
})

test('README test-server example: five lines write a point and count it', async () => {
  await using server = await startTestServer()
  await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
  await client.writeApi().write('test-bucket', undefined, 'cpu,host=a usage=1.5 1700000000000000000')
  assert.equal(server.count('test-bucket', { measurement: 'cpu' }), 1)
})

test('docs/testing.md, answers of your own: a responder, then an interceptor', async () => {
  await using server = await startTestServer()
  await using client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org, retry: false })
  server.respondWith((request) => {
    if (request.path !== '/api/v2/write') return undefined // answered as InfluxDB
    if (request.index === 0)
      return { status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad Gateway</h1>' }
    return { status: 204, delayMs: 200 }
  })
  await assert.rejects(
    client.writeApi().write('test-bucket', undefined, 'cpu usage=1 1'),
    (e: InfluxDBError) => e.statusCode === 502,
  )
  const started = performance.now()
  await client.writeApi().write('test-bucket', undefined, 'cpu usage=1 1')
  assert.ok(performance.now() - started >= 190)
  assert.equal(await client.ping(), true)
  assert.equal(server.count('test-bucket'), 0, 'the responder answered the writes, nothing was stored')
  server.respondWith(undefined)

  server.intercept((request, response) => {
    request.once('data', () => {
      response.writeHead(204).end()
      request.pause()
      setTimeout(() => request.resume(), 1000)
    })
    return true
  })
  await client.writeApi().write('test-bucket', undefined, 'cpu usage=2 2')
  assert.equal(server.count('test-bucket'), 0)
})
