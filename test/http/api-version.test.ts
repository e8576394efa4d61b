// How /ping answers choose an API, the hint a wrong choice adds to a 404, where each API's write
// goes, and the 3.x error bodies mapped back to the sent lines.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { identifyServer, wrongApiHint } from '../../src/http/api-version.js'
import { errorFromResponse } from '../../src/http/errors.js'
import { PartialWriteError } from '../../src/errors.js'
import { writeEndpoint, splitV1Bucket } from '../../src/write/write-endpoint.js'

describe('identifyServer: the /ping answer of each generation', () => {
  test('3.x, 1.x, 2.x and anything else', () => {
    const cases: [number, Record<string, string>, string, string, string | undefined][] = [
      [
        200,
        { 'x-influxdb-build': 'Core', 'x-influxdb-version': '3.10.0' },
        '{"product_name":"InfluxDB 3 Core","version":"3.10.0"}',
        'v3',
        '3.10.0',
      ],
      [200, { 'x-influxdb-build': 'Enterprise' }, '{"version":"3.4.1"}', 'v3', '3.4.1'],
      [204, { 'x-influxdb-build': 'OSS', 'x-influxdb-version': '1.6.7~rc0' }, '', 'v1', '1.6.7~rc0'],
      [204, { 'x-influxdb-build': 'Enterprise', 'x-influxdb-version': '1.11.8-c1.11.8' }, '', 'v1', '1.11.8-c1.11.8'],
      [204, { 'x-influxdb-build': 'OSS', 'x-influxdb-version': 'v2.7.11' }, '', 'v2', 'v2.7.11'],
      [204, { 'x-influxdb-version': '2.0.4' }, '', 'v2', '2.0.4'],
      [204, {}, '', 'v2', undefined],
      [200, { 'content-type': 'text/plain' }, 'pong', 'v2', undefined],
    ]
    for (const [status, headers, body, api, version] of cases) {
      const identity = identifyServer(status, headers, body)
      assert.deepEqual([identity.apiVersion, identity.serverVersion], [api, version], JSON.stringify(headers))
    }
  })
})

describe('wrongApiHint', () => {
  test("a router's 404 names the choice and the API the version points to", () => {
    assert.equal(
      wrongApiHint('v2', 'v2', 404, { 'x-influxdb-version': '1.6.7~rc0' }, '404 page not found\n'),
      "sent with apiVersion: 'v2'; this server says it is InfluxDB 1.6.7~rc0, which needs apiVersion: 'v1' or 'auto'",
    )
    assert.equal(
      wrongApiHint(
        'v3',
        'auto',
        404,
        { 'x-influxdb-version': 'v2.7.11' },
        '{"code":"not found","message":"path not found"}',
      ),
      "apiVersion 'auto' chose 'v3'; this server says it is InfluxDB v2.7.11, which needs apiVersion: 'v2' or 'auto'",
    )
    assert.match(
      wrongApiHint('v1', 'v1', 405, {}, '') ?? '',
      /^sent with apiVersion: 'v1'; the server does not have this endpoint: .*'v2' or 'v3', or 'auto'/,
    )
  })
  test('no hint for a 404 about data, or for other statuses', () => {
    assert.equal(
      wrongApiHint('v1', 'v1', 404, { 'x-influxdb-version': '1.8.10' }, '{"error":"database not found: \\"x\\""}'),
      undefined,
    )
    assert.equal(wrongApiHint('v2', 'v2', 400, { 'x-influxdb-version': '1.8.10' }, '404 page not found'), undefined)
  })
})

