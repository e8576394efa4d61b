// A table through client.writeApi().write() on the wire (a recording server on loopback):
// bodies of `chunkSize` rows, exact bytes, errors before any request.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import { InfluxDBClientAsync, RecordError, type WriteRecords } from '../../../src/index.js'
import type { TestServer } from '../../../src/testing/index.js'
import { startAnsweringServer } from '../../support/replies.js'

describe('write() with a table', () => {
  let server: TestServer
  let client: InfluxDBClientAsync
  before(async () => {
    server = await startAnsweringServer()
    client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o' })
  })
  after(async () => {
    await client.close()
    await server.close()
  })

  test('sends chunkSize rows per request, in order, with default tags and precision', async () => {
    server.requests.length = 0
    const table = arrow.tableFromArrays({
      host: ['a', 'b', 'c', 'd', 'e'],
      v: new Float64Array([1, 2, 3, 4, 5]),
      time: new BigInt64Array([1n, 2n, 3n, 4n, 5n]),
    })
    const writeApi = client.writeApi({ defaultTags: { dc: 'eu' } })
    const written = await writeApi.write({
      bucket: 'b',
      record: table,
      writePrecision: 's',
      dataFrameMeasurementName: 'm',
      dataFrameTagColumns: ['host'],
      chunkSize: 2,
    })
    assert.equal(written, true)
    assert.deepEqual(
      server.requests.map((r) => [r.path, r.query.precision, r.body]),
      [
        ['/api/v2/write', 's', 'm,dc=eu,host=a v=1 1\nm,dc=eu,host=b v=2 2'],
        ['/api/v2/write', 's', 'm,dc=eu,host=c v=3 3\nm,dc=eu,host=d v=4 4'],
        ['/api/v2/write', 's', 'm,dc=eu,host=e v=5 5'],
      ],
    )
  })

  test('an array that holds itself twice is refused at once, not walked exponentially while looking for tables', async () => {
    server.requests.length = 0
    const looped: WriteRecords[] = ['m f=1 1']
    looped.push(looped, looped)
    await assert.rejects(
      client.writeApi().write('b', 'o', looped),
      (e: unknown) => e instanceof RecordError && e.path.join() === '1',
    )
    assert.equal(server.requests.length, 0)
  })

  test('a chunkSize that is not an integer >= 1 is refused by name before any request', async () => {
    server.requests.length = 0
    for (const chunkSize of [0, -1, 1.5, Number.NaN, '2' as unknown as number]) {
      await assert.rejects(
        client.writeApi().write({ bucket: 'b', record: { v: [1] }, dataFrameMeasurementName: 'm', chunkSize }),
        {
          name: 'InvalidArgumentError',
          message: `write: "chunkSize" must be an integer >= 1, got ${String(chunkSize)}`,
        },
      )
    }
    assert.equal(server.requests.length, 0)
  })

  test('a table mixed with other records in an array', async () => {
    server.requests.length = 0
    await client.writeApi().write({
      bucket: 'b',
      record: ['pre v=0 0', { time: [7n], v: [7] }],
      dataFrameMeasurementName: 'm',
    })
    assert.deepEqual(
      server.requests.map((r) => r.body),
      ['pre v=0 0\nm v=7 7'],
    )
  })

  test('a table without dataFrameMeasurementName is refused before any request', async () => {
    server.requests.length = 0
    await assert.rejects(
      client.writeApi().write({ bucket: 'b', record: [{ v: [1] }] as unknown as WriteRecords }),
      (error: unknown) => {
        assert.ok(error instanceof RecordError)
        assert.equal(
          error.message,
          'record [0]: writing a table (columnar object) needs dataFrameMeasurementName, the measurement of its rows',
        )
        return true
      },
    )
    assert.equal(server.requests.length, 0)
  })
})
