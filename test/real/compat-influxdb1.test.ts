// influxdb-client-async/compat against real InfluxDB 1.6.7, written the way the official client's
// InfluxDB 1.8 example does it: token `username:password`, an empty org, bucket `database/retention-policy`.
// 1.6.7 has no /api/v2/write, so the official client cannot write to it at all; compat asks the
// server which API it speaks and writes through 1.x's own /write.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { InfluxDB, Point } from '../../src/compat/index.js'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'
import { asBigInt, createDatabase, dropDatabase, selectRows } from '../support/influx.js'
import { JsonNumber, type JsonValue } from '../support/lossless-json.js'

/** A number cell as its exact digits, other cells as they are. */
const exact = (value: JsonValue | undefined): unknown => (value instanceof JsonNumber ? value.raw : value)

const DB = 'compat_v1'
const server = await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7')
describe('compat, the official InfluxDB 1.8 idiom → InfluxDB 1.6.7', server, () => {
  before(() => createDatabase(DB))
  after(() => dropDatabase(DB))

  test('an empty org and database/retention-policy write natively, every value exact', async () => {
    const influxDB = new InfluxDB({ url: INFLUX_V1_URL, token: 'username:password' })
    const writeAPI = influxDB.getWriteApi('', `${DB}/autogen`, 'ms')
    writeAPI.writePoint(
      new Point('mem')
        .tag('host', 'host1')
        .floatField('used_percent', 23.43234543)
        .intField('total', '9007199254740993')
        .timestamp(1_700_000_000_123),
    )
    writeAPI.writePoint(
      new Point('mem')
        .tag('host', 'host2')
        .booleanField('ok', true)
        .stringField('note', 'a "quoted" \\ note')
        .timestamp(new Date(1_700_000_000_456)),
    )
    await writeAPI.close()
    const rows = await selectRows(DB, 'SELECT * FROM mem GROUP BY host', { epoch: 'ns' })
    assert.deepEqual(
      rows.map((r) => [
        r.tags.host,
        asBigInt(r.values.time),
        exact(r.values.used_percent),
        exact(r.values.total),
        r.values.ok,
        r.values.note,
      ]),
      [
        ['host1', 1_700_000_000_123_000_000n, '23.43234543', '9007199254740993', null, null],
        ['host2', 1_700_000_000_456_000_000n, null, null, true, 'a "quoted" \\ note'],
      ],
    )
  })
})
