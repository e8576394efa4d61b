// influxdb-client-async/compat: programs written as @influxdata/influxdb-client's documentation
// shows them (write, advanced batching, error handling, delete), run against the embedded server
// with only the import changed; and the line protocol compared byte for byte with the official Point.
import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { hostname } from 'node:os'
import * as official from '@influxdata/influxdb-client'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import {
  DEFAULT_WriteOptions,
  DeleteAPI,
  HttpError,
  IllegalArgumentError,
  InfluxDB,
  Point,
  type WriteFailure,
} from '../../src/compat/index.js'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(async () => {
  await server.close()
})
beforeEach(() => server.reset())

describe('the official client documented programs, import changed', () => {
  test('write: default tags, a point stamped now, a point with a Date, close()', async () => {
    const { url, token, org } = server
    const writeApi = new InfluxDB({ url, token }).getWriteApi(org, 'test-bucket', 'ns')
    writeApi.useDefaultTags({ location: hostname() })
    const before = BigInt(Date.now()) * 1_000_000n
    const point1 = new Point('temperature').tag('example', 'write.ts').floatField('value', 21.5)
    writeApi.writePoint(point1)
    const stamped = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))
    const point2 = new Point('temperature').tag('example', 'write.ts').floatField('value', 12.25).timestamp(stamped)
    writeApi.writePoint(point2)
    assert.equal(
      point2.toLineProtocol(writeApi),
      `temperature,example=write.ts,location=${hostname()} value=12.25 1767323045678000000`,
    )
    assert.equal(server.requests.length, 0, 'nothing is sent before the batch is full, flushed or closed')
    await writeApi.close()
    const after = BigInt(Date.now()) * 1_000_000n
    const points = server.points('test-bucket')
    assert.deepEqual(
      points.map((p) => [p.tags.location, p.tags.example, p.fields.value]),
      [
        [hostname(), 'write.ts', 12.25],
        [hostname(), 'write.ts', 21.5],
      ],
    )
    assert.equal(
      points[1].time >= before && points[1].time <= after,
      true,
      'a point without time is stamped when written',
    )
    assert.equal(points[0].time, 1767323045678000000n)
    assert.equal(server.requests.length, 1)
    assert.equal(server.requests[0].headers.authorization, `Token ${token}`)
    assert.deepEqual(server.requests[0].query, { org, bucket: 'test-bucket', precision: 'ns' })
  })

  test('writeAdvanced: batchSize, flushInterval 0, maxRetries 0, a flush per batch', async () => {
    const { url, token, org } = server
    const flushBatchSize = DEFAULT_WriteOptions.batchSize
    const influxDB = new InfluxDB({ url, token })
    const writeApi = influxDB.getWriteApi(org, 'test-bucket', 'ns', {
      batchSize: flushBatchSize + 1,
      defaultTags: { location: 'here' },
      flushInterval: 0,
      maxBufferLines: 30_000,
      maxRetries: 0,
    })
    for (let i = 0; i < 10_000; i++) {
      writeApi.writePoint(
        new Point('temperature2')
          .tag('example', 'writeAdvanced.ts')
          .floatField('value', i)
          .timestamp(i + 1),
      )
      if ((i + 1) % flushBatchSize === 0) await writeApi.flush()
    }
    await writeApi.close()
    assert.equal(server.count('test-bucket'), 10_000)
    assert.equal(server.requests.length, 10)
    const values = server.points('test-bucket').map((p) => p.fields.value)
    assert.deepEqual(
      values,
      Array.from({ length: 10_000 }, (_, i) => i),
    )
  })

  test('httpErrorHandled: a bad line makes close() reject with an HttpError 400 that names it', async () => {
    const { url, token, org } = server
    const writeApi = new InfluxDB({ url, token }).getWriteApi(org, 'test-bucket', 'ns')
    const failed: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void failed.push(args)
    try {
      writeApi.writeRecord('asdf')
      await assert.rejects(writeApi.close(), (e: unknown) => {
        assert.ok(e instanceof HttpError)
        assert.equal(e.statusCode, 400)
        assert.equal(typeof e.headers?.date, 'string')
        assert.equal(e.canRetry(), false)
        assert.deepEqual((e as WriteFailure).failedLines, ['asdf'])
        return true
      })
    } finally {
      console.error = original
    }
    assert.equal(failed.length, 1, 'the failed batch is also logged, as the official client does')
  })

  test('delete: DeleteAPI.postDelete with an RFC 3339 range and a predicate', async () => {
    const { url, token, org } = server
    const influxDB = new InfluxDB({ url, token })
    const writeApi = influxDB.getWriteApi(org, 'test-bucket', 's')
    writeApi.writeRecords(['temperature v=1 100', 'temperature v=2 200', 'humidity v=3 150'])
    await writeApi.close()
    await new DeleteAPI(influxDB).postDelete({
      org,
      bucket: 'test-bucket',
      body: {
        start: new Date(150_000).toISOString(),
        stop: new Date(250_000).toISOString(),
        predicate: '_measurement="temperature"',
      },
    })
    assert.deepEqual(
      server.points('test-bucket').map((p) => [p.measurement, p.time]),
      [
        ['humidity', 150_000_000_000n],
        ['temperature', 100_000_000_000n],
      ],
    )
  })
})

