// Real errors from InfluxDB 1.6.7 (through the gateway) reach the caller as the right error
// class, with the server's own words, and never with the token.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDBClientAsync, InfluxDBError, PartialWriteError } from '../../src/index.js'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { useInfluxTarget, TEST_ORG } from '../support/real-influx.js'
import { selectRows } from '../support/influx.js'
import type { JsonNumber } from '../support/lossless-json.js'

const DB = 'h3_errors'

describe('errors from real InfluxDB 1.6.7', await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'), () => {
  const target = useInfluxTarget(DB)

  test('field type conflict → PartialWriteError with the server reason and count', async () => {
    const api = target().client.writeApi()
    await api.write(DB, undefined, { measurement: 'conflict', fields: { v: 1n }, time: 1n })
    const error = await api.write(DB, undefined, { measurement: 'conflict', fields: { v: 1.5 }, time: 2n }).then(
      () => assert.fail('a type conflict must reject'),
      (e: unknown) => e,
    )
    assert.ok(error instanceof PartialWriteError, String(error))
    assert.equal(error.statusCode, 400)
    assert.equal(error.dropped, 1)
    const reason =
      'field type conflict: input field "v" on measurement "conflict" is type float, already exists as type integer'
    assert.ok(error.message.includes(reason), error.message)
    // 1.x names the measurement and field here, not the line, so there is no line to report.
  })

  test('a bad line among good ones: the good ones are stored, the bad one is named', async () => {
    const body = ['pw v=1 1', 'pw,a=1,a=2 v=2 2', 'pw v=3 3'].join('\n')
    const error = await target()
      .client.writeApi()
      .write(DB, undefined, body)
      .then(
        () => assert.fail('must reject'),
        (e: unknown) => e,
      )
    assert.ok(error instanceof PartialWriteError, String(error))
    assert.equal(error.statusCode, 400)
    const [rejected, ...more] = error.rejectedLines
    assert.equal(more.length, 0)
    assert.equal(rejected?.line, 'pw,a=1,a=2 v=2 2')
    assert.equal(rejected?.lineNumber, 2)
    assert.match(rejected?.reason ?? '', /duplicate tags/)
    const rows = await selectRows(DB, 'SELECT * FROM pw')
    assert.deepEqual(
      rows.map((r) => (r.values.v as JsonNumber).raw),
      ['1', '3'],
    )
  })

  test('an unparsable raw line alone → InfluxDBError 400 "invalid" with the parser text', async () => {
    const error = await target()
      .client.writeApi()
      .write(DB, undefined, 'bad,t=1 f= 1')
      .then(
        () => assert.fail('must reject'),
        (e: unknown) => e,
      )
    assert.ok(error instanceof InfluxDBError, String(error))
    assert.ok(!(error instanceof PartialWriteError))
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'invalid')
    assert.equal(error.message, "unable to parse 'bad,t=1 f= 1': missing field value")
    assert.deepEqual(JSON.parse(error.body), {
      code: 'invalid',
      message: "unable to parse 'bad,t=1 f= 1': missing field value",
    })
  })

  test('uint fields: InfluxDB 1.6.7 has none, and its refusal reaches the caller', async () => {
    const record = { measurement: 'uints', fields: { c: 42n }, time: 1n }
    const error = await target()
      .client.writeApi()
      .write({ bucket: DB, record, fieldTypes: { c: 'uint' } })
      .then(
        () => assert.fail('must reject'),
        (e: unknown) => e,
      )
    assert.ok(error instanceof InfluxDBError, String(error))
    assert.equal(error.statusCode, 400)
    assert.equal(error.message, "unable to parse 'uints c=42u 1': invalid number")
  })

  test('unknown database → 404 "not found"', async () => {
    const error = await target()
      .client.writeApi()
      .write('h3_no_such_database', undefined, 'm v=1 1')
      .then(
        () => assert.fail('must reject'),
        (e: unknown) => e,
      )
    assert.ok(error instanceof InfluxDBError, String(error))
    assert.equal(error.statusCode, 404)
    assert.equal(error.code, 'not found')
    assert.equal(error.message, 'database not found: "h3_no_such_database"')
  })

  test('wrong token → 401, and the token appears nowhere in the error', async () => {
    const secret = 'wrong-token-3f9a1c'
    const client = new InfluxDBClientAsync({ url: target().url, token: secret, org: TEST_ORG })
    try {
      const error = await client
        .writeApi()
        .write(DB, undefined, 'm v=1 1')
        .then(
          () => assert.fail('must reject'),
          (e: unknown) => e,
        )
      assert.ok(error instanceof InfluxDBError, String(error))
      assert.equal(error.statusCode, 401)
      assert.equal(error.code, 'unauthorized')
      const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack })
      assert.ok(!everything.includes(secret), 'the token leaked into the error')
    } finally {
      await client.close()
    }
  })

  test('delete errors from the server side come back as InfluxDBError', async () => {
    const error = await target()
      .client.deleteApi()
      .delete(0n, 1n, '', 'h3_no_such_database')
      .then(
        () => assert.fail('must reject'),
        (e: unknown) => e,
      )
    assert.ok(error instanceof InfluxDBError, String(error))
    assert.equal(error.statusCode, 404)
    assert.equal(error.message, 'database not found: h3_no_such_database')
  })
})
