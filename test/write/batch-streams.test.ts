// The synchronous add() and the streams taken from a BatchWriter, against the embedded test
// server: backpressure bounds, every point stored or named as lost, errors at the call, abort.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { InfluxDBClientAsync, Point, type WriteRecords } from '../../src/index.js'
import { ClosedError, RecordError, UndeliveredLinesError } from '../../src/errors.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'
import type { BatchWriter } from '../../src/write/batch-writer.js'
import type { BatchWriterOptions } from '../../src/write/batch-options.js'

const BUCKET = 'test-bucket'

function point(i: number): Point {
  return new Point('m')
    .tag('t', `t${i % 7}`)
    .intField('i', i)
    .time(BigInt(i), 'ns')
}

function* points(count: number, counter?: { yielded: number }): Generator<Point> {
  for (let i = 0; i < count; i++) {
    if (counter !== undefined) counter.yielded++
    yield point(i)
  }
}

/** A server and a client-built writer, both cleaned up after `body`. */
async function withWriter(
  options: Partial<BatchWriterOptions>,
  body: (ctx: { server: TestServer; writer: BatchWriter }) => Promise<void>,
): Promise<void> {
  const server = await startTestServer()
  const client = new InfluxDBClientAsync({ url: server.url, token: server.token, org: server.org })
  const writer = client.writeApi().batchWriter({ bucket: BUCKET, retry: false, flushInterval: 0, ...options })
  try {
    await body({ server, writer })
  } finally {
    writer.abort()
    await writer.close().catch(() => undefined)
    await client.close()
    await server.close()
  }
}

/** The `i` field of every stored point, sorted. */
function storedIndexes(server: TestServer): number[] {
  return server
    .points(BUCKET)
    .map((p) => Number(p.fields.i))
    .sort((a, b) => a - b)
}

/** The `i` of each line an UndeliveredLinesError names. */
function namedIndexes(error: UndeliveredLinesError): number[] {
  return error.lines.map((line) => Number(/ i=(\d+)i /.exec(line)![1])).sort((a, b) => a - b)
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i)
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail('expected a rejection')
}