describe('where the official client loses data, compat reports it', () => {
  test('a point with no field is refused at writePoint, not skipped', () => {
    const writeApi = new InfluxDB({ url: server.url, token: server.token }).getWriteApi(server.org, 'test-bucket')
    assert.throws(() => writeApi.writePoint(new Point('m').tag('a', 'b')), IllegalArgumentError)
    assert.throws(() => writeApi.writePoints([new Point('m').intField('a', 1), new Point()]), /writePoint \[1\]/)
    assert.equal(writeApi.dispose(), 1, 'the good point before the bad one stays buffered')
  })

  test('values the official client would alter are refused', () => {
    assert.throws(() => new Point('m').intField('c', 3.7), /'c'.*3\.7.*not an integer/)
    assert.throws(() => new Point('m').intField('c', '12.5'), IllegalArgumentError)
    assert.throws(() => new Point('m').booleanField('b', 'false' as unknown as boolean), IllegalArgumentError)
    assert.throws(() => new Point('m').floatField('f', '12abc'), IllegalArgumentError)
    assert.equal(
      new Point('m').intField('c', '9223372036854775807').toLineProtocol({ convertTime: () => undefined }),
      'm c=9223372036854775807i',
    )
    assert.equal(
      new Point('m').uintField('u', 18446744073709551615n).toLineProtocol({ convertTime: () => undefined }),
      'm u=18446744073709551615u',
    )
  })

  test('close() waits for a scheduled retry instead of cancelling it', async () => {
    server.failNext({ status: 503, times: 1 })
    const attempts: number[] = []
    const written: string[][] = []
    const writeApi = new InfluxDB({ url: server.url, token: server.token }).getWriteApi(
      server.org,
      'test-bucket',
      'ns',
      {
        minRetryDelay: 20,
        maxRetryDelay: 40,
        retryJitter: 0,
        writeFailed: (_e, _lines, attempt) => void attempts.push(attempt),
        writeSuccess: (lines) => void written.push(lines),
      },
    )
    const original = console.error
    console.error = () => {}
    try {
      writeApi.writeRecord('m v=1 1')
      await writeApi.close()
    } finally {
      console.error = original
    }
    assert.deepEqual(attempts, [1])
    assert.deepEqual(written, [['m v=1 1']])
    assert.equal(server.count('test-bucket'), 1)
  })

  test('lines whose retries are spent make close() reject and list them', async () => {
    server.failNext({ status: 503, times: 10 })
    const writeApi = new InfluxDB({ url: server.url, token: server.token }).getWriteApi(
      server.org,
      'test-bucket',
      'ns',
      {
        minRetryDelay: 1,
        maxRetryDelay: 2,
        retryJitter: 0,
        maxRetries: 2,
      },
    )
    const original = console.error
    console.error = () => {}
    try {
      writeApi.writeRecords(['m v=1 1', 'm v=2 2'])
      await assert.rejects(writeApi.close(), (e: unknown) => {
        assert.ok(e instanceof HttpError)
        assert.equal(e.statusCode, 503)
        assert.deepEqual((e as WriteFailure).failedLines, ['m v=1 1', 'm v=2 2'])
        return true
      })
    } finally {
      console.error = original
    }
    assert.equal(server.requests.length, 3, 'the first attempt and two retries')
  })

  test('a retry that would overfill maxBufferLines is reported to writeRetrySkipped and by close()', async () => {
    server.failNext({ status: 503, times: 1 })
    const skipped: string[][] = []
    const writeApi = new InfluxDB({ url: server.url, token: server.token }).getWriteApi(
      server.org,
      'test-bucket',
      'ns',
      {
        maxBufferLines: 1,
        minRetryDelay: 1,
        retryJitter: 0,
        writeRetrySkipped: (entry) => void skipped.push(entry.lines),
      },
    )
    const original = console.error
    console.error = () => {}
    try {
      writeApi.writeRecords(['m v=1 1', 'm v=2 2'])
      await assert.rejects(writeApi.close(), (e: unknown) => (e as WriteFailure).failedLines?.length === 2)
    } finally {
      console.error = original
    }
    assert.deepEqual(skipped, [['m v=1 1', 'm v=2 2']])
  })
})

