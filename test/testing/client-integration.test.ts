// The library's own client against the embedded server: what a user's test would do.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, InfluxDBError, Point, predicate } from '../../src/index.js'
import { startTestServer } from '../../src/testing/index.js'
import type { TestServer } from '../../src/testing/index.js'

describe('InfluxDBClientAsync against startTestServer', () => {
  let server: TestServer
  let client: InfluxDBClientAsync
  before(async () => {
    server = await startTestServer()
    client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
  })
  after(async () => {
    await client.close()
    await server.close()
  })

  test('writes a Point, an object and a line, and deletes with a predicate', async () => {
    const writeApi = client.writeApi()
    await writeApi.write(
      'test-bucket',
      undefined,
      new Point('h2o').tag('location', 'west').field('level', 1.5).time(1n),
    )
    await writeApi.write('test-bucket', undefined, 'h2o,location=east level=2.5 2')
    await writeApi.write('test-bucket', undefined, 'h2o,location=west level=3.5 3')
    assert.deepEqual(
      server.points('test-bucket').map((p) => [p.tags.location, p.fields.level, p.time]),
      [
        ['east', 2.5, 2n],
        ['west', 1.5, 1n],
        ['west', 3.5, 3n],
      ],
    )
    assert.equal(server.requests.at(-1)!.headers.authorization, `Token ${server.token}`)
    await client.deleteApi().delete(1n, 2n, predicate({ _measurement: 'h2o', location: 'west' }), 'test-bucket')
    assert.deepEqual(
      server.points('test-bucket').map((p) => p.time),
      [2n, 3n],
    )
  })

  test('a parse error reaches the caller as an InfluxDBError with the server message', async () => {
    await assert.rejects(client.writeApi().write('test-bucket', undefined, 'h2o level=NaN 1'), (error: unknown) => {
      assert.ok(error instanceof InfluxDBError)
      assert.equal(error.statusCode, 400)
      assert.equal(error.code, 'invalid')
      assert.equal(error.message, "unable to parse 'h2o level=NaN 1': invalid number")
      return true
    })
  })
})