describe('BatchWriter.add(): synchronous, with drain', () => {
  test('returns false once maxBufferedLines are held, drained() resolves when there is room; every point is stored', async () => {
    await withWriter({ batchSize: 100, maxBufferedLines: 300, maxInFlight: 1 }, async ({ server, writer }) => {
      server.delay(20)
      let falses = 0
      for (let i = 0; i < 2000; i++) {
        if (!writer.add(point(i))) {
          falses++
          assert.ok(writer.stats.bufferedLines <= 300)
          await writer.drained()
        }
      }
      await writer.close()
      assert.ok(falses >= 2000 / 300, `add() returned false ${falses} times`)
      assert.equal(writer.stats.peakBufferedLines, 300)
      assert.deepEqual(storedIndexes(server), range(2000))
    })
  })

  test('a record added past false waits for room outside the buffer and is written in order', async () => {
    await withWriter({ batchSize: 10, maxBufferedLines: 10, maxInFlight: 1 }, async ({ server, writer }) => {
      server.delay(10)
      const answers: boolean[] = []
      for (let i = 0; i < 35; i++) answers.push(writer.add(point(i)))
      assert.ok(answers.includes(false))
      assert.ok(writer.stats.bufferedLines <= 10)
      await writer.close()
      assert.equal(writer.stats.peakBufferedLines, 10)
      const sent = server.requests.filter((r) => r.status === 204).flatMap((r) => r.body.split('\n'))
      assert.deepEqual(
        sent.map((line) => Number(/ i=(\d+)i /.exec(line)![1])),
        range(35),
      )
    })
  })

  test('a bad record throws RecordError at the call; nothing of that call is taken; no unhandled rejection', async () => {
    await withWriter({ batchSize: 100 }, async ({ server, writer }) => {
      writer.add(point(0))
      assert.throws(
        () => writer.add({ measurement: 'm', fields: {} }),
        (error: unknown) => error instanceof RecordError && /no fields/.test(error.message),
      )
      assert.throws(
        () =>
          writer.add([point(1), { measurement: 'm', tags: {}, fields: { i: Symbol('x') } }] as unknown as WriteRecords),
        (error: unknown) => error instanceof RecordError && (error.path as number[])[0] === 1,
      )
      writer.add({ measurement: 'm', tags: { t: 't2' }, fields: { i: 2n }, time: 2n })
      await writer.close()
      assert.deepEqual(storedIndexes(server), [0, 2])
      assert.throws(() => writer.add(point(3)), ClosedError)
    })
  })

  test('an async iterable is refused at the call', async () => {
    await withWriter({}, ({ writer }) => {
      const source: AsyncIterable<Point> = {
        [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
      }
      assert.throws(() => writer.add(source), /async iterable/)
      return Promise.resolve()
    })
  })

  test('abort() resolves drained() and lines waiting for room are reported undelivered', async () => {
    await withWriter({ batchSize: 10, maxBufferedLines: 10, maxInFlight: 1 }, async ({ server, writer }) => {
      server.delay(200)
      for (let i = 0; i < 30; i++) writer.add(point(i))
      const drained = writer.drained()
      writer.abort()
      await drained
      const error = await rejection(writer.close())
      assert.ok(error instanceof UndeliveredLinesError)
      // Everything was aborted before an answer came: each of the 30 lines is named once.
      assert.deepEqual(namedIndexes(error), range(30))
    })
  })
})

describe('BatchWriter.nodeWritable(): pipeline() into a Node stream', () => {
  test('a slow server: backpressure bounds the buffer, the pipeline ends once every point is stored', async () => {
    await withWriter({ batchSize: 500, maxBufferedLines: 1500, maxInFlight: 2 }, async ({ server, writer }) => {
      server.delay(15)
      await pipeline(Readable.from(points(20_000)), writer.nodeWritable())
      // Read at the moment the pipeline resolves: nothing may still be on its way.
      assert.deepEqual(storedIndexes(server), range(20_000))
      assert.ok(writer.stats.peakBufferedLines <= 1500)
      assert.equal(writer.closed, false)
      await writer.close()
    })
  })

  test('closeWriter: true closes the writer when the stream finishes', async () => {
    await withWriter({ batchSize: 100 }, async ({ server, writer }) => {
      await pipeline(Readable.from(points(1000)), writer.nodeWritable({ closeWriter: true }))
      assert.equal(writer.closed, true)
      assert.deepEqual(storedIndexes(server), range(1000))
    })
  })

  test('a failing server: the pipeline errors with UndeliveredLinesError, and every line taken is stored or named', async () => {
    await withWriter({ batchSize: 200, maxBufferedLines: 600, maxInFlight: 1 }, async ({ server, writer }) => {
      server.failNext({ status: 500, times: 2 })
      const counter = { yielded: 0 }
      const error = await rejection(pipeline(Readable.from(points(10_000, counter)), writer.nodeWritable()))
      assert.ok(error instanceof UndeliveredLinesError, String(error))
      const named = namedIndexes(error)
      const stored = storedIndexes(server)
      assert.equal(named.length, 400)
      assert.ok(!named.some((i) => stored.includes(i)))
      // Every line the writer took is accounted for, and it took no more than the source gave.
      const s = writer.stats
      assert.equal(stored.length, s.writtenLines)
      assert.equal(named.length, s.failedLines)
      assert.ok(s.writtenLines + s.failedLines <= counter.yielded)
      // The loss ended the stream; the writer was not aborted.
      assert.equal(writer.closed, false)
    })
  })

  test('a bad record errors the pipeline with its RecordError; the writer stays open and delivers the records before it', async () => {
    await withWriter({}, async ({ server, writer }) => {
      const error = await rejection(pipeline(Readable.from([point(0), { measurement: 'm' }]), writer.nodeWritable()))
      assert.ok(error instanceof RecordError)
      assert.equal(writer.closed, false)
      await writer.close()
      assert.deepEqual(storedIndexes(server), [0])
    })
  })

  test('destroying the stream aborts the writer', async () => {
    await withWriter({ batchSize: 100 }, async ({ server, writer }) => {
      server.delay(100)
      const stream: Writable = writer.nodeWritable()
      const errors: unknown[] = []
      stream.on('error', (error) => errors.push(error))
      stream.write(point(0))
      stream.destroy(new Error('stopped by the application'))
      await new Promise((resolve) => stream.once('close', resolve))
      assert.deepEqual(
        errors.map((e) => (e as Error).message),
        ['stopped by the application'],
      )
      assert.equal(writer.closed, true)
      assert.throws(() => writer.add(point(1)), ClosedError)
      const error = await rejection(writer.close())
      assert.ok(error instanceof UndeliveredLinesError)
      assert.deepEqual(namedIndexes(error), [0])
    })
  })
})

describe('BatchWriter.writableStream(): pipeTo() into a WHATWG stream', () => {
  const readable = (count: number, counter?: { yielded: number }): ReadableStream<Point> => {
    const source = points(count, counter)
    return new ReadableStream<Point>({
      pull(controller) {
        const next = source.next()
        if (next.done === true) controller.close()
        else controller.enqueue(next.value)
      },
    })
  }

  test('a slow server: backpressure bounds the buffer, pipeTo resolves once every point is stored', async () => {
    await withWriter({ batchSize: 500, maxBufferedLines: 1500, maxInFlight: 2 }, async ({ server, writer }) => {
      server.delay(15)
      await readable(20_000).pipeTo(writer.writableStream())
      assert.deepEqual(storedIndexes(server), range(20_000))
      assert.ok(writer.stats.peakBufferedLines <= 1500)
    })
  })

  test('a failing server: pipeTo rejects with UndeliveredLinesError naming exactly the lost lines', async () => {
    await withWriter({ batchSize: 200, maxBufferedLines: 600, maxInFlight: 1 }, async ({ server, writer }) => {
      server.failNext({ status: 500, times: 1 })
      const counter = { yielded: 0 }
      const error = await rejection(readable(5000, counter).pipeTo(writer.writableStream()))
      assert.ok(error instanceof UndeliveredLinesError, String(error))
      const named = namedIndexes(error)
      const stored = storedIndexes(server)
      assert.equal(named.length, 200)
      assert.ok(!named.some((i) => stored.includes(i)))
      assert.equal(stored.length + named.length, writer.stats.writtenLines + writer.stats.failedLines)
      assert.ok(stored.length + named.length <= counter.yielded)
    })
  })

  test('aborting the stream aborts the writer', async () => {
    await withWriter({ batchSize: 100 }, async ({ server, writer }) => {
      server.delay(100)
      const stream = writer.writableStream()
      const w = stream.getWriter()
      await w.write(point(0))
      await w.abort(new Error('stopped by the application'))
      assert.equal(writer.closed, true)
      const error = await rejection(writer.close())
      assert.ok(error instanceof UndeliveredLinesError)
      assert.deepEqual(namedIndexes(error), [0])
    })
  })
})

describe('streams of pages: each chunk an array of records', () => {
  function* pages(count: number, size: number): Generator<Point[]> {
    for (let start = 0; start < count; start += size) {
      yield Array.from({ length: Math.min(size, count - start) }, (_, k) => point(start + k))
    }
  }

  test('pipeline() of arrays into nodeWritable(): backpressure bounds the buffer, every point is stored', async () => {
    await withWriter({ batchSize: 500, maxBufferedLines: 1500, maxInFlight: 2 }, async ({ server, writer }) => {
      server.delay(10)
      await pipeline(Readable.from(pages(20_000, 700)), writer.nodeWritable())
      assert.deepEqual(storedIndexes(server), range(20_000))
      assert.ok(writer.stats.peakBufferedLines <= 1500)
    })
  })

  test('pipeTo() of arrays into writableStream(): backpressure bounds the buffer, every point is stored', async () => {
    await withWriter({ batchSize: 500, maxBufferedLines: 1500, maxInFlight: 2 }, async ({ server, writer }) => {
      server.delay(10)
      const source = pages(20_000, 700)
      const readable = new ReadableStream<Point[]>({
        pull(controller) {
          const next = source.next()
          if (next.done === true) controller.close()
          else controller.enqueue(next.value)
        },
      })
      await readable.pipeTo(writer.writableStream())
      assert.deepEqual(storedIndexes(server), range(20_000))
      assert.ok(writer.stats.peakBufferedLines <= 1500)
    })
  })
})

describe('BatchWriter: single records and async sources take the fast path with the walker’s rules', () => {
  test('write(point) and write(object) per record: lines, precision and default tags as write([records]) gives them', async () => {
    const server = await startTestServer()
    const client = new InfluxDBClientAsync({
      url: server.url,
      token: server.token,
      org: server.org,
      defaultTags: { dc: 'x' },
    })
    try {
      const writer = client
        .writeApi()
        .batchWriter({ bucket: BUCKET, retry: false, flushInterval: 0, fieldTypes: { n: 'int' } })
      await writer.write(new Point('m').tag('t', 'a').floatField('f', 1.5).time(1n, 's'))
      await writer.write({ measurement: 'm', tags: { t: 'b' }, fields: { n: 2, s: 'x' }, time: 2n })
      await writer.write({ measurement: 'm', tags: { t: 'c', dc: 'own' }, fields: { n: 3 }, time: 3n })
      await writer.close()
      const bodies = server.requests.filter((r) => r.status === 204).map((r) => `${r.query.precision} ${r.body}`)
      assert.deepEqual(bodies.sort(), ['ns m,dc=x,t=b n=2i,s="x" 2\nm,dc=own,t=c n=3i 3', 's m,dc=x,t=a f=1.5 1'])
    } finally {
      await client.close()
      await server.close()
    }
  })

  test('writeAll(async generator): a bad record is named by its index, the records before it are written, the source is closed', async () => {
    await withWriter({ batchSize: 100 }, async ({ server, writer }) => {
      let closed = false
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* source(): AsyncGenerator<unknown> {
        try {
          yield point(0)
          yield [point(1), point(2)]
          yield { measurement: 'm', tags: { t: 'x' }, fields: { i: 3n }, time: 3n }
          yield { measurement: 'm', fields: { i: Symbol('bad') } }
          yield point(5)
        } finally {
          closed = true
        }
      }
      const error = await rejection(writer.writeAll(source() as AsyncIterable<WriteRecords>))
      assert.ok(error instanceof RecordError, String(error))
      assert.deepEqual(error.path, [3])
      assert.equal(closed, true)
      await writer.flush()
      assert.deepEqual(storedIndexes(server), [0, 1, 2, 3])
    })
  })

  test('writeAll(async generator): a bad record inside a yielded array is named [index, position]; null is refused', async () => {
    await withWriter({}, async ({ writer }) => {
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* source(): AsyncGenerator<unknown> {
        yield point(0)
        yield [point(1), { measurement: 'm' }]
      }
      const error = await rejection(writer.writeAll(source() as AsyncIterable<WriteRecords>))
      assert.ok(error instanceof RecordError)
      assert.deepEqual(error.path, [1, 1])
      // eslint-disable-next-line @typescript-eslint/require-await -- an async source on purpose, with nothing to wait for
      async function* withNull(): AsyncGenerator<unknown> {
        yield point(0)
        yield null
      }
      const nullError = await rejection(writer.writeAll(withNull() as AsyncIterable<WriteRecords>))
      assert.ok(nullError instanceof RecordError)
      assert.deepEqual(nullError.path, [1])
    })
  })
})
