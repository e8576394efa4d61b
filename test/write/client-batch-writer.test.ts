// client.writeApi().batchWriter(): the writer as users get it, with the package's serialisers,
// default tags, org resolution and transport, checked byte for byte at a local server.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ClosedError,
  InfluxDBClientAsync,
  Point,
  RecordError,
  InvalidArgumentError,
  UndeliveredLinesError,
  type WriteRecords,
} from '../../src/index.js'
import { startFaultyTestServer } from '../support/faults.js'
import { waitFor } from '../support/wait.js'

async function withClient(
  body: (ctx: { client: InfluxDBClientAsync; requests: string[] }) => Promise<void>,
): Promise<void> {
  const requests: string[] = []
  const server = await startFaultyTestServer({
    onAcknowledged: (lines, r) => requests.push(`${r.url}\n${lines.join('\n')}`),
  })
  const client = new InfluxDBClientAsync({ url: server.url, token: 'tok', org: 'my-org', defaultTags: { dc: 'eu' } })
  try {
    await body({ client, requests })
  } finally {
    await client.close()
    await server.close()
  }
}

describe('client.writeApi().batchWriter()', () => {
  test('Points, objects and text: default tags, per-precision batches, exact bodies', async () => {
    await withClient(async ({ client, requests }) => {
      const writer = client.writeApi().batchWriter({ bucket: 'my-bucket', batchSize: 100 })
      await writer.write([
        new Point('pt').tag('host', 'a').floatField('v', 1.5).time(1n, 's'),
        'raw,a=1 f=1 5',
        { measurement: 'obj', tags: { t: 'x' }, fields: { v: 2n }, time: 7n },
      ])
      await writer.write(new Point('pt').tag('host', 'b').booleanField('ok', true).time(2n, 's'))
      await writer.close()
      assert.deepEqual(requests, [
        '/api/v2/write?org=my-org&bucket=my-bucket&precision=s\npt,dc=eu,host=a v=1.5 1\npt,dc=eu,host=b ok=true 2',
        '/api/v2/write?org=my-org&bucket=my-bucket&precision=ns\nraw,a=1 f=1 5\nobj,dc=eu,t=x v=2i 7',
      ])
    })
  })

  test('bytes, class instances with record options, and a columnar table go through the same path', async () => {
    await withClient(async ({ client, requests }) => {
      class Reading {
        constructor(
          readonly sensor: string,
          readonly value: number,
          readonly at: bigint,
        ) {}
      }
      const writer = client.writeApi().batchWriter({ bucket: 'b', batchSize: 100, writePrecision: 's' })
      await writer.write(
        [
          new TextEncoder().encode('bytes,k=é v=1 1\nbytes,k=é v=2 2'),
          new Reading('s1', 2.5, 3n),
          { time: new BigInt64Array([4n, 5n]), host: ['h1', 'h2'], v: [1.5, 2.5] },
        ],
        {
          recordMeasurementName: 'reading',
          recordTagKeys: ['sensor'],
          recordFieldKeys: ['value'],
          recordTimeKey: 'at',
          dataFrameMeasurementName: 'table',
          dataFrameTagColumns: ['host'],
          dataFrameTimestampColumn: 'time',
        },
      )
      await writer.close()
      assert.deepEqual(requests, [
        '/api/v2/write?org=my-org&bucket=b&precision=s\nbytes,k=é v=1 1\nbytes,k=é v=2 2\nreading,dc=eu,sensor=s1 value=2.5 3\ntable,dc=eu,host=h1 v=1.5 4\ntable,dc=eu,host=h2 v=2.5 5',
      ])
    })
  })

  test('writeAll streams an async generator through the same path', async () => {
    await withClient(async ({ client, requests }) => {
      const writer = client
        .writeApi()
        .batchWriter({ bucket: 'b', org: 'other-org', batchSize: 2, writePrecision: 'ms', maxInFlight: 1 })
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* points(): AsyncGenerator<Point> {
        for (let i = 0; i < 3; i++) yield new Point('m').intField('i', i).time(BigInt(i))
      }
      await writer.writeAll(points())
      await writer.close()
      assert.deepEqual(requests, [
        '/api/v2/write?org=other-org&bucket=b&precision=ms\nm,dc=eu i=0i 0\nm,dc=eu i=1i 1',
        '/api/v2/write?org=other-org&bucket=b&precision=ms\nm,dc=eu i=2i 2',
      ])
    })
  })

  test('an async iterable after a nested array in the same page takes the async path: every line arrives', async () => {
    await withClient(async ({ client, requests }) => {
      const writer = client.writeApi().batchWriter({ bucket: 'b', batchSize: 100 })
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* more(): AsyncGenerator<string> {
        yield 'm f=2 2'
        yield 'm f=3 3'
      }
      await writer.write([['m f=1 1'], new Set(['m f=4 4']), more()])
      await writer.close()
      assert.deepEqual(requests, ['/api/v2/write?org=my-org&bucket=b&precision=ns\nm f=1 1\nm f=4 4\nm f=2 2\nm f=3 3'])
    })
  })

  test('a bad record rejects write() with its path; every record before it is written, none after it', async () => {
    await withClient(async ({ client, requests }) => {
      const writer = client.writeApi().batchWriter({ bucket: 'b', batchSize: 100 })
      const error = await writer
        .write([new Point('m').floatField('v', 1), 'm v=2', 42, 'm v=4'] as unknown as WriteRecords)
        .then(
          () => assert.fail('expected a RecordError'),
          (e: unknown) => e,
        )
      assert.ok(error instanceof RecordError)
      assert.deepEqual(error.path, [2])
      await writer.close()
      assert.deepEqual(requests, ['/api/v2/write?org=my-org&bucket=b&precision=ns\nm,dc=eu v=1\nm v=2'])
    })
  })

  test('past a chunk boundary, and from an async source that throws: every record before the failure is written', async () => {
    await withClient(async ({ client, requests }) => {
      const writer = client.writeApi().batchWriter({ bucket: 'b', batchSize: 5000 })
      const good = Array.from({ length: 600 }, (_, i) => `m v=${i} ${i}`)
      await assert.rejects(
        writer.write([...good, { measurement: 'm', fields: {} }, 'm v=999 999']),
        (e: unknown) => e instanceof RecordError && e.path[0] === 600,
      )
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* failing(): AsyncGenerator<string> {
        yield 'a v=1 1'
        yield 'a v=2 2'
        throw new Error('source broke')
      }
      await assert.rejects(writer.writeAll(failing()), /source broke/)
      await writer.close()
      const lines = requests.flatMap((r) => r.split('\n').slice(1))
      assert.deepEqual(lines, [...good, 'a v=1 1', 'a v=2 2'])
    })
  })

  test('client.close() ends the retry wait of an open BatchWriter: the waiting lines are reported undelivered at once', async () => {
    const requests: string[] = []
    const server = await startFaultyTestServer({
      decide: () => '503',
      onAcknowledged: (lines) => requests.push(...lines),
    })
    const client = new InfluxDBClientAsync({ url: server.url, token: 'tok', org: 'o' })
    try {
      const writer = client
        .writeApi()
        .batchWriter({ bucket: 'b', retry: { minRetryDelay: 30_000, maxRetryDelay: 30_000 } })
      await writer.write(['m v=1 1', 'm v=2 2'])
      const closing = writer.close().then(
        () => undefined,
        (e: unknown) => e,
      )
      await waitFor(() => writer.stats.retryWaits > 0, 'a retry wait')
      const started = performance.now()
      await client.close()
      const error = await closing
      assert.ok(performance.now() - started < 5000)
      assert.ok(error instanceof UndeliveredLinesError, String(error))
      assert.deepEqual(error.lines, ['m v=1 1', 'm v=2 2'])
      assert.ok(error.batches[0].reason instanceof ClosedError)
      assert.equal(server.requests.length, 1)
    } finally {
      await client.close()
      await server.close()
    }
  })

  test('a missing bucket is refused when the writer is made', async () => {
    await withClient(({ client }) => {
      assert.throws(() => client.writeApi().batchWriter({ bucket: '' }), InvalidArgumentError)
      return Promise.resolve()
    })
  })

  test('a long sync generator into a refusing server: reported during writeAll() as an async one is; no line is lost', async () => {
    const server = await startFaultyTestServer({
      decide: () => ({ status: 400, body: '{"code":"invalid","message":"refused"}' }),
    })
    const client = new InfluxDBClientAsync({ url: server.url, token: 'tok', org: 'my-org' })
    try {
      const writer = client.writeApi().batchWriter({ bucket: 'b', batchSize: 10, maxBufferedLines: 30, maxInFlight: 1 })
      let yielded = 0
      function* source(): Generator<string> {
        for (let i = 0; i < 2000; i++) {
          yielded++
          yield `m,t=x v=${i}i ${i}`
        }
      }
      const during = await writer.writeAll(source()).then(
        () => undefined,
        (e: unknown) => e,
      )
      assert.ok(during instanceof UndeliveredLinesError, `writeAll() did not report: ${String(during)}`)
      assert.ok(yielded < 2000, 'the rest of the source was read after the report')
      // What waits unreported never passed the bound by more than what one report finds.
      assert.ok(during.lines.length <= 30 + 10, `${during.lines.length} lines piled up`)
      const atClose = await writer.close().then(
        () => undefined,
        (e: unknown) => e,
      )
      const later = atClose instanceof UndeliveredLinesError ? atClose.lines : []
      const reported = [...during.lines, ...later]
      assert.equal(new Set(reported).size, reported.length)
      assert.deepEqual(
        reported.map((l) => Number(/v=(\d+)i/.exec(l)![1])).sort((a, b) => a - b),
        Array.from({ length: yielded }, (_, i) => i),
      )
    } finally {
      await client.close()
      await server.close()
    }
  })
})