describe('line protocol identical to the official Point', () => {
  const cases: [string, (p: official.Point | Point) => void][] = [
    [
      'floats, ints, uints, strings, booleans',
      (p) => {
        p.tag('host', 'a b,c=d')
          .floatField('f', -1.25e-7)
          .intField('i', -42)
          .uintField('u', 7)
          .stringField('s', 'say "hi" \\ ok')
          .booleanField('b', true)
      },
    ],
    [
      'sorted keys and escaped names',
      (p) => {
        p.tag('z', '1').tag('a=b', 'x').floatField('zz', 1).floatField('a b', 2).booleanField('c', false)
      },
    ],
    [
      'an empty tag value is left out',
      (p) => {
        p.tag('empty', '').tag('kept', 'v').floatField('f', 1e21)
      },
    ],
    [
      'numeric strings',
      (p) => {
        p.floatField('f', '23.5').intField('i', '17').uintField('u', '18446744073709551615')
      },
    ],
  ]
  for (const [name, build] of cases) {
    test(name, () => {
      const theirs = new official.Point('my meas,x')
      const ours = new Point('my meas,x')
      build(theirs)
      build(ours)
      for (const time of [new Date(1_700_000_000_123), 1_700_000_000, '1700000000000000001', '']) {
        theirs.timestamp(time)
        ours.timestamp(time)
        assert.equal(ours.toLineProtocol(), theirs.toLineProtocol())
        const settings = { defaultTags: { dc: 'eu 1', host: 'overridden' } }
        assert.equal(ours.toLineProtocol(settings), theirs.toLineProtocol(settings))
      }
      const theirApi = new official.InfluxDB({ url: 'http://127.0.0.1:1' }).getWriteApi('o', 'b', 'ms')
      const ourApi = new InfluxDB({ url: 'http://127.0.0.1:1' }).getWriteApi('o', 'b', 'ms')
      theirs.timestamp(new Date(1_700_000_000_123))
      ours.timestamp(new Date(1_700_000_000_123))
      assert.equal(ours.toLineProtocol(ourApi), theirs.toLineProtocol(theirApi))
      theirApi.dispose()
      ourApi.dispose()
    })
  }
})