describe('writeEndpoint: path and query of each API', () => {
  test('v2, v1 and v3', () => {
    assert.deepEqual(writeEndpoint('v2', { bucket: 'b', org: 'o', precision: 'us' }), {
      path: '/api/v2/write',
      query: { org: 'o', bucket: 'b', precision: 'us' },
    })
    assert.deepEqual(
      writeEndpoint('v1', { bucket: 'db/rp', org: undefined, precision: 'us' }, { consistency: 'all' }),
      {
        path: '/write',
        query: { db: 'db', rp: 'rp', precision: 'u', consistency: 'all' },
      },
    )
    assert.deepEqual(
      ['ns', 'us', 'ms', 's'].map(
        (p) => writeEndpoint('v1', { bucket: 'db', org: undefined, precision: p as 'ns' }).query.precision,
      ),
      ['n', 'u', 'ms', 's'],
    )
    assert.deepEqual(
      (['ns', 'us', 'ms', 's', 'auto'] as const).map(
        (p) => writeEndpoint('v3', { bucket: 'db', org: undefined, precision: p }).query.precision,
      ),
      ['nanosecond', 'microsecond', 'millisecond', 'second', 'auto'],
    )
    assert.deepEqual(
      writeEndpoint('v3', { bucket: 'db', org: undefined, precision: 'ns' }, { acceptPartial: true, noSync: false })
        .query,
      {
        db: 'db',
        precision: 'nanosecond',
        accept_partial: undefined,
        no_sync: undefined,
      },
    )
    assert.throws(() => writeEndpoint('v2', { bucket: 'b', org: 'o', precision: 'auto' }), /'auto' is InfluxDB 3's/)
  })
  test('a v1 bucket splits at the first slash; an empty part is refused', () => {
    assert.deepEqual(splitV1Bucket('db/rp/x', 'write'), { db: 'db', rp: 'rp/x' })
    assert.throws(() => splitV1Bucket('/rp', 'write'), /"database" or "database\/retention-policy"/)
    assert.throws(() => splitV1Bucket('db/', 'write'), /"database" or "database\/retention-policy"/)
  })
})

describe('3.x error bodies', () => {
  const sent = 'cpu v=1 1\n\ncpu,host=a-rather-long-host-name v= 2\ncpu v=3 3\ncpu,😀😀😀😀😀=x v= 4'
  test('a partial write: each line taken whole from the sent body by line_number (blank lines are not counted)', () => {
    const body = JSON.stringify({
      error: 'partial write of line protocol occurred',
      data: [
        { error_message: 'No fields were provided', line_number: 2, original_line: 'cpu,host=a-rather-lo' },
        { error_message: 'No fields were provided', line_number: 4, original_line: 'cpu,😀😀😀😀' },
      ],
    })
    const error = errorFromResponse({ status: 400, headers: {}, body }, sent)
    assert.ok(error instanceof PartialWriteError)
    assert.deepEqual(error.rejectedLines, [
      { reason: 'No fields were provided', lineNumber: 2, line: 'cpu,host=a-rather-long-host-name v= 2' },
      { reason: 'No fields were provided', lineNumber: 4, line: 'cpu,😀😀😀😀😀=x v= 4' },
    ])
  })
  test('a line number whose line does not start with original_line keeps what the server gave', () => {
    const body = JSON.stringify({
      error: 'partial write of line protocol occurred',
      data: [{ error_message: 'bad', line_number: 1, original_line: 'other' }],
    })
    assert.deepEqual((errorFromResponse({ status: 422, headers: {}, body }, sent) as PartialWriteError).rejectedLines, [
      { reason: 'bad', lineNumber: 1, line: 'other' },
    ])
  })
  test('accept_partial=false, both wordings: not a partial write, the message names the whole line', () => {
    for (const wording of ['line protocol parsing error', 'parsing failed for write_lp endpoint']) {
      const body = JSON.stringify({
        error: wording,
        data: { error_message: 'No fields were provided', line_number: 2, original_line: 'cpu,host=a-rather-lo' },
      })
      const error = errorFromResponse({ status: 400, headers: {}, body }, sent)
      assert.ok(!(error instanceof PartialWriteError))
      assert.equal(
        error.message,
        `${wording} at line 2 ("cpu,host=a-rather-long-host-name v= 2"): No fields were provided`,
      )
    }
  })
})
