// Duplicate field keys in line-protocol text are sent as given (the client does not parse text);
// what the server keeps is checked on real InfluxDB 1.6.7, and Points and records never produce them.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, PartialWriteError, Point } from '../../src/index.js'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { useInfluxTarget } from '../support/real-influx.js'
import { selectRows } from '../support/influx.js'
import type { JsonNumber } from '../support/lossless-json.js'

const DB = 'h3_dup_fields'

test('text with a repeated field key goes out byte for byte; a Point or record keeps one key, the last value', async () => {
  const bodies: string[] = []
  const fetch = (_url: string, init: RequestInit): Promise<Response> => {
    bodies.push(init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : (init.body as string))
    return Promise.resolve(new Response(null, { status: 204 }))
  }
  const client = new InfluxDBClientAsync({ url: 'http://db.invalid', org: 'o', fetch, retry: false })
  const api = client.writeApi()
  await api.write('b', 'o', 'm f=1,f=2 1')
  await api.write('b', 'o', new Point('m').floatField('f', 1).floatField('f', 2).time(1n))
  await api.write('b', 'o', {
    measurement: 'm',
    fields: new Map([
      ['f', 1],
      ['f', 2],
    ]),
    time: 1n,
  })
  await client.close()
  assert.deepEqual(bodies, ['m f=1,f=2 1', 'm f=2 1', 'm f=2 1'])
})

describe(
  'duplicate field keys on real InfluxDB 1.6.7',
  await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'),
  () => {
    const target = useInfluxTarget(DB)

    test('the same type twice: accepted, and the last value is the one stored', async () => {
      assert.equal(await target().client.writeApi().write(DB, undefined, 'dup f=1,f=2 1'), true)
      const rows = await selectRows(DB, 'SELECT * FROM dup')
      assert.deepEqual(
        rows.map((r) => (r.values.f as JsonNumber).raw),
        ['2'],
      )
    })

    test('two types: the point is refused as a field type conflict (PartialWriteError)', async () => {
      const error = await target()
        .client.writeApi()
        .write(DB, undefined, 'dup2 g=1,g="x" 1')
        .then(
          () => assert.fail('must reject'),
          (e: unknown) => e,
        )
      assert.ok(error instanceof PartialWriteError, String(error))
      assert.match(error.message, /field type conflict: input field "g" on measurement "dup2"/)
    })
  },
)

test('the embedded test server does what InfluxDB does: the last value of one type, a conflict for two', async () => {
  const { startTestServer } = await import('../../src/testing/index.js')
  const server = await startTestServer({ port: 0, token: 't', org: 'o', buckets: ['b'] })
  const client = new InfluxDBClientAsync({ url: server.url, token: 't', org: 'o', retry: false })
  try {
    await client.writeApi().write('b', 'o', 'dup f=1,f=2 1')
    assert.deepEqual(
      server.points('b').map((p) => p.fields),
      [{ f: 2 }],
    )
    await assert.rejects(
      client.writeApi().write('b', 'o', 'dup2 g=1,g="x" 1'),
      (e: unknown) => e instanceof PartialWriteError && /field type conflict/.test(e.message),
    )
  } finally {
    await client.close()
    await server.close()
  }
})
