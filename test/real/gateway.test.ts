// The v2→v1 gateway itself, driven with raw fetch calls: if it mistranslated, every client-level
// real-server test would be testing the gateway instead of the client.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { startGateway, type Gateway } from '../support/gateway.js'
import { createDatabase, dropDatabase, queryInflux, selectRows, asBigInt } from '../support/influx.js'
import { parsePredicate, parseRfc3339Nano, toInfluxQLDelete, DeleteRequestError } from '../support/delete-predicate.js'
import { INFLUX_V1_URL, needServer } from '../support/servers.js'

const DB = 'h3_gateway'

describe('delete translation (no server needed)', () => {
  test('predicate subset becomes a flat conjunction', () => {
    assert.deepEqual(parsePredicate('_measurement="h2o feet" AND (location=coyote_creek and "t k"!="a\\"b\\\\c")'), {
      measurements: ['h2o feet'],
      conditions: [
        { key: 'location', op: '=', value: 'coyote_creek' },
        { key: 't k', op: '!=', value: 'a"b\\c' },
      ],
    })
    assert.deepEqual(parsePredicate('  '), { measurements: [], conditions: [] })
    assert.deepEqual(parsePredicate('a<>1'), { measurements: [], conditions: [{ key: 'a', op: '!=', value: '1' }] })
  })

  test('refuses what 2.x refuses', () => {
    const cases: [string, number, RegExp][] = [
      ['a="x" OR b="y"', 400, /the logical operator OR is not supported yet at position 6$/],
      ["a='x'", 400, /bad tag value/],
      ['a=~/x/', 400, /operator: "=~" at position: 1 is not supported yet/],
      ['a>1', 400, /invalid operator ">"/],
      ['_field="f"', 501, /^delete by field is not supported$/],
      ['(a=b', 400, /extra \( seen/],
      ['a=b)', 400, /extra \) seen/],
      ['a=b c=d', 400, /bad logical expression, at position 4/],
      ['a=AND', 400, /bad tag value/],
    ]
    for (const [text, status, message] of cases) {
      assert.throws(
        () => parsePredicate(text),
        (e: unknown) => e instanceof DeleteRequestError && e.status === status && message.test(e.message),
        text,
      )
    }
  })

  test('RFC3339Nano to exact nanoseconds, 2.x bounds', () => {
    assert.equal(parseRfc3339Nano('1970-01-01T00:00:00.000000001Z', 'start'), 1n)
    assert.equal(parseRfc3339Nano('1969-12-31T23:59:59.999999999Z', 'start'), -1n)
    assert.equal(parseRfc3339Nano('1970-01-01T01:00:00+01:00', 'start'), 0n)
    assert.equal(parseRfc3339Nano('2262-04-11T23:47:16.854775806Z', 'stop'), 9223372036854775806n)
    assert.equal(parseRfc3339Nano('1677-09-21T00:12:43.145224194Z', 'start'), -9223372036854775806n)
    // Year 99 stays year 99 (Date.UTC would read it as 1999) and so is before the 2.x minimum.
    assert.throws(() => parseRfc3339Nano('0099-01-01T00:00:00Z', 'start'), /start time must not be before/)
    for (const bad of ['2020-01-01', '2020-01-01T00:00:00', '2020-01-01T00:00:00+0000', '2020-02-30T00:00:00Z', 7]) {
      assert.throws(() => parseRfc3339Nano(bad, 'start'), /invalid RFC3339Nano for field start/)
    }
    assert.throws(() => parseRfc3339Nano('2262-04-11T23:47:16.854775807Z', 'stop'), /stop time must not be after/)
  })

  test('InfluxQL statement', () => {
    assert.equal(
      toInfluxQLDelete(parsePredicate('_measurement="m\\"x" AND t="it\'s"'), -5n, 10n),
      `DELETE FROM "m\\"x" WHERE "t" = 'it\\'s' AND time >= -5 AND time <= 10`,
    )
    assert.equal(toInfluxQLDelete(parsePredicate(''), 0n, 1n), 'DELETE WHERE time >= 0 AND time <= 1')
    assert.equal(toInfluxQLDelete(parsePredicate('_measurement=a AND _measurement=b'), 0n, 1n), undefined)
  })
})

describe('gateway in front of InfluxDB 1.6.7', await needServer(`${INFLUX_V1_URL}/ping`, 204, 'InfluxDB 1.6.7'), () => {
  let gw: Gateway
  before(async () => {
    await createDatabase(DB)
    gw = await startGateway({ token: 'secret-token' })
  })
  after(async () => {
    await gw?.close()
    await dropDatabase(DB)
  })

  const v2write = (
    query: string,
    body: string | Uint8Array<ArrayBuffer>,
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    fetch(`${gw.url}/api/v2/write?${query}`, {
      method: 'POST',
      headers: { authorization: 'Token secret-token', ...headers },
      body,
    })
  const v2delete = (query: string, body: unknown): Promise<Response> =>
    fetch(`${gw.url}/api/v2/delete?${query}`, {
      method: 'POST',
      headers: { authorization: 'Token secret-token', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const times = async (measurement: string): Promise<bigint[]> =>
    (await selectRows(DB, `SELECT * FROM "${measurement}"`)).map((r) => asBigInt(r.values.time))

  test('each v2 precision lands at the right instant (us is mapped to u)', async () => {
    for (const precision of ['ns', 'us', 'ms', 's']) {
      const res = await v2write(`org=o&bucket=${DB}&precision=${precision}`, `prec,p=${precision} v=1 7`)
      assert.equal(res.status, 204, await res.text())
    }
    const rows = await selectRows(DB, 'SELECT * FROM prec')
    assert.deepEqual(
      rows.map((r) => [r.values.p, asBigInt(r.values.time)]),
      [
        ['ns', 7n],
        ['us', 7_000n],
        ['ms', 7_000_000n],
        ['s', 7_000_000_000n],
      ],
    )
    const upstream = gw.exchanges.filter((e) => e.url.includes('precision=')).map((e) => e.upstream)
    assert.deepEqual(upstream.slice(-4), [
      `/write?db=${DB}&precision=n`,
      `/write?db=${DB}&precision=u`,
      `/write?db=${DB}&precision=ms`,
      `/write?db=${DB}&precision=s`,
    ])
  })

  test('no precision means ns; db/rp bucket; gzip body passes through', async () => {
    const gz = new Uint8Array(gzipSync('gz,k=v f=2i 123456789\n'))
    assert.equal((await v2write(`org=o&bucket=${DB}/autogen`, gz, { 'content-encoding': 'gzip' })).status, 204)
    assert.equal(gw.exchanges.at(-1)?.contentEncoding, 'gzip')
    assert.equal(gw.exchanges.at(-1)?.upstream, `/write?db=${DB}&precision=n&rp=autogen`)
    const text = await queryInflux(DB, 'SELECT * FROM gz')
    assert.equal(
      text,
      `{"results":[{"statement_id":0,"series":[{"name":"gz","columns":["time","f","k"],"values":[[123456789,2,"v"]]}]}]}\n`,
    )
  })

  test('1.x errors come back in the v2 shape with the 1.x status and text', async () => {
    let res = await v2write(`org=o&bucket=${DB}`, 'bad v= 1')
    assert.equal(res.status, 400)
    assert.equal(res.headers.get('x-platform-error-code'), 'invalid')
    assert.deepEqual(await res.json(), { code: 'invalid', message: "unable to parse 'bad v= 1': missing field value" })

    assert.equal((await v2write(`org=o&bucket=${DB}`, 'conflict v=1i 1')).status, 204)
    res = await v2write(`org=o&bucket=${DB}`, 'conflict v=1.5 2')
    assert.equal(res.status, 400)
    assert.deepEqual(await res.json(), {
      code: 'invalid',
      message:
        'partial write: field type conflict: input field "v" on measurement "conflict" is type float, already exists as type integer dropped=1',
    })

    res = await v2write('org=o&bucket=h3_no_such_db', 'm v=1 1')
    assert.equal(res.status, 404)
    assert.deepEqual(await res.json(), { code: 'not found', message: 'database not found: "h3_no_such_db"' })

    res = await v2write(`org=o&bucket=${DB}/nope`, 'm v=1 1')
    assert.equal(res.status, 500)
    assert.deepEqual(await res.json(), { code: 'internal error', message: 'retention policy not found: nope' })
  })

  test('v2 request checks: auth, org, bucket, precision, method, path', async () => {
    const noAuth = await fetch(`${gw.url}/api/v2/write?org=o&bucket=${DB}`, { method: 'POST', body: 'm v=1' })
    assert.equal(noAuth.status, 401)
    assert.deepEqual(await noAuth.json(), { code: 'unauthorized', message: 'unauthorized access' })
    assert.equal((await v2write(`org=o&bucket=${DB}`, 'm v=1 1', { authorization: 'Token wrong' })).status, 401)
    assert.equal(
      (await v2write(`org=o&bucket=${DB}`, 'auth v=1 1', { authorization: 'bearer secret-token' })).status,
      204,
    )
    assert.deepEqual(await (await v2write(`bucket=${DB}`, 'm v=1')).json(), {
      code: 'invalid',
      message: 'Please provide either orgID or org',
    })
    assert.deepEqual(await (await v2write('org=o', 'm v=1')).json(), { code: 'not found', message: 'bucket not found' })
    const badPrecision = await v2write(`org=o&bucket=${DB}&precision=n`, 'm v=1')
    assert.equal(badPrecision.status, 400)
    assert.match(((await badPrecision.json()) as { message: string }).message, /^invalid precision/)
    const get = await fetch(`${gw.url}/api/v2/write?org=o&bucket=${DB}`, {
      headers: { authorization: 'Token secret-token' },
    })
    assert.equal(get.status, 405)
    await get.text()
    const other = await fetch(`${gw.url}/api/v2/query`, {
      method: 'POST',
      headers: { authorization: 'Token secret-token' },
    })
    assert.equal(other.status, 404)
    await other.text()
    const health = await fetch(`${gw.url}/health`)
    assert.equal(health.status, 200)
    assert.equal(((await health.json()) as { status: string }).status, 'pass')
    const ping = await fetch(`${gw.url}/ping`)
    assert.equal(ping.status, 204)
    assert.match(ping.headers.get('x-influxdb-version') ?? '', /^1\.6\.7/)
  })

  test('delete: inclusive bounds, measurement and tag predicate, RFC3339 with nanoseconds', async () => {
    const lines = ['a', 'b'].flatMap((host) => [-2, -1, 0, 1, 2, 3].map((t) => `del,host=${host} v=${t} ${t}`))
    assert.equal((await v2write(`org=o&bucket=${DB}`, [...lines, 'other,host=a v=1 0'].join('\n'))).status, 204)
    const res = await v2delete(`org=o&bucket=${DB}`, {
      start: '1969-12-31T23:59:59.999999999Z',
      stop: '1970-01-01T00:00:00.000000001Z',
      predicate: '_measurement="del" AND (host="a")',
    })
    assert.equal(res.status, 204, await res.text())
    assert.equal(gw.exchanges.at(-1)?.upstream, `DELETE FROM "del" WHERE "host" = 'a' AND time >= -1 AND time <= 1`)
    const remaining = await selectRows(DB, 'SELECT * FROM del GROUP BY host')
    assert.deepEqual(
      remaining.map((r) => `${r.tags.host}@${asBigInt(r.values.time)}`),
      ['a@-2', 'a@2', 'a@3', 'b@-2', 'b@-1', 'b@0', 'b@1', 'b@2', 'b@3'],
    )
    assert.deepEqual(await times('other'), [0n])

    // No _measurement: every measurement in the range.
    assert.equal(
      (await v2delete(`org=o&bucket=${DB}`, { start: '1970-01-01T00:00:00Z', stop: '1970-01-01T00:00:00Z' })).status,
      204,
    )
    assert.deepEqual(await times('other'), [])
    assert.deepEqual((await times('del')).length, 8)
  })

  test('delete errors: bad time, bad predicate, missing org or bucket, unknown database', async () => {
    const range = { start: '1970-01-01T00:00:00Z', stop: '1970-01-01T00:00:01Z' }
    const cases: [string, unknown, number, string][] = [
      [
        `org=o&bucket=${DB}`,
        { ...range, start: '1970-01-01' },
        400,
        'error decoding json body: invalid RFC3339Nano for field start, please format your time with RFC3339Nano format, example: 2009-01-02T23:00:00Z',
      ],
      [
        `org=o&bucket=${DB}`,
        { ...range, predicate: 'a="b" or c="d"' },
        400,
        'error decoding json body: the logical operator OR is not supported yet at position 6',
      ],
      [`org=o&bucket=${DB}`, { ...range, predicate: '_field="v"' }, 501, 'delete by field is not supported'],
      [`bucket=${DB}`, range, 400, 'Please provide either orgID or org'],
      ['org=o', range, 400, 'Please provide either bucketID or bucket'],
      ['org=o&bucket=h3_no_such_db', range, 404, 'database not found: h3_no_such_db'],
    ]
    for (const [query, body, status, message] of cases) {
      const res = await v2delete(query, body)
      assert.equal(res.status, status, message)
      assert.equal(((await res.json()) as { message: string }).message, message)
    }
  })
})
